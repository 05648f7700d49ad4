//! One CSV file of an export, read through the crate's reading stack
//! (encoding, tokenizer, limits, physical lines), its columns found by
//! the names its specification gives.

use std::borrow::Cow;
use std::io::Read;

use crate::diagnostic::message::{Arg, msg};
use crate::diagnostic::{Code, Diagnostic, SourceSpot};
use crate::error::{Error, ErrorKind};
use crate::reading::decode::TextEncoding;
use crate::reading::reader::CsvFile;
use crate::reading::tokenizer::Cut;

/// A file of an export, its header read.
pub(crate) struct Table<R: Read> {
    file: CsvFile<R>,
    /// The file's name in the export.
    pub(crate) name: &'static str,
    header: Vec<String>,
    header_line: u64,
    /// Header cells that were read as another name (a known misspelling,
    /// another case), said once each.
    pub(crate) said: Vec<(Diagnostic, SourceSpot)>,
    /// Whether the specification's capitals are the file's (OneRoster):
    /// other capitals are then said.
    case_sensitive: bool,
}

impl<R: Read> Table<R> {
    /// Opens `input` as the export's file `name` and reads its header.
    pub(crate) fn open(input: R, name: &'static str) -> Result<Table<R>, Error> {
        let mut file = CsvFile::open(input).map_err(|e| in_file(name, e))?;
        let mut record = csv::ByteRecord::new();
        let mut cuts = Vec::new();
        let header_line = file
            .next(&mut record, &mut cuts)
            .map_err(|e| in_file(name, e))?
            .ok_or_else(|| in_file(name, Error::new(ErrorKind::EmptyFile, 1)))?;
        let header = record
            .iter()
            .map(|cell| {
                String::from_utf8_lossy(cell)
                    .trim()
                    .trim_start_matches('\u{feff}')
                    .to_owned()
            })
            .collect();
        Ok(Table {
            file,
            name,
            header,
            header_line,
            said: Vec::new(),
            case_sensitive: true,
        })
    }

    /// Columns in any capitals, without a word (Clever's files are
    /// written so).
    pub(crate) fn any_case(mut self) -> Table<R> {
        self.case_sensitive = false;
        self
    }

    /// Whether the header has a cell starting with `prefix`, in any
    /// capitals.
    pub(crate) fn has_prefix(&self, prefix: &str) -> bool {
        self.header.iter().any(|h| {
            h.get(..prefix.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
        })
    }

    /// The encoding the file was read as.
    pub(crate) fn encoding(&self) -> TextEncoding {
        self.file.encoding
    }

    /// The position of the column the specification names `wanted`: as
    /// written, else (with a `header_variant` warning) in other capitals
    /// or as one of `variants` (misspellings vendors write).
    pub(crate) fn column(&mut self, wanted: &'static str, variants: &[&str]) -> Option<usize> {
        if let Some(at) = self.header.iter().position(|h| h == wanted) {
            return Some(at);
        }
        if !self.case_sensitive {
            if let Some(at) = self
                .header
                .iter()
                .position(|h| h.eq_ignore_ascii_case(wanted))
            {
                return Some(at);
            }
        }
        let at = self.header.iter().position(|h| {
            h.eq_ignore_ascii_case(wanted) || variants.iter().any(|v| h.eq_ignore_ascii_case(v))
        })?;
        let written = self.header[at].clone();
        let diagnostic = Diagnostic::with_message(
            Code::HeaderVariant,
            1,
            msg!(
                "{}'s header {} was read as {}, the column's name in the specification; ask the rostering provider to correct it",
                self.name,
                Arg::Value,
                wanted
            ),
        )
        .with_value(written.clone());
        let spot = SourceSpot {
            file: Cow::Borrowed(self.name),
            line: self.header_line,
            column: Some(Cow::Owned(written)),
        };
        self.said.push((diagnostic, spot));
        Some(at)
    }

    /// The position of a column the file must have.
    pub(crate) fn required(
        &mut self,
        wanted: &'static str,
        variants: &[&str],
    ) -> Result<usize, Error> {
        self.column(wanted, variants).ok_or_else(|| {
            Error::new(
                ErrorKind::SourceIncomplete {
                    file: self.name.to_owned(),
                    column: Some(wanted.to_owned()),
                },
                self.header_line,
            )
        })
    }

    /// The next record and its physical line; `cuts` says what the limits
    /// cut from it.
    pub(crate) fn next(
        &mut self,
        record: &mut csv::ByteRecord,
        cuts: &mut Vec<Cut>,
    ) -> Result<Option<u64>, Error> {
        self.file
            .next(record, cuts)
            .map_err(|e| in_file(self.name, e))
    }

    /// How many cells the header has.
    pub(crate) fn width(&self) -> usize {
        self.header.len()
    }
}

/// An error of the export's file `name`.
pub(crate) fn in_file(name: &str, error: Error) -> Error {
    let position = error.position();
    let mut wrapped = Error::without_line(ErrorKind::InSourceFile {
        file: name.to_owned(),
        error: Box::new(error),
    });
    if let Some(position) = position {
        wrapped = Error::at(wrapped.into_kind(), position);
    }
    wrapped
}

/// A cell of `record` (empty when the record is short), trimmed.
pub(crate) fn cell(record: &csv::ByteRecord, at: Option<usize>) -> &[u8] {
    at.and_then(|at| record.get(at))
        .unwrap_or_default()
        .trim_ascii()
}

/// A source spot in `file` on `line`, for `column`.
pub(crate) fn spot(file: &'static str, line: u64, column: Option<&'static str>) -> SourceSpot {
    SourceSpot {
        file: Cow::Borrowed(file),
        line,
        column: column.map(Cow::Borrowed),
    }
}
