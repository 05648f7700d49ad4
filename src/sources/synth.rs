//! The rows a source gives, checked as guardians.csv rows are: each
//! guardian-student link a OneRoster or Clever export makes becomes one row
//! of the eight columns, read by the same row checker and whole-file
//! checks, and remembered with where in the source it came from.

use std::borrow::Cow;
use std::sync::Arc;

use crate::checks::builder::Builder;
use crate::checks::validated::ValidatedFile;
use crate::column::{COLUMNS, Column};
use crate::diagnostic::{Diagnostic, SourceSpot};
use crate::error::Error;
use crate::progress::{Phase, Progress, Watch};
use crate::reading::decode::TextEncoding;
use crate::reading::file_info::FileInfo;
use crate::reading::header::Header;
use crate::reading::origin::{Format, Origins, RowOrigin};
use crate::reading::reader::{ReaderBuilder, encoding_diagnostic};
use crate::reading::row::{Row, RowChecker};
use crate::values::flags::Exclusion;

/// The columns of a made row, in order.
const MADE: [Column; 8] = [
    Column::StudentId,
    Column::GuardianId,
    Column::FirstName,
    Column::LastName,
    Column::Email,
    Column::MobilePhone,
    Column::HomePhone,
    Column::Relationship,
];

/// One link's cells as the source wrote them, in [`MADE`]'s order.
#[derive(Clone, Copy, Default)]
pub(crate) struct LinkCells<'a> {
    pub(crate) student: &'a [u8],
    pub(crate) guardian: &'a [u8],
    pub(crate) first: &'a [u8],
    pub(crate) last: &'a [u8],
    pub(crate) email: &'a [u8],
    pub(crate) mobile: &'a [u8],
    pub(crate) home: &'a [u8],
    pub(crate) relationship: &'a [u8],
}

/// Builds a [`ValidatedFile`] from the links a source makes.
pub(crate) struct Synth {
    format: Format,
    checker: RowChecker,
    builder: Builder,
    record: csv::ByteRecord,
    row: Row,
    origins: Origins,
    /// Whether a source file ends mid-record.
    truncated: bool,
    /// The caller's progress callback and cancel flag.
    watch: Watch,
}

impl Synth {
    /// `names`: the source's name for each of [`MADE`]'s columns, empty
    /// where it has none (the row then carries an empty cell); `flags`:
    /// the source's names for the columns that decide who is a guardian,
    /// for the diagnostics that say so.
    pub(crate) fn new(
        format: Format,
        options: &ReaderBuilder,
        guardian_file: &'static str,
        names: [&'static str; 8],
        flags: &[(Column, &'static str)],
        encoding: TextEncoding,
    ) -> Synth {
        let (region, max_field_bytes, max_columns, exclude) = options.row_settings();
        let header_cells: Vec<(Column, &str)> = MADE.iter().copied().zip(names).collect();
        let header = Header::synthesized(&header_cells);
        let mut columns = [false; COLUMNS];
        for column in MADE {
            columns[column.index()] = true;
        }
        let info = FileInfo {
            encoding,
            delimiter: b',',
            header_line: 1,
            columns,
        };
        let mut file_diagnostics = Vec::new();
        if encoding.is_converted() {
            let mut said = encoding_diagnostic(encoding, 1);
            said.source = Some(Box::new(SourceSpot {
                file: Cow::Borrowed(guardian_file),
                line: 1,
                column: None,
            }));
            file_diagnostics.push(said);
        }
        let mut by_column = [""; COLUMNS];
        for (column, name) in MADE.iter().copied().zip(names).chain(flags.iter().copied()) {
            if let Some(slot) = by_column.get_mut(column.index()) {
                *slot = name;
            }
        }
        // The rows come in order to this one checker: a guardian's rows
        // after the first repeat its cells, which are not checked again.
        let mut checker = RowChecker::new(header, b',', region, max_field_bytes, max_columns)
            .excluding_non_guardians(exclude);
        checker.remember_guardians();
        Synth {
            format,
            checker,
            builder: Builder::new(info, file_diagnostics, false),
            record: csv::ByteRecord::new(),
            row: Row::default(),
            origins: Origins {
                guardian_file,
                columns: by_column,
                rows: Vec::new(),
            },
            truncated: false,
            watch: options.watch().clone(),
        }
    }

    /// A diagnostic about the export as a whole or a record that makes
    /// no row, at `spot`.
    pub(crate) fn file_diagnostic(&mut self, mut diagnostic: Diagnostic, spot: SourceSpot) {
        diagnostic.source = Some(Box::new(spot));
        self.builder.diagnostics.push(diagnostic);
    }

    /// Reports progress every [`crate::REPORT_EVERY`] rows made, and stops
    /// at the caller's cancel flag.
    fn tick(&self) -> Result<(), Error> {
        let done = self.origins.rows.len() as u64;
        let progress = Progress {
            phase: Phase::Reading,
            bytes: 0,
            done,
        };
        self.watch.tick(progress, done + 1)
    }

    /// A source file ends in the middle of a record: rows may be
    /// missing, so a full sync removes no link.
    pub(crate) fn truncated(&mut self) {
        self.truncated = true;
    }

    /// Makes `line` (the source's physical line) the next row's: for a
    /// source with one row per record (Clever), whose lines are then the
    /// source's own.
    pub(crate) fn next_line_is(&mut self, line: u64) -> u64 {
        let gap = RowOrigin {
            guardian_line: 0,
            link: ("", 0, ""),
        };
        while self.next_line() < line {
            self.origins.rows.push(gap);
        }
        self.next_line()
    }

    /// The line the next row gets.
    pub(crate) fn next_line(&self) -> u64 {
        self.origins.rows.len() as u64 + 2
    }

    fn fill(&mut self, cells: &LinkCells<'_>, origin: RowOrigin) -> u64 {
        self.record.clear();
        for cell in [
            cells.student,
            cells.guardian,
            cells.first,
            cells.last,
            cells.email,
            cells.mobile,
            cells.home,
            cells.relationship,
        ] {
            self.record.push_field(cell);
        }
        let line = self.next_line();
        self.origins.rows.push(origin);
        line
    }

    /// Checks one link's row and adds it, with the problems the source
    /// found in it (`said`: made for the row's line, [`Synth::next_line`]).
    /// `no_student`: the guardian has no student, and `said` says so in
    /// place of the empty student ID.
    pub(crate) fn push(
        &mut self,
        cells: &LinkCells<'_>,
        origin: RowOrigin,
        said: Vec<Diagnostic>,
        no_student: bool,
    ) -> Result<(), Error> {
        let line = self.fill(cells, origin);
        self.checker.check(&self.record, line, &[], &mut self.row);
        if no_student {
            self.row
                .drop_diagnostics(|d| d.column == Some(Column::StudentId));
        }
        for diagnostic in said {
            self.row.add_diagnostic(diagnostic);
        }
        self.builder.push(&mut self.row);
        self.tick()
    }

    /// Adds a row the source leaves out, for `exclusion`, with the
    /// diagnostic that says why.
    pub(crate) fn push_excluded(
        &mut self,
        cells: &LinkCells<'_>,
        origin: RowOrigin,
        exclusion: Exclusion,
        said: Diagnostic,
    ) -> Result<(), Error> {
        let line = self.fill(cells, origin);
        self.checker
            .check_excluded(&self.record, line, &mut self.row, exclusion, said);
        self.builder.push(&mut self.row);
        self.tick()
    }

    /// The whole-file checks, then every diagnostic given its place in the
    /// source.
    ///
    /// # Errors
    ///
    /// The caller's cancel flag.
    pub(crate) fn finish(self, delta: bool) -> Result<ValidatedFile, Error> {
        let whole_file = Progress {
            phase: Phase::WholeFile,
            bytes: 0,
            done: self.origins.rows.len() as u64,
        };
        self.watch.report(whole_file, self.next_line())?;
        let mut file = self.builder.finish();
        let origins = Arc::new(self.origins);
        file.diagnostics.iter_mut().for_each(|d| origins.attach(d));
        file.format = self.format;
        file.origins = Some(origins);
        file.delta = delta;
        if self.truncated && file.truncated_at.is_none() {
            file.truncated_at = Some(1);
        }
        Ok(file)
    }
}
