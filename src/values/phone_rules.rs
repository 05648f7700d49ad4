//! Whether a parsed number is valid, by `phonenumber`'s own metadata.
//!
//! `PhoneNumber::is_valid` matches the number against its region's
//! patterns, compiled by the `regex` crate into one global cache. Each
//! compiled pattern with its search caches costs about 100 kB, a region has
//! a dozen patterns, and the verdicts need them all kept (evicting them is
//! what makes a mix of countries slow), so a file with numbers from a
//! hundred countries held over 100 MB for them. Here the same patterns from
//! the same metadata are compiled with `regex-lite` (a few kB each), once
//! per region on first use, and the same decision is taken as
//! `phonenumber::is_valid_with` takes. A test holds the two to the same
//! verdict on every region's example numbers and on generated variations.

use std::collections::HashMap;
use std::sync::OnceLock;

use phonenumber::country;
use phonenumber::metadata::{DATABASE, Database, Descriptor, Metadata};

/// The verdict on calling code `code` and national digits `national`
/// (leading zeros included), or `None` if a pattern it needs would not
/// compile.
pub(crate) fn lean_verdict(code: u16, national: &str) -> Option<bool> {
    match source(code, national)? {
        // Chosen because its patterns fit: the verdict is already known
        // (the US, first of calling code 1, is chosen so: its patterns,
        // the longest of all, are not run twice).
        Source::FitsPatterns(_) => Some(true),
        Source::Region(meta) => Some(rules(meta)?.has_type(national)),
        Source::None => Some(false),
    }
}

/// (The North American table's generator uses it; the table holds its
/// answers for calling code 1.)
#[cfg(test)]
/// The region `PhoneNumber::country().id()` names for calling code `code`
/// and national digits `national` (leading zeros left out, as there), if
/// any; `None` if a pattern it needs would not compile.
pub(crate) fn region_of(code: u16, national: &str) -> Option<Option<&'static str>> {
    let meta = match source(code, national)? {
        Source::FitsPatterns(meta) | Source::Region(meta) => Some(meta),
        Source::None => None,
    };
    Some(
        meta.map(Metadata::id)
            .filter(|id| id.parse::<country::Id>().is_ok()),
    )
}

/// The metadata whose patterns decide a number, and whether they were
/// already found to fit it.
enum Source {
    /// The region was chosen because the number fits its patterns.
    FitsPatterns(
        #[cfg_attr(not(test), expect(dead_code, reason = "read by `region_of`"))] &'static Metadata,
    ),
    /// The region decides; its patterns are still to be tried.
    Region(&'static Metadata),
    /// No region: the number is invalid.
    None,
}

impl Source {
    fn region(meta: Option<&'static Metadata>) -> Source {
        meta.map_or(Source::None, Source::Region)
    }
}

/// The metadata whose patterns decide, as `validator::source_for` picks it:
/// the only region of the calling code, or the first of several whose
/// leading digits (or, lacking those, whose patterns) fit the number.
/// `Source::None`: none fits, so the number is invalid; `None`: a pattern
/// would not compile.
fn source(code: u16, national: &str) -> Option<Source> {
    let database: &'static Database = &DATABASE;
    let Some(regions) = database.region(&code) else {
        return Some(Source::None);
    };
    if let [region] = regions.as_slice() {
        return Some(Source::region(if *region == "001" {
            database
                .by_code(&code)
                .and_then(|metas| metas.into_iter().next())
        } else if region.parse::<country::Id>().is_ok() {
            database.by_id(*region)
        } else {
            None
        }));
    }
    for region in regions {
        let Some(meta) = database.by_id(region) else {
            continue;
        };
        let rules = rules(meta)?;
        let (fits, chosen) = match &rules.leading_digits {
            Some(leading) => (leading.is_match(national), Source::Region(meta)),
            None => (rules.has_type(national), Source::FitsPatterns(meta)),
        };
        if fits {
            let known = region.parse::<country::Id>().is_ok();
            return Some(if known { chosen } else { Source::None });
        }
    }
    Some(Source::None)
}

/// One descriptor: the lengths it allows and its pattern, anchored at the
/// start as `Descriptor::is_match` reads it (a match must start at the
/// first digit; it need not reach the last).
struct Pattern {
    lengths: Box<[u16]>,
    regex: regex_lite::Regex,
}

impl Pattern {
    fn new(descriptor: &Descriptor) -> Option<Pattern> {
        Some(Pattern {
            lengths: descriptor.possible_length().into(),
            regex: anchored(descriptor.national_number().as_str())?,
        })
    }

    fn is_match(&self, national: &str) -> bool {
        let length = u16::try_from(national.len()).unwrap_or(u16::MAX);
        (self.lengths.is_empty() || self.lengths.contains(&length)) && self.regex.is_match(national)
    }
}

/// `source` compiled as phonenumber compiles it (whitespace ignored),
/// matching only at the start.
fn anchored(source: &str) -> Option<regex_lite::Regex> {
    regex_lite::RegexBuilder::new(&format!("^(?:{source})"))
        .ignore_whitespace(true)
        .build()
        .ok()
}

/// The descriptors of the kinds of number `validator::number_type` tries,
/// in its order (the general descriptor is not among them).
pub(crate) fn kinds_of(meta: &Metadata) -> [Option<&Descriptor>; 10] {
    let d = meta.descriptors();
    [
        d.premium_rate(),
        d.toll_free(),
        d.shared_cost(),
        d.voip(),
        d.personal_number(),
        d.pager(),
        d.uan(),
        d.voicemail(),
        d.fixed_line(),
        d.mobile(),
    ]
}

/// One region's patterns.
struct RegionRules {
    leading_digits: Option<regex_lite::Regex>,
    general: Pattern,
    /// The kinds `validator::number_type` tries; a number of none of them
    /// is of unknown type, which is to say invalid.
    kinds: Vec<Pattern>,
}

impl RegionRules {
    fn new(meta: &Metadata) -> Option<RegionRules> {
        let descriptors = meta.descriptors();
        let kinds = kinds_of(meta);
        Some(RegionRules {
            leading_digits: match meta.leading_digits() {
                Some(leading) => Some(anchored(leading.as_str())?),
                None => None,
            },
            general: Pattern::new(descriptors.general())?,
            kinds: kinds
                .into_iter()
                .flatten()
                .map(Pattern::new)
                .collect::<Option<_>>()?,
        })
    }

    /// `number_type(meta, national) != Type::Unknown`.
    fn has_type(&self, national: &str) -> bool {
        self.general.is_match(national) && self.kinds.iter().any(|kind| kind.is_match(national))
    }
}

/// Every region's rules, each compiled on first use. Non-geographic
/// entities all have the region ID "001", so the calling code is part of
/// the key.
type Table = HashMap<(u16, &'static str), OnceLock<Option<RegionRules>>>;

fn rules(meta: &'static Metadata) -> Option<&'static RegionRules> {
    static TABLE: OnceLock<Table> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        DATABASE
            .iter()
            .map(|meta| ((meta.country_code(), meta.id()), OnceLock::new()))
            .collect()
    });
    let slot = table.get(&(meta.country_code(), meta.id()))?;
    slot.get_or_init(|| RegionRules::new(meta)).as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compares the lean verdict (and the E.164 written from it) with
    /// phonenumber's on every region's example numbers and `variants`
    /// generated numbers per example: the example with digits changed,
    /// cut short or run long, so every pattern branch is probed near its
    /// edges.
    fn agrees_with_phonenumber(variants: usize, seed: u64) {
        crate::values::phone::keep_every_regex_compiled();
        let mut next = crate::values::phone::xorshift(seed);
        let mut checked = 0;
        let mut valid = 0;
        for meta in DATABASE.iter() {
            let examples: Vec<&str> = std::iter::once(Some(meta.descriptors().general()))
                .chain(kinds_of(meta))
                .flatten()
                .filter_map(Descriptor::example)
                .collect();
            for example in examples {
                let mut numbers = vec![example.to_owned()];
                for _ in 0..variants {
                    let mut digits: Vec<u8> = example.bytes().collect();
                    match next() % 4 {
                        0 => {
                            let at = (next() as usize) % digits.len();
                            digits[at] = b'0' + (next() % 10) as u8;
                        }
                        1 => {
                            digits.truncate(digits.len().saturating_sub(1 + (next() % 3) as usize));
                        }
                        2 => digits.push(b'0' + (next() % 10) as u8),
                        _ => {
                            let keep = (next() as usize) % (digits.len() + 1);
                            digits.truncate(keep);
                            let length = 4 + (next() % 12) as usize;
                            while digits.len() < length {
                                digits.push(b'0' + (next() % 10) as u8);
                            }
                        }
                    }
                    numbers.extend(String::from_utf8(digits).ok());
                }
                for national in numbers {
                    let written = format!("+{}{national}", meta.country_code());
                    let Ok(parsed) = phonenumber::parse(None, &written) else {
                        continue;
                    };
                    let theirs = parsed.is_valid();
                    assert_eq!(
                        lean_verdict(parsed.code().value(), &parsed.national().to_string()),
                        Some(theirs),
                        "{written} ({})",
                        meta.id()
                    );
                    if theirs {
                        assert_eq!(
                            format!("+{}{}", parsed.code().value(), parsed.national()),
                            parsed.format().mode(phonenumber::Mode::E164).to_string(),
                            "{written}"
                        );
                        valid += 1;
                    }
                    checked += 1;
                }
            }
        }
        // The corpus must probe both sides of the patterns.
        assert!(
            valid > checked / 10 && valid < checked * 9 / 10,
            "{valid} of {checked} valid"
        );
    }

    #[test]
    fn lean_verdicts_agree_with_phonenumber() {
        agrees_with_phonenumber(12, 0x5eed);
    }

    #[test]
    #[ignore = "about a minute: run with --ignored for the full corpus"]
    fn lean_verdicts_agree_with_phonenumber_on_a_large_corpus() {
        agrees_with_phonenumber(1_000, 0xC0FFEE);
    }

    #[test]
    fn every_region_compiles() {
        let failed: Vec<String> = DATABASE
            .iter()
            .filter(|meta| rules(meta).is_none())
            .map(|meta| format!("{} +{}", meta.id(), meta.country_code()))
            .collect();
        assert_eq!(failed, Vec::<String>::new());
    }
}
