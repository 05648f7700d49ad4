//! The law that matters: after applying a plan, a dry run of the same file
//! yields no change. Checked on generated files and rosters, small pools so
//! that IDs, emails and mobiles collide often, with NFD names, guardian IDs
//! that lost their zeros, and rows that leave the contacts to another row
//! of the guardian (an empty email and mobile).

use crate::common;

use guardian_roster::{DryRunOptions, InMemoryRoster, StudentId, SyncMode, dry_run};
use proptest::prelude::*;

fn row() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["001", "002", "003", "004", "1", "=\"002\"", "9.9E+09"]),
        // Zero-stripped guardian IDs beside their padded forms.
        prop::sample::select(vec!["G1", "G2", "G3", "G4", "G5", "007", "7"]),
        // A name decomposed (e + U+0301) beside its precomposed form.
        prop::sample::select(vec!["Ana", "Bo", "Jos\u{e9}", "Jose\u{301}"]),
        prop::sample::select(vec![
            "a@example.com",
            "A@example.com",
            "b@example.com",
            "",
            "bad@x",
        ]),
        prop::sample::select(vec!["312 555 0101", "(312) 555-0102", "", "+33142764978"]),
        prop::sample::select(vec!["es", "Spanish", "", "vi"]),
    )
        .prop_map(|(s, g, n, e, m, l)| format!("{s},{g},{n},Ruiz,{e},{m},,{l}"))
}

fn rows() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(row(), 0..12)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn applying_a_plan_then_rerunning_yields_no_change(
        current in rows(),
        upload in rows(),
        full in any::<bool>(),
        percent in 0.0f64..=100.0,
    ) {
        let current_refs: Vec<&str> = current.iter().map(String::as_str).collect();
        let upload_refs: Vec<&str> = upload.iter().map(String::as_str).collect();
        let current = common::validate(common::csv(&current_refs));
        let students = ["001", "002", "003", "004"].map(StudentId::from);
        let mut roster = InMemoryRoster::from_export(students, &current);
        let file = common::validate(common::csv(&upload_refs));
        let mode = if full { SyncMode::Full } else { SyncMode::Additive };
        let mut options = DryRunOptions::new();
        options.mode(mode).max_unlink_percent(percent);

        let plan = dry_run(&file, &mut roster, &options).unwrap_or_else(|e| panic!("{e}"));
        if !full {
            prop_assert!(plan.changes().iter().all(|c| c.action() != "unlink"));
        }
        let s = plan.summary();
        prop_assert_eq!(
            (s.create_guardian + s.update_guardian + s.link + s.unlink) as usize,
            plan.changes().len()
        );
        guardian_roster::apply(&plan, &mut roster, &guardian_roster::ApplyOptions::new()).expect("in memory");
        let again = dry_run(&file, &mut roster, &options).unwrap_or_else(|e| panic!("{e}"));
        prop_assert!(again.changes().is_empty(), "second plan: {:?}", again.changes());
    }
}

/// A row of a full sync's upload, with each kind of damage that makes a
/// row unusable: an ID in another width, script or case, a letter for a
/// digit, zeros stripped, scientific notation, a broken email, no contact.
fn damaged_row() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            "001",
            "002",
            "003",
            "004",
            "1",
            "\u{ff10}\u{ff10}\u{ff12}",
            "\u{660}\u{660}\u{663}",
            "00l",
            "9.9E+09",
        ]),
        prop::sample::select(vec!["G1", "G2", "G3", "g1", "\u{ff27}2", "007", "7"]),
        prop::sample::select(vec![
            "a@example.com",
            "b@example.com",
            "c@example.com",
            "bad@x",
            "",
        ]),
    )
        .prop_map(|(s, g, e)| format!("{s},{g},Ana,Ruiz,{e},,,"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The full-sync law: no link is removed whose guardian or student has
    /// a row that was rejected or refused, whatever made it unusable, and
    /// under any spelling of its IDs that [`id_key`] folds together.
    #[test]
    fn no_link_is_removed_whose_guardian_or_student_has_a_refused_row(
        current in rows(),
        upload in prop::collection::vec(damaged_row(), 0..12),
        percent in 0.0f64..=100.0,
    ) {
        use guardian_roster::id_key;
        let current_refs: Vec<&str> = current.iter().map(String::as_str).collect();
        let upload_refs: Vec<&str> = upload.iter().map(String::as_str).collect();
        let current = common::validate(common::csv(&current_refs));
        let students = ["001", "002", "003", "004", "007"].map(StudentId::from);
        let mut roster = InMemoryRoster::from_export(students, &current);
        let file = common::validate(common::csv(&upload_refs));
        let mut options = DryRunOptions::new();
        options.mode(SyncMode::Full).max_unlink_percent(percent);
        let plan = dry_run(&file, &mut roster, &options).unwrap_or_else(|e| panic!("{e}"));

        // The refused rows' IDs, by key: rejected by the reader, or with an
        // error from the dry run (found by the line of its link).
        let mut guardians = std::collections::HashSet::new();
        let mut students = std::collections::HashSet::new();
        for row in file.rejected_rows() {
            if let Some(g) = &row.guardian_id {
                guardians.insert(id_key(g.as_str()).into_owned());
            }
            if let Some(s) = &row.student_id {
                students.insert(id_key(s.as_str()).into_owned());
            }
            // A row with neither ID readable holds every link.
            if row.guardian_id.is_none() && row.student_id.is_none() {
                prop_assert!(common::unlinks(&plan).is_empty());
            }
        }
        for error in plan.diagnostics().iter().filter(|d| d.is_error()) {
            for link in file.links().iter().filter(|l| l.line == error.line) {
                guardians.insert(id_key(link.guardian_id.as_str()).into_owned());
                students.insert(id_key(link.student_id.as_str()).into_owned());
            }
        }
        for (guardian, student) in common::unlinks(&plan) {
            prop_assert!(
                !guardians.contains(id_key(&guardian).as_ref()),
                "removed {} -> {} though the guardian has a refused row", guardian, student
            );
            prop_assert!(
                !students.contains(id_key(&student).as_ref()),
                "removed {} -> {} though the student has a refused row", guardian, student
            );
        }
    }
}
