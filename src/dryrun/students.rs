//! The students file: which students the roster has, and their schools.

use std::io::Read;

use crate::column::Column;
use crate::error::{Error, ErrorKind};
use crate::reading::decode::TextEncoding;
use crate::reading::header_names::header_key;
use crate::reading::reader::CsvFile;
use crate::values::id::{SchoolId, StudentId};

/// One row of a students file: a student, and a school they are enrolled
/// in if the file says (a student in two schools has two rows).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrolment {
    /// The student's ID, leading zeros kept, spreadsheet damage undone.
    pub student_id: StudentId,
    /// The school, if the file has a school column and the cell is not
    /// empty.
    pub school_id: Option<SchoolId>,
}

/// What [`read_students`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Students {
    /// The readable rows, in file order.
    pub enrolments: Vec<Enrolment>,
    /// Whether the file has a school column.
    pub has_schools: bool,
    /// The physical lines (1-based, as a text editor counts them) of rows
    /// whose student or school ID could not be read (scientific notation,
    /// a control character, a cell past the size limit, a quote never
    /// closed...); those rows are left out.
    pub unreadable_rows: Vec<u64>,
    /// The encoding the file was read as (Windows-1252 and UTF-16 files
    /// are converted, as guardians.csv is).
    pub encoding: TextEncoding,
}

/// Header names for a student's school, as SIS exports write them, in the
/// form [`header_key`] gives.
const SCHOOL_HEADERS: &[&str] = &[
    "schoolid",
    "school",
    "schoolcode",
    "schoolnumber",
    "schoolno",
    "building",
    "buildingid",
    "buildingcode",
    "site",
    "siteid",
    "sitecode",
    "campus",
    "campusid",
    "studentschool",
    "studentschoolid",
];

/// Reads a students file through the same reading stack as guardians.csv
/// (encoding detection, the tokenizer and its limits, physical lines): any
/// CSV (comma, semicolon or tab) with a student
/// ID column (`student_id`, `Student ID`, `Student Number`...) and, for
/// school-level syncs, an optional school column (`school_id`, `School`,
/// `School Code`, `SchoolID`, `Building`, `Site`, `Campus`). Other columns
/// are ignored. IDs keep their leading zeros; spreadsheet damage
/// (`="0102"`, `0102.0`) is undone.
///
/// ```
/// # fn main() -> Result<(), guardian_roster::Error> {
/// use guardian_roster::read_students;
///
/// let data = "Student ID,Building\n000125,0102\n000125,0103\n000126,\n";
/// let students = read_students(data.as_bytes())?;
/// assert!(students.has_schools);
/// assert_eq!(students.enrolments.len(), 3);
/// assert_eq!(
///     students.enrolments[1].school_id.as_ref().map(|s| s.as_str()),
///     Some("0103")
/// );
/// assert_eq!(students.enrolments[2].school_id, None);
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// An [`Error`] if the file cannot be read at all: not text, no
/// `student_id` column, a limit. A row without a usable student ID is
/// counted in [`Students::unreadable_rows`], not an error.
pub fn read_students<R: Read>(input: R) -> Result<Students, Error> {
    let mut file = CsvFile::open(input)?;
    let mut record = csv::ByteRecord::new();
    let mut cuts = Vec::new();
    let Some(header_line) = file.next(&mut record, &mut cuts)? else {
        return Err(Error::new(ErrorKind::EmptyFile, 1));
    };
    let cells: Vec<String> = record
        .iter()
        .map(|h| String::from_utf8_lossy(h).replace('\u{feff}', ""))
        .collect();
    let student = cells
        .iter()
        .position(|h| {
            Column::from_header(h, false) == Some(Column::StudentId)
                || matches!(header_key(h).as_str(), "studentnumber" | "studentno" | "id")
        })
        .ok_or_else(|| {
            Error::new(
                ErrorKind::MissingColumn {
                    column: Column::StudentId,
                    closest: None,
                    also_missing: Vec::new(),
                    strict: false,
                    hint: Some("the students file needs a student_id column".to_owned()),
                },
                header_line,
            )
        })?;
    let school = cells
        .iter()
        .position(|h| SCHOOL_HEADERS.contains(&header_key(h).as_str()));
    let mut out = Students {
        has_schools: school.is_some(),
        ..Students::default()
    };
    while let Some(line) = file.next(&mut record, &mut cuts)? {
        let cell = |at: usize| {
            record
                .get(at)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .unwrap_or_default()
        };
        let raw = cell(student);
        if raw.trim().is_empty() && !cuts.iter().any(|c| c.loses_data()) {
            continue;
        }
        // A cell cut by the limits, or a quote never closed, is not a
        // student to trust.
        if cuts.iter().any(|c| c.loses_data()) {
            out.unreadable_rows.push(line);
            continue;
        }
        let Ok(student_id) = StudentId::parse(&raw) else {
            out.unreadable_rows.push(line);
            continue;
        };
        let school_id = match school.map(cell).filter(|s| !s.trim().is_empty()) {
            None => None,
            Some(raw) => match SchoolId::parse(&raw) {
                Ok(parsed) => Some(parsed.id),
                Err(_) => {
                    out.unreadable_rows.push(line);
                    continue;
                }
            },
        };
        out.enrolments.push(Enrolment {
            student_id: student_id.id,
            school_id,
        });
    }
    out.encoding = file.encoding;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{Enrolment, read_students};
    use crate::error::ErrorKind;
    use crate::values::id::{SchoolId, StudentId};

    #[test]
    fn a_file_without_a_student_column_or_any_line_is_refused() {
        let empty = read_students(&b""[..]).expect_err("empty");
        assert!(matches!(empty.kind(), ErrorKind::EmptyFile));
        assert_eq!(empty.line(), Some(1));
        let no_column = read_students(&b"\n\nname,school_id\nAna,0102\n"[..]).expect_err("no ID");
        assert_eq!(no_column.line(), Some(3));
        match no_column.kind() {
            ErrorKind::MissingColumn { column, hint, .. } => {
                assert_eq!(*column, crate::column::Column::StudentId);
                assert_eq!(
                    hint.as_deref(),
                    Some("the students file needs a student_id column")
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unreadable_rows_are_counted_by_line_and_blank_ones_skipped() {
        let text = "\u{feff}Student Number,School\n\
                    000125,0102\n\
                    ,0102\n\
                    1.23E+05,0102\n\
                    000126,#REF!\n\
                    000127,\n\
                    000128,\"0103\n";
        let students = read_students(text.as_bytes()).expect("reads");
        assert!(students.has_schools);
        assert_eq!(
            students.enrolments,
            [
                Enrolment {
                    student_id: StudentId::from("000125"),
                    school_id: Some(SchoolId::from("0102")),
                },
                Enrolment {
                    student_id: StudentId::from("000127"),
                    school_id: None,
                },
            ]
        );
        // Line 3 is blank (no student): skipped, not unreadable; line 8
        // opens a quote the file never closes.
        assert_eq!(students.unreadable_rows, [4, 5, 7]);
    }
}
