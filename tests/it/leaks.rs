//! `Debug` never prints personal data: a test formats `{:?}` of every
//! public type built from a file full of names, emails and phones, and
//! looks for each of them.

use crate::common;

use common::csv;
use guardian_roster::{
    DryRunOptions, Email, InMemoryRoster, PhoneParser, ReaderBuilder, Region, Row, StudentId,
    SyncMode, dry_run,
};

/// Every personal value of the files below, as written and normalised.
const PERSONAL: &[&str] = &[
    "Zelda",
    "ZELDA",
    "Quokkafish",
    "Bartholomew",
    "Xylander",
    "Ophelia",
    "Vantablack",
    "zelda.quokka",
    "ZELDA.QUOKKA",
    "bart.xylander",
    "ophelia.v",
    "555-0187",
    "5550187",
    "555.0142",
    "5550142",
    "555-0199",
    "5550199",
    "5550111",
];

fn assert_no_personal_data(what: &str, debug: &str) {
    for value in PERSONAL {
        assert!(
            !debug.contains(value),
            "{what} prints {value:?} in Debug: {debug}"
        );
    }
}

const UPLOAD: &[&str] = &[
    "001,G1,Zelda,Quokkafish,zelda.quokka@example.com,(312) 555-0187,312.555.0142,es",
    "002,G1,ZELDA,Quokkafish,ZELDA.QUOKKA@example.com,(312) 555-0187,312.555.0142,es",
    "001,G2,Bartholomew,Xylander,Bartholomew Xylander <bart.xylander@example.com>,C: 312-555-0199,,",
    "003,G3,Ophelia,Vantablack,mailto:ophelia.v@example.com,312-555-0111,,",
    "003,G4,Ophelia,Vantablack,zelda.quokka@example.com,,,",
    "004,G5,Ophelia,Vantablack,ophelia.v@example.com,+52 1 55 1234 5678,,",
];

#[test]
fn no_public_type_prints_a_name_an_email_or_a_phone_in_debug() {
    let file = common::validate(csv(UPLOAD));
    assert!(file.has_errors(), "the file carries problems");
    assert_no_personal_data("ValidatedFile", &format!("{file:?}"));
    for guardian in file.guardians() {
        assert_no_personal_data("Guardian", &format!("{guardian:?}"));
    }
    for diagnostic in file.diagnostics() {
        assert_no_personal_data("Diagnostic", &format!("{diagnostic:?}"));
    }

    let text = csv(UPLOAD);
    let mut reader = ReaderBuilder::new()
        .from_reader(text.as_bytes())
        .expect("reads");
    let mut row = Row::default();
    while reader.read_row(&mut row).expect("reads") {
        assert_no_personal_data("Row", &format!("{row:?}"));
    }

    // A roster that knows Zelda under old contacts: creates and updates.
    let current = common::validate(csv(&[
        "001,G1,Zelda,Quokkafish,zelda.q@example.org,(312) 555-0100,,en",
    ]));
    let mut roster =
        InMemoryRoster::from_export(["001", "002", "003", "004"].map(StudentId::from), &current);
    assert_no_personal_data("InMemoryRoster", &format!("{roster:?}"));
    let plan = dry_run(
        &file,
        &mut roster,
        DryRunOptions::new().mode(SyncMode::Full),
    )
    .expect("in memory");
    assert!(plan.summary().update_guardian + plan.summary().create_guardian > 0);
    assert_no_personal_data("Plan", &format!("{plan:?}"));
    for change in plan.changes() {
        assert_no_personal_data("Change", &format!("{change:?}"));
    }

    // Each error that carries a value.
    for raw in [
        "Bartholomew Xylander <bart.xylander@example.com>",
        "mailto:ophelia.v@example.com",
        "zelda.quokka@example.com;",
    ] {
        let error = Email::parse(raw).expect_err("refused");
        assert_no_personal_data("EmailError", &format!("{error:?}"));
    }
    let mut phones = PhoneParser::new(Region::US);
    for raw in [
        "C: 312-555-0199",
        "(312) 555-0187 cell",
        "+52 1 55 5550 1870",
    ] {
        let error = phones.parse(raw).expect_err("refused");
        assert_no_personal_data("PhoneError", &format!("{error:?}"));
    }
    let no_header = "Zelda,Quokkafish,zelda.quokka@example.com,(312) 555-0187\n";
    let error = ReaderBuilder::new()
        .from_reader(no_header.as_bytes())
        .expect_err("no header");
    assert_no_personal_data("Error", &format!("{error:?}"));
    assert_no_personal_data(
        "Error::to_diagnostic().redacted()",
        &error.to_diagnostic().redacted().message(),
    );
}

/// Every diagnostic the upload and its dry run make, redacted, and both
/// examples' text and JSON with `--redact`: no name, email or phone.
#[test]
fn redacted_output_carries_no_personal_value() {
    let mut rows = UPLOAD.to_vec();
    rows.extend([
        "003,G7,Ophelia,Vantablack,ophelia.v@example.com,,,",
        "05,G8,Ophelia,Vantablack,ophelia.v@example.org,,,",
    ]);
    let file = common::validate(csv(&rows));
    let current = common::validate(csv(&[
        "001,G1,Zelda,Quokkafish,zelda.q@example.org,(312) 555-0100,,en",
        "009,G9,Ophelia,Vantablack,ophelia.v@example.com,,,",
    ]));
    let mut roster =
        InMemoryRoster::from_export(["001", "002", "003", "005"].map(StudentId::from), &current);
    let plan = dry_run(
        &file,
        &mut roster,
        DryRunOptions::new().mode(SyncMode::Full),
    )
    .expect("in memory");
    let mut codes = std::collections::BTreeSet::new();
    for diagnostic in file.diagnostics().iter().chain(plan.diagnostics()) {
        codes.insert(diagnostic.code.as_str());
        let safe = diagnostic.redacted();
        let shown = format!("{} {:?} {:?}", safe.message(), safe.value, safe.suggestion);
        assert_no_personal_data(diagnostic.code.as_str(), &shown);
    }
    for code in [
        "name_case",
        "invalid_email",
        "invalid_phone",
        "shared_email",
        "email_in_use",
        "unknown_student",
    ] {
        assert!(codes.contains(code), "{code} in {codes:?}");
    }

    let current = ["001,G1,Zelda,Quokkafish,zelda.q@example.org,(312) 555-0100,,en"];
    for format in ["text", "json"] {
        let reports = run_examples(
            &format!("leaks-{format}"),
            &csv(&rows),
            &csv(&current),
            &["--redact", "--format", format],
            &["--mode", "full"],
        );
        for (example, stdout) in reports {
            assert!(stdout.len() > 200, "{example} {format}: {stdout}");
            assert_no_personal_data(&format!("{example} --redact --format {format}"), &stdout);
        }
    }
}

/// Runs the `validate` and `dry_run` examples on `upload` (the dry run
/// against a roster of students 001-004 and `current`), with `args`, and
/// `dry_run_args` for the dry run: each example's standard output.
fn run_examples(
    tag: &str,
    upload: &str,
    current: &str,
    args: &[&str],
    dry_run_args: &[&str],
) -> Vec<(&'static str, String)> {
    let dir = std::env::temp_dir().join(format!("guardian-roster-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        path.to_string_lossy().into_owned()
    };
    let upload = path("upload.csv", upload);
    let current = path("current.csv", current);
    let students = path("students.csv", "student_id\n001\n002\n003\n004\n");
    let roster = ["--students", &students, "--current", &current];
    [("validate", &[][..]), ("dry_run", &roster[..])]
        .into_iter()
        .map(|(example, own)| {
            let output = std::process::Command::new(common::example(example))
                .arg(&upload)
                .args(args)
                .args(own)
                .args(if example == "dry_run" {
                    dry_run_args
                } else {
                    &[]
                })
                .output()
                .expect("the example runs");
            (
                example,
                String::from_utf8_lossy(&output.stdout).into_owned(),
            )
        })
        .collect()
}

/// Escape sequences, BEL, the C1 CSI and BiDi overrides in a file reach no
/// terminal: `Display` of diagnostics and both examples' text reports show
/// them as escapes.
#[test]
fn terminal_control_characters_are_shown_not_sent() {
    let hostile: &[&str] = &[
        "001,G1\u{1b}[2J,Ana\u{7},Ruiz,ana@example.com,,,",
        "002,G2,Bo\u{1b}]8;;http://evil.example\u{7}click\u{1b}]8;;\u{7},Li,bo\u{202e}@example.com,,,",
        "003,G3,Cy\u{9b}2J,Ng,cy@example.com,,,x\u{1b}[31m",
        "004,G4,Di,Oz\u{202e}gnp.exe,di@example.com,,,",
    ];
    let file = common::validate(csv(hostile));
    let forbidden = ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'];
    let language = file
        .diagnostics()
        .iter()
        .find(|d| d.code.as_str() == "unknown_language")
        .expect("the language is not one");
    assert_eq!(
        language.to_string(),
        "warning[unknown_language] Line 4: the language \"x\\u{1b}[31m\" is not a language this import recognises; use a code such as es or zh-Hant or an English name such as Spanish; the guardian keeps no language preference"
    );
    for diagnostic in file.diagnostics() {
        let shown = diagnostic.to_string();
        assert!(
            !shown.contains(forbidden),
            "{:?} shows a control character: {shown:?}",
            diagnostic.code
        );
    }

    for (example, stdout) in run_examples("tty", &csv(hostile), &csv(&[]), &[], &[]) {
        assert!(
            !stdout.contains(forbidden),
            "{example} sends a control character: {stdout}"
        );
        assert!(stdout.contains("\\u{1b}"), "{example}: {stdout}");
    }
}

/// A BiDi override makes `G-12` show as another ID and an address as
/// another address: refused in IDs and emails, named in names.
#[test]
fn formatting_characters_are_refused_in_ids_and_emails_and_named_in_names() {
    let file = common::validate(csv(&[
        "001,G-12\u{202e},Ana,Ruiz,ana@example.com,,,",
        "002,G2,Bo,Li,bo\u{202e}moc.elpmaxe@evil.example,,,",
        "003,G3,Cy\u{2066},Ng,cy@example.com,,,",
        "004,G4,\u{645}\u{200c}\u{62d}\u{645}\u{62f},Ng,md@example.com,,,",
    ]));
    assert_eq!(
        common::found(&file),
        [
            ("invalid_text", 2, Some("guardian_id")),
            ("invalid_text", 3, Some("email")),
            ("no_contact", 3, None),
            ("hidden_character", 4, Some("first_name")),
        ]
    );
    assert_eq!(
        file.diagnostics()[0].message(),
        "Line 2: the guardian ID contains U+202E (a right-to-left or left-to-right control), which changes how it shows (two different values can look the same); type it again"
    );
    assert_eq!(file.summary().rejected, 2);
    // A joiner is how Persian names are written: no word.
    assert!(file.guardian("G4").is_some());
}

/// `"x"y` is read as `xy` by CSV: named on its cell, never silent.
#[test]
fn text_after_a_closing_quote_is_named() {
    let file = common::validate(csv(&[
        "001,G1,\"Ana\"Maria,Ruiz,ana@example.com,,,",
        "002,G2,Bo,\"Li\",bo@example.com,,,",
        "003,G3,Cy,Ng,\"cy@example.com\" ,,,",
    ]));
    assert_eq!(
        common::found(&file),
        [
            ("stray_quote", 2, Some("first_name")),
            ("stray_quote", 4, Some("email")),
        ]
    );
    assert_eq!(
        file.diagnostics()[0].message(),
        "Line 2: the first name has text after its closing double quote (\"x\"y is read as xy); check the value: a cell with a quote inside is written whole in quotes, the inner quote doubled (\"x\"\"y\")"
    );
    assert_eq!(file.summary().rejected, 0);
    assert_eq!(file.summary().repaired, 2);
}

/// A file ASCII but for an overlong or surrogate UTF-8 sequence is read as
/// Windows-1252 (the file says so), and the cell that held it says so too.
#[test]
fn overlong_and_surrogate_sequences_are_named_on_their_cells() {
    let mut data = csv(&["001,G1,Ana,Ruiz,ana@example.com,,,"]).into_bytes();
    data.extend_from_slice(b"002,G2,Bo\xc0\x80,Li,bo@example.com,,,\n");
    data.extend_from_slice(b"003,G3,Cy,Ng\xed\xa0\x80,cy@example.com,,,\n");
    let file = common::validate(&data);
    assert_eq!(
        common::found(&file),
        [
            ("encoding", 1, None),
            ("garbled_text", 3, Some("first_name")),
            ("garbled_text", 4, Some("last_name")),
        ]
    );
    assert!(
        file.diagnostics()[1]
            .message()
            .contains("look like broken UTF-8 (an overlong or surrogate sequence)")
    );
    // Real Windows-1252 names are not flagged.
    let latin = b"student_id,guardian_id,first_name,last_name,email,mobile_phone\n001,G1,Jos\xe9,Pe\xf1a,j@example.com,\n002,G2,\xc0lvaro,\xcdba\xf1ez,a@example.com,\n";
    let file = common::validate(latin);
    assert_eq!(common::found(&file), [("encoding", 1, None)]);
}

/// Emails that differ only in look-alike characters are one login to a
/// person; an address mixing alphabets in one part is named.
#[test]
fn look_alike_emails_are_named() {
    let file = common::validate(csv(&[
        "001,G1,Ana,Ruiz,paypal@example.com,,,",
        "002,G2,Bo,Li,p\u{430}ypal@example.com,,,",
        "003,G3,Cy,Ng,\u{ff50}aypal@example.com,,,",
        "004,G4,Di,Oz,ana@b\u{fc}cher.example,,,",
        "005,G5,Ed,Po,ana@xn--bcher-kva.example,,,",
        "006,G6,Fay,Qi,\u{43f}\u{440}\u{438}\u{43c}\u{435}\u{440}@example.com,,,",
    ]));
    assert_eq!(
        common::found(&file),
        [
            ("lookalike_email", 2, Some("email")),
            ("mixed_script_email", 3, Some("email")),
            ("lookalike_email", 3, Some("email")),
            ("lookalike_email", 4, Some("email")),
            ("lookalike_email", 5, Some("email")),
            ("lookalike_email", 6, Some("email")),
        ]
    );
    assert_eq!(
        file.diagnostics()[0].message(),
        "Line 2: guardian G1's email paypal@example.com looks the same as the email of guardians G2 (line 3) and G3 (line 4) but differs in look-alike characters (another alphabet's letters, full-width letters, or a domain in punycode); to a person they are one login: check which address is right"
    );
    // Warnings: every guardian is kept.
    assert_eq!(file.guardians().len(), 6);
}

/// A look-alike of an address two guardians share names both of them,
/// and each of them is warned once of the look-alike (and of the share).
#[test]
fn a_look_alike_of_a_shared_email_names_everyone_who_has_it() {
    let file = common::validate(csv(&[
        "001,G1,Ana,Ruiz,paypal@example.com,,,",
        "002,G2,Bo,Li,p\u{430}ypal@example.com,,,",
        "003,G3,Cy,Ng,PayPal@example.com,,,",
    ]));
    assert_eq!(
        common::found(&file),
        [
            ("shared_email", 2, Some("email")),
            ("lookalike_email", 2, Some("email")),
            ("mixed_script_email", 3, Some("email")),
            ("lookalike_email", 3, Some("email")),
            ("shared_email", 4, Some("email")),
            ("lookalike_email", 4, Some("email")),
        ]
    );
    assert!(
        file.diagnostics()[3]
            .message()
            .starts_with("Line 3: guardian G2's email p\u{430}ypal@example.com looks the same as the email of guardians G1 (line 2) and G3 (line 4)"),
        "{}",
        file.diagnostics()[3].message()
    );
}

/// Redaction masks the arguments of a message, not the substrings of a
/// sentence: a number or address a rule quotes in its own form (a
/// label's number in E.164, a `mailto:` link's address) is masked too,
/// and what is not personal (the label, the words) stays.
#[test]
fn redaction_masks_what_a_rule_quotes_in_its_own_form() {
    let file = common::validate(csv(&[
        "001,G1,Ana,Diaz,mailto:ana.diaz@example.com,Cell: (312) 555-0142,,",
        "002,G2,JosÃ©,Diaz,jose@example.com,,,",
    ]));
    let redacted: Vec<(String, String)> = file
        .diagnostics()
        .iter()
        .map(|d| (d.code.as_str().to_owned(), d.redacted().message()))
        .collect();
    assert_eq!(
        redacted,
        [
            (
                "invalid_email".to_owned(),
                "Line 2: the email m***@example.com starts with mailto: (copied from a link); \
                 write only the address (a***@example.com)"
                    .to_owned()
            ),
            (
                "invalid_phone".to_owned(),
                "Line 2: the mobile phone Ce***42 carries a label (Cell); write only the \
                 number, +1***42"
                    .to_owned()
            ),
            (
                "no_contact".to_owned(),
                "Line 2: the guardian has no usable email or mobile phone, so they could not log \
                 in or be notified; add one"
                    .to_owned()
            ),
            (
                "garbled_text".to_owned(),
                "Line 3: the guardian's first name J*** looks garbled by a wrong text encoding \
                 (UTF-8 read as Windows-1252), probably J***; it is kept as written: correct it \
                 in the SIS, or export the file again as UTF-8"
                    .to_owned()
            ),
        ]
    );
    // Unredacted, the same messages quote everything as written.
    assert_eq!(
        file.diagnostics()[1].message(),
        "Line 2: the mobile phone Cell: (312) 555-0142 carries a label (Cell); write only the \
         number, +13125550142"
    );
}

/// A diagnostic survives JSON: written with its message as a sentence,
/// read back equal, and its redaction still masks the value.
#[test]
fn a_diagnostic_read_back_from_json_is_equal_and_still_redacts() {
    let file = common::validate(csv(&["001,G1,Ana,Diaz,ana@example,,,"]));
    let diagnostic = &file.diagnostics()[0];
    let json = serde_json::to_string(diagnostic).expect("serialises");
    assert!(
        json.contains(r#""message":"Line 2: the email ana@example has no domain ending"#),
        "{json}"
    );
    let back: guardian_roster::Diagnostic = serde_json::from_str(&json).expect("reads back");
    assert_eq!(&back, diagnostic);
    assert_eq!(back.message(), diagnostic.message());
    assert_eq!(back.redacted().message(), diagnostic.redacted().message());
    assert!(!back.redacted().message().contains("ana@"));
}
