//! The whole file, checked: deduplicated guardians, their links, every
//! diagnostic, and a summary that accounts for every row.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::decode::TextEncoding;
use crate::row::{Row, RowStatus};
use crate::{Code, Diagnostic, Guardian, GuardianField, GuardianId, Link, Severity, StudentId};

/// What became of one row, by line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RowOutcome {
    /// The physical line where the row starts.
    pub line: u64,
    /// Valid, repaired, rejected or blank.
    pub status: RowStatus,
}

/// A rejected row's IDs, as far as they could be read. The dry run never
/// unlinks what such a row might have meant to keep.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RejectedRow {
    /// The physical line where the row starts.
    pub line: u64,
    /// The guardian ID, if readable.
    pub guardian_id: Option<GuardianId>,
    /// The student ID, if readable.
    pub student_id: Option<StudentId>,
}

/// Counts for the whole file.
///
/// `rows == valid + repaired + rejected`: every data row is in exactly one
/// of the three. Blank rows are counted apart.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Summary {
    /// Data rows read (blank rows excluded).
    pub rows: u64,
    /// Rows used as written.
    pub valid: u64,
    /// Rows used with warnings.
    pub repaired: u64,
    /// Rows not used.
    pub rejected: u64,
    /// Rows with every cell empty, skipped with a warning.
    pub blank: u64,
    /// Error diagnostics, all rows and the file together.
    pub errors: u64,
    /// Warning diagnostics, all rows and the file together.
    pub warnings: u64,
    /// Diagnostics per code.
    pub by_code: BTreeMap<&'static str, u64>,
    /// Distinct guardians usable.
    pub guardians: u64,
    /// Distinct guardian-student links usable.
    pub links: u64,
}

/// A checked guardians.csv, from [`crate::Reader::validate`].
///
/// ```
/// # fn main() -> Result<(), guardian_roster::Error> {
/// use guardian_roster::Reader;
///
/// let data = "\
/// student_id,guardian_id,first_name,last_name,email,mobile_phone
/// 00123,G1,Ana,Diaz,ana@example.com,
/// 00124,G1,Ana,Diaz,ANA@example.com,
/// 00125,G2,Bo,Li,bo@example,
/// ";
/// let file = Reader::from_reader(data.as_bytes())?.validate()?;
/// let summary = file.summary();
/// assert_eq!((summary.rows, summary.valid, summary.rejected), (3, 2, 1));
/// assert_eq!(file.guardians().len(), 1);
/// assert_eq!(file.links().len(), 2);
/// assert_eq!(file.diagnostics()[0].code.as_str(), "invalid_email");
/// assert_eq!(file.diagnostics()[0].line, 4);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Serialize)]
pub struct ValidatedFile {
    summary: Summary,
    encoding: TextEncoding,
    #[serde(skip)]
    delimiter: u8,
    #[serde(skip)]
    header_line: u64,
    diagnostics: Vec<Diagnostic>,
    guardians: Vec<Guardian>,
    links: Vec<Link>,
    #[serde(skip)]
    rows: Vec<RowOutcome>,
    #[serde(skip)]
    rejected: Vec<RejectedRow>,
}

impl ValidatedFile {
    /// Counts for the whole file.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// Every diagnostic, file-level first, then by line.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Usable guardians, one per guardian ID, sorted by ID.
    pub fn guardians(&self) -> &[Guardian] {
        &self.guardians
    }

    /// The guardian with this ID, if usable.
    pub fn guardian(&self, id: &str) -> Option<&Guardian> {
        self.guardians
            .binary_search_by(|g| g.guardian_id.as_str().cmp(id))
            .ok()
            .map(|at| &self.guardians[at])
    }

    /// Usable guardian-student links, in file order, each once.
    pub fn links(&self) -> &[Link] {
        &self.links
    }

    /// The outcome of every row, in file order.
    pub fn rows(&self) -> &[RowOutcome] {
        &self.rows
    }

    /// Rejected rows with whatever IDs could be read from them.
    pub fn rejected_rows(&self) -> &[RejectedRow] {
        &self.rejected
    }

    /// The encoding the file was read as.
    pub fn encoding(&self) -> TextEncoding {
        self.encoding
    }

    /// The delimiter used.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The physical line of the header row.
    pub fn header_line(&self) -> u64 {
        self.header_line
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}

struct Entry {
    guardian: Guardian,
    /// (row index, student ID) of every usable row of this guardian.
    rows: Vec<(usize, StudentId)>,
    conflicts: Vec<GuardianField>,
}

/// Accumulates rows into a [`ValidatedFile`].
pub(crate) struct Builder {
    encoding: TextEncoding,
    delimiter: u8,
    header_line: u64,
    diagnostics: Vec<Diagnostic>,
    rows: Vec<RowOutcome>,
    rejected: Vec<RejectedRow>,
    entries: HashMap<GuardianId, Entry>,
    links: Vec<Link>,
    link_index: HashMap<(GuardianId, StudentId), usize>,
}

impl Builder {
    pub(crate) fn new(
        encoding: TextEncoding,
        delimiter: u8,
        header_line: u64,
        file_diagnostics: Vec<Diagnostic>,
    ) -> Builder {
        Builder {
            encoding,
            delimiter,
            header_line,
            diagnostics: file_diagnostics,
            rows: Vec::new(),
            rejected: Vec::new(),
            entries: HashMap::new(),
            links: Vec::new(),
            link_index: HashMap::new(),
        }
    }

    pub(crate) fn push(&mut self, row: &mut Row) {
        let index = self.rows.len();
        let line = row.line();
        let mut status = row.status();
        let guardian = row.take_guardian();
        self.diagnostics.extend(row.take_diagnostics());
        match (status, guardian, row.student_id()) {
            (RowStatus::Valid | RowStatus::Repaired, Some(guardian), Some(student_id)) => {
                let student_id = student_id.clone();
                let guardian_id = guardian.guardian_id.clone();
                let same_details = match self.entries.get_mut(&guardian_id) {
                    Some(entry) => {
                        let differences = entry.guardian.differences(&guardian);
                        for field in &differences {
                            if !entry.conflicts.contains(field) {
                                entry.conflicts.push(*field);
                            }
                        }
                        entry.rows.push((index, student_id.clone()));
                        differences.is_empty()
                    }
                    None => {
                        self.entries.insert(
                            guardian_id.clone(),
                            Entry {
                                guardian,
                                rows: vec![(index, student_id.clone())],
                                conflicts: Vec::new(),
                            },
                        );
                        true
                    }
                };
                let key = (guardian_id, student_id);
                match self.link_index.get(&key) {
                    Some(&first) if same_details => {
                        let first_line = self.links[first].line;
                        self.diagnostics.push(Diagnostic::new(
                            Code::DuplicateRow,
                            line,
                            format!(
                                "Line {line}: this row repeats line {first_line} exactly; it is counted once"
                            ),
                        ));
                        status = RowStatus::Repaired;
                    }
                    Some(_) => {}
                    None => {
                        self.link_index.insert(key.clone(), self.links.len());
                        self.links.push(Link {
                            guardian_id: key.0,
                            student_id: key.1,
                            line,
                        });
                    }
                }
            }
            (RowStatus::Blank, ..) => {}
            _ => {
                status = RowStatus::Rejected;
                self.rejected.push(RejectedRow {
                    line,
                    guardian_id: row.guardian_id().cloned(),
                    student_id: row.student_id().cloned(),
                });
            }
        }
        self.rows.push(RowOutcome { line, status });
    }

    pub(crate) fn finish(mut self) -> ValidatedFile {
        self.reject_conflicts();
        let mut guardians: Vec<Guardian> = Vec::with_capacity(self.entries.len());
        let mut first_rows: HashMap<GuardianId, usize> = HashMap::with_capacity(self.entries.len());
        for (id, entry) in self.entries.drain() {
            first_rows.insert(id, entry.rows[0].0);
            guardians.push(entry.guardian);
        }
        guardians.sort_unstable_by(|a, b| a.guardian_id.cmp(&b.guardian_id));
        self.warn_shared(&guardians, &first_rows);
        // File-level diagnostics sit on the header line, before every row.
        self.diagnostics.sort_by_key(|d| d.line);
        self.link_index = HashMap::new();

        let mut summary = Summary {
            guardians: guardians.len() as u64,
            links: self.links.len() as u64,
            ..Summary::default()
        };
        for row in &self.rows {
            match row.status {
                RowStatus::Valid => summary.valid += 1,
                RowStatus::Repaired => summary.repaired += 1,
                RowStatus::Rejected => summary.rejected += 1,
                RowStatus::Blank => summary.blank += 1,
            }
        }
        summary.rows = summary.valid + summary.repaired + summary.rejected;
        for diagnostic in &self.diagnostics {
            match diagnostic.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
            }
            *summary.by_code.entry(diagnostic.code.as_str()).or_default() += 1;
        }
        ValidatedFile {
            summary,
            encoding: self.encoding,
            delimiter: self.delimiter,
            header_line: self.header_line,
            diagnostics: self.diagnostics,
            guardians,
            links: self.links,
            rows: self.rows,
            rejected: self.rejected,
        }
    }

    /// A guardian whose rows disagree is not guessed at: all of its rows
    /// are rejected, each naming the fields and the other lines.
    fn reject_conflicts(&mut self) {
        let mut conflicting: Vec<GuardianId> = self
            .entries
            .iter()
            .filter(|(_, entry)| !entry.conflicts.is_empty())
            .map(|(id, _)| id.clone())
            .collect();
        if conflicting.is_empty() {
            return;
        }
        conflicting.sort_unstable();
        for id in &conflicting {
            let Some(mut entry) = self.entries.remove(id) else {
                continue;
            };
            entry.conflicts.sort_unstable();
            let fields: Vec<&str> = entry.conflicts.iter().map(|f| f.label()).collect();
            let lines: Vec<u64> = entry
                .rows
                .iter()
                .map(|(at, _)| self.rows[*at].line)
                .collect();
            for (at, student_id) in &entry.rows {
                let line = self.rows[*at].line;
                let others: Vec<u64> = lines.iter().copied().filter(|&l| l != line).collect();
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::ConflictingGuardian,
                        line,
                        format!(
                            "Line {line}: guardian {id} has different {} on {}; none of this guardian's rows was used: make them agree and upload again",
                            fields.join(", "),
                            describe_lines(&others),
                        ),
                    )
                    .with_value(id.as_str()),
                );
                self.rows[*at].status = RowStatus::Rejected;
                self.rejected.push(RejectedRow {
                    line,
                    guardian_id: Some(id.clone()),
                    student_id: Some(student_id.clone()),
                });
            }
        }
        let conflicting: std::collections::HashSet<&GuardianId> = conflicting.iter().collect();
        self.links
            .retain(|link| !conflicting.contains(&link.guardian_id));
        self.rejected.sort_by_key(|r| r.line);
    }

    /// Families share an email or a mobile; logins should not. Warn on each
    /// guardian's first row, naming the others.
    fn warn_shared(&mut self, guardians: &[Guardian], first_rows: &HashMap<GuardianId, usize>) {
        let mut by_email: BTreeMap<&str, Vec<&Guardian>> = BTreeMap::new();
        let mut by_mobile: BTreeMap<&str, Vec<&Guardian>> = BTreeMap::new();
        for guardian in guardians {
            if let Some(email) = &guardian.email {
                by_email.entry(email.key()).or_default().push(guardian);
            }
            if let Some(mobile) = &guardian.mobile_phone {
                by_mobile.entry(mobile.e164()).or_default().push(guardian);
            }
        }
        let shared = [
            (Code::SharedEmail, "email", by_email),
            (Code::SharedMobile, "mobile phone", by_mobile),
        ];
        for (code, label, groups) in shared {
            for (value, group) in groups.into_iter().filter(|(_, g)| g.len() > 1) {
                for guardian in &group {
                    let Some(&at) = first_rows.get(&guardian.guardian_id) else {
                        continue;
                    };
                    let line = self.rows[at].line;
                    let others: Vec<String> = group
                        .iter()
                        .filter(|g| g.guardian_id != guardian.guardian_id)
                        .map(|g| {
                            let other_line = first_rows
                                .get(&g.guardian_id)
                                .map_or(0, |&i| self.rows[i].line);
                            format!("{} (line {other_line})", g.guardian_id)
                        })
                        .collect();
                    let column = if code == Code::SharedEmail {
                        crate::Column::Email
                    } else {
                        crate::Column::MobilePhone
                    };
                    self.diagnostics.push(
                        Diagnostic::new(
                            code,
                            line,
                            format!(
                                "Line {line}: guardian {} shares the {label} {value} with guardian {}; families may share, but each login belongs to one person, so check who should have it",
                                guardian.guardian_id,
                                others.join(", ")
                            ),
                        )
                        .with_column(column)
                        .with_value(value),
                    );
                    if self.rows[at].status == RowStatus::Valid {
                        self.rows[at].status = RowStatus::Repaired;
                    }
                }
            }
        }
    }
}

/// "line 4", "lines 4 and 9", "lines 4, 9 and 12", capped at ten.
fn describe_lines(lines: &[u64]) -> String {
    const SHOWN: usize = 10;
    let shown: Vec<String> = lines.iter().take(SHOWN).map(u64::to_string).collect();
    let mut text = match shown.as_slice() {
        [] => return "no other line".to_owned(),
        [one] => format!("line {one}"),
        [init @ .., last] => format!("lines {} and {last}", init.join(", ")),
    };
    if lines.len() > SHOWN {
        text.push_str(&format!(" (and {} more)", lines.len() - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::describe_lines;

    #[test]
    fn lines_read_as_a_sentence() {
        assert_eq!(describe_lines(&[4]), "line 4");
        assert_eq!(describe_lines(&[4, 9]), "lines 4 and 9");
        assert_eq!(describe_lines(&[4, 9, 12]), "lines 4, 9 and 12");
        let many: Vec<u64> = (1..=12).collect();
        assert!(describe_lines(&many).ends_with("(and 2 more)"));
    }
}
