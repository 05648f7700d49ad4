//! What each fuzz target does with its input, shared with `cargo test`,
//! which replays the kept corpus (`tests/it/corpus.rs`).

#![allow(dead_code)]

use guardian_roster::{
    DryRunOptions, Email, GuardianId, InMemoryRoster, Language, PhoneParser, ReaderBuilder, Region,
    StudentId, SyncMode, dry_run, write_errors_csv,
};

/// The reader over arbitrary bytes, with small limits so that long inputs
/// reach the limit paths; then the errors file.
pub fn reader(data: &[u8]) {
    let mut options = ReaderBuilder::new();
    options
        .max_field_bytes(256)
        .max_columns(16)
        .max_rows(2_000)
        .threads(1);
    let Ok(reader) = options.from_reader(data) else {
        return;
    };
    let Ok(file) = reader.validate() else {
        return;
    };
    let s = file.summary();
    assert_eq!(s.rows, s.valid + s.repaired + s.rejected);
    assert_eq!(file.rows().len() as u64, s.rows + s.blank);
    same_rows_as_checked_one_by_one(data, &options, &file);
    // Rendered for a terminal and for a log: no control, format or BiDi
    // character from the input gets through.
    for diagnostic in file.diagnostics() {
        for shown in [
            diagnostic.to_string(),
            diagnostic.redacted().to_string(),
            format!("{diagnostic:?}"),
        ] {
            assert!(
                !shown.chars().any(|c| c.is_control()
                    || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
                "a control character reaches the terminal: {shown:?}"
            );
        }
    }
    let mut out = Vec::new();
    let _ = write_errors_csv(data, &options, file.diagnostics(), &mut out);
}

/// `validate` skips the checks of a guardian's repeated cells; `rows`
/// checks every row in full. Apart from what only the whole file can say,
/// they must agree on every diagnostic and every rejection.
fn same_rows_as_checked_one_by_one(
    data: &[u8],
    options: &ReaderBuilder,
    file: &guardian_roster::ValidatedFile,
) {
    use guardian_roster::{Code, RowStatus};
    let Ok(mut reader) = options.from_reader(data) else {
        panic!("the input read once reads again");
    };
    let file_level = reader.file_diagnostics().len();
    let mut diagnostics = Vec::new();
    let mut statuses = Vec::new();
    // Rows whose only error is `no_contact`: another row of the guardian
    // may complete them, which only the whole file can say.
    let mut contactless = Vec::new();
    for row in reader.rows() {
        let Ok(row) = row else {
            panic!("the input read once reads again");
        };
        let errors: Vec<Code> = row
            .diagnostics()
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.code)
            .collect();
        contactless.push(errors == [Code::NoContact]);
        diagnostics.extend(row.diagnostics().iter().cloned());
        statuses.push(row.status());
    }
    let still: Vec<u64> = file
        .diagnostics()
        .iter()
        .filter(|d| d.code == Code::NoContact)
        .map(|d| d.line)
        .collect();
    diagnostics.retain(|d| d.code != Code::NoContact || still.contains(&d.line));
    let whole_file = |code: Code| {
        matches!(
            code,
            Code::ConflictingGuardian
                | Code::DuplicateRow
                | Code::SharedEmail
                | Code::SharedMobile
                | Code::NameCase
                | Code::NameVariant
                | Code::OptionalFieldDiffers
                | Code::RowsCompleted
        )
    };
    let from_rows: Vec<_> = file.diagnostics()[file_level..]
        .iter()
        .filter(|d| !whole_file(d.code))
        .cloned()
        .collect();
    assert!(from_rows == diagnostics, "validate and rows disagree");
    assert_eq!(statuses.len(), file.rows().len());
    for ((alone, outcome), contactless) in statuses.iter().zip(file.rows()).zip(contactless) {
        match alone {
            RowStatus::Rejected if contactless => {}
            RowStatus::Rejected | RowStatus::Blank | RowStatus::Excluded => {
                assert_eq!(*alone, outcome.status)
            }
            RowStatus::Repaired => assert!(outcome.status != RowStatus::Valid),
            RowStatus::Valid => {}
            _ => unreachable!("a status this harness does not know"),
        }
    }
}

/// Each value normaliser over arbitrary text.
pub fn values(data: &[u8]) {
    id(data);
    phone(data);
    email(data);
    language(data);
}

/// ID normalisation: no panic, idempotent, nothing but trimming and the
/// named repairs.
pub fn id(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(parsed) = StudentId::parse(text) {
        let again = StudentId::parse(parsed.id.as_str());
        assert!(matches!(&again, Ok(a) if a.id == parsed.id && a.repairs.is_empty()));
        assert!(!parsed.id.as_str().is_empty());
    }
    let _ = GuardianId::parse(text);
}

/// Phone parsing: no panic; a phone is `+` and at most 15 digits.
pub fn phone(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut phones = PhoneParser::new(Region::US);
    if let Ok(phone) = phones.parse(text) {
        assert!(phone.e164().starts_with('+'));
        assert!(phone.e164().len() <= 16);
        assert!(phone.e164()[1..].bytes().all(|b| b.is_ascii_digit()));
    }
}

/// Email checks: no panic; an accepted address has one `@` and a dot after it.
pub fn email(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(email) = Email::parse(text) {
        assert_eq!(email.as_str().matches('@').count(), 1);
        assert!(email.domain().contains('.'));
        assert_eq!(email.key(), email.as_str().to_lowercase());
    }
}

/// Language tags: no panic; an accepted tag is ASCII letters, digits, `-`.
pub fn language(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(language) = Language::parse(text) {
        assert!(
            language
                .as_str()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        );
    }
}

const HEADER: &str =
    "student_id,guardian_id,first_name,last_name,email,mobile_phone,home_phone,language\n";

/// The dry run over a roster and an upload cut from arbitrary bytes (at
/// the first 0xFF); applying the plan and running again changes nothing.
pub fn dry_run_law(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let split = rest.iter().position(|&b| b == 0xFF).unwrap_or(rest.len());
    let (current, upload) = (&rest[..split], rest.get(split + 1..).unwrap_or(&[]));
    let read = |body: &[u8]| {
        let mut bytes = HEADER.as_bytes().to_vec();
        bytes.extend_from_slice(body);
        ReaderBuilder::new()
            .threads(1)
            .max_rows(500)
            .from_reader(bytes.as_slice())
            .and_then(|r| r.validate())
    };
    let (Ok(current), Ok(upload)) = (read(current), read(upload)) else {
        return;
    };
    let students: Vec<StudentId> = current
        .links()
        .iter()
        .map(|l| l.student_id.clone())
        .chain(
            upload
                .links()
                .iter()
                .step_by(2)
                .map(|l| l.student_id.clone()),
        )
        .collect();
    let mut roster = InMemoryRoster::from_export(students, &current);
    let mut options = DryRunOptions::new();
    options
        .mode(if mode & 1 == 1 {
            SyncMode::Full
        } else {
            SyncMode::Additive
        })
        .max_unlink_percent(f64::from(mode >> 1));
    let Ok(plan) = dry_run(&upload, &mut roster, &options) else {
        panic!("an in-memory roster cannot fail");
    };
    guardian_roster::apply(&plan, &mut roster, &guardian_roster::ApplyOptions::new())
        .expect("in memory");
    let Ok(again) = dry_run(&upload, &mut roster, &options) else {
        panic!("an in-memory roster cannot fail");
    };
    assert!(again.changes().is_empty(), "{:?}", again.changes());
}
