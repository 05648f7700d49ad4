//! Reading and validating a generated district file, beside the floor:
//! the csv crate alone, with a reused `ByteRecord`, over the same bytes.
//!
//! `BENCH_ROWS` sets the file size (default 100,000 rows).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use guardian_roster::ReaderBuilder;

#[path = "../examples/generate/synth.rs"]
mod synth;

fn rows() -> usize {
    std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

fn read(c: &mut Criterion) {
    let rows = rows();
    let data = synth::guardians_csv(&synth::Options {
        rows,
        ..synth::Options::default()
    });
    let mut group = c.benchmark_group(format!("read_{rows}"));
    group.sample_size(10);
    group.throughput(Throughput::Elements(rows as u64));
    group.bench_function("floor_csv_byte_record", |b| {
        b.iter(|| {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(data.as_bytes());
            let mut record = csv::ByteRecord::new();
            let mut fields = 0usize;
            while reader.read_byte_record(&mut record).unwrap_or(false) {
                fields += record.len();
            }
            fields
        })
    });
    group.bench_function("validate", |b| {
        b.iter(|| {
            ReaderBuilder::new()
                .from_reader(data.as_bytes())
                .and_then(|r| r.validate())
                .map(|f| f.summary().rows)
        })
    });
    group.finish();
}

criterion_group!(benches, read);
criterion_main!(benches);
