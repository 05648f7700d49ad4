//! Values read back what they write: a phone's own `Display`, an email,
//! a language tag, IDs and names, and a whole plan through serde, so that a
//! database's values and a plan kept for approval come back as they were.

use crate::common;

use common::csv;
use guardian_roster::{
    DryRunOptions, Email, GuardianId, InMemoryRoster, Language, Name, Phone, Plan, SchoolId, Scope,
    StudentId, SyncMode, dry_run,
};

#[test]
fn every_value_reads_back_its_own_display() {
    for text in ["+13125550142", "+13125550142;ext=12", "+33142764978"] {
        let phone: Phone = text.parse().expect("its own display");
        assert_eq!(phone.to_string(), text);
    }
    let phone: Phone = "+13125550142;ext=12".parse().expect("E.164");
    assert_eq!(
        (phone.e164(), phone.extension()),
        ("+13125550142", Some("12"))
    );
    for bad in [
        "312-555-0142",
        "+",
        "+0123",
        "+1312555014212345",
        "+1312;ext=x",
    ] {
        assert!(bad.parse::<Phone>().is_err(), "{bad}");
    }
    let email: Email = "Ana.Diaz@Example.com".parse().expect("an address");
    assert_eq!(email.to_string(), "Ana.Diaz@Example.com");
    assert_eq!(email.key(), "ana.diaz@example.com");
    for tag in ["es", "es-MX", "zh-Hant", "yue"] {
        let language: Language = tag.parse().expect("a tag");
        assert_eq!(language.to_string(), tag);
    }
    let id: StudentId = "000125".parse().expect("infallible");
    assert_eq!(id.as_str(), "000125");
    let name: Name = "Jose\u{301}".parse().expect("infallible");
    assert_eq!(name.as_str(), "Jos\u{e9}");
}

/// What a roster stored under older rules comes back as it was, through
/// `from_stored` and through serde, and is told apart from a valid value.
#[test]
fn stored_values_the_rules_refuse_read_back_as_legacy() {
    let phone = Phone::from_stored("312-555-0142");
    assert!(phone.is_legacy());
    assert_eq!(phone.e164(), "312-555-0142");
    assert_eq!(format!("{phone:?}"), "Phone(31***42)");
    let json = serde_json::to_string(&phone).expect("serialises");
    assert_eq!(json, r#""312-555-0142""#);
    let back: Phone = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back, phone);
    let valid: Phone = serde_json::from_str(r#""+13125550142;ext=12""#).expect("E.164");
    assert_eq!((valid.is_legacy(), valid.extension()), (false, Some("12")));
    assert_eq!(
        valid,
        "+13125550142;ext=12".parse::<Phone>().expect("E.164")
    );
    assert_ne!(
        Phone::from_stored("+13125550142"),
        Phone::from_stored("3125550142")
    );

    let email: Email = serde_json::from_str(r#""Old@Legacy""#).expect("kept");
    assert_eq!((email.as_str(), email.key()), ("Old@Legacy", "old@legacy"));
    let email: Email = serde_json::from_str(r#""Ana.Diaz@Example.com""#).expect("valid");
    assert_eq!(email, Email::parse("Ana.Diaz@Example.com").expect("valid"));
    let language: Language = serde_json::from_str(r#""SPN""#).expect("kept");
    assert_eq!(language.as_str(), "SPN");
    let language: Language = serde_json::from_str(r#""es-MX""#).expect("valid");
    assert_eq!(language, Language::parse("es-MX").expect("valid"));
}

#[test]
fn a_plan_reads_back_from_json_as_it_was_written() {
    let current = common::validate(csv(&[
        "001,G1,Ana,Ruiz,ana@old.example.com,312 555 0101 x12,,en",
        "002,G2,Bo,Li,bo@example.com,,,",
    ]));
    let mut roster =
        InMemoryRoster::from_export(["001", "002", "003"].map(StudentId::from), &current);
    let file = common::validate(csv(&[
        "001,G1,Ana,Ruiz,ana@example.com,312 555 0101 x12,,es",
        "003,G3,Cy,Ng,cy@example.com,+33 1 42 76 49 78,,fr",
        "004,G4,Di,Oz,di@example.com,,,",
    ]));
    let mut options = DryRunOptions::new();
    options
        .mode(SyncMode::Full)
        .max_unlink_percent(100.0)
        .scope(Scope::District);
    let plan = dry_run(&file, &mut roster, &options).expect("in memory");
    assert!(plan.summary().update_guardian == 1 && plan.summary().unlink == 1);
    let written = serde_json::to_string(&plan).expect("serialises");
    let read: Plan = serde_json::from_str(&written).expect("deserialises");
    assert_eq!(serde_json::to_string(&read).expect("serialises"), written);
    assert_eq!(read.changes(), plan.changes());
    assert_eq!(read.diagnostics(), plan.diagnostics());
    assert_eq!(read.summary(), plan.summary());
    assert_eq!(read.scope(), &Scope::District);

    let scope: Scope =
        serde_json::from_str(r#"{"kind":"schools","schools":["0102"]}"#).expect("a scope");
    assert_eq!(scope, Scope::schools([SchoolId::from("0102")]));
    let id: GuardianId = serde_json::from_str(r#""0077""#).expect("an ID");
    assert_eq!(id.as_str(), "0077");
}

#[test]
fn a_roster_behind_a_mutable_reference_or_a_box_is_a_roster() {
    let mut roster =
        InMemoryRoster::from_export([StudentId::from("001")], &common::validate(csv(&[])));
    let file = common::validate(csv(&["001,G1,Ana,Ruiz,ana@example.com,,,"]));
    let options = DryRunOptions::new();
    let lent = dry_run(&file, &mut &mut roster, &options).expect("&mut R");
    let mut boxed: Box<dyn guardian_roster::Roster<Error = std::convert::Infallible>> =
        Box::new(roster);
    let boxed = dry_run(&file, &mut boxed, &options).expect("Box<dyn Roster>");
    assert_eq!(lent.changes(), boxed.changes());
    assert_eq!(lent.summary().create_guardian, 1);
}

#[test]
fn a_plans_fingerprint_tells_whether_the_roster_changed() {
    let current = common::validate(csv(&["001,G1,Ana,Ruiz,ana@example.com,,,"]));
    let mut roster = InMemoryRoster::from_export(["001", "002"].map(StudentId::from), &current);
    let file = common::validate(csv(&[
        "001,G1,Ana,Ruiz,ana@example.com,,,",
        "002,G2,Bo,Li,bo@example.com,,,",
    ]));
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full);
    let plan = dry_run(&file, &mut roster, &options).expect("in memory");
    let again = dry_run(&file, &mut roster, options.clone().batch_size(1)).expect("in memory");
    assert_eq!(plan.fingerprint(), again.fingerprint());
    assert_eq!(plan.fingerprint().upload.len(), 16);
    // The fingerprint survives the round trip of a plan kept for approval.
    let kept: Plan = serde_json::from_str(&serde_json::to_string(&plan).expect("serialises"))
        .expect("deserialises");
    assert_eq!(kept.fingerprint(), plan.fingerprint());
    // Another request changes the roster: the roster's fingerprint moves,
    // the upload's does not.
    roster.add_link("G1".into(), "002".into());
    let later = dry_run(&file, &mut roster, &options).expect("in memory");
    assert_eq!(later.fingerprint().upload, plan.fingerprint().upload);
    assert_ne!(later.fingerprint().roster, plan.fingerprint().roster);
}
