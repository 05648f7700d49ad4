//! The dry run over the database rosters beside the in-memory one, and
//! `load` and `apply` on each, on the generated district:
//! `cargo bench --features sqlite --bench stores`. With `--features
//! sqlite,postgres` and `GUARDIAN_ROSTER_POSTGRES_URL` set (`source
//! .ci/postgres.sh && postgres_start`), PostgreSQL too. `BENCH_ROWS` sets
//! the file size (default 100,000 rows).

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

    let mut group = c.benchmark_group(format!("stores_{rows}"));
    group.sample_size(10);
    group.throughput(Throughput::Elements(rows as u64));
    group.bench_function("dry_run_full_in_memory", |b| {
        b.iter(|| dry_run(&file, &mut memory, &options).map(|p| p.changes().len()))
    });
    group.bench_function("dry_run_full_sqlite", |b| {
        b.iter(|| dry_run(&file, &mut roster, &options).map(|p| p.changes().len()))
    });
    // The full scan each dry run starts with (a stale key stops it).
    group.bench_function("stale_keys_sqlite", |b| {
        b.iter(|| guardian_roster::Roster::stale_keys(&mut roster))
    });
    group.bench_function("load_sqlite", |b| b.iter(loaded));
    #[cfg(feature = "postgres")]
    postgres::dry_run_and_load(&mut group, &file, &students, &current, &options);
    group.throughput(Throughput::Elements(plan.changes().len() as u64));
    #[cfg(feature = "postgres")]
    postgres::apply_plan(&mut group, &plan, &students, &current);
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

/// The same work on PostgreSQL, in a schema of the bench's own.
#[cfg(feature = "postgres")]
mod postgres {
    use criterion::BenchmarkGroup;
    use criterion::measurement::WallTime;
    use guardian_roster::{
        ApplyOptions, DryRunOptions, Plan, PostgresRoster, Students, ValidatedFile, apply, dry_run,
    };
    use postgres::{Client, NoTls};

    fn client() -> Option<Client> {
        let Ok(url) = std::env::var("GUARDIAN_ROSTER_POSTGRES_URL") else {
            eprintln!("PostgreSQL skipped: set GUARDIAN_ROSTER_POSTGRES_URL");
            return None;
        };
        let mut client = Client::connect(&url, NoTls).expect("the bench server");
        client
            .batch_execute("CREATE SCHEMA IF NOT EXISTS bench; SET search_path TO bench")
            .expect("a schema");
        Some(client)
    }

    fn reload(client: &mut Client, students: &Students, current: &ValidatedFile) {
        client
            .batch_execute("DROP TABLE IF EXISTS students, schools, enrolments, guardians, links")
            .expect("empties");
        let mut roster = PostgresRoster::new(client);
        roster.create_schema().expect("tables");
        roster.load(students, current).expect("loads");
    }

    pub fn dry_run_and_load(
        group: &mut BenchmarkGroup<'_, WallTime>,
        file: &ValidatedFile,
        students: &Students,
        current: &ValidatedFile,
        options: &DryRunOptions,
    ) {
        let Some(mut client) = client() else { return };
        group.bench_function("load_postgres", |b| {
            b.iter(|| reload(&mut client, students, current))
        });
        let mut roster = PostgresRoster::new(&mut client);
        group.bench_function("dry_run_full_postgres", |b| {
            b.iter(|| dry_run(file, &mut roster, options).map(|p| p.changes().len()))
        });
    }

    pub fn apply_plan(
        group: &mut BenchmarkGroup<'_, WallTime>,
        plan: &Plan,
        students: &Students,
        current: &ValidatedFile,
    ) {
        let Some(mut client) = client() else { return };
        // Each apply starts from the roster freshly loaded; only the apply
        // is timed.
        group.bench_function("apply_postgres", |b| {
            b.iter_custom(|iterations| {
                let mut spent = std::time::Duration::ZERO;
                for _ in 0..iterations {
                    reload(&mut client, students, current);
                    let mut roster = PostgresRoster::new(&mut client);
                    let started = std::time::Instant::now();
                    let applied = apply(plan, &mut roster, &ApplyOptions::new()).expect("applies");
                    spent += started.elapsed();
                    assert_eq!(applied.applied(), plan.changes().len());
                }
                spent
            })
        });
    }
}

criterion_group!(benches, sqlite);
criterion_main!(benches);
