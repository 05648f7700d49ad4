//! The floor: the csv crate alone reads a file into one reused
//! `ByteRecord` and counts the records. Reading costs this much; the
//! README's performance figures compare `validate` with it.
//!
//! ```sh
//! cargo run --release --example floor -- PATH
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: floor PATH");
        return ExitCode::from(2);
    };
    match count(&path) {
        Ok((records, bytes)) => {
            println!("{records} records, {bytes} bytes of fields");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{path}: {error}");
            ExitCode::from(2)
        }
    }
}

/// Records and field bytes of the CSV file at `path`.
fn count(path: &str) -> Result<(u64, u64), csv::Error> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(path)?;
    let mut record = csv::ByteRecord::new();
    let (mut records, mut bytes) = (0u64, 0u64);
    while reader.read_byte_record(&mut record)? {
        records += 1;
        bytes += record.as_slice().len() as u64;
    }
    Ok((records, bytes))
}
