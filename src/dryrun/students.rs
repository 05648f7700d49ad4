//! The students file: which students the roster has, and their schools.

use std::io::Read;

use crate::column::{Column, header_key};
use crate::error::{Error, ErrorKind};
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
    /// Rows (1-based, counted after the header) whose student or school ID
    /// could not be read (scientific notation, a control character...);
    /// those rows are left out.
    pub unreadable_rows: Vec<u64>,
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

/// Reads a students file: any CSV (comma, semicolon or tab) with a student
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
pub fn read_students<R: Read>(input: R) -> Result<Students, Error> {
    let mut text = Vec::new();
    let mut input = input;
    input.read_to_end(&mut text)?;
    let first_line = text.split(|&b| b == b'\n').next().unwrap_or_default();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first_line.iter().filter(|b| *b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_slice());
    let io =
        |e: csv::Error| Error::without_line(ErrorKind::Io(std::io::Error::other(e.to_string())));
    let headers = reader.byte_headers().map_err(io)?.clone();
    let cells: Vec<String> = headers
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
                1,
            )
        })?;
    let school = cells
        .iter()
        .position(|h| SCHOOL_HEADERS.contains(&header_key(h).as_str()));
    let mut out = Students {
        has_schools: school.is_some(),
        ..Students::default()
    };
    let mut record = csv::ByteRecord::new();
    let mut row = 0u64;
    while reader.read_byte_record(&mut record).map_err(io)? {
        row += 1;
        let cell = |at: usize| {
            record
                .get(at)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .unwrap_or_default()
        };
        let raw = cell(student);
        if raw.trim().is_empty() {
            continue;
        }
        let Ok(student_id) = StudentId::parse(&raw) else {
            out.unreadable_rows.push(row);
            continue;
        };
        let school_id = match school.map(cell).filter(|s| !s.trim().is_empty()) {
            None => None,
            Some(raw) => match SchoolId::parse(&raw) {
                Ok(parsed) => Some(parsed.id),
                Err(_) => {
                    out.unreadable_rows.push(row);
                    continue;
                }
            },
        };
        out.enrolments.push(Enrolment {
            student_id: student_id.id,
            school_id,
        });
    }
    Ok(out)
}
