//! The dry run: every action and code, with exact IDs.

use crate::common;

use std::cell::RefCell;

use common::csv;
use guardian_roster::{
    Change, Code, DryRunOptions, ErrorKind, Guardian, GuardianField, GuardianId, InMemoryRoster,
    Roster, StudentId, SyncMode, dry_run,
};

fn roster(students: &[&str], current: &[&str]) -> InMemoryRoster {
    let current = common::validate(csv(current));
    assert!(!current.has_errors(), "{:?}", current.diagnostics());
    InMemoryRoster::from_export(students.iter().map(|s| StudentId::from(*s)), &current)
}

fn actions(plan: &guardian_roster::Plan) -> Vec<(&'static str, String, Option<String>)> {
    plan.changes()
        .iter()
        .map(|c| {
            (
                c.action(),
                c.guardian_id().to_string(),
                c.student_id().map(|s| s.to_string()),
            )
        })
        .collect()
}

fn codes(plan: &guardian_roster::Plan) -> Vec<(&'static str, u64)> {
    plan.diagnostics()
        .iter()
        .map(|d| (d.code.as_str(), d.line))
        .collect()
}

const STUDENTS: &[&str] = &["000125", "000126", "000127", "000199"];

#[test]
fn creates_updates_links_in_a_stable_order() {
    let mut roster = roster(
        STUDENTS,
        &[
            "000125,G2,Maria,Diaz,maria@old.example.com,312 555 0142,,en",
            "000125,G1,José,Diaz,jose@example.com,,,es",
        ],
    );
    let file = common::validate(csv(&[
        "000126,G3,Ana,Ruiz,ana@example.com,,,",
        "000125,G2,Maria,Diaz,MARIA@example.com,(312) 555-0142,,es",
        "000126,G2,Maria,Diaz,maria@example.com,312.555.0142,,Spanish",
        "000125,G1,José,Diaz,JOSE@example.com,,,spa",
    ]));
    let plan = dry_run(&file, &mut roster, &DryRunOptions::default()).expect("in memory");
    assert_eq!(
        actions(&plan),
        [
            ("create_guardian", "G3".into(), None),
            ("update_guardian", "G2".into(), None),
            ("link", "G2".into(), Some("000126".into())),
            ("link", "G3".into(), Some("000126".into())),
        ]
    );
    // Formatting and case are never changes; only email and language are.
    let Change::UpdateGuardian { fields, .. } = &plan.changes()[1] else {
        panic!("an update");
    };
    let changed: Vec<(GuardianField, Option<&str>, Option<&str>)> = fields
        .iter()
        .map(|(f, c)| (f, c.old.as_deref(), c.new.as_deref()))
        .collect();
    assert_eq!(
        changed,
        [
            (
                GuardianField::Email,
                Some("maria@old.example.com"),
                Some("MARIA@example.com")
            ),
            (GuardianField::Language, Some("en"), Some("es")),
        ]
    );
    let s = plan.summary();
    assert_eq!(
        (
            s.create_guardian,
            s.update_guardian,
            s.link,
            s.unlink,
            s.unchanged_guardians,
            s.unchanged_links
        ),
        (1, 1, 2, 0, 1, 2)
    );
    assert!(plan.diagnostics().is_empty());
}

#[test]
fn unknown_student_suggests_the_zero_padded_id_and_never_links() {
    let mut roster = roster(STUDENTS, &[]);
    let file = common::validate(csv(&[
        "125,G1,Ana,Ruiz,ana@example.com,,,",
        "0000127,G1,Ana,Ruiz,ana@example.com,,,",
        "555,G2,Bo,Li,bo@example.com,,,",
    ]));
    let plan = dry_run(&file, &mut roster, &DryRunOptions::default()).expect("in memory");
    assert_eq!(
        codes(&plan),
        [
            ("unknown_student", 2),
            ("unknown_student", 3),
            ("unknown_student", 4)
        ]
    );
    let suggestions: Vec<Option<&str>> = plan
        .diagnostics()
        .iter()
        .map(|d| d.suggestion.as_deref())
        .collect();
    assert_eq!(suggestions, [Some("000125"), Some("000127"), None]);
    assert!(
        plan.diagnostics()[0]
            .message()
            .contains("did you mean 000125?")
    );
    // A guardian none of whose links can be made is not created.
    assert!(plan.changes().is_empty());
    assert_eq!(plan.summary().rows_skipped, 3);
}

#[test]
fn a_contact_owned_by_another_guardian_blocks_the_login() {
    let mut roster = roster(
        STUDENTS,
        &[
            "000125,G1,Ana,Ruiz,ana@example.com,312 555 0142,,",
            "000199,G9,Kim,Lee,family@example.com,,,",
            "000199,G8,Jo,Lee,family@example.com,,,",
        ],
    );
    let file = common::validate(csv(&[
        "000126,G2,Bo,Ruiz,Ana@Example.com,,,",
        "000127,G3,Cy,Ruiz,cy@example.com,(312) 555-0142,,",
        // G9 keeps the family email it already shares with G8: no collision.
        "000199,G9,Kim,Lee,family@example.com,,,",
    ]));
    let plan = dry_run(&file, &mut roster, &DryRunOptions::default()).expect("in memory");
    assert_eq!(codes(&plan), [("email_in_use", 2), ("mobile_in_use", 3)]);
    assert_eq!(
        plan.diagnostics()[0].code.severity(),
        guardian_roster::Severity::Error
    );
    assert!(plan.diagnostics()[0].message().contains("guardian G1"));
    assert!(plan.changes().is_empty());
    assert_eq!(plan.summary().unchanged_links, 1);
}

#[test]
fn a_contact_many_roster_guardians_share_is_one_diagnostic_per_row() {
    let current: Vec<String> = (0..500)
        .map(|n| format!("000125,R{n:03},Ann,Lee,,312-555-0100,,"))
        .collect();
    let current: Vec<&str> = current.iter().map(String::as_str).collect();
    let mut roster = roster(STUDENTS, &current);
    let file = common::validate(csv(&[
        "000126,G2,Bo,Ruiz,,312-555-0100,,",
        "000127,G2,Bo,Ruiz,,312-555-0100,,",
    ]));
    let plan = dry_run(&file, &mut roster, &DryRunOptions::default()).expect("in memory");
    assert_eq!(codes(&plan), [("mobile_in_use", 2), ("mobile_in_use", 3)]);
    assert_eq!(
        plan.diagnostics()[0].message(),
        "Line 2: the mobile phone +13125550100 already belongs to guardians R000, R001, R002, R003, R004, R005, R006, R007, R008 and R009 (and 490 more) in the roster, so guardian G2 cannot use it to log in; this row was not applied: give guardian G2 their own mobile phone"
    );
    assert_eq!(plan.summary().rows_skipped, 2);
}

#[test]
fn a_guardian_id_that_lost_its_leading_zeros_is_named() {
    let mut roster = roster(
        STUDENTS,
        &[
            "000125,0042,Ana,Ruiz,ana@example.com,,,",
            "000199,77,Kim,Lee,kim@example.com,,,",
        ],
    );
    let file = common::validate(csv(&[
        // Zeros stripped by a spreadsheet: the roster has 0042.
        "000126,G9,Bo,Li,bo@example.com,,,",
        "000125,42,Ana,Ruiz,ana.ruiz@example.com,,,",
        "000126,42,Ana,Ruiz,ana.ruiz@example.com,,,",
        // Zeros added: the roster has 77.
        "000199,0077,Kim,Lee,kim.lee@example.com,,,",
    ]));
    let plan = dry_run(&file, &mut roster, &DryRunOptions::default()).expect("in memory");
    assert_eq!(
        codes(&plan),
        [
            ("similar_guardian", 3),
            ("similar_guardian", 4),
            ("similar_guardian", 5)
        ]
    );
    let error = &plan.diagnostics()[0];
    assert_eq!(error.code.severity(), guardian_roster::Severity::Error);
    assert_eq!(error.suggestion.as_deref(), Some("0042"));
    assert_eq!(error.value.as_deref(), Some("42"));
    assert_eq!(
        error.message(),
        "Line 3: guardian 42 is not in the roster, but guardian 0042 is, differing only in leading zeros, which a spreadsheet may have removed or added; this is probably the same person, so this row was not applied (it would make them a second account): fix the ID in the file to the roster's (format the column as text before exporting)"
    );
    assert_eq!(plan.diagnostics()[2].suggestion.as_deref(), Some("77"));
    // Never a second account: only G9 is created.
    assert_eq!(
        actions(&plan),
        [
            ("create_guardian", "G9".into(), None),
            ("link", "G9".into(), Some("000126".into()))
        ]
    );
    assert_eq!(plan.summary().rows_skipped, 3);

    // A row whose ID lost its zeros beside rows that kept them is still the
    // roster's guardian: never a second account.
    let file = common::validate(csv(&[
        "000125,0042,Ana,Ruiz,ana@example.com,,,",
        "000126,42,Ana,Ruiz,ana@example.com,,,",
    ]));
    let plan = dry_run(&file, &mut roster, &DryRunOptions::default()).expect("in memory");
    assert_eq!(codes(&plan), [("similar_guardian", 3), ("email_in_use", 3)]);
    assert_eq!(plan.diagnostics()[1].suggestion.as_deref(), Some("0042"));
    assert_eq!(plan.summary().create_guardian, 0);
}

const CURRENT: &[&str] = &[
    "000125,G1,Ana,Ruiz,ana@example.com,,,",
    "000126,G1,Ana,Ruiz,ana@example.com,,,",
    "000127,G2,Bo,Li,bo@example.com,,,",
    "000199,G3,Cy,Ng,cy@example.com,,,",
];

#[test]
fn additive_mode_never_unlinks() {
    let mut roster = roster(STUDENTS, CURRENT);
    let file = common::validate(csv(&["000125,G1,Ana,Ruiz,ana@example.com,,,"]));
    let plan = dry_run(&file, &mut roster, &DryRunOptions::default()).expect("in memory");
    assert!(plan.changes().is_empty());
    assert!(plan.held_unlinks().is_empty());
}

#[test]
fn full_sync_unlinks_what_the_file_no_longer_has() {
    let mut roster = roster(STUDENTS, CURRENT);
    let file = common::validate(csv(&[
        "000125,G1,Ana,Ruiz,ana@example.com,,,",
        "000126,G1,Ana,Ruiz,ana@example.com,,,",
        "000127,G2,Bo,Li,bo@example.com,,,",
    ]));
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full).max_unlink_percent(25.0);
    let plan = dry_run(&file, &mut roster, &options).expect("in memory");
    assert_eq!(
        actions(&plan),
        [("unlink", "G3".into(), Some("000199".into()))]
    );
    assert_eq!(plan.summary().unlink, 1);
}

#[test]
fn the_deletion_threshold_holds_every_unlink() {
    let mut roster = roster(STUDENTS, CURRENT);
    let file = common::validate(csv(&["000125,G1,Ana,Ruiz,ana@example.com,,,"]));
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full);
    let plan = dry_run(&file, &mut roster, &options).expect("in memory");
    assert!(plan.changes().is_empty());
    assert_eq!(codes(&plan), [("deletion_threshold", 1)]);
    assert!(
        plan.diagnostics()[0].message()
            == "3 of the 4 links this file covers would be removed (75.0%; the links it covers are the roster's 4 in scope and the 0 this file adds), more than the 10% a sync may remove; no link was removed. If the file is complete and this is intended, raise the limit; otherwise check that the export holds every guardian"
    );
    let held: Vec<(&str, &str)> = plan
        .held_unlinks()
        .iter()
        .map(|(g, s)| (g.as_str(), s.as_str()))
        .collect();
    assert_eq!(held, [("G1", "000126"), ("G2", "000127"), ("G3", "000199")]);

    // The links this file adds are covered too.
    let adding = common::validate(csv(&[
        "000125,G1,Ana,Ruiz,ana@example.com,,,",
        "000126,G9,Ivy,Ruiz,ivy@example.com,,,",
    ]));
    let plan = dry_run(&adding, &mut roster, &options).expect("in memory");
    assert_eq!(
        plan.diagnostics()[0].message(),
        "3 of the 5 links this file covers would be removed (60.0%; the links it covers are the roster's 4 in scope and the 1 this file adds), more than the 10% a sync may remove; no link was removed. If the file is complete and this is intended, raise the limit; otherwise check that the export holds every guardian"
    );

    // An empty file must never wipe the roster.
    let empty = common::validate(csv(&[]));
    let plan = dry_run(
        &empty,
        &mut roster,
        options.clone().max_unlink_percent(99.0),
    )
    .expect("in memory");
    assert!(plan.changes().is_empty());
    assert_eq!(plan.summary().unlinks_held, 4);
}

#[test]
fn a_rejected_row_is_not_a_deletion() {
    let mut roster = roster(STUDENTS, CURRENT);
    let file = common::validate(csv(&[
        "000125,G1,Ana,Ruiz,ana@example.com,,,",
        "000126,G1,Ana,Ruiz,ana@example,,,", // rejected: invalid email
        "000127,G2,Bo,Li,,,,",               // rejected: no contact
        "000199,G3,Cy,Ng,cy@example.com,,,",
    ]));
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full).max_unlink_percent(100.0);
    let plan = dry_run(&file, &mut roster, &options).expect("in memory");
    assert!(plan.changes().is_empty(), "{:?}", plan.changes());
    assert_eq!(codes(&plan), [("unlink_held", 3), ("unlink_held", 4)]);
    assert_eq!(plan.summary().rows_left_out, 2);
    assert_eq!(plan.summary().unlinks_held, 2);

    // A rejected row whose IDs cannot be read holds every unlink.
    let file = common::validate(csv(&[
        "000125,G1,Ana,Ruiz,ana@example.com,,,",
        "1.2E+05,,Bo,Li,bo@example.com,,,",
    ]));
    let plan = dry_run(&file, &mut roster, &options).expect("in memory");
    assert!(plan.changes().is_empty());
    assert_eq!(codes(&plan), [("unlink_held", 3)]);
    assert_eq!(plan.summary().unlinks_held, 3);
    assert_eq!(plan.summary().unlinks_held_by_rows, 3);
    assert_eq!(plan.summary().unlinks_held_by_threshold, 0);
}

#[test]
fn applying_a_plan_then_rerunning_changes_nothing() {
    let mut roster = roster(STUDENTS, CURRENT);
    let file = common::validate(csv(&[
        "000125,G1,Ana,Ruiz,ana.ruiz@example.com,,,es",
        "000127,G4,Di,Wu,di@example.com,312 555 0100,,",
        "000199,G3,Cy,Ng,cy@example.com,,,",
    ]));
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full).max_unlink_percent(50.0);
    let plan = dry_run(&file, &mut roster, &options).expect("in memory");
    assert_eq!(
        actions(&plan),
        [
            ("create_guardian", "G4".into(), None),
            ("update_guardian", "G1".into(), None),
            ("link", "G4".into(), Some("000127".into())),
            ("unlink", "G1".into(), Some("000126".into())),
            ("unlink", "G2".into(), Some("000127".into())),
        ]
    );
    guardian_roster::apply(&plan, &mut roster, &guardian_roster::ApplyOptions::new())
        .expect("in memory");
    let again = dry_run(&file, &mut roster, &options).expect("in memory");
    assert!(again.changes().is_empty(), "{:?}", again.changes());
    assert_eq!(
        roster
            .guardian("G1")
            .and_then(|g| g.email.as_ref())
            .map(|e| e.as_str()),
        Some("ana.ruiz@example.com")
    );
}

/// A roster that counts its calls and can fail, as a database might.
struct CountingRoster {
    inner: InMemoryRoster,
    calls: RefCell<Vec<(&'static str, usize)>>,
    fail: bool,
}

#[derive(Debug, thiserror::Error)]
#[error("connection refused")]
struct Down;

impl CountingRoster {
    fn note(&self, method: &'static str, n: usize) -> Result<(), Down> {
        self.calls.borrow_mut().push((method, n));
        if self.fail { Err(Down) } else { Ok(()) }
    }
}

impl Roster for CountingRoster {
    type Error = Down;

    fn existing_students(&mut self, ids: &[StudentId]) -> Result<Vec<StudentId>, Down> {
        self.note("existing_students", ids.len())?;
        Ok(self.inner.existing_students(ids).unwrap_or_default())
    }
    fn guardians(&mut self, ids: &[GuardianId]) -> Result<Vec<Guardian>, Down> {
        self.note("guardians", ids.len())?;
        Ok(self.inner.guardians(ids).unwrap_or_default())
    }
    fn links_of(&mut self, ids: &[GuardianId]) -> Result<Vec<(GuardianId, StudentId)>, Down> {
        self.note("links_of", ids.len())?;
        Ok(self.inner.links_of(ids).unwrap_or_default())
    }
    fn email_owners(&mut self, emails: &[&str]) -> Result<Vec<(String, GuardianId)>, Down> {
        self.note("email_owners", emails.len())?;
        Ok(self.inner.email_owners(emails).unwrap_or_default())
    }
    fn mobile_owners(&mut self, mobiles: &[&str]) -> Result<Vec<(String, GuardianId)>, Down> {
        self.note("mobile_owners", mobiles.len())?;
        Ok(self.inner.mobile_owners(mobiles).unwrap_or_default())
    }
    fn links_in_scope(
        &mut self,
        scope: &guardian_roster::Scope,
    ) -> Result<Vec<(GuardianId, StudentId)>, Down> {
        self.note("links_in_scope", 0)?;
        Ok(self.inner.links_in_scope(scope).unwrap_or_default())
    }
}

#[test]
fn lookups_are_batched_not_per_row() {
    let rows: Vec<String> = (0..25)
        .map(|i| format!("{:06},G{i},Ana,Ruiz,a{i}@example.com,,,", i % 3 + 125))
        .collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let file = common::validate(csv(&rows));
    let mut counting = CountingRoster {
        inner: roster(STUDENTS, &[]),
        calls: RefCell::new(Vec::new()),
        fail: false,
    };
    let plan = dry_run(&file, &mut counting, DryRunOptions::new().batch_size(10)).expect("ok");
    assert_eq!(plan.summary().create_guardian, 25);
    let calls = counting.calls.borrow();
    let guardians: Vec<usize> = calls
        .iter()
        .filter(|(m, _)| *m == "guardians")
        .map(|(_, n)| *n)
        .collect();
    assert_eq!(guardians, [10, 10, 5]);
    let students: Vec<usize> = calls
        .iter()
        .filter(|(m, _)| *m == "existing_students")
        .map(|(_, n)| *n)
        .collect();
    assert_eq!(students, [3]);
    assert!(!calls.iter().any(|(m, _)| *m == "links_in_scope"));
}

#[test]
fn a_failing_roster_stops_the_dry_run_with_an_error() {
    let file = common::validate(csv(&["000125,G1,Ana,Ruiz,ana@example.com,,,"]));
    let mut failing = CountingRoster {
        inner: InMemoryRoster::new(),
        calls: RefCell::new(Vec::new()),
        fail: true,
    };
    let error = dry_run(&file, &mut failing, &DryRunOptions::default()).expect_err("roster down");
    assert!(matches!(error.kind(), ErrorKind::Roster(_)));
    assert_eq!(error.code(), Code::RosterUnavailable);
    // The cause is the source, not repeated in the message...
    assert_eq!(error.to_string(), "the current roster could not be read");
    assert_eq!(
        std::error::Error::source(&error).map(|e| e.to_string()),
        Some("connection refused".to_owned())
    );
    // ...and the diagnostic for a clerk says both.
    assert_eq!(
        error.to_diagnostic().message(),
        "the current roster could not be read: connection refused"
    );
    // No line of the file is at fault; its diagnostic sits on line 1.
    assert_eq!(error.line(), None);
    assert_eq!(error.to_diagnostic().line, 1);
}

#[test]
fn a_column_the_file_leaves_out_keeps_the_rosters_value() {
    let mut roster = roster(
        STUDENTS,
        &["000125,G1,Ana,Diaz,ana@old.example.com,312 555 0142,312 555 0100,es"],
    );
    // No home_phone and no language column: the file says nothing of them.
    let file = common::validate(
        "student_id,guardian_id,first_name,last_name,email,mobile_phone\n\
         000125,G1,Ana,Diaz,ana@example.com,312 555 0142\n",
    );
    assert!(!file.info().has_column(guardian_roster::Column::HomePhone));
    let plan = dry_run(&file, &mut roster, &DryRunOptions::default()).expect("in memory");
    let [
        Change::UpdateGuardian {
            fields, guardian, ..
        },
    ] = plan.changes()
    else {
        panic!("one update expected: {:?}", plan.changes());
    };
    assert_eq!(fields.keys().collect::<Vec<_>>(), [GuardianField::Email]);
    assert_eq!(
        guardian.home_phone.as_ref().map(|p| p.e164()),
        Some("+13125550100")
    );
    assert_eq!(guardian.language.as_ref().map(|l| l.as_str()), Some("es"));
    guardian_roster::apply(&plan, &mut roster, &guardian_roster::ApplyOptions::new())
        .expect("in memory");
    let after = roster.guardian("G1").expect("still there");
    assert_eq!(
        after.email.as_ref().map(|e| e.as_str()),
        Some("ana@example.com")
    );
    assert_eq!(
        after.home_phone.as_ref().map(|p| p.e164()),
        Some("+13125550100")
    );

    // With the columns present, an empty cell does clear the field.
    let file = common::validate(csv(&["000125,G1,Ana,Diaz,ana@example.com,312 555 0142,,"]));
    let plan = dry_run(&file, &mut roster, &DryRunOptions::default()).expect("in memory");
    let [Change::UpdateGuardian { fields, .. }] = plan.changes() else {
        panic!("one update expected: {:?}", plan.changes());
    };
    assert_eq!(
        fields.keys().collect::<Vec<_>>(),
        [GuardianField::HomePhone, GuardianField::Language]
    );
}
