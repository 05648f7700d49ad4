//! The dry run: what an upload would change, computed without changing
//! anything.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use foldhash::{HashMap, HashSet};
use rayon::prelude::*;

use serde::Serialize;

use crate::diagnostic::write_list;
use crate::id::without_leading_zeros;
use crate::{
    Code, Column, Diagnostic, Error, ErrorKind, Guardian, GuardianField, GuardianId, Link, Roster,
    Severity, StudentId, ValidatedFile,
};

/// Whether links missing from the file are removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
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
/// ```
/// use guardian_roster::{DryRunOptions, SyncMode};
///
/// let options = DryRunOptions::new()
///     .mode(SyncMode::Full)
///     .max_unlink_percent(5.0);
/// assert_eq!(options.get_mode(), SyncMode::Full);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct DryRunOptions {
    mode: SyncMode,
    max_unlink_percent: f64,
    batch_size: usize,
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
        }
    }

    /// Additive (the default) or full sync.
    pub fn mode(mut self, mode: SyncMode) -> DryRunOptions {
        self.mode = mode;
        self
    }

    /// The largest share of the roster's links in scope (counting the links
    /// this upload adds) that one full sync may remove, in percent (default
    /// 10). Above it, no link is removed and a `deletion_threshold`
    /// diagnostic says why.
    pub fn max_unlink_percent(mut self, percent: f64) -> DryRunOptions {
        self.max_unlink_percent = if percent.is_nan() {
            0.0
        } else {
            percent.clamp(0.0, 100.0)
        };
        self
    }

    /// How many keys go to the roster in one lookup (default 10,000; at
    /// least 1).
    pub fn batch_size(mut self, size: usize) -> DryRunOptions {
        self.batch_size = size.max(1);
        self
    }

    /// The sync mode set.
    pub fn get_mode(&self) -> SyncMode {
        self.mode
    }

    /// The deletion threshold set, in percent.
    pub fn get_max_unlink_percent(&self) -> f64 {
        self.max_unlink_percent
    }
}

/// A field's value before and after an update (`None`: empty).
///
/// `Debug` masks both values: they may be emails or phone numbers.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// The roster's current value.
    pub old: Option<String>,
    /// The file's value.
    pub new: Option<String>,
}

impl std::fmt::Debug for FieldChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let masked = |value: &Option<String>| value.as_deref().map(crate::diagnostic::mask);
        f.debug_struct("FieldChange")
            .field("old", &masked(&self.old))
            .field("new", &masked(&self.new))
            .finish()
    }
}

/// One change the upload would make.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Change {
    /// A guardian the roster lacks.
    CreateGuardian {
        /// The guardian's ID.
        guardian_id: GuardianId,
        /// The guardian as the file gives them.
        guardian: Guardian,
    },
    /// A guardian whose details differ, field by field.
    UpdateGuardian {
        /// The guardian's ID.
        guardian_id: GuardianId,
        /// What changes, old and new.
        fields: BTreeMap<GuardianField, FieldChange>,
        /// The guardian as the file gives them.
        guardian: Guardian,
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

    /// The student concerned, for links and unlinks.
    pub fn student_id(&self) -> Option<&StudentId> {
        match self {
            Change::Link { student_id, .. } | Change::Unlink { student_id, .. } => Some(student_id),
            _ => None,
        }
    }
}

/// Counts for a [`Plan`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
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
    /// Links that full sync would remove but holds back.
    pub unlinks_held: u64,
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
#[derive(Clone, Debug, Serialize)]
pub struct Plan {
    mode: SyncMode,
    summary: PlanSummary,
    changes: Vec<Change>,
    held_unlinks: Vec<(GuardianId, StudentId)>,
    diagnostics: Vec<Diagnostic>,
}

impl Plan {
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

fn roster_error<E: std::error::Error + Send + Sync + 'static>(e: E) -> Error {
    Error::new(ErrorKind::Roster(Box::new(e)), 1)
}

/// Calls `lookup` once per batch of `keys`, gathering the answers.
fn batched<K, T, E, F>(keys: &[K], size: usize, mut lookup: F) -> Result<Vec<T>, Error>
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
    roster: &R,
    options: &DryRunOptions,
) -> Result<Plan, Error> {
    dry_run_in_windows(file, roster, options, GUARDIANS_PER_WINDOW)
}

/// [`dry_run`], holding the roster's records of about `window` guardians at
/// a time.
fn dry_run_in_windows<R: Roster + ?Sized>(
    file: &ValidatedFile,
    roster: &R,
    options: &DryRunOptions,
    window: usize,
) -> Result<Plan, Error> {
    let size = options.batch_size;
    let mut diagnostics = Vec::new();

    // Students.
    let mut student_ids: Vec<StudentId> =
        file.links().iter().map(|l| l.student_id.clone()).collect();
    student_ids.par_sort_unstable();
    student_ids.dedup();
    let existing: HashSet<StudentId> =
        batched(&student_ids, size, |ids| roster.existing_students(ids))?
            .into_iter()
            .collect();
    let unknown: Vec<&StudentId> = student_ids
        .iter()
        .filter(|id| !existing.contains(*id))
        .collect();
    let mut suggestions: HashMap<String, Vec<StudentId>> = HashMap::default();
    if !unknown.is_empty() {
        let mut keys: Vec<&str> = unknown
            .iter()
            .map(|id| without_leading_zeros(id.as_str()))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        suggestions = by_unpadded(batched(&keys, size, |keys| roster.similar_students(keys))?);
    }

    let mut links_by_guardian: HashMap<&GuardianId, Vec<&Link>> = HashMap::default();
    for link in file.links() {
        links_by_guardian
            .entry(&link.guardian_id)
            .or_default()
            .push(link);
    }
    let upload = Upload {
        file,
        existing: &existing,
        suggestions: &suggestions,
        links_by_guardian: &links_by_guardian,
    };

    // Guardians are planned a window at a time, so what the roster says
    // about them (current records, links, contact owners) is held for one
    // window only. A window is whole batches of guardians, so the guardian
    // and link lookups take as many calls as before. Within a window, runs
    // of guardians
    // are planned on rayon's pool and gathered in the file's order, so the
    // plan is the same on any number of threads.
    let window = window.max(1).div_ceil(size).saturating_mul(size);
    let mut planned: Vec<Planned> = Vec::new();
    for guardians in file.guardians().chunks(window) {
        let known = Known::ask(roster, guardians, size)?;
        planned.par_extend(guardians.par_chunks(GUARDIANS_PER_TASK).map(|guardians| {
            let mut out = Planned::default();
            for guardian in guardians {
                plan_guardian(guardian, &upload, &known, &mut out);
            }
            out
        }));
    }

    let mut creates = Vec::new();
    let mut updates = Vec::new();
    let mut links = Vec::new();
    let mut summary = PlanSummary {
        rows_left_out: file.summary().rejected,
        ..PlanSummary::default()
    };
    let mut skipped_lines: HashSet<u64> = HashSet::default();
    for one in planned {
        diagnostics.extend(one.diagnostics);
        skipped_lines.extend(one.skipped_lines);
        creates.extend(one.creates);
        updates.extend(one.updates);
        summary.unchanged_guardians += one.unchanged_guardians;
        summary.unchanged_links += one.unchanged_links;
        links.extend(one.links);
    }
    links.par_sort_by(|a, b| {
        (a.guardian_id(), a.student_id()).cmp(&(b.guardian_id(), b.student_id()))
    });
    warn_similar_guardians(&upload, roster, &creates, size, &mut diagnostics)?;

    let mut unlinks = Vec::new();
    let mut held_unlinks = Vec::new();
    if options.mode == SyncMode::Full {
        let scope = roster.links_in_scope().map_err(roster_error)?;
        let (unlink, held) = plan_unlinks(file, scope, &links, options, &mut diagnostics);
        unlinks = unlink;
        held_unlinks = held;
    }

    summary.create_guardian = creates.len() as u64;
    summary.update_guardian = updates.len() as u64;
    summary.link = links.len() as u64;
    summary.unlink = unlinks.len() as u64;
    summary.unlinks_held = held_unlinks.len() as u64;
    summary.rows_skipped = skipped_lines.len() as u64;
    diagnostics.sort_by_key(|d| d.line);

    let mut changes = creates;
    changes.extend(updates);
    changes.extend(links);
    changes.extend(unlinks);
    Ok(Plan {
        mode: options.mode,
        summary,
        changes,
        held_unlinks,
        diagnostics,
    })
}

/// IDs by their form without leading zeros, each list sorted, once each.
fn by_unpadded<T: AsRef<str> + Ord>(ids: impl IntoIterator<Item = T>) -> HashMap<String, Vec<T>> {
    let mut by_key: HashMap<String, Vec<T>> = HashMap::default();
    for id in ids {
        by_key
            .entry(without_leading_zeros(id.as_ref()).to_owned())
            .or_default()
            .push(id);
    }
    for ids in by_key.values_mut() {
        ids.sort_unstable();
        ids.dedup();
    }
    by_key
}

/// Warns of each guardian to create whose ID the roster has with more or
/// fewer leading zeros (`similar_guardian`): a spreadsheet strips the zeros
/// of a guardian ID column as readily as of a student ID column, and the
/// upload would then create a second record for the same person. A roster
/// ID the file itself also uses is a guardian of its own, not a look-alike.
fn warn_similar_guardians<R: Roster + ?Sized>(
    upload: &Upload<'_>,
    roster: &R,
    creates: &[Change],
    size: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(), Error> {
    let mut keys: Vec<&str> = creates
        .iter()
        .map(|change| without_leading_zeros(change.guardian_id().as_str()))
        .collect();
    if keys.is_empty() {
        return Ok(());
    }
    keys.sort_unstable();
    keys.dedup();
    let similar = by_unpadded(
        batched(&keys, size, |keys| roster.similar_guardians(keys))?
            .into_iter()
            .filter(|id| upload.file.guardian(id.as_str()).is_none()),
    );
    for change in creates {
        let id = change.guardian_id();
        let Some(others) = similar.get(without_leading_zeros(id.as_str())) else {
            continue;
        };
        let others: Vec<&GuardianId> = others.iter().filter(|other| *other != id).collect();
        let Some(first) = others.first() else {
            continue;
        };
        let line = upload
            .links_by_guardian
            .get(id)
            .and_then(|links| links.first())
            .map_or(upload.file.header_line(), |link| link.line);
        let mut message = format!(
            "Line {line}: guardian {id} is not in the roster, but guardian{} ",
            if others.len() > 1 { "s" } else { "" }
        );
        write_list(&mut message, &others, others.len());
        let _ = write!(
            message,
            " {}, differing only in leading zeros, which a spreadsheet may have removed or added; if that is the same person, fix the ID in the file (format the column as text before exporting), or this upload creates a second guardian",
            if others.len() > 1 { "are" } else { "is" }
        );
        diagnostics.push(
            Diagnostic::new(Code::SimilarGuardian, line, message)
                .with_column(Column::GuardianId)
                .with_value(id.as_str())
                .with_suggestion(first.as_str()),
        );
    }
    Ok(())
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
}

impl Known {
    fn ask<R: Roster + ?Sized>(
        roster: &R,
        guardians: &[Guardian],
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
        };
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

/// What the dry run plans for a run of the file's guardians.
#[derive(Default)]
struct Planned {
    diagnostics: Vec<Diagnostic>,
    skipped_lines: Vec<u64>,
    creates: Vec<Change>,
    updates: Vec<Change>,
    unchanged_guardians: u64,
    links: Vec<Change>,
    unchanged_links: u64,
}

/// Plans one guardian of the upload: its links to known students, then
/// (unless a contact it brings belongs to another guardian) its creation or
/// update and its new links.
fn plan_guardian(guardian: &Guardian, upload: &Upload<'_>, known: &Known, out: &mut Planned) {
    let id = &guardian.guardian_id;
    let rows = upload
        .links_by_guardian
        .get(id)
        .map_or(&[][..], Vec::as_slice);
    let mut accepted: Vec<&Link> = Vec::with_capacity(rows.len());
    for link in rows {
        if upload.existing.contains(&link.student_id) {
            accepted.push(link);
        } else {
            out.diagnostics
                .push(unknown_student(link, upload.suggestions));
            out.skipped_lines.push(link.line);
        }
    }
    if accepted.is_empty() {
        return;
    }

    // An owner the same file moves to another contact releases it.
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
    // One diagnostic per row and contact, naming the owners: a contact
    // that thousands of roster guardians share must not make thousands.
    let mut collisions = Vec::new();
    for (field, code, column, owners, value) in contacts {
        if let (true, Some(value)) = (known.is_new_contact(guardian, field), value) {
            let kept: Vec<&GuardianId> = others(owners, value, id)
                .filter(|owner| keeps(owner, field, value))
                .collect();
            if !kept.is_empty() {
                collisions.push((code, column, value, kept));
            }
        }
    }
    if !collisions.is_empty() {
        for link in &accepted {
            for (code, column, value, owners) in &collisions {
                let mut message = format!(
                    "Line {}: the {} {value} already belongs to guardian{} ",
                    link.line,
                    column.label(),
                    if owners.len() > 1 { "s" } else { "" },
                );
                write_list(&mut message, owners, owners.len());
                let _ = write!(
                    message,
                    " in the roster, so guardian {id} cannot use it to log in; this row was not applied: give guardian {id} their own {}",
                    column.label()
                );
                out.diagnostics.push(
                    Diagnostic::new(*code, link.line, message)
                        .with_column(*column)
                        .with_value(*value),
                );
            }
            out.skipped_lines.push(link.line);
        }
        return;
    }

    match known.current(id) {
        None => out.creates.push(Change::CreateGuardian {
            guardian_id: id.clone(),
            guardian: guardian.clone(),
        }),
        Some(old) => {
            // A column the file leaves out says nothing about the field:
            // the roster's value stays.
            let kept;
            let guardian = if upload.file.has_column(Column::HomePhone)
                && upload.file.has_column(Column::Language)
            {
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
            let fields: BTreeMap<GuardianField, FieldChange> = old
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
                out.updates.push(Change::UpdateGuardian {
                    guardian_id: id.clone(),
                    fields,
                    guardian: guardian.clone(),
                });
            }
        }
    }
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
        .get(without_leading_zeros(id.as_str()))
        .into_iter()
        .flatten()
        .filter(|candidate| *candidate != id)
        .collect();
    let hint = match candidates.as_slice() {
        [] => "check the ID against the SIS; the student must be in the roster before a guardian can be linked".to_owned(),
        [one] => format!(
            "did you mean {one}? A spreadsheet may have added or removed leading zeros; fix the ID in the file (the link was not made)"
        ),
        many => format!(
            "it matches {} once leading zeros are ignored; fix the ID in the file (the link was not made)",
            many.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        ),
    };
    let mut diagnostic = Diagnostic::new(
        Code::UnknownStudent,
        link.line,
        format!(
            "Line {}: student {id} is not in the roster; {hint}",
            link.line
        ),
    )
    .with_column(Column::StudentId)
    .with_value(id.as_str());
    if let [one] = candidates.as_slice() {
        diagnostic = diagnostic.with_suggestion(one.as_str());
    }
    diagnostic
}

/// Full sync: the links in scope that the file no longer has, less those a
/// rejected row may hold, all held back above the threshold.
fn plan_unlinks(
    file: &ValidatedFile,
    mut scope: Vec<(GuardianId, StudentId)>,
    new_links: &[Change],
    options: &DryRunOptions,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Change>, Vec<(GuardianId, StudentId)>) {
    scope.par_sort_unstable();
    scope.dedup();
    let in_file: HashSet<(&GuardianId, &StudentId)> = file
        .links()
        .iter()
        .map(|l| (&l.guardian_id, &l.student_id))
        .collect();

    // What rejected rows may still hold, and the line that says so.
    let mut by_pair: HashMap<(&GuardianId, &StudentId), u64> = HashMap::default();
    let mut by_guardian: HashMap<&GuardianId, u64> = HashMap::default();
    let mut by_student: HashMap<&StudentId, u64> = HashMap::default();
    let mut unreadable: Vec<u64> = Vec::new();
    for row in file.rejected_rows() {
        match (&row.guardian_id, &row.student_id) {
            (Some(g), Some(s)) => {
                by_pair.entry((g, s)).or_insert(row.line);
            }
            (Some(g), None) => {
                by_guardian.entry(g).or_insert(row.line);
            }
            (None, Some(s)) => {
                by_student.entry(s).or_insert(row.line);
            }
            (None, None) => unreadable.push(row.line),
        }
    }

    let mut candidates = Vec::new();
    let mut held = Vec::new();
    for (guardian, student) in &scope {
        if in_file.contains(&(guardian, student)) {
            continue;
        }
        let protector = by_pair
            .get(&(guardian, student))
            .or_else(|| by_guardian.get(guardian))
            .or_else(|| by_student.get(student));
        match protector {
            Some(&line) => {
                diagnostics.push(
                    Diagnostic::new(
                        Code::UnlinkHeld,
                        line,
                        format!(
                            "Line {line} was rejected and may be the row for guardian {guardian} and student {student}, so that link is kept, not removed; fix the row and sync again"
                        ),
                    )
                    .with_value(format!("{guardian} {student}")),
                );
                held.push((guardian.clone(), student.clone()));
            }
            None => candidates.push((guardian.clone(), student.clone())),
        }
    }
    if candidates.is_empty() {
        return (Vec::new(), held);
    }
    if !unreadable.is_empty() {
        for &line in &unreadable {
            diagnostics.push(Diagnostic::new(
                Code::UnlinkHeld,
                line,
                format!(
                    "Line {line} was rejected and neither of its IDs could be read, so no link is removed ({} held); fix the row and sync again",
                    candidates.len()
                ),
            ));
        }
        held.extend(candidates);
        held.sort_unstable();
        return (Vec::new(), held);
    }
    // The share is of the links the roster would have after this upload's
    // additions, so applying the additive part never moves a held sync
    // over the line.
    let total = scope.len() + new_links.len();
    let allowed = options.max_unlink_percent / 100.0 * total as f64;
    if candidates.len() as f64 > allowed {
        let percent = 100.0 * candidates.len() as f64 / total as f64;
        diagnostics.push(Diagnostic::new(
            Code::DeletionThreshold,
            file.header_line(),
            format!(
                "{} of the roster's {total} links ({percent:.1}%) are not in this file, more than the {}% a sync may remove; no link was removed. If the file is complete and this is intended, raise the limit; otherwise check that the export holds every guardian",
                candidates.len(),
                options.max_unlink_percent
            ),
        ));
        held.extend(candidates);
        held.sort_unstable();
        return (Vec::new(), held);
    }
    held.sort_unstable();
    let unlinks = candidates
        .into_iter()
        .map(|(guardian_id, student_id)| Change::Unlink {
            guardian_id,
            student_id,
        })
        .collect();
    (unlinks, held)
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let roster = InMemoryRoster::from_export(students, &current);
        for mode in [SyncMode::Additive, SyncMode::Full] {
            for batch in [1, 2, 100] {
                let options = DryRunOptions::new()
                    .mode(mode)
                    .batch_size(batch)
                    .max_unlink_percent(100.0);
                let plan = |window| {
                    dry_run_in_windows(&upload, &roster, &options, window)
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
