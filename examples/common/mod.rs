//! Shared by the example binaries: argument parsing and report output.

#![allow(dead_code)]

use std::process::ExitCode;

use guardian_roster::{Diagnostic, Error, Summary, ValidatedFile};
use serde_json::{Value, json};

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
            if let Some(name) = arg.strip_prefix("--") {
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

    /// `--format text|json`.
    pub fn format(&self) -> Result<Format, String> {
        match self.value("format") {
            None | Some("text") => Ok(Format::Text),
            Some("json") => Ok(Format::Json),
            Some(other) => Err(format!("--format must be text or json, not {other:?}")),
        }
    }
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

/// The JSON of a diagnostic: code, severity, line, column, message, value.
pub fn diagnostic_json(diagnostic: &Diagnostic) -> Value {
    json!({
        "code": diagnostic.code.as_str(),
        "severity": diagnostic.severity.as_str(),
        "line": diagnostic.line,
        "column": diagnostic.column.map(|c| c.as_str()),
        "message": diagnostic.message,
        "value": diagnostic.value,
    })
}

/// The summary object of the `validate` report.
pub fn summary_json(summary: &Summary) -> Value {
    json!({
        "rows": summary.rows,
        "valid": summary.valid,
        "repaired": summary.repaired,
        "rejected": summary.rejected,
        "blank": summary.blank,
        "errors": summary.errors,
        "warnings": summary.warnings,
        "by_code": summary.by_code,
        "guardians": summary.guardians,
        "links": summary.links,
    })
}

/// The `validate` report as one JSON object.
pub fn file_json(path: &str, file: &ValidatedFile) -> Value {
    json!({
        "file": path,
        "encoding": file.encoding().name(),
        "summary": summary_json(file.summary()),
        "diagnostics": file.diagnostics().iter().map(diagnostic_json).collect::<Vec<_>>(),
        "guardians": file.guardians(),
        "links": file.links(),
    })
}

/// The JSON for a file that could not be used at all.
pub fn fatal_json(path: &str, error: &Error) -> Value {
    json!({
        "file": path,
        "summary": {
            "rows": 0, "valid": 0, "repaired": 0, "rejected": 0, "blank": 0,
            "errors": 1, "warnings": 0, "by_code": { error.code().as_str(): 1 },
            "guardians": 0, "links": 0,
        },
        "diagnostics": [diagnostic_json(&error.to_diagnostic())],
        "guardians": [],
        "links": [],
    })
}

/// Prints JSON to standard output.
pub fn print_json(value: &Value) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("error: could not write JSON: {e}"),
    }
}

/// The summary lines of the text report.
pub fn print_summary_text(path: &str, file: &ValidatedFile) {
    let s = file.summary();
    println!("{path}");
    println!(
        "  {} rows: {} valid, {} repaired (warnings), {} rejected (errors){}",
        s.rows,
        s.valid,
        s.repaired,
        s.rejected,
        if s.blank > 0 {
            format!("; {} blank rows skipped", s.blank)
        } else {
            String::new()
        }
    );
    println!(
        "  {} guardians, {} guardian-student links usable; {} errors, {} warnings",
        s.guardians, s.links, s.errors, s.warnings
    );
    println!(
        "  read as {}, delimiter {:?}",
        file.encoding(),
        char::from(file.delimiter())
    );
    if !s.by_code.is_empty() {
        let codes: Vec<String> = s.by_code.iter().map(|(c, n)| format!("{c} {n}")).collect();
        println!("  by code: {}", codes.join(", "));
    }
}

/// Every diagnostic, one a line.
pub fn print_diagnostics_text(diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        println!("  {diagnostic}");
    }
}
