//! Row-level codes: each asserted with its exact code, line and column.

use crate::common;

use common::{csv, found, validate};
use guardian_roster::{Code, Reader, RowStatus, Severity};

#[test]
fn the_contract_problems_get_the_right_code_on_the_right_line() {
    let file = validate(include_bytes!("../fixtures/contract_10_rows.csv"));
    assert_eq!(
        found(&file),
        [
            ("id_scientific_notation", 3, Some("student_id")),
            ("id_repaired", 4, Some("student_id")),
            ("id_repaired", 5, Some("student_id")),
            ("id_repaired", 6, Some("student_id")),
            ("multiple_values", 6, Some("email")),
            ("no_contact", 6, None),
            ("invalid_email", 7, Some("email")),
            ("mobile_extension", 7, Some("mobile_phone")),
            ("email_typo", 8, Some("email")),
            ("no_contact", 9, None),
            ("invalid_phone", 10, Some("mobile_phone")),
            ("unknown_language", 10, Some("language")),
            ("field_count", 11, None),
        ]
    );
    let summary = file.summary();
    assert_eq!(summary.rows, 10);
    assert_eq!(
        (summary.valid, summary.repaired, summary.rejected),
        (1, 3, 6)
    );
    assert_eq!((summary.errors, summary.warnings), (7, 6));
    assert_eq!(summary.by_code.get("id_repaired"), Some(&3));

    // Values are normalised, IDs kept as written.
    let cy = file.guardian("G3").expect("G3 is usable");
    assert_eq!(
        cy.mobile_phone.as_ref().map(|p| p.e164()),
        Some("+13125550144")
    );
    assert_eq!(cy.language.as_ref().map(|l| l.as_str()), Some("es"));
    let ids: Vec<(&str, &str)> = file
        .links()
        .iter()
        .map(|l| (l.guardian_id.as_str(), l.student_id.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            ("G1", "123"),
            ("G3", "12345"),
            ("G4", "00123"),
            ("G7", "00126")
        ]
    );
    assert_eq!(
        file.guardian("G7")
            .and_then(|g| g.language.as_ref())
            .map(|l| l.as_str()),
        Some("zh")
    );
}

#[test]
fn messages_speak_to_a_clerk() {
    let file = validate(csv(&["00150,G1,Fatima,Rahimi,,(312) 555-01,,"]));
    let d = &file.diagnostics()[0];
    assert_eq!(d.code, Code::InvalidPhone);
    assert_eq!(d.severity(), Severity::Error);
    assert_eq!(d.value.as_deref(), Some("(312) 555-01"));
    assert_eq!(
        d.message(),
        "Line 2: the mobile phone (312) 555-01 is too short to be a US number"
    );
}

#[test]
fn missing_values_and_ids() {
    let file = validate(csv(&[
        ",G1,Ana,Diaz,ana@example.com,,,",
        "001,,Ana,Diaz,ana@example.com,,,",
        "002,G3,,Diaz,ana3@example.com,,,",
        "003,G4,Ana, ,ana4@example.com,,,",
        "00 4,G5,Ana,Diaz,ana5@example.com,,,",
        &format!("005,{},Ana,Diaz,ana6@example.com,,,", "9".repeat(65)),
        "006,G7,\"An\u{7}a\",Diaz,ana7@example.com,,,",
    ]));
    assert_eq!(
        found(&file),
        [
            ("missing_value", 2, Some("student_id")),
            ("missing_value", 3, Some("guardian_id")),
            ("missing_value", 4, Some("first_name")),
            ("missing_value", 5, Some("last_name")),
            ("invalid_id", 6, Some("student_id")),
            ("invalid_id", 7, Some("guardian_id")),
            ("invalid_name", 8, Some("first_name")),
        ]
    );
    assert_eq!(file.summary().rejected, 7);
    assert!(file.guardians().is_empty());
}

#[test]
fn blank_rows_and_surplus_empty_fields() {
    let file = validate(csv(&[
        "001,G1,Ana,Diaz,ana@example.com,,,,,",
        ",,,,,,,",
        "002,G2,Bo,Li,bo@example.com,,",
    ]));
    assert_eq!(
        found(&file),
        [
            ("extra_empty_fields", 2, None),
            ("blank_row", 3, None),
            ("field_count", 4, None),
        ]
    );
    let s = file.summary();
    assert_eq!((s.rows, s.repaired, s.rejected, s.blank), (2, 1, 1, 1));
}

#[test]
fn home_phone_keeps_its_extension_mobile_warns() {
    let file = validate(csv(&[
        "001,G1,Ana,Diaz,ana@example.com,312 555 0142,312 555 0199 ext. 45,",
    ]));
    assert!(file.diagnostics().is_empty(), "{:?}", file.diagnostics());
    let ana = &file.guardians()[0];
    let home = ana.home_phone.as_ref().expect("home phone");
    assert_eq!(
        (home.e164(), home.extension()),
        ("+13125550199", Some("45"))
    );
}

#[test]
fn two_numbers_in_one_cell_and_foreign_numbers() {
    let file = validate(csv(&[
        "001,G1,Ana,Diaz,,312-555-0142 / 773-555-0100,,",
        "002,G2,Bo,Li,,+33 1 42 76 49 78,,",
        "003,G3,Cy,Ng,,011 52 55 1234 5678,,",
    ]));
    assert_eq!(
        found(&file)[..2],
        [
            ("multiple_values", 2, Some("mobile_phone")),
            ("no_contact", 2, None)
        ]
    );
    assert_eq!(
        file.guardian("G2")
            .and_then(|g| g.mobile_phone.as_ref())
            .map(|p| p.e164()),
        Some("+33142764978")
    );
    assert_eq!(
        file.guardian("G3")
            .and_then(|g| g.mobile_phone.as_ref())
            .map(|p| p.e164()),
        Some("+525512345678")
    );
}

#[test]
fn streaming_rows_carry_ids_even_when_rejected() -> Result<(), guardian_roster::Error> {
    let data = csv(&["00042,G1,Ana,Diaz,,,,"]);
    let mut reader = Reader::from_reader(data.as_bytes())?;
    let rows: Vec<_> = reader.rows().collect::<Result<_, _>>()?;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status(), RowStatus::Rejected);
    assert_eq!(rows[0].student_id().map(|s| s.as_str()), Some("00042"));
    assert_eq!(rows[0].guardian_id().map(|s| s.as_str()), Some("G1"));
    assert!(rows[0].guardian().is_none());
    Ok(())
}

#[test]
fn invalid_utf8_in_a_utf8_file_is_reported_and_the_next_row_read() {
    let mut data = csv(&[]).into_bytes();
    data.extend_from_slice("001,G1,Ana,Di\u{e1}z,ana@example.com,,,\n".as_bytes());
    data.extend_from_slice(b"002,G2,Jos\xe9,Li,jose@example.com,,,\n");
    data.extend_from_slice(b"003,G3,Cy,Ng,cy@example.com,,,\n");
    let file = validate(data);
    assert_eq!(found(&file), [("invalid_text", 3, Some("first_name"))]);
    assert_eq!(file.guardians().len(), 2);
}

#[test]
fn unicode_white_space_around_cells_is_trimmed_and_letters_are_kept() {
    let data = csv(&[
        "\u{a0}004\u{a0},G4,\u{3000}Zo\u{eb} ,\u{c9}clair\u{2003},zoe@example.com,,,",
        "005,G5,Ana\u{e9},\u{e9}Li,ana@example.com,,,",
    ]);
    let file = validate(data);
    assert_eq!(found(&file), []);
    let names: Vec<(&str, &str)> = file
        .guardians()
        .iter()
        .map(|g| (g.first_name.as_str(), g.last_name.as_str()))
        .collect();
    assert_eq!(
        names,
        [("Zo\u{eb}", "\u{c9}clair"), ("Ana\u{e9}", "\u{e9}Li")]
    );
    let students: Vec<&str> = file.links().iter().map(|l| l.student_id.as_str()).collect();
    assert_eq!(students, ["004", "005"]);
}

#[test]
fn a_character_split_across_two_cells_is_invalid_in_both() {
    // The two cells' bytes, side by side, would spell "José Li": each cell
    // alone is broken, and each is reported.
    // The first row makes the file read as UTF-8.
    let mut data = csv(&[]).into_bytes();
    data.extend_from_slice("000,G0,Zo\u{eb},M\u{fc}ller-D\u{ed}az,ana@example.com,,,\n".as_bytes());
    data.extend_from_slice(b"001,G1,Jos\xc3,\xa9Li,jose@example.com,,,\n");
    data.extend_from_slice(b"002,G2,Cy,Li,cy@example.com,,,\n");
    let file = validate(data);
    assert_eq!(
        found(&file),
        [
            ("invalid_text", 3, Some("first_name")),
            ("invalid_text", 3, Some("last_name"))
        ]
    );
    assert_eq!(file.guardians().len(), 2);
}

#[test]
fn a_placeholder_address_is_read_as_no_email() {
    let file = validate(csv(&[
        "001,G1,Ana,Li,noemail@school.org,312-555-0142,,",
        "002,G2,Bo,Li,none@none.com,,,",
        "003,G3,Cy,Li,cy@example.com,,,",
    ]));
    assert_eq!(
        found(&file),
        [
            ("placeholder", 2, Some("email")),
            ("placeholder", 3, Some("email")),
            ("no_contact", 3, None),
        ]
    );
    let ana = file.guardian("G1").expect("G1 has a mobile");
    assert_eq!(ana.email, None);
    assert_eq!(
        ana.mobile_phone.as_ref().map(|p| p.e164()),
        Some("+13125550142")
    );
    assert!(file.guardian("G2").is_none());
    // Two guardians with the same placeholder share no email.
    assert_eq!(file.summary().by_code.get("shared_email"), None);
}

#[test]
fn spreadsheet_error_values_are_named_not_kept() {
    let file = validate(csv(&[
        "#N/A,G1,Ana,Li,ana@example.com,,,",
        "002,#REF!,Bo,Li,bo@example.com,,,",
        "003,G3,#NAME?,Li,cy@example.com,,,",
        "004,G4,Di,Li,#N/A,#VALUE!,,#n/a",
        "005,G5,Ed,Li,ed@example.com,,,#DIV/0!",
    ]));
    assert_eq!(
        found(&file),
        [
            ("invalid_id", 2, Some("student_id")),
            ("invalid_id", 3, Some("guardian_id")),
            ("invalid_name", 4, Some("first_name")),
            ("invalid_email", 5, Some("email")),
            ("invalid_phone", 5, Some("mobile_phone")),
            ("unknown_language", 5, Some("language")),
            ("no_contact", 5, None),
            ("unknown_language", 6, Some("language")),
        ]
    );
    let message = &file.diagnostics()[0].message();
    assert!(
        message.contains("#N/A is a spreadsheet error value"),
        "{message}"
    );
    // The guardian with only a lost language is kept, without one.
    let ed = file.guardian("G5").expect("G5 is usable");
    assert_eq!(ed.language, None);
    assert_eq!(file.summary().rejected, 4);
}

#[test]
fn a_misspelt_language_is_unknown_with_the_name_it_probably_meant() {
    let file = validate(csv(&[
        "001,G1,Ana,Diaz,ana@example.com,,,Portugese",
        "002,G2,Bo,Li,bo@example.com,,,Portugese",
        "003,G3,Cy,Ng,cy@example.com,,,Gaelic-ish",
    ]));
    assert_eq!(
        common::suggested(&file),
        [
            ("unknown_language", 2, Some("Portuguese")),
            ("unknown_language", 3, Some("Portuguese")),
            ("unknown_language", 4, None),
        ]
    );
    assert_eq!(
        file.diagnostics()[1].message(),
        "Line 3: the language \"Portugese\" is not a language this import recognises; \
         did you mean Portuguese? Write it as Portuguese or its code; the guardian keeps no \
         language preference"
    );
    // Never applied: the guardian keeps no language.
    assert_eq!(
        file.guardian("G1").map(|g| g.language.is_none()),
        Some(true)
    );
    assert_eq!(file.summary().repaired, 3);
}

#[test]
fn a_cell_naming_two_languages_or_none_is_said_so() {
    let file = validate(csv(&[
        "001,G1,Ana,Diaz,ana@example.com,,,English; Spanish",
        "002,G2,Bo,Li,bo@example.com,,,Spanish and English",
        "003,G3,Cy,Ng,cy@example.com,,,Other",
        "004,G4,Di,Ox,di@example.com,,,Declined to state",
        "005,G5,Ed,Po,ed@example.com,,,Filipino/Tagalog",
        "006,G6,Fe,Qu,fe@example.com,,,Spanish/Español",
        "007,G7,Gu,Ro,gu@example.com,,,Eng/Span",
    ]));
    assert_eq!(
        common::found(&file),
        [
            ("unknown_language", 2, Some("language")),
            ("unknown_language", 3, Some("language")),
            ("placeholder", 4, Some("language")),
            ("placeholder", 5, Some("language")),
            ("unknown_language", 8, Some("language")),
        ]
    );
    assert_eq!(
        file.diagnostics()[0].message(),
        "Line 2: the language cell \"English; Spanish\" names more than one language; keep \
         only the one the guardian prefers to read; the guardian keeps no language preference"
    );
    assert_eq!(
        file.diagnostics()[2].message(),
        "Line 4: the language Other is a placeholder, read as empty"
    );
    // One language under two names is that language.
    let language = |id: &str| file.guardian(id).and_then(|g| g.language.clone());
    assert_eq!(language("G5").as_ref().map(|l| l.as_str()), Some("fil"));
    assert_eq!(language("G6").as_ref().map(|l| l.as_str()), Some("es"));
    // Nothing is guessed for the others; every guardian is still kept.
    assert_eq!(language("G1"), None);
    assert_eq!(language("G3"), None);
    assert_eq!(file.guardians().len(), 7);
}

#[test]
fn a_row_of_one_field_may_be_a_note() {
    let file = validate(csv(&[
        "001,G1,Ana,Diaz,ana@example.com,,,",
        "Total records: 1",
    ]));
    assert_eq!(common::found(&file), [("field_count", 3, None)]);
    assert_eq!(
        file.diagnostics()[0].message(),
        "Line 3: the row has 1 field but the header has 8; it may be a note or a total \
         rather than a guardian, or the file's delimiter (comma) is not used on this row"
    );
}

#[test]
fn a_label_beside_a_phone_number_is_named_with_the_number_without_it() {
    let file = validate(csv(&[
        "001,G1,Ana,Diaz,ana@example.com,Cell: (312) 555-0142,Tel. 312-555-0199,",
        "002,G2,Bo,Li,bo@example.com,312-555-0143 (Home),312-555-0198 ext 4 (work),",
        "003,G3,Cy,Ng,cy@example.com,C: 312-555-014,,",
        "004,G4,Di,Ox,di@example.com,call after 5 312-555-0146,,",
        "005,G5,Ed,Po,ed@example.com,Celular +52 55 1234 5678,,",
        "006,G6,Fe,Qu,fe@example.com,Cell: 312-555-0150 / Home: 312-555-0151,,",
    ]));
    // Letters are refused (never read as keypad digits); a label is named,
    // with the number without it as the suggestion.
    assert_eq!(
        common::suggested(&file),
        [
            ("invalid_phone", 2, Some("+13125550142")),
            ("invalid_phone", 2, Some("+13125550199")),
            ("invalid_phone", 3, Some("+13125550143")),
            ("invalid_phone", 3, Some("+13125550198;ext=4")),
            // What is left is named for what it is.
            ("invalid_phone", 4, None),
            // Not a label.
            ("invalid_phone", 5, None),
            ("invalid_phone", 6, Some("+525512345678")),
            ("multiple_values", 7, None),
        ]
    );
    let messages: Vec<String> = file.diagnostics().iter().map(|d| d.message()).collect();
    assert_eq!(
        messages[0],
        "Line 2: the mobile phone Cell: (312) 555-0142 carries a label (Cell); write only the \
         number, +13125550142"
    );
    assert_eq!(
        messages[2],
        "Line 3: the mobile phone 312-555-0143 (Home) carries a label (Home); write only the \
         number, +13125550143; the label says it is a home or work number, so check that it \
         receives text messages"
    );
    assert_eq!(
        messages[4],
        "Line 4: the mobile phone C: 312-555-014 is too short to be a US number"
    );
    assert_eq!(
        messages[5],
        "Line 5: the mobile phone call after 5 312-555-0146 contains letters; write only the number"
    );
    assert_eq!(file.summary().rejected, 6);
}

#[test]
fn an_email_domain_one_slip_from_a_large_provider_is_a_likely_typo() {
    let file = validate(csv(&[
        "001,G1,Ana,Diaz,Ana.Diaz@gmaul.com,,,",
        "002,G2,Bo,Li,bo@outlook.comm,,,",
        "003,G3,Cy,Ng,cy@ymail.com,,,",
        "004,G4,Di,Ox,di@gmial.com,,,",
    ]));
    assert_eq!(
        common::suggested(&file),
        [
            ("email_typo", 2, Some("Ana.Diaz@gmail.com")),
            ("email_typo", 3, Some("bo@outlook.com")),
            ("email_typo", 5, Some("di@gmail.com")),
        ]
    );
    assert_eq!(
        file.diagnostics()[0].message(),
        "Line 2: the email Ana.Diaz@gmaul.com may be a typo for gmail.com; it is kept as \
         written, so check it with the family"
    );
    // Kept as written: a warning, not a repair.
    assert_eq!(
        file.guardian("G1")
            .and_then(|g| g.email.as_ref().map(|e| e.as_str().to_owned())),
        Some("Ana.Diaz@gmaul.com".to_owned())
    );
    assert_eq!(file.summary().repaired, 3);
}

#[test]
fn a_quote_closed_lines_later_names_the_lines_it_swallowed() {
    for end in ["\n", "\r\n"] {
        let text = [
            common::HEADER,
            "001,G1,\"Ana,Diaz,ana@example.com,,,",
            "002,G2,Bo,Li,bo@example.com,,,",
            "003,G3,Cy,Ng,cy@example.com,,,",
            "004,G4,Di,\"Ox\" Jr,di@example.com,,,",
            "005,G5,Ed,Po,ed@example.com,,,",
            "",
        ]
        .join(end);
        let file = validate(text);
        assert_eq!(
            common::found(&file),
            [("unterminated_quote", 2, None)],
            "{end:?}"
        );
        assert_eq!(
            file.diagnostics()[0].message(),
            "Line 2: a double quote opened on this line is closed only on line 5, so lines 3 to \
             5 were read as part of one cell of this row, not as rows of their own; fix the quote \
             (a quote inside a value is written twice) and upload again"
        );
        // The row after the quote is read from its own line.
        assert_eq!(file.links().iter().map(|l| l.line).collect::<Vec<_>>(), [6]);
        assert_eq!(file.summary().rows, 2);
    }
}

#[test]
fn field_count_names_the_files_delimiter() {
    let file = validate(
        "student_id;guardian_id;first_name;last_name;email;mobile_phone\n\
         001;G1;Ana;Diaz, Jr;ana@example.com\n",
    );
    assert_eq!(
        file.diagnostics()[0].message(),
        "Line 2: the row has 5 fields but the header has 6; a delimiter is missing or extra \
         (a value with a semicolon in it must be in double quotes)"
    );
}

#[test]
fn a_name_garbled_by_a_wrong_encoding_is_named_with_what_it_reads() {
    let file = validate(csv(&[
        "001,G1,JosÃ©,MuÃ±oz,jose@example.com,,,",
        "002,G2,João,Ãngel,joao@example.com,,,",
        "003,G3,Ana,Li,ana@example.com,,,EspaÃ±ol",
    ]));
    assert_eq!(
        common::suggested(&file),
        [
            ("garbled_text", 2, Some("José")),
            ("garbled_text", 2, Some("Muñoz")),
            ("unknown_language", 4, Some("Español")),
        ]
    );
    assert_eq!(
        file.diagnostics()[0].message(),
        "Line 2: the guardian's first name JosÃ© looks garbled by a wrong text encoding \
         (UTF-8 read as Windows-1252), probably José; it is kept as written: correct it in the \
         SIS, or export the file again as UTF-8"
    );
    // Kept as written, never replaced by a guess.
    assert_eq!(
        file.guardian("G1").map(|g| g.first_name.to_string()),
        Some("JosÃ©".to_owned())
    );
    assert_eq!(
        file.diagnostics()[0].redacted().suggestion.as_deref(),
        Some("J***")
    );
    assert_eq!(
        file.diagnostics()[2].message(),
        "Line 4: the language \"EspaÃ±ol\" looks garbled by a wrong text encoding (UTF-8 \
         read as Windows-1252), probably Español; write it as Español or export the file again \
         as UTF-8; the guardian keeps no language preference"
    );
    let s = file.summary();
    assert_eq!((s.valid, s.repaired), (1, 2));
}

#[test]
fn dummy_phone_numbers_are_placeholders_and_a_mexican_1_is_named() {
    let file = validate(csv(&[
        "001,G1,Ana,Diaz,ana@example.com,999-999-9999,(123) 456-7890,",
        "002,G2,Bo,Li,bo@example.com,+52 1 55 1234 5678,,",
        "003,G3,Cy,Ng,cy@example.com,+1 (555) 555-5555,312-555-0142,",
    ]));
    assert_eq!(
        common::suggested(&file),
        [
            ("placeholder", 2, None),
            ("placeholder", 2, None),
            ("invalid_phone", 3, Some("+525512345678")),
            ("placeholder", 4, None),
        ]
    );
    assert_eq!(
        file.diagnostics()[2].message(),
        "Line 3: the mobile phone +52 1 55 1234 5678 has the 1 after +52 that Mexican mobile \
         numbers no longer take (since 2019); write it as +525512345678"
    );
    // The placeholders leave the guardians their emails: rows 2 and 4 are used.
    assert_eq!((file.summary().repaired, file.summary().rejected), (2, 1));
    assert_eq!(
        file.guardian("G3")
            .and_then(|g| g.home_phone.as_ref())
            .map(|p| p.e164()),
        Some("+13125550142")
    );
}

#[test]
fn placeholder_names_are_kept_with_a_warning() {
    let file = validate(csv(&[
        "001,G1,N/A,Smith,s@example.com,,,",
        "002,G2,FNU,Nguyen,n@example.com,,,",
        "003,G3,Min,Na,m@example.com,,,",
        "004,G4,Ana,Unknown,a@example.com,,,",
        "005,G5,Marie,Parent,m.parent@example.com,,,",
    ]));
    assert_eq!(
        common::found(&file),
        [
            ("placeholder_name", 2, Some("first_name")),
            ("placeholder_name", 3, Some("first_name")),
            ("placeholder_name", 5, Some("last_name")),
        ]
    );
    assert_eq!(
        file.diagnostics()[0].message(),
        "Line 2: the guardian's first name N/A is a placeholder, not a name; it is kept as \
         written so the guardian can still be reached, but put the real name in the SIS"
    );
    // Kept: every guardian is usable ("Na" and "Parent" are surnames).
    assert_eq!(file.guardians().len(), 5);
    assert_eq!(
        file.guardian("G1").map(|g| g.first_name.as_str()),
        Some("N/A")
    );
    assert_eq!((file.summary().valid, file.summary().repaired), (2, 3));
}

#[test]
fn an_id_a_spreadsheet_turned_into_a_date_is_refused() {
    let file = validate(csv(&[
        "Jan-05,G1,Ana,Diaz,ana@example.com,,,",
        "002,1/5/2024,Bo,Li,bo@example.com,,,",
        "MAR-05,G3,Cy,Ng,cy@example.com,,,",
    ]));
    assert_eq!(
        common::found(&file),
        [
            ("invalid_id", 2, Some("student_id")),
            ("invalid_id", 3, Some("guardian_id")),
        ]
    );
    assert_eq!(
        file.diagnostics()[0].message(),
        "Line 2: the student ID Jan-05 looks like a date, which a spreadsheet makes of an ID \
         such as 1-5, so the ID is lost; export the file again with this column formatted as text"
    );
    assert_eq!(file.links().len(), 1);
    assert_eq!(file.links()[0].student_id.as_str(), "MAR-05");
}

#[test]
fn an_email_with_stray_punctuation_names_the_address() {
    let file = validate(csv(&["001,G1,Ana,Diaz,ana@example.com;,(312) 555-0142,,"]));
    let d = &file.diagnostics()[0];
    assert_eq!(
        (d.code.as_str(), d.line, d.suggestion.as_deref()),
        ("invalid_email", 2, Some("ana@example.com"))
    );
    assert_eq!(
        d.message(),
        "Line 2: the email ana@example.com; has stray punctuation next to the address; \
         write only the address (ana@example.com)"
    );
}

#[test]
fn invisible_characters_are_trimmed_at_the_edges_and_named_inside() {
    // At the edges of a name or a contact they are trimmed; at the edges of
    // an ID they are removed and named (`id_repaired`), since they make
    // another ID; inside, the value is refused.
    let file = validate(csv(&[
        // Zero-width spaces at the ends of cells, as copied from a web page.
        "00123\u{200b},G1,Ana\u{200b},Diaz,ana@example.com\u{200b},\u{200b}3125550142,,",
        // A byte-order mark where a second file was pasted on.
        "\u{feff}00124,G2,Bo,Li,bo@example.com,,,",
        "001\u{200b}25,G3,Cy,Ng,cy@exam\u{200b}ple.com,3125550143,,",
    ]));
    assert_eq!(
        found(&file),
        [
            ("id_repaired", 2, Some("student_id")),
            ("id_repaired", 3, Some("student_id")),
            ("invalid_id", 4, Some("student_id")),
            ("invalid_email", 4, Some("email")),
        ]
    );
    let ids: Vec<&str> = file.links().iter().map(|l| l.student_id.as_str()).collect();
    assert_eq!(ids, ["00123", "00124"]);
    let ana = file.guardian("G1").expect("G1 is usable");
    assert_eq!(ana.first_name, "Ana");
    assert_eq!(
        ana.email.as_ref().map(|e| e.as_str()),
        Some("ana@example.com")
    );
    assert_eq!(
        ana.mobile_phone.as_ref().map(|p| p.e164()),
        Some("+13125550142")
    );
    assert!(
        file.diagnostics()[3]
            .message()
            .contains("contains an invisible character"),
        "{}",
        file.diagnostics()[3].message()
    );
}

#[test]
fn swapped_email_and_phone_columns_are_named() {
    let file = validate(csv(&["001,G1,Ana,Diaz,(312) 555-0142,ana@example.com,,"]));
    let owned: Vec<(&str, String)> = file
        .diagnostics()
        .iter()
        .map(|d| (d.code.as_str(), d.message()))
        .collect();
    let messages: Vec<(&str, &str)> = owned.iter().map(|(c, m)| (*c, m.as_str())).collect();
    assert_eq!(
        messages,
        [
            (
                "invalid_email",
                "Line 2: the email (312) 555-0142 looks like a phone number, not an address; \
                 check that the email and phone columns are not swapped"
            ),
            (
                "invalid_phone",
                "Line 2: the mobile phone ana@example.com looks like an email address, not a \
                 phone number; check that the email and phone columns are not swapped"
            ),
            (
                "no_contact",
                "Line 2: the guardian has no usable email or mobile phone, so they could not \
                 log in or be notified; add one"
            ),
        ]
    );
}

/// A quote opened in an extra column and closed lines later swallowed
/// whole rows while the cells added up: "2 rows: 2 valid", and a full sync
/// would then unlink the swallowed rows' links. Named now, whatever the
/// column; an address on two lines is not.
#[test]
fn a_quote_closed_late_in_an_extra_column_names_the_lines_it_swallowed() {
    let text = "student_id,guardian_id,first_name,last_name,email,mobile_phone,notes\n\
                001,G1,Ana,Diaz,ana@example.com,,\"Mother\n\
                002,G2,Bo,Li,bo@example.com,,Father\n\
                003,G3,Cy,Ng,cy@example.com,,Aunt\"\n\
                004,G4,Di,Oz,di@example.com,,\"12 Main St,\nApt 4\"\n";
    let file = validate(text);
    assert_eq!(common::found(&file)[1..], [("unterminated_quote", 2, None)]);
    assert_eq!(
        file.diagnostics()[1].message(),
        "Line 2: a double quote opened on this line is closed only on line 4, so lines 3 to 4 were read as part of one cell of this row, not as rows of their own; fix the quote (a quote inside a value is written twice) and upload again"
    );
    // The address on two lines is a cell, and its row is used.
    assert_eq!(file.links().iter().map(|l| l.line).collect::<Vec<_>>(), [5]);
    let s = file.summary();
    assert_eq!((s.rows, s.valid, s.rejected), (2, 1, 1));
}
