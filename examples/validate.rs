//! Validate a guardians.csv, a OneRoster export (folder or zip) or a
//! Clever `students.csv`, and report every problem.
//!
//! ```text
//! cargo run --release --example validate -- [PATH] [--region US] [--strict-headers] [--format text|json]
//!     [--errors-csv FILE] [--redact] [--student-key sourcedId|identifier]
//! ```
//!
//! With no PATH, validates the bundled `examples/data/guardians.csv`. The
//! report says which format was read.
//! `--errors-csv` writes the rows with problems, with what is wrong, for
//! the clerk to fix and upload again; `--redact` masks emails, phones and
//! names in the diagnostics, for logs.
//! Exit status: 0 no errors, 1 some row has an error, 2 the file cannot be
//! used at all (or the arguments are wrong).

mod common;

use std::process::ExitCode;

use common::{Args, Format, outln, write_out};
use guardian_roster::{ReaderBuilder, Region};

const USAGE: &str = "validate [PATH] [--region US] [--strict-headers] [--format text|json] \
                     [--errors-csv FILE] [--redact] [--student-key sourcedId|identifier]";
const ABOUT: &str = "Validates a guardians.csv, a OneRoster export (folder or zip) or a Clever students.csv
(the bundled guardians.csv without PATH) and reports every problem.
  --region CC        default country of phone numbers without + (US)
  --strict-headers   accept only the canonical column names
  --format json      the report as JSON instead of text
  --errors-csv FILE  write the rows with problems, with what is wrong, to fix and upload again
  --redact           mask emails, phones and names in the diagnostics, for logs
  --student-key K    OneRoster and Clever: the student ID the roster holds, sourcedId (default) or identifier
Exit status: 0 no errors, 1 some row has an error, 2 the file cannot be used (or the arguments are wrong).";
/// How the file was validated: its report written as it was read, or kept
/// whole for the errors file.
enum Validated {
    Streamed(Result<guardian_roster::ValidatedFile, guardian_roster::Error>),
    Kept(Result<guardian_roster::ValidatedFile, guardian_roster::Error>),
}
use Validated::{Kept, Streamed};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/guardians.csv");

fn main() -> ExitCode {
    let status = run();
    common::flush_out();
    status
}

fn run() -> ExitCode {
    let args = Args::parse(&["strict-headers", "redact", "help"]);
    if args.help() {
        return common::print_help(USAGE, ABOUT);
    }
    let unknown = args.unknown(&[
        "region",
        "strict-headers",
        "format",
        "errors-csv",
        "redact",
        "student-key",
    ]);
    if !unknown.is_empty() {
        return common::usage_error(&format!("unknown option {}", unknown.join(" ")), USAGE);
    }
    let format = match args.format() {
        Ok(format) => format,
        Err(message) => return common::usage_error(&message, USAGE),
    };
    if let Err(message) = args.student_key() {
        return common::usage_error(&message, USAGE);
    }
    let mut builder = ReaderBuilder::new();
    if let Some(region) = args.value("region") {
        match region.parse::<Region>() {
            Ok(region) => builder.region(region),
            Err(e) => return common::usage_error(&e.to_string(), USAGE),
        };
    }
    builder.strict_headers(args.flag("strict-headers"));
    let path = args.positional.first().map_or(SAMPLE, String::as_str);
    // Name the bundled sample as the README does, not by an absolute path.
    let shown = args
        .positional
        .first()
        .map_or("examples/data/guardians.csv", String::as_str);

    let redact = args.flag("redact");
    let errors_csv = args.value("errors-csv");
    let export = common::read_export(path, &builder, &args);
    if export.is_some() && errors_csv.is_some() {
        return common::usage_error(
            "--errors-csv writes guardians.csv rows; an export's problems are fixed in the SIS and exported again",
            USAGE,
        );
    }
    if let Some(read) = export {
        return report_kept(read, format, shown, redact);
    }
    let bar = common::progress_bar(&mut builder, path);
    let read = builder.from_path(path).map(|reader| match errors_csv {
        // The report is written as the rows are read, and says itself if
        // the file turns out unusable part way; only the errors file needs
        // every diagnostic at once.
        None => Streamed(common::stream_report(reader, shown, format, redact)),
        Some(_) => Kept(reader.validate()),
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    match read {
        Ok(Streamed(Ok(file))) => common::exit_status(&file),
        Ok(Streamed(Err(_))) => ExitCode::from(2),
        Ok(Kept(Ok(file))) => {
            match format {
                Format::Json => common::print_file_json(shown, &file, redact),
                Format::Text => {
                    common::print_summary_text(shown, &file);
                    common::print_excluded_text(&file);
                    outln!();
                    common::print_diagnostics_text(file.diagnostics(), redact);
                }
            }
            if let Some(out) = errors_csv {
                let diagnostics: Vec<_> = file.diagnostics().iter().collect();
                match common::write_errors_file(path, &builder, &diagnostics, out) {
                    Ok(rows) => eprintln!("{rows} rows with problems written to {out}"),
                    Err(message) => {
                        eprintln!("error: {message}");
                        return ExitCode::from(2);
                    }
                }
            }
            common::exit_status(&file)
        }
        Ok(Kept(Err(error))) | Err(error) => {
            match format {
                Format::Json => common::print_json(&common::fatal_json(shown, &error)),
                Format::Text => {
                    outln!("{shown}");
                    outln!(
                        "  the file cannot be used: {}",
                        guardian_roster::Visible(&error.to_diagnostic().message())
                    );
                }
            }
            ExitCode::from(2)
        }
    }
}

/// The report of an export, read whole.
fn report_kept(
    read: Result<guardian_roster::ValidatedFile, guardian_roster::Error>,
    format: Format,
    shown: &str,
    redact: bool,
) -> ExitCode {
    match read {
        Ok(file) => {
            match format {
                Format::Json => common::print_file_json(shown, &file, redact),
                Format::Text => {
                    common::print_summary_text(shown, &file);
                    common::print_excluded_text(&file);
                    outln!();
                    common::print_diagnostics_text(file.diagnostics(), redact);
                }
            }
            common::exit_status(&file)
        }
        Err(error) => {
            match format {
                Format::Json => common::print_json(&common::fatal_json(shown, &error)),
                Format::Text => {
                    outln!("{shown}");
                    outln!(
                        "  the file cannot be used: {}",
                        guardian_roster::Visible(&error.to_diagnostic().message())
                    );
                }
            }
            ExitCode::from(2)
        }
    }
}
