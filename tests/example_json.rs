//! The `validate` example's JSON is a public contract: check its shape.

#[path = "../examples/common/mod.rs"]
mod report;

mod common;

use guardian_roster::ReaderBuilder;

#[test]
fn validate_json_has_the_documented_fields() {
    let file = common::validate(include_bytes!("../examples/data/guardians.csv"));
    let json = report::file_json("guardians.csv", &file);
    let summary = &json["summary"];
    for key in [
        "rows", "valid", "repaired", "rejected", "errors", "warnings",
    ] {
        assert!(summary[key].is_u64(), "summary.{key}");
    }
    assert_eq!(summary["rows"], 17);
    let first = &json["diagnostics"][0];
    assert_eq!(first["code"], "unknown_column");
    assert_eq!(first["severity"], "warning");
    assert_eq!(first["line"], 1);
    assert!(first["column"].is_null());
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
