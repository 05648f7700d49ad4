//! Phone numbers: E.164 plus an optional extension, validated by `phonenumber`.

use foldhash::HashMap;
use std::fmt;
use std::str::FromStr;

use phonenumber::country;
use serde::Serialize;

/// The country assumed for numbers written without a country code
/// (`(312) 555-0142`). Defaults to the United States.
///
/// ```
/// # fn main() -> Result<(), guardian_roster::UnknownRegion> {
/// use guardian_roster::Region;
///
/// let region: Region = "ca".parse()?;
/// assert_eq!(region.to_string(), "CA");
/// assert_eq!(Region::default().to_string(), "US");
/// # Ok(()) }
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Region {
    id: country::Id,
    // Read from the metadata once, when the region is parsed: asking
    // `phonenumber`'s metadata anything loads all of it (a tenth of a
    // second), which a North American file never needs.
    code: &'static str,
    calling_code: u16,
}

impl Region {
    /// The United States, the default.
    pub const US: Region = Region {
        id: country::Id::US,
        code: "US",
        calling_code: 1,
    };

    /// The two-letter CLDR code, e.g. `"US"`.
    #[must_use]
    pub fn code(self) -> &'static str {
        self.code
    }

    fn calling_code(self) -> u16 {
        self.calling_code
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Region({})", self.code)
    }
}

impl Default for Region {
    fn default() -> Region {
        Region::US
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A region code that `phonenumber` does not know.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown region {0:?}: give a two-letter country code such as US, CA or MX")]
pub struct UnknownRegion(pub String);

impl FromStr for Region {
    type Err = UnknownRegion;

    fn from_str(s: &str) -> Result<Region, UnknownRegion> {
        let upper = s.trim().to_ascii_uppercase();
        let id = country::Id::from_str(&upper).map_err(|_| UnknownRegion(s.to_owned()))?;
        let meta = phonenumber::metadata::DATABASE
            .by_id(id.as_ref())
            .ok_or_else(|| UnknownRegion(s.to_owned()))?;
        Ok(Region {
            id,
            code: meta.id(),
            calling_code: meta.country_code(),
        })
    }
}

/// A phone number: E.164 (`+13125550142`) and, apart, an extension.
///
/// Two numbers are equal when their E.164 form and extension are equal, so
/// `(312) 555-0142` and `+1 312.555.0142` are the same number.
///
/// A number read from a file is always valid. A roster may also hand back a
/// number it stored under older rules, kept as it is and marked
/// [legacy](Phone::is_legacy) (see [`Phone::from_stored`]): it equals only
/// the same stored text, so a file's valid number replaces it.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Phone {
    e164: E164,
    /// The number is stored text the rules refuse: `tail` holds it and
    /// `e164` is a bare `+`. A flag and one box keep `Phone` at 40 bytes.
    legacy: bool,
    /// The extension's digits; for a legacy number, the stored text.
    tail: Option<Box<str>>,
}

/// An E.164 number inline: `+` and at most 15 digits, no allocation. The
/// length is never zero, which lets `Option<Phone>` take no more room than
/// a `Phone`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct E164 {
    len: std::num::NonZeroU8,
    bytes: [u8; 16],
}

impl E164 {
    /// From `+` and digits; `None` if empty or longer than E.164 allows.
    fn new(parts: &[&str]) -> Option<E164> {
        let mut bytes = [0; 16];
        let mut len = 0;
        for part in parts {
            let end = len + part.len();
            bytes.get_mut(len..end)?.copy_from_slice(part.as_bytes());
            len = end;
        }
        Some(E164 {
            len: std::num::NonZeroU8::new(u8::try_from(len).ok()?)?,
            bytes,
        })
    }

    /// A bare `+`: the E.164 part of a legacy number.
    const PLUS: E164 = E164 {
        len: std::num::NonZeroU8::MIN,
        bytes: [b'+', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    };

    fn as_str(&self) -> &str {
        // Built only from `+` and ASCII digits.
        std::str::from_utf8(&self.bytes[..usize::from(self.len.get())]).unwrap_or("")
    }
}

impl Phone {
    /// The number in E.164 form, e.g. `+13125550142`; for a
    /// [legacy](Phone::is_legacy) number, the text as stored.
    #[must_use]
    pub fn e164(&self) -> &str {
        match (self.legacy, &self.tail) {
            (true, Some(text)) => text,
            _ => self.e164.as_str(),
        }
    }

    /// The extension's digits, if one was written (`x12` -> `"12"`).
    #[must_use]
    pub fn extension(&self) -> Option<&str> {
        match self.legacy {
            true => None,
            false => self.tail.as_deref(),
        }
    }

    /// True for a number a roster stored that today's rules refuse, kept as
    /// it is by [`Phone::from_stored`].
    #[must_use]
    pub fn is_legacy(&self) -> bool {
        self.legacy
    }

    /// The number masked for logs: `+1312***0142`.
    #[must_use]
    pub fn masked(&self) -> String {
        if self.legacy {
            return crate::values::text::mask(self.e164());
        }
        let digits = self.e164();
        if digits.len() <= 8 {
            return "***".to_owned();
        }
        format!("{}***{}", &digits[..5], &digits[digits.len() - 4..])
    }
}

impl Phone {
    /// A number as an application stores it: E.164 (`+` and up to 15
    /// digits) and, apart, an extension's digits. Checked for that shape
    /// only, not against today's numbering plans, so that a number stored
    /// years ago reads back as it was.
    ///
    /// ```
    /// use guardian_roster::Phone;
    ///
    /// let phone = Phone::from_e164("+13125550142", Some("12")).expect("E.164");
    /// assert_eq!(phone.to_string(), "+13125550142;ext=12");
    /// assert_eq!("+13125550142;ext=12".parse::<Phone>(), Ok(phone));
    /// assert!(Phone::from_e164("312-555-0142", None).is_err());
    /// ```
    ///
    /// # Errors
    ///
    /// A [`PhoneError`] if `e164` is not a plus sign and up to 15 digits, or
    /// the extension not digits.
    pub fn from_e164(e164: &str, extension: Option<&str>) -> Result<Phone, PhoneError> {
        let invalid = || PhoneError::Invalid {
            region: "international".to_owned(),
        };
        let digits = e164.strip_prefix('+').ok_or_else(invalid)?;
        if digits.is_empty()
            || digits.len() > 15
            || digits.starts_with('0')
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(invalid());
        }
        let extension = match extension {
            Some(ext)
                if !ext.is_empty()
                    && ext.len() <= 10
                    && ext.bytes().all(|b| b.is_ascii_digit()) =>
            {
                Some(Box::from(ext))
            }
            Some(_) => return Err(invalid()),
            None => None,
        };
        Ok(Phone {
            e164: E164::new(&["+", digits]).ok_or_else(invalid)?,
            legacy: false,
            tail: extension,
        })
    }

    /// A number as the application stored it: its own `Display` when that
    /// reads back ([`FromStr`]), or else the text as it is (trimmed),
    /// marked [legacy](Phone::is_legacy), so that one number stored under
    /// older rules does not stop a dry run. A legacy number's
    /// [`Phone::e164`] and `Display` are the stored text.
    ///
    /// ```
    /// use guardian_roster::Phone;
    ///
    /// let valid = Phone::from_stored("+13125550142;ext=12");
    /// assert_eq!((valid.is_legacy(), valid.extension()), (false, Some("12")));
    /// let old = Phone::from_stored(" (312) 555-0142 ");
    /// assert!(old.is_legacy());
    /// assert_eq!(old.to_string(), "(312) 555-0142");
    /// assert_ne!(old, valid);
    /// ```
    #[must_use]
    pub fn from_stored(text: &str) -> Phone {
        let text = text.trim();
        text.parse().unwrap_or_else(|_| Phone {
            e164: E164::PLUS,
            legacy: true,
            tail: Some(Box::from(text)),
        })
    }
}

impl FromStr for Phone {
    type Err = PhoneError;

    /// A phone's own `Display` (`+13125550142`, `+13125550142;ext=12`), by
    /// [`Phone::from_e164`]. To read what people write, use a
    /// [`PhoneParser`].
    fn from_str(text: &str) -> Result<Phone, PhoneError> {
        match text.trim().split_once(";ext=") {
            Some((e164, extension)) => Phone::from_e164(e164, Some(extension)),
            None => Phone::from_e164(text.trim(), None),
        }
    }
}

impl fmt::Display for Phone {
    /// RFC 3966 style: `+13125550142` or `+13125550142;ext=12`; a
    /// [legacy](Phone::is_legacy) number as stored.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.e164())?;
        if let Some(extension) = self.extension() {
            write!(f, ";ext={extension}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

impl Serialize for Phone {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Why a phone cell could not be read.
///
/// `Debug` masks the numbers the variants carry: errors end up in logs.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PhoneError {
    /// Words or letters are mixed in (`call after 5pm 312 555 0142`); a
    /// label beside a number is [`PhoneError::Labelled`].
    #[error("contains letters; write only the number")]
    Letters,
    /// Two numbers were written in one cell.
    #[error("holds more than one number; keep one number per cell")]
    Multiple,
    /// Characters no phone number has (`*`, `!`...).
    #[error("contains characters that are not part of a phone number")]
    BadCharacters,
    /// A spreadsheet stored the number as a number: `3.12555E+09` (digits
    /// lost) or `3125550142.0`.
    #[error(
        "was turned into a number by a spreadsheet (scientific notation or a .0 tail), which can lose digits; format the column as text and export again"
    )]
    SpreadsheetNumber,
    /// Too few digits for the country.
    #[error("is too short to be a {region} number")]
    TooShort {
        /// The region the number was read for.
        region: String,
    },
    /// Too many digits for the country.
    #[error("is too long to be a {region} number")]
    TooLong {
        /// The region the number was read for.
        region: String,
    },
    /// The digits do not form a number that exists.
    #[error("is not a valid {region} number")]
    Invalid {
        /// The region the number was read for, or "international".
        region: String,
    },
    /// A number with a word saying what kind it is (`C: 312-555-0142`,
    /// `312-555-0142 (cell)`); `number` is the number without it, in E.164,
    /// which is valid.
    #[error("carries a label ({label}); write only the number, {number}")]
    Labelled {
        /// The label as written (`C`, `cell`).
        label: String,
        /// The number without the label, in E.164 (`;ext=` if it has one).
        number: String,
    },
    /// A Mexican mobile number with the `1` after `+52` that Mexico
    /// dropped in 2019 (`+52 1 55 1234 5678`); `number` is the number
    /// without it, which is valid.
    #[error(
        "has the 1 after +52 that Mexican mobile numbers no longer take (since 2019); write it as {number}"
    )]
    MexicanMobileOne {
        /// The number without the `1`, in E.164.
        number: String,
    },
}

impl fmt::Debug for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::values::text::mask;
        match self {
            PhoneError::Letters => f.write_str("Letters"),
            PhoneError::Multiple => f.write_str("Multiple"),
            PhoneError::BadCharacters => f.write_str("BadCharacters"),
            PhoneError::SpreadsheetNumber => f.write_str("SpreadsheetNumber"),
            PhoneError::TooShort { region } => {
                f.debug_struct("TooShort").field("region", region).finish()
            }
            PhoneError::TooLong { region } => {
                f.debug_struct("TooLong").field("region", region).finish()
            }
            PhoneError::Invalid { region } => {
                f.debug_struct("Invalid").field("region", region).finish()
            }
            PhoneError::Labelled { label, number } => f
                .debug_struct("Labelled")
                .field("label", label)
                .field("number", &mask(number))
                .finish(),
            PhoneError::MexicanMobileOne { number } => f
                .debug_struct("MexicanMobileOne")
                .field("number", &mask(number))
                .finish(),
        }
    }
}

impl PhoneError {
    /// The number the cell probably meant, where one is known
    /// ([`PhoneError::Labelled`], [`PhoneError::MexicanMobileOne`]), in
    /// E.164. Never applied automatically.
    #[must_use]
    pub fn suggestion(&self) -> Option<&str> {
        match self {
            PhoneError::Labelled { number, .. } | PhoneError::MexicanMobileOne { number } => {
                Some(number)
            }
            _ => None,
        }
    }
}

/// Reads phone cells for one default region, remembering verdicts.
///
/// Guardians repeat across rows (one row per child) and `phonenumber` is
/// slow (tens of thousands of numbers a second), so verdicts are memoised by
/// the number's digits: `(312) 555-0142` and `312.555.0142` cost one parse.
///
/// ```
/// # fn main() -> Result<(), guardian_roster::PhoneError> {
/// use guardian_roster::{PhoneParser, Region};
///
/// let mut phones = PhoneParser::new(Region::US);
/// let phone = phones.parse("(312) 555-0142 x12")?;
/// assert_eq!(phone.e164(), "+13125550142");
/// assert_eq!(phone.extension(), Some("12"));
///
/// let paris = phones.parse("+33 1 42 76 49 78")?;
/// assert_eq!(paris.e164(), "+33142764978");
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct PhoneParser {
    region: Region,
    nanp: bool,
    cache: HashMap<String, Result<String, PhoneError>>,
    /// Phonenumber alone, no fast path and no lean rules: the reference
    /// the tests hold the fast paths to.
    phonenumber_only: bool,
    key: String,
}

/// `phonenumber` compiles its regexes into one shared LRU cache of 100; a
/// file with numbers from more than a handful of countries evicts and
/// recompiles them all the time (hundreds of numbers a second instead of
/// tens of thousands). Its parser still uses that cache for numbers with
/// their own country code (the validity patterns are compiled apart, in
/// `phone_rules`): keep every regex it compiles.
pub(crate) fn keep_every_regex_compiled() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok(mut cache) = phonenumber::metadata::DATABASE.cache().lock() {
            cache.set_capacity(16_384);
        }
    });
}

/// Memoised verdicts kept at most; beyond it the memo starts again, so a
/// file of all-distinct numbers cannot grow memory without bound.
const CACHE_LIMIT: usize = 1 << 20;

impl PhoneParser {
    /// A parser for numbers written without a country code in `region`.
    #[must_use]
    pub fn new(region: Region) -> PhoneParser {
        let nanp = region.calling_code() == 1;
        PhoneParser {
            region,
            nanp,
            cache: HashMap::default(),
            phonenumber_only: false,
            key: String::new(),
        }
    }

    /// The default region.
    #[must_use]
    pub fn region(&self) -> Region {
        self.region
    }

    /// Reads one phone cell (already known to be non-empty).
    ///
    /// # Errors
    ///
    /// A [`PhoneError`] saying why `raw` is not a usable number (too short,
    /// too long, letters, several numbers, a label).
    pub fn parse(&mut self, raw: &str) -> Result<Phone, PhoneError> {
        let raw = raw.trim();
        // Full-width digits and signs, as East Asian input methods type
        // them (`３１２－５５５－０１４２`): the same characters, read as ASCII.
        if !raw.is_ascii() && raw.chars().any(is_full_width) {
            let ascii: String = raw.chars().map(from_full_width).collect();
            return self.parse(&ascii);
        }
        if spreadsheet_number(raw) {
            return Err(PhoneError::SpreadsheetNumber);
        }
        // Most cells hold only digits and punctuation: nothing to split off.
        let plain = only_phone_characters(raw);
        let (number, extension) = if plain {
            (raw, None)
        } else {
            let (number, extension) = split_extension(raw);
            match check_characters(number) {
                Ok(()) => {}
                Err(PhoneError::Letters) => return Err(self.labelled(raw)),
                Err(error) => return Err(error),
            }
            (number, extension)
        };
        if plain && raw.rfind('+').is_some_and(|at| at > 0) {
            return Err(PhoneError::BadCharacters);
        }

        // The key is what phonenumber sees: '+' and the digits.
        self.key.clear();
        self.key
            .extend(number.bytes().filter(u8::is_ascii_digit).map(char::from));
        let international = if number.trim_start().starts_with('+') {
            true
        } else if self.key.starts_with("00") {
            self.key.replace_range(..2, "");
            true
        } else if self.nanp && self.key.starts_with("011") {
            self.key.replace_range(..3, "");
            true
        } else {
            false
        };
        if international {
            self.key.insert(0, '+');
        }

        if !self.phonenumber_only {
            if let Some(national) = nanp_national(&self.key, self.nanp) {
                return self.parse_nanp(national, international, extension);
            }
        }
        // Ten digits whose area code starts with 0 or 1 (`123-456-7890`):
        // phonenumber takes the 1 for the country code and calls the rest
        // too short, which misleads; no area code starts so.
        if self.nanp && !international && self.key.len() == 10 && self.key.starts_with(['0', '1']) {
            return Err(PhoneError::Invalid {
                region: self.region_name(false),
            });
        }
        let e164 = match self.cache.get(&self.key) {
            Some(verdict) => verdict.clone(),
            None => {
                let verdict = self.validate(international);
                if self.cache.len() >= CACHE_LIMIT {
                    self.cache.clear();
                }
                self.cache.insert(self.key.clone(), verdict.clone());
                verdict
            }
        }?;
        Ok(Phone {
            e164: E164::new(&[&e164]).ok_or_else(|| PhoneError::TooLong {
                region: "international".to_owned(),
            })?,
            legacy: false,
            tail: extension.map(Box::from),
        })
    }

    /// Why a cell with letters cannot be read: a label beside a number
    /// (`C: 312-555-0142`) names the number without it, or what is wrong
    /// with that number; other letters are [`PhoneError::Letters`]. The
    /// letters never reach `phonenumber`, which would read them as digits.
    fn labelled(&mut self, raw: &str) -> PhoneError {
        let Some((number, label)) = split_label(raw) else {
            return PhoneError::Letters;
        };
        match self.parse(number) {
            Ok(phone) => PhoneError::Labelled {
                label: label.to_owned(),
                number: phone.to_string(),
            },
            Err(error) => error,
        }
    }

    /// A North American number: the verdict of `phonenumber`'s metadata
    /// for its area code and exchange, looked up in the table generated
    /// from that metadata (`values::nanp`; tests hold the two to
    /// `phonenumber`'s own verdicts).
    fn parse_nanp(
        &mut self,
        national: usize,
        international: bool,
        extension: Option<&str>,
    ) -> Result<Phone, PhoneError> {
        use crate::values::nanp::{Verdict, verdict};
        let digits = &self.key[national..];
        match verdict(digits.as_bytes()) {
            Some(Verdict::Valid) => {}
            // Every North American region allows ten digits: an invalid
            // number is never too short or too long (a test checks).
            Some(Verdict::Invalid(region)) => {
                return Err(PhoneError::Invalid {
                    region: region.map_or_else(|| self.region_name(international), str::to_owned),
                });
            }
            // Not ten digits with an area code 2-9 (`nanp_national` lets
            // none such through): the full path decides.
            None => {
                self.validate(international)?;
            }
        }
        Ok(Phone {
            e164: E164::new(&["+1", digits]).ok_or_else(|| PhoneError::TooLong {
                region: self.region.code().to_owned(),
            })?,
            legacy: false,
            tail: extension.map(Box::from),
        })
    }

    /// The uncached verdict for `self.key`.
    fn validate(&self, international: bool) -> Result<String, PhoneError> {
        // A number with its own country code is parsed without a region:
        // with one, phonenumber mangles it.
        let country = (!international).then_some(self.region.id);
        // The first number off the North American table: phonenumber's
        // metadata is loaded here, not before (an all-North-American file
        // never loads it).
        keep_every_regex_compiled();
        let digit_count = self.key.bytes().filter(u8::is_ascii_digit).count();
        let parsed = match phonenumber::parse(country, &self.key) {
            Ok(parsed) => parsed,
            Err(_) if digit_count < 7 => {
                return Err(PhoneError::TooShort {
                    region: self.region_name(international),
                });
            }
            Err(_) if digit_count > 15 => {
                return Err(PhoneError::TooLong {
                    region: self.region_name(international),
                });
            }
            Err(_) => {
                return Err(PhoneError::Invalid {
                    region: self.region_name(international),
                });
            }
        };
        let national = parsed.national().to_string();
        // A pattern regex-lite cannot compile (none in today's metadata; a
        // test checks) leaves the verdict to phonenumber itself.
        let valid = if self.phonenumber_only {
            parsed.is_valid()
        } else {
            crate::values::phone_rules::lean_verdict(parsed.code().value(), &national)
                .unwrap_or_else(|| parsed.is_valid())
        };
        if valid {
            // What `Mode::E164` writes, without the formatter's search for
            // a display pattern (it compiles regexes E.164 never uses).
            return Ok(format!("+{}{national}", parsed.code().value()));
        }
        if parsed.code().value() == 52 {
            if let Some(rest) = national.strip_prefix('1') {
                if crate::values::phone_rules::lean_verdict(52, rest) == Some(true) {
                    return Err(PhoneError::MexicanMobileOne {
                        number: format!("+52{rest}"),
                    });
                }
            }
        }
        let region = parsed.country().id().map(|id| id.as_ref().to_owned());
        Err(self.invalid(region, international, national.len()))
    }

    /// The error for an invalid number of `length` national digits in
    /// `region` (if the metadata places it): too short or too long where
    /// the region's lengths say so.
    fn invalid(&self, region: Option<String>, international: bool, length: usize) -> PhoneError {
        let region = region.unwrap_or_else(|| self.region_name(international));
        // The general descriptor's lengths are often empty in this
        // metadata; fixed-line and mobile lengths together say it.
        let mut lengths: Vec<u16> = phonenumber::metadata::DATABASE
            .by_id(&region)
            .map(|meta| {
                let descriptors = meta.descriptors();
                [descriptors.fixed_line(), descriptors.mobile()]
                    .into_iter()
                    .flatten()
                    .flat_map(|d| d.possible_length().iter().copied())
                    .collect()
            })
            .unwrap_or_default();
        lengths.sort_unstable();
        let length = u16::try_from(length).unwrap_or(u16::MAX);
        match (lengths.first(), lengths.last()) {
            (Some(&min), _) if length < min => PhoneError::TooShort { region },
            (_, Some(&max)) if length > max => PhoneError::TooLong { region },
            _ => PhoneError::Invalid { region },
        }
    }

    /// How an error names a number's region when the metadata does not
    /// place it: as written with a country code, or the default region.
    fn region_name(&self, international: bool) -> String {
        if international {
            "international".to_owned()
        } else {
            self.region.code().to_owned()
        }
    }
}

/// Where the ten national digits of a North American number start in a
/// memo key (`+1XXXXXXXXXX`, `1XXXXXXXXXX` or `XXXXXXXXXX`), if it is one:
/// the area code must start with 2-9. National forms count only when the
/// default region is North American.
fn nanp_national(key: &str, nanp_region: bool) -> Option<usize> {
    let bytes = key.as_bytes();
    let start = match bytes {
        [b'+', b'1', rest @ ..] if rest.len() == 10 => 2,
        [b'+', ..] => return None,
        _ if !nanp_region => return None,
        [b'1', rest @ ..] if rest.len() == 10 => 1,
        _ if bytes.len() == 10 => 0,
        _ => return None,
    };
    matches!(bytes[start], b'2'..=b'9').then_some(start)
}

/// Splits `312-555-0142 x12` into the number and the extension digits.
fn split_extension(raw: &str) -> (&str, Option<&str>) {
    let lower = raw.to_ascii_lowercase();
    const MARKERS: [&str; 6] = ["extension", "ext.", "ext", "x.", "x", "#"];
    for marker in MARKERS {
        let Some(at) = lower.rfind(marker) else {
            continue;
        };
        // `312-555-0142, ext 12`: the comma belongs to neither part.
        let before = raw[..at].trim_end().trim_end_matches([',', ';']).trim_end();
        let after = raw[at + marker.len()..].trim_start_matches([' ', ':', '.']);
        let before_ok = before
            .as_bytes()
            .last()
            .is_some_and(|b| b.is_ascii_digit() || *b == b')');
        let after_ok = (1..=7).contains(&after.len()) && after.bytes().all(|b| b.is_ascii_digit());
        if before_ok && after_ok {
            return (before.trim_end_matches([',', ';']), Some(after));
        }
    }
    (raw, None)
}

/// `3125550142.0` or `3.12555E+09`: a phone a spreadsheet stored as a
/// number. `312.555.0142` is not: its first dot comes after three digits.
fn spreadsheet_number(raw: &str) -> bool {
    let body = raw.strip_prefix('+').unwrap_or(raw).as_bytes();
    let digits = body.iter().take_while(|b| b.is_ascii_digit()).count();
    match body.get(digits) {
        // A `.0` tail on a whole number.
        Some(b'.') if digits >= 7 => {
            let tail = &body[digits + 1..];
            !tail.is_empty() && tail.iter().all(|&b| b == b'0')
        }
        // One digit, decimals, then an exponent.
        Some(b'.') if digits == 1 => {
            let rest = &body[2..];
            let decimals = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            match rest.get(decimals) {
                Some(b'e' | b'E') if decimals > 0 => {
                    let exponent = &rest[decimals + 1..];
                    let exponent = exponent.strip_prefix(b"+").unwrap_or(exponent);
                    (1..=2).contains(&exponent.len()) && exponent.iter().all(u8::is_ascii_digit)
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// Dashes and spaces that word processors and web pages put in numbers.
fn is_unicode_separator(c: char) -> bool {
    matches!(c, '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{3000}')
}

/// Rejects letters, two numbers in one cell, and stray symbols.
/// Digits and the punctuation numbers are written with (`(312) 555-0142`,
/// `+1 312.555.0142`), nothing else.
pub(crate) fn only_phone_characters(raw: &str) -> bool {
    raw.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'(' | b')' | b'-' | b'.' | b'+'))
}

/// A full-width form of an ASCII character (U+FF01 to U+FF5E), or the
/// ideographic space.
fn is_full_width(c: char) -> bool {
    matches!(c, '\u{ff01}'..='\u{ff5e}' | '\u{3000}')
}

fn from_full_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        _ => c,
    }
}

fn check_characters(number: &str) -> Result<(), PhoneError> {
    let significant = |part: &str| part.bytes().filter(u8::is_ascii_digit).count() >= 7;
    let lower = number.to_lowercase();
    let parts = lower
        .split([',', ';', '&', '|', '/', '\n'])
        .flat_map(|p| p.split(" or "))
        .flat_map(|p| p.split(" and "));
    if parts.filter(|p| significant(p)).count() >= 2 {
        return Err(PhoneError::Multiple);
    }
    if number.chars().any(char::is_alphabetic) {
        return Err(PhoneError::Letters);
    }
    let allowed = |c: char| {
        c.is_ascii_digit()
            || matches!(c, ' ' | '(' | ')' | '-' | '.' | '/' | '\u{a0}' | '\t')
            || is_unicode_separator(c)
    };
    let body = number.trim_start().strip_prefix('+').unwrap_or(number);
    if !body.chars().all(allowed) {
        return Err(PhoneError::BadCharacters);
    }
    Ok(())
}

/// Words written beside a phone number to say it is a home or work line.
const LANDLINE_LABELS: &[&str] = &[
    "home",
    "home phone",
    "work",
    "work phone",
    "wk",
    "office",
    "business",
    "casa",
    "trabajo",
    "h",
    "w",
];

/// Other words written beside a phone number to say what kind it is.
const OTHER_PHONE_LABELS: &[&str] = &[
    "cell",
    "cell phone",
    "cellphone",
    "cellular",
    "mobile",
    "mobile phone",
    "mob",
    "text",
    "sms",
    "tel",
    "phone",
    "ph",
    "main",
    "primary",
    "mom",
    "dad",
    "mother",
    "father",
    "celular",
    "cel",
    "movil",
    "móvil",
    "c",
    "m",
];

/// Whether a phone label (see [`PhoneError::Labelled`]) says home or work.
pub(crate) fn is_landline_label(label: &str) -> bool {
    LANDLINE_LABELS.contains(&crate::values::text::fold_words(label).as_str())
}

/// `C: 312-555-0142`, `Cell 312-555-0142`, `312-555-0142 (home)`: a
/// number with a label ([`LANDLINE_LABELS`], [`OTHER_PHONE_LABELS`]) before or after it, set apart by
/// spaces or punctuation. Returns the number and the label as written.
fn split_label(raw: &str) -> Option<(&str, &str)> {
    let is_separator =
        |c: char| c.is_whitespace() || matches!(c, ':' | '-' | '(' | ')' | '[' | ']' | ',' | '/');
    // The number runs from its first digit or `+` (or a `(` just before a
    // digit: `Cell: (312) 555-0142`) to its last digit.
    let bytes = raw.as_bytes();
    let start = (0..bytes.len()).find(|&i| {
        bytes[i].is_ascii_digit()
            || bytes[i] == b'+'
            || (bytes[i] == b'(' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
    })?;
    let end = raw.rfind(|c: char| c.is_ascii_digit())? + 1;
    let (before, after) = (raw.get(..start)?, raw.get(end..)?);
    let label = match (before.trim().is_empty(), after.trim().is_empty()) {
        (false, true) => before,
        (true, false) => after,
        _ => return None,
    };
    // "Tel.": an abbreviation's dot.
    let label = label.trim_matches(is_separator).trim_end_matches('.');
    let words_only = label.chars().all(|c| c.is_alphabetic() || c == ' ');
    let folded = crate::values::text::fold_words(label);
    let known =
        LANDLINE_LABELS.contains(&folded.as_str()) || OTHER_PHONE_LABELS.contains(&folded.as_str());
    (words_only && known).then(|| (&raw[start..end], label))
}

/// A small deterministic generator for the corpus tests.
#[cfg(test)]
pub(crate) fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed | 1;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(raw: &str) -> Result<String, PhoneError> {
        PhoneParser::new(Region::US)
            .parse(raw)
            .map(|p| p.to_string())
    }

    #[test]
    fn misleading_verdicts_are_named() {
        // Mexico dropped the 1 of mobile numbers in 2019.
        let error = us("+52 1 55 1234 5678").unwrap_err();
        assert_eq!(
            error,
            PhoneError::MexicanMobileOne {
                number: "+525512345678".into()
            }
        );
        assert_eq!(error.suggestion(), Some("+525512345678"));
        assert_eq!(us("+52 55 1234 5678").as_deref(), Ok("+525512345678"));
        // Not "too short": ten digits, but no area code starts with 1.
        assert_eq!(
            us("123-456-7890"),
            Err(PhoneError::Invalid {
                region: "US".into()
            })
        );
        assert_eq!(
            us("(312) 555-01").map(|_| ()),
            Err(PhoneError::TooShort {
                region: "US".into()
            })
        );
    }

    #[test]
    fn reads_the_formats_districts_write() {
        for raw in [
            "(312) 555-0142",
            "312.555.0142",
            "+1 312 555 0142",
            "13125550142",
            "1-312-555-0142",
            "312-555-0142",
            "3125550142",
        ] {
            assert_eq!(us(raw).as_deref(), Ok("+13125550142"), "{raw}");
        }
        assert_eq!(us("312-555-0142 x12").as_deref(), Ok("+13125550142;ext=12"));
        assert_eq!(
            us("312-555-0142 ext. 7").as_deref(),
            Ok("+13125550142;ext=7")
        );
        assert_eq!(
            us("312-555-0142, ext 12").as_deref(),
            Ok("+13125550142;ext=12")
        );
        // Full-width, as East Asian input methods type it.
        assert_eq!(
            us("＋１\u{3000}（３１２）５５５－０１４２").as_deref(),
            Ok("+13125550142")
        );
        assert_eq!(
            us("３１２５５５０１４２ ｃｅｌｌ"),
            Err(PhoneError::Labelled {
                label: "cell".into(),
                number: "+13125550142".into()
            })
        );
        assert_eq!(
            us("３１２５５５０１４２ ｃａｌｌ"),
            Err(PhoneError::Letters)
        );
        // Dashes and spaces from word processors and web pages.
        for raw in [
            "312\u{2010}555\u{2010}0142",
            "312\u{2013}555\u{2013}0142",
            "(312)\u{202f}555\u{2011}0142",
            "+1\u{2009}312\u{2009}555\u{2009}0142",
        ] {
            assert_eq!(us(raw).as_deref(), Ok("+13125550142"), "{raw:?}");
        }
    }

    #[test]
    fn names_a_spreadsheet_number_format() {
        for raw in [
            "3125550142.0",
            "13125550142.00",
            "+13125550142.0",
            "3.12555E+09",
            "3.12555e9",
        ] {
            assert_eq!(us(raw), Err(PhoneError::SpreadsheetNumber), "{raw}");
        }
        // Dots as separators are not a number format.
        assert_eq!(us("312.555.0142").as_deref(), Ok("+13125550142"));
        assert_eq!(us("3125550.142").as_deref(), Ok("+13125550142"));
        assert!(matches!(us("555.0"), Err(PhoneError::TooShort { .. })));
    }

    #[test]
    fn foreign_numbers_keep_their_own_country_code() {
        assert_eq!(us("+33142764978").as_deref(), Ok("+33142764978"));
        assert_eq!(us("0033 1 42 76 49 78").as_deref(), Ok("+33142764978"));
        assert_eq!(us("011 33 1 42 76 49 78").as_deref(), Ok("+33142764978"));
        assert_eq!(us("+52 55 1234 5678").as_deref(), Ok("+525512345678"));
    }

    #[test]
    fn rejects_what_is_not_one_number() {
        // Never read as digits (`cell` is 2355 on a keypad).
        assert_eq!(
            us("212 734 5678 cell"),
            Err(PhoneError::Labelled {
                label: "cell".into(),
                number: "+12127345678".into()
            })
        );
        assert_eq!(
            us("Home: (212) 734-5678 x 12"),
            Err(PhoneError::Labelled {
                label: "Home".into(),
                number: "+12127345678;ext=12".into()
            })
        );
        assert_eq!(
            us("C: 212 734 567"),
            Err(PhoneError::TooShort {
                region: "US".into()
            })
        );
        assert_eq!(us("212 734 5678 call"), Err(PhoneError::Letters));
        assert_eq!(us("call me"), Err(PhoneError::Letters));
        assert_eq!(us("312-555-0142 / 773-555-0100"), Err(PhoneError::Multiple));
        assert_eq!(
            us("312-555-0142 or 773-555-0100"),
            Err(PhoneError::Multiple)
        );
        assert_eq!(us("312*555*0142"), Err(PhoneError::BadCharacters));
        assert_eq!(
            us("(312) 555-01"),
            Err(PhoneError::TooShort {
                region: "US".into()
            })
        );
        assert_eq!(
            us("312 555 01422 99"),
            Err(PhoneError::TooLong {
                region: "US".into()
            })
        );
        assert!(matches!(
            us("(012) 555-0142"),
            Err(PhoneError::Invalid { .. })
        ));
    }

    #[test]
    fn another_default_region() {
        let mut fr = PhoneParser::new("FR".parse().expect("FR is a region"));
        assert_eq!(
            fr.parse("01 42 76 49 78").map(|p| p.to_string()).as_deref(),
            Ok("+33142764978")
        );
        assert!("XX".parse::<Region>().is_err());
    }

    /// Compares the fast path with `phonenumber` alone on numbers that share
    /// leading digits, so a pattern that looks past them would show.
    fn fast_path_agrees(numbers: usize, seed: u64) {
        let mut fast = PhoneParser::new(Region::US);
        let mut slow = PhoneParser::new(Region::US);
        slow.phonenumber_only = true;
        let mut next = xorshift(seed);
        let mut checked = 0;
        while checked < numbers {
            let npa = 200 + next() % 800;
            let exchange = next() % 1000;
            let seventh = next() % 10;
            for _ in 0..4 {
                let number = format!("{npa}{exchange:03}{seventh}{:03}", next() % 1000);
                for written in [number.clone(), format!("+1{number}"), format!("1{number}")] {
                    let a = fast.parse(&written).map(|p| p.to_string());
                    let b = slow.parse(&written).map(|p| p.to_string());
                    assert_eq!(a, b, "{written}");
                    checked += 1;
                }
            }
        }
    }

    #[test]
    fn nanp_fast_path_agrees_with_phonenumber() {
        fast_path_agrees(6_000, 0x5eed);
    }

    #[test]
    #[ignore = "a few minutes: run with --ignored for the full corpus"]
    fn nanp_fast_path_agrees_with_phonenumber_on_a_large_corpus() {
        fast_path_agrees(600_000, 0xC0FFEE);
    }

    /// Every calling code of the metadata, for generated numbers.
    fn calling_codes() -> Vec<u16> {
        let mut codes: Vec<u16> = phonenumber::metadata::DATABASE
            .iter()
            .map(|meta| meta.country_code())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    }

    /// Every example number of the metadata, with its calling code: most
    /// are valid, so changing one digit probes the patterns' edges.
    fn example_numbers() -> Vec<(u16, String)> {
        let mut examples = Vec::new();
        for meta in phonenumber::metadata::DATABASE.iter() {
            let d = meta.descriptors();
            let descriptors = [Some(d.general()), d.fixed_line(), d.mobile(), d.toll_free()];
            for descriptor in descriptors.into_iter().flatten() {
                if let Some(example) = descriptor.example() {
                    examples.push((meta.country_code(), example.to_owned()));
                }
            }
        }
        examples
    }

    const DEFAULT_REGIONS: [&str; 8] = ["US", "CA", "JM", "FR", "GB", "MX", "IN", "DE"];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(600))]

        /// The whole parser (North American memo, lean rules, E.164
        /// written directly) against phonenumber alone, on cells as
        /// districts write them and on numbers of every calling code.
        #[test]
        fn the_fast_paths_agree_with_phonenumber_alone(
            region in proptest::sample::select(DEFAULT_REGIONS.to_vec()),
            written in "[+]?[0-9 ().-]{0,18}",
            code in proptest::sample::select(calling_codes()),
            digits in "[0-9]{3,14}",
            example in proptest::sample::select(example_numbers()),
            change in (0usize..16, 0u8..10),
        ) {
            let region: Region = region.parse().expect("a region of the metadata");
            let mut fast = PhoneParser::new(region);
            let mut slow = PhoneParser::new(region);
            slow.phonenumber_only = true;
            let (example_code, example) = example;
            let mut changed = example.clone().into_bytes();
            if let Some(digit) = changed.get_mut(change.0) {
                *digit = b'0' + change.1;
            }
            let changed = String::from_utf8(changed).expect("digits");
            let cells = [
                written,
                format!("+{code} {digits}"),
                format!("00{code}{digits}"),
                format!("+{example_code} {example}"),
                format!("+{example_code}{changed}"),
                changed,
            ];
            for cell in cells {
                if cell.trim().is_empty() {
                    continue;
                }
                proptest::prop_assert_eq!(
                    fast.parse(&cell).map(|p| p.to_string()),
                    slow.parse(&cell).map(|p| p.to_string()),
                    "{}", cell
                );
            }
        }
    }

    #[test]
    fn seven_digit_npas_cover_every_pattern_that_looks_past_six_digits() {
        // A pattern branch ending in fewer than four free digits decides on
        // seven or more leading digits; its area code must be listed.
        for meta in phonenumber::metadata::DATABASE.iter() {
            if meta.country_code() != 1 {
                continue;
            }
            for descriptor in crate::values::phone_rules::kinds_of(meta)
                .into_iter()
                .flatten()
            {
                let pattern: String = descriptor
                    .national_number()
                    .as_str()
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                for branch in top_level_branches(&pattern) {
                    let free = branch
                        .strip_suffix('}')
                        .and_then(|b| b.rsplit_once("\\d{"))
                        .and_then(|(_, n)| n.parse::<usize>().ok())
                        .unwrap_or(0);
                    if free < 4 {
                        assert!(
                            crate::values::nanp::SEVEN_DIGIT_NPAS
                                .iter()
                                .any(|npa| branch.starts_with(&npa.to_string())),
                            "{}: {branch}",
                            meta.id()
                        );
                    }
                }
            }
        }
    }

    fn top_level_branches(pattern: &str) -> Vec<&str> {
        let mut branches = Vec::new();
        let (mut depth, mut start) = (0i32, 0);
        for (at, c) in pattern.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                '|' if depth == 0 => {
                    branches.push(&pattern[start..at]);
                    start = at + 1;
                }
                _ => {}
            }
        }
        branches.push(&pattern[start..]);
        branches
    }

    #[test]
    fn an_invalid_north_american_number_is_never_too_short_or_too_long() {
        // The table's verdicts name `Invalid` without asking the region's
        // lengths: ten digits must be within every such region's lengths.
        let parser = PhoneParser::new(Region::US);
        let mut regions = 0;
        for meta in phonenumber::metadata::DATABASE.iter() {
            if meta.country_code() == 1 {
                let error = parser.invalid(Some(meta.id().to_owned()), false, 10);
                assert_eq!(
                    error,
                    PhoneError::Invalid {
                        region: meta.id().to_owned()
                    }
                );
                regions += 1;
            }
        }
        assert!(regions > 20, "{regions} North American regions");
    }

    #[test]
    fn an_absent_phone_takes_no_room() {
        assert_eq!(
            std::mem::size_of::<Option<Phone>>(),
            std::mem::size_of::<Phone>()
        );
    }

    #[test]
    fn masks_for_logs() {
        let phone = PhoneParser::new(Region::US)
            .parse("312 555 0142")
            .expect("valid");
        assert_eq!(phone.masked(), "+1312***0142");
        assert_eq!(format!("{phone:?}"), "Phone(+1312***0142)");
    }
}
