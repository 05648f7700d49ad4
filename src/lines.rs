//! Physical line numbers.
//!
//! The csv crate's `Position::line()` drifts after CRLF line ends and blank
//! lines. Its byte offset is exact but points just after the previous
//! record's first terminator byte, before any blank lines it skipped. This
//! reader sits under the csv parser and notes, as the bytes pass, where
//! every line ends and where every run of line-end bytes stops; from those
//! it turns a record's offset into the physical line of its first byte, as
//! a person sees it in an editor: `\n`, `\r\n` and a lone `\r` each end
//! one line.

use std::collections::VecDeque;
use std::io::{self, Read};

pub(crate) struct LineTracker<R> {
    inner: R,
    /// Bytes passed through so far.
    offset: u64,
    /// Offsets of line ends not yet consumed by [`LineTracker::line_at`].
    ends: VecDeque<u64>,
    /// A `\r` at the very end of the last chunk: a line end unless the
    /// next chunk starts with `\n`.
    pending_cr: Option<u64>,
    /// Line ends already consumed.
    lines_before: u64,
    /// Runs of `\r`/`\n` bytes, as (first byte, byte after the last).
    runs: VecDeque<(u64, u64)>,
    /// The run touching the end of the last chunk, as (first, last) byte.
    open_run: Option<(u64, u64)>,
}

impl<R: Read> LineTracker<R> {
    pub(crate) fn new(inner: R) -> LineTracker<R> {
        LineTracker {
            inner,
            offset: 0,
            ends: VecDeque::new(),
            pending_cr: None,
            lines_before: 0,
            runs: VecDeque::new(),
            open_run: None,
        }
    }

    /// The 1-based line of the record the csv parser placed at `offset`:
    /// the line of the first byte at or after `offset` that does not end
    /// a line. Offsets must not decrease from one call to the next.
    pub(crate) fn line_at(&mut self, offset: u64) -> u64 {
        while self.runs.front().is_some_and(|&(_, end)| end <= offset) {
            self.runs.pop_front();
        }
        let mut first_byte = offset;
        if let Some(&(start, end)) = self.runs.front() {
            if start <= offset {
                first_byte = end;
            }
        } else if let Some((start, last)) = self.open_run {
            if start <= offset {
                first_byte = last + 1;
            }
        }
        if self.pending_cr.is_some_and(|cr| cr < first_byte) {
            // A `\r` ended the input: it ends a line.
            self.lines_before += 1;
            self.pending_cr = None;
        }
        while self.ends.front().is_some_and(|&end| end < first_byte) {
            self.ends.pop_front();
            self.lines_before += 1;
        }
        self.lines_before + 1
    }

    fn scan(&mut self, chunk: &[u8]) {
        let base = self.offset;
        if let Some(cr) = self.pending_cr.take() {
            if chunk.first() != Some(&b'\n') {
                self.ends.push_back(cr);
            }
        }
        for at in memchr::memchr2_iter(b'\n', b'\r', chunk) {
            let position = base + at as u64;
            if chunk[at] == b'\n' {
                self.ends.push_back(position);
            } else {
                match chunk.get(at + 1) {
                    Some(b'\n') => {}
                    Some(_) => self.ends.push_back(position),
                    None => self.pending_cr = Some(position),
                }
            }
            self.open_run = match self.open_run {
                Some((start, last)) if last + 1 == position => Some((start, position)),
                Some((start, last)) => {
                    self.runs.push_back((start, last + 1));
                    Some((position, position))
                }
                None => Some((position, position)),
            };
        }
        // A run that stops before the chunk's end is complete.
        let end = base + chunk.len() as u64;
        if let Some((start, last)) = self.open_run {
            if last + 1 < end {
                self.runs.push_back((start, last + 1));
                self.open_run = None;
            }
        }
        self.offset = end;
    }
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.scan(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `text` in chunks of `chunk` bytes and returns the line of
    /// each offset in `offsets`.
    fn lines(text: &str, chunk: usize, offsets: &[u64]) -> Vec<u64> {
        let mut tracker = LineTracker::new(text.as_bytes());
        let mut buf = vec![0; chunk];
        while tracker.read(&mut buf).expect("in memory") > 0 {}
        offsets.iter().map(|&o| tracker.line_at(o)).collect()
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
}
