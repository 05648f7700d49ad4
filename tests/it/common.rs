//! Helpers shared by the integration tests.

#![allow(dead_code)]

use guardian_roster::{Change, Diagnostic, Plan, ReaderBuilder, ValidatedFile};

/// Validates `bytes` with default options, panicking on a fatal error.
pub fn validate(bytes: impl AsRef<[u8]>) -> ValidatedFile {
    ReaderBuilder::new()
        .from_reader(bytes.as_ref())
        .and_then(|reader| reader.validate())
        .unwrap_or_else(|e| panic!("fatal error: {e}"))
}

/// (code, line, column) of each diagnostic, in order.
pub fn found(file: &ValidatedFile) -> Vec<(&'static str, u64, Option<&'static str>)> {
    file.diagnostics().iter().map(triple).collect()
}

/// (code, line, suggestion) of each diagnostic, in order.
pub fn suggested(file: &ValidatedFile) -> Vec<(&'static str, u64, Option<&str>)> {
    file.diagnostics()
        .iter()
        .map(|d| (d.code.as_str(), d.line, d.suggestion.as_deref()))
        .collect()
}

/// (code, line, column) of one diagnostic.
pub fn triple(d: &Diagnostic) -> (&'static str, u64, Option<&'static str>) {
    (d.code.as_str(), d.line, d.column.map(|c| c.as_str()))
}

/// The canonical header.
pub const HEADER: &str =
    "student_id,guardian_id,first_name,last_name,email,mobile_phone,home_phone,language";

/// A file of the canonical header and `rows`, LF line ends.
pub fn csv(rows: &[&str]) -> String {
    let mut text = String::from(HEADER);
    text.push('\n');
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text
}

/// The path of an example binary, which `cargo test` builds beside the
/// test binaries.
pub fn example(name: &str) -> std::path::PathBuf {
    let mut path = std::env::current_exe().expect("test binary path");
    path.pop(); // the test binary
    if path.ends_with("deps") {
        path.pop();
    }
    path.join("examples").join(name)
}

/// (code, line) of each of a plan's diagnostics, in order.
pub fn plan_codes(plan: &Plan) -> Vec<(&'static str, u64)> {
    plan.diagnostics()
        .iter()
        .map(|d| (d.code.as_str(), d.line))
        .collect()
}

/// (guardian, student) of each link a plan removes, in order.
pub fn unlinks(plan: &Plan) -> Vec<(String, String)> {
    plan.changes()
        .iter()
        .filter_map(|c| match c {
            Change::Unlink {
                guardian_id,
                student_id,
            } => Some((guardian_id.to_string(), student_id.to_string())),
            _ => None,
        })
        .collect()
}

/// An in-memory roster of the students (and schools) of a students file,
/// and the guardians and links of `current` rows.
pub fn memory_roster(students: &str, current: &[&str]) -> guardian_roster::InMemoryRoster {
    let students = guardian_roster::read_students(students.as_bytes()).expect("students");
    let mut roster = guardian_roster::InMemoryRoster::from_export(
        students.enrolments.iter().map(|e| e.student_id.clone()),
        &validate(csv(current)),
    );
    for e in students.enrolments {
        if let Some(school) = e.school_id {
            roster.add_enrolment(e.student_id, school);
        }
    }
    roster
}

/// A plan as JSON text, to compare plans byte for byte.
pub fn json(plan: &Plan) -> String {
    serde_json::to_string(plan).expect("a plan serialises")
}
