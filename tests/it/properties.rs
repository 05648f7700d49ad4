//! Invariants over generated input: no panics, every row accounted for
//! exactly once, ID normalisation idempotent and faithful to leading zeros.

use crate::common;

use std::collections::HashMap;

use guardian_roster::{
    ContactFlags, Found, ReaderBuilder, RowStatus, Severity, StudentId, parse_flag,
};
use proptest::prelude::*;

/// Cells good and bad, as districts write them.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("000123".to_owned()),
        Just("=\"00042\"".to_owned()),
        Just("'007".to_owned()),
        Just("123.0".to_owned()),
        Just("1.23E+11".to_owned()),
        Just("G 1".to_owned()),
        Just("Ana".to_owned()),
        Just("\"Kim, Min\"".to_owned()),
        Just("\"say \"\"hi\"\"\"".to_owned()),
        Just("\"two\nlines\"".to_owned()),
        Just("ana@example.com".to_owned()),
        Just("ANA@example.com".to_owned()),
        Just("bo@gmial.com".to_owned()),
        Just("a@b".to_owned()),
        Just("(312) 555-0142".to_owned()),
        Just("312-555-0142 x9".to_owned()),
        Just("+33142764978".to_owned()),
        Just("555-01".to_owned()),
        Just("cell 312".to_owned()),
        Just("Spanish".to_owned()),
        Just("zh-Hant".to_owned()),
        Just("Martian".to_owned()),
        // Hostile and look-alike text.
        Just("Ana\u{1b}[2J".to_owned()),
        Just("G-12\u{202e}".to_owned()),
        Just("Bo\u{9b}2J".to_owned()),
        Just("\u{ff1d}cmd".to_owned()),
        Just("\"x\"y".to_owned()),
        Just("Jose\u{301}".to_owned()),
        Just("p\u{430}ypal@example.com".to_owned()),
        "[a-zA-Z0-9 @.+()-]{0,12}",
    ]
}

fn row() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(cell(), 6..=9)
}

fn line_end() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("\n"), Just("\r\n"), Just("\n\n"), Just("\r\n\r\n")]
}

fn file() -> impl Strategy<Value = (String, usize)> {
    prop::collection::vec((row(), line_end()), 0..25).prop_map(|rows| {
        let mut text = String::from(common::HEADER);
        text.push('\n');
        for (cells, end) in &rows {
            text.push_str(&cells.join(","));
            text.push_str(end);
        }
        (text, rows.len())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(reader) = ReaderBuilder::new().from_reader(bytes.as_slice()) {
            let _ = reader.validate();
        }
    }

    #[test]
    fn arbitrary_bytes_after_a_header_never_panic(tail in prop::collection::vec(any::<u8>(), 0..600)) {
        let mut bytes = format!("{}\n", common::HEADER).into_bytes();
        bytes.extend(tail);
        let file = ReaderBuilder::new()
            .from_reader(bytes.as_slice())
            .and_then(|r| r.validate());
        prop_assert!(file.is_ok());
        // What a terminal or a log shows of it carries no control character.
        for diagnostic in file.iter().flat_map(|f| f.diagnostics()) {
            let shown = diagnostic.to_string();
            prop_assert!(!shown.chars().any(char::is_control), "{:?}", shown);
        }
    }

    #[test]
    fn every_row_is_accounted_for_exactly_once((text, written) in file()) {
        let file = common::validate(&text);
        let s = file.summary();
        prop_assert_eq!(file.rows().len(), written);
        prop_assert_eq!(s.rows + s.blank, written as u64);
        prop_assert_eq!(s.rows, s.valid + s.repaired + s.rejected + s.excluded);

        // A row's status agrees with its diagnostics.
        let mut by_line: HashMap<u64, (usize, usize)> = HashMap::new();
        for d in file.diagnostics() {
            let entry = by_line.entry(d.line).or_default();
            match d.severity() {
                Severity::Error => entry.0 += 1,
                Severity::Warning => entry.1 += 1,
            }
        }
        let mut previous = 0;
        for row in file.rows() {
            prop_assert!(row.line > previous, "lines increase");
            previous = row.line;
            let (errors, warnings) = by_line.get(&row.line).copied().unwrap_or_default();
            match row.status {
                RowStatus::Valid => prop_assert_eq!((errors, warnings), (0, 0)),
                RowStatus::Repaired => prop_assert!(errors == 0 && warnings > 0),
                RowStatus::Rejected => prop_assert!(errors > 0),
                RowStatus::Blank => prop_assert!(errors == 0 && warnings > 0),
                // Named on its line: `not_a_guardian` or `contact_restricted`.
                RowStatus::Excluded => prop_assert!(errors + warnings > 0),
                _ => prop_assert!(false, "a status this test does not know"),
            }
        }
        let counted: u64 = s.by_code.values().sum();
        prop_assert_eq!(counted, s.errors + s.warnings);
        prop_assert_eq!(file.links().len() as u64, s.links);
        prop_assert_eq!(file.guardians().len() as u64, s.guardians);
        prop_assert_eq!(file.rejected_rows().len() as u64, s.rejected);
    }

    #[test]
    fn id_normalisation_is_idempotent(raw in "[ '=\"0-9A-Za-z.+E-]{0,16}") {
        if let Ok(parsed) = StudentId::parse(&raw) {
            let again = StudentId::parse(parsed.id.as_str());
            prop_assert!(again.is_ok());
            let again = again.unwrap_or_else(|_| unreachable!());
            prop_assert_eq!(&again.id, &parsed.id);
            prop_assert!(again.repairs.is_empty());
        }
    }

    #[test]
    fn leading_zeros_survive_every_repair(
        zeros in "0{1,5}",
        rest in "[1-9][0-9]{0,8}",
        wrapper in 0usize..5,
    ) {
        let id = format!("{zeros}{rest}");
        let raw = match wrapper {
            0 => id.clone(),
            1 => format!("=\"{id}\""),
            2 => format!("'{id}"),
            3 => format!("{id}.0"),
            _ => format!("  {id}\t"),
        };
        let parsed = StudentId::parse(&raw);
        prop_assert!(parsed.is_ok());
        prop_assert_eq!(parsed.map(|p| p.id.as_str().to_owned()).unwrap_or_default(), id);
    }
}

/// A valid file, then random damage: bytes deleted, quotes, delimiters,
/// NULs and line breaks inserted, lines doubled, the end cut off.
fn damaged() -> impl Strategy<Value = Vec<u8>> {
    let damage = prop::collection::vec((0usize..6, any::<prop::sample::Index>()), 0..8);
    (file(), damage).prop_map(|((text, _), damage)| {
        let mut bytes = text.into_bytes();
        for (kind, at) in damage {
            if bytes.is_empty() {
                break;
            }
            let i = at.index(bytes.len());
            match kind {
                0 => {
                    bytes.remove(i);
                }
                1 => bytes.insert(i, b'"'),
                2 => bytes.insert(i, b','),
                3 => bytes.insert(i, 0),
                4 => bytes.insert(i, b'\n'),
                _ => bytes.truncate(i),
            }
        }
        bytes
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Streaming validation hands over what `validate` keeps, whatever the
    /// damage: the same summary, final statuses and diagnostics.
    #[test]
    fn streaming_agrees_on_damaged_files(bytes in damaged()) {
        let kept = ReaderBuilder::new().from_reader(bytes.as_slice()).and_then(|r| r.validate());
        let mut said: Vec<(u64, &'static str)> = Vec::new();
        let streamed = ReaderBuilder::new().from_reader(bytes.as_slice()).and_then(|r| {
            r.validate_with(|found| match found {
                Found::Row(row) => said.extend(row.diagnostics().iter().map(|d| (d.line, d.code.as_str()))),
                Found::Diagnostic(d) => said.push((d.line, d.code.as_str())),
                Found::Withdrawn(d) => {
                    if let Some(at) = said.iter().position(|&s| s == (d.line, d.code.as_str())) {
                        said.remove(at);
                    }
                }
                _ => {}
            })
        });
        match (kept, streamed) {
            (Ok(kept), Ok(streamed)) => {
                prop_assert_eq!(streamed.summary(), kept.summary());
                prop_assert_eq!(streamed.rows(), kept.rows());
                let mut expected: Vec<(u64, &'static str)> =
                    kept.diagnostics().iter().map(|d| (d.line, d.code.as_str())).collect();
                expected.sort();
                said.sort();
                prop_assert_eq!(said, expected);
            }
            (Err(kept), Err(streamed)) => prop_assert_eq!(kept.code(), streamed.code()),
            (kept, streamed) => prop_assert!(false, "{:?} against {:?}", kept.is_ok(), streamed.is_ok()),
        }
    }

    #[test]
    fn nothing_is_lost_in_a_damaged_file(bytes in damaged()) {
        let Ok(reader) = ReaderBuilder::new().from_reader(bytes.as_slice()) else {
            return Ok(());
        };
        let Ok(file) = reader.validate() else {
            return Ok(());
        };
        let s = file.summary();
        prop_assert_eq!(s.rows, s.valid + s.repaired + s.rejected);
        prop_assert_eq!(file.rows().len() as u64, s.rows + s.blank);
        let counted: u64 = s.by_code.values().sum();
        prop_assert_eq!(counted, s.errors + s.warnings);
        prop_assert_eq!(file.diagnostics().len() as u64, s.errors + s.warnings);
        prop_assert_eq!(file.rejected_rows().len() as u64, s.rejected);
        for row in file.rows() {
            let errors = file
                .diagnostics()
                .iter()
                .filter(|d| d.line == row.line && d.severity() == Severity::Error)
                .count();
            match row.status {
                RowStatus::Rejected => prop_assert!(errors > 0, "line {} rejected without an error", row.line),
                _ => prop_assert_eq!(errors, 0),
            }
        }
        // Every usable link comes from a row that was not rejected.
        for link in file.links() {
            let row = file.rows().iter().find(|r| r.line == link.line);
            prop_assert!(row.is_some_and(|r| r.status != RowStatus::Rejected));
        }
    }
}

/// A flag cell as exports write them, and some that are not flags.
fn flag_cell() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just(""),
        Just("Y"),
        Just("N"),
        Just("yes"),
        Just("No"),
        Just("TRUE"),
        Just("false"),
        Just("1"),
        Just("0"),
        Just("X"),
        Just("maybe"),
        Just("Emergency"),
    ]
}

/// One contacts-export row: a guardian of a few, a student of a few, a
/// contact that may be usable or not, and the five flags plus a contact
/// type.
fn flagged_row() -> impl Strategy<Value = (u8, u8, bool, [&'static str; 6])> {
    (
        0u8..4,
        0u8..3,
        any::<bool>(),
        [
            flag_cell(),
            flag_cell(),
            flag_cell(),
            flag_cell(),
            flag_cell(),
            flag_cell(),
        ],
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// No row flagged not-a-guardian or restricted ever produces a link,
    /// nor a guardian when it is the guardian's only kind of row; every
    /// such row is named on its line.
    #[test]
    fn a_flagged_contact_never_becomes_a_guardian(
        rows in prop::collection::vec(flagged_row(), 1..20),
        relaxed in any::<bool>(),
    ) {
        let mut text = String::from(
            "student_id,guardian_id,first_name,last_name,email,mobile_phone,Guardian,Custodial,Data Access,Emergency Contact,Restricted,Contact Type\n",
        );
        for (g, s, reachable, flags) in &rows {
            let email = if *reachable { format!("g{g}@example.com") } else { String::new() };
            text.push_str(&format!(
                "S{s},G{g},Ann,Lee,{email},,{}\n",
                flags.join(",")
            ));
        }
        let file = ReaderBuilder::new()
            .exclude_non_guardians(!relaxed)
            .from_reader(text.as_bytes())
            .and_then(|r| r.validate())
            .expect("a header");
        // What the rule says of each row, from the cells alone.
        let mut kept_guardians = std::collections::BTreeSet::new();
        for (at, (g, s, _, cells)) in rows.iter().enumerate() {
            let line = at as u64 + 2;
            let read: Vec<Option<bool>> = cells[..5].iter().map(|c| parse_flag(c)).collect();
            let emergency = read[3].map(|e| e || cells[5] == "Emergency");
            let flags = ContactFlags {
                guardian: read[0],
                custody: read[1],
                access: read[2],
                emergency,
                restricted: read[4],
            };
            let outcome = file.rows()[at];
            prop_assert_eq!(outcome.line, line);
            let exclusion = flags.exclusion(!relaxed);
            let any_invalid = read.iter().any(Option::is_none);
            let (g, s) = (format!("G{g}"), format!("S{s}"));
            let linked = file
                .links()
                .iter()
                .any(|l| l.guardian_id.as_str() == g && l.student_id.as_str() == s);
            if exclusion.is_some() || any_invalid {
                // A flag that cannot be read may leave the link out: no
                // row makes it either.
                prop_assert!(!linked, "line {} linked {} to {}", line, g, s);
                prop_assert!(
                    matches!(outcome.status, RowStatus::Excluded | RowStatus::Rejected),
                    "line {}: {:?}", line, outcome.status
                );
                prop_assert!(file.diagnostics().iter().any(|d| d.line == line
                    && matches!(d.code.as_str(), "not_a_guardian" | "contact_restricted" | "invalid_flag")));
            } else {
                kept_guardians.insert(g);
            }
        }
        for guardian in file.guardians() {
            prop_assert!(
                kept_guardians.contains(guardian.guardian_id.as_str()),
                "{} has no row the flags keep", guardian.guardian_id
            );
        }
        let s = file.summary();
        prop_assert_eq!(s.rows, s.valid + s.repaired + s.rejected + s.excluded);
        prop_assert_eq!(file.excluded_rows().len() as u64, s.excluded);
    }
}
