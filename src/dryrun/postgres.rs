//! A real roster in PostgreSQL (feature `postgres`): the [`Roster`] the
//! dry run reads and the [`RosterWriter`] Start Processing writes, over
//! one synchronous `postgres::Client`.
//!
//! Every lookup is one query per batch (`WHERE id = ANY($1)`, the keys as
//! one array parameter, so no variable limit applies), and every write is
//! one statement per batch (`UNNEST` of one array per column).

use std::collections::HashMap;

use postgres::Client;
use postgres::types::ToSql;

use crate::checks::validated::ValidatedFile;
use crate::dryrun::apply::RosterWriter;
use crate::dryrun::roster::Roster;
use crate::dryrun::scope::Scope;
use crate::dryrun::stored::{
    GuardianColumns, TABLE_NAMES, TABLES, guardian_from_stored, guardian_keys, keys_hold,
};
use crate::dryrun::students::Students;
use crate::values::id::{GuardianId, SchoolId, StudentId, id_key};
use crate::values::record::Guardian;

/// The tables and the indexes the lookups need: the same tables as
/// [`crate::SQLITE_SCHEMA`] (feature `sqlite`), all `TEXT`. Keys are the
/// crate's: `email_key` is [`crate::Email::key`], `mobile_key` is
/// [`crate::Phone::e164`], `unpadded` is the ID's [`crate::id_key`]. Never
/// fill them with SQL (`lower()` does not fold as the crate does): write
/// through [`PostgresRoster`], or run [`PostgresRoster::rekey`] after.
pub const POSTGRES_SCHEMA: &str = TABLES;

/// The advisory lock every apply, load and rekey holds (the bytes of
/// `"guardian"`), so that two of them never run at once on one database.
const LOCK: i64 = 0x6775_6172_6469_616e;

/// Rows written by one statement at most: keeps each statement's arrays
/// (and the server's memory for them) bounded whatever the batch size.
const ROWS_PER_STATEMENT: usize = 10_000;

/// A roster in PostgreSQL, over a client (`postgres::Client::connect`).
///
/// [`crate::apply`] (through [`crate::start_processing`]),
/// [`PostgresRoster::load`] and [`PostgresRoster::rekey`] each run in a
/// transaction of their own, set by the crate:
///
/// - first the session takes an advisory lock (`pg_advisory_lock`), so two
///   applies at once run one after the other: the second waits, then
///   reads the roster the first left and reports its changes as
///   `ALREADY_APPLIED` or `STALE`; it never writes what the first wrote;
/// - then `BEGIN ISOLATION LEVEL SERIALIZABLE`: the preconditions are read
///   and the changes written in one snapshot, so a write by someone else
///   (an office edit through the application) between the two makes the
///   commit fail with a serialization error, all of it rolled back, rather
///   than overwrite the edit. Run Start Processing again: the new dry run
///   sees the edit.
///
/// The lock is released when the transaction ends, committed or not. Give
/// the roster a client outside any transaction of its own.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use guardian_roster::{ApplyOptions, DryRunOptions, PostgresRoster, Reader, dry_run, start_processing};
///
/// let mut client = postgres::Client::connect("host=localhost user=postgres", postgres::NoTls)?;
/// let mut roster = PostgresRoster::new(&mut client);
/// roster.create_schema()?;
/// let file = Reader::from_path("guardians.csv")?.validate()?;
/// let plan = dry_run(&file, &mut roster, &DryRunOptions::default())?;
/// // ... the clerk reads the plan and clicks Start Processing ...
/// start_processing(&file, &plan, &mut roster, &ApplyOptions::new())?;
/// # Ok(()) }
/// ```
pub struct PostgresRoster<'c> {
    client: &'c mut Client,
    /// Whether [`RosterWriter::begin`] (or `load`, `rekey`) holds the lock
    /// and a transaction.
    open: bool,
}

impl std::fmt::Debug for PostgresRoster<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresRoster")
            .field("open", &self.open)
            .finish_non_exhaustive()
    }
}

/// A roster dropped inside its own transaction (a panic in a progress
/// callback, say) rolls it back and releases the lock, so the client is
/// left as it was given.
impl Drop for PostgresRoster<'_> {
    fn drop(&mut self) {
        let _ = self.finish(false);
    }
}

/// Why the PostgreSQL roster failed.
///
/// Its message says the cause (`PostgreSQL: could not serialize access due
/// to concurrent update (40001)`, `PostgreSQL: error connecting to
/// server`) with the server's SQLSTATE, but never the SQL text, nor the
/// server's `DETAIL` (which quotes the values of a row, personal data):
/// errors end up in logs. The error itself is [`PostgresError::postgres`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PostgresError {
    /// PostgreSQL (or the connection to it) failed.
    #[error("PostgreSQL: {}", describe(.0))]
    Postgres(postgres::Error),
}

impl From<postgres::Error> for PostgresError {
    fn from(error: postgres::Error) -> PostgresError {
        PostgresError::Postgres(error)
    }
}

impl PostgresError {
    /// The `postgres` error, whose `DETAIL` may quote a row's values.
    #[must_use]
    pub fn postgres(&self) -> &postgres::Error {
        match self {
            PostgresError::Postgres(error) => error,
        }
    }

    /// The server's SQLSTATE (`"40001"`: a serialization failure, run it
    /// again; `"42P01"`: a table is missing, run
    /// [`PostgresRoster::create_schema`]), if the server answered with an
    /// error.
    #[must_use]
    pub fn sqlstate(&self) -> Option<&str> {
        self.postgres().code().map(|code| code.code())
    }
}

/// What went wrong, without the SQL, the `DETAIL` or the values: the
/// server's message and SQLSTATE, or the client's kind of error.
fn describe(error: &postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        format!("{} ({})", db.message(), db.code().code())
    } else if error.is_closed() {
        "the connection is closed".to_owned()
    } else {
        // The client's own errors (connecting, I/O, a type the column does
        // not hold) name no values.
        error.to_string()
    }
}

impl<'c> PostgresRoster<'c> {
    /// A roster over `client`.
    pub fn new(client: &'c mut Client) -> PostgresRoster<'c> {
        PostgresRoster {
            client,
            open: false,
        }
    }

    /// Creates the tables and indexes ([`POSTGRES_SCHEMA`]) if they are not
    /// there, in the client's current `search_path`.
    ///
    /// # Errors
    ///
    /// The server's error, as [`PostgresError`].
    pub fn create_schema(&mut self) -> Result<(), PostgresError> {
        self.client.batch_execute(TABLES)?;
        Ok(())
    }

    /// Takes the advisory lock, then starts a serializable transaction.
    fn start(&mut self) -> Result<(), PostgresError> {
        self.client
            .execute("SELECT pg_advisory_lock($1)", &[&LOCK])?;
        if let Err(error) = self
            .client
            .batch_execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
        {
            let _ = self
                .client
                .execute("SELECT pg_advisory_unlock($1)", &[&LOCK]);
            return Err(error.into());
        }
        self.open = true;
        Ok(())
    }

    /// Commits (or rolls back) the transaction `start` began, then
    /// releases the lock whatever became of it.
    fn finish(&mut self, keep: bool) -> Result<(), PostgresError> {
        if !std::mem::take(&mut self.open) {
            return Ok(());
        }
        let ended = self
            .client
            .batch_execute(if keep { "COMMIT" } else { "ROLLBACK" });
        let unlocked = self
            .client
            .execute("SELECT pg_advisory_unlock($1)", &[&LOCK]);
        ended?;
        unlocked?;
        Ok(())
    }

    /// Runs `work` in a transaction of the roster's own: committed if it
    /// succeeds, rolled back if not.
    fn in_transaction<T>(
        &mut self,
        work: impl FnOnce(&mut PostgresRoster<'c>) -> Result<T, PostgresError>,
    ) -> Result<T, PostgresError> {
        self.start()?;
        let done = work(self);
        let kept = self.finish(done.is_ok());
        let value = done?;
        kept?;
        Ok(value)
    }

    /// Loads a students file (with schools) and a current guardians export
    /// (its usable guardians and links) in one transaction of its own: all
    /// of it or nothing, a few statements per 10,000 rows. A guardian
    /// already there is updated in place (its row and any columns of the
    /// application's own stay).
    ///
    /// # Errors
    ///
    /// The server's error, as [`PostgresError`]; nothing is loaded.
    pub fn load(
        &mut self,
        students: &Students,
        current: &ValidatedFile,
    ) -> Result<(), PostgresError> {
        self.in_transaction(|roster| {
            let mut ids = Vec::new();
            let mut keys = Vec::new();
            let mut schools = Vec::new();
            let mut school_keys = Vec::new();
            let mut enrolled = Vec::new();
            let mut enrolled_at = Vec::new();
            for row in &students.enrolments {
                let id = row.student_id.as_str();
                ids.push(id);
                keys.push(id_key(id));
                if let Some(school) = &row.school_id {
                    schools.push(school.as_str());
                    school_keys.push(id_key(school.as_str()));
                    enrolled.push(id);
                    enrolled_at.push(school.as_str());
                }
            }
            roster.unnest(
                "INSERT INTO students (student_id, unpadded) SELECT * FROM UNNEST($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
                ids.len(),
                |at, rows| vec![Box::new(ids[at..rows].to_vec()), Box::new(strs(&keys[at..rows]))],
            )?;
            roster.unnest(
                "INSERT INTO schools (school_id, unpadded) SELECT * FROM UNNEST($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
                schools.len(),
                |at, rows| vec![Box::new(schools[at..rows].to_vec()), Box::new(strs(&school_keys[at..rows]))],
            )?;
            roster.unnest(
                "INSERT INTO enrolments (student_id, school_id) SELECT * FROM UNNEST($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
                enrolled.len(),
                |at, rows| vec![Box::new(enrolled[at..rows].to_vec()), Box::new(enrolled_at[at..rows].to_vec())],
            )?;
            roster.write_guardians(current.guardians(), true)?;
            let links: Vec<(GuardianId, StudentId)> = current
                .links()
                .iter()
                .map(|l| (l.guardian_id.clone(), l.student_id.clone()))
                .collect();
            roster.add_links(&links)
        })
    }

    /// Recomputes every stored key (see [`Roster::stale_keys`]: a dry run stops on them) in
    /// one transaction of its own; returns how many rows changed.
    ///
    /// # Errors
    ///
    /// The server's error, as [`PostgresError`]; nothing is changed.
    pub fn rekey(&mut self) -> Result<u64, PostgresError> {
        self.in_transaction(|roster| {
            let fixes = roster.keys_to_fix()?;
            for fix in &fixes {
                match fix {
                    KeyFix::Student(id, key) => roster.client.execute(
                        "UPDATE students SET unpadded = $1 WHERE student_id = $2",
                        &[key, id],
                    )?,
                    KeyFix::School(id, key) => roster.client.execute(
                        "UPDATE schools SET unpadded = $1 WHERE school_id = $2",
                        &[key, id],
                    )?,
                    KeyFix::Guardian(id, [unpadded, email, mobile]) => roster.client.execute(
                        "UPDATE guardians SET unpadded = $1, email_key = $2, mobile_key = $3 WHERE guardian_id = $4",
                        &[unpadded, email, mobile, id],
                    )?,
                };
            }
            Ok(fixes.len() as u64)
        })
    }

    /// Each row whose keys are not the crate's, with the keys it should
    /// have. Rows are read in place ([`keys_hold`]) as they arrive: no
    /// table is held whole, and only a stale row's text is copied.
    fn keys_to_fix(&mut self) -> Result<Vec<KeyFix>, PostgresError> {
        let mut fixes = Vec::new();
        self.each_row("SELECT student_id, unpadded FROM students", |row| {
            let id: &str = row.try_get(0)?;
            if !keys_hold(id, row.try_get(1)?, None) {
                fixes.push(KeyFix::Student(id.to_owned(), id_key(id).into_owned()));
            }
            Ok(())
        })?;
        self.each_row("SELECT school_id, unpadded FROM schools", |row| {
            let id: &str = row.try_get(0)?;
            if !keys_hold(id, row.try_get(1)?, None) {
                fixes.push(KeyFix::School(id.to_owned(), id_key(id).into_owned()));
            }
            Ok(())
        })?;
        self.each_row(
            "SELECT guardian_id, unpadded, email, email_key, mobile_phone, mobile_key FROM guardians",
            |row| {
                let id: &str = row.try_get(0)?;
                let email: Option<&str> = row.try_get(2)?;
                let mobile: Option<&str> = row.try_get(4)?;
                let contacts = [email, mobile, row.try_get(3)?, row.try_get(5)?];
                if !keys_hold(id, row.try_get(1)?, Some(contacts)) {
                    fixes.push(KeyFix::Guardian(
                        id.to_owned(),
                        guardian_keys(id, email, mobile),
                    ));
                }
                Ok(())
            },
        )?;
        Ok(fixes)
    }

    /// Runs `sql` (without parameters) and hands each row to `each` as it
    /// arrives, so that a whole table is never held at once.
    fn each_row(
        &mut self,
        sql: &str,
        mut each: impl FnMut(&postgres::Row) -> Result<(), postgres::Error>,
    ) -> Result<(), PostgresError> {
        use postgres::fallible_iterator::FallibleIterator;
        let mut rows = self.client.query_raw(sql, std::iter::empty::<&str>())?;
        while let Some(row) = rows.next()? {
            each(&row)?;
        }
        Ok(())
    }

    /// Runs `sql` once per [`ROWS_PER_STATEMENT`] of `rows` rows, with the
    /// arrays `columns` gives for rows `at..end`.
    fn unnest<'v>(
        &mut self,
        sql: &str,
        rows: usize,
        columns: impl Fn(usize, usize) -> Vec<Box<dyn ToSql + Sync + 'v>>,
    ) -> Result<(), PostgresError> {
        if rows == 0 {
            return Ok(());
        }
        let statement = self.client.prepare(sql)?;
        let mut at = 0;
        while at < rows {
            let end = (at + ROWS_PER_STATEMENT).min(rows);
            let arrays = columns(at, end);
            let params: Vec<&(dyn ToSql + Sync)> = arrays.iter().map(|a| &**a as _).collect();
            self.client.execute(&statement, &params)?;
            at = end;
        }
        Ok(())
    }

    /// Writes guardians' rows: inserted (or, for a guardian already
    /// there, its columns set in place), or only updated in place. Never a
    /// delete and insert: the row and the application's own columns stay.
    fn write_guardians(
        &mut self,
        guardians: &[Guardian],
        insert: bool,
    ) -> Result<(), PostgresError> {
        // One row per guardian ID, the last one written wins (an upsert
        // may not touch a row twice in one statement).
        let mut last: HashMap<&str, usize> = HashMap::with_capacity(guardians.len());
        for (at, guardian) in guardians.iter().enumerate() {
            last.insert(guardian.guardian_id.as_str(), at);
        }
        let rows: Vec<GuardianColumns<'_>> = guardians
            .iter()
            .enumerate()
            .filter(|(at, g)| last.get(g.guardian_id.as_str()) == Some(at))
            .map(|(_, g)| GuardianColumns::of(g))
            .collect();
        let sql = if insert {
            "INSERT INTO guardians (guardian_id, unpadded, first_name, last_name, email, email_key, mobile_phone, mobile_key, home_phone, language) \
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[]) \
             ON CONFLICT (guardian_id) DO UPDATE SET unpadded = excluded.unpadded, first_name = excluded.first_name, last_name = excluded.last_name, email = excluded.email, email_key = excluded.email_key, mobile_phone = excluded.mobile_phone, mobile_key = excluded.mobile_key, home_phone = excluded.home_phone, language = excluded.language"
        } else {
            "UPDATE guardians AS g SET unpadded = u.unpadded, first_name = u.first_name, last_name = u.last_name, email = u.email, email_key = u.email_key, mobile_phone = u.mobile_phone, mobile_key = u.mobile_key, home_phone = u.home_phone, language = u.language \
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[]) \
             AS u(guardian_id, unpadded, first_name, last_name, email, email_key, mobile_phone, mobile_key, home_phone, language) \
             WHERE g.guardian_id = u.guardian_id"
        };
        self.unnest(sql, rows.len(), |at, end| {
            let rows = &rows[at..end];
            vec![
                Box::new(rows.iter().map(|r| r.guardian_id).collect::<Vec<_>>()),
                Box::new(rows.iter().map(|r| r.unpadded.as_ref()).collect::<Vec<_>>()),
                Box::new(rows.iter().map(|r| r.first_name).collect::<Vec<_>>()),
                Box::new(rows.iter().map(|r| r.last_name).collect::<Vec<_>>()),
                Box::new(rows.iter().map(|r| r.email).collect::<Vec<_>>()),
                Box::new(rows.iter().map(|r| r.email_key).collect::<Vec<_>>()),
                Box::new(
                    rows.iter()
                        .map(|r| r.mobile_phone.as_deref())
                        .collect::<Vec<_>>(),
                ),
                Box::new(rows.iter().map(|r| r.mobile_key).collect::<Vec<_>>()),
                Box::new(
                    rows.iter()
                        .map(|r| r.home_phone.as_deref())
                        .collect::<Vec<_>>(),
                ),
                Box::new(rows.iter().map(|r| r.language).collect::<Vec<_>>()),
            ]
        })
    }

    /// Runs `sql`, whose one parameter is the array of `keys`, and reads
    /// each row with `read`.
    fn query_any<T>(
        &mut self,
        sql: &str,
        keys: &[&str],
        read: impl Fn(&postgres::Row) -> Result<T, postgres::Error>,
    ) -> Result<Vec<T>, PostgresError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self.client.query(sql, &[&keys])?;
        rows.iter()
            .map(|row| read(row).map_err(PostgresError::from))
            .collect()
    }

    /// Counts of the roster's tables (`students`, `schools`, `enrolments`,
    /// `guardians`, `links`), for reports.
    ///
    /// # Errors
    ///
    /// The server's error, as [`PostgresError`].
    pub fn table_counts(&mut self) -> Result<HashMap<&'static str, u64>, PostgresError> {
        let mut counts = HashMap::new();
        for table in TABLE_NAMES {
            let row = self
                .client
                .query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])?;
            let count: i64 = row.try_get(0)?;
            counts.insert(table, u64::try_from(count).unwrap_or(0));
        }
        Ok(counts)
    }
}

/// A stored key to set again (see [`PostgresRoster::rekey`]).
enum KeyFix {
    Student(String, String),
    School(String, String),
    Guardian(String, [Option<String>; 3]),
}

fn strs<T: AsRef<str>>(ids: &[T]) -> Vec<&str> {
    ids.iter().map(AsRef::as_ref).collect()
}

fn pair<A: From<String>, B: From<String>>(row: &postgres::Row) -> Result<(A, B), postgres::Error> {
    Ok((
        A::from(row.try_get::<_, String>(0)?),
        B::from(row.try_get::<_, String>(1)?),
    ))
}

/// A guardian row (`guardian_id, first_name, last_name, email,
/// mobile_phone, home_phone, language`), read back as stored.
fn guardian_from(row: &postgres::Row) -> Result<Guardian, postgres::Error> {
    Ok(guardian_from_stored(
        row.try_get(0)?,
        row.try_get(1)?,
        row.try_get(2)?,
        [
            row.try_get(3)?,
            row.try_get(4)?,
            row.try_get(5)?,
            row.try_get(6)?,
        ],
    ))
}

impl Roster for PostgresRoster<'_> {
    type Error = PostgresError;

    /// Rows whose stored key is missing or is not the crate's key for
    /// their value (`unpadded` is not [`crate::id_key`] of the ID,
    /// `email_key` not [`crate::Email::key`] of the email, `mobile_key`
    /// not [`crate::Phone::e164`] of the mobile): tables written by other
    /// means. One pass over the students, schools and guardians; run
    /// [`PostgresRoster::rekey`] to fix them.
    fn stale_keys(&mut self) -> Result<u64, PostgresError> {
        Ok(self.keys_to_fix()?.len() as u64)
    }

    fn existing_students(&mut self, ids: &[StudentId]) -> Result<Vec<StudentId>, PostgresError> {
        self.query_any(
            "SELECT student_id FROM students WHERE student_id = ANY($1)",
            &strs(ids),
            |row| row.try_get::<_, String>(0).map(StudentId::from),
        )
    }

    fn similar_students(&mut self, keys: &[&str]) -> Result<Vec<StudentId>, PostgresError> {
        self.query_any(
            "SELECT student_id FROM students WHERE unpadded = ANY($1)",
            keys,
            |row| row.try_get::<_, String>(0).map(StudentId::from),
        )
    }

    fn similar_guardians(&mut self, keys: &[&str]) -> Result<Vec<GuardianId>, PostgresError> {
        self.query_any(
            "SELECT guardian_id FROM guardians WHERE unpadded = ANY($1)",
            keys,
            |row| row.try_get::<_, String>(0).map(GuardianId::from),
        )
    }

    fn guardians(&mut self, ids: &[GuardianId]) -> Result<Vec<Guardian>, PostgresError> {
        self.query_any(
            "SELECT guardian_id, first_name, last_name, email, mobile_phone, home_phone, language FROM guardians WHERE guardian_id = ANY($1)",
            &strs(ids),
            guardian_from,
        )
    }

    fn links_of(
        &mut self,
        ids: &[GuardianId],
    ) -> Result<Vec<(GuardianId, StudentId)>, PostgresError> {
        self.query_any(
            "SELECT guardian_id, student_id FROM links WHERE guardian_id = ANY($1)",
            &strs(ids),
            pair,
        )
    }

    fn email_owners(
        &mut self,
        emails: &[&str],
    ) -> Result<Vec<(String, GuardianId)>, PostgresError> {
        self.query_any(
            "SELECT email_key, guardian_id FROM guardians WHERE email_key = ANY($1)",
            emails,
            pair,
        )
    }

    fn mobile_owners(
        &mut self,
        mobiles: &[&str],
    ) -> Result<Vec<(String, GuardianId)>, PostgresError> {
        self.query_any(
            "SELECT mobile_key, guardian_id FROM guardians WHERE mobile_key = ANY($1)",
            mobiles,
            pair,
        )
    }

    fn links_in_scope(
        &mut self,
        scope: &Scope,
    ) -> Result<Vec<(GuardianId, StudentId)>, PostgresError> {
        match scope {
            Scope::District => {
                let mut links = Vec::new();
                self.each_row("SELECT guardian_id, student_id FROM links", |row| {
                    links.push(pair(row)?);
                    Ok(())
                })?;
                Ok(links)
            }
            Scope::Schools { schools } => self.query_any(
                "SELECT DISTINCT l.guardian_id, l.student_id FROM links l JOIN enrolments e ON e.student_id = l.student_id WHERE e.school_id = ANY($1)",
                &strs(schools),
                pair,
            ),
        }
    }

    fn schools_of(
        &mut self,
        students: &[StudentId],
    ) -> Result<Vec<(StudentId, SchoolId)>, PostgresError> {
        self.query_any(
            "SELECT student_id, school_id FROM enrolments WHERE student_id = ANY($1)",
            &strs(students),
            pair,
        )
    }

    fn similar_schools(&mut self, keys: &[&str]) -> Result<Vec<SchoolId>, PostgresError> {
        self.query_any(
            "SELECT school_id FROM schools WHERE unpadded = ANY($1)",
            keys,
            |row| row.try_get::<_, String>(0).map(SchoolId::from),
        )
    }
}

impl RosterWriter for PostgresRoster<'_> {
    /// The advisory lock, then `BEGIN ISOLATION LEVEL SERIALIZABLE`:
    /// [`crate::apply`] reads and writes in it, all or nothing, one apply
    /// at a time.
    fn begin(&mut self) -> Result<bool, PostgresError> {
        self.start()?;
        Ok(true)
    }

    fn commit(&mut self) -> Result<(), PostgresError> {
        self.finish(true)
    }

    fn rollback(&mut self) -> Result<(), PostgresError> {
        self.finish(false)
    }

    fn create_guardians(&mut self, guardians: &[Guardian]) -> Result<(), PostgresError> {
        self.write_guardians(guardians, true)
    }

    /// `UPDATE`s the guardians' columns in place: the row and the
    /// application's own columns stay.
    fn update_guardians(&mut self, guardians: &[Guardian]) -> Result<(), PostgresError> {
        self.write_guardians(guardians, false)
    }

    fn add_links(&mut self, links: &[(GuardianId, StudentId)]) -> Result<(), PostgresError> {
        self.unnest(
            "INSERT INTO links (guardian_id, student_id) SELECT * FROM UNNEST($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
            links.len(),
            |at, end| link_columns(&links[at..end]),
        )
    }

    fn remove_links(&mut self, links: &[(GuardianId, StudentId)]) -> Result<(), PostgresError> {
        self.unnest(
            "DELETE FROM links AS l USING UNNEST($1::text[], $2::text[]) AS u(guardian_id, student_id) \
             WHERE l.guardian_id = u.guardian_id AND l.student_id = u.student_id",
            links.len(),
            |at, end| link_columns(&links[at..end]),
        )
    }
}

/// The guardian and student arrays of `links`.
fn link_columns(links: &[(GuardianId, StudentId)]) -> Vec<Box<dyn ToSql + Sync + '_>> {
    vec![
        Box::new(links.iter().map(|(g, _)| g.as_str()).collect::<Vec<_>>()),
        Box::new(links.iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>()),
    ]
}
