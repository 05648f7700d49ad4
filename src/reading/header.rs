//! The header row: which cell is which column.

use crate::column::{COLUMNS, Column};
use crate::diagnostic::message::{Arg, msg};
use crate::diagnostic::{Code, Diagnostic};
use crate::error::{Error, ErrorKind};
use crate::reading::header_names::header_key;
use crate::values::text::edit_distance_within;

/// What a record met below the header is, read as a header.
pub(crate) enum HeaderRow {
    /// Data, or nothing like a header.
    Data,
    /// The header again: the same columns in the same places (files
    /// pasted together).
    Repeated,
    /// A header with the same columns in another order (exports pasted
    /// together): the rows below it are read under it.
    Reordered(Box<Header>),
}

/// Where each column sits in a row.
#[derive(Clone, Debug)]
pub(crate) struct Header {
    /// Position of each [`Column`] (by `Column::index`), if present.
    positions: [Option<usize>; COLUMNS],
    /// How many cells the header has.
    pub(crate) len: usize,
    /// The header cells as written, trimmed, to spot the header repeated
    /// inside the file.
    names: Vec<String>,
}

impl Header {
    /// Matches header cells to columns. Fatal problems are errors; unknown
    /// columns are warnings pushed onto `diagnostics`.
    pub(crate) fn resolve(
        cells: &[String],
        line: u64,
        strict: bool,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<Header, Error> {
        let mut positions = [None; COLUMNS];
        let mut unknown: Vec<usize> = Vec::new();
        for (at, cell) in cells.iter().enumerate() {
            match Column::from_header(cell, strict) {
                Some(column) => {
                    if let Some(first) = positions[column.index()] {
                        let first: &String = &cells[first];
                        return Err(Error::new(
                            ErrorKind::DuplicateColumn {
                                column,
                                first: first.trim().to_owned(),
                                second: cell.trim().to_owned(),
                            },
                            line,
                        ));
                    }
                    positions[column.index()] = Some(at);
                }
                None => unknown.push(at),
            }
        }

        let missing: Vec<Column> = Column::ALL
            .into_iter()
            .filter(|c| c.is_required() && positions[c.index()].is_none())
            .collect();
        if let Some(&column) = missing.first() {
            if positions.iter().all(Option::is_none) && looks_like_data(cells) {
                return Err(Error::new(
                    ErrorKind::NoHeader {
                        first_cells: cells.iter().take(4).map(|c| c.trim().to_owned()).collect(),
                    },
                    line,
                ));
            }
            let closest = closest_header(column, cells, &unknown);
            return Err(Error::new(
                ErrorKind::MissingColumn {
                    column,
                    closest,
                    also_missing: missing[1..].to_vec(),
                    strict,
                    hint: layout_hint(cells, &missing),
                },
                line,
            ));
        }

        for at in unknown {
            let name = cells[at].trim();
            let message = if name.is_empty() {
                msg!("column {} has no header; its values are ignored", at + 1)
            } else {
                let hint = if strict && Column::from_header(name, false).is_some() {
                    " (strict headers accept only the canonical names)"
                } else {
                    ""
                };
                msg!(
                    "the column \"{}\" is not part of guardians.csv and is ignored{}",
                    Arg::Value,
                    hint
                )
            };
            diagnostics.push(
                Diagnostic::with_message(Code::UnknownColumn, line, message.lined())
                    .with_value(name),
            );
        }
        Ok(Header {
            positions,
            len: cells.len(),
            names: cells.iter().map(|cell| cell.trim().to_owned()).collect(),
        })
    }

    /// Whether a record below the header is a header: the same again, the
    /// same columns in another order, or a header with other columns
    /// (an error: rows below it cannot be read under either header).
    /// Matched as the first header was (`strict`), a byte-order mark or a
    /// zero-width space before a cell aside (files joined with `copy /b`).
    ///
    /// Only a record whose ID cells hold no digit, or hold this header's
    /// own names, is looked at closer: data rows pass by at the cost of a
    /// scan of two cells.
    pub(crate) fn classify(
        &self,
        record: &csv::ByteRecord,
        line: u64,
        strict: bool,
    ) -> Result<HeaderRow, Error> {
        let cell = |column: Column| {
            self.position(column)
                .and_then(|at| record.get(at))
                .unwrap_or_default()
        };
        let own_name = |column: Column| {
            let name = self.name(column).unwrap_or_default();
            strip_marks(cell(column)).eq_ignore_ascii_case(name.as_bytes())
        };
        let digitless = |column: Column| !cell(column).iter().any(u8::is_ascii_digit);
        let ids = [Column::StudentId, Column::GuardianId];
        if !ids.iter().all(|&c| own_name(c) || digitless(c)) {
            return Ok(HeaderRow::Data);
        }
        let cells: Vec<String> = record
            .iter()
            .map(|cell| String::from_utf8_lossy(strip_marks(cell)).into_owned())
            .collect();
        // A header names most of the required columns; a row of words
        // (names, no digits) does not.
        let named = cells
            .iter()
            .filter_map(|cell| Column::from_header(cell, strict))
            .filter(|c| c.is_required())
            .count();
        if named < 4 {
            return Ok(HeaderRow::Data);
        }
        let other = Header::resolve(&cells, line, strict, &mut Vec::new())?;
        if other.positions == self.positions && other.len == self.len {
            return Ok(HeaderRow::Repeated);
        }
        // Rows below a header with other columns would be read differently
        // from the rest of the file (a column the first header has would
        // say nothing, or a flag would be missing): the file stops.
        let missing: Vec<Column> = Column::EVERY
            .into_iter()
            .filter(|&c| self.position(c).is_some() && other.position(c).is_none())
            .collect();
        let added: Vec<Column> = Column::ALL
            .into_iter()
            .filter(|&c| self.position(c).is_none() && other.position(c).is_some())
            .collect();
        if !missing.is_empty() || !added.is_empty() {
            return Err(Error::new(
                ErrorKind::HeaderChanged { missing, added },
                line,
            ));
        }
        Ok(HeaderRow::Reordered(Box::new(other)))
    }

    /// A header made by the crate for rows it builds from another source
    /// (OneRoster, Clever): each column at its position, named as the
    /// source names it.
    pub(crate) fn synthesized(columns: &[(Column, &str)]) -> Header {
        let mut positions = [None; COLUMNS];
        for (at, (column, _)) in columns.iter().enumerate() {
            positions[column.index()] = Some(at);
        }
        Header {
            positions,
            len: columns.len(),
            names: columns.iter().map(|(_, name)| (*name).to_owned()).collect(),
        }
    }

    /// The column at position `at`, if it is one of ours.
    pub(crate) fn column_at(&self, at: usize) -> Option<Column> {
        Column::EVERY
            .into_iter()
            .find(|c| self.positions[c.index()] == Some(at))
    }

    /// The header cell of `column` as the file wrote it, trimmed.
    pub(crate) fn name(&self, column: Column) -> Option<&str> {
        self.position(column)
            .and_then(|at| self.names.get(at))
            .map(String::as_str)
    }

    /// Whether the header cell at `at` is empty (a column without a name,
    /// such as the empty columns a spreadsheet keeps at the right).
    pub(crate) fn is_unnamed(&self, at: usize) -> bool {
        self.names.get(at).is_some_and(|name| name.is_empty())
    }

    /// The header cell at `at` as written, if the header has one.
    pub(crate) fn name_at(&self, at: usize) -> Option<&str> {
        self.names.get(at).map(String::as_str)
    }

    /// Whether the header has any of the flag columns.
    pub(crate) fn has_flags(&self) -> bool {
        Column::FLAGS.iter().any(|&c| self.position(c).is_some())
    }

    /// The position of `column` in a row, if the header has it.
    pub(crate) fn position(&self, column: Column) -> Option<usize> {
        self.positions[column.index()]
    }
}

/// A cell without the white space around it nor a byte-order mark or a
/// zero-width space before it.
fn strip_marks(cell: &[u8]) -> &[u8] {
    let mut cell = cell.trim_ascii();
    for mark in ["\u{feff}", "\u{200b}"] {
        if let Some(rest) = cell.strip_prefix(mark.as_bytes()) {
            cell = rest.trim_ascii();
        }
    }
    cell
}

/// The cells of one raw line split at `delimiter` as the rows are read,
/// each trimmed: enough to tell a header or a title line, before the CSV
/// reader is set up. `None` if a quote would carry the line's cell on to
/// the next line.
fn raw_cells(line: &[u8], delimiter: u8) -> Option<Vec<String>> {
    let cells = crate::reading::dialect::split_line(line, delimiter)?;
    Some(
        cells
            .iter()
            .map(|cell| String::from_utf8_lossy(cell).trim().to_owned())
            .collect(),
    )
}

/// Whether a raw line is a complete header: every required column, none
/// twice.
pub(crate) fn is_header_line(line: &[u8], delimiter: u8, strict: bool) -> bool {
    let Some(cells) = raw_cells(line, delimiter) else {
        return false;
    };
    let mut seen = [false; COLUMNS];
    for cell in &cells {
        if let Some(column) = Column::from_header(cell, strict) {
            if std::mem::replace(&mut seen[column.index()], true) {
                return false;
            }
        }
    }
    Column::ALL
        .into_iter()
        .all(|column| !column.is_required() || seen[column.index()])
}

/// Whether a raw line could be a report's title or a note above the
/// header: at most two cells with text, none of them like data.
pub(crate) fn is_title_line(line: &[u8], delimiter: u8) -> bool {
    let Some(cells) = raw_cells(line, delimiter) else {
        return false;
    };
    let texts: Vec<String> = cells.into_iter().filter(|cell| !cell.is_empty()).collect();
    texts.len() <= 2 && !looks_like_data(&texts)
}

/// Cells that look like values rather than names: an email, a number.
fn looks_like_data(cells: &[String]) -> bool {
    cells.iter().any(|cell| {
        let cell = cell.trim();
        cell.contains('@') || (!cell.is_empty() && cell.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// The unrecognised header cell nearest to the column's name.
fn closest_header(column: Column, cells: &[String], unknown: &[usize]) -> Option<String> {
    let target = header_key(column.as_str());
    unknown
        .iter()
        .map(|&at| cells[at].trim())
        .filter(|cell| !cell.is_empty())
        .filter_map(|cell| {
            let key = header_key(cell);
            // A header holding the name ("E_mail_adress" holds "email") is
            // as close as can be.
            // Only a header that could be a slip for the name: "Parent 1
            // Email" is not the closest thing to a guardian_id.
            let distance = if key.contains(&target) {
                Some(0)
            } else {
                edit_distance_within(key.as_bytes(), target.as_bytes(), target.len() / 2)
            };
            distance.map(|distance| (distance, cell))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, cell)| cell.to_owned())
}

/// A header laid out differently from guardians.csv, said in a way that
/// tells the clerk which export to make instead.
fn layout_hint(cells: &[String], missing: &[Column]) -> Option<String> {
    const PEOPLE: [&str; 6] = [
        "parentguardian",
        "guardian",
        "parent",
        "contact",
        "mother",
        "father",
    ];
    let keys: Vec<String> = cells.iter().map(|cell| header_key(cell)).collect();
    // "Parent 1 Email", "Guardian2 Cell", "Mother Email" and "Father Email".
    let mut people: Vec<&str> = keys
        .iter()
        .filter_map(|key| {
            let person = PEOPLE.iter().find(|p| key.starts_with(*p))?;
            let rest = &key[person.len()..];
            let number = &rest[..rest.bytes().take_while(u8::is_ascii_digit).count()];
            match (*person, number) {
                ("mother" | "father", "") => Some(*person),
                (_, "") => None,
                _ => Some(number),
            }
        })
        .collect();
    people.sort_unstable();
    people.dedup();
    if people.len() >= 2 {
        return Some(
            "the file has columns for each of several guardians on one row (\"Parent 1 ...\", \"Parent 2 ...\"); guardians.csv has one row per guardian and student: export the guardians (contacts) list instead"
                .to_owned(),
        );
    }
    let names_missing = missing
        .iter()
        .any(|c| matches!(c, Column::FirstName | Column::LastName));
    let whole_name = cells.iter().zip(&keys).find(|(_, key)| {
        let key = PEOPLE
            .iter()
            .find_map(|p| key.strip_prefix(p))
            .unwrap_or(key);
        matches!(key, "name" | "fullname" | "names")
    });
    match whole_name {
        Some((cell, _)) if names_missing => Some(format!(
            "the name is in one column (\"{}\"); guardians.csv has the first and last name in columns of their own",
            cell.trim()
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(line: &str) -> Vec<String> {
        line.split(',').map(str::to_owned).collect()
    }

    #[test]
    fn any_order_and_optional_columns() {
        let mut diagnostics = Vec::new();
        let header = Header::resolve(
            &cells("Email,Cell,Last Name,First Name,Parent ID,Student ID,Grade"),
            1,
            false,
            &mut diagnostics,
        )
        .expect("usable header");
        assert_eq!(header.position(Column::StudentId), Some(5));
        assert_eq!(header.position(Column::HomePhone), None);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, Code::UnknownColumn);
        assert_eq!(diagnostics[0].value.as_deref(), Some("Grade"));
    }

    #[test]
    fn missing_column_names_the_closest_header() {
        let error = Header::resolve(
            &cells("studnet_id,guardian_id,first_name,last_name,email,mobile_phone"),
            1,
            false,
            &mut Vec::new(),
        )
        .expect_err("student_id is missing");
        match error.kind() {
            ErrorKind::MissingColumn {
                column, closest, ..
            } => {
                assert_eq!(*column, Column::StudentId);
                assert_eq!(closest.as_deref(), Some("studnet_id"));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(error.to_string().contains("\"studnet_id\""));
    }

    fn missing(line: &str) -> Error {
        Header::resolve(&cells(line), 1, false, &mut Vec::new()).expect_err("a column is missing")
    }

    #[test]
    fn a_header_laid_out_otherwise_is_named() {
        let wide = missing(
            "Student ID,Parent 1 First Name,Parent 1 Last Name,Parent 1 Email,Parent 2 First Name,Parent 2 Email",
        );
        let text = wide.to_string();
        assert!(
            text.starts_with("the header has no guardian_id column; also missing:"),
            "{text}"
        );
        assert!(
            text.contains("columns for each of several guardians on one row"),
            "{text}"
        );
        assert!(
            missing("Student ID,Parent ID,Mother Email,Father Email,Mother Cell")
                .to_string()
                .contains("several guardians")
        );

        let one_name = missing("Student ID,Guardian ID,Guardian Name,Email,Cell");
        match one_name.kind() {
            ErrorKind::MissingColumn {
                column,
                closest,
                hint,
                ..
            } => {
                assert_eq!(*column, Column::FirstName);
                // Too far from "first_name" to be a slip for it.
                assert_eq!(closest.as_deref(), None);
                assert_eq!(
                    hint.as_deref(),
                    Some(
                        "the name is in one column (\"Guardian Name\"); guardians.csv has the first and last name in columns of their own"
                    )
                );
            }
            other => panic!("unexpected {other:?}"),
        }
        // A usual header with a column missing gets no hint.
        match missing("student_id,guardian_id,first_name,last_name,email").kind() {
            ErrorKind::MissingColumn { column, hint, .. } => {
                assert_eq!((*column, hint.as_deref()), (Column::MobilePhone, None));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_column_twice_is_fatal() {
        let error = Header::resolve(
            &cells("student_id,guardian_id,first_name,last_name,email,mobile_phone,Cell Phone"),
            1,
            false,
            &mut Vec::new(),
        )
        .expect_err("mobile twice");
        assert_eq!(error.code(), Code::DuplicateColumn);
    }

    #[test]
    fn data_in_the_first_line_is_no_header() {
        let error = Header::resolve(
            &cells("000123,G1,Ana,Diaz,ana@example.com,3125550142"),
            1,
            false,
            &mut Vec::new(),
        )
        .expect_err("no header");
        assert_eq!(error.code(), Code::NoHeader);
    }
}
