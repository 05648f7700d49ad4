//! Start Processing over a real PostgreSQL roster: load the roster
//! (students with schools, and the current guardians), dry-run an upload,
//! apply it, and dry-run again to show nothing is left to do.
//!
//! ```sh
//! cargo run --release --features postgres --example postgres_sync -- \
//!     --url "host=localhost user=postgres dbname=roster" \
//!     --students STUDENTS.csv --current CURRENT.csv GUARDIANS.csv \
//!     [--mode additive|full] [--school ID]... [--apply] [--format text|json]
//! ```

mod common;

use std::process::ExitCode;

use common::Args;
use common::sync::{self, Store};
use guardian_roster::{PostgresRoster, Students, ValidatedFile};

const USAGE: &str = "postgres_sync --url URL [--students STUDENTS.csv --current CURRENT.csv] [GUARDIANS.csv] \
                     [--mode additive|full] [--school ID]... [--apply] [--format text|json]";
const ABOUT: &str = "Dry-runs an upload against a PostgreSQL roster and, with --apply, applies it (the bundled data without a file).
  --url URL                 the database (\"host=... user=... dbname=...\" or postgresql://...); its tables are created if missing
  --students FILE           load these students (and their schools) into the database first
  --current FILE            load these current guardians and links (guardians.csv format) first
  --mode additive|full      full also removes links the upload no longer has (additive)
  --school ID               a school-level upload for this school (repeatable)
  --apply                   apply the plan (Start Processing), then dry-run again
  --format json             the plan, what was applied and the results as JSON
Exit status: 0 done, 1 some row has an error or cannot apply, 2 a file or the database cannot be used.";

fn main() -> ExitCode {
    let status = run();
    common::flush_out();
    status
}

impl Store for PostgresRoster<'_> {
    fn load_files(&mut self, students: &Students, current: &ValidatedFile) -> Result<(), String> {
        self.load(students, current).map_err(|e| e.to_string())
    }

    fn counts(&mut self) -> Result<Vec<(&'static str, u64)>, String> {
        let counts = self.table_counts().map_err(|e| e.to_string())?;
        Ok(counts.into_iter().collect())
    }
}

fn run() -> ExitCode {
    let args = Args::parse(&["apply", "help"]);
    if args.help() {
        return common::print_help(USAGE, ABOUT);
    }
    let unknown = args.unknown(&[&["url"], sync::OPTIONS].concat());
    if !unknown.is_empty() {
        return common::usage_error(&format!("unknown option {}", unknown.join(" ")), USAGE);
    }
    let Some(url) = args.value("url") else {
        return common::usage_error("--url URL is required", USAGE);
    };
    // The URL may carry a password: the report names the database by its
    // host and name only.
    let mut client = match postgres::Client::connect(url, postgres::NoTls) {
        Ok(client) => client,
        Err(e) => return sync::fatal(&format!("PostgreSQL: {e}")),
    };
    let name = "the PostgreSQL roster";
    let mut roster = PostgresRoster::new(&mut client);
    if let Err(e) = roster.create_schema() {
        return sync::fatal(&format!("{name}: {e}"));
    }
    sync::run(&args, name, &mut roster, USAGE)
}
