//! Text encodings: UTF-8 (with or without BOM), and what Excel saves
//! otherwise (Windows-1252, UTF-16 "Unicode Text"), decoded to UTF-8 as a
//! stream, so the rest of the crate only ever sees UTF-8.

use std::fmt;
use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use encoding_rs::{Decoder, UTF_16BE, UTF_16LE, WINDOWS_1252};
use serde::Serialize;

/// How many bytes are looked at to decide the encoding.
const SNIFF_LEN: usize = 64 * 1024;

/// The text encoding a file was read as.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TextEncoding {
    /// UTF-8 without a byte-order mark.
    #[default]
    Utf8,
    /// UTF-8 with a byte-order mark (Excel's "CSV UTF-8").
    Utf8Bom,
    /// Windows-1252, Excel's "CSV" on Western-language Windows.
    Windows1252,
    /// Mac Roman, Excel for Mac's "CSV" (with CR line ends): told from
    /// Windows-1252 by its line ends and by where its accented letters lie.
    MacRoman,
    /// UTF-16 little-endian, Excel's "Unicode Text".
    Utf16Le,
    /// UTF-16 big-endian.
    Utf16Be,
}

impl TextEncoding {
    /// Whether the file was not UTF-8 and had to be converted.
    #[must_use]
    pub fn is_converted(self) -> bool {
        !matches!(self, TextEncoding::Utf8 | TextEncoding::Utf8Bom)
    }

    /// A name a person recognises.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 with BOM",
            TextEncoding::Windows1252 => "Windows-1252",
            TextEncoding::MacRoman => "Mac Roman",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
        }
    }
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A file format that is not text at all, recognised by its signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NotText {
    /// `.xlsx` (a ZIP archive).
    Xlsx,
    /// `.xls` (an OLE compound file).
    Xls,
}

/// What the first bytes say.
pub(crate) enum Sniffed {
    Text(TextEncoding),
    NotText(NotText),
}

/// Decides the encoding from the first bytes of the file.
pub(crate) fn sniff(prefix: &[u8], at_eof: bool) -> Sniffed {
    use TextEncoding::*;
    if prefix.starts_with(b"PK\x03\x04") {
        return Sniffed::NotText(NotText::Xlsx);
    }
    if prefix.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Sniffed::NotText(NotText::Xls);
    }
    let encoding = if prefix.starts_with(&[0xEF, 0xBB, 0xBF]) {
        Utf8Bom
    } else if prefix.starts_with(&[0xFF, 0xFE]) {
        Utf16Le
    } else if prefix.starts_with(&[0xFE, 0xFF]) {
        Utf16Be
    } else if let Some(utf16) = utf16_without_bom(prefix) {
        utf16
    } else {
        match utf8_or_windows_1252(prefix, at_eof) {
            Windows1252 if is_mac_roman(prefix) => MacRoman,
            encoding => encoding,
        }
    };
    Sniffed::Text(encoding)
}

/// UTF-8 unless invalid bytes outnumber valid multi-byte characters: a
/// UTF-8 file with one damaged cell stays UTF-8 (the cell is reported),
/// while a Windows-1252 file has accented letters that are never valid UTF-8.
fn utf8_or_windows_1252(prefix: &[u8], at_eof: bool) -> TextEncoding {
    let (mut multibyte, mut invalid) = (0usize, 0usize);
    let mut chunks = prefix.utf8_chunks().peekable();
    while let Some(chunk) = chunks.next() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        let last = chunks.peek().is_none();
        // A character cut off by the sniff window is not damage.
        if !(last && !at_eof && chunk.invalid().len() < 4) {
            invalid += usize::from(!chunk.invalid().is_empty());
        }
    }
    if invalid > 0 && invalid > multibyte {
        TextEncoding::Windows1252
    } else {
        TextEncoding::Utf8
    }
}

/// Whether text that is not UTF-8 is Mac Roman rather than Windows-1252:
/// its lines end in a lone CR (as Excel for Mac writes them), or most of
/// its bytes beyond ASCII lie in 0x80-0x9F, where Mac Roman has its
/// accented letters (é is 0x8E, ñ 0x96) and Windows-1252 only rare
/// symbols (Ž, –).
fn is_mac_roman(prefix: &[u8]) -> bool {
    let cr_only = prefix.contains(&b'\r') && !prefix.contains(&b'\n');
    let high = prefix.iter().filter(|&&b| b >= 0x80).count();
    let low_high = prefix
        .iter()
        .filter(|&&b| (0x80..=0x9F).contains(&b))
        .count();
    cr_only || (high > 0 && low_high * 2 > high)
}

/// ASCII text in UTF-16 has a NUL in every other byte.
fn utf16_without_bom(prefix: &[u8]) -> Option<TextEncoding> {
    let pairs = prefix.len() / 2;
    if pairs < 4 {
        return None;
    }
    let (mut even_zero, mut odd_zero) = (0, 0);
    for pair in prefix.chunks_exact(2) {
        even_zero += usize::from(pair[0] == 0);
        odd_zero += usize::from(pair[1] == 0);
    }
    if odd_zero * 10 >= pairs * 7 && even_zero * 10 < pairs {
        Some(TextEncoding::Utf16Le)
    } else if even_zero * 10 >= pairs * 7 && odd_zero * 10 < pairs {
        Some(TextEncoding::Utf16Be)
    } else {
        None
    }
}

/// Reads the sniff window from `inner`: as much as one read loop gives, up
/// to [`SNIFF_LEN`] bytes. Returns the bytes and whether the input ended.
pub(crate) fn read_prefix<R: Read>(inner: &mut R) -> io::Result<(Vec<u8>, bool)> {
    let mut prefix = vec![0; SNIFF_LEN];
    let mut filled = 0;
    while filled < prefix.len() {
        match inner.read(&mut prefix[filled..]) {
            Ok(0) => {
                prefix.truncate(filled);
                return Ok((prefix, true));
            }
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok((prefix, false))
}

/// Whether `prefix` is ASCII, but for perhaps the start of one character
/// cut off at its end: the sniff could not judge that character, so the
/// stream must, with the bytes that follow.
fn ascii_but_a_cut_character(prefix: &[u8]) -> bool {
    match prefix.iter().position(|b| !b.is_ascii()) {
        None => true,
        // What the sniff let pass as a character cut off by its window.
        Some(at) => prefix.len() - at < 4 && std::str::from_utf8(&prefix[at..]).is_err(),
    }
}

/// A stream of UTF-8 bytes: the prefix already read, then the rest of the
/// input, decoded from `encoding` when it is not UTF-8.
///
/// A file whose sniff window is all ASCII may still be Windows-1252: its
/// first accented name can come thousands of rows in. Until the first
/// non-ASCII byte the two read the same, so the stream decides there, by
/// the same rule as the sniff, and from then on decodes if it must
/// ([`Utf8Stream::became_windows_1252`] says so).
pub(crate) struct Utf8Stream<R> {
    inner: R,
    decoder: Option<Decoder>,
    /// Everything so far was ASCII: the encoding is not known yet.
    undecided: bool,
    /// Set when an undecided stream turned out to be Windows-1252.
    became_windows_1252: Arc<AtomicBool>,
    input: Vec<u8>,
    input_start: usize,
    input_end: usize,
    inner_done: bool,
    finished: bool,
    /// Decoded text not yet handed out (unused for UTF-8 input).
    decoded: Vec<u8>,
    decoded_start: usize,
    decoded_end: usize,
}

impl<R: Read> Utf8Stream<R> {
    pub(crate) fn new(inner: R, mut prefix: Vec<u8>, encoding: TextEncoding) -> Utf8Stream<R> {
        let decoder = match encoding {
            TextEncoding::Utf8 => None,
            TextEncoding::Utf8Bom => {
                prefix.drain(..3);
                None
            }
            TextEncoding::Windows1252 => Some(WINDOWS_1252.new_decoder_without_bom_handling()),
            TextEncoding::MacRoman => {
                Some(encoding_rs::MACINTOSH.new_decoder_without_bom_handling())
            }
            TextEncoding::Utf16Le => Some(UTF_16LE.new_decoder_with_bom_removal()),
            TextEncoding::Utf16Be => Some(UTF_16BE.new_decoder_with_bom_removal()),
        };
        let input_end = prefix.len();
        let undecided = encoding == TextEncoding::Utf8 && ascii_but_a_cut_character(&prefix);
        let decoder_present = decoder.is_some();
        // Decoding reads the input in chunks; give the buffer room to grow.
        if decoder.is_some() && prefix.len() < SNIFF_LEN {
            prefix.resize(SNIFF_LEN, 0);
        }
        Utf8Stream {
            inner,
            decoder,
            undecided,
            became_windows_1252: Arc::new(AtomicBool::new(false)),
            input: prefix,
            input_start: 0,
            input_end,
            inner_done: false,
            finished: false,
            decoded: if decoder_present {
                vec![0; SNIFF_LEN]
            } else {
                Vec::new()
            },
            decoded_start: 0,
            decoded_end: 0,
        }
    }

    /// A flag that turns true if the stream, read as UTF-8 while all it
    /// had seen was ASCII, found Windows-1252 text and decodes it from there.
    pub(crate) fn became_windows_1252(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.became_windows_1252)
    }

    /// At the first non-ASCII byte of an undecided stream: looks at what
    /// follows (at least a whole character's worth, when there is more)
    /// and decides between UTF-8 and Windows-1252.
    fn decide(&mut self) -> io::Result<()> {
        // Move what is left to the front and read more behind it, so that a
        // character is never judged by a part of it.
        if self.input_end - self.input_start < 4 && !self.inner_done {
            self.input.copy_within(self.input_start..self.input_end, 0);
            self.input_end -= self.input_start;
            self.input_start = 0;
            while self.input_end < 4 && !self.inner_done {
                match self.inner.read(&mut self.input[self.input_end..]) {
                    Ok(0) => self.inner_done = true,
                    Ok(n) => self.input_end += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        }
        self.undecided = false;
        let ahead = &self.input[self.input_start..self.input_end];
        if utf8_or_windows_1252(ahead, self.inner_done) == TextEncoding::Windows1252 {
            self.decoder = Some(WINDOWS_1252.new_decoder_without_bom_handling());
            self.decoded = vec![0; SNIFF_LEN];
            self.became_windows_1252.store(true, Ordering::Relaxed);
        }
        Ok(())
    }

    fn refill(&mut self) -> io::Result<()> {
        if self.input_start == self.input_end && !self.inner_done {
            self.input_start = 0;
            self.input_end = 0;
            if self.input.is_empty() {
                self.input.resize(SNIFF_LEN, 0);
            }
            loop {
                match self.inner.read(&mut self.input) {
                    Ok(0) => {
                        self.inner_done = true;
                        break;
                    }
                    Ok(n) => {
                        self.input_end = n;
                        break;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Utf8Stream<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            if self.decoded_start < self.decoded_end {
                let ready = &self.decoded[self.decoded_start..self.decoded_end];
                let n = ready.len().min(out.len());
                out[..n].copy_from_slice(&ready[..n]);
                self.decoded_start += n;
                return Ok(n);
            }
            self.refill()?;
            if self.undecided && self.input_start < self.input_end {
                let pending = &self.input[self.input_start..self.input_end];
                let window = &pending[..pending.len().min(out.len())];
                // ASCII is the same in either encoding: pass it on.
                let ascii = if window.is_ascii() {
                    window.len()
                } else {
                    window.iter().position(|b| !b.is_ascii()).unwrap_or(0)
                };
                if ascii == 0 {
                    self.decide()?;
                    continue;
                }
                out[..ascii].copy_from_slice(&window[..ascii]);
                self.input_start += ascii;
                return Ok(ascii);
            }
            let pending = &self.input[self.input_start..self.input_end];
            let Some(decoder) = self.decoder.as_mut() else {
                // UTF-8: pass the bytes through untouched.
                let n = pending.len().min(out.len());
                out[..n].copy_from_slice(&pending[..n]);
                self.input_start += n;
                return Ok(n);
            };
            if self.finished {
                return Ok(0);
            }
            let last = self.inner_done;
            let (result, read, written, _) =
                decoder.decode_to_utf8(pending, &mut self.decoded, last);
            self.input_start += read;
            self.decoded_start = 0;
            self.decoded_end = written;
            if last && result == encoding_rs::CoderResult::InputEmpty {
                self.finished = written == 0 || self.input_start == self.input_end;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> (TextEncoding, String) {
        let mut input = bytes;
        let (prefix, eof) = read_prefix(&mut input).expect("in memory");
        let Sniffed::Text(encoding) = sniff(&prefix, eof) else {
            panic!("not text");
        };
        let mut text = String::new();
        Utf8Stream::new(input, prefix, encoding)
            .read_to_string(&mut text)
            .expect("valid UTF-8 out");
        (encoding, text)
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(
            decode("a,é\n".as_bytes()),
            (TextEncoding::Utf8, "a,é\n".into())
        );
        assert_eq!(
            decode(b"\xEF\xBB\xBFa,b\n"),
            (TextEncoding::Utf8Bom, "a,b\n".into())
        );
    }

    #[test]
    fn windows_1252_is_decoded_not_mangled() {
        assert_eq!(
            decode(b"Jos\xe9,Pe\xf1a\r\n"),
            (TextEncoding::Windows1252, "José,Peña\r\n".into())
        );
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let text = "student_id\tnombre\nJosé\tÑ\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&le), (TextEncoding::Utf16Le, text.into()));
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&be), (TextEncoding::Utf16Be, text.into()));
    }

    #[test]
    fn large_inputs_decode_across_chunks() {
        let line = "Zoë,Müller,ñ\n";
        let text = line.repeat(20_000);
        let latin: Vec<u8> = text
            .chars()
            .map(|c| u8::try_from(u32::from(c)).expect("latin-1"))
            .collect();
        assert_eq!(decode(&latin).1, text);
    }

    /// Hands out its bytes `step` at a time, as a pipe or socket may.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.bytes.len().min(self.step).min(out.len());
            out[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    /// Decodes `bytes` read `step` at a time, in reads of `chunk` bytes.
    /// Reads `bytes` as the reader does, `step` bytes a read from the
    /// source and `chunk` at a time out of the stream: the encoding sniffed,
    /// whether the stream turned to Windows-1252 later, and what came out.
    fn stream(bytes: &[u8], step: usize, chunk: usize) -> (TextEncoding, bool, Vec<u8>) {
        let mut input = Trickle { bytes, step };
        let (prefix, eof) = read_prefix(&mut input).expect("in memory");
        let Sniffed::Text(encoding) = sniff(&prefix, eof) else {
            panic!("not text");
        };
        let mut stream = Utf8Stream::new(input, prefix, encoding);
        let flag = stream.became_windows_1252();
        let mut out = Vec::new();
        let mut buffer = vec![0; chunk];
        loop {
            match stream.read(&mut buffer).expect("in memory") {
                0 => return (encoding, flag.load(Ordering::Relaxed), out),
                n => out.extend_from_slice(&buffer[..n]),
            }
        }
    }

    fn decode_trickled(bytes: &[u8], step: usize, chunk: usize) -> (bool, String) {
        let (encoding, late, out) = stream(bytes, step, chunk);
        assert_eq!(encoding, TextEncoding::Utf8);
        (late, String::from_utf8(out).expect("valid UTF-8 out"))
    }

    #[test]
    fn windows_1252_found_after_an_ascii_sniff_window_is_decoded_from_there() {
        let ascii = "student_id,first_name\r\n".to_owned() + &"000001,Ann\r\n".repeat(8000);
        assert!(ascii.len() > SNIFF_LEN);
        let mut latin = ascii.clone().into_bytes();
        latin.extend_from_slice(b"000002,Jos\xe9\r\n000003,Pe\xf1a\r\n");
        let mut utf8 = ascii.clone().into_bytes();
        utf8.extend_from_slice("000002,José\r\n000003,Peña\r\n".as_bytes());
        let expected = ascii + "000002,José\r\n000003,Peña\r\n";
        // Any way the bytes arrive and are asked for, even one at a time.
        for (step, chunk) in [
            (usize::MAX, 8192),
            (1, 8192),
            (3, 1),
            (SNIFF_LEN, 7),
            (5000, 3),
        ] {
            assert_eq!(
                decode_trickled(&latin, step, chunk),
                (true, expected.clone()),
                "{step} {chunk}"
            );
            assert_eq!(
                decode_trickled(&utf8, step, chunk),
                (false, expected.clone()),
                "{step} {chunk}"
            );
        }
        // The same rule as the sniff: a byte that starts no UTF-8 character
        // and nothing valid beside it is Windows-1252, even at the very end.
        let mut cut = b"a,b\n".repeat(20_000);
        cut.extend_from_slice(b"x,\xc3");
        let (late, text) = {
            let mut input = cut.as_slice();
            let (prefix, eof) = read_prefix(&mut input).expect("in memory");
            let mut stream = Utf8Stream::new(input, prefix, TextEncoding::Utf8);
            let flag = stream.became_windows_1252();
            let mut out = Vec::new();
            stream.read_to_end(&mut out).expect("in memory");
            assert!(!eof);
            (flag.load(Ordering::Relaxed), out)
        };
        assert!(late, "a lone lead byte at the end reads as Windows-1252");
        assert_eq!(
            String::from_utf8(text)
                .ok()
                .as_deref()
                .map(|t| t.ends_with("x,\u{c3}")),
            Some(true)
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

        /// However the bytes arrive, an ASCII start of any length followed
        /// by UTF-8 passes through unchanged, and followed by Windows-1252
        /// text comes out as that text decoded.
        #[test]
        fn a_late_first_accent_decides_the_encoding(
            ascii_len in 0usize..(SNIFF_LEN + 8000),
            words in proptest::collection::vec(("[a-z]{1,6}", 0xC0u8..=0xFF), 1..40),
            step in 1usize..9000,
            chunk in 1usize..9000,
        ) {
            let mut ascii: Vec<u8> = b"student_id,name\n".iter().copied().cycle().take(ascii_len).collect();
            ascii.push(b'\n');
            // Each accented letter followed by an ASCII one: never UTF-8.
            let mut latin = ascii.clone();
            let mut text = String::from_utf8(ascii.clone()).expect("ASCII");
            for (word, accented) in &words {
                latin.push(*accented);
                latin.extend_from_slice(word.as_bytes());
                text.push(char::from(*accented));
                text.push_str(word);
            }
            proptest::prop_assert_eq!(stream(&latin, step, chunk).2, text.clone().into_bytes());
            let utf8 = text.into_bytes();
            proptest::prop_assert_eq!(stream(&utf8, step, chunk).2, utf8.clone());
        }
    }

    /// The sniff window ending on the first byte of an accented letter:
    /// the sniff cannot judge it, so the stream does, with what follows.
    #[test]
    fn a_character_cut_by_the_end_of_the_sniff_window_is_judged_by_the_stream() {
        let ascii: Vec<u8> = b"student_id,name\n"
            .iter()
            .copied()
            .cycle()
            .take(SNIFF_LEN - 1)
            .collect();
        for lead in [0xC0u8, 0xC3, 0xE9, 0xF1] {
            let mut latin = ascii.clone();
            latin.extend_from_slice(&[lead, b'a', b'\n']);
            let mut expected = String::from_utf8(ascii.clone()).expect("ASCII");
            expected.push(char::from(lead));
            expected.push_str("a\n");
            for (step, chunk) in [(1, 1), (usize::MAX, 8192), (7, 3)] {
                assert_eq!(
                    decode_trickled(&latin, step, chunk),
                    (true, expected.clone()),
                    "{lead:x} {step} {chunk}"
                );
            }
        }
        let mut utf8 = ascii.clone();
        utf8.extend_from_slice("Àa\n".as_bytes());
        assert_eq!(
            decode_trickled(&utf8, 1, 1),
            (false, String::from_utf8(utf8.clone()).expect("UTF-8"))
        );
    }

    #[test]
    fn spreadsheets_are_not_text() {
        assert!(matches!(
            sniff(b"PK\x03\x04rest", false),
            Sniffed::NotText(NotText::Xlsx)
        ));
    }
}
