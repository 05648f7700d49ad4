//! File-level behaviour: encodings, delimiters, line numbers, headers,
//! fatal errors, and the whole-file rules.

use crate::common;

use common::{HEADER, csv, found, validate};
use guardian_roster::{Code, Column, ErrorKind, ReaderBuilder, RowStatus, TextEncoding};

fn fatal(bytes: impl AsRef<[u8]>, strict: bool) -> guardian_roster::Error {
    match ReaderBuilder::new()
        .strict_headers(strict)
        .from_reader(bytes.as_ref())
    {
        Ok(_) => panic!("expected a fatal error"),
        Err(e) => e,
    }
}

// ---------- line numbers ----------

#[test]
fn physical_lines_with_crlf_blank_lines_and_quoted_newlines() {
    let text = format!(
        "{HEADER},notes\r\n\r\n\
         001,G1,Ana,Diaz,ana@example.com,,,,\"two\r\nlines\"\r\n\
         \r\n\
         \r\n\
         002,G2,Bo,Li,,,,,\r\n\
         003,G3,Cy,Ng,cy@example.com,,,,\"a\nb\nc\"\r\n\
         004,G4,Di,Wu,,,,,\r\n"
    );
    let file = validate(text);
    assert_eq!(
        found(&file),
        [
            ("unknown_column", 1, None),
            ("no_contact", 7, None),
            ("no_contact", 11, None),
        ]
    );
    let lines: Vec<u64> = file.rows().iter().map(|r| r.line).collect();
    assert_eq!(lines, [3, 7, 8, 11]);
    assert_eq!(file.links()[1].line, 8);
}

#[test]
fn lone_cr_line_ends_count_as_lines() {
    let text = format!("{HEADER}\r001,G1,Ana,Diaz,,,,\r002,G2,Bo,Li,,,,\r");
    let file = validate(text);
    assert_eq!(
        found(&file),
        [("no_contact", 2, None), ("no_contact", 3, None)]
    );
}

// ---------- encodings and delimiters ----------

#[test]
fn utf8_bom_is_stripped_silently() {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(csv(&["001,G1,Zoë,Diaz,zoe@example.com,,,"]).bytes());
    let file = validate(bytes);
    assert!(file.diagnostics().is_empty());
    assert_eq!(file.info().encoding(), TextEncoding::Utf8Bom);
    assert_eq!(file.guardians()[0].first_name, "Zoë");
}

#[test]
fn windows_1252_is_decoded_with_a_warning() {
    let bytes = include_bytes!("../fixtures/windows1252.csv");
    let file = validate(bytes);
    assert_eq!(file.info().encoding(), TextEncoding::Windows1252);
    assert_eq!(found(&file), [("encoding", 1, None)]);
    assert!(file.diagnostics()[0].message().contains("Windows-1252"));
    let names: Vec<&str> = file
        .guardians()
        .iter()
        .map(|g| g.last_name.as_str())
        .collect();
    assert_eq!(names, ["Hernández", "Muñoz"]);
}

// ---------- lines above the header ----------

#[test]
fn a_reports_title_above_the_header_is_skipped_with_a_warning() {
    let data = format!(
        "Guardian Contacts Export\r\nGenerated 11/01/2026, 6:00 AM\r\n\r\n{HEADER}\r\n\
         001,G1,Ana,Li,ana@example.com,,,\r\n002,G2,Bo,Li,bad,,,\r\n"
    );
    for threads in [1, 2] {
        let file = ReaderBuilder::new()
            .threads(threads)
            .from_reader(data.as_bytes())
            .and_then(|reader| reader.validate())
            .expect("readable");
        assert_eq!(file.info().header_line(), 4);
        assert_eq!(
            found(&file),
            [
                ("lines_before_header", 1, None),
                ("invalid_email", 6, Some("email")),
                ("no_contact", 6, None),
            ]
        );
        let warning = &file.diagnostics()[0];
        assert_eq!(
            warning.message(),
            "Lines 1 to 3 come before the header row on line 4 (a title or notes, such as \"Guardian Contacts Export\") and were skipped; the rows start after the header"
        );
        assert_eq!(warning.value.as_deref(), Some("Guardian Contacts Export"));
        assert_eq!(file.links().iter().map(|l| l.line).collect::<Vec<_>>(), [5]);
        assert_eq!(file.summary().rows, 2);
    }
}

#[test]
fn a_title_written_with_commas_above_a_semicolon_header() {
    let data = "\"Guardians, all schools\",,,,\n\
                Student ID;Parent ID;First Name;Last Name;Email;Cell Phone\n\
                001;G1;Ana;Li;ana@example.com;\n";
    let file = validate(data);
    assert_eq!(file.info().delimiter(), b';');
    assert_eq!(found(&file), [("lines_before_header", 1, None)]);
    assert_eq!(
        file.diagnostics()[0].value.as_deref(),
        Some("Guardians, all schools")
    );
    assert!(
        file.diagnostics()[0]
            .message()
            .starts_with("Line 1 comes before the header row on line 2")
    );
    assert_eq!(file.guardians().len(), 1);
}

#[test]
fn only_short_lines_above_a_complete_header_are_passed_over() {
    // Data first: no header, as before.
    let data = format!("001,G1,Ana,Li,ana@example.com,,,\n{HEADER}\n");
    assert!(matches!(
        fatal(&data, false).kind(),
        ErrorKind::NoHeader { .. }
    ));
    // A title, then a header that lacks a column: the first line is
    // reported, as before.
    let data = "Export\nstudent_id,guardian_id,first_name,last_name,email\n";
    assert!(matches!(
        fatal(data, false).kind(),
        ErrorKind::MissingColumn { .. }
    ));
    // Eleven title lines are too many to be a title.
    let data = format!(
        "{}{HEADER}\n001,G1,Ana,Li,ana@example.com,,,\n",
        "Title\n".repeat(11)
    );
    assert!(matches!(
        fatal(&data, false).kind(),
        ErrorKind::MissingColumn { .. }
    ));
    let data = format!(
        "{}{HEADER}\n001,G1,Ana,Li,ana@example.com,,,\n",
        "Title\n".repeat(10)
    );
    assert_eq!(validate(data).info().header_line(), 11);
}

#[test]
fn windows_1252_whose_first_accent_is_thousands_of_rows_in_is_decoded() {
    // ASCII for the first 64 KiB and more: read as UTF-8 until the first
    // accented byte, then as what that byte says.
    let mut bytes = String::from(HEADER).into_bytes();
    bytes.extend_from_slice(b"\r\n");
    for n in 0..2000 {
        bytes.extend_from_slice(format!("{n:06},G{n},Ann,Lee,a{n}@example.com,,,\r\n").as_bytes());
    }
    bytes.extend_from_slice(b"999998,G-JOSE,Jos\xe9,Mu\xf1oz,jose@example.com,,,\r\n");
    bytes.extend_from_slice(b"999999,G-ZOE,Zo\xeb,Lee,zoe@example.com,,,\r\n");
    for threads in [1, 2] {
        let file = ReaderBuilder::new()
            .threads(threads)
            .from_reader(bytes.as_slice())
            .and_then(|reader| reader.validate())
            .expect("readable");
        assert_eq!(
            file.info().encoding(),
            TextEncoding::Windows1252,
            "{threads} threads"
        );
        assert_eq!(found(&file), [("encoding", 1, None)], "{threads} threads");
        let jose = file.guardian("G-JOSE").expect("usable");
        assert_eq!(
            (jose.first_name.as_str(), jose.last_name.as_str()),
            ("José", "Muñoz")
        );
        assert_eq!(
            file.guardian("G-ZOE").map(|g| g.first_name.as_str()),
            Some("Zoë")
        );
        assert_eq!(file.links().last().map(|l| l.line), Some(2003));
    }
    // Row by row, the reader says so once it knows.
    let mut reader = ReaderBuilder::new()
        .from_reader(bytes.as_slice())
        .expect("readable");
    assert_eq!(reader.info().encoding(), TextEncoding::Utf8);
    let rows = reader.rows().count();
    assert_eq!(rows, 2002);
    assert_eq!(reader.info().encoding(), TextEncoding::Windows1252);
    assert_eq!(reader.file_diagnostics().len(), 1);
    assert_eq!(reader.file_diagnostics()[0].code, Code::Encoding);
}

#[test]
fn utf8_whose_first_accent_is_thousands_of_rows_in_stays_utf8() {
    let mut rows: Vec<String> = (0..2000)
        .map(|n| format!("{n:06},G{n},Ann,Lee,a{n}@example.com,,,"))
        .collect();
    rows.push("999998,G-JOSE,José,Muñoz,jose@example.com,,,".to_owned());
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let file = validate(csv(&rows));
    assert_eq!(file.info().encoding(), TextEncoding::Utf8);
    assert_eq!(found(&file), []);
    assert_eq!(
        file.guardian("G-JOSE").map(|g| g.last_name.as_str()),
        Some("Muñoz")
    );
}

#[test]
fn utf16_tab_separated_unicode_text_is_decoded() {
    let text = "Student ID\tParent ID\tFirst Name\tLast Name\tEmail\tCell Phone\r\n\
                000123\tG1\tJosé\tÑúñez\tjose@example.com\t(312) 555-0142\r\n\
                000124\tG2\t李\t王\t\t312 555 0143\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let file = validate(bytes);
    assert_eq!(file.info().encoding(), TextEncoding::Utf16Le);
    assert_eq!(file.info().delimiter(), b'\t');
    assert_eq!(found(&file), [("encoding", 1, None)]);
    assert_eq!(file.guardians()[0].last_name, "Ñúñez");
    assert_eq!(file.guardians()[1].first_name, "李");
    assert_eq!(file.links()[1].line, 3);
}

#[test]
fn semicolons_from_european_locales() {
    let text = "student_id;guardian_id;first_name;last_name;email;mobile_phone\n\
                000123;G1;Ana;Diaz;ana@example.com;\n";
    let file = validate(text);
    assert_eq!(file.info().delimiter(), b';');
    assert_eq!(file.summary().valid, 1);
}

#[test]
fn excel_workbooks_are_named_not_misread() {
    let error = fatal(b"PK\x03\x04\x14\x00\x06\x00", false);
    assert_eq!(error.code(), Code::UnreadableFile);
    assert!(error.to_string().contains("CSV UTF-8"));
}

// ---------- headers ----------

#[test]
fn reordered_and_aliased_headers() {
    let text = "Cell Phone,Surname,Given Name,Guardian Email,Parent ID,Student ID,Preferred Language\n\
                312-555-0142,Diaz,Ana,ana@example.com,G1,00042,Spanish\n";
    let file = validate(text);
    assert!(file.diagnostics().is_empty());
    let ana = &file.guardians()[0];
    assert_eq!(
        (ana.first_name.as_str(), ana.last_name.as_str()),
        ("Ana", "Diaz")
    );
    assert_eq!(file.links()[0].student_id.as_str(), "00042");
}

#[test]
fn strict_headers_take_canonical_names_only() {
    let error = fatal(
        "Student ID,guardian_id,first_name,last_name,email,mobile_phone\n",
        true,
    );
    match error.kind() {
        ErrorKind::MissingColumn {
            column, closest, ..
        } => {
            assert_eq!(*column, Column::StudentId);
            assert_eq!(closest.as_deref(), Some("Student ID"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(error.to_string().contains("strict"));
    let canonical = csv(&[]);
    let ok = ReaderBuilder::new()
        .strict_headers(true)
        .from_reader(canonical.as_bytes());
    assert!(ok.is_ok());
}

#[test]
fn fatal_header_errors() {
    assert_eq!(fatal("", false).code(), Code::EmptyFile);
    assert_eq!(fatal("\n\n\r\n", false).code(), Code::EmptyFile);
    assert_eq!(
        fatal("00123,G1,Ana,Diaz,ana@example.com,3125550142\n", false).code(),
        Code::NoHeader
    );
    let twice = fatal(format!("{HEADER},Cell\n"), false);
    assert_eq!(twice.code(), Code::DuplicateColumn);
    assert!(twice.to_string().contains("\"mobile_phone\" and \"Cell\""));
    let missing = fatal(
        "student_id,guardian_id,first_name,last_name,e_mail_adress,mobile_phone\n",
        false,
    );
    assert_eq!(missing.code(), Code::MissingColumn);
    assert!(
        missing
            .to_string()
            .contains("no email column (the closest header is \"e_mail_adress\")"),
        "{missing}"
    );
    let diagnostic = missing.to_diagnostic();
    assert_eq!(
        (diagnostic.line, diagnostic.column),
        (1, Some(Column::Email))
    );
}

// ---------- whole-file rules ----------

#[test]
fn one_guardian_on_three_rows_is_one_guardian_three_links() {
    let file = validate(csv(&[
        "00101,G1,Ana,Diaz,ana@example.com,(312) 555-0142,,es",
        "00102,G1,Ana,Diaz,ANA@example.com,312.555.0142,,Spanish",
        "00103,G1,Ana,Diaz,ana@example.com,+1 312 555 0142,,spa",
    ]));
    assert!(file.diagnostics().is_empty(), "{:?}", file.diagnostics());
    assert_eq!(file.guardians().len(), 1);
    let students: Vec<&str> = file.links().iter().map(|l| l.student_id.as_str()).collect();
    assert_eq!(students, ["00101", "00102", "00103"]);
    assert_eq!(file.summary().valid, 3);
}

#[test]
fn rows_that_disagree_reject_the_guardian_on_every_row() {
    let file = validate(csv(&[
        "00101,G1,Ana,Diaz,ana@example.com,312 555 0142,,",
        "00201,G2,Bo,Li,bo@example.com,,,",
        "00102,G1,Ana,Diaz,ana.diaz@example.com,312 555 0199,,",
        "00103,G1,Ana,Diaz,ana@example.com,312 555 0142,,",
    ]));
    assert_eq!(
        found(&file),
        [
            ("conflicting_guardian", 2, None),
            ("conflicting_guardian", 4, None),
            ("conflicting_guardian", 5, None),
        ]
    );
    assert_eq!(
        file.diagnostics()[0].message(),
        "Line 2: guardian G1 has different email and mobile phone on lines 4 and 5; \
         none of this guardian's rows was used: make them agree and upload again"
    );
    assert_eq!(
        file.diagnostics()[1].message(),
        "Line 4: guardian G1 has different email and mobile phone on lines 2 and 5; \
         none of this guardian's rows was used: make them agree and upload again"
    );
    assert_eq!(file.diagnostics()[2].value.as_deref(), Some("G1"));
    assert_eq!(file.guardians().len(), 1);
    assert_eq!(file.links().len(), 1);
    let statuses: Vec<RowStatus> = file.rows().iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [
            RowStatus::Rejected,
            RowStatus::Valid,
            RowStatus::Rejected,
            RowStatus::Rejected
        ]
    );
    assert_eq!(file.rejected_rows().len(), 3);
}

#[test]
fn names_that_differ_only_in_capitals_are_one_guardian_with_a_warning() {
    let file = validate(csv(&[
        "001,G1,Maria,Garcia,maria@example.com,,,",
        "002,G1,MARIA,GARCIA,maria@example.com,,,",
        "003,G1,MARIA,GARCIA,maria@example.com,,,",
        "004,G2,Bo,Li,bo@example.com,,,",
        "005,G2,BO,Lee,bo@example.com,,,",
    ]));
    assert_eq!(
        found(&file),
        [
            ("name_case", 3, Some("first_name")),
            ("name_case", 3, Some("last_name")),
            // The same cells again: remembered, and said again.
            ("name_case", 4, Some("first_name")),
            ("name_case", 4, Some("last_name")),
            ("conflicting_guardian", 5, None),
            ("name_case", 6, Some("first_name")),
            ("conflicting_guardian", 6, None),
        ]
    );
    assert_eq!(
        file.diagnostics()[0].message(),
        "Line 3: the guardian's first name differs from line 2 only in capitals; the spelling \
         of line 2, Maria, is used: make the rows agree in the SIS"
    );
    let maria = file.guardian("G1").expect("G1 is usable");
    assert_eq!(
        (maria.first_name.as_str(), maria.last_name.as_str()),
        ("Maria", "Garcia")
    );
    assert_eq!(file.links().len(), 3);
    // A real difference (Li, Lee) still rejects the guardian.
    assert!(file.guardian("G2").is_none());
    let s = file.summary();
    assert_eq!((s.valid, s.repaired, s.rejected), (1, 2, 2));
}

#[test]
fn an_exact_duplicate_row_is_counted_once() {
    let file = validate(csv(&[
        "00101,G1,Ana,Diaz,ana@example.com,,,",
        "00101,G1,Ana,Diaz,ana@example.com,,,",
    ]));
    assert_eq!(found(&file), [("duplicate_row", 3, None)]);
    assert_eq!(file.links().len(), 1);
    assert_eq!((file.summary().valid, file.summary().repaired), (1, 1));
}

#[test]
fn a_family_sharing_an_email_or_mobile_is_warned_not_rejected() {
    let file = validate(csv(&[
        "00101,G1,Ana,Silva,family@example.com,773-555-0190,,",
        "00101,G2,Paulo,Silva,Family@Example.com,(773) 555-0190,,",
        "00102,G1,Ana,Silva,family@example.com,773-555-0190,,",
    ]));
    assert_eq!(
        found(&file),
        [
            ("shared_email", 2, Some("email")),
            ("shared_mobile", 2, Some("mobile_phone")),
            ("shared_email", 3, Some("email")),
            ("shared_mobile", 3, Some("mobile_phone")),
        ]
    );
    assert!(file.diagnostics()[0].message().contains("G2 (line 3)"));
    assert_eq!(file.guardians().len(), 2);
    assert_eq!(file.links().len(), 3);
    let s = file.summary();
    assert_eq!((s.valid, s.repaired, s.rejected), (1, 2, 0));
}

#[test]
fn each_group_sharing_a_contact_names_the_others_in_id_order() {
    let file = validate(csv(&[
        "00101,G3,Cy,Ng,x@example.com,,,",
        "00102,G1,Ana,Diaz,X@example.com,,,",
        "00103,G5,Eve,Ruiz,y@example.com,,,",
        "00104,G2,Bo,Li,x@example.com,,,",
        "00105,G4,Di,Wu,y@example.com,,,",
        "00106,G6,Fay,Qi,z@example.com,,,",
    ]));
    let messages: Vec<(u64, String)> = file
        .diagnostics()
        .iter()
        .map(|d| (d.line, d.message()))
        .collect();
    let shared: Vec<(u64, &str)> = messages
        .iter()
        .map(|(line, m)| (*line, m.as_str()))
        .collect();
    assert_eq!(
        shared,
        [
            (
                2,
                "Line 2: guardian G3 shares the email x@example.com with guardians G1 (line 3) and G2 (line 5); families may share, but each login belongs to one person, so check who should have it"
            ),
            (
                3,
                "Line 3: guardian G1 shares the email x@example.com with guardians G2 (line 5) and G3 (line 2); families may share, but each login belongs to one person, so check who should have it"
            ),
            (
                4,
                "Line 4: guardian G5 shares the email y@example.com with guardian G4 (line 6); families may share, but each login belongs to one person, so check who should have it"
            ),
            (
                5,
                "Line 5: guardian G2 shares the email x@example.com with guardians G1 (line 3) and G3 (line 2); families may share, but each login belongs to one person, so check who should have it"
            ),
            (
                6,
                "Line 6: guardian G4 shares the email y@example.com with guardian G5 (line 4); families may share, but each login belongs to one person, so check who should have it"
            ),
        ]
    );
}

#[test]
fn every_code_is_documented_in_the_crate_docs() {
    let docs = include_str!("../../src/lib.rs");
    for code in Code::ALL {
        assert!(
            docs.contains(&format!("| `{}` |", code.as_str())),
            "{code} is not in the table"
        );
    }
}

#[test]
fn a_contact_shared_by_thousands_names_ten_and_counts_the_rest() {
    // A school's office number given as every family's mobile: each
    // guardian is warned, and no message grows with the group.
    let rows: Vec<String> = (0..3000)
        .map(|n| format!("{n:05},G{n:04},Ann,Lee,,312-555-0100,,"))
        .collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    let file = validate(csv(&rows));
    let shared: Vec<&guardian_roster::Diagnostic> = file.diagnostics().iter().collect();
    assert_eq!(shared.len(), 3000);
    assert!(shared.iter().all(|d| d.code.as_str() == "shared_mobile"));
    assert_eq!(
        shared[0].message(),
        "Line 2: guardian G0000 shares the mobile phone +13125550100 with guardians G0001 (line 3), G0002 (line 4), G0003 (line 5), G0004 (line 6), G0005 (line 7), G0006 (line 8), G0007 (line 9), G0008 (line 10), G0009 (line 11) and G0010 (line 12) (and 2989 more); families may share, but each login belongs to one person, so check who should have it"
    );
    assert!(shared.iter().all(|d| d.message().len() < 400));
}

#[test]
fn a_shared_email_with_the_same_name_may_be_one_person_with_two_ids() {
    let file = validate(csv(&[
        "001,G1,Ana,Diaz,ana@example.com,,,",
        "002,G9,ANA,Diaz,ana@example.com,,,",
        "003,G3,Bo,Li,family@example.com,,,",
        "004,G4,Cy,Li,family@example.com,,,",
    ]));
    let messages: Vec<String> = file.diagnostics().iter().map(|d| d.message()).collect();
    assert_eq!(
        messages,
        [
            "Line 2: guardian G1 shares the email ana@example.com with guardian G9 (line 3); \
             guardian G9 has the same name, so this may be one person with two IDs in the SIS: \
             merge them there",
            "Line 3: guardian G9 shares the email ana@example.com with guardian G1 (line 2); \
             guardian G1 has the same name, so this may be one person with two IDs in the SIS: \
             merge them there",
            "Line 4: guardian G3 shares the email family@example.com with guardian G4 (line 5); \
             families may share, but each login belongs to one person, so check who should have it",
            "Line 5: guardian G4 shares the email family@example.com with guardian G3 (line 4); \
             families may share, but each login belongs to one person, so check who should have it",
        ]
    );
}

#[test]
fn a_student_with_more_guardians_than_any_family_is_warned() {
    // A join gone wrong: one student ID on every row.
    let rows: Vec<String> = (0..25)
        .map(|n| format!("00123,G{n:02},Ann,Lee,g{n}@example.com,,,"))
        .collect();
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let file = validate(csv(&refs));
    let found: Vec<(&str, u64, Option<&str>)> = file
        .diagnostics()
        .iter()
        .map(|d| (d.code.as_str(), d.line, d.value.as_deref()))
        .collect();
    assert_eq!(found, [("implausible_links", 2, Some("00123"))]);
    assert_eq!(
        file.diagnostics()[0].message(),
        "Line 2: student 00123 has 25 guardians in this file, more than any family has (20 at most is usual): check the export (the same student ID on many rows?)"
    );
    // A guardian ID copied down the column.
    let rows: Vec<String> = (0..31)
        .map(|n| format!("{n:05},G1,Ann,Lee,ann@example.com,,,"))
        .collect();
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let file = validate(csv(&refs));
    let found: Vec<(&str, u64, Option<&str>)> = file
        .diagnostics()
        .iter()
        .map(|d| (d.code.as_str(), d.line, d.value.as_deref()))
        .collect();
    assert_eq!(found, [("implausible_links", 2, Some("G1"))]);
    // Twenty guardians and thirty students are still a (large) family.
    let rows: Vec<String> = (0..20)
        .map(|n| format!("00123,G{n:02},Ann,Lee,g{n}@example.com,,,"))
        .chain((0..30).map(|n| format!("{n:05},H1,Bo,Li,bo@example.com,,,")))
        .collect();
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    assert!(validate(csv(&refs)).diagnostics().is_empty());
}

#[test]
fn excel_for_macs_csv_is_read_as_mac_roman() {
    // Excel for Mac: Mac Roman, CR line ends. `é` is 0x8E and `ñ` 0x96,
    // which Windows-1252 reads as `Ž` and `–`.
    let bytes = b"student_id,guardian_id,first_name,last_name,email,mobile_phone\r\
                  001,G1,Jos\x8e,Mu\x96oz,jose@example.com,\r";
    let file = validate(bytes);
    assert_eq!(file.info().encoding(), TextEncoding::MacRoman);
    let jose = file.guardian("G1").expect("G1");
    assert_eq!(
        (jose.first_name.as_str(), jose.last_name.as_str()),
        ("José", "Muñoz")
    );
    assert_eq!(
        found(&file),
        [("encoding", 1, None)],
        "{:?}",
        file.diagnostics()
    );
    assert_eq!(
        file.diagnostics()[0].message(),
        "The file was saved as Mac Roman, not UTF-8; it was converted. To avoid this, save it from Excel as \"CSV UTF-8\""
    );
    // With LF line ends, the letters still tell.
    let bytes = b"student_id,guardian_id,first_name,last_name,email,mobile_phone\n\
                  001,G1,Jos\x8e,Mu\x96oz,jose@example.com,\n";
    assert_eq!(validate(bytes).info().encoding(), TextEncoding::MacRoman);
    // Windows-1252's own accented letters stay Windows-1252.
    let bytes = b"student_id,guardian_id,first_name,last_name,email,mobile_phone\r\n\
                  001,G1,Jos\xe9,Mu\xf1oz,jose@example.com,\r\n";
    let file = validate(bytes);
    assert_eq!(file.info().encoding(), TextEncoding::Windows1252);
    assert_eq!(
        file.guardian("G1").map(|g| g.first_name.as_str()),
        Some("José")
    );
}
