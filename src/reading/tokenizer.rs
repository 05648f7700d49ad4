//! The one source of records: splits text into records and cells the way
//! the csv crate does (RFC 4180 with its leniencies), and knows what the
//! csv crate does not tell: the physical line each record starts on, every
//! quote whatever its column, and what the limits cut.
//!
//! The dialect, exactly as `csv-core` reads it (the equality is a property
//! test): a cell that starts with `"` runs to the next lone `"`, `""`
//! inside being one quote and line breaks being text; a quote anywhere
//! else is text; `\n`, `\r\n` and a lone `\r` end a record outside
//! quotes; blank lines make no record; text after a closing quote joins
//! the cell (`"x"y` is `xy`, noted as a [`Cut::StrayQuote`]).
//!
//! Physical lines are counted as the bytes pass, `\n`, `\r\n` and a lone
//! `\r` each ending one, in a counter: memory does not grow with line
//! ends (a file of a billion blank lines, or a cell of a million line
//! breaks, costs nothing). Memory is the input buffer, one cell of at most
//! the field limit, and the record of at most the column limit of them.

use std::io::{self, Read};

/// Bytes read from the input at a time.
const BUFFER: usize = 64 * 1024;

/// Something cut from a record to keep within the limits, or noted in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cut {
    /// Field `field` (0-based) of a record was `bytes` long; what passed
    /// the field limit was dropped.
    Field { field: usize, bytes: u64 },
    /// A record had `fields` fields; those past the limit were dropped.
    Fields { fields: usize },
    /// The input ended inside a quoted field.
    UnterminatedQuote,
    /// Field `field` (0-based) has text after its closing quote (`"x"y`),
    /// which is joined to it (`xy`). Nothing was cut: a warning, not a
    /// rejection.
    StrayQuote { field: usize },
    /// Not a cut: the record is the input's last and no line end follows
    /// it. A row that is short or unusable there was probably cut off (a
    /// download stopped mid-row).
    NoLineEnd,
    /// Not a cut: the reader found the record to be a header again
    /// (`reordered`: its columns in another order, the rows below read
    /// under it). The row is skipped with a warning.
    Header { reordered: bool },
}

impl Cut {
    /// Whether the cut loses part of the row (the row is rejected).
    pub(crate) fn loses_data(self) -> bool {
        !matches!(
            self,
            Cut::StrayQuote { .. } | Cut::Header { .. } | Cut::NoLineEnd
        )
    }
}

/// How a field ended.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    /// At a delimiter: another field follows.
    Delimiter,
    /// At a line end or the end of the input: the record is complete.
    Record,
}

/// Reads records from text (UTF-8 already: see `decode`).
pub(crate) struct Tokenizer<R> {
    input: R,
    buffer: Box<[u8]>,
    /// The unread bytes are `buffer[at..filled]`.
    at: usize,
    filled: usize,
    /// Bytes read from the input before `buffer[0]`.
    offset: u64,
    /// Line ends passed.
    lines: u64,
    /// Whether the last byte passed was a `\r` (a `\n` next ends no line).
    after_cr: bool,
    delimiter: u8,
    max_field_bytes: u64,
    max_fields: usize,
    /// The cell being read, when it cannot be passed straight from the
    /// buffer (quoted, or split between two reads).
    cell: Vec<u8>,
}

impl<R: Read> Tokenizer<R> {
    /// A tokenizer of `input`, cells split at `delimiter`, at most
    /// `max_field_bytes` bytes of a cell and `max_fields` cells of a record
    /// kept (both at least 1).
    pub(crate) fn new(
        input: R,
        delimiter: u8,
        max_field_bytes: u64,
        max_fields: usize,
    ) -> Tokenizer<R> {
        Tokenizer::with_buffer(input, delimiter, max_field_bytes, max_fields, BUFFER)
    }

    /// [`Tokenizer::new`] reading `buffer` bytes at a time (for a slice,
    /// its length: no larger buffer to allocate).
    pub(crate) fn with_buffer(
        input: R,
        delimiter: u8,
        max_field_bytes: u64,
        max_fields: usize,
        buffer: usize,
    ) -> Tokenizer<R> {
        Tokenizer {
            input,
            buffer: vec![0; buffer.max(1)].into_boxed_slice(),
            at: 0,
            filled: 0,
            offset: 0,
            lines: 0,
            after_cr: false,
            delimiter,
            max_field_bytes: max_field_bytes.max(1),
            max_fields: max_fields.max(1),
            cell: Vec::new(),
        }
    }

    /// Bytes of the input passed so far.
    pub(crate) fn position(&self) -> u64 {
        self.offset + self.at as u64
    }

    /// The physical line (1-based) of the next byte.
    pub(crate) fn line(&self) -> u64 {
        self.lines + 1
    }

    /// Reads the next record into `record`, and what the limits cut from
    /// it (or the quotes showed) into `cuts`; returns the physical line of
    /// its first byte, or `None` at the end of the input.
    pub(crate) fn read_record(
        &mut self,
        record: &mut csv::ByteRecord,
        cuts: &mut Vec<Cut>,
    ) -> io::Result<Option<u64>> {
        record.clear();
        cuts.clear();
        if !self.skip_line_ends()? {
            return Ok(None);
        }
        let line = self.line();
        let mut field = 0;
        while self.read_field(field, record, cuts)? == End::Delimiter {
            field += 1;
        }
        let fields = field + 1;
        if fields > self.max_fields {
            cuts.push(Cut::Fields { fields });
        }
        Ok(Some(line))
    }

    /// Whether the input has nothing left: right after a record, that the
    /// record was the last and no line end followed it.
    pub(crate) fn at_end(&mut self) -> io::Result<bool> {
        Ok(!self.has_bytes()?)
    }

    /// Passes the line ends between records; false at the end of the input.
    fn skip_line_ends(&mut self) -> io::Result<bool> {
        loop {
            if !self.has_bytes()? {
                return Ok(false);
            }
            match self.buffer[self.at] {
                b'\n' => {
                    self.lines += u64::from(!self.after_cr);
                    self.after_cr = false;
                }
                b'\r' => {
                    self.lines += 1;
                    self.after_cr = true;
                }
                _ => return Ok(true),
            }
            self.at += 1;
        }
    }

    /// Reads field `field` into `record` (unless past the column limit).
    fn read_field(
        &mut self,
        field: usize,
        record: &mut csv::ByteRecord,
        cuts: &mut Vec<Cut>,
    ) -> io::Result<End> {
        self.cell.clear();
        let mut bytes = 0;
        let end = match self.has_bytes()? && self.buffer[self.at] == b'"' {
            true => self.read_quoted(field, &mut bytes, cuts)?,
            false => match self.unquoted_in_buffer(field, record) {
                Some(end) => return Ok(end),
                None => self.read_unquoted(field, &mut bytes)?,
            },
        };
        if field < self.max_fields {
            record.push_field(&self.cell);
        }
        if bytes > self.max_field_bytes {
            cuts.push(Cut::Field { field, bytes });
        }
        Ok(end)
    }

    /// The usual cell: unquoted, whole in the buffer and within the limits,
    /// passed straight from the buffer into the record.
    fn unquoted_in_buffer(&mut self, field: usize, record: &mut csv::ByteRecord) -> Option<End> {
        let rest = &self.buffer[self.at..self.filled];
        let stop = memchr::memchr3(self.delimiter, b'\n', b'\r', rest)?;
        if field >= self.max_fields || stop as u64 > self.max_field_bytes {
            return None;
        }
        record.push_field(&rest[..stop]);
        let end = self.end_at(stop);
        Some(end)
    }

    /// Passes `stop` bytes of cell text (no line end among them) and the
    /// delimiter or line end after them: how the field ended.
    fn end_at(&mut self, stop: usize) -> End {
        if stop > 0 {
            self.after_cr = false;
        }
        self.at += stop;
        if self.buffer[self.at] == self.delimiter {
            self.at += 1;
            self.after_cr = false;
            End::Delimiter
        } else {
            // The line end is left for `skip_line_ends` to count.
            End::Record
        }
    }

    /// An unquoted cell (or the rest of a quoted one after its closing
    /// quote), to the delimiter or line end after it.
    fn read_unquoted(&mut self, field: usize, bytes: &mut u64) -> io::Result<End> {
        let limit = self.limit(field);
        loop {
            if !self.has_bytes()? {
                return Ok(End::Record);
            }
            let rest = &self.buffer[self.at..self.filled];
            let stop = memchr::memchr3(self.delimiter, b'\n', b'\r', rest);
            let text = &rest[..stop.unwrap_or(rest.len())];
            keep(&mut self.cell, text, bytes, limit);
            match stop {
                Some(stop) => return Ok(self.end_at(stop)),
                None => {
                    self.after_cr = false;
                    self.at = self.filled;
                }
            }
        }
    }

    /// A quoted cell, from its opening quote: to its closing quote and the
    /// delimiter or line end after it, or on after a stray quote.
    fn read_quoted(
        &mut self,
        field: usize,
        bytes: &mut u64,
        cuts: &mut Vec<Cut>,
    ) -> io::Result<End> {
        self.at += 1;
        self.after_cr = false;
        let limit = self.limit(field);
        loop {
            if !self.has_bytes()? {
                cuts.push(Cut::UnterminatedQuote);
                return Ok(End::Record);
            }
            let rest = &self.buffer[self.at..self.filled];
            let quote = memchr::memchr(b'"', rest);
            let text = &rest[..quote.unwrap_or(rest.len())];
            keep(&mut self.cell, text, bytes, limit);
            count_line_ends(text, &mut self.lines, &mut self.after_cr);
            self.at += text.len();
            if quote.is_none() {
                continue;
            }
            // The quote: doubled, it is one quote of text; alone, it closes.
            self.at += 1;
            self.after_cr = false;
            if !self.has_bytes()? {
                return Ok(End::Record);
            }
            match self.buffer[self.at] {
                b'"' => {
                    keep(&mut self.cell, b"\"", bytes, limit);
                    self.at += 1;
                }
                b'\n' | b'\r' => return Ok(End::Record),
                byte if byte == self.delimiter => {
                    self.at += 1;
                    return Ok(End::Delimiter);
                }
                _ => {
                    cuts.push(Cut::StrayQuote { field });
                    return self.read_unquoted(field, bytes);
                }
            }
        }
    }

    /// How many bytes of field `field` are kept.
    fn limit(&self, field: usize) -> u64 {
        if field < self.max_fields {
            self.max_field_bytes
        } else {
            0
        }
    }

    /// Whether there are unread bytes, reading more if needed.
    fn has_bytes(&mut self) -> io::Result<bool> {
        if self.at < self.filled {
            return Ok(true);
        }
        self.offset += self.filled as u64;
        self.at = 0;
        self.filled = 0;
        loop {
            match self.input.read(&mut self.buffer) {
                Ok(n) => {
                    self.filled = n;
                    return Ok(n > 0);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// Adds `text` to the cell, as far as the limit allows, and counts it.
fn keep(cell: &mut Vec<u8>, text: &[u8], bytes: &mut u64, limit: u64) {
    let room = usize::try_from(limit.saturating_sub(*bytes)).unwrap_or(usize::MAX);
    cell.extend_from_slice(&text[..text.len().min(room)]);
    *bytes += text.len() as u64;
}

/// The line breaks in `text`, a CR LF pair counting once: the one rule
/// for line ends, also for the rows that count the lines inside a record.
pub(crate) fn line_breaks(text: &[u8]) -> u64 {
    let (mut lines, mut after_cr) = (0, false);
    count_line_ends(text, &mut lines, &mut after_cr);
    lines
}

/// Counts the line ends in `text` (quoted cell text): each `\n` not just
/// after a `\r`, and each `\r`.
fn count_line_ends(text: &[u8], lines: &mut u64, after_cr: &mut bool) {
    let Some(&last) = text.last() else {
        return;
    };
    for at in memchr::memchr2_iter(b'\n', b'\r', text) {
        let crlf = text[at] == b'\n'
            && match at.checked_sub(1) {
                Some(before) => text[before] == b'\r',
                None => *after_cr,
            };
        *lines += u64::from(!crlf);
    }
    *after_cr = last == b'\r';
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records as (line, cells).
    type Lines = Vec<(u64, Vec<Vec<u8>>)>;

    /// Every record of `text` as (line, cells), and every cut, read
    /// through a buffer of `buffer` bytes.
    fn records(text: &[u8], buffer: usize, max_field: u64, max_fields: usize) -> (Lines, Vec<Cut>) {
        records_split_at(text, b',', buffer, max_field, max_fields)
    }

    /// [`records`] with cells split at `delimiter`.
    fn records_split_at(
        text: &[u8],
        delimiter: u8,
        buffer: usize,
        max_field: u64,
        max_fields: usize,
    ) -> (Lines, Vec<Cut>) {
        let mut tokenizer = Tokenizer::with_buffer(text, delimiter, max_field, max_fields, buffer);
        let mut record = csv::ByteRecord::new();
        let (mut all, mut all_cuts, mut cuts) = (Vec::new(), Vec::new(), Vec::new());
        while let Some(line) = tokenizer
            .read_record(&mut record, &mut cuts)
            .expect("in memory")
        {
            all.push((line, record.iter().map(<[u8]>::to_vec).collect()));
            all_cuts.append(&mut cuts);
        }
        (all, all_cuts)
    }

    fn lines(text: &str) -> Vec<u64> {
        [1, 2, 3, 64]
            .map(|buffer| {
                records(text.as_bytes(), buffer, u64::MAX, usize::MAX)
                    .0
                    .iter()
                    .map(|(line, _)| *line)
                    .collect::<Vec<_>>()
            })
            .into_iter()
            .reduce(|a, b| {
                assert_eq!(a, b, "the same lines through any buffer");
                a
            })
            .unwrap_or_default()
    }

    #[test]
    fn counts_lf_crlf_and_lone_cr() {
        assert_eq!(lines("a\nb\r\nc\rd\r\n\r\ne"), [1, 2, 3, 4, 6]);
        assert_eq!(lines("a\r\n\r\n\nb"), [1, 4]);
        assert_eq!(lines("\"x\r\ny\"\r\nb\n\"\n\n\",c\rd"), [1, 3, 4, 7]);
        assert_eq!(super::line_breaks(b"a\nb\r\nc\rd\r\n\r\ne"), 5);
        assert_eq!(super::line_breaks(b"\r\n"), 1);
        assert_eq!(super::line_breaks(b"\n\r"), 2);
        assert_eq!(super::line_breaks(b"abc"), 0);
    }

    /// A cell of a million line breaks and five million blank lines:
    /// exact lines, in a buffer and one cell.
    #[test]
    fn memory_does_not_grow_with_line_ends() {
        let mut text = b"a,b\n".to_vec();
        text.extend(std::iter::repeat_n(b'\n', 5_000_000));
        text.extend_from_slice(b"1,\"");
        text.extend("x\r\n".repeat(1_000_000).bytes());
        text.extend_from_slice(b"\"\n4,5\n");
        let mut tokenizer = Tokenizer::new(text.as_slice(), b',', 16, 16);
        let mut record = csv::ByteRecord::new();
        let mut cuts = Vec::new();
        let mut found = Vec::new();
        while let Some(line) = tokenizer
            .read_record(&mut record, &mut cuts)
            .expect("in memory")
        {
            found.push((line, cuts.clone()));
        }
        assert_eq!(
            found,
            [
                (1, vec![]),
                (
                    5_000_002,
                    vec![Cut::Field {
                        field: 1,
                        bytes: 3_000_000
                    }]
                ),
                (6_000_003, vec![]),
            ]
        );
        assert!(
            tokenizer.cell.capacity() <= 64,
            "{}",
            tokenizer.cell.capacity()
        );
    }

    #[test]
    fn long_fields_are_cut_and_noted() {
        let (found, cuts) = records(b"ab,cdefgh,\"ij\"\"kl\nmn\"\nxy,z\n", 5, 3, 10);
        let cells: Vec<Vec<&[u8]>> = found
            .iter()
            .map(|(_, cells)| cells.iter().map(Vec::as_slice).collect())
            .collect();
        assert_eq!(
            cells,
            [vec![&b"ab"[..], b"cde", b"ij\""], vec![&b"xy"[..], b"z"]]
        );
        assert_eq!(found[1].0, 3);
        assert_eq!(
            cuts,
            [
                Cut::Field { field: 1, bytes: 6 },
                Cut::Field { field: 2, bytes: 8 }
            ]
        );
    }

    #[test]
    fn columns_past_the_limit_are_dropped() {
        let (found, cuts) = records(b"a,b,c,d\ne,f\n", 64, 100, 2);
        assert_eq!(found[0].1, [b"a".to_vec(), b"b".to_vec()]);
        assert_eq!(found[1].1, [b"e".to_vec(), b"f".to_vec()]);
        assert_eq!(cuts, [Cut::Fields { fields: 4 }]);
    }

    #[test]
    fn quotes_are_noted_whatever_the_column() {
        let (found, cuts) = records(b"a,\"b\"x,c\nd,\"e\nf,g\n", 4, 100, 10);
        assert_eq!(found[0].1, [b"a".to_vec(), b"bx".to_vec(), b"c".to_vec()]);
        assert_eq!(found[1], (2, vec![b"d".to_vec(), b"e\nf,g\n".to_vec()]));
        assert_eq!(cuts, [Cut::StrayQuote { field: 1 }, Cut::UnterminatedQuote]);
    }

    proptest::proptest! {
        /// The records are the csv crate's, through any buffer; the lines
        /// are those of a count of line ends before each record's first
        /// byte.
        #[test]
        fn records_are_the_csv_crates(
            text in proptest::collection::vec(
                proptest::sample::select(b"ab ,;\t\"\n\r\0".to_vec()), 0..200),
            buffer in 1usize..24,
            delimiter in proptest::sample::select(b",;\t".to_vec()),
        ) {
            let (found, _) = records_split_at(&text, delimiter, buffer, u64::MAX, usize::MAX);
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(delimiter)
                .from_reader(text.as_slice());
            let expected: Vec<Vec<Vec<u8>>> = reader
                .byte_records()
                .map(|r| r.expect("in memory").iter().map(<[u8]>::to_vec).collect())
                .collect();
            let cells: Vec<Vec<Vec<u8>>> = found.iter().map(|(_, c)| c.clone()).collect();
            proptest::prop_assert_eq!(&cells, &expected);
            // Each line is one more than the line ends before the record's
            // first byte, found by re-reading the text up to there.
            let mut tokenizer = Tokenizer::new(text.as_slice(), delimiter, u64::MAX, usize::MAX);
            let mut record = csv::ByteRecord::new();
            let mut cuts = Vec::new();
            for (line, _) in &found {
                proptest::prop_assert!(tokenizer.skip_line_ends().expect("in memory"));
                let before = &text[..tokenizer.position() as usize];
                let ends = before.iter().filter(|&&b| b == b'\r').count()
                    + before.windows(2).filter(|w| w[1] == b'\n' && w[0] != b'\r').count()
                    + usize::from(before.first() == Some(&b'\n'));
                proptest::prop_assert_eq!(*line, ends as u64 + 1);
                tokenizer.read_record(&mut record, &mut cuts).expect("in memory");
            }
        }

        /// The limits keep the first bytes of each cell and the first cells
        /// of each record, and name every cell and record they cut.
        #[test]
        fn limits_keep_a_prefix_and_name_each_cut(
            text in proptest::collection::vec(
                proptest::sample::select(b"ab,\"\n".to_vec()), 0..120),
            max_field in 1u64..6,
            max_fields in 1usize..5,
            buffer in 1usize..16,
        ) {
            let (whole, _) = records(&text, 64, u64::MAX, usize::MAX);
            let (cut, cuts) = records(&text, buffer, max_field, max_fields);
            proptest::prop_assert_eq!(whole.len(), cut.len());
            let mut expected = 0;
            for ((line, all), (cut_line, kept)) in whole.iter().zip(&cut) {
                proptest::prop_assert_eq!(line, cut_line);
                proptest::prop_assert_eq!(kept.len(), all.len().min(max_fields));
                for (cell, kept) in all.iter().zip(kept) {
                    let n = cell.len().min(max_field as usize);
                    proptest::prop_assert_eq!(&cell[..n], kept.as_slice());
                }
                expected += all.iter().filter(|c| c.len() as u64 > max_field).count();
                expected += usize::from(all.len() > max_fields);
            }
            let counted = cuts
                .iter()
                .filter(|c| matches!(c, Cut::Field { .. } | Cut::Fields { .. }))
                .count();
            proptest::prop_assert_eq!(counted, expected);
        }
    }
}
