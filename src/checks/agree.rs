//! How the rows of one guardian agree: a guardian has a row per child, and
//! per-child copies drift. What a clerk cannot see or does not mean (case,
//! apostrophes, spaces, an empty cell where another row has the value, an
//! optional field that differs) is a warning; two different names or two
//! different logins are a conflict.

use crate::values::record::{Guardian, GuardianField};
use crate::values::text::loose_name_chars;

/// How a later row's guardian compares with the guardian so far. Each
/// field is a set of bits of [`GuardianField::ALL`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Verdict {
    /// Two different names, emails or mobiles: the guardian is rejected.
    pub(crate) conflicts: u8,
    /// Names that differ only in capitals (`name_case`).
    pub(crate) case: u8,
    /// Names that differ only in apostrophes, spaces or hyphens, perhaps
    /// capitals too (`name_variant`).
    pub(crate) variant: u8,
    /// Fields this row leaves empty that the guardian has: completed.
    pub(crate) empty_here: u8,
    /// Fields this row gives that the guardian lacked: taken.
    pub(crate) given_here: u8,
    /// Home phone or language with another value: the first is kept.
    pub(crate) differs: u8,
}

impl Verdict {
    /// Whether the row says exactly what the guardian's rows said.
    pub(crate) fn is_same(&self) -> bool {
        *self == Verdict::default()
    }

    /// Fields a row left empty, on either side.
    pub(crate) fn completed(&self) -> u8 {
        self.empty_here | self.given_here
    }
}

/// The bit of `field` in a [`Verdict`].
pub(crate) fn bit(field: GuardianField) -> u8 {
    1 << field as u8
}

/// The fields `guardian` has, as bits of [`GuardianField::ALL`] (the
/// names always).
pub(crate) fn fields_of(guardian: &Guardian) -> u8 {
    GuardianField::ALL
        .into_iter()
        .filter(|&field| guardian.has(field))
        .fold(0, |bits, field| bits | bit(field))
}

/// Compares a later row's guardian with the guardian so far.
pub(crate) fn compare(first: &Guardian, later: &Guardian) -> Verdict {
    let mut verdict = Verdict::default();
    for field in GuardianField::ALL {
        if first.same_field(later, field) {
            continue;
        }
        let b = bit(field);
        match field {
            GuardianField::FirstName | GuardianField::LastName => {
                let (a, z) = if field == GuardianField::FirstName {
                    (&first.first_name, &later.first_name)
                } else {
                    (&first.last_name, &later.last_name)
                };
                if same_ignoring_case(a, z) {
                    verdict.case |= b;
                } else if loose_name_chars(a).eq(loose_name_chars(z)) {
                    verdict.variant |= b;
                } else {
                    verdict.conflicts |= b;
                }
            }
            _ => match (first.has(field), later.has(field)) {
                (true, false) => verdict.empty_here |= b,
                (false, true) => verdict.given_here |= b,
                _ if is_login(field) => verdict.conflicts |= b,
                _ => verdict.differs |= b,
            },
        }
    }
    verdict
}

/// Email and mobile are logins: two values are two people's.
fn is_login(field: GuardianField) -> bool {
    matches!(field, GuardianField::Email | GuardianField::MobilePhone)
}

/// Takes the fields in `fields` from `from` into `into`.
pub(crate) fn take_fields(into: &mut Guardian, from: &Guardian, fields: u8) {
    for field in GuardianField::ALL {
        if fields & bit(field) == 0 {
            continue;
        }
        match field {
            GuardianField::Email => into.email.clone_from(&from.email),
            GuardianField::MobilePhone => into.mobile_phone.clone_from(&from.mobile_phone),
            GuardianField::HomePhone => into.home_phone.clone_from(&from.home_phone),
            GuardianField::Language => into.language.clone_from(&from.language),
            GuardianField::FirstName | GuardianField::LastName => {}
        }
    }
}

/// Whether two names are the same but for case, without allocating.
pub(crate) fn same_ignoring_case(a: &str, b: &str) -> bool {
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// The labels of the fields set in `bits`: "email and mobile phone".
pub(crate) fn labels(bits: u8) -> String {
    let labels: Vec<&str> = GuardianField::ALL
        .into_iter()
        .filter(|&field| bits & bit(field) != 0)
        .map(GuardianField::label)
        .collect();
    match labels.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Email, GuardianId, Name};

    fn guardian(first: &str, email: Option<&str>, language: Option<&str>) -> Guardian {
        Guardian {
            guardian_id: GuardianId::from("G1"),
            first_name: Name::from(first),
            last_name: Name::from("Ruiz"),
            email: email.map(|e| Email::parse(e).expect("email")),
            mobile_phone: None,
            home_phone: None,
            language: language.and_then(|l| crate::Language::parse(l).ok()),
        }
    }

    #[test]
    fn what_no_clerk_means_is_not_a_conflict() {
        let ana = guardian("Ana", Some("a@example.com"), Some("es"));
        let first = bit(GuardianField::FirstName);
        assert!(compare(&ana, &ana).is_same());
        assert_eq!(
            compare(&ana, &guardian("ANA", Some("a@example.com"), Some("es"))).case,
            first
        );
        let obrien = guardian("O'Brien", Some("a@example.com"), Some("es"));
        let typographic = guardian("O\u{2019}BRIEN", Some("a@example.com"), Some("es"));
        assert_eq!(compare(&obrien, &typographic).variant, first);
        let verdict = compare(&ana, &guardian("Ana", None, Some("fr")));
        assert_eq!(verdict.empty_here, bit(GuardianField::Email));
        assert_eq!(verdict.differs, bit(GuardianField::Language));
        assert_eq!(verdict.conflicts, 0);
        let verdict = compare(&guardian("Ana", None, None), &ana);
        assert_eq!(
            verdict.given_here,
            bit(GuardianField::Email) | bit(GuardianField::Language)
        );
        assert_eq!(labels(verdict.given_here), "email and language");
    }

    #[test]
    fn real_differences_are_conflicts() {
        let diaz = guardian("D\u{ed}az", Some("a@example.com"), None);
        let plain = guardian("Diaz", Some("a@example.com"), None);
        assert_eq!(
            compare(&diaz, &plain).conflicts,
            bit(GuardianField::FirstName)
        );
        let other = guardian("D\u{ed}az", Some("b@example.com"), None);
        assert_eq!(compare(&diaz, &other).conflicts, bit(GuardianField::Email));
    }
}
