//! North American numbers by table.
//!
//! Every number of calling code 1 has ten national digits: a three-digit
//! area code (NPA), a three-digit exchange (NXX) and a four-digit line.
//! `phonenumber`'s metadata decides validity from the area code and the
//! exchange (and, for two area codes, the line's first digit), followed by
//! free digits. That decision, for every area code from 200 to 999 and
//! every exchange, is a table generated from the same metadata and checked
//! in as `nanp_table.rs`: a lookup replaces the region patterns on the hot
//! path, and an all-North-American file never compiles a pattern at all.
//!
//! The test `the_checked_in_table_is_the_metadata_s` regenerates the table
//! from the metadata and fails when the two disagree (after a `phonenumber`
//! upgrade, say); `GUARDIAN_ROSTER_WRITE_NANP_TABLE=1 cargo test --lib
//! nanp` writes the new one.

#[rustfmt::skip]
mod table;

/// Area codes whose verdicts depend on the line's first digit (the seventh
/// digit: Barbados 246, Jamaica 876); a test in `phone` checks the
/// metadata for others.
#[cfg(test)]
pub(crate) const SEVEN_DIGIT_NPAS: [u16; 2] = [246, 876];

/// What the metadata says of a North American number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// A valid number.
    Valid,
    /// Invalid, in the region the metadata places it in (`None`: none).
    Invalid(Option<&'static str>),
}

/// The verdict on the ten national digits `digits` of a North American
/// number (`None` if they are not ten ASCII digits with an area code
/// starting 2-9).
pub(crate) fn verdict(digits: &[u8]) -> Option<Verdict> {
    let [a, b, c, d, e, f, g, ..] = *digits else {
        return None;
    };
    if digits.len() != 10 || !digits.iter().all(u8::is_ascii_digit) || !(b'2'..=b'9').contains(&a) {
        return None;
    }
    let number = |ds: &[u8]| {
        ds.iter()
            .fold(0usize, |n, d| n * 10 + usize::from(d - b'0'))
    };
    let area = number(&[a, b, c]) - 200;
    let position = u16::try_from(number(&[d, e, f, g])).ok()?;
    let (start, end) = (table::AREAS[area], table::AREAS[area + 1]);
    let runs = table::RUNS.get(usize::from(start)..usize::from(end))?;
    // The run holding `position`: the first whose last position is at or
    // past it.
    let at = runs.partition_point(|&(last, _)| last < position);
    let &(_, outcome) = runs.get(at)?;
    Some(match outcome {
        0 => Verdict::Valid,
        1 => Verdict::Invalid(None),
        region => Verdict::Invalid(Some(table::REGIONS.get(usize::from(region) - 2)?)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::phone_rules::{lean_verdict, region_of};

    /// The verdict by the metadata's own patterns, for a number written
    /// with `line` as its four last digits.
    fn by_metadata(area: u16, exchange: u16, line: u16) -> Verdict {
        let digits = format!("{area}{exchange:03}{line:04}");
        let valid = lean_verdict(1, &digits).expect("North American patterns compile");
        if valid {
            Verdict::Valid
        } else {
            Verdict::Invalid(region_of(1, &digits).expect("patterns compile"))
        }
    }

    /// The table's source, from the metadata: for each area code, runs of
    /// positions (exchange times ten plus the seventh digit) with one
    /// outcome.
    fn generate() -> String {
        use rayon::prelude::*;
        // The verdicts of each area code's 10,000 positions (on two cores
        // this is what takes the test's time).
        let verdicts: Vec<Vec<Verdict>> = (200..=999u16)
            .into_par_iter()
            .map(|area| {
                let seven = SEVEN_DIGIT_NPAS.contains(&area);
                let mut verdicts = Vec::with_capacity(10_000);
                for exchange in 0..1000u16 {
                    let six = by_metadata(area, exchange, 0);
                    verdicts.push(six);
                    for seventh in 1..10u16 {
                        verdicts.push(if seven {
                            by_metadata(area, exchange, seventh * 1000)
                        } else {
                            six
                        });
                    }
                }
                verdicts
            })
            .collect();
        let mut regions: Vec<&'static str> = Vec::new();
        let mut areas = vec![0u32];
        let mut runs: Vec<(u16, u8)> = Vec::new();
        for area_verdicts in verdicts {
            let mut last: Option<u8> = None;
            for (position, verdict) in (0u16..).zip(area_verdicts) {
                let outcome = match verdict {
                    Verdict::Valid => 0u8,
                    Verdict::Invalid(None) => 1,
                    Verdict::Invalid(Some(region)) => {
                        let at = regions
                            .iter()
                            .position(|r| *r == region)
                            .unwrap_or_else(|| {
                                regions.push(region);
                                regions.len() - 1
                            });
                        u8::try_from(at + 2).expect("fewer than 254 regions")
                    }
                };
                match runs.last_mut() {
                    // `last` is this area's previous outcome: its run is
                    // the last one.
                    Some((end, _)) if last == Some(outcome) => {
                        *end = position;
                    }
                    _ => runs.push((position, outcome)),
                }
                last = Some(outcome);
            }
            areas.push(u32::try_from(runs.len()).expect("fits"));
        }
        let mut out = String::new();
        out.push_str(
            "// @generated from phonenumber's metadata by `src/values/nanp.rs`'s tests:\n",
        );
        out.push_str(
            "// GUARDIAN_ROSTER_WRITE_NANP_TABLE=1 cargo test --lib nanp. Do not edit.\n\n",
        );
        out.push_str(&format!("/// Regions an invalid number is placed in (outcome 2 is the first).\npub(super) static REGIONS: [&str; {}] = {:?};\n\n", regions.len(), regions));
        out.push_str(&format!("/// Where each area code's runs start in `RUNS` (area code 200 first).\npub(super) static AREAS: [u16; {}] = [\n", areas.len()));
        for chunk in areas.chunks(16) {
            let line: Vec<String> = chunk.iter().map(u32::to_string).collect();
            out.push_str(&format!("    {},\n", line.join(", ")));
        }
        out.push_str("];\n\n");
        out.push_str(&format!("/// Runs of positions (exchange * 10 + seventh digit) with one outcome:\n/// the run's last position and the outcome (0 valid, 1 invalid, 2.. invalid in a region).\npub(super) static RUNS: [(u16, u8); {}] = [\n", runs.len()));
        for chunk in runs.chunks(8) {
            let line: Vec<String> = chunk.iter().map(|(p, o)| format!("({p}, {o})")).collect();
            out.push_str(&format!("    {},\n", line.join(", ")));
        }
        out.push_str("];\n");
        out
    }

    #[test]
    fn the_checked_in_table_is_the_metadata_s() {
        let generated = generate();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/values/nanp/table.rs");
        if std::env::var_os("GUARDIAN_ROSTER_WRITE_NANP_TABLE").is_some() {
            std::fs::write(path, &generated).expect("write the table");
        }
        let checked_in = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            checked_in == generated,
            "the NANP table differs from phonenumber's metadata: regenerate it (see src/values/nanp.rs)"
        );
    }

    #[test]
    fn answers_only_for_ten_digits_with_an_area_code_from_2_to_9() {
        assert_eq!(verdict(b"3125550142"), Some(Verdict::Valid));
        for digits in [
            &b"312555014"[..],
            b"31255501420",
            b"1125550142",
            b"0125550142",
            b"31255501a2",
            b"",
        ] {
            assert_eq!(verdict(digits), None, "{}", String::from_utf8_lossy(digits));
        }
    }

    #[test]
    fn names_the_region_of_an_invalid_caribbean_number() {
        // 876 is Jamaica's area code; exchange 000 is no exchange.
        assert_eq!(verdict(b"8760000000"), Some(Verdict::Invalid(Some("JM"))));
        // 211 is a service code, no area code: no region claims it.
        assert_eq!(verdict(b"2115550142"), Some(Verdict::Invalid(None)));
    }

    #[test]
    fn every_run_s_edges_answer_as_the_metadata() {
        // The first and last position of each run (where a lookup that
        // picked the neighbouring run would show), against the patterns.
        let mut checked = 0;
        for area in 200..=999u16 {
            let at = usize::from(area - 200);
            let runs =
                &table::RUNS[usize::from(table::AREAS[at])..usize::from(table::AREAS[at + 1])];
            let mut first = 0u16;
            for &(last, _) in runs {
                for position in [first, last] {
                    let (exchange, seventh) = (position / 10, position % 10);
                    let digits = format!("{area}{exchange:03}{seventh}999");
                    assert_eq!(
                        verdict(digits.as_bytes()),
                        Some(by_metadata(area, exchange, seventh * 1000 + 999)),
                        "{digits}"
                    );
                    checked += 1;
                }
                first = last + 1;
            }
        }
        assert!(checked > 4_000, "{checked}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_000))]

        /// The table against the metadata's patterns on whole numbers,
        /// whatever their last digits (the table is built from one line per
        /// exchange).
        #[test]
        fn the_table_answers_as_the_metadata_for_any_line(
            area in 200u16..1000,
            exchange in 0u16..1000,
            line in 0u16..10_000,
        ) {
            let digits = format!("{area}{exchange:03}{line:04}");
            proptest::prop_assert_eq!(verdict(digits.as_bytes()), Some(by_metadata(area, exchange, line)), "{}", digits);
        }
    }
}
