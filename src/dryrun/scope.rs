//! The scope of a full sync: the whole district, or some of its schools.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::values::id::SchoolId;

/// Which part of the roster an upload governs, as the product's District
/// page and School page upload for.
///
/// A full sync removes links only within its scope: a school's upload says
/// nothing about other schools' families. In a school scope, a row whose
/// student the roster has in no school of the scope is not applied
/// (`student_out_of_scope`), never linked across schools. Scope school IDs
/// are checked against the roster first: one that matches a roster school
/// only once leading zeros are ignored, or none, stops the dry run before
/// anything is planned ([`crate::ErrorKind::UnknownSchool`]).
///
/// ```
/// use guardian_roster::{Scope, SchoolId};
///
/// let scope = Scope::schools(["0102", "0103"].map(SchoolId::from));
/// assert!(scope.includes(&[SchoolId::from("0103")]));
/// assert!(!scope.includes(&[SchoolId::from("102")]));
/// assert!(Scope::District.includes(&[]));
/// assert_eq!(scope.to_string(), "schools 0102 and 0103");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scope {
    /// The whole roster: every link may be removed by a full sync.
    #[default]
    District,
    /// These schools: only links of students enrolled in one of them.
    Schools {
        /// The schools, sorted, each once.
        schools: Vec<SchoolId>,
    },
}

impl Scope {
    /// A scope of `schools` (sorted, each once). No school at all is the
    /// whole district.
    pub fn schools(schools: impl IntoIterator<Item = SchoolId>) -> Scope {
        let mut schools: Vec<SchoolId> = schools.into_iter().collect();
        schools.sort_unstable();
        schools.dedup();
        if schools.is_empty() {
            Scope::District
        } else {
            Scope::Schools { schools }
        }
    }

    /// Whether a student enrolled in `schools` is in scope: always for the
    /// district; for schools, when one of `schools` is one of the scope's.
    #[must_use]
    pub fn includes(&self, schools: &[SchoolId]) -> bool {
        match self {
            Scope::District => true,
            Scope::Schools { schools: scope } => schools
                .iter()
                .any(|school| scope.binary_search(school).is_ok()),
        }
    }

    /// The scope's schools (none for the district).
    #[must_use]
    pub fn school_ids(&self) -> &[SchoolId] {
        match self {
            Scope::District => &[],
            Scope::Schools { schools } => schools,
        }
    }
}

impl fmt::Display for Scope {
    /// "the whole district", "school 0102", "schools 0102 and 0103".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::District => f.write_str("the whole district"),
            Scope::Schools { schools } => {
                let mut out = String::from(if schools.len() == 1 {
                    "school "
                } else {
                    "schools "
                });
                crate::diagnostic::write_list(
                    &mut out,
                    schools
                        .iter()
                        .map(|s| crate::diagnostic::render::Visible(s.as_str())),
                    schools.len(),
                );
                f.write_str(&out)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Scope;
    use crate::values::id::SchoolId;

    #[test]
    fn a_scope_names_its_schools_sorted_once_and_shows_hidden_characters() {
        let ids = |list: &[&str]| list.iter().map(|s| SchoolId::from(*s)).collect::<Vec<_>>();
        assert_eq!(Scope::schools(Vec::new()), Scope::District);
        assert_eq!(Scope::District.to_string(), "the whole district");
        assert!(Scope::District.school_ids().is_empty());
        let one = Scope::schools(ids(&["0102", "0102"]));
        assert_eq!(one.to_string(), "school 0102");
        assert_eq!(one.school_ids(), &ids(&["0102"])[..]);
        let three = Scope::schools(ids(&["0300", "0102", "02\u{200b}00"]));
        assert_eq!(three.to_string(), "schools 0102, 02\\u{200b}00 and 0300");
        assert!(three.includes(&ids(&["9", "0300"])));
        assert!(!three.includes(&ids(&["9", "300"])));
        assert!(!three.includes(&[]));
    }
}
