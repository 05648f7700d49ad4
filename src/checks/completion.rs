//! Rows of one guardian completed from one another: a contact a row
//! leaves out that another row of the guardian gives, and the drift of
//! optional fields between rows.

use crate::checks::agree::{Verdict, bit, labels};
use crate::checks::builder::{Builder, Completion, NONE};
use crate::checks::validated::RejectedRow;
use crate::column::Column;
use crate::diagnostic::message::{Arg, msg, plain};
use crate::diagnostic::write_list;
use crate::diagnostic::{Code, Diagnostic};
use crate::reading::row::RowStatus;
use crate::values::record::GuardianField;

impl Builder {
    /// Remembers that a row of guardian `g` left empty a field another row
    /// gives (or gave one the guardian's rows had left empty).
    pub(crate) fn note_completion(&mut self, g: u32, verdict: Verdict, line: u64) {
        let first_row = self.entries[g as usize].first_row;
        let first_line = self.rows.get(first_row as usize).map_or(line, |r| r.line);
        let this_row = self.rows.len() as u32;
        let completion = self.completions.entry(g).or_insert_with(|| Completion {
            fields: 0,
            from: if verdict.given_here != 0 {
                line
            } else {
                first_line
            },
            rows: Vec::new(),
        });
        completion.fields |= verdict.completed();
        let empty_row = if verdict.given_here != 0 {
            first_row
        } else {
            this_row
        };
        if !completion.rows.contains(&empty_row) {
            completion.rows.push(empty_row);
        }
    }

    /// A row whose guardian's name differs from the guardian's first row
    /// only in what no clerk sees or means (`name_case`, `name_variant`),
    /// or whose home phone or language differs
    /// (`optional_field_differs`): the first row's value is used, and the
    /// row says so.
    pub(crate) fn warn_drift(&mut self, g: u32, verdict: Verdict, line: u64) {
        let entry = &self.entries[g as usize];
        let first_line = self
            .rows
            .get(entry.first_row as usize)
            .map_or(0, |r| r.line);
        for field in GuardianField::ALL {
            let b = bit(field);
            let column = Column::of_field(field);
            let label = field.label();
            // The spelling used is the diagnostic's value, so that
            // `redacted` masks it.
            let message = if verdict.case & b != 0 {
                msg!(
                    "the guardian's {} differs from line {} only in capitals; the spelling of line {}, {}, is used: make the rows agree in the SIS",
                    label,
                    first_line,
                    first_line,
                    Arg::Value
                )
            } else if verdict.variant & b != 0 {
                msg!(
                    "the guardian's {} differs from line {} only in apostrophes, spaces or hyphens (typographic or straight, no-break or plain); the spelling of line {}, {}, is used: make the rows agree in the SIS",
                    label,
                    first_line,
                    first_line,
                    Arg::Value
                )
            } else if verdict.differs & b != 0 {
                msg!(
                    "the guardian's {} differs from line {}'s; the value of line {} is kept for the guardian (an optional field never costs a guardian): make the rows agree in the SIS",
                    label,
                    first_line,
                    first_line
                )
            } else {
                continue;
            };
            let code = if verdict.case & b != 0 {
                Code::NameCase
            } else if verdict.variant & b != 0 {
                Code::NameVariant
            } else {
                Code::OptionalFieldDiffers
            };
            let mut diagnostic =
                Diagnostic::with_message(code, line, message.lined()).with_column(column);
            if verdict.case & b != 0 || verdict.variant & b != 0 {
                diagnostic = diagnostic.with_value(entry.guardian.field(field).unwrap_or_default());
            }
            self.found.push(diagnostic);
        }
    }

    /// Rows whose only error was `no_contact`: a row of the same guardian
    /// gave an email or mobile, so the row is used (completed, with the
    /// guardian's warning); otherwise the row stays rejected.
    pub(crate) fn resolve_contactless(&mut self) {
        if self.contactless.is_empty() {
            return;
        }
        let mut used: foldhash::HashSet<u64> = foldhash::HashSet::default();
        for (provisional, &at) in self.contactless.iter().enumerate() {
            let at = at as usize;
            let (g, s) = self.row_keys[at];
            let entry = &self.entries[g as usize];
            let line = self.rows[at].line;
            if entry.guardian.email.is_some() || entry.guardian.mobile_phone.is_some() {
                self.rows[at].status = RowStatus::Repaired;
                used.insert(line);
                // Streaming: the row's `no_contact` was handed over.
                if let (Some(counts), Some(said)) =
                    (&mut self.streamed, self.contactless_said.get(provisional))
                {
                    counts.remove(said);
                    self.withdrawn.push(said.clone());
                }
            } else {
                self.row_keys[at] = (NONE, NONE);
                self.rejected.push(RejectedRow {
                    line,
                    guardian_id: Some(entry.guardian.guardian_id.clone()),
                    student_id: Some(self.students[s as usize].clone()),
                });
            }
        }
        self.diagnostics
            .retain(|d| !(d.code == Code::NoContact && used.contains(&d.line)));
        self.rejected.sort_by_key(|r| r.line);
    }

    /// One warning per guardian whose rows were completed from one another:
    /// on the first row that left a field empty, naming the rows and the
    /// line the value came from. The rows completed are repaired.
    pub(crate) fn warn_completions(&mut self) {
        let mut completions: Vec<(u32, Completion)> = self.completions.drain().collect();
        completions.sort_unstable_by_key(|(_, c)| c.rows.iter().min().copied());
        for (g, mut completion) in completions {
            let entry = &self.entries[g as usize];
            if !entry.is_usable() {
                continue;
            }
            completion.rows.sort_unstable();
            let lines: Vec<u64> = completion
                .rows
                .iter()
                .map(|&at| self.rows[at as usize].line)
                .collect();
            let Some(&first) = lines.first() else {
                continue;
            };
            let fields = labels(completion.fields);
            let mut listed = String::from(if lines.len() > 1 { "lines " } else { "line " });
            write_list(&mut listed, &lines, lines.len());
            let message = msg!(
                "guardian {} has no {} on {} but has on line {}; those rows were completed from line {} (SIS exports often write a guardian's contacts on their first row only): check it is right for every child",
                plain(&entry.guardian.guardian_id),
                fields,
                listed,
                completion.from,
                completion.from
            )
            .lined();
            let column = match completion.fields.count_ones() {
                1 => GuardianField::ALL
                    .into_iter()
                    .find(|&f| completion.fields & bit(f) != 0)
                    .map(Column::of_field),
                _ => None,
            };
            let mut diagnostic = Diagnostic::with_message(Code::RowsCompleted, first, message);
            if let Some(column) = column {
                diagnostic = diagnostic.with_column(column);
            }
            self.diagnostics.push(diagnostic);
            for &at in &completion.rows {
                let row = &mut self.rows[at as usize];
                if row.status == RowStatus::Valid {
                    row.status = RowStatus::Repaired;
                }
            }
        }
    }
}
