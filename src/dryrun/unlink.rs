//! Full sync: which links of the roster's scope go, which are held, and
//! which students the removals would leave with no guardian.
//!
//! The rule that matters: a row of the file that did not apply is never a
//! deletion. A row the reader rejected, or one the dry run refused (unknown
//! student, a guardian ID that matches the roster only once its key is
//! taken, a contact in use, a student of another school), may be the row
//! for a link the roster has, perhaps under an ID a spreadsheet or an
//! export changed. So a guardian with any such row keeps every link the
//! sync would remove, and so does a student with any such row, whatever
//! made the row unusable; IDs are matched by their key ([`id_key`]:
//! leading zeros, width, other digits, capitals, hidden characters).

use std::borrow::Cow;

use foldhash::{HashMap, HashSet};
use rayon::slice::ParallelSliceMut;

use crate::checks::validated::ValidatedFile;
use crate::diagnostic::message::{Arg, msg, plain};
use crate::diagnostic::{Code, Diagnostic, write_list};
use crate::dryrun::known::Upload;
use crate::dryrun::options::DryRunOptions;
use crate::dryrun::plan::{Change, PlanSummary};
use crate::values::id::{GuardianId, SchoolId, StudentId, id_key};

/// A row of the file that did not apply, and why: what it may stand for.
#[derive(Clone, Debug)]
pub(crate) struct NotApplied {
    /// The physical line of the row.
    pub(crate) line: u64,
    /// Its guardian ID, if readable.
    pub(crate) guardian_id: Option<GuardianId>,
    /// Its student ID, if readable.
    pub(crate) student_id: Option<StudentId>,
    /// Why it did not apply.
    pub(crate) reason: Reason,
}

/// Why a row did not apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reason {
    /// The reader rejected it.
    Rejected,
    /// Its student is not in the roster.
    UnknownStudent,
    /// Its guardian ID matches a roster guardian only once leading zeros
    /// are ignored: the row may stand for every link of that guardian.
    SimilarGuardian,
    /// Its email or mobile belongs to another guardian.
    ContactInUse,
    /// Its student is in another school than the scope's.
    OutOfScope,
}

impl Reason {
    fn words(self) -> &'static str {
        match self {
            Reason::Rejected => "was rejected",
            Reason::UnknownStudent => "was not applied (its student ID is not in the roster)",
            Reason::SimilarGuardian => {
                "was not applied (its guardian ID matches the roster's only once leading zeros are ignored)"
            }
            Reason::ContactInUse => {
                "was not applied (its email or mobile belongs to another guardian)"
            }
            Reason::OutOfScope => "was not applied (its student is in another school)",
        }
    }
}

/// What the roster says that decides a removal beyond the file: the
/// links of people the file flags as restricted (always removed), and the
/// students also enrolled in a school outside a school scope (never
/// removed by this sync).
pub(crate) struct RosterFacts<'a> {
    pub(crate) restricted: &'a HashSet<(GuardianId, StudentId)>,
    pub(crate) elsewhere: &'a HashMap<StudentId, Vec<SchoolId>>,
}

/// What full sync decided.
pub(crate) struct Unlinks {
    pub(crate) unlinks: Vec<Change>,
    pub(crate) held: Vec<(GuardianId, StudentId)>,
    pub(crate) held_by_rows: u64,
    pub(crate) held_by_threshold: u64,
    pub(crate) held_by_other_schools: u64,
    pub(crate) students_left_without_guardian: u64,
    /// Removals of links the file flags as restricted: never held.
    pub(crate) restricted: u64,
}

/// What the rows that did not apply hold, by their IDs' keys
/// ([`id_key`]), each with the first such row: every link of a guardian
/// with such a row, and every link of a student with one.
#[derive(Default)]
struct Holders<'a> {
    guardians: HashMap<Cow<'a, str>, &'a NotApplied>,
    students: HashMap<Cow<'a, str>, &'a NotApplied>,
    /// A rejected row with neither ID readable may stand for any link.
    anything: Option<&'a NotApplied>,
}

impl<'a> Holders<'a> {
    fn new(rows: &'a [NotApplied]) -> Holders<'a> {
        let mut holders = Holders::default();
        for row in rows {
            if let Some(guardian) = &row.guardian_id {
                holders
                    .guardians
                    .entry(id_key(guardian.as_str()))
                    .or_insert(row);
            }
            if let Some(student) = &row.student_id {
                holders
                    .students
                    .entry(id_key(student.as_str()))
                    .or_insert(row);
            }
            if row.guardian_id.is_none() && row.student_id.is_none() {
                holders.anything.get_or_insert(row);
            }
        }
        holders
    }

    /// The first row that may stand for the link, if any: a row of its
    /// guardian, else a row of its student.
    fn holder(&self, guardian: &GuardianId, student: &StudentId) -> Option<&'a NotApplied> {
        if self.guardians.is_empty() && self.students.is_empty() {
            return None;
        }
        self.guardians
            .get(id_key(guardian.as_str()).as_ref())
            .or_else(|| self.students.get(id_key(student.as_str()).as_ref()))
            .copied()
    }
}

/// Full sync: the links in scope that the file no longer has, less those a
/// row that did not apply may hold, all held back above the threshold; and
/// whatever else holds, the links the file flags as restricted
/// (`roster.restricted`: a threshold meant to stop accidental mass deletions
/// never keeps a restricted person linked).
pub(crate) fn plan_unlinks(
    upload: &Upload<'_>,
    mut scope: Vec<(GuardianId, StudentId)>,
    new_links: &[Change],
    not_applied: &[NotApplied],
    roster: &RosterFacts<'_>,
    options: &DryRunOptions,
    diagnostics: &mut Vec<Diagnostic>,
) -> Unlinks {
    scope.par_sort_unstable();
    scope.dedup();
    let forced: Vec<(GuardianId, StudentId)> = scope
        .iter()
        .filter(|pair| roster.restricted.contains(*pair))
        .cloned()
        .collect();
    let mut out = plan_ordinary_unlinks(
        upload,
        scope,
        new_links,
        not_applied,
        roster,
        options,
        diagnostics,
    );
    if !forced.is_empty() {
        out.restricted = forced.len() as u64;
        out.unlinks.extend(
            forced
                .into_iter()
                .map(|(guardian_id, student_id)| Change::Unlink {
                    guardian_id,
                    student_id,
                }),
        );
        out.unlinks.sort_by(|a, b| {
            (a.guardian_id(), a.student_id()).cmp(&(b.guardian_id(), b.student_id()))
        });
    }
    out
}

/// What becomes of a link of the scope that the file no longer has.
enum Fate<'a> {
    /// Kept: its student is also enrolled in these schools outside the
    /// scope.
    Elsewhere(&'a [SchoolId]),
    /// Kept: this row, which did not apply, may stand for it.
    HeldBy(&'a NotApplied),
    /// Removed, unless something holds every removal.
    Candidate,
}

/// Why no link of the scope is removed, when none is.
#[derive(Clone, Copy)]
enum HoldAll<'a> {
    /// The file ends in the middle of the row on this line.
    Truncated(u64),
    /// This rejected row has neither ID readable: it may stand for any
    /// link.
    AnyLink(&'a NotApplied),
    /// More would go than the threshold allows.
    Threshold,
}

/// [`plan_unlinks`] but for the restricted links, which it leaves out.
fn plan_ordinary_unlinks(
    upload: &Upload<'_>,
    scope: Vec<(GuardianId, StudentId)>,
    new_links: &[Change],
    not_applied: &[NotApplied],
    roster: &RosterFacts<'_>,
    options: &DryRunOptions,
    diagnostics: &mut Vec<Diagnostic>,
) -> Unlinks {
    let file = upload.file;
    let mut near = usize::MAX;
    let holders = Holders::new(not_applied);

    // The links of the scope the file no longer has, by their place in
    // the scope, each with its fate; the scope itself is freed before the
    // diagnostics are written (at a million links, 48 MB that would
    // otherwise sit beside them).
    let mut fates: Vec<(usize, Fate<'_>)> = Vec::new();
    for (at, (guardian, student)) in scope.iter().enumerate() {
        if upload.links_by_guardian.has(&mut near, guardian, student)
            || (!roster.restricted.is_empty()
                && roster
                    .restricted
                    .contains(&(guardian.clone(), student.clone())))
        {
            continue;
        }
        let fate = match roster.elsewhere.get(student) {
            Some(schools) => Fate::Elsewhere(schools),
            None => match holders.holder(guardian, student) {
                Some(row) => Fate::HeldBy(row),
                None => Fate::Candidate,
            },
        };
        fates.push((at, fate));
    }
    let in_scope = scope.len();
    // The share is of the links the roster would have after this upload's
    // additions, so applying the additive part never moves a held sync
    // over the line. Links held for rows that did not apply are not
    // removals, and are not counted as such.
    let covered = in_scope + new_links.len();
    let allowed = options.max_unlink_percent / 100.0 * covered as f64;
    let removals = fates
        .iter()
        .filter(|(_, fate)| matches!(fate, Fate::Candidate))
        .count();
    // Whether every removal is held, decided while the scope is at hand.
    let hold_all = if removals == 0 {
        None
    } else if let Some(line) = file.truncated_at() {
        Some(HoldAll::Truncated(line))
    } else if let Some(row) = holders.anything {
        Some(HoldAll::AnyLink(row))
    } else if removals as f64 > allowed {
        Some(HoldAll::Threshold)
    } else {
        None
    };
    // What the removals' students have in the scope, for the warning of
    // students left without a guardian (asked only when links go).
    let mut scope_links: HashMap<StudentId, usize> = HashMap::default();
    if removals > 0 && hold_all.is_none() {
        let removed: HashSet<&StudentId> = fates
            .iter()
            .filter(|(_, fate)| matches!(fate, Fate::Candidate))
            .map(|&(at, _)| &scope[at].1)
            .collect();
        for (_, student) in &scope {
            if removed.contains(student) {
                match scope_links.get_mut(student) {
                    Some(count) => *count += 1,
                    None => {
                        scope_links.insert(student.clone(), 1);
                    }
                }
            }
        }
    }
    let mut picked = Vec::with_capacity(fates.len());
    let mut fates = fates.into_iter().peekable();
    for (at, pair) in scope.into_iter().enumerate() {
        if let Some((_, fate)) = fates.next_if(|&(next, _)| next == at) {
            picked.push((pair, fate));
        }
    }
    diagnostics.reserve(picked.len() - removals);

    let mut candidates = Vec::with_capacity(removals);
    let mut held = Vec::with_capacity(picked.len() - removals);
    let mut by_other_schools = 0u64;
    for ((guardian, student), fate) in picked {
        match fate {
            Fate::Elsewhere(schools) => {
                diagnostics.push(held_elsewhere(
                    file.info().header_line(),
                    &guardian,
                    &student,
                    schools,
                ));
                held.push((guardian, student));
                by_other_schools += 1;
            }
            Fate::HeldBy(row) => {
                diagnostics.push(held_by(row, &guardian, &student));
                held.push((guardian, student));
            }
            Fate::Candidate => candidates.push((guardian, student)),
        }
    }
    let mut out = Unlinks {
        unlinks: Vec::new(),
        held_by_rows: held.len() as u64 - by_other_schools,
        held_by_other_schools: by_other_schools,
        held_by_threshold: 0,
        held,
        students_left_without_guardian: 0,
        restricted: 0,
    };
    if candidates.is_empty() {
        return out;
    }
    match hold_all {
        Some(HoldAll::Truncated(line)) => {
            diagnostics.push(Diagnostic::with_message(
                Code::UnlinkHeld,
                line,
                msg!(
                    "Line {}: the file ends in the middle of this row, probably cut off, so rows after it may be missing: no link is removed ({} held); download or export the file again and sync",
                    line,
                    candidates.len()
                ),
            ));
            out.held_by_rows += candidates.len() as u64;
        }
        Some(HoldAll::AnyLink(row)) => {
            diagnostics.push(Diagnostic::with_message(
                Code::UnlinkHeld,
                row.line,
                msg!(
                    "Line {} was rejected and neither of its IDs could be read, so it may be the row for any link: no link is removed ({} held); fix the row and sync again",
                    row.line,
                    candidates.len()
                ),
            ));
            out.held_by_rows += candidates.len() as u64;
        }
        Some(HoldAll::Threshold) => {
            diagnostics.push(threshold_exceeded(
                file.info().header_line(),
                candidates.len(),
                in_scope,
                new_links.len(),
                out.held_by_rows,
                options.max_unlink_percent,
            ));
            out.held_by_threshold = candidates.len() as u64;
        }
        None => {
            out.held.sort_unstable();
            out.students_left_without_guardian = warn_students_left_without_guardian(
                file,
                &scope_links,
                new_links,
                &candidates,
                diagnostics,
            );
            out.unlinks = candidates
                .into_iter()
                .map(|(guardian_id, student_id)| Change::Unlink {
                    guardian_id,
                    student_id,
                })
                .collect();
            return out;
        }
    }
    out.held.extend(candidates);
    out.held.sort_unstable();
    out
}

/// `unlink_held` for a link a row that did not apply may stand for.
fn held_by(row: &NotApplied, guardian: &GuardianId, student: &StudentId) -> Diagnostic {
    let line = row.line;
    let same = |a: Option<&str>, b: &str| a.is_some_and(|a| id_key(a) == id_key(b));
    let of_guardian = same(
        row.guardian_id.as_ref().map(|g| g.as_str()),
        guardian.as_str(),
    );
    let of_student = same(
        row.student_id.as_ref().map(|s| s.as_str()),
        student.as_str(),
    );
    let message = match (row.reason, of_guardian, of_student) {
        (Reason::SimilarGuardian, _, _) => msg!(
            "Line {} {} and may be the row for guardian {}, so their link to student {} is kept, not removed; fix the guardian ID in the file and sync again",
            line,
            row.reason.words(),
            plain(guardian),
            plain(student)
        ),
        (_, true, true) => msg!(
            "Line {} {} and may be the row for guardian {} and student {}, so that link is kept, not removed; fix the row and sync again",
            line,
            row.reason.words(),
            plain(guardian),
            plain(student)
        ),
        (_, true, false) => msg!(
            "Line {} {} and is a row of guardian {}, who keeps every link a full sync would remove while a row of theirs cannot be used (here, to student {}); fix the row and sync again",
            line,
            row.reason.words(),
            plain(guardian),
            plain(student)
        ),
        _ => msg!(
            "Line {} {} and is a row of student {}, who keeps every link a full sync would remove while a row of theirs cannot be used (here, to guardian {}); fix the row and sync again",
            line,
            row.reason.words(),
            plain(student),
            plain(guardian)
        ),
    };
    Diagnostic::with_message(Code::UnlinkHeld, line, message)
        .with_value(format!("{guardian} {student}"))
}

/// `unlink_held` for the link of a student also enrolled in a school
/// outside the sync's scope.
fn held_elsewhere(
    line: u64,
    guardian: &GuardianId,
    student: &StudentId,
    schools: &[SchoolId],
) -> Diagnostic {
    let mut listed = String::new();
    write_list(&mut listed, schools, schools.len());
    let message = msg!(
        "Student {} is also enrolled in school {}, outside this upload's schools, whose upload may still list them, so their link to guardian {} is kept, not removed; that school's sync decides",
        plain(student),
        listed,
        plain(guardian)
    );
    Diagnostic::with_message(Code::UnlinkHeld, line, message)
        .with_value(format!("{guardian} {student}"))
}

/// `deletion_threshold`: the measure in words, with both numbers.
fn threshold_exceeded(
    line: u64,
    removals: usize,
    in_scope: usize,
    added: usize,
    held_by_rows: u64,
    max_percent: f64,
) -> Diagnostic {
    let covered = in_scope + added;
    let percent = 100.0 * removals as f64 / covered as f64;
    let percent = plain(format_args!("{percent:.1}"));
    let max_percent = plain(max_percent);
    let message = if held_by_rows > 0 {
        msg!(
            "{} of the {} links this file covers would be removed ({}%; the links it covers are the roster's {} in scope and the {} this file adds), more than the {}% a sync may remove; no link was removed. {} more are kept because rows that may stand for them were not applied. If the file is complete and this is intended, raise the limit; otherwise check that the export holds every guardian",
            removals,
            covered,
            percent,
            in_scope,
            added,
            max_percent,
            held_by_rows
        )
    } else {
        msg!(
            "{} of the {} links this file covers would be removed ({}%; the links it covers are the roster's {} in scope and the {} this file adds), more than the {}% a sync may remove; no link was removed. If the file is complete and this is intended, raise the limit; otherwise check that the export holds every guardian",
            removals,
            covered,
            percent,
            in_scope,
            added,
            max_percent
        )
    };
    Diagnostic::with_message(Code::DeletionThreshold, line, message)
}

/// Warns of each student whose every link would go, and counts them.
fn warn_students_left_without_guardian(
    file: &ValidatedFile,
    scope_links: &HashMap<StudentId, usize>,
    new_links: &[Change],
    removals: &[(GuardianId, StudentId)],
    diagnostics: &mut Vec<Diagnostic>,
) -> u64 {
    let mut removed: HashMap<&StudentId, Vec<&GuardianId>> = HashMap::default();
    for (guardian, student) in removals {
        removed.entry(student).or_default().push(guardian);
    }
    // Each removed student's links: those of the scope, then those the
    // file adds.
    let mut remaining: HashMap<&StudentId, usize> = scope_links
        .iter()
        .filter(|(student, _)| removed.contains_key(student))
        .map(|(student, &count)| (student, count))
        .collect();
    for change in new_links {
        if let Some(student) = change.student_id() {
            if removed.contains_key(student) {
                *remaining.entry(student).or_default() += 1;
            }
        }
    }
    let mut orphans: Vec<(&StudentId, &Vec<&GuardianId>)> = removed
        .iter()
        .filter(|(student, guardians)| remaining.get(*student).copied() == Some(guardians.len()))
        .map(|(student, guardians)| (*student, guardians))
        .collect();
    orphans.sort_unstable();
    for (student, guardians) in &orphans {
        let mut listed = String::new();
        write_list(&mut listed, guardians.iter(), guardians.len());
        let message = msg!(
            "Student {} would be left with no guardian: this sync removes every link they have (guardian{} {}); check that the export holds this student's guardians before Start Processing",
            Arg::Value,
            if guardians.len() > 1 { "s" } else { "" },
            listed
        );
        diagnostics.push(
            Diagnostic::with_message(
                Code::StudentLeftWithoutGuardian,
                file.info().header_line(),
                message,
            )
            .with_column(crate::column::Column::StudentId)
            .with_value(student.as_str()),
        );
    }
    orphans.len() as u64
}

impl PlanSummary {
    pub(crate) fn count_unlinks(&mut self, unlinks: &Unlinks) {
        self.unlink = unlinks.unlinks.len() as u64;
        self.unlinks_held = unlinks.held.len() as u64;
        self.unlinks_held_by_rows = unlinks.held_by_rows;
        self.unlinks_held_by_threshold = unlinks.held_by_threshold;
        self.unlinks_held_by_other_schools = unlinks.held_by_other_schools;
        self.students_left_without_guardian = unlinks.students_left_without_guardian;
        self.unlink_restricted = unlinks.restricted;
    }
}
