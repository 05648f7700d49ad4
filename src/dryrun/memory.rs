//! A roster held in memory ([`InMemoryRoster`]): the reference
//! implementation of [`Roster`] and [`RosterWriter`], for tests, examples
//! and small applications.

use foldhash::HashMap;
use rayon::prelude::*;
use std::convert::Infallible;
use std::hash::BuildHasher;

use crate::checks::validated::ValidatedFile;
use crate::dryrun::apply::RosterWriter;
use crate::dryrun::roster::Roster;
use crate::dryrun::scope::Scope;
use crate::dryrun::sorted::{Indices, Sorted};
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
    /// Every student ID the roster names (its students, and any a link
    /// names), by the place links and indexes use: each ID is held once.
    students: Vec<StudentId>,
    /// Per student place: the student's schools (none when not enrolled);
    /// `None` when the roster has no such student, only a link to it.
    schools_of: Vec<Option<Schools>>,
    /// Student places by ID.
    student_at: Places,
    /// The roster's students by their ID's key ([`id_key`]).
    unpadded: Places,
    /// Places of guardians with a record whose ID is not its own key
    /// (leading zeros, capitals, width...), by the key.
    padded_guardians: Places,
    /// Every guardian ID the roster has a record or a link of, at its
    /// place in `records` and `linked`.
    guardian_ids: Vec<GuardianId>,
    /// Guardian places by ID: 4 bytes a place, the ID itself in
    /// `guardian_ids`.
    guardian_at: Places,
    /// Each guardian's record, if one was added.
    records: Vec<Option<Guardian>>,
    /// Each guardian's students, as places in `students`: a link is 4
    /// bytes in its guardian's list, and a guardian's links are one lookup
    /// away.
    linked: Vec<Indices>,
    /// Guardian places by their record's email key.
    emails: Places,
    /// Guardian places by their record's mobile (E.164).
    mobiles: Places,
    /// Every school, by its ID's key.
    schools: KeyIndex<SchoolId>,
}

impl std::fmt::Debug for InMemoryRoster {
    // Counts only: the indexes are keyed by emails and phone numbers.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InMemoryRoster")
            .field("students", &self.schools_of.iter().flatten().count())
            .field("guardians", &self.records.iter().flatten().count())
            .field(
                "links",
                &self
                    .linked
                    .iter()
                    .map(|s| s.as_slice().len())
                    .sum::<usize>(),
            )
            .finish_non_exhaustive()
    }
}

/// A contact of a guardian's record: its email key or its mobile.
#[derive(Clone, Copy)]
enum Contact {
    Email,
    Mobile,
}

impl Contact {
    /// The record's contact of this kind, as the index keys it.
    fn of(self, guardian: Option<&Guardian>) -> Option<&str> {
        match self {
            Contact::Email => guardian?.email.as_ref().map(|e| e.key()),
            Contact::Mobile => guardian?.mobile_phone.as_ref().map(|p| p.e164()),
        }
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
        // The guardians on rayon's pool while the calling thread adds the
        // students (their iterator need not be `Send`); the links, which
        // need both, after.
        let students = students.into_iter();
        let mut roster = InMemoryRoster::new();
        let mut with_students = InMemoryRoster::new();
        rayon::in_place_scope(|scope| {
            let roster = &mut roster;
            scope.spawn(move |_| roster.add_guardians_of(current));
            // Made at their size once: a table that grows hashes every
            // place again each time it doubles.
            let count = students.size_hint().0;
            with_students.students.reserve(count);
            with_students.schools_of.reserve(count);
            let students_now = &with_students.students;
            with_students
                .student_at
                .reserve(count, |at| students_now[at as usize].as_str());
            with_students
                .unpadded
                .reserve(count, |at| id_key(students_now[at as usize].as_str()));
            for student in students {
                with_students.add_student(student);
            }
        });
        roster.students = with_students.students;
        roster.schools_of = with_students.schools_of;
        roster.student_at = with_students.student_at;
        roster.unpadded = with_students.unpadded;
        // Each link's places looked up on the pool; only a place not yet
        // made (a link's guardian or student the lists lack) is made here.
        let places: Vec<(Option<u32>, Option<u32>)> = {
            let roster = &roster;
            current
                .links()
                .par_iter()
                .map(|link| {
                    (
                        roster.guardian_place(link.guardian_id.as_str()),
                        roster.student_place(link.student_id.as_str()),
                    )
                })
                .collect()
        };
        for (link, (guardian, student)) in current.links().iter().zip(places) {
            let at = match guardian {
                Some(at) => at as usize,
                None => roster.slot(&link.guardian_id),
            };
            let student = match student {
                Some(at) => at,
                None => roster.intern_student(&link.student_id),
            };
            roster.linked[at].insert(student);
        }
        roster
    }

    /// Adds the guardians of an export (to a roster without guardians).
    fn add_guardians_of(&mut self, current: &ValidatedFile) {
        // The file's guardians are distinct and sorted, as `add_guardian`
        // would leave them.
        let guardians = current.guardians();
        self.guardian_ids.reserve_exact(guardians.len());
        let ids = &self.guardian_ids;
        self.guardian_at
            .reserve(guardians.len(), |at| ids[at as usize].as_str());
        self.records.reserve_exact(guardians.len());
        self.linked.reserve_exact(guardians.len());
        let padded = guardians
            .iter()
            .filter(|g| id_key(g.guardian_id.as_str()) != g.guardian_id.as_str())
            .count();
        let records = &self.records;
        self.padded_guardians.reserve(padded, |at| {
            records[at as usize]
                .as_ref()
                .map(|g| id_key(g.guardian_id.as_str()))
                .unwrap_or_default()
        });
        for contact in [Contact::Email, Contact::Mobile] {
            let count = guardians
                .iter()
                .filter(|g| contact.of(Some(g)).is_some())
                .count();
            let (index, records) = self.contacts(contact);
            index.reserve(count, |at| {
                contact
                    .of(records[at as usize].as_ref())
                    .unwrap_or_default()
            });
        }
        for guardian in guardians {
            let at = self.slot(&guardian.guardian_id);
            self.records[at] = Some(guardian.clone());
            self.index_padded(at);
            self.index_contacts(at);
        }
    }

    /// The place of guardian `id` in `records` and `linked`, made if new.
    fn slot(&mut self, id: &GuardianId) -> usize {
        if let Some(at) = self.guardian_place(id.as_str()) {
            return at as usize;
        }
        let next = u32::try_from(self.records.len()).unwrap_or(u32::MAX);
        self.guardian_ids.push(id.clone());
        self.records.push(None);
        self.linked.push(Indices::None);
        let ids = &self.guardian_ids;
        self.guardian_at
            .add(id.as_str(), next, |at| ids[at as usize].as_str());
        next as usize
    }

    /// The place of guardian `id`, if the roster has a record or a link of
    /// it.
    fn guardian_place(&self, id: &str) -> Option<u32> {
        let ids = &self.guardian_ids;
        self.guardian_at.find(id, |at| {
            ids.get(at as usize).is_some_and(|g| g.as_str() == id)
        })
    }

    /// The places of the roster's guardians, sorted by ID.
    fn by_id(&self) -> Vec<(&GuardianId, usize)> {
        let mut order: Vec<(&GuardianId, usize)> = self
            .guardian_ids
            .iter()
            .enumerate()
            .map(|(at, id)| (id, at))
            .collect();
        order.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
        order
    }

    /// The place of student `id`, if the roster names it.
    fn student_place(&self, id: &str) -> Option<u32> {
        self.student_at
            .find(id, |at| self.students[at as usize].as_str() == id)
    }

    /// The place of student `id`, made if new (not a roster student: a
    /// link's).
    fn intern_student(&mut self, id: &StudentId) -> u32 {
        if let Some(at) = self.student_place(id.as_str()) {
            return at;
        }
        let at = u32::try_from(self.students.len()).unwrap_or(u32::MAX);
        self.students.push(id.clone());
        self.schools_of.push(None);
        let students = &self.students;
        self.student_at
            .add(id.as_str(), at, |at| students[at as usize].as_str());
        at
    }

    /// The schools of a roster student (`None`: not one).
    fn enrolments(&self, student: &StudentId) -> Option<&Schools> {
        let at = self.student_place(student.as_str())?;
        self.schools_of[at as usize].as_ref()
    }

    /// The IDs of a guardian's students, sorted.
    fn students_of(&self, at: usize) -> Vec<&StudentId> {
        let mut ids: Vec<&StudentId> = self.linked[at]
            .as_slice()
            .iter()
            .map(|&s| &self.students[s as usize])
            .collect();
        ids.sort_unstable();
        ids
    }

    /// Adds a student.
    pub fn add_student(&mut self, id: StudentId) {
        self.enrol(&id);
    }

    /// Makes `id` a roster student if it is not; its schools.
    fn enrol(&mut self, id: &StudentId) -> &mut Schools {
        let at = self.intern_student(id) as usize;
        if self.schools_of[at].is_none() {
            let students = &self.students;
            self.unpadded.add(&id_key(id.as_str()), at as u32, |at| {
                id_key(students[at as usize].as_str())
            });
        }
        self.schools_of[at].get_or_insert_default()
    }

    /// Adds a student enrolled in `school` (a student may be in several).
    pub fn add_enrolment(&mut self, student: StudentId, school: SchoolId) {
        if self.enrol(&student).insert(&school) {
            // Kept once: `add` leaves a school it has.
            self.schools.add(school);
        }
    }

    /// Adds a guardian, or replaces the one with the same ID.
    pub fn add_guardian(&mut self, guardian: Guardian) {
        let at = self.slot(&guardian.guardian_id);
        let new = self.records[at].is_none();
        self.unindex_contacts(at);
        self.records[at] = Some(guardian);
        if new {
            self.index_padded(at);
        }
        self.index_contacts(at);
    }

    /// Indexes the ID of the new record at `at` by its key, if the key is
    /// not the ID itself (such an ID is found by itself).
    fn index_padded(&mut self, at: usize) {
        fn key_of(record: &Option<Guardian>) -> std::borrow::Cow<'_, str> {
            record
                .as_ref()
                .map(|g| id_key(g.guardian_id.as_str()))
                .unwrap_or_default()
        }
        let records = &self.records;
        let Some(id) = records[at].as_ref().map(|g| g.guardian_id.as_str()) else {
            return;
        };
        let key = id_key(id);
        if key != id {
            self.padded_guardians
                .add(&key, at as u32, |at| key_of(&records[at as usize]));
        }
    }

    /// The index of guardian places by a contact of their records.
    fn contacts(&mut self, contact: Contact) -> (&mut Places, &[Option<Guardian>]) {
        match contact {
            Contact::Email => (&mut self.emails, &self.records),
            Contact::Mobile => (&mut self.mobiles, &self.records),
        }
    }

    /// Indexes the contacts of the record at `at`.
    fn index_contacts(&mut self, at: usize) {
        for contact in [Contact::Email, Contact::Mobile] {
            let (index, records) = self.contacts(contact);
            if let Some(key) = contact.of(records[at].as_ref()) {
                index.add(key, at as u32, |at| {
                    contact
                        .of(records[at as usize].as_ref())
                        .unwrap_or_default()
                });
            }
        }
    }

    /// Takes the contacts of the record at `at` (if any) out of the
    /// indexes.
    fn unindex_contacts(&mut self, at: usize) {
        for contact in [Contact::Email, Contact::Mobile] {
            let (index, records) = self.contacts(contact);
            if let Some(key) = contact.of(records[at].as_ref()) {
                index.remove(key, at as u32);
            }
        }
    }

    /// The guardians with each contact in `keys`, as `(contact, guardian)`
    /// pairs, each contact's by ID.
    fn owners(&self, contact: Contact, keys: &[&str]) -> Vec<(String, GuardianId)> {
        let index = match contact {
            Contact::Email => &self.emails,
            Contact::Mobile => &self.mobiles,
        };
        let mut found = Vec::new();
        for key in keys {
            let mut owners: Vec<&GuardianId> = index
                .candidates(key)
                .filter_map(|at| self.records[at as usize].as_ref())
                .filter(|g| contact.of(Some(g)) == Some(*key))
                .map(|g| &g.guardian_id)
                .collect();
            owners.sort_unstable();
            found.extend(owners.into_iter().map(|id| ((*key).to_owned(), id.clone())));
        }
        found
    }

    /// Links a guardian to a student.
    pub fn add_link(&mut self, guardian: GuardianId, student: StudentId) {
        let at = self.slot(&guardian);
        let student = self.intern_student(&student);
        self.linked[at].insert(student);
    }

    /// The guardian with this ID.
    #[must_use]
    pub fn guardian(&self, id: &str) -> Option<&Guardian> {
        let at = self.guardian_place(id)?;
        self.records.get(at as usize)?.as_ref()
    }

    /// Every guardian, by ID.
    pub fn all_guardians(&self) -> impl Iterator<Item = &Guardian> {
        self.by_id()
            .into_iter()
            .filter_map(|(_, at)| self.records[at].as_ref())
    }

    /// Every link, ordered by guardian then student.
    pub fn all_links(&self) -> impl Iterator<Item = (&GuardianId, &StudentId)> {
        self.by_id().into_iter().flat_map(|(guardian, at)| {
            self.students_of(at)
                .into_iter()
                .map(move |student| (guardian, student))
        })
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
        for (guardian, student) in links {
            self.add_link(guardian.clone(), student.clone());
        }
        Ok(())
    }

    fn remove_links(&mut self, links: &[(GuardianId, StudentId)]) -> Result<(), Infallible> {
        for (guardian, student) in links {
            if let (Some(at), Some(student)) = (
                self.guardian_place(guardian.as_str()),
                self.student_place(student.as_str()),
            ) {
                self.linked[at as usize].remove(student);
            }
        }
        Ok(())
    }
}

impl Roster for InMemoryRoster {
    type Error = Infallible;

    fn existing_students(&mut self, ids: &[StudentId]) -> Result<Vec<StudentId>, Infallible> {
        Ok(ids
            .iter()
            .filter(|id| self.enrolments(id).is_some())
            .cloned()
            .collect())
    }

    fn similar_students(&mut self, unpadded: &[&str]) -> Result<Vec<StudentId>, Infallible> {
        let mut similar = Vec::new();
        for key in unpadded {
            let mut found: Vec<&StudentId> = self
                .unpadded
                .candidates(key)
                .map(|at| &self.students[at as usize])
                .filter(|id| id_key(id.as_str()) == *key)
                .collect();
            found.sort_unstable();
            similar.extend(found.into_iter().cloned());
        }
        Ok(similar)
    }

    fn similar_guardians(&mut self, unpadded: &[&str]) -> Result<Vec<GuardianId>, Infallible> {
        let mut similar = Vec::new();
        for key in unpadded {
            let mut found: Vec<&GuardianId> = self
                .padded_guardians
                .candidates(key)
                .filter_map(|at| self.records[at as usize].as_ref())
                .map(|g| &g.guardian_id)
                .filter(|id| id_key(id.as_str()) == *key)
                .chain(self.guardian(key).map(|g| &g.guardian_id))
                .collect();
            found.sort_unstable();
            similar.extend(found.into_iter().cloned());
        }
        Ok(similar)
    }

    fn guardians(&mut self, ids: &[GuardianId]) -> Result<Vec<Guardian>, Infallible> {
        Ok(ids
            .iter()
            .filter_map(|id| self.guardian(id.as_str()))
            .cloned()
            .collect())
    }

    fn links_of(&mut self, ids: &[GuardianId]) -> Result<Vec<(GuardianId, StudentId)>, Infallible> {
        let mut out = Vec::new();
        for id in ids {
            if let Some(at) = self.guardian_place(id.as_str()) {
                out.extend(
                    self.students_of(at as usize)
                        .into_iter()
                        .map(|student| (id.clone(), student.clone())),
                );
            }
        }
        Ok(out)
    }

    fn email_owners(&mut self, emails: &[&str]) -> Result<Vec<(String, GuardianId)>, Infallible> {
        Ok(self.owners(Contact::Email, emails))
    }

    fn mobile_owners(&mut self, mobiles: &[&str]) -> Result<Vec<(String, GuardianId)>, Infallible> {
        Ok(self.owners(Contact::Mobile, mobiles))
    }

    fn links_in_scope(
        &mut self,
        scope: &Scope,
    ) -> Result<Vec<(GuardianId, StudentId)>, Infallible> {
        // In one exact allocation (grown by doubling, the list would take
        // up to twice its size), ordered by guardian then student.
        let order = self.by_id();
        let in_scope = |student: u32| {
            *scope == Scope::District
                || self.schools_of[student as usize]
                    .as_ref()
                    .is_some_and(|schools| scope.includes(schools.as_slice()))
        };
        let count = order
            .iter()
            .map(|&(_, at)| {
                self.linked[at]
                    .as_slice()
                    .iter()
                    .filter(|&&s| in_scope(s))
                    .count()
            })
            .sum();
        let mut links = Vec::with_capacity(count);
        let mut students = Vec::new();
        for (guardian, at) in order {
            students.clear();
            students.extend(
                self.linked[at]
                    .as_slice()
                    .iter()
                    .filter(|&&s| in_scope(s))
                    .map(|&s| &self.students[s as usize]),
            );
            students.sort_unstable();
            links.extend(
                students
                    .iter()
                    .map(|&student| (guardian.clone(), student.clone())),
            );
        }
        Ok(links)
    }

    fn schools_of(
        &mut self,
        students: &[StudentId],
    ) -> Result<Vec<(StudentId, SchoolId)>, Infallible> {
        let mut out = Vec::new();
        for student in students {
            let schools = self.enrolments(student);
            for school in schools.map_or(&[][..], Schools::as_slice) {
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

/// A student's schools, sorted.
type Schools = Sorted<SchoolId>;

/// Places in a list, found by the hash of a text each item has (an ID,
/// an ID's key, a contact): 4 bytes a place, and the text stays with its
/// item, so a lookup checks each candidate there (two texts may share a
/// hash, and a key may have several items).
#[derive(Clone, Default)]
struct Places {
    table: hashbrown::HashTable<u32>,
    hasher: foldhash::fast::RandomState,
}

impl Places {
    /// Adds `at`, whose text is `text`; `text_of` gives the text of any
    /// place (the table may move every place as it grows).
    fn add<T: AsRef<str>>(&mut self, text: &str, at: u32, text_of: impl Fn(u32) -> T) {
        let hasher = &self.hasher;
        self.table.insert_unique(hasher.hash_one(text), at, |&at| {
            hasher.hash_one(text_of(at).as_ref())
        });
    }

    /// Makes room for `additional` more places without growing;
    /// `text_of` as for [`Places::add`].
    fn reserve<T: AsRef<str>>(&mut self, additional: usize, text_of: impl Fn(u32) -> T) {
        let hasher = &self.hasher;
        self.table
            .reserve(additional, |&at| hasher.hash_one(text_of(at).as_ref()));
    }

    /// Removes `at`, whose text is `text`.
    fn remove(&mut self, text: &str, at: u32) {
        if let Ok(found) = self
            .table
            .find_entry(self.hasher.hash_one(text), |&p| p == at)
        {
            found.remove();
        }
    }

    /// The place whose text is `text`, as `is` tells.
    fn find(&self, text: &str, is: impl Fn(u32) -> bool) -> Option<u32> {
        self.table
            .find(self.hasher.hash_one(text), |&at| is(at))
            .copied()
    }

    /// The places that may have `text`: check each.
    fn candidates(&self, text: &str) -> impl Iterator<Item = u32> + '_ {
        self.table.iter_hash(self.hasher.hash_one(text)).copied()
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

/// The IDs with one key hash (boxed when several, so that a slot takes an
/// ID's 24 bytes).
#[derive(Clone)]
enum OneOrMore<T> {
    One(T),
    More(Box<[T]>),
}

impl<T> OneOrMore<T> {
    fn as_slice(&self) -> &[T] {
        match self {
            OneOrMore::One(id) => std::slice::from_ref(id),
            OneOrMore::More(ids) => ids,
        }
    }
}

impl<T: AsRef<str> + Clone + PartialEq> KeyIndex<T> {
    fn hash(&self, key: &str) -> u64 {
        self.hasher.hash_one(key)
    }

    /// Adds `id`, unless the index has it.
    fn add(&mut self, id: T) {
        let hash = self.hash(&id_key(id.as_ref()));
        match self.ids.get_mut(&hash) {
            None => {
                self.ids.insert(hash, OneOrMore::One(id));
            }
            Some(OneOrMore::One(first)) => {
                if *first != id {
                    let first = first.clone();
                    self.ids
                        .insert(hash, OneOrMore::More(Box::new([first, id])));
                }
            }
            Some(OneOrMore::More(ids)) => {
                if !ids.contains(&id) {
                    let mut more = std::mem::take(ids).into_vec();
                    more.push(id);
                    *ids = more.into_boxed_slice();
                }
            }
        }
    }

    /// The IDs that may have key `key`: check each.
    fn candidates(&self, key: &str) -> &[T] {
        self.ids
            .get(&self.hash(key))
            .map_or(&[], OneOrMore::as_slice)
    }

    /// Adds to `found` the IDs whose key is `key`.
    fn find(&self, key: &str, found: &mut Vec<T>) {
        found.extend(
            self.candidates(key)
                .iter()
                .filter(|id| id_key(id.as_ref()) == key)
                .cloned(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_s_roster_is_the_one_built_a_record_at_a_time() {
        let data = "\
student_id,guardian_id,first_name,last_name,email,mobile_phone
001,G1,Ana,Diaz,ana@example.com,312-555-0142
0003,G1,Ana,Diaz,ana@example.com,312-555-0142
002,0G2,Rosa,Diaz,rosa@example.com,
009,0G2,Rosa,Diaz,rosa@example.com,
009,G1,Ana,Diaz,ana@example.com,312-555-0142
";
        // 009 is linked twice but no roster student.
        let current = ValidatedFile::of_csv(data);
        assert_eq!(current.links().len(), 5);
        let students = ["001", "002", "0003", "004"].map(StudentId::from);
        let mut exported = InMemoryRoster::from_export(students.clone(), &current);
        let mut built = InMemoryRoster::new();
        for student in students {
            built.add_student(student);
        }
        for guardian in current.guardians() {
            built.add_guardian(guardian.clone());
        }
        for link in current.links() {
            built.add_link(link.guardian_id.clone(), link.student_id.clone());
        }
        for roster in [&mut exported, &mut built] {
            let guardians: Vec<&str> = roster
                .all_guardians()
                .map(|g| g.guardian_id.as_str())
                .collect();
            assert_eq!(guardians, ["0G2", "G1"]);
            let links: Vec<(&str, &str)> = roster
                .all_links()
                .map(|(g, s)| (g.as_str(), s.as_str()))
                .collect();
            assert_eq!(
                links,
                [
                    ("0G2", "002"),
                    ("0G2", "009"),
                    ("G1", "0003"),
                    ("G1", "001"),
                    ("G1", "009")
                ]
            );
            let asked = ["009", "002"].map(StudentId::from);
            let existing = roster.existing_students(&asked).expect("infallible");
            assert_eq!(existing, [StudentId::from("002")]);
            let similar = roster.similar_students(&["3", "4"]).expect("infallible");
            let similar: Vec<&str> = similar.iter().map(StudentId::as_str).collect();
            assert_eq!(similar, ["0003", "004"]);
            let twins = roster.similar_guardians(&["g2"]).expect("infallible");
            assert_eq!(twins, [GuardianId::from("0G2")]);
            let owners = roster
                .email_owners(&["ana@example.com"])
                .expect("infallible");
            assert_eq!(
                owners,
                [("ana@example.com".to_owned(), GuardianId::from("G1"))]
            );
            let owners = roster.mobile_owners(&["+13125550142"]).expect("infallible");
            assert_eq!(
                owners,
                [("+13125550142".to_owned(), GuardianId::from("G1"))]
            );
        }
    }

    #[test]
    fn a_slot_takes_an_id_s_room_or_less() {
        // A student's schools, a school key's IDs: 24 bytes each, as the
        // ID alone (at 1M rows, 8 bytes a slot is 30 MB); a guardian's
        // students 16, a place in an index 4.
        let id = std::mem::size_of::<StudentId>();
        assert_eq!(id, 24);
        assert_eq!(std::mem::size_of::<Option<Schools>>(), id);
        assert_eq!(std::mem::size_of::<OneOrMore<SchoolId>>(), id);
        assert_eq!(std::mem::size_of::<Indices>(), 16);
    }

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
    fn links_are_kept_per_guardian_in_order() {
        let pairs = |links: Vec<(GuardianId, StudentId)>| -> Vec<(String, String)> {
            links
                .into_iter()
                .map(|(g, s)| (g.as_str().to_owned(), s.as_str().to_owned()))
                .collect()
        };
        let owned = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(g, s)| ((*g).to_owned(), (*s).to_owned()))
                .collect()
        };
        let mut roster = InMemoryRoster::new();
        roster.add_link(GuardianId::from("G2"), StudentId::from("002"));
        roster.add_link(GuardianId::from("G1"), StudentId::from("003"));
        roster.add_link(GuardianId::from("G1"), StudentId::from("001"));
        roster.add_link(GuardianId::from("G1"), StudentId::from("001"));
        roster.add_guardian(guardian("G1", "a@example.com", None));
        let all = |roster: &InMemoryRoster| -> Vec<(String, String)> {
            pairs(
                roster
                    .all_links()
                    .map(|(g, s)| (g.clone(), s.clone()))
                    .collect(),
            )
        };
        assert_eq!(
            all(&roster),
            owned(&[("G1", "001"), ("G1", "003"), ("G2", "002")])
        );
        let asked = ["G2", "G9", "G1"].map(GuardianId::from);
        let Ok(of) = roster.links_of(&asked);
        assert_eq!(
            pairs(of),
            owned(&[("G2", "002"), ("G1", "001"), ("G1", "003")])
        );
        let gone = [("G1", "001"), ("G1", "009"), ("G9", "001"), ("G2", "002")]
            .map(|(g, s)| (GuardianId::from(g), StudentId::from(s)));
        let Ok(()) = roster.remove_links(&gone);
        assert_eq!(all(&roster), owned(&[("G1", "003")]));
        let Ok(scope) = roster.links_in_scope(&Scope::District);
        assert_eq!(pairs(scope), owned(&[("G1", "003")]));
        // G2 had links and no record: never a guardian.
        let ids: Vec<&str> = roster
            .all_guardians()
            .map(|g| g.guardian_id.as_str())
            .collect();
        assert_eq!(ids, ["G1"]);
        assert!(roster.guardian("G2").is_none());
        assert_eq!(
            format!("{roster:?}"),
            "InMemoryRoster { students: 0, guardians: 1, links: 1, .. }"
        );
        let Ok(()) = roster.add_links(&gone[..1]);
        assert_eq!(all(&roster), owned(&[("G1", "001"), ("G1", "003")]));
    }

    #[test]
    fn a_student_named_only_by_a_link_is_no_roster_student() {
        let ids = |list: Vec<StudentId>| -> Vec<String> {
            list.iter().map(|s| s.as_str().to_owned()).collect()
        };
        let mut roster = InMemoryRoster::new();
        // Linked before the roster has them, in reverse order of their IDs.
        for student in ["0300", "0200", "0100"] {
            roster.add_link(GuardianId::from("G1"), StudentId::from(student));
        }
        let asked = ["0100", "0200", "0300"].map(StudentId::from);
        let Ok(existing) = roster.existing_students(&asked);
        assert!(existing.is_empty());
        let Ok(similar) = roster.similar_students(&["100", "200"]);
        assert!(similar.is_empty());
        let Ok(schools) = roster.schools_of(&asked);
        assert!(schools.is_empty());

        roster.add_student(StudentId::from("0300"));
        roster.add_enrolment(StudentId::from("0100"), SchoolId::from("7"));
        roster.add_enrolment(StudentId::from("0100"), SchoolId::from("5"));
        roster.add_enrolment(StudentId::from("100"), SchoolId::from("5"));
        let Ok(existing) = roster.existing_students(&asked);
        assert_eq!(ids(existing), ["0100", "0300"]);
        let Ok(similar) = roster.similar_students(&["300", "100", "200"]);
        assert_eq!(ids(similar), ["0300", "0100", "100"]);
        let Ok(schools) = roster.schools_of(&asked);
        let schools: Vec<(&str, &str)> = schools
            .iter()
            .map(|(s, school)| (s.as_str(), school.as_str()))
            .collect();
        assert_eq!(schools, [("0100", "5"), ("0100", "7")]);
        let Ok(similar) = roster.similar_schools(&["5", "7", "6"]);
        assert_eq!(similar, [SchoolId::from("5"), SchoolId::from("7")]);

        // In school 5's scope: the link of the student enrolled there, not
        // those of a student with no school or none in the roster.
        let Ok(in_five) = roster.links_in_scope(&Scope::schools([SchoolId::from("5")]));
        let in_five: Vec<(&str, &str)> = in_five
            .iter()
            .map(|(g, s)| (g.as_str(), s.as_str()))
            .collect();
        assert_eq!(in_five, [("G1", "0100")]);
        let Ok(all) = roster.links_in_scope(&Scope::District);
        let all: Vec<&str> = all.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(all, ["0100", "0200", "0300"]);
        assert_eq!(
            format!("{roster:?}"),
            "InMemoryRoster { students: 3, guardians: 0, links: 3, .. }"
        );
    }

    #[test]
    fn schools_of_one_key_are_each_found_and_kept_once() {
        let mut roster = InMemoryRoster::new();
        for (student, school) in [
            ("1", "0102"),
            ("2", "102"),
            ("3", "00102"),
            ("4", "102"),
            ("5", "0102"),
            ("6", "A7"),
        ] {
            roster.add_enrolment(StudentId::from(student), SchoolId::from(school));
        }
        let Ok(similar) = roster.similar_schools(&["102", "a7", "7"]);
        let similar: Vec<&str> = similar.iter().map(SchoolId::as_str).collect();
        assert_eq!(similar, ["0102", "102", "00102", "A7"]);
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
        let g1 = roster.guardian_place("G1").expect("G1 is in");
        let g2 = roster.guardian_place("G2").expect("G2 is in");
        let said = |at: u32| match at == g2 {
            true => "a@example.com",
            false => "b@example.com",
        };
        // (`said` is each place's text should the table grow: it does not.)
        roster.emails.add("a@example.com", g2, said);
        assert_eq!(
            owners_of(&roster, &["a@example.com"], &[]),
            [("a@example.com".into(), "G1".into())]
        );
        roster.emails.remove("a@example.com", g2);
        roster.emails.remove("a@example.com", g1);
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
        assert_eq!(similar(&["42"]), ["00042", "0042", "42"]);
        assert_eq!(
            similar(&["43", "G-7", "g-7", "0", "44"]),
            ["0043", "G-7", "G-7", "0"]
        );
    }
}
