//! The dry run: what an upload would change, computed without changing
//! anything.

use foldhash::{HashMap, HashSet};
use rayon::prelude::*;

use serde::{Deserialize, Serialize};

use crate::checks::validated::ValidatedFile;
use crate::column::Column;
use crate::diagnostic::write_list;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::dryrun::field_changes::{FieldChange, FieldChanges};
use crate::dryrun::fingerprint::{Digest, Fingerprint};
use crate::dryrun::restricted::{RestrictedLinks, restricted_guardians};
use crate::dryrun::roster::Roster;
use crate::dryrun::scope::Scope;
use crate::dryrun::unlink::{NotApplied, Reason, RosterFacts, plan_unlinks};
use crate::error::{Error, ErrorKind};
use crate::message::{Arg, msg, plain};
use crate::progress::{Phase, Progress, Watch};
use crate::values::id::{GuardianId, SchoolId, StudentId};
use crate::values::id::{how_ids_differ, id_key, without_leading_zeros};
use crate::values::record::{Guardian, GuardianField, Link};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// Whether links missing from the file are removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncMode {
    /// Create, update and link only; never unlink. The default, as for a
    /// manual upload.
    #[default]
    Additive,
    /// Also unlink what the roster's scope has and the file no longer does,
    /// within the deletion threshold.
    Full,
}

/// Options for [`dry_run`].
///
/// Like the `csv` crate's builders, the setters take and return
/// `&mut DryRunOptions`, so a chain can be passed straight to [`dry_run`] or
/// set step by step:
///
/// ```
/// use guardian_roster::{dry_run, DryRunOptions, InMemoryRoster, Reader, StudentId, SyncMode};
///
/// # fn main() -> Result<(), guardian_roster::Error> {
/// let file = Reader::from_reader(&b"student_id,guardian_id,first_name,last_name,email,mobile_phone\n\
///     000125,G-1,Ana,Lopez,ana@example.org,\n"[..])?
/// .validate()?;
/// let mut roster = InMemoryRoster::new();
/// roster.add_student(StudentId::from("000125"));
/// let plan = dry_run(&file, &mut roster, DryRunOptions::new().mode(SyncMode::Full))?;
/// assert_eq!(plan.summary().create_guardian, 1);
///
/// let mut options = DryRunOptions::new();
/// options.mode(SyncMode::Full);
/// if plan.summary().create_guardian > 100 {
///     options.max_unlink_percent(5.0);
/// }
/// let again = dry_run(&file, &mut roster, &options)?;
/// assert_eq!(again.summary(), plan.summary());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct DryRunOptions {
    pub(crate) mode: SyncMode,
    pub(crate) max_unlink_percent: f64,
    pub(crate) batch_size: usize,
    pub(crate) scope: Scope,
    pub(crate) watch: Watch,
    pub(crate) pool: Option<Arc<rayon::ThreadPool>>,
}

impl PartialEq for DryRunOptions {
    /// The same settings, the same callback, flag and pool (by identity).
    fn eq(&self, other: &DryRunOptions) -> bool {
        self.mode == other.mode
            && self.max_unlink_percent == other.max_unlink_percent
            && self.batch_size == other.batch_size
            && self.scope == other.scope
            && self.watch == other.watch
            && match (&self.pool, &other.pool) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

impl Default for DryRunOptions {
    fn default() -> DryRunOptions {
        DryRunOptions::new()
    }
}

impl DryRunOptions {
    /// Additive mode, a 10% deletion threshold, batches of 10,000.
    pub fn new() -> DryRunOptions {
        DryRunOptions {
            mode: SyncMode::Additive,
            max_unlink_percent: 10.0,
            batch_size: 10_000,
            scope: Scope::District,
            watch: Watch::default(),
            pool: None,
        }
    }

    /// The part of the roster the upload governs (default: the whole
    /// district). See [`Scope`]: a school scope plans only for students of
    /// its schools and, in full sync, removes only their links.
    pub fn scope(&mut self, scope: Scope) -> &mut DryRunOptions {
        self.scope = scope;
        self
    }

    /// Calls `callback` with the [`Progress`] of planning (guardians
    /// planned so far, [`Phase::Planning`]) before each window of 16,384
    /// guardians and when all are planned, on the calling thread.
    pub fn progress(
        &mut self,
        callback: impl Fn(Progress) + Send + Sync + 'static,
    ) -> &mut DryRunOptions {
        self.watch.set_callback(Arc::new(callback));
        self
    }

    /// A flag that, once set, stops the dry run at its next progress report
    /// with [`ErrorKind::Cancelled`]; no plan is returned.
    pub fn cancel_flag(&mut self, flag: Arc<AtomicBool>) -> &mut DryRunOptions {
        self.watch.set_cancel(flag);
        self
    }

    /// Plans on the caller's rayon pool instead of rayon's global one.
    pub fn thread_pool(&mut self, pool: Arc<rayon::ThreadPool>) -> &mut DryRunOptions {
        self.pool = Some(pool);
        self
    }

    /// Additive (the default) or full sync.
    pub fn mode(&mut self, mode: SyncMode) -> &mut DryRunOptions {
        self.mode = mode;
        self
    }

    /// The largest share of the roster's links in scope (counting the links
    /// this upload adds) that one full sync may remove, in percent (default
    /// 10). Above it, no link is removed and a `deletion_threshold`
    /// diagnostic says why.
    pub fn max_unlink_percent(&mut self, percent: f64) -> &mut DryRunOptions {
        self.max_unlink_percent = if percent.is_nan() {
            0.0
        } else {
            percent.clamp(0.0, 100.0)
        };
        self
    }

    /// How many keys go to the roster in one lookup (default 10,000; at
    /// least 1).
    pub fn batch_size(&mut self, size: usize) -> &mut DryRunOptions {
        self.batch_size = size.max(1);
        self
    }
}

/// One change the upload would make.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Change {
    /// A guardian the roster lacks.
    CreateGuardian {
        /// The guardian's ID.
        guardian_id: GuardianId,
        /// The guardian as the file gives them (boxed: a plan holds many
        /// links, which need no room for a guardian).
        guardian: Box<Guardian>,
        /// The file line of the guardian's first row that applies.
        line: u64,
    },
    /// A guardian whose details differ, field by field.
    UpdateGuardian {
        /// The guardian's ID.
        guardian_id: GuardianId,
        /// What changes, old and new.
        fields: FieldChanges,
        /// The guardian as the file gives them.
        guardian: Box<Guardian>,
        /// The file line of the guardian's first row that applies.
        line: u64,
    },
    /// A guardian-student link the roster lacks.
    Link {
        /// The guardian.
        guardian_id: GuardianId,
        /// The student.
        student_id: StudentId,
        /// The file line that asks for it.
        line: u64,
    },
    /// A link in the roster's scope that the file no longer has (full sync).
    Unlink {
        /// The guardian.
        guardian_id: GuardianId,
        /// The student.
        student_id: StudentId,
    },
}

impl Change {
    /// `"create_guardian"`, `"update_guardian"`, `"link"` or `"unlink"`.
    pub fn action(&self) -> &'static str {
        match self {
            Change::CreateGuardian { .. } => "create_guardian",
            Change::UpdateGuardian { .. } => "update_guardian",
            Change::Link { .. } => "link",
            Change::Unlink { .. } => "unlink",
        }
    }

    /// The guardian concerned.
    pub fn guardian_id(&self) -> &GuardianId {
        match self {
            Change::CreateGuardian { guardian_id, .. }
            | Change::UpdateGuardian { guardian_id, .. }
            | Change::Link { guardian_id, .. }
            | Change::Unlink { guardian_id, .. } => guardian_id,
        }
    }

    /// The file line the change comes from (a guardian's first row, a
    /// link's row); `None` for an unlink, which no row asks for.
    pub fn line(&self) -> Option<u64> {
        match self {
            Change::CreateGuardian { line, .. }
            | Change::UpdateGuardian { line, .. }
            | Change::Link { line, .. } => Some(*line),
            Change::Unlink { .. } => None,
        }
    }

    /// The student concerned, for links and unlinks.
    pub fn student_id(&self) -> Option<&StudentId> {
        match self {
            Change::Link { student_id, .. } | Change::Unlink { student_id, .. } => Some(student_id),
            _ => None,
        }
    }
}

/// Counts for a [`Plan`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct PlanSummary {
    /// Guardians to create.
    pub create_guardian: u64,
    /// Guardians to update.
    pub update_guardian: u64,
    /// Links to add.
    pub link: u64,
    /// Links to remove.
    pub unlink: u64,
    /// Guardians in the file and the roster, identical.
    pub unchanged_guardians: u64,
    /// Links in the file and the roster already.
    pub unchanged_links: u64,
    /// Links that full sync would remove but holds back:
    /// `unlinks_held_by_rows + unlinks_held_by_threshold +
    /// unlinks_held_by_other_schools`.
    pub unlinks_held: u64,
    /// Links held because a row that did not apply (rejected by the
    /// reader, or refused by the dry run) may stand for them.
    pub unlinks_held_by_rows: u64,
    /// Links held because removing them all would cross the deletion
    /// threshold.
    pub unlinks_held_by_threshold: u64,
    /// Links held in a school-level sync because their student is also
    /// enrolled in a school outside the scope, whose upload may still list
    /// them.
    pub unlinks_held_by_other_schools: u64,
    /// Of `unlink`, the links of people the file flags as restricted for
    /// that student (`restricted_contact_linked`): removed whatever the
    /// deletion threshold or the rows held, and named here apart.
    pub unlink_restricted: u64,
    /// Students the planned removals would leave with no guardian at all
    /// (`student_left_without_guardian`).
    pub students_left_without_guardian: u64,
    /// Usable rows of the file that the plan cannot apply (unknown
    /// student, contact in use).
    pub rows_skipped: u64,
    /// Rows the reader rejected, which never reach the plan.
    pub rows_left_out: u64,
}

/// What an upload would do, from [`dry_run`]. Nothing has been changed.
///
/// Changes come in a stable order: guardians to create, guardians to
/// update, links to add, links to remove; by guardian ID (then student ID)
/// within each.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PlanFields")]
pub struct Plan {
    mode: SyncMode,
    scope: Scope,
    /// The deletion threshold it was planned with.
    #[serde(default = "default_threshold")]
    max_unlink_percent: f64,
    #[serde(default)]
    fingerprint: Fingerprint,
    summary: PlanSummary,
    changes: Vec<Change>,
    held_unlinks: Vec<(GuardianId, StudentId)>,
    diagnostics: Vec<Diagnostic>,
}

/// Whether the record's value of `field` is one the file's rules accept
/// (not a roster's older form read back as it is).
fn new_value_is_valid(guardian: &Guardian, field: GuardianField) -> bool {
    match field {
        GuardianField::FirstName | GuardianField::LastName => true,
        GuardianField::Email => guardian
            .email
            .as_ref()
            .is_none_or(|e| crate::values::email::Email::parse(e.as_str()).is_ok()),
        GuardianField::MobilePhone => guardian
            .mobile_phone
            .as_ref()
            .is_none_or(|p| !p.is_legacy()),
        GuardianField::HomePhone => guardian.home_phone.as_ref().is_none_or(|p| !p.is_legacy()),
        GuardianField::Language => guardian
            .language
            .as_ref()
            .is_none_or(|l| crate::values::language::Language::parse(l.as_str()).is_ok()),
    }
}

/// The threshold of a plan stored before it was kept.
fn default_threshold() -> f64 {
    10.0
}

/// A plan as it is read back, before its changes are checked to agree
/// with themselves.
#[derive(Deserialize)]
struct PlanFields {
    mode: SyncMode,
    scope: Scope,
    #[serde(default = "default_threshold")]
    max_unlink_percent: f64,
    #[serde(default)]
    fingerprint: Fingerprint,
    summary: PlanSummary,
    changes: Vec<Change>,
    held_unlinks: Vec<(GuardianId, StudentId)>,
    diagnostics: Vec<Diagnostic>,
}

impl TryFrom<PlanFields> for Plan {
    type Error = String;

    /// Refuses a plan whose changes contradict themselves: a guardian
    /// change whose ID is not its record's, an update without fields or
    /// whose record does not carry the new value of each field it lists;
    /// and one whose new values no rule accepts (an email that is not an
    /// address, a phone that is not a number, an unknown language): what a
    /// file gives has passed its rules. (The old values, and the columns
    /// an update keeps from the roster, may be a roster's older forms.)
    /// (Whether the plan is the dry run of its upload is
    /// [`crate::start_processing`]'s to check.)
    fn try_from(fields: PlanFields) -> Result<Plan, String> {
        for (at, change) in fields.changes.iter().enumerate() {
            match change {
                Change::CreateGuardian {
                    guardian_id,
                    guardian,
                    ..
                }
                | Change::UpdateGuardian {
                    guardian_id,
                    guardian,
                    ..
                } if *guardian_id != guardian.guardian_id => {
                    return Err(format!(
                        "change {} is for guardian {guardian_id} but its record is guardian {}",
                        at + 1,
                        guardian.guardian_id
                    ));
                }
                Change::CreateGuardian {
                    guardian_id,
                    guardian,
                    ..
                } => {
                    let all = crate::values::record::GuardianField::ALL;
                    if let Some(field) = all.into_iter().find(|&f| !new_value_is_valid(guardian, f))
                    {
                        return Err(format!(
                            "change {} gives guardian {guardian_id} a value no rule accepts as their {}",
                            at + 1,
                            field.label()
                        ));
                    }
                }
                Change::UpdateGuardian {
                    guardian_id,
                    fields: changed,
                    guardian,
                    ..
                } => {
                    if let Some((field, _)) = changed
                        .into_iter()
                        .find(|(field, _)| !new_value_is_valid(guardian, *field))
                    {
                        return Err(format!(
                            "change {} gives guardian {guardian_id} a value no rule accepts as their {}",
                            at + 1,
                            field.label()
                        ));
                    }
                    if changed.is_empty() {
                        return Err(format!(
                            "change {} updates guardian {guardian_id} but changes no field",
                            at + 1
                        ));
                    }
                    for (field, change) in changed {
                        if guardian.field(field) != change.new {
                            return Err(format!(
                                "change {} gives guardian {guardian_id}'s {} another value than its record",
                                at + 1,
                                field.label()
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(Plan {
            mode: fields.mode,
            scope: fields.scope,
            max_unlink_percent: fields.max_unlink_percent,
            fingerprint: fields.fingerprint,
            summary: fields.summary,
            changes: fields.changes,
            held_unlinks: fields.held_unlinks,
            diagnostics: fields.diagnostics,
        })
    }
}

impl Plan {
    /// The options of the dry run that made this plan (mode, scope,
    /// deletion threshold), to plan again at Start Processing.
    pub fn dry_run_options(&self) -> DryRunOptions {
        let mut options = DryRunOptions::new();
        options
            .mode(self.mode)
            .scope(self.scope.clone())
            .max_unlink_percent(self.max_unlink_percent);
        options
    }

    /// The changes, in the documented order.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// Counts per action.
    pub fn summary(&self) -> &PlanSummary {
        &self.summary
    }

    /// Why rows were skipped and unlinks held, by line.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Links full sync would have removed but held back (threshold, or a
    /// rejected row that may still hold them).
    pub fn held_unlinks(&self) -> &[(GuardianId, StudentId)] {
        &self.held_unlinks
    }

    /// The mode the plan was computed in.
    pub fn mode(&self) -> SyncMode {
        self.mode
    }

    /// The scope the plan was computed for.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Fingerprints of the upload and of what the roster answered: run the
    /// dry run again at Start Processing and compare, to tell a clerk the
    /// roster changed since the plan was approved.
    pub fn fingerprint(&self) -> &Fingerprint {
        &self.fingerprint
    }

    /// Errors and warnings among the plan's diagnostics.
    pub fn counts(&self) -> (u64, u64) {
        let errors = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count() as u64;
        (errors, self.diagnostics.len() as u64 - errors)
    }

    /// Whether any plan diagnostic is an error (a row that cannot apply).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

pub(crate) fn roster_error<E: std::error::Error + Send + Sync + 'static>(e: E) -> Error {
    Error::without_line(ErrorKind::Roster(Box::new(e)))
}

/// Calls `lookup` once per batch of `keys`, gathering the answers.
pub(crate) fn batched<K, T, E, F>(keys: &[K], size: usize, mut lookup: F) -> Result<Vec<T>, Error>
where
    E: std::error::Error + Send + Sync + 'static,
    F: FnMut(&[K]) -> Result<Vec<T>, E>,
{
    let mut out = Vec::new();
    for chunk in keys.chunks(size) {
        out.extend(lookup(chunk).map_err(roster_error)?);
    }
    Ok(out)
}

/// Computes what uploading `file` would change in `roster`, without
/// changing anything.
///
/// Rows the reader rejected never reach the plan. A link to a student the
/// roster lacks is not made (`unknown_student`, with the roster ID it
/// probably meant when leading zeros differ). A guardian whose new email or
/// mobile belongs to another guardian is not created or updated
/// (`email_in_use`, `mobile_in_use`). A guardian none of whose links can be
/// made is not created. A guardian to create whose ID the roster has with
/// more or fewer leading zeros is created, with a warning naming the
/// roster's ID (`similar_guardian`). Only [`SyncMode::Full`] unlinks, never a link a
/// rejected row may hold, and nothing at all above the deletion threshold.
///
/// An empty cell clears a field (the SIS is the source of truth), but a
/// column the file leaves out (`home_phone`, `language`) says nothing: the
/// roster's value stays, in the update's record too.
///
/// An error means the roster failed to answer ([`ErrorKind::Roster`]).
pub fn dry_run<R: Roster + ?Sized>(
    file: &ValidatedFile,
    roster: &mut R,
    options: &DryRunOptions,
) -> Result<Plan, Error> {
    dry_run_in_windows(file, roster, options, GUARDIANS_PER_WINDOW)
}

/// Runs `work` (the parallel parts of the dry run, which never touch the
/// roster, so that it need not be `Sync`) on the caller's pool if one was
/// given, else on rayon's global pool.
fn in_pool<T: Send>(options: &DryRunOptions, work: impl FnOnce() -> T + Send) -> T {
    match &options.pool {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// [`dry_run`], holding the roster's records of about `window` guardians at
/// a time.
fn dry_run_in_windows<R: Roster + ?Sized>(
    file: &ValidatedFile,
    roster: &mut R,
    options: &DryRunOptions,
    window: usize,
) -> Result<Plan, Error> {
    let size = options.batch_size;
    let stale = roster.stale_keys().map_err(roster_error)?;
    if stale > 0 {
        return Err(Error::without_line(ErrorKind::StaleRosterKeys {
            rows: stale,
        }));
    }
    check_scope(roster, &options.scope, size)?;
    let students = StudentsAsked::ask(file, roster, options)?;
    let mut links_by_guardian: HashMap<&GuardianId, Vec<&Link>> = HashMap::default();
    for link in file.links() {
        links_by_guardian
            .entry(&link.guardian_id)
            .or_default()
            .push(link);
    }
    let upload = Upload {
        file,
        existing: &students.existing,
        out_of_scope: &students.out_of_scope,
        suggestions: &students.suggestions,
        links_by_guardian: &links_by_guardian,
    };
    let (planned, mut read) = plan_windows(&upload, roster, options, window)?;
    read.merge(students.digest);
    let mut draft = Draft::gather(file, planned);
    draft.demote_takers(&upload);
    in_pool(options, || {
        draft.links.par_sort_by(|a, b| {
            (a.guardian_id(), a.student_id()).cmp(&(b.guardian_id(), b.student_id()))
        });
    });
    let mut skipped_lines: Vec<u64> = draft.not_applied[draft.rejected..]
        .iter()
        .map(|r| r.line)
        .collect();
    skipped_lines.sort_unstable();
    skipped_lines.dedup();

    let Draft {
        mut diagnostics,
        not_applied,
        creates,
        updates,
        links,
        mut summary,
        ..
    } = draft;
    // The roster's links of people the file flags as restricted.
    let restricted = {
        let ids = restricted_guardians(file);
        let linked: HashSet<(GuardianId, StudentId)> =
            batched(&ids, size, |ids| roster.links_of(ids))?
                .into_iter()
                .collect();
        for (guardian, student) in &linked {
            read.add(&["restricted", guardian.as_str(), student.as_str()]);
        }
        RestrictedLinks::find(file, &linked)
    };
    let mut removed_restricted: HashSet<(GuardianId, StudentId)> = HashSet::default();
    let mut unlinks = Vec::new();
    let mut held_unlinks = Vec::new();
    if options.mode == SyncMode::Full {
        let scope = roster
            .links_in_scope(&options.scope)
            .map_err(roster_error)?;
        for (guardian, student) in &scope {
            read.add(&["scope", guardian.as_str(), student.as_str()]);
        }
        // A school's sync never removes the link of a student who is also
        // enrolled in another school: that school's upload may still list
        // it.
        let elsewhere = enrolled_elsewhere(roster, &options.scope, &scope, file, size)?;
        for (student, schools) in &elsewhere {
            for school in schools {
                read.add(&["elsewhere", student.as_str(), school.as_str()]);
            }
        }
        if !restricted.pairs.is_empty() {
            removed_restricted = scope
                .iter()
                .filter(|pair| restricted.pairs.contains(*pair))
                .cloned()
                .collect();
        }
        let decided = in_pool(options, || {
            plan_unlinks(
                file,
                scope,
                &links,
                &not_applied,
                &RosterFacts {
                    restricted: &removed_restricted,
                    elsewhere: &elsewhere,
                },
                options,
                &mut diagnostics,
            )
        });
        summary.count_unlinks(&decided);
        unlinks = decided.unlinks;
        held_unlinks = decided.held;
    }
    diagnostics.extend(restricted.diagnostics(options.mode == SyncMode::Full, &removed_restricted));

    summary.create_guardian = creates.len() as u64;
    summary.update_guardian = updates.len() as u64;
    summary.link = links.len() as u64;
    summary.rows_skipped = skipped_lines.len() as u64;
    diagnostics.sort_by_key(|d| d.line);

    let mut changes = creates;
    changes.extend(updates);
    changes.extend(links);
    changes.extend(unlinks);
    Ok(Plan {
        mode: options.mode,
        scope: options.scope.clone(),
        max_unlink_percent: options.max_unlink_percent,
        fingerprint: Fingerprint {
            upload: upload_digest(file).hex(),
            roster: read.hex(),
        },
        summary,
        changes,
        held_unlinks,
        diagnostics,
    })
}

/// What the roster says about the upload's students.
struct StudentsAsked {
    /// Students of the upload that the roster has.
    existing: HashSet<StudentId>,
    /// Roster IDs that differ from an unknown student's only in leading
    /// zeros, by the ID without them.
    suggestions: HashMap<String, Vec<StudentId>>,
    /// Students the roster has in no school of a school scope.
    out_of_scope: HashMap<StudentId, Vec<SchoolId>>,
    /// What the roster answered.
    digest: Digest,
}

impl StudentsAsked {
    fn ask<R: Roster + ?Sized>(
        file: &ValidatedFile,
        roster: &mut R,
        options: &DryRunOptions,
    ) -> Result<StudentsAsked, Error> {
        let size = options.batch_size;
        let mut student_ids: Vec<StudentId> =
            file.links().iter().map(|l| l.student_id.clone()).collect();
        in_pool(options, || student_ids.par_sort_unstable());
        student_ids.dedup();
        let existing: HashSet<StudentId> =
            batched(&student_ids, size, |ids| roster.existing_students(ids))?
                .into_iter()
                .collect();
        let unknown_keys: Vec<std::borrow::Cow<'_, str>> = student_ids
            .iter()
            .filter(|id| !existing.contains(*id))
            .map(|id| id_key(id.as_str()))
            .collect();
        let mut keys: Vec<&str> = unknown_keys.iter().map(|k| k.as_ref()).collect();
        let mut suggestions = HashMap::default();
        if !keys.is_empty() {
            keys.sort_unstable();
            keys.dedup();
            suggestions = by_unpadded(batched(&keys, size, |keys| roster.similar_students(keys))?);
        }
        let out_of_scope = students_out_of_scope(roster, &options.scope, &existing, size)?;
        let mut digest = Digest::default();
        for id in &existing {
            digest.add(&["student", id.as_str()]);
        }
        for (id, schools) in &out_of_scope {
            for school in schools {
                digest.add(&["out of scope", id.as_str(), school.as_str()]);
            }
        }
        Ok(StudentsAsked {
            existing,
            suggestions,
            out_of_scope,
            digest,
        })
    }
}

/// Plans the guardians a window at a time, so what the roster says about
/// them (current records, links, contact owners) is held for one window
/// only. A window is whole batches of guardians, so the guardian and link
/// lookups take as many calls as without windows. Within a window, runs of
/// guardians are planned on rayon's pool and gathered in the file's order,
/// so the plan is the same on any number of threads.
fn plan_windows<R: Roster + ?Sized>(
    upload: &Upload<'_>,
    roster: &mut R,
    options: &DryRunOptions,
    window: usize,
) -> Result<(Vec<Planned>, Digest), Error> {
    let size = options.batch_size;
    let file = upload.file;
    let window = window.max(1).div_ceil(size).saturating_mul(size);
    let mut planned: Vec<Planned> = Vec::new();
    let mut read = Digest::default();
    let mut done = 0u64;
    let report = |done: u64| {
        let progress = Progress {
            phase: Phase::Planning,
            bytes: 0,
            done,
        };
        options.watch.report(progress, file.header_line())
    };
    for guardians in file.guardians().chunks(window) {
        report(done)?;
        done += guardians.len() as u64;
        let known = Known::ask(roster, guardians, &options.scope, size)?;
        read.merge(known.digest());
        let known = &known;
        in_pool(options, || {
            planned.par_extend(guardians.par_chunks(GUARDIANS_PER_TASK).map(|guardians| {
                let mut out = Planned::default();
                for guardian in guardians {
                    plan_guardian(guardian, upload, known, &mut out);
                }
                out
            }));
        });
    }
    report(done)?;
    Ok((planned, read))
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

/// The plan before full sync: every window's changes, diagnostics and rows
/// that did not apply, gathered in the file's order.
struct Draft {
    diagnostics: Vec<Diagnostic>,
    /// Rows the reader rejected, then rows the dry run refused.
    not_applied: Vec<NotApplied>,
    /// How many of `not_applied` the reader rejected.
    rejected: usize,
    creates: Vec<Change>,
    updates: Vec<Change>,
    links: Vec<Change>,
    releases: Vec<Release>,
    summary: PlanSummary,
}

impl Draft {
    fn gather(file: &ValidatedFile, planned: Vec<Planned>) -> Draft {
        let not_applied: Vec<NotApplied> = file
            .rejected_rows()
            .iter()
            .map(|row| NotApplied {
                line: row.line,
                guardian_id: row.guardian_id.clone(),
                student_id: row.student_id.clone(),
                reason: Reason::Rejected,
            })
            .collect();
        // Each list made at its size once: grown window by window, a list
        // of a million changes would be copied as it doubles, and keep up
        // to twice its size.
        let total = |count: fn(&Planned) -> usize| planned.iter().map(count).sum::<usize>();
        let mut not_applied = not_applied;
        not_applied.reserve_exact(total(|p| p.not_applied.len()));
        let mut draft = Draft {
            diagnostics: Vec::with_capacity(total(|p| p.diagnostics.len())),
            rejected: not_applied.len(),
            not_applied,
            creates: Vec::with_capacity(total(|p| p.creates.len())),
            updates: Vec::with_capacity(total(|p| p.updates.len())),
            links: Vec::with_capacity(total(|p| p.links.len())),
            releases: Vec::with_capacity(total(|p| p.releases.len())),
            summary: PlanSummary {
                rows_left_out: file.summary().rejected,
                ..PlanSummary::default()
            },
        };
        for one in planned {
            draft.diagnostics.extend(one.diagnostics);
            draft.not_applied.extend(one.not_applied);
            draft.creates.extend(one.creates);
            draft.updates.extend(one.updates);
            draft.releases.extend(one.releases);
            draft.summary.unchanged_guardians += one.unchanged_guardians;
            draft.summary.unchanged_links += one.unchanged_links;
            draft.links.extend(one.links);
        }
        draft
    }

    /// Takes back what relied on a contact released by a change that does
    /// not apply ([`demote_takers`]), saying so on each of its rows.
    fn demote_takers(&mut self, upload: &Upload<'_>) {
        let demoted = demote_takers(
            [&mut self.creates, &mut self.updates, &mut self.links],
            &self.releases,
        );
        for (taker, at) in demoted {
            let release = &self.releases[at];
            let rows = upload
                .links_by_guardian
                .get(&taker)
                .map_or(&[][..], Vec::as_slice);
            for link in rows.iter().filter(|l| {
                upload.existing.contains(&l.student_id)
                    && !upload.out_of_scope.contains_key(&l.student_id)
            }) {
                self.diagnostics.push(released_in_vain(link, release));
                self.not_applied
                    .push(not_applied(link, Reason::ContactInUse));
            }
        }
    }
}

/// Checks a school scope's IDs against the roster's schools: an ID the
/// roster lacks stops the dry run, naming the roster school it matches
/// once leading zeros are ignored, if any.
fn check_scope<R: Roster + ?Sized>(
    roster: &mut R,
    scope: &Scope,
    size: usize,
) -> Result<(), Error> {
    let schools = scope.school_ids();
    if schools.is_empty() {
        return Ok(());
    }
    let school_keys: Vec<std::borrow::Cow<'_, str>> =
        schools.iter().map(|s| id_key(s.as_str())).collect();
    let mut keys: Vec<&str> = school_keys.iter().map(|k| k.as_ref()).collect();
    keys.sort_unstable();
    keys.dedup();
    let known = by_unpadded(batched(&keys, size, |keys| roster.similar_schools(keys))?);
    for school in schools {
        let similar = known
            .get(id_key(school.as_str()).as_ref())
            .map_or(&[][..], Vec::as_slice);
        if !similar.contains(school) {
            return Err(Error::without_line(ErrorKind::UnknownSchool {
                school: school.clone(),
                suggestion: similar.first().cloned(),
            }));
        }
    }
    Ok(())
}

/// The upload's students that the roster has in none of a school scope's
/// schools, with the schools it has them in.
fn students_out_of_scope<R: Roster + ?Sized>(
    roster: &mut R,
    scope: &Scope,
    existing: &HashSet<StudentId>,
    size: usize,
) -> Result<HashMap<StudentId, Vec<SchoolId>>, Error> {
    if matches!(scope, Scope::District) {
        return Ok(HashMap::default());
    }
    let mut ids: Vec<StudentId> = existing.iter().cloned().collect();
    ids.sort_unstable();
    let mut schools: HashMap<StudentId, Vec<SchoolId>> = HashMap::default();
    for (student, school) in batched(&ids, size, |ids| roster.schools_of(ids))? {
        schools.entry(student).or_default().push(school);
    }
    let mut out = HashMap::default();
    for id in ids {
        let mut theirs = schools.remove(&id).unwrap_or_default();
        if !scope.includes(&theirs) {
            theirs.sort_unstable();
            theirs.dedup();
            out.insert(id, theirs);
        }
    }
    Ok(out)
}

/// For a school-level full sync: the students of the links it would
/// remove (in scope, not in the file) who are also enrolled in a school
/// outside the scope, with those schools.
fn enrolled_elsewhere<R: Roster + ?Sized>(
    roster: &mut R,
    scope: &Scope,
    links: &[(GuardianId, StudentId)],
    file: &ValidatedFile,
    size: usize,
) -> Result<HashMap<StudentId, Vec<SchoolId>>, Error> {
    if matches!(scope, Scope::District) {
        return Ok(HashMap::default());
    }
    let in_file: HashSet<(&GuardianId, &StudentId)> = file
        .links()
        .iter()
        .map(|l| (&l.guardian_id, &l.student_id))
        .collect();
    let mut ids: Vec<StudentId> = links
        .iter()
        .filter(|(g, s)| !in_file.contains(&(g, s)))
        .map(|(_, s)| s.clone())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let schools = scope.school_ids();
    let mut out: HashMap<StudentId, Vec<SchoolId>> = HashMap::default();
    for (student, school) in batched(&ids, size, |ids| roster.schools_of(ids))? {
        if !schools.contains(&school) {
            out.entry(student).or_default().push(school);
        }
    }
    for theirs in out.values_mut() {
        theirs.sort_unstable();
        theirs.dedup();
    }
    Ok(out)
}

/// `student_out_of_scope`: the row's student is in the roster, but in no
/// school of the scope.
fn student_out_of_scope(link: &Link, schools: &[SchoolId]) -> Diagnostic {
    let id = &link.student_id;
    let mut theirs = String::new();
    match schools {
        [] => theirs.push_str("no school"),
        [_] => theirs.push_str("school "),
        _ => theirs.push_str("schools "),
    }
    write_list(&mut theirs, schools, schools.len());
    let message = msg!(
        "student {} is in the roster under {}, not in this upload's scope; the row was not applied (an upload never links across schools): upload it for the student's school, or from the District page",
        Arg::Value,
        theirs
    );
    Diagnostic::with_message(Code::StudentOutOfScope, link.line, message.lined())
        .with_column(Column::StudentId)
        .with_value(id.as_str())
}

/// IDs by their key ([`id_key`]), each list sorted, once each.
fn by_unpadded<T: AsRef<str> + Ord>(ids: impl IntoIterator<Item = T>) -> HashMap<String, Vec<T>> {
    let mut by_key: HashMap<String, Vec<T>> = HashMap::default();
    for id in ids {
        by_key
            .entry(id_key(id.as_ref()).into_owned())
            .or_default()
            .push(id);
    }
    for ids in by_key.values_mut() {
        ids.sort_unstable();
        ids.dedup();
    }
    by_key
}

/// Guardians planned by one task of the dry run.
const GUARDIANS_PER_TASK: usize = 1024;

/// Guardians whose roster records are held at once (rounded up to whole
/// batches).
const GUARDIANS_PER_WINDOW: usize = 16_384;

/// What the upload says, for planning any of its guardians.
struct Upload<'a> {
    file: &'a ValidatedFile,
    /// Students of the upload that the roster has.
    existing: &'a HashSet<StudentId>,
    /// Students the roster has in no school of a school scope, with their
    /// schools.
    out_of_scope: &'a HashMap<StudentId, Vec<SchoolId>>,
    /// Roster IDs that differ from an unknown student's only in leading
    /// zeros, by the ID without them.
    suggestions: &'a HashMap<String, Vec<StudentId>>,
    links_by_guardian: &'a HashMap<&'a GuardianId, Vec<&'a Link>>,
}

/// What the roster says about a window of the upload's guardians.
struct Known {
    /// The roster's records of the window's guardians, and where each is.
    current: Vec<Guardian>,
    current_index: HashMap<GuardianId, usize>,
    current_links: HashSet<(GuardianId, StudentId)>,
    email_owners: HashMap<String, Vec<GuardianId>>,
    mobile_owners: HashMap<String, Vec<GuardianId>>,
    /// Roster guardians whose ID differs only in leading zeros from one of
    /// the window's guardians the roster lacks, by the ID without them.
    /// Also when the file uses the roster's ID too: a row whose ID lost its
    /// zeros beside rows that kept them is the same person.
    twins: HashMap<String, Vec<GuardianId>>,
    /// In a school scope: the window's guardians whose every roster link is
    /// to a student of another school.
    elsewhere: HashSet<GuardianId>,
}

impl Known {
    fn ask<R: Roster + ?Sized>(
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
    fn ask_twins<R: Roster + ?Sized>(
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
    fn ask_elsewhere<R: Roster + ?Sized>(
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
    fn twins_of<'a>(&'a self, id: &'a GuardianId) -> Vec<&'a GuardianId> {
        self.twins
            .get(id_key(id.as_str()).as_ref())
            .into_iter()
            .flatten()
            .filter(|twin| *twin != id)
            .collect()
    }

    /// What the roster answered about the window's guardians: their
    /// records and links, each asked once whatever the windows.
    fn digest(&self) -> Digest {
        let mut digest = Digest::default();
        for guardian in &self.current {
            digest.add_guardian(guardian);
        }
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
    fn current(&self, id: &GuardianId) -> Option<&Guardian> {
        self.current_index
            .get(id)
            .and_then(|&at| self.current.get(at))
    }

    /// Whether the guardian's email (or mobile) is not already theirs in
    /// the roster.
    fn is_new_contact(&self, guardian: &Guardian, field: GuardianField) -> bool {
        match self.current(&guardian.guardian_id) {
            None => true,
            Some(old) => match field {
                GuardianField::Email => old.email != guardian.email,
                _ => old.mobile_phone != guardian.mobile_phone,
            },
        }
    }
}

/// A contact a guardian takes from a roster guardian whom the file moves to
/// another: planned only if that guardian's own change is.
struct Release {
    taker: GuardianId,
    code: Code,
    column: Column,
    value: String,
    owner: GuardianId,
}

/// Takes back the creates, updates and new links of guardians who take a
/// contact from a guardian whose own change is not planned (that guardian
/// keeps the contact, so the taker's login would collide), until none is
/// left: a chain of moves stands or falls together. Returns the demoted
/// guardians, each with the release it relied on.
fn demote_takers(changes: [&mut Vec<Change>; 3], releases: &[Release]) -> Vec<(GuardianId, usize)> {
    let [creates, updates, links] = changes;
    let mut planned: HashSet<GuardianId> = creates
        .iter()
        .chain(updates.iter())
        .map(|c| c.guardian_id().clone())
        .collect();
    let mut demoted: Vec<(GuardianId, usize)> = Vec::new();
    loop {
        let before = demoted.len();
        for (at, release) in releases.iter().enumerate() {
            if planned.contains(&release.taker) && !planned.contains(&release.owner) {
                planned.remove(&release.taker);
                demoted.push((release.taker.clone(), at));
            }
        }
        if demoted.len() == before {
            break;
        }
    }
    if !demoted.is_empty() {
        let gone: HashSet<&GuardianId> = demoted.iter().map(|(id, _)| id).collect();
        for list in [creates, updates, links] {
            list.retain(|c| !gone.contains(c.guardian_id()));
        }
    }
    demoted
}

/// What the dry run plans for a run of the file's guardians.
#[derive(Default)]
struct Planned {
    /// Contacts taken from guardians the file moves (see [`Release`]).
    releases: Vec<Release>,
    diagnostics: Vec<Diagnostic>,
    /// Rows the plan cannot apply.
    not_applied: Vec<NotApplied>,
    creates: Vec<Change>,
    updates: Vec<Change>,
    unchanged_guardians: u64,
    links: Vec<Change>,
    unchanged_links: u64,
}

/// Plans one guardian of the upload: its links to known students, then
/// (unless its ID is probably a roster guardian's with its leading zeros
/// changed, or a contact it brings belongs to another guardian) its
/// creation or update and its new links.
fn plan_guardian(guardian: &Guardian, upload: &Upload<'_>, known: &Known, out: &mut Planned) {
    let id = &guardian.guardian_id;
    let rows = upload
        .links_by_guardian
        .get(id)
        .map_or(&[][..], Vec::as_slice);
    let mut accepted: Vec<&Link> = Vec::with_capacity(rows.len());
    for link in rows {
        if let Some(schools) = upload.out_of_scope.get(&link.student_id) {
            out.diagnostics.push(student_out_of_scope(link, schools));
            out.not_applied.push(not_applied(link, Reason::OutOfScope));
        } else if upload.existing.contains(&link.student_id) {
            accepted.push(link);
        } else {
            out.diagnostics
                .push(unknown_student(link, upload.suggestions));
            out.not_applied
                .push(not_applied(link, Reason::UnknownStudent));
        }
    }
    if accepted.is_empty() {
        return;
    }
    let twins = known.twins_of(id);
    let mut released = Vec::new();
    let collisions = collisions(guardian, upload, known, &mut released);
    if twins.is_empty() && collisions.is_empty() {
        plan_record(guardian, upload, known, accepted[0].line, out);
        plan_links(&accepted, known, out);
        out.releases.extend(released);
        return;
    }
    // The row does not apply: say why, for each row, and hold whatever
    // it may stand for.
    for link in &accepted {
        if !twins.is_empty() {
            out.diagnostics.push(similar_guardian(link, &twins));
        }
        for collision in &collisions {
            out.diagnostics.push(collision.diagnostic(link, &twins));
        }
        let reason = if twins.is_empty() {
            Reason::ContactInUse
        } else {
            Reason::SimilarGuardian
        };
        out.not_applied.push(not_applied(link, reason));
    }
}

fn not_applied(link: &Link, reason: Reason) -> NotApplied {
    NotApplied {
        line: link.line,
        guardian_id: Some(link.guardian_id.clone()),
        student_id: Some(link.student_id.clone()),
        reason,
    }
}

/// A contact the guardian would bring that another guardian of the roster
/// has (and keeps, after this upload).
struct Collision<'a> {
    code: Code,
    column: Column,
    value: &'a str,
    owners: Vec<&'a GuardianId>,
}

impl Collision<'_> {
    /// One diagnostic per row and contact, naming the owners: a contact
    /// that thousands of roster guardians share must not make thousands.
    /// An owner whose ID differs from the row's only in leading zeros is
    /// probably the same person, and the message says so.
    fn diagnostic(&self, link: &Link, twins: &[&GuardianId]) -> Diagnostic {
        let id = &link.guardian_id;
        let label = self.column.label();
        let owners = &self.owners;
        let mut listed = String::new();
        write_list(&mut listed, owners, owners.len());
        let s = if owners.len() > 1 { "s" } else { "" };
        let twin = owners.iter().find(|owner| twins.contains(owner));
        let diagnostic = match twin {
            Some(twin) => {
                let message = msg!(
                    "the {} {} already belongs to guardian{} {} in the roster, and guardian {}'s ID differs from {} only in {}: this is probably the same person with an ID a spreadsheet damaged, not a different one; this row was not applied: fix the guardian ID in the file ({}), not the {}",
                    label,
                    Arg::Value,
                    s,
                    listed,
                    Arg::Suggestion,
                    plain(id),
                    how_ids_differ(twin.as_str(), id.as_str()),
                    Arg::Suggestion,
                    label
                );
                Diagnostic::with_message(self.code, link.line, message.lined())
                    .with_suggestion(twin.as_str())
            }
            None => {
                let message = msg!(
                    "the {} {} already belongs to guardian{} {} in the roster, so guardian {} cannot use it to log in; this row was not applied: give guardian {} their own {}",
                    label,
                    Arg::Value,
                    s,
                    listed,
                    plain(id),
                    plain(id),
                    label
                );
                Diagnostic::with_message(self.code, link.line, message.lined())
            }
        };
        diagnostic.with_column(self.column).with_value(self.value)
    }
}

/// The contacts the guardian brings that other roster guardians have. An
/// owner the same file moves to another contact releases it.
fn collisions<'a>(
    guardian: &'a Guardian,
    upload: &Upload<'_>,
    known: &'a Known,
    released: &mut Vec<Release>,
) -> Vec<Collision<'a>> {
    let id = &guardian.guardian_id;
    let keeps = |owner: &GuardianId, field: GuardianField, value: &str| {
        upload
            .file
            .guardian(owner.as_str())
            .is_none_or(|theirs| match field {
                GuardianField::Email => theirs.email.as_ref().map(|e| e.key()) == Some(value),
                _ => theirs.mobile_phone.as_ref().map(|p| p.e164()) == Some(value),
            })
    };
    let contacts = [
        (
            GuardianField::Email,
            Code::EmailInUse,
            Column::Email,
            &known.email_owners,
            guardian.email.as_ref().map(|e| e.key()),
        ),
        (
            GuardianField::MobilePhone,
            Code::MobileInUse,
            Column::MobilePhone,
            &known.mobile_owners,
            guardian.mobile_phone.as_ref().map(|p| p.e164()),
        ),
    ];
    let mut collisions = Vec::new();
    for (field, code, column, owners, value) in contacts {
        if let (true, Some(value)) = (known.is_new_contact(guardian, field), value) {
            let mut kept: Vec<&GuardianId> = Vec::new();
            for owner in others(owners, value, id) {
                if keeps(owner, field, value) {
                    kept.push(owner);
                } else {
                    released.push(Release {
                        taker: id.clone(),
                        code,
                        column,
                        value: value.to_owned(),
                        owner: owner.clone(),
                    });
                }
            }
            if !kept.is_empty() {
                collisions.push(Collision {
                    code,
                    column,
                    value,
                    owners: kept,
                });
            }
        }
    }
    collisions
}

/// `email_in_use`/`mobile_in_use` for a row whose guardian would take a
/// contact from a roster guardian whom the file moves to another, when that
/// guardian's own change does not apply: they keep it.
fn released_in_vain(link: &Link, release: &Release) -> Diagnostic {
    let label = release.column.label();
    let owner = || plain(&release.owner);
    let message = msg!(
        "the {} {} belongs to guardian {} in the roster; the file gives guardian {} another {}, but that change was not applied, so guardian {} keeps it and guardian {} cannot use it to log in; this row was not applied: fix guardian {}'s rows first",
        label,
        Arg::Value,
        owner(),
        owner(),
        label,
        owner(),
        plain(&link.guardian_id),
        owner()
    );
    Diagnostic::with_message(release.code, link.line, message.lined())
        .with_column(release.column)
        .with_value(release.value.as_str())
}

/// `similar_guardian`: the guardian is not in the roster, but one whose ID
/// differs only in leading zeros is. That is probably the same person
/// with an ID a spreadsheet damaged; creating it would make them a second
/// account, so the row is not applied.
fn similar_guardian(link: &Link, twins: &[&GuardianId]) -> Diagnostic {
    let id = &link.guardian_id;
    let mut listed = String::new();
    write_list(&mut listed, twins, twins.len());
    let (s, is) = if twins.len() > 1 {
        ("s", "are")
    } else {
        ("", "is")
    };
    let how = twins.first().map_or("leading zeros", |twin| {
        how_ids_differ(id.as_str(), twin.as_str())
    });
    let message = msg!(
        "guardian {} is not in the roster, but guardian{} {} {}, differing only in {}, which {}; this is probably the same person, so this row was not applied (it would make them a second account): fix the ID in the file to the roster's (format the column as text before exporting)",
        Arg::Value,
        s,
        listed,
        is,
        how,
        if how == "leading zeros" {
            "a spreadsheet may have removed or added"
        } else {
            "a spreadsheet or an export may have changed"
        }
    );
    let mut diagnostic =
        Diagnostic::with_message(Code::SimilarGuardian, link.line, message.lined())
            .with_column(Column::GuardianId)
            .with_value(id.as_str());
    if let Some(first) = twins.first() {
        diagnostic = diagnostic.with_suggestion(first.as_str());
    }
    diagnostic
}

/// The guardian's creation, or its update field by field, or nothing.
fn plan_record(
    guardian: &Guardian,
    upload: &Upload<'_>,
    known: &Known,
    line: u64,
    out: &mut Planned,
) {
    let id = &guardian.guardian_id;
    let Some(old) = known.current(id) else {
        out.creates.push(Change::CreateGuardian {
            guardian_id: id.clone(),
            guardian: Box::new(guardian.clone()),
            line,
        });
        return;
    };
    // A column the file leaves out says nothing about the field: the
    // roster's value stays.
    let kept;
    let guardian =
        if upload.file.has_column(Column::HomePhone) && upload.file.has_column(Column::Language) {
            guardian
        } else {
            let mut merged = guardian.clone();
            if !upload.file.has_column(Column::HomePhone) {
                merged.home_phone = old.home_phone.clone();
            }
            if !upload.file.has_column(Column::Language) {
                merged.language = old.language.clone();
            }
            kept = merged;
            &kept
        };
    let fields: FieldChanges = old
        .differences(guardian)
        .into_iter()
        .map(|field| {
            let change = FieldChange {
                old: old.field(field),
                new: guardian.field(field),
            };
            (field, change)
        })
        .collect();
    if fields.is_empty() {
        out.unchanged_guardians += 1;
    } else {
        if known.elsewhere.contains(id) {
            out.diagnostics.push(guardian_out_of_scope(id, line));
        }
        out.updates.push(Change::UpdateGuardian {
            guardian_id: id.clone(),
            fields,
            guardian: Box::new(guardian.clone()),
            line,
        });
    }
}

/// `guardian_out_of_scope`: a school's upload updates a guardian whose
/// every child in the roster is in another school.
fn guardian_out_of_scope(id: &GuardianId, line: u64) -> Diagnostic {
    let message = msg!(
        "guardian {} is updated by this school's upload, but every student the roster links them to is in another school; check with those schools that the new details are right",
        Arg::Value
    );
    Diagnostic::with_message(Code::GuardianOutOfScope, line, message.lined())
        .with_column(Column::GuardianId)
        .with_value(id.as_str())
}

/// The guardian's links the roster lacks.
fn plan_links(accepted: &[&Link], known: &Known, out: &mut Planned) {
    for link in accepted {
        if known
            .current_links
            .contains(&(link.guardian_id.clone(), link.student_id.clone()))
        {
            out.unchanged_links += 1;
        } else {
            out.links.push(Change::Link {
                guardian_id: link.guardian_id.clone(),
                student_id: link.student_id.clone(),
                line: link.line,
            });
        }
    }
}

fn owner_map(pairs: Vec<(String, GuardianId)>) -> HashMap<String, Vec<GuardianId>> {
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

fn others<'a>(
    owners: &'a HashMap<String, Vec<GuardianId>>,
    key: &str,
    me: &'a GuardianId,
) -> impl Iterator<Item = &'a GuardianId> {
    owners
        .get(key)
        .into_iter()
        .flatten()
        .filter(move |owner| *owner != me)
}

fn unknown_student(link: &Link, suggestions: &HashMap<String, Vec<StudentId>>) -> Diagnostic {
    let id = &link.student_id;
    let candidates: Vec<&StudentId> = suggestions
        .get(id_key(id.as_str()).as_ref())
        .into_iter()
        .flatten()
        .filter(|candidate| *candidate != id)
        .collect();
    let message = match candidates.as_slice() {
        [] => msg!(
            "student {} is not in the roster; check the ID against the SIS; the student must be in the roster before a guardian can be linked",
            Arg::Value
        ),
        [one] if without_leading_zeros(id.as_str()) == without_leading_zeros(one.as_str()) => {
            msg!(
                "student {} is not in the roster; did you mean {}? A spreadsheet may have added or removed leading zeros; fix the ID in the file (the link was not made)",
                Arg::Value,
                Arg::Suggestion
            )
        }
        [one] => msg!(
            "student {} is not in the roster; did you mean {}? The IDs differ only in {}; fix the ID in the file (the link was not made)",
            Arg::Value,
            Arg::Suggestion,
            how_ids_differ(id.as_str(), one.as_str())
        ),
        many => msg!(
            "student {} is not in the roster; it matches {} once leading zeros (or capitals, width and hidden characters) are ignored; fix the ID in the file (the link was not made)",
            Arg::Value,
            many.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut diagnostic = Diagnostic::with_message(Code::UnknownStudent, link.line, message.lined())
        .with_column(Column::StudentId)
        .with_value(id.as_str());
    if let [one] = candidates.as_slice() {
        diagnostic = diagnostic.with_suggestion(one.as_str());
    }
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plan holds many links: a change takes no room for a guardian.
    #[test]
    fn a_change_is_small() {
        assert!(std::mem::size_of::<Change>() <= 64);
    }
    use crate::{InMemoryRoster, ReaderBuilder};

    fn validate(csv: &str) -> ValidatedFile {
        ReaderBuilder::new()
            .from_reader(csv.as_bytes())
            .and_then(|reader| reader.validate())
            .expect("test files read")
    }

    const HEADER: &str =
        "student_id,guardian_id,first_name,last_name,email,mobile_phone,home_phone,language\n";

    /// Windows split what the roster is asked, never what the plan says:
    /// contacts moving between guardians of different windows, collisions,
    /// unknown students, updates and unlinks come out the same.
    #[test]
    fn windows_do_not_change_the_plan() {
        let current = validate(&format!(
            "{HEADER}\
             001,G1,Ana,Ruiz,ana@example.com,312 555 0101,,es\n\
             002,G2,Bo,Li,bo@example.com,312 555 0102,,\n\
             003,G3,Cy,Ng,cy@example.com,,,\n\
             004,G4,Di,Oz,di@example.com,312 555 0104,,\n\
             004,G5,Ed,Po,ed@example.com,,,\n"
        ));
        let upload = validate(&format!(
            "{HEADER}\
             001,G1,Ana,Ruiz,bo@example.com,312 555 0101,,es\n\
             002,G2,Bo,Li,bo2@example.com,312 555 0102,,\n\
             003,G3,Cy,Ng,di@example.com,,,\n\
             005,G6,Fay,Qi,ed@example.com,312 555 0104,,\n\
             099,G7,Gil,Ra,gil@example.com,,,\n\
             001,G8,Hal,Su,hal@example.com,312 555 0108,,fr\n\
             002,G8,Hal,Su,hal@example.com,312 555 0108,,fr\n"
        ));
        let students = ["001", "002", "003", "004", "005", "0099"].map(StudentId::from);
        let mut roster = InMemoryRoster::from_export(students, &current);
        for mode in [SyncMode::Additive, SyncMode::Full] {
            for batch in [1, 2, 100] {
                let mut options = DryRunOptions::new();
                options
                    .mode(mode)
                    .batch_size(batch)
                    .max_unlink_percent(100.0);
                let mut plan = |window| {
                    dry_run_in_windows(&upload, &mut roster, &options, window)
                        .map(|plan| serde_json::to_string(&plan).expect("serialises"))
                        .expect("in-memory roster answers")
                };
                let whole = plan(usize::MAX);
                for code in [
                    "email_in_use",
                    "mobile_in_use",
                    "unknown_student",
                    "update_guardian",
                ] {
                    assert!(whole.contains(code), "{code} in {whole}");
                }
                for window in [1, 2, 3] {
                    assert_eq!(
                        plan(window),
                        whole,
                        "{mode:?}, batches of {batch}, windows of {window}"
                    );
                }
            }
        }
    }
}
