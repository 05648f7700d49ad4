//! The validation pipeline over the reader: rows read on the calling
//! thread, checked in batches on a pool, handed in file order to the
//! whole-file checks ([`Reader::validate`], [`Reader::validate_with`]).

use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::checks::builder::Builder;
use crate::checks::found::Found;
use crate::checks::validated::ValidatedFile;
use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::progress::Phase;
use crate::reading::header::Header;
use crate::reading::reader::Reader;
use crate::reading::row::{Row, RowChecker};
use crate::reading::tokenizer::Cut;

/// Rows read between two parallel checking rounds.
const BATCH: usize = 4096;

impl<R: Read> Reader<R> {
    /// Tells the whole-file stage if the file turned out to be
    /// Windows-1252 after its first rows.
    fn finish_encoding(&mut self, builder: &mut Builder) {
        if let Some((encoding, mut found)) = self.late_encoding() {
            builder.late_encoding(encoding, &mut found);
        }
    }

    /// Reads every row and runs the whole-file checks.
    ///
    /// Rows are checked in parallel, in batches, by a pool of threads and
    /// the calling thread, and handed to the whole-file checks in file
    /// order, so the result is the same as reading row by row
    /// ([`crate::ReaderBuilder::threads`] sets how many threads; 1 checks on the
    /// calling thread only).
    ///
    /// # Errors
    ///
    /// An [`Error`] that stops the whole file: it could not be read, a
    /// header problem ([`ErrorKind::MissingColumn`](crate::ErrorKind::MissingColumn) and the like), a limit, a
    /// second header with other columns, or the cancel flag. Problems of single
    /// rows are never errors: they are diagnostics.
    pub fn validate(self) -> Result<ValidatedFile, Error> {
        self.validate_into(None)
    }

    /// Validates as [`Reader::validate`] does, handing each row and every
    /// diagnostic to `sink` as soon as it is known, in file order (see
    /// [`Found`] for the order and what may come after the last row), on
    /// the calling thread.
    ///
    /// The diagnostics are handed on instead of kept: the
    /// [`ValidatedFile`] returned has the guardians, links, rows' final
    /// statuses and the summary (which counts every diagnostic), but its
    /// [`ValidatedFile::diagnostics`] is empty. Memory then grows with the
    /// file's distinct guardians and links, not with its problems: a
    /// report or an upload status page can write what it is given and keep
    /// nothing.
    ///
    /// ```
    /// # fn main() -> Result<(), guardian_roster::Error> {
    /// use guardian_roster::{Found, Reader, RowStatus};
    ///
    /// let data = "\
    /// student_id,guardian_id,first_name,last_name,email,mobile_phone
    /// 001,G1,Ana,Diaz,ana@example.com,
    /// 002,G2,Bo,Li,bo@example,
    /// 003,G1,Ana,Diaz,ana@example.com,312 555 0142
    /// ";
    /// let mut report = Vec::new();
    /// let file = Reader::from_reader(data.as_bytes())?.validate_with(|found| match found {
    ///     Found::Row(row) => {
    ///         report.push(format!("line {}: {:?}", row.line(), row.status()));
    ///         for d in row.diagnostics() {
    ///             report.push(format!("line {}: {}", d.line, d.code));
    ///         }
    ///     }
    ///     Found::Diagnostic(d) => report.push(format!("line {}: {}", d.line, d.code)),
    ///     Found::Status(outcome) => report.push(format!("line {}: now {:?}", outcome.line, outcome.status)),
    ///     _ => {}
    /// })?;
    /// // Line 2 gave no mobile; line 4, the same guardian's, does: known
    /// // only once line 4 is read.
    /// assert_eq!(report, [
    ///     "line 2: Valid",
    ///     "line 3: Rejected",
    ///     "line 3: invalid_email",
    ///     "line 3: no_contact",
    ///     "line 4: Valid",
    ///     "line 2: rows_completed",
    ///     "line 2: now Repaired",
    /// ]);
    /// assert_eq!((file.summary().rows, file.summary().errors), (3, 2));
    /// assert!(file.diagnostics().is_empty());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Reader::validate`]; what was handed to `sink` before the error
    /// stays handed over.
    pub fn validate_with(self, mut sink: impl FnMut(Found<'_>)) -> Result<ValidatedFile, Error> {
        self.validate_into(Some(&mut sink))
    }

    /// [`Reader::validate`], keeping every diagnostic (no `sink`) or
    /// handing each to `sink`.
    fn validate_into(
        mut self,
        mut sink: Option<&mut dyn FnMut(Found<'_>)>,
    ) -> Result<ValidatedFile, Error> {
        self.report(Phase::Reading)?;
        if let Some(sink) = sink.as_deref_mut() {
            self.file_diagnostics()
                .iter()
                .for_each(|d| sink(Found::Diagnostic(d)));
        }
        let mut builder = Builder::new(self.info(), self.take_file_diagnostics(), sink.is_some());
        let threads = match (self.pool(), self.threads()) {
            (Some(pool), _) => pool.current_num_threads() + 1,
            (None, 0) => rayon::current_num_threads(),
            (None, n) => n,
        };
        // One thread everywhere: the whole-file checks' parallel parts then
        // run on a pool of the calling thread alone.
        let alone = || {
            rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .use_current_thread()
                .build()
                .ok()
                .map(Arc::new)
        };
        let finish_on = if threads <= 1 {
            self.push_alone(&mut builder, &mut sink)?;
            alone()
        } else {
            self.push_in_batches(threads, &mut builder, &mut sink)?;
            self.pool().cloned()
        };
        self.finish_encoding(&mut builder);
        self.report(Phase::WholeFile)?;
        let shown = builder.take_shown();
        let file = match finish_on {
            Some(pool) => pool.install(|| builder.finish()),
            None => builder.finish(),
        };
        Ok(file.hand_on(&shown, sink))
    }

    /// Reads, checks and adds every row on the calling thread.
    fn push_alone(
        &mut self,
        builder: &mut Builder,
        sink: &mut Option<&mut dyn FnMut(Found<'_>)>,
    ) -> Result<(), Error> {
        let mut row = Row::default();
        self.checker_mut().remember_guardians();
        while self.read_row(&mut row)? {
            match sink.as_deref_mut() {
                Some(sink) => builder.push_streaming(&mut row, sink),
                None => builder.push(&mut row),
            }
        }
        Ok(())
    }

    /// Reads every row on the calling thread, checks them in batches on a
    /// pool and the calling thread, and adds them in file order.
    ///
    /// The calling thread reads, runs the whole-file checks and, when it
    /// has nothing else to do, checks rows; a pool of one thread fewer (or
    /// the caller's) checks rows all along, so no more threads are busy
    /// than were asked for. Without a pool (none could be made), the
    /// calling thread checks every row itself.
    fn push_in_batches(
        &mut self,
        threads: usize,
        builder: &mut Builder,
        sink: &mut Option<&mut dyn FnMut(Found<'_>)>,
    ) -> Result<(), Error> {
        let pool = match self.pool().cloned() {
            Some(pool) => Some(pool),
            None => rayon::ThreadPoolBuilder::new()
                .num_threads(threads - 1)
                .build()
                .ok()
                .map(Arc::new),
        };
        let helpers = pool
            .as_deref()
            .map_or(0, rayon::ThreadPool::current_num_threads);
        // Two checkers (each with its memos) per thread, kept across
        // batches: twice the shares of a batch as threads, for balance.
        let checkers: Vec<Mutex<RowChecker>> = (0..threads * 2)
            .map(|_| {
                let mut checker = self.checker_mut().clone_fresh();
                checker.remember_guardians();
                Mutex::new(checker)
            })
            .collect();
        // Three batches in flight: one is checked while the calling thread
        // hands the one before to the whole-file checks and reads the next.
        let mut reading = Batch::default();
        let mut checking = Batch::default();
        let mut pushing = Batch::default();
        self.fill(&mut checking)?;
        while checking.count > 0 {
            {
                let shares = checking.shares(checkers.len());
                let next = AtomicUsize::new(0);
                let work = Work {
                    shares: &shares,
                    checkers: &checkers,
                    next: &next,
                    keep_on_rows: sink.is_some(),
                };
                // The calling thread keeps the input (which need not be Send).
                let (reading, pushing, this) = (&mut reading, &mut pushing, &mut *self);
                let (builder, sink) = (&mut *builder, &mut *sink);
                match &pool {
                    Some(pool) => pool.in_place_scope(|scope| {
                        for _ in 0..helpers {
                            scope.spawn(move |_| work.run());
                        }
                        round(work, this, reading, pushing, builder, sink)
                    }),
                    None => round(work, this, reading, pushing, builder, sink),
                }?;
            }
            // A header met at the end of the batch just checked: the
            // batches after it are read under it.
            if let Some(header) = checking.header_below.take() {
                for checker in &checkers {
                    let mut checker = checker.lock().unwrap_or_else(|e| e.into_inner());
                    checker.set_header(header.clone());
                }
                self.checker_mut().set_header(header);
            }
            // checked -> to push; read -> to check; pushed -> to refill.
            std::mem::swap(&mut pushing, &mut checking);
            std::mem::swap(&mut checking, &mut reading);
        }
        pushing.push_into(builder, sink);
        // The batches' records and rows and the checkers' memos are given
        // back here, before the whole-file stage builds its output, where
        // the peak is.
        Ok(())
    }

    /// Reads up to [`BATCH`] records into `batch`. A header with the
    /// columns in another order ends the batch: the rows below it are
    /// checked under it, in the next batches ([`Batch::header_below`]).
    fn fill(&mut self, batch: &mut Batch) -> Result<(), Error> {
        batch.count = 0;
        batch.header_below = None;
        while batch.count < BATCH {
            if batch.count == batch.records.len() {
                batch.records.push((csv::ByteRecord::new(), 0, Vec::new()));
                batch.rows.push(Row::default());
            }
            let (record, line, cuts) = &mut batch.records[batch.count];
            let Some((read, header)) = self.read_record_into(record, cuts)? else {
                break;
            };
            *line = read;
            self.tick(read)?;
            batch.count += 1;
            if let Some(header) = header {
                batch.header_below = Some(header);
                break;
            }
        }
        Ok(())
    }
}

/// The calling thread's part of one step of [`Reader::validate`]'s
/// pipeline, while the pool checks a batch: hand the batch before to the
/// whole-file checks, read the next, then help check. The whole-file checks
/// stay on the calling thread so that their large, long-lived tables come
/// from one allocator arena (spread over the pool's arenas, the 1M-row dry
/// run peaked 190 MB higher, for no gain in time).
fn round<R: Read>(
    work: Work<'_, '_>,
    reader: &mut Reader<R>,
    reading: &mut Batch,
    pushing: &mut Batch,
    builder: &mut Builder,
    sink: &mut Option<&mut dyn FnMut(Found<'_>)>,
) -> Result<(), Error> {
    pushing.push_into(builder, sink);
    let filled = reader.fill(reading);
    work.run();
    filled
}

/// Records read and the rows checked from them, reused batch after batch.
#[derive(Default)]
struct Batch {
    records: Vec<(csv::ByteRecord, u64, Vec<Cut>)>,
    rows: Vec<Row>,
    /// The checked rows' diagnostics, one list per share, in file order.
    diagnostics: Vec<Vec<Diagnostic>>,
    count: usize,
    /// The header the batch's last record is, when it has the columns in
    /// another order: the rows of the batches after it are read under it.
    header_below: Option<Header>,
}

/// One share of a batch to check: consecutive rows, their records, and
/// where their diagnostics go.
struct Share<'b> {
    rows: &'b mut [Row],
    records: &'b [(csv::ByteRecord, u64, Vec<Cut>)],
    diagnostics: &'b mut Vec<Diagnostic>,
}

/// The shares of the batch being checked, taken in turn by whichever
/// thread is free.
#[derive(Clone, Copy)]
struct Work<'w, 'b> {
    shares: &'w [Mutex<Share<'b>>],
    checkers: &'w [Mutex<RowChecker>],
    next: &'w AtomicUsize,
    /// Streaming: each row keeps its diagnostics, to be handed on with it.
    keep_on_rows: bool,
}

impl Work<'_, '_> {
    fn run(self) {
        loop {
            let at = self.next.fetch_add(1, Ordering::Relaxed);
            let (Some(share), Some(checker)) = (self.shares.get(at), self.checkers.get(at)) else {
                return;
            };
            // Checker k always takes the k-th share of a batch, so each
            // sees its rows in file order: a row that repeats remembered
            // cells comes after the row that made them, as the whole-file
            // checks need. A poisoned lock means a panic elsewhere, which
            // already propagates; what it guards is intact.
            let mut share = share.lock().unwrap_or_else(|e| e.into_inner());
            let mut checker = checker.lock().unwrap_or_else(|e| e.into_inner());
            let Share {
                rows,
                records,
                diagnostics,
            } = &mut *share;
            for (row, (record, line, cuts)) in rows.iter_mut().zip(records.iter()) {
                checker.check(record, *line, cuts, row);
                if !self.keep_on_rows {
                    // Gathered here, while in this thread's cache.
                    diagnostics.extend(row.take_diagnostics());
                }
            }
        }
    }
}

impl Batch {
    /// The batch's rows in `count` shares (fewer for a short batch).
    fn shares(&mut self, count: usize) -> Vec<Mutex<Share<'_>>> {
        let size = self.count.div_ceil(count.max(1)).max(1);
        self.diagnostics.resize_with(count, Vec::new);
        self.rows[..self.count]
            .chunks_mut(size)
            .zip(self.records[..self.count].chunks(size))
            .zip(self.diagnostics.iter_mut())
            .map(|((rows, records), diagnostics)| {
                Mutex::new(Share {
                    rows,
                    records,
                    diagnostics,
                })
            })
            .collect()
    }

    fn push_into(&mut self, builder: &mut Builder, sink: &mut Option<&mut dyn FnMut(Found<'_>)>) {
        for row in &mut self.rows[..self.count] {
            match sink.as_deref_mut() {
                Some(sink) => builder.push_streaming(row, sink),
                None => builder.push(row),
            }
        }
        for diagnostics in &mut self.diagnostics {
            builder.append_row_diagnostics(diagnostics);
        }
        self.count = 0;
    }
}
