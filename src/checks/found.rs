//! What streaming validation hands the caller as it reads
//! ([`crate::Reader::validate_with`]).

use crate::diagnostic::Diagnostic;
use crate::reading::row::{Row, RowOutcome};

/// One thing validation found, handed to the caller as soon as it is known.
///
/// In order: the file's own diagnostics (header line); then, for each row
/// in file order, [`Found::Row`] followed by what the whole-file checks
/// found on it at once (a [`Found::Diagnostic`] for a row that disagrees
/// with its guardian's earlier rows or repeats one, and a [`Found::Status`]
/// if that changed its status); after the last row, the verdicts only the
/// whole file can give (shared contacts, lookalike addresses, conflicting
/// guardians, rows completed from their guardian's other rows): first a
/// [`Found::Withdrawn`] for each diagnostic they take back, then each a
/// [`Found::Diagnostic`] on the line it concerns, then a [`Found::Status`]
/// for every row whose status they changed.
///
/// The diagnostics handed over, less those withdrawn, are exactly those of
/// [`crate::Reader::validate`]'s [`crate::ValidatedFile::diagnostics`];
/// each row's last status is its [`crate::ValidatedFile::rows`] entry.
#[derive(Debug)]
#[non_exhaustive]
pub enum Found<'a> {
    /// A row checked on its own: its line, provisional status, typed
    /// guardian (if usable) and diagnostics.
    Row(&'a Row),
    /// A diagnostic of the file, or of the whole-file checks, on the line
    /// it names (a line already handed over, or the header's).
    Diagnostic(&'a Diagnostic),
    /// A row's status, changed since it was handed over by what the
    /// whole-file checks found.
    Status(RowOutcome),
    /// A diagnostic handed over earlier that the whole file takes back: the
    /// `no_contact` of a row whose guardian's other rows give the email or
    /// mobile (the row is completed from them, and a `rows_completed`
    /// warning says so).
    Withdrawn(&'a Diagnostic),
}
