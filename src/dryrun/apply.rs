//! Start Processing: a plan applied to the application's roster, change by
//! change, each only if what the dry run saw still holds.

use foldhash::{HashMap, HashSet};
use serde::{Deserialize, Serialize};

use crate::dryrun::plan::{Change, Plan};
use crate::dryrun::roster::Roster;
use crate::dryrun::roster::batched;
use crate::dryrun::scope::Scope;
use crate::error::{Error, ErrorKind};
use crate::progress::{Control, Phase, Progress, Watch};
use crate::values::id::{GuardianId, StudentId};
use crate::values::record::Guardian;

/// The application's side of Start Processing: the writes a plan makes,
/// in batches, each fallible. [`apply`] reads the roster (through
/// [`Roster`]) to check every change's precondition first, and hands this
/// trait only the changes that still hold.
///
/// A store with transactions says so through [`RosterWriter::begin`]:
/// [`apply`] then reads the preconditions and writes every change in that
/// one transaction, and commits only if all went well; any error or a
/// cancel rolls it all back and `apply` returns the error, nothing
/// written. A store without (the default) is written batch by batch: an
/// error from any method stops `apply`, and the changes not written are
/// [`Outcome::Failed`] (or, if nothing was written yet, `apply` returns the
/// error as [`crate::ErrorKind::RosterWrite`]). A method that fails is
/// taken to have written none of its batch. Each method receives at most
/// [`ApplyOptions::batch_size`] items.
pub trait RosterWriter: Roster {
    /// Starts the transaction [`apply`] reads and writes in, if the store
    /// has them, at an isolation where two applies at once cannot both
    /// write what each read (SQLite: `BEGIN IMMEDIATE`; PostgreSQL:
    /// `SERIALIZABLE`); true if one was started. The default starts none.
    ///
    /// # Errors
    ///
    /// The store's own error: [`apply`] stops (see the trait's docs).
    fn begin(&mut self) -> Result<bool, Self::Error> {
        Ok(false)
    }
    /// Commits the transaction [`RosterWriter::begin`] started.
    ///
    /// # Errors
    ///
    /// The store's own error: [`apply`] stops (see the trait's docs).
    fn commit(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
    /// Rolls back the transaction [`RosterWriter::begin`] started.
    ///
    /// # Errors
    ///
    /// The store's own error: [`apply`] stops (see the trait's docs).
    fn rollback(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
    /// Adds these guardians (none of them is in the roster).
    ///
    /// # Errors
    ///
    /// The store's own error: [`apply`] stops (see the trait's docs).
    fn create_guardians(&mut self, guardians: &[Guardian]) -> Result<(), Self::Error>;
    /// Replaces these guardians' records (each is in the roster, with the
    /// old values the plan saw).
    ///
    /// # Errors
    ///
    /// The store's own error: [`apply`] stops (see the trait's docs).
    fn update_guardians(&mut self, guardians: &[Guardian]) -> Result<(), Self::Error>;
    /// Adds these guardian-student links (none is in the roster).
    ///
    /// # Errors
    ///
    /// The store's own error: [`apply`] stops (see the trait's docs).
    fn add_links(&mut self, links: &[(GuardianId, StudentId)]) -> Result<(), Self::Error>;
    /// Removes these links (each is in the roster).
    ///
    /// # Errors
    ///
    /// The store's own error: [`apply`] stops (see the trait's docs).
    fn remove_links(&mut self, links: &[(GuardianId, StudentId)]) -> Result<(), Self::Error>;
}

/// A writer behind a mutable reference or a box is a writer: a caller
/// lends `&mut W`, a service keeps a `Box<W>`.
macro_rules! forward_writer {
    ($($wrapper:ty),*) => {$(
        impl<W: RosterWriter + ?Sized> RosterWriter for $wrapper {
            fn begin(&mut self) -> Result<bool, Self::Error> {
                (**self).begin()
            }
            fn commit(&mut self) -> Result<(), Self::Error> {
                (**self).commit()
            }
            fn rollback(&mut self) -> Result<(), Self::Error> {
                (**self).rollback()
            }
            fn create_guardians(&mut self, guardians: &[Guardian]) -> Result<(), Self::Error> {
                (**self).create_guardians(guardians)
            }
            fn update_guardians(&mut self, guardians: &[Guardian]) -> Result<(), Self::Error> {
                (**self).update_guardians(guardians)
            }
            fn add_links(&mut self, links: &[(GuardianId, StudentId)]) -> Result<(), Self::Error> {
                (**self).add_links(links)
            }
            fn remove_links(&mut self, links: &[(GuardianId, StudentId)]) -> Result<(), Self::Error> {
                (**self).remove_links(links)
            }
        }
    )*};
}

forward_writer!(&mut W, Box<W>);

/// Options for [`apply`].
#[derive(Clone, Debug, PartialEq)]
pub struct ApplyOptions {
    batch_size: usize,
    watch: Watch,
}

impl Default for ApplyOptions {
    fn default() -> ApplyOptions {
        ApplyOptions::new()
    }
}

impl ApplyOptions {
    /// Batches of 10,000.
    #[must_use]
    pub fn new() -> ApplyOptions {
        ApplyOptions {
            batch_size: 10_000,
            watch: Watch::default(),
        }
    }

    /// Reports progress to `control`'s callback
    /// ([`Phase::Applying`]: changes done so far, before the guardians,
    /// before the links and at the end) and stops at its cancel flag with
    /// [`crate::ErrorKind::Cancelled`], checked between write batches too:
    /// in a store with transactions nothing of the apply is committed.
    pub fn control(&mut self, control: &Control) -> &mut ApplyOptions {
        self.watch = control.watch.clone();
        self
    }

    /// How many items go to the roster in one call (at least 1).
    pub fn batch_size(&mut self, size: usize) -> &mut ApplyOptions {
        self.batch_size = size.max(1);
        self
    }
}

/// What became of one change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// Written.
    Applied,
    /// Not written: the roster no longer holds what the dry run saw.
    Stale {
        /// What changed since, in words for a clerk.
        reason: String,
    },
    /// Not written: the roster holds it already (the plan was applied
    /// before, or the same change was made otherwise). Nothing is left to
    /// do, which is not the same as stale.
    AlreadyApplied,
    /// Not written: the roster failed on this change's batch or before it
    /// was tried, or applying was cancelled (see [`apply`]).
    Failed {
        /// The roster's error, or the cancellation, in words.
        reason: String,
    },
}

/// The outcome of every change of a plan, in the plan's order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    outcomes: Vec<(Change, Outcome)>,
}

impl Applied {
    /// Each change of the plan with its outcome, in the plan's order.
    #[must_use]
    pub fn outcomes(&self) -> &[(Change, Outcome)] {
        &self.outcomes
    }

    /// How many changes were written.
    #[must_use]
    pub fn applied(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Applied))
    }

    /// How many changes were stale, and not written.
    #[must_use]
    pub fn stale(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Stale { .. }))
    }

    /// How many changes the roster held already ([`Outcome::AlreadyApplied`]).
    #[must_use]
    pub fn already_applied(&self) -> usize {
        self.count(|o| matches!(o, Outcome::AlreadyApplied))
    }

    /// Every change of `plan`, already applied.
    pub(crate) fn nothing_left(plan: &Plan) -> Applied {
        Applied {
            outcomes: plan
                .changes()
                .iter()
                .map(|c| (c.clone(), Outcome::AlreadyApplied))
                .collect(),
        }
    }

    /// How many changes were not written because the roster failed or
    /// applying was cancelled part way. When this is not zero, roll back
    /// the transaction, or show the clerk which rows did not land.
    #[must_use]
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed { .. }))
    }

    fn count(&self, which: impl Fn(&Outcome) -> bool) -> usize {
        self.outcomes.iter().filter(|(_, o)| which(o)).count()
    }
}

/// Applies `plan` to `roster`: what Start Processing does after a clerk
/// approves a dry run, perhaps much later.
///
/// Each change carries its precondition, and is written only if it still
/// holds; otherwise it is [`Outcome::Stale`] and nothing of it is written:
///
/// - a guardian to create must still be absent, and its email and mobile
///   not another guardian's;
/// - a guardian to update must still have the old values the plan shows,
///   and its new email or mobile not be another guardian's;
/// - a link to add must still be absent, and its guardian present once the
///   creates are done;
/// - a link to remove must still be present.
///
/// Changes are applied creates first, then updates, links and unlinks, as
/// the plan orders them, so applying a plan and running the dry run again
/// gives no change.
///
/// # Errors and failures
///
/// A store with transactions ([`RosterWriter::begin`]) is applied to all or
/// nothing: `Err` on any failure or cancel, with everything rolled back.
/// Otherwise, `Err` means nothing was written: the roster failed to answer
/// ([`ErrorKind::Roster`]) or to write ([`ErrorKind::RosterWrite`]) or applying was cancelled
/// ([`ErrorKind::Cancelled`]) before the first successful write.
/// Once a batch has been written, `apply` stops at the first error or
/// cancellation and returns `Ok`: the changes already written are
/// [`Outcome::Applied`], every other one [`Outcome::Failed`] with the reason,
/// so that the caller knows exactly what landed. Check
/// [`Applied::failed`]; in a database, run `apply` in one transaction and
/// roll back when it is not zero.
///
/// # Errors
///
/// [`ErrorKind::Roster`] if the roster fails to answer while the
/// preconditions are read, [`ErrorKind::RosterWrite`] if a write fails
/// before anything was written (or, in a store with transactions, at
/// all: it is rolled back), [`ErrorKind::Cancelled`] on a cancel (rolled
/// back in a store with transactions).
pub fn apply<W: RosterWriter + ?Sized>(
    plan: &Plan,
    roster: &mut W,
    options: &ApplyOptions,
) -> Result<Applied, Error> {
    let changes = plan.changes();
    let mut outcomes: Vec<Option<Outcome>> = vec![None; changes.len()];
    let write_error = |e: W::Error| Error::without_line(ErrorKind::RosterWrite(Box::new(e)));
    if roster.begin().map_err(write_error)? {
        // All or nothing: a failure or a cancel leaves the roster as it was.
        let done = apply_in_steps(changes, plan.scope(), roster, options, &mut outcomes)
            .and_then(|()| roster.commit().map_err(write_error));
        if let Err(error) = done {
            // The error says what went wrong; a rollback that fails too
            // leaves the store to undo the transaction when it closes.
            let _ = roster.rollback();
            return Err(error);
        }
    } else if let Err(error) = apply_in_steps(changes, plan.scope(), roster, options, &mut outcomes)
    {
        if !outcomes.iter().any(|o| matches!(o, Some(Outcome::Applied))) {
            return Err(error);
        }
        let reason = format!("not written: {}", chain(&error));
        for outcome in outcomes.iter_mut().filter(|o| o.is_none()) {
            *outcome = Some(Outcome::Failed {
                reason: reason.clone(),
            });
        }
    }
    Ok(Applied {
        outcomes: changes
            .iter()
            .cloned()
            .zip(outcomes.into_iter().map(|o| o.unwrap_or(Outcome::Applied)))
            .collect(),
    })
}

/// The records, then the links, with progress between; an outcome is set
/// for each change as its verdict is known (stale) or its batch is written.
fn apply_in_steps<W: RosterWriter + ?Sized>(
    changes: &[Change],
    scope: &Scope,
    roster: &mut W,
    options: &ApplyOptions,
    outcomes: &mut [Option<Outcome>],
) -> Result<(), Error> {
    let report = |outcomes: &[Option<Outcome>]| {
        let progress = Progress {
            phase: Phase::Applying,
            bytes: 0,
            done: outcomes.iter().filter(|o| o.is_some()).count() as u64,
        };
        options.watch.report(progress, 0)
    };
    report(outcomes)?;
    apply_records(changes, roster, options, outcomes)?;
    report(outcomes)?;
    apply_links(changes, scope, roster, options, outcomes)?;
    report(outcomes)
}

/// An error and its sources, for a reason a clerk reads.
fn chain(error: &Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The changes (their places in the plan) whose preconditions hold, and
/// what to write for them, in the same order.
struct Writes<T> {
    at: Vec<usize>,
    items: Vec<T>,
}

impl<T> Writes<T> {
    fn new() -> Writes<T> {
        Writes {
            at: Vec::new(),
            items: Vec::new(),
        }
    }

    fn push(&mut self, at: usize, item: T) {
        self.at.push(at);
        self.items.push(item);
    }

    /// Writes the items in chunks of `size` with `write`, marking each
    /// chunk's changes applied once its write succeeded.
    /// Applying stops between two chunks when `watch` is cancelled.
    fn write<E>(
        &self,
        size: usize,
        watch: &Watch,
        outcomes: &mut [Option<Outcome>],
        mut write: impl FnMut(&[T]) -> Result<(), E>,
    ) -> Result<(), Error>
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        for (items, at) in self.items.chunks(size).zip(self.at.chunks(size)) {
            watch.check_cancel()?;
            write(items).map_err(|e| Error::without_line(ErrorKind::RosterWrite(Box::new(e))))?;
            for &at in at {
                outcomes[at] = Some(Outcome::Applied);
            }
        }
        Ok(())
    }
}

/// The creates and updates whose preconditions hold, written; an outcome
/// for each.
fn apply_records<W: RosterWriter + ?Sized>(
    changes: &[Change],
    roster: &mut W,
    options: &ApplyOptions,
    outcomes: &mut [Option<Outcome>],
) -> Result<(), Error> {
    let size = options.batch_size;
    let watch = &options.watch;
    // Guardians: their records and the owners of the contacts they bring.
    let records: Vec<(usize, &Guardian)> = changes
        .iter()
        .enumerate()
        .filter_map(|(at, change)| match change {
            Change::CreateGuardian { guardian, .. } | Change::UpdateGuardian { guardian, .. } => {
                Some((at, &**guardian))
            }
            _ => None,
        })
        .collect();
    let ids: Vec<GuardianId> = records.iter().map(|(_, g)| g.guardian_id.clone()).collect();
    let current: HashMap<GuardianId, Guardian> = batched(&ids, size, |ids| roster.guardians(ids))?
        .into_iter()
        .map(|g| (g.guardian_id.clone(), g))
        .collect();
    let moving: HashSet<&GuardianId> = ids.iter().collect();
    let taken = ContactOwners::ask(&mut *roster, &records, size)?;
    let mut creates = Writes::new();
    let mut updates = Writes::new();
    for &(at, guardian) in &records {
        let now = current.get(&guardian.guardian_id);
        if now == Some(guardian) {
            outcomes[at] = Some(Outcome::AlreadyApplied);
            continue;
        }
        let verdict = match (&changes[at], now) {
            (Change::CreateGuardian { .. }, Some(_)) => Err(format!(
                "guardian {} was created in the roster since the dry run",
                guardian.guardian_id
            )),
            (Change::UpdateGuardian { .. }, None) => Err(format!(
                "guardian {} is no longer in the roster",
                guardian.guardian_id
            )),
            (Change::UpdateGuardian { fields, .. }, Some(now)) => {
                unchanged_since(now, guardian, fields)
                    .and_then(|()| taken.check(guardian, Some(now), &moving))
            }
            _ => taken.check(guardian, None, &moving),
        };
        if let Err(reason) = verdict {
            outcomes[at] = Some(Outcome::Stale { reason });
        }
    }
    // A contact one guardian of the plan gives up and another takes: both
    // changes are written, or neither.
    taken.hold_together(&records, &current, outcomes);
    for &(at, guardian) in &records {
        match (&outcomes[at], &changes[at]) {
            (Some(_), _) => {}
            (None, Change::CreateGuardian { .. }) => creates.push(at, guardian.clone()),
            (None, _) => updates.push(at, guardian.clone()),
        }
    }
    creates.write(size, watch, outcomes, |chunk| {
        roster.create_guardians(chunk)
    })?;
    updates.write(size, watch, outcomes, |chunk| {
        roster.update_guardians(chunk)
    })
}

/// The links to add and remove whose preconditions hold, against the
/// roster as it is once the creates are done; an outcome for each.
fn apply_links<W: RosterWriter + ?Sized>(
    changes: &[Change],
    scope: &Scope,
    roster: &mut W,
    options: &ApplyOptions,
    outcomes: &mut [Option<Outcome>],
) -> Result<(), Error> {
    let size = options.batch_size;
    let watch = &options.watch;
    let pairs: Vec<(usize, &GuardianId, &StudentId, bool)> = changes
        .iter()
        .enumerate()
        .filter_map(|(at, change)| match change {
            Change::Link {
                guardian_id,
                student_id,
                ..
            } => Some((at, guardian_id, student_id, true)),
            Change::Unlink {
                guardian_id,
                student_id,
            } => Some((at, guardian_id, student_id, false)),
            _ => None,
        })
        .collect();
    let mut owners: Vec<GuardianId> = pairs.iter().map(|(_, g, _, _)| (*g).clone()).collect();
    owners.sort_unstable();
    owners.dedup();
    let present: HashSet<(GuardianId, StudentId)> =
        batched(&owners, size, |ids| roster.links_of(ids))?
            .into_iter()
            .collect();
    let existing: HashSet<GuardianId> = batched(&owners, size, |ids| roster.guardians(ids))?
        .into_iter()
        .map(|g| g.guardian_id)
        .collect();
    // The students of the links to add: still in the roster, and for a
    // school-level plan still in one of its schools.
    let mut students: Vec<StudentId> = pairs
        .iter()
        .filter(|(_, _, _, add)| *add)
        .map(|(_, _, s, _)| (*s).clone())
        .collect();
    students.sort_unstable();
    students.dedup();
    let enrolled: HashSet<StudentId> =
        batched(&students, size, |ids| roster.existing_students(ids))?
            .into_iter()
            .collect();
    let schools = scope.school_ids();
    let in_scope: Option<HashSet<StudentId>> = if schools.is_empty() {
        None
    } else {
        Some(
            batched(&students, size, |ids| roster.schools_of(ids))?
                .into_iter()
                .filter(|(_, school)| schools.contains(school))
                .map(|(student, _)| student)
                .collect(),
        )
    };
    let mut adds = Writes::new();
    let mut removes = Writes::new();
    for &(at, guardian, student, add) in &pairs {
        let key = (guardian.clone(), student.clone());
        let stale = match (add, present.contains(&key)) {
            (true, true) | (false, false) => {
                outcomes[at] = Some(Outcome::AlreadyApplied);
                None
            }
            (true, false) if !existing.contains(guardian) => {
                Some(format!("guardian {guardian} is not in the roster"))
            }
            (true, false) if !enrolled.contains(student) => Some(format!(
                "student {student} is no longer in the roster (left since the dry run)"
            )),
            (true, false) if in_scope.as_ref().is_some_and(|s| !s.contains(student)) => {
                Some(format!(
                    "student {student} is no longer in this upload's schools (moved since the dry run); no link is made across schools"
                ))
            }
            (true, false) => {
                adds.push(at, key);
                None
            }
            (false, true) => {
                removes.push(at, key);
                None
            }
        };
        if let Some(reason) = stale {
            outcomes[at] = Some(Outcome::Stale { reason });
        }
    }
    adds.write(size, watch, outcomes, |chunk| roster.add_links(chunk))?;
    removes.write(size, watch, outcomes, |chunk| roster.remove_links(chunk))
}

/// Whether the roster holds every change of `plan` already: each guardian
/// to create or update has the plan's record, each link to add is there,
/// each link to remove is gone.
pub(crate) fn holds_all<R: Roster + ?Sized>(
    plan: &Plan,
    roster: &mut R,
    options: &ApplyOptions,
) -> Result<bool, Error> {
    let size = options.batch_size;
    let mut ids: Vec<GuardianId> = plan
        .changes()
        .iter()
        .map(|c| c.guardian_id().clone())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let records: HashMap<GuardianId, Guardian> = batched(&ids, size, |ids| roster.guardians(ids))?
        .into_iter()
        .map(|g| (g.guardian_id.clone(), g))
        .collect();
    let links: HashSet<(GuardianId, StudentId)> = batched(&ids, size, |ids| roster.links_of(ids))?
        .into_iter()
        .collect();
    Ok(plan.changes().iter().all(|change| match change {
        Change::CreateGuardian { guardian, .. } | Change::UpdateGuardian { guardian, .. } => {
            records.get(&guardian.guardian_id) == Some(&**guardian)
        }
        Change::Link {
            guardian_id,
            student_id,
            ..
        } => links.contains(&(guardian_id.clone(), student_id.clone())),
        Change::Unlink {
            guardian_id,
            student_id,
        } => !links.contains(&(guardian_id.clone(), student_id.clone())),
    }))
}

/// Whether the roster's record is still the one the dry run read: every
/// field, not only those the update changes (an office's edit of another
/// field since the dry run is never undone). The record the dry run read
/// is the update's record with each changed field at its old value.
fn unchanged_since(
    now: &Guardian,
    planned: &Guardian,
    fields: &crate::dryrun::field_changes::FieldChanges,
) -> Result<(), String> {
    for field in crate::values::record::GuardianField::ALL {
        let same = match fields.get(field) {
            Some(change) => now.field(field) == change.old,
            // As the dry run compares: emails by key, phones by number.
            None => now.same_field(planned, field),
        };
        if !same {
            return Err(format!(
                "guardian {}'s {} was changed in the roster since the dry run",
                now.guardian_id,
                field.label()
            ));
        }
    }
    Ok(())
}

/// Who has the emails and mobiles the plan's guardians bring.
struct ContactOwners {
    emails: HashMap<String, Vec<GuardianId>>,
    mobiles: HashMap<String, Vec<GuardianId>>,
}

impl ContactOwners {
    fn ask<R: Roster + ?Sized>(
        roster: &mut R,
        records: &[(usize, &Guardian)],
        size: usize,
    ) -> Result<ContactOwners, Error> {
        let mut emails: Vec<&str> = records
            .iter()
            .filter_map(|(_, g)| g.email.as_ref().map(|e| e.key()))
            .collect();
        emails.sort_unstable();
        emails.dedup();
        let mut mobiles: Vec<&str> = records
            .iter()
            .filter_map(|(_, g)| g.mobile_phone.as_ref().map(|p| p.e164()))
            .collect();
        mobiles.sort_unstable();
        mobiles.dedup();
        let group = |pairs: Vec<(String, GuardianId)>| {
            let mut map: HashMap<String, Vec<GuardianId>> = HashMap::default();
            for (key, owner) in pairs {
                map.entry(key).or_default().push(owner);
            }
            map
        };
        Ok(ContactOwners {
            emails: group(batched(&emails, size, |keys| roster.email_owners(keys))?),
            mobiles: group(batched(&mobiles, size, |keys| roster.mobile_owners(keys))?),
        })
    }

    /// Changes that take an email or mobile another guardian of the plan
    /// gives up are written together with that guardian's change, or not
    /// at all: a taker whose giver is not written (stale), or whose giver's
    /// record keeps the contact, is stale too, and so on until none is
    /// left (a swap of two guardians' emails with one half stale writes
    /// neither half).
    fn hold_together(
        &self,
        records: &[(usize, &Guardian)],
        current: &HashMap<GuardianId, Guardian>,
        outcomes: &mut [Option<Outcome>],
    ) {
        let planned: HashMap<&GuardianId, (usize, &Guardian)> = records
            .iter()
            .map(|&(at, g)| (&g.guardian_id, (at, g)))
            .collect();
        loop {
            let mut changed = false;
            for &(at, guardian) in records {
                if outcomes[at].is_some() {
                    continue;
                }
                let me = &guardian.guardian_id;
                let now = current.get(me);
                let email = guardian
                    .email
                    .as_ref()
                    .filter(|_| now.is_none_or(|now| now.email != guardian.email))
                    .map(|e| (e.key(), self.emails.get(e.key()), "email"));
                let mobile = guardian
                    .mobile_phone
                    .as_ref()
                    .filter(|_| now.is_none_or(|now| now.mobile_phone != guardian.mobile_phone))
                    .map(|p| (p.e164(), self.mobiles.get(p.e164()), "mobile"));
                for (key, owners, label) in email.into_iter().chain(mobile) {
                    for owner in owners.into_iter().flatten().filter(|o| *o != me) {
                        let Some(&(giver_at, giver)) = planned.get(owner) else {
                            continue;
                        };
                        let keeps = match label {
                            "email" => giver.email.as_ref().is_some_and(|e| e.key() == key),
                            _ => giver.mobile_phone.as_ref().is_some_and(|p| p.e164() == key),
                        };
                        let written = outcomes[giver_at].is_none();
                        if keeps || !written {
                            outcomes[at] = Some(Outcome::Stale {
                                reason: format!(
                                    "guardian {me} takes the {label} of guardian {owner}, whose change giving it up is not written (it is stale or keeps it), so neither is written"
                                ),
                            });
                            changed = true;
                            break;
                        }
                    }
                    if outcomes[at].is_some() {
                        break;
                    }
                }
            }
            if !changed {
                return;
            }
        }
    }

    /// Whether the email and mobile the guardian brings (those its roster
    /// record, if any, does not have yet) are free of other guardians
    /// (guardians the plan itself writes may trade contacts).
    fn check(
        &self,
        guardian: &Guardian,
        now: Option<&Guardian>,
        moving: &HashSet<&GuardianId>,
    ) -> Result<(), String> {
        let me = &guardian.guardian_id;
        let new_email = now.is_none_or(|now| now.email != guardian.email);
        let new_mobile = now.is_none_or(|now| now.mobile_phone != guardian.mobile_phone);
        let taken = |owners: Option<&Vec<GuardianId>>| {
            owners
                .into_iter()
                .flatten()
                .find(|owner| *owner != me && !moving.contains(owner))
                .cloned()
        };
        if let (true, Some(email)) = (new_email, &guardian.email) {
            if let Some(owner) = taken(self.emails.get(email.key())) {
                return Err(format!(
                    "the email of guardian {me} was given to guardian {owner} since the dry run"
                ));
            }
        }
        if let (true, Some(mobile)) = (new_mobile, &guardian.mobile_phone) {
            if let Some(owner) = taken(self.mobiles.get(mobile.e164())) {
                return Err(format!(
                    "the mobile of guardian {me} was given to guardian {owner} since the dry run"
                ));
            }
        }
        Ok(())
    }
}
