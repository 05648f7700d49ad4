//! The dry run: what an upload would change, computed without changing
//! anything. The roster is asked in batches, a window of guardians at a
//! time; the planning itself runs on rayon's pool.

use foldhash::{HashMap, HashSet};
use rayon::prelude::*;

use crate::checks::validated::ValidatedFile;
use crate::column::Column;
use crate::diagnostic::message::{Arg, msg};
use crate::diagnostic::write_list;
use crate::diagnostic::{Code, Diagnostic};
use crate::dryrun::collisions::{Release, collisions, demote_takers, released_in_vain};
use crate::dryrun::deleted::{deleted_guardians, deleted_links, held_diagnostic};
use crate::dryrun::enrolments::{
    by_unpadded, check_scope, enrolled_elsewhere, student_out_of_scope, students_out_of_scope,
};
use crate::dryrun::field_changes::{FieldChange, FieldChanges};
use crate::dryrun::fingerprint::upload_digest;
use crate::dryrun::fingerprint::{Digest, Fingerprint};
use crate::dryrun::grouped::LinksByGuardian;
use crate::dryrun::known::{Known, Upload};
use crate::dryrun::options::{DryRunOptions, SyncMode};
use crate::dryrun::plan::{Change, Plan, PlanSummary};
use crate::dryrun::restricted::{RestrictedLinks, restricted_guardians};
use crate::dryrun::roster::Roster;
use crate::dryrun::roster::{batched, roster_error};
use crate::dryrun::unlink::{NotApplied, Reason, RosterFacts, plan_unlinks};
use crate::error::{Error, ErrorKind};
use crate::progress::{Phase, Progress};
use crate::values::id::{GuardianId, SchoolId, StudentId};
use crate::values::id::{how_ids_differ, id_key, without_leading_zeros};
use crate::values::record::{Guardian, Link};

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
///
/// # Errors
///
/// [`ErrorKind::Roster`] if the roster fails to answer,
/// [`ErrorKind::StaleRosterKeys`] if its lookup keys cannot be trusted,
/// [`ErrorKind::UnknownSchool`] for a scope school the roster lacks,
/// [`ErrorKind::Cancelled`] on a cancel. No plan is returned then.
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
    if file.is_delta() && options.mode == SyncMode::Full {
        return Err(Error::without_line(ErrorKind::DeltaFullSync));
    }
    let stale = roster.stale_keys().map_err(roster_error)?;
    if stale > 0 {
        return Err(Error::without_line(ErrorKind::StaleRosterKeys {
            rows: stale,
        }));
    }
    check_scope(roster, &options.scope, size)?;
    let students = StudentsAsked::ask(file, roster, options)?;
    let links_by_guardian = in_pool(options, || {
        LinksByGuardian::new(file.guardians(), file.links())
    });
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
        read.merge(in_pool(options, || {
            Digest::par_each(&scope, |digest, (guardian, student)| {
                digest.add(&["scope", guardian.as_str(), student.as_str()]);
            })
        }));
        // A school's sync never removes the link of a student who is also
        // enrolled in another school: that school's upload may still list
        // it.
        let elsewhere =
            enrolled_elsewhere(roster, &options.scope, &scope, &links_by_guardian, size)?;
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
                &upload,
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
    if file.is_delta() && options.mode == SyncMode::Additive {
        // A delta's removals are the links it deletes, and only those.
        let ids = deleted_guardians(file);
        if !ids.is_empty() {
            let mut linked: HashSet<(GuardianId, StudentId)> =
                batched(&ids, size, |ids| roster.links_of(ids))?
                    .into_iter()
                    .collect();
            if !options.scope.school_ids().is_empty() {
                let scope: HashSet<(GuardianId, StudentId)> = roster
                    .links_in_scope(&options.scope)
                    .map_err(roster_error)?
                    .into_iter()
                    .collect();
                linked.retain(|pair| scope.contains(pair));
            }
            let mut read_pairs: Vec<&(GuardianId, StudentId)> = linked.iter().collect();
            read_pairs.sort_unstable();
            for (guardian, student) in read_pairs {
                read.add(&["deleted", guardian.as_str(), student.as_str()]);
            }
            let deletions = deleted_links(file, &linked);
            unlinks = deletions
                .gone
                .into_iter()
                .map(|(guardian_id, student_id)| Change::Unlink {
                    guardian_id,
                    student_id,
                })
                .collect();
            summary.unlink = unlinks.len() as u64;
            summary.unlinks_held = deletions.held.len() as u64;
            summary.unlinks_held_by_rows = deletions.held.len() as u64;
            for (guardian, student, line) in deletions.held {
                diagnostics.push(held_diagnostic(&guardian, &student, line));
                held_unlinks.push((guardian, student));
            }
        }
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
    file.attach_sources(&mut diagnostics);
    Ok(Plan {
        mode: options.mode,
        scope: options.scope.clone(),
        max_unlink_percent: options.max_unlink_percent,
        fingerprint: Fingerprint {
            upload: in_pool(options, || upload_digest(file)).hex(),
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
        options.watch.report(progress, file.info().header_line())
    };
    for (index, guardians) in file.guardians().chunks(window).enumerate() {
        report(done)?;
        // Within the file's guardians, as every window before is full.
        let start = index * window;
        done += guardians.len() as u64;
        let known = Known::ask(roster, guardians, &options.scope, size)?;
        read.merge(in_pool(options, || known.digest()));
        let known = &known;
        in_pool(options, || {
            planned.par_extend(guardians.par_chunks(GUARDIANS_PER_TASK).enumerate().map(
                |(task, guardians)| {
                    let mut out = Planned::default();
                    let first = start + task * GUARDIANS_PER_TASK;
                    for (at, guardian) in (first..).zip(guardians) {
                        plan_guardian(at, guardian, upload, known, &mut out);
                    }
                    out
                },
            ));
        });
    }
    report(done)?;
    Ok((planned, read))
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
            for link in upload.links_by_guardian.of(&taker).filter(|l| {
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

/// Guardians planned by one task of the dry run.
const GUARDIANS_PER_TASK: usize = 1024;

/// Guardians whose roster records are held at once (rounded up to whole
/// batches).
const GUARDIANS_PER_WINDOW: usize = 16_384;

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

/// Plans one guardian of the upload (the file's guardian at `at`): its
/// links to known students, then
/// (unless its ID is probably a roster guardian's with its leading zeros
/// changed, or a contact it brings belongs to another guardian) its
/// creation or update and its new links.
fn plan_guardian(
    at: usize,
    guardian: &Guardian,
    upload: &Upload<'_>,
    known: &Known,
    out: &mut Planned,
) {
    let id = &guardian.guardian_id;
    let rows = upload.links_by_guardian.at(at);
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
    let guardian = if upload.file.info().has_column(Column::HomePhone)
        && upload.file.info().has_column(Column::Language)
    {
        guardian
    } else {
        let mut merged = guardian.clone();
        if !upload.file.info().has_column(Column::HomePhone) {
            merged.home_phone = old.home_phone.clone();
        }
        if !upload.file.info().has_column(Column::Language) {
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
    use crate::dryrun::memory::InMemoryRoster;

    fn validate(csv: &str) -> ValidatedFile {
        ValidatedFile::of_csv(csv)
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
