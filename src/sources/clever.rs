//! Clever SFTP exports: a guardian is a contact on `students.csv`, one
//! contact per row (`Contact_name`, `Contact_type`, `Contact_phone`,
//! `Contact_phone_type`, `Contact_email`, `Contact_relationship`,
//! `Contact_sis_id`), the student's row repeated for each more contact.

use std::io::Read;

use crate::checks::validated::ValidatedFile;
use crate::column::Column;
use crate::diagnostic::message::{Arg, msg};
use crate::diagnostic::{Code, Diagnostic};
use crate::error::Error;
use crate::reading::origin::{Format, RowOrigin};
use crate::sources::export::Export;
use crate::sources::synth::{LinkCells, Synth};
use crate::sources::table::{Table, cell};
use crate::sources::{SourceOptions, StudentKey};
use crate::values::flags::Exclusion;

pub(crate) const STUDENTS: &str = "students.csv";

/// Whether `input` is a Clever `students.csv`: its header has
/// `Contact_` columns.
pub(crate) fn is_clever<R: Read>(input: R) -> bool {
    Table::open(input, STUDENTS).is_ok_and(|table| table.has_prefix("contact_"))
}

/// Whether a folder or archive holds a Clever `students.csv`.
pub(crate) fn detect(export: &mut Export) -> Result<bool, Error> {
    Ok(match export.read(STUDENTS)? {
        Some(input) => is_clever(input),
        None => false,
    })
}

/// Reads a Clever export's `students.csv` (in `export`, or `input` given
/// alone) into the same checked file as guardians.csv. Each contact row
/// is one row, on its own physical line.
pub(crate) fn read<R: Read>(input: R, options: &SourceOptions) -> Result<ValidatedFile, Error> {
    let mut table = Table::open(input, STUDENTS)?.any_case();
    let student = match options.student_key {
        StudentKey::SourcedId => table.required("Student_id", &[])?,
        StudentKey::Identifier => table.required("Student_number", &[])?,
    };
    let student_name = match options.student_key {
        StudentKey::SourcedId => "Student_id",
        StudentKey::Identifier => "Student_number",
    };
    let name = table.required("Contact_name", &[])?;
    let kind = table.column("Contact_type", &[]);
    let phone = table.column("Contact_phone", &[]);
    let phone_type = table.column("Contact_phone_type", &[]);
    let email = table.column("Contact_email", &[]);
    let relationship = table.column("Contact_relationship", &[]);
    let sis_id = table.column("Contact_sis_id", &[]);
    let mut synth = Synth::new(
        Format::Clever,
        &options.reader,
        STUDENTS,
        [
            student_name,
            "Contact_sis_id",
            "Contact_name",
            "Contact_name",
            "Contact_email",
            "Contact_phone",
            "Contact_phone",
            "Contact_relationship",
        ],
        &[(Column::ContactType, "Contact_type")],
        table.encoding(),
    );
    for (diagnostic, at) in std::mem::take(&mut table.said) {
        synth.file_diagnostic(diagnostic, at);
    }
    let (mut record, mut cuts) = (csv::ByteRecord::new(), Vec::new());
    while let Some(line) = table.next(&mut record, &mut cuts)? {
        let contact = [Some(name), phone, email, sis_id]
            .into_iter()
            .any(|at| !cell(&record, at).is_empty());
        if !contact {
            // A student's row without a contact: no guardian on it.
            continue;
        }
        let full_name = String::from_utf8_lossy(cell(&record, Some(name)));
        let (first, last) = split_name(&full_name);
        let number = cell(&record, phone);
        let is_mobile = matches!(
            cell(&record, phone_type).to_ascii_lowercase().as_slice(),
            b"cell" | b"mobile" | b"cell phone" | b"mobile phone"
        );
        let mut said = Vec::new();
        let row_line = synth.next_line_is(line);
        let made_id = cell(&record, sis_id)
            .is_empty()
            .then(|| contact_id(&full_name, cell(&record, email), number));
        let guardian = made_id
            .as_deref()
            .map_or(cell(&record, sis_id), str::as_bytes);
        if let Some(made_id) = &made_id {
            said.push(
                Diagnostic::with_message(
                    Code::UnstableContactId,
                    row_line,
                    msg!(
                        "the contact has no Contact_sis_id, so the ID {} was made from their name, email and phone; it changes when they do (and the roster would see a new guardian): ask the district to send Contact_sis_id",
                        Arg::Value
                    )
                    .lined(),
                )
                .with_column(Column::GuardianId)
                .with_value(made_id.clone()),
            );
        }
        said.push(
            Diagnostic::with_message(
                Code::NameSplit,
                row_line,
                msg!(
                    "Contact_name {} was split into first name {} and last name {}; check the split",
                    Arg::Value,
                    crate::diagnostic::message::detail(first),
                    crate::diagnostic::message::detail(last)
                )
                .lined(),
            )
            .with_column(Column::FirstName)
            .with_value(full_name.to_string()),
        );
        let cells = LinkCells {
            student: cell(&record, Some(student)),
            guardian,
            first: first.as_bytes(),
            last: last.as_bytes(),
            email: cell(&record, email),
            mobile: if is_mobile { number } else { b"" },
            home: if is_mobile { b"" } else { number },
            relationship: cell(&record, relationship),
        };
        let origin = RowOrigin {
            guardian_line: line,
            link: (STUDENTS, line, student_name),
        };
        let contact_type = String::from_utf8_lossy(cell(&record, kind));
        match options.counts_contact_type(&contact_type) {
            None => synth.push(&cells, origin, said, false)?,
            Some(exclusion) => {
                let said = Diagnostic::with_message(
                    Code::NotAGuardian,
                    row_line,
                    match exclusion {
                        Exclusion::EmergencyOnly => msg!(
                            "Contact_type is {}: an emergency contact is not a guardian, so the row was not imported; if they are a guardian, give them a guardian contact type in the SIS",
                            Arg::Value
                        ),
                        _ => msg!(
                            "Contact_type is {}, which this import does not count as a guardian (SourceOptions::guardian_contact_types), so the row was not imported",
                            Arg::Value
                        ),
                    }
                    .lined(),
                )
                .with_column(Column::ContactType)
                .with_value(contact_type.to_string());
                synth.push_excluded(&cells, origin, exclusion, said)?;
            }
        }
    }
    synth.finish(false)
}

/// `Díaz, Ana` or `Ana María Díaz` as (first, last): the last word is the
/// last name, unless a comma puts it first. Lossy: said on every row.
fn split_name(full: &str) -> (&str, &str) {
    let full = full.trim();
    if let Some((last, first)) = full.split_once(',') {
        return (first.trim(), last.trim());
    }
    match full.rsplit_once(char::is_whitespace) {
        Some((first, last)) => (first.trim(), last.trim()),
        None => (full, ""),
    }
}

/// An ID for a contact without `Contact_sis_id`: `CLV-` and a hash of the
/// name (case and spaces aside), the email (case aside) and the phone's
/// digits, so that the same contact on two students' rows is one guardian.
fn contact_id(name: &str, email: &[u8], phone: &[u8]) -> String {
    // FNV-1a, 64 bits: stable across versions and platforms.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |byte: u8| {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    };
    for word in name.split_whitespace() {
        word.to_lowercase().bytes().for_each(&mut eat);
        eat(b' ');
    }
    eat(0);
    email
        .trim_ascii()
        .iter()
        .map(u8::to_ascii_lowercase)
        .for_each(&mut eat);
    eat(0);
    phone
        .iter()
        .filter(|b| b.is_ascii_digit())
        .copied()
        .for_each(&mut eat);
    format!("CLV-{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_at_the_last_word_or_the_comma() {
        assert_eq!(split_name("Ana María Díaz"), ("Ana María", "Díaz"));
        assert_eq!(split_name("Díaz, Ana"), ("Ana", "Díaz"));
        assert_eq!(split_name(" Bo "), ("Bo", ""));
    }

    #[test]
    fn contact_ids_ignore_case_spaces_and_phone_format() {
        let a = contact_id("Ana  Díaz", b"Ana@Example.com", b"(312) 555-0142");
        let b = contact_id("ana díaz", b"ana@example.com", b"312.555.0142");
        assert_eq!(a, b);
        assert_eq!(a.len(), 20);
        assert_ne!(a, contact_id("Ana Díaz", b"ana@example.com", b""));
    }
}
