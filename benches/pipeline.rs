//! The pipeline on a generated district file, each group beside its floor
//! in the same run: the csv crate alone, with a reused `ByteRecord`, over
//! the same bytes.
//!
//! `BENCH_ROWS` sets the file size (default 100,000 rows); the README's
//! Performance section gives the 1M-row command.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use guardian_roster::{
    DryRunOptions, InMemoryRoster, ReaderBuilder, SchoolId, Scope, StudentId, SyncMode, dry_run,
    read_source, read_students,
};

#[path = "../examples/generate/synth.rs"]
mod synth;

fn rows() -> usize {
    std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

fn district(rows: usize, foreign_percent: f64) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let district = synth::District::new(&synth::Options {
        rows,
        seed: 7,
        foreign_percent,
        ..synth::Options::default()
    });
    let (mut guardians, mut students, mut current) = (Vec::new(), Vec::new(), Vec::new());
    // Writing to a Vec cannot fail.
    let _ = district.write_guardians(&mut guardians);
    let _ = district.write_students(&mut students);
    let _ = district.write_current(&mut current);
    (guardians, students, current)
}

fn floor(data: &[u8]) -> usize {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data);
    let mut record = csv::ByteRecord::new();
    let mut fields = 0usize;
    while reader.read_byte_record(&mut record).unwrap_or(false) {
        fields += record.len();
    }
    fields
}

/// The reader's bottom layer alone: decoding, the tokenizer, physical
/// lines and limits, no checks; to set beside the floor.
fn byte_records(data: &[u8]) -> usize {
    let Ok(mut reader) = ReaderBuilder::new().from_reader(data) else {
        return 0;
    };
    let mut record = csv::ByteRecord::new();
    let mut fields = 0usize;
    while let Ok(Some(_)) = reader.read_byte_record(&mut record) {
        fields += record.len();
    }
    fields
}

fn validate(data: &[u8], threads: usize) -> u64 {
    ReaderBuilder::new()
        .threads(threads)
        .from_reader(data)
        .and_then(|r| r.validate())
        .map_or(0, |f| f.summary().rows)
}

/// Streaming validation: every row and diagnostic handed to a sink that
/// counts them, none kept.
fn validate_streaming(data: &[u8], threads: usize) -> u64 {
    let mut handed = 0u64;
    ReaderBuilder::new()
        .threads(threads)
        .from_reader(data)
        .and_then(|r| {
            r.validate_with(|found| {
                if let guardian_roster::Found::Row(row) = found {
                    handed += row.diagnostics().len() as u64 + 1;
                }
            })
        })
        .map_or(0, |f| f.summary().rows + handed)
}

fn validation(c: &mut Criterion) {
    let rows = rows();
    let (data, _, _) = district(rows, 2.0);
    let mut group = c.benchmark_group(format!("validate_{rows}"));
    group.sample_size(10);
    group.throughput(Throughput::Elements(rows as u64));
    group.bench_function("floor_csv_byte_record", |b| b.iter(|| floor(&data)));
    group.bench_function("reader_byte_records", |b| b.iter(|| byte_records(&data)));
    group.bench_function("validate", |b| b.iter(|| validate(&data, 0)));
    group.bench_function("validate_one_thread", |b| b.iter(|| validate(&data, 1)));
    group.bench_function("validate_with_sink", |b| {
        b.iter(|| validate_streaming(&data, 0))
    });
    group.finish();
}

fn foreign_numbers(c: &mut Criterion) {
    let rows = rows();
    let (us_only, _, _) = district(rows, 0.0);
    let (mixed, _, _) = district(rows, 5.0);
    let mut group = c.benchmark_group(format!("phones_{rows}"));
    group.sample_size(10);
    group.throughput(Throughput::Elements(rows as u64));
    group.bench_function("floor_csv_byte_record", |b| b.iter(|| floor(&mixed)));
    group.bench_function("validate_all_us", |b| b.iter(|| validate(&us_only, 0)));
    group.bench_function("validate_5pct_from_100_countries", |b| {
        b.iter(|| validate(&mixed, 0))
    });
    group.finish();
}

fn dry_runs(c: &mut Criterion) {
    let rows = rows();
    let (data, students, current) = district(rows, 2.0);
    let students = read_students(students.as_slice()).expect("generated students read");
    let ids: Vec<StudentId> = students
        .enrolments
        .iter()
        .map(|e| e.student_id.clone())
        .collect();
    let current = ReaderBuilder::new()
        .from_reader(current.as_slice())
        .and_then(|r| r.validate())
        .expect("generated roster reads");
    let mut roster = InMemoryRoster::from_export(ids, &current);
    for enrolment in students.enrolments {
        if let Some(school) = enrolment.school_id {
            roster.add_enrolment(enrolment.student_id, school);
        }
    }
    let file = ReaderBuilder::new()
        .from_reader(data.as_slice())
        .and_then(|r| r.validate())
        .expect("generated file reads");

    let mut group = c.benchmark_group(format!("dry_run_{rows}"));
    group.sample_size(10);
    group.throughput(Throughput::Elements(rows as u64));
    group.bench_function("floor_csv_byte_record", |b| b.iter(|| floor(&data)));
    group.bench_function("validate", |b| b.iter(|| validate(&data, 0)));
    group.bench_function("dry_run_additive", |b| {
        b.iter_batched(
            DryRunOptions::new,
            |options| dry_run(&file, &mut roster, &options).map(|p| p.changes().len()),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("dry_run_full", |b| {
        let mut options = DryRunOptions::new();
        options.mode(SyncMode::Full);
        b.iter(|| dry_run(&file, &mut roster, &options).map(|p| p.changes().len()))
    });
    // One school's full sync over the district's whole upload: a quarter
    // of the students in scope, the rest reported out of scope.
    group.bench_function("dry_run_full_one_school", |b| {
        let mut options = DryRunOptions::new();
        options
            .mode(SyncMode::Full)
            .scope(Scope::schools([SchoolId::from(
                synth::school_of(0).as_str(),
            )]));
        b.iter(|| dry_run(&file, &mut roster, &options).map(|p| p.changes().len()))
    });
    group.finish();
}

/// What keeping names in NFC costs: every first and last name of the file
/// made a `Name` (NFC: a scan for ASCII, a quick check for composed text,
/// composition for the generated share typed with combining accents),
/// beside the same names copied as they are, and validation of the file.
fn nfc_names(c: &mut Criterion) {
    let rows = rows();
    let (data, _, _) = district(rows, 2.0);
    let mut reader = csv::ReaderBuilder::new().from_reader(data.as_slice());
    let names: Vec<String> = reader
        .records()
        .filter_map(Result::ok)
        .flat_map(|record| {
            [record.get(2), record.get(3)]
                .into_iter()
                .flatten()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    let mut group = c.benchmark_group(format!("names_{rows}"));
    group.sample_size(10);
    group.throughput(Throughput::Elements(rows as u64));
    group.bench_function("copied_as_written", |b| {
        b.iter(|| {
            names
                .iter()
                .map(|n| Box::<str>::from(n.as_str()).len())
                .sum::<usize>()
        })
    });
    group.bench_function("name_nfc", |b| {
        b.iter(|| {
            names
                .iter()
                .map(|n| guardian_roster::Name::from(n.as_str()).len())
                .sum::<usize>()
        })
    });
    group.bench_function("validate", |b| b.iter(|| validate(&data, 0)));
    group.finish();
}

/// The same guardians as a guardians.csv (one row per link) and as a
/// OneRoster 1.1 export (a record per student and per guardian, linked by
/// `agentSourcedIds`), written to a folder: each guardian's first row of
/// the generated file gives its details.
fn oneroster_district(rows: usize) -> (std::path::PathBuf, u64) {
    let (data, _, _) = district(rows, 2.0);
    let mut reader = csv::ReaderBuilder::new().from_reader(data.as_slice());
    let mut order: Vec<String> = Vec::new();
    let mut guardians: std::collections::HashMap<String, (Vec<String>, Vec<String>)> =
        std::collections::HashMap::new();
    let mut students: std::collections::BTreeMap<String, Vec<String>> =
        std::collections::BTreeMap::new();
    for record in reader.records().flatten() {
        let cell = |at: usize| record.get(at).unwrap_or_default().replace([',', '"'], " ");
        let (student, guardian) = (cell(0), cell(1));
        if student.trim().is_empty() || guardian.trim().is_empty() {
            continue;
        }
        let entry = guardians.entry(guardian.clone()).or_insert_with(|| {
            order.push(guardian.clone());
            ((2..7).map(cell).collect(), Vec::new())
        });
        if !entry.1.contains(&student) {
            entry.1.push(student.clone());
            students.entry(student).or_default().push(guardian);
        }
    }
    let dir = std::env::temp_dir().join(format!("guardian-roster-bench-{}", std::process::id()));
    let oneroster = dir.join("oneroster");
    std::fs::create_dir_all(&oneroster).expect("bench folder");
    let mut csv_text =
        String::from("student_id,guardian_id,first_name,last_name,email,mobile_phone,home_phone\n");
    let mut users = String::from(
        "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n",
    );
    for (student, agents) in &students {
        users.push_str(&format!(
            "{student},,,true,SCH1,student,,,Kid,Roe,,{student},,,,\"{}\",,\n",
            agents.join(",")
        ));
    }
    let mut links = 0u64;
    for guardian in &order {
        let (details, kids) = &guardians[guardian];
        for kid in kids {
            csv_text.push_str(&format!("{kid},{guardian},{}\n", details.join(",")));
            links += 1;
        }
        users.push_str(&format!(
            "{guardian},,,true,SCH1,parent,,,{},{},,,{},{},{},\"{}\",,\n",
            details[0],
            details[1],
            details[2],
            details[3],
            details[4],
            kids.join(",")
        ));
    }
    std::fs::write(dir.join("guardians.csv"), csv_text).expect("write guardians.csv");
    std::fs::write(
        oneroster.join("manifest.csv"),
        "propertyName,value\noneroster.version,1.1\nfile.users.csv,bulk\n",
    )
    .expect("write manifest");
    std::fs::write(oneroster.join("users.csv"), users).expect("write users.csv");
    (dir, links)
}

/// Reading the same guardians from a OneRoster export and from
/// guardians.csv: the export is read on one thread, so it is set beside
/// guardians.csv on one thread (and on all).
fn sources(c: &mut Criterion) {
    let (dir, links) = oneroster_district(rows());
    let guardians = dir.join("guardians.csv");
    let oneroster = dir.join("oneroster");
    let mut group = c.benchmark_group(format!("sources_{links}_links"));
    group.sample_size(10);
    group.throughput(Throughput::Elements(links));
    let csv = |threads: usize| {
        ReaderBuilder::new()
            .threads(threads)
            .from_path(&guardians)
            .and_then(|r| r.validate())
            .map_or(0, |f| f.summary().links)
    };
    group.bench_function("guardians_csv_one_thread", |b| b.iter(|| csv(1)));
    group.bench_function("guardians_csv", |b| b.iter(|| csv(0)));
    group.bench_function("oneroster_1_1", |b| {
        b.iter(|| read_source(&oneroster).map_or(0, |f| f.summary().links))
    });
    group.finish();
    if std::env::var_os("BENCH_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
}

criterion_group!(
    benches,
    validation,
    foreign_numbers,
    dry_runs,
    nfc_names,
    sources
);
criterion_main!(benches);
