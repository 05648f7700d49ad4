//! The dry run over a SQLite roster beside the in-memory one, and
//! `apply`'s rate, on the generated district (feature `sqlite`):
//! `cargo bench --features sqlite --bench sqlite`. `BENCH_ROWS` sets the
//! file size (default 100,000 rows).

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use guardian_roster::{
    ApplyOptions, DryRunOptions, InMemoryRoster, ReaderBuilder, SqliteRoster, SyncMode, apply,
    dry_run, read_students,
};

#[path = "../examples/generate/synth.rs"]
mod synth;

fn rows() -> usize {
    std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

fn sqlite(c: &mut Criterion) {
    let rows = rows();
    let district = synth::District::new(&synth::Options {
        rows,
        seed: 7,
        ..synth::Options::default()
    });
    let (mut guardians, mut students, mut current) = (Vec::new(), Vec::new(), Vec::new());
    // Writing to a Vec cannot fail.
    let _ = district.write_guardians(&mut guardians);
    let _ = district.write_students(&mut students);
    let _ = district.write_current(&mut current);
    let students = read_students(students.as_slice()).expect("generated students read");
    let current = ReaderBuilder::new()
        .from_reader(current.as_slice())
        .and_then(|r| r.validate())
        .expect("generated roster reads");
    let file = ReaderBuilder::new()
        .from_reader(guardians.as_slice())
        .and_then(|r| r.validate())
        .expect("generated file reads");
    let mut memory = InMemoryRoster::from_export(
        students.enrolments.iter().map(|e| e.student_id.clone()),
        &current,
    );
    for e in &students.enrolments {
        if let Some(school) = &e.school_id {
            memory.add_enrolment(e.student_id.clone(), school.clone());
        }
    }
    let loaded = || {
        let connection = rusqlite::Connection::open_in_memory().expect("in memory");
        {
            let mut roster = SqliteRoster::new(&connection);
            roster.create_schema().expect("schema");
            roster.load(&students, &current).expect("loads");
        }
        connection
    };
    let connection = loaded();
    let mut roster = SqliteRoster::new(&connection);
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full);
    let plan = dry_run(&file, &mut roster, &options).expect("plans");

    let mut group = c.benchmark_group(format!("sqlite_{rows}"));
    group.sample_size(10);
    group.throughput(Throughput::Elements(rows as u64));
    group.bench_function("dry_run_full_in_memory", |b| {
        b.iter(|| dry_run(&file, &mut memory, &options).map(|p| p.changes().len()))
    });
    group.bench_function("dry_run_full_sqlite", |b| {
        b.iter(|| dry_run(&file, &mut roster, &options).map(|p| p.changes().len()))
    });
    group.throughput(Throughput::Elements(plan.changes().len() as u64));
    group.bench_function("apply_sqlite", |b| {
        b.iter_batched(
            loaded,
            |connection| {
                let transaction = connection.unchecked_transaction().expect("a transaction");
                let mut writer = SqliteRoster::new(&transaction);
                let applied = apply(&plan, &mut writer, &ApplyOptions::new()).map(|a| a.applied());
                transaction.commit().expect("commits");
                applied
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, sqlite);
criterion_main!(benches);
