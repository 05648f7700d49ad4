//! Start Processing: a plan applied later, to a roster that may have
//! changed since its dry run. Stale changes are never written.

use crate::common;

use common::csv;
use guardian_roster::{
    ApplyOptions, Change, DryRunOptions, Email, InMemoryRoster, Outcome, StudentId, SyncMode,
    apply, dry_run,
};

fn roster(current: &[&str]) -> InMemoryRoster {
    InMemoryRoster::from_export(
        ["001", "002", "003", "004"].map(StudentId::from),
        &common::validate(csv(current)),
    )
}

/// The guardian and reason of each change not written.
fn not_written(applied: &guardian_roster::Applied) -> Vec<(String, Option<&str>)> {
    outcomes(applied)
        .into_iter()
        .filter(|(_, _, reason)| reason.is_some())
        .map(|(_, id, reason)| (id, reason))
        .collect()
}

/// Each row of the results: line, result and reason.
fn result_rows(results: &guardian_roster::Results) -> Vec<(u64, &str, Option<&str>)> {
    results
        .rows
        .iter()
        .map(|r| (r.line, r.result.as_str(), r.reason.as_deref()))
        .collect()
}

fn outcomes(applied: &guardian_roster::Applied) -> Vec<(&'static str, String, Option<&str>)> {
    applied
        .outcomes()
        .iter()
        .map(|(change, outcome)| {
            let action = match change {
                Change::CreateGuardian { .. } => "create",
                Change::UpdateGuardian { .. } => "update",
                Change::Link { .. } => "link",
                Change::Unlink { .. } => "unlink",
            };
            let reason = match outcome {
                Outcome::Applied => None,
                Outcome::Stale { reason } => Some(reason.as_str()),
                Outcome::AlreadyApplied => Some("ALREADY_APPLIED"),
                other => panic!("nothing fails in memory: {other:?}"),
            };
            (action, change.guardian_id().to_string(), reason)
        })
        .collect()
}

const CURRENT: &[&str] = &[
    "001,G1,Ana,Ruiz,ana@old.example.com,,,",
    "002,G2,Bo,Li,bo@example.com,,,",
    "003,G3,Cy,Ng,cy@example.com,,,",
];

const UPLOAD: &[&str] = &[
    "001,G1,Ana,Ruiz,ana@example.com,,,",
    "002,G2,Bo,Li,bo@example.com,,,",
    "004,G2,Bo,Li,bo@example.com,,,",
    "004,G5,Ed,Po,ed@example.com,,,",
];

#[test]
fn a_plan_applied_at_once_is_applied_whole_and_reruns_to_nothing() {
    let mut now = roster(CURRENT);
    let file = common::validate(csv(UPLOAD));
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full).max_unlink_percent(100.0);
    let plan = dry_run(&file, &mut now, &options).expect("in memory");
    let applied = apply(&plan, &mut now, &ApplyOptions::new()).expect("in memory");
    assert_eq!(
        outcomes(&applied),
        [
            ("create", "G5".to_owned(), None),
            ("update", "G1".to_owned(), None),
            ("link", "G2".to_owned(), None),
            ("link", "G5".to_owned(), None),
            ("unlink", "G3".to_owned(), None),
        ]
    );
    assert_eq!((applied.applied(), applied.stale()), (5, 0));
    let again = dry_run(&file, &mut now, &options).expect("in memory");
    assert!(again.changes().is_empty(), "{:?}", again.changes());
}

#[test]
fn a_plan_applied_after_the_roster_changed_writes_nothing_stale() {
    let file = common::validate(csv(UPLOAD));
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full).max_unlink_percent(100.0);
    let mut now = roster(CURRENT);
    let plan = dry_run(&file, &mut now, &options).expect("in memory");
    // Between Dry Run and Start Processing, the application changed:
    // G1's email, G5 created, G2 linked to 004, G3 unlinked.
    let mut g1 = now.guardian("G1").expect("G1").clone();
    g1.email = Email::parse("ana.new@example.com").ok();
    now.add_guardian(g1);
    let mut g5 = now.guardian("G2").expect("G2").clone();
    g5.guardian_id = "G5".into();
    g5.email = Email::parse("ed@example.com").ok();
    now.add_guardian(g5);
    now.add_link("G2".into(), "004".into());
    let applied = apply(&plan, &mut now, ApplyOptions::new().batch_size(1)).expect("in memory");
    assert_eq!(
        outcomes(&applied),
        [
            (
                "create",
                "G5".to_owned(),
                Some("guardian G5 was created in the roster since the dry run")
            ),
            (
                "update",
                "G1".to_owned(),
                Some("guardian G1's email was changed in the roster since the dry run")
            ),
            (
                "link",
                "G2".to_owned(),
                // The roster holds it already: nothing left to do.
                Some("ALREADY_APPLIED")
            ),
            ("link", "G5".to_owned(), None),
            ("unlink", "G3".to_owned(), None),
        ]
    );
    assert_eq!(
        (
            applied.applied(),
            applied.stale(),
            applied.already_applied()
        ),
        (2, 2, 1)
    );
    // The stale update was not written: G1 keeps today's email.
    assert_eq!(
        now.guardian("G1")
            .and_then(|g| g.email.as_ref())
            .map(|e| e.as_str()),
        Some("ana.new@example.com")
    );

    // A link already removed, and an email given to another guardian.
    let mut other = roster(CURRENT);
    let plan = dry_run(&file, &mut other, &options).expect("in memory");
    let mut g3 = other.guardian("G3").expect("G3").clone();
    g3.email = Email::parse("ed@example.com").ok();
    other.add_guardian(g3);
    let links: Vec<_> = other
        .all_links()
        .map(|(g, s)| (g.clone(), s.clone()))
        .collect();
    let mut emptied = InMemoryRoster::from_export(
        ["001", "002", "003", "004"].map(StudentId::from),
        &common::validate(csv(&[])),
    );
    for guardian in other.all_guardians() {
        emptied.add_guardian(guardian.clone());
    }
    for (g, s) in links {
        if g.as_str() != "G3" {
            emptied.add_link(g, s);
        }
    }
    let applied = apply(&plan, &mut emptied, &ApplyOptions::new()).expect("in memory");
    let stale = not_written(&applied);
    assert_eq!(
        stale,
        [
            (
                "G5".to_owned(),
                Some("the email of guardian G5 was given to guardian G3 since the dry run")
            ),
            ("G5".to_owned(), Some("guardian G5 is not in the roster")),
            ("G3".to_owned(), Some("ALREADY_APPLIED")),
        ]
    );
    // The results file lists the link that was already gone as such.
    let report = guardian_roster::results(&file, &plan, &applied).expect("the plan\'s upload");
    let unlinks: Vec<(&str, &str, &str)> = report
        .unlinks
        .iter()
        .map(|u| (u.guardian_id.as_str(), u.student_id.as_str(), u.result))
        .collect();
    assert_eq!(unlinks, [("G3", "003", "ALREADY_APPLIED")]);
    assert_eq!(report.unlinked, 0);
    // G5's row has two stale changes: the row shows the first one's reason.
    let g5 = report
        .rows
        .iter()
        .find(|row| row.line == 5)
        .expect("G5's row");
    assert_eq!(
        (g5.result.as_str(), g5.reason.as_deref()),
        (
            "STALE",
            Some("the email of guardian G5 was given to guardian G3 since the dry run")
        )
    );
}

/// A guardian may take a contact the file moves away from another, but
/// only if that other's change applies: here it does not (its new mobile
/// is a third guardian's), so the taker is refused too, and applying then
/// running again changes nothing.
#[test]
fn a_contact_released_by_a_change_that_does_not_apply_is_not_taken() {
    let mut now = InMemoryRoster::from_export(
        [StudentId::from("001")],
        &common::validate(csv(&[
            "001,G4,Ana,Ruiz,a@example.com,312 555 0101,,es",
            "001,G1,Ana,Ruiz,a@example.com,(312) 555-0102,,es",
        ])),
    );
    let file = common::validate(csv(&[
        "001,G1,Ana,Ruiz,a@example.com,312 555 0101,,es",
        "001,G2,Ana,Ruiz,b@example.com,(312) 555-0102,,es",
    ]));
    let plan = dry_run(&file, &mut now, &DryRunOptions::default()).expect("in memory");
    let codes: Vec<(&str, u64)> = plan
        .diagnostics()
        .iter()
        .map(|d| (d.code.as_str(), d.line))
        .collect();
    assert_eq!(codes, [("mobile_in_use", 2), ("mobile_in_use", 3)]);
    assert_eq!(
        plan.diagnostics()[1].message(),
        "Line 3: the mobile phone +13125550102 belongs to guardian G1 in the roster; the file gives guardian G1 another mobile phone, but that change was not applied, so guardian G1 keeps it and guardian G2 cannot use it to log in; this row was not applied: fix guardian G1's rows first"
    );
    assert!(plan.changes().is_empty(), "{:?}", plan.changes());
    let applied = guardian_roster::apply(&plan, &mut now, &guardian_roster::ApplyOptions::new())
        .expect("in memory");
    assert_eq!(applied.outcomes().len(), 0);
    assert!(
        dry_run(&file, &mut now, &DryRunOptions::default())
            .expect("in memory")
            .changes()
            .is_empty()
    );
}

#[test]
fn the_results_say_what_happened_to_every_row_and_add_up() {
    let mut now = roster(CURRENT);
    let file = common::validate(csv(&[
        "001,G1,Ana,Ruiz,ana@example.com,,,", // update
        "002,G2,Bo,Li,bo@example.com,,,",     // unchanged
        "004,G2,Bo,Li,bo@example.com,,,",     // link
        "004,G5,Ed,Po,ed@example.com,,,",     // create
        "009,G6,Fay,Qi,fay@example.com,,,",   // unknown student: skipped
        "002,G7,Gil,Ra,gil@example,,,",       // invalid email: skipped
        "001,G8,Hal,Su,hal@example.com,,,",   // create, made stale below
    ]));
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full).max_unlink_percent(100.0);
    let plan = dry_run(&file, &mut now, &options).expect("in memory");
    // G8 appears in the roster before Start Processing.
    let mut g8 = now.guardian("G2").expect("G2").clone();
    g8.guardian_id = "G8".into();
    g8.email = Email::parse("hal@example.com").ok();
    now.add_guardian(g8);
    let applied = apply(&plan, &mut now, &ApplyOptions::new()).expect("in memory");
    let results = guardian_roster::results(&file, &plan, &applied).expect("the plan\'s upload");
    let rows = result_rows(&results);
    assert_eq!(
        rows,
        [
            (2, "UPDATED", None),
            (3, "UNCHANGED", None),
            (4, "LINKED", None),
            (5, "CREATED", None),
            (6, "SKIPPED", Some("unknown_student")),
            (7, "SKIPPED", Some("invalid_email; no_contact")),
            (
                8,
                "STALE",
                Some("guardian G8 was created in the roster since the dry run")
            ),
        ]
    );
    assert_eq!(results.rows.len() as u64, file.summary().rows);
    assert_eq!(results.counts.values().sum::<u64>(), file.summary().rows);
    assert_eq!(results.unlinked, 1);
    assert_eq!(results.unlinks[0].student_id.as_str(), "003");

    let mut out = Vec::new();
    results.write_csv(&mut out, b';').expect("written");
    let text = String::from_utf8(out).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    // A byte-order mark first, as in the errors file, for Excel.
    assert_eq!(
        lines[0],
        "\u{feff}\"line\";\"result\";\"reason\";\"guardian_id\";\"student_id\""
    );
    assert_eq!(
        lines[5],
        "\"6\";\"SKIPPED\";\"unknown_student\";\"G6\";\"009\""
    );
    assert_eq!(lines[8], "\"\";\"UNLINKED\";\"\";\"G3\";\"003\"");
    let json = serde_json::to_value(&results).expect("serialises");
    assert_eq!(json["counts"]["SKIPPED"], 2);
    assert_eq!(json["rows"][3]["result"], "CREATED");
}

#[test]
fn apply_options_batch_at_least_one() {
    assert_eq!(ApplyOptions::new(), ApplyOptions::default());
    assert_ne!(ApplyOptions::new().batch_size(7), &mut ApplyOptions::new());
    assert_eq!(
        ApplyOptions::new().batch_size(0),
        ApplyOptions::new().batch_size(1)
    );
}

#[test]
fn applying_reports_progress_and_can_be_cancelled() {
    let file = common::validate(csv(UPLOAD));
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full).max_unlink_percent(100.0);
    let mut now = roster(CURRENT);
    let plan = dry_run(&file, &mut now, &options).expect("in memory");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = std::sync::Arc::clone(&seen);
    apply(
        &plan,
        &mut now,
        ApplyOptions::new().control(
            guardian_roster::Control::new()
                .progress(move |p| log.lock().expect("not poisoned").push((p.phase, p.done))),
        ),
    )
    .expect("in memory");
    let phase = guardian_roster::Phase::Applying;
    assert_eq!(
        *seen.lock().expect("not poisoned"),
        [(phase, 0), (phase, 2), (phase, 5)]
    );

    let mut fresh = roster(CURRENT);
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let error = apply(
        &plan,
        &mut fresh,
        ApplyOptions::new().control(guardian_roster::Control::new().cancel_flag(flag)),
    )
    .expect_err("cancelled");
    assert!(matches!(
        error.kind(),
        guardian_roster::ErrorKind::Cancelled
    ));
    assert_eq!(error.line(), None);
    // Cancelled before anything was written.
    assert!(
        dry_run(&file, &mut fresh, &options)
            .expect("in memory")
            .changes()
            .len()
            == 5
    );
}

/// A writer that records which write each change went to: creates to
/// `create_guardians`, updates to `update_guardians`, in batches; it fails
/// the write numbered `fail_on` (from 0), writing none of it.
struct Recording {
    inner: InMemoryRoster,
    calls: Vec<(&'static str, usize)>,
    fail_on: Option<usize>,
}

impl Recording {
    fn new(inner: InMemoryRoster) -> Recording {
        Recording {
            inner,
            calls: Vec::new(),
            fail_on: None,
        }
    }

    fn call(&mut self, what: &'static str, items: usize) -> Result<(), std::io::Error> {
        self.calls.push((what, items));
        match self.fail_on == Some(self.calls.len() - 1) {
            true => Err(std::io::Error::other("disk full")),
            false => Ok(()),
        }
    }
}

/// An in-memory answer, as the writer's error type.
fn sure<T>(answer: Result<T, std::convert::Infallible>) -> Result<T, std::io::Error> {
    answer.map_err(|never| match never {})
}

impl guardian_roster::Roster for Recording {
    type Error = std::io::Error;

    fn existing_students(&mut self, ids: &[StudentId]) -> Result<Vec<StudentId>, Self::Error> {
        sure(self.inner.existing_students(ids))
    }

    fn guardians(
        &mut self,
        ids: &[guardian_roster::GuardianId],
    ) -> Result<Vec<guardian_roster::Guardian>, Self::Error> {
        sure(self.inner.guardians(ids))
    }

    fn links_of(
        &mut self,
        ids: &[guardian_roster::GuardianId],
    ) -> Result<Vec<(guardian_roster::GuardianId, StudentId)>, Self::Error> {
        sure(self.inner.links_of(ids))
    }

    fn email_owners(
        &mut self,
        emails: &[&str],
    ) -> Result<Vec<(String, guardian_roster::GuardianId)>, Self::Error> {
        sure(self.inner.email_owners(emails))
    }

    fn mobile_owners(
        &mut self,
        mobiles: &[&str],
    ) -> Result<Vec<(String, guardian_roster::GuardianId)>, Self::Error> {
        sure(self.inner.mobile_owners(mobiles))
    }

    fn links_in_scope(
        &mut self,
        scope: &guardian_roster::Scope,
    ) -> Result<Vec<(guardian_roster::GuardianId, StudentId)>, Self::Error> {
        sure(self.inner.links_in_scope(scope))
    }
}

impl guardian_roster::RosterWriter for Recording {
    fn create_guardians(
        &mut self,
        guardians: &[guardian_roster::Guardian],
    ) -> Result<(), Self::Error> {
        self.call("create", guardians.len())?;
        sure(self.inner.create_guardians(guardians))
    }

    fn update_guardians(
        &mut self,
        guardians: &[guardian_roster::Guardian],
    ) -> Result<(), Self::Error> {
        self.call("update", guardians.len())?;
        sure(self.inner.update_guardians(guardians))
    }

    fn add_links(
        &mut self,
        links: &[(guardian_roster::GuardianId, StudentId)],
    ) -> Result<(), Self::Error> {
        self.call("add links", links.len())?;
        sure(self.inner.add_links(links))
    }

    fn remove_links(
        &mut self,
        links: &[(guardian_roster::GuardianId, StudentId)],
    ) -> Result<(), Self::Error> {
        self.call("remove links", links.len())?;
        sure(self.inner.remove_links(links))
    }
}

#[test]
fn each_change_goes_to_its_own_write_in_batches() {
    use guardian_roster::Roster as _;
    let file = common::validate(csv(&[
        "001,G1,Ana,Ruiz,ana@example.com,,,",
        "004,G5,Ed,Po,ed@example.com,,,",
        "004,G6,Fay,Qi,fay@example.com,,,",
        "004,G7,Gil,Ra,gil@example.com,,,",
    ]));
    let mut writer = Recording::new(roster(CURRENT));
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full).max_unlink_percent(100.0);
    let plan = dry_run(&file, &mut writer, &options).expect("in memory");
    let applied = apply(&plan, &mut writer, ApplyOptions::new().batch_size(2)).expect("in memory");
    assert_eq!(applied.stale(), 0);
    assert_eq!(
        writer.calls,
        [
            ("create", 2),
            ("create", 1),
            ("update", 1),
            ("add links", 2),
            ("add links", 1),
            ("remove links", 2)
        ]
    );
    assert!(writer.existing_students(&["004".into()]).is_ok());
    assert!(
        dry_run(&file, &mut writer, &options)
            .expect("in memory")
            .changes()
            .is_empty()
    );
}

const FOUR_NEW: &[&str] = &[
    "001,G1,Ana,Ruiz,ana@example.com,,,",
    "004,G5,Ed,Po,ed@example.com,,,",
    "004,G6,Fay,Qi,fay@example.com,,,",
    "004,G7,Gil,Ra,gil@example.com,,,",
];

/// A roster that fails before anything is written gives the error and
/// writes nothing; one that fails part way gives every change its outcome:
/// what landed is applied, the rest failed with the roster's words, and
/// the results file says FAILED on those rows.
#[test]
fn a_roster_failing_part_way_leaves_every_change_an_outcome() {
    let file = common::validate(csv(FOUR_NEW));
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full).max_unlink_percent(100.0);
    let plan = dry_run(&file, &mut roster(CURRENT), &options).expect("in memory");
    let actions: Vec<&str> = plan.changes().iter().map(Change::action).collect();
    assert_eq!(
        actions,
        [
            "create_guardian",
            "create_guardian",
            "create_guardian",
            "update_guardian",
            "link",
            "link",
            "link",
            "unlink",
            "unlink"
        ]
    );

    let mut first = Recording::new(roster(CURRENT));
    first.fail_on = Some(0);
    let error = apply(&plan, &mut first, ApplyOptions::new().batch_size(2)).expect_err("fails");
    assert!(matches!(
        error.kind(),
        guardian_roster::ErrorKind::RosterWrite(_)
    ));
    assert_eq!(error.to_diagnostic().code.as_str(), "roster_unavailable");
    assert_eq!(first.calls, [("create", 2)]);
    assert_eq!(
        dry_run(&file, &mut first, &options)
            .expect("plans")
            .changes(),
        plan.changes()
    );

    // Second write fails: G5 and G6 are created, nothing else lands.
    let mut second = Recording::new(roster(CURRENT));
    second.fail_on = Some(1);
    let applied = apply(&plan, &mut second, ApplyOptions::new().batch_size(2)).expect("partial");
    assert_eq!(second.calls, [("create", 2), ("create", 1)]);
    assert_eq!(
        (applied.applied(), applied.stale(), applied.failed()),
        (2, 0, 7)
    );
    let failed: Vec<(&str, &str)> = applied
        .outcomes()
        .iter()
        .map(|(change, outcome)| match outcome {
            Outcome::Failed { reason } => (change.guardian_id().as_str(), reason.as_str()),
            _ => (change.guardian_id().as_str(), "applied"),
        })
        .collect();
    let lost = "not written: the roster could not be written: disk full";
    assert_eq!(
        failed,
        [
            ("G5", "applied"),
            ("G6", "applied"),
            ("G7", lost),
            ("G1", lost),
            ("G5", lost),
            ("G6", lost),
            ("G7", lost),
            ("G2", lost),
            ("G3", lost)
        ]
    );
    let report = guardian_roster::results(&file, &plan, &applied).expect("the plan\'s upload");
    let rows: Vec<(u64, &str)> = report
        .rows
        .iter()
        .map(|row| (row.line, row.result.as_str()))
        .collect();
    assert_eq!(
        rows,
        [(2, "FAILED"), (3, "FAILED"), (4, "FAILED"), (5, "FAILED")]
    );
    assert_eq!(report.rows[3].reason.as_deref(), Some(lost));
    let unlinks: Vec<&str> = report.unlinks.iter().map(|u| u.result).collect();
    assert_eq!(unlinks, ["FAILED", "FAILED"]);
    // What is left to do is exactly what did not land.
    let left = dry_run(&file, &mut second, &options).expect("plans");
    assert_eq!(left.summary().create_guardian, 1);
    assert_eq!(left.summary().link, 3);
    assert_eq!(left.summary().unlink, 2);
}

/// A guardian the plan updates who was removed from the roster since the
/// dry run is not written back: the update is stale.
#[test]
fn an_update_of_a_guardian_removed_since_is_stale() {
    let file = common::validate(csv(UPLOAD));
    let plan = dry_run(&file, &mut roster(CURRENT), &DryRunOptions::new()).expect("in memory");
    assert_eq!(plan.summary().update_guardian, 1);
    // G1 (the update) was deleted from the application since.
    let mut now = roster(&CURRENT[1..]);
    let applied = apply(&plan, &mut now, &ApplyOptions::new()).expect("in memory");
    let stale: Vec<(&str, String, Option<&str>)> = outcomes(&applied)
        .into_iter()
        .filter(|(action, _, _)| *action == "update")
        .collect();
    assert_eq!(
        stale,
        [(
            "update",
            "G1".to_owned(),
            Some("guardian G1 is no longer in the roster")
        )]
    );
    assert!(now.guardian("G1").is_none(), "not written back");
}

/// An update's new email or mobile given to another guardian since the dry
/// run is stale; an email or mobile the update keeps is not checked again,
/// even when a family shares it with a guardian outside the plan.
#[test]
fn only_the_contacts_an_update_brings_are_checked_again() {
    let current = [
        "001,G1,Ana,Ruiz,ana@example.com,312 555 0101,,",
        "002,G2,Bo,Li,bo@example.com,312 555 0102,,",
        "003,G3,Cy,Ng,ana@example.com,312 555 0101,,",
    ];
    // G1 keeps its email and mobile (shared with G3) and gains a home
    // phone; G2 takes a new email and a new mobile.
    let upload = [
        "001,G1,Ana,Ruiz,ana@example.com,312 555 0101,312 555 0199,",
        "002,G2,Bo,Li,bo.new@example.com,312 555 0112,,",
    ];
    let file = common::validate(csv(&upload));
    let plan = dry_run(&file, &mut roster(&current), &DryRunOptions::new()).expect("in memory");
    assert_eq!(plan.summary().update_guardian, 2);

    // Unchanged since: both apply, G1's shared contacts are no obstacle.
    let mut now = roster(&current);
    let applied = apply(&plan, &mut now, &ApplyOptions::new()).expect("in memory");
    assert_eq!((applied.applied(), applied.stale()), (2, 0));

    // Since the dry run, G3 took G2's new email; then its new mobile.
    for (taken, field) in [
        ("003,G3,Cy,Ng,bo.new@example.com,312 555 0101,,", "email"),
        ("003,G3,Cy,Ng,ana@example.com,312 555 0112,,", "mobile"),
    ] {
        let mut now = roster(&[current[0], current[1], taken]);
        let applied = apply(&plan, &mut now, &ApplyOptions::new()).expect("in memory");
        let stale = not_written(&applied);
        let reason =
            format!("the {field} of guardian G2 was given to guardian G3 since the dry run");
        assert_eq!(stale, [("G2".to_owned(), Some(reason.as_str()))]);
    }
}

/// Two guardians of the plan may trade contacts: G1 takes the email G2
/// gives up in the same plan, and both apply.
#[test]
fn guardians_of_one_plan_may_trade_contacts() {
    let current = [
        "001,G1,Ana,Ruiz,ana@example.com,,,",
        "002,G2,Bo,Li,family@example.com,,,",
    ];
    let upload = [
        "001,G1,Ana,Ruiz,family@example.com,,,",
        "002,G2,Bo,Li,bo@example.com,,,",
    ];
    let file = common::validate(csv(&upload));
    let plan = dry_run(&file, &mut roster(&current), &DryRunOptions::new()).expect("in memory");
    assert_eq!(
        plan.summary().update_guardian,
        2,
        "{:?}",
        plan.diagnostics()
    );
    let mut now = roster(&current);
    let applied = apply(&plan, &mut now, &ApplyOptions::new()).expect("in memory");
    assert_eq!((applied.applied(), applied.stale()), (2, 0));
    assert_eq!(
        now.guardian("G1")
            .and_then(|g| g.email.as_ref())
            .map(|e| e.as_str()),
        Some("family@example.com")
    );
}

/// A file read with `validate_with` keeps no diagnostics: its rejected
/// rows are still SKIPPED in the results, never UNCHANGED.
#[test]
fn the_results_of_a_streamed_file_skip_its_rejected_rows() {
    let data = csv(&[
        "001,G1,Ana,Ruiz,ana@example.com,,,",
        "003,G7,Gil,Ra,gil@example,,,",
        "009,G6,Fay,Qi,fay@example.com,,,",
    ]);
    let file = guardian_roster::Reader::from_reader(data.as_bytes())
        .and_then(|r| r.validate_with(|_| {}))
        .expect("reads");
    assert!(file.diagnostics().is_empty());
    let mut now = roster(CURRENT);
    let plan = dry_run(&file, &mut now, &DryRunOptions::new()).expect("in memory");
    let applied = apply(&plan, &mut now, &ApplyOptions::new()).expect("in memory");
    let results = guardian_roster::results(&file, &plan, &applied).expect("the plan\'s upload");
    let rows = result_rows(&results);
    assert_eq!(
        rows,
        [
            (2, "UPDATED", None),
            (3, "SKIPPED", Some("rejected by validation")),
            (4, "SKIPPED", Some("unknown_student")),
        ]
    );
}

/// The stored form of a plan, as an application keeps it for approval.
fn stored(plan: &guardian_roster::Plan) -> String {
    serde_json::to_string(plan).expect("a plan serialises")
}

fn read_back(json: &str) -> Result<guardian_roster::Plan, serde_json::Error> {
    serde_json::from_str(json)
}

/// Every guardian and link of a roster, to compare before and after.
fn snapshot(roster: &InMemoryRoster) -> (Vec<guardian_roster::Guardian>, Vec<(String, String)>) {
    (
        roster.all_guardians().cloned().collect(),
        roster
            .all_links()
            .map(|(g, s)| (g.to_string(), s.to_string()))
            .collect(),
    )
}

#[test]
fn a_plan_edited_after_the_dry_run_writes_nothing() {
    use guardian_roster::{ErrorKind, start_processing};
    let file = common::validate(csv(UPLOAD));
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full).max_unlink_percent(100.0);
    let mut now = roster(CURRENT);
    let approved = stored(&dry_run(&file, &mut now, &options).expect("in memory"));
    let before = snapshot(&now);
    let edits = [
        // Another email on the guardian to create.
        approved.replace("ed@example.com", "eve@evil.example.com"),
        // The link moved to another family's student.
        approved.replacen("\"student_id\":\"004\"", "\"student_id\":\"001\"", 1),
        // An unlink injected.
        approved.replacen(
            "\"changes\":[",
            "\"changes\":[{\"action\":\"unlink\",\"guardian_id\":\"G2\",\"student_id\":\"002\"},",
            1,
        ),
        // The mode changed after approval.
        approved.replace("\"mode\":\"full\"", "\"mode\":\"additive\""),
    ];
    for (at, edited) in edits.iter().enumerate() {
        assert_ne!(edited, &approved, "edit {at} changed nothing");
        let plan = read_back(edited).expect("an edited plan still reads");
        let refused = start_processing(&file, &plan, &mut now, &ApplyOptions::new())
            .expect_err("an edited plan is refused");
        assert!(
            matches!(refused.kind(), ErrorKind::PlanNotApproved { .. }),
            "edit {at}: {refused}"
        );
        assert_eq!(refused.code().as_str(), "plan_not_approved");
        assert_eq!(snapshot(&now), before, "edit {at} wrote something");
    }
    assert!(
        start_processing(&file, &read_back(&edits[0]).expect("reads"), &mut now, &ApplyOptions::new())
            .map_err(|e| e.to_string())
            .expect_err("refused")
            .starts_with("Start Processing refused the plan: the plan was edited after the dry run (change 1 is not what the dry run of this upload plans")
    );

    // A value no rule accepts, a field list that does not match its
    // record, and a change whose ID is not its record's do not even read
    // back.
    let invalid = approved.replace("ed@example.com", "not an email");
    let error = read_back(&invalid).expect_err("an email no rule accepts");
    assert!(
        error
            .to_string()
            .contains("gives guardian G5 a value no rule accepts as their email"),
        "{error}"
    );
    let invalid = approved.replace("\"ana@example.com\"", "\"hello\"");
    assert_ne!(invalid, approved);
    let error = read_back(&invalid).expect_err("an update's email no rule accepts");
    assert!(error.to_string().contains("no rule accepts"), "{error}");
    let update_at = approved
        .find("\"action\":\"update_guardian\"")
        .expect("an update");
    let mismatched = format!(
        "{}{}",
        &approved[..update_at],
        approved[update_at..].replacen("\"guardian_id\":\"G1\"", "\"guardian_id\":\"G2\"", 1)
    );
    let error = read_back(&mismatched).expect_err("an ID that is not its record's");
    assert!(
        error
            .to_string()
            .contains("is for guardian G2 but its record is guardian G1"),
        "{error}"
    );
    let fields = approved.replacen(
        "\"new\":\"ana@example.com\"",
        "\"new\":\"eve@example.com\"",
        1,
    );
    assert_ne!(fields, approved);
    let error = read_back(&fields).expect_err("a field list that is not its record's");
    assert!(
        error.to_string().contains("another value than its record"),
        "{error}"
    );

    // The plan as approved applies, and a second time finds nothing to do.
    let plan = read_back(&approved).expect("reads");
    let applied = start_processing(&file, &plan, &mut now, &ApplyOptions::new()).expect("applies");
    assert_eq!(applied.applied(), 5);
    let after = snapshot(&now);
    let again =
        start_processing(&file, &plan, &mut now, &ApplyOptions::new()).expect("nothing left");
    assert_eq!(
        (again.applied(), again.stale(), again.already_applied()),
        (0, 0, 5)
    );
    assert_eq!(snapshot(&now), after);
    let results = guardian_roster::results(&file, &plan, &again).expect("the plan\'s upload");
    assert!(
        results
            .rows
            .iter()
            .all(|r| matches!(r.result.as_str(), "ALREADY_APPLIED" | "UNCHANGED")),
        "{:?}",
        results.rows
    );
}

#[test]
fn an_old_plan_replayed_removes_nothing() {
    use guardian_roster::start_processing;
    let file = common::validate(csv(UPLOAD));
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full).max_unlink_percent(100.0);
    let mut now = roster(CURRENT);
    // Last week's full sync, approved and applied: G3's link removed.
    let last_week = dry_run(&file, &mut now, &options).expect("in memory");
    start_processing(&file, &last_week, &mut now, &ApplyOptions::new()).expect("applied");
    // The office links G3 again; last week's plan is replayed.
    now.add_link("G3".into(), "003".into());
    let refused = start_processing(&file, &last_week, &mut now, &ApplyOptions::new())
        .expect_err("the roster moved on");
    assert!(
        refused
            .to_string()
            .contains("the roster has changed since the dry run"),
        "{refused}"
    );
    assert!(
        now.all_links()
            .any(|(g, s)| g.as_str() == "G3" && s.as_str() == "003")
    );
}

#[test]
fn an_edit_of_another_field_since_the_dry_run_is_never_undone() {
    use guardian_roster::{Name, start_processing};
    let file = common::validate(csv(UPLOAD));
    let mut now = roster(CURRENT);
    let plan = dry_run(&file, &mut now, &DryRunOptions::new()).expect("in memory");
    // The office corrects G1's last name after the dry run (which updates
    // G1's email only).
    let mut g1 = now.guardian("G1").expect("G1").clone();
    g1.last_name = Name::from("Ruiz-Soto");
    now.add_guardian(g1);
    // Start Processing refuses the plan whole...
    assert!(start_processing(&file, &plan, &mut now, &ApplyOptions::new()).is_err());
    // ...and the plan applied directly does not write the update.
    let applied = apply(&plan, &mut now, &ApplyOptions::new()).expect("in memory");
    assert_eq!(
        not_written(&applied),
        [(
            "G1".to_owned(),
            Some("guardian G1's last name was changed in the roster since the dry run")
        )]
    );
    assert_eq!(
        now.guardian("G1").map(|g| g.last_name.as_str()),
        Some("Ruiz-Soto")
    );
}

#[test]
fn a_link_to_a_student_who_left_or_moved_is_not_made() {
    use guardian_roster::{SchoolId, Scope};
    let file = common::validate(csv(UPLOAD));
    let mut now = roster(CURRENT);
    now.add_enrolment("004".into(), SchoolId::from("0102"));
    let mut options = DryRunOptions::new();
    options.scope(Scope::schools([SchoolId::from("0102")]));
    let plan = dry_run(&file, &mut now, &options).expect("in memory");
    assert!(plan.changes().iter().any(|c| c.action() == "link"));

    // Student 004 left: a roster without them.
    let mut left = InMemoryRoster::from_export(
        ["001", "002", "003"].map(StudentId::from),
        &common::validate(csv(CURRENT)),
    );
    let applied = apply(&plan, &mut left, &ApplyOptions::new()).expect("in memory");
    assert!(
        not_written(&applied).contains(&(
            "G2".to_owned(),
            Some("student 004 is no longer in the roster (left since the dry run)")
        )),
        "{:?}",
        not_written(&applied)
    );
    assert!(!left.all_links().any(|(_, s)| s.as_str() == "004"));

    // Student 004 moved to another school since the school's dry run.
    let mut moved = roster(CURRENT);
    moved.add_enrolment("004".into(), SchoolId::from("0205"));
    let applied = apply(&plan, &mut moved, &ApplyOptions::new()).expect("in memory");
    assert!(
        not_written(&applied).contains(&(
            "G2".to_owned(),
            Some("student 004 is no longer in this upload's schools (moved since the dry run); no link is made across schools")
        )),
        "{:?}",
        not_written(&applied)
    );
    assert!(!moved.all_links().any(|(_, s)| s.as_str() == "004"));
}

#[test]
fn an_email_swap_with_one_half_stale_writes_neither_half() {
    let current = &[
        "001,G1,Ana,Ruiz,ana@example.com,,,",
        "002,G2,Bo,Li,bo@example.com,,,",
    ];
    let file = common::validate(csv(&[
        "001,G1,Ana,Ruiz,bo@example.com,,,",
        "002,G2,Bo,Li,ana@example.com,,,",
    ]));
    let mut now = roster(current);
    let plan = dry_run(&file, &mut now, &DryRunOptions::new()).expect("in memory");
    assert_eq!(
        plan.summary().update_guardian,
        2,
        "{:?}",
        plan.diagnostics()
    );
    // G2 is edited since the dry run: its half of the swap is stale.
    let mut g2 = now.guardian("G2").expect("G2").clone();
    g2.first_name = guardian_roster::Name::from("Bob");
    now.add_guardian(g2);
    let applied = apply(&plan, &mut now, &ApplyOptions::new()).expect("in memory");
    assert_eq!((applied.applied(), applied.stale()), (0, 2));
    assert_eq!(
        not_written(&applied),
        [
            (
                "G1".to_owned(),
                Some(
                    "guardian G1 takes the email of guardian G2, whose change giving it up is not written (it is stale or keeps it), so neither is written"
                )
            ),
            (
                "G2".to_owned(),
                Some("guardian G2's first name was changed in the roster since the dry run")
            ),
        ]
    );
    let emails: Vec<(String, Option<String>)> = now
        .all_guardians()
        .map(|g| {
            (
                g.guardian_id.to_string(),
                g.email.as_ref().map(|e| e.to_string()),
            )
        })
        .collect();
    assert_eq!(
        emails,
        [
            ("G1".to_owned(), Some("ana@example.com".to_owned())),
            ("G2".to_owned(), Some("bo@example.com".to_owned()))
        ]
    );
}

#[test]
fn results_are_bound_to_their_upload_and_name_each_rows_people() {
    let file = common::validate(csv(UPLOAD));
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full).max_unlink_percent(100.0);
    let mut now = roster(CURRENT);
    let plan = dry_run(&file, &mut now, &options).expect("in memory");
    // G3's link goes before Start Processing: its removal is done already.
    let applied = apply(&plan, &mut now, &ApplyOptions::new()).expect("in memory");
    let results = guardian_roster::results(&file, &plan, &applied).expect("the plan's upload");
    let named: Vec<(u64, Option<&str>, Option<&str>)> = results
        .rows
        .iter()
        .map(|r| {
            (
                r.line,
                r.guardian_id.as_ref().map(|g| g.as_str()),
                r.student_id.as_ref().map(|s| s.as_str()),
            )
        })
        .collect();
    assert_eq!(
        named,
        [
            (2, Some("G1"), Some("001")),
            (3, Some("G2"), Some("002")),
            (4, Some("G2"), Some("004")),
            (5, Some("G5"), Some("004")),
        ]
    );
    let mut out = Vec::new();
    results.write_csv(&mut out, b';').expect("written");
    let text = String::from_utf8(out).expect("UTF-8");
    assert!(text.starts_with("\u{feff}\"line\";\"result\""), "{text}");
    assert!(
        text.contains("\"2\";\"UPDATED\";\"\";\"G1\";\"001\""),
        "{text}"
    );

    // Another upload (rows reordered) is not the plan's: refused.
    let mut reordered = UPLOAD.to_vec();
    reordered.reverse();
    let other = common::validate(csv(&reordered));
    let error = guardian_roster::results(&other, &plan, &applied).expect_err("not its upload");
    assert_eq!(error.code().as_str(), "plan_not_approved");

    // A removal is never stale (a link already gone is ALREADY_APPLIED);
    // one written has no reason. (A failed one has the roster's words.)
    let mut stale = roster(CURRENT);
    let plan = dry_run(&file, &mut stale, &options).expect("in memory");
    let mut g3 = stale.guardian("G3").expect("G3").clone();
    g3.first_name = guardian_roster::Name::from("Cyd");
    stale.add_guardian(g3);
    let applied = apply(&plan, &mut stale, &ApplyOptions::new()).expect("in memory");
    let results = guardian_roster::results(&file, &plan, &applied).expect("the plan's upload");
    assert_eq!(results.unlinks.len(), 1);
    assert_eq!(results.unlinks[0].result, "UNLINKED");
    assert_eq!(results.unlinks[0].reason, None);
}

#[test]
fn after_the_plan_is_applied_an_edited_copy_or_another_upload_is_still_refused() {
    use guardian_roster::start_processing;
    let file = common::validate(csv(UPLOAD));
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full).max_unlink_percent(100.0);
    let mut now = roster(CURRENT);
    let approved = stored(&dry_run(&file, &mut now, &options).expect("in memory"));
    let plan = read_back(&approved).expect("reads");
    start_processing(&file, &plan, &mut now, &ApplyOptions::new()).expect("applies");
    // The roster holds the upload now; an edited copy of the plan is not
    // "already applied": its guardian has another email in the roster.
    let edited = read_back(&approved.replace("ed@example.com", "eve@example.com")).expect("reads");
    let refused = start_processing(&file, &edited, &mut now, &ApplyOptions::new())
        .expect_err("not what the roster holds");
    assert!(
        refused
            .to_string()
            .contains("the roster has changed since the dry run"),
        "{refused}"
    );
    // Nor is the applied plan "already applied" for another upload.
    let other = common::validate(csv(&["001,G1,Ana,Ruiz,ana@example.com,,,"]));
    let refused = start_processing(&other, &plan, &mut now, &ApplyOptions::new())
        .expect_err("another upload");
    assert!(
        refused
            .to_string()
            .contains("the plan is not the dry run of this upload"),
        "{refused}"
    );
}

#[test]
fn a_plan_edited_outside_its_changes_is_named_so() {
    use guardian_roster::start_processing;
    let file = common::validate(csv(UPLOAD));
    let mut now = roster(CURRENT);
    let approved = stored(&dry_run(&file, &mut now, &DryRunOptions::new()).expect("in memory"));
    let edited = approved.replace("\"unchanged_guardians\":1", "\"unchanged_guardians\":5");
    assert_ne!(edited, approved);
    let plan = read_back(&edited).expect("reads");
    let refused =
        start_processing(&file, &plan, &mut now, &ApplyOptions::new()).expect_err("edited");
    assert_eq!(
        refused.to_string(),
        "Start Processing refused the plan: the plan was edited after the dry run (its counts, held links or diagnostics are not the dry run's); nothing was written: run the dry run again and approve its plan"
    );
    // A change added at the end: the first change that is not planned.
    let plan = dry_run(&file, &mut now, &DryRunOptions::new()).expect("in memory");
    let count = plan.changes().len();
    let added = approved.replacen(
        "],\"held_unlinks\"",
        ",{\"action\":\"link\",\"guardian_id\":\"G1\",\"student_id\":\"003\",\"line\":2}],\"held_unlinks\"",
        1,
    );
    assert_ne!(added, approved);
    let plan = read_back(&added).expect("reads");
    let refused =
        start_processing(&file, &plan, &mut now, &ApplyOptions::new()).expect_err("edited");
    assert_eq!(
        refused.to_string(),
        format!(
            "Start Processing refused the plan: the plan was edited after the dry run (change {} is not what the dry run of this upload plans: {} changes approved, {} planned); nothing was written: run the dry run again and approve its plan",
            count + 1,
            count + 1,
            count
        )
    );
}

#[test]
fn a_mobile_swap_with_one_half_stale_writes_neither_half() {
    let current = &[
        "001,G1,Ana,Ruiz,,312 555 0101,,",
        "002,G2,Bo,Li,,312 555 0102,,",
    ];
    let file = common::validate(csv(&[
        "001,G1,Ana,Ruiz,,312 555 0102,,",
        "002,G2,Bo,Li,,312 555 0101,,",
    ]));
    let mut now = roster(current);
    let plan = dry_run(&file, &mut now, &DryRunOptions::new()).expect("in memory");
    assert_eq!(
        plan.summary().update_guardian,
        2,
        "{:?}",
        plan.diagnostics()
    );
    let mut g1 = now.guardian("G1").expect("G1").clone();
    g1.last_name = guardian_roster::Name::from("Ruiz-Soto");
    now.add_guardian(g1);
    let applied = apply(&plan, &mut now, &ApplyOptions::new()).expect("in memory");
    assert_eq!((applied.applied(), applied.stale()), (0, 2));
    assert!(not_written(&applied).contains(&(
        "G2".to_owned(),
        Some("guardian G2 takes the mobile of guardian G1, whose change giving it up is not written (it is stale or keeps it), so neither is written")
    )));
}

#[test]
fn a_plan_that_gives_a_kept_email_to_another_guardian_writes_neither() {
    // A hand-made plan (read back from edited JSON and applied directly):
    // G2 would take G1's email while G1's own update keeps it.
    let current = &[
        "001,G1,Ana,Ruiz,ana@example.com,,,",
        "002,G2,Bo,Li,bo@example.com,,,",
    ];
    let file = common::validate(csv(&[
        "001,G1,Ana,Ruiz-Soto,ana@example.com,,,",
        "002,G2,Bo,Li,bo.new@example.com,,,",
    ]));
    let mut now = roster(current);
    let plan = stored(&dry_run(&file, &mut now, &DryRunOptions::new()).expect("in memory"));
    let edited = read_back(&plan.replace("bo.new@example.com", "ana@example.com")).expect("reads");
    let applied = apply(&edited, &mut now, &ApplyOptions::new()).expect("in memory");
    assert!(not_written(&applied).contains(&(
        "G2".to_owned(),
        Some("guardian G2 takes the email of guardian G1, whose change giving it up is not written (it is stale or keeps it), so neither is written")
    )));
    assert_eq!(
        now.guardian("G2")
            .and_then(|g| g.email.as_ref())
            .map(|e| e.as_str()),
        Some("bo@example.com")
    );
}

#[test]
fn a_plan_that_gives_a_kept_mobile_to_another_guardian_writes_neither() {
    let current = &[
        "001,G1,Ana,Ruiz,,312 555 0101,,",
        "002,G2,Bo,Li,,312 555 0102,,",
    ];
    let file = common::validate(csv(&[
        "001,G1,Ana,Ruiz-Soto,,312 555 0101,,",
        "002,G2,Bo,Li,,312 555 0109,,",
    ]));
    let mut now = roster(current);
    let plan = stored(&dry_run(&file, &mut now, &DryRunOptions::new()).expect("in memory"));
    let edited = read_back(&plan.replace("+13125550109", "+13125550101")).expect("reads");
    let applied = apply(&edited, &mut now, &ApplyOptions::new()).expect("in memory");
    assert!(
        not_written(&applied).contains(&(
            "G2".to_owned(),
            Some("guardian G2 takes the mobile of guardian G1, whose change giving it up is not written (it is stale or keeps it), so neither is written")
        )),
        "{:?}",
        not_written(&applied)
    );
}
