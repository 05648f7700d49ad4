//! Hostile and broken files: each gets a precise diagnostic at the right
//! line, memory stays bounded, and the rows around it are still read.

use crate::common;

use common::{HEADER, csv, found, validate};
use guardian_roster::{Code, ErrorKind, ReaderBuilder, RowStatus};

const GOOD: &str = "002,G2,Bo,Li,bo@example.com,,,";

#[test]
fn a_50_mb_field_is_cut_off_and_the_next_row_read() {
    let mut text = csv(&[]);
    text.push_str("001,G1,");
    text.push_str(&"A".repeat(50 * 1024 * 1024));
    text.push_str(",Diaz,ana@example.com,,,\n");
    text.push_str(GOOD);
    text.push('\n');
    let file = validate(&text);
    assert_eq!(found(&file), [("field_too_large", 2, Some("first_name"))]);
    assert!(file.diagnostics()[0].message().contains("52428800 bytes"));
    assert_eq!(file.guardians().len(), 1);
    assert_eq!(file.links()[0].line, 3);
}

#[test]
fn a_long_quoted_field_with_line_breaks_keeps_the_line_count() {
    let mut text = csv(&[]);
    text.push_str("001,G1,\"");
    text.push_str(&"line\n".repeat(20_000));
    text.push_str("\",Diaz,ana@example.com,,,\n");
    text.push_str(GOOD);
    text.push('\n');
    let file = validate(&text);
    assert_eq!(found(&file), [("field_too_large", 2, Some("first_name"))]);
    assert_eq!(file.links()[0].line, 20_003);
}

#[test]
fn a_million_column_header_stops_the_file_with_the_limit_named() {
    let text = format!("{}\n{GOOD}\n", vec!["x"; 1_000_000].join(","));
    let error = ReaderBuilder::new()
        .from_reader(text.as_bytes())
        .expect_err("too many columns");
    assert!(matches!(error.kind(), ErrorKind::Limit { .. }));
    assert_eq!(error.code(), Code::UnreadableFile);
    assert_eq!(error.line(), Some(1));
    assert!(
        error
            .to_string()
            .contains("1000000 columns, more than the 256"),
        "{error}"
    );
}

#[test]
fn a_row_with_too_many_columns_is_rejected_and_the_next_read() {
    let text = csv(&[
        &format!("001,G1,Ana,Diaz,a@example.com,,,{}", ",x".repeat(100_000)),
        GOOD,
    ]);
    let file = validate(&text);
    assert_eq!(found(&file), [("too_many_columns", 2, None)]);
    assert!(file.diagnostics()[0].message().contains("100008 cells"));
    assert_eq!(file.links().len(), 1);
}

#[test]
fn a_file_with_no_newline() {
    // One huge line: its first cell is past the field limit.
    let error = ReaderBuilder::new()
        .from_reader("x".repeat(10 * 1024 * 1024).as_bytes())
        .expect_err("not a header");
    assert!(matches!(error.kind(), ErrorKind::Limit { .. }));
    // A header and a row without a final line end: the row is read.
    let text = format!("{HEADER}\n{GOOD}");
    let file = validate(text);
    assert_eq!(file.summary().valid, 1);
}

#[test]
fn an_unterminated_quote_is_named_on_its_line() {
    let text = csv(&[
        GOOD,
        "003,G3,\"Cy,Ng,cy@example.com,,,",
        "004,G4,Di,Wu,di@example.com,,,",
    ]);
    let file = validate(&text);
    // The file ends inside the quote: it is cut as far as anyone can
    // tell, and a full sync of it removes nothing.
    assert_eq!(
        found(&file),
        [("unterminated_quote", 3, None), ("truncated_file", 3, None)]
    );
    assert_eq!(file.truncated_at(), Some(3));
    assert_eq!(file.summary().valid, 1);
    assert_eq!(file.summary().rejected, 1);
}

#[test]
fn a_download_cut_mid_row_is_named_and_a_full_sync_of_it_removes_nothing() {
    use guardian_roster::{DryRunOptions, InMemoryRoster, StudentId, SyncMode, dry_run};
    // The roster: ten families. The file: the first three, then a row cut
    // in its mobile number, with no line end.
    let families: Vec<String> = (0..10)
        .map(|n| format!("00{n},G{n},Ann,Lee,g{n}@example.com,312555010{n},,"))
        .collect();
    let refs: Vec<&str> = families.iter().map(String::as_str).collect();
    let current = validate(csv(&refs));
    let students = (0..10).map(|n| StudentId::from(format!("00{n}").as_str()));
    let mut roster = InMemoryRoster::from_export(students, &current);
    let cut = format!(
        "{}\n{}\n{}\n{}\n003,G3,Ann,Lee,g3@example.com,312555",
        HEADER, families[0], families[1], families[2]
    );
    let file = validate(&cut);
    assert_eq!(
        found(&file),
        [("field_count", 5, None), ("truncated_file", 5, None)]
    );
    assert_eq!(
        file.diagnostics()[1].message(),
        "Line 5: the file ends in the middle of this row (after 6 of the header's 8 cells, with no line end, or inside a quoted cell): the download or export was probably cut off; this row was not used, and a full sync of this file removes no link: download or export the file again"
    );
    assert_eq!(file.truncated_at(), Some(5));
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full).max_unlink_percent(100.0);
    let plan = dry_run(&file, &mut roster, &options).expect("in memory");
    assert!(
        plan.changes().iter().all(|c| c.action() != "unlink"),
        "{:?}",
        plan.changes()
    );
    assert_eq!(plan.summary().unlinks_held, 7);
    assert_eq!(plan.summary().unlinks_held_by_rows, 7);
    assert_eq!(plan.summary().unlinks_held_by_threshold, 0);
    assert!(plan.diagnostics().iter().any(|d| {
        d.code.as_str() == "unlink_held"
            && d.message()
                .starts_with("Line 5: the file ends in the middle of this row")
    }));
    // An additive sync applies what is complete: nothing to change here.
    let plan = dry_run(&file, &mut roster, &DryRunOptions::default()).expect("in memory");
    assert!(plan.changes().is_empty());

    // Cut inside the last cell: the row has every cell, but its number is
    // too short to use.
    let six = "student_id,guardian_id,first_name,last_name,email,mobile_phone";
    let cut = format!(
        "{six}\n001,G1,Ann,Lee,g1@example.com,3125550101\n003,G3,Ann,Lee,g3@example.com,312555"
    );
    let file = validate(&cut);
    assert_eq!(
        found(&file),
        [
            ("invalid_phone", 3, Some("mobile_phone")),
            ("truncated_file", 3, None)
        ]
    );

    // A complete last row without a line end is no cut.
    let whole = format!("{}\n{}", HEADER, families[0]);
    let file = validate(&whole);
    assert_eq!(file.truncated_at(), None);
    assert!(file.diagnostics().is_empty());
    // Nor is a short row followed by a line end (a field_count error).
    let short = format!("{}\n{}\n003,G3\n", HEADER, families[0]);
    assert_eq!(validate(&short).truncated_at(), None);
}

#[test]
fn nul_bytes_are_reported_and_the_next_row_read() {
    let text = csv(&[
        "001,G1,An\0a,Diaz,ana@example.com,,,",
        "0\x0002,G2,Bo,Li,bo@example.com,,,",
        GOOD,
    ]);
    let file = validate(&text);
    assert_eq!(
        found(&file),
        [
            ("invalid_name", 2, Some("first_name")),
            ("invalid_id", 3, Some("student_id"))
        ]
    );
    assert_eq!(file.rows()[2].status, RowStatus::Valid);
}

#[test]
fn invalid_utf8_mid_file_is_reported_on_its_row() {
    // Past the first 64 KiB, where the encoding was already decided.
    let rows: Vec<String> = (0..2000)
        .map(|i| format!("{i:06},U{i},Zoë,Müller,z{i}@example.com,,,"))
        .collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let mut bytes = csv(&rows).into_bytes();
    assert!(bytes.len() > 64 * 1024);
    bytes.extend_from_slice(b"003,G3,Cy,Ng\xff\xfe,cy@example.com,,,\n");
    bytes.extend_from_slice(GOOD.as_bytes());
    let file = validate(bytes);
    assert_eq!(found(&file), [("invalid_text", 2002, Some("last_name"))]);
    assert_eq!(file.guardians().len(), 2001);
    assert_eq!(
        file.guardian("U7").map(|g| g.last_name.as_str()),
        Some("Müller")
    );
}

#[test]
fn the_row_limit_stops_the_file_with_its_line() -> Result<(), guardian_roster::Error> {
    let text = csv(&[GOOD, GOOD, GOOD]);
    let error = ReaderBuilder::new()
        .max_rows(2)
        .from_reader(text.as_bytes())?
        .validate()
        .expect_err("three rows, limit two");
    assert_eq!(error.line(), Some(4));
    assert!(error.to_string().contains("more than 2 rows"));
    // Two rows were read before the third; the reader stood at the end
    // of the third row's cells, before its line break.
    let position = error.position().expect("a place in the file");
    assert_eq!(
        (position.line(), position.record(), position.byte()),
        (4, Some(2), Some(text.len() as u64 - 1))
    );
    // An error that concerns no place in the file has no position.
    let empty = ReaderBuilder::new()
        .from_reader(&b""[..])
        .expect_err("an empty file");
    assert_eq!(
        empty.position().map(|p| (p.line(), p.byte(), p.record())),
        Some((1, None, None))
    );
    Ok(())
}

#[test]
fn limits_are_settable() {
    let text = csv(&["001,G1,Anastasia-Maria,Diaz,anastasia@example.com,,,"]);
    let file = ReaderBuilder::new()
        .max_field_bytes(12)
        .from_reader(text.as_bytes())
        .and_then(|r| r.validate())
        .expect("header cells are short");
    let codes: Vec<(&str, u64, Option<&str>)> = found(&file);
    assert_eq!(
        codes,
        [
            ("field_too_large", 2, Some("first_name")),
            ("field_too_large", 2, Some("email"))
        ]
    );
}

/// Line numbers stay exact after two million blank lines and a quoted cell
/// of 300,000 line breaks (the reader's memory follows records, not line
/// ends: see `lines.rs`).
#[test]
fn line_numbers_are_exact_after_many_blank_lines_and_line_breaks() {
    let mut text =
        String::from("student_id,guardian_id,first_name,last_name,email,mobile_phone,address\n");
    text.push_str(&"\n".repeat(2_000_000));
    text.push_str("001,G1,Ana,Ruiz,ana@example.com,,\"");
    text.push_str(&"x\r\n".repeat(300_000));
    text.push_str("\"\n002,G2,Bo,Li,bo@example,,\n");
    let file = guardian_roster::ReaderBuilder::new()
        .max_field_bytes(1 << 30)
        .from_reader(text.as_bytes())
        .and_then(|r| r.validate())
        .expect("reads");
    let lines: Vec<u64> = file.links().iter().map(|l| l.line).collect();
    assert_eq!(lines, [2_000_002]);
    let invalid = file
        .diagnostics()
        .iter()
        .find(|d| d.code.as_str() == "invalid_email")
        .expect("the second row's email");
    assert_eq!(invalid.line, 2_300_003);
}

/// The bottom layer alone: records as written, each with the physical
/// line it starts on, within the same limits as the checked rows.
#[test]
fn byte_records_keep_their_lines_and_the_limits() -> Result<(), guardian_roster::Error> {
    let mut text = csv(&[]).replace('\n', "\r\n");
    text.push_str("\r\n\r\n001,G1,\"Ana\r\nMaria\",Diaz,ana@example.com,,,\r\n");
    text.push_str("002,G2,Bo,Liiiiiiiiiiiiiiiiiiii,bo@example.com,,,,x,y,z\r\n");
    text.push_str("\"003\"x,G3,Cy,Ng,cy@example.com,,,");
    let mut reader = ReaderBuilder::new()
        .max_field_bytes(16)
        .max_columns(9)
        .from_reader(text.as_bytes())?;
    let mut record = csv::ByteRecord::new();
    let mut read = Vec::new();
    while let Some(line) = reader.read_byte_record(&mut record)? {
        let cells: Vec<String> = record
            .iter()
            .map(|cell| String::from_utf8_lossy(cell).into_owned())
            .collect();
        read.push((line, cells));
    }
    let cells = |row: &[&str]| row.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    assert_eq!(
        read,
        [
            (
                4,
                cells(&[
                    "001",
                    "G1",
                    "Ana\r\nMaria",
                    "Diaz",
                    "ana@example.com",
                    "",
                    "",
                    ""
                ])
            ),
            // The last name keeps its first 16 bytes, the record its first 9 cells.
            (
                6,
                cells(&[
                    "002",
                    "G2",
                    "Bo",
                    "Liiiiiiiiiiiiiii",
                    "bo@example.com",
                    "",
                    "",
                    "",
                    "x"
                ])
            ),
            // Text after a closing quote joins the cell, as the csv crate reads it.
            (
                7,
                cells(&["003x", "G3", "Cy", "Ng", "cy@example.com", "", "", ""])
            ),
        ]
    );
    Ok(())
}

#[test]
fn invisible_characters_around_an_id_are_removed_and_named() {
    let file = validate(csv(&[
        "\u{feff}000101,G1,Ana,Diaz,ana@example.com,,,",
        "000102\u{200b},G2,Bo,Li,bo@example.com,,,",
    ]));
    assert_eq!(
        found(&file),
        [
            ("id_repaired", 2, Some("student_id")),
            ("id_repaired", 3, Some("student_id"))
        ]
    );
    assert_eq!(
        file.diagnostics()[0].message(),
        "Line 2: the student ID \u{feff}000101 had a character that does not show (a byte-order mark or a zero-width space), which was removed; check that the result is the ID the SIS has"
    );
    let students: Vec<&str> = file.links().iter().map(|l| l.student_id.as_str()).collect();
    assert_eq!(students, ["000101", "000102"]);
}

#[test]
fn a_formula_after_an_ideographic_space_is_neutralised() {
    use guardian_roster::{ReaderBuilder, write_errors_csv};
    let data = csv(&["001,G1,\u{3000}=HYPERLINK(\"http://evil\"),Diaz,ana@example,,,"]);
    let file = validate(&data);
    let mut out = Vec::new();
    write_errors_csv(
        data.as_bytes(),
        &ReaderBuilder::new(),
        file.diagnostics(),
        &mut out,
    )
    .expect("written");
    let text = String::from_utf8(out).expect("UTF-8");
    assert!(text.contains("\"'\u{3000}=HYPERLINK"), "{text}");
}
