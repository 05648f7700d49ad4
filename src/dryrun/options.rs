//! How a dry run plans: full or additive sync, the scope, the deletion
//! threshold, batches, progress and cancel.

use serde::{Deserialize, Serialize};

use crate::dryrun::scope::Scope;
use crate::progress::{Control, Watch};
use std::sync::Arc;

/// Whether links missing from the file are removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncMode {
    /// Create, update and link only; never unlink. The default, as for a
    /// manual upload.
    #[default]
    Additive,
    /// Also unlink what the roster's scope has and the file no longer does,
    /// within the deletion threshold.
    Full,
}

/// Options for [`dry_run`](crate::dry_run).
///
/// Like the `csv` crate's builders, the setters take and return
/// `&mut DryRunOptions`, so a chain can be passed straight to [`dry_run`](crate::dry_run) or
/// set step by step:
///
/// ```
/// use guardian_roster::{dry_run, DryRunOptions, InMemoryRoster, Reader, StudentId, SyncMode};
///
/// # fn main() -> Result<(), guardian_roster::Error> {
/// let file = Reader::from_reader(&b"student_id,guardian_id,first_name,last_name,email,mobile_phone\n\
///     000125,G-1,Ana,Lopez,ana@example.org,\n"[..])?
/// .validate()?;
/// let mut roster = InMemoryRoster::new();
/// roster.add_student(StudentId::from("000125"));
/// let plan = dry_run(&file, &mut roster, DryRunOptions::new().mode(SyncMode::Full))?;
/// assert_eq!(plan.summary().create_guardian, 1);
///
/// let mut options = DryRunOptions::new();
/// options.mode(SyncMode::Full);
/// if plan.summary().create_guardian > 100 {
///     options.max_unlink_percent(5.0);
/// }
/// let again = dry_run(&file, &mut roster, &options)?;
/// assert_eq!(again.summary(), plan.summary());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct DryRunOptions {
    pub(crate) mode: SyncMode,
    pub(crate) max_unlink_percent: f64,
    pub(crate) batch_size: usize,
    pub(crate) scope: Scope,
    pub(crate) watch: Watch,
    pub(crate) pool: Option<Arc<rayon::ThreadPool>>,
}

impl PartialEq for DryRunOptions {
    /// The same settings, the same callback, flag and pool (by identity).
    fn eq(&self, other: &DryRunOptions) -> bool {
        self.mode == other.mode
            && self.max_unlink_percent == other.max_unlink_percent
            && self.batch_size == other.batch_size
            && self.scope == other.scope
            && self.watch == other.watch
            && match (&self.pool, &other.pool) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

impl Default for DryRunOptions {
    fn default() -> DryRunOptions {
        DryRunOptions::new()
    }
}

impl DryRunOptions {
    /// Additive mode, a 10% deletion threshold, batches of 10,000.
    #[must_use]
    pub fn new() -> DryRunOptions {
        DryRunOptions {
            mode: SyncMode::Additive,
            max_unlink_percent: 10.0,
            batch_size: 10_000,
            scope: Scope::District,
            watch: Watch::default(),
            pool: None,
        }
    }

    /// Reports progress to `control`'s callback (guardians planned so far,
    /// [`Phase::Planning`](crate::Phase::Planning), before each window of
    /// 16,384 guardians and at the end), stops at its cancel flag with
    /// [`ErrorKind::Cancelled`](crate::ErrorKind::Cancelled) (no plan is
    /// returned), and plans on its thread pool if it has one.
    pub fn control(&mut self, control: &Control) -> &mut DryRunOptions {
        self.watch = control.watch.clone();
        self.pool.clone_from(&control.pool);
        self
    }

    /// The part of the roster the upload governs (default: the whole
    /// district). See [`Scope`]: a school scope plans only for students of
    /// its schools and, in full sync, removes only their links.
    pub fn scope(&mut self, scope: Scope) -> &mut DryRunOptions {
        self.scope = scope;
        self
    }

    /// Additive (the default) or full sync.
    pub fn mode(&mut self, mode: SyncMode) -> &mut DryRunOptions {
        self.mode = mode;
        self
    }

    /// The largest share of the roster's links in scope (counting the links
    /// this upload adds) that one full sync may remove, in percent (default
    /// 10). Above it, no link is removed and a `deletion_threshold`
    /// diagnostic says why.
    pub fn max_unlink_percent(&mut self, percent: f64) -> &mut DryRunOptions {
        self.max_unlink_percent = if percent.is_nan() {
            0.0
        } else {
            percent.clamp(0.0, 100.0)
        };
        self
    }

    /// How many keys go to the roster in one lookup (default 10,000; at
    /// least 1).
    pub fn batch_size(&mut self, size: usize) -> &mut DryRunOptions {
        self.batch_size = size.max(1);
        self
    }
}
