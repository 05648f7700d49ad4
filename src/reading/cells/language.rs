//! The preferred language cell: optional; an unknown language leaves no
//! preference, never a guess.

use foldhash::HashMap;

use crate::column::Column;
use crate::diagnostic::Code;
use crate::diagnostic::message::{Arg, msg, plain};
use crate::reading::cells::{
    Cell, Cells, Out, SPREADSHEET_ERROR, optional_text, placeholder_read_as_empty, undo_mojibake,
};
use crate::values::language::Language;
use crate::values::placeholder::LANGUAGE_PLACEHOLDERS;
use crate::values::text::is_spreadsheet_error;

/// Distinct language spellings remembered at most.
pub(crate) const LANGUAGE_MEMO: usize = 4096;

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
