//! Parallel validation gives exactly the single-threaded result, in the
//! same order.

use crate::synth;

use guardian_roster::{ReaderBuilder, ValidatedFile};

/// `data` validated on `threads` threads.
fn validate_on(threads: usize, data: &str) -> ValidatedFile {
    ReaderBuilder::new()
        .threads(threads)
        .from_reader(data.as_bytes())
        .and_then(|r| r.validate())
        .expect("reads")
}

/// Each diagnostic's code and line, in order.
fn codes_and_lines(file: &ValidatedFile) -> Vec<(&'static str, u64)> {
    file.diagnostics()
        .iter()
        .map(|d| (d.code.as_str(), d.line))
        .collect()
}

/// The usable guardians' IDs, in order.
fn guardian_ids(file: &ValidatedFile) -> Vec<&str> {
    file.guardians()
        .iter()
        .map(|g| g.guardian_id.as_str())
        .collect()
}

#[test]
fn parallel_and_single_threaded_validation_agree() {
    let data = synth::guardians_csv(&synth::Options {
        rows: 9_000,
        seed: 11,
        foreign_percent: 5.0,
        problem_percent: 2.0,
    });
    let one = validate_on(1, &data);
    let two = validate_on(2, &data);
    assert!(one.summary().rejected > 0, "the file carries problems");
    assert_eq!(one.rows(), two.rows());
    let json = |file| serde_json::to_string(file).expect("serialises");
    assert_eq!(json(&one), json(&two));

    // `rows` checks every row in full; `validate` skips a guardian's
    // repeated cells. Apart from what only the whole file can say, their
    // diagnostics are the same.
    let mut reader = ReaderBuilder::new()
        .from_reader(data.as_bytes())
        .expect("reads");
    let mut one_by_one = Vec::new();
    for row in reader.rows() {
        one_by_one.extend(row.expect("reads").diagnostics().iter().cloned());
    }
    // A row without a contact that another row of its guardian completes
    // has no `no_contact` once the whole file is read.
    let still: Vec<u64> = two
        .diagnostics()
        .iter()
        .filter(|d| d.code.as_str() == "no_contact")
        .map(|d| d.line)
        .collect();
    one_by_one.retain(|d| d.code.as_str() != "no_contact" || still.contains(&d.line));
    let whole_file = [
        "conflicting_guardian",
        "duplicate_row",
        "shared_email",
        "shared_mobile",
        "name_case",
        "name_variant",
        "optional_field_differs",
        "rows_completed",
    ];
    let row_level: Vec<_> = two
        .diagnostics()
        .iter()
        .filter(|d| !whole_file.contains(&d.code.as_str()))
        .cloned()
        .collect();
    assert!(one_by_one.len() > 100, "the file carries row problems");
    assert!(row_level == one_by_one, "validate and rows disagree");
}

/// A guardian's later rows reuse the first row's verdicts only when their
/// cells are the same bytes: a row that differs is checked again and its
/// diagnostics land on its own line, whatever the thread count.
#[test]
fn repeated_guardian_rows_are_checked_on_their_own_lines() {
    let data = "\
student_id,guardian_id,first_name,last_name,email,mobile_phone
S1,G1,Ana,Diaz,ana@example.com,312-555-0142
S2,G1,Ana,Diaz,ana@example.com,312-555-0142
S3,G1,Ana,Diaz,'ana@example.com,312-555-0142
S4,G1,Ana,Diaz,ana@example.com,312-555-0142
S5,G1,Ana,Diaz,ana@example,312-555-0142
S6,G2,Ana,Diaz,ana@example.com,312-555-0142
S7,G1,Ana,Diaz,ana@example.com,312-555-0142
";
    for threads in [1, 2, 4] {
        let file = validate_on(threads, data);
        assert_eq!(
            codes_and_lines(&file),
            [
                ("shared_email", 2),
                ("shared_mobile", 2),
                ("text_marker", 4),
                ("invalid_email", 6),
                ("shared_email", 7),
                ("shared_mobile", 7),
            ],
            "threads {threads}"
        );
        let statuses: Vec<&str> = file
            .rows()
            .iter()
            .map(|r| match r.status {
                guardian_roster::RowStatus::Valid => "valid",
                guardian_roster::RowStatus::Repaired => "repaired",
                guardian_roster::RowStatus::Rejected => "rejected",
                guardian_roster::RowStatus::Blank => "blank",
                _ => "other",
            })
            .collect();
        assert_eq!(
            statuses,
            [
                "repaired", "valid", "repaired", "valid", "rejected", "repaired", "valid"
            ]
        );
        assert_eq!(guardian_ids(&file), ["G1", "G2"]);
        let links: Vec<(&str, &str)> = file
            .links()
            .iter()
            .map(|l| (l.guardian_id.as_str(), l.student_id.as_str()))
            .collect();
        assert_eq!(
            links,
            [
                ("G1", "S1"),
                ("G1", "S2"),
                ("G1", "S3"),
                ("G1", "S4"),
                ("G2", "S6"),
                ("G1", "S7")
            ]
        );
    }
}

/// A row that repeats an earlier row's cells lacks what the guardian's
/// rows between them gave, as a row checked afresh does: the
/// `rows_completed` warning names it whether one thread remembered the
/// cells or another checked them again (rows 4 and 5 repeat rows 2 and 3;
/// with 2 threads they fall to another share's checker).
#[test]
fn a_repeated_row_is_completed_from_what_came_after_its_first() {
    let data = "\
student_id,guardian_id,first_name,last_name,email,mobile_phone,home_phone
S1,P1,Ana,Diaz,ana@example.com,312-555-0142,
S1,P1,Ana,Diaz,ana@example.com,,312-555-0199
S2,P1,Ana,Diaz,ana@example.com,312-555-0142,
S2,P1,Ana,Diaz,ana@example.com,,312-555-0199
S3,P2,Bo,Li,bo@example.com,,
S4,P3,Cy,Ray,cy@example.com,,
";
    for threads in [1, 2, 4] {
        let file = validate_on(threads, data);
        let completed: Vec<String> = file
            .diagnostics()
            .iter()
            .filter(|d| d.code.as_str() == "rows_completed")
            .map(|d| d.message().to_string())
            .collect();
        assert_eq!(
            completed,
            [
                "Line 2: guardian P1 has no mobile phone and home phone on lines 2, 4 and 5 but has on line 3; those rows were completed from line 3 (SIS exports often write a guardian's contacts on their first row only): check it is right for every child"
            ],
            "threads {threads}"
        );
        let guardian = &file.guardians()[0];
        assert_eq!(
            (
                guardian.mobile_phone.as_ref().map(|p| p.e164()),
                guardian.home_phone.as_ref().map(|p| p.e164())
            ),
            (Some("+13125550142"), Some("+13125550199")),
            "threads {threads}"
        );
    }
}

/// The dry run plans guardians in parallel and gives exactly the plan of
/// one thread, in the same order.
#[test]
fn parallel_and_single_threaded_dry_runs_agree() {
    let district = synth::District::new(&synth::Options {
        rows: 6_000,
        seed: 5,
        foreign_percent: 5.0,
        problem_percent: 2.0,
    });
    let (mut upload, mut students, mut current) = (Vec::new(), Vec::new(), Vec::new());
    district.write_guardians(&mut upload).expect("in memory");
    district.write_students(&mut students).expect("in memory");
    district.write_current(&mut current).expect("in memory");
    let read = |bytes: &[u8]| {
        ReaderBuilder::new()
            .from_reader(bytes)
            .and_then(|r| r.validate())
            .expect("generated files read")
    };
    let file = read(&upload);
    let students: Vec<guardian_roster::StudentId> = String::from_utf8_lossy(&students)
        .lines()
        .skip(1)
        .filter_map(|line| line.split(',').next())
        .map(guardian_roster::StudentId::from)
        .collect();
    let mut roster = guardian_roster::InMemoryRoster::from_export(students, &read(&current));
    for mode in [
        guardian_roster::SyncMode::Additive,
        guardian_roster::SyncMode::Full,
    ] {
        let mut options = guardian_roster::DryRunOptions::new();
        options.mode(mode).max_unlink_percent(100.0);
        let mut plan_on = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a pool");
            let plan = pool
                .install(|| guardian_roster::dry_run(&file, &mut roster, &options))
                .expect("in-memory roster answers");
            serde_json::to_string(&plan).expect("serialises")
        };
        let one = plan_on(1);
        assert!(one.contains("\"update_guardian\""), "the roster differs");
        assert_eq!(one, plan_on(4), "{mode:?}");
    }
}

/// Cells first seen on a guardian's later row are compared with the
/// guardian then; a row repeating them gets that verdict, not a new one.
#[test]
fn repeated_cells_keep_the_verdict_of_their_first_row() {
    let data = "\
student_id,guardian_id,first_name,last_name,email,mobile_phone
S1,G1,Ana,Diaz,ana@example.com,312-555-0142
S2,G1,Ana,Diaz,ana@example.com,312-555-0199
S2,G1,Ana,Diaz,ana@example.com,312-555-0199
S3,G2,Bo,Li,bo@example.com,
S3,G2,Bo,Li, bo@example.com,
S3,G2,Bo,Li, bo@example.com,
";
    for threads in [1, 2] {
        let file = validate_on(threads, data);
        assert_eq!(
            codes_and_lines(&file),
            [
                ("conflicting_guardian", 2),
                ("conflicting_guardian", 3),
                ("conflicting_guardian", 4),
                ("duplicate_row", 6),
                ("duplicate_row", 7),
            ],
            "threads {threads}"
        );
        assert_eq!(file.summary().rejected, 3);
        assert_eq!(guardian_ids(&file), ["G2"]);
    }
}

#[test]
fn the_generator_is_deterministic_for_a_seed() {
    let options = |seed| synth::Options {
        rows: 2_000,
        seed,
        foreign_percent: 5.0,
        problem_percent: 2.0,
    };
    let first = synth::guardians_csv(&options(7));
    assert_eq!(first, synth::guardians_csv(&options(7)));
    assert_ne!(first, synth::guardians_csv(&options(8)));
    assert_eq!(
        first.lines().count(),
        2_001,
        "a header and the rows asked for"
    );
    // Problems of many kinds, and foreign numbers, are in the file.
    let file = validate_on(1, &first);
    let mut codes: Vec<&str> = file.diagnostics().iter().map(|d| d.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    assert!(codes.len() >= 10, "{codes:?}");
    assert!(
        file.guardians()
            .iter()
            .filter_map(|g| g.mobile_phone.as_ref())
            .any(|p| !p.e164().starts_with("+1")),
        "foreign numbers"
    );
}

/// One way a guardian's cells may be written: the contacts drawn from a
/// few values each, empty included.
fn guardian_cells() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    (
        prop_oneof![Just("Ana"), Just("ana"), Just("Bo")],
        prop_oneof![
            Just(""),
            Just("ana@example.com"),
            Just("bo@example.com"),
            Just("ana@example")
        ],
        prop_oneof![
            Just(""),
            Just("312-555-0142"),
            Just("(312) 555-0199"),
            Just("555")
        ],
        prop_oneof![Just(""), Just("312-555-0100"), Just("312-555-0101")],
        prop_oneof![Just(""), Just("es"), Just("en")],
    )
        .prop_map(|(first, email, mobile, home, language)| {
            format!("{first},Diaz,{email},{mobile},{home},{language}")
        })
}

/// A file of a few guardians, each written a few ways, the rows picking
/// one at random: rows repeat one another's cells exactly, complete them,
/// disagree with them and come back to them, in any order.
fn guardian_file() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    (
        proptest::collection::vec(guardian_cells(), 2..6),
        proptest::collection::vec((0..3usize, 0..6usize, 0..6u8), 1..40),
    )
        .prop_map(|(ways, rows)| {
            let mut data = String::from(
                "student_id,guardian_id,first_name,last_name,email,mobile_phone,home_phone,language\n",
            );
            for (guardian, way, student) in rows {
                let cells = &ways[(guardian * 2 + way) % ways.len()];
                data.push_str(&format!("S{student},G{guardian},{cells}\n"));
            }
            data
        })
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(256))]

    /// Whatever the thread count, validation gives the same file: the
    /// checking threads each remember guardian cells in their own share
    /// of the rows, so one thread reuses a verdict where another checks
    /// the cells afresh, and the whole-file checks must not tell them
    /// apart (documented: "the result is the same whatever the number"),
    /// kept or streamed.
    #[test]
    fn the_thread_count_never_changes_the_result(data in guardian_file()) {
        let json = |threads| serde_json::to_string(&validate_on(threads, &data)).expect("serialises");
        let one = json(1);
        proptest::prop_assert_eq!(&one, &json(2));
        proptest::prop_assert_eq!(&one, &json(4));
        // Streamed, on one thread and two, it hands over the same.
        crate::streaming::assert_streaming_agrees(data.as_bytes());
    }
}
