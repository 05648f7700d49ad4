//! What one window of the dry run knows: the upload's side (its students
//! the roster has, their suggestions and scope) and the roster's answers
//! about the window's guardians (records, links, the owners of the
//! contacts they bring, look-alike IDs).

use foldhash::{HashMap, HashSet};

use crate::checks::validated::ValidatedFile;
use crate::dryrun::enrolments::by_unpadded;
use crate::dryrun::fingerprint::Digest;
use crate::dryrun::grouped::LinksByGuardian;
use crate::dryrun::roster::Roster;
use crate::dryrun::roster::batched;
use crate::dryrun::scope::Scope;
use crate::error::Error;
use crate::values::id::id_key;
use crate::values::id::{GuardianId, SchoolId, StudentId};
use crate::values::record::{Guardian, GuardianField};

/// What the upload says, for planning any of its guardians.
pub(crate) struct Upload<'a> {
    pub(crate) file: &'a ValidatedFile,
    /// Students of the upload that the roster has.
    pub(crate) existing: &'a HashSet<StudentId>,
    /// Students the roster has in no school of a school scope, with their
    /// schools.
    pub(crate) out_of_scope: &'a HashMap<StudentId, Vec<SchoolId>>,
    /// Roster IDs that differ from an unknown student's only in leading
    /// zeros, by the ID without them.
    pub(crate) suggestions: &'a HashMap<String, Vec<StudentId>>,
    /// The links of each of the file's guardians, by the guardian's place.
    pub(crate) links_by_guardian: &'a LinksByGuardian<'a>,
}

/// What the roster says about a window of the upload's guardians.
pub(crate) struct Known {
    /// The roster's records of the window's guardians, and where each is.
    pub(crate) current: Vec<Guardian>,
    pub(crate) current_index: HashMap<GuardianId, usize>,
    pub(crate) current_links: HashSet<(GuardianId, StudentId)>,
    pub(crate) email_owners: HashMap<String, Vec<GuardianId>>,
    pub(crate) mobile_owners: HashMap<String, Vec<GuardianId>>,
    /// Roster guardians whose ID differs only in leading zeros from one of
    /// the window's guardians the roster lacks, by the ID without them.
    /// Also when the file uses the roster's ID too: a row whose ID lost its
    /// zeros beside rows that kept them is the same person.
    pub(crate) twins: HashMap<String, Vec<GuardianId>>,
    /// In a school scope: the window's guardians whose every roster link is
    /// to a student of another school.
    pub(crate) elsewhere: HashSet<GuardianId>,
}

impl Known {
    pub(crate) fn ask<R: Roster + ?Sized>(
        roster: &mut R,
        guardians: &[Guardian],
        scope: &Scope,
        size: usize,
    ) -> Result<Known, Error> {
        let ids: Vec<GuardianId> = guardians.iter().map(|g| g.guardian_id.clone()).collect();
        // In a Vec, with an index beside it: a map's empty slots would each
        // take a whole guardian's size.
        let current = batched(&ids, size, |ids| roster.guardians(ids))?;
        let current_index: HashMap<GuardianId, usize> = current
            .iter()
            .enumerate()
            .map(|(at, g)| (g.guardian_id.clone(), at))
            .collect();
        let current_links: HashSet<(GuardianId, StudentId)> =
            batched(&ids, size, |ids| roster.links_of(ids))?
                .into_iter()
                .collect();
        let mut known = Known {
            current,
            current_index,
            current_links,
            email_owners: HashMap::default(),
            mobile_owners: HashMap::default(),
            twins: HashMap::default(),
            elsewhere: HashSet::default(),
        };
        known.elsewhere = known.ask_elsewhere(roster, scope, size)?;
        known.twins = known.ask_twins(roster, guardians, size)?;
        // The contacts that would be new to their guardian, each once.
        let new_keys = |field: GuardianField, key: fn(&Guardian) -> Option<&str>| {
            let mut keys: Vec<&str> = guardians
                .iter()
                .filter(|g| known.is_new_contact(g, field))
                .filter_map(key)
                .collect();
            keys.sort_unstable();
            keys.dedup();
            keys
        };
        let emails = new_keys(GuardianField::Email, |g| g.email.as_ref().map(|e| e.key()));
        let mobiles = new_keys(GuardianField::MobilePhone, |g| {
            g.mobile_phone.as_ref().map(|p| p.e164())
        });
        let email_owners = owner_map(batched(&emails, size, |keys| roster.email_owners(keys))?);
        let mobile_owners = owner_map(batched(&mobiles, size, |keys| roster.mobile_owners(keys))?);
        known.email_owners = email_owners;
        known.mobile_owners = mobile_owners;
        Ok(known)
    }

    /// Asks the roster for guardians whose IDs match, once leading zeros
    /// are ignored, those of `guardians` it lacks.
    pub(crate) fn ask_twins<R: Roster + ?Sized>(
        &self,
        roster: &mut R,
        guardians: &[Guardian],
        size: usize,
    ) -> Result<HashMap<String, Vec<GuardianId>>, Error> {
        let lacking: Vec<std::borrow::Cow<'_, str>> = guardians
            .iter()
            .filter(|g| self.current(&g.guardian_id).is_none())
            .map(|g| id_key(g.guardian_id.as_str()))
            .collect();
        let mut keys: Vec<&str> = lacking.iter().map(|k| k.as_ref()).collect();
        if keys.is_empty() {
            return Ok(HashMap::default());
        }
        keys.sort_unstable();
        keys.dedup();
        Ok(by_unpadded(batched(&keys, size, |keys| {
            roster.similar_guardians(keys)
        })?))
    }

    /// In a school scope, the guardians whose roster links are all to
    /// students of other schools.
    pub(crate) fn ask_elsewhere<R: Roster + ?Sized>(
        &self,
        roster: &mut R,
        scope: &Scope,
        size: usize,
    ) -> Result<HashSet<GuardianId>, Error> {
        let schools = scope.school_ids();
        if schools.is_empty() || self.current_links.is_empty() {
            return Ok(HashSet::default());
        }
        let mut students: Vec<StudentId> =
            self.current_links.iter().map(|(_, s)| s.clone()).collect();
        students.sort_unstable();
        students.dedup();
        let in_scope: HashSet<StudentId> = batched(&students, size, |ids| roster.schools_of(ids))?
            .into_iter()
            .filter(|(_, school)| schools.contains(school))
            .map(|(student, _)| student)
            .collect();
        let mut with_one: HashSet<&GuardianId> = HashSet::default();
        for (guardian, student) in &self.current_links {
            if in_scope.contains(student) {
                with_one.insert(guardian);
            }
        }
        Ok(self
            .current_links
            .iter()
            .map(|(g, _)| g)
            .filter(|g| !with_one.contains(g))
            .cloned()
            .collect())
    }

    /// Roster guardians that are probably `id` with its leading zeros
    /// changed.
    pub(crate) fn twins_of<'a>(&'a self, id: &'a GuardianId) -> Vec<&'a GuardianId> {
        self.twins
            .get(id_key(id.as_str()).as_ref())
            .into_iter()
            .flatten()
            .filter(|twin| *twin != id)
            .collect()
    }

    /// What the roster answered about the window's guardians: their
    /// records and links, each asked once whatever the windows (the
    /// records on rayon's pool).
    pub(crate) fn digest(&self) -> Digest {
        let mut digest = Digest::par_each(&self.current, Digest::add_guardian);
        for (guardian, student) in &self.current_links {
            digest.add(&["link", guardian.as_str(), student.as_str()]);
        }
        for guardian in &self.elsewhere {
            digest.add(&["elsewhere", guardian.as_str()]);
        }
        // Contact owners and look-alike IDs are left out: two windows may
        // ask about the same contact, and the fingerprint must not depend
        // on the windows ([`crate::apply`] checks contacts anew anyway).
        digest
    }

    /// The roster's record of guardian `id`.
    pub(crate) fn current(&self, id: &GuardianId) -> Option<&Guardian> {
        self.current_index
            .get(id)
            .and_then(|&at| self.current.get(at))
    }

    /// Whether the guardian's email (or mobile) is not already theirs in
    /// the roster.
    pub(crate) fn is_new_contact(&self, guardian: &Guardian, field: GuardianField) -> bool {
        match self.current(&guardian.guardian_id) {
            None => true,
            Some(old) => match field {
                GuardianField::Email => old.email != guardian.email,
                _ => old.mobile_phone != guardian.mobile_phone,
            },
        }
    }
}

pub(crate) fn owner_map(pairs: Vec<(String, GuardianId)>) -> HashMap<String, Vec<GuardianId>> {
    let mut map: HashMap<String, Vec<GuardianId>> = HashMap::default();
    for (key, owner) in pairs {
        map.entry(key).or_default().push(owner);
    }
    for owners in map.values_mut() {
        owners.sort_unstable();
        owners.dedup();
    }
    map
}
