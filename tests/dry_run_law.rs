//! The law that matters: after applying a plan, a dry run of the same file
//! yields no change. Checked on generated files and rosters, small pools so
//! that IDs, emails and mobiles collide often, with NFD names, guardian IDs
//! that lost their zeros, and rows that leave the contacts to another row
//! of the guardian (an empty email and mobile).

mod common;

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

        let plan = dry_run(&file, &roster, &options).unwrap_or_else(|e| panic!("{e}"));
        if !full {
            prop_assert!(plan.changes().iter().all(|c| c.action() != "unlink"));
        }
        let s = plan.summary();
        prop_assert_eq!(
            (s.create_guardian + s.update_guardian + s.link + s.unlink) as usize,
            plan.changes().len()
        );
        roster.apply(&plan);
        let again = dry_run(&file, &roster, &options).unwrap_or_else(|e| panic!("{e}"));
        prop_assert!(again.changes().is_empty(), "second plan: {:?}", again.changes());
    }
}
