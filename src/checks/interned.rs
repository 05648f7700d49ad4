//! Places of distinct texts (IDs) held in a list elsewhere: each text is
//! found by its hash, and the table holds only the 4-byte place, so that
//! at a million IDs it is a few megabytes the cache can keep rather than
//! a copy of every ID. Each place's hash is kept beside it, in place
//! order, so that the table grows without reading a text or hashing it
//! again.

use std::hash::BuildHasher;

use hashbrown::hash_table::Entry;

/// The places `0..len` of texts kept elsewhere (`text_of(place)`), found
/// by their text. Each text has one place and none goes: for an index
/// whose keys have several places or lose them, `InMemoryRoster` has its
/// own `Places`.
#[derive(Default)]
pub(crate) struct Interned {
    table: hashbrown::HashTable<u32>,
    /// Per place, its text's hash.
    hashes: Vec<u64>,
    hasher: foldhash::fast::RandomState,
}

impl Interned {
    /// The place of `text`, if it has one.
    pub(crate) fn find<'t>(&self, text: &str, text_of: impl Fn(u32) -> &'t str) -> Option<u32> {
        let hash = self.hasher.hash_one(text);
        self.table.find(hash, |&at| text_of(at) == text).copied()
    }

    /// The place of `text`, and whether it is new: a new text takes the
    /// next place (the number of places so far), and the caller adds it
    /// to its list there.
    pub(crate) fn find_or_add<'t>(
        &mut self,
        text: &str,
        text_of: impl Fn(u32) -> &'t str,
    ) -> (u32, bool) {
        let hash = self.hasher.hash_one(text);
        let hashes = &self.hashes;
        let next = hashes.len() as u32;
        match self.table.entry(
            hash,
            |&at| text_of(at) == text,
            |&at| hashes.get(at as usize).copied().unwrap_or_default(),
        ) {
            Entry::Occupied(found) => (*found.get(), false),
            Entry::Vacant(slot) => {
                slot.insert(next);
                self.hashes.push(hash);
                (next, true)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Interned;

    #[test]
    fn each_text_takes_the_next_place_once() {
        let mut texts: Vec<String> = Vec::new();
        let mut interned = Interned::default();
        // Enough to make the table grow several times.
        for round in 0..2 {
            for n in 0..5_000u32 {
                let text = format!("{:06}", n % 3_000);
                let (at, new) = interned.find_or_add(&text, |at| texts[at as usize].as_str());
                if new {
                    assert_eq!(round, 0);
                    assert_eq!(at as usize, texts.len());
                    texts.push(text.clone());
                }
                assert_eq!(texts[at as usize], text);
                assert_eq!(
                    interned.find(&text, |at| texts[at as usize].as_str()),
                    Some(at)
                );
            }
        }
        assert_eq!(texts.len(), 3_000);
        assert_eq!(
            interned.find("3000", |at| texts[at as usize].as_str()),
            None
        );
        assert_eq!(
            interned.find("000001", |at| texts[at as usize].as_str()),
            Some(1)
        );
        // Exact bytes: another width of the same number is another text.
        assert_eq!(interned.find("1", |at| texts[at as usize].as_str()), None);
    }
}
