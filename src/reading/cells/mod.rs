//! Reading the cells of one row: each value checked and normalised, each
//! problem reported once with the row's line, the column and the value.

pub(crate) mod contact;
pub(crate) mod id;
pub(crate) mod language;
pub(crate) mod name;

use std::fmt;

use crate::column::Column;
use crate::diagnostic::message::{Arg, Message, detail, msg};
use crate::diagnostic::render::{is_bidi_control, is_format};
use crate::diagnostic::{Code, Diagnostic};
use crate::reading::header::Header;
use crate::values::placeholder::is_placeholder;
use crate::values::text::{is_spreadsheet_error, strip_formula_wrapper, strip_text_marker, trim};

/// A cell's outcome: a value, nothing written, or a problem (reported).
#[derive(Clone)]
pub(crate) enum Cell<T> {
    Usable(T),
    Empty,
    Unusable,
}

impl<T> Cell<T> {
    pub(crate) fn usable(self) -> Option<T> {
        match self {
            Cell::Usable(value) => Some(value),
            Cell::Empty | Cell::Unusable => None,
        }
    }
}

pub(crate) struct Cells<'a> {
    pub(crate) header: &'a Header,
    pub(crate) record: &'a csv::ByteRecord,
    /// The whole record's bytes as text, when they are valid UTF-8 (nearly
    /// always): one check for the row, not one per cell.
    pub(crate) text: Option<&'a str>,
}

impl Cells<'_> {
    /// The trimmed text of `column`: `Empty` when blank or absent,
    /// `Unusable` (reported) when not valid UTF-8.
    pub(crate) fn text<'c>(&'c self, column: Column, out: &mut Out<'_>) -> Cell<&'c str> {
        let Some(at) = self.header.position(column) else {
            return Cell::Empty;
        };
        let Some(bytes) = self.record.get(at) else {
            return Cell::Empty;
        };
        // A record's cells lie side by side in its bytes: when those are
        // valid text, a cell that starts and ends on character boundaries
        // is valid text too (`str::get` checks). A cell whose own bytes are
        // broken fails that check, and is checked, and reported, alone.
        let decoded = match self
            .text
            .zip(self.record.range(at))
            .and_then(|(text, range)| text.get(range))
        {
            Some(text) => Ok(text),
            None => std::str::from_utf8(bytes),
        };
        match decoded {
            Ok(text) => {
                // An ID keeps the characters that do not show around it:
                // its rules remove them and say so.
                let mut text = match column {
                    Column::StudentId | Column::GuardianId => text.trim(),
                    _ => trim(text),
                };
                if broken_utf8_read_as_windows_1252(text) {
                    out.push(
                        Code::GarbledText,
                        Some(column),
                        Some(text),
                        msg!(
                            "the {} {} holds bytes that look like broken UTF-8 (an overlong or surrogate sequence), which were read as Windows-1252 letters; check the value against the SIS, and export the file again as UTF-8",
                            column.label(),
                            Arg::Value,
                        ),
                    );
                }
                // IDs undo spreadsheet damage themselves.
                if !matches!(column, Column::StudentId | Column::GuardianId) {
                    // Excel's text marker, as the errors file writes it
                    // before a value a spreadsheet would run.
                    if let Some(rest) = strip_text_marker(text) {
                        out.push(
                            Code::TextMarker,
                            Some(column),
                            Some(text),
                            msg!(
                                "the {} {} started with a spreadsheet text marker ('), which was removed",
                                column.label(),
                                Arg::Value,
                            ),
                        );
                        text = rest.trim();
                    }
                    // `="3125550142"`: the formula some exports wrap every
                    // cell in so that a spreadsheet keeps it as text.
                    if let Some(inner) = strip_formula_wrapper(text) {
                        out.push(
                            Code::TextMarker,
                            Some(column),
                            Some(text),
                            msg!(
                                "the {} {} was wrapped in a spreadsheet formula (=\"...\") to keep it as text, which was removed",
                                column.label(),
                                Arg::Value,
                            ),
                        );
                        text = trim(inner);
                    }
                }
                if text.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Usable(text)
                }
            }
            Err(e) => {
                let lossy = String::from_utf8_lossy(bytes);
                out.push(
                    Code::InvalidText,
                    Some(column),
                    Some(&lossy),
                    msg!(
                        "the {} holds bytes that are not valid UTF-8 text (at byte {} of the cell); save the file as \"CSV UTF-8\" and upload it again",
                        column.label(),
                        e.valid_up_to() + 1,
                    ),
                );
                Cell::Unusable
            }
        }
    }
}

/// Where a row's diagnostics go, each with the row's line.
pub(crate) struct Out<'a> {
    pub(crate) line: u64,
    pub(crate) diagnostics: &'a mut Vec<Diagnostic>,
}

impl Out<'_> {
    /// Reports a cell that cannot be used: "the mobile phone X is too short".
    fn cell_problem<T>(
        &mut self,
        code: Code,
        column: Column,
        raw: &str,
        error: &dyn fmt::Display,
    ) -> Cell<T> {
        self.push(
            code,
            Some(column),
            Some(raw),
            msg!("the {} {} {}", column.label(), Arg::Value, detail(error)),
        );
        Cell::Unusable
    }

    /// Sets the suggestion of the diagnostic just added, if there is one.
    fn suggest(&mut self, meant: Option<&str>) {
        if let (Some(meant), Some(diagnostic)) = (meant, self.diagnostics.last_mut()) {
            diagnostic.suggestion = Some(meant.to_owned());
        }
    }

    /// Adds a diagnostic whose message starts with `Line N: `.
    pub(crate) fn push(
        &mut self,
        code: Code,
        column: Option<Column>,
        value: Option<&str>,
        message: Message,
    ) {
        let mut diagnostic = Diagnostic::with_message(code, self.line, message.lined());
        diagnostic.column = column;
        diagnostic.value = value.map(str::to_owned);
        self.diagnostics.push(diagnostic);
    }
}

/// An optional cell's text, or, when there is none to read, what the
/// cell is: empty, unusable (reported), or a placeholder such as `N/A`
/// (reported, read as empty).
pub(crate) fn optional_text<'c, T>(
    cells: &'c Cells<'_>,
    column: Column,
    out: &mut Out<'_>,
) -> Result<&'c str, Cell<T>> {
    let raw = match cells.text(column, out) {
        Cell::Usable(raw) => raw,
        Cell::Empty => return Err(Cell::Empty),
        Cell::Unusable => return Err(Cell::Unusable),
    };
    match placeholder(raw, column, out) {
        Some(empty) => Err(empty),
        None => Ok(raw),
    }
}

/// An ID or email holding a formatting character (a BiDi override that
/// makes `G-12` show as another ID, a zero-width space that makes two
/// logins look alike): refused as `invalid_text`, naming the character.
/// Invisible characters at a cell's edges were already trimmed.
pub(crate) fn hidden_formatting<T>(
    raw: &str,
    column: Column,
    out: &mut Out<'_>,
) -> Option<Cell<T>> {
    // No formatting character is ASCII. Zero-width spaces are named by the
    // ID and address rules.
    if raw.is_ascii() {
        return None;
    }
    let c = raw
        .chars()
        .find(|&c| is_format(c) && !crate::values::text::is_invisible(c))?;
    out.push(
        Code::InvalidText,
        Some(column),
        Some(raw),
        msg!(
            "the {} contains {}, which changes how it shows (two different values can look the same); type it again",
            column.label(),
            describe_format(c),
        ),
    );
    Some(Cell::Unusable)
}

/// `U+202E (a right-to-left override)`, for a message.
pub(crate) fn describe_format(c: char) -> String {
    let what = if is_bidi_control(c) {
        "a right-to-left or left-to-right control"
    } else {
        "an invisible formatting character"
    };
    format!("U+{:04X} ({what})", u32::from(c))
}

/// The text `text` was before its UTF-8 bytes were read as Windows-1252
/// and saved again (`JosÃ©` -> `José`), if it shows that damage: every
/// character maps back to a Windows-1252 byte and those bytes are UTF-8
/// with letters beyond ASCII. Real names never read so (`João` does not:
/// `ã` and `o` are not UTF-8 as bytes).
pub(crate) fn undo_mojibake(text: &str) -> Option<String> {
    // A UTF-8 lead byte read as Windows-1252 is one of `Â` to `ô`.
    if text.is_ascii() || !text.chars().any(|c| ('\u{c2}'..='\u{f4}').contains(&c)) {
        return None;
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    if unmappable {
        return None;
    }
    let meant = std::str::from_utf8(&bytes).ok()?;
    (meant != text && !meant.is_ascii()).then(|| meant.to_owned())
}

/// Whether `text`, as Windows-1252 bytes, holds the shape of a UTF-8
/// character that UTF-8 forbids: an overlong form (`C0 80`) or a surrogate
/// (`ED A0 80`). A file ASCII but for such bytes is read as Windows-1252,
/// and the cell then shows letters no one typed (`Ã€`, `í €`).
pub(crate) fn broken_utf8_read_as_windows_1252(text: &str) -> bool {
    // Lead bytes of the forbidden forms, as Windows-1252 letters: `À`, `Á`
    // (overlong two-byte), `à` (overlong three-byte), `í` (surrogates),
    // `ð` (overlong four-byte), `ô`..`÷` (past U+10FFFF).
    if text.is_ascii()
        || !text.chars().any(|c| {
            matches!(
                c,
                '\u{c0}' | '\u{c1}' | '\u{e0}' | '\u{ed}' | '\u{f0}' | '\u{f4}'..='\u{f7}'
            )
        })
    {
        return false;
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    if unmappable {
        return false;
    }
    let continuation = |b: Option<&u8>| b.is_some_and(|b| (0x80..=0xbf).contains(b));
    bytes.iter().enumerate().any(|(at, &lead)| {
        let next = bytes.get(at + 1);
        match lead {
            0xc0 | 0xc1 => continuation(next),
            0xe0 => {
                next.is_some_and(|b| (0x80..=0x9f).contains(b)) && continuation(bytes.get(at + 2))
            }
            0xed => {
                next.is_some_and(|b| (0xa0..=0xbf).contains(b)) && continuation(bytes.get(at + 2))
            }
            0xf0 => {
                next.is_some_and(|b| (0x80..=0x8f).contains(b)) && continuation(bytes.get(at + 2))
            }
            0xf4 => {
                next.is_some_and(|b| (0x90..=0xbf).contains(b)) && continuation(bytes.get(at + 2))
            }
            0xf5..=0xf7 => continuation(next) && continuation(bytes.get(at + 2)),
            _ => false,
        }
    })
}

/// A placeholder in an optional cell is no value: say so, read it as empty.
pub(crate) fn placeholder<T>(raw: &str, column: Column, out: &mut Out<'_>) -> Option<Cell<T>> {
    is_placeholder(raw).then(|| placeholder_read_as_empty(raw, column, out))
}

pub(crate) fn placeholder_read_as_empty<T>(
    raw: &str,
    column: Column,
    out: &mut Out<'_>,
) -> Cell<T> {
    out.push(
        Code::Placeholder,
        Some(column),
        Some(raw),
        msg!(
            "the {} {} is a placeholder, read as empty",
            column.label(),
            Arg::Value,
        ),
    );
    Cell::Empty
}

/// Words for a spreadsheet error value in a cell, after "the {column} #N/A".
const SPREADSHEET_ERROR: &str = "is a spreadsheet error value (a formula failed), not data; fix it in the spreadsheet and export again";

/// Reports a contact or language cell holding a spreadsheet error value.
pub(crate) fn spreadsheet_error<T>(
    raw: &str,
    column: Column,
    code: Code,
    out: &mut Out<'_>,
) -> Option<Cell<T>> {
    is_spreadsheet_error(raw).then(|| out.cell_problem(code, column, raw, &SPREADSHEET_ERROR))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_garbled_by_a_wrong_encoding_is_recognised() {
        for (garbled, meant) in [
            ("JosÃ©", "José"),
            ("MuÃ±oz", "Muñoz"),
            ("Ã\u{81}lvaro", "Álvaro"),
            ("ZoÃ« Nguyá»…n", "Zoë Nguyễn"),
            ("BjÃ¶rk", "Björk"),
        ] {
            assert_eq!(undo_mojibake(garbled).as_deref(), Some(meant), "{garbled}");
        }
        // Real names, however accented, are left alone.
        for name in [
            "José", "João", "Ãngel", "Nguyễn", "Zoë", "Ana", "李娜", "Âme",
        ] {
            assert_eq!(undo_mojibake(name), None, "{name}");
        }
    }
}
