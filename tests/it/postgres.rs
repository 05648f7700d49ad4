//! The PostgreSQL roster (feature `postgres`) against a real server: the
//! same plans and final tables as SQLite and the in-memory roster, and
//! Start Processing's guarantees (nothing unapproved written, edits since
//! the dry run kept, one apply at a time, keys that cannot drift).
//!
//! The server is the one `GUARDIAN_ROSTER_POSTGRES_URL` names (`.ci/run`
//! starts one; by hand: `source .ci/postgres.sh && postgres_start`). Each
//! test works in a schema of its own.
#![cfg(feature = "postgres")]

use crate::common;

use common::csv;
use guardian_roster::{
    ApplyOptions, DryRunOptions, InMemoryRoster, Plan, PostgresRoster, Roster, RosterWriter,
    SchoolId, Scope, SyncMode, apply, dry_run, read_students, start_processing,
};
use postgres::{Client, NoTls};

const STUDENTS: &str = "student_id,school_id\n001,0102\n002,0102\n003,0205\n004,0205\n";

const CURRENT: &[&str] = &[
    "001,G1,Ana,Ruiz,ana@old.example.com,312 555 0101 x12,,en",
    "002,G2,Bo,Li,bo@example.com,,+33 1 42 76 49 78,",
    "003,G3,Cy,Ng,cy@example.com,,,vi",
    "004,G4,Di,Oz,di@example.com,,,",
];

const UPLOAD: &[&str] = &[
    "001,G1,Ana,Ruiz,ana@example.com,312 555 0101 x12,,es",
    "002,G2,Bo,Li,bo@example.com,,+33 1 42 76 49 78,",
    "002,G5,Ed,Po,ed@example.com,312 555 0105,,fr",
    "1,G6,Fay,Qi,fay@example.com,,,",
    "004,004,Gil,Ra,cy@example.com,,,",
];

fn url() -> String {
    std::env::var("GUARDIAN_ROSTER_POSTGRES_URL").unwrap_or_else(|_| {
        panic!(
            "the postgres tests need a server: set GUARDIAN_ROSTER_POSTGRES_URL \
             (`source .ci/postgres.sh && postgres_start` starts one)"
        )
    })
}

/// A client whose `search_path` is `schema` (which must exist).
fn client_in(schema: &str) -> Client {
    let mut client = Client::connect(&url(), NoTls).expect("the test server");
    client
        .batch_execute(&format!("SET search_path TO {schema}"))
        .expect("search_path");
    client
}

/// A client in a new, empty schema of this test's own, with the tables.
fn fresh(test: &str) -> (String, Client) {
    let schema = format!("t_{test}_{}", std::process::id());
    let mut client = Client::connect(&url(), NoTls).expect("the test server");
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}; SET search_path TO {schema}"
        ))
        .expect("a schema");
    PostgresRoster::new(&mut client)
        .create_schema()
        .expect("tables");
    (schema, client)
}

fn load(client: &mut Client, current: &[&str]) {
    let students = read_students(STUDENTS.as_bytes()).expect("students");
    PostgresRoster::new(client)
        .load(&students, &common::validate(csv(current)))
        .expect("loads");
}

fn memory(current: &[&str]) -> InMemoryRoster {
    common::memory_roster(STUDENTS, current)
}

fn json(plan: &Plan) -> String {
    common::json(plan)
}

/// Every guardian row (ID, names, contacts, keys) and every link, sorted.
fn pg_tables(client: &mut Client) -> Vec<String> {
    let mut rows: Vec<String> = client
        .query(
            "SELECT concat_ws('|', guardian_id, unpadded, first_name, last_name, email, email_key, mobile_phone, mobile_key, home_phone, language) FROM guardians",
            &[],
        )
        .expect("guardians")
        .iter()
        .map(|row| row.get::<_, String>(0))
        .collect();
    rows.extend(
        client
            .query("SELECT guardian_id || '->' || student_id FROM links", &[])
            .expect("links")
            .iter()
            .map(|row| row.get::<_, String>(0)),
    );
    rows.sort_unstable();
    rows
}

#[cfg(feature = "sqlite")]
fn sqlite_tables(connection: &rusqlite::Connection) -> Vec<String> {
    let mut rows = Vec::new();
    for sql in [
        "SELECT concat_ws('|', guardian_id, unpadded, first_name, last_name, email, email_key, mobile_phone, mobile_key, home_phone, language) FROM guardians",
        "SELECT guardian_id || '->' || student_id FROM links",
    ] {
        let mut statement = connection.prepare(sql).expect("prepares");
        let found = statement
            .query_map([], |row| row.get::<_, String>(0))
            .expect("reads");
        rows.extend(found.map(|row| row.expect("a row")));
    }
    rows.sort_unstable();
    rows
}

fn options() -> Vec<DryRunOptions> {
    vec![
        DryRunOptions::new(),
        DryRunOptions::new()
            .mode(SyncMode::Full)
            .max_unlink_percent(100.0)
            .clone(),
        DryRunOptions::new()
            .mode(SyncMode::Full)
            .max_unlink_percent(100.0)
            .scope(Scope::schools([SchoolId::from("0102")]))
            .clone(),
        DryRunOptions::new().batch_size(1).clone(),
    ]
}

/// The same upload gives byte-identical plans (JSON) on PostgreSQL,
/// SQLite and the in-memory roster, and, applied, the same tables.
#[test]
fn postgres_plans_and_applies_as_sqlite_and_memory() {
    let (_schema, mut client) = fresh("plans");
    load(&mut client, CURRENT);
    let file = common::validate(csv(UPLOAD));
    for options in options() {
        let mut roster = PostgresRoster::new(&mut client);
        let in_postgres = dry_run(&file, &mut roster, &options).expect("postgres answers");
        let in_memory = dry_run(&file, &mut memory(CURRENT), &options).expect("in memory");
        assert_eq!(json(&in_postgres), json(&in_memory), "{options:?}");
        #[cfg(feature = "sqlite")]
        {
            let connection = rusqlite::Connection::open_in_memory().expect("sqlite");
            let mut sqlite = guardian_roster::SqliteRoster::new(&connection);
            sqlite.create_schema().expect("tables");
            let students = read_students(STUDENTS.as_bytes()).expect("students");
            sqlite
                .load(&students, &common::validate(csv(CURRENT)))
                .expect("loads");
            let in_sqlite = dry_run(&file, &mut sqlite, &options).expect("sqlite answers");
            assert_eq!(json(&in_postgres), json(&in_sqlite), "{options:?}");
            start_processing(&file, &in_sqlite, &mut sqlite, &ApplyOptions::new())
                .expect("applies on sqlite");
            // Applied on a copy of the PostgreSQL roster, the tables agree.
            let (_copy, mut copy) = fresh("plans_copy");
            load(&mut copy, CURRENT);
            let mut roster = PostgresRoster::new(&mut copy);
            start_processing(&file, &in_postgres, &mut roster, &ApplyOptions::new())
                .expect("applies on postgres");
            drop(roster);
            assert_eq!(
                pg_tables(&mut copy),
                sqlite_tables(&connection),
                "{options:?}"
            );
        }
    }
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full).max_unlink_percent(100.0);
    let mut roster = PostgresRoster::new(&mut client);
    let plan = dry_run(&file, &mut roster, &options).expect("plans");
    assert_eq!(
        (
            plan.summary().create_guardian,
            plan.summary().update_guardian,
            plan.summary().unlink
        ),
        (1, 1, 1)
    );
    let applied =
        start_processing(&file, &plan, &mut roster, &ApplyOptions::new()).expect("applies");
    assert_eq!(applied.applied(), plan.changes().len());
    let again = dry_run(&file, &mut roster, &options).expect("plans");
    assert!(again.changes().is_empty(), "{:?}", again.changes());
    drop(roster);
    // The same changes applied to the in-memory roster leave the same
    // guardians and links.
    let mut memory = memory(CURRENT);
    let plan = dry_run(&file, &mut memory.clone(), &options).expect("plans");
    guardian_roster::apply(&plan, &mut memory, &ApplyOptions::new()).expect("in memory");
    let mut expected: Vec<String> = memory
        .all_links()
        .map(|(g, s)| format!("{g}->{s}"))
        .collect();
    expected.extend(memory.all_guardians().map(|g| {
        let id = g.guardian_id.as_str();
        [
            Some(id.to_owned()),
            Some(guardian_roster::id_key(id).into_owned()),
            Some(g.first_name.as_str().to_owned()),
            Some(g.last_name.as_str().to_owned()),
            g.email.as_ref().map(|e| e.as_str().to_owned()),
            g.email.as_ref().map(|e| e.key().to_owned()),
            g.mobile_phone.as_ref().map(ToString::to_string),
            g.mobile_phone.as_ref().map(|p| p.e164().to_owned()),
            g.home_phone.as_ref().map(ToString::to_string),
            g.language.as_ref().map(|l| l.as_str().to_owned()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("|")
    }));
    expected.sort_unstable();
    assert_eq!(pg_tables(&mut client), expected);
    // Stored values read back: the extension, a foreign number.
    let g1 = PostgresRoster::new(&mut client)
        .guardians(&["G1".into()])
        .expect("reads");
    assert_eq!(
        g1[0]
            .mobile_phone
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("+13125550101;ext=12")
    );
}

/// A plan edited by hand after the dry run writes nothing: a changed
/// email, a moved link, an injected unlink, an invalid value.
#[test]
fn a_hand_edited_plan_writes_nothing_on_postgres() {
    let (_schema, mut client) = fresh("edited");
    load(&mut client, CURRENT);
    let before = pg_tables(&mut client);
    let file = common::validate(csv(UPLOAD));
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full).max_unlink_percent(100.0);
    let plan = dry_run(&file, &mut PostgresRoster::new(&mut client), &options).expect("plans");
    let stored = json(&plan);
    for (edit, from, to) in [
        ("another email", "ed@example.com", "thief@example.com"),
        (
            "a moved link",
            r#""student_id":"002""#,
            r#""student_id":"003""#,
        ),
        ("an invalid email", "ed@example.com", "not an email"),
    ] {
        assert!(stored.contains(from), "{edit}");
        let edited = stored.replacen(from, to, 1);
        match serde_json::from_str::<Plan>(&edited) {
            Err(_) => assert_eq!(edit, "an invalid email", "refused when read back"),
            Ok(edited) => {
                let error = start_processing(
                    &file,
                    &edited,
                    &mut PostgresRoster::new(&mut client),
                    &ApplyOptions::new(),
                )
                .expect_err(edit);
                assert_eq!(error.code().as_str(), "plan_not_approved", "{edit}");
            }
        }
        assert_eq!(pg_tables(&mut client), before, "{edit}: nothing written");
    }
    // An unlink the dry run did not plan, appended to the changes.
    let mut value: serde_json::Value = serde_json::from_str(&stored).expect("JSON");
    let changes = value["changes"].as_array_mut().expect("changes");
    let unlink = changes
        .iter()
        .find(|c| c["action"] == "unlink")
        .cloned()
        .expect("an unlink");
    let mut injected = unlink.clone();
    injected["guardian_id"] = "G1".into();
    injected["student_id"] = "001".into();
    changes.push(injected);
    let edited: Plan = serde_json::from_value(value).expect("still reads");
    let error = start_processing(
        &file,
        &edited,
        &mut PostgresRoster::new(&mut client),
        &ApplyOptions::new(),
    )
    .expect_err("injected unlink");
    assert_eq!(error.code().as_str(), "plan_not_approved");
    assert_eq!(pg_tables(&mut client), before);
}

/// An office edit of another field since the dry run survives: the plan
/// is refused as no longer the roster's; a second apply of an applied
/// plan writes nothing and says ALREADY_APPLIED; an application's own
/// column and the row's identity survive an update.
#[test]
fn edits_since_the_dry_run_and_the_applications_columns_survive() {
    let (_schema, mut client) = fresh("edits");
    load(&mut client, CURRENT);
    client
        .batch_execute(
            "ALTER TABLE guardians ADD COLUMN app_id BIGSERIAL, ADD COLUMN app_note TEXT;
             UPDATE guardians SET app_note = 'prefers mornings' WHERE guardian_id = 'G1';",
        )
        .expect("an application's columns");
    let file = common::validate(csv(UPLOAD));
    let options = DryRunOptions::new();
    let plan = dry_run(&file, &mut PostgresRoster::new(&mut client), &options).expect("plans");
    assert!(
        plan.changes()
            .iter()
            .any(|c| c.action() == "update_guardian")
    );
    client
        .batch_execute("UPDATE guardians SET last_name = 'Ruiz-Vega' WHERE guardian_id = 'G1'")
        .expect("an office edit");
    let error = start_processing(
        &file,
        &plan,
        &mut PostgresRoster::new(&mut client),
        &ApplyOptions::new(),
    )
    .expect_err("the roster moved on");
    assert_eq!(error.code().as_str(), "plan_not_approved");
    let g1 = |client: &mut Client| -> (i64, Option<String>, String, String) {
        let row = client
            .query_one(
                "SELECT app_id, app_note, last_name, email FROM guardians WHERE guardian_id = 'G1'",
                &[],
            )
            .expect("G1");
        (row.get(0), row.get(1), row.get(2), row.get(3))
    };
    let before = g1(&mut client);
    assert_eq!(before.2, "Ruiz-Vega");
    assert_eq!(before.3, "ana@old.example.com");

    // The clerk runs the dry run again and applies it.
    let plan = dry_run(&file, &mut PostgresRoster::new(&mut client), &options).expect("plans");
    let applied = start_processing(
        &file,
        &plan,
        &mut PostgresRoster::new(&mut client),
        &ApplyOptions::new(),
    )
    .expect("applies");
    assert_eq!(applied.applied(), plan.changes().len());
    let after = g1(&mut client);
    assert_eq!(after.0, before.0, "the row kept its identity");
    assert_eq!(after.1.as_deref(), Some("prefers mornings"));
    assert_eq!(after.3, "ana@example.com");
    // The upload's last name is the SIS's: the update wrote it back.
    assert_eq!(after.2, "Ruiz");

    // A second Start Processing of the same plan writes nothing.
    let tables = pg_tables(&mut client);
    let again = start_processing(
        &file,
        &plan,
        &mut PostgresRoster::new(&mut client),
        &ApplyOptions::new(),
    )
    .expect("nothing left to do");
    assert_eq!(
        (again.applied(), again.already_applied(), again.stale()),
        (0, plan.changes().len(), 0)
    );
    assert_eq!(pg_tables(&mut client), tables);
}

/// Two applies at once on two connections never both write: the second
/// waits for the first, then finds every change already applied.
#[test]
fn two_applies_at_once_never_both_write_on_postgres() {
    let (schema, mut client) = fresh("concurrent");
    load(&mut client, CURRENT);
    let file = common::validate(csv(UPLOAD));
    let plan = dry_run(
        &file,
        &mut PostgresRoster::new(&mut client),
        &DryRunOptions::new(),
    )
    .expect("plans");
    let barrier = std::sync::Barrier::new(2);
    let outcomes: Vec<(usize, usize, usize)> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..2)
            .map(|_| {
                let (schema, plan, barrier) = (&schema, &plan, &barrier);
                scope.spawn(move || {
                    let mut client = client_in(schema);
                    let mut roster = PostgresRoster::new(&mut client);
                    barrier.wait();
                    let done = apply(plan, &mut roster, &ApplyOptions::new()).expect("applies");
                    (done.applied(), done.already_applied(), done.stale())
                })
            })
            .collect();
        runs.into_iter()
            .map(|run| run.join().expect("no panic"))
            .collect()
    });
    let n = plan.changes().len();
    let mut outcomes = outcomes;
    outcomes.sort_unstable();
    assert_eq!(outcomes, [(0, n, 0), (n, 0, 0)]);
}

/// A write by someone else between the preconditions and the writes of
/// one apply fails the apply (serializable), all of it rolled back,
/// rather than overwrite the edit.
#[test]
fn a_concurrent_office_edit_fails_the_apply_rather_than_being_lost() {
    let (schema, mut client) = fresh("serializable");
    load(&mut client, CURRENT);
    let mut roster = PostgresRoster::new(&mut client);
    assert!(roster.begin().expect("a transaction"));
    let seen = roster.guardians(&["G1".into()]).expect("reads");
    // The office edits G1 on another connection and commits.
    client_in(&schema)
        .batch_execute("UPDATE guardians SET email = 'office@example.com' WHERE guardian_id = 'G1'")
        .expect("an office edit");
    let mut changed = seen[0].clone();
    changed.first_name = "Anita".into();
    let error = roster
        .update_guardians(&[changed])
        .expect_err("a serialization failure");
    assert_eq!(error.sqlstate(), Some("40001"));
    assert_eq!(
        error.to_string(),
        "PostgreSQL: could not serialize access due to concurrent update (40001)"
    );
    roster.rollback().expect("rolls back");
    drop(roster);
    let row = client
        .query_one(
            "SELECT first_name, email FROM guardians WHERE guardian_id = 'G1'",
            &[],
        )
        .expect("G1");
    assert_eq!(
        (row.get::<_, String>(0), row.get::<_, String>(1)),
        ("Ana".to_owned(), "office@example.com".to_owned())
    );
}

/// A cancel while applying rolls back what was written.
#[test]
fn a_cancelled_apply_commits_nothing_on_postgres() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let (_schema, mut client) = fresh("cancel");
    load(&mut client, CURRENT);
    let before = pg_tables(&mut client);
    let file = common::validate(csv(UPLOAD));
    let plan = dry_run(
        &file,
        &mut PostgresRoster::new(&mut client),
        &DryRunOptions::new(),
    )
    .expect("plans");
    let flag = Arc::new(AtomicBool::new(false));
    let raise = Arc::clone(&flag);
    let mut options = ApplyOptions::new();
    options.control(
        guardian_roster::Control::new()
            .cancel_flag(Arc::clone(&flag))
            .progress(move |progress| {
                if progress.done > 0 {
                    raise.store(true, Ordering::Relaxed);
                }
            }),
    );
    let error =
        apply(&plan, &mut PostgresRoster::new(&mut client), &options).expect_err("cancelled");
    assert_eq!(error.code().as_str(), "cancelled");
    assert_eq!(pg_tables(&mut client), before);
    // A roster dropped inside its transaction rolls it back and releases
    // the lock.
    let mut roster = PostgresRoster::new(&mut client);
    assert!(roster.begin().expect("a transaction"));
    roster
        .remove_links(&[("G1".into(), "001".into())])
        .expect("removes");
    drop(roster);
    assert_eq!(pg_tables(&mut client), before);
    // The lock was released: another apply runs.
    let applied = apply(
        &plan,
        &mut PostgresRoster::new(&mut client),
        &ApplyOptions::new(),
    )
    .expect("applies");
    assert_eq!(applied.applied(), plan.changes().len());
}

/// Keys filled by other means are found and recomputed; long key lists
/// are one array; a store error names its cause without SQL or values.
#[test]
fn keys_that_drifted_are_found_and_rekeyed_on_postgres() {
    let (_schema, mut client) = fresh("rekey");
    load(&mut client, CURRENT);
    let mut roster = PostgresRoster::new(&mut client);
    assert_eq!(roster.stale_keys().expect("reads"), 0);
    drop(roster);
    client
        .batch_execute(
            "UPDATE guardians SET email_key = NULL WHERE guardian_id = 'G2';
             UPDATE guardians SET unpadded = guardian_id WHERE guardian_id = 'G3';
             UPDATE students SET unpadded = student_id WHERE student_id = '001';",
        )
        .expect("drift");
    let mut roster = PostgresRoster::new(&mut client);
    assert_eq!(roster.stale_keys().expect("reads"), 3);
    let file = common::validate(csv(&["002,G9,Bo,Li,BO@example.com,,,"]));
    let error = dry_run(&file, &mut roster, &DryRunOptions::new()).expect_err("stale keys");
    assert_eq!(error.code().as_str(), "stale_roster_keys");
    assert!(
        error
            .to_string()
            .starts_with("3 rows of the roster carry lookup keys")
    );
    assert_eq!(roster.rekey().expect("rekeyed"), 3);
    assert_eq!(roster.stale_keys().expect("reads"), 0);
    let plan = dry_run(&file, &mut roster, &DryRunOptions::new()).expect("plans");
    assert!(
        plan.diagnostics()
            .iter()
            .any(|d| d.code.as_str() == "email_in_use")
    );

    let ids: Vec<guardian_roster::StudentId> = (0..40_000)
        .map(|n| guardian_roster::StudentId::from(format!("{n:03}").as_str()))
        .collect();
    let mut found = roster.existing_students(&ids).expect("one array");
    found.sort_unstable();
    assert_eq!(
        found,
        ["001", "002", "003", "004"].map(guardian_roster::StudentId::from)
    );

    // A unique index the application added: the duplicate's DETAIL quotes
    // the values, the error does not.
    drop(roster);
    client
        .batch_execute("CREATE UNIQUE INDEX one_login ON guardians (email_key)")
        .expect("an index");
    let mut roster = PostgresRoster::new(&mut client);
    let twin = roster.guardians(&["G3".into()]).expect("reads");
    let mut twin = twin[0].clone();
    twin.guardian_id = "G77".into();
    let error = roster
        .create_guardians(&[twin])
        .expect_err("a duplicate key");
    assert_eq!(error.sqlstate(), Some("23505"));
    let text = error.to_string();
    assert_eq!(
        text,
        "PostgreSQL: duplicate key value violates unique constraint \"one_login\" (23505)"
    );
    assert!(!text.contains("cy@example.com") && !text.contains("INSERT"));
}

/// The `postgres_sync` example: load, dry run, apply, dry run again = no
/// change.
#[test]
fn the_postgres_sync_example_applies_and_reruns_to_nothing() {
    let (schema, client) = fresh("example");
    drop(client);
    let url = format!("{} options=--search_path={schema}", url());
    let run = || {
        let output = std::process::Command::new(common::example("postgres_sync"))
            .args([
                "--url", &url, "--mode", "full", "--apply", "--format", "json",
            ])
            .output()
            .expect("the example runs");
        serde_json::from_slice::<serde_json::Value>(&output.stdout).expect("JSON")
    };
    let json = run();
    assert_eq!(json["summary"]["create_guardian"], 5);
    assert_eq!(json["applied"]["applied"], 13);
    assert_eq!(json["applied"]["stale"], 0);
    assert_eq!(json["applied"]["changes_left"], 0);
    let json = run();
    assert_eq!(json["summary"]["create_guardian"], 0);
    assert_eq!(json["applied"]["applied"], 0);
}
