//! What a file is, as far as reading it told: its encoding, delimiter,
//! header line and columns. One type for the [`crate::Reader`] reading it
//! and the [`crate::ValidatedFile`] it becomes.

use serde::Serialize;

use crate::column::{COLUMNS, Column};
use crate::reading::decode::TextEncoding;

/// The shape of a guardians file: how it was read, where its header is,
/// and which columns it has. [`crate::Reader::info`] while reading,
/// [`crate::ValidatedFile::info`] after.
///
/// ```
/// # fn main() -> Result<(), guardian_roster::Error> {
/// use guardian_roster::{Column, ReaderBuilder, TextEncoding};
///
/// let data = "student_id;guardian_id;first_name;last_name;email;mobile_phone\n";
/// let file = ReaderBuilder::new().from_reader(data.as_bytes())?.validate()?;
/// let info = file.info();
/// assert_eq!(info.delimiter(), b';');
/// assert_eq!(info.header_line(), 1);
/// assert_eq!(info.encoding(), TextEncoding::Utf8);
/// assert!(info.has_column(Column::Email));
/// assert!(!info.has_column(Column::HomePhone));
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FileInfo {
    pub(crate) encoding: TextEncoding,
    #[serde(skip)]
    pub(crate) delimiter: u8,
    #[serde(skip)]
    pub(crate) header_line: u64,
    /// Which columns the header has, by `Column::index`.
    #[serde(skip)]
    pub(crate) columns: [bool; COLUMNS],
}

impl FileInfo {
    /// The encoding the file was read as. A file whose first 64 KiB are
    /// ASCII reads as UTF-8 until its first other byte; if that byte shows
    /// Windows-1252, the rest is decoded, and from then on this says
    /// `Windows1252` (and the file's diagnostics hold the `encoding`
    /// warning).
    #[must_use]
    pub fn encoding(&self) -> TextEncoding {
        self.encoding
    }

    /// The delimiter in use (given or detected).
    #[must_use]
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The physical line of the header row.
    #[must_use]
    pub fn header_line(&self) -> u64 {
        self.header_line
    }

    /// Whether the header has `column`. `home_phone` and `language` may be
    /// left out; a file without one says nothing about it, so the dry run
    /// keeps the roster's value instead of clearing it.
    #[must_use]
    pub fn has_column(&self, column: Column) -> bool {
        self.columns[column.index()]
    }
}
