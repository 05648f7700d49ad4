//! Fingerprints of what a dry run read: the upload, and the roster's
//! answers. A plan kept for approval carries them, so that an application
//! can tell, by running the dry run again at Start Processing, whether the
//! roster changed in between (each change's precondition is checked by
//! [`crate::apply`] either way).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::checks::validated::ValidatedFile;

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

impl Digest {
    /// Adds one item, made of `parts` (each ended by a separator, so that
    /// `("ab", "c")` and `("a", "bc")` differ).
    pub(crate) fn add(&mut self, parts: &[&str]) {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for part in parts {
            for byte in part.bytes().chain(std::iter::once(0xff)) {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        self.0 = self.0.wrapping_add(hash);
    }

    /// Adds another digest's items.
    pub(crate) fn merge(&mut self, other: Digest) {
        self.0 = self.0.wrapping_add(other.0);
    }

    /// Adds a guardian record, every field.
    pub(crate) fn add_guardian(&mut self, guardian: &crate::values::record::Guardian) {
        let fields: Vec<Option<String>> = crate::values::record::GuardianField::ALL
            .iter()
            .map(|&field| guardian.field(field))
            .collect();
        let mut parts = vec![guardian.guardian_id.as_str()];
        parts.extend(fields.iter().map(|f| f.as_deref().unwrap_or("\u{0}")));
        self.add(&parts);
    }

    pub(crate) fn hex(self) -> String {
        format!("{:016x}", self.0)
    }
}

/// The upload's fingerprint: its usable guardians and links, and the
/// lines and IDs of its rejected rows.
pub(crate) fn upload_digest(file: &ValidatedFile) -> Digest {
    let mut digest = Digest::default();
    for guardian in file.guardians() {
        digest.add_guardian(guardian);
    }
    // With their lines: the same rows in another order are another
    // upload (results name rows by line).
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
    }
}
