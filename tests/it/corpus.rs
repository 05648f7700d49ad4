//! Replays the kept fuzzing corpus (`tests/corpus/<target>/`) through the
//! fuzz targets' own code, so inputs that once broke something stay fixed.

use crate::harness;

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(target);
    let mut count = 0;
    let entries =
        std::fs::read_dir(&folder).unwrap_or_else(|e| panic!("{}: {e}", folder.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        run(&data);
        count += 1;
    }
    count
}

#[test]
fn reader_corpus() {
    assert!(replay("reader", harness::reader) >= 5);
}

#[test]
fn values_corpus() {
    assert!(replay("values", harness::values) >= 4);
}

#[test]
fn dry_run_corpus() {
    assert!(replay("dry_run", harness::dry_run_law) >= 1);
}
