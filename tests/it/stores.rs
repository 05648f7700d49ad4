//! Start Processing's guarantees on every store: the same scenarios run on
//! `InMemoryRoster`, on `SqliteRoster` (feature `sqlite`) and on
//! `PostgresRoster` (feature `postgres`, against the server
//! `GUARDIAN_ROSTER_POSTGRES_URL` names). Each scenario changes the roster
//! only through the `Roster` and `RosterWriter` traits, and reads it back
//! through them, so what it asserts holds for any store.

use crate::common;

use common::csv;
use guardian_roster::{
    ApplyOptions, DryRunOptions, GuardianId, InMemoryRoster, Name, Outcome, Plan, Roster,
    RosterWriter, SchoolId, Scope, SyncMode, apply, dry_run, start_processing,
};

/// A store the scenarios run on.
trait Harness: Sized {
    /// The roster over the store, borrowed for one step.
    type Roster<'a>: RosterWriter
    where
        Self: 'a;
    /// A new store holding `students` (a students file) and `current`.
    fn load(test: &str, students: &str, current: &[&str]) -> Self;
    fn roster(&mut self) -> Self::Roster<'_>;
}

struct Memory(InMemoryRoster);

impl Harness for Memory {
    type Roster<'a> = &'a mut InMemoryRoster;

    fn load(_test: &str, students: &str, current: &[&str]) -> Memory {
        Memory(common::memory_roster(students, current))
    }

    fn roster(&mut self) -> &mut InMemoryRoster {
        &mut self.0
    }
}

#[cfg(feature = "sqlite")]
struct Sqlite(rusqlite::Connection);

#[cfg(feature = "sqlite")]
impl Harness for Sqlite {
    type Roster<'a> = guardian_roster::SqliteRoster<'a>;

    fn load(_test: &str, students: &str, current: &[&str]) -> Sqlite {
        let connection = rusqlite::Connection::open_in_memory().expect("sqlite");
        let mut roster = guardian_roster::SqliteRoster::new(&connection);
        roster.create_schema().expect("tables");
        let students = guardian_roster::read_students(students.as_bytes()).expect("students");
        roster
            .load(&students, &common::validate(csv(current)))
            .expect("loads");
        Sqlite(connection)
    }

    fn roster(&mut self) -> guardian_roster::SqliteRoster<'_> {
        guardian_roster::SqliteRoster::new(&self.0)
    }
}

#[cfg(feature = "postgres")]
struct Postgres(::postgres::Client);

#[cfg(feature = "postgres")]
impl Harness for Postgres {
    type Roster<'a> = guardian_roster::PostgresRoster<'a>;

    fn load(test: &str, students: &str, current: &[&str]) -> Postgres {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static LOADED: AtomicUsize = AtomicUsize::new(0);
        let url = std::env::var("GUARDIAN_ROSTER_POSTGRES_URL").unwrap_or_else(|_| {
            panic!(
                "the postgres tests need a server: set GUARDIAN_ROSTER_POSTGRES_URL \
                 (`source .ci/postgres.sh && postgres_start` starts one)"
            )
        });
        let schema = format!(
            "s_{test}_{}_{}",
            std::process::id(),
            LOADED.fetch_add(1, Ordering::Relaxed)
        );
        let mut client = ::postgres::Client::connect(&url, ::postgres::NoTls).expect("the server");
        client
            .batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}; SET search_path TO {schema}"
            ))
            .expect("a schema");
        let mut roster = guardian_roster::PostgresRoster::new(&mut client);
        roster.create_schema().expect("tables");
        let students = guardian_roster::read_students(students.as_bytes()).expect("students");
        roster
            .load(&students, &common::validate(csv(current)))
            .expect("loads");
        drop(roster);
        Postgres(client)
    }

    fn roster(&mut self) -> guardian_roster::PostgresRoster<'_> {
        guardian_roster::PostgresRoster::new(&mut self.0)
    }
}

/// Runs each scenario on every store the features build.
macro_rules! on_every_store {
    ($($scenario:ident),* $(,)?) => {
        mod memory {
            $(#[test] fn $scenario() { super::$scenario::<super::Memory>(stringify!($scenario)); })*
        }
        #[cfg(feature = "sqlite")]
        mod sqlite {
            $(#[test] fn $scenario() { super::$scenario::<super::Sqlite>(stringify!($scenario)); })*
        }
        #[cfg(feature = "postgres")]
        mod postgres {
            $(#[test] fn $scenario() { super::$scenario::<super::Postgres>(stringify!($scenario)); })*
        }
    };
}

on_every_store!(
    a_plan_edited_after_the_dry_run_writes_nothing,
    an_old_plan_replayed_removes_nothing,
    an_edit_of_another_field_since_the_dry_run_is_never_undone,
    a_link_to_a_student_who_left_or_moved_is_not_made,
    an_email_swap_with_one_half_stale_writes_neither_half,
);

const STUDENTS: &str = "student_id,school_id\n001,0102\n002,0102\n003,0205\n004,0102\n";

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

/// Every guardian (ID, names, email) and link of the store, read through
/// the traits.
fn snapshot<R: Roster>(mut roster: R) -> Vec<String> {
    let ids = ["G1", "G2", "G3", "G4", "G5", "G6"].map(GuardianId::from);
    let mut rows: Vec<String> = roster
        .guardians(&ids)
        .expect("reads")
        .iter()
        .map(|g| {
            format!(
                "{} {} {} {}",
                g.guardian_id,
                g.first_name.as_str(),
                g.last_name.as_str(),
                g.email.as_ref().map_or("", |e| e.as_str())
            )
        })
        .collect();
    rows.extend(
        roster
            .links_in_scope(&Scope::District)
            .expect("reads")
            .iter()
            .map(|(g, s)| format!("{g}->{s}")),
    );
    rows.sort_unstable();
    rows
}

/// The guardian and reason of each change not written.
fn not_written(applied: &guardian_roster::Applied) -> Vec<(String, String)> {
    applied
        .outcomes()
        .iter()
        .filter_map(|(at, outcome)| match outcome {
            Outcome::Stale { reason } => Some((at, reason.clone())),
            _ => None,
        })
        .map(|(at, reason)| (at.guardian_id().to_string(), reason))
        .collect()
}

fn full() -> DryRunOptions {
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full).max_unlink_percent(100.0);
    options
}

fn a_plan_edited_after_the_dry_run_writes_nothing<H: Harness>(test: &str) {
    let file = common::validate(csv(UPLOAD));
    let mut store = H::load(test, STUDENTS, CURRENT);
    let approved =
        serde_json::to_string(&dry_run(&file, &mut store.roster(), &full()).expect("plans"))
            .expect("serialises");
    let before = snapshot(store.roster());
    let edits = [
        ("another email", approved.replace("ed@example.com", "eve@evil.example.com")),
        (
            "a moved link",
            approved.replacen("\"student_id\":\"004\"", "\"student_id\":\"001\"", 1),
        ),
        (
            "an injected unlink",
            approved.replacen(
                "\"changes\":[",
                "\"changes\":[{\"action\":\"unlink\",\"guardian_id\":\"G2\",\"student_id\":\"002\"},",
                1,
            ),
        ),
        ("another mode", approved.replace("\"mode\":\"full\"", "\"mode\":\"additive\"")),
    ];
    for (edit, edited) in &edits {
        assert_ne!(edited, &approved, "{edit} changed nothing");
        let plan: Plan = serde_json::from_str(edited).expect("an edited plan still reads");
        let refused = start_processing(&file, &plan, &mut store.roster(), &ApplyOptions::new())
            .expect_err(edit);
        assert_eq!(refused.code().as_str(), "plan_not_approved", "{edit}");
        assert_eq!(snapshot(store.roster()), before, "{edit} wrote something");
    }
    // Invalid values and a field list that is not its record's do not
    // even read back.
    for (edit, edited) in [
        (
            "an invalid email",
            approved.replace("ed@example.com", "not an email"),
        ),
        (
            "a field list that is not its record's",
            approved.replacen(
                "\"new\":\"ana@example.com\"",
                "\"new\":\"eve@example.com\"",
                1,
            ),
        ),
    ] {
        assert_ne!(edited, approved, "{edit} changed nothing");
        assert!(serde_json::from_str::<Plan>(&edited).is_err(), "{edit}");
    }
    // As approved, it applies; a second time, every change is
    // ALREADY_APPLIED and nothing is written.
    let plan: Plan = serde_json::from_str(&approved).expect("reads");
    let applied =
        start_processing(&file, &plan, &mut store.roster(), &ApplyOptions::new()).expect("applies");
    assert_eq!(
        (applied.applied(), applied.stale()),
        (plan.changes().len(), 0)
    );
    assert_eq!(plan.changes().len(), 5);
    let after = snapshot(store.roster());
    assert_ne!(after, before);
    let again = start_processing(&file, &plan, &mut store.roster(), &ApplyOptions::new())
        .expect("nothing left to do");
    assert_eq!(
        (again.applied(), again.stale(), again.already_applied()),
        (0, 0, 5)
    );
    assert_eq!(snapshot(store.roster()), after);
}

fn an_old_plan_replayed_removes_nothing<H: Harness>(test: &str) {
    let file = common::validate(csv(UPLOAD));
    let mut store = H::load(test, STUDENTS, CURRENT);
    // Last week's full sync, approved and applied: G3's link removed.
    let last_week = dry_run(&file, &mut store.roster(), &full()).expect("plans");
    start_processing(&file, &last_week, &mut store.roster(), &ApplyOptions::new())
        .expect("applied");
    assert!(!snapshot(store.roster()).contains(&"G3->003".to_owned()));
    // The office links G3 again; last week's plan is replayed.
    store
        .roster()
        .add_links(&[("G3".into(), "003".into())])
        .expect("the office's link");
    let before = snapshot(store.roster());
    let refused = start_processing(&file, &last_week, &mut store.roster(), &ApplyOptions::new())
        .expect_err("the roster moved on");
    assert!(
        refused
            .to_string()
            .contains("the roster has changed since the dry run"),
        "{refused}"
    );
    assert_eq!(snapshot(store.roster()), before);
    assert!(before.contains(&"G3->003".to_owned()));
}

fn an_edit_of_another_field_since_the_dry_run_is_never_undone<H: Harness>(test: &str) {
    let file = common::validate(csv(UPLOAD));
    let mut store = H::load(test, STUDENTS, CURRENT);
    let plan = dry_run(&file, &mut store.roster(), &DryRunOptions::new()).expect("plans");
    // The office corrects G1's last name after the dry run (which updates
    // G1's email only).
    let mut g1 = store.roster().guardians(&["G1".into()]).expect("reads")[0].clone();
    g1.last_name = Name::from("Ruiz-Soto");
    store
        .roster()
        .update_guardians(&[g1])
        .expect("the office's edit");
    let refused = start_processing(&file, &plan, &mut store.roster(), &ApplyOptions::new())
        .expect_err("the roster moved on");
    assert_eq!(refused.code().as_str(), "plan_not_approved");
    // Applied directly, the update is stale and the edit stays.
    let applied = apply(&plan, &mut store.roster(), &ApplyOptions::new()).expect("applies");
    let stale = not_written(&applied);
    assert_eq!(
        stale.iter().map(|(_, r)| r.as_str()).collect::<Vec<_>>(),
        ["guardian G1's last name was changed in the roster since the dry run"]
    );
    let g1 = store.roster().guardians(&["G1".into()]).expect("reads")[0].clone();
    assert_eq!(
        (g1.last_name.as_str(), g1.email.as_ref().map(|e| e.as_str())),
        ("Ruiz-Soto", Some("ana@old.example.com"))
    );
}

fn a_link_to_a_student_who_left_or_moved_is_not_made<H: Harness>(test: &str) {
    let file = common::validate(csv(UPLOAD));
    let mut store = H::load(test, STUDENTS, CURRENT);
    let mut options = DryRunOptions::new();
    options.scope(Scope::schools([SchoolId::from("0102")]));
    let plan = dry_run(&file, &mut store.roster(), &options).expect("plans");
    assert!(
        plan.changes()
            .iter()
            .any(|c| c.action() == "link" && c.student_id().map(|s| s.as_str()) == Some("004"))
    );

    // Student 004 left since the dry run.
    let left = "student_id,school_id\n001,0102\n002,0102\n003,0205\n";
    let mut gone = H::load(&format!("{test}_left"), left, CURRENT);
    let applied = apply(&plan, &mut gone.roster(), &ApplyOptions::new()).expect("applies");
    assert!(
        not_written(&applied)
            .iter()
            .any(|(_, r)| r == "student 004 is no longer in the roster (left since the dry run)"),
        "{:?}",
        not_written(&applied)
    );
    assert!(!snapshot(gone.roster()).iter().any(|r| r.ends_with("->004")));

    // Student 004 moved to another school since the school's dry run.
    let moved = "student_id,school_id\n001,0102\n002,0102\n003,0205\n004,0205\n";
    let mut elsewhere = H::load(&format!("{test}_moved"), moved, CURRENT);
    let applied = apply(&plan, &mut elsewhere.roster(), &ApplyOptions::new()).expect("applies");
    assert!(
        not_written(&applied).iter().any(|(_, r)| r
            == "student 004 is no longer in this upload's schools (moved since the dry run); no link is made across schools"),
        "{:?}",
        not_written(&applied)
    );
    assert!(
        !snapshot(elsewhere.roster())
            .iter()
            .any(|r| r.ends_with("->004"))
    );
}

fn an_email_swap_with_one_half_stale_writes_neither_half<H: Harness>(test: &str) {
    let current = &[
        "001,G1,Ana,Ruiz,ana@example.com,,,",
        "002,G2,Bo,Li,bo@example.com,,,",
    ];
    let file = common::validate(csv(&[
        "001,G1,Ana,Ruiz,bo@example.com,,,",
        "002,G2,Bo,Li,ana@example.com,,,",
    ]));
    let mut store = H::load(test, STUDENTS, current);
    let plan = dry_run(&file, &mut store.roster(), &DryRunOptions::new()).expect("plans");
    assert_eq!(
        plan.summary().update_guardian,
        2,
        "{:?}",
        plan.diagnostics()
    );
    // G2 is edited since the dry run: its half of the swap is stale.
    let mut g2 = store.roster().guardians(&["G2".into()]).expect("reads")[0].clone();
    g2.first_name = Name::from("Bob");
    store
        .roster()
        .update_guardians(&[g2])
        .expect("the office's edit");
    let before = snapshot(store.roster());
    let applied = apply(&plan, &mut store.roster(), &ApplyOptions::new()).expect("applies");
    assert_eq!((applied.applied(), applied.stale()), (0, 2));
    assert_eq!(snapshot(store.roster()), before);
    assert_eq!(
        before,
        [
            "G1 Ana Ruiz ana@example.com",
            "G1->001",
            "G2 Bob Li bo@example.com",
            "G2->002"
        ]
    );
}
