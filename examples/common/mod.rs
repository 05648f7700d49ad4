//! Shared by the example binaries: argument parsing and report output.

#![allow(dead_code)]

use std::cell::RefCell;
use std::fmt;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use guardian_roster::{Diagnostic, Error, Summary, ValidatedFile};
use serde_json::{Value, json};

thread_local! {
    /// Standard output, buffered: a report of a million rows is hundreds of
    /// thousands of lines, and `println!` writes each one on its own.
    static OUT: RefCell<BufWriter<io::Stdout>> =
        RefCell::new(BufWriter::with_capacity(1 << 16, io::stdout()));
}

/// `println!` to the buffered standard output ([`flush_out`] at the end).
/// Where it is used, `write_out` must be in scope (this module is included
/// under other names by the tests, so no path to it holds everywhere).
macro_rules! outln {
    () => {
        write_out(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub mod sync;
#[allow(unused_imports)] // Not every example prints a report.
pub(crate) use outln;

/// Writes to standard output. When the reader has gone (`validate | head`)
/// the report has no one to read it: stop quietly, as a Unix tool does.
pub fn write_out(args: fmt::Arguments<'_>) {
    let written = OUT.with(|out| out.borrow_mut().write_fmt(args));
    if let Err(e) = written {
        stop_on_write_error(&e);
    }
}

/// Flushes standard output; call before leaving `main`.
pub fn flush_out() {
    let flushed = OUT.with(|out| out.borrow_mut().flush());
    if let Err(e) = flushed {
        stop_on_write_error(&e);
    }
}

fn stop_on_write_error(error: &io::Error) -> ! {
    if error.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("error: could not write the report: {error}");
    std::process::exit(2);
}

/// Output format chosen with `--format`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

/// Command-line arguments: positional values and `--flag value` pairs.
pub struct Args {
    pub positional: Vec<String>,
    pub options: Vec<(String, Option<String>)>,
}

impl Args {
    /// Splits the process arguments; `switches` are flags without a value.
    pub fn parse(switches: &[&str]) -> Args {
        let mut positional = Vec::new();
        let mut options = Vec::new();
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            if arg == "-h" {
                options.push(("help".to_owned(), None));
            } else if let Some(name) = arg.strip_prefix("--") {
                let (name, inline) = match name.split_once('=') {
                    Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
                    None => (name.to_owned(), None),
                };
                let value = if inline.is_some() || switches.contains(&name.as_str()) {
                    inline
                } else {
                    args.next()
                };
                options.push((name, value));
            } else {
                positional.push(arg);
            }
        }
        Args {
            positional,
            options,
        }
    }

    /// The value of `--name`, if given.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    /// Every value of an option given more than once (`--school A --school B`).
    pub fn values(&self, name: &str) -> Vec<&str> {
        self.options
            .iter()
            .filter(|(n, _)| n == name)
            .filter_map(|(_, v)| v.as_deref())
            .collect()
    }

    /// Whether `--help` or `-h` was given.
    pub fn help(&self) -> bool {
        self.flag("help")
    }

    /// Whether the switch `--name` was given.
    pub fn flag(&self, name: &str) -> bool {
        self.options.iter().any(|(n, _)| n == name)
    }

    /// Options not in `known`, for a usage error.
    pub fn unknown(&self, known: &[&str]) -> Vec<String> {
        self.options
            .iter()
            .filter(|(n, _)| !known.contains(&n.as_str()))
            .map(|(n, _)| format!("--{n}"))
            .collect()
    }

    /// `--mode additive|full` (additive when absent).
    /// `--student-key sourcedId|identifier`: which student ID of a
    /// OneRoster or Clever export the roster holds.
    pub fn student_key(&self) -> Result<guardian_roster::StudentKey, String> {
        match self.value("student-key") {
            None | Some("sourcedId" | "sourcedid") => Ok(guardian_roster::StudentKey::SourcedId),
            Some("identifier") => Ok(guardian_roster::StudentKey::Identifier),
            Some(other) => Err(format!(
                "--student-key is sourcedId or identifier, not {other:?}"
            )),
        }
    }

    pub fn mode(&self) -> Result<guardian_roster::SyncMode, String> {
        match self.value("mode") {
            None | Some("additive") => Ok(guardian_roster::SyncMode::Additive),
            Some("full") => Ok(guardian_roster::SyncMode::Full),
            Some(other) => Err(format!("--mode must be additive or full, not {other:?}")),
        }
    }

    /// `--format text|json`.
    pub fn format(&self) -> Result<Format, String> {
        match self.value("format") {
            None | Some("text") => Ok(Format::Text),
            Some("json") => Ok(Format::Json),
            Some(other) => Err(format!("--format must be text or json, not {other:?}")),
        }
    }
}

/// Prints the usage and what the program does, for `--help`: exit status 0.
pub fn print_help(usage: &str, about: &str) -> ExitCode {
    println!("usage: {usage}\n\n{about}");
    ExitCode::SUCCESS
}

/// Prints a usage error and returns exit status 2.
pub fn usage_error(message: &str, usage: &str) -> ExitCode {
    eprintln!("error: {message}\nusage: {usage}");
    ExitCode::from(2)
}

/// Exit status: 0 without errors, 1 when any row has an error.
pub fn exit_status(file: &ValidatedFile) -> ExitCode {
    if file.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The JSON of a diagnostic: code, severity, line, column, message, value
/// (personal data masked when `redact`).
pub fn diagnostic_json(diagnostic: &Diagnostic, redact: bool) -> Value {
    serde_json::to_value(Shown { diagnostic, redact }).unwrap_or(Value::Null)
}

/// A diagnostic as a report shows it, masked when `redact`: serialised
/// by `Diagnostic`'s own `Serialize` (code, severity, line, column, value,
/// message, suggestion) straight into the report, without a `Value` between.
#[derive(Clone, Copy)]
pub struct Shown<'a> {
    pub diagnostic: &'a Diagnostic,
    pub redact: bool,
}

impl serde::Serialize for Shown<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.redact {
            self.diagnostic.redacted().serialize(serializer)
        } else {
            self.diagnostic.serialize(serializer)
        }
    }
}

/// The summary object of the `validate` report.
pub fn summary_json(summary: &Summary) -> Value {
    json!({
        "rows": summary.rows,
        "valid": summary.valid,
        "repaired": summary.repaired,
        "rejected": summary.rejected,
        "excluded": summary.excluded,
        "blank": summary.blank,
        "errors": summary.errors,
        "warnings": summary.warnings,
        "by_code": summary.by_code,
        "guardians": summary.guardians,
        "links": summary.links,
    })
}

/// The `validate` report as one JSON object.
pub fn file_json(path: &str, file: &ValidatedFile, redact: bool) -> Value {
    to_value(&file_report(path, file, redact))
}

/// A sequence written as it is produced: a report of a million rows is
/// never held whole as one JSON value.
struct Stream<'a, T = Value>(RefCell<Option<Box<dyn Iterator<Item = T> + 'a>>>);

impl<'a, T> Stream<'a, T> {
    fn new(items: impl Iterator<Item = T> + 'a) -> Stream<'a, T> {
        Stream(RefCell::new(Some(Box::new(items))))
    }
}

impl<T: serde::Serialize> serde::Serialize for Stream<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        let items = self
            .0
            .borrow_mut()
            .take()
            .ok_or_else(|| S::Error::custom("a stream is written once"))?;
        serializer.collect_seq(items)
    }
}

/// The guardians as they are, or masked (`--redact`).
enum Guardians<'a> {
    Plain(&'a [guardian_roster::Guardian]),
    Masked(Stream<'a>),
}

impl serde::Serialize for Guardians<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Guardians::Plain(guardians) => guardians.serialize(serializer),
            Guardians::Masked(stream) => stream.serialize(serializer),
        }
    }
}

/// The JSON report, in the order its fields are written.
#[derive(serde::Serialize)]
struct Report<'a> {
    summary: Value,
    file: &'a str,
    format: &'a str,
    encoding: &'a str,
    diagnostics: Stream<'a, Shown<'a>>,
    guardians: Guardians<'a>,
    links: &'a [guardian_roster::Link],
    /// Rows the file's flags leave out (IDs only: not personal data).
    excluded: &'a [guardian_roster::ExcludedRow],
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<Stream<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    held_unlinks: Option<Stream<'a>>,
    /// The sync examples' `--apply`: what Start Processing wrote.
    #[serde(skip_serializing_if = "Option::is_none")]
    applied: Option<Value>,
}

fn file_report<'a>(path: &'a str, file: &'a ValidatedFile, redact: bool) -> Report<'a> {
    Report {
        summary: summary_json(file.summary()),
        file: path,
        format: file.format().name(),
        encoding: file.info().encoding().name(),
        diagnostics: Stream::new(
            file.diagnostics()
                .iter()
                .map(move |diagnostic| Shown { diagnostic, redact }),
        ),
        guardians: if redact {
            Guardians::Masked(Stream::new(
                file.guardians()
                    .iter()
                    .map(move |g| guardian_json(g, redact)),
            ))
        } else {
            Guardians::Plain(file.guardians())
        },
        links: file.links(),
        excluded: file.excluded_rows(),
        changes: None,
        held_unlinks: None,
        applied: None,
    }
}

/// A report as one JSON value (for small files and tests).
fn to_value(report: &Report<'_>) -> Value {
    serde_json::to_value(report).unwrap_or_else(|e| json!({ "error": e.to_string() }))
}

/// Writes a report as pretty JSON, streaming its long lists.
fn write_report(out: &mut impl io::Write, report: &Report<'_>) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// Writes the `validate` JSON report (the same as [`file_json`], printed).
pub fn write_file_json(
    out: &mut impl io::Write,
    path: &str,
    file: &ValidatedFile,
    redact: bool,
) -> io::Result<()> {
    write_report(out, &file_report(path, file, redact))
}

/// Prints the `validate` JSON report to standard output.
pub fn print_file_json(path: &str, file: &ValidatedFile, redact: bool) {
    print_with(|out| write_file_json(out, path, file, redact));
}

/// Writes through the buffered standard output.
fn print_with(write: impl FnOnce(&mut BufWriter<io::Stdout>) -> io::Result<()>) {
    let written = OUT.with(|out| write(&mut out.borrow_mut()));
    if let Err(e) = written {
        stop_on_write_error(&e);
    }
}

/// The JSON for a file that could not be used at all.
pub fn fatal_json(path: &str, error: &Error) -> Value {
    json!({
        "summary": {
            "rows": 0, "valid": 0, "repaired": 0, "rejected": 0, "excluded": 0, "blank": 0,
            "errors": 1, "warnings": 0, "by_code": { error.code().as_str(): 1 },
            "guardians": 0, "links": 0,
        },
        "file": path,
        "diagnostics": [diagnostic_json(&error.to_diagnostic(), false)],
        "guardians": [],
        "links": [],
        "excluded": [],
    })
}

/// Prints JSON to standard output.
pub fn print_json(value: &Value) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => outln!("{text}"),
        Err(e) => eprintln!("error: could not write JSON: {e}"),
    }
}

/// `1 error`, `2 errors`.
fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The summary lines of the text report.
pub fn print_summary_text(path: &str, file: &ValidatedFile) {
    let s = file.summary();
    outln!("{path}");
    outln!(
        "  {}: {} valid, {} repaired (warnings), {} rejected (errors), {} excluded (not guardians by the file's flags){}",
        count(s.rows, "row"),
        s.valid,
        s.repaired,
        s.rejected,
        s.excluded,
        if s.blank > 0 {
            format!("; {} skipped", count(s.blank, "blank row"))
        } else {
            String::new()
        }
    );
    outln!(
        "  {}, {} usable; {}, {}",
        count(s.guardians, "guardian"),
        count(s.links, "guardian-student link"),
        count(s.errors, "error"),
        count(s.warnings, "warning")
    );
    match file.format() {
        guardian_roster::Format::GuardiansCsv => outln!(
            "  read as guardians.csv: {}, delimiter {:?}",
            file.info().encoding(),
            char::from(file.info().delimiter())
        ),
        other => outln!(
            "  read as a {other} export: {}{}",
            file.info().encoding(),
            if file.is_delta() { ", a delta" } else { "" }
        ),
    }
    if !s.by_code.is_empty() {
        let codes: Vec<String> = s.by_code.iter().map(|(c, n)| format!("{c} {n}")).collect();
        outln!("  by code: {}", codes.join(", "));
    }
}

/// The rows the file's flags leave out, under their own heading: line,
/// IDs (not personal data) and why.
pub fn print_excluded_text(file: &ValidatedFile) {
    let rows = file.excluded_rows();
    if rows.is_empty() {
        return;
    }
    outln!();
    outln!(
        "Not imported: not guardians by the file's flags ({})",
        rows.len()
    );
    for row in rows {
        outln!(
            "  line {}: {} -- student {} ({})",
            row.line,
            guardian_roster::Visible(row.guardian_id.as_str()),
            guardian_roster::Visible(row.student_id.as_str()),
            row.exclusion.as_str()
        );
    }
}

/// Every diagnostic, one a line (personal data masked when `redact`).
pub fn print_diagnostics_text<'a>(
    diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
    redact: bool,
) {
    for diagnostic in diagnostics {
        if redact {
            outln!("  {}", diagnostic.redacted());
        } else {
            outln!("  {diagnostic}");
        }
    }
}

/// Writes the errors file (`--errors-csv`): the input's problem rows with
/// line, severity, code and message, formulas neutralised.
pub fn write_errors_file(
    input: &str,
    options: &guardian_roster::ReaderBuilder,
    diagnostics: &[&Diagnostic],
    out: &str,
) -> Result<u64, String> {
    let source = std::fs::File::open(input).map_err(|e| format!("{input}: {e}"))?;
    let target = std::fs::File::create(out).map_err(|e| format!("{out}: {e}"))?;
    guardian_roster::write_errors_csv(
        source,
        options,
        diagnostics.iter().copied(),
        std::io::BufWriter::new(target),
    )
    .map_err(|e| format!("{out}: {e}"))
}

/// Reads a students file (a `student_id` column and, optionally, a school
/// column; others ignored) with the crate's `read_students`.
pub fn load_enrolments(path: &str) -> Result<Vec<guardian_roster::Enrolment>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let students = guardian_roster::read_students(io::BufReader::new(file))
        .map_err(|e| format!("{path}: {e}"))?;
    for row in &students.unreadable_rows {
        eprintln!("warning: {path}: line {row} has an unusable student or school ID; left out");
    }
    Ok(students.enrolments)
}

/// The student IDs of a students file, each once per row.
pub fn load_students(path: &str) -> Result<Vec<guardian_roster::StudentId>, String> {
    Ok(load_enrolments(path)?
        .into_iter()
        .map(|e| e.student_id)
        .collect())
}

/// A roster of the students file (with their schools) and the current
/// guardians export.
pub fn load_roster(
    students_path: &str,
    current: &ValidatedFile,
) -> Result<guardian_roster::InMemoryRoster, String> {
    let enrolments = load_enrolments(students_path)?;
    let ids: Vec<guardian_roster::StudentId> =
        enrolments.iter().map(|e| e.student_id.clone()).collect();
    let mut roster = guardian_roster::InMemoryRoster::from_export(ids, current);
    for enrolment in enrolments {
        if let Some(school) = enrolment.school_id {
            roster.add_enrolment(enrolment.student_id, school);
        }
    }
    Ok(roster)
}

/// The `dry_run` report: the `validate` object plus `changes`, the plan's
/// counts in `summary`, and the plan's diagnostics among the file's.
pub fn plan_json(
    path: &str,
    file: &ValidatedFile,
    plan: &guardian_roster::Plan,
    redact: bool,
) -> Value {
    to_value(&plan_report(path, file, plan, redact))
}

/// Writes the `dry_run` JSON report (the same as [`plan_json`], printed).
pub fn write_plan_json(
    out: &mut impl io::Write,
    path: &str,
    file: &ValidatedFile,
    plan: &guardian_roster::Plan,
    redact: bool,
) -> io::Result<()> {
    write_report(out, &plan_report(path, file, plan, redact))
}

/// Prints the `dry_run` JSON report to standard output.
pub fn print_plan_json(
    path: &str,
    file: &ValidatedFile,
    plan: &guardian_roster::Plan,
    redact: bool,
) {
    print_with(|out| write_plan_json(out, path, file, plan, redact));
}

/// Prints the sync examples' JSON report: the `dry_run` report and, with
/// `--apply`, what was applied, written as it is produced (as
/// [`print_plan_json`]: no copy of the report in memory).
pub fn print_sync_json(
    path: &str,
    file: &ValidatedFile,
    plan: &guardian_roster::Plan,
    applied: Option<Value>,
) {
    let mut report = plan_report(path, file, plan, false);
    report.applied = applied;
    print_with(|out| write_report(out, &report));
}

fn plan_report<'a>(
    path: &'a str,
    file: &'a ValidatedFile,
    plan: &'a guardian_roster::Plan,
    redact: bool,
) -> Report<'a> {
    let mut report = file_report(path, file, redact);
    let counts = plan.summary();
    if let Some(summary) = report.summary.as_object_mut() {
        let (plan_errors, plan_warnings) = plan.counts();
        summary.insert("mode".into(), json!(plan.mode()));
        summary.insert("scope".into(), json!(plan.scope()));
        summary.insert("create_guardian".into(), json!(counts.create_guardian));
        summary.insert("update_guardian".into(), json!(counts.update_guardian));
        summary.insert("link".into(), json!(counts.link));
        summary.insert("unlink".into(), json!(counts.unlink));
        summary.insert(
            "unchanged_guardians".into(),
            json!(counts.unchanged_guardians),
        );
        summary.insert("unchanged_links".into(), json!(counts.unchanged_links));
        summary.insert("unlinks_held".into(), json!(counts.unlinks_held));
        summary.insert(
            "unlinks_held_by_rows".into(),
            json!(counts.unlinks_held_by_rows),
        );
        summary.insert(
            "unlinks_held_by_threshold".into(),
            json!(counts.unlinks_held_by_threshold),
        );
        summary.insert("unlink_restricted".into(), json!(counts.unlink_restricted));
        summary.insert(
            "students_left_without_guardian".into(),
            json!(counts.students_left_without_guardian),
        );
        summary.insert("rows_skipped".into(), json!(counts.rows_skipped));
        summary.insert("rows_left_out".into(), json!(counts.rows_left_out));
        let mut by_code = file.summary().by_code.clone();
        for diagnostic in plan.diagnostics() {
            *by_code.entry(diagnostic.code.as_str()).or_default() += 1;
        }
        summary.insert("by_code".into(), json!(by_code));
        summary.insert("errors".into(), json!(file.summary().errors + plan_errors));
        summary.insert(
            "warnings".into(),
            json!(file.summary().warnings + plan_warnings),
        );
    }
    report.diagnostics = Stream::new(
        merged_diagnostics(file, plan)
            .into_iter()
            .map(move |diagnostic| Shown { diagnostic, redact }),
    );
    report.changes = Some(Stream::new(
        plan.changes().iter().map(move |c| change_json(c, redact)),
    ));
    report.held_unlinks = Some(Stream::new(
        plan.held_unlinks()
            .iter()
            .map(|(g, s)| json!({ "guardian_id": g, "student_id": s })),
    ));
    report
}

/// A guardian as JSON; with `redact`, names, email and phones masked.
fn guardian_json(guardian: &guardian_roster::Guardian, redact: bool) -> Value {
    if !redact {
        return json!(guardian);
    }
    let masked = |value: Option<String>| value.map(|v| guardian_roster::mask(&v));
    json!({
        "guardian_id": guardian.guardian_id,
        "first_name": guardian_roster::mask(&guardian.first_name),
        "last_name": guardian_roster::mask(&guardian.last_name),
        "email": masked(guardian.email.as_ref().map(|e| e.to_string())),
        "mobile_phone": masked(guardian.mobile_phone.as_ref().map(|p| p.to_string())),
        "home_phone": masked(guardian.home_phone.as_ref().map(|p| p.to_string())),
        "language": guardian.language,
    })
}

fn change_json(change: &guardian_roster::Change, redact: bool) -> Value {
    use guardian_roster::Change;
    let mut object = json!({
        "action": change.action(),
        "guardian_id": change.guardian_id(),
    });
    if let Some(student) = change.student_id() {
        object["student_id"] = json!(student);
    }
    match change {
        Change::CreateGuardian { guardian, .. } => {
            object["guardian"] = guardian_json(guardian, redact);
        }
        Change::UpdateGuardian {
            fields, guardian, ..
        } => {
            object["fields"] = if redact {
                let masked: serde_json::Map<String, Value> = fields
                    .iter()
                    .map(|(field, change)| {
                        let shown = |value: &Option<String>| match field {
                            guardian_roster::GuardianField::Language => json!(value),
                            _ => json!(value.as_deref().map(guardian_roster::mask)),
                        };
                        (
                            field.as_str().to_owned(),
                            json!({ "old": shown(&change.old), "new": shown(&change.new) }),
                        )
                    })
                    .collect();
                Value::Object(masked)
            } else {
                json!(fields)
            };
            object["guardian"] = guardian_json(guardian, redact);
        }
        Change::Link { line, .. } => object["line"] = json!(line),
        _ => {}
    }
    object
}

/// The file's and the plan's diagnostics together, by line.
pub fn merged_diagnostics<'a>(
    file: &'a ValidatedFile,
    plan: &'a guardian_roster::Plan,
) -> Vec<&'a Diagnostic> {
    let mut all: Vec<&Diagnostic> = file
        .diagnostics()
        .iter()
        .chain(plan.diagnostics())
        .collect();
    all.sort_by_key(|d| d.line);
    all
}

/// Files at least this large get a progress bar (when standard error is a
/// terminal).
const PROGRESS_FROM_BYTES: u64 = 8 << 20;

/// A progress bar on standard error for reading `path`, fed by the
/// reader's progress reports, when standard error is a terminal and the
/// file is large; `None` (and no callback) otherwise. Clear it with
/// `finish_and_clear` when the file is read.
pub fn progress_bar(
    builder: &mut guardian_roster::ReaderBuilder,
    path: &str,
) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size < PROGRESS_FROM_BYTES || !io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(size);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(format!("reading {}", guardian_roster::Visible(path)));
    let feed = bar.clone();
    builder.control(guardian_roster::Control::new().progress(move |progress| {
        feed.set_position(progress.bytes);
        if progress.phase == guardian_roster::Phase::WholeFile {
            feed.set_message("whole-file checks");
        }
    }));
    Some(bar)
}

/// Validates `reader`, writing the report as the rows are read (text or
/// JSON) instead of once the whole file is in memory: each row's
/// diagnostics, then what the whole-file checks found, then the summary.
/// A row's `no_contact` waits for the end, since another row of its
/// guardian may still give the contact (the library then withdraws it).
pub fn stream_report<R: std::io::Read>(
    reader: guardian_roster::Reader<R>,
    path: &str,
    format: Format,
    redact: bool,
) -> Result<ValidatedFile, Error> {
    use guardian_roster::{Code, Found};
    // By line: a row has at most one `no_contact`.
    let mut waiting: std::collections::BTreeMap<u64, Diagnostic> = Default::default();
    let mut written = 0u64;
    let mut write = |diagnostic: &Diagnostic| {
        match format {
            Format::Text if redact => outln!("  {}", diagnostic.redacted()),
            Format::Text => outln!("  {diagnostic}"),
            Format::Json => {
                let item = serde_json::to_string(&Shown { diagnostic, redact })
                    .unwrap_or_else(|_| "null".to_owned());
                let comma = if written == 0 { "" } else { "," };
                outln!("{comma}\n    {item}");
            }
        }
        written += 1;
    };
    match format {
        Format::Text => outln!("{path}"),
        Format::Json => {
            let path = Value::from(path);
            write_out(format_args!(
                "{{\n  \"file\": {path},\n  \"format\": \"guardians.csv\",\n  \"diagnostics\": ["
            ));
        }
    }
    let read = reader.validate_with(|found| match found {
        Found::Row(row) => {
            for diagnostic in row.diagnostics() {
                match diagnostic.code {
                    Code::NoContact => {
                        waiting.insert(diagnostic.line, diagnostic.clone());
                    }
                    _ => write(diagnostic),
                }
            }
        }
        Found::Diagnostic(diagnostic) => write(diagnostic),
        Found::Withdrawn(diagnostic) => {
            waiting.remove(&diagnostic.line);
        }
        _ => {}
    });
    if read.is_ok() {
        waiting.values().for_each(&mut write);
    }
    match (format, &read) {
        (Format::Text, Ok(file)) => {
            outln!();
            print_summary_text(path, file);
            print_excluded_text(file);
        }
        (Format::Text, Err(error)) => outln!(
            "  the file cannot be used: {}",
            guardian_roster::Visible(&error.to_diagnostic().message())
        ),
        (Format::Json, Ok(file)) => {
            write_out(format_args!("\n  ],\n"));
            write_out(format_args!(
                "  \"summary\": {},\n  \"encoding\": {},\n  \"guardians\": ",
                summary_json(file.summary()),
                Value::from(file.info().encoding().name())
            ));
            print_with(|out| {
                let guardians = file_report(path, file, redact).guardians;
                serde_json::to_writer(&mut *out, &guardians).map_err(io::Error::from)?;
                out.write_all(b",\n  \"links\": ")?;
                serde_json::to_writer(&mut *out, file.links()).map_err(io::Error::from)?;
                out.write_all(b",\n  \"excluded\": ")?;
                serde_json::to_writer(&mut *out, file.excluded_rows()).map_err(io::Error::from)?;
                out.write_all(b"\n}\n")
            });
        }
        (Format::Json, Err(error)) => {
            // Cut short: the error closes the diagnostics, and the report
            // says what a file that cannot be used says.
            write(&error.to_diagnostic());
            let fatal = fatal_json(path, error);
            write_out(format_args!(
                "\n  ],\n  \"summary\": {},\n  \"guardians\": [],\n  \"links\": [],\n  \"excluded\": []\n}}\n",
                fatal["summary"]
            ));
        }
    }
    read
}

/// Reads `path` if it is a OneRoster or Clever export (`None` for a
/// guardians.csv, which the examples read their own way), with the
/// reader's settings and the arguments' `--student-key`.
pub fn read_export(
    path: &str,
    builder: &guardian_roster::ReaderBuilder,
    args: &Args,
) -> Option<Result<ValidatedFile, Error>> {
    match guardian_roster::detect_format(path) {
        Ok(guardian_roster::Format::GuardiansCsv) => return None,
        Ok(_) => {}
        Err(error) => return Some(Err(error)),
    }
    let mut options = guardian_roster::SourceOptions::new();
    options.reader(builder.clone());
    if let Ok(key) = args.student_key() {
        options.student_key(key);
    }
    Some(options.read(path))
}
