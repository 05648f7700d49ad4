//! The first and last name cells: required, kept as written; formulas,
//! placeholders and text garbled by a wrong encoding named.

use crate::column::Column;
use crate::diagnostic::Code;
use crate::diagnostic::message::{Arg, msg, plain};
use crate::diagnostic::render::is_format;
use crate::reading::cells::{Cell, Cells, Out, SPREADSHEET_ERROR, describe_format, undo_mojibake};
use crate::values::name::{MAX_NAME_LEN, Name};
use crate::values::placeholder::is_name_placeholder;
use crate::values::text::is_spreadsheet_error;

/// A name cell: required and kept as written; formulas and placeholders
/// are warned about, spreadsheet errors, control characters and over-long
/// names refused.
pub(crate) fn read_name(cells: &Cells<'_>, column: Column, out: &mut Out<'_>) -> Cell<Name> {
    let name = match cells.text(column, out) {
        Cell::Usable(name) => name,
        Cell::Empty => {
            out.push(
                Code::MissingValue,
                Some(column),
                None,
                msg!("the guardian's {} is empty", column.label(),),
            );
            return Cell::Unusable;
        }
        Cell::Unusable => return Cell::Unusable,
    };
    // Most names are a few ASCII letters: none of the checks below can
    // find anything in them but a placeholder (a property test holds each
    // check to that).
    if is_plain_name(name) {
        warn_placeholder(name, column, out);
        return Cell::Usable(Name::from(name));
    }
    // Stored, compared and reported in NFC.
    let composed = crate::values::text::nfc(name);
    let name: &str = &composed;
    // Joiners are part of how Persian and Indic names are written; other
    // formatting characters only change how a name shows.
    let format = (!name.is_ascii())
        .then(|| {
            name.chars()
                .find(|&c| is_format(c) && !matches!(c, '\u{200c}' | '\u{200d}'))
        })
        .flatten();
    if let Some(c) = format {
        out.push(
            Code::HiddenCharacter,
            Some(column),
            Some(name),
            msg!(
                "the guardian's {} contains {}, which changes how the name shows but is not part of it; it is kept as written, but check the name in the SIS",
                column.label(),
                describe_format(c),
            ),
        );
    }
    if looks_like_formula(name) {
        out.push(
            Code::FormulaValue,
            Some(column),
            Some(name),
            msg!(
                "the guardian's {} {} looks like a spreadsheet formula; it is kept as written, but check it: a spreadsheet that opens it may run it",
                column.label(),
                Arg::Value,
            ),
        );
    }
    if let Some(meant) = undo_mojibake(name) {
        out.push(
            Code::GarbledText,
            Some(column),
            Some(name),
            msg!(
                "the guardian's {} {} looks garbled by a wrong text encoding (UTF-8 read as Windows-1252), probably {}; it is kept as written: correct it in the SIS, or export the file again as UTF-8",
                column.label(),
                Arg::Value,
                Arg::Suggestion,
            ),
        );
        out.suggest(Some(&meant));
    }
    let problem = if is_spreadsheet_error(name) {
        Some(SPREADSHEET_ERROR.to_owned())
    } else if name.chars().any(char::is_control) {
        Some("contains a control character or line break".to_owned())
    } else if name.chars().count() > MAX_NAME_LEN {
        Some(format!("is longer than {MAX_NAME_LEN} characters"))
    } else {
        None
    };
    if problem.is_none() {
        warn_placeholder(name, column, out);
    }
    match problem {
        Some(problem) => {
            out.push(
                Code::InvalidName,
                Some(column),
                Some(name),
                msg!("the guardian's {} {}", column.label(), plain(problem),),
            );
            Cell::Unusable
        }
        None => Cell::Usable(Name::from(name)),
    }
}

/// `Unknown`, `Parent`, `N/A`: warned about, kept.
fn warn_placeholder(name: &str, column: Column, out: &mut Out<'_>) {
    if is_name_placeholder(name) {
        out.push(
            Code::PlaceholderName,
            Some(column),
            Some(name),
            msg!(
                "the guardian's {} {} is a placeholder, not a name; it is kept as written so the guardian can still be reached, but put the real name in the SIS",
                column.label(),
                Arg::Value,
            ),
        );
    }
}

/// A name of the common shape: an ASCII letter, then ASCII letters,
/// spaces, apostrophes, hyphens and periods, within the length limit.
fn is_plain_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.len() <= MAX_NAME_LEN
        && bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphabetic() || matches!(b, b' ' | b'\'' | b'-' | b'.'))
}

/// `=...`, `@...`, or `+`/`-` before something other than a digit.
pub(crate) fn looks_like_formula(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some('=' | '@') => true,
        Some('+' | '-') => chars
            .next()
            .is_some_and(|c| !c.is_ascii_digit() && !c.is_whitespace()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_are_ascii_letters_and_name_punctuation() {
        for name in ["Ana", "O'Brien", "Smith-Jones", "St. John", "Mary Ann"] {
            assert!(is_plain_name(name), "{name}");
        }
        for name in [
            "",
            "-Ana",
            "=A1",
            "#N/A",
            "Zo\u{eb}",
            "Ana2",
            "Ana\t",
            &"a".repeat(MAX_NAME_LEN + 1),
        ] {
            assert!(!is_plain_name(name), "{name:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3_000))]

        /// What the fast path skips finds nothing in a plain name: the
        /// full path's every check but the placeholder one is clear.
        #[test]
        fn the_checks_a_plain_name_skips_find_nothing(
            name in "[A-Za-z][A-Za-z '.-]{0,30}|[A-Za-z][!-~ ]{0,12}|\\PC{0,8}",
        ) {
            if is_plain_name(&name) {
                let composed = crate::values::text::nfc(&name);
                proptest::prop_assert_eq!(&*composed, name.as_str());
                proptest::prop_assert!(!looks_like_formula(&name));
                proptest::prop_assert!(undo_mojibake(&name).is_none());
                proptest::prop_assert!(!is_spreadsheet_error(&name));
                proptest::prop_assert!(!name.chars().any(char::is_control));
                proptest::prop_assert!(!name.chars().any(is_format));
                proptest::prop_assert!(name.chars().count() <= MAX_NAME_LEN);
            }
        }
    }
}
