//! Fingerprints of what a dry run read: the upload, and the roster's
//! answers. A plan kept for approval carries them, so that an application
//! can tell, by running the dry run again at Start Processing, whether the
//! roster changed in between (each change's precondition is checked by
//! [`crate::apply`] either way).

use std::fmt;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::checks::validated::ValidatedFile;
use crate::values::email::Email;
use crate::values::language::Language;
use crate::values::record::Guardian;

/// The fingerprints of a plan's inputs, as hex text (64-bit FNV-1a over
/// each item, summed, so the order the roster answers in does not
/// matter). Equal fingerprints mean the same upload and the same roster
/// answers, with the odds of a 64-bit collision.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fingerprint {
    /// Of the upload's usable guardians and links and its rejected rows.
    pub upload: String,
    /// Of what the roster answered about the upload: which students it
    /// has (and, in a school scope, their schools), the current records
    /// and links of the upload's guardians, and in full sync the links in
    /// scope. (Who owns the contacts the upload brings is checked anew by
    /// [`crate::apply`].)
    pub roster: String,
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "upload {}, roster {}", self.upload, self.roster)
    }
}

/// A sum of item hashes: the same items in any order give the same digest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Digest(u64);

/// One item's 64-bit FNV-1a hash, fed a part at a time without building
/// the part's text: values are written into it as `Display` would show
/// them.
struct Item(u64);

impl Item {
    fn new() -> Item {
        Item(0xcbf2_9ce4_8422_2325)
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// Ends a part with its separator.
    fn end_part(&mut self) {
        self.bytes(&[0xff]);
    }

    fn part(&mut self, text: &str) {
        self.bytes(text.as_bytes());
        self.end_part();
    }

    /// A part as `value`'s `Display` shows it.
    fn shown(&mut self, value: impl fmt::Display) {
        // Writing into the hash cannot fail.
        let _ = fmt::Write::write_fmt(self, format_args!("{value}"));
        self.end_part();
    }

    /// A part for a value that may be absent (NUL when it is).
    fn maybe(&mut self, value: Option<impl fmt::Display>) {
        match value {
            Some(value) => self.shown(value),
            None => self.part("\u{0}"),
        }
    }
}

impl fmt::Write for Item {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        self.bytes(text.as_bytes());
        Ok(())
    }
}

impl Digest {
    /// Adds one item, made of `parts` (each ended by a separator, so that
    /// `("ab", "c")` and `("a", "bc")` differ).
    pub(crate) fn add(&mut self, parts: &[&str]) {
        let mut item = Item::new();
        for part in parts {
            item.part(part);
        }
        self.add_item(&item);
    }

    fn add_item(&mut self, item: &Item) {
        self.merge(Digest(item.0));
    }

    /// Adds another digest's items.
    pub(crate) fn merge(&mut self, other: Digest) {
        self.0 = self.0.wrapping_add(other.0);
    }

    /// Adds a guardian record, every field, as [`Guardian::field`] gives
    /// it (NUL for a field without a value).
    pub(crate) fn add_guardian(&mut self, guardian: &Guardian) {
        let mut item = Item::new();
        item.part(guardian.guardian_id.as_str());
        item.shown(&guardian.first_name);
        item.shown(&guardian.last_name);
        item.maybe(guardian.email.as_ref().map(Email::as_str));
        item.maybe(guardian.mobile_phone.as_ref());
        item.maybe(guardian.home_phone.as_ref());
        item.maybe(guardian.language.as_ref().map(Language::as_str));
        self.add_item(&item);
    }

    /// The digest of every item `each` adds for each of `items`, computed
    /// on rayon's pool (the sum does not depend on the order).
    pub(crate) fn par_each<T: Sync>(items: &[T], each: impl Fn(&mut Digest, &T) + Sync) -> Digest {
        Digest(
            items
                .par_iter()
                .map(|item| {
                    let mut digest = Digest::default();
                    each(&mut digest, item);
                    digest.0
                })
                .reduce(|| 0, u64::wrapping_add),
        )
    }

    pub(crate) fn hex(self) -> String {
        format!("{:016x}", self.0)
    }
}

/// The upload's fingerprint: its usable guardians and links, and the
/// lines and IDs of its rejected rows (on rayon's pool).
pub(crate) fn upload_digest(file: &ValidatedFile) -> Digest {
    let mut digest = Digest::par_each(file.guardians(), Digest::add_guardian);
    // With their lines: the same rows in another order are another
    // upload (results name rows by line).
    digest.merge(Digest::par_each(file.links(), |digest, link| {
        let mut item = Item::new();
        item.part("link");
        item.part(link.guardian_id.as_str());
        item.part(link.student_id.as_str());
        item.shown(link.line);
        digest.add_item(&item);
    }));
    for row in file.excluded_rows() {
        let mut item = Item::new();
        item.part("excluded");
        item.shown(row.line);
        item.part(row.guardian_id.as_str());
        item.part(row.student_id.as_str());
        item.part(row.exclusion.as_str());
        digest.add_item(&item);
    }
    for row in file.rejected_rows() {
        let mut item = Item::new();
        item.part("rejected");
        item.shown(row.line);
        item.part(row.guardian_id.as_ref().map_or("", |g| g.as_str()));
        item.part(row.student_id.as_ref().map_or("", |s| s.as_str()));
        digest.add_item(&item);
    }
    digest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_of_items_does_not_matter_but_their_parts_do() {
        let (mut a, mut b, mut c) = (Digest::default(), Digest::default(), Digest::default());
        a.add(&["G1", "001"]);
        a.add(&["G2", "002"]);
        b.add(&["G2", "002"]);
        b.add(&["G1", "001"]);
        c.add(&["G10", "01"]);
        c.add(&["G2", "002"]);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(Digest::default().hex(), "0000000000000000");
        // FNV-1a, each part ended by 0xff, items summed: stored plans carry
        // these values, so the function is pinned (computed elsewhere).
        assert_eq!(a.hex(), "4825b226a6661798");
        let mut link = Digest::default();
        link.add(&["link", "G1", "001", "2"]);
        assert_eq!(link.hex(), "c68ed2a207485890");
    }

    #[test]
    fn a_fingerprint_shows_both_digests() {
        let fingerprint = Fingerprint {
            upload: "00ff".into(),
            roster: "ff00".into(),
        };
        assert_eq!(fingerprint.to_string(), "upload 00ff, roster ff00");
    }

    /// The digest as it was first defined: every part's text built, then
    /// hashed (the fingerprints of stored plans must not change).
    fn reference_upload_digest(file: &ValidatedFile) -> Digest {
        let mut digest = Digest::default();
        for guardian in file.guardians() {
            let fields: Vec<Option<String>> = crate::values::record::GuardianField::ALL
                .iter()
                .map(|&field| guardian.field(field))
                .collect();
            let mut parts = vec![guardian.guardian_id.as_str()];
            parts.extend(fields.iter().map(|f| f.as_deref().unwrap_or("\u{0}")));
            digest.add(&parts);
        }
        for link in file.links() {
            let line = link.line.to_string();
            digest.add(&[
                "link",
                link.guardian_id.as_str(),
                link.student_id.as_str(),
                &line,
            ]);
        }
        for row in file.excluded_rows() {
            let line = row.line.to_string();
            digest.add(&[
                "excluded",
                &line,
                row.guardian_id.as_str(),
                row.student_id.as_str(),
                row.exclusion.as_str(),
            ]);
        }
        for row in file.rejected_rows() {
            let line = row.line.to_string();
            let guardian = row.guardian_id.as_ref().map_or("", |g| g.as_str());
            let student = row.student_id.as_ref().map_or("", |s| s.as_str());
            digest.add(&["rejected", &line, guardian, student]);
        }
        digest
    }

    #[test]
    fn the_upload_digest_is_the_one_stored_plans_carry() {
        let data = "\
student_id,guardian_id,first_name,last_name,email,mobile_phone,home_phone,language,Guardian
001,G1,Ana,Diaz,Ana@Example.com,312-555-0142 x12,,es,Y
002,G1,Ana,Diaz,Ana@Example.com,312-555-0142 x12,,es,Y
001,G2,Rosa,Diaz,,,(312) 555-0143,,N
003,G3,Li,Wu,li@example.com,,,,Y
,G4,Bo,Ek,bo@example.com,,,,Y
004,G5,Jo,,,,,,Y
";
        let file = ValidatedFile::of_csv(data);
        // Every kind of item is there, with a field of each kind.
        assert_eq!(
            (file.guardians().len(), file.links().len()),
            (2, 3),
            "{:?}",
            file.diagnostics()
        );
        assert_eq!(
            (file.excluded_rows().len(), file.rejected_rows().len()),
            (1, 2)
        );
        assert!(
            file.guardians()[0]
                .mobile_phone
                .as_ref()
                .is_some_and(|p| p.extension().is_some())
        );
        assert!(
            file.guardians()
                .iter()
                .any(|g| g.email.is_none() || g.language.is_none())
        );
        let digest = upload_digest(&file);
        assert_eq!(digest, reference_upload_digest(&file));
        assert_ne!(digest, Digest::default());
    }
}
