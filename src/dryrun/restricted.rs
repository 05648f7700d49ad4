//! Restricted contacts the roster already links: the file's rows flag a
//! person as restricted for a student (`Restricted`, `Court Order`, `Do Not
//! Contact`), and the roster has that link. The dry run says so loudly
//! (`restricted_contact_linked`) and a full sync removes the link, whatever
//! the deletion threshold or the rows that hold other links.

use foldhash::HashSet;

use crate::checks::validated::ValidatedFile;
use crate::diagnostic::message::{Arg, msg, plain};
use crate::diagnostic::{Code, Diagnostic};
use crate::values::flags::Exclusion;
use crate::values::id::{GuardianId, StudentId};

/// The links the roster has that the file flags as restricted, each with
/// the line of its first restricted row.
#[derive(Default)]
pub(crate) struct RestrictedLinks {
    /// In file order.
    pub(crate) linked: Vec<(GuardianId, StudentId, u64)>,
    /// The same links, to look up.
    pub(crate) pairs: HashSet<(GuardianId, StudentId)>,
}

/// The guardians of the file's restricted rows, sorted, each once: whose
/// links the roster is asked for.
pub(crate) fn restricted_guardians(file: &ValidatedFile) -> Vec<GuardianId> {
    let mut ids: Vec<GuardianId> = file
        .excluded_rows()
        .iter()
        .filter(|row| row.exclusion == Exclusion::Restricted)
        .map(|row| row.guardian_id.clone())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

impl RestrictedLinks {
    /// Which of the file's restricted rows the roster links (`roster`: the
    /// roster's links of [`restricted_guardians`]).
    pub(crate) fn find(
        file: &ValidatedFile,
        roster: &HashSet<(GuardianId, StudentId)>,
    ) -> RestrictedLinks {
        let mut found = RestrictedLinks::default();
        for row in file.excluded_rows() {
            if row.exclusion != Exclusion::Restricted {
                continue;
            }
            let pair = (row.guardian_id.clone(), row.student_id.clone());
            if roster.contains(&pair) && found.pairs.insert(pair) {
                found
                    .linked
                    .push((row.guardian_id.clone(), row.student_id.clone(), row.line));
            }
        }
        found
    }

    /// `restricted_contact_linked` for each link, saying what the plan does
    /// about it: removed (`removed` holds it: a full sync, in scope), or
    /// not, and why (`full`: the plan is a full sync).
    pub(crate) fn diagnostics(
        &self,
        full: bool,
        removed: &HashSet<(GuardianId, StudentId)>,
    ) -> Vec<Diagnostic> {
        self.linked
            .iter()
            .map(|(guardian, student, line)| {
                let pair = (guardian.clone(), student.clone());
                let message = if removed.contains(&pair) {
                    msg!(
                        "the roster links guardian {} to student {}, and this row flags them as restricted for that student: this full sync removes the link, whatever the deletion threshold; check it before Start Processing",
                        Arg::Value,
                        plain(student)
                    )
                } else if full {
                    msg!(
                        "the roster links guardian {} to student {}, and this row flags them as restricted for that student, but the student is outside this upload's scope: the link is not removed here; remove it in the application now",
                        Arg::Value,
                        plain(student)
                    )
                } else {
                    msg!(
                        "the roster links guardian {} to student {}, and this row flags them as restricted for that student; an additive sync removes no link: remove it in the application now, or run a full sync",
                        Arg::Value,
                        plain(student)
                    )
                };
                Diagnostic::with_message(Code::RestrictedContactLinked, *line, message.lined())
                    .with_value(guardian.as_str())
            })
            .collect()
    }
}
