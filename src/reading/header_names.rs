//! The names districts give the columns of guardians.csv: a header cell
//! matched to a [`Column`], leniently (case, spaces and punctuation aside,
//! the synonyms SIS exports write) or strictly.

use crate::column::Column;

impl Column {
    /// Matches a header cell to a column.
    ///
    /// Leniently (the default), case, spaces, `_`, `-` and `.` are ignored and
    /// the synonyms districts write are accepted (`Parent ID`, `Cell Phone`,
    /// `Surname`...). Strictly, only the canonical names of the eight value
    /// columns match (case aside); the flag columns ([`Column::FLAGS`]) are
    /// matched by their synonyms either way.
    #[must_use]
    pub fn from_header(header: &str, strict: bool) -> Option<Column> {
        let header = header.trim();
        if strict {
            return Column::ALL
                .into_iter()
                .find(|c| c.as_str().eq_ignore_ascii_case(header))
                .or_else(|| flag_from_key(&header_key(header)));
        }
        let key = header_key(header);
        // Templates mark columns: "Home Phone (optional)", "Email*".
        let key = ["required", "optional"]
            .iter()
            .find_map(|mark| key.strip_suffix(mark))
            .filter(|rest| !rest.is_empty())
            .unwrap_or(&key);
        lookup(key).or_else(|| flag_from_key(key)).or_else(|| {
            // "Parent First Name", "Guardian Email", "Contact Cell"...
            ["parentguardian", "guardian", "parent", "contact", "primary"]
                .iter()
                .find_map(|prefix| key.strip_prefix(prefix))
                .and_then(|rest| match rest {
                    // "Guardian Name ID" is Skyward's.
                    "id" | "number" | "no" | "sisid" | "nameid" => Some(Column::GuardianId),
                    _ => lookup(rest),
                })
        })
    }
}

/// Lowercase, without spaces, `_`, `-`, `.`, nor the punctuation headers
/// carry (`/`, `#`, parentheses, `:`, `*`, quotes, a stray BOM).
pub(crate) fn header_key(header: &str) -> String {
    header
        .chars()
        .filter(|c| {
            // Any white space: a no-break space or a line break inside a
            // quoted header cell ("Student\nID") too.
            !c.is_whitespace()
                && !matches!(
                    c,
                    '_' | '-'
                        | '.'
                        | '\u{feff}'
                        | '\u{200b}'
                        | '"'
                        | '\''
                        | '/'
                        | '#'
                        | '('
                        | ')'
                        | ':'
                        | '*'
                )
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn lookup(key: &str) -> Option<Column> {
    let column = match key {
        "studentid" | "student" | "studentnumber" | "studentno" | "studentnum" | "stuid"
        | "studentsisid" | "sisstudentid" | "localstudentid" | "studentlocalid" | "pupilid"
        | "studentidnumber" | "studentcode" | "studentpersonid" | "sisstudentnumber"
        | "studentsisnumber" | "studentpermid" | "permid" => Column::StudentId,
        "guardianid" | "parentid" | "guardiansisid" | "sisguardianid" | "parentguardianid"
        | "contactid" | "guardiannumber" | "parentnumber" | "guardiancode" | "guardianpersonid"
        | "parentpersonid" | "contactpersonid" | "sisparentid" | "parentsisid" | "siscontactid"
        | "contactsisid" | "guardianlocalid" | "parentlocalid" | "localguardianid"
        | "localparentid" => Column::GuardianId,
        "firstname" | "first" | "givenname" | "fname" | "forename" => Column::FirstName,
        "lastname" | "last" | "surname" | "familyname" | "lname" => Column::LastName,
        "email" | "emailaddress" | "mail" | "emailaddr" | "primaryemail" => Column::Email,
        "mobilephone" | "mobile" | "mobilenumber" | "mobilephonenumber" | "cell" | "cellphone"
        | "cellnumber" | "cellphonenumber" | "sms" | "smsphone" | "smsnumber" | "textphone"
        | "textnumber" | "phonecell" | "phonemobile" | "cellularphone" | "mobileno" | "cellno" => {
            Column::MobilePhone
        }
        "homephone"
        | "home"
        | "homenumber"
        | "homephonenumber"
        | "phone"
        | "phonenumber"
        | "landline"
        | "telephone"
        | "otherphone"
        | "alternatephone"
        | "phonehome"
        | "homeno"
        | "homephoneno"
        | "hometel"
        | "hometelephone"
        | "telephonehome"
        | "householdphone"
        | "householdphonenumber"
        | "householdtelephone" => Column::HomePhone,
        "language"
        | "preferredlanguage"
        | "lang"
        | "homelanguage"
        | "languagepreference"
        | "preferredlang"
        | "correspondencelanguage"
        | "primarylanguage"
        | "languagecode"
        | "preferredlanguagecode"
        | "communicationlanguage"
        | "homeprimarylanguage"
        | "languagespokenathome"
        | "preferredcontactlanguage" => Column::Language,
        _ => return None,
    };
    Some(column)
}

/// A flag column by header key, with or without a person's prefix
/// (`Contact_relationship`, `Parent Custodial`).
fn flag_from_key(key: &str) -> Option<Column> {
    flag_lookup(key).or_else(|| {
        ["parentguardian", "guardian", "parent", "contact"]
            .iter()
            .find_map(|prefix| key.strip_prefix(prefix))
            .and_then(flag_lookup)
    })
}

/// The flag columns by header key (see [`header_key`]).
fn flag_lookup(key: &str) -> Option<Column> {
    let column = match key {
        "guardian" | "isguardian" | "legalguardian" | "guardianflag" | "guardianyn"
        | "isalegalguardian" | "islegalguardian" => Column::Guardian,
        "custodial" | "custody" | "hascustody" | "custodialparent" | "custodialguardian"
        | "iscustodial" | "custodialflag" => Column::Custody,
        "dataaccess"
        | "portalaccess"
        | "accesstorecords"
        | "educationalrights"
        | "hasdataaccess"
        | "recordsaccess"
        | "educationalrightsholder"
        | "accessrecords"
        | "canaccessrecords"
        | "hasportalaccess" => Column::Access,
        "emergencycontact"
        | "emergencyonly"
        | "emergencycontactonly"
        | "isemergencycontact"
        | "emergency"
        | "emergencyflag" => Column::Emergency,
        "contacttype" | "typeofcontact" | "contactkind" => Column::ContactType,
        "restricted" | "nocontact" | "donotcontact" | "courtorder" | "restrictedcontact"
        | "contactrestricted" | "isrestricted" | "restriction" | "restrainingorder"
        | "contactnotallowed" => Column::Restricted,
        "relationship"
        | "relation"
        | "relationtostudent"
        | "relationshiptostudent"
        | "relationshiptype" => Column::Relationship,
        _ => return None,
    };
    Some(column)
}

#[cfg(test)]
mod tests {
    use crate::column::{COLUMNS, Column};

    #[test]
    fn lenient_matching_accepts_what_districts_write() {
        let cases = [
            ("Student ID", Column::StudentId),
            ("STUDENT_ID", Column::StudentId),
            ("Parent ID", Column::GuardianId),
            ("guardian-id", Column::GuardianId),
            ("Parent First Name", Column::FirstName),
            ("Given Name", Column::FirstName),
            ("Surname", Column::LastName),
            ("Guardian Email", Column::Email),
            ("E-mail", Column::Email),
            ("Cell Phone", Column::MobilePhone),
            ("SMS", Column::MobilePhone),
            ("Parent Cell", Column::MobilePhone),
            ("Home Phone", Column::HomePhone),
            ("Preferred Language", Column::Language),
            ("\u{feff}student_id", Column::StudentId),
            ("Parent/Guardian ID", Column::GuardianId),
            ("Cell Phone #", Column::MobilePhone),
            ("Phone (Home)", Column::HomePhone),
            ("Phone (Cell)", Column::MobilePhone),
            ("Preferred Language Code", Column::Language),
            ("Student ID*", Column::StudentId),
            ("guardianPersonID", Column::GuardianId),
            ("Student_Number", Column::StudentId),
            ("Contact_ID", Column::GuardianId),
            ("homePrimaryLanguage", Column::Language),
            ("Language Spoken at Home", Column::Language),
            ("Preferred Contact Language", Column::Language),
            ("Home Tel", Column::HomePhone),
            ("Guardian Name ID", Column::GuardianId),
            ("Home Phone (optional)", Column::HomePhone),
            ("Student ID (Required)", Column::StudentId),
            ("SIS Parent ID", Column::GuardianId),
            ("Student\u{a0}ID", Column::StudentId),
            ("Student\r\nID", Column::StudentId),
            ("\u{200b}Email", Column::Email),
            ("Guardian Local ID", Column::GuardianId),
            ("Contact SIS ID", Column::GuardianId),
            ("Household Phone", Column::HomePhone),
            ("Student Perm ID", Column::StudentId),
        ];
        for (header, column) in cases {
            assert_eq!(Column::from_header(header, false), Some(column), "{header}");
        }
        assert_eq!(Column::from_header("Grade", false), None);
        // The student's own name is not the guardian's.
        assert_eq!(Column::from_header("Student First Name", false), None);
    }

    #[test]
    fn flag_columns_are_recognised_by_their_synonyms() {
        let cases = [
            ("Guardian", Column::Guardian),
            ("Is Guardian", Column::Guardian),
            ("Legal Guardian", Column::Guardian),
            ("Custodial", Column::Custody),
            ("Custody", Column::Custody),
            ("Has Custody", Column::Custody),
            ("Data Access", Column::Access),
            ("Portal Access", Column::Access),
            ("Access to Records", Column::Access),
            ("Educational Rights", Column::Access),
            ("Emergency Contact", Column::Emergency),
            ("Emergency Only", Column::Emergency),
            ("Contact Type", Column::ContactType),
            ("Contact_type", Column::ContactType),
            ("Restricted", Column::Restricted),
            ("No Contact", Column::Restricted),
            ("Do Not Contact", Column::Restricted),
            ("Court Order", Column::Restricted),
            ("Relationship", Column::Relationship),
            ("Contact_relationship", Column::Relationship),
            ("Guardian Relationship", Column::Relationship),
            ("Parent Custodial", Column::Custody),
        ];
        for (header, column) in cases {
            assert_eq!(Column::from_header(header, false), Some(column), "{header}");
            // A restriction is never ignored for its header's spelling.
            assert_eq!(Column::from_header(header, true), Some(column), "{header}");
            assert!(column.is_flag());
        }
        assert!(Column::ALL.iter().all(|c| !c.is_flag()));
        assert_eq!(Column::FLAGS.len() + Column::ALL.len(), COLUMNS);
        for (at, column) in Column::EVERY.iter().enumerate() {
            assert_eq!(column.index(), at, "{column}");
        }
        // Columns contacts exports carry that decide nothing here.
        assert_eq!(Column::from_header("Lives With", false), None);
        assert_eq!(Column::from_header("Mailing", false), None);
    }

    #[test]
    fn strict_matching_takes_canonical_names_only() {
        assert_eq!(
            Column::from_header("mobile_phone", true),
            Some(Column::MobilePhone)
        );
        assert_eq!(
            Column::from_header(" Mobile_Phone ", true),
            Some(Column::MobilePhone)
        );
        assert_eq!(Column::from_header("Cell Phone", true), None);
        assert_eq!(Column::from_header("mobilephone", true), None);
    }
}
