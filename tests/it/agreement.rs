//! One person, however written: a guardian's rows are per-child copies
//! that drift. What no clerk sees or means is never a lost guardian; real
//! differences still are.

use crate::common;

use common::{csv, found, validate};
use guardian_roster::{
    DryRunOptions, GuardianField, InMemoryRoster, RowStatus, StudentId, SyncMode, dry_run,
};

fn statuses(file: &guardian_roster::ValidatedFile) -> Vec<RowStatus> {
    file.rows().iter().map(|r| r.status).collect()
}

#[test]
fn names_with_combining_accents_are_the_precomposed_names() {
    // `Trần` typed as a + U+0302 + U+0300 (a Vietnamese keyboard), `José`
    // as e + U+0301 (a macOS export), beside the precomposed forms.
    let file = validate(csv(&[
        "001,G1,Jos\u{e9},Tr\u{1ea7}n,jose@example.com,,,",
        "002,G1,Jose\u{301},Tra\u{302}\u{300}n,jose@example.com,,,",
    ]));
    assert_eq!(found(&file), []);
    assert_eq!(statuses(&file), [RowStatus::Valid, RowStatus::Valid]);
    let jose = file.guardian("G1").expect("one guardian");
    assert_eq!(jose.first_name.as_str(), "Jos\u{e9}");
    assert_eq!(jose.last_name.as_str(), "Tr\u{1ea7}n");

    // Stored in NFC when the file has only the decomposed form.
    let file = validate(csv(&["001,G1,Jose\u{301},Ng,jose@example.com,,,"]));
    assert_eq!(
        file.guardian("G1").map(|g| g.first_name.as_str()),
        Some("Jos\u{e9}")
    );

    // A roster holding the decomposed form is not updated to the same name.
    let current = validate(csv(&["001,G1,Jose\u{301},Ng,jose@example.com,,,"]));
    let mut roster = InMemoryRoster::from_export([StudentId::from("001")], &current);
    let upload = validate(csv(&["001,G1,Jos\u{e9},Ng,jose@example.com,,,"]));
    let plan = dry_run(&upload, &mut roster, &DryRunOptions::default()).expect("in memory");
    assert!(plan.changes().is_empty(), "{:?}", plan.changes());
    assert_eq!(plan.summary().unchanged_guardians, 1);
}

#[test]
fn apostrophes_and_spaces_no_one_sees_are_a_warning_keeping_the_first_spelling() {
    let file = validate(csv(&[
        "001,G1,Mary Ann,O'Brien,mob@example.com,,,",
        "002,G1,Mary\u{a0}Ann,O\u{2019}Brien,mob@example.com,,,",
        "003,G1,MARY ANN,O\u{2019}BRIEN,mob@example.com,,,",
        "004,G2,Luis,D\u{ed}az,luis@example.com,,,",
        "005,G2,Luis,Diaz,luis@example.com,,,",
    ]));
    assert_eq!(
        found(&file),
        [
            ("name_variant", 3, Some("first_name")),
            ("name_variant", 3, Some("last_name")),
            // Capitals only: `name_case`; capitals and an apostrophe: variant.
            ("name_case", 4, Some("first_name")),
            ("name_variant", 4, Some("last_name")),
            // An accent is a spelling: still a conflict.
            ("conflicting_guardian", 5, None),
            ("conflicting_guardian", 6, None),
        ]
    );
    assert_eq!(
        file.diagnostics()[1].message(),
        "Line 3: the guardian's last name differs from line 2 only in apostrophes, spaces or hyphens (typographic or straight, no-break or plain); the spelling of line 2, O'Brien, is used: make the rows agree in the SIS"
    );
    let mary = file.guardian("G1").expect("G1 kept");
    assert_eq!(
        (mary.first_name.as_str(), mary.last_name.as_str()),
        ("Mary Ann", "O'Brien")
    );
    assert_eq!(
        statuses(&file),
        [
            RowStatus::Valid,
            RowStatus::Repaired,
            RowStatus::Repaired,
            RowStatus::Rejected,
            RowStatus::Rejected
        ]
    );
}

#[test]
fn emails_are_one_key_in_nfc_and_lowercase() {
    let file = validate(csv(&[
        "001,G1,Ana,Ruiz,Jos\u{e9}@Example.com,,,",
        "002,G1,Ana,Ruiz,jose\u{301}@example.com,,,",
        "003,G2,Bo,Ruiz,JOSE\u{301}@EXAMPLE.COM,,,",
    ]));
    // One guardian, no conflict; the second guardian shares the login.
    assert_eq!(
        found(&file),
        [
            ("shared_email", 2, Some("email")),
            ("shared_email", 4, Some("email"))
        ]
    );
    let key = |id: &str| {
        file.guardian(id)
            .and_then(|g| g.email.as_ref())
            .map(|e| e.key().to_owned())
    };
    assert_eq!(key("G1").as_deref(), Some("jos\u{e9}@example.com"));
    assert_eq!(key("G1"), key("G2"));
}

#[test]
fn an_optional_field_that_differs_never_costs_the_guardian() {
    let file = validate(csv(&[
        "001,G1,Ana,Ruiz,ana@example.com,,312 555 0101,es",
        "002,G1,Ana,Ruiz,ana@example.com,,312 555 0199,fr",
        "003,G2,Bo,Li,bo@example.com,,,Klingonese",
        "004,G2,Bo,Li,bo@example.com,,,Vietnamese",
    ]));
    assert_eq!(
        found(&file),
        [
            ("optional_field_differs", 3, Some("home_phone")),
            ("optional_field_differs", 3, Some("language")),
            ("unknown_language", 4, Some("language")),
            ("rows_completed", 4, Some("language")),
        ]
    );
    assert_eq!(
        file.diagnostics()[1].message(),
        "Line 3: the guardian's language differs from line 2's; the value of line 2 is kept for the guardian (an optional field never costs a guardian): make the rows agree in the SIS"
    );
    let ana = file.guardian("G1").expect("kept");
    assert_eq!(ana.language.as_ref().map(|l| l.as_str()), Some("es"));
    assert_eq!(
        ana.home_phone.as_ref().map(|p| p.e164()),
        Some("+13125550101")
    );
    // The first recognised language is kept.
    let bo = file.guardian("G2").expect("kept");
    assert_eq!(bo.language.as_ref().map(|l| l.as_str()), Some("vi"));
    assert_eq!(file.summary().rejected, 0);
    assert_eq!(file.links().len(), 4);
}

#[test]
fn contacts_written_on_the_first_row_only_complete_the_other_rows() {
    // PowerSchool's data export manager: the contacts on the guardian's
    // first row, empty on the rows for the other children.
    let file = validate(csv(&[
        "001,G1,Ana,Ruiz,ana@example.com,312 555 0101,,es",
        "002,G1,Ana,Ruiz,,,,",
        "003,G1,Ana,Ruiz,,,,",
        "004,G2,Bo,Li,,,,",
        "005,G2,Bo,Li,bo@example.com,,,",
        "006,G3,Cy,Ng,,,,",
        "007,G3,Cy,Ng,,,,",
    ]));
    assert_eq!(
        found(&file),
        [
            ("rows_completed", 3, None),
            ("rows_completed", 5, Some("email")),
            ("no_contact", 7, None),
            ("no_contact", 8, None),
        ]
    );
    assert_eq!(
        file.diagnostics()[0].message(),
        "Line 3: guardian G1 has no email, mobile phone and language on lines 3 and 4 but has on line 2; those rows were completed from line 2 (SIS exports often write a guardian's contacts on their first row only): check it is right for every child"
    );
    assert_eq!(
        statuses(&file),
        [
            RowStatus::Valid,
            RowStatus::Repaired,
            RowStatus::Repaired,
            RowStatus::Repaired,
            RowStatus::Valid,
            RowStatus::Rejected,
            RowStatus::Rejected
        ]
    );
    let s = file.summary();
    assert_eq!((s.rows, s.valid, s.repaired, s.rejected), (7, 2, 3, 2));
    assert_eq!(file.links().len(), 5);
    let ana = file.guardian("G1").expect("kept");
    assert_eq!(
        ana.email.as_ref().map(|e| e.as_str()),
        Some("ana@example.com")
    );
    let bo = file.guardian("G2").expect("completed from a later row");
    assert_eq!(
        bo.email.as_ref().map(|e| e.as_str()),
        Some("bo@example.com")
    );
    assert!(file.guardian("G3").is_none());
    let rejected: Vec<u64> = file.rejected_rows().iter().map(|r| r.line).collect();
    assert_eq!(rejected, [7, 8]);

    // Two different logins are still a conflict.
    let file = validate(csv(&[
        "001,G1,Ana,Ruiz,ana@example.com,,,",
        "002,G1,Ana,Ruiz,,,,",
        "003,G1,Ana,Ruiz,ana.ruiz@example.com,,,",
    ]));
    let codes: Vec<&str> = file.diagnostics().iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "conflicting_guardian",
            "conflicting_guardian",
            "conflicting_guardian"
        ]
    );
    assert_eq!(file.summary().rejected, 3);
}

#[test]
fn completed_rows_plan_as_one_guardian_and_rerun_to_no_change() {
    let mut roster =
        InMemoryRoster::from_export(["001", "002"].map(StudentId::from), &validate(csv(&[])));
    let file = validate(csv(&[
        "001,G1,Ana,Ruiz,ana@example.com,312 555 0101,,",
        "002,G1,Ana,Ruiz,,,,",
    ]));
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full);
    let plan = dry_run(&file, &mut roster, &options).expect("in memory");
    assert_eq!(plan.summary().create_guardian, 1);
    assert_eq!(plan.summary().link, 2);
    guardian_roster::apply(&plan, &mut roster, &guardian_roster::ApplyOptions::new())
        .expect("in memory");
    let again = dry_run(&file, &mut roster, &options).expect("in memory");
    assert!(again.changes().is_empty());
    let g1 = roster.guardian("G1").expect("created");
    assert_eq!(
        g1.field(GuardianField::MobilePhone).as_deref(),
        Some("+13125550101")
    );
}

#[test]
fn a_code_and_a_name_for_one_language_are_one_language() {
    let file = validate(csv(&[
        "001,G1,Ana,Ruiz,ana@example.com,,,arb",
        "002,G1,Ana,Ruiz,ana@example.com,,,Arabic",
        "003,G2,Bo,Li,bo@example.com,,,cmn",
        "004,G2,Bo,Li,bo@example.com,,,Chinese",
        "005,G3,Cy,Ng,cy@example.com,,,SP",
    ]));
    assert_eq!(
        common::suggested(&file),
        [("unknown_language", 6, Some("Spanish"))]
    );
    let language = |id: &str| {
        file.guardian(id)
            .and_then(|g| g.language.as_ref())
            .map(|l| l.as_str().to_owned())
    };
    assert_eq!(language("G1").as_deref(), Some("ar"));
    assert_eq!(language("G2").as_deref(), Some("zh"));
    // A house code is never a silent guess.
    assert_eq!(language("G3"), None);
}

#[test]
fn a_row_repeated_with_drift_is_not_a_duplicate() {
    let file = validate(csv(&[
        "001,G1,Ana,Ruiz,ana@example.com,,,",
        "001,G1,ANA,Ruiz,ana@example.com,,,",
        "001,G1,Ana,Ruiz,ana@example.com,,,",
    ]));
    assert_eq!(
        found(&file),
        [
            ("name_case", 3, Some("first_name")),
            ("duplicate_row", 4, None)
        ]
    );
    assert_eq!(file.links().len(), 1);
}

#[test]
fn a_value_taken_from_a_later_row_takes_only_that_field() {
    let file = validate(csv(&[
        "001,G1,Ana,Ruiz,ana@example.com,,312 555 0101,es",
        "002,G1,Ana,Ruiz,ana@example.com,312 555 0177,312 555 0199,fr",
    ]));
    let ana = file.guardian("G1").expect("kept");
    assert_eq!(
        ana.mobile_phone.as_ref().map(|p| p.e164()),
        Some("+13125550177")
    );
    assert_eq!(
        ana.home_phone.as_ref().map(|p| p.e164()),
        Some("+13125550101")
    );
    assert_eq!(ana.language.as_ref().map(|l| l.as_str()), Some("es"));
    assert_eq!(
        found(&file),
        [
            ("rows_completed", 2, Some("mobile_phone")),
            ("optional_field_differs", 3, Some("home_phone")),
            ("optional_field_differs", 3, Some("language")),
        ]
    );
}
