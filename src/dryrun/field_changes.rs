//! What an update changes: each field's value before and after.

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::values::record::GuardianField;

/// A field's value before and after an update (`None`: empty).
///
/// `Debug` masks both values: they may be emails or phone numbers.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The roster's current value.
    pub old: Option<String>,
    /// The file's value.
    pub new: Option<String>,
}

impl fmt::Debug for FieldChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let masked = |value: &Option<String>| value.as_deref().map(crate::values::text::mask);
        f.debug_struct("FieldChange")
            .field("old", &masked(&self.old))
            .field("new", &masked(&self.new))
            .finish()
    }
}

/// The fields an update changes, each once, in [`GuardianField`] order,
/// with their old and new values.
///
/// A guardian has six fields, and an update changes one or two: they are
/// kept side by side in one small allocation (a map's nodes would cost
/// ten times the memory, for a dry run that plans hundreds of thousands of
/// updates). Serialised as a map from the field's name to its change.
///
/// ```
/// use guardian_roster::{FieldChange, FieldChanges, GuardianField};
///
/// let changes: FieldChanges = [(
///     GuardianField::Email,
///     FieldChange { old: Some("a@example.com".into()), new: Some("b@example.com".into()) },
/// )]
/// .into_iter()
/// .collect();
/// assert_eq!(changes.len(), 1);
/// assert_eq!(changes.keys().collect::<Vec<_>>(), [GuardianField::Email]);
/// let email = changes.get(GuardianField::Email).and_then(|c| c.new.as_deref());
/// assert_eq!(email, Some("b@example.com"));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FieldChanges {
    changes: Box<[(GuardianField, FieldChange)]>,
}

impl FieldChanges {
    /// How many fields change.
    #[must_use]
    pub fn len(&self) -> usize {
        self.changes.len()
    }

    /// True when no field changes.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The change of `field`, if it changes.
    #[must_use]
    pub fn get(&self, field: GuardianField) -> Option<&FieldChange> {
        self.changes
            .binary_search_by_key(&field, |(f, _)| *f)
            .ok()
            .map(|at| &self.changes[at].1)
    }

    /// Whether `field` changes.
    #[must_use]
    pub fn contains(&self, field: GuardianField) -> bool {
        self.get(field).is_some()
    }

    /// The fields that change, in order.
    pub fn keys(&self) -> impl Iterator<Item = GuardianField> + '_ {
        self.changes.iter().map(|(field, _)| *field)
    }

    /// Each field that changes with its change, in order.
    pub fn iter(&self) -> impl Iterator<Item = (GuardianField, &FieldChange)> + '_ {
        self.changes.iter().map(|(field, change)| (*field, change))
    }
}

impl FromIterator<(GuardianField, FieldChange)> for FieldChanges {
    /// Sorted by field; of a field given twice, the last change is kept.
    fn from_iter<I: IntoIterator<Item = (GuardianField, FieldChange)>>(iter: I) -> FieldChanges {
        let mut changes: Vec<(GuardianField, FieldChange)> = iter.into_iter().collect();
        // Stable: the changes of one field stay in the order given.
        changes.sort_by_key(|(field, _)| *field);
        let mut kept: Vec<(GuardianField, FieldChange)> = Vec::with_capacity(changes.len());
        for (field, change) in changes {
            match kept.last_mut() {
                Some(last) if last.0 == field => last.1 = change,
                _ => kept.push((field, change)),
            }
        }
        FieldChanges {
            changes: kept.into_boxed_slice(),
        }
    }
}

impl<'a> IntoIterator for &'a FieldChanges {
    type Item = (GuardianField, &'a FieldChange);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (GuardianField, FieldChange)>,
        fn(&'a (GuardianField, FieldChange)) -> (GuardianField, &'a FieldChange),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.changes.iter().map(|(field, change)| (*field, change))
    }
}

impl fmt::Debug for FieldChanges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for FieldChanges {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (field, change) in self {
            map.serialize_entry(&field, change)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for FieldChanges {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<FieldChanges, D::Error> {
        struct Changes;
        impl<'de> Visitor<'de> for Changes {
            type Value = FieldChanges;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map from a guardian field to its old and new values")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FieldChanges, A::Error> {
                let mut changes = Vec::new();
                while let Some(entry) = map.next_entry::<GuardianField, FieldChange>()? {
                    if changes.iter().any(|(field, _)| *field == entry.0) {
                        return Err(serde::de::Error::custom(format_args!(
                            "the field {} is changed twice",
                            entry.0.as_str()
                        )));
                    }
                    changes.push(entry);
                }
                Ok(changes.into_iter().collect())
            }
        }
        deserializer.deserialize_map(Changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(old: &str, new: &str) -> FieldChange {
        FieldChange {
            old: Some(old.to_owned()),
            new: (!new.is_empty()).then(|| new.to_owned()),
        }
    }

    #[test]
    fn fields_are_sorted_once_each_and_found() {
        let changes: FieldChanges = [
            (GuardianField::Email, change("a@x.org", "b@x.org")),
            (GuardianField::FirstName, change("Ana", "Anna")),
            (GuardianField::Email, change("a@x.org", "c@x.org")),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            changes.keys().collect::<Vec<_>>(),
            [GuardianField::FirstName, GuardianField::Email]
        );
        assert_eq!(
            changes
                .get(GuardianField::Email)
                .and_then(|c| c.new.as_deref()),
            Some("c@x.org")
        );
        assert!(!changes.contains(GuardianField::LastName));
        assert!(std::mem::size_of::<FieldChanges>() <= 16);
    }

    #[test]
    fn serialised_as_a_map_and_read_back() {
        let changes: FieldChanges = [
            (GuardianField::Language, change("en", "")),
            (GuardianField::FirstName, change("Ana", "Anna")),
        ]
        .into_iter()
        .collect();
        let json = serde_json::to_string(&changes).expect("serialises");
        assert_eq!(
            json,
            r#"{"first_name":{"old":"Ana","new":"Anna"},"language":{"old":"en","new":null}}"#
        );
        let back: FieldChanges = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, changes);
        let twice = r#"{"language":{"old":"en","new":null},"language":{"old":"x","new":null}}"#;
        let error = serde_json::from_str::<FieldChanges>(twice).expect_err("refused");
        assert!(
            error
                .to_string()
                .contains("the field language is changed twice"),
            "{error}"
        );
    }
}
