//! Small text rules shared by the cell readers: what counts as blank at
//! a cell's edges, and how names are compared ignoring case and spacing.

/// `str::trim`, and invisible characters at either end too (a zero-width
/// space from a web page, a byte-order mark where two files were joined),
/// with no work for the usual cell, which starts and ends with a visible
/// ASCII character.
pub(crate) fn trim(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim_matches(|c: char| c.is_whitespace() || is_invisible(c)),
    }
}

/// Characters that show as nothing: zero-width spaces and joiners, the
/// word joiner, the byte-order mark, the soft hyphen.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{00ad}'
    )
}

/// Lowercase, with one space between words: how lists of names and labels
/// are written, so that `Cell  Phone` finds `cell phone`.
pub(crate) fn fold_words(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !folded.is_empty() {
            folded.push(' ');
        }
        folded.extend(word.chars().flat_map(char::to_lowercase));
    }
    folded
}

/// The text in Unicode NFC, the form keyboards and most systems write:
/// `e` + U+0301 (as macOS exports and Vietnamese keyboards write it) is
/// `é`. ASCII, and text already in NFC, cost a scan and no allocation.
pub(crate) fn nfc(text: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.nfc().collect())
    }
}

/// The form of a name in which differences no one sees or means are gone:
/// capitals (lowercase), apostrophes (typographic, modifier letter,
/// backtick, acute accent: `'`), spaces (no-break, thin, ideographic: one
/// plain space), and hyphens (Unicode hyphen and no-break hyphen: `-`).
/// `Díaz` and `Diaz` stay apart: an accent is a spelling.
pub(crate) fn loose_name_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    let mut space = false;
    nfc_chars(text)
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{02bc}' | '\u{0060}' | '\u{00b4}' | '\u{2032}' => '\'',
            '\u{2010}' | '\u{2011}' => '-',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .filter(move |&c| {
            let repeated = c == ' ' && space;
            space = c == ' ';
            !repeated
        })
}

fn nfc_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    use unicode_normalization::UnicodeNormalization;
    text.nfc()
}

/// What spreadsheets write where a formula failed (`#N/A`, `#REF!`...):
/// the value the cell should hold is gone.
pub(crate) fn is_spreadsheet_error(cell: &str) -> bool {
    const ERRORS: &[&str] = &[
        "#N/A",
        "#N/A!",
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#ERROR!",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#GETTING_DATA",
    ];
    cell.starts_with('#') && ERRORS.iter().any(|e| cell.eq_ignore_ascii_case(e))
}

/// Masks a personal value for logs and shared reports, as
/// [`crate::Diagnostic::redacted`] does: an email keeps its first letter and
/// domain, a phone number its first and last two characters, anything
/// else its first character.
///
/// ```
/// use guardian_roster::mask;
///
/// assert_eq!(mask("jane.doe@example.com"), "j***@example.com");
/// assert_eq!(mask("+13125550142"), "+1***42");
/// assert_eq!(mask("Zelda"), "Z***");
/// ```
pub fn mask(value: &str) -> String {
    let value = value.trim();
    if let Some((local, domain)) = value.rsplit_once('@') {
        let first: String = local.chars().take(1).collect();
        return format!("{first}***@{domain}");
    }
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if digits >= 5 && digits * 2 >= value.chars().count() {
        let head: String = value.chars().take(2).collect();
        let tail: String = {
            let mut tail: Vec<char> = value.chars().rev().take(2).collect();
            tail.reverse();
            tail.into_iter().collect()
        };
        return format!("{head}***{tail}");
    }
    let first: String = value.chars().take(1).collect();
    format!("{first}***")
}

/// The text inside Excel's formula wrapper `="..."`, which exports put
/// around a cell so that a spreadsheet keeps it as text (`="00123"`), if
/// `text` is one: no quote inside. The one rule for IDs and other cells.
pub(crate) fn strip_formula_wrapper(text: &str) -> Option<&str> {
    text.strip_prefix("=\"")
        .and_then(|rest| rest.strip_suffix('"'))
        .filter(|inner| !inner.contains('"'))
}

/// The text after Excel's text marker `'` (`'00123`), if `text` starts
/// with one. The one rule for IDs and other cells.
pub(crate) fn strip_text_marker(text: &str) -> Option<&str> {
    text.strip_prefix('\'')
}

/// The longest text, in bytes, [`edit_distance_within`] measures.
pub(crate) const MAX_DISTANCE_TEXT: usize = 64;

/// The edit distance (insertions, deletions, substitutions; bytes) of `a`
/// and `b` if it is at most `max`, without allocating: one row of the
/// table, and a stop as soon as every entry of a row is over `max`. Texts
/// longer than [`MAX_DISTANCE_TEXT`] are never close. The one edit
/// distance of the crate: a misspelt header and a misspelt language.
pub(crate) fn edit_distance_within(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    if a.len() > MAX_DISTANCE_TEXT || b.len() > MAX_DISTANCE_TEXT {
        return None;
    }
    let mut row = [0usize; MAX_DISTANCE_TEXT + 1];
    for (j, cell) in row.iter_mut().enumerate().take(b.len() + 1) {
        *cell = j;
    }
    for (i, &ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        let mut smallest = row[0];
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
            smallest = smallest.min(row[j + 1]);
        }
        if smallest > max {
            return None;
        }
    }
    let distance = row[b.len()];
    (distance <= max).then_some(distance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_markers_are_peeled_one_layer_at_a_time() {
        assert_eq!(strip_formula_wrapper("=\"00123\""), Some("00123"));
        assert_eq!(strip_formula_wrapper("=\"'00123\""), Some("'00123"));
        assert_eq!(strip_formula_wrapper("=\"a\"b\""), None);
        assert_eq!(strip_formula_wrapper("=\"00123"), None);
        assert_eq!(strip_formula_wrapper("00123"), None);
        assert_eq!(strip_text_marker("'00123"), Some("00123"));
        assert_eq!(strip_text_marker("00'123"), None);
    }

    #[test]
    fn edit_distance_counts_edits_up_to_its_bound() {
        assert_eq!(edit_distance_within(b"studentid", b"studentid", 4), Some(0));
        assert_eq!(edit_distance_within(b"studnetid", b"studentid", 4), Some(2));
        assert_eq!(edit_distance_within(b"", b"abc", 3), Some(3));
        assert_eq!(edit_distance_within(b"", b"abc", 2), None);
        assert_eq!(edit_distance_within(b"kitten", b"sitting", 3), Some(3));
        assert_eq!(edit_distance_within(b"abcdef", b"uvwxyz", 2), None);
        let long = [b'a'; MAX_DISTANCE_TEXT + 1];
        assert_eq!(edit_distance_within(&long, &long, 5), None);
        let longest = [b'a'; MAX_DISTANCE_TEXT];
        assert_eq!(edit_distance_within(&longest, &longest, 5), Some(0));
    }

    #[test]
    fn nfc_composes_and_leaves_ascii_and_composed_text_borrowed() {
        assert_eq!(nfc("Jose\u{301}"), "Jos\u{e9}");
        assert_eq!(nfc("Tra\u{302}\u{300}n"), "Tr\u{1ea7}n");
        assert!(matches!(nfc("Ana"), std::borrow::Cow::Borrowed(_)));
        assert!(matches!(nfc("Jos\u{e9}"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn loose_names_ignore_capitals_apostrophes_and_spaces_but_not_accents() {
        let loose = |text: &str| loose_name_chars(text).collect::<String>();
        assert_eq!(loose("O\u{2019}Brien"), loose("o'brien"));
        assert_eq!(loose("Ana\u{a0}María"), loose("Ana  Mari\u{301}a"));
        assert_eq!(loose("Smith\u{2011}Jones"), "smith-jones");
        assert_ne!(loose("D\u{ed}az"), loose("Diaz"));
    }
}
