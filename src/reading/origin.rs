//! Where the rows of a [`crate::ValidatedFile`] came from: guardians.csv, or
//! a OneRoster or Clever export whose records the crate turned into
//! guardian-student rows, each traced back to the source's file, line and
//! column.

use std::borrow::Cow;

use serde::Serialize;

use crate::column::{COLUMNS, Column};
use crate::diagnostic::{Diagnostic, SourceSpot};

/// The kind of export an upload was read from ([`crate::ValidatedFile::format`],
/// [`crate::detect_format`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Format {
    /// The guardians.csv of the contract: one row per guardian-student link.
    #[default]
    GuardiansCsv,
    /// A OneRoster 1.0 or 1.1 CSV export (`manifest.csv`, `users.csv` with
    /// a `role` column).
    OneRoster11,
    /// A OneRoster 1.2 CSV export (`users.csv` without roles, `roles.csv`).
    OneRoster12,
    /// A Clever SFTP `students.csv` with `Contact_*` columns.
    Clever,
}

impl Format {
    /// Words for a person: `guardians.csv`, `OneRoster 1.1`,
    /// `OneRoster 1.2`, `Clever`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Format::GuardiansCsv => "guardians.csv",
            Format::OneRoster11 => "OneRoster 1.1",
            Format::OneRoster12 => "OneRoster 1.2",
            Format::Clever => "Clever",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The source of each row of a file read from a OneRoster or Clever
/// export: the row's `line` is its place in the list of links the source
/// gives; this says which source record gave its guardian and its student.
#[derive(Clone, Debug)]
pub(crate) struct Origins {
    /// The file the guardians' records are in.
    pub(crate) guardian_file: &'static str,
    /// The source's name of each column (by `Column::index`), empty
    /// where the source has none.
    pub(crate) columns: [&'static str; COLUMNS],
    /// One per row, by `line - 2`.
    pub(crate) rows: Vec<RowOrigin>,
}

/// Where one row's values came from.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RowOrigin {
    /// The guardian's record, in `Origins::guardian_file`.
    pub(crate) guardian_line: u64,
    /// The record that made the link: its file, line and column.
    pub(crate) link: (&'static str, u64, &'static str),
}

impl Origins {
    /// Where the row on `line` came from, for `column` if one.
    pub(crate) fn spot(&self, line: u64, column: Option<Column>) -> Option<SourceSpot> {
        let row = self.rows.get(usize::try_from(line.checked_sub(2)?).ok()?)?;
        let named = |name: &'static str| (!name.is_empty()).then_some(Cow::Borrowed(name));
        Some(match column {
            Some(Column::StudentId) => SourceSpot {
                file: Cow::Borrowed(row.link.0),
                line: row.link.1,
                column: named(row.link.2),
            },
            other => SourceSpot {
                file: Cow::Borrowed(self.guardian_file),
                line: row.guardian_line,
                column: other
                    .and_then(|c| self.columns.get(c.index()).copied())
                    .and_then(named),
            },
        })
    }

    /// Gives `diagnostic` the spot of its row, if it has none yet.
    pub(crate) fn attach(&self, diagnostic: &mut Diagnostic) {
        if diagnostic.source.is_none() {
            diagnostic.source = self.spot(diagnostic.line, diagnostic.column).map(Box::new);
        }
    }
}
