//! The application's current roster, as the dry run sees it: the
//! [`Roster`] trait an application implements over its database.

use crate::dryrun::scope::Scope;
use crate::error::{Error, ErrorKind};
use crate::values::id::{GuardianId, SchoolId, StudentId};
use crate::values::record::Guardian;

/// The current roster, supplied by the application (usually a database).
///
/// The dry run asks its questions in **batches**: each method receives up
/// to [`crate::DryRunOptions::batch_size`] keys (10,000 by default) and is
/// called once per batch, so a million-row file costs a few hundred
/// queries, not a million. An implementation should answer each call with
/// one query (`WHERE id = ANY($1)`), and may return results in any order.
/// Keys it does not know are simply left out of the answer.
///
/// Every method takes `&mut self`: a database client that needs exclusive
/// use of its connection (a `postgres::Client`, a transaction) implements
/// the trait directly, with no `RefCell` or lock. The dry run asks the
/// roster from the caller's thread only (its parallel work never touches
/// the roster), so a roster need be neither `Sync` nor `Send`. Lend one
/// as `&mut roster`; a `Box<R>` is a roster too.
///
/// Every method is fallible: an error stops the dry run with
/// [`crate::ErrorKind::Roster`], never a panic and never a partial plan.
///
/// The cost model, for a file with `L` links, `G` guardians and `S`
/// distinct students: `S / batch` calls to [`Roster::existing_students`],
/// `G / batch` calls each to [`Roster::guardians`] and
/// [`Roster::links_of`], at most `G / batch` calls each to
/// [`Roster::email_owners`] and [`Roster::mobile_owners`], one call to
/// [`Roster::similar_students`] per batch of unknown student IDs, one call
/// to [`Roster::similar_guardians`] per batch of guardians to create, and,
/// in full-sync mode only, one call to [`Roster::links_in_scope`].
///
/// The students are asked about first. The guardians are then taken a
/// window at a time (16,384 of them, rounded up to whole batches): their
/// records, their links and the owners of the contacts they bring, then the
/// next window. The dry run keeps the answers for one window only, so its
/// memory does not grow with the roster; an implementation may rely on
/// nothing but that every call is answered on its own.
pub trait Roster {
    /// The error a lookup can fail with.
    type Error: std::error::Error + Send + Sync + 'static;

    /// Which of `ids` are students in the roster.
    ///
    /// # Errors
    ///
    /// The store's own error: the dry run stops with [`crate::ErrorKind::Roster`].
    fn existing_students(&mut self, ids: &[StudentId]) -> Result<Vec<StudentId>, Self::Error>;

    /// Roster students whose ID's key is one of `keys` (`"125"` finds
    /// `"000125"` and `"125"`; `"g1"` finds `"G1"`). The keys here and in
    /// the other `similar_*` methods are [`crate::id_key`] of an ID: its
    /// leading zeros removed, in lowercase, width, other scripts' digits
    /// and hidden characters folded (an all-zero ID keeps one `0`): index
    /// that form beside each ID. Used only to suggest the ID a spreadsheet
    /// may have damaged; the default finds none.
    ///
    /// # Errors
    ///
    /// The store's own error: the dry run stops with [`crate::ErrorKind::Roster`].
    fn similar_students(&mut self, keys: &[&str]) -> Result<Vec<StudentId>, Self::Error> {
        let _ = keys;
        Ok(Vec::new())
    }

    /// Roster guardians whose ID's key ([`crate::id_key`]) is one of
    /// `keys` (`"42"` finds `"0042"` and `"42"`, `"g-42"` finds `"G-42"`).
    /// Used to refuse a guardian the upload would create that the roster
    /// probably has under the same ID written otherwise
    /// (`similar_guardian`); the default finds none.
    ///
    /// # Errors
    ///
    /// The store's own error: the dry run stops with [`crate::ErrorKind::Roster`].
    fn similar_guardians(&mut self, keys: &[&str]) -> Result<Vec<GuardianId>, Self::Error> {
        let _ = keys;
        Ok(Vec::new())
    }

    /// The current record of each guardian in `ids` that exists. Build
    /// stored values with [`crate::Email::from_stored`],
    /// [`crate::Phone::from_stored`] and [`crate::Language::from_stored`], so
    /// that a value kept under older rules reads back as it is.
    ///
    /// # Errors
    ///
    /// The store's own error: the dry run stops with [`crate::ErrorKind::Roster`].
    fn guardians(&mut self, ids: &[GuardianId]) -> Result<Vec<Guardian>, Self::Error>;

    /// The current links of the guardians in `ids`.
    ///
    /// # Errors
    ///
    /// The store's own error: the dry run stops with [`crate::ErrorKind::Roster`].
    fn links_of(&mut self, ids: &[GuardianId])
    -> Result<Vec<(GuardianId, StudentId)>, Self::Error>;

    /// The guardians that currently have each email in `emails`, as
    /// `(email, guardian)` pairs; an email shared by a family appears once
    /// per guardian. The keys are [`crate::Email::key`]s (NFC, lowercased,
    /// NFC): index that form beside each address (SQL `lower()` does not
    /// case-fold beyond ASCII), and return the key as asked.
    ///
    /// # Errors
    ///
    /// The store's own error: the dry run stops with [`crate::ErrorKind::Roster`].
    fn email_owners(&mut self, emails: &[&str]) -> Result<Vec<(String, GuardianId)>, Self::Error>;

    /// The guardians that currently have each mobile in `mobiles`, as
    /// `(mobile, guardian)` pairs. The keys are [`crate::Phone::e164`], the
    /// number without its extension: index that form beside the stored
    /// `Display` (`+13125550142;ext=12`). A number stored in another form
    /// (a [legacy](crate::Phone::is_legacy) one) is asked for only by its
    /// E.164 key: to have it found as a shared mobile, index the key a
    /// [`crate::PhoneParser`] reads from it, or store it again in E.164.
    ///
    /// # Errors
    ///
    /// The store's own error: the dry run stops with [`crate::ErrorKind::Roster`].
    fn mobile_owners(&mut self, mobiles: &[&str])
    -> Result<Vec<(String, GuardianId)>, Self::Error>;

    /// How many of the roster's rows carry lookup keys that are not the
    /// crate's for their values (an `email_key` left empty or filled with
    /// SQL `lower()`, an ID key that is not [`crate::id_key`]): such a row
    /// is not found by [`Roster::email_owners`], [`Roster::mobile_owners`]
    /// or the `similar_*` lookups, so the dry run could create a duplicate
    /// login. Asked once per dry run, first; any row stops it with
    /// [`crate::ErrorKind::StaleRosterKeys`]. A store that computes its
    /// keys in the same step as it writes the values, as
    /// [`crate::InMemoryRoster`] does, keeps the default: none.
    ///
    /// # Errors
    ///
    /// The store's own error: the dry run stops with [`crate::ErrorKind::Roster`].
    fn stale_keys(&mut self) -> Result<u64, Self::Error> {
        Ok(0)
    }

    /// Every link in `scope`, for full sync; called once, only in
    /// [`crate::SyncMode::Full`]. For [`Scope::District`], every link of
    /// the roster. For [`Scope::Schools`], every link whose student is
    /// enrolled in at least one of the scope's schools (a student in two
    /// schools is in the scope of each), and no other: a database pushes
    /// the filter into its query (`JOIN enrolments ... WHERE school_id IN
    /// (...)`).
    ///
    /// # Errors
    ///
    /// The store's own error: the dry run stops with [`crate::ErrorKind::Roster`].
    fn links_in_scope(
        &mut self,
        scope: &Scope,
    ) -> Result<Vec<(GuardianId, StudentId)>, Self::Error>;

    /// The schools each of `students` is enrolled in, as `(student,
    /// school)` pairs, for a school-level sync (asked only when
    /// [`crate::DryRunOptions::scope`] names schools). The default knows no
    /// schools: every student is then out of a school scope, and such a
    /// sync applies no row.
    ///
    /// # Errors
    ///
    /// The store's own error: the dry run stops with [`crate::ErrorKind::Roster`].
    fn schools_of(
        &mut self,
        students: &[StudentId],
    ) -> Result<Vec<(StudentId, SchoolId)>, Self::Error> {
        let _ = students;
        Ok(Vec::new())
    }

    /// Roster schools whose ID's key ([`crate::id_key`]) is one of
    /// `keys` (`"102"` finds `"0102"` and `"102"`): the dry run checks
    /// a scope's school IDs with it before planning. The default finds
    /// none, so a school scope stops with `unknown_school`.
    ///
    /// # Errors
    ///
    /// The store's own error: the dry run stops with [`crate::ErrorKind::Roster`].
    fn similar_schools(&mut self, keys: &[&str]) -> Result<Vec<SchoolId>, Self::Error> {
        let _ = keys;
        Ok(Vec::new())
    }
}

/// A roster behind a mutable reference or a box is a roster: a caller
/// lends `&mut R`, a service keeps a `Box<dyn Roster<Error = E>>`.
macro_rules! forward_roster {
    ($($wrapper:ty),*) => {$(
        impl<R: Roster + ?Sized> Roster for $wrapper {
            type Error = R::Error;

            fn existing_students(&mut self, ids: &[StudentId]) -> Result<Vec<StudentId>, Self::Error> {
                (**self).existing_students(ids)
            }

            fn similar_students(&mut self, unpadded: &[&str]) -> Result<Vec<StudentId>, Self::Error> {
                (**self).similar_students(unpadded)
            }

            fn similar_guardians(&mut self, unpadded: &[&str]) -> Result<Vec<GuardianId>, Self::Error> {
                (**self).similar_guardians(unpadded)
            }

            fn guardians(&mut self, ids: &[GuardianId]) -> Result<Vec<Guardian>, Self::Error> {
                (**self).guardians(ids)
            }

            fn links_of(
                &mut self,
                ids: &[GuardianId],
            ) -> Result<Vec<(GuardianId, StudentId)>, Self::Error> {
                (**self).links_of(ids)
            }

            fn email_owners(&mut self, emails: &[&str]) -> Result<Vec<(String, GuardianId)>, Self::Error> {
                (**self).email_owners(emails)
            }

            fn mobile_owners(
                &mut self,
                mobiles: &[&str],
            ) -> Result<Vec<(String, GuardianId)>, Self::Error> {
                (**self).mobile_owners(mobiles)
            }

            fn stale_keys(&mut self) -> Result<u64, Self::Error> {
                (**self).stale_keys()
            }

            fn links_in_scope(
                &mut self,
                scope: &Scope,
            ) -> Result<Vec<(GuardianId, StudentId)>, Self::Error> {
                (**self).links_in_scope(scope)
            }

            fn schools_of(
                &mut self,
                students: &[StudentId],
            ) -> Result<Vec<(StudentId, SchoolId)>, Self::Error> {
                (**self).schools_of(students)
            }

            fn similar_schools(&mut self, unpadded: &[&str]) -> Result<Vec<SchoolId>, Self::Error> {
                (**self).similar_schools(unpadded)
            }
        }
    )*};
}

forward_roster!(&mut R, Box<R>);

/// A roster's error, as the dry run and apply return it.
pub(crate) fn roster_error<E: std::error::Error + Send + Sync + 'static>(e: E) -> Error {
    Error::without_line(ErrorKind::Roster(Box::new(e)))
}

/// Calls `lookup` once per batch of `keys`, gathering the answers.
pub(crate) fn batched<K, T, E, F>(keys: &[K], size: usize, mut lookup: F) -> Result<Vec<T>, Error>
where
    E: std::error::Error + Send + Sync + 'static,
    F: FnMut(&[K]) -> Result<Vec<T>, E>,
{
    let mut out = Vec::new();
    for chunk in keys.chunks(size) {
        out.extend(lookup(chunk).map_err(roster_error)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use super::*;
    use crate::checks::validated::ValidatedFile;
    use crate::dryrun::memory::InMemoryRoster;

    /// A roster of the required lookups only: every default in play.
    struct Bare;

    impl Roster for Bare {
        type Error = Infallible;

        fn existing_students(&mut self, ids: &[StudentId]) -> Result<Vec<StudentId>, Infallible> {
            Ok(ids.to_vec())
        }

        fn guardians(&mut self, _: &[GuardianId]) -> Result<Vec<Guardian>, Infallible> {
            Ok(Vec::new())
        }

        fn links_of(
            &mut self,
            _: &[GuardianId],
        ) -> Result<Vec<(GuardianId, StudentId)>, Infallible> {
            Ok(Vec::new())
        }

        fn email_owners(&mut self, _: &[&str]) -> Result<Vec<(String, GuardianId)>, Infallible> {
            Ok(Vec::new())
        }

        fn mobile_owners(&mut self, _: &[&str]) -> Result<Vec<(String, GuardianId)>, Infallible> {
            Ok(Vec::new())
        }

        fn links_in_scope(
            &mut self,
            _: &Scope,
        ) -> Result<Vec<(GuardianId, StudentId)>, Infallible> {
            Ok(Vec::new())
        }
    }

    #[test]
    fn the_defaults_find_nothing_and_see_no_stale_keys() {
        let mut bare = Bare;
        assert_eq!(bare.similar_students(&["1"]), Ok(Vec::new()));
        assert_eq!(bare.similar_guardians(&["g1"]), Ok(Vec::new()));
        assert_eq!(bare.stale_keys(), Ok(0));
        assert_eq!(bare.schools_of(&[StudentId::from("001")]), Ok(Vec::new()));
        assert_eq!(bare.similar_schools(&["102"]), Ok(Vec::new()));
    }

    /// Every lookup asked of the roster itself, through `&mut` and through
    /// a box.
    fn answers(roster: &mut dyn Roster<Error = Infallible>) -> Vec<String> {
        let students = [StudentId::from("001"), StudentId::from("9")];
        let guardians = [GuardianId::from("G1")];
        vec![
            format!("{:?}", roster.existing_students(&students)),
            format!("{:?}", roster.similar_students(&["1"])),
            format!("{:?}", roster.similar_guardians(&["g1"])),
            format!("{:?}", roster.guardians(&guardians).map(|g| g.len())),
            format!("{:?}", roster.links_of(&guardians)),
            format!("{:?}", roster.email_owners(&["ana@example.com"])),
            format!("{:?}", roster.mobile_owners(&["+13125550142"])),
            format!("{:?}", roster.stale_keys()),
            format!("{:?}", roster.links_in_scope(&Scope::District)),
            format!("{:?}", roster.schools_of(&students)),
            format!("{:?}", roster.similar_schools(&["102"])),
        ]
    }

    #[test]
    fn a_borrowed_or_boxed_roster_answers_as_the_roster() {
        let current = ValidatedFile::of_csv(
            "student_id,guardian_id,first_name,last_name,email,mobile_phone\n\
             001,G1,Ana,Diaz,ana@example.com,312-555-0142\n",
        );
        let mut roster = InMemoryRoster::from_export([StudentId::from("001")], &current);
        roster.add_enrolment(StudentId::from("001"), SchoolId::from("0102"));
        let direct = answers(&mut roster);
        assert!(
            direct[5].contains("G1") && direct[6].contains("G1"),
            "{direct:?}"
        );
        assert!(direct[10].contains("0102"), "{direct:?}");
        let mut borrowed = &mut roster;
        assert_eq!(answers(&mut borrowed), direct);
        let mut boxed: Box<dyn Roster<Error = Infallible>> = Box::new(roster);
        assert_eq!(answers(&mut boxed), direct);
    }
}
