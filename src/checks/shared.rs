//! Contacts shared between guardians and addresses that only look alike.

use foldhash::HashMap;

use crate::checks::agree::same_ignoring_case;
use crate::checks::builder::{Builder, Entry};
use crate::column::Column;
use crate::diagnostic::message::{Arg, msg, plain};
use crate::diagnostic::write_list;
use crate::diagnostic::{Code, Diagnostic};
use crate::reading::row::RowStatus;
use crate::values::record::Guardian;

impl Builder {
    /// Emails that differ only in characters that look alike (a Cyrillic
    /// `а`, full-width letters, a domain and its punycode form) are one
    /// login to a person: warn on each guardian's first row, naming the
    /// others. Only the rare addresses beyond ASCII (or with a punycode
    /// label) are folded; the rest are found by their own keys.
    pub(crate) fn warn_lookalikes(&mut self, entries: &[Entry], emails: &Owners<'_>) {
        if emails.exotic.is_empty() {
            return;
        }
        // Each folded address with the guardians who have it: the exotic
        // ones that fold to it, and those whose own key it is (found in
        // the index of every email, not by another pass over them all).
        let mut groups: HashMap<&str, Vec<u32>> = HashMap::default();
        for (at, folded) in &emails.exotic {
            groups.entry(folded.as_str()).or_default().push(*at);
        }
        for (folded, group) in &mut groups {
            group.extend_from_slice(emails.of(folded));
        }
        let key_of = |at: u32| {
            entries[at as usize]
                .guardian
                .email
                .as_ref()
                .map_or("", |e| e.key())
        };
        let mut found = Vec::new();
        for group in groups.values_mut() {
            group.sort_unstable();
            group.dedup();
            for &me in group.iter() {
                let others: Vec<u32> = group
                    .iter()
                    .copied()
                    .filter(|&other| key_of(other) != key_of(me))
                    .collect();
                if others.is_empty() {
                    continue;
                }
                let entry = &entries[me as usize];
                let line = self.rows[entry.first_row as usize].line;
                let email = key_of(me);
                let mut listed = String::new();
                let named = others.iter().map(|&other| {
                    let other = &entries[other as usize];
                    format!(
                        "{} (line {})",
                        other.guardian.guardian_id, self.rows[other.first_row as usize].line
                    )
                });
                write_list(&mut listed, named, others.len());
                let message = msg!(
                    "guardian {}'s email {} looks the same as the email of guardian{} {} but differs in look-alike characters (another alphabet's letters, full-width letters, or a domain in punycode); to a person they are one login: check which address is right",
                    crate::diagnostic::message::plain(&entry.guardian.guardian_id),
                    Arg::Value,
                    if others.len() > 1 { "s" } else { "" },
                    listed
                );
                found.push((
                    line,
                    Diagnostic::with_message(Code::LookalikeEmail, line, message.lined())
                        .with_column(Column::Email)
                        .with_value(email),
                    entry.first_row,
                ));
            }
        }
        found.sort_by_key(|(line, _, _)| *line);
        for (_, diagnostic, first_row) in found {
            self.diagnostics.push(diagnostic);
            let row = &mut self.rows[first_row as usize];
            if row.status == RowStatus::Valid {
                row.status = RowStatus::Repaired;
            }
        }
    }

    /// Families share an email or a mobile; logins should not. Warn on each
    /// guardian's first row, naming the others.
    /// Then warns of look-alike emails ([`Builder::warn_lookalikes`]),
    /// from the same index of every email.
    pub(crate) fn warn_shared(&mut self, entries: &[Entry]) {
        // The groups come out in no particular order, but each guardian is
        // in one group per field, so sorting the diagnostics by line
        // orders them all the same.
        let (emails, mobiles) = rayon::join(
            || Owners::of_contact(entries, |g| g.email.as_ref().map(|e| e.key()), true),
            || {
                Owners::of_contact(
                    entries,
                    |g| g.mobile_phone.as_ref().map(|p| p.e164()),
                    false,
                )
            },
        );
        for (code, column, groups) in [
            (Code::SharedEmail, Column::Email, &emails.shared),
            (Code::SharedMobile, Column::MobilePhone, &mobiles.shared),
        ] {
            for (&value, group) in groups {
                for &me in group {
                    let guardian = &entries[me as usize];
                    let first_row = guardian.first_row as usize;
                    let line = self.rows[first_row].line;
                    let others = group.iter().filter(|&&other| other != me).map(|&other| {
                        let other = &entries[other as usize];
                        let other_line = self.rows[other.first_row as usize].line;
                        format!("{} (line {other_line})", other.guardian.guardian_id)
                    });
                    let mut listed = String::new();
                    write_list(&mut listed, others, group.len() - 1);
                    let id = plain(&guardian.guardian.guardian_id);
                    let s = if group.len() > 2 { "s" } else { "" };
                    // One person with two IDs in the SIS shares everything,
                    // the name too (checked in small groups only: a school
                    // office's number is shared by thousands).
                    let same_name = (group.len() <= crate::diagnostic::NAMED_IN_A_MESSAGE)
                        .then(|| {
                            group.iter().find(|&&other| {
                                let other = &entries[other as usize].guardian;
                                other.guardian_id != guardian.guardian.guardian_id
                                    && same_ignoring_case(
                                        &other.first_name,
                                        &guardian.guardian.first_name,
                                    )
                                    && same_ignoring_case(
                                        &other.last_name,
                                        &guardian.guardian.last_name,
                                    )
                            })
                        })
                        .flatten();
                    let message = match same_name {
                        Some(&other) => msg!(
                            "guardian {} shares the {} {} with guardian{} {}; guardian {} has the same name, so this may be one person with two IDs in the SIS: merge them there",
                            id,
                            column.label(),
                            Arg::Value,
                            s,
                            listed,
                            plain(&entries[other as usize].guardian.guardian_id)
                        ),
                        None => msg!(
                            "guardian {} shares the {} {} with guardian{} {}; families may share, but each login belongs to one person, so check who should have it",
                            id,
                            column.label(),
                            Arg::Value,
                            s,
                            listed
                        ),
                    };
                    self.diagnostics.push(
                        Diagnostic::with_message(code, line, message.lined())
                            .with_column(column)
                            .with_value(value),
                    );
                    if self.rows[first_row].status == RowStatus::Valid {
                        self.rows[first_row].status = RowStatus::Repaired;
                    }
                }
            }
        }
        self.warn_lookalikes(entries, &emails);
    }
}

/// Every guardian's contact of one kind, indexed: the contacts more than
/// one guardian has, with all who have it; for emails, also the first
/// guardian to have each and the rare addresses beyond ASCII (or with a
/// punycode label), folded, for [`Builder::warn_lookalikes`].
pub(crate) struct Owners<'e> {
    first: HashMap<&'e str, u32>,
    shared: HashMap<&'e str, Vec<u32>>,
    exotic: Vec<(u32, String)>,
}

impl<'e> Owners<'e> {
    /// The index of `key_of` over `entries`, in one pass; `emails` keeps
    /// what [`Builder::warn_lookalikes`] needs.
    fn of_contact(
        entries: &'e [Entry],
        key_of: fn(&Guardian) -> Option<&str>,
        emails: bool,
    ) -> Owners<'e> {
        // Each contact with the first guardian to have it; a contact met
        // again is shared, and only those get a list.
        let mut first: HashMap<&str, u32> = HashMap::default();
        first.reserve(entries.len());
        let mut shared: HashMap<&str, Vec<u32>> = HashMap::default();
        let mut exotic = Vec::new();
        for (at, entry) in entries.iter().enumerate() {
            let Some(key) = key_of(&entry.guardian) else {
                continue;
            };
            if emails {
                if let Some(folded) = crate::values::lookalike::lookalike_key(key) {
                    exotic.push((at as u32, folded));
                }
            }
            match first.entry(key) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(at as u32);
                }
                std::collections::hash_map::Entry::Occupied(slot) => shared
                    .entry(key)
                    .or_insert_with(|| vec![*slot.get()])
                    .push(at as u32),
            }
        }
        if !emails || exotic.is_empty() {
            // Not asked again: given back now.
            first = HashMap::default();
        }
        Owners {
            first,
            shared,
            exotic,
        }
    }

    /// The guardians whose contact is `key` (asked of emails with an
    /// exotic one only).
    fn of(&self, key: &str) -> &[u32] {
        match self.shared.get(key) {
            Some(all) => all,
            None => self.first.get(key).map_or(&[], std::slice::from_ref),
        }
    }
}
