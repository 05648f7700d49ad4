//! A diagnostic's message as data: fixed words with holes, and what fills
//! each hole. The sentence is written when it is shown, never stored, and
//! redaction masks the personal arguments instead of searching the sentence
//! for them.

use std::fmt;

use crate::diagnostic::render::Visible;
use crate::values::text::mask;

/// What fills one `{}` of a message's words.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Arg {
    /// Fixed words: a column's label, a description of a problem.
    Words(&'static str),
    /// Words made for this message that hold no personal data: IDs, line
    /// numbers, a count, a list of IDs. Made by [`plain`] (and from a
    /// `String`), which keep a short text in [`Arg::Short`] instead.
    Plain(Box<str>),
    /// As [`Arg::Plain`], for a text of up to [`SHORT`] bytes, kept in the
    /// argument itself: most are one ID, and a message of a held link or a
    /// conflict names two, so a report of many such diagnostics makes no
    /// allocation for them.
    Short(Short),
    /// A number.
    Number(u64),
    /// What a value's rule says is wrong with it, which may quote part of
    /// the value (`carries a label (cell); write only the number,
    /// +13125550142`): once redacted, each word with an `@` or five digits
    /// is masked.
    Detail(Box<str>),
    /// The diagnostic's `value`, as it is (or masked, once redacted).
    Value,
    /// The diagnostic's `suggestion`, as it is (or masked, once redacted).
    Suggestion,
}

impl From<&'static str> for Arg {
    fn from(words: &'static str) -> Arg {
        Arg::Words(words)
    }
}

impl From<u64> for Arg {
    fn from(n: u64) -> Arg {
        Arg::Number(n)
    }
}

impl From<usize> for Arg {
    fn from(n: usize) -> Arg {
        Arg::Number(n as u64)
    }
}

impl From<String> for Arg {
    /// Text made for a message (IDs, lines, a list): not personal. What a
    /// value's rule says goes through [`detail`].
    fn from(text: String) -> Arg {
        match Short::new(&text) {
            Some(short) => Arg::Short(short),
            None => Arg::Plain(text.into_boxed_str()),
        }
    }
}

/// The longest text an [`Arg::Short`] holds: with its length, 23 bytes,
/// which beside the argument's tag is the room of the other arguments (a
/// pointer and a length), so that it costs nothing in size.
pub(crate) const SHORT: usize = 22;

/// A text of up to [`SHORT`] bytes, held inline (zero bytes after it, so
/// that equal texts are equal arguments).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Short {
    len: u8,
    bytes: [u8; SHORT],
}

impl Short {
    /// The empty text, to write into.
    const EMPTY: Short = Short {
        len: 0,
        bytes: [0; SHORT],
    };

    /// `text`, if it is short enough.
    fn new(text: &str) -> Option<Short> {
        let mut short = Short::EMPTY;
        fmt::Write::write_str(&mut short, text).ok()?;
        Some(short)
    }

    fn as_str(&self) -> &str {
        // Whole `str`s were copied in, so this is always UTF-8.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl fmt::Write for Short {
    /// Appends `text`, or fails (and leaves what was there) if it does
    /// not fit.
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let at = usize::from(self.len);
        let end = at + text.len();
        let room = self.bytes.get_mut(at..end).ok_or(fmt::Error)?;
        room.copy_from_slice(text.as_bytes());
        self.len = u8::try_from(end).map_err(|_| fmt::Error)?;
        Ok(())
    }
}

/// An argument saying what a value's rule found wrong (see [`Arg::Detail`]).
pub(crate) fn detail(text: impl fmt::Display) -> Arg {
    Arg::Detail(text.to_string().into_boxed_str())
}

/// An argument of words made for this message that hold no personal data.
/// A short text is written in place ([`Arg::Short`]); a longer one, or
/// one whose `Display` fails, is written again into a `String`.
pub(crate) fn plain(text: impl fmt::Display) -> Arg {
    let mut short = Short::EMPTY;
    if fmt::write(&mut short, format_args!("{text}")).is_ok() {
        return Arg::Short(short);
    }
    Arg::Plain(text.to_string().into_boxed_str())
}

/// The words of a message and its arguments, or, for a diagnostic made by
/// an application or read back from JSON, the sentence as it was given.
#[derive(Clone)]
pub(crate) enum Message {
    /// Words with `{}` holes, filled in order by `args`; `lined` messages
    /// start with `Line N: `, N being the diagnostic's line.
    Words {
        lined: bool,
        words: &'static str,
        args: Box<[Arg]>,
    },
    /// A sentence given whole.
    Given(Box<str>),
}

/// How many `{}` holes `words` has; the [`msg!`] macro checks it against
/// the arguments when the crate is compiled.
pub(crate) const fn holes(words: &str) -> usize {
    let bytes = words.as_bytes();
    let mut count = 0;
    let mut at = 0;
    while at + 1 < bytes.len() {
        if bytes[at] == b'{' && bytes[at + 1] == b'}' {
            count += 1;
        }
        at += 1;
    }
    count
}

/// Counts one argument of [`msg!`] (a const function, so the count is
/// known when the crate is compiled).
pub(crate) const fn one(_: &str) -> usize {
    1
}

/// A [`Message`] of fixed words with `{}` holes and one argument per hole
/// (checked when compiled). Arguments convert into [`Arg`]: `&'static str`
/// words, numbers, `String`s of plain words, [`detail`] text,
/// [`Arg::Value`] and [`Arg::Suggestion`].
macro_rules! msg {
    ($words:literal $(, $arg:expr)* $(,)?) => {{
        const _: () = assert!(
            $crate::diagnostic::message::holes($words) == 0 $(+ $crate::diagnostic::message::one(stringify!($arg)))*,
            "a message needs one argument per hole"
        );
        $crate::diagnostic::message::Message::words($words, Box::new([$($crate::diagnostic::message::Arg::from($arg)),*]))
    }};
}
pub(crate) use msg;

impl Message {
    /// Words and their arguments (use [`msg!`], which checks the count).
    pub(crate) fn words(words: &'static str, args: Box<[Arg]>) -> Message {
        Message::Words {
            lined: false,
            words,
            args,
        }
    }

    /// This message, starting with `Line N: `.
    pub(crate) fn lined(self) -> Message {
        match self {
            Message::Words { words, args, .. } => Message::Words {
                lined: true,
                words,
                args,
            },
            given => given,
        }
    }

    /// The same words with what may be personal masked (the value and
    /// the suggestion are masked in the diagnostic itself). A sentence given
    /// whole is masked by searching it for the value and the suggestion
    /// (the only way left for text the crate did not make).
    pub(crate) fn redacted(&self, masked: &[(&str, &str)]) -> Message {
        match self {
            Message::Words { lined, words, args } => Message::Words {
                lined: *lined,
                words,
                args: args
                    .iter()
                    .map(|arg| match arg {
                        Arg::Detail(text) => Arg::Detail(mask_words(text).into_boxed_str()),
                        other => other.clone(),
                    })
                    .collect(),
            },
            Message::Given(text) => {
                let mut text = text.to_string();
                for (plain, masked) in masked {
                    if !plain.is_empty() {
                        text = text.replace(plain, masked);
                    }
                }
                Message::Given(text.into_boxed_str())
            }
        }
    }

    /// Writes the sentence, filling the holes; `visible` escapes what a
    /// terminal would act on in text from the file.
    pub(crate) fn write(&self, f: &mut dyn fmt::Write, context: Context<'_>) -> fmt::Result {
        let (lined, words, args) = match self {
            Message::Words { lined, words, args } => (*lined, *words, args),
            Message::Given(text) => return context.text(f, text),
        };
        match (lined, context.source) {
            (false, _) => {}
            (true, None) => {
                f.write_str("Line ")?;
                write_number(f, context.line)?;
                f.write_str(": ")?;
            }
            (true, Some(spot)) => {
                context.text(f, &spot.file)?;
                f.write_str(" line ")?;
                write_number(f, spot.line)?;
                if let Some(column) = &spot.column {
                    f.write_str(" (")?;
                    context.text(f, column)?;
                    f.write_str(")")?;
                }
                f.write_str(": ")?;
            }
        }
        let mut args = args.iter();
        let bytes = words.as_bytes();
        // The words before the next hole start at `start`; a `{` not
        // followed by `}` is a word.
        let (mut start, mut from) = (0, 0);
        while let Some(found) = memchr::memchr(b'{', &bytes[from..]) {
            let at = from + found;
            if bytes.get(at + 1) != Some(&b'}') {
                from = at + 1;
                continue;
            }
            f.write_str(&words[start..at])?;
            match args.next() {
                Some(Arg::Words(words)) => f.write_str(words)?,
                Some(Arg::Plain(text) | Arg::Detail(text)) => context.text(f, text)?,
                Some(Arg::Short(text)) => context.text(f, text.as_str())?,
                Some(Arg::Number(n)) => write_number(f, *n)?,
                Some(Arg::Value) => context.text(f, context.value.unwrap_or(""))?,
                Some(Arg::Suggestion) => context.text(f, context.suggestion.unwrap_or(""))?,
                None => {}
            }
            start = at + 2;
            from = start;
        }
        f.write_str(&words[start..])
    }
}

/// Writes `n` in decimal, without the formatting machinery (a message
/// has a line number or two, and a report has many messages).
fn write_number(f: &mut dyn fmt::Write, mut n: u64) -> fmt::Result {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    f.write_str(std::str::from_utf8(&digits[at..]).unwrap_or_default())
}

/// `text` with each word that is an address (`a@b`) or holds five digits masked, the
/// punctuation around it kept: `(ana@example.com)` -> `(a***@example.com)`.
fn mask_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (at, word) in text.split(' ').enumerate() {
        if at > 0 {
            out.push(' ');
        }
        let core =
            word.trim_matches(|c: char| matches!(c, '(' | ')' | ',' | ';' | '.' | '"' | '\''));
        let digits = core.chars().filter(char::is_ascii_digit).count();
        let address = core
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty());
        if !(address || digits >= 5) {
            out.push_str(word);
            continue;
        }
        let start = word.find(core).unwrap_or(0);
        out.push_str(&word[..start]);
        out.push_str(&mask(core));
        out.push_str(&word[start + core.len()..]);
    }
    out
}

/// What a message's holes may refer to, and how to write text in it.
#[derive(Clone, Copy)]
pub(crate) struct Context<'a> {
    pub(crate) line: u64,
    /// Where in a OneRoster or Clever file the row came from: a lined
    /// message then starts with that file, line and column.
    pub(crate) source: Option<&'a crate::diagnostic::SourceSpot>,
    pub(crate) value: Option<&'a str>,
    pub(crate) suggestion: Option<&'a str>,
    /// Whether text is written [`Visible`] (for a terminal) or as it is.
    pub(crate) visible: bool,
}

impl Context<'_> {
    fn text(&self, f: &mut dyn fmt::Write, text: &str) -> fmt::Result {
        // Printable ASCII, the usual text, has nothing to escape.
        if !self.visible || text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            f.write_str(text)
        } else {
            write!(f, "{}", Visible(text))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(message: &Message, value: Option<&str>) -> String {
        let mut out = String::new();
        let context = Context {
            source: None,
            line: 7,
            value,
            suggestion: Some("G-1"),
            visible: false,
        };
        message.write(&mut out, context).unwrap();
        out
    }

    #[test]
    fn holes_are_filled_in_order() {
        let message = msg!(
            "the {} {} is not {} ({} of {}; {})",
            "email",
            Arg::Value,
            detail("ana@example.com"),
            3u64,
            String::from("G-7"),
            Arg::Suggestion
        )
        .lined();
        assert_eq!(
            render(&message, Some("ana@x")),
            "Line 7: the email ana@x is not ana@example.com (3 of G-7; G-1)"
        );
        assert_eq!(holes("a {} b {} c {"), 2);
        assert_eq!(holes("{x} x} {{}}"), 1);
        let braces = Message::words("{x} {} {", Box::new([Arg::Number(1)]));
        assert_eq!(render(&braces, None), "{x} 1 {");
        for n in [0, 7, 10, 31_457_285, u64::MAX] {
            let number = Message::words("{}", Box::new([Arg::Number(n)]));
            assert_eq!(render(&number, None), n.to_string());
        }
    }

    #[test]
    fn short_plain_texts_are_kept_inline_and_read_the_same() {
        // Inline, an argument takes no more room than a pointer and a
        // length beside the tag.
        assert_eq!(std::mem::size_of::<Arg>(), 24);
        let fits = "G-012345678901234567é"; // 22 bytes, the last two one letter
        let over = "G-0123456789012345678é"; // 23 bytes
        assert_eq!((fits.len(), over.len()), (SHORT, SHORT + 1));
        assert!(matches!(plain(fits), Arg::Short(_)));
        assert!(matches!(Arg::from(fits.to_owned()), Arg::Short(_)));
        assert!(matches!(plain(over), Arg::Plain(_)));
        assert!(matches!(Arg::from(over.to_owned()), Arg::Plain(_)));
        assert!(matches!(plain(""), Arg::Short(_)));
        // A `Display` that writes in pieces, over the room on its last.
        let pieces = format_args!("{}-{}", "G", "0123456789012345678901");
        assert!(matches!(plain(pieces), Arg::Plain(_)));
        for text in ["", "G-7", fits, over, "a list: G1, G2, G3, G4 and 5 more"] {
            // Equal texts are equal arguments, however made.
            assert!(plain(text) == Arg::from(text.to_owned()));
            let message = msg!("[{}]", plain(text));
            assert_eq!(render(&message, None), format!("[{text}]"));
        }
        assert!(plain("G-7") != plain("G-8"));
    }

    #[test]
    fn redaction_masks_what_may_be_personal_only() {
        let message = msg!(
            "{} and {} and {}",
            detail("to ana@example.com"),
            "words",
            plain("G-7")
        );
        assert_eq!(
            render(&message.redacted(&[]), None),
            "to a***@example.com and words and G-7"
        );
        let found = msg!(
            "the mobile {}",
            detail("carries a label (cell); write only the number, +13125550142.")
        );
        assert_eq!(
            render(&found.redacted(&[]), None),
            "the mobile carries a label (cell); write only the number, +1***42."
        );
        let words = msg!("{}", detail("has no domain ending after the @ (ana@x)"));
        assert_eq!(
            render(&words.redacted(&[]), None),
            "has no domain ending after the @ (a***@x)"
        );
        let given = Message::Given("Line 2: ana@x is wrong".into());
        assert_eq!(
            render(&given.redacted(&[("ana@x", "a***@x")]), None),
            "Line 2: a***@x is wrong"
        );
    }
}
