//! The columns of guardians.csv and how header cells are matched to them:
//! the eight of the contract, and the flags a contacts export carries that
//! say who is a guardian.

use std::fmt;

use serde::Serialize;

/// One of the columns the guardians.csv contract defines.
///
/// The first eight ([`Column::ALL`]) are the guardian's and the link's
/// values. The rest ([`Column::FLAGS`]) are read from exports of all
/// contacts: they say whether the person on the row is a guardian at all
/// (see [`crate::ContactFlags`]), and are never ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Column {
    /// The student's ID, as the roster knows it. Required.
    StudentId,
    /// The guardian's ID in the SIS. Required.
    GuardianId,
    /// The guardian's first name. Required.
    FirstName,
    /// The guardian's last name. Required.
    LastName,
    /// Email, for login and notifications. This or the mobile is required.
    Email,
    /// Mobile phone, for login and SMS. This or the email is required.
    MobilePhone,
    /// Home phone, for records only. Optional column.
    HomePhone,
    /// Preferred language, for translation. Optional column.
    Language,
    /// Whether the contact is the student's guardian (`Guardian`, `Is
    /// Guardian`, `Legal Guardian`): Y/N. Optional flag column.
    Guardian,
    /// Whether the contact has custody (`Custodial`, `Custody`, `Has
    /// Custody`): Y/N. Optional flag column.
    Custody,
    /// Whether the contact may see the student's records (`Data Access`,
    /// `Portal Access`, `Access to Records`, `Educational Rights`): Y/N.
    /// Optional flag column.
    Access,
    /// Whether the contact is an emergency contact (`Emergency Contact`,
    /// `Emergency Only`): Y/N. Optional flag column.
    Emergency,
    /// The kind of contact as a word (`Contact Type`: `Emergency`,
    /// `Guardian`...); `Emergency` marks an emergency contact. Optional.
    ContactType,
    /// Whether the contact is restricted (`Restricted`, `No Contact`, `Do
    /// Not Contact`, `Court Order`): Y/N. Optional flag column.
    Restricted,
    /// The contact's relationship to the student (`Mother`, `Aunt`...):
    /// kept on the link for the application, never used to decide.
    /// Optional.
    Relationship,
}

/// How many columns there are, flags included.
pub(crate) const COLUMNS: usize = 15;

impl Column {
    /// The column of a guardian's field.
    pub(crate) fn of_field(field: crate::values::record::GuardianField) -> Column {
        match field {
            crate::values::record::GuardianField::FirstName => Column::FirstName,
            crate::values::record::GuardianField::LastName => Column::LastName,
            crate::values::record::GuardianField::Email => Column::Email,
            crate::values::record::GuardianField::MobilePhone => Column::MobilePhone,
            crate::values::record::GuardianField::HomePhone => Column::HomePhone,
            crate::values::record::GuardianField::Language => Column::Language,
        }
    }

    /// The eight value columns of guardians.csv, in the contract's order.
    pub const ALL: [Column; 8] = [
        Column::StudentId,
        Column::GuardianId,
        Column::FirstName,
        Column::LastName,
        Column::Email,
        Column::MobilePhone,
        Column::HomePhone,
        Column::Language,
    ];

    /// The columns of a contacts export that say who is a guardian, and
    /// the relationship kept on the link. Recognised by their synonyms even
    /// with [`crate::ReaderBuilder::strict_headers`]: a restriction must
    /// never be ignored for its header's spelling.
    pub const FLAGS: [Column; 7] = [
        Column::Guardian,
        Column::Custody,
        Column::Access,
        Column::Emergency,
        Column::ContactType,
        Column::Restricted,
        Column::Relationship,
    ];

    /// Every column: [`Column::ALL`], then [`Column::FLAGS`].
    pub(crate) const EVERY: [Column; COLUMNS] = [
        Column::StudentId,
        Column::GuardianId,
        Column::FirstName,
        Column::LastName,
        Column::Email,
        Column::MobilePhone,
        Column::HomePhone,
        Column::Language,
        Column::Guardian,
        Column::Custody,
        Column::Access,
        Column::Emergency,
        Column::ContactType,
        Column::Restricted,
        Column::Relationship,
    ];

    /// The canonical header name, e.g. `"mobile_phone"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Column::StudentId => "student_id",
            Column::GuardianId => "guardian_id",
            Column::FirstName => "first_name",
            Column::LastName => "last_name",
            Column::Email => "email",
            Column::MobilePhone => "mobile_phone",
            Column::HomePhone => "home_phone",
            Column::Language => "language",
            Column::Guardian => "guardian",
            Column::Custody => "custodial",
            Column::Access => "data_access",
            Column::Emergency => "emergency_contact",
            Column::ContactType => "contact_type",
            Column::Restricted => "restricted",
            Column::Relationship => "relationship",
        }
    }

    /// Words for a clerk, e.g. `"mobile phone"`.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Column::StudentId => "student ID",
            Column::GuardianId => "guardian ID",
            Column::FirstName => "first name",
            Column::LastName => "last name",
            Column::Email => "email",
            Column::MobilePhone => "mobile phone",
            Column::HomePhone => "home phone",
            Column::Language => "language",
            Column::Guardian => "guardian flag",
            Column::Custody => "custody flag",
            Column::Access => "data access flag",
            Column::Emergency => "emergency contact flag",
            Column::ContactType => "contact type",
            Column::Restricted => "restriction flag",
            Column::Relationship => "relationship",
        }
    }

    /// Whether the header must have this column (`home_phone` and
    /// `language` may be absent).
    #[must_use]
    pub fn is_required(self) -> bool {
        matches!(
            self,
            Column::StudentId
                | Column::GuardianId
                | Column::FirstName
                | Column::LastName
                | Column::Email
                | Column::MobilePhone
        )
    }

    /// Whether this is one of [`Column::FLAGS`].
    #[must_use]
    pub fn is_flag(self) -> bool {
        self.index() >= Column::ALL.len()
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A column reads back from its canonical name (`"mobile_phone"`).
impl<'de> serde::Deserialize<'de> for Column {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
        Column::EVERY
            .iter()
            .copied()
            .find(|column| column.as_str() == text)
            .ok_or_else(|| serde::de::Error::custom(format!("no column {text:?}")))
    }
}

impl Serialize for Column {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}
