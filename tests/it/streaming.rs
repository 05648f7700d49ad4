//! Streaming validation (`Reader::validate_with`) hands over, row by row
//! and then for the whole file, exactly what `validate` keeps: the same
//! diagnostics, the same final statuses, the same guardians and links.

use crate::common;
use crate::synth;

use guardian_roster::{Diagnostic, Found, ReaderBuilder, RowStatus, ValidatedFile};

/// What a streaming validation handed over, in order.
#[derive(Default)]
struct Handed {
    /// Each row's line and provisional status, in file order.
    rows: Vec<(u64, RowStatus)>,
    /// Every diagnostic, as handed over.
    diagnostics: Vec<Diagnostic>,
    /// Each row's last status told, by line.
    last: std::collections::BTreeMap<u64, RowStatus>,
    /// Diagnostics withdrawn.
    withdrawn: Vec<Diagnostic>,
}

/// `data` validated with a sink on `threads` threads; asserts as it goes
/// that nothing is said of a line before its row was handed over.
fn streamed(data: &[u8], threads: usize) -> (ValidatedFile, Handed) {
    let reader = ReaderBuilder::new()
        .threads(threads)
        .from_reader(data)
        .expect("reads");
    let header = reader.info().header_line();
    let mut handed = Handed::default();
    let file = reader
        .validate_with(|found| match found {
            Found::Row(row) => {
                handed.rows.push((row.line(), row.status()));
                handed.last.insert(row.line(), row.status());
                handed.diagnostics.extend(row.diagnostics().iter().cloned());
            }
            Found::Diagnostic(d) => {
                let reached = handed.rows.last().map_or(header, |&(line, _)| line);
                assert!(
                    d.line <= reached,
                    "{} on line {} before its row",
                    d.code,
                    d.line
                );
                handed.diagnostics.push(d.clone());
            }
            Found::Withdrawn(d) => {
                let at = handed
                    .diagnostics
                    .iter()
                    .position(|said| said == d)
                    .expect("withdrawn after it was handed over");
                assert_eq!(d.code.as_str(), "no_contact");
                handed.withdrawn.push(handed.diagnostics.remove(at));
            }
            Found::Status(outcome) => {
                let told = handed
                    .last
                    .get_mut(&outcome.line)
                    .expect("a row handed over");
                assert_ne!(*told, outcome.status, "a status told again unchanged");
                *told = outcome.status;
            }
            _ => unreachable!("no other kind yet"),
        })
        .expect("reads");
    (file, handed)
}

/// Diagnostics in a canonical order: by line, code and message.
fn sorted(diagnostics: &[Diagnostic]) -> Vec<(u64, &'static str, String)> {
    let mut all: Vec<_> = diagnostics
        .iter()
        .map(|d| (d.line, d.code.as_str(), d.message()))
        .collect();
    all.sort();
    all
}

/// Streaming and keeping agree on `data`, on one thread and on two.
pub(crate) fn assert_streaming_agrees(data: &[u8]) {
    let kept = common::validate(data);
    for threads in [1, 2] {
        let (file, handed) = streamed(data, threads);
        assert!(file.diagnostics().is_empty());
        assert_eq!(sorted(&handed.diagnostics), sorted(kept.diagnostics()));
        assert_eq!(file.summary(), kept.summary());
        assert_eq!(file.rows(), kept.rows());
        let lines: Vec<u64> = handed.rows.iter().map(|&(line, _)| line).collect();
        let kept_lines: Vec<u64> = kept.rows().iter().map(|r| r.line).collect();
        assert_eq!(lines, kept_lines, "every row handed over once, in order");
        let last: Vec<(u64, RowStatus)> = handed.last.into_iter().collect();
        let kept_last: Vec<(u64, RowStatus)> =
            kept.rows().iter().map(|r| (r.line, r.status)).collect();
        assert_eq!(last, kept_last, "the last status told is the final one");
        assert_eq!(file.guardians(), kept.guardians());
        assert_eq!(file.links(), kept.links());
        assert_eq!(file.rejected_rows(), kept.rejected_rows());
    }
}

#[test]
fn the_bundled_sample_streams_as_it_validates() {
    let data = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/guardians.csv"
    ))
    .expect("the sample");
    assert_streaming_agrees(&data);
}

/// Several batches of a generated district file with problems: rows that
/// disagree, repeat, lack contacts, share them.
#[test]
fn a_generated_file_of_several_batches_streams_as_it_validates() {
    let data = synth::guardians_csv(&synth::Options {
        rows: 9_000,
        seed: 7,
        foreign_percent: 5.0,
        problem_percent: 3.0,
    });
    assert_streaming_agrees(data.as_bytes());
}

/// Each kind of verdict: a row completed from its guardian's other row
/// (rejected, then repaired after the last row), a conflicting guardian
/// (rows rejected at the end), a repeated row, a shared email, a file
/// diagnostic on the header line.
#[test]
fn every_kind_of_verdict_is_handed_over_where_it_belongs() {
    let data = format!(
        "Guardians export\n{}",
        common::csv(&[
            "001,G1,Ana,Diaz,,,,",
            "002,G1,Ana,Diaz,ana@example.com,,,",
            "003,G2,Bo,Li,bo@example.com,,,",
            "004,G2,Bob,Lee,bo@example.com,,,",
            "005,G3,Cy,Ng,cy@example.com,,,",
            "005,G3,Cy,Ng,cy@example.com,,,",
            "006,G4,Di,Oz,cy@example.com,,,",
        ])
    );
    assert_streaming_agrees(data.as_bytes());
    let (_, handed) = streamed(data.as_bytes(), 1);
    let codes: Vec<(u64, &str)> = handed
        .diagnostics
        .iter()
        .map(|d| (d.line, d.code.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            (1, "lines_before_header"),
            (8, "duplicate_row"),
            (3, "rows_completed"),
            (5, "conflicting_guardian"),
            (6, "conflicting_guardian"),
            (7, "shared_email"),
            (9, "shared_email")
        ]
    );
    let withdrawn: Vec<(u64, &str)> = handed
        .withdrawn
        .iter()
        .map(|d| (d.line, d.code.as_str()))
        .collect();
    assert_eq!(withdrawn, [(3, "no_contact")]);
    assert_eq!(handed.rows[0], (3, RowStatus::Rejected));
    assert_eq!(handed.last[&3], RowStatus::Repaired);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// Any generated district file with many problems streams as it
    /// validates.
    #[test]
    fn generated_files_stream_as_they_validate(seed in 0u64..10_000, rows in 1usize..400) {
        let data = synth::guardians_csv(&synth::Options {
            rows,
            seed,
            foreign_percent: 10.0,
            problem_percent: 25.0,
        });
        assert_streaming_agrees(data.as_bytes());
    }
}

/// The dry run needs nothing the streamed file leaves out: it plans the
/// same from a streamed file as from a kept one.
#[test]
fn a_streamed_file_plans_as_a_kept_one() {
    let data = synth::guardians_csv(&synth::Options {
        rows: 3_000,
        seed: 5,
        foreign_percent: 5.0,
        problem_percent: 5.0,
    });
    let kept = common::validate(data.as_bytes());
    let (streamed, _) = streamed(data.as_bytes(), 2);
    // The roster: every student of the file, and half of its guardians
    // as they were, so that the plan creates, updates, links and unlinks.
    let half: Vec<&str> = data.lines().take(1_500).collect();
    let current = common::validate(half.join("\n").as_bytes());
    let students =
        (0..3_000).map(|n| guardian_roster::StudentId::from(synth::student_id(n).as_str()));
    let mut roster = guardian_roster::InMemoryRoster::from_export(students, &current);
    let mut options = guardian_roster::DryRunOptions::new();
    options
        .mode(guardian_roster::SyncMode::Full)
        .max_unlink_percent(100.0);
    let from_kept = guardian_roster::dry_run(&kept, &mut roster, &options).expect("in memory");
    let from_streamed =
        guardian_roster::dry_run(&streamed, &mut roster, &options).expect("in memory");
    assert!(from_kept.summary().create_guardian > 0 && from_kept.summary().link > 0);
    assert_eq!(from_streamed.changes(), from_kept.changes());
    assert_eq!(from_streamed.diagnostics(), from_kept.diagnostics());
    assert_eq!(from_streamed.summary(), from_kept.summary());
}
