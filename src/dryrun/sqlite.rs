//! A real roster in SQLite (feature `sqlite`): the [`Roster`] the dry run
//! reads and the [`RosterWriter`] Start Processing writes, over one
//! `rusqlite` connection or transaction.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

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

/// The tables and the indexes the lookups need. Keys are the documented
/// ones: `email_key` is [`crate::Email::key`], `mobile_key` is [`crate::Phone::e164`],
/// `unpadded` is the ID's [`crate::id_key`] (without leading zeros, in
/// lowercase, width and digits folded), the key `similar_*` are asked with.
/// The same tables as [`crate::POSTGRES_SCHEMA`] (feature `postgres`).
pub const SQLITE_SCHEMA: &str = TABLES;

/// A roster in SQLite, over a connection. [`SqliteRoster::load`] and
/// [`crate::apply`] (through [`crate::start_processing`]) run in a
/// transaction of their own: `BEGIN IMMEDIATE` on a connection in
/// autocommit mode, which takes the write lock before the preconditions
/// are read, so two applies at once never both write (the second waits for
/// the connection's busy timeout, then fails with `database is locked`),
/// or a savepoint inside a transaction the caller holds. Either way it is
/// all or nothing.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use guardian_roster::{DryRunOptions, Reader, SqliteRoster, ApplyOptions, dry_run, read_students, start_processing};
///
/// let connection = rusqlite::Connection::open_in_memory()?;
/// let mut roster = SqliteRoster::new(&connection);
/// roster.create_schema()?;
/// let students = read_students("student_id,school_id\n000125,0102\n".as_bytes())?;
/// let current = Reader::from_reader(
///     "student_id,guardian_id,first_name,last_name,email,mobile_phone\n".as_bytes(),
/// )?
/// .validate()?;
/// roster.load(&students, &current)?;
/// let file = Reader::from_reader(
///     "student_id,guardian_id,first_name,last_name,email,mobile_phone\n\
///      000125,G1,Ana,Diaz,ana@example.com,\n"
///         .as_bytes(),
/// )?
/// .validate()?;
/// let plan = dry_run(&file, &mut roster, &DryRunOptions::default())?;
/// start_processing(&file, &plan, &mut roster, &ApplyOptions::new())?;
/// assert!(dry_run(&file, &mut roster, &DryRunOptions::default())?.changes().is_empty());
/// # Ok(()) }
/// ```
pub struct SqliteRoster<'c> {
    connection: &'c Connection,
    /// The transaction [`RosterWriter::begin`] (or `load`) started, if any.
    open: Option<Open>,
}

/// A transaction the roster started: its own, or a savepoint inside the
/// caller's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Open {
    Transaction,
    Savepoint,
}

/// Keys in one `IN (...)` list at most: SQLite allows 32,766 variables
/// (999 before 3.32); a batch of any size is split.
const KEYS_PER_QUERY: usize = 900;

impl std::fmt::Debug for SqliteRoster<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteRoster").finish_non_exhaustive()
    }
}

/// Why the SQLite roster failed. Stored values always read back (see
/// [`crate::Phone::from_stored`]), so this is SQLite's own error.
///
/// Its message says the cause (`SQLite: file is not a database`, `SQLite:
/// database is locked`) but never the SQL text or the values bound to it,
/// which may hold personal data: errors end up in logs. The error itself
/// is [`SqliteError::sqlite`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SqliteError {
    /// SQLite failed.
    #[error("SQLite: {}", describe(.0))]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for SqliteError {
    fn from(error: rusqlite::Error) -> SqliteError {
        SqliteError::Sqlite(error)
    }
}

impl SqliteError {
    /// The `rusqlite` error, whose message may quote the SQL.
    #[must_use]
    pub fn sqlite(&self) -> &rusqlite::Error {
        match self {
            SqliteError::Sqlite(error) => error,
        }
    }
}

/// What went wrong, without the SQL or its values: SQLite's description
/// of its result code, or the kind of error.
fn describe(error: &rusqlite::Error) -> String {
    match error {
        rusqlite::Error::SqliteFailure(code, message) => {
            // "Error code 26: file is not a database": the words only.
            let text = code.to_string();
            let words = text
                .split_once(": ")
                .map_or(text.as_str(), |(_, words)| words);
            match message {
                // SQLite's own message names a constraint or a trigger's
                // words, never the values.
                Some(message) if message != words => format!("{message} ({words})"),
                _ => words.to_owned(),
            }
        }
        rusqlite::Error::SqlInputError { error, .. } => error.to_string(),
        rusqlite::Error::QueryReturnedNoRows => "no row was found".to_owned(),
        rusqlite::Error::InvalidColumnType(at, _, kind) => {
            format!("column {at} holds {kind}, not the type expected")
        }
        _ => "the call failed".to_owned(),
    }
}

impl<'c> SqliteRoster<'c> {
    /// A roster over `connection`.
    pub fn new(connection: &'c Connection) -> SqliteRoster<'c> {
        SqliteRoster {
            connection,
            open: None,
        }
    }

    /// Starts a transaction of the roster's own: `BEGIN IMMEDIATE` on a
    /// connection in autocommit mode (it takes the write lock at once, so
    /// that two applies never both write what each read; the second waits
    /// for the connection's busy timeout, then fails), or a savepoint in
    /// the caller's transaction.
    fn start(&mut self) -> Result<(), SqliteError> {
        let open = if self.connection.is_autocommit() {
            self.connection.execute_batch("BEGIN IMMEDIATE")?;
            Open::Transaction
        } else {
            self.connection.execute_batch("SAVEPOINT guardian_roster")?;
            Open::Savepoint
        };
        self.open = Some(open);
        Ok(())
    }

    fn finish(&mut self, keep: bool) -> Result<(), SqliteError> {
        let sql = match (self.open.take(), keep) {
            (None, _) => return Ok(()),
            (Some(Open::Transaction), true) => "COMMIT",
            (Some(Open::Transaction), false) => "ROLLBACK",
            (Some(Open::Savepoint), true) => "RELEASE guardian_roster",
            (Some(Open::Savepoint), false) => {
                "ROLLBACK TO guardian_roster; RELEASE guardian_roster"
            }
        };
        self.connection.execute_batch(sql)?;
        Ok(())
    }

    /// Counts of the roster's tables (`students`, `schools`, `enrolments`,
    /// `guardians`, `links`), for reports.
    ///
    /// # Errors
    ///
    /// SQLite's error, as [`SqliteError`] (a table is missing: run
    /// [`SqliteRoster::create_schema`]).
    pub fn table_counts(&self) -> Result<HashMap<&'static str, u64>, SqliteError> {
        table_counts(self.connection)
    }

    /// Creates the tables and indexes ([`SQLITE_SCHEMA`]) if they are not there.
    ///
    /// # Errors
    ///
    /// SQLite's error, as [`SqliteError`].
    pub fn create_schema(&self) -> Result<(), SqliteError> {
        self.connection.execute_batch(SQLITE_SCHEMA)?;
        Ok(())
    }

    /// Loads a students file (with schools) and a current guardians export
    /// (its usable guardians and links), in one transaction of its own (or
    /// a savepoint in the caller's): all of it or nothing, with one sync to
    /// disk instead of one per row. A guardian already there is updated in
    /// place (its row and any columns of the application's own stay).
    ///
    /// # Errors
    ///
    /// SQLite's error, as [`SqliteError`]; nothing is loaded.
    pub fn load(
        &mut self,
        students: &Students,
        current: &ValidatedFile,
    ) -> Result<(), SqliteError> {
        self.start()?;
        let loaded = self.load_in_transaction(students, current);
        let kept = self.finish(loaded.is_ok());
        loaded.and(kept)
    }

    /// Recomputes every stored key (see [`Roster::stale_keys`]: a dry run stops on them) in
    /// one transaction of its own; returns how many rows changed.
    ///
    /// # Errors
    ///
    /// SQLite's error, as [`SqliteError`]; nothing is changed.
    pub fn rekey(&mut self) -> Result<u64, SqliteError> {
        self.start()?;
        let done = self.rekey_in_transaction();
        let kept = self.finish(done.is_ok());
        let count = done?;
        kept?;
        Ok(count)
    }

    fn rekey_in_transaction(&self) -> Result<u64, SqliteError> {
        let fixes = self.keys_to_fix()?;
        for (sql, id, keys) in &fixes {
            let mut statement = self.connection.prepare_cached(sql)?;
            match keys.as_slice() {
                [one] => statement.execute(params![one, id])?,
                [a, b, c] => statement.execute(params![a, b, c, id])?,
                _ => 0,
            };
        }
        Ok(fixes.len() as u64)
    }

    /// Each row whose keys are not the crate's: the `UPDATE` that sets
    /// them, the row's ID, and the keys. Rows are read in place
    /// ([`keys_hold`]): only a stale row's text is copied.
    #[allow(clippy::type_complexity)]
    fn keys_to_fix(&self) -> Result<Vec<(&'static str, String, Vec<Option<String>>)>, SqliteError> {
        let mut fixes = Vec::new();
        for (table, column, update) in [
            (
                "students",
                "student_id",
                "UPDATE students SET unpadded = ?1 WHERE student_id = ?2",
            ),
            (
                "schools",
                "school_id",
                "UPDATE schools SET unpadded = ?1 WHERE school_id = ?2",
            ),
        ] {
            let sql = format!("SELECT {column}, unpadded FROM {table}");
            let mut statement = self.connection.prepare(&sql)?;
            let mut rows = statement.query([])?;
            while let Some(row) = rows.next()? {
                let id = text_at(row, 0)?;
                if !keys_hold(id, optional_at(row, 1)?, None) {
                    fixes.push((update, id.to_owned(), vec![Some(id_key(id).into_owned())]));
                }
            }
        }
        let mut statement = self.connection.prepare(
            "SELECT guardian_id, unpadded, email, email_key, mobile_phone, mobile_key FROM guardians",
        )?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let id = text_at(row, 0)?;
            let (email, mobile) = (optional_at(row, 2)?, optional_at(row, 4)?);
            let contacts = [email, mobile, optional_at(row, 3)?, optional_at(row, 5)?];
            if !keys_hold(id, optional_at(row, 1)?, Some(contacts)) {
                fixes.push((
                    "UPDATE guardians SET unpadded = ?1, email_key = ?2, mobile_key = ?3 WHERE guardian_id = ?4",
                    id.to_owned(),
                    guardian_keys(id, email, mobile).to_vec(),
                ));
            }
        }
        Ok(fixes)
    }

    fn load_in_transaction(
        &mut self,
        students: &Students,
        current: &ValidatedFile,
    ) -> Result<(), SqliteError> {
        {
            let mut student = self
                .connection
                .prepare("INSERT OR IGNORE INTO students (student_id, unpadded) VALUES (?1, ?2)")?;
            let mut school = self
                .connection
                .prepare("INSERT OR IGNORE INTO schools (school_id, unpadded) VALUES (?1, ?2)")?;
            let mut enrolment = self.connection.prepare(
                "INSERT OR IGNORE INTO enrolments (student_id, school_id) VALUES (?1, ?2)",
            )?;
            for row in &students.enrolments {
                let id = row.student_id.as_str();
                student.execute(params![id, id_key(id).as_ref()])?;
                if let Some(school_id) = &row.school_id {
                    let s = school_id.as_str();
                    school.execute(params![s, id_key(s).as_ref()])?;
                    enrolment.execute(params![id, s])?;
                }
            }
        }
        self.create_guardians(current.guardians())?;
        let links: Vec<(GuardianId, StudentId)> = current
            .links()
            .iter()
            .map(|l| (l.guardian_id.clone(), l.student_id.clone()))
            .collect();
        self.add_links(&links)
    }

    /// Runs `sql` with `?` replaced by one placeholder per key, returning
    /// the rows `read` makes.
    fn query_in<T>(
        &self,
        sql: &str,
        keys: &[&str],
        read: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, SqliteError> {
        let mut out = Vec::new();
        for keys in keys.chunks(KEYS_PER_QUERY) {
            let placeholders = vec!["?"; keys.len()].join(",");
            let sql = sql.replace("(?)", &format!("({placeholders})"));
            let mut statement = self.connection.prepare_cached(&sql)?;
            let rows = statement.query_map(params_from_iter(keys.iter()), &read)?;
            for row in rows {
                out.push(row?);
            }
        }
        Ok(out)
    }

    /// Writes a guardian's row: inserted, or its columns set in place if
    /// it is there (never `INSERT OR REPLACE`, which would delete the row:
    /// a new rowid, and the application's own columns cleared).
    fn write_guardian(&self, guardian: &Guardian, insert: bool) -> Result<(), SqliteError> {
        let sql = if insert {
            "INSERT INTO guardians (guardian_id, unpadded, first_name, last_name, email, email_key, mobile_phone, mobile_key, home_phone, language) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
             ON CONFLICT (guardian_id) DO UPDATE SET unpadded = excluded.unpadded, first_name = excluded.first_name, last_name = excluded.last_name, email = excluded.email, email_key = excluded.email_key, mobile_phone = excluded.mobile_phone, mobile_key = excluded.mobile_key, home_phone = excluded.home_phone, language = excluded.language"
        } else {
            "UPDATE guardians SET unpadded = ?2, first_name = ?3, last_name = ?4, email = ?5, email_key = ?6, mobile_phone = ?7, mobile_key = ?8, home_phone = ?9, language = ?10 WHERE guardian_id = ?1"
        };
        let c = GuardianColumns::of(guardian);
        let mut statement = self.connection.prepare_cached(sql)?;
        statement.execute(params![
            c.guardian_id,
            c.unpadded.as_ref(),
            c.first_name,
            c.last_name,
            c.email,
            c.email_key,
            c.mobile_phone,
            c.mobile_key,
            c.home_phone,
            c.language,
        ])?;
        Ok(())
    }
}

/// Column `at` of `row`, never NULL (an ID, a name), as text read in
/// place: the ID types keep a short ID inline, so reading one allocates
/// nothing.
fn text_at<'r>(row: &'r rusqlite::Row<'_>, at: usize) -> rusqlite::Result<&'r str> {
    let value = row.get_ref(at)?;
    value.as_str().map_err(|_| wrong_type(at, value))
}

/// Column `at` of `row` as text, read in place (`None`: NULL).
fn optional_at<'r>(row: &'r rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Option<&'r str>> {
    let value = row.get_ref(at)?;
    value.as_str_or_null().map_err(|_| wrong_type(at, value))
}

/// A column that holds another type than text (a number, a blob), said
/// as `rusqlite` says it when it reads a `String` ([`describe`]).
fn wrong_type(at: usize, value: rusqlite::types::ValueRef<'_>) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(at, String::new(), value.data_type())
}

fn strs<T: AsRef<str>>(ids: &[T]) -> Vec<&str> {
    ids.iter().map(AsRef::as_ref).collect()
}

/// A guardian row (`guardian_id, first_name, last_name, email,
/// mobile_phone, home_phone, language`), read back as stored.
fn guardian_from(row: &rusqlite::Row<'_>) -> rusqlite::Result<Guardian> {
    Ok(guardian_from_stored(
        text_at(row, 0)?,
        text_at(row, 1)?,
        text_at(row, 2)?,
        [
            optional_at(row, 3)?,
            optional_at(row, 4)?,
            optional_at(row, 5)?,
            optional_at(row, 6)?,
        ],
    ))
}

impl Roster for SqliteRoster<'_> {
    type Error = SqliteError;

    /// Rows whose stored key is missing or is not the crate's key for
    /// their value (`unpadded` is not [`crate::id_key`] of the ID,
    /// `email_key` not [`crate::Email::key`] of the email, `mobile_key`
    /// not [`crate::Phone::e164`] of the mobile): tables written by other
    /// means. One pass over the students, schools and guardians; run
    /// [`SqliteRoster::rekey`] to fix them.
    fn stale_keys(&mut self) -> Result<u64, SqliteError> {
        Ok(self.keys_to_fix()?.len() as u64)
    }

    fn existing_students(&mut self, ids: &[StudentId]) -> Result<Vec<StudentId>, SqliteError> {
        self.query_in(
            "SELECT student_id FROM students WHERE student_id IN (?)",
            &strs(ids),
            |row| text_at(row, 0).map(StudentId::from),
        )
    }

    fn similar_students(&mut self, unpadded: &[&str]) -> Result<Vec<StudentId>, SqliteError> {
        self.query_in(
            "SELECT student_id FROM students WHERE unpadded IN (?)",
            unpadded,
            |row| text_at(row, 0).map(StudentId::from),
        )
    }

    fn similar_guardians(&mut self, unpadded: &[&str]) -> Result<Vec<GuardianId>, SqliteError> {
        self.query_in(
            "SELECT guardian_id FROM guardians WHERE unpadded IN (?)",
            unpadded,
            |row| text_at(row, 0).map(GuardianId::from),
        )
    }

    fn guardians(&mut self, ids: &[GuardianId]) -> Result<Vec<Guardian>, SqliteError> {
        self.query_in(
            "SELECT guardian_id, first_name, last_name, email, mobile_phone, home_phone, language FROM guardians WHERE guardian_id IN (?)",
            &strs(ids),
            guardian_from,
        )
    }

    fn links_of(
        &mut self,
        ids: &[GuardianId],
    ) -> Result<Vec<(GuardianId, StudentId)>, SqliteError> {
        self.query_in(
            "SELECT guardian_id, student_id FROM links WHERE guardian_id IN (?)",
            &strs(ids),
            |row| {
                Ok((
                    GuardianId::from(text_at(row, 0)?),
                    StudentId::from(text_at(row, 1)?),
                ))
            },
        )
    }

    fn email_owners(&mut self, emails: &[&str]) -> Result<Vec<(String, GuardianId)>, SqliteError> {
        self.query_in(
            "SELECT email_key, guardian_id FROM guardians WHERE email_key IN (?)",
            emails,
            |row| Ok((row.get(0)?, GuardianId::from(text_at(row, 1)?))),
        )
    }

    fn mobile_owners(
        &mut self,
        mobiles: &[&str],
    ) -> Result<Vec<(String, GuardianId)>, SqliteError> {
        self.query_in(
            "SELECT mobile_key, guardian_id FROM guardians WHERE mobile_key IN (?)",
            mobiles,
            |row| Ok((row.get(0)?, GuardianId::from(text_at(row, 1)?))),
        )
    }

    fn links_in_scope(
        &mut self,
        scope: &Scope,
    ) -> Result<Vec<(GuardianId, StudentId)>, SqliteError> {
        let read = |row: &rusqlite::Row<'_>| {
            Ok((
                GuardianId::from(text_at(row, 0)?),
                StudentId::from(text_at(row, 1)?),
            ))
        };
        match scope {
            Scope::District => {
                let mut statement = self
                    .connection
                    .prepare_cached("SELECT guardian_id, student_id FROM links ORDER BY guardian_id, student_id")?;
                let rows = statement.query_map([], read)?;
                Ok(rows.collect::<Result<Vec<_>, _>>()?)
            }
            Scope::Schools { schools } => self.query_in(
                "SELECT DISTINCT l.guardian_id, l.student_id FROM links l JOIN enrolments e ON e.student_id = l.student_id WHERE e.school_id IN (?)",
                &strs(schools),
                read,
            ),
        }
    }

    fn schools_of(
        &mut self,
        students: &[StudentId],
    ) -> Result<Vec<(StudentId, SchoolId)>, SqliteError> {
        self.query_in(
            "SELECT student_id, school_id FROM enrolments WHERE student_id IN (?)",
            &strs(students),
            |row| {
                Ok((
                    StudentId::from(text_at(row, 0)?),
                    SchoolId::from(text_at(row, 1)?),
                ))
            },
        )
    }

    fn similar_schools(&mut self, unpadded: &[&str]) -> Result<Vec<SchoolId>, SqliteError> {
        self.query_in(
            "SELECT school_id FROM schools WHERE unpadded IN (?)",
            unpadded,
            |row| text_at(row, 0).map(SchoolId::from),
        )
    }
}

impl RosterWriter for SqliteRoster<'_> {
    /// `BEGIN IMMEDIATE` (or a savepoint in the caller's transaction):
    /// [`crate::apply`] reads and writes in it, all or nothing.
    fn begin(&mut self) -> Result<bool, SqliteError> {
        self.start()?;
        Ok(true)
    }

    fn commit(&mut self) -> Result<(), SqliteError> {
        self.finish(true)
    }

    fn rollback(&mut self) -> Result<(), SqliteError> {
        self.finish(false)
    }

    fn create_guardians(&mut self, guardians: &[Guardian]) -> Result<(), SqliteError> {
        for guardian in guardians {
            self.write_guardian(guardian, true)?;
        }
        Ok(())
    }

    /// `UPDATE`s the guardians' columns in place: the row, its rowid and
    /// the application's own columns stay.
    fn update_guardians(&mut self, guardians: &[Guardian]) -> Result<(), SqliteError> {
        for guardian in guardians {
            self.write_guardian(guardian, false)?;
        }
        Ok(())
    }

    fn add_links(&mut self, links: &[(GuardianId, StudentId)]) -> Result<(), SqliteError> {
        let mut statement = self.connection.prepare_cached(
            "INSERT OR IGNORE INTO links (guardian_id, student_id) VALUES (?1, ?2)",
        )?;
        for (guardian, student) in links {
            statement.execute(params![guardian.as_str(), student.as_str()])?;
        }
        Ok(())
    }

    fn remove_links(&mut self, links: &[(GuardianId, StudentId)]) -> Result<(), SqliteError> {
        let mut statement = self
            .connection
            .prepare_cached("DELETE FROM links WHERE guardian_id = ?1 AND student_id = ?2")?;
        for (guardian, student) in links {
            statement.execute(params![guardian.as_str(), student.as_str()])?;
        }
        Ok(())
    }
}

/// Counts of the roster's tables (`students`, `schools`, `enrolments`,
/// `guardians`, `links`), for reports.
///
/// # Errors
///
/// SQLite's error, as [`SqliteError`] (a table is missing: run
/// [`SqliteRoster::create_schema`]).
pub fn table_counts(connection: &Connection) -> Result<HashMap<&'static str, u64>, SqliteError> {
    let mut counts = HashMap::new();
    for table in TABLE_NAMES {
        let count: Option<i64> = connection
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |row| {
                row.get(0)
            })
            .optional()?;
        counts.insert(table, u64::try_from(count.unwrap_or(0)).unwrap_or(0));
    }
    Ok(counts)
}
