//! Start Processing over a database roster, for the `sqlite_sync` and
//! `postgres_sync` examples: the same flags, steps and report whatever the
//! store; each example only opens its store.

use std::process::ExitCode;

use guardian_roster::{
    ApplyOptions, DryRunOptions, ReaderBuilder, Roster, RosterWriter, SchoolId, Scope, Students,
    ValidatedFile, Visible, dry_run, read_students, results, start_processing,
};
use serde_json::json;

use super::{Args, Format, write_out};

/// The options every sync example takes besides the one that names its
/// database.
pub const OPTIONS: &[&str] = &["students", "current", "mode", "school", "apply", "format"];

/// What the sync needs of a store beyond the two traits.
pub trait Store: Roster + RosterWriter {
    /// Loads students (with schools) and current guardians, all or nothing.
    fn load_files(&mut self, students: &Students, current: &ValidatedFile) -> Result<(), String>;
    /// Rows per table, for the report.
    fn counts(&mut self) -> Result<Vec<(&'static str, u64)>, String>;
}

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/");

/// Loads the roster if asked (the bundled one into an empty database
/// only), dry-runs the upload, applies it with `--apply`, and reports.
/// `name` is the database as the report shows it.
pub fn run<S: Store>(args: &Args, name: &str, roster: &mut S, usage: &str) -> ExitCode {
    let format = match args.format() {
        Ok(format) => format,
        Err(message) => return super::usage_error(&message, usage),
    };
    let mut options = DryRunOptions::new();
    match args.mode() {
        Ok(mode) => {
            options.mode(mode);
        }
        Err(message) => return super::usage_error(&message, usage),
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

    // The bundled roster is loaded into a new database only: a second run
    // sees what the first one applied.
    let empty = roster.counts().map_or(true, |counts| {
        counts
            .iter()
            .any(|&(table, n)| table == "students" && n == 0)
    });
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
            .and_then(|(s, c)| {
                roster
                    .load_files(&s, &c)
                    .map_err(|e| format!("{name}: {e}"))
            });
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
    let plan = match dry_run(&file, roster, &options) {
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
        let done = match start_processing(&file, &plan, roster, &ApplyOptions::new()) {
            Ok(done) => done,
            Err(e) => return fatal(&format!("{name}: {}", e.to_diagnostic().message())),
        };
        again = match dry_run(&file, roster, &options) {
            Ok(plan) => Some(plan),
            Err(e) => return fatal(&e.to_diagnostic().message()),
        };
        applied = Some(done);
    }
    match format {
        Format::Json => {
            let applied = applied.as_ref().map(|applied| {
                let results = results(&file, &plan, applied).ok();
                json!({
                    "applied": applied.applied(),
                    "stale": applied.stale(),
                    "already_applied": applied.already_applied(),
                    "failed": applied.failed(),
                    "outcomes": applied.outcomes().iter().map(|(_, o)| o).collect::<Vec<_>>(),
                    "results": results,
                    "changes_left": again.as_ref().map_or(0, |p| p.changes().len()),
                })
            });
            super::print_sync_json(shown, &file, &plan, applied);
        }
        Format::Text => {
            let s = plan.summary();
            outln!(
                "DRY RUN of {shown} against {} (scope: {})",
                Visible(name),
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
            if let Ok(mut counts) = roster.counts() {
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

/// Prints `message` as an error; exit status 2.
pub fn fatal(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
