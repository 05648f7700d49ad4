//! The whole-file checks' state, built row by row: interned IDs, each
//! guardian's entry, the links, the counts; `finish` runs the checks that
//! need the whole file (one file each beside this one) and makes the
//! [`ValidatedFile`].

use std::collections::BTreeMap;
use std::num::NonZeroU64;

use foldhash::HashMap;

use rayon::iter::{IndexedParallelIterator, IntoParallelRefIterator, ParallelIterator};
use rayon::slice::ParallelSliceMut;

use crate::checks::agree::{Verdict, compare, fields_of, take_fields};
use crate::checks::found::Found;
use crate::checks::interned::Interned;
use crate::checks::order::{permute, sorted_order};
use crate::checks::validated::{ExcludedRow, RejectedRow, Summary, ValidatedFile};
use crate::diagnostic::message::msg;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::reading::decode::TextEncoding;
use crate::reading::file_info::FileInfo;
use crate::reading::row::{Row, RowOutcome, RowStatus};
use crate::values::id::{GuardianId, StudentId};
use crate::values::record::{Guardian, Link};

/// No guardian or student: the row did not make a link.
pub(crate) const NONE: u32 = u32::MAX;

/// One distinct guardian and what the rows said about it.
pub(crate) struct Entry {
    pub(crate) guardian: Guardian,
    /// The serial of the first row's guardian cells, if remembered
    /// (serials are never 0: the entry stays at 224 bytes).
    pub(crate) cells_serial: Option<NonZeroU64>,
    /// Index of the first row.
    pub(crate) first_row: u32,
    /// Fields on which some row disagreed with the first, as bits of
    /// `GuardianField::ALL`.
    pub(crate) conflicts: u8,
    /// The fields the first row gave, as bits of `GuardianField::ALL`:
    /// a later row that repeats its cells lacks what the guardian
    /// gained since.
    pub(crate) first_fields: u8,
    /// The guardian's latest link, by index in the builder's links
    /// (`NONE`: none yet); each link names the one before it.
    pub(crate) last_link: u32,
}

impl Entry {
    /// Whether the guardian is in the output: its rows agree, and one of
    /// them gives a way to reach them.
    pub(crate) fn is_usable(&self) -> bool {
        self.conflicts == 0
            && (self.guardian.email.is_some() || self.guardian.mobile_phone.is_some())
    }
}

/// Accumulates rows into a [`ValidatedFile`].
///
/// IDs are interned: each distinct guardian and student ID is stored once,
/// and rows and links refer to them by index, so the whole-file checks cost
/// a few words per row rather than a string per field.
pub(crate) struct Builder {
    pub(crate) info: FileInfo,
    /// The file's diagnostics, then the rows', in file order.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Diagnostics found while adding rows (`duplicate_row`): after the
    /// rows' own for the same line once sorted.
    pub(crate) found: Vec<Diagnostic>,
    pub(crate) rows: Vec<RowOutcome>,
    /// Per row: (guardian, student) indexes of a usable row, else `NONE`.
    pub(crate) row_keys: Vec<(u32, u32)>,
    pub(crate) rejected: Vec<RejectedRow>,
    pub(crate) excluded: Vec<ExcludedRow>,
    /// The relationship of the links whose first row gives one, by index
    /// in `links`.
    pub(crate) relationships: HashMap<u32, Box<str>>,
    /// (guardian, student) links that some row makes and another row's
    /// flags leave out: none of their rows is used.
    pub(crate) flag_conflicts: foldhash::HashSet<(u32, u32)>,
    /// Rejected rows with a flag that could not be read, which may leave
    /// their link out: (guardian, student, line).
    pub(crate) doubted: Vec<(GuardianId, StudentId, u64)>,
    /// The line of the row the file ends in the middle of, if it does.
    pub(crate) truncated_at: Option<u64>,
    pub(crate) entries: Vec<Entry>,
    /// Places in `entries`, by guardian ID.
    pub(crate) guardian_index: Interned,
    pub(crate) students: Vec<StudentId>,
    /// Places in `students`, by ID.
    pub(crate) student_index: Interned,
    /// Links in file order: guardian, student, line of the first row.
    pub(crate) links: Vec<(u32, u32, u64)>,
    /// Per link: the same guardian's link before it (`NONE`: its first).
    /// A guardian has a few links, its entry the latest: a link is found
    /// by walking them, no table of every link (and a guardian's first
    /// row, most rows of a file, looks nothing up).
    pub(crate) earlier_link: Vec<u32>,
    /// Remembered guardian cells whose first row was not its guardian's
    /// first: how they compare with that guardian, and the fields it had
    /// after them, for the rows that repeat them.
    pub(crate) repeat_verdicts: HashMap<u64, (Verdict, u8)>,
    /// Rows whose only error is `no_contact`, joined to their guardian
    /// until every row is in.
    pub(crate) contactless: Vec<u32>,
    /// Guardians some of whose rows left a field empty that another row
    /// gives.
    pub(crate) completions: HashMap<u32, Completion>,
    /// Streaming: the diagnostics handed on so far, counted instead of
    /// kept (`None`: kept, for a `ValidatedFile` that holds them all).
    pub(crate) streamed: Option<Counts>,
    /// Streaming: each row's status as the caller was last told it.
    pub(crate) shown: Vec<RowStatus>,
    /// Streaming: the `no_contact` handed over with each row of
    /// `contactless`, in the same order, to withdraw if the row is
    /// completed.
    pub(crate) contactless_said: Vec<Diagnostic>,
    /// Streaming: diagnostics handed over that the whole file took back.
    pub(crate) withdrawn: Vec<Diagnostic>,
}

/// Diagnostics counted for the summary without being kept: a count per
/// code, by the code's place in [`Code::ALL`] (no lookup by name per
/// diagnostic).
#[derive(Default)]
pub(crate) struct Counts {
    pub(crate) errors: u64,
    pub(crate) warnings: u64,
    pub(crate) by_code: Vec<u64>,
}

impl Counts {
    pub(crate) fn add(&mut self, diagnostic: &Diagnostic) {
        match diagnostic.severity() {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        if self.by_code.is_empty() {
            self.by_code = vec![0; Code::ALL.len()];
        }
        if let Some(count) = self.by_code.get_mut(diagnostic.code as usize) {
            *count += 1;
        }
    }

    /// The counts per code name, as the summary has them.
    pub(crate) fn by_name(&self) -> BTreeMap<&'static str, u64> {
        Code::ALL
            .iter()
            .zip(&self.by_code)
            .filter(|&(_, &count)| count > 0)
            .map(|(code, &count)| (code.as_str(), count))
            .collect()
    }

    pub(crate) fn remove(&mut self, diagnostic: &Diagnostic) {
        match diagnostic.severity() {
            Severity::Error => self.errors -= 1,
            Severity::Warning => self.warnings -= 1,
        }
        if let Some(count) = self.by_code.get_mut(diagnostic.code as usize) {
            *count -= 1;
        }
    }
}

/// A guardian whose rows were completed from one another.
pub(crate) struct Completion {
    /// The fields completed (bits of `GuardianField::ALL`).
    pub(crate) fields: u8,
    /// The line that gave the first value completed.
    pub(crate) from: u64,
    /// The rows that left a field empty, in file order.
    pub(crate) rows: Vec<u32>,
}

impl Builder {
    pub(crate) fn new(info: FileInfo, file_diagnostics: Vec<Diagnostic>, stream: bool) -> Builder {
        let mut streamed = stream.then(Counts::default);
        let diagnostics = match &mut streamed {
            // Handed on by the reader already.
            Some(counts) => {
                file_diagnostics.iter().for_each(|d| counts.add(d));
                Vec::new()
            }
            None => file_diagnostics,
        };
        Builder {
            info,
            diagnostics,
            found: Vec::new(),
            rows: Vec::new(),
            row_keys: Vec::new(),
            rejected: Vec::new(),
            excluded: Vec::new(),
            relationships: HashMap::default(),
            flag_conflicts: foldhash::HashSet::default(),
            doubted: Vec::new(),
            truncated_at: None,
            entries: Vec::new(),
            guardian_index: Interned::default(),
            students: Vec::new(),
            student_index: Interned::default(),
            links: Vec::new(),
            earlier_link: Vec::new(),
            repeat_verdicts: HashMap::default(),
            contactless: Vec::new(),
            completions: HashMap::default(),
            streamed,
            shown: Vec::new(),
            contactless_said: Vec::new(),
            withdrawn: Vec::new(),
        }
    }

    /// Hands `row` to `sink`, adds it, then hands on what adding it found
    /// (a streaming validation's step; see [`Found`]).
    pub(crate) fn push_streaming(&mut self, row: &mut Row, sink: &mut dyn FnMut(Found<'_>)) {
        sink(Found::Row(row));
        let told = row.status();
        let no_contact = match row.is_contactless() {
            true => row
                .diagnostics()
                .iter()
                .find(|d| d.code == Code::NoContact)
                .cloned(),
            false => None,
        };
        let contactless = self.contactless.len();
        self.push(row);
        if let (Some(said), true) = (no_contact, self.contactless.len() > contactless) {
            self.contactless_said.push(said);
        }
        let counts = self.streamed.get_or_insert_with(Counts::default);
        for diagnostic in self.found.drain(..) {
            counts.add(&diagnostic);
            sink(Found::Diagnostic(&diagnostic));
        }
        if let Some(&outcome) = self.rows.last() {
            if outcome.status != told {
                sink(Found::Status(outcome));
            }
            self.shown.push(outcome.status);
        }
    }

    /// Streaming: each row's status as the caller was last told it.
    pub(crate) fn take_shown(&mut self) -> Vec<RowStatus> {
        std::mem::take(&mut self.shown)
    }

    pub(crate) fn push(&mut self, row: &mut Row) {
        let line = row.line();
        if row.is_truncated() {
            self.truncated_at = Some(line);
        }
        let mut status = row.status();
        match &mut self.streamed {
            Some(counts) => row.take_diagnostics().for_each(|d| counts.add(&d)),
            None => self.diagnostics.extend(row.take_diagnostics()),
        }
        // A row whose only error is `no_contact` joins its guardian for
        // now: another row of the guardian may give the email or mobile.
        let provisional = status == RowStatus::Rejected && row.is_contactless();
        if provisional {
            row.take_contactless();
        }
        let mut key = (NONE, NONE);
        let usable = matches!(status, RowStatus::Valid | RowStatus::Repaired) || provisional;
        let known = match row.guardian().map(|g| &g.guardian_id).or(row.guardian_id()) {
            Some(id) if usable => self.guardian_at(id),
            _ => None,
        };
        // A row whose guardian cells repeat a remembered row's carries the
        // guardian ID and that row's serial instead of a guardian. The row
        // that made the cells came first, so its guardian is known here.
        let repeat = row.guardian().is_none() && row.cells_serial().is_some() && known.is_some();
        debug_assert!(
            !usable || row.guardian().is_some() || row.cells_serial().is_none() || repeat,
            "cells repeated before their guardian was seen"
        );
        if status == RowStatus::Blank {
            // Not a data row: nothing to link or reject.
        } else if let (RowStatus::Excluded, Some(exclusion), Some(g), Some(s)) =
            (status, row.exclusion(), row.guardian_id(), row.student_id())
        {
            self.excluded.push(ExcludedRow {
                line,
                guardian_id: g.clone(),
                student_id: s.clone(),
                exclusion,
            });
        } else if let (true, Some(student_id)) = (
            usable && (row.guardian().is_some() || repeat),
            row.student_id(),
        ) {
            let s = self.intern_student(student_id);
            let (g, verdict) = self.join_guardian(known, row);
            if verdict.case | verdict.variant | verdict.differs != 0 {
                self.warn_drift(g, verdict, line);
                if status == RowStatus::Valid {
                    status = RowStatus::Repaired;
                }
            }
            if verdict.completed() != 0 {
                self.note_completion(g, verdict, line);
            }
            key = (g, s);
            match self.find_link(g, s) {
                Some(first) if verdict.is_same() => {
                    let first_line = self.links[first as usize].2;
                    self.found.push(Diagnostic::with_message(
                        Code::DuplicateRow,
                        line,
                        msg!(
                            "this row repeats line {} (the same guardian, student and details); it is counted once",
                            first_line
                        )
                        .lined(),
                    ));
                    status = RowStatus::Repaired;
                }
                Some(_) => {}
                None => self.add_link(g, s, line, row.relationship()),
            }
            if provisional {
                // Decided once every row is in (`resolve_contactless`).
                status = RowStatus::Rejected;
                self.contactless.push(self.rows.len() as u32);
            }
        } else {
            status = RowStatus::Rejected;
            if let (true, Some(g), Some(s)) =
                (row.flag_doubt(), row.guardian_id(), row.student_id())
            {
                self.doubted.push((g.clone(), s.clone(), line));
            }
            self.rejected.push(RejectedRow {
                line,
                guardian_id: row.guardian_id().cloned(),
                student_id: row.student_id().cloned(),
            });
        }
        self.rows.push(RowOutcome { line, status });
        self.row_keys.push(key);
    }

    /// The place in `entries` of guardian `id`, if a row made it.
    pub(crate) fn guardian_at(&self, id: &GuardianId) -> Option<u32> {
        self.guardian_index
            .find(id.as_str(), guardian_id_at(&self.entries))
    }

    /// The place in `students` of student `id`, if a row made it.
    pub(crate) fn student_at(&self, id: &StudentId) -> Option<u32> {
        self.student_index
            .find(id.as_str(), student_id_at(&self.students))
    }

    /// The index in `links` of the link of guardian `g` and student `s`,
    /// if a row made it.
    pub(crate) fn find_link(&self, g: u32, s: u32) -> Option<u32> {
        let mut at = self.entries.get(g as usize)?.last_link;
        while let Some(&(_, student, _)) = self.links.get(at as usize) {
            if student == s {
                return Some(at);
            }
            at = self.earlier_link.get(at as usize).copied().unwrap_or(NONE);
        }
        None
    }

    /// Adds the link of guardian `g` (an entry) and student `s`, first
    /// made on `line`.
    fn add_link(&mut self, g: u32, s: u32, line: u64, relationship: Option<&str>) {
        let at = self.links.len() as u32;
        if let Some(relationship) = relationship {
            self.relationships.insert(at, relationship.into());
        }
        let last = match self.entries.get_mut(g as usize) {
            Some(entry) => std::mem::replace(&mut entry.last_link, at),
            None => NONE,
        };
        self.links.push((g, s, line));
        self.earlier_link.push(last);
    }

    /// The index of a student ID, interned.
    pub(crate) fn intern_student(&mut self, student_id: &StudentId) -> u32 {
        let (s, new) = self
            .student_index
            .find_or_add(student_id.as_str(), student_id_at(&self.students));
        if new {
            self.students.push(student_id.clone());
        }
        s
    }

    /// The row's guardian entry (`known`, or a new one), and how the row
    /// agrees with what the guardian's earlier rows said. Values the row
    /// gives that the guardian lacked are taken.
    pub(crate) fn join_guardian(&mut self, known: Option<u32>, row: &mut Row) -> (u32, Verdict) {
        match (known, row.guardian()) {
            // Cells seen before: what they were found to be then holds.
            (Some(g), None) => {
                let entry = &mut self.entries[g as usize];
                let (then, had) = if entry.cells_serial.map(NonZeroU64::get) == row.cells_serial() {
                    (Verdict::default(), entry.first_fields)
                } else {
                    // The row that made the cells came first and was
                    // compared then, so its verdict is always there.
                    let found = row
                        .cells_serial()
                        .and_then(|serial| self.repeat_verdicts.get(&serial))
                        .copied();
                    debug_assert!(found.is_some(), "cells repeated before they were seen");
                    found.unwrap_or_default()
                };
                // What checking the cells again would say: the names
                // compare as they did, the guardian has what they gave,
                // and they lack what it gained since.
                let verdict = Verdict {
                    given_here: 0,
                    empty_here: then.empty_here | (fields_of(&entry.guardian) & !had),
                    ..then
                };
                entry.conflicts |= verdict.conflicts;
                (g, verdict)
            }
            (Some(g), Some(guardian)) => {
                let entry = &mut self.entries[g as usize];
                let verdict = compare(&entry.guardian, guardian);
                entry.conflicts |= verdict.conflicts;
                if verdict.given_here != 0 {
                    take_fields(&mut entry.guardian, guardian, verdict.given_here);
                }
                if let Some(serial) = row.cells_serial() {
                    // With the fields the guardian has after this row.
                    self.repeat_verdicts
                        .insert(serial, (verdict, fields_of(&entry.guardian)));
                }
                (g, verdict)
            }
            (None, _) => {
                let g = self.entries.len() as u32;
                let cells_serial = row.cells_serial().and_then(NonZeroU64::new);
                if let Some(guardian) = row.take_guardian() {
                    // Not found before (`known` is none): the next place.
                    let (at, new) = self
                        .guardian_index
                        .find_or_add(guardian.guardian_id.as_str(), guardian_id_at(&self.entries));
                    debug_assert!(new && at == g, "a known guardian joined as new");
                    self.entries.push(Entry {
                        first_fields: fields_of(&guardian),
                        guardian,
                        cells_serial,
                        first_row: self.rows.len() as u32,
                        conflicts: 0,
                        last_link: NONE,
                    });
                }
                (g, Verdict::default())
            }
        }
    }

    /// The encoding, if reading found it late (a file ASCII at first), and
    /// the file diagnostics that came with it, ahead of all others.
    pub(crate) fn late_encoding(&mut self, encoding: TextEncoding, found: &mut Vec<Diagnostic>) {
        self.info.encoding = encoding;
        self.diagnostics.splice(0..0, found.drain(..));
    }

    /// Takes the diagnostics of rows already pushed, in file order, that a
    /// checking thread gathered in one piece (so that the calling thread
    /// copies them in one go instead of touching them row by row).
    pub(crate) fn append_row_diagnostics(&mut self, diagnostics: &mut Vec<Diagnostic>) {
        self.diagnostics.append(diagnostics);
    }

    pub(crate) fn finish(mut self) -> ValidatedFile {
        self.diagnostics.append(&mut self.found);
        self.find_flag_conflicts();
        // The indexes are done with: free them before the conflicts'
        // diagnostics and the output are built, so that these never take
        // memory at the same time.
        self.earlier_link = Vec::new();
        self.guardian_index = Interned::default();
        self.student_index = Interned::default();
        self.repeat_verdicts = HashMap::default();
        self.resolve_contactless();
        self.warn_completions();
        self.reject_conflicts();
        self.reject_flag_conflicts();
        self.warn_implausible_counts();
        // Each row's keys are done with too (8 bytes a row).
        self.row_keys = Vec::new();
        // Vectors grown by doubling hold up to half again their length in
        // spare room; give it back before the output is built beside them
        // (at 1M rows, 40 MB of guardians' room).
        self.entries.shrink_to_fit();
        let entries = &self.entries;
        // A link whose rows disagree on the flags is not made.
        let taken = &self.flag_conflicts;
        let relationships = std::mem::take(&mut self.relationships);
        let mut at = 0u32;
        let mut kept_relationships: HashMap<usize, Box<str>> = HashMap::default();
        let mut kept = 0usize;
        self.links.retain(|&(g, s, _)| {
            let index = at;
            at += 1;
            let keep = entries[g as usize].is_usable() && !taken.contains(&(g, s));
            if keep {
                if let Some(relationship) = relationships.get(&index) {
                    kept_relationships.insert(kept, relationship.clone());
                }
                kept += 1;
            }
            keep
        });
        // Each link takes a share of two IDs, a write to memory that is
        // anywhere: on the pool, that waits on both cores.
        let mut links: Vec<Link> = Vec::new();
        let students = &self.students;
        let kept_relationships = &kept_relationships;
        self.links
            .par_iter()
            .enumerate()
            .map(|(at, &(g, s, line))| Link {
                guardian_id: entries[g as usize].guardian.guardian_id.clone(),
                student_id: students[s as usize].clone(),
                line,
                relationship: kept_relationships.get(&at).cloned(),
            })
            .collect_into_vec(&mut links);
        self.links = Vec::new();
        self.students = Vec::new();

        let mut entries: Vec<Entry> = std::mem::take(&mut self.entries)
            .into_iter()
            .filter(Entry::is_usable)
            .collect();
        sort_by_guardian_id(&mut entries);
        // Then the look-alike emails, from the same index.
        self.warn_shared(&entries);
        // Made in place, in the entries' larger room: give back the rest.
        let mut guardians: Vec<Guardian> = entries.into_iter().map(|e| e.guardian).collect();
        guardians.shrink_to_fit();
        self.diagnostics.shrink_to_fit();
        self.rejected.shrink_to_fit();
        // File-level diagnostics sit on the header line, before every row.
        self.diagnostics.sort_by_key(|d| d.line);

        let mut summary = Summary {
            guardians: guardians.len() as u64,
            links: links.len() as u64,
            ..Summary::default()
        };
        for row in &self.rows {
            match row.status {
                RowStatus::Valid => summary.valid += 1,
                RowStatus::Repaired => summary.repaired += 1,
                RowStatus::Rejected => summary.rejected += 1,
                RowStatus::Blank => summary.blank += 1,
                RowStatus::Excluded => summary.excluded += 1,
            }
        }
        summary.rows = summary.valid + summary.repaired + summary.rejected + summary.excluded;
        let mut counts = self.streamed.take().unwrap_or_default();
        self.diagnostics.iter().for_each(|d| counts.add(d));
        summary.errors = counts.errors;
        summary.warnings = counts.warnings;
        summary.by_code = counts.by_name();
        ValidatedFile {
            summary,
            info: self.info,
            diagnostics: self.diagnostics,
            guardians,
            links,
            rows: self.rows,
            rejected: self.rejected,
            excluded: self.excluded,
            truncated_at: self.truncated_at,
            withdrawn: self.withdrawn,
            format: crate::reading::origin::Format::GuardiansCsv,
            origins: None,
            delta: false,
        }
    }
}

/// The ID of each place in `entries`, for [`Interned`] to check a match
/// against.
fn guardian_id_at<'e>(entries: &'e [Entry]) -> impl Fn(u32) -> &'e str {
    |at| {
        entries
            .get(at as usize)
            .map_or("", |e| e.guardian.guardian_id.as_str())
    }
}

/// The ID of each place in `students`, for [`Interned`] to check a match
/// against.
fn student_id_at<'s>(students: &'s [StudentId]) -> impl Fn(u32) -> &'s str {
    |at| students.get(at as usize).map_or("", StudentId::as_str)
}

/// Sorts `entries` by guardian ID. An entry is a few hundred bytes: the
/// sort moves 4-byte indices, and each entry then moves once, to its
/// place (at a million rows the sort of the entries themselves was a tenth
/// of the whole validation's instructions).
fn sort_by_guardian_id(entries: &mut [Entry]) {
    let Ok(count) = u32::try_from(entries.len()) else {
        entries.par_sort_unstable_by(|a, b| a.guardian.guardian_id.cmp(&b.guardian.guardian_id));
        return;
    };
    let mut order = {
        let entries = &*entries;
        sorted_order(count, |at| {
            entries[at as usize].guardian.guardian_id.as_str()
        })
    };
    permute(entries, &mut order);
}

#[cfg(test)]
mod tests {
    use crate::checks::conflicts::describe_lines;

    #[test]
    fn a_guardian_s_links_are_found_among_its_own() {
        // G1's links on lines 2, 4 and 6, G2's between them: each repeat
        // names the first row of its own link, whichever came before it.
        let file = crate::checks::validated::ValidatedFile::of_csv(
            "student_id,guardian_id,first_name,last_name,email,mobile_phone,is_guardian\n\
             S1,G1,Ana,Diaz,ana@example.com,,Y\n\
             S1,G2,Bo,Li,bo@example.com,,Y\n\
             S2,G1,Ana,Diaz,ana@example.com,,Y\n\
             S2,G2,Bo,Li,bo@example.com,,Y\n\
             S3,G1,Ana,Diaz,ana@example.com,,Y\n\
             S2,G1,Ana,Diaz,ana@example.com,,Y\n\
             S1,G2,Bo,Li,bo@example.com,,Y\n\
             S3,G1,Ana,Diaz,ana@example.com,,Y\n\
             S3,G2,Bo,Li,bo@example.com,,N\n\
             S1,G1,Ana,Diaz,ana@example.com,,N\n",
        );
        let said: Vec<(u64, &str, String)> = file
            .diagnostics()
            .iter()
            .filter(|d| matches!(d.code.as_str(), "duplicate_row" | "conflicting_flags"))
            .map(|d| (d.line, d.code.as_str(), d.message().to_string()))
            .collect();
        let repeats = |line: u64, first: u64| {
            (
                line,
                "duplicate_row",
                format!(
                    "Line {line}: this row repeats line {first} (the same guardian, student and details); it is counted once"
                ),
            )
        };
        assert_eq!(
            said,
            [
                (
                    2,
                    "conflicting_flags",
                    "Line 2: guardian G1 and student S1 have rows that disagree on whether this \
                     person is a guardian: this row would link them, but the flags on line 11 \
                     leave them out or cannot be read; none of the rows was used: make the flags \
                     agree in the SIS"
                        .to_string()
                ),
                repeats(7, 4),
                repeats(8, 3),
                repeats(9, 6),
            ]
        );
        let links: Vec<(&str, &str)> = file
            .links()
            .iter()
            .map(|l| (l.guardian_id.as_str(), l.student_id.as_str()))
            .collect();
        // (G1, S1) is left out by line 11's flag; (G2, S3) by line 10's
        // is no link of any row.
        assert_eq!(
            links,
            [("G2", "S1"), ("G1", "S2"), ("G2", "S2"), ("G1", "S3")]
        );
    }

    #[test]
    fn an_entry_takes_224_bytes() {
        assert_eq!(std::mem::size_of::<super::Entry>(), 224);
    }

    #[test]
    fn lines_read_as_a_sentence() {
        let described = |lines: &[u64], except: u64| {
            let mut out = String::new();
            describe_lines(&mut out, lines, except);
            out
        };
        assert_eq!(described(&[4], 0), "line 4");
        assert_eq!(described(&[4, 7], 7), "line 4");
        assert_eq!(described(&[4, 9], 0), "lines 4 and 9");
        assert_eq!(described(&[4, 9, 12], 0), "lines 4, 9 and 12");
        assert_eq!(described(&[4], 4), "no other line");
        let many: Vec<u64> = (1..=13).collect();
        assert_eq!(
            described(&many, 13),
            "lines 1, 2, 3, 4, 5, 6, 7, 8, 9 and 10 (and 2 more)"
        );
    }
}
