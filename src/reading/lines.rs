//! Physical line numbers and size limits, as the bytes pass to the csv
//! parser.
//!
//! The csv crate's `Position::line()` drifts after CRLF line ends and blank
//! lines. Its byte offset is exact but points just after the previous
//! record's first terminator byte, before any blank lines it skipped. This
//! reader sits under the csv parser and notes, as the bytes pass, where
//! every line ends and where every run of line-end bytes stops; from those
//! it turns a record's offset into the physical line of its first byte, as
//! a person sees it in an editor: `\n`, `\r\n` and a lone `\r` each end one
//! line.
//!
//! It also follows the CSV structure (quotes, delimiters, record ends, as
//! csv-core reads them) to keep the parser's memory bounded: bytes of a
//! field past the field limit, and fields past the column limit, are not
//! passed on, and each cut is noted as a [`Cut`] for the reader to report
//! on its row. Line ends inside cut text still count.

use std::collections::VecDeque;
use std::io::{self, Read};

/// Something cut from the input to keep within the limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cut {
    /// Field `field` (0-based) of a record was `bytes` long.
    Field { field: usize, bytes: u64 },
    /// A record had `fields` fields; those past the limit were dropped.
    Fields { fields: usize },
    /// The input ended inside a quoted field.
    UnterminatedQuote,
    /// Field `field` (0-based) has text after its closing quote (`"x"y`),
    /// which the csv parser joins silently (`xy`). Nothing was cut: a
    /// warning, not a rejection.
    StrayQuote { field: usize },
}

impl Cut {
    /// Whether the cut loses part of the row (the row is rejected).
    pub(crate) fn loses_data(self) -> bool {
        !matches!(self, Cut::StrayQuote { .. })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a field (or of a record).
    FieldStart,
    /// In an unquoted field.
    Unquoted,
    /// In a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: `""` or the closing quote.
    QuoteInQuoted,
}

pub(crate) struct LineTracker<R> {
    inner: R,
    buffer: Vec<u8>,
    /// Bytes passed through so far.
    offset: u64,
    /// Line ends passed so far (a `\r` waiting on the next chunk aside).
    total_ends: u64,
    /// A `\r` at the very end of the last chunk: a line end unless the
    /// next chunk starts with `\n`.
    pending_cr: Option<u64>,
    /// Line ends before the end of the last run [`LineTracker::line_at`]
    /// passed.
    lines_before: u64,
    /// Runs of `\r`/`\n` bytes between records, as (first byte, byte after
    /// the last, line ends before that byte).
    runs: VecDeque<(u64, u64, u64)>,
    /// The run touching the end of the last chunk, as (first, last) byte
    /// and the line ends through the last.
    open_run: Option<(u64, u64, u64)>,
    // CSV structure, for the limits.
    delimiter: u8,
    state: State,
    field: usize,
    field_bytes: u64,
    max_field_bytes: u64,
    max_fields: usize,
    /// Whether the record so far has any byte (csv skips empty lines).
    record_started: bool,
    cuts: VecDeque<(u64, Cut)>,
    /// A quote past the field limit not yet passed on: it closes the field
    /// (pass it) unless a second quote follows (an escape: drop both).
    held_quote: bool,
    done: bool,
    /// Whether plain runs of a line pass whole (off only to test that the
    /// byte-by-byte path agrees).
    plain_runs: bool,
}

impl<R: Read> LineTracker<R> {
    pub(crate) fn new(
        inner: R,
        delimiter: u8,
        max_field_bytes: u64,
        max_fields: usize,
    ) -> LineTracker<R> {
        LineTracker {
            inner,
            buffer: Vec::new(),
            offset: 0,
            total_ends: 0,
            pending_cr: None,
            lines_before: 0,
            runs: VecDeque::new(),
            open_run: None,
            delimiter,
            state: State::FieldStart,
            field: 0,
            field_bytes: 0,
            max_field_bytes: max_field_bytes.max(1),
            max_fields: max_fields.max(1),
            record_started: false,
            cuts: VecDeque::new(),
            held_quote: false,
            done: false,
            plain_runs: true,
        }
    }

    /// The 1-based line of the record the csv parser placed at `offset`:
    /// the line of the first byte at or after `offset` that does not end
    /// a line. Offsets must not decrease from one call to the next.
    ///
    /// A record starts where a run of record-ending line ends stops, so the
    /// line ends before it are counted at the run's end: memory holds the
    /// runs the csv parser has not reached yet, never one entry per line
    /// end (a file of a billion blank lines is one run, a cell of a million
    /// line breaks no run at all).
    pub(crate) fn line_at(&mut self, offset: u64) -> u64 {
        while let Some(&(_, end, count)) = self.runs.front() {
            if end > offset {
                break;
            }
            self.lines_before = count;
            self.runs.pop_front();
        }
        let mut count = self.lines_before;
        let mut first_byte = offset;
        if let Some(&(start, end, ends)) = self.runs.front() {
            if start <= offset {
                first_byte = end;
                count = ends;
            }
        } else if let Some((start, last, ends)) = self.open_run {
            if start <= offset {
                first_byte = last + 1;
                count = ends;
            }
        }
        if self.pending_cr.is_some_and(|cr| cr < first_byte) {
            // A `\r` ended the input: it ends a line.
            count += 1;
        }
        count + 1
    }

    /// Moves the cuts made up to `offset` (the end of the record just
    /// read) into `out`.
    pub(crate) fn cuts_until(&mut self, offset: u64, out: &mut Vec<Cut>) {
        while let Some(&(at, cut)) = self.cuts.front() {
            if at > offset {
                break;
            }
            out.push(cut);
            self.cuts.pop_front();
        }
    }

    fn line_end(&mut self) {
        self.total_ends += 1;
    }

    fn end_field(&mut self, position: u64) {
        if self.field_bytes > self.max_field_bytes {
            self.cuts.push_back((
                position,
                Cut::Field {
                    field: self.field,
                    bytes: self.field_bytes,
                },
            ));
        }
        self.field += 1;
        self.field_bytes = 0;
        self.state = State::FieldStart;
    }

    fn end_record(&mut self, position: u64) {
        if self.record_started {
            self.end_field(position);
            if self.field > self.max_fields {
                self.cuts
                    .push_back((position, Cut::Fields { fields: self.field }));
            }
        }
        self.field = 0;
        self.field_bytes = 0;
        self.record_started = false;
        self.state = State::FieldStart;
    }

    /// Follows `chunk`, writing the bytes to pass on into `out`.
    fn scan(&mut self, chunk: &[u8], out: &mut [u8]) -> usize {
        let mut kept = 0;
        let mut i = 0;
        self.settle_pending_cr(chunk);
        while i < chunk.len() {
            if let Some(passed) = self.pass_plain_span(&chunk[i..], &mut out[kept..]) {
                kept += passed;
                i += passed;
                continue;
            }
            if let Some((read, passed)) = self.pass_content(&chunk[i..], &mut out[kept..]) {
                kept += passed;
                i += read;
                continue;
            }
            let byte = chunk[i];
            if self.held_quote && byte != b'"' {
                out[kept] = b'"';
                kept += 1;
                self.held_quote = false;
            }
            let position = self.offset + kept as u64;
            let terminator = byte == b'\n' || byte == b'\r';
            let ends_record = terminator && self.state != State::Quoted;
            let keep = self.step(byte, position);
            if terminator {
                self.count_line_end(byte, chunk.get(i + 1), position);
                // Only line ends between records make runs: a blank line
                // is one there, and a line break in a quoted cell is text.
                if keep && ends_record {
                    self.extend_run(position);
                }
            }
            if keep {
                out[kept] = byte;
                kept += 1;
            }
            i += 1;
        }
        let end = self.offset + kept as u64;
        // A run that stops before the chunk's end is complete.
        if let Some((start, last, ends)) = self.open_run {
            if last + 1 < end {
                self.runs.push_back((start, last + 1, ends));
                self.open_run = None;
            }
        }
        self.offset = end;
        kept
    }

    /// A `\r` that ended the last chunk is a line end unless this chunk
    /// starts with `\n`.
    fn settle_pending_cr(&mut self, chunk: &[u8]) {
        if let Some(cr) = self.pending_cr.take() {
            if chunk.first() != Some(&b'\n') {
                self.line_end();
                // The run it closed counts it.
                if let Some((_, last, ends)) = &mut self.open_run {
                    if *last == cr {
                        *ends = self.total_ends;
                    }
                }
            }
        }
    }

    /// Outside quotes, the common case: the rest of the line, up to a
    /// quote or a line end, holds only plain cells and delimiters, and is
    /// too short to break a limit. Passes it whole into `out`; returns its
    /// length, or `None` if the byte-by-byte path must look.
    fn pass_plain_span(&mut self, rest: &[u8], out: &mut [u8]) -> Option<usize> {
        if !self.plain_runs
            || !matches!(self.state, State::FieldStart | State::Unquoted)
            || self.held_quote
        {
            return None;
        }
        let stop = memchr::memchr3(b'"', b'\n', b'\r', rest).unwrap_or(rest.len());
        let span = &rest[..stop];
        if span.is_empty() || self.field_bytes + stop as u64 > self.max_field_bytes {
            return None;
        }
        // When the line ends right after the span and the span is too
        // short to hold enough delimiters to reach the column limit, the
        // field count is not needed: the record ends next, and the limit
        // cannot be met.
        let line_ends = matches!(rest.get(stop), Some(b'\n' | b'\r'));
        let delimiters = if line_ends && self.field.saturating_add(stop) < self.max_fields {
            0
        } else {
            memchr::memchr_iter(self.delimiter, span).count()
        };
        if self.field + delimiters >= self.max_fields {
            return None;
        }
        out[..stop].copy_from_slice(span);
        self.record_started = true;
        self.field += delimiters;
        let last = memchr::memrchr(self.delimiter, span);
        match last {
            Some(last) => self.field_bytes = (stop - last - 1) as u64,
            None => self.field_bytes += stop as u64,
        }
        self.state = if self.field_bytes == 0 && last.is_some() {
            State::FieldStart
        } else {
            State::Unquoted
        };
        Some(stop)
    }

    /// Inside a cell, content runs to the next byte that can matter: passes
    /// what the field limit allows of it into `out`. Returns the bytes read
    /// and passed, or `None` at a byte that matters.
    fn pass_content(&mut self, rest: &[u8], out: &mut [u8]) -> Option<(usize, usize)> {
        let stop = match self.state {
            State::Unquoted => memchr::memchr3(self.delimiter, b'\n', b'\r', rest),
            State::Quoted => memchr::memchr3(b'"', b'\n', b'\r', rest),
            State::FieldStart | State::QuoteInQuoted => return None,
        }
        .unwrap_or(rest.len());
        if stop == 0 {
            return None;
        }
        let allowance = if self.field >= self.max_fields {
            0
        } else {
            self.max_field_bytes.saturating_sub(self.field_bytes)
        };
        let take = usize::try_from(allowance).map_or(stop, |a| a.min(stop));
        out[..take].copy_from_slice(&rest[..take]);
        self.field_bytes += stop as u64;
        Some((stop, take))
    }

    /// One byte that matters (a quote, a delimiter, a line end, or a cell's
    /// first byte) through the CSV state machine, as csv-core reads it.
    /// Returns whether the byte is passed on.
    fn step(&mut self, byte: u8, position: u64) -> bool {
        let terminator = byte == b'\n' || byte == b'\r';
        // Past the column limit, only record ends outside quotes pass.
        let beyond_columns = self.field >= self.max_fields;
        match self.state {
            State::FieldStart | State::Unquoted | State::QuoteInQuoted if terminator => {
                self.end_record(position);
                true
            }
            State::FieldStart | State::Unquoted | State::QuoteInQuoted
                if byte == self.delimiter =>
            {
                // The delimiter opens the next field: past the limit, drop it.
                let keep = self.field + 1 < self.max_fields;
                self.record_started = true;
                self.end_field(position);
                keep
            }
            State::FieldStart if byte == b'"' => {
                self.record_started = true;
                self.state = State::Quoted;
                !beyond_columns
            }
            State::Quoted if byte == b'"' => {
                self.state = State::QuoteInQuoted;
                if beyond_columns {
                    false
                } else if self.field_bytes >= self.max_field_bytes {
                    self.held_quote = true;
                    false
                } else {
                    true
                }
            }
            State::QuoteInQuoted if byte == b'"' => {
                // `""`: an escaped quote, one byte of content. Both
                // quotes pass, or neither.
                self.state = State::Quoted;
                self.field_bytes += 1;
                if self.held_quote {
                    self.held_quote = false;
                    false
                } else {
                    !beyond_columns
                }
            }
            _ => {
                self.record_started = true;
                if self.state == State::QuoteInQuoted {
                    self.cuts
                        .push_back((position, Cut::StrayQuote { field: self.field }));
                }
                if self.state != State::Quoted {
                    self.state = State::Unquoted;
                }
                self.field_bytes += 1;
                !beyond_columns && self.field_bytes <= self.max_field_bytes
            }
        }
    }

    /// Counts a line end: `\n`, a `\r` not followed by `\n`, or a `\r`
    /// at the chunk's end (settled by the next chunk).
    fn count_line_end(&mut self, byte: u8, next: Option<&u8>, position: u64) {
        if byte == b'\n' {
            self.line_end();
        } else {
            match next {
                Some(b'\n') => {}
                Some(_) => self.line_end(),
                None => self.pending_cr = Some(position),
            }
        }
    }

    /// Adds the record end at `position` to the run of line-end bytes
    /// between records, or starts a new run.
    fn extend_run(&mut self, position: u64) {
        let ends = self.total_ends;
        self.open_run = match self.open_run {
            Some((start, last, _)) if last + 1 == position => Some((start, position, ends)),
            Some((start, last, before)) => {
                self.runs.push_back((start, last + 1, before));
                Some((position, position, ends))
            }
            None => Some((position, position, ends)),
        };
    }
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        // Room for a held quote on top of every byte read.
        let want = out.len().saturating_sub(1).max(1);
        loop {
            // A quote held back by the last chunk may leave no room for
            // a byte of this one (a chunk can pass nothing and loop).
            if out.len() == 1 && self.held_quote {
                out[0] = b'"';
                self.held_quote = false;
                self.offset += 1;
                return Ok(1);
            }
            if self.buffer.len() < want {
                self.buffer.resize(want, 0);
            }
            let n = self.inner.read(&mut self.buffer[..want])?;
            if n == 0 {
                if self.held_quote {
                    out[0] = b'"';
                    self.held_quote = false;
                    self.offset += 1;
                    return Ok(1);
                }
                if !self.done {
                    self.done = true;
                    if matches!(self.state, State::Quoted) {
                        self.cuts.push_back((self.offset, Cut::UnterminatedQuote));
                    }
                    if self.record_started {
                        let position = self.offset;
                        self.end_record(position);
                    }
                }
                return Ok(0);
            }
            let chunk = std::mem::take(&mut self.buffer);
            let kept = self.scan(&chunk[..n], out);
            self.buffer = chunk;
            if kept > 0 {
                return Ok(kept);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `text` in chunks of `chunk` bytes and returns the line of
    /// each offset in `offsets`.
    fn lines(text: &str, chunk: usize, offsets: &[u64]) -> Vec<u64> {
        let mut tracker = LineTracker::new(text.as_bytes(), b',', u64::MAX, usize::MAX);
        let mut buf = vec![0; chunk];
        while tracker.read(&mut buf).expect("in memory") > 0 {}
        offsets.iter().map(|&o| tracker.line_at(o)).collect()
    }

    /// Memory follows the records, not the line ends: five million blank
    /// lines are one run, a cell of a million line breaks none.
    #[test]
    fn memory_does_not_grow_with_line_ends() {
        let mut text = b"a,b\n".to_vec();
        text.extend(std::iter::repeat_n(b'\n', 5_000_000));
        let second = text.len() as u64;
        text.extend_from_slice(b"1,\"");
        text.extend("x\r\n".repeat(1_000_000).bytes());
        text.extend_from_slice(b"\"\n");
        let third = text.len() as u64;
        text.extend_from_slice(b"4,5\n");
        // No limit, so that offsets in the passed bytes are the text's.
        let mut tracker = LineTracker::new(text.as_slice(), b',', u64::MAX, 16);
        let mut buf = vec![0; 8192];
        while tracker.read(&mut buf).expect("in memory") > 0 {}
        assert!(tracker.runs.len() <= 3, "{} runs", tracker.runs.len());
        // csv reports a record just after the previous one's first
        // terminator byte.
        assert_eq!(tracker.line_at(0), 1);
        assert_eq!(tracker.line_at(4), 5_000_002);
        assert_eq!(tracker.line_at(third), 6_000_003);
        assert!(second < third);
    }

    #[test]
    fn offsets_before_blank_lines_resolve_to_the_record() {
        // csv reports a record at the byte after the previous record's
        // first terminator byte: here 2 (the \n after "a\r").
        let text = "a\r\n\r\n\nb";
        for chunk in [1, 2, 64] {
            assert_eq!(lines(text, chunk, &[0, 2]), [1, 4]);
        }
    }

    #[test]
    fn counts_lf_crlf_and_lone_cr() {
        let text = "a\nb\r\nc\rd\r\n\r\ne";
        // a=0 b=2 c=5 d=7 e=12
        for chunk in [1, 2, 3, 64] {
            assert_eq!(lines(text, chunk, &[0, 2, 5, 7, 12]), [1, 2, 3, 4, 6]);
        }
    }

    fn passed(text: &[u8], max_field: u64, max_fields: usize) -> (Vec<u8>, Vec<Cut>) {
        let mut tracker = LineTracker::new(text, b',', max_field, max_fields);
        let mut out = Vec::new();
        tracker.read_to_end(&mut out).expect("in memory");
        let mut cuts = Vec::new();
        tracker.cuts_until(u64::MAX, &mut cuts);
        (out, cuts)
    }

    #[test]
    fn long_fields_are_cut_and_noted() {
        let (out, cuts) = passed(b"ab,cdefgh,\"ij\"\"kl\nmn\"\nxy,z\n", 3, 10);
        assert_eq!(String::from_utf8_lossy(&out), "ab,cde,\"ij\"\"\"\nxy,z\n");
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
        let (out, cuts) = passed(b"a,b,c,d\ne,f\n", 100, 2);
        assert_eq!(String::from_utf8_lossy(&out), "a,b\ne,f\n");
        assert_eq!(cuts, [Cut::Fields { fields: 4 }]);
    }

    #[test]
    fn an_unterminated_quote_is_noted() {
        let (_, cuts) = passed(b"a,\"b\nc,d\n", 100, 10);
        assert_eq!(cuts, [Cut::UnterminatedQuote]);
    }

    proptest::proptest! {
        /// Passing plain runs whole changes nothing: the same bytes, cuts
        /// and lines as following every byte.
        #[test]
        fn plain_runs_agree_with_the_byte_path(
            text in proptest::collection::vec(
                proptest::sample::select(b"ab ,;\"\n\r".to_vec()), 0..160),
            max_field in 1u64..12,
            max_fields in 1usize..40,
            chunk in 1usize..20,
        ) {
            let run = |plain_runs: bool| {
                let mut tracker = LineTracker::new(text.as_slice(), b',', max_field, max_fields);
                tracker.plain_runs = plain_runs;
                let mut out = Vec::new();
                let mut buf = vec![0; chunk];
                loop {
                    let n = tracker.read(&mut buf).expect("in memory");
                    if n == 0 {
                        break;
                    }
                    out.extend_from_slice(&buf[..n]);
                }
                let mut cuts = Vec::new();
                tracker.cuts_until(u64::MAX, &mut cuts);
                let lines: Vec<u64> = (0..=out.len() as u64).map(|o| tracker.line_at(o)).collect();
                (out, cuts, lines)
            };
            proptest::prop_assert_eq!(run(true), run(false));
        }
    }
}
