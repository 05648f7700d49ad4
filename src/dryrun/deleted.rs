//! A OneRoster delta's deletions: the links of users (or roles) it marks
//! `tobedeleted`. An additive dry run of a delta removes those links, and
//! only those: a link a delta does not mention is never removed.

use foldhash::HashSet;

use crate::checks::validated::ValidatedFile;
use crate::diagnostic::message::{Arg, msg, plain};
use crate::diagnostic::{Code, Diagnostic};
use crate::values::flags::Exclusion;
use crate::values::id::{GuardianId, StudentId};

/// The guardians of the rows a delta deletes, sorted, each once: whose
/// links the roster is asked for.
pub(crate) fn deleted_guardians(file: &ValidatedFile) -> Vec<GuardianId> {
    let mut ids: Vec<GuardianId> = deleted_rows(file).map(|(g, _)| g.clone()).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn deleted_rows(file: &ValidatedFile) -> impl Iterator<Item = (&GuardianId, &StudentId)> {
    file.excluded_rows()
        .iter()
        .filter(|row| row.exclusion == Exclusion::Deleted)
        .map(|row| (&row.guardian_id, &row.student_id))
}

/// `unlink_held` for a deleted link a row that could not be used may
/// stand for.
pub(crate) fn held_diagnostic(guardian: &GuardianId, student: &StudentId, line: u64) -> Diagnostic {
    Diagnostic::with_message(
        Code::UnlinkHeld,
        line,
        msg!(
            "the delta deletes the link of guardian {} to student {}, but a row of the export that could not be used names the guardian or the student, and may stand for the link: it is kept; fix the export and sync again",
            Arg::Value,
            plain(student)
        )
        .lined(),
    )
    .with_value(guardian.as_str())
}

/// What a delta's deletions come to: the links to remove, sorted, and
/// those kept, each with the line of the row that deletes it.
#[derive(Default)]
pub(crate) struct Deletions {
    pub(crate) gone: Vec<(GuardianId, StudentId)>,
    pub(crate) held: Vec<(GuardianId, StudentId, u64)>,
}

/// The links to remove: the roster has them (`linked`, within the
/// scope), a row of the delta deletes them, and no row of it makes them.
/// A link is held instead when a row that could not be used names its
/// guardian or its student, or names neither (it may stand for the link),
/// as a full sync holds its removals.
pub(crate) fn deleted_links(
    file: &ValidatedFile,
    linked: &HashSet<(GuardianId, StudentId)>,
) -> Deletions {
    let kept: HashSet<(&GuardianId, &StudentId)> = file
        .links()
        .iter()
        .map(|l| (&l.guardian_id, &l.student_id))
        .collect();
    let rejected = file.rejected_rows();
    let anything = rejected
        .iter()
        .any(|r| r.guardian_id.is_none() && r.student_id.is_none());
    let guardians: HashSet<&GuardianId> = rejected
        .iter()
        .filter_map(|r| r.guardian_id.as_ref())
        .collect();
    let students: HashSet<&StudentId> = rejected
        .iter()
        .filter_map(|r| r.student_id.as_ref())
        .collect();
    let mut out = Deletions::default();
    let mut seen: HashSet<(&GuardianId, &StudentId)> = HashSet::default();
    for row in file.excluded_rows() {
        let pair = (&row.guardian_id, &row.student_id);
        if row.exclusion != Exclusion::Deleted
            || kept.contains(&pair)
            || !seen.insert(pair)
            || !linked.contains(&(row.guardian_id.clone(), row.student_id.clone()))
        {
            continue;
        }
        if anything || guardians.contains(pair.0) || students.contains(pair.1) {
            out.held
                .push((row.guardian_id.clone(), row.student_id.clone(), row.line));
        } else {
            out.gone
                .push((row.guardian_id.clone(), row.student_id.clone()));
        }
    }
    out.gone.sort_unstable();
    out
}
