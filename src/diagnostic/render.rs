//! Text from the file, made safe to show: what a terminal, a log viewer or
//! a support ticket would act on or hide is written out visibly.

use std::fmt;

/// Text from an upload, rendered with every character a terminal would act
/// on or a reader would not see written as a visible escape: control
/// characters (ESC, BEL, the C1 CSI U+009B, line breaks), Unicode format
/// characters (zero-width spaces and joiners, the byte-order mark, the
/// soft hyphen) and the BiDi controls that reorder what follows (U+202E,
/// U+2066...). Everything else is written as is.
///
/// [`crate::Diagnostic`]'s `Display` renders its message this way; use it
/// for any value from a file that an application prints.
///
/// ```
/// use guardian_roster::Visible;
///
/// assert_eq!(Visible("Ana\u{1b}[2J").to_string(), "Ana\\u{1b}[2J");
/// assert_eq!(Visible("G-12\u{202e}").to_string(), "G-12\\u{202e}");
/// assert_eq!(Visible("José Núñez").to_string(), "José Núñez");
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Visible<'a>(pub &'a str);

impl fmt::Display for Visible<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0;
        // The usual text has nothing to escape: printable ASCII is checked
        // a byte at a time, the rest a character at a time.
        let printable_ascii = text.bytes().all(|b| (0x20..0x7f).contains(&b));
        if printable_ascii || !text.chars().any(needs_escape) {
            return f.write_str(text);
        }
        let mut start = 0;
        for (at, c) in text.char_indices() {
            if needs_escape(c) {
                f.write_str(&text[start..at])?;
                write!(f, "\\u{{{:x}}}", u32::from(c))?;
                start = at + c.len_utf8();
            }
        }
        f.write_str(&text[start..])
    }
}

impl fmt::Debug for Visible<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Visible({} bytes)", self.0.len())
    }
}

/// Whether `c` is written as an escape: a control character, or one of
/// Unicode's format characters (general category Cf), line and paragraph
/// separators, and the interlinear annotation and tag characters.
pub(crate) fn needs_escape(c: char) -> bool {
    c.is_control() || is_format(c)
}

/// Unicode's format characters (Cf) and separators a terminal or a text
/// view treats as layout: invisible, or reordering what follows.
pub(crate) fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061c}'
            | '\u{06dd}'
            | '\u{070f}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0001}'
            | '\u{e0020}'..='\u{e007f}'
    )
}

/// Whether `c` is a BiDi control (embeddings, overrides, isolates, marks),
/// which reorders how the text around it is shown.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_sequences_are_written_out() {
        let shown = |text: &str| Visible(text).to_string();
        assert_eq!(
            shown("\u{1b}]8;;http://x\u{7}link"),
            "\\u{1b}]8;;http://x\\u{7}link"
        );
        assert_eq!(shown("a\u{9b}2Jb"), "a\\u{9b}2Jb");
        assert_eq!(shown("x\u{2066}y\u{2069}"), "x\\u{2066}y\\u{2069}");
        assert_eq!(shown("line\nbreak\r"), "line\\u{a}break\\u{d}");
        assert_eq!(shown("\u{200b}"), "\\u{200b}");
        assert_eq!(shown("Nguyễn Thị"), "Nguyễn Thị");
        assert!(is_bidi_control('\u{202e}') && !is_bidi_control('a'));
    }
}
