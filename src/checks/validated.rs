//! The whole file, checked: deduplicated guardians, their links, every
//! diagnostic, and a summary that accounts for every row.

use std::collections::BTreeMap;

use std::sync::Arc;

use serde::Serialize;

use crate::checks::found::Found;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::SourceSpot;
use crate::reading::file_info::FileInfo;
use crate::reading::origin::{Format, Origins};
use crate::reading::row::{RowOutcome, RowStatus};
use crate::values::flags::Exclusion;
use crate::values::id::{GuardianId, StudentId};
use crate::values::record::{Guardian, Link};

/// A rejected row's IDs, as far as they could be read. The dry run never
/// unlinks what such a row might have meant to keep.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RejectedRow {
    /// The physical line where the row starts.
    pub line: u64,
    /// The guardian ID, if readable.
    pub guardian_id: Option<GuardianId>,
    /// The student ID, if readable.
    pub student_id: Option<StudentId>,
}

/// A row the file's own flags leave out: the person is not a guardian of
/// the student, or is restricted. Never a guardian or a link; a
/// restricted one makes the dry run remove the roster's link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExcludedRow {
    /// The physical line where the row starts.
    pub line: u64,
    /// The guardian ID.
    pub guardian_id: GuardianId,
    /// The student ID.
    pub student_id: StudentId,
    /// What the flags said.
    pub exclusion: Exclusion,
}

/// Counts for the whole file.
///
/// `rows == valid + repaired + rejected + excluded`: every data row is in
/// exactly one of the four. Blank rows are counted apart.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Summary {
    /// Data rows read (blank rows excluded).
    pub rows: u64,
    /// Rows used as written.
    pub valid: u64,
    /// Rows used with warnings.
    pub repaired: u64,
    /// Rows not used.
    pub rejected: u64,
    /// Rows the file's flags leave out (`not_a_guardian`,
    /// `contact_restricted`): see [`ValidatedFile::excluded_rows`].
    pub excluded: u64,
    /// Rows with every cell empty, skipped with a warning.
    pub blank: u64,
    /// Error diagnostics, all rows and the file together.
    pub errors: u64,
    /// Warning diagnostics, all rows and the file together.
    pub warnings: u64,
    /// Diagnostics per code.
    pub by_code: BTreeMap<&'static str, u64>,
    /// Distinct guardians usable.
    pub guardians: u64,
    /// Distinct guardian-student links usable.
    pub links: u64,
}

/// A checked guardians.csv, from [`crate::Reader::validate`].
///
/// ```
/// # fn main() -> Result<(), guardian_roster::Error> {
/// use guardian_roster::Reader;
///
/// let data = "\
/// student_id,guardian_id,first_name,last_name,email,mobile_phone
/// 00123,G1,Ana,Diaz,ana@example.com,
/// 00124,G1,Ana,Diaz,ANA@example.com,
/// 00125,G2,Bo,Li,bo@example,
/// ";
/// let file = Reader::from_reader(data.as_bytes())?.validate()?;
/// let summary = file.summary();
/// assert_eq!((summary.rows, summary.valid, summary.rejected), (3, 2, 1));
/// assert_eq!(file.guardians().len(), 1);
/// assert_eq!(file.links().len(), 2);
/// assert_eq!(file.diagnostics()[0].code.as_str(), "invalid_email");
/// assert_eq!(file.diagnostics()[0].line, 4);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Serialize)]
pub struct ValidatedFile {
    pub(crate) summary: Summary,
    /// Serialised as its `encoding` only.
    #[serde(flatten)]
    pub(crate) info: FileInfo,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) guardians: Vec<Guardian>,
    pub(crate) links: Vec<Link>,
    #[serde(skip)]
    pub(crate) rows: Vec<RowOutcome>,
    #[serde(skip)]
    pub(crate) rejected: Vec<RejectedRow>,
    #[serde(skip)]
    pub(crate) excluded: Vec<ExcludedRow>,
    #[serde(skip)]
    pub(crate) truncated_at: Option<u64>,
    /// Streaming only, until handed on: diagnostics handed over that the
    /// whole file took back.
    #[serde(skip)]
    pub(crate) withdrawn: Vec<Diagnostic>,
    /// The kind of export the rows came from.
    #[serde(skip)]
    pub(crate) format: Format,
    /// For a OneRoster or Clever export: where each row came from.
    #[serde(skip)]
    pub(crate) origins: Option<Arc<Origins>>,
    /// Whether the source was a delta (changes since the last export), not
    /// the whole roster.
    #[serde(skip)]
    pub(crate) delta: bool,
}

impl ValidatedFile {
    /// A guardians.csv held in a string, validated with the default
    /// options: the unit tests' way to make one.
    #[cfg(test)]
    pub(crate) fn of_csv(csv: &str) -> ValidatedFile {
        crate::reading::reader::ReaderBuilder::new()
            .from_reader(csv.as_bytes())
            .and_then(crate::reading::reader::Reader::validate)
            .expect("test files read")
    }

    /// The kind of export the rows were read from: guardians.csv, or a
    /// OneRoster or Clever export ([`crate::read_source`]).
    #[must_use]
    pub fn format(&self) -> Format {
        self.format
    }

    /// Whether the source was a delta export (OneRoster `file.users.csv`
    /// = `delta`): the changes since the last export, not the whole
    /// roster. A full sync refuses it ([`crate::ErrorKind::DeltaFullSync`]).
    #[must_use]
    pub fn is_delta(&self) -> bool {
        self.delta
    }

    /// Where the row on `line` came from in a OneRoster or Clever export
    /// (for `column`, if one cell is meant): the source's file, physical
    /// line and column. `None` for guardians.csv, whose lines are its own.
    /// The file's diagnostics and a dry run's carry it already
    /// ([`Diagnostic::source`]).
    #[must_use]
    pub fn source_of(&self, line: u64, column: Option<crate::Column>) -> Option<SourceSpot> {
        self.origins.as_ref()?.spot(line, column)
    }

    /// Gives each diagnostic without a source spot its row's, for a file
    /// read from OneRoster or Clever.
    pub(crate) fn attach_sources(&self, diagnostics: &mut [Diagnostic]) {
        if let Some(origins) = &self.origins {
            diagnostics.iter_mut().for_each(|d| origins.attach(d));
        }
    }

    /// Streaming: hands `sink` the whole-file diagnostics (kept here until
    /// now) and the status of each row that changed since the caller was
    /// told it (`shown`), keeping neither.
    pub(crate) fn hand_on(
        mut self,
        shown: &[RowStatus],
        sink: Option<&mut dyn FnMut(Found<'_>)>,
    ) -> ValidatedFile {
        let Some(sink) = sink else {
            return self;
        };
        for diagnostic in std::mem::take(&mut self.withdrawn) {
            sink(Found::Withdrawn(&diagnostic));
        }
        for diagnostic in std::mem::take(&mut self.diagnostics) {
            sink(Found::Diagnostic(&diagnostic));
        }
        for (outcome, &was) in self.rows.iter().zip(shown) {
            if outcome.status != was {
                sink(Found::Status(*outcome));
            }
        }
        self
    }

    /// Counts for the whole file.
    #[must_use]
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// Every diagnostic, file-level first, then by line.
    #[must_use]
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Usable guardians, one per guardian ID, sorted by ID.
    #[must_use]
    pub fn guardians(&self) -> &[Guardian] {
        &self.guardians
    }

    /// The guardian with this ID, if usable.
    #[must_use]
    pub fn guardian(&self, id: &str) -> Option<&Guardian> {
        self.guardians
            .binary_search_by(|g| g.guardian_id.as_str().cmp(id))
            .ok()
            .map(|at| &self.guardians[at])
    }

    /// Usable guardian-student links, in file order, each once.
    #[must_use]
    pub fn links(&self) -> &[Link] {
        &self.links
    }

    /// The outcome of every row, in file order.
    #[must_use]
    pub fn rows(&self) -> &[RowOutcome] {
        &self.rows
    }

    /// Rejected rows with whatever IDs could be read from them.
    #[must_use]
    pub fn rejected_rows(&self) -> &[RejectedRow] {
        &self.rejected
    }

    /// Rows the file's own flags leave out (not a guardian, restricted),
    /// in file order, with their IDs and why.
    #[must_use]
    pub fn excluded_rows(&self) -> &[ExcludedRow] {
        &self.excluded
    }

    /// The line of the row the file ends in the middle of, if it does
    /// (`truncated_file`: probably a download cut off). A full sync of such
    /// a file removes no link, since the rows after the cut are missing;
    /// an additive one applies the complete rows.
    #[must_use]
    pub fn truncated_at(&self) -> Option<u64> {
        self.truncated_at
    }

    /// How the file was read: its encoding, delimiter, header line and
    /// columns.
    #[must_use]
    pub fn info(&self) -> &FileInfo {
        &self.info
    }

    /// Whether any diagnostic is an error.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}
