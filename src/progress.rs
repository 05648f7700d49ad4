//! Progress, cancellation and the thread pool for the long jobs: reading
//! a file, planning a dry run, applying a plan. An upload status page
//! shows the one and offers the other; one [`Control`] serves all three.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, ErrorKind};

/// Which part of the work a [`Progress`] report is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Phase {
    /// Reading and checking rows ([`crate::Reader::validate`],
    /// [`crate::Reader::read_row`]).
    Reading,
    /// The whole-file checks, after the last row.
    WholeFile,
    /// The dry run, guardian by guardian ([`crate::dry_run`]).
    Planning,
    /// Start Processing ([`crate::apply`]): `done` counts the changes
    /// checked and written so far.
    Applying,
}

/// What a job has done so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// The part of the work.
    pub phase: Phase,
    /// Bytes of text read so far (after decoding to UTF-8: close to the
    /// file's size, to compare with it for a progress bar). 0 when planning.
    pub bytes: u64,
    /// Rows read so far; guardians planned so far when planning.
    pub done: u64,
}

/// How the long jobs of one upload report and stop: a progress callback,
/// a cancellation flag and, for reading and planning, the caller's rayon
/// pool. One `Control` is given to each job ([`crate::ReaderBuilder::control`],
/// [`crate::DryRunOptions::control`], [`crate::ApplyOptions::control`]), so
/// one cancel button stops whichever is running.
///
/// The callback is called from the thread that runs the job, about every
/// [`REPORT_EVERY`] rows or guardians and once at the start of each
/// [`Phase`]; it should return quickly. Setting the flag stops the job at
/// its next report with [`ErrorKind::Cancelled`].
///
/// ```
/// # fn main() -> Result<(), guardian_roster::Error> {
/// use std::sync::atomic::AtomicBool;
/// use std::sync::{Arc, Mutex};
/// use guardian_roster::{Control, Phase, ReaderBuilder};
///
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let log = Arc::clone(&seen);
/// let cancel = Arc::new(AtomicBool::new(false));
/// let mut control = Control::new();
/// control
///     .progress(move |p| log.lock().unwrap().push(p.phase))
///     .cancel_flag(Arc::clone(&cancel));
/// let data = "student_id,guardian_id,first_name,last_name,email,mobile_phone\n\
///             001,G1,Ana,Ruiz,ana@example.com,\n";
/// ReaderBuilder::new()
///     .control(&control)
///     .from_reader(data.as_bytes())?
///     .validate()?;
/// assert_eq!(*seen.lock().unwrap(), [Phase::Reading, Phase::WholeFile]);
/// # Ok(()) }
/// ```
#[derive(Clone, Default)]
pub struct Control {
    pub(crate) watch: Watch,
    pub(crate) pool: Option<Arc<rayon::ThreadPool>>,
}

impl Control {
    /// No callback, no flag, rayon's global pool.
    #[must_use]
    pub fn new() -> Control {
        Control::default()
    }

    /// Calls `callback` with each [`Progress`] report.
    pub fn progress(
        &mut self,
        callback: impl Fn(Progress) + Send + Sync + 'static,
    ) -> &mut Control {
        self.watch.set_callback(Arc::new(callback));
        self
    }

    /// A flag that, once set (from any thread), stops the job at its next
    /// report with [`ErrorKind::Cancelled`]: an upload the clerk abandoned,
    /// a server shutting down. Apply also checks it between write batches
    /// and rolls back what it wrote, in a store with transactions.
    pub fn cancel_flag(&mut self, flag: Arc<AtomicBool>) -> &mut Control {
        self.watch.set_cancel(flag);
        self
    }

    /// Runs reading's checks and the dry run's planning on the caller's
    /// rayon pool (its threads and the calling thread) instead of building
    /// one per call (reading) or using rayon's global one (planning): a
    /// server gives every upload the same pool. The pool is rayon's own
    /// type on purpose: it is the caller's, shared with the rest of their
    /// service. Apply runs on the calling thread and ignores it.
    pub fn thread_pool(&mut self, pool: Arc<rayon::ThreadPool>) -> &mut Control {
        self.pool = Some(pool);
        self
    }
}

impl fmt::Debug for Control {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Control")
            .field("watch", &self.watch)
            .field("pool", &self.pool.is_some())
            .finish()
    }
}

/// A progress callback and a cancellation flag, as a job holds them.
#[derive(Clone, Default)]
pub(crate) struct Watch {
    callback: Option<Arc<dyn Fn(Progress) + Send + Sync>>,
    cancel: Option<Arc<AtomicBool>>,
}

/// How many rows (or guardians) pass between two reports.
pub const REPORT_EVERY: u64 = 16_384;

impl Watch {
    pub(crate) fn set_callback(&mut self, callback: Arc<dyn Fn(Progress) + Send + Sync>) {
        self.callback = Some(callback);
    }

    pub(crate) fn set_cancel(&mut self, flag: Arc<AtomicBool>) {
        self.cancel = Some(flag);
    }

    /// Reports `progress` and fails if the job was cancelled.
    pub(crate) fn report(&self, progress: Progress, line: u64) -> Result<(), Error> {
        if let Some(callback) = &self.callback {
            callback(progress);
        }
        if self
            .cancel
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
        {
            return Err(Error::new(ErrorKind::Cancelled, line));
        }
        Ok(())
    }

    /// Reports when `done` is a multiple of [`REPORT_EVERY`].
    /// Stops if cancelled, without a report: between two batches of writes.
    pub(crate) fn check_cancel(&self) -> Result<(), Error> {
        if self
            .cancel
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
        {
            return Err(Error::without_line(ErrorKind::Cancelled));
        }
        Ok(())
    }

    pub(crate) fn tick(&self, progress: Progress, line: u64) -> Result<(), Error> {
        if progress.done % REPORT_EVERY == 0 {
            self.report(progress, line)
        } else {
            Ok(())
        }
    }
}

impl fmt::Debug for Watch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Watch")
            .field("callback", &self.callback.is_some())
            .field("cancel", &self.cancel.is_some())
            .finish()
    }
}

impl PartialEq for Watch {
    /// The same callback and flag (by identity).
    fn eq(&self, other: &Watch) -> bool {
        let same_callback = match (&self.callback, &other.callback) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        let same_flag = match (&self.cancel, &other.cancel) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        same_callback && same_flag
    }
}
