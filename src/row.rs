//! One row of the file, checked: the typed record if usable, and every
//! problem found in it.

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};

use foldhash::HashMap;
use serde::Serialize;

use crate::header::Header;
use crate::lines::Cut;
use crate::{
    Code, Column, Diagnostic, Email, EmailError, Guardian, GuardianId, IdError, Language, Name,
    ParsedId, Phone, PhoneError, PhoneParser, Region, StudentId,
};

/// Longest name accepted, in characters.
pub const MAX_NAME_LEN: usize = 100;

/// What became of a row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    /// Used as written.
    #[default]
    Valid,
    /// Used, with warnings (a value repaired, a language not recognised...).
    Repaired,
    /// Not used: at least one error.
    Rejected,
    /// Not a data row: every cell empty (`blank_row`) or a repeat of the
    /// header (`repeated_header`); skipped with that warning, and not
    /// counted among valid, repaired or rejected.
    Blank,
}

/// One checked row.
///
/// Reuse one `Row` with [`crate::Reader::read_row`] to avoid allocating
/// per row.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Row {
    line: u64,
    status: RowStatus,
    student_id: Option<StudentId>,
    guardian_id: Option<GuardianId>,
    guardian: Option<Guardian>,
    /// Set when the row's guardian cells are remembered by the checker:
    /// which remembered cells they are (see `RowChecker::remember_guardians`).
    #[serde(skip)]
    cells_serial: Option<u64>,
    diagnostics: Vec<Diagnostic>,
}

impl Row {
    /// The physical line (1-based) where the row starts.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Valid, repaired, rejected, or blank.
    pub fn status(&self) -> RowStatus {
        self.status
    }

    /// The student ID, if the cell could be read (even on a rejected row).
    pub fn student_id(&self) -> Option<&StudentId> {
        self.student_id.as_ref()
    }

    /// The guardian ID, if the cell could be read (even on a rejected row).
    pub fn guardian_id(&self) -> Option<&GuardianId> {
        self.guardian_id.as_ref()
    }

    /// The guardian, when the row is usable (valid or repaired).
    pub fn guardian(&self) -> Option<&Guardian> {
        self.guardian.as_ref()
    }

    /// Every problem found in the row, in column order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Which remembered guardian cells the row has, if any. A row with a
    /// serial and no guardian repeats the cells of an earlier row with
    /// that serial and a guardian.
    pub(crate) fn cells_serial(&self) -> Option<u64> {
        self.cells_serial
    }

    pub(crate) fn take_guardian(&mut self) -> Option<Guardian> {
        self.guardian.take()
    }

    pub(crate) fn take_diagnostics(&mut self) -> std::vec::Drain<'_, Diagnostic> {
        self.diagnostics.drain(..)
    }
}

/// The per-row rules, with the state they need (column positions, the phone
/// memo).
pub(crate) struct RowChecker {
    header: Header,
    max_field_bytes: u64,
    max_columns: usize,
    phones: PhoneParser,
    /// Language verdicts by cell: a file has few distinct spellings.
    languages: HashMap<Box<str>, LanguageVerdict>,
    /// Whether to remember guardian cells (see `remember_guardians`).
    remember: bool,
    /// A guardian's cells as written -> their serial and guardian ID, for
    /// cells that made a guardian without a word. A guardian has a row per
    /// child: the rows after the first are not checked again.
    guardians: HashMap<Box<[u8]>, (u64, GuardianId)>,
    /// The next serial to hand out; unique across checkers.
    next_serial: u64,
    /// The current row's guardian cells, as a `guardians` key.
    guardian_key: Vec<u8>,
    /// Reused to write diagnostic messages.
    scratch: String,
}

/// Guardian cells remembered at most; beyond it the memo starts again.
const GUARDIAN_MEMO: usize = 1 << 12;

/// Checkers made so far: each hands out serials from its own range.
static CHECKERS: AtomicU64 = AtomicU64::new(0);

/// The columns that describe a guardian rather than a link: all but the
/// student ID, which comes first.
fn guardian_columns() -> &'static [Column] {
    &Column::ALL[1..]
}

/// Distinct language spellings remembered at most.
const LANGUAGE_MEMO: usize = 4096;

impl RowChecker {
    pub(crate) fn new(
        header: Header,
        region: Region,
        max_field_bytes: u64,
        max_columns: usize,
    ) -> RowChecker {
        RowChecker {
            header,
            max_field_bytes,
            max_columns,
            phones: PhoneParser::new(region),
            languages: HashMap::default(),
            remember: false,
            guardians: HashMap::default(),
            next_serial: CHECKERS.fetch_add(1, Ordering::Relaxed) << 40,
            guardian_key: Vec::new(),
            scratch: String::new(),
        }
    }

    /// Another checker for the same header and region, with its own memo.
    pub(crate) fn clone_fresh(&self) -> RowChecker {
        RowChecker::new(
            self.header.clone(),
            self.phones.region(),
            self.max_field_bytes,
            self.max_columns,
        )
    }

    pub(crate) fn check(
        &mut self,
        record: &csv::ByteRecord,
        line: u64,
        cuts: &[Cut],
        row: &mut Row,
    ) {
        row.line = line;
        row.status = RowStatus::Valid;
        row.student_id = None;
        row.guardian_id = None;
        row.guardian = None;
        row.cells_serial = None;
        row.diagnostics.clear();
        let mut out = Out {
            line,
            diagnostics: &mut row.diagnostics,
            scratch: &mut self.scratch,
        };

        if !cuts.is_empty() {
            for cut in cuts {
                let (code, column, message) = match *cut {
                    Cut::Field { field, bytes } => {
                        let column = self.header.column_at(field);
                        let name = column.map_or_else(|| format!("cell {}", field + 1), |c| format!("the {}", c.label()));
                        (
                            Code::FieldTooLarge,
                            column,
                            format!(
                                "{name} is {bytes} bytes long, more than the {} a cell may have; it was cut off and the row was not used",
                                self.max_field_bytes
                            ),
                        )
                    }
                    Cut::Fields { fields } => (
                        Code::TooManyColumns,
                        None,
                        format!(
                            "the row has {fields} cells, more than the {} allowed; the row was not used",
                            self.max_columns
                        ),
                    ),
                    Cut::UnterminatedQuote => (
                        Code::UnterminatedQuote,
                        None,
                        "a double quote opened in this row is never closed, so everything to the end of the file was read as this row; close the quote and upload again".to_owned(),
                    ),
                };
                out.push(code, column, None, message);
            }
            row.status = RowStatus::Rejected;
            return;
        }
        if record.iter().all(|cell| cell.trim_ascii().is_empty()) {
            out.push(
                Code::BlankRow,
                None,
                None,
                "the row is empty and was skipped",
            );
            row.status = RowStatus::Blank;
            return;
        }
        if self.header.is_repeated_in(record) {
            out.push(
                Code::RepeatedHeader,
                None,
                None,
                "the row repeats the header, as when two files are pasted together; it was skipped",
            );
            row.status = RowStatus::Blank;
            return;
        }
        let expected = self.header.len;
        if record.len() != expected {
            let extras_blank = record.len() > expected
                && record
                    .iter()
                    .skip(expected)
                    .all(|cell| cell.trim_ascii().is_empty());
            if extras_blank {
                out.push(
                    Code::ExtraEmptyFields,
                    None,
                    None,
                    format_args!(
                        "the row has {} fields but the header has {expected}; the extra fields are empty and were ignored",
                        record.len()
                    ),
                );
            } else {
                out.push(
                    Code::FieldCount,
                    None,
                    None,
                    format_args!(
                        "the row has {} but the header has {expected}; {}",
                        fields(record.len()),
                        if record.len() == 1 {
                            "it may be a note or a total rather than a guardian, or the file's delimiter is not used on this row"
                        } else {
                            "a delimiter is missing or extra (a value with a comma must be in double quotes)"
                        }
                    ),
                );
                row.status = RowStatus::Rejected;
                return;
            }
        }

        let cells = Cells {
            header: &self.header,
            record,
            text: std::str::from_utf8(record.as_slice()).ok(),
        };
        let student_id = read_id(&cells, Column::StudentId, &mut out, StudentId::parse);

        if self.remember {
            // Length-prefixed, so that no two rows' cells make the same key.
            self.guardian_key.clear();
            for &column in guardian_columns() {
                let cell = self
                    .header
                    .position(column)
                    .and_then(|at| record.get(at))
                    .unwrap_or_default();
                self.guardian_key
                    .extend_from_slice(&(cell.len() as u64).to_le_bytes());
                self.guardian_key.extend_from_slice(cell);
            }
            if let Some((serial, guardian_id)) = self.guardians.get(self.guardian_key.as_slice()) {
                row.guardian_id = Some(guardian_id.clone());
                row.student_id = student_id.usable();
                row.status = if out.diagnostics.iter().any(Diagnostic::is_error) {
                    RowStatus::Rejected
                } else if out.diagnostics.is_empty() {
                    RowStatus::Valid
                } else {
                    RowStatus::Repaired
                };
                if row.status != RowStatus::Rejected {
                    row.cells_serial = Some(*serial);
                }
                return;
            }
        }

        let before = out.diagnostics.len();
        let guardian_id = read_id(&cells, Column::GuardianId, &mut out, GuardianId::parse);
        let first_name = read_name(&cells, Column::FirstName, &mut out);
        let last_name = read_name(&cells, Column::LastName, &mut out);
        let email = read_email(&cells, &mut out);
        let mobile_phone = read_phone(&cells, Column::MobilePhone, &mut self.phones, &mut out);
        let home_phone = read_phone(&cells, Column::HomePhone, &mut self.phones, &mut out);
        let language = read_language(&cells, &mut self.languages, &mut out);

        if !matches!(email, Cell::Usable(_)) && !matches!(mobile_phone, Cell::Usable(_)) {
            out.push(
                Code::NoContact,
                None,
                None,
                "the guardian has no usable email or mobile phone, so they could not log in or be notified; add one",
            );
        }
        let guardian_said_nothing = out.diagnostics.len() == before;

        row.student_id = student_id.usable();
        row.guardian_id = guardian_id.clone().usable();
        let has_error = out.diagnostics.iter().any(Diagnostic::is_error);
        row.status = if has_error {
            RowStatus::Rejected
        } else if out.diagnostics.is_empty() {
            RowStatus::Valid
        } else {
            RowStatus::Repaired
        };
        if has_error {
            return;
        }
        if let (Cell::Usable(guardian_id), Cell::Usable(first_name), Cell::Usable(last_name)) =
            (guardian_id, first_name, last_name)
        {
            let guardian = Guardian {
                guardian_id,
                first_name,
                last_name,
                email: email.usable(),
                mobile_phone: mobile_phone.usable(),
                home_phone: home_phone.usable(),
                language: language.usable(),
            };
            // Only cells that made a guardian without a word are
            // remembered: a diagnostic names its line, so it is made anew.
            if self.remember && guardian_said_nothing {
                if self.guardians.len() >= GUARDIAN_MEMO {
                    self.guardians.clear();
                }
                let serial = self.next_serial;
                self.next_serial += 1;
                self.guardians.insert(
                    self.guardian_key.as_slice().into(),
                    (serial, guardian.guardian_id.clone()),
                );
                row.cells_serial = Some(serial);
            }
            row.guardian = Some(guardian);
        }
    }

    /// The header the rows are read against.
    pub(crate) fn header(&self) -> &Header {
        &self.header
    }

    /// Remembers guardian cells from now on: a later row with the same
    /// cells is not checked again and carries no guardian, only the
    /// serial of the row that made it (`Row::cells_serial`). For rows
    /// that stay inside the crate, read in file order by one checker.
    pub(crate) fn remember_guardians(&mut self) {
        self.remember = true;
    }
}

/// A cell's outcome: a value, nothing written, or a problem (reported).
#[derive(Clone)]
enum Cell<T> {
    Usable(T),
    Empty,
    Unusable,
}

impl<T> Cell<T> {
    fn usable(self) -> Option<T> {
        match self {
            Cell::Usable(value) => Some(value),
            Cell::Empty | Cell::Unusable => None,
        }
    }
}

struct Out<'a> {
    line: u64,
    diagnostics: &'a mut Vec<Diagnostic>,
    /// Where messages are written before they are copied out at their size.
    scratch: &'a mut String,
}

/// What SIS exports and clerks write for "no value".
const PLACEHOLDERS: &[&str] = &[
    "n/a",
    "na",
    "n.a.",
    "none",
    "null",
    "nil",
    "-",
    "--",
    "---",
    "unknown",
    "not provided",
    "no email",
    "noemail",
    "no phone",
    "no number",
    "x",
    "?",
    "tbd",
];

/// "1 field", "3 fields".
fn fields(count: usize) -> String {
    if count == 1 {
        "1 field".to_owned()
    } else {
        format!("{count} fields")
    }
}

/// What SIS language lists hold besides languages: "no answer" choices.
const LANGUAGE_PLACEHOLDERS: &[&str] = &[
    "other",
    "other language",
    "declined",
    "declined to state",
    "decline to state",
    "declined to specify",
    "declined to answer",
    "prefer not to say",
    "prefer not to answer",
    "not specified",
    "unspecified",
    "not reported",
    "not stated",
    "refused",
    "no preference",
    "not available",
    "unknown language",
];

/// What SIS exports and clerks write where a name is not known. Words
/// that are real names somewhere (`Na`, `Nil`, `X`, `Parent`) are not.
fn is_name_placeholder(name: &str) -> bool {
    let mut folded = [0u8; 12];
    let Some(slot) = folded.get_mut(..name.len()) else {
        return false;
    };
    slot.copy_from_slice(name.as_bytes());
    slot.make_ascii_lowercase();
    matches!(
        &*slot,
        b"n/a"
            | b"n.a."
            | b"none"
            | b"null"
            | b"unknown"
            | b"unk"
            | b"-"
            | b"--"
            | b"---"
            | b"."
            | b"?"
            | b"tbd"
            | b"fnu"
            | b"lnu"
            | b"nfn"
            | b"nln"
            | b"no name"
            | b"not provided"
    )
}

/// A placeholder in an optional cell is no value: say so, read it as empty.
fn placeholder<T>(raw: &str, column: Column, out: &mut Out<'_>) -> Option<Cell<T>> {
    let is_placeholder = PLACEHOLDERS.iter().any(|p| raw.eq_ignore_ascii_case(p))
        || (raw.len() >= 7
            && raw
                .bytes()
                .all(|b| matches!(b, b'0' | b'-' | b' ' | b'(' | b')' | b'.')));
    is_placeholder.then(|| placeholder_read_as_empty(raw, column, out))
}

fn placeholder_read_as_empty<T>(raw: &str, column: Column, out: &mut Out<'_>) -> Cell<T> {
    out.push(
        Code::Placeholder,
        Some(column),
        Some(raw),
        format_args!(
            "the {} {raw} is a placeholder, read as empty",
            column.label()
        ),
    );
    Cell::Empty
}

/// Seven or more digits and nothing but what phone numbers are written
/// with: a phone number in the email column.
fn looks_like_phone(raw: &str) -> bool {
    raw.bytes().filter(u8::is_ascii_digit).count() >= 7 && crate::phone::only_phone_characters(raw)
}

/// `999-999-9999`, `(555) 555-5555`, `123-456-7890`: what a form or a
/// clerk types where a phone number is required and none is known. Asked
/// only of a number that is not valid (`888-888-8888` may be a real
/// toll-free number).
fn is_dummy_number(raw: &str) -> bool {
    if !crate::phone::only_phone_characters(raw) {
        return false;
    }
    let mut digits = [0u8; 11];
    let mut count = 0;
    for b in raw.bytes().filter(u8::is_ascii_digit) {
        let Some(slot) = digits.get_mut(count) else {
            return false;
        };
        *slot = b;
        count += 1;
    }
    let national = match count {
        10 => &digits[..10],
        11 if digits[0] == b'1' => &digits[1..],
        _ => return false,
    };
    national.iter().all(|&d| d == national[0]) || national == b"1234567890"
}

/// What spreadsheets write where a formula failed (`#N/A`, `#REF!`...):
/// the value the cell should hold is gone.
pub(crate) fn is_spreadsheet_error(cell: &str) -> bool {
    const ERRORS: &[&str] = &[
        "#N/A",
        "#N/A!",
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#ERROR!",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#GETTING_DATA",
    ];
    cell.starts_with('#') && ERRORS.iter().any(|e| cell.eq_ignore_ascii_case(e))
}

/// Words for a spreadsheet error value in a cell, after "the {column} #N/A".
const SPREADSHEET_ERROR: &str = "is a spreadsheet error value (a formula failed), not data; fix it in the spreadsheet and export again";

/// Reports a contact or language cell holding a spreadsheet error value.
fn spreadsheet_error<T>(
    raw: &str,
    column: Column,
    code: Code,
    out: &mut Out<'_>,
) -> Option<Cell<T>> {
    is_spreadsheet_error(raw).then(|| out.cell_problem(code, column, raw, &SPREADSHEET_ERROR))
}

impl Out<'_> {
    /// Reports a cell that cannot be used: "the mobile phone X is too short".
    fn cell_problem<T>(
        &mut self,
        code: Code,
        column: Column,
        raw: &str,
        error: &dyn std::fmt::Display,
    ) -> Cell<T> {
        self.push(
            code,
            Some(column),
            Some(raw),
            format_args!("the {} {raw} {error}", column.label()),
        );
        Cell::Unusable
    }

    /// Sets the suggestion of the diagnostic just added, if there is one.
    fn suggest(&mut self, meant: Option<&str>) {
        if let (Some(meant), Some(diagnostic)) = (meant, self.diagnostics.last_mut()) {
            diagnostic.suggestion = Some(meant.to_owned());
        }
    }

    /// Adds a diagnostic whose message is `Line N: ` and `message`, written
    /// once into the checker's scratch buffer and kept at its exact size.
    fn push(
        &mut self,
        code: Code,
        column: Option<Column>,
        value: Option<&str>,
        message: impl fmt::Display,
    ) {
        self.scratch.clear();
        // Writing to a String cannot fail.
        let _ = write!(self.scratch, "Line {}: {message}", self.line);
        let mut diagnostic = Diagnostic::new(code, self.line, self.scratch.as_str());
        diagnostic.column = column;
        diagnostic.value = value.map(str::to_owned);
        self.diagnostics.push(diagnostic);
    }
}

struct Cells<'a> {
    header: &'a Header,
    record: &'a csv::ByteRecord,
    /// The whole record's bytes as text, when they are valid UTF-8 (nearly
    /// always): one check for the row, not one per cell.
    text: Option<&'a str>,
}

impl Cells<'_> {
    /// The trimmed text of `column`: `Empty` when blank or absent,
    /// `Unusable` (reported) when not valid UTF-8.
    fn text<'c>(&'c self, column: Column, out: &mut Out<'_>) -> Cell<&'c str> {
        let Some(at) = self.header.position(column) else {
            return Cell::Empty;
        };
        let Some(bytes) = self.record.get(at) else {
            return Cell::Empty;
        };
        // A record's cells lie side by side in its bytes: when those are
        // valid text, a cell that starts and ends on character boundaries
        // is valid text too (`str::get` checks). A cell whose own bytes are
        // broken fails that check, and is checked, and reported, alone.
        let decoded = match self
            .text
            .zip(self.record.range(at))
            .and_then(|(text, range)| text.get(range))
        {
            Some(text) => Ok(text),
            None => std::str::from_utf8(bytes),
        };
        match decoded {
            Ok(text) => {
                let mut text = trim(text);
                // IDs undo spreadsheet damage themselves.
                if !matches!(column, Column::StudentId | Column::GuardianId) {
                    // Excel's text marker, as the errors file writes it
                    // before a value a spreadsheet would run.
                    if let Some(rest) = text.strip_prefix('\'') {
                        out.push(
                            Code::TextMarker,
                            Some(column),
                            Some(text),
                            format_args!(
                                "the {} {text} started with a spreadsheet text marker ('), which was removed",
                                column.label()
                            ),
                        );
                        text = rest.trim();
                    }
                    // `="3125550142"`: the formula some exports wrap every
                    // cell in so that a spreadsheet keeps it as text.
                    if let Some(inner) = text
                        .strip_prefix("=\"")
                        .and_then(|rest| rest.strip_suffix('"'))
                        .filter(|inner| !inner.contains('"'))
                    {
                        out.push(
                            Code::TextMarker,
                            Some(column),
                            Some(text),
                            format_args!(
                                "the {} {text} was wrapped in a spreadsheet formula (=\"...\") to keep it as text, which was removed",
                                column.label()
                            ),
                        );
                        text = trim(inner);
                    }
                }
                if text.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Usable(text)
                }
            }
            Err(e) => {
                let lossy = String::from_utf8_lossy(bytes);
                out.push(
                    Code::InvalidText,
                    Some(column),
                    Some(&lossy),
                    format_args!(
                        "the {} holds bytes that are not valid UTF-8 text (at byte {} of the cell); save the file as \"CSV UTF-8\" and upload it again",
                        column.label(),
                        e.valid_up_to() + 1
                    ),
                );
                Cell::Unusable
            }
        }
    }
}

/// `str::trim`, and invisible characters at either end too (a zero-width
/// space from a web page, a byte-order mark where two files were joined),
/// with no work for the usual cell, which starts and ends with a visible
/// ASCII character.
pub(crate) fn trim(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim_matches(|c: char| c.is_whitespace() || is_invisible(c)),
    }
}

/// Characters that show as nothing: zero-width spaces and joiners, the
/// word joiner, the byte-order mark, the soft hyphen.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{00ad}'
    )
}

fn read_id<T>(
    cells: &Cells<'_>,
    column: Column,
    out: &mut Out<'_>,
    parse: fn(&str) -> Result<ParsedId<T>, IdError>,
) -> Cell<T> {
    let raw = match cells.text(column, out) {
        Cell::Usable(raw) => raw,
        Cell::Empty => {
            out.push(
                Code::MissingValue,
                Some(column),
                None,
                format_args!(
                    "the {} is empty; every row needs a {}",
                    column.label(),
                    column.label()
                ),
            );
            return Cell::Unusable;
        }
        Cell::Unusable => return Cell::Unusable,
    };
    match parse(raw) {
        Ok(parsed) => {
            if !parsed.repairs.is_empty() {
                out.push(
                    Code::IdRepaired,
                    Some(column),
                    Some(raw),
                    format_args!(
                        "the {} {raw} had {}, which was removed; check that the result is the ID the SIS has",
                        column.label(),
                        parsed.describe_repairs()
                    ),
                );
            }
            Cell::Usable(parsed.id)
        }
        Err(error) => {
            let code = match error {
                IdError::ScientificNotation => Code::IdScientificNotation,
                IdError::Empty => Code::MissingValue,
                _ => Code::InvalidId,
            };
            out.cell_problem(code, column, raw, &error)
        }
    }
}

fn read_name(cells: &Cells<'_>, column: Column, out: &mut Out<'_>) -> Cell<Name> {
    let name = match cells.text(column, out) {
        Cell::Usable(name) => name,
        Cell::Empty => {
            out.push(
                Code::MissingValue,
                Some(column),
                None,
                format_args!("the guardian's {} is empty", column.label()),
            );
            return Cell::Unusable;
        }
        Cell::Unusable => return Cell::Unusable,
    };
    if looks_like_formula(name) {
        out.push(
            Code::FormulaValue,
            Some(column),
            Some(name),
            format_args!(
                "the guardian's {} {name} looks like a spreadsheet formula; it is kept as written, but check it: a spreadsheet that opens it may run it",
                column.label()
            ),
        );
    }
    let problem = if is_spreadsheet_error(name) {
        Some(SPREADSHEET_ERROR.to_owned())
    } else if name.chars().any(char::is_control) {
        Some("contains a control character or line break".to_owned())
    } else if name.chars().count() > MAX_NAME_LEN {
        Some(format!("is longer than {MAX_NAME_LEN} characters"))
    } else {
        None
    };
    if problem.is_none() && is_name_placeholder(name) {
        out.push(
            Code::PlaceholderName,
            Some(column),
            Some(name),
            format_args!(
                "the guardian's {} {name} is a placeholder, not a name; it is kept as written so the guardian can still be reached, but put the real name in the SIS",
                column.label()
            ),
        );
    }
    match problem {
        Some(problem) => {
            out.push(
                Code::InvalidName,
                Some(column),
                Some(name),
                format_args!("the guardian's {} {problem}", column.label()),
            );
            Cell::Unusable
        }
        None => Cell::Usable(Name::from(name)),
    }
}

/// `=...`, `@...`, or `+`/`-` before something other than a digit.
fn looks_like_formula(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some('=' | '@') => true,
        Some('+' | '-') => chars
            .next()
            .is_some_and(|c| !c.is_ascii_digit() && !c.is_whitespace()),
        _ => false,
    }
}

fn read_email(cells: &Cells<'_>, out: &mut Out<'_>) -> Cell<Email> {
    let raw = match cells.text(Column::Email, out) {
        Cell::Usable(raw) => raw,
        Cell::Empty => return Cell::Empty,
        Cell::Unusable => return Cell::Unusable,
    };
    if let Some(empty) = placeholder(raw, Column::Email, out) {
        return empty;
    }
    if let Some(unusable) = spreadsheet_error(raw, Column::Email, Code::InvalidEmail, out) {
        return unusable;
    }
    match Email::parse(raw) {
        Ok(email) if email.is_placeholder() => {
            out.push(
                Code::Placeholder,
                Some(Column::Email),
                Some(raw),
                format_args!(
                    "the email {raw} is a placeholder for \"no email\", read as empty; give the guardian's own address if they have one"
                ),
            );
            Cell::Empty
        }
        Ok(email) => {
            if let Some(meant) = email.likely_typo() {
                out.push(
                    Code::EmailTypo,
                    Some(Column::Email),
                    Some(raw),
                    format_args!(
                        "the email {raw} may be a typo for {meant}; it is kept as written, so check it with the family"
                    ),
                );
                let corrected =
                    (email.as_str().rsplit_once('@')).map(|(local, _)| format!("{local}@{meant}"));
                out.suggest(corrected.as_deref());
            }
            Cell::Usable(email)
        }
        Err(error) => {
            let code = match error {
                EmailError::Multiple => Code::MultipleValues,
                _ => Code::InvalidEmail,
            };
            if !raw.contains('@') && looks_like_phone(raw) {
                return out.cell_problem(
                    code,
                    Column::Email,
                    raw,
                    &"looks like a phone number, not an address; check that the email and phone columns are not swapped",
                );
            }
            let cell = out.cell_problem(code, Column::Email, raw, &error);
            out.suggest(error.suggestion());
            cell
        }
    }
}

fn read_phone(
    cells: &Cells<'_>,
    column: Column,
    phones: &mut PhoneParser,
    out: &mut Out<'_>,
) -> Cell<Phone> {
    let raw = match cells.text(column, out) {
        Cell::Usable(raw) => raw,
        Cell::Empty => return Cell::Empty,
        Cell::Unusable => return Cell::Unusable,
    };
    if let Some(empty) = placeholder(raw, column, out) {
        return empty;
    }
    if let Some(unusable) = spreadsheet_error(raw, column, Code::InvalidPhone, out) {
        return unusable;
    }
    match phones.parse(raw) {
        Ok(phone) => {
            if column == Column::MobilePhone {
                if let Some(extension) = phone.extension() {
                    out.push(
                        Code::MobileExtension,
                        Some(column),
                        Some(raw),
                        format_args!(
                            "the mobile phone {raw} has an extension ({extension}); text messages cannot reach an extension, so give a number that receives SMS"
                        ),
                    );
                }
            }
            Cell::Usable(phone)
        }
        // Checked only here, as no such number is valid: the usual cell
        // pays nothing for it.
        Err(_) if is_dummy_number(raw) => placeholder_read_as_empty(raw, column, out),
        Err(error) => phone_problem(raw, column, error, out),
    }
}

/// Reports a phone cell that cannot be used.
fn phone_problem<T>(raw: &str, column: Column, error: PhoneError, out: &mut Out<'_>) -> Cell<T> {
    let code = match error {
        PhoneError::Multiple => Code::MultipleValues,
        _ => Code::InvalidPhone,
    };
    if raw.contains('@') {
        return out.cell_problem(
            code,
            column,
            raw,
            &"looks like an email address, not a phone number; check that the email and phone columns are not swapped",
        );
    }
    let digits = raw.bytes().filter(u8::is_ascii_digit).count();
    let international = raw.starts_with('+') || raw.starts_with("00");
    if digits > 10
        && !international
        && matches!(
            error,
            PhoneError::TooLong { .. } | PhoneError::Invalid { .. }
        )
    {
        let hint = format!(
            "{error}; if it is a number from another country, write it with + and the country code"
        );
        return out.cell_problem(code, column, raw, &hint);
    }
    let cell = match &error {
        PhoneError::Labelled { label, .. }
            if column == Column::MobilePhone && crate::phone::is_landline_label(label) =>
        {
            let hint = format!(
                "{error}; the label says it is a home or work number, so check that it receives text messages"
            );
            out.cell_problem(code, column, raw, &hint)
        }
        _ => out.cell_problem(code, column, raw, &error),
    };
    out.suggest(error.suggestion());
    cell
}

fn read_language(
    cells: &Cells<'_>,
    memo: &mut HashMap<Box<str>, LanguageVerdict>,
    out: &mut Out<'_>,
) -> Cell<Language> {
    let raw = match cells.text(Column::Language, out) {
        Cell::Usable(raw) => raw,
        Cell::Empty => return Cell::Empty,
        Cell::Unusable => return Cell::Unusable,
    };
    if let Some(empty) = placeholder(raw, Column::Language, out) {
        return empty;
    }
    if LANGUAGE_PLACEHOLDERS
        .iter()
        .any(|p| raw.eq_ignore_ascii_case(p))
    {
        return placeholder_read_as_empty(raw, Column::Language, out);
    }
    if is_spreadsheet_error(raw) {
        out.push(
            Code::UnknownLanguage,
            Some(Column::Language),
            Some(raw),
            format_args!(
                "the language {raw} {SPREADSHEET_ERROR}; the guardian keeps no language preference"
            ),
        );
        return Cell::Unusable;
    }
    let verdict = match memo.get(raw) {
        Some(verdict) => verdict.clone(),
        None => {
            let verdict = match Language::parse(raw) {
                Ok(language) => LanguageVerdict::Known(language),
                Err(_) if crate::language::names_several(raw) => LanguageVerdict::Several,
                Err(_) => LanguageVerdict::Unknown(Language::closest_name(raw)),
            };
            if memo.len() >= LANGUAGE_MEMO {
                memo.clear();
            }
            memo.insert(raw.into(), verdict.clone());
            verdict
        }
    };
    match verdict {
        LanguageVerdict::Known(language) => return Cell::Usable(language),
        LanguageVerdict::Unknown(None) => out.push(
            Code::UnknownLanguage,
            Some(Column::Language),
            Some(raw),
            format_args!(
                "the language \"{raw}\" {}; the guardian keeps no language preference",
                crate::UnknownLanguage
            ),
        ),
        LanguageVerdict::Unknown(Some(meant)) => {
            out.push(
                Code::UnknownLanguage,
                Some(Column::Language),
                Some(raw),
                format_args!(
                    "the language \"{raw}\" is not a language this import recognises; did you mean {meant}? Write it as {meant} or its code; the guardian keeps no language preference"
                ),
            );
            out.suggest(Some(meant));
        }
        LanguageVerdict::Several => out.push(
            Code::UnknownLanguage,
            Some(Column::Language),
            Some(raw),
            format_args!(
                "the language cell \"{raw}\" names more than one language; keep only the one the guardian prefers to read; the guardian keeps no language preference"
            ),
        ),
    }
    Cell::Unusable
}

/// What a language cell was found to be, remembered per spelling.
#[derive(Clone)]
enum LanguageVerdict {
    Known(Language),
    /// Not a language, with the name it may be a slip for.
    Unknown(Option<&'static str>),
    /// Two or more languages (`English; Spanish`).
    Several,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guardian_columns_are_all_but_the_student_id() {
        assert_eq!(Column::ALL[0], Column::StudentId);
        assert!(!guardian_columns().contains(&Column::StudentId));
        assert_eq!(guardian_columns().len(), Column::ALL.len() - 1);
    }
}
