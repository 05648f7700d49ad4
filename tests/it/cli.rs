//! The example binaries' exit status and JSON are a public contract.
//! `cargo test` builds the examples next to the test binaries.

use crate::common;
use std::path::PathBuf;
use std::process::Command;

fn run(name: &str, args: &[&str]) -> (i32, serde_json::Value) {
    let output = Command::new(common::example(name))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} did not run: {e}"));
    let json = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    (output.status.code().unwrap_or(-1), json)
}

#[test]
fn validate_exit_status_0_1_2() {
    let dir = std::env::temp_dir().join(format!("guardian-roster-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let clean = dir.join("clean.csv");
    std::fs::write(
        &clean,
        "student_id,guardian_id,first_name,last_name,email,mobile_phone\n001,G1,Ana,Diaz,ana@example.com,\n",
    )
    .expect("write");
    let broken = dir.join("broken.csv");
    std::fs::write(&broken, "name,phone\nAna,1\n").expect("write");
    let path = |p: &PathBuf| p.to_string_lossy().into_owned();

    let (status, json) = run("validate", &[&path(&clean), "--format", "json"]);
    assert_eq!(status, 0);
    assert_eq!(json["summary"]["valid"], 1);

    let (status, json) = run("validate", &["--format", "json"]);
    assert_eq!(status, 1, "the bundled sample has errors");
    assert_eq!(json["summary"]["rows"], 17);

    let (status, json) = run("validate", &[&path(&broken), "--format", "json"]);
    assert_eq!(status, 2);
    assert_eq!(json["diagnostics"][0]["code"], "missing_column");
    assert_eq!(json["diagnostics"][0]["line"], 1);

    let (status, _) = run("validate", &["--no-such-flag"]);
    assert_eq!(status, 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dry_run_on_the_bundled_data() {
    let (status, json) = run(
        "dry_run",
        &[
            "--format",
            "json",
            "--mode",
            "full",
            "--max-unlink-percent",
            "30",
        ],
    );
    assert_eq!(status, 1);
    assert_eq!(json["summary"]["unlink"], 1);
    let actions: Vec<&str> = json["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["action"].as_str())
        .collect();
    // G-1098's link to 000171 is held: another row of that student was
    // rejected.
    assert_eq!(actions.iter().filter(|a| **a == "unlink").count(), 1);
    assert_eq!(actions[0], "create_guardian");
}

#[test]
fn help_prints_the_usage_and_exits_0() {
    for (name, flag) in [
        ("validate", "--help"),
        ("dry_run", "-h"),
        ("generate", "--help"),
    ] {
        let output = Command::new(common::example(name))
            .arg(flag)
            .output()
            .unwrap_or_else(|e| panic!("{name} did not run: {e}"));
        assert_eq!(output.status.code(), Some(0), "{name} {flag}");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            text.starts_with(&format!("usage: {name} ")),
            "{name}: {text}"
        );
        assert!(text.contains("--"), "{name}: {text}");
    }
    // An unknown option is still a usage error.
    let (status, _) = run("validate", &["--nope"]);
    assert_eq!(status, 2);
}

#[test]
fn dry_run_takes_a_school_scope_and_stops_on_a_wrong_one() {
    let (status, json) = run(
        "dry_run",
        &["--mode", "full", "--school", "0102", "--format", "json"],
    );
    assert_eq!(status, 1, "the bundled sample has errors");
    assert_eq!(
        json["summary"]["scope"],
        serde_json::json!({ "kind": "schools", "schools": ["0102"] })
    );
    let (status, json) = run(
        "dry_run",
        &["--mode", "full", "--school", "102", "--format", "json"],
    );
    assert_eq!(status, 2);
    assert_eq!(json["diagnostics"][0]["code"], "unknown_school");
    assert_eq!(json["diagnostics"][0]["suggestion"], "0102");
}

/// The `validate` report is written as the file is read: the JSON holds
/// every diagnostic `Reader::validate` keeps (in reading order) and the
/// same summary; with `--errors-csv` it is the kept, sorted report.
#[test]
fn validate_streams_its_report_with_every_diagnostic() {
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/guardians.csv");
    let kept = guardian_roster::Reader::from_path(sample)
        .and_then(|r| r.validate())
        .expect("the sample reads");
    let sorted = |diagnostics: Vec<(u64, String)>| {
        let mut diagnostics = diagnostics;
        diagnostics.sort();
        diagnostics
    };
    let expected: Vec<(u64, String)> = kept
        .diagnostics()
        .iter()
        .map(|d| (d.line, d.code.as_str().to_owned()))
        .collect();
    let (status, json) = run("validate", &["--format", "json"]);
    assert_eq!(status, 1);
    let streamed: Vec<(u64, String)> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let line = d["line"].as_u64().expect("a line");
            (line, d["code"].as_str().expect("a code").to_owned())
        })
        .collect();
    assert_ne!(
        streamed, expected,
        "whole-file verdicts come after the rows"
    );
    assert_eq!(sorted(streamed), sorted(expected.clone()));
    assert_eq!(json["summary"]["errors"], kept.summary().errors);
    assert_eq!(json["summary"]["by_code"]["no_contact"], 1);
    assert_eq!(json["guardians"].as_array().map(Vec::len), Some(10));
    assert_eq!(json["links"].as_array().map(Vec::len), Some(11));

    let errors =
        std::env::temp_dir().join(format!("guardian-roster-errors-{}.csv", std::process::id()));
    let errors_path = errors.to_string_lossy().into_owned();
    let (status, json) = run(
        "validate",
        &["--format", "json", "--errors-csv", &errors_path],
    );
    assert_eq!(status, 1);
    let kept_order: Vec<(u64, String)> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["line"].as_u64().expect("a line"),
                d["code"].as_str().expect("a code").to_owned(),
            )
        })
        .collect();
    assert_eq!(kept_order, expected);
    let _ = std::fs::remove_file(errors);
}

#[test]
fn the_examples_read_oneroster_and_clever_exports_and_say_which() {
    let district = |name: &str| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/district")
            .join(name)
            .to_string_lossy()
            .into_owned()
    };
    for (name, format) in [
        ("guardians.csv", "guardians.csv"),
        ("oneroster-1.1", "OneRoster 1.1"),
        ("oneroster-1.2", "OneRoster 1.2"),
        ("clever", "Clever"),
    ] {
        let (status, json) = run("validate", &[&district(name), "--format", "json"]);
        assert_eq!(status, 1, "{name}: P4's email is invalid");
        assert_eq!(json["format"], format, "{name}");
        assert_eq!(json["summary"]["guardians"], 3, "{name}");
        assert_eq!(json["summary"]["links"], 4, "{name}");
    }
    let (_, json) = run(
        "validate",
        &[&district("oneroster-1.1"), "--format", "json"],
    );
    assert_eq!(
        json["diagnostics"][0]["source"],
        serde_json::json!({"file": "users.csv", "line": 10, "column": "email"})
    );
    let output = Command::new(common::example("validate"))
        .arg(district("clever"))
        .output()
        .expect("validate runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("  read as a Clever export: UTF-8\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "warning[not_a_guardian] students.csv line 8 (Contact_type): Contact_type is Emergency"
        ),
        "{text}"
    );
    // The errors file rewrites guardians.csv rows: an export's problems
    // are fixed at the source.
    let (status, _) = run(
        "validate",
        &[&district("clever"), "--errors-csv", "/dev/null"],
    );
    assert_eq!(status, 2);
    let (status, _) = run("validate", &[&district("clever"), "--student-key", "nope"]);
    assert_eq!(status, 2);

    let dir = std::env::temp_dir().join(format!("guardian-roster-cli-src-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let students = dir.join("students.csv");
    std::fs::write(&students, "student_id\nS001\nS002\nS003\nS004\n").expect("write");
    let current = dir.join("current.csv");
    std::fs::write(
        &current,
        "student_id,guardian_id,first_name,last_name,email,mobile_phone\nS003,P2,Bo,Li,bo.old@example.com,\n",
    )
    .expect("write");
    let path = |p: &PathBuf| p.to_string_lossy().into_owned();
    for name in ["oneroster-1.2", "clever"] {
        let (status, json) = run(
            "dry_run",
            &[
                &district(name),
                "--students",
                &path(&students),
                "--current",
                &path(&current),
                "--mode",
                "full",
                "--format",
                "json",
            ],
        );
        assert_eq!(status, 1, "{name}");
        assert_eq!(
            json["format"],
            if name == "clever" {
                "Clever"
            } else {
                "OneRoster 1.2"
            }
        );
        let actions: Vec<&str> = json["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .filter_map(|c| c["action"].as_str())
            .collect();
        assert_eq!(
            actions,
            [
                "create_guardian",
                "create_guardian",
                "update_guardian",
                "link",
                "link",
                "link"
            ],
            "{name}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
