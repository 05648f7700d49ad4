//! The whole file, checked: deduplicated guardians, their links, every
//! diagnostic, and a summary that accounts for every row.

use std::collections::BTreeMap;

use foldhash::HashMap;

use rayon::iter::{IndexedParallelIterator, IntoParallelRefIterator, ParallelIterator};
use rayon::slice::ParallelSliceMut;
use serde::Serialize;

use crate::checks::agree::{Verdict, bit, compare, labels, same_ignoring_case, take_fields};
use crate::checks::found::Found;
use crate::column::Column;
use crate::diagnostic::write_list;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::message::{Arg, Message, msg, plain};
use crate::reading::decode::TextEncoding;
use crate::reading::row::{Row, RowOutcome, RowStatus};
use crate::values::flags::Exclusion;
use crate::values::id::{GuardianId, StudentId};
use crate::values::record::{Guardian, GuardianField, Link};

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
    summary: Summary,
    encoding: TextEncoding,
    #[serde(skip)]
    delimiter: u8,
    #[serde(skip)]
    header_line: u64,
    /// Which columns the header has, by `Column::index`.
    #[serde(skip)]
    columns: [bool; crate::column::COLUMNS],
    diagnostics: Vec<Diagnostic>,
    guardians: Vec<Guardian>,
    links: Vec<Link>,
    #[serde(skip)]
    rows: Vec<RowOutcome>,
    #[serde(skip)]
    rejected: Vec<RejectedRow>,
    #[serde(skip)]
    excluded: Vec<ExcludedRow>,
    #[serde(skip)]
    truncated_at: Option<u64>,
    /// Streaming only, until handed on: diagnostics handed over that the
    /// whole file took back.
    #[serde(skip)]
    withdrawn: Vec<Diagnostic>,
}

impl ValidatedFile {
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
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// Every diagnostic, file-level first, then by line.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Usable guardians, one per guardian ID, sorted by ID.
    pub fn guardians(&self) -> &[Guardian] {
        &self.guardians
    }

    /// The guardian with this ID, if usable.
    pub fn guardian(&self, id: &str) -> Option<&Guardian> {
        self.guardians
            .binary_search_by(|g| g.guardian_id.as_str().cmp(id))
            .ok()
            .map(|at| &self.guardians[at])
    }

    /// Usable guardian-student links, in file order, each once.
    pub fn links(&self) -> &[Link] {
        &self.links
    }

    /// The outcome of every row, in file order.
    pub fn rows(&self) -> &[RowOutcome] {
        &self.rows
    }

    /// Rejected rows with whatever IDs could be read from them.
    pub fn rejected_rows(&self) -> &[RejectedRow] {
        &self.rejected
    }

    /// Rows the file's own flags leave out (not a guardian, restricted),
    /// in file order, with their IDs and why.
    pub fn excluded_rows(&self) -> &[ExcludedRow] {
        &self.excluded
    }

    /// The line of the row the file ends in the middle of, if it does
    /// (`truncated_file`: probably a download cut off). A full sync of such
    /// a file removes no link, since the rows after the cut are missing;
    /// an additive one applies the complete rows.
    pub fn truncated_at(&self) -> Option<u64> {
        self.truncated_at
    }

    /// The encoding the file was read as.
    pub fn encoding(&self) -> TextEncoding {
        self.encoding
    }

    /// The delimiter used.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The physical line of the header row.
    pub fn header_line(&self) -> u64 {
        self.header_line
    }

    /// Whether the file has `column`. `home_phone` and `language` may be
    /// left out; a file without one says nothing about it, so the dry run
    /// keeps the roster's value instead of clearing it.
    ///
    /// ```
    /// # fn main() -> Result<(), guardian_roster::Error> {
    /// use guardian_roster::{Column, ReaderBuilder};
    ///
    /// let data = "student_id,guardian_id,first_name,last_name,email,mobile_phone\n";
    /// let file = ReaderBuilder::new().from_reader(data.as_bytes())?.validate()?;
    /// assert!(file.has_column(Column::Email));
    /// assert!(!file.has_column(Column::HomePhone));
    /// # Ok(()) }
    /// ```
    pub fn has_column(&self, column: Column) -> bool {
        self.columns[column.index()]
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}

/// One distinct guardian and what the rows said about it.
struct Entry {
    guardian: Guardian,
    /// The serial of the first row's guardian cells, if remembered.
    cells_serial: Option<u64>,
    /// Index of the first row.
    first_row: u32,
    /// Fields on which some row disagreed with the first, as bits of
    /// `GuardianField::ALL`.
    conflicts: u8,
}

impl Entry {
    /// Whether the guardian is in the output: its rows agree, and one of
    /// them gives a way to reach them.
    fn is_usable(&self) -> bool {
        self.conflicts == 0
            && (self.guardian.email.is_some() || self.guardian.mobile_phone.is_some())
    }
}

/// More guardians than this for one student is no family: a warning.
const MAX_GUARDIANS_PER_STUDENT: u32 = 20;

/// More students than this for one guardian is no family: a warning.
const MAX_STUDENTS_PER_GUARDIAN: u32 = 30;

/// No guardian or student: the row did not make a link.
const NONE: u32 = u32::MAX;

/// An ID as a key of the whole-file tables. Most IDs are short: those sit
/// in the table's own slot, so a lookup compares bytes there instead of
/// following a pointer to the ID's text (at a million rows, a likely cache
/// miss per lookup); longer ones have their own copy.
#[derive(Clone)]
enum IdKey {
    Inline { len: u8, bytes: [u8; INLINE_ID] },
    Long(Box<str>),
}

/// The longest ID kept inline in an [`IdKey`].
const INLINE_ID: usize = 22;

impl IdKey {
    fn new(id: &str) -> IdKey {
        let text = id.as_bytes();
        match u8::try_from(text.len()) {
            Ok(len) if text.len() <= INLINE_ID => {
                let mut bytes = [0; INLINE_ID];
                bytes[..text.len()].copy_from_slice(text);
                IdKey::Inline { len, bytes }
            }
            _ => IdKey::Long(id.into()),
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            IdKey::Inline { len, bytes } => &bytes[..usize::from(*len)],
            IdKey::Long(text) => text.as_bytes(),
        }
    }
}

// Hashed and compared as the ID's bytes, so that a table is searched with
// a `&[u8]` and no key is built for a lookup.
impl PartialEq for IdKey {
    fn eq(&self, other: &IdKey) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for IdKey {}

impl std::hash::Hash for IdKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl std::borrow::Borrow<[u8]> for IdKey {
    fn borrow(&self) -> &[u8] {
        self.as_bytes()
    }
}

/// Accumulates rows into a [`ValidatedFile`].
///
/// IDs are interned: each distinct guardian and student ID is stored once,
/// and rows and links refer to them by index, so the whole-file checks cost
/// a few words per row rather than a string per field.
pub(crate) struct Builder {
    encoding: TextEncoding,
    delimiter: u8,
    header_line: u64,
    columns: [bool; crate::column::COLUMNS],
    /// The file's diagnostics, then the rows', in file order.
    diagnostics: Vec<Diagnostic>,
    /// Diagnostics found while adding rows (`duplicate_row`): after the
    /// rows' own for the same line once sorted.
    found: Vec<Diagnostic>,
    rows: Vec<RowOutcome>,
    /// Per row: (guardian, student) indexes of a usable row, else `NONE`.
    row_keys: Vec<(u32, u32)>,
    rejected: Vec<RejectedRow>,
    excluded: Vec<ExcludedRow>,
    /// The relationship of the links whose first row gives one, by index
    /// in `links`.
    relationships: HashMap<u32, Box<str>>,
    /// (guardian, student) links that some row makes and another row's
    /// flags leave out: none of their rows is used.
    flag_conflicts: foldhash::HashSet<(u32, u32)>,
    /// Rejected rows with a flag that could not be read, which may leave
    /// their link out: (guardian, student, line).
    doubted: Vec<(GuardianId, StudentId, u64)>,
    /// The line of the row the file ends in the middle of, if it does.
    truncated_at: Option<u64>,
    entries: Vec<Entry>,
    guardian_index: HashMap<IdKey, u32>,
    students: Vec<StudentId>,
    student_index: HashMap<IdKey, u32>,
    /// (guardian, student) -> index in `links`.
    link_index: HashMap<(u32, u32), u32>,
    /// Links in file order: guardian, student, line of the first row.
    links: Vec<(u32, u32, u64)>,
    /// Remembered guardian cells whose first row was not its guardian's
    /// first: how they compare with that guardian, for the rows that
    /// repeat them.
    repeat_verdicts: HashMap<u64, Verdict>,
    /// Rows whose only error is `no_contact`, joined to their guardian
    /// until every row is in.
    contactless: Vec<u32>,
    /// Guardians some of whose rows left a field empty that another row
    /// gives.
    completions: HashMap<u32, Completion>,
    /// Streaming: the diagnostics handed on so far, counted instead of
    /// kept (`None`: kept, for a `ValidatedFile` that holds them all).
    streamed: Option<Counts>,
    /// Streaming: each row's status as the caller was last told it.
    shown: Vec<RowStatus>,
    /// Streaming: the `no_contact` handed over with each row of
    /// `contactless`, in the same order, to withdraw if the row is
    /// completed.
    contactless_said: Vec<Diagnostic>,
    /// Streaming: diagnostics handed over that the whole file took back.
    withdrawn: Vec<Diagnostic>,
}

/// Diagnostics counted for the summary without being kept: a count per
/// code, by the code's place in [`Code::ALL`] (no lookup by name per
/// diagnostic).
#[derive(Default)]
struct Counts {
    errors: u64,
    warnings: u64,
    by_code: Vec<u64>,
}

impl Counts {
    fn add(&mut self, diagnostic: &Diagnostic) {
        match diagnostic.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        if self.by_code.is_empty() {
            self.by_code = vec![0; Code::ALL.len()];
        }
        if let Some(count) = self.by_code.get_mut(diagnostic.code as usize) {
            *count += 1;
        }
    }

    /// The counts per code name, as the summary has them.
    fn by_name(&self) -> BTreeMap<&'static str, u64> {
        Code::ALL
            .iter()
            .zip(&self.by_code)
            .filter(|&(_, &count)| count > 0)
            .map(|(code, &count)| (code.as_str(), count))
            .collect()
    }

    fn remove(&mut self, diagnostic: &Diagnostic) {
        match diagnostic.severity {
            Severity::Error => self.errors -= 1,
            Severity::Warning => self.warnings -= 1,
        }
        if let Some(count) = self.by_code.get_mut(diagnostic.code as usize) {
            *count -= 1;
        }
    }
}

/// A guardian whose rows were completed from one another.
struct Completion {
    /// The fields completed (bits of `GuardianField::ALL`).
    fields: u8,
    /// The line that gave the first value completed.
    from: u64,
    /// The rows that left a field empty, in file order.
    rows: Vec<u32>,
}

impl Builder {
    pub(crate) fn new(
        encoding: TextEncoding,
        delimiter: u8,
        header_line: u64,
        columns: [bool; crate::column::COLUMNS],
        file_diagnostics: Vec<Diagnostic>,
        stream: bool,
    ) -> Builder {
        let mut streamed = stream.then(Counts::default);
        let diagnostics = match &mut streamed {
            // Handed on by the reader already.
            Some(counts) => {
                file_diagnostics.iter().for_each(|d| counts.add(d));
                Vec::new()
            }
            None => file_diagnostics,
        };
        Builder {
            encoding,
            delimiter,
            header_line,
            columns,
            diagnostics,
            found: Vec::new(),
            rows: Vec::new(),
            row_keys: Vec::new(),
            rejected: Vec::new(),
            excluded: Vec::new(),
            relationships: HashMap::default(),
            flag_conflicts: foldhash::HashSet::default(),
            doubted: Vec::new(),
            truncated_at: None,
            entries: Vec::new(),
            guardian_index: HashMap::default(),
            students: Vec::new(),
            student_index: HashMap::default(),
            link_index: HashMap::default(),
            links: Vec::new(),
            repeat_verdicts: HashMap::default(),
            contactless: Vec::new(),
            completions: HashMap::default(),
            streamed,
            shown: Vec::new(),
            contactless_said: Vec::new(),
            withdrawn: Vec::new(),
        }
    }

    /// Hands `row` to `sink`, adds it, then hands on what adding it found
    /// (a streaming validation's step; see [`Found`]).
    pub(crate) fn push_streaming(&mut self, row: &mut Row, sink: &mut dyn FnMut(Found<'_>)) {
        sink(Found::Row(row));
        let told = row.status();
        let no_contact = match row.is_contactless() {
            true => row
                .diagnostics()
                .iter()
                .find(|d| d.code == Code::NoContact)
                .cloned(),
            false => None,
        };
        let contactless = self.contactless.len();
        self.push(row);
        if let (Some(said), true) = (no_contact, self.contactless.len() > contactless) {
            self.contactless_said.push(said);
        }
        let counts = self.streamed.get_or_insert_with(Counts::default);
        for diagnostic in self.found.drain(..) {
            counts.add(&diagnostic);
            sink(Found::Diagnostic(&diagnostic));
        }
        if let Some(&outcome) = self.rows.last() {
            if outcome.status != told {
                sink(Found::Status(outcome));
            }
            self.shown.push(outcome.status);
        }
    }

    /// Streaming: each row's status as the caller was last told it.
    pub(crate) fn take_shown(&mut self) -> Vec<RowStatus> {
        std::mem::take(&mut self.shown)
    }

    pub(crate) fn push(&mut self, row: &mut Row) {
        let line = row.line();
        if row.is_truncated() {
            self.truncated_at = Some(line);
        }
        let mut status = row.status();
        match &mut self.streamed {
            Some(counts) => row.take_diagnostics().for_each(|d| counts.add(&d)),
            None => self.diagnostics.extend(row.take_diagnostics()),
        }
        // A row whose only error is `no_contact` joins its guardian for
        // now: another row of the guardian may give the email or mobile.
        let provisional = status == RowStatus::Rejected && row.is_contactless();
        if provisional {
            row.take_contactless();
        }
        let mut key = (NONE, NONE);
        let usable = matches!(status, RowStatus::Valid | RowStatus::Repaired) || provisional;
        let known = match row.guardian().map(|g| &g.guardian_id).or(row.guardian_id()) {
            Some(id) if usable => self.guardian_index.get(id.as_str().as_bytes()).copied(),
            _ => None,
        };
        // A row whose guardian cells repeat a remembered row's carries the
        // guardian ID and that row's serial instead of a guardian. The row
        // that made the cells came first, so its guardian is known here.
        let repeat = row.guardian().is_none() && row.cells_serial().is_some() && known.is_some();
        debug_assert!(
            !usable || row.guardian().is_some() || row.cells_serial().is_none() || repeat,
            "cells repeated before their guardian was seen"
        );
        if status == RowStatus::Blank {
            // Not a data row: nothing to link or reject.
        } else if let (RowStatus::Excluded, Some(exclusion), Some(g), Some(s)) =
            (status, row.exclusion(), row.guardian_id(), row.student_id())
        {
            self.excluded.push(ExcludedRow {
                line,
                guardian_id: g.clone(),
                student_id: s.clone(),
                exclusion,
            });
        } else if let (true, Some(student_id)) = (
            usable && (row.guardian().is_some() || repeat),
            row.student_id(),
        ) {
            let s = self.intern_student(student_id);
            let (g, verdict) = self.join_guardian(known, row);
            if verdict.case | verdict.variant | verdict.differs != 0 {
                self.warn_drift(g, verdict, line);
                if status == RowStatus::Valid {
                    status = RowStatus::Repaired;
                }
            }
            if verdict.completed() != 0 {
                self.note_completion(g, verdict, line);
            }
            key = (g, s);
            match self.link_index.entry(key) {
                std::collections::hash_map::Entry::Occupied(first) if verdict.is_same() => {
                    let first_line = self.links[*first.get() as usize].2;
                    self.found.push(Diagnostic::with_message(
                        Code::DuplicateRow,
                        line,
                        msg!(
                            "this row repeats line {} (the same guardian, student and details); it is counted once",
                            first_line
                        )
                        .lined(),
                    ));
                    status = RowStatus::Repaired;
                }
                std::collections::hash_map::Entry::Occupied(_) => {}
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(self.links.len() as u32);
                    if let Some(relationship) = row.relationship() {
                        self.relationships
                            .insert(self.links.len() as u32, relationship.into());
                    }
                    self.links.push((key.0, key.1, line));
                }
            }
            if provisional {
                // Decided once every row is in (`resolve_contactless`).
                status = RowStatus::Rejected;
                self.contactless.push(self.rows.len() as u32);
            }
        } else {
            status = RowStatus::Rejected;
            if let (true, Some(g), Some(s)) =
                (row.flag_doubt(), row.guardian_id(), row.student_id())
            {
                self.doubted.push((g.clone(), s.clone(), line));
            }
            self.rejected.push(RejectedRow {
                line,
                guardian_id: row.guardian_id().cloned(),
                student_id: row.student_id().cloned(),
            });
        }
        self.rows.push(RowOutcome { line, status });
        self.row_keys.push(key);
    }

    /// The index of a student ID, interned.
    fn intern_student(&mut self, student_id: &StudentId) -> u32 {
        let id = student_id.as_str();
        let next = self.students.len() as u32;
        let s = if id.len() <= INLINE_ID {
            // One probe: the key is built without an allocation.
            *self.student_index.entry(IdKey::new(id)).or_insert(next)
        } else {
            match self.student_index.get(id.as_bytes()) {
                Some(&s) => s,
                None => {
                    self.student_index.insert(IdKey::new(id), next);
                    next
                }
            }
        };
        if s == next {
            self.students.push(student_id.clone());
        }
        s
    }

    /// The row's guardian entry (`known`, or a new one), and how the row
    /// agrees with what the guardian's earlier rows said. Values the row
    /// gives that the guardian lacked are taken.
    fn join_guardian(&mut self, known: Option<u32>, row: &mut Row) -> (u32, Verdict) {
        match (known, row.guardian()) {
            // Cells seen before: what they were found to be then holds.
            (Some(g), None) => {
                let entry = &mut self.entries[g as usize];
                let verdict = if entry.cells_serial == row.cells_serial() {
                    Verdict::default()
                } else {
                    // The row that made the cells came first and was
                    // compared then, so its verdict is always there.
                    let verdict = row
                        .cells_serial()
                        .and_then(|serial| self.repeat_verdicts.get(&serial))
                        .copied();
                    debug_assert!(verdict.is_some(), "cells repeated before they were seen");
                    verdict.unwrap_or_default()
                };
                entry.conflicts |= verdict.conflicts;
                (g, verdict)
            }
            (Some(g), Some(guardian)) => {
                let entry = &mut self.entries[g as usize];
                let verdict = compare(&entry.guardian, guardian);
                entry.conflicts |= verdict.conflicts;
                if verdict.given_here != 0 {
                    take_fields(&mut entry.guardian, guardian, verdict.given_here);
                }
                if let Some(serial) = row.cells_serial() {
                    self.repeat_verdicts.insert(serial, verdict);
                }
                (g, verdict)
            }
            (None, _) => {
                let g = self.entries.len() as u32;
                let cells_serial = row.cells_serial();
                if let Some(guardian) = row.take_guardian() {
                    self.guardian_index
                        .insert(IdKey::new(guardian.guardian_id.as_str()), g);
                    self.entries.push(Entry {
                        guardian,
                        cells_serial,
                        first_row: self.rows.len() as u32,
                        conflicts: 0,
                    });
                }
                (g, Verdict::default())
            }
        }
    }

    /// Remembers that a row of guardian `g` left empty a field another row
    /// gives (or gave one the guardian's rows had left empty).
    fn note_completion(&mut self, g: u32, verdict: Verdict, line: u64) {
        let first_row = self.entries[g as usize].first_row;
        let first_line = self.rows.get(first_row as usize).map_or(line, |r| r.line);
        let this_row = self.rows.len() as u32;
        let completion = self.completions.entry(g).or_insert_with(|| Completion {
            fields: 0,
            from: if verdict.given_here != 0 {
                line
            } else {
                first_line
            },
            rows: Vec::new(),
        });
        completion.fields |= verdict.completed();
        let empty_row = if verdict.given_here != 0 {
            first_row
        } else {
            this_row
        };
        if !completion.rows.contains(&empty_row) {
            completion.rows.push(empty_row);
        }
    }

    /// A row whose guardian's name differs from the guardian's first row
    /// only in what no clerk sees or means (`name_case`, `name_variant`),
    /// or whose home phone or language differs
    /// (`optional_field_differs`): the first row's value is used, and the
    /// row says so.
    fn warn_drift(&mut self, g: u32, verdict: Verdict, line: u64) {
        let entry = &self.entries[g as usize];
        let first_line = self
            .rows
            .get(entry.first_row as usize)
            .map_or(0, |r| r.line);
        for field in GuardianField::ALL {
            let b = bit(field);
            let column = Column::of_field(field);
            let label = field.label();
            // The spelling used is the diagnostic's value, so that
            // `redacted` masks it.
            let message = if verdict.case & b != 0 {
                msg!(
                    "the guardian's {} differs from line {} only in capitals; the spelling of line {}, {}, is used: make the rows agree in the SIS",
                    label,
                    first_line,
                    first_line,
                    Arg::Value
                )
            } else if verdict.variant & b != 0 {
                msg!(
                    "the guardian's {} differs from line {} only in apostrophes, spaces or hyphens (typographic or straight, no-break or plain); the spelling of line {}, {}, is used: make the rows agree in the SIS",
                    label,
                    first_line,
                    first_line,
                    Arg::Value
                )
            } else if verdict.differs & b != 0 {
                msg!(
                    "the guardian's {} differs from line {}'s; the value of line {} is kept for the guardian (an optional field never costs a guardian): make the rows agree in the SIS",
                    label,
                    first_line,
                    first_line
                )
            } else {
                continue;
            };
            let code = if verdict.case & b != 0 {
                Code::NameCase
            } else if verdict.variant & b != 0 {
                Code::NameVariant
            } else {
                Code::OptionalFieldDiffers
            };
            let mut diagnostic =
                Diagnostic::with_message(code, line, message.lined()).with_column(column);
            if verdict.case & b != 0 || verdict.variant & b != 0 {
                diagnostic = diagnostic.with_value(entry.guardian.field(field).unwrap_or_default());
            }
            self.found.push(diagnostic);
        }
    }

    /// The encoding, if reading found it late (a file ASCII at first), and
    /// the file diagnostics that came with it, ahead of all others.
    pub(crate) fn late_encoding(&mut self, encoding: TextEncoding, found: &mut Vec<Diagnostic>) {
        self.encoding = encoding;
        self.diagnostics.splice(0..0, found.drain(..));
    }

    /// Takes the diagnostics of rows already pushed, in file order, that a
    /// checking thread gathered in one piece (so that the calling thread
    /// copies them in one go instead of touching them row by row).
    pub(crate) fn append_row_diagnostics(&mut self, diagnostics: &mut Vec<Diagnostic>) {
        self.diagnostics.append(diagnostics);
    }

    pub(crate) fn finish(mut self) -> ValidatedFile {
        self.diagnostics.append(&mut self.found);
        self.find_flag_conflicts();
        // The indexes are done with: free them before the conflicts'
        // diagnostics and the output are built, so that these never take
        // memory at the same time.
        self.link_index = HashMap::default();
        self.guardian_index = HashMap::default();
        self.student_index = HashMap::default();
        self.repeat_verdicts = HashMap::default();
        self.resolve_contactless();
        self.warn_completions();
        self.reject_conflicts();
        self.reject_flag_conflicts();
        self.warn_implausible_counts();
        // Vectors grown by doubling hold up to half again their length in
        // spare room; give it back before the output is built beside them
        // (at 1M rows, 40 MB of guardians' room).
        self.entries.shrink_to_fit();
        let entries = &self.entries;
        // A link whose rows disagree on the flags is not made.
        let taken = &self.flag_conflicts;
        let relationships = std::mem::take(&mut self.relationships);
        let mut at = 0u32;
        let mut kept_relationships: HashMap<usize, Box<str>> = HashMap::default();
        let mut kept = 0usize;
        self.links.retain(|&(g, s, _)| {
            let index = at;
            at += 1;
            let keep = entries[g as usize].is_usable() && !taken.contains(&(g, s));
            if keep {
                if let Some(relationship) = relationships.get(&index) {
                    kept_relationships.insert(kept, relationship.clone());
                }
                kept += 1;
            }
            keep
        });
        // Each link takes a share of two IDs, a write to memory that is
        // anywhere: on the pool, that waits on both cores.
        let mut links: Vec<Link> = Vec::new();
        let students = &self.students;
        let kept_relationships = &kept_relationships;
        self.links
            .par_iter()
            .enumerate()
            .map(|(at, &(g, s, line))| Link {
                guardian_id: entries[g as usize].guardian.guardian_id.clone(),
                student_id: students[s as usize].clone(),
                line,
                relationship: kept_relationships.get(&at).cloned(),
            })
            .collect_into_vec(&mut links);
        self.links = Vec::new();
        self.students = Vec::new();

        let mut entries: Vec<Entry> = std::mem::take(&mut self.entries)
            .into_iter()
            .filter(Entry::is_usable)
            .collect();
        entries.par_sort_unstable_by(|a, b| a.guardian.guardian_id.cmp(&b.guardian.guardian_id));
        self.warn_shared(&entries);
        self.warn_lookalikes(&entries);
        // Made in place, in the entries' larger room: give back the rest.
        let mut guardians: Vec<Guardian> = entries.into_iter().map(|e| e.guardian).collect();
        guardians.shrink_to_fit();
        self.diagnostics.shrink_to_fit();
        self.rejected.shrink_to_fit();
        // File-level diagnostics sit on the header line, before every row.
        self.diagnostics.sort_by_key(|d| d.line);

        let mut summary = Summary {
            guardians: guardians.len() as u64,
            links: links.len() as u64,
            ..Summary::default()
        };
        for row in &self.rows {
            match row.status {
                RowStatus::Valid => summary.valid += 1,
                RowStatus::Repaired => summary.repaired += 1,
                RowStatus::Rejected => summary.rejected += 1,
                RowStatus::Blank => summary.blank += 1,
                RowStatus::Excluded => summary.excluded += 1,
            }
        }
        summary.rows = summary.valid + summary.repaired + summary.rejected + summary.excluded;
        let mut counts = self.streamed.take().unwrap_or_default();
        self.diagnostics.iter().for_each(|d| counts.add(d));
        summary.errors = counts.errors;
        summary.warnings = counts.warnings;
        summary.by_code = counts.by_name();
        ValidatedFile {
            summary,
            encoding: self.encoding,
            delimiter: self.delimiter,
            header_line: self.header_line,
            columns: self.columns,
            diagnostics: self.diagnostics,
            guardians,
            links,
            rows: self.rows,
            rejected: self.rejected,
            excluded: self.excluded,
            truncated_at: self.truncated_at,
            withdrawn: self.withdrawn,
        }
    }

    /// Rows whose only error was `no_contact`: a row of the same guardian
    /// gave an email or mobile, so the row is used (completed, with the
    /// guardian's warning); otherwise the row stays rejected.
    fn resolve_contactless(&mut self) {
        if self.contactless.is_empty() {
            return;
        }
        let mut used: foldhash::HashSet<u64> = foldhash::HashSet::default();
        for (provisional, &at) in self.contactless.iter().enumerate() {
            let at = at as usize;
            let (g, s) = self.row_keys[at];
            let entry = &self.entries[g as usize];
            let line = self.rows[at].line;
            if entry.guardian.email.is_some() || entry.guardian.mobile_phone.is_some() {
                self.rows[at].status = RowStatus::Repaired;
                used.insert(line);
                // Streaming: the row's `no_contact` was handed over.
                if let (Some(counts), Some(said)) =
                    (&mut self.streamed, self.contactless_said.get(provisional))
                {
                    counts.remove(said);
                    self.withdrawn.push(said.clone());
                }
            } else {
                self.row_keys[at] = (NONE, NONE);
                self.rejected.push(RejectedRow {
                    line,
                    guardian_id: Some(entry.guardian.guardian_id.clone()),
                    student_id: Some(self.students[s as usize].clone()),
                });
            }
        }
        self.diagnostics
            .retain(|d| !(d.code == Code::NoContact && used.contains(&d.line)));
        self.rejected.sort_by_key(|r| r.line);
    }

    /// One warning per guardian whose rows were completed from one another:
    /// on the first row that left a field empty, naming the rows and the
    /// line the value came from. The rows completed are repaired.
    fn warn_completions(&mut self) {
        let mut completions: Vec<(u32, Completion)> = self.completions.drain().collect();
        completions.sort_unstable_by_key(|(_, c)| c.rows.iter().min().copied());
        for (g, mut completion) in completions {
            let entry = &self.entries[g as usize];
            if !entry.is_usable() {
                continue;
            }
            completion.rows.sort_unstable();
            let lines: Vec<u64> = completion
                .rows
                .iter()
                .map(|&at| self.rows[at as usize].line)
                .collect();
            let Some(&first) = lines.first() else {
                continue;
            };
            let fields = labels(completion.fields);
            let mut listed = String::from(if lines.len() > 1 { "lines " } else { "line " });
            write_list(&mut listed, &lines, lines.len());
            let message = msg!(
                "guardian {} has no {} on {} but has on line {}; those rows were completed from line {} (SIS exports often write a guardian's contacts on their first row only): check it is right for every child",
                plain(&entry.guardian.guardian_id),
                fields,
                listed,
                completion.from,
                completion.from
            )
            .lined();
            let column = match completion.fields.count_ones() {
                1 => GuardianField::ALL
                    .into_iter()
                    .find(|&f| completion.fields & bit(f) != 0)
                    .map(Column::of_field),
                _ => None,
            };
            let mut diagnostic = Diagnostic::with_message(Code::RowsCompleted, first, message);
            if let Some(column) = column {
                diagnostic = diagnostic.with_column(column);
            }
            self.diagnostics.push(diagnostic);
            for &at in &completion.rows {
                let row = &mut self.rows[at as usize];
                if row.status == RowStatus::Valid {
                    row.status = RowStatus::Repaired;
                }
            }
        }
    }

    /// A guardian whose rows disagree is not guessed at: all of its rows
    /// are rejected, each naming the fields and the other lines.
    fn reject_conflicts(&mut self) {
        if self.entries.iter().all(|e| e.conflicts == 0) {
            return;
        }
        // Lines of each conflicting guardian, in file order, and the fields
        // its rows disagree on, written once per guardian.
        let mut lines: HashMap<u32, Vec<u64>> = HashMap::default();
        for (row, &(g, _)) in self.rows.iter().zip(&self.row_keys) {
            if g != NONE && self.entries[g as usize].conflicts != 0 {
                lines.entry(g).or_default().push(row.line);
            }
        }
        let fields: HashMap<u32, String> = lines
            .keys()
            .map(|&g| (g, labels(self.entries[g as usize].conflicts)))
            .collect();
        // A row's diagnostic needs nothing but these: write them on the
        // pool, a run of rows at a time (so that what is written waits in
        // a small buffer), gathered in file order.
        const ROWS_PER_ROUND: usize = 1 << 14;
        for first in (0..self.row_keys.len()).step_by(ROWS_PER_ROUND) {
            let last = self.row_keys.len().min(first + ROWS_PER_ROUND);
            let written: Vec<(usize, Diagnostic, RejectedRow)> = self.row_keys[first..last]
                .par_iter()
                .enumerate()
                .filter(|(_, (g, _))| *g != NONE && self.entries[*g as usize].conflicts != 0)
                .map(|(at, &(g, s))| {
                    let index = first + at;
                    let id = &self.entries[g as usize].guardian.guardian_id;
                    let line = self.rows[index].line;
                    let mut others = String::new();
                    describe_lines(
                        &mut others,
                        lines.get(&g).map_or(&[][..], Vec::as_slice),
                        line,
                    );
                    let message = msg!(
                        "guardian {} has different {} on {}; none of this guardian's rows was used: make them agree and upload again",
                        Arg::Value,
                        plain(fields.get(&g).map_or("", String::as_str)),
                        others
                    );
                    let diagnostic =
                        Diagnostic::with_message(Code::ConflictingGuardian, line, message.lined())
                            .with_value(id.as_str());
                    let row = RejectedRow {
                        line,
                        guardian_id: Some(id.clone()),
                        student_id: Some(self.students[s as usize].clone()),
                    };
                    (index, diagnostic, row)
                })
                .collect();
            for (index, diagnostic, row) in written {
                self.rows[index].status = RowStatus::Rejected;
                self.diagnostics.push(diagnostic);
                self.rejected.push(row);
            }
        }
        self.rejected.par_sort_by_key(|r| r.line);
    }

    /// A student with more guardians, or a guardian with more students, than
    /// any family has: an export joined wrongly (a student ID on every row,
    /// a guardian ID copied down a column). One warning each, on the first
    /// row.
    fn warn_implausible_counts(&mut self) {
        // Interned indexes are dense: a count per index, and the first
        // line of each over the limit found again below.
        let mut per_student = vec![0u32; self.students.len()];
        let mut per_guardian = vec![0u32; self.entries.len()];
        for &(g, s, _) in &self.links {
            per_student[s as usize] += 1;
            per_guardian[g as usize] += 1;
        }
        let over_students = per_student.iter().any(|&n| n > MAX_GUARDIANS_PER_STUDENT);
        let over_guardians = per_guardian.iter().any(|&n| n > MAX_STUDENTS_PER_GUARDIAN);
        if !over_students && !over_guardians {
            return;
        }
        // Links are in file order: each over the limit is said once, on its
        // first row (its count then cleared), the student before the
        // guardian on one line.
        let implausible = |line: u64, message: Message, column: Column, value: &str| {
            Diagnostic::with_message(Code::ImplausibleLinks, line, message.lined())
                .with_column(column)
                .with_value(value)
        };
        let mut found: Vec<Diagnostic> = Vec::new();
        for &(g, s, line) in &self.links {
            let count = std::mem::take(&mut per_student[s as usize]);
            if count > MAX_GUARDIANS_PER_STUDENT {
                let message = msg!(
                    "student {} has {} guardians in this file, more than any family has ({} at most is usual): check the export (the same student ID on many rows?)",
                    Arg::Value,
                    u64::from(count),
                    u64::from(MAX_GUARDIANS_PER_STUDENT)
                );
                let id = self.students[s as usize].as_str();
                found.push(implausible(line, message, Column::StudentId, id));
            }
            let count = std::mem::take(&mut per_guardian[g as usize]);
            if count > MAX_STUDENTS_PER_GUARDIAN {
                let message = msg!(
                    "guardian {} is linked to {} students in this file, more than any family has ({} at most is usual): check the export (the same guardian ID copied down the column?)",
                    Arg::Value,
                    u64::from(count),
                    u64::from(MAX_STUDENTS_PER_GUARDIAN)
                );
                let id = self.entries[g as usize].guardian.guardian_id.as_str();
                found.push(implausible(line, message, Column::GuardianId, id));
            }
        }
        self.diagnostics.extend(found);
    }

    /// Links that one row makes and another row of the same guardian and
    /// student leaves out by its flags (not a guardian, restricted): which
    /// row is right is not guessed.
    fn find_flag_conflicts(&mut self) {
        let excluded = self
            .excluded
            .iter()
            .map(|r| (&r.guardian_id, &r.student_id));
        let doubted = self.doubted.iter().map(|(g, s, _)| (g, s));
        for (guardian_id, student_id) in excluded.chain(doubted) {
            let g = self.guardian_index.get(guardian_id.as_str().as_bytes());
            let s = self.student_index.get(student_id.as_str().as_bytes());
            if let (Some(&g), Some(&s)) = (g, s) {
                if self.link_index.contains_key(&(g, s)) {
                    self.flag_conflicts.insert((g, s));
                }
            }
        }
    }

    /// Rejects every row that makes a link another row's flags leave out
    /// (`conflicting_flags`), naming the rows that leave it out.
    fn reject_flag_conflicts(&mut self) {
        if self.flag_conflicts.is_empty() {
            return;
        }
        for at in 0..self.row_keys.len() {
            let (g, s) = self.row_keys[at];
            if g == NONE || !self.flag_conflicts.contains(&(g, s)) {
                continue;
            }
            let guardian_id = self.entries[g as usize].guardian.guardian_id.clone();
            let student_id = self.students[s as usize].clone();
            let line = self.rows[at].line;
            let mut excluded: Vec<u64> = self
                .excluded
                .iter()
                .filter(|e| e.guardian_id == guardian_id && e.student_id == student_id)
                .map(|e| e.line)
                .chain(
                    self.doubted
                        .iter()
                        .filter(|(g, s, _)| *g == guardian_id && *s == student_id)
                        .map(|(_, _, line)| *line),
                )
                .collect();
            excluded.sort_unstable();
            let mut others = String::from(if excluded.len() > 1 {
                "lines "
            } else {
                "line "
            });
            write_list(&mut others, &excluded, excluded.len());
            let message = msg!(
                "guardian {} and student {} have rows that disagree on whether this person is a guardian: this row would link them, but the flags on {} leave them out or cannot be read; none of the rows was used: make the flags agree in the SIS",
                Arg::Value,
                plain(&student_id),
                others
            );
            self.diagnostics.push(
                Diagnostic::with_message(Code::ConflictingFlags, line, message.lined())
                    .with_value(guardian_id.as_str()),
            );
            if self.rows[at].status != RowStatus::Rejected {
                self.rows[at].status = RowStatus::Rejected;
                self.rejected.push(RejectedRow {
                    line,
                    guardian_id: Some(guardian_id),
                    student_id: Some(student_id),
                });
            }
            self.row_keys[at] = (NONE, NONE);
        }
        self.rejected.sort_by_key(|r| r.line);
    }

    /// Emails that differ only in characters that look alike (a Cyrillic
    /// `а`, full-width letters, a domain and its punycode form) are one
    /// login to a person: warn on each guardian's first row, naming the
    /// others. Only the rare addresses beyond ASCII (or with a punycode
    /// label) are folded; the rest are found by their own keys.
    fn warn_lookalikes(&mut self, entries: &[Entry]) {
        let exotic: Vec<(u32, String)> = entries
            .iter()
            .enumerate()
            .filter_map(|(at, entry)| {
                let key = entry.guardian.email.as_ref()?.key();
                crate::values::lookalike::lookalike_key(key).map(|folded| (at as u32, folded))
            })
            .collect();
        if exotic.is_empty() {
            return;
        }
        let mut plain: HashMap<&str, Vec<u32>> = HashMap::default();
        for (at, entry) in entries.iter().enumerate() {
            if let Some(email) = &entry.guardian.email {
                plain.entry(email.key()).or_default().push(at as u32);
            }
        }
        let mut groups: HashMap<&str, Vec<u32>> = HashMap::default();
        for (at, folded) in &exotic {
            let group = groups.entry(folded.as_str()).or_default();
            group.push(*at);
            if let Some(same) = plain.get(folded.as_str()) {
                group.extend(same);
            }
        }
        let key_of = |at: u32| {
            entries[at as usize]
                .guardian
                .email
                .as_ref()
                .map_or("", |e| e.key())
        };
        let mut found = Vec::new();
        for group in groups.values_mut() {
            group.sort_unstable();
            group.dedup();
            for &me in group.iter() {
                let others: Vec<u32> = group
                    .iter()
                    .copied()
                    .filter(|&other| key_of(other) != key_of(me))
                    .collect();
                if others.is_empty() {
                    continue;
                }
                let entry = &entries[me as usize];
                let line = self.rows[entry.first_row as usize].line;
                let email = key_of(me);
                let mut listed = String::new();
                let named = others.iter().map(|&other| {
                    let other = &entries[other as usize];
                    format!(
                        "{} (line {})",
                        other.guardian.guardian_id, self.rows[other.first_row as usize].line
                    )
                });
                write_list(&mut listed, named, others.len());
                let message = msg!(
                    "guardian {}'s email {} looks the same as the email of guardian{} {} but differs in look-alike characters (another alphabet's letters, full-width letters, or a domain in punycode); to a person they are one login: check which address is right",
                    crate::message::plain(&entry.guardian.guardian_id),
                    Arg::Value,
                    if others.len() > 1 { "s" } else { "" },
                    listed
                );
                found.push((
                    line,
                    Diagnostic::with_message(Code::LookalikeEmail, line, message.lined())
                        .with_column(Column::Email)
                        .with_value(email),
                    entry.first_row,
                ));
            }
        }
        found.sort_by_key(|(line, _, _)| *line);
        for (_, diagnostic, first_row) in found {
            self.diagnostics.push(diagnostic);
            let row = &mut self.rows[first_row as usize];
            if row.status == RowStatus::Valid {
                row.status = RowStatus::Repaired;
            }
        }
    }

    /// Families share an email or a mobile; logins should not. Warn on each
    /// guardian's first row, naming the others.
    fn warn_shared(&mut self, entries: &[Entry]) {
        // Each contact with the first guardian to have it; a contact met
        // again is shared, and only those get a list. The groups come out
        // in no particular order, but each guardian is in one group per
        // field, so sorting the diagnostics by line orders them all the
        // same.
        let shared = |key_of: fn(&Guardian) -> Option<&str>| {
            let mut first: HashMap<&str, u32> = HashMap::default();
            first.reserve(entries.len());
            let mut shared: HashMap<&str, Vec<u32>> = HashMap::default();
            for (at, entry) in entries.iter().enumerate() {
                let Some(key) = key_of(&entry.guardian) else {
                    continue;
                };
                match first.entry(key) {
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        slot.insert(at as u32);
                    }
                    std::collections::hash_map::Entry::Occupied(slot) => shared
                        .entry(key)
                        .or_insert_with(|| vec![*slot.get()])
                        .push(at as u32),
                }
            }
            shared
        };
        let (emails, mobiles) = rayon::join(
            || shared(|g| g.email.as_ref().map(|e| e.key())),
            || shared(|g| g.mobile_phone.as_ref().map(|p| p.e164())),
        );
        for (code, column, groups) in [
            (Code::SharedEmail, Column::Email, emails),
            (Code::SharedMobile, Column::MobilePhone, mobiles),
        ] {
            for (value, group) in groups {
                for &me in &group {
                    let guardian = &entries[me as usize];
                    let first_row = guardian.first_row as usize;
                    let line = self.rows[first_row].line;
                    let others = group.iter().filter(|&&other| other != me).map(|&other| {
                        let other = &entries[other as usize];
                        let other_line = self.rows[other.first_row as usize].line;
                        format!("{} (line {other_line})", other.guardian.guardian_id)
                    });
                    let mut listed = String::new();
                    write_list(&mut listed, others, group.len() - 1);
                    let id = plain(&guardian.guardian.guardian_id);
                    let s = if group.len() > 2 { "s" } else { "" };
                    // One person with two IDs in the SIS shares everything,
                    // the name too (checked in small groups only: a school
                    // office's number is shared by thousands).
                    let same_name = (group.len() <= crate::diagnostic::NAMED_IN_A_MESSAGE)
                        .then(|| {
                            group.iter().find(|&&other| {
                                let other = &entries[other as usize].guardian;
                                other.guardian_id != guardian.guardian.guardian_id
                                    && same_ignoring_case(
                                        &other.first_name,
                                        &guardian.guardian.first_name,
                                    )
                                    && same_ignoring_case(
                                        &other.last_name,
                                        &guardian.guardian.last_name,
                                    )
                            })
                        })
                        .flatten();
                    let message = match same_name {
                        Some(&other) => msg!(
                            "guardian {} shares the {} {} with guardian{} {}; guardian {} has the same name, so this may be one person with two IDs in the SIS: merge them there",
                            id,
                            column.label(),
                            Arg::Value,
                            s,
                            listed,
                            plain(&entries[other as usize].guardian.guardian_id)
                        ),
                        None => msg!(
                            "guardian {} shares the {} {} with guardian{} {}; families may share, but each login belongs to one person, so check who should have it",
                            id,
                            column.label(),
                            Arg::Value,
                            s,
                            listed
                        ),
                    };
                    self.diagnostics.push(
                        Diagnostic::with_message(code, line, message.lined())
                            .with_column(column)
                            .with_value(value),
                    );
                    if self.rows[first_row].status == RowStatus::Valid {
                        self.rows[first_row].status = RowStatus::Repaired;
                    }
                }
            }
        }
    }
}

/// Writes `lines` other than `except` as "line 4", "lines 4 and 9", "lines
/// 4, 9 and 12", capped at ten, or "no other line".
fn describe_lines(out: &mut String, lines: &[u64], except: u64) {
    // `lines` is in file order, each line once: counted without a scan,
    // which for a guardian on every row of a big file would be quadratic.
    let count = lines.len() - usize::from(lines.binary_search(&except).is_ok());
    out.push_str(match count {
        0 => "no other line",
        1 => "line ",
        _ => "lines ",
    });
    write_list(out, lines.iter().filter(|&&line| line != except), count);
}

#[cfg(test)]
mod tests {
    use super::{IdKey, describe_lines};

    #[test]
    fn id_keys_find_short_and_long_ids_by_their_bytes() {
        let short = "0".repeat(super::INLINE_ID);
        let long = "0".repeat(super::INLINE_ID + 1);
        let mut table = foldhash::HashMap::default();
        for (at, id) in [
            "",
            "00123",
            "123",
            short.as_str(),
            long.as_str(),
            "G\u{e9}-1",
        ]
        .into_iter()
        .enumerate()
        {
            assert!(matches!(
                (IdKey::new(id), id.len() <= super::INLINE_ID),
                (IdKey::Inline { .. }, true) | (IdKey::Long(_), false)
            ));
            assert_eq!(IdKey::new(id).as_bytes(), id.as_bytes());
            table.insert(IdKey::new(id), at);
        }
        assert_eq!(table.len(), 6);
        assert_eq!(table.get("00123".as_bytes()), Some(&1));
        assert_eq!(table.get("123".as_bytes()), Some(&2));
        assert_eq!(table.get(short.as_bytes()), Some(&3));
        assert_eq!(table.get(long.as_bytes()), Some(&4));
        assert_eq!(table.get("0123".as_bytes()), None);
        assert_eq!(table.get(&long.as_bytes()[1..]), Some(&3));
    }

    #[test]
    fn lines_read_as_a_sentence() {
        let described = |lines: &[u64], except: u64| {
            let mut out = String::new();
            describe_lines(&mut out, lines, except);
            out
        };
        assert_eq!(described(&[4], 0), "line 4");
        assert_eq!(described(&[4, 7], 7), "line 4");
        assert_eq!(described(&[4, 9], 0), "lines 4 and 9");
        assert_eq!(described(&[4, 9, 12], 0), "lines 4, 9 and 12");
        assert_eq!(described(&[4], 4), "no other line");
        let many: Vec<u64> = (1..=13).collect();
        assert_eq!(
            described(&many, 13),
            "lines 1, 2, 3, 4, 5, 6, 7, 8, 9 and 10 (and 2 more)"
        );
    }
}
