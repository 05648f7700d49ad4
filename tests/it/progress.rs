//! Progress reports, cancellation and the caller's thread pool, for reading
//! and for the dry run.

use crate::common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use guardian_roster::{
    Control, DryRunOptions, ErrorKind, InMemoryRoster, Phase, Progress, ReaderBuilder, StudentId,
    SyncMode, dry_run,
};

fn big_file(rows: usize) -> String {
    let mut text = format!("{}\n", common::HEADER);
    for n in 0..rows {
        text.push_str(&format!(
            "{:06},G{},Ana,Ruiz,g{}@example.com,,,\n",
            n % 5000,
            n / 2,
            n / 2
        ));
    }
    text
}

fn recorder() -> (
    Arc<Mutex<Vec<Progress>>>,
    impl Fn(Progress) + Send + Sync + 'static,
) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    (seen, move |p| log.lock().expect("not poisoned").push(p))
}

#[test]
fn reading_reports_its_phases_rows_and_bytes() {
    let text = big_file(40_000);
    for threads in [1, 2] {
        let (seen, callback) = recorder();
        let file = ReaderBuilder::new()
            .threads(threads)
            .control(Control::new().progress(callback))
            .from_reader(text.as_bytes())
            .and_then(|r| r.validate())
            .expect("reads");
        assert_eq!(file.summary().rows, 40_000);
        let seen = seen.lock().expect("not poisoned");
        let steps: Vec<(Phase, u64)> = seen.iter().map(|p| (p.phase, p.done)).collect();
        assert_eq!(
            steps,
            [
                (Phase::Reading, 0),
                (Phase::Reading, 16_384),
                (Phase::Reading, 32_768),
                (Phase::WholeFile, 40_000)
            ],
            "{threads} threads"
        );
        assert!(seen.windows(2).all(|w| w[0].bytes <= w[1].bytes));
        assert_eq!(seen[3].bytes, text.len() as u64);
    }
}

#[test]
fn a_cancelled_read_stops_with_cancelled() {
    let text = big_file(40_000);
    for threads in [1, 2] {
        let flag = Arc::new(AtomicBool::new(false));
        let setter = Arc::clone(&flag);
        let error = ReaderBuilder::new()
            .threads(threads)
            .control(
                Control::new()
                    .cancel_flag(Arc::clone(&flag))
                    .progress(move |p| {
                        if p.done >= 16_384 {
                            setter.store(true, Ordering::Relaxed);
                        }
                    }),
            )
            .from_reader(text.as_bytes())
            .and_then(|r| r.validate())
            .expect_err("cancelled");
        assert!(matches!(error.kind(), ErrorKind::Cancelled));
        assert_eq!(error.code().as_str(), "cancelled");
        assert_eq!(error.line(), Some(16_385));
    }
}

#[test]
fn the_dry_run_reports_and_cancels() {
    let file = common::validate(big_file(40_000));
    let students = (0..5000).map(|n| StudentId::from(format!("{n:06}").as_str()));
    let mut roster = InMemoryRoster::from_export(students, &common::validate(common::csv(&[])));
    let (seen, callback) = recorder();
    let plan = dry_run(
        &file,
        &mut roster,
        DryRunOptions::new()
            .mode(SyncMode::Full)
            .control(Control::new().progress(callback)),
    )
    .expect("in memory");
    assert_eq!(plan.summary().create_guardian, 20_000);
    let steps: Vec<(Phase, u64)> = seen
        .lock()
        .expect("not poisoned")
        .iter()
        .map(|p| (p.phase, p.done))
        .collect();
    assert_eq!(steps, [(Phase::Planning, 0), (Phase::Planning, 20_000)]);

    let flag = Arc::new(AtomicBool::new(true));
    let error = dry_run(
        &file,
        &mut roster,
        DryRunOptions::new().control(Control::new().cancel_flag(flag)),
    )
    .expect_err("cancelled");
    assert!(matches!(error.kind(), ErrorKind::Cancelled));
}

#[test]
fn the_callers_pool_gives_the_same_results() {
    let text = big_file(20_000);
    let pool = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("a pool"),
    );
    let mine = ReaderBuilder::new()
        .control(Control::new().thread_pool(Arc::clone(&pool)))
        .from_reader(text.as_bytes())
        .and_then(|r| r.validate())
        .expect("reads");
    let alone = ReaderBuilder::new()
        .threads(1)
        .from_reader(text.as_bytes())
        .and_then(|r| r.validate())
        .expect("reads");
    let json = |v: &dyn erased::Json| v.json();
    assert_eq!(json(&mine), json(&alone));

    let mut roster = InMemoryRoster::from_export(
        (0..5000).map(|n| StudentId::from(format!("{n:06}").as_str())),
        &common::validate(common::csv(&[])),
    );
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full);
    let on_pool = dry_run(
        &mine,
        &mut roster,
        options.clone().control(Control::new().thread_pool(pool)),
    )
    .expect("plans");
    let global = dry_run(&mine, &mut roster, &options).expect("plans");
    assert_eq!(json(&on_pool), json(&global));
}

mod erased {
    /// Serialises anything serde can, for comparing whole results.
    pub trait Json {
        fn json(&self) -> String;
    }

    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).expect("serialises")
        }
    }
}
