//! Progress and cancellation for the long jobs: reading a file, planning a
//! dry run. An upload status page shows the one and offers the other.

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

/// A progress callback and a cancellation flag, shared by the jobs of one
/// upload: set them with [`crate::ReaderBuilder::progress`] and
/// [`crate::ReaderBuilder::cancel_flag`], and likewise on
/// [`crate::DryRunOptions`].
///
/// The callback is called from the thread that runs the job, about every
/// [`REPORT_EVERY`] rows or guardians and once at the start of each phase;
/// it should return quickly. Setting the flag stops the job at its next
/// report with [`ErrorKind::Cancelled`].
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
