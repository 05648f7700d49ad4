//! The SQLite roster (feature `sqlite`) against a real database file: the
//! same plans as the in-memory roster, apply, and the law.
#![cfg(feature = "sqlite")]

use crate::common;

use common::csv;
use guardian_roster::{
    ApplyOptions, DryRunOptions, InMemoryRoster, Outcome, Plan, SchoolId, Scope, SqliteRoster,
    SyncMode, apply, dry_run, read_students,
};
use proptest::prelude::*;

const STUDENTS: &str = "student_id,school_id\n001,0102\n002,0102\n003,0205\n004,0205\n";

const CURRENT: &[&str] = &[
    "001,G1,Ana,Ruiz,ana@old.example.com,312 555 0101 x12,,en",
    "002,G2,Bo,Li,bo@example.com,,+33 1 42 76 49 78,",
    "003,G3,Cy,Ng,cy@example.com,,,vi",
    "004,G4,Di,Oz,di@example.com,,,",
];

fn database(name: &str) -> (std::path::PathBuf, rusqlite::Connection) {
    let dir = std::env::temp_dir().join(format!("guardian-roster-sqlite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{name}.db"));
    let _ = std::fs::remove_file(&path);
    let connection = rusqlite::Connection::open(&path).expect("a database file");
    (path, connection)
}

fn load<'c>(connection: &'c rusqlite::Connection, current: &[&str]) -> SqliteRoster<'c> {
    let mut roster = SqliteRoster::new(connection);
    roster.create_schema().expect("schema");
    let students = read_students(STUDENTS.as_bytes()).expect("students");
    roster
        .load(&students, &common::validate(csv(current)))
        .expect("loads");
    roster
}

fn memory(current: &[&str]) -> InMemoryRoster {
    common::memory_roster(STUDENTS, current)
}

fn json(plan: &Plan) -> String {
    common::json(plan)
}

const UPLOAD: &[&str] = &[
    "001,G1,Ana,Ruiz,ana@example.com,312 555 0101 x12,,es",
    "002,G2,Bo,Li,bo@example.com,,+33 1 42 76 49 78,",
    "002,G5,Ed,Po,ed@example.com,312 555 0105,,fr",
    "1,G6,Fay,Qi,fay@example.com,,,",
    "004,004,Gil,Ra,cy@example.com,,,",
];

#[test]
fn sqlite_plans_as_the_in_memory_roster_and_applies_to_no_change() {
    let (path, connection) = database("plans");
    let mut roster = load(&connection, CURRENT);
    let file = common::validate(csv(UPLOAD));
    for options in [
        &mut DryRunOptions::new(),
        DryRunOptions::new()
            .mode(SyncMode::Full)
            .max_unlink_percent(100.0),
        DryRunOptions::new()
            .mode(SyncMode::Full)
            .max_unlink_percent(100.0)
            .scope(Scope::schools([SchoolId::from("0102")])),
        DryRunOptions::new().batch_size(1),
    ] {
        let in_sqlite = dry_run(&file, &mut roster, options).expect("sqlite answers");
        let in_memory = dry_run(&file, &mut memory(CURRENT), options).expect("in memory");
        assert_eq!(json(&in_sqlite), json(&in_memory), "{options:?}");
    }
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full).max_unlink_percent(100.0);
    let plan = dry_run(&file, &mut roster, &options).expect("sqlite answers");
    assert!(plan.summary().update_guardian >= 1 && plan.summary().unlink >= 1);
    // Dry run and apply in one transaction, as an application would.
    let transaction = connection.unchecked_transaction().expect("a transaction");
    let mut in_transaction = SqliteRoster::new(&transaction);
    let applied = apply(&plan, &mut in_transaction, &ApplyOptions::new()).expect("applies");
    assert_eq!(applied.stale(), 0);
    transaction.commit().expect("commits");
    let again = dry_run(&file, &mut roster, &options).expect("sqlite answers");
    assert!(again.changes().is_empty(), "{:?}", again.changes());
    // The stored values read back: the extension, a foreign number.
    let g1 = guardian_roster::Roster::guardians(&mut roster, &["G1".into()]).expect("reads");
    assert_eq!(
        g1[0]
            .mobile_phone
            .as_ref()
            .map(|p| p.to_string())
            .as_deref(),
        Some("+13125550101;ext=12")
    );
    let _ = &mut roster;
    drop(connection);
    assert!(path.exists());
}

#[test]
fn a_stale_plan_on_sqlite_writes_nothing_stale() {
    let (_path, connection) = database("stale");
    let mut roster = load(&connection, CURRENT);
    let file = common::validate(csv(UPLOAD));
    let plan = dry_run(&file, &mut roster, &DryRunOptions::new()).expect("sqlite answers");
    // Another request changes G1's email before Start Processing.
    connection
        .execute(
            "UPDATE guardians SET email = 'ana.new@example.com', email_key = 'ana.new@example.com' WHERE guardian_id = 'G1'",
            [],
        )
        .expect("updates");
    let applied = apply(&plan, &mut roster, &ApplyOptions::new()).expect("applies");
    let stale: Vec<&str> = applied
        .outcomes()
        .iter()
        .filter_map(|(_, o)| match o {
            Outcome::Stale { reason } => Some(reason.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        stale,
        ["guardian G1's email was changed in the roster since the dry run"]
    );
    let email: String = connection
        .query_row(
            "SELECT email FROM guardians WHERE guardian_id = 'G1'",
            [],
            |row| row.get(0),
        )
        .expect("reads");
    assert_eq!(email, "ana.new@example.com");
}

fn row() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["001", "002", "003", "004", "1"]),
        prop::sample::select(vec!["G1", "G2", "G3", "007", "7"]),
        prop::sample::select(vec!["a@example.com", "b@example.com", ""]),
        prop::sample::select(vec!["312 555 0101", "(312) 555-0102", ""]),
    )
        .prop_map(|(s, g, e, m)| format!("{s},{g},Ana,Ruiz,{e},{m},,"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// The law on SQLite: apply, run again, no change.
    #[test]
    fn applying_on_sqlite_then_rerunning_changes_nothing(
        current in prop::collection::vec(row(), 0..6),
        upload in prop::collection::vec(row(), 0..8),
        full in any::<bool>(),
    ) {
        let connection = rusqlite::Connection::open_in_memory().expect("in memory");
        let current: Vec<&str> = current.iter().map(String::as_str).collect();
        let mut roster = load(&connection, &current);
        let upload: Vec<&str> = upload.iter().map(String::as_str).collect();
        let file = common::validate(csv(&upload));
        let mode = if full { SyncMode::Full } else { SyncMode::Additive };
        let mut options = DryRunOptions::new();
        options.mode(mode).max_unlink_percent(100.0);
        let plan = dry_run(&file, &mut roster, &options).unwrap_or_else(|e| panic!("{e}"));
        apply(&plan, &mut roster, &ApplyOptions::new()).unwrap_or_else(|e| panic!("{e}"));
        let again = dry_run(&file, &mut roster, &options).unwrap_or_else(|e| panic!("{e}"));
        prop_assert!(again.changes().is_empty(), "second plan: {:?}", again.changes());
    }
}

/// The `sqlite_sync` example: load, dry run, apply, dry run again = no
/// change, with the JSON of `dry_run` plus an `applied` section.
#[test]
fn the_sqlite_sync_example_applies_and_reruns_to_nothing() {
    let (path, connection) = database("example");
    drop(connection);
    let db = path.to_string_lossy().into_owned();
    let output = std::process::Command::new(common::example("sqlite_sync"))
        .args(["--db", &db, "--mode", "full", "--apply", "--format", "json"])
        .output()
        .expect("the example runs");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["summary"]["create_guardian"], 5);
    // The six links, five creations, one update and the one removal no
    // refused row holds.
    assert_eq!(json["applied"]["applied"], 13);
    assert_eq!(json["applied"]["stale"], 0);
    assert_eq!(json["applied"]["changes_left"], 0);
    let counts = &json["applied"]["results"]["counts"];
    let rows: u64 = counts
        .as_object()
        .expect("counts")
        .values()
        .filter_map(serde_json::Value::as_u64)
        .sum();
    assert_eq!(rows, json["summary"]["rows"].as_u64().expect("rows"));
}

/// A value stored under older rules (an address without a TLD, a house
/// language code) reads back as it is instead of failing the dry run.
#[test]
fn legacy_stored_values_read_back_as_they_are() {
    let (_path, connection) = database("legacy");
    let mut roster = load(&connection, CURRENT);
    connection
        .execute(
            "UPDATE guardians SET email = 'Old@Legacy', email_key = 'old@legacy', language = 'SPN' WHERE guardian_id = 'G4'",
            [],
        )
        .expect("updates");
    let g4 = guardian_roster::Roster::guardians(&mut roster, &["G4".into()]).expect("reads");
    assert_eq!(
        g4[0].email.as_ref().map(|e| (e.as_str(), e.key())),
        Some(("Old@Legacy", "old@legacy"))
    );
    assert_eq!(g4[0].language.as_ref().map(|l| l.as_str()), Some("SPN"));
    let file = common::validate(csv(&["004,G4,Di,Oz,di@example.com,,,es"]));
    let plan =
        dry_run(&file, &mut roster, &DryRunOptions::new()).expect("no stored value stops it");
    assert_eq!(plan.summary().update_guardian, 1);
}

/// A number stored in another form than E.164 reads back as it is, marked
/// legacy: the dry run goes on, a file's valid number replaces it (the old
/// text is the update's precondition), and the law holds after.
#[test]
fn legacy_stored_phones_read_back_and_are_replaced() {
    let (_path, connection) = database("legacy_phone");
    let mut roster = load(&connection, CURRENT);
    connection
        .execute(
            "UPDATE guardians SET mobile_phone = '(312) 555-0101 x12', mobile_key = '(312) 555-0101 x12', home_phone = 'ask front office' WHERE guardian_id = 'G1'",
            [],
        )
        .expect("updates");
    let g1 = guardian_roster::Roster::guardians(&mut roster, &["G1".into()]).expect("reads");
    let mobile = g1[0].mobile_phone.as_ref().expect("kept");
    assert!(mobile.is_legacy());
    assert_eq!(
        (mobile.e164(), mobile.extension(), mobile.to_string()),
        ("(312) 555-0101 x12", None, "(312) 555-0101 x12".to_owned())
    );
    let home = g1[0].home_phone.as_ref().expect("kept");
    assert_eq!((home.is_legacy(), home.e164()), (true, "ask front office"));

    let file = common::validate(csv(&[
        "001,G1,Ana,Ruiz,ana@old.example.com,312 555 0101 x12,,en",
    ]));
    let plan =
        dry_run(&file, &mut roster, &DryRunOptions::new()).expect("no stored number stops it");
    assert_eq!(plan.summary().update_guardian, 1);
    let guardian_roster::Change::UpdateGuardian { fields, .. } = &plan.changes()[0] else {
        panic!("an update: {:?}", plan.changes());
    };
    let changed: Vec<(&str, Option<&str>, Option<&str>)> = fields
        .iter()
        .map(|(field, change)| (field.as_str(), change.old.as_deref(), change.new.as_deref()))
        .collect();
    assert_eq!(
        changed,
        [
            (
                "mobile_phone",
                Some("(312) 555-0101 x12"),
                Some("+13125550101;ext=12")
            ),
            ("home_phone", Some("ask front office"), None),
        ]
    );
    let stored: Plan = serde_json::from_str(&json(&plan)).expect("reads back");
    let applied = apply(&stored, &mut roster, &ApplyOptions::new()).expect("applies");
    assert_eq!((applied.applied(), applied.stale()), (1, 0));
    let g1 = guardian_roster::Roster::guardians(&mut roster, &["G1".into()]).expect("reads");
    assert_eq!(
        g1[0]
            .mobile_phone
            .as_ref()
            .map(|p| (p.is_legacy(), p.to_string())),
        Some((false, "+13125550101;ext=12".to_owned()))
    );
    let again = dry_run(&file, &mut roster, &DryRunOptions::new()).expect("plans");
    assert!(again.changes().is_empty(), "{:?}", again.changes());
}

/// A write SQLite refuses part way: what was written is applied, the rest
/// failed with SQLite's words, and rolling the transaction back leaves the
/// database as it was.
#[test]
fn a_write_sqlite_refuses_fails_the_rest_and_rolls_back() {
    let (_path, connection) = database("refused");
    let mut roster = load(&connection, CURRENT);
    connection
        .execute_batch(
            "CREATE TRIGGER no_new_links BEFORE INSERT ON links BEGIN SELECT RAISE(ABORT, 'links are frozen'); END;",
        )
        .expect("a trigger");
    let before = guardian_roster::table_counts(&connection).expect("counts");
    let file = common::validate(csv(UPLOAD));
    let plan = dry_run(&file, &mut roster, &DryRunOptions::new()).expect("plans");
    // In the caller's transaction, `apply` works in a savepoint: the
    // guardians it wrote before the links failed are rolled back with it.
    let transaction = connection.unchecked_transaction().expect("a transaction");
    let mut writer = SqliteRoster::new(&transaction);
    let error = apply(&plan, &mut writer, &ApplyOptions::new()).expect_err("all or nothing");
    assert!(plan.summary().create_guardian > 0 && plan.summary().link > 0);
    assert_eq!(
        std::error::Error::source(&error)
            .map(|e| e.to_string())
            .as_deref(),
        Some("SQLite: links are frozen (constraint failed)")
    );
    assert_eq!(
        guardian_roster::table_counts(&transaction).expect("counts"),
        before
    );
    transaction.rollback().expect("rolls back");
    assert_eq!(
        guardian_roster::table_counts(&connection).expect("counts"),
        before
    );
}

/// An application's own column on the guardians table, and the row's
/// identity, survive an update.
#[test]
fn an_update_keeps_the_applications_own_columns_and_the_row() {
    let (_path, connection) = database("own-columns");
    let mut roster = load(&connection, CURRENT);
    connection
        .execute_batch(
            "ALTER TABLE guardians ADD COLUMN app_note TEXT;
             UPDATE guardians SET app_note = 'prefers mornings' WHERE guardian_id = 'G1';",
        )
        .expect("an application's column");
    let rowid = |connection: &rusqlite::Connection| -> (i64, Option<String>, String) {
        connection
            .query_row(
                "SELECT rowid, app_note, email FROM guardians WHERE guardian_id = 'G1'",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .expect("G1")
    };
    let before = rowid(&connection);
    let file = common::validate(csv(UPLOAD));
    let plan = dry_run(&file, &mut roster, &DryRunOptions::new()).expect("sqlite");
    assert!(
        plan.changes()
            .iter()
            .any(|c| c.action() == "update_guardian")
    );
    apply(&plan, &mut roster, &ApplyOptions::new()).expect("applies");
    let after = rowid(&connection);
    assert_eq!(after.0, before.0, "the row kept its identity");
    assert_eq!(after.1.as_deref(), Some("prefers mornings"));
    assert_eq!(after.2, "ana@example.com");
}

/// Two applies at once never both write: the second waits for the
/// write lock, then fails, and writes nothing; run again, it finds the
/// roster as the first left it.
#[test]
fn two_applies_at_once_never_both_write() {
    let (path, first) = database("concurrent");
    let mut roster = load(&first, CURRENT);
    let file = common::validate(csv(UPLOAD));
    let plan = dry_run(&file, &mut roster, &DryRunOptions::new()).expect("sqlite");

    let second = rusqlite::Connection::open(&path).expect("a second connection");
    second
        .busy_timeout(std::time::Duration::from_millis(50))
        .expect("timeout");
    // The first apply holds the write lock (as a long apply would).
    first.execute_batch("BEGIN IMMEDIATE").expect("the lock");
    let mut other = SqliteRoster::new(&second);
    let error = apply(&plan, &mut other, &ApplyOptions::new()).expect_err("the lock is held");
    assert_eq!(error.code().as_str(), "roster_unavailable");
    let chain = {
        let mut text = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        text
    };
    assert_eq!(
        chain,
        "the roster could not be written: SQLite: database is locked"
    );
    first.execute_batch("ROLLBACK").expect("released");
    let counts = guardian_roster::table_counts(&second).expect("counts");
    assert_eq!(counts.get("guardians"), Some(&4), "nothing was written");
    let applied = apply(&plan, &mut other, &ApplyOptions::new()).expect("the lock is free");
    assert_eq!(applied.applied(), plan.changes().len());
    // A third apply of the same plan finds it all done.
    let again = apply(&plan, &mut other, &ApplyOptions::new()).expect("nothing to do");
    assert_eq!(again.applied(), 0);
}

/// A cancel while applying rolls back what was written: nothing of it is
/// committed.
#[test]
fn a_cancelled_apply_commits_nothing() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let (_path, connection) = database("cancel");
    let mut roster = load(&connection, CURRENT);
    let file = common::validate(csv(UPLOAD));
    let plan = dry_run(&file, &mut roster, &DryRunOptions::new()).expect("sqlite");
    let flag = Arc::new(AtomicBool::new(false));
    let mut options = ApplyOptions::new();
    let raise = Arc::clone(&flag);
    // Cancelled once the guardians are written, before the links.
    options.control(
        guardian_roster::Control::new()
            .cancel_flag(Arc::clone(&flag))
            .progress(move |progress| {
                if progress.done > 0 {
                    raise.store(true, Ordering::Relaxed);
                }
            }),
    );
    let error = apply(&plan, &mut roster, &options).expect_err("cancelled");
    assert_eq!(error.code().as_str(), "cancelled");
    let counts = guardian_roster::table_counts(&connection).expect("counts");
    assert_eq!(counts.get("guardians"), Some(&4));
    let again = dry_run(&file, &mut roster, &DryRunOptions::new()).expect("sqlite");
    assert_eq!(json(&again), json(&plan), "the roster is as it was");
}

/// Key lists longer than SQLite's variable limit are split, and a store
/// error says its cause without SQL.
#[test]
fn long_key_lists_are_split_and_errors_carry_no_sql() {
    use guardian_roster::{Roster, StudentId};
    let (path, connection) = database("keys");
    let mut roster = load(&connection, CURRENT);
    let ids: Vec<StudentId> = (0..40_000)
        .map(|n| StudentId::from(format!("{n:03}").as_str()))
        .collect();
    let mut found = roster.existing_students(&ids).expect("no variable limit");
    found.sort_unstable();
    assert_eq!(found, ["001", "002", "003", "004"].map(StudentId::from));

    drop(connection);

    std::fs::write(
        &path,
        b"this is not a database, it is a CSV file\n".repeat(100),
    )
    .expect("written");
    let connection = rusqlite::Connection::open(&path).expect("opens lazily");
    let error = SqliteRoster::new(&connection)
        .create_schema()
        .expect_err("not a database");
    assert_eq!(error.to_string(), "SQLite: file is not a database");
}

/// A key filled by other means (left NULL, or with SQL `lower()`) is
/// found by `stale_keys` and fixed by `rekey`: a duplicate login is never
/// created in silence.
#[test]
fn keys_that_drifted_are_found_and_rekeyed() {
    use guardian_roster::Roster;
    let (_path, connection) = database("rekey");
    let mut roster = load(&connection, CURRENT);
    assert_eq!(roster.stale_keys().expect("reads"), 0);
    connection
        .execute_batch(
            "UPDATE guardians SET email_key = NULL WHERE guardian_id = 'G2';
             UPDATE guardians SET unpadded = guardian_id WHERE guardian_id = 'G3';",
        )
        .expect("drift");
    assert_eq!(roster.stale_keys().expect("reads"), 2);
    // Bo's email for a new guardian: with the key gone, no lookup would
    // find its owner, so the dry run refuses to plan.
    let file = common::validate(csv(&["002,G9,Bo,Li,BO@example.com,,,"]));
    let error = dry_run(&file, &mut roster, &DryRunOptions::new()).expect_err("stale keys");
    assert_eq!(error.code().as_str(), "stale_roster_keys");
    assert_eq!(
        error.to_string(),
        "2 rows of the roster carry lookup keys this crate did not compute (left empty, or filled by other means), so an email or mobile they hold would not be found and a duplicate login could be created; the dry run stopped before planning anything: rekey the roster (SqliteRoster::rekey, PostgresRoster::rekey), then run it again"
    );
    assert_eq!(roster.rekey().expect("rekeyed"), 2);
    assert_eq!(roster.stale_keys().expect("reads"), 0);
    // Each key on its own: a mobile key in another form, an email key in
    // capitals, a key left where the email is gone, a student's and a
    // school's key with the zeros kept.
    for (drift, table) in [
        (
            "UPDATE guardians SET mobile_key = '3125550101' WHERE guardian_id = 'G1'",
            "guardians",
        ),
        (
            "UPDATE guardians SET email_key = upper(email_key) WHERE guardian_id = 'G3'",
            "guardians",
        ),
        (
            "UPDATE guardians SET email = NULL WHERE guardian_id = 'G4'",
            "guardians",
        ),
        (
            "UPDATE students SET unpadded = student_id WHERE student_id = '002'",
            "students",
        ),
        (
            "UPDATE schools SET unpadded = school_id WHERE school_id = '0205'",
            "schools",
        ),
    ] {
        connection.execute_batch(drift).expect("drift");
        assert_eq!(roster.stale_keys().expect("reads"), 1, "{table}: {drift}");
        assert_eq!(roster.rekey().expect("rekeyed"), 1, "{table}: {drift}");
        assert_eq!(roster.stale_keys().expect("reads"), 0, "{table}: {drift}");
    }
    let plan = dry_run(&file, &mut roster, &DryRunOptions::new()).expect("sqlite");
    assert!(
        plan.diagnostics()
            .iter()
            .any(|d| d.code.as_str() == "email_in_use"),
        "{:?}",
        plan.diagnostics()
    );
}

/// A roster column written as a blob by other means (a column of text
/// affinity turns a number into text, a blob stays one) is an error that
/// says which column and what it holds, never a guessed ID or key.
#[test]
fn a_column_that_is_not_text_is_named() {
    use guardian_roster::Roster;
    let (_path, connection) = database("not-text");
    let mut roster = load(&connection, CURRENT);
    connection
        .execute_batch("UPDATE guardians SET email_key = X'626F' WHERE guardian_id = 'G2';")
        .expect("a blob");
    let error = roster.stale_keys().expect_err("a blob is not a key");
    assert_eq!(
        error.to_string(),
        "SQLite: column 3 holds Blob, not the type expected"
    );
    connection
        .execute_batch(
            "UPDATE guardians SET email_key = 'bo@example.com' WHERE guardian_id = 'G2';
             UPDATE links SET student_id = X'3030' WHERE guardian_id = 'G3';",
        )
        .expect("a blob");
    let error = roster
        .links_of(&[guardian_roster::GuardianId::from("G3")])
        .expect_err("a blob is not an ID");
    assert_eq!(
        error.to_string(),
        "SQLite: column 1 holds Blob, not the type expected"
    );
}
