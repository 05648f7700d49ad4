//! Links no family has: more guardians for one student, or more students
//! for one guardian, than any family does.

use crate::checks::builder::Builder;
use crate::column::Column;
use crate::diagnostic::message::{Arg, Message, msg};
use crate::diagnostic::{Code, Diagnostic};

/// More guardians than this for one student is no family: a warning.
pub(crate) const MAX_GUARDIANS_PER_STUDENT: u32 = 20;

/// More students than this for one guardian is no family: a warning.
pub(crate) const MAX_STUDENTS_PER_GUARDIAN: u32 = 30;

impl Builder {
    /// A student with more guardians, or a guardian with more students, than
    /// any family has: an export joined wrongly (a student ID on every row,
    /// a guardian ID copied down a column). One warning each, on the first
    /// row.
    pub(crate) fn warn_implausible_counts(&mut self) {
        // Interned indexes are dense: a count per index, and the first
        // line of each over the limit found again below.
        let mut per_student = vec![0u32; self.students.len()];
        let mut per_guardian = vec![0u32; self.entries.len()];
        for &(g, s, _) in &self.links {
            per_student[s as usize] += 1;
            per_guardian[g as usize] += 1;
        }
        let over_students = per_student.iter().any(|&n| n > MAX_GUARDIANS_PER_STUDENT);
        let over_guardians = per_guardian.iter().any(|&n| n > MAX_STUDENTS_PER_GUARDIAN);
        if !over_students && !over_guardians {
            return;
        }
        // Links are in file order: each over the limit is said once, on its
        // first row (its count then cleared), the student before the
        // guardian on one line.
        let implausible = |line: u64, message: Message, column: Column, value: &str| {
            Diagnostic::with_message(Code::ImplausibleLinks, line, message.lined())
                .with_column(column)
                .with_value(value)
        };
        let mut found: Vec<Diagnostic> = Vec::new();
        for &(g, s, line) in &self.links {
            let count = std::mem::take(&mut per_student[s as usize]);
            if count > MAX_GUARDIANS_PER_STUDENT {
                let message = msg!(
                    "student {} has {} guardians in this file, more than any family has ({} at most is usual): check the export (the same student ID on many rows?)",
                    Arg::Value,
                    u64::from(count),
                    u64::from(MAX_GUARDIANS_PER_STUDENT)
                );
                let id = self.students[s as usize].as_str();
                found.push(implausible(line, message, Column::StudentId, id));
            }
            let count = std::mem::take(&mut per_guardian[g as usize]);
            if count > MAX_STUDENTS_PER_GUARDIAN {
                let message = msg!(
                    "guardian {} is linked to {} students in this file, more than any family has ({} at most is usual): check the export (the same guardian ID copied down the column?)",
                    Arg::Value,
                    u64::from(count),
                    u64::from(MAX_STUDENTS_PER_GUARDIAN)
                );
                let id = self.entries[g as usize].guardian.guardian_id.as_str();
                found.push(implausible(line, message, Column::GuardianId, id));
            }
        }
        self.diagnostics.extend(found);
    }
}
