//! Errors that stop the whole file: nothing in it can be used.

use std::fmt;
use std::io;

use crate::column::Column;
use crate::diagnostic::{Code, Diagnostic};

/// An error that stops the whole file (or the whole dry run).
///
/// Row problems are never errors of this type: they are [`Diagnostic`]s on
/// the row. This type is for what makes every row unusable (no header, a
/// required column missing, a spreadsheet instead of a CSV, an I/O failure)
/// and for a roster that failed to answer during a dry run.
///
/// ```
/// use guardian_roster::{Column, ErrorKind, ReaderBuilder};
///
/// let file = "student_id,guardian_id,first_name,last_name,email\n";
/// let error = ReaderBuilder::new()
///     .from_reader(file.as_bytes())
///     .err()
///     .expect("the mobile_phone column is missing");
/// assert!(matches!(
///     error.kind(),
///     ErrorKind::MissingColumn { column: Column::MobilePhone, .. }
/// ));
/// assert_eq!(error.code().as_str(), "missing_column");
/// assert_eq!(error.position().map(|p| p.line()), Some(1));
/// ```
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    /// Where in the file, if a place in it is concerned.
    position: Option<Position>,
}

/// Where in the file an [`Error`] is: the physical line (1-based), and,
/// where the reader knew them, the byte offset reached and how many data
/// records it had read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Position {
    line: u64,
    byte: Option<u64>,
    record: Option<u64>,
}

impl Position {
    /// A position on `line` only.
    pub(crate) fn line_only(line: u64) -> Position {
        Position {
            line,
            byte: None,
            record: None,
        }
    }

    /// A position the reader knows: the line, the byte reached and, if
    /// counted, the data records read.
    pub(crate) fn reading(line: u64, byte: u64, record: Option<u64>) -> Position {
        Position {
            line,
            byte: Some(byte),
            record,
        }
    }

    /// The physical line (1-based): the header's line for header problems,
    /// 1 when the file as a whole is at fault, the line reached when
    /// reading failed or was cancelled.
    #[must_use]
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The byte offset of the input reached (after decoding to UTF-8 for a
    /// file in another encoding), if known.
    #[must_use]
    pub fn byte(&self) -> Option<u64> {
        self.byte
    }

    /// How many data records (rows, not the header) had been read, if
    /// known.
    #[must_use]
    pub fn record(&self) -> Option<u64> {
        self.record
    }
}

/// What stopped the file.
///
/// `Debug` masks the cells of [`ErrorKind::NoHeader`]: a first line of data
/// holds names and contacts, and errors end up in logs.
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading the input failed.
    Io(io::Error),
    /// The file has no content at all.
    EmptyFile,
    /// The file is a spreadsheet workbook, not CSV text.
    Workbook {
        /// `"xlsx"` or `"xls"`.
        format: &'static str,
    },
    /// The first line holds data, not column names.
    NoHeader {
        /// The first line's cells, for the message.
        first_cells: Vec<String>,
    },
    /// A required column is not in the header.
    MissingColumn {
        /// The column missing.
        column: Column,
        /// The unrecognised header cell most like it, if any.
        closest: Option<String>,
        /// Other required columns also missing.
        also_missing: Vec<Column>,
        /// Whether strict header matching was on (canonical names only).
        strict: bool,
        /// What the header looks like instead, when that is recognisable: a
        /// column per guardian (`Parent 1 Email`, `Parent 2 Email`), or one
        /// column for the whole name (`Guardian Name`).
        hint: Option<String>,
    },
    /// Two header cells name the same column.
    DuplicateColumn {
        /// The column named twice.
        column: Column,
        /// The first header cell naming it.
        first: String,
        /// The second header cell naming it.
        second: String,
    },
    /// A limit was exceeded in a way that makes the file unusable.
    Limit {
        /// What was too big.
        what: String,
    },
    /// The application's roster failed to answer, during a dry run or
    /// while [`crate::apply`] checks its preconditions.
    Roster(Box<dyn std::error::Error + Send + Sync>),
    /// The application's [`crate::RosterWriter`] failed to write a batch
    /// of [`crate::apply`]'s changes.
    RosterWrite(Box<dyn std::error::Error + Send + Sync>),
    /// A school of the dry run's scope is not in the roster: perhaps its
    /// leading zeros were lost (`suggestion` is then the roster's school).
    /// The dry run stops before planning anything, since a wrong scope is
    /// the most dangerous input a full sync can get.
    UnknownSchool {
        /// The school as the scope gives it.
        school: crate::values::id::SchoolId,
        /// The roster school it matches once leading zeros are ignored.
        suggestion: Option<crate::values::id::SchoolId>,
    },
    /// The roster says some of its rows carry lookup keys the crate did
    /// not compute ([`crate::Roster::stale_keys`]): an email or mobile
    /// those rows hold would not be found, so the dry run could create a
    /// duplicate login. It stops before planning anything; rekey the store
    /// (`SqliteRoster::rekey`, `PostgresRoster::rekey`) and run it again.
    StaleRosterKeys {
        /// How many roster rows.
        rows: u64,
    },
    /// A second header below the first (exports pasted together) names
    /// other columns: its rows cannot be read as the rest of the file is
    /// (a column the first header has would say nothing for them, or a flag
    /// would be missing), so the file stops. A header with the same columns
    /// in another order is read, with a warning (`header_reordered`).
    HeaderChanged {
        /// Columns the first header has and this one lacks.
        missing: Vec<Column>,
        /// Value columns this header has and the first lacks.
        added: Vec<Column>,
    },
    /// [`crate::start_processing`] refused the plan: it is not what the
    /// dry run of its upload gives now (edited after the dry run, planned
    /// from another upload, or the roster changed since). Nothing was
    /// written.
    PlanNotApproved {
        /// Why, in words for a clerk.
        reason: String,
    },
    /// The caller's cancellation flag was set
    /// ([`crate::Control::cancel_flag`]); nothing was returned.
    Cancelled,
    /// A OneRoster or Clever export lacks a file or a column it must have
    /// ([`crate::read_source`]).
    SourceIncomplete {
        /// The file concerned (`manifest.csv`, `users.csv`...).
        file: String,
        /// The column missing, or `None` when the whole file is.
        column: Option<String>,
    },
    /// A file of a OneRoster or Clever export could not be read: the
    /// error names the file, and `error` says what and where in it.
    InSourceFile {
        /// The file's name in the export.
        file: String,
        /// What stopped it.
        error: Box<Error>,
    },
    /// A full sync was asked of a delta export (OneRoster
    /// `file.users.csv` = `delta`): a delta holds only what changed, so a
    /// full sync would remove every link it does not repeat. Nothing was
    /// planned; run it as an additive sync.
    DeltaFullSync,
}

impl std::fmt::Debug for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ErrorKind::Io(e) => f.debug_tuple("Io").field(e).finish(),
            ErrorKind::EmptyFile => f.write_str("EmptyFile"),
            ErrorKind::Workbook { format } => {
                f.debug_struct("Workbook").field("format", format).finish()
            }
            ErrorKind::NoHeader { first_cells } => {
                let masked: Vec<String> = first_cells
                    .iter()
                    .map(|cell| crate::values::text::mask(cell))
                    .collect();
                f.debug_struct("NoHeader")
                    .field("first_cells", &masked)
                    .finish()
            }
            ErrorKind::MissingColumn {
                column,
                closest,
                also_missing,
                strict,
                hint,
            } => f
                .debug_struct("MissingColumn")
                .field("column", column)
                .field("closest", closest)
                .field("also_missing", also_missing)
                .field("strict", strict)
                .field("hint", hint)
                .finish(),
            ErrorKind::DuplicateColumn {
                column,
                first,
                second,
            } => f
                .debug_struct("DuplicateColumn")
                .field("column", column)
                .field("first", first)
                .field("second", second)
                .finish(),
            ErrorKind::Limit { what } => f.debug_struct("Limit").field("what", what).finish(),
            ErrorKind::Roster(e) => f.debug_tuple("Roster").field(e).finish(),
            ErrorKind::RosterWrite(e) => f.debug_tuple("RosterWrite").field(e).finish(),
            ErrorKind::UnknownSchool { school, suggestion } => f
                .debug_struct("UnknownSchool")
                .field("school", school)
                .field("suggestion", suggestion)
                .finish(),
            ErrorKind::StaleRosterKeys { rows } => f
                .debug_struct("StaleRosterKeys")
                .field("rows", rows)
                .finish(),
            ErrorKind::HeaderChanged { missing, added } => f
                .debug_struct("HeaderChanged")
                .field("missing", missing)
                .field("added", added)
                .finish(),
            ErrorKind::PlanNotApproved { reason } => f
                .debug_struct("PlanNotApproved")
                .field("reason", reason)
                .finish(),
            ErrorKind::Cancelled => f.write_str("Cancelled"),
            ErrorKind::SourceIncomplete { file, column } => f
                .debug_struct("SourceIncomplete")
                .field("file", file)
                .field("column", column)
                .finish(),
            ErrorKind::InSourceFile { file, error } => f
                .debug_struct("InSourceFile")
                .field("file", file)
                .field("error", error)
                .finish(),
            ErrorKind::DeltaFullSync => f.write_str("DeltaFullSync"),
        }
    }
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, line: u64) -> Error {
        Error {
            kind,
            position: (line > 0).then(|| Position::line_only(line)),
        }
    }

    /// An error at a position the reader knows fully.
    pub(crate) fn at(kind: ErrorKind, position: Position) -> Error {
        Error {
            kind,
            position: Some(position),
        }
    }

    /// Where in the file the error is; `None` when no place in it is
    /// concerned (the roster failed, a scope school is unknown, the input
    /// could not be read at all).
    #[must_use]
    pub fn position(&self) -> Option<Position> {
        self.position
    }

    /// The position's line, 0 for none.
    fn line_or_zero(&self) -> u64 {
        self.position.map_or(0, |p| p.line)
    }

    /// What stopped the file.
    #[must_use]
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Consumes the error, returning its kind.
    #[must_use]
    pub fn into_kind(self) -> ErrorKind {
        self.kind
    }

    /// The physical line concerned: the header's line for header problems,
    /// 1 when the file as a whole is at fault (empty, a workbook), the
    /// line reached when reading failed or was cancelled; `None` when no
    /// line of the file is concerned (the roster failed, a scope school
    /// is unknown, the input could not be read at all).
    #[must_use]
    pub fn line(&self) -> Option<u64> {
        self.position.map(|p| p.line)
    }

    /// An error that concerns no line of the file.
    pub(crate) fn without_line(kind: ErrorKind) -> Error {
        Error {
            kind,
            position: None,
        }
    }

    /// The diagnostic code that reports this error.
    #[must_use]
    pub fn code(&self) -> Code {
        match &self.kind {
            ErrorKind::EmptyFile => Code::EmptyFile,
            ErrorKind::NoHeader { .. } => Code::NoHeader,
            ErrorKind::MissingColumn { .. } => Code::MissingColumn,
            ErrorKind::DuplicateColumn { .. } => Code::DuplicateColumn,
            ErrorKind::Io(_) | ErrorKind::Workbook { .. } | ErrorKind::Limit { .. } => {
                Code::UnreadableFile
            }
            ErrorKind::Roster(_) | ErrorKind::RosterWrite(_) => Code::RosterUnavailable,
            ErrorKind::Cancelled => Code::Cancelled,
            ErrorKind::UnknownSchool { .. } => Code::UnknownSchool,
            ErrorKind::StaleRosterKeys { .. } => Code::StaleRosterKeys,
            ErrorKind::HeaderChanged { .. } => Code::HeaderChanged,
            ErrorKind::PlanNotApproved { .. } => Code::PlanNotApproved,
            ErrorKind::SourceIncomplete { column: None, .. } => Code::UnreadableFile,
            ErrorKind::SourceIncomplete {
                column: Some(_), ..
            } => Code::MissingColumn,
            ErrorKind::InSourceFile { error, .. } => error.code(),
            ErrorKind::DeltaFullSync => Code::DeltaFullSync,
        }
    }

    /// This error as a [`Diagnostic`], for reports that list everything in
    /// one place.
    #[must_use]
    pub fn to_diagnostic(&self) -> Diagnostic {
        // A diagnostic sits on a line: the file's first for what has none.
        // Its message says the cause too, for the person who reads it.
        let mut message = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(error) = cause {
            message.push_str(": ");
            message.push_str(&error.to_string());
            cause = error.source();
        }
        let mut diagnostic = Diagnostic::new(self.code(), self.line_or_zero().max(1), message);
        if let ErrorKind::UnknownSchool { school, suggestion } = &self.kind {
            diagnostic = diagnostic.with_value(school.as_str());
            if let Some(meant) = suggestion {
                diagnostic = diagnostic.with_suggestion(meant.as_str());
            }
        }
        // The cells of a first line of data are personal data: named as the
        // value, so that `redacted` masks them.
        if let ErrorKind::NoHeader { first_cells } = &self.kind {
            diagnostic = diagnostic.with_value(first_cells.join(", "));
        }
        if let ErrorKind::MissingColumn { column, .. } | ErrorKind::DuplicateColumn { column, .. } =
            self.kind
        {
            diagnostic = diagnostic.with_column(column);
        }
        diagnostic
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let canonical = Column::ALL
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(",");
        match &self.kind {
            // The cause is the error's `source()`, not repeated here.
            ErrorKind::Io(_) => f.write_str("the file could not be read"),
            ErrorKind::EmptyFile => write!(
                f,
                "the file is empty; export the guardians again, with a header row: {canonical}"
            ),
            ErrorKind::Workbook { format } => write!(
                f,
                "this is an Excel workbook (.{format}), not a CSV file; in Excel choose File > Save As > CSV UTF-8 and upload that file"
            ),
            ErrorKind::NoHeader { first_cells } => write!(
                f,
                "line {} holds data ({}), not column names; add a header row first: {canonical}",
                self.line_or_zero(),
                first_cells.join(", ")
            ),
            ErrorKind::MissingColumn {
                column,
                closest,
                also_missing,
                strict,
                hint,
            } => {
                write!(f, "the header has no {} column", column.as_str())?;
                if let Some(closest) = closest {
                    write!(f, " (the closest header is \"{closest}\"")?;
                    if *strict {
                        write!(f, "; strict headers accept only the canonical names")?;
                    }
                    write!(f, ")")?;
                }
                if !also_missing.is_empty() {
                    let names: Vec<&str> = also_missing.iter().map(|c| c.as_str()).collect();
                    write!(f, "; also missing: {}", names.join(", "))?;
                }
                if let Some(hint) = hint {
                    write!(f, "; {hint}")?;
                }
                write!(
                    f,
                    "; the required columns are {canonical} (home_phone and language may be left out)"
                )
            }
            ErrorKind::DuplicateColumn {
                column,
                first,
                second,
            } => write!(
                f,
                "the headers \"{first}\" and \"{second}\" both name the {} column; keep one of them",
                column.as_str()
            ),
            ErrorKind::Limit { what } => write!(f, "{what}"),
            ErrorKind::Roster(_) => f.write_str("the current roster could not be read"),
            ErrorKind::RosterWrite(_) => f.write_str("the roster could not be written"),
            ErrorKind::UnknownSchool { school, suggestion } => match suggestion {
                Some(meant) => write!(
                    f,
                    "school {} is not in the roster, but school {} is, differing only in leading zeros (a spreadsheet may have removed them); the dry run stopped before planning anything: give the school ID as the roster has it",
                    crate::diagnostic::render::Visible(school.as_str()),
                    crate::diagnostic::render::Visible(meant.as_str())
                ),
                None => write!(
                    f,
                    "school {} is not in the roster; the dry run stopped before planning anything: check the school ID (a wrong scope could remove other schools' families)",
                    crate::diagnostic::render::Visible(school.as_str())
                ),
            },
            ErrorKind::StaleRosterKeys { rows } => write!(
                f,
                "{rows} {} of the roster {} lookup keys this crate did not compute (left empty, or filled by other means), so an email or mobile {} would not be found and a duplicate login could be created; the dry run stopped before planning anything: rekey the roster (SqliteRoster::rekey, PostgresRoster::rekey), then run it again",
                if *rows == 1 { "row" } else { "rows" },
                if *rows == 1 { "carries" } else { "carry" },
                if *rows == 1 { "it holds" } else { "they hold" },
            ),
            ErrorKind::HeaderChanged { missing, added } => {
                let names = |columns: &[Column]| {
                    columns
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                write!(
                    f,
                    "line {} is a second header (files pasted together?) with other columns than the first",
                    self.line_or_zero()
                )?;
                if !missing.is_empty() {
                    write!(f, "; it lacks {}", names(missing))?;
                }
                if !added.is_empty() {
                    write!(f, "; it adds {}", names(added))?;
                }
                f.write_str(": its rows cannot be read as the rest of the file is, so nothing was used; upload each export on its own, or give them the same columns")
            }
            ErrorKind::PlanNotApproved { reason } => {
                write!(f, "Start Processing refused the plan: {reason}")
            }
            ErrorKind::Cancelled if self.position.is_none() => {
                f.write_str("the work was cancelled before it finished; nothing was changed")
            }
            ErrorKind::Cancelled => write!(
                f,
                "the work was cancelled at line {} before it finished; nothing was changed",
                self.line_or_zero()
            ),
            ErrorKind::SourceIncomplete { file, column: None } => write!(
                f,
                "the export has no {file}, which it must have; export the whole roster again"
            ),
            ErrorKind::SourceIncomplete {
                file,
                column: Some(column),
            } => write!(
                f,
                "{file} has no {column} column, which it must have (headers are case-sensitive); export it again from the rostering provider"
            ),
            ErrorKind::InSourceFile { file, error } => write!(f, "{file}: {error}"),
            ErrorKind::DeltaFullSync => f.write_str(
                "the export is a delta (only what changed since the last export), so a full sync would remove every link it does not repeat; nothing was planned: run it as an additive sync, or export the whole roster (bulk) for a full sync",
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Io(e) => Some(e),
            ErrorKind::Roster(e) | ErrorKind::RosterWrite(e) => Some(e.as_ref()),
            ErrorKind::InSourceFile { error, .. } => std::error::Error::source(error.as_ref()),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        Error::without_line(ErrorKind::Io(e))
    }
}

#[cfg(test)]
mod tests {
    use super::{Error, ErrorKind};

    #[test]
    fn stale_roster_keys_says_how_many_rows_and_what_to_do() {
        let one = Error::without_line(ErrorKind::StaleRosterKeys { rows: 1 });
        assert_eq!(one.code().as_str(), "stale_roster_keys");
        assert_eq!(one.line(), None);
        assert!(
            one.to_string().starts_with(
                "1 row of the roster carries lookup keys this crate did not compute (left empty, or filled by other means), so an email or mobile it holds would not be found"
            ),
            "{one}"
        );
        assert_eq!(format!("{:?}", one.kind()), "StaleRosterKeys { rows: 1 }");
    }

    /// One error of every kind: what it is, where, and what it says.
    fn every_kind() -> Vec<Error> {
        use crate::column::Column;
        use crate::values::id::SchoolId;
        let io = || std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied");
        vec![
            Error::from(io()),
            Error::new(ErrorKind::EmptyFile, 1),
            Error::new(ErrorKind::Workbook { format: "xlsx" }, 1),
            Error::new(
                ErrorKind::NoHeader {
                    first_cells: vec!["000125".into(), "ana@example.com".into()],
                },
                1,
            ),
            Error::new(
                ErrorKind::MissingColumn {
                    column: Column::Email,
                    closest: Some("e-mial".into()),
                    also_missing: vec![Column::MobilePhone],
                    strict: true,
                    hint: Some("the file may use semicolons".into()),
                },
                1,
            ),
            Error::new(
                ErrorKind::MissingColumn {
                    column: Column::Email,
                    closest: None,
                    also_missing: Vec::new(),
                    strict: false,
                    hint: None,
                },
                1,
            ),
            Error::new(
                ErrorKind::DuplicateColumn {
                    column: Column::Email,
                    first: "Email".into(),
                    second: "E-mail".into(),
                },
                1,
            ),
            Error::at(
                ErrorKind::Limit {
                    what: "line 9 has more than 64 columns".into(),
                },
                super::Position::reading(9, 120, Some(8)),
            ),
            Error::without_line(ErrorKind::Roster(Box::new(io()))),
            Error::without_line(ErrorKind::RosterWrite("disk full".into())),
            Error::without_line(ErrorKind::UnknownSchool {
                school: SchoolId::from("102"),
                suggestion: Some(SchoolId::from("0102")),
            }),
            Error::without_line(ErrorKind::UnknownSchool {
                school: SchoolId::from("9\u{202e}9"),
                suggestion: None,
            }),
            Error::without_line(ErrorKind::StaleRosterKeys { rows: 3 }),
            Error::new(
                ErrorKind::HeaderChanged {
                    missing: vec![Column::HomePhone],
                    added: vec![Column::Language],
                },
                40,
            ),
            Error::new(
                ErrorKind::HeaderChanged {
                    missing: Vec::new(),
                    added: Vec::new(),
                },
                41,
            ),
            Error::without_line(ErrorKind::PlanNotApproved {
                reason: "the roster changed".into(),
            }),
            Error::without_line(ErrorKind::Cancelled),
            Error::new(ErrorKind::Cancelled, 5000),
            Error::without_line(ErrorKind::SourceIncomplete {
                file: "users.csv".into(),
                column: None,
            }),
            Error::without_line(ErrorKind::SourceIncomplete {
                file: "users.csv".into(),
                column: Some("sourcedId".into()),
            }),
            Error::without_line(ErrorKind::InSourceFile {
                file: "users.csv".into(),
                error: Box::new(Error::from(io())),
            }),
            Error::without_line(ErrorKind::DeltaFullSync),
        ]
    }

    #[test]
    fn every_kind_has_its_code_line_and_words_and_logs_no_personal_data() {
        // (code, line, Debug, Display, the cause the diagnostic adds)
        let expected: [(&str, Option<u64>, &str, &str, &str); 22] = [
            (
                "unreadable_file",
                None,
                "Io(Custom { kind: PermissionDenied, error: \"denied\" })",
                "the file could not be read",
                ": denied",
            ),
            (
                "empty_file",
                Some(1),
                "EmptyFile",
                "the file is empty; export the guardians again, with a header row: student_id,guardian_id,first_name,last_name,email,mobile_phone,home_phone,language",
                "",
            ),
            (
                "unreadable_file",
                Some(1),
                "Workbook { format: \"xlsx\" }",
                "this is an Excel workbook (.xlsx), not a CSV file; in Excel choose File > Save As > CSV UTF-8 and upload that file",
                "",
            ),
            (
                "no_header",
                Some(1),
                "NoHeader { first_cells: [\"00***25\", \"a***@example.com\"] }",
                "line 1 holds data (000125, ana@example.com), not column names; add a header row first: student_id,guardian_id,first_name,last_name,email,mobile_phone,home_phone,language",
                "",
            ),
            (
                "missing_column",
                Some(1),
                "MissingColumn { column: Email, closest: Some(\"e-mial\"), also_missing: [MobilePhone], strict: true, hint: Some(\"the file may use semicolons\") }",
                "the header has no email column (the closest header is \"e-mial\"; strict headers accept only the canonical names); also missing: mobile_phone; the file may use semicolons; the required columns are student_id,guardian_id,first_name,last_name,email,mobile_phone,home_phone,language (home_phone and language may be left out)",
                "",
            ),
            (
                "missing_column",
                Some(1),
                "MissingColumn { column: Email, closest: None, also_missing: [], strict: false, hint: None }",
                "the header has no email column; the required columns are student_id,guardian_id,first_name,last_name,email,mobile_phone,home_phone,language (home_phone and language may be left out)",
                "",
            ),
            (
                "duplicate_column",
                Some(1),
                "DuplicateColumn { column: Email, first: \"Email\", second: \"E-mail\" }",
                "the headers \"Email\" and \"E-mail\" both name the email column; keep one of them",
                "",
            ),
            (
                "unreadable_file",
                Some(9),
                "Limit { what: \"line 9 has more than 64 columns\" }",
                "line 9 has more than 64 columns",
                "",
            ),
            (
                "roster_unavailable",
                None,
                "Roster(Custom { kind: PermissionDenied, error: \"denied\" })",
                "the current roster could not be read",
                ": denied",
            ),
            (
                "roster_unavailable",
                None,
                "RosterWrite(\"disk full\")",
                "the roster could not be written",
                ": disk full",
            ),
            (
                "unknown_school",
                None,
                "UnknownSchool { school: SchoolId(\"102\"), suggestion: Some(SchoolId(\"0102\")) }",
                "school 102 is not in the roster, but school 0102 is, differing only in leading zeros (a spreadsheet may have removed them); the dry run stopped before planning anything: give the school ID as the roster has it",
                "",
            ),
            (
                "unknown_school",
                None,
                "UnknownSchool { school: SchoolId(\"9\\u{202e}9\"), suggestion: None }",
                "school 9\\u{202e}9 is not in the roster; the dry run stopped before planning anything: check the school ID (a wrong scope could remove other schools' families)",
                "",
            ),
            (
                "stale_roster_keys",
                None,
                "StaleRosterKeys { rows: 3 }",
                "3 rows of the roster carry lookup keys this crate did not compute (left empty, or filled by other means), so an email or mobile they hold would not be found and a duplicate login could be created; the dry run stopped before planning anything: rekey the roster (SqliteRoster::rekey, PostgresRoster::rekey), then run it again",
                "",
            ),
            (
                "header_changed",
                Some(40),
                "HeaderChanged { missing: [HomePhone], added: [Language] }",
                "line 40 is a second header (files pasted together?) with other columns than the first; it lacks home_phone; it adds language: its rows cannot be read as the rest of the file is, so nothing was used; upload each export on its own, or give them the same columns",
                "",
            ),
            (
                "header_changed",
                Some(41),
                "HeaderChanged { missing: [], added: [] }",
                "line 41 is a second header (files pasted together?) with other columns than the first: its rows cannot be read as the rest of the file is, so nothing was used; upload each export on its own, or give them the same columns",
                "",
            ),
            (
                "plan_not_approved",
                None,
                "PlanNotApproved { reason: \"the roster changed\" }",
                "Start Processing refused the plan: the roster changed",
                "",
            ),
            (
                "cancelled",
                None,
                "Cancelled",
                "the work was cancelled before it finished; nothing was changed",
                "",
            ),
            (
                "cancelled",
                Some(5000),
                "Cancelled",
                "the work was cancelled at line 5000 before it finished; nothing was changed",
                "",
            ),
            (
                "unreadable_file",
                None,
                "SourceIncomplete { file: \"users.csv\", column: None }",
                "the export has no users.csv, which it must have; export the whole roster again",
                "",
            ),
            (
                "missing_column",
                None,
                "SourceIncomplete { file: \"users.csv\", column: Some(\"sourcedId\") }",
                "users.csv has no sourcedId column, which it must have (headers are case-sensitive); export it again from the rostering provider",
                "",
            ),
            (
                "unreadable_file",
                None,
                "InSourceFile { file: \"users.csv\", error: Error { kind: Io(Custom { kind: PermissionDenied, error: \"denied\" }), position: None } }",
                "users.csv: the file could not be read",
                ": denied",
            ),
            (
                "delta_full_sync",
                None,
                "DeltaFullSync",
                "the export is a delta (only what changed since the last export), so a full sync would remove every link it does not repeat; nothing was planned: run it as an additive sync, or export the whole roster (bulk) for a full sync",
                "",
            ),
        ];
        let errors = every_kind();
        assert_eq!(errors.len(), expected.len());
        for (error, (code, line, debug, display, cause)) in errors.iter().zip(expected) {
            assert_eq!(error.code().as_str(), code, "{display}");
            assert_eq!(error.line(), line, "{display}");
            assert_eq!(error.position().map(|p| p.line()), line, "{display}");
            assert_eq!(format!("{:?}", error.kind()), debug);
            assert_eq!(error.to_string(), display);
            let diagnostic = error.to_diagnostic();
            assert_eq!(diagnostic.code.as_str(), code);
            assert_eq!(diagnostic.line, line.unwrap_or(1));
            assert_eq!(diagnostic.message(), format!("{display}{cause}"));
        }
    }

    #[test]
    fn an_error_s_diagnostic_names_its_value_column_and_suggestion() {
        let errors = every_kind();
        let limit = errors[7].position().expect("a position");
        assert_eq!(
            (limit.line(), limit.byte(), limit.record()),
            (9, Some(120), Some(8))
        );
        assert_eq!(errors[1].position().and_then(|p| p.byte()), None);
        // The first cells of data are the value: `redacted` masks them.
        let no_header = errors[3].to_diagnostic();
        assert_eq!(no_header.value.as_deref(), Some("000125, ana@example.com"));
        assert!(!format!("{:?}", errors[3]).contains("ana@"));
        assert_eq!(
            errors[4].to_diagnostic().column,
            Some(crate::column::Column::Email)
        );
        assert_eq!(
            errors[6].to_diagnostic().column,
            Some(crate::column::Column::Email)
        );
        let school = errors[10].to_diagnostic();
        assert_eq!(
            (school.value.as_deref(), school.suggestion.as_deref()),
            (Some("102"), Some("0102"))
        );
        let unknown = errors[11].to_diagnostic();
        assert_eq!(
            (unknown.value.as_deref(), unknown.suggestion.as_deref()),
            (Some("9\u{202e}9"), None)
        );
        // The cause is the source, for the chain; a file's error within an
        // export hands on its own cause.
        let source = |e: &Error| std::error::Error::source(e).map(ToString::to_string);
        assert_eq!(source(&errors[0]).as_deref(), Some("denied"));
        assert_eq!(source(&errors[9]).as_deref(), Some("disk full"));
        assert_eq!(source(&errors[20]).as_deref(), Some("denied"));
        assert_eq!(source(&errors[1]), None);
        assert!(matches!(
            Error::new(ErrorKind::EmptyFile, 0).into_kind(),
            ErrorKind::EmptyFile
        ));
        assert_eq!(Error::new(ErrorKind::EmptyFile, 0).line(), None);
    }
}
