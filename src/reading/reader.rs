//! The streaming reader: bytes in, one checked [`Row`] at a time out.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering;

use crate::column::Column;
use crate::progress::{Control, Phase, Progress, Watch};
use crate::reading::decode::{self, NotText, Sniffed, TextEncoding, Utf8Stream};
use crate::reading::dialect::detect_delimiter;
use crate::reading::file_info::FileInfo;
use crate::reading::header::{self, Header, HeaderRow};
use crate::reading::row::{Row, RowChecker};
use crate::reading::tokenizer::{Cut, Tokenizer};

use crate::diagnostic::Diagnostic;
use crate::diagnostic::message::{Arg, msg, plain};
use crate::error::{Error, ErrorKind, Position};
use crate::values::phone::Region;

type Source<R> = Tokenizer<io::Chain<io::Cursor<Vec<u8>>, Utf8Stream<R>>>;

/// Options for reading a guardians.csv, in the style of `csv::ReaderBuilder`.
///
/// ```
/// # fn main() -> Result<(), guardian_roster::Error> {
/// use guardian_roster::{ReaderBuilder, Region};
///
/// let data = "\
/// student_id;guardian_id;first_name;last_name;email;mobile_phone
/// 000123;G1;Ana;Díaz;ana@example.com;01 42 76 49 78
/// ";
/// let file = ReaderBuilder::new()
///     .region("FR".parse::<Region>().expect("a region"))
///     .strict_headers(true)
///     .from_reader(data.as_bytes())?
///     .validate()?;
/// let guardian = &file.guardians()[0];
/// assert_eq!(guardian.mobile_phone.as_ref().map(|p| p.e164()), Some("+33142764978"));
/// assert_eq!(file.links()[0].student_id.as_str(), "000123");
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ReaderBuilder {
    region: Region,
    strict_headers: bool,
    exclude_non_guardians: bool,
    delimiter: Option<u8>,
    threads: usize,
    max_field_bytes: u64,
    max_columns: usize,
    max_rows: u64,
    watch: Watch,
    pool: Option<Arc<rayon::ThreadPool>>,
}

/// Default limit on one cell: 64 KiB. No guardian field comes near it.
pub const DEFAULT_MAX_FIELD_BYTES: u64 = 64 * 1024;
/// Default limit on cells per row.
pub const DEFAULT_MAX_COLUMNS: usize = 256;
/// Default limit on rows per file: ten million, five times the largest
/// district's guardian rows.
pub const DEFAULT_MAX_ROWS: u64 = 10_000_000;

impl Default for ReaderBuilder {
    fn default() -> ReaderBuilder {
        ReaderBuilder::new()
    }
}

impl ReaderBuilder {
    /// Lenient headers, US phone numbers, delimiter detected from the header.
    #[must_use]
    pub fn new() -> ReaderBuilder {
        ReaderBuilder {
            region: Region::US,
            strict_headers: false,
            exclude_non_guardians: true,
            delimiter: None,
            threads: 0,
            max_field_bytes: DEFAULT_MAX_FIELD_BYTES,
            max_columns: DEFAULT_MAX_COLUMNS,
            max_rows: DEFAULT_MAX_ROWS,
            watch: Watch::default(),
            pool: None,
        }
    }

    /// The settings a source other than guardians.csv is checked with:
    /// the phone region, the cell and column limits, whether non-guardians
    /// are left out.
    pub(crate) fn row_settings(&self) -> (Region, u64, usize, bool) {
        (
            self.region,
            self.max_field_bytes,
            self.max_columns,
            self.exclude_non_guardians,
        )
    }

    /// The progress callback and cancel flag of the reader's
    /// [`Control`], for the sources read without a [`Reader`].
    pub(crate) fn watch(&self) -> &Watch {
        &self.watch
    }

    /// The region assumed for phone numbers without a country code.
    pub fn region(&mut self, region: Region) -> &mut ReaderBuilder {
        self.region = region;
        self
    }

    /// Accept only the canonical column names (`student_id`, ...), in any
    /// case, instead of the synonyms districts write.
    pub fn strict_headers(&mut self, yes: bool) -> &mut ReaderBuilder {
        self.strict_headers = yes;
        self
    }

    /// Whether a row whose flag columns say its person is not a guardian
    /// (guardian = no; custody and data access both no; an emergency
    /// contact no flag marks as guardian) is left out with `not_a_guardian`.
    /// On by default, the safe side: an emergency contact or a parent
    /// without custody or access never receives a child's school messages
    /// by mistake. Off, those rows are imported like any other; a
    /// restricted contact (`Restricted`, `Court Order`...) is left out
    /// either way. See [`crate::ContactFlags`] for the rule.
    ///
    /// ```
    /// # fn main() -> Result<(), guardian_roster::Error> {
    /// use guardian_roster::ReaderBuilder;
    ///
    /// let data = "\
    /// student_id,guardian_id,first_name,last_name,email,mobile_phone,Guardian
    /// 001,G1,Ana,Diaz,ana@example.com,,Y
    /// 001,G2,Rosa,Diaz,rosa@example.com,,N
    /// ";
    /// let file = ReaderBuilder::new().from_reader(data.as_bytes())?.validate()?;
    /// assert_eq!((file.summary().valid, file.summary().excluded), (1, 1));
    /// assert_eq!(file.excluded_rows()[0].line, 3);
    ///
    /// let all = ReaderBuilder::new()
    ///     .exclude_non_guardians(false)
    ///     .from_reader(data.as_bytes())?
    ///     .validate()?;
    /// assert_eq!((all.summary().valid, all.summary().excluded), (2, 0));
    /// # Ok(()) }
    /// ```
    pub fn exclude_non_guardians(&mut self, yes: bool) -> &mut ReaderBuilder {
        self.exclude_non_guardians = yes;
        self
    }

    /// Use this delimiter instead of detecting `,`, `;` or tab from the
    /// header line.
    pub fn delimiter(&mut self, delimiter: u8) -> &mut ReaderBuilder {
        self.delimiter = Some(delimiter);
        self
    }

    /// How many threads [`Reader::validate`] uses, the calling thread
    /// included: 0 (the default) for as many as rayon's global pool has
    /// (one per core, unless configured otherwise), 1 for the calling
    /// thread alone, `n` for the calling thread and a pool of `n - 1`. The
    /// calling thread reads the file and runs the whole-file checks, and
    /// checks rows with the pool when it has nothing else to do. The result
    /// is the same whatever the number.
    ///
    /// With 1, everything runs on the calling thread, the whole-file checks
    /// too. [`Control::thread_pool`] gives a pool of the caller's own
    /// instead.
    pub fn threads(&mut self, threads: usize) -> &mut ReaderBuilder {
        self.threads = threads;
        self
    }

    /// Reports progress to `control`'s callback (bytes and rows read,
    /// about every [`crate::REPORT_EVERY`] rows, and at the start of each
    /// [`crate::Phase`], on the thread that calls [`Reader::validate`] or
    /// [`Reader::read_row`]), stops at its cancel flag with
    /// [`ErrorKind::Cancelled`], and validates on its thread pool if it has
    /// one ([`ReaderBuilder::threads`] is then ignored).
    pub fn control(&mut self, control: &Control) -> &mut ReaderBuilder {
        self.watch = control.watch.clone();
        self.pool.clone_from(&control.pool);
        self
    }

    /// The longest cell accepted, in bytes (default
    /// [`DEFAULT_MAX_FIELD_BYTES`]). A longer cell is cut off as it is read,
    /// so memory stays bounded, and its row gets a `field_too_large` error.
    pub fn max_field_bytes(&mut self, bytes: u64) -> &mut ReaderBuilder {
        self.max_field_bytes = bytes.max(1);
        self
    }

    /// The most cells a row may have (default [`DEFAULT_MAX_COLUMNS`]).
    /// Cells past it are dropped as they are read and the row gets a
    /// `too_many_columns` error; a header past it stops the file.
    pub fn max_columns(&mut self, columns: usize) -> &mut ReaderBuilder {
        self.max_columns = columns.max(1);
        self
    }

    /// The most data rows a file may have (default [`DEFAULT_MAX_ROWS`]);
    /// reading the next one fails with [`ErrorKind::Limit`].
    pub fn max_rows(&mut self, rows: u64) -> &mut ReaderBuilder {
        self.max_rows = rows;
        self
    }

    /// Opens the file at `path`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`] if the file cannot be opened or read, and the
    /// header's errors ([`ErrorKind::NoHeader`], [`ErrorKind::MissingColumn`],
    /// [`ErrorKind::DuplicateColumn`], [`ErrorKind::Workbook`],
    /// [`ErrorKind::EmptyFile`]).
    pub fn from_path<P: AsRef<Path>>(&self, path: P) -> Result<Reader<File>, Error> {
        let file = File::open(path)?;
        self.from_reader(file)
    }

    /// Reads from any byte source; the header is read now, so a file that
    /// cannot be used at all fails here.
    ///
    /// # Errors
    ///
    /// As [`ReaderBuilder::from_path`], for any reader.
    pub fn from_reader<R: Read>(&self, input: R) -> Result<Reader<R>, Error> {
        let (mut text, encoding) = open_text(input)?;
        let became_windows_1252 = text.became_windows_1252();
        let mut peeked = Vec::new();
        peek_line(&mut text, &mut peeked, 0)?;
        // Excel writes "sep=;" as a first line in some locales.
        let directive = sep_directive(&peeked);
        let preamble = match directive {
            Some(_) => Preamble::default(),
            None => find_header(&mut text, &mut peeked, self.delimiter, self.strict_headers)?,
        };
        let delimiter = self
            .delimiter
            .or(directive)
            .unwrap_or_else(|| detect_delimiter(&peeked[preamble.header_start..]));
        let skip = match directive {
            Some(_) => Skip::Directive,
            None => Skip::Preamble(preamble.records),
        };
        let records = Tokenizer::new(
            io::Cursor::new(peeked).chain(text),
            delimiter,
            self.max_field_bytes,
            self.max_columns,
        );
        let mut reader = Reader::start(records, encoding, delimiter, skip, self)?;
        reader.became_windows_1252 = became_windows_1252;
        reader.note_late_encoding();
        Ok(reader)
    }
}

/// Any CSV file read through the same stack as guardians.csv: encoding
/// sniffed and decoded (a workbook refused), Excel's `sep=` line honoured,
/// the delimiter detected from the first line, the one tokenizer with its
/// limits and physical lines. For the other files the crate reads (the
/// students file), which have headers of their own.
pub(crate) struct CsvFile<R: Read> {
    records: Source<R>,
    /// The encoding the file was read as.
    pub(crate) encoding: TextEncoding,
}

impl<R: Read> CsvFile<R> {
    /// Opens `input` with the default limits.
    pub(crate) fn open(input: R) -> Result<CsvFile<R>, Error> {
        let (mut text, encoding) = open_text(input)?;
        let mut peeked = Vec::new();
        peek_line(&mut text, &mut peeked, 0)?;
        let directive = sep_directive(&peeked);
        let first = match directive {
            Some(_) => memchr::memchr(b'\n', &peeked).map_or(peeked.len(), |at| at + 1),
            None => 0,
        };
        let delimiter = directive.unwrap_or_else(|| detect_delimiter(&peeked[first..]));
        let mut records = Tokenizer::new(
            io::Cursor::new(peeked).chain(text),
            delimiter,
            DEFAULT_MAX_FIELD_BYTES,
            DEFAULT_MAX_COLUMNS,
        );
        if directive.is_some() {
            let mut record = csv::ByteRecord::new();
            next_record(&mut records, &mut record, &mut Vec::new())?;
        }
        Ok(CsvFile { records, encoding })
    }

    /// The next record, its physical line, and what the limits cut from it
    /// (a record with a cut that loses data is not to be trusted), with
    /// [`Cut::NoLineEnd`] when it is the last and no line end follows it.
    pub(crate) fn next(
        &mut self,
        record: &mut csv::ByteRecord,
        cuts: &mut Vec<Cut>,
    ) -> Result<Option<u64>, Error> {
        let Some(line) = next_record(&mut self.records, record, cuts)? else {
            return Ok(None);
        };
        if self
            .records
            .at_end()
            .map_err(|e| Error::new(ErrorKind::Io(e), line))?
        {
            cuts.push(Cut::NoLineEnd);
        }
        Ok(Some(line))
    }
}

/// The input as UTF-8 text and the encoding it was in: sniffed from its
/// first bytes, a workbook refused (`ErrorKind::Workbook`).
fn open_text<R: Read>(mut input: R) -> Result<(Utf8Stream<R>, TextEncoding), Error> {
    let (prefix, at_eof) = decode::read_prefix(&mut input)?;
    let encoding = match decode::sniff(&prefix, at_eof) {
        Sniffed::Text(encoding) => encoding,
        Sniffed::NotText(kind) => {
            let format = match kind {
                NotText::Xlsx => "xlsx",
                NotText::Xls => "xls",
            };
            return Err(Error::new(ErrorKind::Workbook { format }, 1));
        }
    };
    Ok((Utf8Stream::new(input, prefix, encoding), encoding))
}

/// The warning for a file that was converted to UTF-8.
pub(crate) fn encoding_diagnostic(encoding: TextEncoding, header_line: u64) -> Diagnostic {
    Diagnostic::with_message(
        crate::diagnostic::Code::Encoding,
        header_line,
        msg!(
            "The file was saved as {}, not UTF-8; it was converted. To avoid this, save it from Excel as \"CSV UTF-8\"",
            plain(encoding)
        ),
    )
}

/// Reads past Excel's `sep=` line or the lines of a title above the
/// header; returns the first such line and the first text on them.
fn skip_above_header<R: Read>(
    records: &mut Source<R>,
    record: &mut csv::ByteRecord,
    cuts: &mut Vec<Cut>,
    skip: Skip,
) -> Result<Option<(u64, String)>, Error> {
    let mut skipped: Option<(u64, String)> = None;
    let to_skip = match skip {
        Skip::Directive => 1,
        Skip::Preamble(records) => records,
    };
    for _ in 0..to_skip {
        let Some(line) = next_record(records, record, cuts)? else {
            break;
        };
        // A title's own separators (written for another delimiter) are
        // not part of it.
        let text = record
            .iter()
            .map(|cell| {
                let cell = String::from_utf8_lossy(cell);
                cell.trim()
                    .trim_end_matches([',', ';', '\t'])
                    .trim_end()
                    .to_owned()
            })
            .find(|cell| !cell.is_empty());
        match &mut skipped {
            None => skipped = Some((line, text.unwrap_or_default())),
            Some((_, first)) if first.is_empty() => *first = text.unwrap_or_default(),
            Some(_) => {}
        }
    }
    Ok(skipped)
}

/// Why a header cut by the limits is no guardians.csv header.
fn header_cut(cut: Cut, options: &ReaderBuilder) -> String {
    match cut {
        Cut::Field { field, bytes } => format!(
            "header cell {} is {bytes} bytes long, more than the {} allowed; this is not a guardians.csv header",
            field + 1,
            options.max_field_bytes
        ),
        Cut::Fields { fields } => format!(
            "the header has {fields} columns, more than the {} allowed; this is not a guardians.csv header",
            options.max_columns
        ),
        Cut::UnterminatedQuote => {
            "a quote in the header is never closed, so the whole file was read as the header"
                .to_owned()
        }
        Cut::StrayQuote { .. } | Cut::Header { .. } | Cut::NoLineEnd => String::new(),
    }
}

/// The warning for the lines of a title or notes above the header, from
/// line `first`, whose first text is `text`.
fn preamble_diagnostic(first: u64, text: String, header_line: u64) -> Diagnostic {
    let message = match (header_line - first, text.is_empty()) {
        (1, true) => msg!(
            "Line {} comes before the header row on line {} (a title or notes) and was skipped; the rows start after the header",
            first,
            header_line
        ),
        (1, false) => msg!(
            "Line {} comes before the header row on line {} (a title or notes, such as \"{}\") and was skipped; the rows start after the header",
            first,
            header_line,
            Arg::Value
        ),
        (_, true) => msg!(
            "Lines {} to {} come before the header row on line {} (a title or notes) and were skipped; the rows start after the header",
            first,
            header_line - 1,
            header_line
        ),
        (_, false) => msg!(
            "Lines {} to {} come before the header row on line {} (a title or notes, such as \"{}\") and were skipped; the rows start after the header",
            first,
            header_line - 1,
            header_line,
            Arg::Value
        ),
    };
    let diagnostic =
        Diagnostic::with_message(crate::diagnostic::Code::LinesBeforeHeader, first, message);
    match text.is_empty() {
        true => diagnostic,
        false => diagnostic.with_value(text),
    }
}

/// The delimiter named by an Excel `sep=X` first line, if there is one.
fn sep_directive(first_line: &[u8]) -> Option<u8> {
    let line_end = memchr::memchr(b'\n', first_line).unwrap_or(first_line.len());
    let line = &first_line[..line_end];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line = line
        .strip_prefix(b"\"")
        .and_then(|l| l.strip_suffix(b"\""))
        .unwrap_or(line);
    match line {
        [s, e, p, b'=', delimiter] if [*s, *e, *p].eq_ignore_ascii_case(b"sep") => Some(*delimiter),
        _ => None,
    }
}

/// How much is read ahead to find the header: the lines are replayed in
/// front of the rest.
const PEEK_LIMIT: usize = 64 * 1024;

/// How many lines of a title or notes may come before the header.
const MAX_LINES_BEFORE_HEADER: usize = 10;

/// Decodes into `peeked` up to the end of the line that starts at `start`
/// (or [`PEEK_LIMIT`] bytes, or the end of the input).
fn peek_line<R: Read>(
    text: &mut Utf8Stream<R>,
    peeked: &mut Vec<u8>,
    start: usize,
) -> Result<(), Error> {
    let mut chunk = [0u8; 4096];
    while peeked.len() < PEEK_LIMIT && !peeked[start.min(peeked.len())..].contains(&b'\n') {
        let n = text.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        peeked.extend_from_slice(&chunk[..n]);
    }
    Ok(())
}

/// The line of `peeked` that starts at `start`, without its line end.
fn line_from(peeked: &[u8], start: usize) -> &[u8] {
    let rest = &peeked[start.min(peeked.len())..];
    &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())]
}

/// What comes before the header row.
#[derive(Default)]
struct Preamble {
    /// Where the header line starts in the peeked bytes.
    header_start: usize,
    /// How many records the CSV reader will see before the header (blank
    /// lines make none).
    records: usize,
}

/// Records to pass over before the header.
#[derive(Clone, Copy)]
enum Skip {
    /// Excel's `sep=;` line.
    Directive,
    /// Lines of a title or notes above the header.
    Preamble(usize),
}

/// Finds the header when a report's title, a date or notes come first:
/// up to [`MAX_LINES_BEFORE_HEADER`] lines of at most two cells each,
/// then a line that names every required column. Anything else leaves
/// the first line as the header, for the usual errors to describe.
fn find_header<R: Read>(
    text: &mut Utf8Stream<R>,
    peeked: &mut Vec<u8>,
    delimiter: Option<u8>,
    strict: bool,
) -> Result<Preamble, Error> {
    let (mut start, mut records) = (0, 0);
    for _ in 0..=MAX_LINES_BEFORE_HEADER {
        peek_line(text, peeked, start)?;
        let line = line_from(peeked, start);
        let own = delimiter.unwrap_or_else(|| detect_delimiter(line));
        if header::is_header_line(line, own, strict) {
            return Ok(Preamble {
                header_start: start,
                records,
            });
        }
        let end = start + line.len();
        if end >= peeked.len() || !header::is_title_line(line, own) {
            break;
        }
        if !line.strip_suffix(b"\r").unwrap_or(line).is_empty() {
            records += 1;
        }
        start = end + 1;
    }
    Ok(Preamble::default())
}

/// A streaming guardians.csv reader.
///
/// Each call to [`Reader::read_row`] yields the next row, checked, with its
/// physical line and diagnostics; the file is never held in memory. For the
/// whole-file checks (the same guardian on rows that disagree, duplicates,
/// shared contacts), use [`Reader::validate`].
///
/// ```
/// # fn main() -> Result<(), guardian_roster::Error> {
/// use guardian_roster::{ReaderBuilder, Row, RowStatus};
///
/// let data = "\
/// Student ID,Parent ID,First Name,Last Name,Email,Cell Phone
/// 00123,G1,Ana,Diaz,ana@example.com,(312) 555-0142
/// 00124,G2,Bo,Li,,
/// ";
/// let mut reader = ReaderBuilder::new().from_reader(data.as_bytes())?;
/// let mut row = Row::default();
/// let mut rejected = Vec::new();
/// while reader.read_row(&mut row)? {
///     if row.status() == RowStatus::Rejected {
///         rejected.push((row.line(), row.diagnostics()[0].code.as_str()));
///     }
/// }
/// assert_eq!(rejected, [(3, "no_contact")]);
/// # Ok(()) }
/// ```
pub struct Reader<R> {
    records: Source<R>,
    record: csv::ByteRecord,
    checker: RowChecker,
    encoding: TextEncoding,
    /// Turns true when a file read as UTF-8, ASCII so far, turns out to be
    /// Windows-1252 (see `Utf8Stream`).
    became_windows_1252: Arc<AtomicBool>,
    delimiter: u8,
    header_line: u64,
    header_cells: Vec<String>,
    file_diagnostics: Vec<Diagnostic>,
    threads: usize,
    /// The caller's progress callback and cancellation flag.
    watch: Watch,
    /// The caller's thread pool, if one was given.
    pool: Option<Arc<rayon::ThreadPool>>,
    cuts: Vec<Cut>,
    rows_read: u64,
    max_rows: u64,
    /// Whether headers are matched by their canonical names only (for a
    /// header met again below the first).
    strict: bool,
}

impl<R: Read> Reader<R> {
    /// A reader with default options; see [`ReaderBuilder`].
    ///
    /// # Errors
    ///
    /// As [`ReaderBuilder::from_reader`].
    pub fn from_reader(input: R) -> Result<Reader<R>, Error> {
        ReaderBuilder::new().from_reader(input)
    }

    fn start(
        mut records: Source<R>,
        encoding: TextEncoding,
        delimiter: u8,
        skip: Skip,
        options: &ReaderBuilder,
    ) -> Result<Reader<R>, Error> {
        let mut record = csv::ByteRecord::new();
        let mut cuts = Vec::new();
        let skipped = skip_above_header(&mut records, &mut record, &mut cuts, skip)?;
        let Some(header_line) = next_record(&mut records, &mut record, &mut cuts)? else {
            return Err(Error::new(ErrorKind::EmptyFile, 1));
        };
        if let Some(cut) = cuts.iter().find(|cut| cut.loses_data()) {
            let what = header_cut(*cut, options);
            return Err(Error::new(ErrorKind::Limit { what }, header_line));
        }
        let cells: Vec<String> = record
            .iter()
            .map(|cell| String::from_utf8_lossy(cell).replace('\u{feff}', ""))
            .collect();
        let mut file_diagnostics = Vec::new();
        if encoding.is_converted() {
            file_diagnostics.push(encoding_diagnostic(encoding, header_line));
        }
        if let (Skip::Preamble(_), Some((first, text))) = (skip, skipped) {
            file_diagnostics.push(preamble_diagnostic(first, text, header_line));
        }
        let header = Header::resolve(
            &cells,
            header_line,
            options.strict_headers,
            &mut file_diagnostics,
        )?;
        Ok(Reader {
            records,
            record,
            checker: RowChecker::new(
                header,
                delimiter,
                options.region,
                options.max_field_bytes,
                options.max_columns,
            )
            .excluding_non_guardians(options.exclude_non_guardians),
            encoding,
            became_windows_1252: Arc::default(),
            delimiter,
            header_line,
            header_cells: cells,
            file_diagnostics,
            threads: options.threads,
            watch: options.watch.clone(),
            pool: options.pool.clone(),
            strict: options.strict_headers,
            cuts: Vec::new(),
            rows_read: 0,
            max_rows: options.max_rows,
        })
    }

    /// Reads the next row into `row`, reusing its allocations. Returns
    /// `false` at the end of the file. An `Err` means the input itself
    /// failed (an I/O error); problems in the row are diagnostics on it.
    ///
    /// # Errors
    ///
    /// An [`Error`] that stops the file: a read failure, a limit, a second
    /// header with other columns, or the cancel flag.
    pub fn read_row(&mut self, row: &mut Row) -> Result<bool, Error> {
        let mut record = std::mem::take(&mut self.record);
        let mut cuts = std::mem::take(&mut self.cuts);
        let read = self.read_record_into(&mut record, &mut cuts);
        let done = match read {
            Ok(Some((line, header))) => {
                self.note_late_encoding();
                self.checker.check(&record, line, &cuts, row);
                if let Some(header) = header {
                    self.checker.set_header(header);
                }
                self.tick(line).map(|()| true)
            }
            Ok(None) => Ok(false),
            Err(e) => Err(e),
        };
        self.record = record;
        self.cuts = cuts;
        done
    }

    /// Records that the file, ASCII until now and read as UTF-8, turned out
    /// to be Windows-1252: the encoding and its warning, once.
    pub(crate) fn note_late_encoding(&mut self) -> bool {
        let late =
            !self.encoding.is_converted() && self.became_windows_1252.load(Ordering::Relaxed);
        if late {
            self.encoding = TextEncoding::Windows1252;
            self.file_diagnostics
                .insert(0, encoding_diagnostic(self.encoding, self.header_line));
        }
        late
    }

    /// The file's own diagnostics so far (header line), handed over: the
    /// whole-file stage keeps them from here on.
    pub(crate) fn take_file_diagnostics(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.file_diagnostics)
    }

    /// After the last row: the encoding and its `encoding` warning, if the
    /// file turned out to be Windows-1252 after its first rows (ASCII until
    /// then); `None` if the encoding was known from the start.
    pub(crate) fn late_encoding(&mut self) -> Option<(TextEncoding, Vec<Diagnostic>)> {
        self.note_late_encoding();
        self.encoding
            .is_converted()
            .then(|| (self.encoding, self.take_file_diagnostics()))
    }

    /// The rayon pool of the caller's [`Control`], if any.
    pub(crate) fn pool(&self) -> Option<&Arc<rayon::ThreadPool>> {
        self.pool.as_ref()
    }

    /// The threads [`ReaderBuilder::threads`] asked for (0: rayon's
    /// choice).
    pub(crate) fn threads(&self) -> usize {
        self.threads
    }

    /// The row checker, to tune or to copy for a checking thread.
    pub(crate) fn checker_mut(&mut self) -> &mut RowChecker {
        &mut self.checker
    }

    /// Reports progress every so many rows, and stops if cancelled.
    pub(crate) fn tick(&mut self, line: u64) -> Result<(), Error> {
        let progress = Progress {
            phase: Phase::Reading,
            bytes: self.records.position(),
            done: self.rows_read,
        };
        self.watch.tick(progress, line)
    }

    /// Reports the start of a phase, and stops if cancelled.
    pub(crate) fn report(&mut self, phase: Phase) -> Result<(), Error> {
        let progress = Progress {
            phase,
            bytes: self.records.position(),
            done: self.rows_read,
        };
        self.watch.report(progress, self.header_line)
    }

    pub(crate) fn count_row(&mut self, line: u64) -> Result<(), Error> {
        self.rows_read += 1;
        if self.rows_read > self.max_rows {
            let what = format!(
                "line {line}: the file has more than {} rows, the limit; split it, or raise the limit (ReaderBuilder::max_rows)",
                self.max_rows
            );
            let at = Position::reading(line, self.records.position(), Some(self.rows_read - 1));
            return Err(Error::at(ErrorKind::Limit { what }, at));
        }
        Ok(())
    }

    /// An iterator over the rows; each allocates its own [`Row`]. Use
    /// [`Reader::read_row`] to reuse one.
    pub fn rows(&mut self) -> Rows<'_, R> {
        Rows { reader: self }
    }

    /// The next data record, counted, with its line and what the limits
    /// cut from it; and, when the record is a header with the columns in
    /// another order, that header, which the rows below are read under (the
    /// record itself carries [`Cut::Header`]). A header with other columns
    /// stops the file ([`ErrorKind::HeaderChanged`]).
    pub(crate) fn read_record_into(
        &mut self,
        record: &mut csv::ByteRecord,
        cuts: &mut Vec<Cut>,
    ) -> Result<Option<(u64, Option<Header>)>, Error> {
        let Some(line) = next_record(&mut self.records, record, cuts)? else {
            return Ok(None);
        };
        self.count_row(line)?;
        if self
            .records
            .at_end()
            .map_err(|e| Error::new(ErrorKind::Io(e), line))?
        {
            cuts.push(Cut::NoLineEnd);
        }
        let header = match self.checker.header().classify(record, line, self.strict)? {
            HeaderRow::Data => None,
            HeaderRow::Repeated => {
                cuts.push(Cut::Header { reordered: false });
                None
            }
            HeaderRow::Reordered(header) => {
                cuts.push(Cut::Header { reordered: true });
                Some(*header)
            }
        };
        Ok(Some((line, header)))
    }

    /// Reads the next record as the file has it, unchecked, into `record`
    /// (reusing its allocation), and returns the physical line it starts
    /// on, or `None` at the end of the file. The bottom layer of
    /// [`Reader::read_row`]: the same decoding, quotes, line numbers and
    /// limits (a cell past `max_field_bytes` keeps its first bytes, a
    /// record past `max_columns` its first cells), with no checks. For an
    /// application that copies rows as written, as the errors file does.
    ///
    /// The record is the `csv` crate's `ByteRecord` on purpose: a caller
    /// on this path already works with `csv`, and reuses one record (and
    /// its buffers) for every row without a copy into a type of ours.
    ///
    /// ```
    /// # fn main() -> Result<(), guardian_roster::Error> {
    /// use guardian_roster::Reader;
    ///
    /// let data = "student_id,guardian_id,first_name,last_name,email,mobile_phone\r\n\
    ///             \r\n\
    ///             001,G1,\"Ana\nMaria\",Diaz,ana@example.com,\r\n\
    ///             002,G2,Bo,Li,bo@example.com,\r\n";
    /// let mut reader = Reader::from_reader(data.as_bytes())?;
    /// let mut record = csv::ByteRecord::new();
    /// let mut lines = Vec::new();
    /// while let Some(line) = reader.read_byte_record(&mut record)? {
    ///     lines.push((line, record.get(2).map(<[u8]>::to_vec)));
    /// }
    /// assert_eq!(lines, [(3, Some(b"Ana\nMaria".to_vec())), (5, Some(b"Bo".to_vec()))]);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Reader::read_row`].
    pub fn read_byte_record(&mut self, record: &mut csv::ByteRecord) -> Result<Option<u64>, Error> {
        next_record(&mut self.records, record, &mut self.cuts)
    }

    /// The header row's cells as written (a byte-order mark removed).
    pub fn header_cells(&self) -> &[String] {
        &self.header_cells
    }

    /// Problems with the file as a whole, found while reading the header:
    /// its encoding, unknown columns.
    pub fn file_diagnostics(&self) -> &[Diagnostic] {
        &self.file_diagnostics
    }

    /// How the file is read: its encoding (which may change once, from
    /// UTF-8 to Windows-1252, at the first byte that is not ASCII),
    /// delimiter, header line and columns.
    #[must_use]
    pub fn info(&self) -> FileInfo {
        FileInfo {
            encoding: self.encoding,
            delimiter: self.delimiter,
            header_line: self.header_line,
            columns: Column::EVERY.map(|column| self.checker.header().position(column).is_some()),
        }
    }
}

impl<R> std::fmt::Debug for Reader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("encoding", &self.encoding)
            .field("delimiter", &char::from(self.delimiter))
            .field("header_line", &self.header_line)
            .finish_non_exhaustive()
    }
}

impl Reader<File> {
    /// Opens the file at `path` with default options.
    ///
    /// # Errors
    ///
    /// As [`ReaderBuilder::from_path`].
    pub fn from_path<P: AsRef<Path>>(path: P) -> Result<Reader<File>, Error> {
        ReaderBuilder::new().from_path(path)
    }
}

/// Reads the next record, its physical line, and what was cut from it.
fn next_record<R: Read>(
    records: &mut Source<R>,
    record: &mut csv::ByteRecord,
    cuts: &mut Vec<Cut>,
) -> Result<Option<u64>, Error> {
    records.read_record(record, cuts).map_err(|e| {
        let at = Position::reading(records.line(), records.position(), None);
        Error::at(ErrorKind::Io(e), at)
    })
}

/// An iterator over a [`Reader`]'s rows, from [`Reader::rows`].
pub struct Rows<'r, R> {
    reader: &'r mut Reader<R>,
}

impl<R: Read> Iterator for Rows<'_, R> {
    type Item = Result<Row, Error>;

    fn next(&mut self) -> Option<Result<Row, Error>> {
        let mut row = Row::default();
        match self.reader.read_row(&mut row) {
            Ok(true) => Some(Ok(row)),
            Ok(false) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_sep_directive() {
        assert_eq!(sep_directive(b"sep=;\r\nstudent_id;x"), Some(b';'));
        assert_eq!(sep_directive(b"\"SEP=,\"\n"), Some(b','));
        assert_eq!(sep_directive(b"sep=\t\n"), Some(b'\t'));
        assert_eq!(sep_directive(b"student_id,sep=;\n"), None);
    }
}
