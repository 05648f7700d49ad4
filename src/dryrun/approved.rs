//! Start Processing of an approved plan: only what the clerk approved is
//! written.
//!
//! A plan is data an application keeps between the dry run and Start
//! Processing (a database row, a JSON file). Whoever can write that data
//! can edit it, and a digest stored beside it can be computed again after
//! the edit. So the plan is never trusted as written: Start Processing
//! plans again, from the same upload, against the roster as it is now,
//! with the approved plan's options, and applies only if the new plan is
//! the approved one, change for change. What that protects against:
//!
//! - a plan edited after the dry run (another email on a guardian to
//!   create, a link moved to another family's student, an unlink added, a
//!   field list that does not match its record, a value no rule accepts):
//!   refused whole, nothing written;
//! - an old plan replayed (last week's full sync, applied after a link was
//!   added back): the roster has moved on, so the plan is refused whole;
//! - an edit made in the roster since the dry run (an office corrected a
//!   last name): refused whole, so the edit is never undone; the clerk runs
//!   the dry run again and approves what it says now;
//! - a plan applied to another upload than its own.
//!
//! What it does not protect against: a roster that changes between this
//! second plan and its writes. Each change's precondition catches that
//! ([`crate::apply`]), and a store's own transaction makes the two one
//! step (`SqliteRoster` applies in one).

use crate::checks::validated::ValidatedFile;
use crate::dryrun::apply::{Applied, ApplyOptions, RosterWriter, apply, holds_all};
use crate::dryrun::plan::Plan;
use crate::dryrun::planner::dry_run;
use crate::error::{Error, ErrorKind};

/// Start Processing: applies `approved` to `roster` only if it is exactly
/// what a dry run of `file` (the plan's own upload, read again) gives now,
/// with the plan's mode, scope and deletion threshold. Otherwise nothing is
/// written and the error ([`ErrorKind::PlanNotApproved`]) says why: the
/// plan is not the dry run of this upload, the roster changed since the
/// dry run, or the plan was edited after it.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use guardian_roster::{
///     ApplyOptions, DryRunOptions, ErrorKind, InMemoryRoster, Plan, Reader, StudentId, dry_run,
///     start_processing,
/// };
///
/// let upload = "student_id,guardian_id,first_name,last_name,email,mobile_phone\n\
///               000125,G1,Ana,Diaz,ana@example.com,\n";
/// let file = Reader::from_reader(upload.as_bytes())?.validate()?;
/// let mut roster = InMemoryRoster::new();
/// roster.add_student(StudentId::from("000125"));
///
/// // The dry run, kept for the clerk to approve.
/// let stored = serde_json::to_string(&dry_run(&file, &mut roster, &DryRunOptions::new())?)?;
///
/// // Someone edits the stored plan: another email for the new guardian.
/// let edited: Plan = serde_json::from_str(&stored.replace("ana@example.com", "eve@example.com"))?;
/// let refused = start_processing(&file, &edited, &mut roster, &ApplyOptions::new());
/// assert!(matches!(refused.map_err(|e| e.to_string()), Err(reason) if reason.contains("edited")));
/// assert_eq!(roster.all_guardians().count(), 0);
///
/// // The plan as approved is applied.
/// let approved: Plan = serde_json::from_str(&stored)?;
/// let applied = start_processing(&file, &approved, &mut roster, &ApplyOptions::new())?;
/// assert_eq!(applied.applied(), 2);
///
/// // Applied twice (a double click, a retry): nothing left to do.
/// let again = start_processing(&file, &approved, &mut roster, &ApplyOptions::new())?;
/// assert_eq!((again.applied(), again.already_applied()), (0, 2));
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// [`ErrorKind::PlanNotApproved`] as above; the errors of [`dry_run`] and
/// [`apply`] otherwise.
pub fn start_processing<W: RosterWriter + ?Sized>(
    file: &ValidatedFile,
    approved: &Plan,
    roster: &mut W,
    options: &ApplyOptions,
) -> Result<Applied, Error> {
    let again = dry_run(file, &mut *roster, &approved.dry_run_options())?;
    let Some(reason) = why_not_approved(approved, &again) else {
        return apply(&again, roster, options);
    };
    // The same upload asks nothing more of the roster: the plan was
    // applied already (a double click, a retry after a crash), or the
    // roster came to hold all of it otherwise. Nothing is written; every
    // change says so.
    if approved.fingerprint().upload == again.fingerprint().upload
        && again.changes().is_empty()
        && holds_all(approved, &mut *roster, options)?
    {
        return Ok(Applied::nothing_left(approved));
    }
    Err(Error::without_line(ErrorKind::PlanNotApproved { reason }))
}

/// Why `approved` is not the plan `again` (the dry run of the same upload
/// now), in words for a clerk; `None` when it is.
fn why_not_approved(approved: &Plan, again: &Plan) -> Option<String> {
    if approved.fingerprint().upload != again.fingerprint().upload {
        return Some(
            "the plan is not the dry run of this upload (the upload differs from the one it was planned from): run the dry run of this upload and approve its plan"
                .to_owned(),
        );
    }
    if approved.fingerprint().roster != again.fingerprint().roster {
        return Some(
            "the roster has changed since the dry run (or the plan was already applied), so the plan no longer says what would happen: run the dry run again and approve what it says now"
                .to_owned(),
        );
    }
    if approved == again {
        return None;
    }
    let at = approved
        .changes()
        .iter()
        .zip(again.changes())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| approved.changes().len().min(again.changes().len()));
    Some(
        if approved.changes().len() != again.changes().len() || at < approved.changes().len() {
            format!(
                "the plan was edited after the dry run (change {} is not what the dry run of this upload plans: {} changes approved, {} planned); nothing was written: run the dry run again and approve its plan",
                at + 1,
                approved.changes().len(),
                again.changes().len()
            )
        } else {
            "the plan was edited after the dry run (its counts, held links or diagnostics are not the dry run's); nothing was written: run the dry run again and approve its plan"
            .to_owned()
        },
    )
}
