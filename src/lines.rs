//! Physical line numbers.
//!
//! The csv crate's `Position::line()` drifts after CRLF line ends and blank
//! lines, but its byte offsets are exact. This reader sits under the csv
//! parser, notes where every line ends as the bytes pass, and turns a
//! record's starting byte into the physical line a person sees in an
//! editor: `\n`, `\r\n` and a lone `\r` each end one line.

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
}

impl<R: Read> LineTracker<R> {
    pub(crate) fn new(inner: R) -> LineTracker<R> {
        LineTracker {
            inner,
            offset: 0,
            ends: VecDeque::new(),
            pending_cr: None,
            lines_before: 0,
        }
    }

    /// The 1-based line of the byte at `offset`. Offsets must not decrease
    /// from one call to the next.
    pub(crate) fn line_at(&mut self, offset: u64) -> u64 {
        if self.pending_cr.is_some_and(|cr| cr < offset) {
            // The parser has moved past the `\r` without us seeing what
            // follows; only possible at the end of input.
            self.lines_before += 1;
            self.pending_cr = None;
        }
        while self.ends.front().is_some_and(|&end| end < offset) {
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
            if chunk[at] == b'\n' {
                self.ends.push_back(base + at as u64);
            } else {
                match chunk.get(at + 1) {
                    Some(b'\n') => {}
                    Some(_) => self.ends.push_back(base + at as u64),
                    None => self.pending_cr = Some(base + at as u64),
                }
            }
        }
        self.offset += chunk.len() as u64;
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
    fn counts_lf_crlf_and_lone_cr() {
        let text = "a\nb\r\nc\rd\r\n\r\ne";
        // a=0 b=2 c=5 d=7 e=12
        for chunk in [1, 2, 3, 64] {
            assert_eq!(lines(text, chunk, &[0, 2, 5, 7, 12]), [1, 2, 3, 4, 6]);
        }
    }
}
