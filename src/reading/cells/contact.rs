//! The contact cells: the email, the mobile and the home phone.

use crate::column::Column;
use crate::diagnostic::Code;
use crate::diagnostic::message::{Arg, msg, plain};
use crate::reading::cells::{
    Cell, Cells, Out, hidden_formatting, optional_text, placeholder_read_as_empty,
    spreadsheet_error,
};
use crate::values::email::{Email, EmailError};
use crate::values::phone::{Phone, PhoneError, PhoneParser};
use crate::values::placeholder::is_dummy_number;

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
pub(crate) fn looks_like_phone(raw: &str) -> bool {
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
pub(crate) fn phone_problem<T>(
    raw: &str,
    column: Column,
    error: PhoneError,
    out: &mut Out<'_>,
) -> Cell<T> {
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
