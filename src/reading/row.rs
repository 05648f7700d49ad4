//! One row of the file, checked: the typed record if usable, and every
//! problem found in it.

use std::sync::atomic::{AtomicU64, Ordering};

use foldhash::HashMap;
use serde::Serialize;

use crate::column::Column;
use crate::diagnostic::message::{Arg, msg, plain};
use crate::diagnostic::{Code, Diagnostic};
use crate::reading::cells::contact::{read_email, read_phone};
use crate::reading::cells::id::read_id;
use crate::reading::cells::language::{LanguageVerdict, read_language};
use crate::reading::cells::name::read_name;
use crate::reading::cells::{Cell, Cells, Out};
use crate::reading::flags::read_flags;
use crate::reading::header::Header;
use crate::reading::tokenizer::{Cut, line_breaks};
use crate::values::flags::Exclusion;
use crate::values::id::{GuardianId, StudentId};
use crate::values::phone::{PhoneParser, Region};
use crate::values::record::Guardian;

/// What became of a row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
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
    /// Not imported because the file's own flags say so: the person is not
    /// a guardian of the student (`not_a_guardian`) or is restricted
    /// (`contact_restricted`); see [`Row::exclusion`].
    Excluded,
}

/// What became of one row, by line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RowOutcome {
    /// The physical line where the row starts.
    pub line: u64,
    /// Valid, repaired, rejected or blank.
    pub status: RowStatus,
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
    /// The guardian of a row whose only error is `no_contact`: another row
    /// of the same guardian may give the email or mobile (SIS exports often
    /// write contacts on a guardian's first row only), which only the
    /// whole-file checks can see.
    #[serde(skip)]
    contactless: Option<Guardian>,
    /// Why the flags leave the row's person out, if they do.
    exclusion: Option<Exclusion>,
    /// The relationship cell, if the file has one.
    relationship: Option<Box<str>>,
    /// Whether a flag cell could not be read and the flags that could do
    /// not settle it: the row may stand for leaving its link out.
    #[serde(skip)]
    flag_doubt: bool,
    /// Whether the file ends in the middle of this row (`truncated_file`).
    #[serde(skip)]
    truncated: bool,
    diagnostics: Vec<Diagnostic>,
}

impl Row {
    /// The physical line (1-based) where the row starts.
    #[must_use]
    pub fn line(&self) -> u64 {
        self.line
    }

    /// Valid, repaired, rejected, or blank.
    #[must_use]
    pub fn status(&self) -> RowStatus {
        self.status
    }

    /// The student ID, if the cell could be read (even on a rejected row).
    #[must_use]
    pub fn student_id(&self) -> Option<&StudentId> {
        self.student_id.as_ref()
    }

    /// The guardian ID, if the cell could be read (even on a rejected row).
    #[must_use]
    pub fn guardian_id(&self) -> Option<&GuardianId> {
        self.guardian_id.as_ref()
    }

    /// The guardian, when the row is usable (valid or repaired).
    #[must_use]
    pub fn guardian(&self) -> Option<&Guardian> {
        self.guardian.as_ref()
    }

    /// Why the row is [`RowStatus::Excluded`]: what its flag columns say
    /// the person is not (a guardian), or that they are restricted.
    #[must_use]
    pub fn exclusion(&self) -> Option<Exclusion> {
        self.exclusion
    }

    /// The relationship to the student (`Mother`, `Aunt`...), as the
    /// file's relationship column gives it; never used to decide.
    #[must_use]
    pub fn relationship(&self) -> Option<&str> {
        self.relationship.as_deref()
    }

    /// Whether a flag cell could not be read and may leave the row's link
    /// out: no other row makes that link.
    pub(crate) fn flag_doubt(&self) -> bool {
        self.flag_doubt
    }

    /// Whether the file ends in the middle of this row.
    pub(crate) fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// Every problem found in the row, in column order.
    #[must_use]
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Which remembered guardian cells the row has, if any. A row with a
    /// serial and no guardian repeats the cells of an earlier row with
    /// that serial and a guardian.
    pub(crate) fn cells_serial(&self) -> Option<u64> {
        self.cells_serial
    }

    /// Empties the row for the record on `line`, keeping its allocations.
    fn reset(&mut self, line: u64) {
        self.line = line;
        self.status = RowStatus::Valid;
        self.student_id = None;
        self.guardian_id = None;
        self.guardian = None;
        self.cells_serial = None;
        self.contactless = None;
        self.exclusion = None;
        self.relationship = None;
        self.flag_doubt = false;
        self.truncated = false;
        self.diagnostics.clear();
    }

    pub(crate) fn take_guardian(&mut self) -> Option<Guardian> {
        self.guardian.take()
    }

    /// Whether the row's only error is `no_contact`, with its guardian kept
    /// for the whole-file checks.
    pub(crate) fn is_contactless(&self) -> bool {
        self.contactless.is_some()
    }

    /// Makes a contactless row's guardian the row's, for the whole-file
    /// checks to complete from another row.
    pub(crate) fn take_contactless(&mut self) {
        if let Some(guardian) = self.contactless.take() {
            self.guardian = Some(guardian);
        }
    }

    /// Adds a problem the row's source found (a OneRoster or Clever
    /// export): a warning makes a valid row repaired, an error rejects it.
    pub(crate) fn add_diagnostic(&mut self, diagnostic: Diagnostic) {
        if diagnostic.code == Code::TruncatedFile {
            self.truncated = true;
        }
        if diagnostic.is_error() {
            if matches!(self.status, RowStatus::Valid | RowStatus::Repaired) {
                self.status = RowStatus::Rejected;
            }
            self.guardian = None;
            self.contactless = None;
            self.cells_serial = None;
        } else if self.status == RowStatus::Valid {
            self.status = RowStatus::Repaired;
        }
        self.diagnostics.push(diagnostic);
    }

    /// Drops the diagnostics `said_elsewhere` picks, whose problem the
    /// source says in its own words; the status stays (an error of the
    /// source's follows).
    pub(crate) fn drop_diagnostics(&mut self, said_elsewhere: impl Fn(&Diagnostic) -> bool) {
        self.diagnostics.retain(|d| !said_elsewhere(d));
    }

    pub(crate) fn take_diagnostics(&mut self) -> std::vec::Drain<'_, Diagnostic> {
        self.diagnostics.drain(..)
    }
}

/// The per-row rules, with the state they need (column positions, the phone
/// memo).
pub(crate) struct RowChecker {
    header: Header,
    delimiter: u8,
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
    /// Whether rows whose flags say "not a guardian" are left out.
    exclude_non_guardians: bool,
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

impl RowChecker {
    pub(crate) fn new(
        header: Header,
        delimiter: u8,
        region: Region,
        max_field_bytes: u64,
        max_columns: usize,
    ) -> RowChecker {
        RowChecker {
            header,
            delimiter,
            max_field_bytes,
            max_columns,
            phones: PhoneParser::new(region),
            languages: HashMap::default(),
            remember: false,
            guardians: HashMap::default(),
            // Never 0: a serial fits an `Option<NonZeroU64>`.
            next_serial: (CHECKERS.fetch_add(1, Ordering::Relaxed) << 40) | 1,
            guardian_key: Vec::new(),
            exclude_non_guardians: true,
        }
    }

    /// Sets whether rows whose flags say "not a guardian" are left out
    /// (restricted rows always are).
    pub(crate) fn excluding_non_guardians(mut self, yes: bool) -> RowChecker {
        self.exclude_non_guardians = yes;
        self
    }

    /// Another checker for the same header and region, with its own memo.
    pub(crate) fn clone_fresh(&self) -> RowChecker {
        RowChecker::new(
            self.header.clone(),
            self.delimiter,
            self.phones.region(),
            self.max_field_bytes,
            self.max_columns,
        )
        .excluding_non_guardians(self.exclude_non_guardians)
    }

    pub(crate) fn check(
        &mut self,
        record: &csv::ByteRecord,
        line: u64,
        cuts: &[Cut],
        row: &mut Row,
    ) {
        row.reset(line);
        let mut diagnostics = std::mem::take(&mut row.diagnostics);
        let mut out = Out {
            line,
            diagnostics: &mut diagnostics,
        };
        let limits = (self.max_field_bytes, self.max_columns);
        let header_again = cuts.iter().find_map(|cut| match cut {
            Cut::Header { reordered } => Some(*reordered),
            _ => None,
        });
        let stop = if let Some(reordered) = header_again {
            let message = if reordered {
                msg!(
                    "the row is a header with the columns in another order, as when two exports are pasted together; it was skipped, and the rows below it are read under it"
                )
            } else {
                msg!(
                    "the row repeats the header, as when two files are pasted together; it was skipped"
                )
            };
            let code = if reordered {
                Code::HeaderReordered
            } else {
                Code::RepeatedHeader
            };
            out.push(code, None, None, message);
            Some(RowStatus::Blank)
        } else if report_cuts(&self.header, limits, cuts, &mut out) {
            Some(RowStatus::Rejected)
        } else {
            check_shape(&self.header, self.delimiter, record, line, &mut out)
        };
        match stop {
            Some(status) => row.status = status,
            None => self.check_cells(record, &mut out, row),
        }
        if row.status != RowStatus::Blank && ends_mid_row(&self.header, record, cuts, row) {
            row.truncated = true;
            row.status = RowStatus::Rejected;
            out.push(
                Code::TruncatedFile,
                None,
                None,
                msg!(
                    "the file ends in the middle of this row (after {} of the header's {} cells, with no line end, or inside a quoted cell): the download or export was probably cut off; this row was not used, and a full sync of this file removes no link: download or export the file again",
                    record.len(),
                    self.header.len
                ),
            );
        }
        row.diagnostics = diagnostics;
    }

    /// The cells of a row whose shape is right: the student ID, then the
    /// guardian (from the memo when the same cells were seen before).
    fn check_cells(&mut self, record: &csv::ByteRecord, out: &mut Out<'_>, row: &mut Row) {
        let remembered = self.remembered(record);
        let cells = Cells {
            header: &self.header,
            record,
            text: std::str::from_utf8(record.as_slice()).ok(),
        };
        let student_id = read_id(&cells, Column::StudentId, out, StudentId::parse);
        row.student_id = student_id.usable();
        // Flags first: they are the link's, not the guardian's, and a row
        // they leave out needs no more than its IDs.
        let flags = read_flags(&cells, self.exclude_non_guardians, out);
        row.relationship = flags.relationship;
        row.flag_doubt = flags.invalid && flags.exclusion.is_none();
        if let Some(exclusion) = flags.exclusion {
            let guardian_id = read_id(&cells, Column::GuardianId, out, GuardianId::parse);
            row.guardian_id = guardian_id.usable();
            row.exclusion = Some(exclusion);
            // Whose link it is must be known for it to be left out (and,
            // if restricted, removed); else the row is rejected.
            row.status = match (&row.student_id, &row.guardian_id) {
                (Some(_), Some(_)) => RowStatus::Excluded,
                _ => RowStatus::Rejected,
            };
            return;
        }
        if let Some((serial, guardian_id)) = remembered {
            row.guardian_id = Some(guardian_id);
            row.status = status_of(out.diagnostics);
            if row.status != RowStatus::Rejected {
                row.cells_serial = Some(serial);
            }
            return;
        }

        let before = out.diagnostics.len();
        let guardian_id = read_id(&cells, Column::GuardianId, out, GuardianId::parse);
        let first_name = read_name(&cells, Column::FirstName, out);
        let last_name = read_name(&cells, Column::LastName, out);
        let email = read_email(&cells, out);
        let mobile_phone = read_phone(&cells, Column::MobilePhone, &mut self.phones, out);
        let home_phone = read_phone(&cells, Column::HomePhone, &mut self.phones, out);
        let language = read_language(&cells, &mut self.languages, out);

        let no_contact =
            !matches!(email, Cell::Usable(_)) && !matches!(mobile_phone, Cell::Usable(_));
        // Only an empty email and mobile may be completed from another row;
        // a value that could not be read is an error of its own.
        let errors_before = out.diagnostics.iter().filter(|d| d.is_error()).count();
        if no_contact {
            out.push(
                Code::NoContact,
                None,
                None,
                msg!("the guardian has no usable email or mobile phone, so they could not log in or be notified; add one"),
            );
        }
        let guardian_said_nothing = out.diagnostics.len() == before;

        row.guardian_id = guardian_id.clone().usable();
        row.status = status_of(out.diagnostics);
        let has_error = row.status == RowStatus::Rejected;
        if has_error && !(no_contact && errors_before == 0) {
            return;
        }
        let (Cell::Usable(guardian_id), Cell::Usable(first_name), Cell::Usable(last_name)) =
            (guardian_id, first_name, last_name)
        else {
            return;
        };
        let guardian = Guardian {
            guardian_id,
            first_name,
            last_name,
            email: email.usable(),
            mobile_phone: mobile_phone.usable(),
            home_phone: home_phone.usable(),
            language: language.usable(),
        };
        if has_error {
            row.contactless = Some(guardian);
            return;
        }
        // Only cells that made a guardian without a word are remembered: a
        // diagnostic names its line, so it is made anew.
        if guardian_said_nothing {
            row.cells_serial = self.remember(&guardian.guardian_id);
        }
        row.guardian = Some(guardian);
    }

    /// The serial and guardian of the same guardian cells seen before, if
    /// remembering; builds the key [`RowChecker::remember`] stores.
    fn remembered(&mut self, record: &csv::ByteRecord) -> Option<(u64, GuardianId)> {
        if !self.remember {
            return None;
        }
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
        self.guardians
            .get(self.guardian_key.as_slice())
            .map(|(serial, id)| (*serial, id.clone()))
    }

    /// Remembers the current row's guardian cells (the key
    /// [`RowChecker::remembered`] built) for `guardian_id`; its serial.
    fn remember(&mut self, guardian_id: &GuardianId) -> Option<u64> {
        if !self.remember {
            return None;
        }
        if self.guardians.len() >= GUARDIAN_MEMO {
            self.guardians.clear();
        }
        let serial = self.next_serial;
        self.next_serial += 1;
        self.guardians.insert(
            self.guardian_key.as_slice().into(),
            (serial, guardian_id.clone()),
        );
        Some(serial)
    }

    /// Checks a row its source leaves out (a OneRoster role or Clever
    /// contact type that is no guardian's, a user a delta deletes): only
    /// its IDs are read; with both, the row is excluded for `exclusion`
    /// with `said` (made on `line`), else rejected by the ID's error.
    pub(crate) fn check_excluded(
        &mut self,
        record: &csv::ByteRecord,
        line: u64,
        row: &mut Row,
        exclusion: Exclusion,
        said: Diagnostic,
    ) {
        row.reset(line);
        let mut diagnostics = std::mem::take(&mut row.diagnostics);
        let mut out = Out {
            line,
            diagnostics: &mut diagnostics,
        };
        let cells = Cells {
            header: &self.header,
            record,
            text: std::str::from_utf8(record.as_slice()).ok(),
        };
        row.student_id = read_id(&cells, Column::StudentId, &mut out, StudentId::parse).usable();
        row.guardian_id = read_id(&cells, Column::GuardianId, &mut out, GuardianId::parse).usable();
        diagnostics.push(said);
        row.status = match (&row.student_id, &row.guardian_id) {
            (Some(_), Some(_)) => {
                row.exclusion = Some(exclusion);
                RowStatus::Excluded
            }
            _ => RowStatus::Rejected,
        };
        row.diagnostics = diagnostics;
    }

    /// The header the rows are read against.
    pub(crate) fn header(&self) -> &Header {
        &self.header
    }

    /// Reads the rows from now on under `header` (a header met below the
    /// first, with its columns in another order).
    pub(crate) fn set_header(&mut self, header: Header) {
        self.header = header;
    }

    /// Remembers guardian cells from now on: a later row with the same
    /// cells is not checked again and carries no guardian, only the
    /// serial of the row that made it (`Row::cells_serial`). For rows
    /// that stay inside the crate, read in file order by one checker.
    pub(crate) fn remember_guardians(&mut self) {
        self.remember = true;
    }
}

/// Reports what the reader cut from the row (or noted in it); true if
/// the row lost data and is rejected.
fn report_cuts(
    header: &Header,
    (max_field_bytes, max_columns): (u64, usize),
    cuts: &[Cut],
    out: &mut Out<'_>,
) -> bool {
    for cut in cuts {
        let (code, column, message) = match *cut {
            // Said by `RowChecker::check` before and after the cuts.
            Cut::Header { .. } | Cut::NoLineEnd => continue,
            Cut::Field { field, bytes } => (
                Code::FieldTooLarge,
                header.column_at(field),
                msg!(
                    "{} is {} bytes long, more than the {} a cell may have; it was cut off and the row was not used",
                    cell_name(header, field),
                    bytes,
                    max_field_bytes
                ),
            ),
            Cut::Fields { fields } => (
                Code::TooManyColumns,
                None,
                msg!(
                    "the row has {} cells, more than the {} allowed; the row was not used",
                    fields,
                    max_columns
                ),
            ),
            Cut::UnterminatedQuote => (
                Code::UnterminatedQuote,
                None,
                msg!(
                    "a double quote opened in this row is never closed, so everything to the end of the file was read as this row; close the quote and upload again"
                ),
            ),
            Cut::StrayQuote { field } => (
                Code::StrayQuote,
                header.column_at(field),
                msg!(
                    "{} has text after its closing double quote (\"x\"y is read as xy); check the value: a cell with a quote inside is written whole in quotes, the inner quote doubled (\"x\"\"y\")",
                    cell_name(header, field)
                ),
            ),
        };
        out.push(code, column, None, message);
    }
    cuts.iter().any(|cut| cut.loses_data())
}

/// Whether the file ends in the middle of `row`: inside a quoted cell, or
/// with no line end after a row with fewer cells than the header or that
/// could not be used (a phone number cut short).
fn ends_mid_row(header: &Header, record: &csv::ByteRecord, cuts: &[Cut], row: &Row) -> bool {
    let unended = cuts.contains(&Cut::NoLineEnd);
    let short = (record.len()..header.len).any(|at| !header.is_unnamed(at));
    cuts.contains(&Cut::UnterminatedQuote)
        || (unended && (short || row.status == RowStatus::Rejected))
}

/// Rejected with an error, used as written, or used with warnings.
fn status_of(diagnostics: &[Diagnostic]) -> RowStatus {
    if diagnostics.iter().any(Diagnostic::is_error) {
        RowStatus::Rejected
    } else if diagnostics.is_empty() {
        RowStatus::Valid
    } else {
        RowStatus::Repaired
    }
}

/// The row's shape: blank, a repeated header, a quote closed lines late,
/// the wrong number of fields. `Some` status when the row stops here.
fn check_shape(
    header: &Header,
    delimiter: u8,
    record: &csv::ByteRecord,
    line: u64,
    out: &mut Out<'_>,
) -> Option<RowStatus> {
    if record.iter().all(|cell| cell.trim_ascii().is_empty()) {
        out.push(
            Code::BlankRow,
            None,
            None,
            msg!("the row is empty and was skipped"),
        );
        return Some(RowStatus::Blank);
    }
    // Only columns guardians.csv does not name have anything (a Sheets
    // export's FALSE checkboxes below the data): no guardian, nothing
    // missing to report.
    let ours = |at: usize| header.column_at(at).is_some();
    let nothing_of_ours = record
        .iter()
        .enumerate()
        .all(|(at, cell)| !ours(at) || cell.trim_ascii().is_empty());
    if nothing_of_ours && header.len > 0 && record.len() <= header.len {
        let mut others: Vec<&str> = record
            .iter()
            .enumerate()
            .filter(|(_, cell)| !cell.trim_ascii().is_empty())
            .map(|(at, _)| {
                header
                    .name_at(at)
                    .filter(|n| !n.is_empty())
                    .unwrap_or("a column without a name")
            })
            .collect();
        others.dedup();
        let mut listed = String::new();
        crate::diagnostic::write_list(&mut listed, &others, others.len());
        out.push(
            Code::BlankRow,
            None,
            None,
            msg!(
                "the row has nothing in the guardians.csv columns, only in {}; it was skipped",
                listed
            ),
        );
        return Some(RowStatus::Blank);
    }
    if let Some(end) = quote_closed_late(header, delimiter, record, line) {
        // The text after the late quote is part of this one problem.
        out.diagnostics.retain(|d| d.code != Code::StrayQuote);
        out.push(
            Code::UnterminatedQuote,
            None,
            None,
            msg!(
                "a double quote opened on this line is closed only on line {}, so lines {} to {} were read as part of one cell of this row, not as rows of their own; fix the quote (a quote inside a value is written twice) and upload again",
                end,
                line + 1,
                end
            ),
        );
        return Some(RowStatus::Rejected);
    }
    let expected = header.len;
    if record.len() == expected {
        return None;
    }
    // Excel leaves off the separators of empty columns without a name at
    // the right after the first rows: nothing is missing.
    if record.len() < expected && (record.len()..expected).all(|at| header.is_unnamed(at)) {
        return None;
    }
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
            msg!(
                "the row has {} fields but the header has {}; the extra fields are empty and were ignored",
                record.len(),
                expected
            ),
        );
        return None;
    }
    let message = if record.len() == 1 {
        msg!(
            "the row has {} but the header has {}; it may be a note or a total rather than a guardian, or the file's delimiter ({}) is not used on this row",
            fields(record.len()),
            expected,
            delimiter_name(delimiter)
        )
    } else {
        msg!(
            "the row has {} but the header has {}; a delimiter is missing or extra (a value with a {} in it must be in double quotes)",
            fields(record.len()),
            expected,
            delimiter_name(delimiter)
        )
    };
    out.push(Code::FieldCount, None, None, message);
    Some(RowStatus::Rejected)
}

/// The line where a record that began on `line` ends, when a quote
/// opened in it was closed only lines later, swallowing them: the
/// record has line breaks and the wrong number of cells, or a line
/// break and a delimiter in a cell of a guardians.csv column (an extra
/// column, such as an address, may hold line breaks).
fn quote_closed_late(
    header: &Header,
    delimiter: u8,
    record: &csv::ByteRecord,
    line: u64,
) -> Option<u64> {
    let bytes = record.as_slice();
    memchr::memchr2(b'\n', b'\r', bytes)?;
    let has_break = |cell: &[u8]| memchr::memchr2(b'\n', b'\r', cell).is_some();
    // A line inside a cell of any column (an extra one, such as
    // `Relationship`, too) that has a row's worth of delimiters is a row
    // the quote swallowed: an address on two lines has not.
    let row_shaped = |cell: &[u8]| {
        let delimiters = header.len.saturating_sub(1).max(2);
        cell.split(|&b| b == b'\n' || b == b'\r')
            .skip(1)
            .any(|part| memchr::memchr_iter(delimiter, part).count() >= delimiters)
    };
    let swallowed = record.len() != header.len
        || Column::ALL.iter().any(|&column| {
            header
                .position(column)
                .and_then(|at| record.get(at))
                .is_some_and(|cell| has_break(cell) && cell.contains(&delimiter))
        })
        || record
            .iter()
            .any(|cell| has_break(cell) && row_shaped(cell));
    swallowed.then(|| line + line_breaks(bytes))
}

/// A delimiter as a clerk calls it: "comma", "semicolon", "tab".
fn delimiter_name(delimiter: u8) -> Arg {
    match delimiter {
        b',' => Arg::Words("comma"),
        b';' => Arg::Words("semicolon"),
        b'\t' => Arg::Words("tab"),
        b'|' => Arg::Words("vertical bar"),
        other => plain(format_args!("{:?}", char::from(other))),
    }
}

/// `the student ID`, or `cell 9` for a column guardians.csv does not name.
fn cell_name(header: &Header, field: usize) -> Arg {
    match header.column_at(field) {
        Some(column) => plain(format_args!("the {}", column.label())),
        None => plain(format_args!("cell {}", field + 1)),
    }
}

/// "1 field", "3 fields".
fn fields(count: usize) -> String {
    if count == 1 {
        "1 field".to_owned()
    } else {
        format!("{count} fields")
    }
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
