//! What SIS exports and clerks write where there is no value: one
//! vocabulary for every cell. A word is a placeholder in a name cell, in an
//! optional cell, or in both; words that are real names somewhere (`Na`,
//! `Nil`, `X`) are placeholders only where no name is expected.

/// Written for "no value" in any cell, a name's or a contact's.
const NO_VALUE: &[&str] = &[
    "n/a",
    "n.a.",
    "none",
    "null",
    "unknown",
    "-",
    "--",
    "---",
    "?",
    "tbd",
    "not provided",
];

/// Written for "no value" where no name is expected: some are names
/// somewhere (`Na`, `Nil`, `X`).
const NO_CONTACT: &[&str] = &[
    "na",
    "nil",
    "no email",
    "noemail",
    "no phone",
    "no number",
    "x",
];

/// Written for an unknown name in name cells only (`unk`, "first name
/// unknown" and the like).
const NO_NAME: &[&str] = &["unk", ".", "fnu", "lnu", "nfn", "nln", "no name"];

/// Whether `name` is a placeholder for an unknown name.
pub(crate) fn is_name_placeholder(name: &str) -> bool {
    is_one_of(name, &NAME_FIRST, [NO_VALUE, NO_NAME])
}

/// Whether `raw`, in an optional cell, is a placeholder for "no value":
/// one of the words, or a run of zeros written as a number (`000-0000`).
pub(crate) fn is_placeholder(raw: &str) -> bool {
    is_one_of(raw, &OPTIONAL_FIRST, [NO_VALUE, NO_CONTACT]) || is_zeros(raw)
}

/// Whether `text` is one of the words of `lists`, ASCII case aside.
/// `first` holds the words' first bytes in both cases: nearly every name or
/// contact is turned away by its first byte, before any comparison.
fn is_one_of(text: &str, first: &[bool; 256], lists: [&[&str]; 2]) -> bool {
    text.as_bytes()
        .first()
        .is_some_and(|&b| first[usize::from(b)])
        && lists
            .into_iter()
            .flatten()
            .any(|word| text.eq_ignore_ascii_case(word))
}

/// The first bytes of the words of `lists`, in both ASCII cases.
const fn first_bytes(lists: [&[&str]; 2]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut list = 0;
    while list < lists.len() {
        let words = lists[list];
        let mut word = 0;
        while word < words.len() {
            let b = words[word].as_bytes()[0];
            table[b.to_ascii_lowercase() as usize] = true;
            table[b.to_ascii_uppercase() as usize] = true;
            word += 1;
        }
        list += 1;
    }
    table
}

const NAME_FIRST: [bool; 256] = first_bytes([NO_VALUE, NO_NAME]);
const OPTIONAL_FIRST: [bool; 256] = first_bytes([NO_VALUE, NO_CONTACT]);

/// `0000000`, `000-000-0000`, `(000) 000-0000`: seven characters or more.
fn is_zeros(raw: &str) -> bool {
    raw.len() >= 7
        && raw
            .bytes()
            .all(|b| matches!(b, b'0' | b'-' | b' ' | b'(' | b')' | b'.'))
}

/// `999-999-9999`, `(555) 555-5555`, `123-456-7890`: what a form or a
/// clerk types where a phone number is required and none is known. Asked
/// only of a number that is not valid (`888-888-8888` may be a real
/// toll-free number).
pub(crate) fn is_dummy_number(raw: &str) -> bool {
    if !crate::values::phone::only_phone_characters(raw) {
        return false;
    }
    let mut digits = [0u8; 11];
    let mut count = 0;
    for b in raw.bytes().filter(u8::is_ascii_digit) {
        let Some(slot) = digits.get_mut(count) else {
            return false;
        };
        *slot = b;
        count += 1;
    }
    let national = match count {
        10 => &digits[..10],
        11 if digits[0] == b'1' => &digits[1..],
        _ => return false,
    };
    national.iter().all(|&d| d == national[0]) || national == b"1234567890"
}

/// What SIS language lists hold besides languages: "no answer" choices.
pub(crate) const LANGUAGE_PLACEHOLDERS: &[&str] = &[
    "other",
    "other language",
    "declined",
    "declined to state",
    "decline to state",
    "declined to specify",
    "declined to answer",
    "prefer not to say",
    "prefer not to answer",
    "not specified",
    "unspecified",
    "not reported",
    "not stated",
    "refused",
    "no preference",
    "not available",
    "unknown language",
];

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The first-byte filter against comparing with every word.
        #[test]
        fn the_first_byte_filter_turns_away_no_placeholder(
            text in "[nNuU.?tTfFlLxX-][a-zA-Z/. -]{0,11}|\\PC{0,6}",
            word in proptest::sample::select([NO_VALUE, NO_NAME, NO_CONTACT].concat()),
            upper in proptest::bool::ANY,
        ) {
            let word = if upper { word.to_uppercase() } else { word.to_owned() };
            for text in [text, word] {
                let every = |lists: &[&[&str]]| lists.iter().copied().flatten().any(|w| text.eq_ignore_ascii_case(w));
                proptest::prop_assert_eq!(is_name_placeholder(&text), every(&[NO_VALUE, NO_NAME]), "{:?}", text);
                proptest::prop_assert_eq!(is_placeholder(&text), every(&[NO_VALUE, NO_CONTACT]) || is_zeros(&text), "{:?}", text);
            }
        }
    }

    #[test]
    fn each_word_is_a_placeholder_where_it_means_no_value() {
        for word in ["N/A", "none", "Unknown", "---", "TBD", "not provided"] {
            assert!(is_name_placeholder(word) && is_placeholder(word), "{word}");
        }
        for name in ["Na", "Nil", "X", "Parent"] {
            assert!(!is_name_placeholder(name), "{name} is a name somewhere");
        }
        for word in [
            "na",
            "NIL",
            "x",
            "No Email",
            "noemail",
            "no phone",
            "no number",
        ] {
            assert!(is_placeholder(word), "{word}");
        }
        for word in ["UNK", ".", "FNU", "lnu", "NFN", "nln", "No Name"] {
            assert!(is_name_placeholder(word) && !is_placeholder(word), "{word}");
        }
        assert!(is_placeholder("000-0000") && is_placeholder("(000) 000-0000"));
        assert!(!is_placeholder("00-000") && !is_placeholder("100-0000"));
        assert!(!is_name_placeholder("not provided at all"));
    }

    #[test]
    fn dummy_numbers_are_repeated_digits_or_a_count() {
        for dummy in [
            "999-999-9999",
            "(555) 555-5555",
            "123-456-7890",
            "1 222 222 2222",
        ] {
            assert!(is_dummy_number(dummy), "{dummy}");
        }
        for real in [
            "312-555-0142",
            "2 222 222 2222",
            "999-999-999",
            "999-999-9999 x1",
        ] {
            assert!(!is_dummy_number(real), "{real}");
        }
    }
}
