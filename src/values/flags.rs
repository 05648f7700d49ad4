//! Who is a guardian: the flags an export of all contacts carries, and the
//! one rule that decides from them whether a row's person is imported.
//!
//! SIS exports of contacts list every adult linked to a student:
//! guardians, but also emergency contacts, non-custodial parents and people
//! a court order keeps away. Their flag columns ([`crate::Column::FLAGS`])
//! say which is which, and are never ignored:
//!
//! 1. **Restricted** (`Restricted`, `No Contact`, `Do Not Contact`, `Court
//!    Order` = yes): never imported, whatever the other flags say
//!    (`contact_restricted`, an error). This holds even when the caller
//!    turns the rest of the rule off.
//! 2. **Not a guardian** (`not_a_guardian`, a warning), unless the caller
//!    turns it off with [`crate::ReaderBuilder::exclude_non_guardians`]:
//!    - the guardian flag says no;
//!    - the custody flag and the data access flag both say no (one of
//!      them alone does not: a non-custodial parent may still have access
//!      to records, and the other way round);
//!    - the emergency flag says yes (or the contact type is `Emergency`)
//!      and no flag of the row says yes to guardian, custody or access (a
//!      parent is often an emergency contact too).
//!
//! Flags are read per row, that is per guardian-student link: a person
//! can be one child's guardian and another's emergency contact. A flag
//! cell reads `Y`/`N`, `Yes`/`No`, `TRUE`/`FALSE`, `1`/`0`, or `X`/empty
//! (an empty cell is "no", as checkbox columns write it); anything else
//! is `invalid_flag` on its cell and the row is not used: a flag is never
//! guessed.

/// A flag cell read as yes or no: `Y`, `Yes`, `TRUE`, `T`, `1`, `X` or a
/// check mark are yes; `N`, `No`, `FALSE`, `F`, `0` and an empty cell are
/// no (any case, white space around ignored). `None` for anything else.
///
/// ```
/// use guardian_roster::parse_flag;
///
/// assert_eq!(parse_flag(" yes "), Some(true));
/// assert_eq!(parse_flag("X"), Some(true));
/// assert_eq!(parse_flag("0"), Some(false));
/// assert_eq!(parse_flag(""), Some(false));
/// assert_eq!(parse_flag("maybe"), None);
/// ```
#[must_use]
pub fn parse_flag(text: &str) -> Option<bool> {
    let text = text.trim();
    const YES: [&str; 6] = ["y", "yes", "true", "t", "1", "x"];
    const NO: [&str; 6] = ["n", "no", "false", "f", "0", ""];
    if YES.iter().any(|yes| yes.eq_ignore_ascii_case(text)) || matches!(text, "✓" | "✔") {
        Some(true)
    } else if NO.iter().any(|no| no.eq_ignore_ascii_case(text)) {
        Some(false)
    } else {
        None
    }
}

/// Whether a `Contact Type` cell names an emergency contact (`Emergency`,
/// `Emergency Contact`, `Emergency Only`, any case). Any other word
/// (`Guardian`, `Parent/Guardian`, `Primary`, empty) does not.
pub(crate) fn is_emergency_type(text: &str) -> bool {
    let text = text.trim();
    text.get(..9)
        .is_some_and(|start| start.eq_ignore_ascii_case("emergency"))
}

/// What the flag cells of one row say; `None` where the file has no such
/// column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ContactFlags {
    /// The guardian flag (`Guardian`, `Is Guardian`...).
    pub guardian: Option<bool>,
    /// The custody flag (`Custodial`...).
    pub custody: Option<bool>,
    /// The data access flag (`Data Access`, `Portal Access`...).
    pub access: Option<bool>,
    /// The emergency flag (`Emergency Contact`, `Emergency Only`, or a
    /// `Contact Type` of `Emergency`).
    pub emergency: Option<bool>,
    /// The restriction flag (`Restricted`, `No Contact`, `Court Order`...).
    pub restricted: Option<bool>,
}

/// Why a row's person is not imported, by the file's own flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Exclusion {
    /// The restriction flag says yes (`contact_restricted`).
    Restricted,
    /// The guardian flag says no (`not_a_guardian`).
    NotGuardian,
    /// The custody and the data access flags both say no
    /// (`not_a_guardian`).
    NoCustodyNoAccess,
    /// An emergency contact with no flag saying guardian, custody or access
    /// (`not_a_guardian`).
    EmergencyOnly,
    /// A OneRoster delta marks the user or the link `tobedeleted`
    /// (`deleted_in_source`).
    Deleted,
}

impl Exclusion {
    /// `"restricted"`, `"not_guardian"`, `"no_custody_no_access"`,
    /// `"emergency_only"` or `"deleted"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Exclusion::Restricted => "restricted",
            Exclusion::NotGuardian => "not_guardian",
            Exclusion::NoCustodyNoAccess => "no_custody_no_access",
            Exclusion::EmergencyOnly => "emergency_only",
            Exclusion::Deleted => "deleted",
        }
    }
}

impl ContactFlags {
    /// The rule (see the module's documentation): why the row's person is
    /// not imported, or `None` if they are. `exclude_non_guardians` off
    /// keeps only the restriction.
    ///
    /// ```
    /// use guardian_roster::{ContactFlags, Exclusion};
    ///
    /// let parent = ContactFlags { custody: Some(true), emergency: Some(true), ..ContactFlags::default() };
    /// assert_eq!(parent.exclusion(true), None);
    ///
    /// let aunt = ContactFlags { emergency: Some(true), ..ContactFlags::default() };
    /// assert_eq!(aunt.exclusion(true), Some(Exclusion::EmergencyOnly));
    /// assert_eq!(aunt.exclusion(false), None);
    ///
    /// let barred = ContactFlags { guardian: Some(true), restricted: Some(true), ..ContactFlags::default() };
    /// assert_eq!(barred.exclusion(false), Some(Exclusion::Restricted));
    /// ```
    #[must_use]
    pub fn exclusion(&self, exclude_non_guardians: bool) -> Option<Exclusion> {
        if self.restricted == Some(true) {
            return Some(Exclusion::Restricted);
        }
        if !exclude_non_guardians {
            return None;
        }
        if self.guardian == Some(false) {
            return Some(Exclusion::NotGuardian);
        }
        if self.custody == Some(false) && self.access == Some(false) {
            return Some(Exclusion::NoCustodyNoAccess);
        }
        let said_guardian = [self.guardian, self.custody, self.access].contains(&Some(true));
        if self.emergency == Some(true) && !said_guardian {
            return Some(Exclusion::EmergencyOnly);
        }
        None
    }
}

impl ContactFlags {
    /// The exclusion that holds whatever the flags marked `unknown` (cells
    /// that were neither yes nor no) say: the rule with each unknown flag
    /// set the way that most favours importing (not restricted, guardian,
    /// custodial, with access, not an emergency contact). Each of the
    /// rule's conditions only grows with a flag turned the other way, so
    /// what excludes here excludes under every reading.
    pub(crate) fn exclusion_whatever(
        &self,
        unknown: [bool; 5],
        exclude_non_guardians: bool,
    ) -> Option<Exclusion> {
        let favour = |flag: Option<bool>, unknown: bool, favoured: bool| {
            if unknown { Some(favoured) } else { flag }
        };
        ContactFlags {
            guardian: favour(self.guardian, unknown[0], true),
            custody: favour(self.custody, unknown[1], true),
            access: favour(self.access, unknown[2], true),
            emergency: favour(self.emergency, unknown[3], false),
            restricted: favour(self.restricted, unknown[4], false),
        }
        .exclusion(exclude_non_guardians)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_values_as_exports_write_them() {
        for yes in [
            "Y", "y", "Yes", "YES", "TRUE", "True", "t", "1", "x", "X", " Y ", "✓",
        ] {
            assert_eq!(parse_flag(yes), Some(true), "{yes:?}");
        }
        for no in ["N", "no", "No", "FALSE", "false", "F", "0", "", "  "] {
            assert_eq!(parse_flag(no), Some(false), "{no:?}");
        }
        for other in ["maybe", "2", "-", "Yes - court order", "YN", "10", "N/A"] {
            assert_eq!(parse_flag(other), None, "{other:?}");
        }
    }

    #[test]
    fn contact_types_that_mark_an_emergency_contact() {
        for emergency in [
            "Emergency",
            "EMERGENCY",
            "emergency contact",
            " Emergency Only",
        ] {
            assert!(is_emergency_type(emergency), "{emergency:?}");
        }
        for other in [
            "Guardian",
            "Parent/Guardian",
            "Primary",
            "",
            "Emerg",
            "Non-emergency",
        ] {
            assert!(!is_emergency_type(other), "{other:?}");
        }
    }

    fn flags(
        guardian: Option<bool>,
        custody: Option<bool>,
        access: Option<bool>,
        emergency: Option<bool>,
        restricted: Option<bool>,
    ) -> ContactFlags {
        ContactFlags {
            guardian,
            custody,
            access,
            emergency,
            restricted,
        }
    }

    #[test]
    fn the_rule_case_by_case() {
        let (y, n) = (Some(true), Some(false));
        let cases = [
            // No flags at all: a guardians.csv as the contract has it.
            (flags(None, None, None, None, None), None),
            (flags(y, None, None, None, None), None),
            (
                flags(n, None, None, None, None),
                Some(Exclusion::NotGuardian),
            ),
            // The guardian flag's no is final, custody or not.
            (flags(n, y, y, None, None), Some(Exclusion::NotGuardian)),
            // Custody and access must both say no.
            (flags(None, n, None, None, None), None),
            (flags(None, None, n, None, None), None),
            (flags(None, n, y, None, None), None),
            (flags(None, y, n, None, None), None),
            (
                flags(None, n, n, None, None),
                Some(Exclusion::NoCustodyNoAccess),
            ),
            (
                flags(y, n, n, None, None),
                Some(Exclusion::NoCustodyNoAccess),
            ),
            // An emergency contact is excluded unless a flag says guardian.
            (
                flags(None, None, None, y, None),
                Some(Exclusion::EmergencyOnly),
            ),
            (flags(None, None, None, n, None), None),
            (flags(y, None, None, y, None), None),
            (flags(None, y, None, y, None), None),
            (flags(None, None, y, y, None), None),
            (
                flags(None, n, None, y, None),
                Some(Exclusion::EmergencyOnly),
            ),
            // A restriction wins over everything.
            (flags(y, y, y, n, y), Some(Exclusion::Restricted)),
            (
                flags(None, None, None, None, y),
                Some(Exclusion::Restricted),
            ),
            (flags(None, None, None, None, n), None),
        ];
        for (flags, expected) in cases {
            assert_eq!(flags.exclusion(true), expected, "{flags:?}");
            let relaxed = expected.filter(|e| *e == Exclusion::Restricted);
            assert_eq!(flags.exclusion(false), relaxed, "{flags:?}");
        }
    }

    #[test]
    fn an_unreadable_flag_excludes_only_when_every_reading_would() {
        let (y, n) = (Some(true), Some(false));
        let none = [false; 5];
        let guardian_unknown = [true, false, false, false, false];
        let access_unknown = [false, false, true, false, false];
        let restricted_unknown = [false, false, false, false, true];
        // Guardian = N excludes whatever the access flag says.
        let row = flags(n, None, None, None, None);
        assert_eq!(
            row.exclusion_whatever(access_unknown, true),
            Some(Exclusion::NotGuardian)
        );
        // Custody = N and access unreadable: access may be yes.
        let row = flags(None, n, None, None, None);
        assert_eq!(row.exclusion_whatever(access_unknown, true), None);
        // An emergency contact whose guardian flag is unreadable may be one.
        let row = flags(None, None, None, y, None);
        assert_eq!(row.exclusion_whatever(guardian_unknown, true), None);
        assert_eq!(
            row.exclusion_whatever(none, true),
            Some(Exclusion::EmergencyOnly)
        );
        // An unreadable restriction is not a restriction for sure...
        let row = flags(y, y, y, n, None);
        assert_eq!(row.exclusion_whatever(restricted_unknown, true), None);
        // ...but a known one stands whatever else is unreadable.
        let row = flags(None, None, None, None, y);
        assert_eq!(
            row.exclusion_whatever([true, true, true, true, false], false),
            Some(Exclusion::Restricted)
        );
    }

    #[test]
    fn exclusions_have_stable_names() {
        assert_eq!(Exclusion::Restricted.as_str(), "restricted");
        assert_eq!(Exclusion::NotGuardian.as_str(), "not_guardian");
        assert_eq!(
            Exclusion::NoCustodyNoAccess.as_str(),
            "no_custody_no_access"
        );
        assert_eq!(Exclusion::EmergencyOnly.as_str(), "emergency_only");
    }
}
