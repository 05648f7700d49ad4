//! Parallel validation gives exactly the single-threaded result, in the
//! same order.

#[path = "../examples/generate/synth.rs"]
mod synth;

use guardian_roster::ReaderBuilder;

#[test]
fn parallel_and_single_threaded_validation_agree() {
    let data = synth::guardians_csv(&synth::Options {
        rows: 9_000,
        seed: 11,
        foreign_percent: 5.0,
        problem_percent: 2.0,
    });
    let run = |threads| {
        ReaderBuilder::new()
            .threads(threads)
            .from_reader(data.as_bytes())
            .and_then(|r| r.validate())
            .expect("generated files read")
    };
    let one = run(1);
    let two = run(2);
    assert!(one.summary().rejected > 0, "the file carries problems");
    assert_eq!(one.rows(), two.rows());
    let json = |file| serde_json::to_string(file).expect("serialises");
    assert_eq!(json(&one), json(&two));
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
        let file = ReaderBuilder::new()
            .threads(threads)
            .from_reader(data.as_bytes())
            .and_then(|r| r.validate())
            .expect("reads");
        let found: Vec<(&str, u64)> = file
            .diagnostics()
            .iter()
            .map(|d| (d.code.as_str(), d.line))
            .collect();
        assert_eq!(
            found,
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
            })
            .collect();
        assert_eq!(
            statuses,
            [
                "repaired", "valid", "repaired", "valid", "rejected", "repaired", "valid"
            ]
        );
        let ids: Vec<&str> = file
            .guardians()
            .iter()
            .map(|g| g.guardian_id.as_str())
            .collect();
        assert_eq!(ids, ["G1", "G2"]);
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
