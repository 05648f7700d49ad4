//! The flag cells of one row: whether its person is the student's guardian
//! at all. The rule is [`crate::values::flags`]'s; this reads the cells,
//! names every value that is not a flag, and says on the row why it is
//! not imported.

use crate::column::Column;
use crate::diagnostic::Code;
use crate::diagnostic::message::{Arg, msg, plain};
use crate::reading::cells::{Cell, Cells, Out};
use crate::values::flags::{ContactFlags, Exclusion, is_emergency_type, parse_flag};

/// What a row's flag cells said.
#[derive(Default)]
pub(crate) struct FlagsRead {
    /// Why the row's person is not imported, if the flags say so.
    pub(crate) exclusion: Option<Exclusion>,
    /// Whether a flag cell could not be read as yes or no (reported, an
    /// error: the row is not used, and no other row of its guardian and
    /// student makes their link, since this one may leave it out).
    pub(crate) invalid: bool,
    /// The relationship cell, kept on the link.
    pub(crate) relationship: Option<Box<str>>,
}

/// The cell of a flag column as the message quotes it: its header and what
/// it holds.
struct Said<'c> {
    column: Column,
    header: &'c str,
    value: &'c str,
}

impl Said<'_> {
    /// `the Guardian column says "N"`, or `the Guardian column is empty`.
    fn words(&self) -> String {
        if self.value.is_empty() {
            format!("the {} column is empty", self.header)
        } else {
            format!("the {} column says \"{}\"", self.header, self.value)
        }
    }
}

/// Reads the flag cells of a row and applies the rule; pushes
/// `invalid_flag` for each cell that is neither yes nor no, and
/// `contact_restricted` or `not_a_guardian` when the row is excluded.
pub(crate) fn read_flags(
    cells: &Cells<'_>,
    exclude_non_guardians: bool,
    out: &mut Out<'_>,
) -> FlagsRead {
    let header = cells.header;
    let mut read = FlagsRead::default();
    if !header.has_flags() {
        return read;
    }
    // Each flag's value and the cell that said it.
    let mut said: [Option<Said<'_>>; 5] = Default::default();
    let mut unknown = [false; 5];
    let mut flag = |at: usize, column: Column, out: &mut Out<'_>| -> Option<bool> {
        let name = header.name(column)?;
        let value = match cells.text(column, out) {
            Cell::Usable(text) => text,
            Cell::Empty => "",
            Cell::Unusable => {
                unknown[at] = true;
                return None;
            }
        };
        let Some(yes) = parse_flag(value) else {
            unknown[at] = true;
            out.push(
                Code::InvalidFlag,
                Some(column),
                Some(value),
                msg!(
                    "the {} column holds {}, which is neither yes nor no (Y/N, Yes/No, TRUE/FALSE, 1/0, or X/empty); the row was not used, a flag is never guessed: correct it in the SIS",
                    plain(name),
                    Arg::Value
                ),
            );
            return None;
        };
        said[at] = Some(Said {
            column,
            header: name,
            value,
        });
        Some(yes)
    };
    let mut flags = ContactFlags {
        guardian: flag(0, Column::Guardian, out),
        custody: flag(1, Column::Custody, out),
        access: flag(2, Column::Access, out),
        emergency: flag(3, Column::Emergency, out),
        restricted: flag(4, Column::Restricted, out),
    };
    if let Some(name) = header.name(Column::ContactType) {
        if let Cell::Usable(kind) = cells.text(Column::ContactType, out) {
            if is_emergency_type(kind) && flags.emergency != Some(true) {
                flags.emergency = Some(true);
                said[3] = Some(Said {
                    column: Column::ContactType,
                    header: name,
                    value: kind,
                });
            }
        }
    }
    if header.position(Column::Relationship).is_some() {
        if let Cell::Usable(text) = cells.text(Column::Relationship, out) {
            read.relationship = Some(text.into());
        }
    }

    // A flag that could not be read is never guessed: the row is left out
    // if the flags that could be read leave it out whatever it says;
    // otherwise the row is rejected by its error.
    read.invalid = unknown.contains(&true);
    read.exclusion = flags.exclusion_whatever(unknown, exclude_non_guardians);
    let Some(exclusion) = read.exclusion else {
        return read;
    };
    let cell = |at: usize| said[at].as_ref();
    let (code, column, value, message) = match exclusion {
        // Said by the source that deleted it, never by a flag.
        Exclusion::Deleted => return read,
        Exclusion::Restricted => {
            let Some(by) = cell(4) else { return read };
            (
                Code::ContactRestricted,
                Column::Restricted,
                by.value,
                msg!(
                    "{}: this person is restricted for this student (a court order, a do-not-contact), so they were not imported or linked, whatever the other columns say",
                    by.words()
                ),
            )
        }
        Exclusion::NotGuardian => {
            let Some(by) = cell(0) else { return read };
            (
                Code::NotAGuardian,
                Column::Guardian,
                by.value,
                msg!(
                    "{}: this person is not a guardian of the student, so the row was not imported; if they are, mark them as a guardian in the SIS and export again",
                    by.words()
                ),
            )
        }
        Exclusion::NoCustodyNoAccess => {
            let (Some(custody), Some(access)) = (cell(1), cell(2)) else {
                return read;
            };
            (
                Code::NotAGuardian,
                Column::Custody,
                custody.value,
                msg!(
                    "{} and {}: this person has neither custody nor access to the student's records, so the row was not imported; if they should be reached, correct the flags in the SIS",
                    custody.words(),
                    access.words()
                ),
            )
        }
        Exclusion::EmergencyOnly => {
            let Some(by) = cell(3) else { return read };
            (
                Code::NotAGuardian,
                by.column,
                by.value,
                msg!(
                    "{} and no column marks this person as a guardian, with custody or with access to records: an emergency contact is not a guardian, so the row was not imported; if they are a guardian, mark them so in the SIS",
                    by.words()
                ),
            )
        }
    };
    out.push(
        code,
        Some(column),
        Some(value).filter(|v| !v.is_empty()),
        message,
    );
    read
}
