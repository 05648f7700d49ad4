//! A roster held in memory ([`InMemoryRoster`]): the reference
//! implementation of [`Roster`] and [`RosterWriter`], for tests, examples
//! and small applications.

use std::collections::{BTreeMap, BTreeSet};

use foldhash::HashMap;
use std::convert::Infallible;
use std::hash::BuildHasher;

use crate::checks::validated::ValidatedFile;
use crate::dryrun::apply::RosterWriter;
use crate::dryrun::roster::Roster;
use crate::dryrun::scope::Scope;
use crate::values::id::{GuardianId, SchoolId, StudentId, id_key};
use crate::values::record::Guardian;

/// A roster held in memory: for tests, examples and small applications.
///
/// ```
/// # fn main() -> Result<(), guardian_roster::Error> {
/// use guardian_roster::{DryRunOptions, InMemoryRoster, Reader, StudentId, dry_run};
///
/// let file = Reader::from_reader(
///     "student_id,guardian_id,first_name,last_name,email,mobile_phone\n\
///      000125,G1,Ana,Diaz,ana@example.com,\n"
///         .as_bytes(),
/// )?
/// .validate()?;
/// let mut roster = InMemoryRoster::new();
/// roster.add_student(StudentId::from("000125"));
///
/// let plan = dry_run(&file, &mut roster, &DryRunOptions::default())?;
/// assert_eq!(plan.summary().create_guardian, 1);
/// assert_eq!(plan.summary().link, 1);
///
/// guardian_roster::apply(&plan, &mut roster, &guardian_roster::ApplyOptions::new())?;
/// let again = dry_run(&file, &mut roster, &DryRunOptions::default())?;
/// assert!(again.changes().is_empty());
/// # Ok(()) }
/// ```
#[derive(Clone, Default)]
pub struct InMemoryRoster {
    /// Every student, with their schools (none when not enrolled).
    students: HashMap<StudentId, Schools>,
    /// Students by their ID's key ([`id_key`]).
    unpadded: KeyIndex<StudentId>,
    /// Guardians whose ID is not its own key (leading zeros, capitals,
    /// width...), by the key.
    padded_guardians: KeyIndex<GuardianId>,
    guardians: BTreeMap<GuardianId, Guardian>,
    links: BTreeSet<(GuardianId, StudentId)>,
    emails: ContactIndex,
    mobiles: ContactIndex,
    /// Every school, by its ID's key.
    schools: KeyIndex<SchoolId>,
}

impl std::fmt::Debug for InMemoryRoster {
    // Counts only: the indexes are keyed by emails and phone numbers.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InMemoryRoster")
            .field("students", &self.students.len())
            .field("guardians", &self.guardians.len())
            .field("links", &self.links.len())
            .finish_non_exhaustive()
    }
}

impl InMemoryRoster {
    /// An empty roster.
    #[must_use]
    pub fn new() -> InMemoryRoster {
        InMemoryRoster::default()
    }

    /// A roster of `students`, with the guardians and links of a
    /// guardians.csv export of the current state (its usable rows).
    pub fn from_export(
        students: impl IntoIterator<Item = StudentId>,
        current: &ValidatedFile,
    ) -> InMemoryRoster {
        let mut roster = InMemoryRoster::new();
        let students = students.into_iter();
        roster.students.reserve(students.size_hint().0);
        for student in students {
            roster.add_student(student);
        }
        // Built in bulk, the trees' nodes are full; inserted one at a time
        // in order, they would be left about half empty. The file's
        // guardians are distinct, as `add_guardian` would leave them.
        for guardian in current.guardians() {
            roster.index_contacts(guardian);
            roster.index_padded(&guardian.guardian_id);
        }
        roster.guardians = current
            .guardians()
            .iter()
            .map(|g| (g.guardian_id.clone(), g.clone()))
            .collect();
        // Sorted on the pool first: the tree's own sort then finds one run.
        let mut links: Vec<(GuardianId, StudentId)> = current
            .links()
            .iter()
            .map(|link| (link.guardian_id.clone(), link.student_id.clone()))
            .collect();
        rayon::slice::ParallelSliceMut::par_sort_unstable(links.as_mut_slice());
        roster.links = links.into_iter().collect();
        roster
    }

    /// Adds a student.
    pub fn add_student(&mut self, id: StudentId) {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.students.entry(id) {
            self.unpadded.add(slot.key().clone());
            slot.insert(Schools::None);
        }
    }

    /// Adds a student enrolled in `school` (a student may be in several).
    pub fn add_enrolment(&mut self, student: StudentId, school: SchoolId) {
        let schools = match self.students.entry(student) {
            std::collections::hash_map::Entry::Occupied(slot) => slot.into_mut(),
            std::collections::hash_map::Entry::Vacant(slot) => {
                self.unpadded.add(slot.key().clone());
                slot.insert(Schools::None)
            }
        };
        if schools.insert(&school) {
            let mut known = Vec::new();
            self.schools.find(&id_key(school.as_str()), &mut known);
            if !known.contains(&school) {
                self.schools.add(school);
            }
        }
    }

    /// Adds a guardian, or replaces the one with the same ID.
    pub fn add_guardian(&mut self, guardian: Guardian) {
        self.remove_contact_index(&guardian.guardian_id);
        self.index_contacts(&guardian);
        if !self.guardians.contains_key(&guardian.guardian_id) {
            self.index_padded(&guardian.guardian_id);
        }
        self.guardians
            .insert(guardian.guardian_id.clone(), guardian);
    }

    /// Indexes a new guardian's ID by its key, if the key is not the ID
    /// itself (such an ID is found by itself).
    fn index_padded(&mut self, id: &GuardianId) {
        if id_key(id.as_str()) != id.as_str() {
            self.padded_guardians.add(id.clone());
        }
    }

    fn index_contacts(&mut self, guardian: &Guardian) {
        if let Some(email) = &guardian.email {
            self.emails.add(email.key(), &guardian.guardian_id);
        }
        if let Some(mobile) = &guardian.mobile_phone {
            self.mobiles.add(mobile.e164(), &guardian.guardian_id);
        }
    }

    fn remove_contact_index(&mut self, id: &GuardianId) {
        let Some(old) = self.guardians.get(id) else {
            return;
        };
        if let Some(email) = &old.email {
            self.emails.remove(email.key(), id);
        }
        if let Some(mobile) = &old.mobile_phone {
            self.mobiles.remove(mobile.e164(), id);
        }
    }

    /// Links a guardian to a student.
    pub fn add_link(&mut self, guardian: GuardianId, student: StudentId) {
        self.links.insert((guardian, student));
    }

    /// The guardian with this ID.
    #[must_use]
    pub fn guardian(&self, id: &str) -> Option<&Guardian> {
        self.guardians.get(id)
    }

    /// Every guardian, by ID.
    pub fn all_guardians(&self) -> impl Iterator<Item = &Guardian> {
        self.guardians.values()
    }

    /// Every link, ordered by guardian then student.
    pub fn all_links(&self) -> impl Iterator<Item = &(GuardianId, StudentId)> {
        self.links.iter()
    }
}

impl RosterWriter for InMemoryRoster {
    fn create_guardians(&mut self, guardians: &[Guardian]) -> Result<(), Infallible> {
        for guardian in guardians {
            self.add_guardian(guardian.clone());
        }
        Ok(())
    }

    fn update_guardians(&mut self, guardians: &[Guardian]) -> Result<(), Infallible> {
        for guardian in guardians {
            self.add_guardian(guardian.clone());
        }
        Ok(())
    }

    fn add_links(&mut self, links: &[(GuardianId, StudentId)]) -> Result<(), Infallible> {
        self.links.extend(links.iter().cloned());
        Ok(())
    }

    fn remove_links(&mut self, links: &[(GuardianId, StudentId)]) -> Result<(), Infallible> {
        for link in links {
            self.links.remove(link);
        }
        Ok(())
    }
}

impl Roster for InMemoryRoster {
    type Error = Infallible;

    fn existing_students(&mut self, ids: &[StudentId]) -> Result<Vec<StudentId>, Infallible> {
        Ok(ids
            .iter()
            .filter(|id| self.students.contains_key(*id))
            .cloned()
            .collect())
    }

    fn similar_students(&mut self, unpadded: &[&str]) -> Result<Vec<StudentId>, Infallible> {
        let mut similar = Vec::new();
        for key in unpadded {
            self.unpadded.find(key, &mut similar);
        }
        Ok(similar)
    }

    fn similar_guardians(&mut self, unpadded: &[&str]) -> Result<Vec<GuardianId>, Infallible> {
        let mut similar = Vec::new();
        for key in unpadded {
            if let Some((id, _)) = self.guardians.get_key_value(*key) {
                similar.push(id.clone());
            }
            self.padded_guardians.find(key, &mut similar);
        }
        Ok(similar)
    }

    fn guardians(&mut self, ids: &[GuardianId]) -> Result<Vec<Guardian>, Infallible> {
        Ok(ids
            .iter()
            .filter_map(|id| self.guardians.get(id))
            .cloned()
            .collect())
    }

    fn links_of(&mut self, ids: &[GuardianId]) -> Result<Vec<(GuardianId, StudentId)>, Infallible> {
        let mut out = Vec::new();
        for id in ids {
            let from = (id.clone(), StudentId::from(""));
            out.extend(
                self.links
                    .range(from..)
                    .take_while(|(g, _)| g == id)
                    .cloned(),
            );
        }
        Ok(out)
    }

    fn email_owners(&mut self, emails: &[&str]) -> Result<Vec<(String, GuardianId)>, Infallible> {
        Ok(self.emails.owners(emails, |owner, email| {
            self.guardians
                .get(owner)
                .and_then(|g| g.email.as_ref())
                .is_some_and(|e| e.key() == email)
        }))
    }

    fn mobile_owners(&mut self, mobiles: &[&str]) -> Result<Vec<(String, GuardianId)>, Infallible> {
        Ok(self.mobiles.owners(mobiles, |owner, mobile| {
            self.guardians
                .get(owner)
                .and_then(|g| g.mobile_phone.as_ref())
                .is_some_and(|p| p.e164() == mobile)
        }))
    }

    fn links_in_scope(
        &mut self,
        scope: &Scope,
    ) -> Result<Vec<(GuardianId, StudentId)>, Infallible> {
        // The whole district in one exact allocation (a filter would grow
        // the list by doubling, up to twice its size).
        if *scope == Scope::District {
            return Ok(self.links.iter().cloned().collect());
        }
        let mut links: Vec<(GuardianId, StudentId)> = self
            .links
            .iter()
            .filter(|(_, student)| {
                self.students
                    .get(student)
                    .is_some_and(|schools| scope.includes(schools.as_slice()))
            })
            .cloned()
            .collect();
        links.shrink_to_fit();
        Ok(links)
    }

    fn schools_of(
        &mut self,
        students: &[StudentId],
    ) -> Result<Vec<(StudentId, SchoolId)>, Infallible> {
        let mut out = Vec::new();
        for student in students {
            for school in self
                .students
                .get(student)
                .map_or(&[][..], Schools::as_slice)
            {
                out.push((student.clone(), school.clone()));
            }
        }
        Ok(out)
    }

    fn similar_schools(&mut self, unpadded: &[&str]) -> Result<Vec<SchoolId>, Infallible> {
        let mut similar = Vec::new();
        for key in unpadded {
            self.schools.find(key, &mut similar);
        }
        Ok(similar)
    }
}

/// A student's schools, sorted: almost every student has one, held
/// without an allocation of its own.
#[derive(Clone, Default)]
enum Schools {
    #[default]
    None,
    One(SchoolId),
    Several(Vec<SchoolId>),
}

impl Schools {
    fn as_slice(&self) -> &[SchoolId] {
        match self {
            Schools::None => &[],
            Schools::One(school) => std::slice::from_ref(school),
            Schools::Several(schools) => schools,
        }
    }

    /// Adds `school`; false if the student already had it.
    fn insert(&mut self, school: &SchoolId) -> bool {
        match self {
            Schools::None => *self = Schools::One(school.clone()),
            Schools::One(one) if one == school => return false,
            Schools::One(one) => {
                let mut several = vec![one.clone(), school.clone()];
                several.sort();
                *self = Schools::Several(several);
            }
            Schools::Several(several) => match several.binary_search(school) {
                Ok(_) => return false,
                Err(at) => several.insert(at, school.clone()),
            },
        }
        true
    }
}

/// IDs by their key ([`id_key`]), held by the key's hash: the key's text
/// is the ID's own, computed again to check a match, so the index holds no
/// copy of it. Nearly every key has one ID, held in the table's own slot.
#[derive(Clone)]
struct KeyIndex<T> {
    ids: HashMap<u64, OneOrMore<T>>,
    hasher: foldhash::fast::RandomState,
}

impl<T> Default for KeyIndex<T> {
    fn default() -> Self {
        KeyIndex {
            ids: HashMap::default(),
            hasher: foldhash::fast::RandomState::default(),
        }
    }
}

/// The IDs with one key hash.
#[derive(Clone)]
enum OneOrMore<T> {
    One(T),
    More(Vec<T>),
}

impl<T: AsRef<str> + Clone + PartialEq> KeyIndex<T> {
    fn hash(&self, key: &str) -> u64 {
        self.hasher.hash_one(key)
    }

    fn add(&mut self, id: T) {
        let hash = self.hash(&id_key(id.as_ref()));
        match self.ids.get_mut(&hash) {
            None => {
                self.ids.insert(hash, OneOrMore::One(id));
            }
            Some(OneOrMore::One(first)) => {
                if *first != id {
                    let first = first.clone();
                    self.ids.insert(hash, OneOrMore::More(vec![first, id]));
                }
            }
            Some(OneOrMore::More(ids)) => {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
    }

    /// Adds to `found` the IDs whose key is `key`.
    fn find(&self, key: &str, found: &mut Vec<T>) {
        let ids = match self.ids.get(&self.hash(key)) {
            None => return,
            Some(OneOrMore::One(id)) => std::slice::from_ref(id),
            Some(OneOrMore::More(ids)) => ids.as_slice(),
        };
        found.extend(ids.iter().filter(|id| id_key(id.as_ref()) == key).cloned());
    }
}

/// Contact (email key or E.164) to the guardians who have it, keyed by the
/// contact's hash: the contact's text is in each owner's record, so the
/// index holds no copy of it, and a lookup checks the owners' records.
/// Nearly every contact has one owner, held in the table's own slot.
#[derive(Clone, Default)]
struct ContactIndex {
    owners: HashMap<u64, Owners>,
    hasher: foldhash::fast::RandomState,
}

/// The guardians with one contact hash, sorted by ID.
#[derive(Clone)]
enum Owners {
    One(GuardianId),
    Many(Vec<GuardianId>),
}

impl Owners {
    fn as_slice(&self) -> &[GuardianId] {
        match self {
            Owners::One(id) => std::slice::from_ref(id),
            Owners::Many(ids) => ids,
        }
    }
}

impl ContactIndex {
    fn hash(&self, contact: &str) -> u64 {
        self.hasher.hash_one(contact)
    }

    fn add(&mut self, contact: &str, id: &GuardianId) {
        let hash = self.hash(contact);
        match self.owners.get_mut(&hash) {
            None => {
                self.owners.insert(hash, Owners::One(id.clone()));
            }
            Some(owners) => {
                let mut ids = owners.as_slice().to_vec();
                if let Err(at) = ids.binary_search(id) {
                    ids.insert(at, id.clone());
                }
                *owners = Owners::Many(ids);
            }
        }
    }

    fn remove(&mut self, contact: &str, id: &GuardianId) {
        let hash = self.hash(contact);
        let Some(owners) = self.owners.get_mut(&hash) else {
            return;
        };
        let mut ids = owners.as_slice().to_vec();
        if let Ok(at) = ids.binary_search(id) {
            ids.remove(at);
        }
        match ids.len() {
            0 => {
                self.owners.remove(&hash);
            }
            1 => *owners = Owners::One(ids.remove(0)),
            _ => *owners = Owners::Many(ids),
        }
    }

    /// The guardians with each contact in `keys`, as `(contact, guardian)`
    /// pairs; `has` says whether a guardian's record has the contact (the
    /// same hash may come from another contact).
    fn owners(
        &self,
        keys: &[&str],
        has: impl Fn(&GuardianId, &str) -> bool,
    ) -> Vec<(String, GuardianId)> {
        let mut found = Vec::new();
        for key in keys {
            let Some(owners) = self.owners.get(&self.hash(key)) else {
                continue;
            };
            for owner in owners.as_slice() {
                if has(owner, key) {
                    found.push(((*key).to_owned(), owner.clone()));
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_students_schools_stay_sorted_and_distinct() {
        let mut schools = Schools::default();
        assert!(schools.as_slice().is_empty());
        assert!(schools.insert(&SchoolId::from("0205")));
        assert!(!schools.insert(&SchoolId::from("0205")));
        assert!(schools.insert(&SchoolId::from("0102")));
        assert!(schools.insert(&SchoolId::from("0300")));
        assert!(!schools.insert(&SchoolId::from("0102")));
        let ids: Vec<&str> = schools.as_slice().iter().map(SchoolId::as_str).collect();
        assert_eq!(ids, ["0102", "0205", "0300"]);
    }

    #[test]
    fn similar_students_are_found_by_their_id_without_leading_zeros() {
        let mut roster = InMemoryRoster::new();
        for id in ["000125", "125", "0126", "000125", "0", "000"] {
            roster.add_student(StudentId::from(id));
        }
        let mut similar = |keys: &[&str]| -> Vec<String> {
            match roster.similar_students(keys) {
                Ok(ids) => ids.iter().map(|id| id.as_str().to_owned()).collect(),
                Err(never) => match never {},
            }
        };
        assert_eq!(similar(&["125", "126", "9"]), ["000125", "125", "0126"]);
        assert_eq!(similar(&["0"]), ["0", "000"]);
        assert_eq!(similar(&["0125"]), Vec::<String>::new());
    }

    fn guardian(id: &str, email: &str, mobile: Option<&str>) -> Guardian {
        Guardian {
            guardian_id: GuardianId::from(id),
            first_name: "Ana".into(),
            last_name: "Li".into(),
            email: crate::Email::parse(email).ok(),
            mobile_phone: mobile
                .and_then(|m| crate::PhoneParser::new(crate::Region::US).parse(m).ok()),
            home_phone: None,
            language: None,
        }
    }

    fn owners_of(
        roster: &InMemoryRoster,
        emails: &[&str],
        mobiles: &[&str],
    ) -> Vec<(String, String)> {
        let mut roster = roster.clone();
        let found = match (roster.email_owners(emails), roster.mobile_owners(mobiles)) {
            (Ok(e), Ok(m)) => e.into_iter().chain(m).collect::<Vec<_>>(),
            (Err(never), _) | (_, Err(never)) => match never {},
        };
        found
            .into_iter()
            .map(|(c, id)| (c, id.as_str().to_owned()))
            .collect()
    }

    #[test]
    fn contact_owners_follow_each_guardian_record() {
        let mut roster = InMemoryRoster::new();
        roster.add_guardian(guardian("G2", "family@example.com", Some("312 555 0142")));
        roster.add_guardian(guardian("G1", "family@example.com", None));
        roster.add_guardian(guardian("G3", "cy@example.com", Some("312 555 0142")));
        assert_eq!(
            owners_of(
                &roster,
                &["family@example.com", "nobody@example.com"],
                &["+13125550142"]
            ),
            [
                ("family@example.com".into(), "G1".into()),
                ("family@example.com".into(), "G2".into()),
                ("+13125550142".into(), "G2".into()),
                ("+13125550142".into(), "G3".into()),
            ]
        );
        // A new record moves the guardian's contacts.
        roster.add_guardian(guardian("G2", "bo@example.com", None));
        assert_eq!(
            owners_of(
                &roster,
                &["family@example.com", "bo@example.com"],
                &["+13125550142"]
            ),
            [
                ("family@example.com".into(), "G1".into()),
                ("bo@example.com".into(), "G2".into()),
                ("+13125550142".into(), "G3".into()),
            ]
        );
    }

    #[test]
    fn owners_under_one_hash_are_checked_against_their_records() {
        // Two contacts with one hash: each lookup names only the guardian
        // whose record has the contact asked for.
        let mut roster = InMemoryRoster::new();
        roster.add_guardian(guardian("G1", "a@example.com", None));
        roster.add_guardian(guardian("G2", "b@example.com", None));
        roster.emails.add("a@example.com", &GuardianId::from("G2"));
        assert_eq!(
            owners_of(&roster, &["a@example.com"], &[]),
            [("a@example.com".into(), "G1".into())]
        );
        roster
            .emails
            .remove("a@example.com", &GuardianId::from("G2"));
        roster
            .emails
            .remove("a@example.com", &GuardianId::from("G1"));
        assert_eq!(owners_of(&roster, &["a@example.com"], &[]), []);
        assert_eq!(
            owners_of(&roster, &["b@example.com"], &[]),
            [("b@example.com".into(), "G2".into())]
        );
    }

    #[test]
    fn similar_guardians_are_found_by_their_id_without_leading_zeros() {
        let mut roster = InMemoryRoster::new();
        for id in ["0042", "42", "00042", "G-7", "0", "0043"] {
            roster.add_guardian(Guardian {
                guardian_id: GuardianId::from(id),
                first_name: "Ana".into(),
                last_name: "Li".into(),
                email: None,
                mobile_phone: None,
                home_phone: None,
                language: None,
            });
        }
        let mut similar = |keys: &[&str]| -> Vec<String> {
            match roster.similar_guardians(keys) {
                Ok(ids) => ids.iter().map(|id| id.as_str().to_owned()).collect(),
                Err(never) => match never {},
            }
        };
        assert_eq!(similar(&["42"]), ["42", "0042", "00042"]);
        assert_eq!(similar(&["43", "G-7", "0", "44"]), ["0043", "G-7", "0"]);
    }
}
