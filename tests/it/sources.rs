//! OneRoster 1.1, 1.2 and Clever exports read as sources: the same
//! guardians, links, diagnostics and plan as the guardians.csv of the same
//! district, every diagnostic traced to the source's file, line and column.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use guardian_roster::{
    DryRunOptions, ErrorKind, Format, InMemoryRoster, SourceOptions, StudentKey, SyncMode,
    ValidatedFile, detect_format, dry_run, read_source,
};
use proptest::prelude::*;

use crate::common::{csv, validate};

fn district(format: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/district")
        .join(format)
}

/// A fresh folder for one test's export.
fn scratch(tag: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "guardian-roster-src-{tag}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// An export folder of `files` (name, text).
fn export(tag: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = scratch(tag);
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write export file");
    }
    dir
}

const MANIFEST_11: &str = "propertyName,value\noneroster.version,1.1\nfile.users.csv,bulk\n";
const MANIFEST_DELTA: &str = "propertyName,value\noneroster.version,1.1\nfile.users.csv,delta\n";
const USERS_11: &str = "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password";

fn users(rows: &[&str]) -> String {
    let mut text = format!("{USERS_11}\n");
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text
}

/// (code, line, source spot) of each diagnostic.
fn spots(file: &ValidatedFile) -> Vec<(&'static str, u64, String)> {
    file.diagnostics()
        .iter()
        .map(|d| {
            let at = d.source.as_ref().map(|s| s.to_string()).unwrap_or_default();
            (d.code.as_str(), d.line, at)
        })
        .collect()
}

/// (guardian, student) of each link.
fn links(file: &ValidatedFile) -> Vec<(String, String)> {
    let mut links: Vec<(String, String)> = file
        .links()
        .iter()
        .map(|l| (l.guardian_id.to_string(), l.student_id.to_string()))
        .collect();
    links.sort();
    links
}

/// A plan's changes as JSON, without the lines (which each format counts
/// its own way).
fn changes_without_lines(plan: &guardian_roster::Plan) -> serde_json::Value {
    let mut changes = serde_json::to_value(plan.changes()).expect("changes serialise");
    if let Some(list) = changes.as_array_mut() {
        for change in list {
            if let Some(object) = change.as_object_mut() {
                object.remove("line");
            }
        }
    }
    changes
}

fn roster() -> InMemoryRoster {
    let current = validate(csv(&[
        "S003,P2,Bo,Li,bo.old@example.com,,,",
        "S004,P9,Old,Contact,old@example.com,,,",
    ]));
    InMemoryRoster::from_export(
        ["S001", "S002", "S003", "S004"]
            .into_iter()
            .map(|s| guardian_roster::StudentId::parse(s).expect("id").id),
        &current,
    )
}

#[test]
fn the_same_district_in_four_formats_gives_the_same_guardians_links_and_plan() {
    let formats = [
        ("guardians.csv", Format::GuardiansCsv),
        ("oneroster-1.1", Format::OneRoster11),
        ("oneroster-1.2", Format::OneRoster12),
        ("clever", Format::Clever),
    ];
    let mut seen = Vec::new();
    for (name, format) in formats {
        let path = district(name);
        assert_eq!(detect_format(&path).expect("detect"), format, "{name}");
        let file = read_source(&path).expect(name);
        assert_eq!(file.format(), format);
        let options = DryRunOptions::new().mode(SyncMode::Full).clone();
        let plan = dry_run(&file, &mut roster(), &options).expect("dry run");
        seen.push((
            name,
            file.guardians().to_vec(),
            links(&file),
            file.summary().guardians,
            changes_without_lines(&plan),
            plan.summary().clone(),
        ));
    }
    let (_, guardians, links, count, changes, summary) = &seen[0];
    assert_eq!(guardians.len(), 3);
    assert_eq!(*count, 3);
    assert_eq!(links.len(), 4);
    for other in &seen[1..] {
        assert_eq!(&other.1, guardians, "{}", other.0);
        assert_eq!(&other.2, links, "{}", other.0);
        assert_eq!(&other.4, changes, "{}", other.0);
        assert_eq!(&other.5, summary, "{}", other.0);
    }
    // P1 and P3 are new, P2's email changes; P9's link to S004 is held
    // by P4's rejected row for S004.
    let file = read_source(district("clever")).expect("clever");
    let options = DryRunOptions::new().mode(SyncMode::Full).clone();
    let plan = dry_run(&file, &mut roster(), &options).expect("dry run");
    let actions: Vec<(&str, String)> = plan
        .changes()
        .iter()
        .map(|c| (c.action(), c.guardian_id().to_string()))
        .collect();
    assert_eq!(
        actions,
        [
            ("create_guardian", "P1".to_owned()),
            ("create_guardian", "P3".to_owned()),
            ("update_guardian", "P2".to_owned()),
            ("link", "P1".to_owned()),
            ("link", "P1".to_owned()),
            ("link", "P3".to_owned()),
        ]
    );
}

#[test]
fn oneroster_diagnostics_name_users_csv_line_and_column() {
    let file = read_source(district("oneroster-1.1")).expect("read");
    assert_eq!(
        spots(&file),
        [
            ("invalid_email", 6, "users.csv line 10 (email)".to_owned()),
            ("no_contact", 6, "users.csv line 10".to_owned()),
        ]
    );
    let message = file.diagnostics()[0].message();
    assert!(
        message.starts_with("users.csv line 10 (email): the email dev@example"),
        "{message}"
    );
    assert_eq!(
        file.source_of(6, Some(guardian_roster::Column::StudentId))
            .map(|s| s.to_string()),
        Some("users.csv line 10 (agentSourcedIds)".to_owned())
    );
    // Serialised, the spot goes with the diagnostic and reads back.
    let json = serde_json::to_string(&file.diagnostics()[0]).expect("json");
    assert!(
        json.contains(r#""source":{"file":"users.csv","line":10,"column":"email"}"#),
        "{json}"
    );
    let back: guardian_roster::Diagnostic = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back, file.diagnostics()[0]);
}

#[test]
fn a_link_named_by_one_side_only_is_made_and_named() {
    let dir = export(
        "one-sided",
        &[
            ("manifest.csv", MANIFEST_11),
            (
                "users.csv",
                &users(&[
                    "S1,,,true,,student,,,Mia,Roe,,1001,,,,P1,,",
                    "S2,,,true,,student,,,Max,Roe,,1002,,,,,,",
                    "P1,,,true,,parent,,,Ann,Roe,,,ann@example.com,,,S2,,",
                ]),
            ),
        ],
    );
    let file = read_source(&dir).expect("read");
    assert_eq!(
        links(&file),
        [("P1".into(), "S1".into()), ("P1".into(), "S2".into())]
    );
    assert_eq!(
        spots(&file),
        [
            (
                "one_sided_link",
                2,
                "users.csv line 4 (agentSourcedIds)".to_owned()
            ),
            (
                "one_sided_link",
                3,
                "users.csv line 2 (agentSourcedIds)".to_owned()
            ),
        ]
    );
    assert_eq!(file.summary().repaired, 2);
}

#[test]
fn a_guardian_without_students_is_rejected_with_its_own_code() {
    let dir = export(
        "no-students",
        &[
            ("manifest.csv", MANIFEST_11),
            (
                "users.csv",
                &users(&[
                    "S1,,,true,,student,,,Mia,Roe,,1001,,,,,,",
                    "P1,,,true,,parent,,,Ann,Roe,,,ann@example.com,,,,,",
                ]),
            ),
        ],
    );
    let file = read_source(&dir).expect("read");
    assert_eq!(
        spots(&file),
        [(
            "guardian_without_students",
            2,
            "users.csv line 3 (agentSourcedIds)".to_owned()
        )]
    );
    assert_eq!((file.summary().rows, file.summary().rejected), (1, 1));
    assert!(file.guardians().is_empty());
}

#[test]
fn a_misspelled_agents_header_is_read_with_a_warning() {
    let header = USERS_11.replace("agentSourcedIds", "agentSourceIds");
    let dir = export(
        "agent-source-ids",
        &[
            ("manifest.csv", MANIFEST_11),
            (
                "users.csv",
                &format!(
                    "{header}\nS1,,,true,,student,,,Mia,Roe,,1001,,,,P1,,\nP1,,,TRUE,,Parent,,,Ann,Roe,,,ann@example.com,,,S1,,\n"
                ),
            ),
        ],
    );
    let file = read_source(&dir).expect("read");
    assert_eq!(links(&file), [("P1".into(), "S1".into())]);
    assert_eq!(
        spots(&file),
        [(
            "header_variant",
            1,
            "users.csv line 1 (agentSourceIds)".to_owned()
        )]
    );
}

#[test]
fn roles_left_out_by_the_options_are_excluded_not_lost() {
    let mut options = SourceOptions::new();
    options.guardian_roles(&["parent", "guardian"]);
    let file = options.read(district("oneroster-1.1")).expect("read");
    assert_eq!(file.summary().excluded, 1);
    assert_eq!(file.excluded_rows()[0].guardian_id.as_str(), "P3");
    let excluded: Vec<_> = spots(&file)
        .into_iter()
        .filter(|s| s.0 == "not_a_guardian")
        .collect();
    assert_eq!(
        excluded,
        [("not_a_guardian", 5, "users.csv line 9 (role)".to_owned())]
    );
    // 1.2 keeps roles in roles.csv: the same person is left out.
    let file = options.read(district("oneroster-1.2")).expect("read");
    assert_eq!(file.summary().excluded, 1);
}

#[test]
fn students_by_identifier_keep_their_leading_zeros() {
    let mut options = SourceOptions::new();
    options.student_key(StudentKey::Identifier);
    for name in ["oneroster-1.1", "oneroster-1.2", "clever"] {
        let file = options.read(district(name)).expect(name);
        let students: Vec<String> = links(&file).into_iter().map(|l| l.1).collect();
        assert_eq!(students, ["000101", "000102", "000103", "000103"], "{name}");
    }
}

#[test]
fn a_delta_deletes_only_what_it_marks_and_refuses_a_full_sync() {
    let dir = export(
        "delta",
        &[
            ("manifest.csv", MANIFEST_DELTA),
            (
                "users.csv",
                &users(&[
                    "P1,active,2026-11-01,true,,parent,,,Ann,Roe,,,ann@example.com,,,S1,,",
                    "P2,tobedeleted,2026-11-01,true,,parent,,,Bob,Roe,,,bob@example.com,,,S1,,",
                    "P3,inactive,2026-11-01,true,,guardian,,,Cy,Roe,,,cy@example.com,,,S2,,",
                ]),
            ),
        ],
    );
    let file = read_source(&dir).expect("read");
    assert!(file.is_delta());
    // S1 is not in a delta that did not change it: the link stands on the ID.
    assert_eq!(links(&file), [("P1".into(), "S1".into())]);
    assert_eq!(file.summary().excluded, 2);
    let codes: Vec<_> = spots(&file).into_iter().map(|s| (s.0, s.2)).collect();
    assert_eq!(
        codes,
        [
            ("deleted_in_source", "users.csv line 3".to_owned()),
            ("deleted_in_source", "users.csv line 4".to_owned()),
        ]
    );
    let mut roster = roster();
    let full = DryRunOptions::new().mode(SyncMode::Full).clone();
    let error = dry_run(&file, &mut roster, &full).expect_err("a delta is no full sync");
    assert!(matches!(error.kind(), ErrorKind::DeltaFullSync));
    assert_eq!(error.code().as_str(), "delta_full_sync");
    let additive = DryRunOptions::new().mode(SyncMode::Additive).clone();
    let plan = dry_run(&file, &mut roster, &additive).expect("additive");
    assert!(crate::common::unlinks(&plan).is_empty());
}

#[test]
fn a_parent_who_is_also_staff_is_imported_once_as_a_parent() {
    let dir = export(
        "staff-parent",
        &[
            ("manifest.csv", MANIFEST_11),
            (
                "users.csv",
                &users(&[
                    "S1,,,true,,student,,,Mia,Roe,,1001,,,,\"P1\",,",
                    "T7,,,true,,teacher,,,Ann,Roe,,T-7,ann@school.org,,,,,",
                    "P1,,,true,,parent,,,Ann,Roe,,,ann@example.com,,,S1,,",
                    "P1,,,true,,parent,,,Ann,Roe,,,ann@example.com,,,S1,,",
                ]),
            ),
        ],
    );
    let file = read_source(&dir).expect("read");
    assert_eq!(links(&file), [("P1".into(), "S1".into())]);
    assert_eq!(file.guardians().len(), 1);
    let codes: Vec<_> = spots(&file).into_iter().map(|s| (s.0, s.1)).collect();
    assert_eq!(codes, [("duplicate_row", 3)]);
}

#[test]
fn a_users_csv_cut_off_removes_nothing_in_a_full_sync() {
    let dir = export(
        "cut",
        &[
            ("manifest.csv", MANIFEST_11),
            (
                "users.csv",
                &format!(
                    "{USERS_11}\nS1,,,true,,student,,,Mia,Roe,,1001,,,,P1,,\nP1,,,true,,parent,,,Ann,Roe,,,ann@example.com,,,S1,,\nS004,,,true,,stud"
                ),
            ),
        ],
    );
    let file = read_source(&dir).expect("read");
    assert!(file.truncated_at().is_some());
    assert_eq!(
        spots(&file),
        [("truncated_file", 1, "users.csv line 4".to_owned())]
    );
    let full = DryRunOptions::new().mode(SyncMode::Full).clone();
    let plan = dry_run(&file, &mut roster(), &full).expect("dry run");
    assert!(crate::common::unlinks(&plan).is_empty());
}

#[test]
fn a_missing_file_or_column_stops_the_export_with_its_name() {
    let dir = export(
        "no-agents",
        &[
            ("manifest.csv", MANIFEST_11),
            (
                "users.csv",
                "sourcedId,role,givenName,familyName\nP1,parent,Ann,Roe\n",
            ),
        ],
    );
    let error = read_source(&dir).expect_err("no agents");
    assert_eq!(error.code().as_str(), "missing_column");
    assert_eq!(
        error.to_string(),
        "users.csv has no agentSourcedIds column, which it must have (headers are case-sensitive); export it again from the rostering provider"
    );
    let dir = export("no-users", &[("manifest.csv", MANIFEST_11)]);
    assert_eq!(detect_format(&dir).expect("detect"), Format::OneRoster11);
    let error = read_source(&dir).expect_err("no users");
    assert_eq!(error.code().as_str(), "unreadable_file");
    assert!(error.to_string().contains("no users.csv"), "{error}");
}

#[test]
fn a_zipped_export_reads_as_its_folder() {
    use std::io::Write;
    let dir = scratch("zip");
    let path = dir.join("oneroster.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).expect("zip file"));
    let options = zip::write::SimpleFileOptions::default();
    for name in ["manifest.csv", "users.csv", "roles.csv"] {
        let text = std::fs::read(district("oneroster-1.2").join(name)).expect("fixture");
        zip.start_file(format!("export/{name}"), options)
            .expect("entry");
        zip.write_all(&text).expect("write entry");
    }
    zip.finish().expect("finish zip");
    assert_eq!(detect_format(&path).expect("detect"), Format::OneRoster12);
    let zipped = read_source(&path).expect("zip");
    let folder = read_source(district("oneroster-1.2")).expect("folder");
    assert_eq!(zipped.guardians(), folder.guardians());
    assert_eq!(links(&zipped), links(&folder));
    assert_eq!(spots(&zipped), spots(&folder));
}

#[test]
fn clever_contacts_without_an_id_get_one_that_joins_shared_contacts() {
    let dir = export(
        "clever",
        &[(
            "students.csv",
            "School_id,Student_id,Student_number,Contact_name,Contact_type,Contact_phone,Contact_phone_type,Contact_email,Contact_relationship,Contact_sis_id\n\
             SCH1,S1,1001,Ann Roe,Primary,312-555-0142,Cell,ann@example.com,Mother,\n\
             SCH1,S2,1002,ANN  ROE,Primary,(312) 555-0142,Cell,Ann@Example.com,Mother,\n\
             SCH1,S2,1002,Zed Roe,Other,312-555-0100,Work,,Uncle,Z1\n\
             SCH1,S3,1003,,,,,,,\n",
        )],
    );
    assert_eq!(detect_format(&dir).expect("detect"), Format::Clever);
    let file = read_source(dir.join("students.csv")).expect("read");
    assert_eq!(file.guardians().len(), 1);
    let id = file.guardians()[0].guardian_id.to_string();
    assert!(id.starts_with("CLV-"), "{id}");
    assert_eq!(
        links(&file),
        [(id.clone(), "S1".into()), (id.clone(), "S2".into())]
    );
    let codes: Vec<_> = spots(&file).into_iter().map(|s| (s.0, s.1, s.2)).collect();
    assert_eq!(
        codes,
        [
            (
                "unstable_contact_id",
                2,
                "students.csv line 2 (Contact_sis_id)".into()
            ),
            ("name_split", 2, "students.csv line 2 (Contact_name)".into()),
            (
                "unstable_contact_id",
                3,
                "students.csv line 3 (Contact_sis_id)".into()
            ),
            ("name_split", 3, "students.csv line 3 (Contact_name)".into()),
            ("name_case", 3, "students.csv line 3 (Contact_name)".into()),
            ("name_case", 3, "students.csv line 3 (Contact_name)".into()),
            (
                "not_a_guardian",
                4,
                "students.csv line 4 (Contact_type)".into()
            ),
        ]
    );
    // The contact types that count are an option.
    let mut options = SourceOptions::new();
    options.guardian_contact_types(&["primary", "other"]);
    let file = options.read(dir.join("students.csv")).expect("read");
    assert_eq!(file.summary().excluded, 0);
    // Zed's only number is a work phone, which is no mobile: no way to
    // reach him, rejected (and his phone kept as the home phone).
    assert_eq!(file.summary().by_code.get("no_contact"), Some(&1));
    assert_eq!(file.guardians().len(), 1);
}

// ---- every rendering of a generated district agrees ----

/// A generated district: students, and guardians with their details and
/// students.
#[derive(Clone, Debug)]
struct District {
    students: usize,
    guardians: Vec<(u8, u8, bool, Vec<usize>)>,
}

const FIRST: [&str; 4] = ["Ana", "Bo", "Chloé", "Dev"];
const LAST: [&str; 4] = ["Díaz", "Li", "O'Brien", "Nguyen"];

fn district_strategy() -> impl Strategy<Value = District> {
    (1usize..5).prop_flat_map(|students| {
        let guardian = (
            0u8..4,
            0u8..4,
            any::<bool>(),
            proptest::collection::btree_set(0..students, 0..=students),
        )
            .prop_map(|(f, l, mobile, s)| (f, l, mobile, s.into_iter().collect::<Vec<_>>()));
        proptest::collection::vec(guardian, 1..5).prop_map(move |guardians| District {
            students,
            guardians,
        })
    })
}

impl District {
    fn email(g: usize) -> String {
        format!("guardian{g}@example.com")
    }

    fn mobile(g: usize) -> String {
        format!("312-555-01{g:02}")
    }

    fn guardians_csv(&self) -> String {
        let mut rows = Vec::new();
        for (g, (f, l, mobile, students)) in self.guardians.iter().enumerate() {
            for s in students {
                let phone = if *mobile {
                    Self::mobile(g)
                } else {
                    String::new()
                };
                rows.push(format!(
                    "S{s},P{g},{},{},{},{phone},,",
                    FIRST[*f as usize],
                    LAST[*l as usize],
                    Self::email(g)
                ));
            }
        }
        let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
        csv(&rows)
    }

    /// OneRoster users: students name their guardians, guardians their
    /// students (both sides, as the specification wants).
    fn users(&self, v12: bool) -> (String, String) {
        let header = if v12 {
            "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns"
        } else {
            USERS_11
        };
        let mut users = format!("{header}\n");
        let mut roles = String::from(
            "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId\n",
        );
        let role_cell = |role: &str| {
            if v12 {
                String::new()
            } else {
                format!("{role},")
            }
        };
        let tail = if v12 { ",,,,,," } else { "" };
        for s in 0..self.students {
            let agents: Vec<String> = self
                .guardians
                .iter()
                .enumerate()
                .filter(|(_, g)| g.3.contains(&s))
                .map(|(g, _)| format!("P{g}"))
                .collect();
            let org = if v12 { "" } else { "SCH1," };
            users.push_str(&format!(
                "S{s},,,true,{org}{}s{s},,Kid,Roe,,{s:04},,,,\"{}\",,{tail}\n",
                role_cell("student"),
                agents.join(",")
            ));
            roles.push_str(&format!("RS{s},,,S{s},primary,student,,,SCH1,\n"));
        }
        for (g, (f, l, mobile, students)) in self.guardians.iter().enumerate() {
            let agents: Vec<String> = students.iter().map(|s| format!("S{s}")).collect();
            let phone = if *mobile {
                Self::mobile(g)
            } else {
                String::new()
            };
            let org = if v12 { "" } else { "SCH1," };
            users.push_str(&format!(
                "P{g},,,true,{org}{}p{g},,{},{},,,{},{phone},,\"{}\",,{tail}\n",
                role_cell("parent"),
                FIRST[*f as usize],
                LAST[*l as usize],
                Self::email(g),
                agents.join(",")
            ));
            roles.push_str(&format!("RP{g},,,P{g},primary,parent,,,SCH1,\n"));
        }
        (users, roles)
    }

    fn clever(&self) -> String {
        let mut text = String::from(
            "School_id,Student_id,Student_number,Contact_name,Contact_type,Contact_phone,Contact_phone_type,Contact_email,Contact_relationship,Contact_sis_id\n",
        );
        for s in 0..self.students {
            text.push_str(&format!("SCH1,S{s},{s:04},,,,,,,\n"));
            for (g, (f, l, mobile, students)) in self.guardians.iter().enumerate() {
                if students.contains(&s) {
                    let phone = if *mobile {
                        Self::mobile(g)
                    } else {
                        String::new()
                    };
                    text.push_str(&format!(
                        "SCH1,S{s},{s:04},{} {},Primary,{phone},Cell,{},Parent,P{g}\n",
                        FIRST[*f as usize],
                        LAST[*l as usize],
                        Self::email(g)
                    ));
                }
            }
        }
        text
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// guardians.csv, OneRoster 1.1, 1.2 and Clever renderings of one
    /// district give the same guardians and links, and account for every
    /// guardian record.
    #[test]
    fn every_rendering_of_a_district_agrees(district in district_strategy()) {
        let reference = validate(district.guardians_csv());
        let (users_11, _) = district.users(false);
        let (users_12, roles) = district.users(true);
        let manifest_12 = "propertyName,value\noneroster.version,1.2\nfile.users.csv,bulk\n";
        let renderings = [
            export("p11", &[("manifest.csv", MANIFEST_11), ("users.csv", &users_11)]),
            export("p12", &[("manifest.csv", manifest_12), ("users.csv", &users_12), ("roles.csv", &roles)]),
            export("pcl", &[("students.csv", &district.clever())]),
        ];
        for dir in &renderings {
            let file = read_source(dir).expect("read");
            prop_assert_eq!(file.guardians(), reference.guardians(), "{}", file.format());
            prop_assert_eq!(links(&file), links(&reference), "{}", file.format());
            // A guardian without students is said, never silently gone.
            let alone = district.guardians.iter().filter(|g| g.3.is_empty()).count() as u64;
            if file.format() != Format::Clever {
                prop_assert_eq!(
                    file.summary().by_code.get("guardian_without_students").copied().unwrap_or(0),
                    alone
                );
            }
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[test]
fn an_additive_dry_run_of_a_delta_removes_the_links_it_deletes_and_no_other() {
    let dir = export(
        "delta-removes",
        &[
            ("manifest.csv", MANIFEST_DELTA),
            (
                "users.csv",
                &users(&[
                    // P2 is deleted: the roster's P2-S003 goes.
                    "P2,tobedeleted,2026-11-01,true,,guardian,,,Bo,Li,,,bo.li@example.com,,,S003,,",
                    // P1 is new; P9 (in the roster, linked to S004) is not
                    // in the delta at all: untouched.
                    "P1,active,2026-11-01,true,,parent,,,Ana,Díaz,,,ana@example.com,,,S001,,",
                ]),
            ),
        ],
    );
    let file = read_source(&dir).expect("read");
    let additive = DryRunOptions::new().mode(SyncMode::Additive).clone();
    let mut roster = roster();
    let plan = dry_run(&file, &mut roster, &additive).expect("dry run");
    assert_eq!(
        crate::common::unlinks(&plan),
        [("P2".to_owned(), "S003".to_owned())]
    );
    assert_eq!(plan.summary().unlink, 1);
    let applied = guardian_roster::start_processing(
        &file,
        &plan,
        &mut roster,
        &guardian_roster::ApplyOptions::new(),
    )
    .expect("applied");
    assert_eq!((applied.applied(), applied.stale()), (3, 0));
    let mut left: Vec<(String, String)> = roster
        .all_links()
        .map(|(g, s)| (g.to_string(), s.to_string()))
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            ("P1".to_owned(), "S001".to_owned()),
            ("P9".to_owned(), "S004".to_owned())
        ]
    );
}

#[test]
fn a_deleted_role_whose_link_another_record_makes_is_not_removed() {
    let dir = export(
        "delta-kept",
        &[
            ("manifest.csv", MANIFEST_DELTA),
            (
                "users.csv",
                &users(&[
                    "P2,tobedeleted,2026-11-01,true,,guardian,,,Bo,Li,,,bo.li@example.com,,,S003,,",
                    "P2,active,2026-11-02,true,,guardian,,,Bo,Li,,,bo.li@example.com,,,S003,,",
                ]),
            ),
        ],
    );
    let file = read_source(&dir).expect("read");
    let additive = DryRunOptions::new().mode(SyncMode::Additive).clone();
    let plan = dry_run(&file, &mut roster(), &additive).expect("dry run");
    // The two records disagree on the link: neither is used, and the
    // deletion is held, never guessed.
    assert!(crate::common::unlinks(&plan).is_empty());
    assert_eq!(
        file.summary().by_code.get("conflicting_flags").copied(),
        Some(1)
    );
    assert_eq!(crate::common::plan_codes(&plan), [("unlink_held", 2)]);
    assert_eq!(
        plan.diagnostics()[0].source.as_ref().map(|s| s.to_string()),
        Some("users.csv line 2".to_owned())
    );
    assert_eq!(plan.held_unlinks().len(), 1);
}

/// Cells of users.csv and students.csv, good and hostile.
fn source_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("S1".to_owned()),
        Just("S2".to_owned()),
        Just("P1".to_owned()),
        Just("parent".to_owned()),
        Just("student".to_owned()),
        Just("relative".to_owned()),
        Just("tobedeleted".to_owned()),
        Just("\"S1,S2\"".to_owned()),
        Just("\"P1, ,P1\"".to_owned()),
        Just("Ana".to_owned()),
        Just("ana@example.com".to_owned()),
        Just("312-555-0142".to_owned()),
        Just("Cell".to_owned()),
        Just("Emergency".to_owned()),
        Just("\"unclosed".to_owned()),
        Just("=\"007\"".to_owned()),
        Just("1.23E+11".to_owned()),
        "[a-zA-Z0-9 @.,;'\"\u{e9}\u{202e}\t-]{0,12}",
    ]
}

fn records(width: usize) -> impl Strategy<Value = Vec<Vec<String>>> {
    proptest::collection::vec(
        proptest::collection::vec(source_cell(), 0..=width + 1),
        0..8,
    )
}

fn join(header: &str, rows: &[Vec<String>], end: bool) -> String {
    let mut text = format!("{header}\n");
    for row in rows {
        text.push_str(&row.join(","));
        text.push('\n');
    }
    if !end {
        text.pop();
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Whatever users.csv or students.csv hold, reading never panics, and
    /// every row made is in exactly one of valid, repaired, rejected,
    /// excluded; a dry run of it never panics either.
    #[test]
    fn hostile_exports_never_panic_and_account_for_every_row(
        users in records(18),
        contacts in records(10),
        delta in any::<bool>(),
        end in any::<bool>(),
    ) {
        let manifest = if delta { MANIFEST_DELTA } else { MANIFEST_11 };
        let oneroster = export("hostile-or", &[
            ("manifest.csv", manifest),
            ("users.csv", &join(USERS_11, &users, end)),
        ]);
        let clever = export("hostile-cl", &[(
            "students.csv",
            &join(
                "School_id,Student_id,Student_number,Contact_name,Contact_type,Contact_phone,Contact_phone_type,Contact_email,Contact_relationship,Contact_sis_id",
                &contacts,
                end,
            ),
        )]);
        for dir in [&oneroster, &clever] {
            if let Ok(file) = read_source(dir) {
                let s = file.summary();
                prop_assert_eq!(s.rows, s.valid + s.repaired + s.rejected + s.excluded);
                prop_assert_eq!(s.rows as usize, file.rows().iter().filter(|r| r.status != guardian_roster::RowStatus::Blank).count());
                for d in file.diagnostics() {
                    if d.line > 1 {
                        prop_assert!(d.source.is_some(), "{} has no source spot", d.code);
                    }
                }
                let options = DryRunOptions::new().mode(SyncMode::Additive).clone();
                let _ = dry_run(&file, &mut roster(), &options);
            }
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[test]
fn an_export_stops_at_the_cancel_flag_and_reports_its_phases() {
    use std::sync::atomic::AtomicBool;
    use std::sync::{Arc, Mutex};
    let phases = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&phases);
    let mut control = guardian_roster::Control::new();
    control.progress(move |p| seen.lock().expect("lock").push(p.phase));
    let mut reader = guardian_roster::ReaderBuilder::new();
    reader.control(&control);
    let mut options = SourceOptions::new();
    options.reader(reader.clone());
    for name in ["oneroster-1.1", "clever"] {
        phases.lock().expect("lock").clear();
        options.read(district(name)).expect(name);
        let seen = phases.lock().expect("lock").clone();
        assert_eq!(
            seen.last(),
            Some(&guardian_roster::Phase::WholeFile),
            "{name}"
        );
    }
    let flag = Arc::new(AtomicBool::new(true));
    control.cancel_flag(flag);
    reader.control(&control);
    options.reader(reader);
    for name in ["oneroster-1.2", "clever"] {
        let error = options.read(district(name)).expect_err("cancelled");
        assert!(matches!(error.kind(), ErrorKind::Cancelled), "{name}");
    }
}
