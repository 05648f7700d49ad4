//! Contacts the upload gives a guardian that another guardian of the
//! roster has: refused (`email_in_use`, `mobile_in_use`) unless the same
//! upload moves that guardian to another contact, and then planned only
//! together with that guardian's own change.

use foldhash::{HashMap, HashSet};

use crate::column::Column;
use crate::diagnostic::message::{Arg, msg, plain};
use crate::diagnostic::write_list;
use crate::diagnostic::{Code, Diagnostic};
use crate::dryrun::plan::Change;
use crate::values::id::GuardianId;
use crate::values::id::how_ids_differ;
use crate::values::record::{Guardian, GuardianField, Link};

use crate::dryrun::known::{Known, Upload};

/// A contact a guardian takes from a roster guardian whom the file moves to
/// another: planned only if that guardian's own change is.
pub(crate) struct Release {
    taker: GuardianId,
    code: Code,
    column: Column,
    value: String,
    owner: GuardianId,
}

/// Takes back the creates, updates and new links of guardians who take a
/// contact from a guardian whose own change is not planned (that guardian
/// keeps the contact, so the taker's login would collide), until none is
/// left: a chain of moves stands or falls together. Returns the demoted
/// guardians, each with the release it relied on.
pub(crate) fn demote_takers(
    changes: [&mut Vec<Change>; 3],
    releases: &[Release],
) -> Vec<(GuardianId, usize)> {
    let [creates, updates, links] = changes;
    let mut planned: HashSet<GuardianId> = creates
        .iter()
        .chain(updates.iter())
        .map(|c| c.guardian_id().clone())
        .collect();
    let mut demoted: Vec<(GuardianId, usize)> = Vec::new();
    loop {
        let before = demoted.len();
        for (at, release) in releases.iter().enumerate() {
            if planned.contains(&release.taker) && !planned.contains(&release.owner) {
                planned.remove(&release.taker);
                demoted.push((release.taker.clone(), at));
            }
        }
        if demoted.len() == before {
            break;
        }
    }
    if !demoted.is_empty() {
        let gone: HashSet<&GuardianId> = demoted.iter().map(|(id, _)| id).collect();
        for list in [creates, updates, links] {
            list.retain(|c| !gone.contains(c.guardian_id()));
        }
    }
    demoted
}

/// A contact the guardian would bring that another guardian of the roster
/// has (and keeps, after this upload).
pub(crate) struct Collision<'a> {
    code: Code,
    column: Column,
    value: &'a str,
    owners: Vec<&'a GuardianId>,
}

impl Collision<'_> {
    /// One diagnostic per row and contact, naming the owners: a contact
    /// that thousands of roster guardians share must not make thousands.
    /// An owner whose ID differs from the row's only in leading zeros is
    /// probably the same person, and the message says so.
    pub(crate) fn diagnostic(&self, link: &Link, twins: &[&GuardianId]) -> Diagnostic {
        let id = &link.guardian_id;
        let label = self.column.label();
        let owners = &self.owners;
        let mut listed = String::new();
        write_list(&mut listed, owners, owners.len());
        let s = if owners.len() > 1 { "s" } else { "" };
        let twin = owners.iter().find(|owner| twins.contains(owner));
        let diagnostic = match twin {
            Some(twin) => {
                let message = msg!(
                    "the {} {} already belongs to guardian{} {} in the roster, and guardian {}'s ID differs from {} only in {}: this is probably the same person with an ID a spreadsheet damaged, not a different one; this row was not applied: fix the guardian ID in the file ({}), not the {}",
                    label,
                    Arg::Value,
                    s,
                    listed,
                    Arg::Suggestion,
                    plain(id),
                    how_ids_differ(twin.as_str(), id.as_str()),
                    Arg::Suggestion,
                    label
                );
                Diagnostic::with_message(self.code, link.line, message.lined())
                    .with_suggestion(twin.as_str())
            }
            None => {
                let message = msg!(
                    "the {} {} already belongs to guardian{} {} in the roster, so guardian {} cannot use it to log in; this row was not applied: give guardian {} their own {}",
                    label,
                    Arg::Value,
                    s,
                    listed,
                    plain(id),
                    plain(id),
                    label
                );
                Diagnostic::with_message(self.code, link.line, message.lined())
            }
        };
        diagnostic.with_column(self.column).with_value(self.value)
    }
}

/// The contacts the guardian brings that other roster guardians have. An
/// owner the same file moves to another contact releases it.
pub(crate) fn collisions<'a>(
    guardian: &'a Guardian,
    upload: &Upload<'_>,
    known: &'a Known,
    released: &mut Vec<Release>,
) -> Vec<Collision<'a>> {
    let id = &guardian.guardian_id;
    let keeps = |owner: &GuardianId, field: GuardianField, value: &str| {
        upload
            .file
            .guardian(owner.as_str())
            .is_none_or(|theirs| match field {
                GuardianField::Email => theirs.email.as_ref().map(|e| e.key()) == Some(value),
                _ => theirs.mobile_phone.as_ref().map(|p| p.e164()) == Some(value),
            })
    };
    let contacts = [
        (
            GuardianField::Email,
            Code::EmailInUse,
            Column::Email,
            &known.email_owners,
            guardian.email.as_ref().map(|e| e.key()),
        ),
        (
            GuardianField::MobilePhone,
            Code::MobileInUse,
            Column::MobilePhone,
            &known.mobile_owners,
            guardian.mobile_phone.as_ref().map(|p| p.e164()),
        ),
    ];
    let mut collisions = Vec::new();
    for (field, code, column, owners, value) in contacts {
        if let (true, Some(value)) = (known.is_new_contact(guardian, field), value) {
            let mut kept: Vec<&GuardianId> = Vec::new();
            for owner in others(owners, value, id) {
                if keeps(owner, field, value) {
                    kept.push(owner);
                } else {
                    released.push(Release {
                        taker: id.clone(),
                        code,
                        column,
                        value: value.to_owned(),
                        owner: owner.clone(),
                    });
                }
            }
            if !kept.is_empty() {
                collisions.push(Collision {
                    code,
                    column,
                    value,
                    owners: kept,
                });
            }
        }
    }
    collisions
}

/// `email_in_use`/`mobile_in_use` for a row whose guardian would take a
/// contact from a roster guardian whom the file moves to another, when that
/// guardian's own change does not apply: they keep it.
pub(crate) fn released_in_vain(link: &Link, release: &Release) -> Diagnostic {
    let label = release.column.label();
    let owner = || plain(&release.owner);
    let message = msg!(
        "the {} {} belongs to guardian {} in the roster; the file gives guardian {} another {}, but that change was not applied, so guardian {} keeps it and guardian {} cannot use it to log in; this row was not applied: fix guardian {}'s rows first",
        label,
        Arg::Value,
        owner(),
        owner(),
        label,
        owner(),
        plain(&link.guardian_id),
        owner()
    );
    Diagnostic::with_message(release.code, link.line, message.lined())
        .with_column(release.column)
        .with_value(release.value.as_str())
}

/// The guardians other than `me` that have `key`.
fn others<'a>(
    owners: &'a HashMap<String, Vec<GuardianId>>,
    key: &str,
    me: &'a GuardianId,
) -> impl Iterator<Item = &'a GuardianId> {
    owners
        .get(key)
        .into_iter()
        .flatten()
        .filter(move |owner| *owner != me)
}
