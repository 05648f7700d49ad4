//! The results of Start Processing, row by row: what the product's "come
//! back later" page shows, and what a clerk downloads.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use crate::checks::validated::ValidatedFile;
use crate::dryrun::apply::{Applied, Outcome};
use crate::dryrun::fingerprint::upload_digest;
use crate::dryrun::plan::{Change, Plan};
use crate::error::{Error, ErrorKind};
use crate::reading::row::RowStatus;
use crate::reports::errors_csv::neutralise;
use crate::values::flags::Exclusion;
use crate::values::id::{GuardianId, StudentId};

/// What happened to one row of the upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum RowResult {
    /// The row's guardian was created (and its link made).
    Created,
    /// The row's guardian was updated.
    Updated,
    /// The row's link was made; the guardian was already right.
    Linked,
    /// Nothing to do: the roster already had it.
    Unchanged,
    /// The row was not applied: rejected, or refused by the dry run.
    Skipped,
    /// The row's change was not written: the roster changed since the dry
    /// run.
    Stale,
    /// The row's change was not written: the roster failed, or applying
    /// was cancelled, before it landed.
    Failed,
    /// Nothing to do: the row's change was in the roster already (the plan
    /// was applied before: a double click, a retry after a crash).
    AlreadyApplied,
    /// The row was left out by the file's own flags: the person is not a
    /// guardian of the student, or is restricted. The reason says which.
    Excluded,
}

impl RowResult {
    /// `"CREATED"`, `"UPDATED"`... as the results file writes it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            RowResult::Created => "CREATED",
            RowResult::Updated => "UPDATED",
            RowResult::Linked => "LINKED",
            RowResult::Unchanged => "UNCHANGED",
            RowResult::Skipped => "SKIPPED",
            RowResult::Stale => "STALE",
            RowResult::Failed => "FAILED",
            RowResult::Excluded => "EXCLUDED",
            RowResult::AlreadyApplied => "ALREADY_APPLIED",
        }
    }
}

/// One row of the upload and what happened to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResultRow {
    /// The physical line of the row.
    pub line: u64,
    /// The row's guardian, where the file kept it (a row that repeats an
    /// earlier one's link has none of its own).
    pub guardian_id: Option<GuardianId>,
    /// The row's student, where the file kept it.
    pub student_id: Option<StudentId>,
    /// What happened.
    pub result: RowResult,
    /// Why a row was skipped or stale: diagnostic codes, or what changed.
    pub reason: Option<String>,
}

/// A link the sync removed (or found already gone): no row stands for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResultUnlink {
    /// The guardian.
    pub guardian_id: GuardianId,
    /// The student.
    pub student_id: StudentId,
    /// `UNLINKED`, `ALREADY_APPLIED` when the link was already gone,
    /// `STALE` or `FAILED`.
    pub result: &'static str,
    /// Why the removal was not written (stale or failed).
    pub reason: Option<String>,
}

/// The results of applying a plan: every row of the upload (they add up
/// to the file's rows), the links removed, and the counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Results {
    /// Rows per result.
    pub counts: BTreeMap<RowResult, u64>,
    /// Links removed.
    pub unlinked: u64,
    /// Every data row of the upload, in file order.
    pub rows: Vec<ResultRow>,
    /// The links a full sync removed.
    pub unlinks: Vec<ResultUnlink>,
}

/// The results of Start Processing for `file`, planned as `plan` and
/// applied as `applied`.
///
/// A row rejected by the reader, or refused by the dry run, is `SKIPPED`
/// with its error codes as the reason (a file read with
/// [`crate::Reader::validate_with`] keeps no diagnostics: its rejected rows
/// are `SKIPPED` with the reason "rejected by validation"); a row the
/// file's flags leave out is `EXCLUDED` with its code and why
/// (`not_a_guardian: emergency_only`, `contact_restricted: restricted`); a row whose
/// change was not written is `FAILED` or `STALE` with the reason;
/// otherwise the row's change decides (`CREATED` when it created its
/// guardian, `UPDATED`, `LINKED`) or the row is `UNCHANGED`.
///
/// # Errors
///
/// [`ErrorKind::PlanNotApproved`] when `file` is not the plan's upload (its
/// fingerprint differs): the results would name the wrong rows.
pub fn results(file: &ValidatedFile, plan: &Plan, applied: &Applied) -> Result<Results, Error> {
    if upload_digest(file).hex() != plan.fingerprint().upload {
        return Err(Error::without_line(ErrorKind::PlanNotApproved {
            reason: "the results were asked for another upload than the plan's (its fingerprint differs), so they would name the wrong rows: give the upload the plan was made from".to_owned(),
        }));
    }
    let ids = ids_by_line(file);
    let errors = error_codes_by_line(file, plan);
    let excluded: BTreeMap<u64, Exclusion> = file
        .excluded_rows()
        .iter()
        .map(|row| (row.line, row.exclusion))
        .collect();
    let (mut by_line, unlinks) = outcomes_by_line(applied);
    let mut rows = Vec::new();
    let mut counts: BTreeMap<RowResult, u64> = BTreeMap::new();
    for outcome in file.rows() {
        if outcome.status == RowStatus::Blank {
            continue;
        }
        let found = by_line.remove(&outcome.line);
        let (result, reason) = match (errors.get(&outcome.line), found) {
            _ if outcome.status == RowStatus::Excluded => {
                let why = excluded.get(&outcome.line).copied();
                let code = match why {
                    Some(Exclusion::Restricted) => "contact_restricted",
                    Some(Exclusion::Deleted) => "deleted_in_source",
                    _ => "not_a_guardian",
                };
                let why = why.map_or("", Exclusion::as_str);
                (RowResult::Excluded, Some(format!("{code}: {why}")))
            }
            (Some(codes), _) => {
                let mut codes = codes.clone();
                codes.dedup();
                (RowResult::Skipped, Some(codes.join("; ")))
            }
            (None, _) if outcome.status == RowStatus::Rejected => (
                RowResult::Skipped,
                Some("rejected by validation".to_owned()),
            ),
            (None, Some(found)) => found,
            (None, None) => (RowResult::Unchanged, None),
        };
        *counts.entry(result).or_default() += 1;
        let (guardian_id, student_id) = ids.get(&outcome.line).cloned().unwrap_or_default();
        rows.push(ResultRow {
            line: outcome.line,
            guardian_id,
            student_id,
            result,
            reason,
        });
    }
    Ok(Results {
        counts,
        unlinked: unlinks.iter().filter(|u| u.result == "UNLINKED").count() as u64,
        rows,
        unlinks,
    })
}

/// The guardian and student of each line the file kept them for: links,
/// rejected rows, excluded rows.
fn ids_by_line(file: &ValidatedFile) -> BTreeMap<u64, (Option<GuardianId>, Option<StudentId>)> {
    let mut ids = BTreeMap::new();
    for link in file.links() {
        ids.insert(
            link.line,
            (
                Some(link.guardian_id.clone()),
                Some(link.student_id.clone()),
            ),
        );
    }
    for row in file.rejected_rows() {
        ids.insert(row.line, (row.guardian_id.clone(), row.student_id.clone()));
    }
    for row in file.excluded_rows() {
        ids.insert(
            row.line,
            (Some(row.guardian_id.clone()), Some(row.student_id.clone())),
        );
    }
    ids
}

/// The error codes on each line, the file's then the plan's.
fn error_codes_by_line(file: &ValidatedFile, plan: &Plan) -> BTreeMap<u64, Vec<&'static str>> {
    let mut errors: BTreeMap<u64, Vec<&'static str>> = BTreeMap::new();
    for diagnostic in file.diagnostics().iter().chain(plan.diagnostics()) {
        if diagnostic.is_error() {
            errors
                .entry(diagnostic.line)
                .or_default()
                .push(diagnostic.code.as_str());
        }
    }
    errors
}

/// Per line of the upload, what its changes came to: the strongest
/// result, with its reason.
type LineResults = BTreeMap<u64, (RowResult, Option<String>)>;

/// What the changes of each line came to, and the links removed, in the
/// plan's order.
fn outcomes_by_line(applied: &Applied) -> (LineResults, Vec<ResultUnlink>) {
    let mut by_line = LineResults::new();
    let mut unlinks = Vec::new();
    for (change, outcome) in applied.outcomes() {
        let result = match (change, outcome) {
            (
                Change::Unlink {
                    guardian_id,
                    student_id,
                },
                _,
            ) => {
                unlinks.push(ResultUnlink {
                    guardian_id: guardian_id.clone(),
                    student_id: student_id.clone(),
                    reason: match outcome {
                        Outcome::Stale { reason } | Outcome::Failed { reason } => {
                            Some(reason.clone())
                        }
                        _ => None,
                    },
                    result: match outcome {
                        Outcome::Applied => "UNLINKED",
                        Outcome::Failed { .. } => "FAILED",
                        Outcome::Stale { .. } => "STALE",
                        Outcome::AlreadyApplied => "ALREADY_APPLIED",
                    },
                });
                continue;
            }
            (_, Outcome::Failed { .. }) => RowResult::Failed,
            (_, Outcome::AlreadyApplied) => RowResult::AlreadyApplied,
            (_, Outcome::Stale { .. }) => RowResult::Stale,
            (Change::CreateGuardian { .. }, _) => RowResult::Created,
            (Change::UpdateGuardian { .. }, _) => RowResult::Updated,
            (Change::Link { .. }, _) => RowResult::Linked,
        };
        let Some(line) = change.line() else {
            continue;
        };
        let reason = match outcome {
            Outcome::Stale { reason } | Outcome::Failed { reason } => Some(reason.clone()),
            Outcome::Applied | Outcome::AlreadyApplied => None,
        };
        match by_line.entry(line) {
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert((result, reason));
            }
            std::collections::btree_map::Entry::Occupied(mut slot) => {
                if rank(result) < rank(slot.get().0) {
                    slot.insert((result, reason));
                }
            }
        }
    }
    (by_line, unlinks)
}

/// Which result a row with several changes shows: a change not written
/// first (failed, then stale), then the guardian's creation, update, the
/// link.
fn rank(result: RowResult) -> u8 {
    match result {
        RowResult::Failed => 0,
        RowResult::Stale => 1,
        RowResult::Created => 2,
        RowResult::Updated => 3,
        RowResult::Linked => 4,
        RowResult::AlreadyApplied => 5,
        RowResult::Unchanged => 5,
        RowResult::Skipped => 6,
        RowResult::Excluded => 7,
    }
}

impl Results {
    /// The columns of [`Results::write_csv`].
    pub const COLUMNS: [&'static str; 5] =
        ["line", "result", "reason", "guardian_id", "student_id"];

    /// Writes the results as CSV with `delimiter` (the upload's, so that a
    /// spreadsheet opens both alike) and, as the errors file, a UTF-8
    /// byte-order mark (so that Excel reads it as UTF-8): a row per upload
    /// row with its guardian and student, then one per link removed (no
    /// line). Cells a spreadsheet would run as formulas are neutralised as
    /// in the errors file.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`] if `out` cannot be written.
    pub fn write_csv<W: Write>(&self, out: W, delimiter: u8) -> Result<(), Error> {
        let io = |e: csv::Error| {
            Error::without_line(ErrorKind::Io(std::io::Error::other(e.to_string())))
        };
        let mut out = out;
        out.write_all("\u{feff}".as_bytes())?;
        let mut writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .quote_style(csv::QuoteStyle::Always)
            .from_writer(out);
        writer.write_record(Self::COLUMNS).map_err(io)?;
        for row in &self.rows {
            let reason = row.reason.as_deref().unwrap_or("");
            let id = |id: Option<&str>| neutralise(id.unwrap_or("").as_bytes());
            writer
                .write_record([
                    row.line.to_string().as_bytes(),
                    row.result.as_str().as_bytes(),
                    &neutralise(reason.as_bytes()),
                    &id(row.guardian_id.as_ref().map(|g| g.as_str())),
                    &id(row.student_id.as_ref().map(|s| s.as_str())),
                ])
                .map_err(io)?;
        }
        for unlink in &self.unlinks {
            writer
                .write_record([
                    &b""[..],
                    unlink.result.as_bytes(),
                    &neutralise(unlink.reason.as_deref().unwrap_or("").as_bytes()),
                    &neutralise(unlink.guardian_id.as_str().as_bytes()),
                    &neutralise(unlink.student_id.as_str().as_bytes()),
                ])
                .map_err(io)?;
        }
        writer.flush()?;
        Ok(())
    }
}
