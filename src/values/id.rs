//! Student and guardian IDs: text, exactly as the SIS wrote them.
//!
//! IDs are never numbers. `00123` and `123` are different IDs, and the
//! spreadsheet damage that turns one into the other is named, not hidden.

use smol_str::SmolStr;
use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

use crate::values::text::{strip_formula_wrapper, strip_text_marker};

/// Longest ID accepted, in characters. SIS IDs are short; anything longer
/// is a column mix-up (a note or an address pasted into the ID column).
pub const MAX_ID_LEN: usize = 64;

/// Spreadsheet damage that [`StudentId::parse`] and [`GuardianId::parse`]
/// undid, each reported as an `id_repaired` warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IdRepair {
    /// `="00123"`: Excel's formula trick to keep leading zeros.
    FormulaWrapper,
    /// `'00123`: Excel's text marker.
    TextMarker,
    /// A byte-order mark or a zero-width space before or after the ID,
    /// which does not show but would make it another ID.
    InvisibleCharacter,
    /// `12345.0` (or `12345,0` with a decimal comma): a number format added
    /// a decimal tail.
    DecimalTail,
    /// `1,234,567`: a number format added thousands separators.
    ThousandsSeparators,
}

impl IdRepair {
    fn describe(self) -> &'static str {
        match self {
            IdRepair::FormulaWrapper => "a spreadsheet formula wrapper (=\"...\")",
            IdRepair::TextMarker => "a spreadsheet text marker (')",
            IdRepair::DecimalTail => "a decimal tail (.0) added by a number format",
            IdRepair::ThousandsSeparators => "thousands separators added by a number format",
            IdRepair::InvisibleCharacter => {
                "a character that does not show (a byte-order mark or a zero-width space)"
            }
        }
    }
}

/// Why an ID could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// The cell is empty (or only white space).
    #[error("is empty")]
    Empty,
    /// Excel turned the ID into scientific notation; its digits are lost.
    #[error(
        "is in scientific notation, so its digits are lost; export the file again with this column formatted as text"
    )]
    ScientificNotation,
    /// The ID holds a control character (a tab, a line break...) or an
    /// invisible one (a zero-width space) between its characters.
    #[error(
        "contains a control character, a line break or an invisible character (such as a zero-width space); type the ID again"
    )]
    ControlCharacter,
    /// The ID holds white space between characters.
    #[error("contains a space inside it")]
    InnerWhitespace,
    /// A spreadsheet error value (`#N/A`, `#REF!`...) where the ID should
    /// be: a formula failed and the ID is gone.
    #[error(
        "is a spreadsheet error value (a formula failed), not an ID; fix it in the spreadsheet and export again"
    )]
    SpreadsheetError,
    /// A date where the ID should be (`Jan-05`, `5-Jan`, `1/5/2024`): a
    /// spreadsheet took an ID such as `1-5` for a date, and the ID as the
    /// SIS wrote it is lost.
    #[error(
        "looks like a date, which a spreadsheet makes of an ID such as 1-5, so the ID is lost; export the file again with this column formatted as text"
    )]
    Date,
    /// An email address or a phone number where the ID should be: the
    /// columns are probably shifted (a value in the wrong column).
    #[error(
        "looks like {0}, not an ID: the columns are probably shifted (a cell missing or extra earlier in the row); check the row against the header"
    )]
    Shifted(&'static str),
    /// A spreadsheet formula where the ID should be (`=A2&"1"`, or a
    /// `="..."` wrapper broken by a quote inside it): what it computed is
    /// not in the file.
    #[error(
        "is a spreadsheet formula, not an ID; export the file again with the values, not the formulas"
    )]
    Formula,
    /// The ID is longer than [`MAX_ID_LEN`] characters.
    #[error("is longer than {MAX_ID_LEN} characters, which no SIS ID is")]
    TooLong,
}

/// The result of reading an ID cell: the ID, and what was repaired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedId<T> {
    /// The ID, trimmed and repaired.
    pub id: T,
    /// The spreadsheet damage undone, in the order it was peeled off.
    pub repairs: Vec<IdRepair>,
}

impl<T> ParsedId<T> {
    /// Describes the repairs for a clerk, e.g. "a spreadsheet text marker (')".
    pub fn describe_repairs(&self) -> String {
        let parts: Vec<&str> = self.repairs.iter().map(|r| r.describe()).collect();
        parts.join(" and ")
    }
}

/// Trims, undoes spreadsheet damage, and checks an ID.
///
/// Idempotent: normalising a normalised ID changes nothing.
fn normalize(raw: &str) -> Result<(Cow<'_, str>, Vec<IdRepair>), IdError> {
    let mut value = crate::values::text::trim(raw);
    // A byte-order mark or a zero-width space around the ID (files joined
    // with `copy /b`, a value pasted from the web) is removed, and named.
    let invisible = value.len() != raw.trim().len();
    // Most IDs are letters, digits and dashes: no damage to undo, nothing
    // to reject but scientific notation, which needs an `e`.
    if !invisible && !value.is_empty() && value.len() <= MAX_ID_LEN {
        let (mut plain, mut has_e, mut has_dash) = (true, false, false);
        for b in value.bytes() {
            plain &= b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
            has_e |= (b | 0x20) == b'e';
            has_dash |= b == b'-';
        }
        if plain
            && !(has_e && is_scientific(value))
            && !(has_dash && (is_date(value) || shifted_value(value).is_some()))
        {
            return Ok((Cow::Borrowed(value), Vec::new()));
        }
    }
    if crate::values::text::is_spreadsheet_error(value) {
        return Err(IdError::SpreadsheetError);
    }
    let mut repairs = Vec::new();
    if invisible {
        repairs.push(IdRepair::InvisibleCharacter);
    }
    // Damage can nest (`="'00123"`); each pass peels one layer.
    loop {
        if let Some(inner) = strip_formula_wrapper(value) {
            value = inner.trim();
            repairs.push(IdRepair::FormulaWrapper);
        } else if let Some(inner) = strip_text_marker(value) {
            value = inner.trim();
            repairs.push(IdRepair::TextMarker);
        } else if let Some(integer) = decimal_tail(value) {
            value = integer;
            repairs.push(IdRepair::DecimalTail);
        } else {
            break;
        }
    }
    let value: Cow<'_, str> = match without_thousands_separators(value) {
        Some(digits) => {
            repairs.push(IdRepair::ThousandsSeparators);
            Cow::Owned(digits)
        }
        None => Cow::Borrowed(value),
    };
    if value.is_empty() {
        return Err(IdError::Empty);
    }
    if value.starts_with('=') {
        return Err(IdError::Formula);
    }
    if is_scientific(&value) {
        return Err(IdError::ScientificNotation);
    }
    if is_date(&value) {
        return Err(IdError::Date);
    }
    if value
        .chars()
        .any(|c| c.is_control() || crate::values::text::is_invisible(c))
    {
        return Err(IdError::ControlCharacter);
    }
    if let Some(what) = shifted_value(&value) {
        return Err(IdError::Shifted(what));
    }
    if value.chars().any(char::is_whitespace) {
        return Err(IdError::InnerWhitespace);
    }
    if value.chars().count() > MAX_ID_LEN {
        return Err(IdError::TooLong);
    }
    Ok((value, repairs))
}

/// What a value in an ID cell is instead of an ID, when it is plainly a
/// contact: an email address, or a phone number as people write one
/// (`(312) 555-0142`, `312-555-0142`, `+1 312 555 0142`).
pub(crate) fn shifted_value(value: &str) -> Option<&'static str> {
    if value.contains('@') && value.contains('.') {
        return Some("an email address");
    }
    let digits = value.bytes().filter(u8::is_ascii_digit).count();
    let phone_shaped = value
        .bytes()
        .all(|b| b.is_ascii_digit() || b" ()+-.".contains(&b))
        && (10..=15).contains(&digits)
        && (value.starts_with('+')
            || value.starts_with('(')
            || value
                .split(['-', '.', ' '])
                .map(str::len)
                .collect::<Vec<_>>()
                == [3, 3, 4]);
    phone_shaped.then_some("a phone number")
}

/// A date as a spreadsheet writes one it made of an ID: `Jan-05`,
/// `5-Jan`, `5-Jan-24`, `1/5/2024`, `2024-01-05`, `5.1.2024`.
fn is_date(value: &str) -> bool {
    // As Excel writes them: an SIS code such as `MAR-05` is not a date.
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month_name = |part: &str| MONTHS.contains(&part);
    let number = |part: &str, digits: std::ops::RangeInclusive<usize>, max: u32| {
        digits.contains(&part.len())
            && part.bytes().all(|b| b.is_ascii_digit())
            && part.parse::<u32>().is_ok_and(|n| (1..=max).contains(&n))
    };
    if value.len() > 11 {
        return false;
    }
    let mut split = value.split(['-', '/', '.']);
    let parts = [split.next(), split.next(), split.next(), split.next()];
    let slashes = value.contains('/');
    let dashes = value.contains('-');
    let dots = value.contains('.');
    if dots && (slashes || dashes) {
        return false;
    }
    let parts: &[&str] = match parts {
        [Some(a), Some(b), None, _] => &[a, b],
        [Some(a), Some(b), Some(c), None] => &[a, b, c],
        _ => return false,
    };
    match parts {
        // Jan-05 (mmm-yy), 5-Jan (d-mmm).
        [a, b] if dashes && !slashes => {
            (month_name(a) && number(b, 1..=2, 99)) || (number(a, 1..=2, 31) && month_name(b))
        }
        // 5-Jan-24.
        [d, m, y] if dashes && !slashes && month_name(m) => {
            number(d, 1..=2, 31) && (number(y, 2..=2, 99) || number(y, 4..=4, 9999))
        }
        // 2024-01-05.
        [y, m, d] if dashes && !slashes => {
            number(y, 4..=4, 9999) && number(m, 2..=2, 12) && number(d, 2..=2, 31)
        }
        // 5.1.2024, 05.01.24 (as European spreadsheets write dates).
        [d, m, y] if dots => {
            number(d, 1..=2, 31)
                && number(m, 1..=2, 12)
                && (number(y, 2..=2, 99) || number(y, 4..=4, 9999))
        }
        // 1/5/2024, 1/5/24 (either order of day and month).
        [a, b, y] if slashes && !dashes => {
            number(a, 1..=2, 31)
                && number(b, 1..=2, 31)
                && (number(a, 1..=2, 12) || number(b, 1..=2, 12))
                && (number(y, 2..=2, 99) || number(y, 4..=4, 9999))
        }
        _ => false,
    }
}

/// `12345.0` or `12345.00` -> `12345`, and with a decimal comma as
/// European locales write it, `12345,0` or `12345,00` (not `1,000`, which
/// is a thousands separator); anything else -> None.
fn decimal_tail(value: &str) -> Option<&str> {
    let (integer, fraction) = value.split_once(['.', ','])?;
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let comma = value.as_bytes()[integer.len()] == b',';
    (all_digits(integer)
        && all_digits(fraction)
        && fraction.bytes().all(|b| b == b'0')
        && !(comma && fraction.len() == 3))
        .then_some(integer)
}

/// `1,234,567` -> `1234567`: one to three digits, then groups of three.
fn without_thousands_separators(value: &str) -> Option<String> {
    let mut groups = value.split(',');
    let first = groups.next()?;
    let rest: Vec<&str> = groups.collect();
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let well_formed = !rest.is_empty()
        && (1..=3).contains(&first.len())
        && digits(first)
        && rest.iter().all(|g| g.len() == 3 && digits(g));
    well_formed.then(|| value.replace(',', ""))
}

/// `1.23457E+11`, `1E+11`, `1.2e-3`, `1,23457E+11` (European decimal comma).
fn is_scientific(value: &str) -> bool {
    let Some(e) = value.find(['e', 'E']) else {
        return false;
    };
    let (mantissa, exponent) = (&value[..e], &value[e + 1..]);
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    let mut seen_digit = false;
    let mut seen_point = false;
    for b in mantissa.bytes() {
        match b {
            b'0'..=b'9' => seen_digit = true,
            b'.' | b',' if !seen_point => seen_point = true,
            _ => return false,
        }
    }
    seen_digit && !exponent.is_empty() && exponent.bytes().all(|b| b.is_ascii_digit())
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// Clones are cheap: an ID of up to 23 bytes is stored inline (no
        /// allocation), a longer one is shared, not copied.
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(SmolStr);

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl $name {
            /// Reads an ID cell: trims white space, undoes spreadsheet damage
            /// (`="00123"`, `'00123`, `12345.0`), and rejects what cannot be an
            /// ID. Leading zeros are always kept.
            ///
            /// ```
            /// # fn main() -> Result<(), guardian_roster::IdError> {
            #[doc = concat!("use guardian_roster::", stringify!($name), ";")]
            ///
            #[doc = concat!("let parsed = ", stringify!($name), "::parse(r#\" =\"00123\" \"#)?;")]
            /// assert_eq!(parsed.id.as_str(), "00123");
            /// assert_eq!(parsed.repairs.len(), 1);
            /// # Ok(()) }
            /// ```
            ///
            /// # Errors
            ///
            /// An [`IdError`] saying what damage makes the ID unusable (scientific
            /// notation, a decimal tail, a value of another column).
            pub fn parse(raw: &str) -> Result<ParsedId<$name>, IdError> {
                let (value, repairs) = normalize(raw)?;
                Ok(ParsedId { id: $name(SmolStr::new(value)), repairs })
            }

            /// The ID as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            /// Takes an ID as the application already stores it, unchanged
            /// and unchecked (for rosters built from a database).
            fn from(value: String) -> $name {
                $name(SmolStr::from(value))
            }
        }

        impl From<&str> for $name {
            /// Takes an ID as the application already stores it, unchanged
            /// and unchecked.
            fn from(value: &str) -> $name {
                $name(SmolStr::new(value))
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            /// The text unchanged (the inverse of `Display`), as
            /// [`From<&str>`] takes it: for IDs read back from storage.
            fn from_str(text: &str) -> Result<$name, std::convert::Infallible> {
                Ok($name::from(text))
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0.as_str())
            }
        }
    };
}

id_type! {
    /// A student's ID, exactly as the SIS wrote it (leading zeros kept).
    StudentId
}

id_type! {
    /// A guardian's ID in the SIS, exactly as written (leading zeros kept).
    GuardianId
}

id_type! {
    /// A school's ID, exactly as the SIS wrote it (leading zeros kept:
    /// school `0102` is not school `102`).
    SchoolId
}

/// The ID without its leading zeros (`"000125"` -> `"125"`), for spotting
/// an ID whose zeros a spreadsheet stripped. All-zero IDs keep one zero.
/// [`id_key`] goes further (width, other digits, letter case).
///
/// ```
/// use guardian_roster::without_leading_zeros;
///
/// assert_eq!(without_leading_zeros("000125"), "125");
/// assert_eq!(without_leading_zeros("G-0042"), "G-0042");
/// assert_eq!(without_leading_zeros("000"), "0");
/// ```
#[must_use]
pub fn without_leading_zeros(id: &str) -> &str {
    without_leading_zeros_impl(id)
}

/// The key under which IDs that probably name the same record meet, and
/// the exact key [`crate::Roster::similar_students`],
/// [`crate::Roster::similar_guardians`] and
/// [`crate::Roster::similar_schools`] are asked with (a database indexes it
/// beside each ID): the ID in Unicode NFKC (full-width `０１２` is `012`),
/// its decimal digits of any script as ASCII digits (Arabic-Indic `١٢` is
/// `12`), format characters (a zero-width space, a BOM, a BiDi mark)
/// removed, in lowercase, and without its leading zeros.
///
/// IDs stay case-sensitive text, kept exactly as the SIS wrote them: two
/// IDs with one key are never merged or taken for one another. An ID the
/// roster lacks whose key is a roster ID's is said to be probably that ID
/// (`unknown_student` with the suggestion, `similar_guardian`), and the row
/// is not applied.
///
/// Borrowed when the ID is ASCII without capitals (nearly every ID): then
/// it is [`without_leading_zeros`].
///
/// ```
/// use guardian_roster::id_key;
///
/// assert_eq!(id_key("000125"), "125");
/// assert_eq!(id_key("\u{ff10}\u{ff10}\u{ff11}\u{ff12}\u{ff15}"), "125");
/// assert_eq!(id_key("\u{660}\u{661}\u{662}"), "12");
/// assert_eq!(id_key("G-0042"), "g-0042");
/// assert_eq!(id_key("g-00\u{200b}42"), "g-0042");
/// ```
#[must_use]
pub fn id_key(id: &str) -> std::borrow::Cow<'_, str> {
    // ASCII (nearly every ID): NFKC leaves it as it is, it holds no format
    // character and no other script's digit, so the key is its lowercase
    // without leading zeros (held to `id_key_by_unicode` by a property
    // test).
    if id.is_ascii() {
        return if id.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(without_leading_zeros_impl(&id.to_ascii_lowercase()).to_owned())
        } else {
            std::borrow::Cow::Borrowed(without_leading_zeros_impl(id))
        };
    }
    std::borrow::Cow::Owned(id_key_by_unicode(id))
}

/// [`id_key`] by the Unicode rules alone: NFKC, format characters out,
/// other scripts' digits as ASCII, lowercase, leading zeros out.
fn id_key_by_unicode(id: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let folded: String = id
        .nfkc()
        .filter(|&c| !crate::diagnostic::render::is_format(c) && c != '\u{feff}')
        .map(ascii_digit)
        .flat_map(char::to_lowercase)
        .collect();
    without_leading_zeros_impl(&folded).to_owned()
}

/// The first code point of each run of ten decimal digits (general
/// category Nd) beyond ASCII that NFKC leaves as they are.
const DIGIT_ZEROS: [u32; 37] = [
    0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66,
    0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
    0x104A0, 0x11066,
];

/// A decimal digit of another script as the ASCII digit; any other
/// character as it is.
fn ascii_digit(c: char) -> char {
    let code = u32::from(c);
    if code < 0x0660 {
        return c;
    }
    DIGIT_ZEROS
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&code))
        .and_then(|&zero| char::from_digit(code - zero, 10))
        .unwrap_or(c)
}

/// How two IDs with one [`id_key`] differ, in a clerk's words: `leading
/// zeros`, `capital letters`, or the width, script or hidden characters of
/// its digits and letters.
pub(crate) fn how_ids_differ(a: &str, b: &str) -> &'static str {
    if without_leading_zeros(a) == without_leading_zeros(b) {
        "leading zeros"
    } else if a.to_lowercase() == b.to_lowercase()
        || without_leading_zeros(&a.to_lowercase()) == without_leading_zeros(&b.to_lowercase())
    {
        "capital letters"
    } else {
        "the width or script of its characters, or characters that do not show (a full-width or Arabic-Indic digit, a zero-width space)"
    }
}

fn without_leading_zeros_impl(id: &str) -> &str {
    let trimmed = id.trim_start_matches('0');
    if trimmed.is_empty() && !id.is_empty() {
        &id[id.len() - 1..]
    } else {
        trimmed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(raw: &str) -> (String, Vec<IdRepair>) {
        let (id, repairs) = normalize(raw).expect(raw);
        (id.into_owned(), repairs)
    }

    #[test]
    fn dates_a_spreadsheet_made_of_ids_are_refused() {
        for raw in [
            "Jan-05",
            "5-Jan",
            "05-Jan-24",
            "1/5/2024",
            "12/31/24",
            "2024-01-05",
            "12.5.2024",
            "05.01.24",
        ] {
            assert_eq!(normalize(raw).map(|_| ()), Err(IdError::Date), "{raw}");
        }
        // IDs with dashes and slashes that are not dates.
        for raw in [
            "1-5",
            "12-345",
            "2024-0001",
            "S-01",
            "Jan-2024A",
            "13/13/2024",
            "A/B/C",
            "MAR-05",
            "1.5",
            "1.2.3",
            "12.13.2024",
            "1.5.2024.7",
            "1.5-2024",
        ] {
            assert!(normalize(raw).is_ok(), "{raw}");
        }
    }

    #[test]
    fn keeps_every_character_and_leading_zeros() {
        assert_eq!(ok("00123"), ("00123".into(), vec![]));
        assert_eq!(ok("  S-0042  "), ("S-0042".into(), vec![]));
        assert_eq!(ok("\u{a0}0001\t"), ("0001".into(), vec![]));
    }

    #[test]
    fn repairs_spreadsheet_damage() {
        assert_eq!(
            ok("=\"00123\""),
            ("00123".into(), vec![IdRepair::FormulaWrapper])
        );
        assert_eq!(ok("'00123"), ("00123".into(), vec![IdRepair::TextMarker]));
        assert_eq!(ok("12345.0"), ("12345".into(), vec![IdRepair::DecimalTail]));
        assert_eq!(
            ok("00123.00"),
            ("00123".into(), vec![IdRepair::DecimalTail])
        );
        assert_eq!(
            ok("=\"'0042.0\""),
            (
                "0042".into(),
                vec![
                    IdRepair::FormulaWrapper,
                    IdRepair::TextMarker,
                    IdRepair::DecimalTail
                ]
            )
        );
        assert_eq!(ok("12.5"), ("12.5".into(), vec![]));
        assert_eq!(
            ok("1,234,567"),
            ("1234567".into(), vec![IdRepair::ThousandsSeparators])
        );
        assert_eq!(ok("12,34"), ("12,34".into(), vec![]));
        // Found by fuzzing: the repaired ID is checked like any other.
        assert_eq!(
            normalize(
                &"669,"
                    .repeat(23)
                    .trim_end_matches(',')
                    .replacen("669", "9", 1)
            ),
            Err(IdError::TooLong)
        );
    }

    #[test]
    fn rejects_what_cannot_be_an_id() {
        assert_eq!(normalize("1.23457E+11"), Err(IdError::ScientificNotation));
        assert_eq!(normalize("1E+11"), Err(IdError::ScientificNotation));
        assert_eq!(normalize("4,5e+07"), Err(IdError::ScientificNotation));
        // Letters and digits only, as the plain-ID shortcut sees them.
        assert_eq!(normalize("1E11"), Err(IdError::ScientificNotation));
        assert_eq!(normalize(" 2e5 "), Err(IdError::ScientificNotation));
        assert_eq!(ok("E123"), ("E123".into(), vec![]));
        assert_eq!(ok("12e"), ("12e".into(), vec![]));
        assert_eq!(ok("S-1E5"), ("S-1E5".into(), vec![]));
        assert_eq!(normalize("  "), Err(IdError::Empty));
        assert_eq!(normalize("=\"\""), Err(IdError::Empty));
        assert_eq!(normalize("12 34"), Err(IdError::InnerWhitespace));
        assert_eq!(normalize("12\u{0}34"), Err(IdError::ControlCharacter));
        assert_eq!(normalize(&"9".repeat(65)), Err(IdError::TooLong));
        assert!(normalize(&"9".repeat(64)).is_ok());
        // Letters that merely contain an E are IDs, not numbers.
        assert!(normalize("E123").is_ok());
        assert!(normalize("12E").is_ok());
        assert!(normalize("AB1E5").is_ok());
    }

    #[test]
    fn strips_leading_zeros_for_suggestions() {
        assert_eq!(without_leading_zeros("000125"), "125");
        assert_eq!(without_leading_zeros("125"), "125");
        assert_eq!(without_leading_zeros("000"), "0");
    }

    #[test]
    fn id_keys_fold_width_digits_case_and_hidden_characters() {
        assert!(matches!(
            id_key("000125"),
            std::borrow::Cow::Borrowed("125")
        ));
        assert_eq!(id_key("０００１０１"), "101");
        assert_eq!(id_key("٠٠٠١٠١"), "101");
        assert_eq!(id_key("۰۰۰۱۰۱"), "101");
        assert_eq!(id_key("००१"), "1");
        assert_eq!(id_key("\u{feff}000101"), "101");
        assert_eq!(id_key("00\u{200b}0101"), "101");
        assert_eq!(id_key("G001"), "g001");
        assert_eq!(id_key("Ｇ００１"), "g001");
        assert_eq!(
            id_key("6F9619FF-8B86-D011-B42D-00C04FC964FF"),
            "6f9619ff-8b86-d011-b42d-00c04fc964ff"
        );
        assert_eq!(id_key("000"), "0");
        assert_eq!(id_key(""), "");
        // A letter is not a digit: `l` for `1` is another ID.
        assert_eq!(id_key("00010l"), "10l");
        // Every key is its own key.
        for id in ["０００１０１", "G001", "Ｇ００１", "٠١٢", "a\u{200b}B"] {
            let key = id_key(id).into_owned();
            assert_eq!(id_key(&key), key, "{id}");
        }
        for zero in DIGIT_ZEROS {
            let nine = char::from_u32(zero + 9).expect("a digit");
            assert_eq!(ascii_digit(nine), '9', "{zero:X}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

        /// The ASCII fast path against the Unicode rules: the same key for
        /// any ASCII text (capitals, zeros, controls) and for text beyond it.
        #[test]
        fn the_ascii_key_is_the_unicode_key(
            ascii in "[\\x00-\\x7f]{0,24}",
            id_like in "[0Gg]{0,4}[0-9A-Za-z-]{0,12}",
            any in "\\PC{0,12}",
        ) {
            for id in [ascii, id_like, any] {
                proptest::prop_assert_eq!(id_key(&id).into_owned(), super::id_key_by_unicode(&id), "{:?}", id);
            }
        }
    }
}

#[cfg(test)]
mod marker_tests {
    use super::StudentId;

    #[test]
    fn a_formula_wrapper_with_a_quote_inside_is_not_an_id() {
        assert_eq!(
            StudentId::parse("=\"12\"3\"").map(|p| p.id),
            Err(super::IdError::Formula)
        );
        assert_eq!(
            StudentId::parse("=A2&\"1\"").map(|p| p.id),
            Err(super::IdError::Formula)
        );
        let parsed = StudentId::parse("=\"00123\"").expect("unwrapped");
        assert_eq!(parsed.id.as_str(), "00123");
    }
}
