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
