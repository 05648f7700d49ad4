//! Short sorted lists without duplicates, as [`InMemoryRoster`] keeps them
//! for each student (its schools: [`Sorted`]) and each guardian (its
//! students' places: [`Indices`]). Almost every list holds one item or
//! two, so those are kept without an allocation of their own; a longer
//! list is a boxed `Vec`, so that the whole takes little more than an
//! item's room (there is a list per student and per guardian).
//!
//! [`InMemoryRoster`]: crate::InMemoryRoster

/// A short sorted list of any items: up to one inline.
#[derive(Clone, Default)]
pub(crate) enum Sorted<T> {
    #[default]
    None,
    One(T),
    // Boxed for the size of the whole; a `Vec` inside, as a list may grow
    // to thousands of items, added one at a time.
    #[expect(
        clippy::box_collection,
        reason = "a list per student: the ID's 24 bytes and a tag, not 32"
    )]
    Several(Box<Vec<T>>),
}

impl<T: Ord + Clone> Sorted<T> {
    /// The items, in order.
    pub(crate) fn as_slice(&self) -> &[T] {
        match self {
            Sorted::None => &[],
            Sorted::One(item) => std::slice::from_ref(item),
            Sorted::Several(items) => items,
        }
    }

    /// Adds `item`; false if the list already had it.
    pub(crate) fn insert(&mut self, item: &T) -> bool {
        match self {
            Sorted::None => *self = Sorted::One(item.clone()),
            Sorted::One(one) if one == item => return false,
            Sorted::One(one) => {
                let mut several = vec![one.clone(), item.clone()];
                several.sort();
                *self = Sorted::Several(Box::new(several));
            }
            Sorted::Several(several) => return insert_into(several, item),
        }
        true
    }
}

/// A short sorted list of places (4-byte indices): up to two inline, in
/// the room of a pointer and a tag. A guardian with two students (the
/// most common family after one) takes no allocation: at a million
/// guardians, a third of them with two or more students, that is two
/// small allocations (about 60 bytes with the allocator's own) fewer for
/// each of those.
#[derive(Clone, Default)]
pub(crate) enum Indices {
    #[default]
    None,
    One(u32),
    /// Two places, the smaller first.
    Two([u32; 2]),
    #[expect(
        clippy::box_collection,
        reason = "a list per guardian: 16 bytes, not 24"
    )]
    Several(Box<Vec<u32>>),
}

impl Indices {
    /// The places, in order.
    pub(crate) fn as_slice(&self) -> &[u32] {
        match self {
            Indices::None => &[],
            Indices::One(place) => std::slice::from_ref(place),
            Indices::Two(two) => two,
            Indices::Several(places) => places,
        }
    }

    /// Adds `place`; false if the list already had it.
    pub(crate) fn insert(&mut self, place: u32) -> bool {
        match self {
            Indices::None => *self = Indices::One(place),
            Indices::One(one) if *one == place => return false,
            Indices::One(one) => *self = Indices::Two([place.min(*one), place.max(*one)]),
            Indices::Two(two) if two.contains(&place) => return false,
            Indices::Two(two) => {
                let mut several = Vec::with_capacity(4);
                several.extend_from_slice(two);
                insert_into(&mut several, &place);
                *self = Indices::Several(Box::new(several));
            }
            Indices::Several(several) => return insert_into(several, &place),
        }
        true
    }

    /// Removes `place`; false if the list did not have it.
    pub(crate) fn remove(&mut self, place: u32) -> bool {
        match self {
            Indices::One(one) if *one == place => *self = Indices::None,
            Indices::Two([first, second]) if *first == place => *self = Indices::One(*second),
            Indices::Two([first, second]) if *second == place => *self = Indices::One(*first),
            Indices::Several(several) => {
                if !remove_from(several, &place) {
                    return false;
                }
                if several.is_empty() {
                    *self = Indices::None;
                }
            }
            _ => return false,
        }
        true
    }
}

/// Adds `item` to the sorted `items` at its place; false if it was there.
fn insert_into<T: Ord + Clone>(items: &mut Vec<T>, item: &T) -> bool {
    match items.binary_search(item) {
        Ok(_) => false,
        Err(at) => {
            items.insert(at, item.clone());
            true
        }
    }
}

/// Removes `item` from the sorted `items`; false if it was not there.
fn remove_from(items: &mut Vec<u32>, item: &u32) -> bool {
    match items.binary_search(item) {
        Ok(at) => {
            items.remove(at);
            true
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{Indices, Sorted};

    #[test]
    fn a_list_takes_an_item_s_room_and_a_pointer_s_at_most() {
        assert_eq!(std::mem::size_of::<Indices>(), 16);
        assert_eq!(std::mem::size_of::<Sorted<u32>>(), 16);
    }

    #[test]
    fn a_sorted_list_keeps_each_item_once_in_order() {
        let mut list = Sorted::default();
        assert!(list.as_slice().is_empty());
        for item in [3, 1, 2] {
            assert!(list.insert(&item));
        }
        for item in [1, 2, 3] {
            assert!(!list.insert(&item));
        }
        assert_eq!(list.as_slice(), [1, 2, 3]);
        let mut one = Sorted::default();
        assert!(one.insert(&5));
        assert!(!one.insert(&5));
        assert!(matches!(one, Sorted::One(5)));
        assert!(one.insert(&4));
        assert_eq!(one.as_slice(), [4, 5]);
    }

    #[test]
    fn places_keep_two_inline_and_sorted() {
        let mut places = Indices::default();
        assert!(!places.remove(7));
        assert!(places.insert(9));
        assert!(!places.insert(9));
        assert!(matches!(places, Indices::One(9)));
        assert!(places.insert(4));
        assert!(!places.insert(4));
        assert!(!places.insert(9));
        assert!(matches!(places, Indices::Two([4, 9])));
        assert!(!places.remove(5));
        // Either of two goes, the other stays.
        let mut first = places.clone();
        assert!(first.remove(4));
        assert!(matches!(first, Indices::One(9)));
        let mut second = places.clone();
        assert!(second.remove(9));
        assert!(matches!(second, Indices::One(4)));
        // A third, wherever it sorts, makes a list of several.
        for (third, sorted) in [(1, [1, 4, 9]), (6, [4, 6, 9]), (12, [4, 9, 12])] {
            let mut three = places.clone();
            assert!(three.insert(third));
            assert!(!three.insert(third));
            assert!(matches!(three, Indices::Several(_)));
            assert_eq!(three.as_slice(), sorted);
        }
        assert!(places.insert(1));
        assert!(!places.remove(5));
        for (gone, left) in [(4, &[1, 9][..]), (1, &[9]), (9, &[])] {
            assert!(places.remove(gone));
            assert!(!places.remove(gone));
            assert_eq!(places.as_slice(), left);
        }
        assert!(matches!(places, Indices::None));
    }

    /// Any inserts and removals leave the list a model set would be.
    #[test]
    fn places_behave_as_a_sorted_set() {
        let mut places = Indices::default();
        let mut model = std::collections::BTreeSet::new();
        // A fixed walk through inserts and removals of 6 values.
        let mut state = 7u32;
        for _ in 0..2_000 {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let value = (state >> 16) % 6;
            if (state >> 8) % 3 == 0 {
                assert_eq!(places.remove(value), model.remove(&value));
            } else {
                assert_eq!(places.insert(value), model.insert(value));
            }
            let expected: Vec<u32> = model.iter().copied().collect();
            assert_eq!(places.as_slice(), expected);
        }
    }
}
