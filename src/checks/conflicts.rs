//! Rows of one guardian that disagree on a name or a contact, or on the
//! flags that say who is a guardian: rejected, each naming the others.

use foldhash::HashMap;

use rayon::iter::{IndexedParallelIterator, IntoParallelRefIterator, ParallelIterator};
use rayon::slice::ParallelSliceMut;

use crate::checks::agree::labels;
use crate::checks::builder::{Builder, NONE};
use crate::checks::validated::RejectedRow;
use crate::diagnostic::message::{Arg, msg, plain};
use crate::diagnostic::write_list;
use crate::diagnostic::{Code, Diagnostic};
use crate::reading::row::RowStatus;

/// Writes `lines` other than `except` as "line 4", "lines 4 and 9", "lines
/// 4, 9 and 12", capped at ten, or "no other line".
pub(crate) fn describe_lines(out: &mut String, lines: &[u64], except: u64) {
    // `lines` is in file order, each line once: counted without a scan,
    // which for a guardian on every row of a big file would be quadratic.
    let count = lines.len() - usize::from(lines.binary_search(&except).is_ok());
    out.push_str(match count {
        0 => "no other line",
        1 => "line ",
        _ => "lines ",
    });
    write_list(out, lines.iter().filter(|&&line| line != except), count);
}

impl Builder {
    /// A guardian whose rows disagree is not guessed at: all of its rows
    /// are rejected, each naming the fields and the other lines.
    pub(crate) fn reject_conflicts(&mut self) {
        if self.entries.iter().all(|e| e.conflicts == 0) {
            return;
        }
        // Lines of each conflicting guardian, in file order, and the fields
        // its rows disagree on, written once per guardian.
        let mut lines: HashMap<u32, Vec<u64>> = HashMap::default();
        for (row, &(g, _)) in self.rows.iter().zip(&self.row_keys) {
            if g != NONE && self.entries[g as usize].conflicts != 0 {
                lines.entry(g).or_default().push(row.line);
            }
        }
        let fields: HashMap<u32, String> = lines
            .keys()
            .map(|&g| (g, labels(self.entries[g as usize].conflicts)))
            .collect();
        // A row's diagnostic needs nothing but these: write them on the
        // pool, a run of rows at a time (so that what is written waits in
        // a small buffer), gathered in file order.
        const ROWS_PER_ROUND: usize = 1 << 14;
        for first in (0..self.row_keys.len()).step_by(ROWS_PER_ROUND) {
            let last = self.row_keys.len().min(first + ROWS_PER_ROUND);
            let written: Vec<(usize, Diagnostic, RejectedRow)> = self.row_keys[first..last]
                .par_iter()
                .enumerate()
                .filter(|(_, (g, _))| *g != NONE && self.entries[*g as usize].conflicts != 0)
                .map(|(at, &(g, s))| {
                    let index = first + at;
                    let id = &self.entries[g as usize].guardian.guardian_id;
                    let line = self.rows[index].line;
                    let mut others = String::new();
                    describe_lines(
                        &mut others,
                        lines.get(&g).map_or(&[][..], Vec::as_slice),
                        line,
                    );
                    let message = msg!(
                        "guardian {} has different {} on {}; none of this guardian's rows was used: make them agree and upload again",
                        Arg::Value,
                        plain(fields.get(&g).map_or("", String::as_str)),
                        others
                    );
                    let diagnostic =
                        Diagnostic::with_message(Code::ConflictingGuardian, line, message.lined())
                            .with_value(id.as_str());
                    let row = RejectedRow {
                        line,
                        guardian_id: Some(id.clone()),
                        student_id: Some(self.students[s as usize].clone()),
                    };
                    (index, diagnostic, row)
                })
                .collect();
            for (index, diagnostic, row) in written {
                self.rows[index].status = RowStatus::Rejected;
                self.diagnostics.push(diagnostic);
                self.rejected.push(row);
            }
        }
        self.rejected.par_sort_by_key(|r| r.line);
    }

    /// Links that one row makes and another row of the same guardian and
    /// student leaves out by its flags (not a guardian, restricted): which
    /// row is right is not guessed.
    pub(crate) fn find_flag_conflicts(&mut self) {
        let excluded = self
            .excluded
            .iter()
            .map(|r| (&r.guardian_id, &r.student_id));
        let doubted = self.doubted.iter().map(|(g, s, _)| (g, s));
        for (guardian_id, student_id) in excluded.chain(doubted) {
            let g = self.guardian_at(guardian_id);
            let s = self.student_at(student_id);
            if let (Some(g), Some(s)) = (g, s) {
                if self.find_link(g, s).is_some() {
                    self.flag_conflicts.insert((g, s));
                }
            }
        }
    }

    /// Rejects every row that makes a link another row's flags leave out
    /// (`conflicting_flags`), naming the rows that leave it out.
    pub(crate) fn reject_flag_conflicts(&mut self) {
        if self.flag_conflicts.is_empty() {
            return;
        }
        for at in 0..self.row_keys.len() {
            let (g, s) = self.row_keys[at];
            if g == NONE || !self.flag_conflicts.contains(&(g, s)) {
                continue;
            }
            let guardian_id = self.entries[g as usize].guardian.guardian_id.clone();
            let student_id = self.students[s as usize].clone();
            let line = self.rows[at].line;
            let mut excluded: Vec<u64> = self
                .excluded
                .iter()
                .filter(|e| e.guardian_id == guardian_id && e.student_id == student_id)
                .map(|e| e.line)
                .chain(
                    self.doubted
                        .iter()
                        .filter(|(g, s, _)| *g == guardian_id && *s == student_id)
                        .map(|(_, _, line)| *line),
                )
                .collect();
            excluded.sort_unstable();
            let mut others = String::from(if excluded.len() > 1 {
                "lines "
            } else {
                "line "
            });
            write_list(&mut others, &excluded, excluded.len());
            let message = msg!(
                "guardian {} and student {} have rows that disagree on whether this person is a guardian: this row would link them, but the flags on {} leave them out or cannot be read; none of the rows was used: make the flags agree in the SIS",
                Arg::Value,
                plain(&student_id),
                others
            );
            self.diagnostics.push(
                Diagnostic::with_message(Code::ConflictingFlags, line, message.lined())
                    .with_value(guardian_id.as_str()),
            );
            if self.rows[at].status != RowStatus::Rejected {
                self.rows[at].status = RowStatus::Rejected;
                self.rejected.push(RejectedRow {
                    line,
                    guardian_id: Some(guardian_id),
                    student_id: Some(student_id),
                });
            }
            self.row_keys[at] = (NONE, NONE);
        }
        self.rejected.sort_by_key(|r| r.line);
    }
}
