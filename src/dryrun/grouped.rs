//! The upload's links grouped by guardian, for the planner: each guardian
//! of the file (sorted by ID) finds its links by its place, without a
//! table keyed by IDs.

use crate::checks::order::sorted_order;
use crate::values::id::{GuardianId, StudentId};
use crate::values::record::{Guardian, Link};

/// The links of each of the file's guardians, in file order: the links'
/// indices sorted by guardian ID (4 bytes a link), and each guardian's run
/// of them.
pub(crate) struct LinksByGuardian<'a> {
    guardians: &'a [Guardian],
    links: &'a [Link],
    /// Indices into `links`, by guardian ID, then file order.
    order: Vec<u32>,
    /// `order[runs[at].0..runs[at].1]` are the links of `guardians[at]`.
    runs: Vec<(u32, u32)>,
}

impl<'a> LinksByGuardian<'a> {
    /// Groups `links` by `guardians`, which are distinct and sorted by ID
    /// (as [`crate::ValidatedFile::guardians`] are). A link whose guardian
    /// is not among them belongs to no group.
    pub(crate) fn new(guardians: &'a [Guardian], links: &'a [Link]) -> LinksByGuardian<'a> {
        // The builder numbers links with `u32` too: a file cannot have more.
        let count = u32::try_from(links.len()).unwrap_or(u32::MAX);
        let order = sorted_order(count, |at| links[at as usize].guardian_id.as_str());
        let guardian_of = |at: usize| &links[order[at] as usize].guardian_id;
        let mut runs = Vec::with_capacity(guardians.len());
        let mut at = 0;
        for guardian in guardians {
            let id = &guardian.guardian_id;
            // Links of no guardian of the file are passed over.
            while at < order.len() && guardian_of(at) < id {
                at += 1;
            }
            let start = at;
            while at < order.len() && guardian_of(at) == id {
                at += 1;
            }
            runs.push((start as u32, at as u32));
        }
        LinksByGuardian {
            guardians,
            links,
            order,
            runs,
        }
    }

    /// The links of the guardian at `at` in the file's guardians, in file
    /// order.
    pub(crate) fn at(&self, at: usize) -> impl ExactSizeIterator<Item = &'a Link> + '_ {
        let run = self.runs.get(at).map_or(&[][..], |&(start, end)| {
            &self.order[start as usize..end as usize]
        });
        let links = self.links;
        run.iter().map(move |&link| &links[link as usize])
    }

    /// Whether the file links `guardian` to `student`. `near` is where the
    /// last guardian asked about was found (start from `usize::MAX`): pairs
    /// asked in guardian order, as a sorted list gives them, are found a
    /// step away, others by a binary search.
    pub(crate) fn has(&self, near: &mut usize, guardian: &GuardianId, student: &StudentId) -> bool {
        let found = [*near, near.wrapping_add(1)]
            .into_iter()
            .find(|&at| {
                self.guardians
                    .get(at)
                    .is_some_and(|g| g.guardian_id == *guardian)
            })
            .or_else(|| self.place(guardian));
        match found {
            Some(at) => {
                *near = at;
                self.at(at).any(|link| link.student_id == *student)
            }
            None => false,
        }
    }

    /// The links of guardian `id`, in file order (none if the file has no
    /// such guardian).
    pub(crate) fn of(&self, id: &GuardianId) -> impl ExactSizeIterator<Item = &'a Link> + '_ {
        self.at(self.place(id).unwrap_or(usize::MAX))
    }

    /// Where guardian `id` is among the file's guardians.
    fn place(&self, id: &GuardianId) -> Option<usize> {
        self.guardians
            .binary_search_by(|guardian| guardian.guardian_id.cmp(id))
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guardian(id: &str) -> Guardian {
        Guardian {
            guardian_id: GuardianId::from(id),
            first_name: "A".into(),
            last_name: "B".into(),
            email: None,
            mobile_phone: None,
            home_phone: None,
            language: None,
        }
    }

    fn link(guardian: &str, student: &str, line: u64) -> Link {
        Link {
            guardian_id: GuardianId::from(guardian),
            student_id: student.into(),
            line,
            relationship: None,
        }
    }

    fn lines<'a>(links: impl Iterator<Item = &'a Link>) -> Vec<u64> {
        links.map(|link| link.line).collect()
    }

    #[test]
    fn each_guardian_finds_its_links_in_file_order() {
        let guardians = [
            guardian("G1"),
            guardian("G2"),
            guardian("G3"),
            guardian("G4"),
        ];
        // G0 and G5 are no guardian of the file; G3 has no link.
        let links = [
            link("G2", "S1", 2),
            link("G1", "S9", 3),
            link("G0", "S1", 4),
            link("G2", "S0", 5),
            link("G4", "S1", 6),
            link("G5", "S1", 7),
            link("G1", "S1", 8),
        ];
        let grouped = LinksByGuardian::new(&guardians, &links);
        let by_place: Vec<Vec<u64>> = (0..5).map(|at| lines(grouped.at(at))).collect();
        assert_eq!(by_place, [vec![3, 8], vec![2, 5], vec![], vec![6], vec![]]);
        assert_eq!(lines(grouped.of(&GuardianId::from("G2"))), [2, 5]);
        assert_eq!(
            lines(grouped.of(&GuardianId::from("G0"))),
            Vec::<u64>::new()
        );
        assert_eq!(
            lines(grouped.of(&GuardianId::from("G5"))),
            Vec::<u64>::new()
        );
        assert_eq!(grouped.at(0).len(), 2);
        assert_eq!(lines(grouped.at(usize::MAX)), Vec::<u64>::new());
    }

    proptest::proptest! {
        /// Against grouping with a table, as the planner did.
        #[test]
        fn groups_are_the_table_s(
            ids in proptest::collection::btree_set("G[0-9]{1,2}", 0..12),
            links in proptest::collection::vec(("G[0-9]{1,2}", "S[0-9]"), 0..60),
        ) {
            let guardians: Vec<Guardian> = ids.iter().map(|id| guardian(id)).collect();
            let links: Vec<Link> = links
                .iter()
                .enumerate()
                .map(|(line, (g, s))| link(g, s, line as u64))
                .collect();
            let mut table: std::collections::HashMap<&str, Vec<u64>> = Default::default();
            for link in &links {
                table.entry(link.guardian_id.as_str()).or_default().push(link.line);
            }
            let grouped = LinksByGuardian::new(&guardians, &links);
            // Asked in order, in reverse, and for pairs the file lacks.
            let set: std::collections::HashSet<(&str, &str)> = links
                .iter()
                .filter(|l| ids.contains(l.guardian_id.as_str()))
                .map(|l| (l.guardian_id.as_str(), l.student_id.as_str()))
                .collect();
            let mut asked: Vec<(GuardianId, StudentId)> = links
                .iter()
                .map(|l| (l.guardian_id.clone(), l.student_id.clone()))
                .chain(ids.iter().map(|g| (GuardianId::from(g.as_str()), StudentId::from("S"))))
                .collect();
            asked.sort();
            for pairs in [asked.clone(), asked.into_iter().rev().collect()] {
                let mut near = usize::MAX;
                for (g, s) in &pairs {
                    let want = set.contains(&(g.as_str(), s.as_str()));
                    proptest::prop_assert_eq!(grouped.has(&mut near, g, s), want);
                }
            }
            for (at, guardian) in guardians.iter().enumerate() {
                let want = table.get(guardian.guardian_id.as_str()).cloned().unwrap_or_default();
                proptest::prop_assert_eq!(lines(grouped.at(at)), want.clone());
                proptest::prop_assert_eq!(lines(grouped.of(&guardian.guardian_id)), want);
            }
        }
    }
}
