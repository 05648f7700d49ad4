//! Writes a realistic synthetic district: a guardians.csv upload, and
//! optionally the matching students file and current roster.
//!
//! ```text
//! cargo run --release --example generate -- --rows N --seed S [--out FILE]
//!     [--students FILE] [--current FILE] [--foreign-percent P] [--problem-percent P]
//! ```
//!
//! Guardians have one to four children; phones come in the formats people
//! write (parentheses, dots, `+1`, a leading `1`, extensions), a few
//! percent from many countries; emails in mixed case; languages as codes
//! and names; and a small share of rows carries each kind of problem the
//! reader reports. The same seed always gives the same files.

#[path = "../common/mod.rs"]
mod common;
mod synth;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use common::Args;

const USAGE: &str = "generate --rows N --seed S [--out FILE] [--students FILE] [--current FILE] \
                     [--foreign-percent P] [--problem-percent P]";

const ABOUT: &str = "Writes a realistic synthetic district file (deterministic for a seed).
  --rows N               data rows of the guardians file
  --seed S               the seed
  --out FILE             the guardians file (standard output without it)
  --students FILE        also write the matching students file
  --current FILE         also write a current roster that differs from the upload by a realistic share
  --foreign-percent P    share of phone numbers from other countries (2)
  --problem-percent P    share of rows with each kind of problem (2)";

fn main() -> ExitCode {
    let args = Args::parse(&["help"]);
    if args.help() {
        return common::print_help(USAGE, ABOUT);
    }
    let unknown = args.unknown(&[
        "rows",
        "seed",
        "out",
        "students",
        "current",
        "foreign-percent",
        "problem-percent",
    ]);
    if !unknown.is_empty() {
        return common::usage_error(&format!("unknown option {}", unknown.join(" ")), USAGE);
    }
    let number = |name: &str, default: f64| -> Result<f64, String> {
        match args.value(name) {
            None => Ok(default),
            Some(v) => v
                .parse::<f64>()
                .ok()
                .filter(|n| *n >= 0.0)
                .ok_or_else(|| format!("--{name} takes a non-negative number, not {v:?}")),
        }
    };
    let options = match (|| -> Result<synth::Options, String> {
        Ok(synth::Options {
            rows: number("rows", 10_000.0)? as usize,
            seed: number("seed", 1.0)? as u64,
            foreign_percent: number("foreign-percent", 2.0)?,
            problem_percent: number("problem-percent", 2.0)?,
        })
    })() {
        Ok(options) => options,
        Err(message) => return common::usage_error(&message, USAGE),
    };

    let district = synth::District::new(&options);
    let result = write_to(args.value("out"), |out| district.write_guardians(out))
        .and_then(|()| match args.value("students") {
            Some(path) => write_to(Some(path), |out| district.write_students(out)),
            None => Ok(()),
        })
        .and_then(|()| match args.value("current") {
            Some(path) => write_to(Some(path), |out| district.write_current(out)),
            None => Ok(()),
        });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn write_to(
    path: Option<&str>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    match path {
        Some(path) => {
            let mut out = BufWriter::new(File::create(path)?);
            write(&mut out)?;
            out.flush()
        }
        None => {
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            write(&mut out)?;
            out.flush()
        }
    }
}
