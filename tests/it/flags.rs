//! Who is a guardian: contact exports' flag columns, as each SIS writes
//! them, are never ignored. Restricted contacts are never imported and
//! their roster links go in a full sync; non-guardians are left out, each
//! named on its line; the custodial parents beside them are imported as
//! before.

use crate::common;

use common::{plan_codes, unlinks};
use guardian_roster::{
    Applied, Code, DryRunOptions, Exclusion, InMemoryRoster, Outcome, ReaderBuilder, RowResult,
    RowStatus, StudentId, SyncMode, ValidatedFile, dry_run, results,
};

/// (code, line, column, value) of each diagnostic.
fn said(file: &ValidatedFile) -> Vec<(&'static str, u64, Option<&'static str>, Option<&str>)> {
    file.diagnostics()
        .iter()
        .map(|d| {
            (
                d.code.as_str(),
                d.line,
                d.column.map(|c| c.as_str()),
                d.value.as_deref(),
            )
        })
        .collect()
}

/// (guardian, student) of each link.
fn links(file: &ValidatedFile) -> Vec<(&str, &str)> {
    file.links()
        .iter()
        .map(|l| (l.guardian_id.as_str(), l.student_id.as_str()))
        .collect()
}

/// (line, guardian, student, why) of each excluded row.
fn excluded(file: &ValidatedFile) -> Vec<(u64, &str, &str, Exclusion)> {
    file.excluded_rows()
        .iter()
        .map(|r| {
            (
                r.line,
                r.guardian_id.as_str(),
                r.student_id.as_str(),
                r.exclusion,
            )
        })
        .collect()
}

#[test]
fn infinite_campus_census_guardian_y_n() {
    let file = common::validate(
        "\
Student Number,Contact Person ID,First Name,Last Name,Email,Cell Phone,Relationship,Guardian,Mailing
1001,P1,Maria,Lopez,maria@example.com,3125550101,Mother,Y,Y
1001,P2,Rosa,Lopez,rosa@example.com,3125550102,Grandmother,N,N
1001,P3,Tom,Neighbour,tom@example.com,3125550103,Neighbor,N,N
1002,P1,Maria,Lopez,maria@example.com,3125550101,Mother,Y,Y
",
    );
    assert_eq!(links(&file), [("P1", "1001"), ("P1", "1002")]);
    assert_eq!(
        file.guardians()
            .iter()
            .map(|g| g.guardian_id.as_str())
            .collect::<Vec<_>>(),
        ["P1"]
    );
    assert_eq!(
        excluded(&file),
        [
            (3, "P2", "1001", Exclusion::NotGuardian),
            (4, "P3", "1001", Exclusion::NotGuardian)
        ]
    );
    assert_eq!(
        said(&file),
        [
            ("unknown_column", 1, None, Some("Mailing")),
            ("not_a_guardian", 3, Some("guardian"), Some("N")),
            ("not_a_guardian", 4, Some("guardian"), Some("N")),
        ]
    );
    assert_eq!(
        file.diagnostics()[1].message(),
        "Line 3: the Guardian column says \"N\": this person is not a guardian of the student, so the row was not imported; if they are, mark them as a guardian in the SIS and export again"
    );
    let summary = file.summary();
    assert_eq!(
        (
            summary.rows,
            summary.valid,
            summary.repaired,
            summary.rejected,
            summary.excluded
        ),
        (4, 2, 0, 0, 2)
    );
    assert_eq!(file.rows()[1].status, RowStatus::Excluded);
    // The relationship rides on the link, for the application.
    assert_eq!(file.links()[0].relationship.as_deref(), Some("Mother"));
    // Flags are not warnings about the file: nothing is counted an error.
    assert!(!file.has_errors());
}

#[test]
fn powerschool_contacts_custodial_data_access_emergency_one_zero() {
    let file = common::validate(
        "\
Student_Number,Contact_ID,First_Name,Last_Name,Email,Cell_Phone,Custodial,Lives_With,Data_Access,Emergency_Contact
2001,C1,Ana,Diaz,ana@example.com,,1,1,1,1
2001,C2,Luis,Diaz,luis@example.com,,0,0,0,0
2001,C3,Eva,Soto,eva@example.com,,0,0,1,0
2001,C4,Ines,Soto,ines@example.com,,0,0,0,1
2001,C5,Pilar,Vega,pilar@example.com,,,,,1
",
    );
    // The mother (custody, access, and an emergency contact too) and the
    // father without custody who keeps access to records are imported.
    assert_eq!(links(&file), [("C1", "2001"), ("C3", "2001")]);
    assert_eq!(
        excluded(&file),
        [
            (3, "C2", "2001", Exclusion::NoCustodyNoAccess),
            (5, "C4", "2001", Exclusion::NoCustodyNoAccess),
            (6, "C5", "2001", Exclusion::NoCustodyNoAccess),
        ]
    );
    let notes: Vec<_> = said(&file)
        .into_iter()
        .filter(|d| d.0 == "not_a_guardian")
        .collect();
    assert_eq!(
        notes,
        [
            ("not_a_guardian", 3, Some("custodial"), Some("0")),
            ("not_a_guardian", 5, Some("custodial"), Some("0")),
            ("not_a_guardian", 6, Some("custodial"), None),
        ]
    );
    assert_eq!(
        file.diagnostics()
            .iter()
            .find(|d| d.line == 6)
            .map(|d| d.message()),
        Some("Line 6: the Custodial column is empty and the Data_Access column is empty: this person has neither custody nor access to the student's records, so the row was not imported; if they should be reached, correct the flags in the SIS".to_owned())
    );
}

#[test]
fn aeries_contact_type_and_court_order_checkboxes() {
    let file = common::validate(
        "\
Student ID,Parent ID,First Name,Last Name,Email,Mobile,Contact Type,Court Order
3001,A1,Kim,Park,kim@example.com,,Parent/Guardian,
3001,A2,Lee,Park,lee@example.com,,Emergency,
3001,A3,Jun,Park,jun@example.com,,Parent/Guardian,X
",
    );
    assert_eq!(links(&file), [("A1", "3001")]);
    assert_eq!(
        excluded(&file),
        [
            (3, "A2", "3001", Exclusion::EmergencyOnly),
            (4, "A3", "3001", Exclusion::Restricted)
        ]
    );
    assert_eq!(
        said(&file),
        [
            ("not_a_guardian", 3, Some("contact_type"), Some("Emergency")),
            ("contact_restricted", 4, Some("restricted"), Some("X")),
        ]
    );
    assert_eq!(
        file.diagnostics()[1].message(),
        "Line 4: the Court Order column says \"X\": this person is restricted for this student (a court order, a do-not-contact), so they were not imported or linked, whatever the other columns say"
    );
    // A restriction is loud: the file has an error.
    assert!(file.has_errors());
    assert_eq!(file.summary().excluded, 2);
    assert_eq!(file.summary().rejected, 0);
}

#[test]
fn skyward_guardian_custody_emergency_only_do_not_contact() {
    let file = common::validate(
        "\
Student ID,Guardian ID,Guardian First Name,Guardian Last Name,Guardian Email,Guardian Cell,Is Guardian,Has Custody,Emergency Only,Do Not Contact
4001,S1,Ann,Roe,ann@example.com,,Yes,Yes,No,No
4001,S2,Bob,Roe,bob@example.com,,Yes,No,No,Yes
4001,S3,Cal,Roe,cal@example.com,,No,No,Yes,No
4002,S2,Bob,Roe,bob@example.com,,Yes,No,No,No
",
    );
    // Bob is restricted for 4001 only: his link to 4002 stands.
    assert_eq!(links(&file), [("S1", "4001"), ("S2", "4002")]);
    assert_eq!(
        excluded(&file),
        [
            (3, "S2", "4001", Exclusion::Restricted),
            (4, "S3", "4001", Exclusion::NotGuardian)
        ]
    );
}

#[test]
fn synergy_flags_with_the_guardian_id_column() {
    let file = common::validate(
        "\
Student Perm ID,Parent ID,First Name,Last Name,Email,Cell,Educational Rights,Custody,Restricted
5001,6F9619FF,Mia,Cruz,mia@example.com,,TRUE,TRUE,FALSE
5001,7A1119FF,Leo,Cruz,leo@example.com,,FALSE,FALSE,FALSE
5001,8B2219FF,Ada,Cruz,ada@example.com,,TRUE,FALSE,maybe
",
    );
    assert_eq!(links(&file), [("6F9619FF", "5001")]);
    assert_eq!(
        excluded(&file),
        [(3, "7A1119FF", "5001", Exclusion::NoCustodyNoAccess)]
    );
    // A flag that is neither yes nor no is never guessed: the row is not
    // used, and full sync keeps what it may stand for.
    assert_eq!(
        said(&file),
        [
            ("not_a_guardian", 3, Some("custodial"), Some("FALSE")),
            ("invalid_flag", 4, Some("restricted"), Some("maybe")),
        ]
    );
    assert_eq!(
        file.diagnostics()[1].message(),
        "Line 4: the Restricted column holds maybe, which is neither yes nor no (Y/N, Yes/No, TRUE/FALSE, 1/0, or X/empty); the row was not used, a flag is never guessed: correct it in the SIS"
    );
    assert_eq!(file.rows()[2].status, RowStatus::Rejected);
    assert_eq!(file.rejected_rows()[0].line, 4);
}

#[test]
fn strict_headers_still_read_the_flags() {
    let data = "\
student_id,guardian_id,first_name,last_name,email,mobile_phone,Court Order
001,G1,Ana,Diaz,ana@example.com,,Y
";
    let file = ReaderBuilder::new()
        .strict_headers(true)
        .from_reader(data.as_bytes())
        .and_then(|r| r.validate())
        .expect("readable");
    assert!(file.links().is_empty(), "{:?}", file.diagnostics());
    assert_eq!(file.summary().excluded, 1);
}

#[test]
fn the_rule_can_be_relaxed_but_a_restriction_cannot() {
    let data = "\
student_id,guardian_id,first_name,last_name,email,mobile_phone,Emergency Contact,Restricted
001,G1,Ana,Diaz,ana@example.com,,Y,N
001,G2,Bo,Diaz,bo@example.com,,Y,Y
";
    let file = ReaderBuilder::new()
        .exclude_non_guardians(false)
        .from_reader(data.as_bytes())
        .and_then(|r| r.validate())
        .expect("readable");
    assert_eq!(links(&file), [("G1", "001")]);
    assert_eq!(excluded(&file), [(3, "G2", "001", Exclusion::Restricted)]);
}

#[test]
fn rows_of_one_link_that_disagree_on_the_flags_are_a_conflict() {
    let file = common::validate(
        "\
student_id,guardian_id,first_name,last_name,email,mobile_phone,Guardian
001,G1,Ana,Diaz,ana@example.com,,Y
002,G1,Ana,Diaz,ana@example.com,,Y
001,G1,Ana,Diaz,ana@example.com,,N
",
    );
    // Not first-row-wins: the link to 001 is not made; 002 is another
    // child, whose rows agree.
    assert_eq!(links(&file), [("G1", "002")]);
    assert_eq!(
        said(&file),
        [
            ("conflicting_flags", 2, None, Some("G1")),
            ("not_a_guardian", 4, Some("guardian"), Some("N")),
        ]
    );
    assert_eq!(
        file.diagnostics()[0].message(),
        "Line 2: guardian G1 and student 001 have rows that disagree on whether this person is a guardian: this row would link them, but the flags on line 4 leave them out or cannot be read; none of the rows was used: make the flags agree in the SIS"
    );
    assert_eq!(file.rows()[0].status, RowStatus::Rejected);
    assert_eq!(file.rows()[2].status, RowStatus::Excluded);
    let summary = file.summary();
    assert_eq!(
        (summary.valid, summary.rejected, summary.excluded),
        (1, 1, 1)
    );
}

const FLAGGED: &str = "\
student_id,guardian_id,first_name,last_name,email,mobile_phone,Guardian,Restricted
001,G1,Ana,Diaz,ana@example.com,,Y,N
001,G2,Luis,Diaz,luis@example.com,,Y,Y
002,G3,Eva,Soto,eva@example.com,,N,N
";

/// A roster where G2 and G3 are linked already (to 001 and 002), and
/// nine other families.
fn roster_with_links() -> InMemoryRoster {
    let mut rows = vec![
        "001,G1,Ana,Diaz,ana@example.com,,,".to_owned(),
        "001,G2,Luis,Diaz,luis@example.com,,,".to_owned(),
        "002,G3,Eva,Soto,eva@example.com,,,".to_owned(),
    ];
    for n in 10..19 {
        rows.push(format!("0{n},G{n},Kid,Lee,g{n}@example.com,,,"));
    }
    let current = common::validate(common::csv(
        &rows.iter().map(String::as_str).collect::<Vec<_>>(),
    ));
    let students = current
        .links()
        .iter()
        .map(|l| l.student_id.clone())
        .collect::<Vec<StudentId>>();
    InMemoryRoster::from_export(students, &current)
}

#[test]
fn an_additive_sync_names_a_restricted_contact_the_roster_links() {
    let file = common::validate(FLAGGED);
    let mut roster = roster_with_links();
    let plan = dry_run(&file, &mut roster, &DryRunOptions::default()).expect("in memory");
    assert_eq!(plan_codes(&plan), [("restricted_contact_linked", 3)]);
    assert_eq!(
        plan.diagnostics()[0].message(),
        "Line 3: the roster links guardian G2 to student 001, and this row flags them as restricted for that student; an additive sync removes no link: remove it in the application now, or run a full sync"
    );
    assert!(unlinks(&plan).is_empty());
    assert!(plan.has_errors());
}

#[test]
fn a_full_sync_removes_a_restricted_link_whatever_the_threshold() {
    let file = common::validate(FLAGGED);
    let mut roster = roster_with_links();
    let mut options = DryRunOptions::new();
    options.mode(SyncMode::Full);
    let plan = dry_run(&file, &mut roster, &options).expect("in memory");
    // The file leaves out nine families: far over the 10% threshold, so
    // their links (and G3's, not a guardian) are held; the restricted
    // link goes all the same.
    assert_eq!(unlinks(&plan), [("G2".to_owned(), "001".to_owned())]);
    assert_eq!(plan.summary().unlink, 1);
    assert_eq!(plan.summary().unlink_restricted, 1);
    assert_eq!(plan.summary().unlinks_held_by_threshold, 10);
    assert_eq!(
        plan_codes(&plan),
        [("deletion_threshold", 1), ("restricted_contact_linked", 3)]
    );
    assert_eq!(
        plan.diagnostics()[1].message(),
        "Line 3: the roster links guardian G2 to student 001, and this row flags them as restricted for that student: this full sync removes the link, whatever the deletion threshold; check it before Start Processing"
    );

    // Under the threshold, the non-guardian's link goes as an ordinary
    // removal beside it.
    options.max_unlink_percent(100.0);
    let plan = dry_run(&file, &mut roster, &options).expect("in memory");
    let removed = unlinks(&plan);
    assert_eq!(removed.len(), 11);
    assert!(removed.contains(&("G2".to_owned(), "001".to_owned())));
    assert!(removed.contains(&("G3".to_owned(), "002".to_owned())));
    assert_eq!(plan.summary().unlink_restricted, 1);

    // Applied, the results name both excluded rows.
    let applied: Applied =
        guardian_roster::apply(&plan, &mut roster, &guardian_roster::ApplyOptions::new())
            .expect("in memory");
    assert!(
        applied
            .outcomes()
            .iter()
            .all(|(_, outcome)| *outcome == Outcome::Applied)
    );
    assert!(
        !roster
            .all_links()
            .any(|(g, s)| g.as_str() == "G2" && s.as_str() == "001")
    );
    let results = results(&file, &plan, &applied).expect("the plan\'s upload");
    let rows: Vec<(u64, RowResult, Option<&str>)> = results
        .rows
        .iter()
        .map(|r| (r.line, r.result, r.reason.as_deref()))
        .collect();
    assert_eq!(
        rows,
        [
            (2, RowResult::Unchanged, None),
            (
                3,
                RowResult::Excluded,
                Some("contact_restricted: restricted")
            ),
            (4, RowResult::Excluded, Some("not_a_guardian: not_guardian")),
        ]
    );
    let mut csv = Vec::new();
    results.write_csv(&mut csv, b',').expect("written");
    let csv = String::from_utf8(csv).expect("UTF-8");
    assert!(
        csv.contains("\"3\",\"EXCLUDED\",\"contact_restricted: restricted\""),
        "{csv}"
    );
}

#[test]
fn the_flag_codes_have_stable_names() {
    // The codes of the flags, documented and stable.
    let names: Vec<&str> = [
        Code::InvalidFlag,
        Code::NotAGuardian,
        Code::ContactRestricted,
        Code::ConflictingFlags,
        Code::RestrictedContactLinked,
    ]
    .iter()
    .map(|c| c.as_str())
    .collect();
    assert_eq!(
        names,
        [
            "invalid_flag",
            "not_a_guardian",
            "contact_restricted",
            "conflicting_flags",
            "restricted_contact_linked"
        ]
    );
}

#[test]
fn an_unreadable_flag_is_never_guessed_either_way() {
    let file = common::validate(
        "\
student_id,guardian_id,first_name,last_name,email,mobile_phone,Guardian,Data Access,Restricted
001,G1,Ana,Diaz,ana@example.com,,N,maybe,N
002,G2,Bo,Li,bo@example.com,,Y,Y,unknown
002,G2,Bo,Li,bo@example.com,,Y,Y,N
",
    );
    // Guardian = N leaves Ana out whatever her access flag says; the
    // unreadable cell is still named.
    assert_eq!(excluded(&file), [(2, "G1", "001", Exclusion::NotGuardian)]);
    // Bo may be restricted for 002: the other row does not link him.
    assert!(links(&file).is_empty());
    assert_eq!(
        said(&file),
        [
            ("invalid_flag", 2, Some("data_access"), Some("maybe")),
            ("not_a_guardian", 2, Some("guardian"), Some("N")),
            ("invalid_flag", 3, Some("restricted"), Some("unknown")),
            ("conflicting_flags", 4, None, Some("G2")),
        ]
    );
    assert_eq!(
        file.diagnostics()[3].message(),
        "Line 4: guardian G2 and student 002 have rows that disagree on whether this person is a guardian: this row would link them, but the flags on line 3 leave them out or cannot be read; none of the rows was used: make the flags agree in the SIS"
    );
    let statuses: Vec<RowStatus> = file.rows().iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [
            RowStatus::Excluded,
            RowStatus::Rejected,
            RowStatus::Rejected
        ]
    );
}
