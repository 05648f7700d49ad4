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
