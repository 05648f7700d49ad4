//! What would uploading a guardians.csv (or a OneRoster export, or a
//! Clever students.csv) change? A dry run against the current roster;
//! nothing is written.
//!
//! ```text
//! cargo run --release --example dry_run -- PATH --students STUDENTS.csv --current CURRENT.csv \
//!     [--mode additive|full] [--max-unlink-percent N] [--region US] [--format text|json]
//!     [--school ID]... [--student-key sourcedId|identifier]
//!     [--errors-csv FILE] [--redact]
//! ```
//!
//! STUDENTS.csv is any CSV with a `student_id` column; CURRENT.csv is the
//! roster's current guardians and links in the guardians.csv format. With
//! no arguments it runs on the bundled data in `examples/data/`.
//! Exit status: 0 no errors, 1 some row has an error or cannot apply, 2 a
//! file cannot be used at all (or the arguments are wrong).

mod common;

use std::process::ExitCode;

use common::{Args, Format, outln, write_out};
use guardian_roster::{
    Change, DryRunOptions, GuardianField, InMemoryRoster, Plan, ReaderBuilder, Region, SchoolId,
    Scope, SyncMode, ValidatedFile, Visible, dry_run, mask,
};

const USAGE: &str = "dry_run [PATH --students STUDENTS.csv --current CURRENT.csv] \
                     [--mode additive|full] [--max-unlink-percent N] [--region US] [--format text|json] \
                     [--school ID]... [--student-key sourcedId|identifier] [--errors-csv FILE] [--redact]";
const ABOUT: &str = "Dry-runs an upload (a guardians.csv, a OneRoster export folder or zip, or a Clever students.csv)
against the current roster (the bundled data without arguments); nothing is written.
  --students FILE           any CSV with a student_id column (and a school column, for --school): the roster's students
  --current FILE            the roster's current guardians and links, in the guardians.csv format
  --mode additive|full      full also removes links the upload no longer has (additive)
  --max-unlink-percent N    in full mode, remove nothing if more than N% of links would go (10)
  --school ID               a school-level upload for this school (repeatable): full sync removes only
                            its students' links, and rows of other schools' students are not applied
  --region CC               default country of phone numbers without + (US)
  --format json             the plan as JSON instead of text
  --errors-csv FILE         write the upload's rows with problems, to fix and upload again
  --redact                  mask emails, phones and names in the diagnostics, for logs
  --student-key K           OneRoster and Clever: the student ID the roster holds, sourcedId (default) or identifier
Exit status: 0 no errors, 1 some row has an error or cannot apply, 2 a file cannot be used (or the arguments are wrong).";
const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/");

fn main() -> ExitCode {
    let status = run();
    common::flush_out();
    status
}

fn run() -> ExitCode {
    let args = Args::parse(&["redact", "help"]);
    if args.help() {
        return common::print_help(USAGE, ABOUT);
    }
    let unknown = args.unknown(&[
        "students",
        "current",
        "mode",
        "max-unlink-percent",
        "region",
        "format",
        "errors-csv",
        "redact",
        "school",
        "student-key",
    ]);
    if !unknown.is_empty() {
        return common::usage_error(&format!("unknown option {}", unknown.join(" ")), USAGE);
    }
    let format = match args.format() {
        Ok(format) => format,
        Err(message) => return common::usage_error(&message, USAGE),
    };
    let mut options = DryRunOptions::new();
    match args.mode() {
        Ok(mode) => {
            options.mode(mode);
        }
        Err(message) => return common::usage_error(&message, USAGE),
    }
    if let Some(percent) = args.value("max-unlink-percent") {
        match percent.parse::<f64>() {
            Ok(p) if (0.0..=100.0).contains(&p) => {
                options.max_unlink_percent(p);
            }
            _ => {
                return common::usage_error(
                    "--max-unlink-percent takes a number from 0 to 100",
                    USAGE,
                );
            }
        }
    }
    let schools = args.values("school");
    if !schools.is_empty() {
        options.scope(Scope::schools(schools.into_iter().map(SchoolId::from)));
    }
    let mut builder = ReaderBuilder::new();
    if let Some(region) = args.value("region") {
        match region.parse::<Region>() {
            Ok(region) => builder.region(region),
            Err(e) => return common::usage_error(&e.to_string(), USAGE),
        };
    }

    let bundled = args.positional.is_empty();
    let sample = |name: &str| format!("{DATA}{name}");
    let (guardians_path, students_path, current_path) = if bundled {
        (
            sample("guardians.csv"),
            args.value("students")
                .map_or_else(|| sample("students.csv"), str::to_owned),
            args.value("current")
                .map_or_else(|| sample("current.csv"), str::to_owned),
        )
    } else {
        let (Some(students), Some(current)) = (args.value("students"), args.value("current"))
        else {
            return common::usage_error("--students and --current are required with a file", USAGE);
        };
        (
            args.positional[0].clone(),
            students.to_owned(),
            current.to_owned(),
        )
    };
    let shown = if bundled {
        "examples/data/guardians.csv".to_owned()
    } else {
        guardians_path.clone()
    };

    let bar = common::progress_bar(&mut builder, &current_path);
    // Only the current roster's records are needed, not its diagnostics:
    // validation hands those on (here, to nobody) instead of keeping them.
    let current = builder
        .from_path(&current_path)
        .and_then(|r| r.validate_with(|_| {}));
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let current = match current {
        Ok(current) => current,
        Err(e) => {
            return fatal_input(&format!(
                "{current_path}: {}",
                Visible(&e.to_diagnostic().message())
            ));
        }
    };
    if current.has_errors() {
        eprintln!(
            "warning: {current_path} has {} rejected rows; they are not part of the current roster",
            current.summary().rejected
        );
    }
    let mut roster = match common::load_roster(&students_path, &current) {
        Ok(roster) => roster,
        Err(message) => return fatal_input(&message),
    };
    // The roster holds its own copy: the export's records can go.
    drop(current);

    if let Err(message) = args.student_key() {
        return common::usage_error(&message, USAGE);
    }
    let export = common::read_export(&guardians_path, &builder, &args);
    if export.is_some() && args.value("errors-csv").is_some() {
        return common::usage_error(
            "--errors-csv writes guardians.csv rows; an export's problems are fixed in the SIS and exported again",
            USAGE,
        );
    }
    let file = match export {
        Some(read) => read,
        None => {
            let bar = common::progress_bar(&mut builder, &guardians_path);
            let file = builder
                .from_path(&guardians_path)
                .and_then(|r| r.validate());
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            file
        }
    };
    let file = match file {
        Ok(file) => file,
        Err(error) => {
            match format {
                Format::Json => common::print_json(&common::fatal_json(&shown, &error)),
                Format::Text => outln!(
                    "{shown}\n  the file cannot be used: {}",
                    Visible(&error.to_diagnostic().message())
                ),
            }
            return ExitCode::from(2);
        }
    };
    let plan = match dry_run(&file, &mut roster, &options) {
        Ok(plan) => plan,
        Err(error) => {
            // A wrong scope, a cancelled run, a roster down: said as the
            // report would say it, then the exit status for "cannot use".
            match format {
                Format::Json => common::print_json(&common::fatal_json(&shown, &error)),
                Format::Text => outln!(
                    "{shown}\n  the dry run cannot be made: {}",
                    Visible(&error.to_diagnostic().message())
                ),
            }
            return ExitCode::from(2);
        }
    };
    let redact = args.flag("redact");
    match format {
        Format::Json => common::print_plan_json(&shown, &file, &plan, redact),
        Format::Text => print_text(&shown, &file, &plan, &roster, redact),
    }
    if let Some(out) = args.value("errors-csv") {
        let diagnostics = common::merged_diagnostics(&file, &plan);
        match common::write_errors_file(&guardians_path, &builder, &diagnostics, out) {
            Ok(rows) => eprintln!("{rows} rows with problems written to {out}"),
            Err(message) => return fatal_input(&message),
        }
    }
    if file.has_errors() || plan.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn fatal_input(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn print_text(
    path: &str,
    file: &ValidatedFile,
    plan: &Plan,
    roster: &InMemoryRoster,
    redact: bool,
) {
    let s = plan.summary();
    let mode = match plan.mode() {
        SyncMode::Additive => "additive: nothing is ever unlinked",
        SyncMode::Full => "full sync",
    };
    outln!(
        "DRY RUN of {path} ({mode}, scope: {}). Nothing has been changed.",
        plan.scope()
    );
    outln!();
    outln!("  guardians to create   {:>6}", s.create_guardian);
    outln!("  guardians to update   {:>6}", s.update_guardian);
    outln!("  links to add          {:>6}", s.link);
    outln!("  links to remove       {:>6}", s.unlink);
    if s.unlink_restricted > 0 {
        outln!(
            "    of them restricted  {:>6}   the file flags these people as restricted: removed whatever the threshold",
            s.unlink_restricted
        );
    }
    if s.unlinks_held > 0 {
        outln!(
            "  removals held back    {:>6}   for rows that did not apply {}, by the threshold {}",
            s.unlinks_held,
            s.unlinks_held_by_rows,
            s.unlinks_held_by_threshold
        );
    }
    if s.students_left_without_guardian > 0 {
        outln!(
            "  students left with no guardian {:>6}   look at these before Start Processing",
            s.students_left_without_guardian
        );
    }
    outln!(
        "  unchanged             {:>6} guardians, {} links",
        s.unchanged_guardians,
        s.unchanged_links
    );
    outln!(
        "  rows that cannot apply {:>5}   rows rejected by validation {}",
        s.rows_skipped,
        s.rows_left_out
    );
    outln!();
    common::print_summary_text(path, file);
    common::print_excluded_text(file);

    // Values from the files: escapes made visible, masked with --redact.
    let personal = |value: &str| {
        if redact {
            Visible(&mask(value)).to_string()
        } else {
            Visible(value).to_string()
        }
    };
    let section = |title: &str, action: &str| {
        let changes: Vec<&Change> = plan
            .changes()
            .iter()
            .filter(|c| c.action() == action)
            .collect();
        if changes.is_empty() {
            return;
        }
        outln!();
        outln!("{title} ({})", changes.len());
        for change in changes {
            match change {
                Change::CreateGuardian { guardian, .. } => outln!(
                    "  {}  {} {}  email {}  mobile {}  language {}",
                    Visible(guardian.guardian_id.as_str()),
                    personal(&guardian.first_name),
                    personal(&guardian.last_name),
                    or_dash(guardian.email.as_ref().map(|e| personal(e.as_str()))),
                    or_dash(
                        guardian
                            .mobile_phone
                            .as_ref()
                            .map(|p| personal(&p.to_string()))
                    ),
                    or_dash(guardian.language.as_ref().map(|l| l.to_string())),
                ),
                Change::UpdateGuardian {
                    guardian_id,
                    fields,
                    guardian,
                    ..
                } => {
                    outln!(
                        "  {}  {} {}",
                        Visible(guardian_id.as_str()),
                        personal(&guardian.first_name),
                        personal(&guardian.last_name)
                    );
                    for (field, change) in fields {
                        let value = |value: &Option<String>| {
                            or_dash(value.as_deref().map(|v| match field {
                                GuardianField::Language => Visible(v).to_string(),
                                _ => personal(v),
                            }))
                        };
                        outln!(
                            "      {}: {} -> {}",
                            field.label(),
                            value(&change.old),
                            value(&change.new)
                        );
                    }
                }
                Change::Link {
                    guardian_id,
                    student_id,
                    line,
                } => outln!(
                    "  {} -> student {}  ({})",
                    Visible(guardian_id.as_str()),
                    Visible(student_id.as_str()),
                    // An export's rows are named by the record that made them.
                    file.source_of(*line, Some(guardian_roster::Column::StudentId))
                        .map_or_else(
                            || format!("line {line}"),
                            |spot| format!("{} line {}", spot.file, spot.line)
                        )
                ),
                Change::Unlink {
                    guardian_id,
                    student_id,
                } => {
                    let name = roster
                        .guardian(guardian_id.as_str())
                        .map(|g| format!("{} {}", personal(&g.first_name), personal(&g.last_name)))
                        .unwrap_or_default();
                    outln!(
                        "  {} ({name}) -x- student {}",
                        Visible(guardian_id.as_str()),
                        Visible(student_id.as_str())
                    )
                }
            }
        }
    };
    section("Guardians to create", "create_guardian");
    section("Guardians to update", "update_guardian");
    section("Links to add", "link");
    section("Links to remove", "unlink");
    if !plan.held_unlinks().is_empty() {
        outln!();
        outln!("Removals held back ({})", plan.held_unlinks().len());
        for (guardian, student) in plan.held_unlinks() {
            outln!(
                "  {} -x- student {}",
                Visible(guardian.as_str()),
                Visible(student.as_str())
            );
        }
    }
    let problems = common::merged_diagnostics(file, plan);
    if !problems.is_empty() {
        outln!();
        outln!("Problems by row ({})", problems.len());
        common::print_diagnostics_text(problems, redact);
    }
}

fn or_dash(value: Option<String>) -> String {
    value.unwrap_or_else(|| "-".to_owned())
}
