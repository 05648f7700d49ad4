//! Start Processing over a real SQLite roster: load the roster (students
//! with schools, and the current guardians), dry-run an upload, apply it,
//! and dry-run again to show nothing is left to do.
//!
//! ```sh
//! cargo run --release --features sqlite --example sqlite_sync -- --db roster.db \
//!     --students STUDENTS.csv --current CURRENT.csv GUARDIANS.csv \
//!     [--mode additive|full] [--school ID]... [--apply] [--format text|json]
//! ```

mod common;

use std::process::ExitCode;

use common::{Args, Format, outln, write_out};
use guardian_roster::{
    ApplyOptions, DryRunOptions, ReaderBuilder, SchoolId, Scope, SqliteRoster, SyncMode, Visible,
    dry_run, read_students, results, start_processing, table_counts,
};
use serde_json::json;

const USAGE: &str = "sqlite_sync --db FILE [--students STUDENTS.csv --current CURRENT.csv] [GUARDIANS.csv] \
                     [--mode additive|full] [--school ID]... [--apply] [--format text|json]";
const ABOUT: &str = "Dry-runs an upload against a SQLite roster and, with --apply, applies it (the bundled data without a file).
  --db FILE                 the SQLite database (created with its tables if new)
  --students FILE           load these students (and their schools) into the database first
  --current FILE            load these current guardians and links (guardians.csv format) first
  --mode additive|full      full also removes links the upload no longer has (additive)
  --school ID               a school-level upload for this school (repeatable)
  --apply                   apply the plan (Start Processing), then dry-run again
  --format json             the plan, what was applied and the results as JSON
Exit status: 0 done, 1 some row has an error or cannot apply, 2 a file or the database cannot be used.";
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/");

fn main() -> ExitCode {
    let status = run();
    common::flush_out();
    status
}

fn run() -> ExitCode {
    let args = Args::parse(&["apply", "help"]);
    if args.help() {
        return common::print_help(USAGE, ABOUT);
    }
    let unknown = args.unknown(&[
        "db", "students", "current", "mode", "school", "apply", "format",
    ]);
    if !unknown.is_empty() {
        return common::usage_error(&format!("unknown option {}", unknown.join(" ")), USAGE);
    }
    let Some(db) = args.value("db") else {
        return common::usage_error("--db FILE is required", USAGE);
    };
    let format = match args.format() {
        Ok(format) => format,
        Err(message) => return common::usage_error(&message, USAGE),
    };
    let mut options = DryRunOptions::new();
    match args.value("mode") {
        None | Some("additive") => {}
        Some("full") => {
            options.mode(SyncMode::Full);
        }
        Some(other) => {
            return common::usage_error(
                &format!("--mode must be additive or full, not {other:?}"),
                USAGE,
            );
        }
    }
    let schools = args.values("school");
    if !schools.is_empty() {
        options.scope(Scope::schools(schools.into_iter().map(SchoolId::from)));
    }
    let bundled = args.positional.is_empty();
    let upload = args
        .positional
        .first()
        .cloned()
        .unwrap_or_else(|| format!("{DATA}guardians.csv"));

    let connection = match rusqlite::Connection::open(db) {
        Ok(connection) => connection,
        Err(e) => return fatal(&format!("{db}: {e}")),
    };
    let mut roster = SqliteRoster::new(&connection);
    if let Err(e) = roster.create_schema() {
        return fatal(&format!("{db}: {e}"));
    }
    // The bundled roster is loaded into a new database only: a second run
    // sees what the first one applied.
    let empty = table_counts(&connection).map_or(true, |counts| counts.get("students") == Some(&0));
    let bundled_roster = bundled && empty;
    let students = args
        .value("students")
        .map(str::to_owned)
        .or_else(|| bundled_roster.then(|| format!("{DATA}students.csv")));
    let current = args
        .value("current")
        .map(str::to_owned)
        .or_else(|| bundled_roster.then(|| format!("{DATA}current.csv")));
    if let (Some(students), Some(current)) = (students, current) {
        let loaded = std::fs::File::open(&students)
            .map_err(|e| format!("{students}: {e}"))
            .and_then(|f| {
                read_students(f).map_err(|e| format!("{students}: {}", e.to_diagnostic().message()))
            })
            .and_then(|s| {
                // The current roster's records, not its diagnostics.
                ReaderBuilder::new()
                    .from_path(&current)
                    .and_then(|r| r.validate_with(|_| {}))
                    .map(|c| (s, c))
                    .map_err(|e| format!("{current}: {}", e.to_diagnostic().message()))
            })
            .and_then(|(s, c)| roster.load(&s, &c).map_err(|e| format!("{db}: {e}")));
        if let Err(message) = loaded {
            return fatal(&message);
        }
    }

    let file = match ReaderBuilder::new()
        .from_path(&upload)
        .and_then(|r| r.validate())
    {
        Ok(file) => file,
        Err(e) => {
            return fatal(&format!(
                "{}: {}",
                Visible(&upload),
                Visible(&e.to_diagnostic().message())
            ));
        }
    };
    let plan = match dry_run(&file, &mut roster, &options) {
        Ok(plan) => plan,
        Err(e) => return fatal(&Visible(&e.to_diagnostic().message()).to_string()),
    };
    let shown = if bundled {
        "examples/data/guardians.csv"
    } else {
        upload.as_str()
    };
    let mut applied = None;
    let mut again = None;
    if args.flag("apply") {
        // Start Processing: the upload is planned again and the plan
        // applied only if it is the one shown, in one transaction of the
        // roster's own (all of it or none of it).
        let done = match start_processing(&file, &plan, &mut roster, &ApplyOptions::new()) {
            Ok(done) => done,
            Err(e) => return fatal(&format!("{db}: {}", e.to_diagnostic().message())),
        };
        again = match dry_run(&file, &mut roster, &options) {
            Ok(plan) => Some(plan),
            Err(e) => return fatal(&e.to_diagnostic().message()),
        };
        applied = Some(done);
    }
    match format {
        Format::Json => {
            let mut report = common::plan_json(shown, &file, &plan, false);
            if let Some(applied) = &applied {
                let results = results(&file, &plan, applied).ok();
                report["applied"] = json!({
                    "applied": applied.applied(),
                    "stale": applied.stale(),
                    "already_applied": applied.already_applied(),
                    "failed": applied.failed(),
                    "outcomes": applied.outcomes().iter().map(|(_, o)| o).collect::<Vec<_>>(),
                    "results": results,
                    "changes_left": again.as_ref().map_or(0, |p| p.changes().len()),
                });
            }
            common::print_json(&report);
        }
        Format::Text => {
            let s = plan.summary();
            outln!(
                "DRY RUN of {shown} against {} (scope: {})",
                Visible(db),
                plan.scope()
            );
            outln!(
                "  create {}, update {}, link {}, unlink {}, held {}, rows that cannot apply {}",
                s.create_guardian,
                s.update_guardian,
                s.link,
                s.unlink,
                s.unlinks_held,
                s.rows_skipped
            );
            if let Some(applied) = &applied {
                // The upload is the plan's own: its results always exist.
                let Ok(results) = results(&file, &plan, applied) else {
                    return fatal("the results do not match the upload");
                };
                outln!(
                    "APPLIED: {} changes written, {} stale",
                    applied.applied(),
                    applied.stale()
                );
                let counts: Vec<String> = results
                    .counts
                    .iter()
                    .map(|(result, n)| format!("{} {n}", result.as_str()))
                    .collect();
                outln!(
                    "  rows: {}; links removed {}",
                    counts.join(", "),
                    results.unlinked
                );
                outln!(
                    "DRY RUN again: {} changes left",
                    again.as_ref().map_or(0, |p| p.changes().len())
                );
            }
            if let Ok(counts) = table_counts(&connection) {
                let mut counts: Vec<_> = counts.into_iter().collect();
                counts.sort_unstable();
                let counts: Vec<String> = counts.iter().map(|(t, n)| format!("{t} {n}")).collect();
                outln!("  database: {}", counts.join(", "));
            }
        }
    }
    if file.has_errors() || plan.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn fatal(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
