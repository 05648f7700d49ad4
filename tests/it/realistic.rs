//! Habits of real district files: Excel's `sep=` line, headers pasted in
//! twice, placeholders for "no value", thousands separators in IDs,
//! foreign numbers written without `+`, punctuation in headers.

use crate::common;

use common::{HEADER, csv, found, validate};
use guardian_roster::{ReaderBuilder, RowStatus};

#[test]
fn excel_sep_line_names_the_delimiter_and_is_not_the_header() {
    let text = "sep=;\r\nstudent_id;guardian_id;first_name;last_name;email;mobile_phone\r\n\
                001;G1;Ana;Diaz;ana@example.com;\r\n";
    let file = validate(text);
    assert_eq!(file.info().delimiter(), b';');
    assert_eq!(file.info().header_line(), 2);
    assert!(file.diagnostics().is_empty(), "{:?}", file.diagnostics());
    assert_eq!(file.links()[0].line, 3);
}

#[test]
fn a_repeated_header_is_skipped_with_a_warning() {
    let text = csv(&[
        "001,G1,Ana,Diaz,ana@example.com,,,",
        HEADER,
        "002,G2,Bo,Li,bo@example.com,,,",
    ]);
    let file = validate(text);
    assert_eq!(found(&file), [("repeated_header", 3, None)]);
    let s = file.summary();
    assert_eq!((s.rows, s.valid, s.blank), (2, 2, 1));
    assert_eq!(file.rows()[1].status, RowStatus::Blank);
}

#[test]
fn placeholders_in_optional_cells_are_read_as_empty() {
    let file = validate(csv(&[
        "001,G1,Ana,Diaz,N/A,312 555 0142,none,-",
        "002,G2,Na,Li,bo@example.com,000-000-0000,,NULL",
    ]));
    assert_eq!(
        found(&file),
        [
            ("placeholder", 2, Some("email")),
            ("placeholder", 2, Some("home_phone")),
            ("placeholder", 2, Some("language")),
            ("placeholder", 3, Some("mobile_phone")),
            ("placeholder", 3, Some("language")),
        ]
    );
    // "Na" is a name, not a placeholder.
    assert_eq!(
        file.guardian("G2").map(|g| g.first_name.as_str()),
        Some("Na")
    );
    assert_eq!(file.summary().rejected, 0);
}

#[test]
fn thousands_separators_in_ids_are_repaired() {
    let file = validate(csv(&["\"1,234,567\",G1,Ana,Diaz,ana@example.com,,,"]));
    assert_eq!(found(&file), [("id_repaired", 2, Some("student_id"))]);
    assert_eq!(file.links()[0].student_id.as_str(), "1234567");
    assert!(
        file.diagnostics()[0]
            .message()
            .contains("thousands separators")
    );
}

#[test]
fn a_foreign_number_without_plus_gets_a_hint() {
    let file = validate(csv(&["001,G1,Ana,Diaz,,52 55 1234 5678,,"]));
    assert_eq!(found(&file)[0], ("invalid_phone", 2, Some("mobile_phone")));
    assert!(
        file.diagnostics()[0]
            .message()
            .contains("write it with + and the country code"),
        "{}",
        file.diagnostics()[0].message()
    );
}

#[test]
fn headers_with_punctuation_and_notes() {
    let text = "Student ID*,Parent/Guardian ID,First Name,Last Name,E-mail Address,Cell Phone #,Phone (Home),Preferred Language Code\n\
                001,G1,Ana,Diaz,ana@example.com,312 555 0142,312 555 0199,es\n";
    let file = validate(text);
    assert!(file.diagnostics().is_empty(), "{:?}", file.diagnostics());
    let ana = &file.guardians()[0];
    assert_eq!(
        ana.home_phone.as_ref().map(|p| p.e164()),
        Some("+13125550199")
    );
    assert_eq!(ana.language.as_ref().map(|l| l.as_str()), Some("es"));
}

#[test]
fn an_export_with_the_habits_of_a_real_district_file() {
    // CRLF, SIS-qualified headers, a quoted line break in a name, and one
    // of each habit found in district files.
    let text = "Student_Number,SIS Parent ID,Parent First Name,Parent Last Name,Parent Email,\
                Parent Cell Phone,Parent Home Phone,Home Language\r\n\
                100234,P-1,María José,\"García\r\nLópez\",\"\"\"García, María\"\" <mj@example.com>\",\
                (773) 555-0199,000-000-0000,Spanish\r\n\
                100235,P-2,FNU,Nguyen,an.nguyen@example.com,999-999-9999,,Vietnamise\r\n\
                Jan-05,P-3,Li,Wei,liwei@example.com,+52 1 55 1234 5678,,Mandarin\r\n\
                100237,P-4,Fatima,Al-Sayed,fatima@example.com;,1-312-555-0188,,Af-Soomaali\r\n";
    let file = validate(text);
    assert_eq!(
        found(&file),
        [
            ("invalid_name", 2, Some("last_name")),
            ("invalid_email", 2, Some("email")),
            ("placeholder", 2, Some("home_phone")),
            ("placeholder_name", 4, Some("first_name")),
            ("placeholder", 4, Some("mobile_phone")),
            ("unknown_language", 4, Some("language")),
            ("invalid_id", 5, Some("student_id")),
            ("invalid_phone", 5, Some("mobile_phone")),
            ("invalid_email", 6, Some("email")),
        ]
    );
    let s = file.summary();
    assert_eq!((s.rows, s.valid, s.repaired, s.rejected), (4, 0, 1, 3));
    let an = file.guardian("P-2").expect("P-2 is usable");
    assert_eq!(an.first_name, "FNU");
    assert_eq!(an.mobile_phone, None);
    assert_eq!(an.language, None);
    let suggestions: Vec<_> = file
        .diagnostics()
        .iter()
        .filter_map(|d| d.suggestion.as_deref())
        .collect();
    assert_eq!(
        suggestions,
        [
            "mj@example.com",
            "Vietnamese",
            "+525512345678",
            "fatima@example.com"
        ]
    );
}

#[test]
fn a_european_export_saved_by_excel() {
    // Windows-1252, semicolons, CRLF; a label beside a number, two
    // languages in one cell, a "no answer" language, an ID made a date by
    // a European spreadsheet, a likely typo, a quote closed two lines
    // late, and a total at the end.
    let mut bytes: Vec<u8> = Vec::new();
    for line in [
        &b"Student ID;Parent ID;First Name;Last Name;Email;Cell Phone;Home Phone;Language"[..],
        b"00123;P-1;Jos\xe9;Mu\xf1oz;jose@gmaul.com;Cell: (312) 555-0142;;\"English; Spanish\"",
        b"05.01.24;P-2;Ana;Ruiz;ana@example.com;312-555-0143;;Other",
        b"00125;P-3;\"Bo;Li;bo@example.com;;;",
        b"00126;P-4;Cy;Ng;cy@example.com;;;",
        b"00127;P-5;Di\";Ox;di@example.com;;;",
        b"00128;P-6;Ed;Po;ed@example.com;312-555-0144;;es",
        b"Total: 6",
    ] {
        bytes.extend_from_slice(line);
        bytes.extend_from_slice(b"\r\n");
    }
    let file = validate(&bytes);
    assert_eq!(
        file.info().encoding(),
        guardian_roster::TextEncoding::Windows1252
    );
    assert_eq!(file.info().delimiter(), b';');
    let codes: Vec<(&str, u64, Option<&str>)> = file
        .diagnostics()
        .iter()
        .filter(|d| d.code.as_str() != "encoding")
        .map(|d| (d.code.as_str(), d.line, d.suggestion.as_deref()))
        .collect();
    assert_eq!(
        codes,
        [
            ("email_typo", 2, Some("jose@gmail.com")),
            ("invalid_phone", 2, Some("+13125550142")),
            ("unknown_language", 2, None),
            ("invalid_id", 3, None),
            ("placeholder", 3, None),
            // The quote closes on line 6 with the right number of cells.
            ("unterminated_quote", 4, None),
            ("field_count", 8, None),
        ]
    );
    assert_eq!(
        file.diagnostics()
            .iter()
            .find(|d| d.line == 4)
            .map(|d| d.message())
            .as_deref(),
        Some(
            "Line 4: a double quote opened on this line is closed only on line 6, so lines 5 \
             to 6 were read as part of one cell of this row, not as rows of their own; fix the \
             quote (a quote inside a value is written twice) and upload again"
        )
    );
    assert_eq!(
        file.diagnostics()
            .iter()
            .find(|d| d.line == 2 && d.code.as_str() == "email_typo")
            .map(|d| d.message())
            .as_deref(),
        Some(
            "Line 2: the email jose@gmaul.com may be a typo for gmail.com; it is kept as \
             written, so check it with the family"
        )
    );
    // Only the last guardian row is used as written; accents decoded.
    let s = file.summary();
    assert_eq!((s.rows, s.valid, s.rejected), (5, 1, 4));
    assert_eq!(file.guardians().len(), 1);
    assert_eq!(
        file.guardian("P-6")
            .map(|g| g.first_name.as_str().to_owned()),
        Some("Ed".to_owned())
    );
    // Accents decoded: the rejected row's name as written.
    assert_eq!(file.rejected_rows().first().map(|r| r.line), Some(2));
}

/// Two exports pasted together, the second with its columns in another
/// order: the rows below the second header are read under it, never under
/// the first (IDs and names swapped, imported without a word).
#[test]
fn a_second_header_in_another_order_switches_the_columns() {
    for before in [1, 5000] {
        // Many rows, so that the switch falls inside the parallel batches.
        let mut data =
            String::from("student_id,guardian_id,first_name,last_name,email,mobile_phone\n");
        for n in 0..before {
            data.push_str(&format!("{n:06},G{n:05},Ana,Diaz,a{n}@example.com,\n"));
        }
        data.push_str("guardian_id,student_id,last_name,first_name,mobile_phone,email\n");
        for n in 0..5000 {
            data.push_str(&format!("H{n:05},{n:06},Li,Bo,,b{n}@example.com\n"));
        }
        let header_line = before as u64 + 2;
        for threads in [1, 2] {
            let file = ReaderBuilder::new()
                .threads(threads)
                .from_reader(data.as_bytes())
                .and_then(|r| r.validate())
                .expect("readable");
            assert_eq!(
                found(&file),
                [("header_reordered", header_line, None)],
                "{threads} {before}"
            );
            let at = before;
            assert_eq!(file.rows()[at].status, RowStatus::Blank);
            for id in ["H00000", "H04999"] {
                let bo = file.guardian(id).expect("read under the second header");
                assert_eq!(
                    (bo.first_name.as_str(), bo.last_name.as_str()),
                    ("Bo", "Li")
                );
            }
            let last = file.links().last().expect("links");
            assert_eq!(
                (last.guardian_id.as_str(), last.student_id.as_str()),
                ("H04999", "004999")
            );
            assert_eq!(file.summary().valid, before as u64 + 5000);
        }
    }
}

#[test]
fn a_repeated_header_after_a_byte_order_mark_is_a_repeated_header() {
    // `copy /b a.csv + b.csv`: the second file's BOM sits before its header.
    let data = "student_id,guardian_id,first_name,last_name,email,mobile_phone\r\n\
                001,G1,Ana,Diaz,ana@example.com,\r\n\
                \u{feff}student_id,guardian_id,first_name,last_name,email,mobile_phone\r\n\
                002,G2,Bo,Li,bo@example.com,\r\n";
    let file = validate(data);
    assert_eq!(found(&file), [("repeated_header", 3, None)]);
    assert_eq!(file.links().len(), 2);
}

#[test]
fn a_second_header_with_other_columns_stops_the_file() {
    let data = "student_id,guardian_id,first_name,last_name,email,mobile_phone,language\n\
                001,G1,Ana,Diaz,ana@example.com,,es\n\
                student_id,guardian_id,first_name,last_name,email,mobile_phone\n\
                002,G2,Bo,Li,bo@example.com,\n";
    let error = ReaderBuilder::new()
        .from_reader(data.as_bytes())
        .and_then(|r| r.validate())
        .expect_err("the language column would say nothing below line 3");
    assert_eq!(error.code().as_str(), "header_changed");
    assert_eq!(error.line(), Some(3));
    assert_eq!(
        error.to_string(),
        "line 3 is a second header (files pasted together?) with other columns than the first; it lacks language: its rows cannot be read as the rest of the file is, so nothing was used; upload each export on its own, or give them the same columns"
    );
    // A second header missing a required column stops the file too.
    let data = "student_id,guardian_id,first_name,last_name,email,mobile_phone\n\
                001,G1,Ana,Diaz,ana@example.com,\n\
                student_id,guardian_id,first_name,last_name,email\n\
                002,G2,Bo,Li,bo@example.com\n";
    let error = ReaderBuilder::new()
        .from_reader(data.as_bytes())
        .and_then(|r| r.validate())
        .expect_err("a header without the mobile column");
    assert_eq!(error.code().as_str(), "missing_column");
    assert_eq!(error.line(), Some(3));
}

#[test]
fn rows_of_words_are_not_headers() {
    // IDs without digits, names that are column words: data all the same.
    let file = validate(
        "student_id,guardian_id,first_name,last_name,email,mobile_phone\n\
         ABC,XYZ,Email,Cell,ana@example.com,\n",
    );
    assert_eq!(file.links().len(), 1);
}

#[test]
fn spreadsheet_and_locale_damage_as_exports_bring_it() {
    // Excel in a decimal-comma locale (semicolons), a Sheets export's
    // checkboxes below the data, and empty unnamed columns whose
    // separators Excel leaves off after the first rows.
    let data = "student_id;guardian_id;first_name;last_name;email;mobile_phone;;\n\
                41238,0;G1;Ana;Diaz;ana@example.com;;;\n\
                1,23457E+11;G3;Cy;Ng;cy@example.com;;;\n\
                41240;G4;Di;Oz;di@example.com;\n\
                ;;;;;;FALSE;FALSE\n\
                ana@example.com;G5;Ed;Po;ed@example.com;;;\n";
    let file = validate(data);
    let said: Vec<(&str, u64, Option<&str>)> = file
        .diagnostics()
        .iter()
        .map(|d| (d.code.as_str(), d.line, d.value.as_deref()))
        .collect();
    assert_eq!(
        said,
        [
            ("unknown_column", 1, Some("")),
            ("unknown_column", 1, Some("")),
            ("id_repaired", 2, Some("41238,0")),
            ("id_scientific_notation", 3, Some("1,23457E+11")),
            ("blank_row", 5, None),
            ("invalid_id", 6, Some("ana@example.com")),
        ]
    );
    // `41238,0` is student 41238; the short row 4 is complete.
    let students: Vec<&str> = file.links().iter().map(|l| l.student_id.as_str()).collect();
    assert_eq!(students, ["41238", "41240"]);
    assert_eq!(
        file.diagnostics()[4].message(),
        "Line 5: the row has nothing in the guardians.csv columns, only in a column without a name; it was skipped"
    );
    assert_eq!(
        file.diagnostics()[5].message(),
        "Line 6: the student ID ana@example.com looks like an email address, not an ID: the columns are probably shifted (a cell missing or extra earlier in the row); check the row against the header"
    );
    // An email in the ID column is a person's: masked for logs.
    let safe = file.diagnostics()[5].redacted();
    assert_eq!(safe.value.as_deref(), Some("a***@example.com"));
    assert!(!safe.message().contains("ana@"), "{}", safe.message());
    assert_eq!(file.truncated_at(), None);
    // A phone number in the guardian ID column, too.
    let file = validate(
        "student_id,guardian_id,first_name,last_name,email,mobile_phone\n\
         001,312-555-0142,Ana,Diaz,ana@example.com,\n",
    );
    assert_eq!(
        file.diagnostics()[0].message(),
        "Line 2: the guardian ID 312-555-0142 looks like a phone number, not an ID: the columns are probably shifted (a cell missing or extra earlier in the row); check the row against the header"
    );
    assert_eq!(
        file.diagnostics()[0].redacted().value.as_deref(),
        Some("31***42")
    );
    // `1,000` is a thousands separator, not a decimal tail.
    let file = validate(
        "student_id,guardian_id,first_name,last_name,email,mobile_phone\n\
         \"1,000\",G1,Ana,Diaz,ana@example.com,\n",
    );
    assert_eq!(file.links()[0].student_id.as_str(), "1000");
}
