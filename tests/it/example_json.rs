//! The `validate` example's JSON is a public contract: check its shape.

use crate::common;
use crate::report;

use guardian_roster::ReaderBuilder;

#[test]
fn validate_json_has_the_documented_fields() {
    let file = common::validate(include_bytes!("../../examples/data/guardians.csv"));
    let json = report::file_json("guardians.csv", &file, false);
    let summary = &json["summary"];
    for key in [
        "rows", "valid", "repaired", "rejected", "errors", "warnings",
    ] {
        assert!(summary[key].is_u64(), "summary.{key}");
    }
    assert_eq!(summary["rows"], 17);
    // The sample's `Relationship` column is read (kept on the links), so
    // the first diagnostic is a row's.
    let first = &json["diagnostics"][0];
    assert_eq!(first["code"], "id_repaired");
    assert_eq!(first["severity"], "warning");
    assert_eq!(first["line"], 6);
    assert_eq!(first["column"], "student_id");
    assert_eq!(json["links"][0]["relationship"], "Mother");
    assert_eq!(summary["excluded"], 0);
    assert_eq!(json["excluded"], serde_json::json!([]));
    assert!(first["message"].is_string());
    let guardian = &json["guardians"][0];
    for key in [
        "guardian_id",
        "first_name",
        "last_name",
        "email",
        "mobile_phone",
        "home_phone",
        "language",
    ] {
        assert!(guardian.get(key).is_some(), "guardians[0].{key}");
    }
    assert_eq!(guardian["mobile_phone"], "+13125550142");
    let link = &json["links"][0];
    assert_eq!(link["student_id"], "000125");
    assert_eq!(link["line"], 2);
}

#[test]
fn fatal_json_carries_the_error_as_a_diagnostic_on_line_1() {
    let error = match ReaderBuilder::new().from_reader("name,phone\nAna,1\n".as_bytes()) {
        Ok(_) => panic!("expected a fatal error"),
        Err(e) => e,
    };
    let json = report::fatal_json("bad.csv", &error);
    assert_eq!(json["diagnostics"][0]["code"], "missing_column");
    assert_eq!(json["diagnostics"][0]["line"], 1);
    assert_eq!(json["summary"]["errors"], 1);
}

mod bundled {
    use super::report;
    use guardian_roster::{DryRunOptions, InMemoryRoster, Plan, ReaderBuilder, SyncMode, dry_run};

    const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/");

    fn run(options: &DryRunOptions) -> (guardian_roster::ValidatedFile, Plan) {
        let students = report::load_students(&format!("{DATA}students.csv")).expect("students");
        let current = ReaderBuilder::new()
            .from_path(format!("{DATA}current.csv"))
            .and_then(|r| r.validate())
            .expect("current roster");
        assert!(!current.has_errors());
        let mut roster = InMemoryRoster::from_export(students, &current);
        let file = ReaderBuilder::new()
            .from_path(format!("{DATA}guardians.csv"))
            .and_then(|r| r.validate())
            .expect("upload");
        let plan = dry_run(&file, &mut roster, options).expect("in memory");
        (file, plan)
    }

    fn changes(plan: &Plan) -> Vec<String> {
        plan.changes()
            .iter()
            .map(|c| match c.student_id() {
                Some(s) => format!("{} {} {s}", c.action(), c.guardian_id()),
                None => format!("{} {}", c.action(), c.guardian_id()),
            })
            .collect()
    }

    const ADDITIVE: &[&str] = &[
        "create_guardian G-1004",
        "create_guardian G-1006",
        "create_guardian G-1010",
        "create_guardian G-1011",
        "create_guardian G-1012",
        "update_guardian G-1001",
        "link G-1001 000126",
        "link G-1004 000140",
        "link G-1006 000142",
        "link G-1010 000152",
        "link G-1011 000152",
        "link G-1012 000160",
    ];

    #[test]
    fn additive_plan_on_the_bundled_data() {
        let (file, plan) = run(&DryRunOptions::default());
        assert_eq!(changes(&plan), ADDITIVE);
        let problems: Vec<(&str, u64, Option<&str>)> = plan
            .diagnostics()
            .iter()
            .map(|d| (d.code.as_str(), d.line, d.suggestion.as_deref()))
            .collect();
        assert_eq!(
            problems,
            [
                ("unknown_student", 5, Some("000131")),
                ("email_in_use", 17, None)
            ]
        );
        let json = report::plan_json("guardians.csv", &file, &plan, false);
        assert_eq!(json["summary"]["create_guardian"], 5);
        assert_eq!(json["summary"]["by_code"]["unknown_student"], 1);
        assert_eq!(json["summary"]["errors"], 8);
        assert_eq!(json["summary"]["link"], 6);
        let update = &json["changes"][5];
        assert_eq!(update["action"], "update_guardian");
        assert_eq!(
            update["fields"]["email"]["old"],
            "maria.hernandez@oldmail.com"
        );
        assert_eq!(
            update["fields"]["email"]["new"],
            "maria.hernandez@example.com"
        );
        assert_eq!(update["fields"]["language"]["new"], "es");
        assert_eq!(json["changes"][6]["student_id"], "000126");
    }

    #[test]
    fn the_printed_reports_stream_exactly_the_json_values() {
        // The examples write their reports as they go, never holding the
        // whole JSON; what they write is the same JSON, pretty-printed.
        let (file, plan) = run(DryRunOptions::new().mode(SyncMode::Full));
        let mut written = Vec::new();
        report::write_plan_json(&mut written, "guardians.csv", &file, &plan, true)
            .expect("in memory");
        let value = report::plan_json("guardians.csv", &file, &plan, true);
        let expected = serde_json::to_string_pretty(&value).expect("a value") + "\n";
        assert_eq!(String::from_utf8(written).expect("UTF-8"), expected);
        assert_eq!(value["held_unlinks"].as_array().map(Vec::len), Some(4));

        let mut written = Vec::new();
        report::write_file_json(&mut written, "guardians.csv", &file, false).expect("in memory");
        let value = report::file_json("guardians.csv", &file, false);
        let expected = serde_json::to_string_pretty(&value).expect("a value") + "\n";
        assert_eq!(String::from_utf8(written).expect("UTF-8"), expected);
        assert!(value.get("changes").is_none());
    }

    #[test]
    fn full_sync_on_the_bundled_data_keeps_what_refused_rows_may_stand_for() {
        // Four of the five links the file no longer has belong to a
        // guardian or a student with a row that cannot be used (G-1098's
        // link to 000171: line 18, another guardian's row of that student,
        // was rejected): held. The one left is under the threshold.
        let (_, plan) = run(DryRunOptions::new().mode(SyncMode::Full));
        let mut expected: Vec<&str> = ADDITIVE.to_vec();
        expected.push("unlink G-1001 000199");
        assert_eq!(changes(&plan), expected);
        assert_eq!(plan.summary().unlinks_held, 4);
        assert_eq!(plan.summary().unlinks_held_by_rows, 4);
        assert!(
            !plan
                .diagnostics()
                .iter()
                .any(|d| d.code.as_str() == "deletion_threshold")
        );
    }

    #[test]
    fn full_sync_on_the_bundled_data_under_a_raised_threshold() {
        let (_, plan) = run(DryRunOptions::new()
            .mode(SyncMode::Full)
            .max_unlink_percent(30.0));
        let mut expected: Vec<&str> = ADDITIVE.to_vec();
        expected.push("unlink G-1001 000199");
        assert_eq!(changes(&plan), expected);
        let held: Vec<String> = plan
            .held_unlinks()
            .iter()
            .map(|(g, s)| format!("{g} {s}"))
            .collect();
        assert_eq!(
            held,
            [
                "G-1007 000145",
                "G-1008 000150",
                "G-1013 000161",
                "G-1098 000171"
            ]
        );
        let held_lines: Vec<u64> = plan
            .diagnostics()
            .iter()
            .filter(|d| d.code.as_str() == "unlink_held")
            .map(|d| d.line)
            .collect();
        assert_eq!(held_lines, [9, 10, 15, 18]);
        let student_hold = plan
            .diagnostics()
            .iter()
            .find(|d| d.line == 18 && d.code.as_str() == "unlink_held")
            .map(|d| d.message());
        assert_eq!(
            student_hold.as_deref(),
            Some(
                "Line 18 was rejected and is a row of student 000171, who keeps every link a full sync would remove while a row of theirs cannot be used (here, to guardian G-1098); fix the row and sync again"
            )
        );
    }
}
