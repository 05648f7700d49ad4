//! District-level and school-level uploads: the scope of a full sync.

use crate::common;

use common::{csv, plan_codes as codes, unlinks};
use guardian_roster::{
    DryRunOptions, ErrorKind, InMemoryRoster, SchoolId, Scope, SyncMode, dry_run, read_students,
};
use proptest::prelude::*;

/// A district of three schools: 0102 (students 001-003), 0205 (004-005,
/// and 003 too) and 0301 (006).
fn district(current: &[&str]) -> InMemoryRoster {
    let students = read_students(
        "Student Number,School Code\n\
         001,0102\n002,0102\n003,0102\n003,0205\n004,0205\n005,0205\n006,0301\n"
            .as_bytes(),
    )
    .expect("reads");
    let current = common::validate(csv(current));
    let mut roster = InMemoryRoster::from_export(
        students.enrolments.iter().map(|e| e.student_id.clone()),
        &current,
    );
    for enrolment in students.enrolments {
        if let Some(school) = enrolment.school_id {
            roster.add_enrolment(enrolment.student_id, school);
        }
    }
    roster
}

const CURRENT: &[&str] = &[
    "001,G1,Ana,Ruiz,ana@example.com,,,",
    "002,G2,Bo,Li,bo@example.com,,,",
    "003,G3,Cy,Ng,cy@example.com,,,",
    "004,G4,Di,Oz,di@example.com,,,",
    "005,G5,Ed,Po,ed@example.com,,,",
    "006,G6,Fay,Qi,fay@example.com,,,",
];

fn school(ids: &[&str]) -> Scope {
    Scope::schools(ids.iter().map(|id| SchoolId::from(*id)))
}

#[test]
fn a_school_level_full_sync_removes_only_that_schools_links() {
    let mut roster = district(CURRENT);
    // School 0102's upload: G2 has left; the other schools are not in it.
    let file = common::validate(csv(&[
        "001,G1,Ana,Ruiz,ana@example.com,,,",
        "003,G3,Cy,Ng,cy@example.com,,,",
    ]));
    let mut options = DryRunOptions::new();
    options
        .mode(SyncMode::Full)
        .max_unlink_percent(50.0)
        .scope(school(&["0102"]));
    let plan = dry_run(&file, &mut roster, &options).expect("in memory");
    assert_eq!(unlinks(&plan), [("G2".to_owned(), "002".to_owned())]);
    assert_eq!(plan.scope(), &school(&["0102"]));
    // The same file as a district upload would remove every other school's
    // links: held, over the threshold.
    let district_wide = dry_run(
        &file,
        &mut roster,
        DryRunOptions::new()
            .mode(SyncMode::Full)
            .max_unlink_percent(50.0),
    )
    .expect("in memory");
    assert!(unlinks(&district_wide).is_empty());
    assert_eq!(district_wide.summary().unlinks_held_by_threshold, 4);

    // Under the threshold, the school sync holds as before: 1 of 3 links.
    let mut strict = options.clone();
    strict.max_unlink_percent(10.0);
    let plan = dry_run(&file, &mut roster, &strict).expect("in memory");
    assert!(unlinks(&plan).is_empty());
    assert_eq!(codes(&plan), [("deletion_threshold", 1)]);
    assert!(
        plan.diagnostics()[0]
            .message()
            .starts_with("1 of the 3 links this file covers would be removed (33.3%;")
    );
}

#[test]
fn a_student_of_another_school_is_reported_not_linked() {
    let mut roster = district(CURRENT);
    let file = common::validate(csv(&[
        "001,G1,Ana,Ruiz,ana@example.com,,,",
        "002,G2,Bo,Li,bo@example.com,,,",
        "003,G3,Cy,Ng,cy@example.com,,,",
        // 004 is school 0205's; 003 is in both schools.
        "004,G1,Ana,Ruiz,ana@example.com,,,",
        "006,G7,Gil,Ra,gil@example.com,,,",
    ]));
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full).scope(school(&["0102"]));
    let plan = dry_run(&file, &mut roster, &options).expect("in memory");
    assert_eq!(
        codes(&plan),
        [("student_out_of_scope", 5), ("student_out_of_scope", 6)]
    );
    assert_eq!(
        plan.diagnostics()[0].message(),
        "Line 5: student 004 is in the roster under school 0205, not in this upload's scope; the row was not applied (an upload never links across schools): upload it for the student's school, or from the District page"
    );
    // No link across schools, no guardian made for another school only.
    assert!(plan.changes().is_empty(), "{:?}", plan.changes());
    assert_eq!(plan.summary().rows_skipped, 2);
}

#[test]
fn a_scope_school_that_lost_its_zeros_stops_with_a_suggestion() {
    let mut roster = district(CURRENT);
    let file = common::validate(csv(&["001,G1,Ana,Ruiz,ana@example.com,,,"]));
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full).scope(school(&["102"]));
    let error = dry_run(&file, &mut roster, &options).expect_err("a wrong scope stops");
    let ErrorKind::UnknownSchool {
        school: given,
        suggestion,
    } = error.kind()
    else {
        panic!("unknown_school, not {error:?}");
    };
    assert_eq!(given.as_str(), "102");
    assert_eq!(suggestion.as_ref().map(|s| s.as_str()), Some("0102"));
    let diagnostic = error.to_diagnostic();
    assert_eq!(diagnostic.code.as_str(), "unknown_school");
    assert_eq!(diagnostic.suggestion.as_deref(), Some("0102"));

    // A school the roster has under no form stops too, with no suggestion.
    let error =
        dry_run(&file, &mut roster, options.clone().scope(school(&["0999"]))).expect_err("stops");
    assert!(matches!(
        error.kind(),
        ErrorKind::UnknownSchool {
            suggestion: None,
            ..
        }
    ));
}

#[test]
fn the_students_file_names_schools_as_districts_write_them() {
    for header in ["school_id", "School", "School Code", "SchoolID", "Building"] {
        let text = format!("Student ID,{header}\n=\"000125\",0102\n000125,\"0205\"\n000126,\n");
        let students = read_students(text.as_bytes()).expect("reads");
        assert!(students.has_schools, "{header}");
        let rows: Vec<(&str, Option<&str>)> = students
            .enrolments
            .iter()
            .map(|e| {
                (
                    e.student_id.as_str(),
                    e.school_id.as_ref().map(|s| s.as_str()),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("000125", Some("0102")),
                ("000125", Some("0205")),
                ("000126", None)
            ],
            "{header}"
        );
    }
    let students =
        read_students("student_id;grade\n1.2E+05;3\n000127;4\n".as_bytes()).expect("reads");
    assert!(!students.has_schools);
    // Physical lines: the header is line 1.
    assert_eq!(students.unreadable_rows, [2]);
    assert_eq!(students.enrolments.len(), 1);
}

#[test]
fn the_students_file_is_read_as_guardians_csv_is() {
    use guardian_roster::TextEncoding;
    // Windows-1252 (a school name with an accent), CRLF, a blank line, a
    // quoted line break in another column and a quote never closed: the
    // same decoding, tokenizer and physical lines as the upload.
    let mut bytes = b"sep=;\r\nStudent Number;School;Notes\r\n000125;0102;\"two\r\nlines\"\r\n\r\n000126;0205;Jos\xe9\r\n".to_vec();
    bytes.extend_from_slice(b"000127;0205;\"never closed\r\n");
    let students = read_students(bytes.as_slice()).expect("reads");
    assert_eq!(students.encoding, TextEncoding::Windows1252);
    let rows: Vec<(&str, Option<&str>)> = students
        .enrolments
        .iter()
        .map(|e| {
            (
                e.student_id.as_str(),
                e.school_id.as_ref().map(|s| s.as_str()),
            )
        })
        .collect();
    assert_eq!(rows, [("000125", Some("0102")), ("000126", Some("0205"))]);
    // The last row's quote swallows the rest of the file: not trusted.
    assert_eq!(students.unreadable_rows, [7]);
    // A workbook is named, not misread.
    let error = read_students(&b"PK\x03\x04\x14\x00\x06\x00"[..]).expect_err("a workbook");
    assert_eq!(error.code().as_str(), "unreadable_file");
}

fn row() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["001", "002", "003", "004", "005", "006", "1"]),
        prop::sample::select(vec!["G1", "G2", "G3", "G4", "G7"]),
        prop::sample::select(vec!["a@example.com", "b@example.com", ""]),
        prop::sample::select(vec!["312 555 0101", ""]),
    )
        .prop_map(|(s, g, e, m)| format!("{s},{g},Ana,Ruiz,{e},{m},,"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// The law holds for a scoped sync too: apply, run again, no change.
    #[test]
    fn a_scoped_sync_applied_then_rerun_changes_nothing(
        upload in prop::collection::vec(row(), 0..10),
        schools in prop::sample::subsequence(vec!["0102", "0205", "0301"], 1..=2),
        percent in 0.0f64..=100.0,
    ) {
        let mut roster = district(CURRENT);
        let refs: Vec<&str> = upload.iter().map(String::as_str).collect();
        let file = common::validate(csv(&refs));
        let mut options = DryRunOptions::new();
        options.mode(SyncMode::Full)
            .max_unlink_percent(percent)
            .scope(school(&schools));
        let plan = dry_run(&file, &mut roster, &options).unwrap_or_else(|e| panic!("{e}"));
        // Nothing outside the scope is ever removed.
        for (_, student) in unlinks(&plan) {
            let in_scope = match student.as_str() {
                "001" | "002" => schools.contains(&"0102"),
                "003" => schools.contains(&"0102") || schools.contains(&"0205"),
                "004" | "005" => schools.contains(&"0205"),
                _ => schools.contains(&"0301"),
            };
            prop_assert!(in_scope, "{student} removed outside {schools:?}");
        }
        guardian_roster::apply(&plan, &mut roster, &guardian_roster::ApplyOptions::new()).expect("in memory");
        let again = dry_run(&file, &mut roster, &options).unwrap_or_else(|e| panic!("{e}"));
        prop_assert!(again.changes().is_empty(), "second plan: {:?}", again.changes());
    }
}

#[test]
fn a_schools_sync_keeps_the_link_of_a_student_also_enrolled_elsewhere() {
    let mut roster = district(CURRENT);
    // School 0102's upload leaves out 003, who is in 0205 too: 0205's
    // upload may still list G3. G2's link (002, in 0102 only) goes.
    let file = common::validate(csv(&["001,G1,Ana,Ruiz,ana@example.com,,,"]));
    let mut options = DryRunOptions::new();
    options
        .mode(SyncMode::Full)
        .max_unlink_percent(100.0)
        .scope(school(&["0102"]));
    let plan = dry_run(&file, &mut roster, &options).expect("in memory");
    assert_eq!(unlinks(&plan), [("G2".to_owned(), "002".to_owned())]);
    let held: Vec<(&str, &str)> = plan
        .held_unlinks()
        .iter()
        .map(|(g, s)| (g.as_str(), s.as_str()))
        .collect();
    assert_eq!(held, [("G3", "003")]);
    assert_eq!(plan.summary().unlinks_held_by_other_schools, 1);
    assert_eq!(plan.summary().unlinks_held_by_rows, 0);
    let note = plan
        .diagnostics()
        .iter()
        .find(|d| d.code.as_str() == "unlink_held")
        .map(|d| d.message());
    assert_eq!(
        note.as_deref(),
        Some(
            "Student 003 is also enrolled in school 0205, outside this upload's schools, whose upload may still list them, so their link to guardian G3 is kept, not removed; that school's sync decides"
        )
    );
}

#[test]
fn a_schools_upload_updating_another_schools_guardian_is_warned() {
    let mut roster = district(CURRENT);
    // G4's only child (004) is in 0205; 0102's upload links G4 to 001 and
    // gives them a new email.
    let file = common::validate(csv(&[
        "001,G1,Ana,Ruiz,ana@example.com,,,",
        "001,G4,Di,Oz,di.new@example.com,,,",
    ]));
    let mut options = DryRunOptions::new();
    options.scope(school(&["0102"]));
    let plan = dry_run(&file, &mut roster, &options).expect("in memory");
    assert_eq!(codes(&plan), [("guardian_out_of_scope", 3)]);
    assert_eq!(
        plan.diagnostics()[0].message(),
        "Line 3: guardian G4 is updated by this school's upload, but every student the roster links them to is in another school; check with those schools that the new details are right"
    );
    // The district's upload of the same rows says nothing of it.
    let plan = dry_run(&file, &mut roster, &DryRunOptions::new()).expect("in memory");
    assert!(plan.diagnostics().is_empty());
}
