//! Orders computed on indices: a table of large items is sorted by moving
//! 4-byte indices, then each item moves once, or is read through the
//! order.

use rayon::prelude::*;

/// The indices `0..count` in the order of their texts, equal texts in the
/// order of their indices. Each index is sorted with its text's first
/// eight bytes beside it, so that most comparisons read no text (the order
/// of those prefixes, zero-padded, is the texts' order wherever they
/// differ; equal ones compare the texts).
pub(crate) fn sorted_order<'t>(count: u32, text: impl Fn(u32) -> &'t str + Sync) -> Vec<u32> {
    let prefix = |at: u32| {
        let mut bytes = [0u8; 8];
        let head = text(at).as_bytes();
        let take = head.len().min(8);
        bytes[..take].copy_from_slice(&head[..take]);
        u64::from_be_bytes(bytes)
    };
    let mut keyed: Vec<(u64, u32)> = (0..count).map(|at| (prefix(at), at)).collect();
    keyed.par_sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| text(a.1).cmp(text(b.1)))
            .then(a.1.cmp(&b.1))
    });
    keyed.into_iter().map(|(_, at)| at).collect()
}

/// Puts `items[order[i]]` at `i` for every `i`, in place, by following the
/// permutation's cycles (`order` is used up: each index marked done).
pub(crate) fn permute<T>(items: &mut [T], order: &mut [u32]) {
    const DONE: u32 = u32::MAX;
    for start in 0..order.len() {
        if order[start] == DONE {
            continue;
        }
        // Along the cycle through `start`: the item for `at` comes from
        // `order[at]`; swapping brings it in and carries the displaced one
        // on, until the cycle closes.
        let mut at = start;
        loop {
            let from = order[at] as usize;
            order[at] = DONE;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::{Just, Strategy};

    proptest::proptest! {
        /// The order by prefixes and texts against sorting the texts.
        #[test]
        fn sorted_order_is_the_texts_order(
            texts in proptest::collection::vec("[0G\\x00-\\x02]{0,3}[0-9A-Za-z\\x00]{0,12}", 0..200)
        ) {
            let count = u32::try_from(texts.len()).expect("small");
            let order = super::sorted_order(count, |at| texts[at as usize].as_str());
            let mut expected: Vec<u32> = (0..count).collect();
            expected.sort_by(|&a, &b| texts[a as usize].cmp(&texts[b as usize]));
            // A stable sort: equal texts keep their indices' order.
            proptest::prop_assert_eq!(order, expected);
        }

        /// The in-place permutation against building the sorted vector.
        #[test]
        fn permute_puts_each_item_where_the_order_says(
            order in (0u32..300).prop_flat_map(|n| Just((0..n).collect::<Vec<u32>>()).prop_shuffle())
        ) {
            let items: Vec<String> = (0..order.len()).map(|i| format!("item {i}")).collect();
            let expected: Vec<String> = order.iter().map(|&i| items[i as usize].clone()).collect();
            let mut permuted = items;
            super::permute(&mut permuted, &mut order.clone());
            proptest::prop_assert_eq!(permuted, expected);
        }
    }
}
