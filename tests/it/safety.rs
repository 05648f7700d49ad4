//! Outputs safe to open and to log: the errors file, formula values, the
//! text marker, redaction.

use crate::common;

use common::{csv, found, validate};
use guardian_roster::{ReaderBuilder, write_errors_csv};

#[test]
fn the_errors_file_holds_problem_rows_unchanged_with_formulas_neutralised() {
    let data = csv(&[
        "001,G1,Ana,Diaz,ana@example.com,,,",
        "002,G2,=HYPERLINK(\"http://evil\"),Li,bo@example,+1 312 555 0142,,",
        "003,G3,Cy,@Ng,cy@example.com,-5,,",
    ]);
    let options = ReaderBuilder::new();
    let file = validate(&data);
    let mut out = Vec::new();
    let written =
        write_errors_csv(data.as_bytes(), &options, file.diagnostics(), &mut out).expect("written");
    assert_eq!(written, 2);
    assert!(out.starts_with("\u{feff}".as_bytes()));

    // Open it as a spreadsheet program would: no cell may start a formula.
    let text = String::from_utf8(out).expect("UTF-8");
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let records: Vec<::csv::StringRecord> = reader.records().map(|r| r.expect("csv")).collect();
    assert_eq!(records.len(), 3);
    assert_eq!(
        &records[0].iter().skip(8).collect::<Vec<_>>(),
        &["line", "severity", "code", "message"]
    );
    for record in &records {
        for cell in record.iter() {
            assert!(
                !matches!(
                    cell.chars().next(),
                    Some('=' | '+' | '-' | '@' | '\t' | '\r')
                ),
                "{cell:?}"
            );
        }
    }
    assert_eq!(&records[1][2], "'=HYPERLINK(\"http://evil\")");
    assert_eq!(&records[1][5], "'+1 312 555 0142");
    assert_eq!(&records[1][8], "3");
    assert_eq!(&records[1][9], "error");
    assert_eq!(&records[1][10], "formula_value; invalid_email");
    assert_eq!(&records[2][3], "'@Ng");
    assert_eq!(&records[2][10], "formula_value; invalid_phone");
}

#[test]
fn a_corrected_errors_file_uploads_as_it_is() {
    let data = csv(&["002,G2,Bo,Li,bo@example,+1 312 555 0142,,"]);
    let options = ReaderBuilder::new();
    let file = validate(&data);
    let mut out = Vec::new();
    write_errors_csv(data.as_bytes(), &options, file.diagnostics(), &mut out).expect("written");
    // The clerk fixes the email and uploads the file again.
    let fixed = String::from_utf8(out)
        .expect("UTF-8")
        .replace("\"bo@example\"", "\"bo@example.com\"");
    let again = validate(fixed);
    assert_eq!(again.summary().rejected, 0, "{:?}", again.diagnostics());
    let codes: Vec<&str> = again
        .diagnostics()
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(
        codes,
        [
            "unknown_column",
            "unknown_column",
            "unknown_column",
            "unknown_column",
            "text_marker"
        ]
    );
    assert_eq!(
        again.guardians()[0].mobile_phone.as_ref().map(|p| p.e164()),
        Some("+13125550142")
    );
}

#[test]
fn formula_values_and_text_markers_in_the_input() {
    let file = validate(csv(&[
        "001,G1,=1+2,Diaz,ana@example.com,,,",
        "002,G2,Bo,'Li,bo@example.com,,,",
        "003,G3,Cy,-Ng,cy@example.com,,,",
        "004,G4,Di,Wu-Li,di@example.com,'(312) 555-0142,,",
    ]));
    assert_eq!(
        found(&file),
        [
            ("formula_value", 2, Some("first_name")),
            ("text_marker", 3, Some("last_name")),
            ("formula_value", 4, Some("last_name")),
            ("text_marker", 5, Some("mobile_phone")),
        ]
    );
    assert_eq!(
        file.guardian("G2").map(|g| g.last_name.as_str()),
        Some("Li")
    );
    assert_eq!(file.summary().repaired, 4);
}

#[test]
fn diagnostics_render_redacted_for_logs() {
    let file = validate(csv(&[
        "001,G1,Ana,Diaz,ana.diaz@example,,,",
        "002,G2,Bo,Li,,(312) 555-01,,",
    ]));
    let redacted: Vec<String> = file
        .diagnostics()
        .iter()
        .map(|d| d.redacted().to_string())
        .collect();
    assert!(redacted[0].contains("a***@example"), "{}", redacted[0]);
    assert!(!redacted[0].contains("ana.diaz"));
    assert!(
        redacted.iter().all(|d| !d.contains("555-01")),
        "{redacted:?}"
    );
    // Full values stay available to the program that asks.
    assert_eq!(
        file.diagnostics()[0].value.as_deref(),
        Some("ana.diaz@example")
    );
    // Debug never prints contact details in full.
    let debug = format!(
        "{:?} {:?}",
        file.diagnostics(),
        validate(csv(&["003,G3,Cy,Ng,cy@example.com,312 555 0142,,"])).guardians()
    );
    assert!(!debug.contains("ana.diaz@example"));
    assert!(!debug.contains("cy@example.com"));
    assert!(!debug.contains("3125550142"));
}

#[test]
fn plans_and_rosters_do_not_print_contacts_in_debug() {
    use guardian_roster::{DryRunOptions, InMemoryRoster, StudentId, dry_run};
    let current = validate(csv(&["001,G1,Ana,Diaz,old.ana@example.com,312 555 0142,,"]));
    let mut roster = InMemoryRoster::from_export([StudentId::from("001")], &current);
    let file = validate(csv(&["001,G1,Ana,Diaz,new.ana@example.com,312 555 0199,,"]));
    let plan = dry_run(&file, &mut roster, &DryRunOptions::default()).expect("in memory");
    assert_eq!(plan.summary().update_guardian, 1);
    let debug = format!("{plan:?} {roster:?}");
    for secret in [
        "old.ana@example.com",
        "new.ana@example.com",
        "3125550142",
        "3125550199",
    ] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
}

#[test]
fn an_address_wrapped_in_a_name_or_mailto_is_named_and_masked_in_logs() {
    let file = validate(csv(&[
        "001,G1,Ana,Diaz,\"\"\"Diaz, Ana\"\" <ana.diaz@example.com>\",,,",
        "002,G2,Bo,Li,MAILTO:bo.li@example.com,(312) 555-0142,,",
        "003,G3,Cy,Ng,<cy@example>,(312) 555-0143,,",
    ]));
    assert_eq!(
        common::suggested(&file),
        [
            ("invalid_email", 2, Some("ana.diaz@example.com")),
            ("no_contact", 2, None),
            ("invalid_email", 3, Some("bo.li@example.com")),
            // The address inside is not valid either: no suggestion.
            ("invalid_email", 4, None),
        ]
    );
    assert_eq!(
        file.diagnostics()[0].message(),
        "Line 2: the email \"Diaz, Ana\" <ana.diaz@example.com> has more than the address \
         (a name or angle brackets); write only the address (ana.diaz@example.com)"
    );
    assert_eq!(
        file.diagnostics()[2].message(),
        "Line 3: the email MAILTO:bo.li@example.com starts with mailto: (copied from a link); \
         write only the address (bo.li@example.com)"
    );
    let safe = file.diagnostics()[0].redacted();
    assert!(!safe.message().contains("ana.diaz"), "{}", safe.message());
    assert_eq!(safe.suggestion.as_deref(), Some("a***@example.com"));
}

#[test]
fn cells_wrapped_as_formulas_are_unwrapped_even_after_a_round_trip() {
    let file = validate(csv(&[
        "=\"00123\",=\"G1\",=\"Ana\",=\"Diaz\",=\"ana@example.com\",=\"3125550142\",,=\"es\"",
        // As the errors file writes such a cell: with a text marker first.
        "00124,G2,'=\"Bo\",Li,bo@example.com,,,",
    ]));
    assert_eq!(
        found(&file),
        [
            ("id_repaired", 2, Some("student_id")),
            ("id_repaired", 2, Some("guardian_id")),
            ("text_marker", 2, Some("first_name")),
            ("text_marker", 2, Some("last_name")),
            ("text_marker", 2, Some("email")),
            ("text_marker", 2, Some("mobile_phone")),
            ("text_marker", 2, Some("language")),
            ("text_marker", 3, Some("first_name")),
            ("text_marker", 3, Some("first_name")),
        ]
    );
    let ana = file.guardian("G1").expect("G1 is usable");
    assert_eq!(
        (ana.first_name.as_str(), ana.last_name.as_str()),
        ("Ana", "Diaz")
    );
    assert_eq!(
        ana.mobile_phone.as_ref().map(|p| p.e164()),
        Some("+13125550142")
    );
    assert_eq!(ana.language.as_ref().map(|l| l.as_str()), Some("es"));
    assert_eq!(
        file.guardian("G2").map(|g| g.first_name.as_str()),
        Some("Bo")
    );
    assert_eq!(file.summary().rejected, 0);
}

/// Whether a piece of a line, as a spreadsheet with some list separator
/// would split it, starts a formula once spaces, line breaks and quotes
/// are skipped.
fn starts_formula(piece: &str) -> bool {
    let visible = piece.trim_start_matches(|c: char| c.is_whitespace() || c == '"');
    piece.starts_with(['\t', '\r'])
        || visible.starts_with([
            '=', '+', '-', '@', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}',
        ])
}

#[test]
fn the_errors_file_keeps_the_uploads_delimiter_and_no_separator_splits_off_a_formula() {
    let data = "student_id;guardian_id;first_name;last_name;email;mobile_phone\n\
                001;G1;\"Ana;=cmd|' /C calc'!A0\";Diaz;ana@example;\n\
                002;G2;\"Bo, +SUM(1)\";Li;bo@example;\n\
                003;G3;\"  =1+1\";Ng;cy@example;\n\
                004;G4;\"\n@SUM(A1)\";Ng;di@example;\n\
                005;G5;\u{ff1d}cmd;Oz;ed@example;\n";
    let options = ReaderBuilder::new();
    let file = validate(data);
    assert_eq!(file.info().delimiter(), b';');
    let mut out = Vec::new();
    let written =
        write_errors_csv(data.as_bytes(), &options, file.diagnostics(), &mut out).expect("written");
    assert_eq!(written, 5);
    let text = String::from_utf8(out).expect("UTF-8");
    let text = text.trim_start_matches('\u{feff}');

    // Read with the upload's delimiter: the cells, neutralised.
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let records: Vec<::csv::StringRecord> = reader.records().map(|r| r.expect("csv")).collect();
    assert_eq!(records.len(), 6);
    let names: Vec<&str> = records[1..].iter().map(|r| &r[2]).collect();
    assert_eq!(
        names,
        [
            "Ana;'=cmd|' /C calc'!A0",
            "Bo,' +SUM(1)",
            "'  =1+1",
            "'\n'@SUM(A1)",
            "'\u{ff1d}cmd"
        ]
    );
    // Split as a spreadsheet set to either list separator would: no piece
    // of any line starts a formula.
    for line in text.lines() {
        for separator in [',', ';', '\t'] {
            for piece in line.split(separator) {
                assert!(
                    !starts_formula(piece),
                    "{separator:?} splits off {piece:?} in {line:?}"
                );
            }
        }
    }
}
