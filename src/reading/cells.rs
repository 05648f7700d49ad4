//! Reading the cells of one row: each value checked and normalised, each
//! problem reported once with the row's line, the column and the value.

use std::fmt;

use foldhash::HashMap;

use crate::column::Column;
use crate::diagnostic::message::{Arg, Message, detail, msg, plain};
use crate::diagnostic::render::{is_bidi_control, is_format};
use crate::diagnostic::{Code, Diagnostic};
use crate::reading::header::Header;
use crate::values::email::{Email, EmailError};
use crate::values::id::{IdError, ParsedId};
use crate::values::language::Language;
use crate::values::name::{MAX_NAME_LEN, Name};
use crate::values::phone::{Phone, PhoneError, PhoneParser};
use crate::values::placeholder::{
    LANGUAGE_PLACEHOLDERS, is_dummy_number, is_name_placeholder, is_placeholder,
};
use crate::values::text::{is_spreadsheet_error, trim};

/// Distinct language spellings remembered at most.
const LANGUAGE_MEMO: usize = 4096;

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
                    if let Some(rest) = text.strip_prefix('\'') {
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
                    if let Some(inner) = text
                        .strip_prefix("=\"")
                        .and_then(|rest| rest.strip_suffix('"'))
                        .filter(|inner| !inner.contains('"'))
                    {
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
fn optional_text<'c, T>(
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

/// An ID cell: required; spreadsheet damage repaired with a warning, or
/// refused when the ID is lost.
pub(crate) fn read_id<T>(
    cells: &Cells<'_>,
    column: Column,
    out: &mut Out<'_>,
    parse: fn(&str) -> Result<ParsedId<T>, IdError>,
) -> Cell<T> {
    let raw = match cells.text(column, out) {
        Cell::Usable(raw) => raw,
        Cell::Empty => {
            out.push(
                Code::MissingValue,
                Some(column),
                None,
                msg!(
                    "the {} is empty; every row needs a {}",
                    column.label(),
                    column.label(),
                ),
            );
            return Cell::Unusable;
        }
        Cell::Unusable => return Cell::Unusable,
    };
    if let Some(refused) = hidden_formatting(raw, column, out) {
        return refused;
    }
    match parse(raw) {
        Ok(parsed) => {
            if !parsed.repairs.is_empty() {
                out.push(
                    Code::IdRepaired,
                    Some(column),
                    Some(raw),
                    msg!(
                        "the {} {} had {}, which was removed; check that the result is the ID the SIS has",
                        column.label(),
                        Arg::Value,
                        parsed.describe_repairs(),
                    ),
                );
            }
            Cell::Usable(parsed.id)
        }
        Err(error) => {
            let code = match error {
                IdError::ScientificNotation => Code::IdScientificNotation,
                IdError::Empty => Code::MissingValue,
                _ => Code::InvalidId,
            };
            out.cell_problem(code, column, raw, &error)
        }
    }
}

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
    if problem.is_none() && is_name_placeholder(name) {
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

/// An ID or email holding a formatting character (a BiDi override that
/// makes `G-12` show as another ID, a zero-width space that makes two
/// logins look alike): refused as `invalid_text`, naming the character.
/// Invisible characters at a cell's edges were already trimmed.
fn hidden_formatting<T>(raw: &str, column: Column, out: &mut Out<'_>) -> Option<Cell<T>> {
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
fn describe_format(c: char) -> String {
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
fn undo_mojibake(text: &str) -> Option<String> {
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
fn broken_utf8_read_as_windows_1252(text: &str) -> bool {
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

/// `=...`, `@...`, or `+`/`-` before something other than a digit.
fn looks_like_formula(text: &str) -> bool {
    let mut chars = text.chars();
    match chars.next() {
        Some('=' | '@') => true,
        Some('+' | '-') => chars
            .next()
            .is_some_and(|c| !c.is_ascii_digit() && !c.is_whitespace()),
        _ => false,
    }
}

/// The email cell: optional; placeholders read as empty, likely typos
/// warned about, anything that is not one address refused.
pub(crate) fn read_email(cells: &Cells<'_>, out: &mut Out<'_>) -> Cell<Email> {
    let raw = match optional_text(cells, Column::Email, out) {
        Ok(raw) => raw,
        Err(cell) => return cell,
    };
    if let Some(unusable) = spreadsheet_error(raw, Column::Email, Code::InvalidEmail, out) {
        return unusable;
    }
    if let Some(refused) = hidden_formatting(raw, Column::Email, out) {
        return refused;
    }
    match Email::parse(raw) {
        Ok(email) if email.is_placeholder() => {
            out.push(
                Code::Placeholder,
                Some(Column::Email),
                Some(raw),
                msg!(
                    "the email {} is a placeholder for \"no email\", read as empty; give the guardian's own address if they have one",
                    Arg::Value,
                ),
            );
            Cell::Empty
        }
        Ok(email) => {
            if crate::values::lookalike::mixes_scripts(email.as_str()) {
                out.push(
                    Code::MixedScriptEmail,
                    Some(Column::Email),
                    Some(raw),
                    msg!(
                        "the email {} mixes alphabets within one part (a Cyrillic or Greek letter among Latin ones, say), as addresses made to pass for another do; it is kept as written, so check it with the family",
                        Arg::Value,
                    ),
                );
            }
            if let Some(meant) = email.likely_typo() {
                out.push(
                    Code::EmailTypo,
                    Some(Column::Email),
                    Some(raw),
                    msg!(
                        "the email {} may be a typo for {}; it is kept as written, so check it with the family",
                        Arg::Value,
                        plain(meant),
                    ),
                );
                let corrected =
                    (email.as_str().rsplit_once('@')).map(|(local, _)| format!("{local}@{meant}"));
                out.suggest(corrected.as_deref());
            }
            Cell::Usable(email)
        }
        Err(error) => {
            let code = match error {
                EmailError::Multiple => Code::MultipleValues,
                _ => Code::InvalidEmail,
            };
            if !raw.contains('@') && looks_like_phone(raw) {
                return out.cell_problem(
                    code,
                    Column::Email,
                    raw,
                    &"looks like a phone number, not an address; check that the email and phone columns are not swapped",
                );
            }
            let cell = out.cell_problem(code, Column::Email, raw, &error);
            out.suggest(error.suggestion());
            cell
        }
    }
}

/// Seven or more digits and nothing but what phone numbers are written
/// with: a phone number in the email column.
fn looks_like_phone(raw: &str) -> bool {
    raw.bytes().filter(u8::is_ascii_digit).count() >= 7
        && crate::values::phone::only_phone_characters(raw)
}

/// A phone cell: optional; placeholders and dummy numbers read as empty,
/// an extension on the mobile warned about, invalid numbers refused.
pub(crate) fn read_phone(
    cells: &Cells<'_>,
    column: Column,
    phones: &mut PhoneParser,
    out: &mut Out<'_>,
) -> Cell<Phone> {
    let raw = match optional_text(cells, column, out) {
        Ok(raw) => raw,
        Err(cell) => return cell,
    };
    if let Some(unusable) = spreadsheet_error(raw, column, Code::InvalidPhone, out) {
        return unusable;
    }
    match phones.parse(raw) {
        Ok(phone) => {
            if column == Column::MobilePhone {
                if let Some(extension) = phone.extension() {
                    out.push(
                        Code::MobileExtension,
                        Some(column),
                        Some(raw),
                        msg!(
                            "the mobile phone {} has an extension ({}); text messages cannot reach an extension, so give a number that receives SMS",
                            Arg::Value,
                            plain(extension),
                        ),
                    );
                }
            }
            Cell::Usable(phone)
        }
        // Checked only here, as no such number is valid: the usual cell
        // pays nothing for it.
        Err(_) if is_dummy_number(raw) => placeholder_read_as_empty(raw, column, out),
        Err(error) => phone_problem(raw, column, error, out),
    }
}

/// Reports a phone cell that cannot be used.
fn phone_problem<T>(raw: &str, column: Column, error: PhoneError, out: &mut Out<'_>) -> Cell<T> {
    let code = match error {
        PhoneError::Multiple => Code::MultipleValues,
        _ => Code::InvalidPhone,
    };
    if raw.contains('@') {
        return out.cell_problem(
            code,
            column,
            raw,
            &"looks like an email address, not a phone number; check that the email and phone columns are not swapped",
        );
    }
    let digits = raw.bytes().filter(u8::is_ascii_digit).count();
    let international = raw.starts_with('+') || raw.starts_with("00");
    if digits > 10
        && !international
        && matches!(
            error,
            PhoneError::TooLong { .. } | PhoneError::Invalid { .. }
        )
    {
        let hint = format!(
            "{error}; if it is a number from another country, write it with + and the country code"
        );
        return out.cell_problem(code, column, raw, &hint);
    }
    let cell = match &error {
        PhoneError::Labelled { label, .. }
            if column == Column::MobilePhone && crate::values::phone::is_landline_label(label) =>
        {
            let hint = format!(
                "{error}; the label says it is a home or work number, so check that it receives text messages"
            );
            out.cell_problem(code, column, raw, &hint)
        }
        _ => out.cell_problem(code, column, raw, &error),
    };
    out.suggest(error.suggestion());
    cell
}

/// The language cell: optional; an unknown language, or several, is a
/// warning and leaves no preference (never a guess).
pub(crate) fn read_language(
    cells: &Cells<'_>,
    memo: &mut HashMap<Box<str>, LanguageVerdict>,
    out: &mut Out<'_>,
) -> Cell<Language> {
    let raw = match optional_text(cells, Column::Language, out) {
        Ok(raw) => raw,
        Err(cell) => return cell,
    };
    if LANGUAGE_PLACEHOLDERS
        .iter()
        .any(|p| raw.eq_ignore_ascii_case(p))
    {
        return placeholder_read_as_empty(raw, Column::Language, out);
    }
    if is_spreadsheet_error(raw) {
        out.push(
            Code::UnknownLanguage,
            Some(Column::Language),
            Some(raw),
            msg!(
                "the language {} {}; the guardian keeps no language preference",
                Arg::Value,
                SPREADSHEET_ERROR,
            ),
        );
        return Cell::Unusable;
    }
    let verdict = match memo.get(raw) {
        Some(verdict) => verdict.clone(),
        None => {
            let verdict = match Language::parse(raw) {
                Ok(language) => LanguageVerdict::Known(language),
                Err(_) if crate::values::language::names_several(raw) => LanguageVerdict::Several,
                Err(_) => match undo_mojibake(raw).filter(|meant| Language::parse(meant).is_ok()) {
                    Some(meant) => LanguageVerdict::Garbled(meant.into()),
                    None => LanguageVerdict::Unknown(Language::closest_name(raw)),
                },
            };
            if memo.len() >= LANGUAGE_MEMO {
                memo.clear();
            }
            memo.insert(raw.into(), verdict.clone());
            verdict
        }
    };
    match verdict {
        LanguageVerdict::Known(language) => return Cell::Usable(language),
        LanguageVerdict::Unknown(None) => out.push(
            Code::UnknownLanguage,
            Some(Column::Language),
            Some(raw),
            msg!(
                "the language \"{}\" {}; the guardian keeps no language preference",
                Arg::Value,
                plain(crate::values::language::UnknownLanguage),
            ),
        ),
        LanguageVerdict::Unknown(Some(meant)) => {
            out.push(
                Code::UnknownLanguage,
                Some(Column::Language),
                Some(raw),
                msg!(
                    "the language \"{}\" is not a language this import recognises; did you mean {}? Write it as {} or its code; the guardian keeps no language preference",
                    Arg::Value,
                    Arg::Suggestion,
                    Arg::Suggestion,
                ),
            );
            out.suggest(Some(meant));
        }
        LanguageVerdict::Several => out.push(
            Code::UnknownLanguage,
            Some(Column::Language),
            Some(raw),
            msg!(
                "the language cell \"{}\" names more than one language; keep only the one the guardian prefers to read; the guardian keeps no language preference",
                Arg::Value,
            ),
        ),
        LanguageVerdict::Garbled(meant) => {
            out.push(
                Code::UnknownLanguage,
                Some(Column::Language),
                Some(raw),
                msg!(
                    "the language \"{}\" looks garbled by a wrong text encoding (UTF-8 read as Windows-1252), probably {}; write it as {} or export the file again as UTF-8; the guardian keeps no language preference",
                    Arg::Value,
                    Arg::Suggestion,
                    Arg::Suggestion,
                ),
            );
            out.suggest(Some(&meant));
        }
    }
    Cell::Unusable
}

/// What a language cell was found to be, remembered per spelling.
#[derive(Clone)]
pub(crate) enum LanguageVerdict {
    Known(Language),
    /// Not a language, with the name it may be a slip for.
    Unknown(Option<&'static str>),
    /// Two or more languages (`English; Spanish`).
    Several,
    /// A language name garbled by a wrong encoding (`EspaÃ±ol`), with
    /// what it reads as.
    Garbled(Box<str>),
}

/// A placeholder in an optional cell is no value: say so, read it as empty.
fn placeholder<T>(raw: &str, column: Column, out: &mut Out<'_>) -> Option<Cell<T>> {
    is_placeholder(raw).then(|| placeholder_read_as_empty(raw, column, out))
}

fn placeholder_read_as_empty<T>(raw: &str, column: Column, out: &mut Out<'_>) -> Cell<T> {
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
fn spreadsheet_error<T>(
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
