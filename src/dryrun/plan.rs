//! The plan a dry run gives: each change, the summary, the fingerprints,
//! and the rules a stored plan must meet to be read back.

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Severity};
use crate::dryrun::field_changes::FieldChanges;
use crate::dryrun::fingerprint::Fingerprint;
use crate::dryrun::options::{DryRunOptions, SyncMode};
use crate::dryrun::scope::Scope;
use crate::values::id::{GuardianId, StudentId};
use crate::values::record::{Guardian, GuardianField};

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
    #[must_use]
    pub fn action(&self) -> &'static str {
        match self {
            Change::CreateGuardian { .. } => "create_guardian",
            Change::UpdateGuardian { .. } => "update_guardian",
            Change::Link { .. } => "link",
            Change::Unlink { .. } => "unlink",
        }
    }

    /// The guardian concerned.
    #[must_use]
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
    #[must_use]
    pub fn line(&self) -> Option<u64> {
        match self {
            Change::CreateGuardian { line, .. }
            | Change::UpdateGuardian { line, .. }
            | Change::Link { line, .. } => Some(*line),
            Change::Unlink { .. } => None,
        }
    }

    /// The student concerned, for links and unlinks.
    #[must_use]
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

/// What an upload would do, from [`dry_run`](crate::dry_run). Nothing has been changed.
///
/// Changes come in a stable order: guardians to create, guardians to
/// update, links to add, links to remove; by guardian ID (then student ID)
/// within each.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PlanFields")]
pub struct Plan {
    pub(crate) mode: SyncMode,
    pub(crate) scope: Scope,
    /// The deletion threshold it was planned with.
    #[serde(default = "default_threshold")]
    pub(crate) max_unlink_percent: f64,
    #[serde(default)]
    pub(crate) fingerprint: Fingerprint,
    pub(crate) summary: PlanSummary,
    pub(crate) changes: Vec<Change>,
    pub(crate) held_unlinks: Vec<(GuardianId, StudentId)>,
    pub(crate) diagnostics: Vec<Diagnostic>,
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
    #[must_use]
    pub fn dry_run_options(&self) -> DryRunOptions {
        let mut options = DryRunOptions::new();
        options
            .mode(self.mode)
            .scope(self.scope.clone())
            .max_unlink_percent(self.max_unlink_percent);
        options
    }

    /// The changes, in the documented order.
    #[must_use]
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// Counts per action.
    #[must_use]
    pub fn summary(&self) -> &PlanSummary {
        &self.summary
    }

    /// Why rows were skipped and unlinks held, by line.
    #[must_use]
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Links full sync would have removed but held back (threshold, or a
    /// rejected row that may still hold them).
    #[must_use]
    pub fn held_unlinks(&self) -> &[(GuardianId, StudentId)] {
        &self.held_unlinks
    }

    /// The mode the plan was computed in.
    #[must_use]
    pub fn mode(&self) -> SyncMode {
        self.mode
    }

    /// The scope the plan was computed for.
    #[must_use]
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Fingerprints of the upload and of what the roster answered: run the
    /// dry run again at Start Processing and compare, to tell a clerk the
    /// roster changed since the plan was approved.
    #[must_use]
    pub fn fingerprint(&self) -> &Fingerprint {
        &self.fingerprint
    }

    /// Errors and warnings among the plan's diagnostics.
    #[must_use]
    pub fn counts(&self) -> (u64, u64) {
        let errors = self
            .diagnostics
            .iter()
            .filter(|d| d.severity() == Severity::Error)
            .count() as u64;
        (errors, self.diagnostics.len() as u64 - errors)
    }

    /// Whether any plan diagnostic is an error (a row that cannot apply).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}
