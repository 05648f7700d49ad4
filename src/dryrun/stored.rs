//! What the crate's database stores share (features `sqlite` and
//! `postgres`): the tables, a guardian's columns with the keys the
//! lookups use, and a guardian read back from its stored text.

use std::borrow::Cow;

use crate::values::email::Email;
use crate::values::id::{GuardianId, id_key};
use crate::values::language::Language;
use crate::values::name::Name;
use crate::values::phone::Phone;
use crate::values::record::Guardian;

/// The tables and the indexes the lookups need, in SQL both SQLite and
/// PostgreSQL read. Keys are the documented ones: `email_key` is
/// [`Email::key`], `mobile_key` is [`Phone::e164`], `unpadded` is the ID's
/// [`crate::id_key`] (without leading zeros, in lowercase, width and
/// digits folded), the key `similar_*` are asked with.
pub(crate) const TABLES: &str = "
CREATE TABLE IF NOT EXISTS students (
    student_id TEXT PRIMARY KEY NOT NULL,
    unpadded   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS students_unpadded ON students (unpadded);
CREATE TABLE IF NOT EXISTS schools (
    school_id TEXT PRIMARY KEY NOT NULL,
    unpadded  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS schools_unpadded ON schools (unpadded);
CREATE TABLE IF NOT EXISTS enrolments (
    student_id TEXT NOT NULL,
    school_id  TEXT NOT NULL,
    PRIMARY KEY (student_id, school_id)
);
CREATE INDEX IF NOT EXISTS enrolments_school ON enrolments (school_id);
CREATE TABLE IF NOT EXISTS guardians (
    guardian_id  TEXT PRIMARY KEY NOT NULL,
    unpadded     TEXT NOT NULL,
    first_name   TEXT NOT NULL,
    last_name    TEXT NOT NULL,
    email        TEXT,
    email_key    TEXT,
    mobile_phone TEXT,
    mobile_key   TEXT,
    home_phone   TEXT,
    language     TEXT
);
CREATE INDEX IF NOT EXISTS guardians_unpadded ON guardians (unpadded);
CREATE INDEX IF NOT EXISTS guardians_email ON guardians (email_key);
CREATE INDEX IF NOT EXISTS guardians_mobile ON guardians (mobile_key);
CREATE TABLE IF NOT EXISTS links (
    guardian_id TEXT NOT NULL,
    student_id  TEXT NOT NULL,
    PRIMARY KEY (guardian_id, student_id)
);
CREATE INDEX IF NOT EXISTS links_student ON links (student_id);
";

/// The tables whose rows a store counts for reports.
pub(crate) const TABLE_NAMES: [&str; 5] =
    ["students", "schools", "enrolments", "guardians", "links"];

/// A guardian's row as the stores write it, in the order of the
/// `guardians` table's columns.
pub(crate) struct GuardianColumns<'g> {
    pub(crate) guardian_id: &'g str,
    pub(crate) unpadded: Cow<'g, str>,
    pub(crate) first_name: &'g str,
    pub(crate) last_name: &'g str,
    pub(crate) email: Option<&'g str>,
    pub(crate) email_key: Option<&'g str>,
    pub(crate) mobile_phone: Option<String>,
    pub(crate) mobile_key: Option<&'g str>,
    pub(crate) home_phone: Option<String>,
    pub(crate) language: Option<&'g str>,
}

impl<'g> GuardianColumns<'g> {
    /// The columns of `guardian`, keys computed by the crate.
    pub(crate) fn of(guardian: &'g Guardian) -> GuardianColumns<'g> {
        let id = guardian.guardian_id.as_str();
        GuardianColumns {
            guardian_id: id,
            unpadded: id_key(id),
            first_name: guardian.first_name.as_str(),
            last_name: guardian.last_name.as_str(),
            email: guardian.email.as_ref().map(Email::as_str),
            email_key: guardian.email.as_ref().map(Email::key),
            mobile_phone: guardian.mobile_phone.as_ref().map(ToString::to_string),
            mobile_key: guardian.mobile_phone.as_ref().map(Phone::e164),
            home_phone: guardian.home_phone.as_ref().map(ToString::to_string),
            language: guardian.language.as_ref().map(Language::as_str),
        }
    }
}

/// Whether a stored row's keys are the crate's: `unpadded` for its ID,
/// and for a guardian row `email_key` and `mobile_key` for its email and
/// mobile (`contacts`: the row's email and mobile, then the two keys).
/// Reads the row's text as it is, with no allocation for a row whose
/// keys hold (nearly every row), which [`guardian_keys`] would make.
pub(crate) fn keys_hold(
    id: &str,
    unpadded: Option<&str>,
    contacts: Option<[Option<&str>; 4]>,
) -> bool {
    if unpadded != Some(&*id_key(id)) {
        return false;
    }
    let Some([email, mobile, email_key, mobile_key]) = contacts else {
        return true;
    };
    let email_holds = match (email, email_key) {
        (Some(email), Some(key)) => Email::stored_key(email) == key,
        (None, None) => true,
        _ => false,
    };
    email_holds
        && match (mobile, mobile_key) {
            (Some(mobile), Some(key)) => Phone::from_stored(mobile).e164() == key,
            (None, None) => true,
            _ => false,
        }
}

/// The keys a guardian row should carry (`unpadded`, `email_key`,
/// `mobile_key`) for its stored ID, email and mobile.
pub(crate) fn guardian_keys(
    id: &str,
    email: Option<&str>,
    mobile: Option<&str>,
) -> [Option<String>; 3] {
    [
        Some(id_key(id).into_owned()),
        email.map(|e| Email::from_stored(e).key().to_owned()),
        mobile.map(|m| Phone::from_stored(m).e164().to_owned()),
    ]
}

/// A guardian row read back as stored (its ID, names, email, mobile, home
/// phone and language): a value today's rules would refuse (an address
/// without a TLD, a number not in E.164, a house language code) stays as
/// it is instead of failing the dry run.
pub(crate) fn guardian_from_stored(
    id: &str,
    first_name: &str,
    last_name: &str,
    [email, mobile, home, language]: [Option<&str>; 4],
) -> Guardian {
    Guardian {
        guardian_id: GuardianId::from(id),
        first_name: Name::from(first_name),
        last_name: Name::from(last_name),
        email: email.map(Email::from_stored),
        mobile_phone: mobile.map(Phone::from_stored),
        home_phone: home.map(Phone::from_stored),
        language: language.map(Language::from_stored),
    }
}

#[cfg(test)]
mod tests {
    use super::{guardian_keys, keys_hold};

    /// `keys_hold` agrees with the keys `guardian_keys` computes: a row
    /// holding exactly those keys holds, and a row with any one of them
    /// changed, missing or extra does not.
    #[test]
    fn keys_hold_exactly_when_they_are_the_computed_ones() {
        let rows: [(&str, Option<&str>, Option<&str>); 5] = [
            (
                "000123",
                Some("Ana@Example.COM"),
                Some("+13125550101;ext=12"),
            ),
            ("G2", Some("bo@example.com"), None),
            ("Ｇ３", Some("Zoë@example.com"), Some("+33142764978")),
            ("0", None, Some("312 555 0101")),
            ("G5", Some(" cy@example.com "), Some("+13125550142")),
        ];
        for (id, email, mobile) in rows {
            let [unpadded, email_key, mobile_key] = guardian_keys(id, email, mobile);
            let (u, e, m) = (
                unpadded.as_deref(),
                email_key.as_deref(),
                mobile_key.as_deref(),
            );
            assert!(keys_hold(id, u, Some([email, mobile, e, m])), "{id}");
            assert!(keys_hold(id, u, None), "{id}: the ID alone");
            assert!(
                !keys_hold(id, None, Some([email, mobile, e, m])),
                "{id}: no unpadded"
            );
            let other = Some("other");
            assert!(
                !keys_hold(id, u, Some([email, mobile, other, m])),
                "{id}: email key"
            );
            assert!(
                !keys_hold(id, u, Some([email, mobile, e, other])),
                "{id}: mobile key"
            );
            // A key left where the value is gone, or gone where it is not.
            let e_flipped = if e.is_some() { None } else { Some("x") };
            let m_flipped = if m.is_some() { None } else { Some("x") };
            assert!(
                !keys_hold(id, u, Some([email, mobile, e_flipped, m])),
                "{id}: email key presence"
            );
            assert!(
                !keys_hold(id, u, Some([email, mobile, e, m_flipped])),
                "{id}: mobile key presence"
            );
        }
        // Capitals in a stored key: SQL `upper()` and the like.
        assert!(!keys_hold(
            "G1",
            Some("g1"),
            Some([Some("ana@example.com"), None, Some("ANA@EXAMPLE.COM"), None])
        ));
        assert!(!keys_hold("G1", Some("G1"), None), "unpadded in capitals");
    }
}
