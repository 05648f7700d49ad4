//! One line split into cells by the tokenizer every row goes through:
//! finding the header and the delimiter sees quotes exactly as reading the
//! rows does, instead of by a scanner of its own.

use crate::reading::tokenizer::{Cut, Tokenizer};

/// The cells of `line` (one physical line, without its `\n`) split at
/// `delimiter` as the rows are read: quotes removed, `""` one quote. `None`
/// if a quote opened on the line is still open at its end, so that the cell
/// would run on to the next line. A blank line is one empty cell.
pub(crate) fn split_line(line: &[u8], delimiter: u8) -> Option<Vec<Vec<u8>>> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.is_empty() {
        return Some(vec![Vec::new()]);
    }
    let mut tokenizer = Tokenizer::with_buffer(line, delimiter, u64::MAX, usize::MAX, line.len());
    let mut record = csv::ByteRecord::new();
    let mut cuts = Vec::new();
    // A lone `\r` inside the line ends the first record there. Reading a
    // slice cannot fail.
    tokenizer.read_record(&mut record, &mut cuts).ok()??;
    if cuts.contains(&Cut::UnterminatedQuote) {
        return None;
    }
    Some(record.iter().map(<[u8]>::to_vec).collect())
}

/// The most frequent of `,` `;` and tab as a cell separator on the first
/// line of `text` (quoted ones are text), `,` when there is none.
pub(crate) fn detect_delimiter(text: &[u8]) -> u8 {
    let line = &text[..memchr::memchr(b'\n', text).unwrap_or(text.len())];
    let separators = |delimiter| split_line(line, delimiter).map_or(0, |cells| cells.len() - 1);
    // Ties go to the first: `,` then `;` then tab.
    [b',', b';', b'\t']
        .into_iter()
        .map(|delimiter| (separators(delimiter), delimiter))
        .fold(
            (0, b','),
            |best, next| if next.0 > best.0 { next } else { best },
        )
        .1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(line: &str, delimiter: u8) -> Option<Vec<String>> {
        split_line(line.as_bytes(), delimiter).map(|cells| {
            cells
                .into_iter()
                .map(|c| String::from_utf8_lossy(&c).into_owned())
                .collect()
        })
    }

    #[test]
    fn lines_split_as_the_rows_are_read() {
        assert_eq!(
            cells("a,b,c\r", b','),
            Some(vec!["a".into(), "b".into(), "c".into()])
        );
        assert_eq!(
            cells("\"Kim, Min\",\"say \"\"hi\"\"\",x", b','),
            Some(vec!["Kim, Min".into(), "say \"hi\"".into(), "x".into()])
        );
        // A quote inside an unquoted cell is text, as csv-core reads it.
        assert_eq!(cells("a\"b,c", b','), Some(vec!["a\"b".into(), "c".into()]));
        assert_eq!(cells("", b','), Some(vec![String::new()]));
        // One cell as long as the line; a lone CR ends the line.
        assert_eq!(
            cells("Guardian Contacts Export", b','),
            Some(vec!["Guardian Contacts Export".into()])
        );
        assert_eq!(cells("a,b\rc,d", b','), Some(vec!["a".into(), "b".into()]));
        assert_eq!(cells("\r", b';'), Some(vec![String::new()]));
        // A quote still open at the line's end runs on to the next line.
        assert_eq!(cells("a,\"b,c", b','), None);
    }

    #[test]
    fn delimiter_detection() {
        assert_eq!(detect_delimiter(b"a,b,c\n1;2"), b',');
        assert_eq!(detect_delimiter(b"a;b;c\n"), b';');
        assert_eq!(detect_delimiter(b"a\tb\tc"), b'\t');
        assert_eq!(detect_delimiter(b"\"a;b\",c\n"), b',');
        assert_eq!(detect_delimiter(b"\"a;b;c\";d,e,f\n"), b',');
        assert_eq!(detect_delimiter(b"a;b,c\n"), b',');
        assert_eq!(detect_delimiter(b"abc"), b',');
    }
}
