//! Dry-run safety and identity: a row that did not apply is never a
//! deletion, a guardian ID that lost its zeros is never a second account,
//! and a full sync says which students it would leave with no guardian.

use crate::common;

use common::{csv, plan_codes as codes, unlinks};
use guardian_roster::{
    DryRunOptions, InMemoryRoster, Plan, Severity, StudentId, SyncMode, dry_run,
};

fn roster(students: &[&str], current: &[&str]) -> InMemoryRoster {
    let current = common::validate(csv(current));
    assert!(!current.has_errors(), "{:?}", current.diagnostics());
    InMemoryRoster::from_export(students.iter().map(|s| StudentId::from(*s)), &current)
}

fn held(plan: &Plan) -> Vec<(&str, &str)> {
    plan.held_unlinks()
        .iter()
        .map(|(g, s)| (g.as_str(), s.as_str()))
        .collect()
}

fn full(percent: f64) -> DryRunOptions {
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full).max_unlink_percent(percent);
    options
}

#[test]
fn a_student_id_that_lost_its_zeros_holds_the_link_it_stands_for() {
    let mut roster = roster(
        &["001234", "001235", "001236"],
        &[
            "001234,G-9,Ana,Ruiz,ana@example.com,,,",
            "001235,G-9,Ana,Ruiz,ana@example.com,,,",
            "001236,G-5,Bo,Li,bo@example.com,,,",
        ],
    );
    let file = common::validate(csv(&[
        "1234,G-9,Ana,Ruiz,ana@example.com,,,",
        "001235,G-9,Ana,Ruiz,ana@example.com,,,",
    ]));
    let plan = dry_run(&file, &mut roster, &full(100.0)).expect("in memory");
    assert_eq!(
        codes(&plan),
        [
            ("student_left_without_guardian", 1),
            ("unknown_student", 2),
            ("unlink_held", 2)
        ],
    );
    assert_eq!(plan.diagnostics()[0].value.as_deref(), Some("001236"));
    assert_eq!(plan.diagnostics()[1].suggestion.as_deref(), Some("001234"));
    assert_eq!(
        plan.diagnostics()[2].message(),
        "Line 2 was not applied (its student ID is not in the roster) and may be the row for guardian G-9 and student 001234, so that link is kept, not removed; fix the row and sync again"
    );
    assert_eq!(plan.diagnostics()[2].value.as_deref(), Some("G-9 001234"));
    // Only the link no row stands for goes.
    assert_eq!(unlinks(&plan), [("G-5".to_owned(), "001236".to_owned())]);
    assert_eq!(held(&plan), [("G-9", "001234")]);
    let s = plan.summary();
    assert_eq!(
        (
            s.unlink,
            s.unlinks_held,
            s.unlinks_held_by_rows,
            s.unlinks_held_by_threshold
        ),
        (1, 1, 1, 0)
    );
    assert_eq!(s.rows_skipped, 1);
}

/// 5% of the student IDs damaged must not become removals under a 10%
/// threshold: held links are not removals and are not counted as such.
#[test]
fn held_links_are_not_removals_when_the_threshold_is_measured() {
    let students: Vec<String> = (0..20).map(|n| format!("{:06}", 1000 + n)).collect();
    let student_refs: Vec<&str> = students.iter().map(String::as_str).collect();
    let current: Vec<String> = students
        .iter()
        .enumerate()
        .map(|(n, s)| format!("{s},G{n},Ana,Ruiz,g{n}@example.com,,,"))
        .collect();
    let current_refs: Vec<&str> = current.iter().map(String::as_str).collect();
    let mut roster = roster(&student_refs, &current_refs);
    // Row 0 lost its zeros; row 1 is gone from the SIS: one removal.
    let upload: Vec<String> = current
        .iter()
        .enumerate()
        .filter(|(n, _)| *n != 1)
        .map(|(n, row)| {
            if n == 0 {
                row.trim_start_matches('0').to_owned()
            } else {
                row.clone()
            }
        })
        .collect();
    let upload_refs: Vec<&str> = upload.iter().map(String::as_str).collect();
    let file = common::validate(csv(&upload_refs));
    let plan = dry_run(&file, &mut roster, &full(5.0)).expect("in memory");
    assert_eq!(unlinks(&plan), [("G1".to_owned(), "001001".to_owned())]);
    assert_eq!(held(&plan), [("G0", "001000")]);
    let s = plan.summary();
    assert_eq!(
        (
            s.unlink,
            s.unlinks_held_by_rows,
            s.unlinks_held_by_threshold
        ),
        (1, 1, 0)
    );

    // Two removals of 20 covered links is 10%: above 5%, all held, and the
    // message says what it measures with both numbers.
    let fewer: Vec<&str> = upload_refs
        .iter()
        .copied()
        .filter(|row| !row.contains(",G2,"))
        .collect();
    let file = common::validate(csv(&fewer));
    let plan = dry_run(&file, &mut roster, &full(5.0)).expect("in memory");
    assert!(unlinks(&plan).is_empty());
    let s = plan.summary();
    assert_eq!(
        (
            s.unlink,
            s.unlinks_held,
            s.unlinks_held_by_rows,
            s.unlinks_held_by_threshold
        ),
        (0, 3, 1, 2)
    );
    let threshold = plan
        .diagnostics()
        .iter()
        .find(|d| d.code.as_str() == "deletion_threshold")
        .expect("threshold");
    assert_eq!(
        threshold.message(),
        "2 of the 20 links this file covers would be removed (10.0%; the links it covers are the roster's 20 in scope and the 0 this file adds), more than the 5% a sync may remove; no link was removed. 1 more are kept because rows that may stand for them were not applied. If the file is complete and this is intended, raise the limit; otherwise check that the export holds every guardian"
    );
}

#[test]
fn a_guardian_id_that_lost_its_zeros_is_the_roster_guardian_not_a_new_one() {
    let mut roster = roster(
        &["000125", "000126", "000127"],
        &[
            "000125,0077,Kim,Lee,kim@example.com,312 555 0177,,",
            "000126,0077,Kim,Lee,kim@example.com,312 555 0177,,",
            "000127,G3,Cy,Ng,cy@example.com,,,",
        ],
    );
    // The same person, the same contacts, the zeros stripped; the SIS no
    // longer lists Kim's second child here, but the row that would say so
    // did not apply.
    let file = common::validate(csv(&[
        "000125,77,Kim,Lee,kim@example.com,312 555 0177,,",
        "000127,G3,Cy,Ng,cy@example.com,,,",
    ]));
    let plan = dry_run(&file, &mut roster, &full(100.0)).expect("in memory");
    assert_eq!(
        codes(&plan),
        [
            ("similar_guardian", 2),
            ("email_in_use", 2),
            ("mobile_in_use", 2),
            ("unlink_held", 2),
            ("unlink_held", 2),
        ]
    );
    let d = plan.diagnostics();
    assert!(d[..3].iter().all(|d| d.severity() == Severity::Error));
    assert!(
        d[..3]
            .iter()
            .all(|d| d.suggestion.as_deref() == Some("0077"))
    );
    assert_eq!(
        d[1].message(),
        "Line 2: the email kim@example.com already belongs to guardian 0077 in the roster, and guardian 0077's ID differs from 77 only in leading zeros: this is probably the same person with an ID a spreadsheet damaged, not a different one; this row was not applied: fix the guardian ID in the file (0077), not the email"
    );
    assert_eq!(
        d[3].message(),
        "Line 2 was not applied (its guardian ID matches the roster's only once leading zeros are ignored) and may be the row for guardian 0077, so their link to student 000125 is kept, not removed; fix the guardian ID in the file and sync again"
    );
    // No second account, no unlink of the twin's children.
    assert!(plan.changes().is_empty(), "{:?}", plan.changes());
    assert_eq!(held(&plan), [("0077", "000125"), ("0077", "000126")]);
    assert_eq!(plan.summary().rows_skipped, 1);
}

#[test]
fn a_guardian_with_a_damaged_id_is_named_whatever_its_contacts_say() {
    let mut roster = roster(
        &["000125"],
        &["000125,0077,Kim,Lee,kim@example.com,312 555 0177,,"],
    );
    // New contacts: no collision, still not a new account.
    let file = common::validate(csv(&["000125,77,Kim,Lee,kim.lee@example.com,,,"]));
    let plan = dry_run(&file, &mut roster, &DryRunOptions::default()).expect("in memory");
    assert_eq!(codes(&plan), [("similar_guardian", 2)]);
    assert_eq!(plan.diagnostics()[0].suggestion.as_deref(), Some("0077"));
    assert!(plan.changes().is_empty());
}

#[test]
fn a_full_sync_names_the_students_it_would_leave_with_no_guardian() {
    let mut roster = roster(
        &["000125", "000126", "000127"],
        &[
            "000125,G1,Ana,Ruiz,ana@example.com,,,",
            "000126,G1,Ana,Ruiz,ana@example.com,,,",
            "000126,G2,Bo,Ruiz,bo@example.com,,,",
            "000127,G3,Cy,Ng,cy@example.com,,,",
            "000127,G4,Di,Ng,di@example.com,,,",
        ],
    );
    // G1 leaves 000126 (G2 stays); G3 and G4 both leave 000127; G5 is new
    // for 000125, which keeps G1.
    let file = common::validate(csv(&[
        "000125,G1,Ana,Ruiz,ana@example.com,,,",
        "000126,G2,Bo,Ruiz,bo@example.com,,,",
        "000125,G5,Ed,Ruiz,ed@example.com,,,",
    ]));
    let plan = dry_run(&file, &mut roster, &full(100.0)).expect("in memory");
    assert_eq!(
        unlinks(&plan),
        [
            ("G1".to_owned(), "000126".to_owned()),
            ("G3".to_owned(), "000127".to_owned()),
            ("G4".to_owned(), "000127".to_owned()),
        ]
    );
    assert_eq!(codes(&plan), [("student_left_without_guardian", 1)]);
    let warning = &plan.diagnostics()[0];
    assert_eq!(warning.value.as_deref(), Some("000127"));
    assert_eq!(
        warning.message(),
        "Student 000127 would be left with no guardian: this sync removes every link they have (guardians G3 and G4); check that the export holds this student's guardians before Start Processing"
    );
    assert_eq!(plan.summary().students_left_without_guardian, 1);

    // A new link to the student keeps them from being left alone.
    let file = common::validate(csv(&[
        "000125,G1,Ana,Ruiz,ana@example.com,,,",
        "000126,G2,Bo,Ruiz,bo@example.com,,,",
        "000127,G5,Ed,Ruiz,ed@example.com,,,",
    ]));
    let plan = dry_run(&file, &mut roster, &full(100.0)).expect("in memory");
    assert_eq!(plan.summary().unlink, 3);
    assert_eq!(plan.summary().students_left_without_guardian, 0);
    assert_eq!(codes(&plan), []);

    // A student who keeps a guardian and gains one, and loses another, is
    // not left alone.
    let kept = common::validate(csv(&[
        "000125,G1,Ana,Ruiz,ana@example.com,,,",
        "000126,G1,Ana,Ruiz,ana@example.com,,,",
        "000126,G2,Bo,Ruiz,bo@example.com,,,",
        "000127,G3,Cy,Ng,cy@example.com,,,",
        "000127,G5,Ed,Ruiz,ed@example.com,,,",
    ]));
    let plan = dry_run(&kept, &mut roster, &full(100.0)).expect("in memory");
    assert_eq!(unlinks(&plan), [("G4".to_owned(), "000127".to_owned())]);
    assert_eq!(plan.summary().students_left_without_guardian, 0);
    assert_eq!(codes(&plan), []);

    // Held removals leave nobody alone.
    let plan = dry_run(&file, &mut roster, &full(10.0)).expect("in memory");
    assert_eq!(plan.summary().unlinks_held_by_threshold, 3);
    assert_eq!(plan.summary().students_left_without_guardian, 0);
}

/// Rows a late quote swallowed (here in an extra column) did not apply:
/// a full sync removes none of their links.
#[test]
fn rows_swallowed_by_a_late_quote_are_never_deletions() {
    let mut roster = roster(
        &["001", "002", "003"],
        &[
            "001,G1,Ana,Diaz,ana@example.com,,,",
            "002,G2,Bo,Li,bo@example.com,,,",
            "003,G3,Cy,Ng,cy@example.com,,,",
        ],
    );
    let text = "student_id,guardian_id,first_name,last_name,email,mobile_phone,relationship\n\
                001,G1,Ana,Diaz,ana@example.com,,\"Mother\n\
                002,G2,Bo,Li,bo@example.com,,Father\n\
                003,G3,Cy,Ng,cy@example.com,,Aunt\"\n";
    let file = common::validate(text);
    let plan = dry_run(&file, &mut roster, &full(100.0)).expect("in memory");
    assert!(unlinks(&plan).is_empty(), "{:?}", plan.changes());
    assert_eq!(plan.summary().unlinks_held_by_rows, 3);
}

/// The roster of the refused-row cases: guardian G001 linked to students
/// 000101 and 000102, G002 to 000103, and enough other links that a few
/// removals stay under any threshold.
fn twins_roster() -> InMemoryRoster {
    let mut rows = vec![
        "000101,G001,Ana,Ruiz,ana@example.com,,,".to_owned(),
        "000102,G001,Ana,Ruiz,ana@example.com,,,".to_owned(),
        "000103,G002,Bo,Li,bo@example.com,,,".to_owned(),
    ];
    for n in 10..30 {
        rows.push(format!("0002{n},G1{n},Kid,Lee,g{n}@example.com,,,"));
    }
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let current = common::validate(csv(&refs));
    let students: Vec<StudentId> = current
        .links()
        .iter()
        .map(|l| l.student_id.clone())
        .collect();
    InMemoryRoster::from_export(students, &current)
}

/// Every other family of [`twins_roster`], as the file lists them.
fn others() -> Vec<String> {
    (10..30)
        .map(|n| format!("0002{n},G1{n},Kid,Lee,g{n}@example.com,,,"))
        .collect()
}

fn with_others(rows: &[&str]) -> String {
    let mut all: Vec<String> = rows.iter().map(|r| (*r).to_owned()).collect();
    all.extend(others());
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    csv(&refs)
}

#[test]
fn a_student_id_in_full_width_or_arabic_indic_digits_is_named_and_costs_no_link() {
    for (typed, how) in [
        (
            "\u{ff10}\u{ff10}\u{ff10}\u{ff11}\u{ff10}\u{ff11}",
            "full-width",
        ),
        ("\u{660}\u{660}\u{660}\u{661}\u{660}\u{661}", "Arabic-Indic"),
    ] {
        let row = format!("{typed},G001,Ana,Ruiz,ana@example.com,,,");
        let file = common::validate(with_others(&[
            &row,
            "000102,G001,Ana,Ruiz,ana@example.com,,,",
            "000103,G002,Bo,Li,bo@example.com,,,",
        ]));
        let plan = dry_run(&file, &mut twins_roster(), &full(100.0)).expect("in memory");
        // The roster's ID as the suggestion, never acted on.
        let unknown = &plan.diagnostics()[0];
        assert_eq!(unknown.code.as_str(), "unknown_student", "{how}");
        assert_eq!(unknown.line, 2);
        assert_eq!(unknown.suggestion.as_deref(), Some("000101"), "{how}");
        assert_eq!(
            unknown.message(),
            format!(
                "Line 2: student {typed} is not in the roster; did you mean 000101? The IDs differ only in the width or script of its characters, or characters that do not show (a full-width or Arabic-Indic digit, a zero-width space); fix the ID in the file (the link was not made)"
            )
        );
        // G001's real link to 000101 stays.
        assert!(unlinks(&plan).is_empty(), "{how}: {:?}", unlinks(&plan));
        assert_eq!(held(&plan), [("G001", "000101")], "{how}");
        assert_eq!(plan.summary().students_left_without_guardian, 0);
    }
}

#[test]
fn a_letter_for_a_digit_costs_the_guardian_no_link() {
    // `00010l`: a lower-case L for the 1. No roster ID is its twin, so no
    // suggestion; but the guardian has a refused row, and keeps every link.
    let file = common::validate(with_others(&[
        "00010l,G001,Ana,Ruiz,ana@example.com,,,",
        "000102,G001,Ana,Ruiz,ana@example.com,,,",
        "000103,G002,Bo,Li,bo@example.com,,,",
    ]));
    let plan = dry_run(&file, &mut twins_roster(), &full(100.0)).expect("in memory");
    assert_eq!(codes(&plan), [("unknown_student", 2), ("unlink_held", 2)]);
    assert_eq!(plan.diagnostics()[0].suggestion, None);
    assert!(unlinks(&plan).is_empty());
    assert_eq!(held(&plan), [("G001", "000101")]);
    assert_eq!(
        plan.diagnostics()[1].message(),
        "Line 2 was not applied (its student ID is not in the roster) and is a row of guardian G001, who keeps every link a full sync would remove while a row of theirs cannot be used (here, to student 000101); fix the row and sync again"
    );
}

#[test]
fn a_guardian_id_in_another_case_or_width_is_never_a_second_account() {
    for twin in ["g001", "\u{ff27}\u{ff10}\u{ff10}\u{ff11}"] {
        // A new email: without the key, `g001` would be created beside
        // G001, and G001's links removed.
        let row = format!("000101,{twin},Ana,Ruiz,ana.new@example.com,,,");
        let file = common::validate(with_others(&[&row, "000103,G002,Bo,Li,bo@example.com,,,"]));
        let plan = dry_run(&file, &mut twins_roster(), &full(100.0)).expect("in memory");
        assert!(
            plan.changes()
                .iter()
                .all(|c| c.action() != "create_guardian"),
            "{twin}: {:?}",
            plan.changes()
        );
        let similar = &plan.diagnostics()[0];
        assert_eq!(similar.code.as_str(), "similar_guardian", "{twin}");
        assert_eq!(similar.suggestion.as_deref(), Some("G001"));
        assert!(unlinks(&plan).is_empty(), "{twin}: {:?}", unlinks(&plan));
        assert_eq!(held(&plan), [("G001", "000101"), ("G001", "000102")]);
    }
    // The message says how the IDs differ.
    let file = common::validate(with_others(&[
        "000101,g001,Ana,Ruiz,ana.new@example.com,,,",
        "000103,G002,Bo,Li,bo@example.com,,,",
    ]));
    let plan = dry_run(&file, &mut twins_roster(), &full(100.0)).expect("in memory");
    assert_eq!(
        plan.diagnostics()[0].message(),
        "Line 2: guardian g001 is not in the roster, but guardian G001 is, differing only in capital letters, which a spreadsheet or an export may have changed; this is probably the same person, so this row was not applied (it would make them a second account): fix the ID in the file to the roster's (format the column as text before exporting)"
    );
}

#[test]
fn a_guardian_id_in_another_case_with_the_roster_guardians_email_is_one_person() {
    let file = common::validate(with_others(&[
        "000101,g001,Ana,Ruiz,ana@example.com,,,",
        "000103,G002,Bo,Li,bo@example.com,,,",
    ]));
    let plan = dry_run(&file, &mut twins_roster(), &full(100.0)).expect("in memory");
    let found: Vec<(&str, Option<&str>)> = plan
        .diagnostics()
        .iter()
        .filter(|d| d.line == 2)
        .map(|d| (d.code.as_str(), d.suggestion.as_deref()))
        .collect();
    assert_eq!(
        found[..2],
        [
            ("similar_guardian", Some("G001")),
            ("email_in_use", Some("G001"))
        ]
    );
    assert!(
        plan.diagnostics()[1].message().contains(
            "differs from g001 only in capital letters: this is probably the same person"
        ),
        "{}",
        plan.diagnostics()[1].message()
    );
    assert!(unlinks(&plan).is_empty());
}

#[test]
fn a_student_with_a_refused_row_keeps_every_link() {
    // G002's row for 000103 was rejected (a broken email); G001's links
    // are untouched by it, but 000103 may have another guardian row in
    // the file, so the student keeps the link the file no longer lists.
    let mut roster = {
        let mut rows = vec![
            "000101,G001,Ana,Ruiz,ana@example.com,,,",
            "000103,G002,Bo,Li,bo@example.com,,,",
            "000103,G003,Cy,Li,cy@example.com,,,",
        ];
        let others = others();
        rows.extend(others.iter().map(String::as_str));
        let current = common::validate(csv(&rows));
        let students: Vec<StudentId> = current
            .links()
            .iter()
            .map(|l| l.student_id.clone())
            .collect();
        InMemoryRoster::from_export(students, &current)
    };
    let file = common::validate(with_others(&["000103,G002,Bo,Li,bo@example,,,"]));
    let plan = dry_run(&file, &mut roster, &full(100.0)).expect("in memory");
    // G001's link goes (no row of G001 or 000101 was refused); G003's
    // link to 000103 is held with G002's.
    assert_eq!(unlinks(&plan), [("G001".to_owned(), "000101".to_owned())]);
    assert_eq!(held(&plan), [("G002", "000103"), ("G003", "000103")]);
}

#[test]
fn a_row_whose_student_id_cannot_be_read_holds_its_guardians_links() {
    // The student ID is lost to scientific notation: only the guardian is
    // known, and every link of theirs stays.
    let file = common::validate(with_others(&[
        "1.23457E+11,G001,Ana,Ruiz,ana@example.com,,,",
        "000103,G002,Bo,Li,bo@example.com,,,",
    ]));
    assert_eq!(file.rejected_rows()[0].student_id, None);
    let plan = dry_run(&file, &mut twins_roster(), &full(100.0)).expect("in memory");
    assert!(unlinks(&plan).is_empty(), "{:?}", unlinks(&plan));
    assert_eq!(held(&plan), [("G001", "000101"), ("G001", "000102")]);
    assert_eq!(plan.summary().unlinks_held_by_rows, 2);
}
