//! Typed records: a guardian, and a guardian-student link.

use serde::{Deserialize, Serialize};

use crate::values::email::Email;
use crate::values::id::{GuardianId, StudentId};
use crate::values::language::Language;
use crate::values::name::Name;
use crate::values::phone::Phone;

/// A guardian, as the file describes them, with every value normalised.
///
/// The file has one row per child; rows of the same guardian must agree on
/// everything here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guardian {
    /// The guardian's SIS ID.
    pub guardian_id: GuardianId,
    /// First name, trimmed.
    pub first_name: Name,
    /// Last name, trimmed.
    pub last_name: Name,
    /// Email, for login and notifications.
    pub email: Option<Email>,
    /// Mobile phone, for login and SMS.
    pub mobile_phone: Option<Phone>,
    /// Home phone, for records only.
    pub home_phone: Option<Phone>,
    /// Preferred language.
    pub language: Option<Language>,
}

/// One field of a [`Guardian`] other than its ID, for conflicts and updates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuardianField {
    /// [`Guardian::first_name`].
    FirstName,
    /// [`Guardian::last_name`].
    LastName,
    /// [`Guardian::email`].
    Email,
    /// [`Guardian::mobile_phone`].
    MobilePhone,
    /// [`Guardian::home_phone`].
    HomePhone,
    /// [`Guardian::language`].
    Language,
}

impl GuardianField {
    /// All fields, in column order.
    pub const ALL: [GuardianField; 6] = [
        GuardianField::FirstName,
        GuardianField::LastName,
        GuardianField::Email,
        GuardianField::MobilePhone,
        GuardianField::HomePhone,
        GuardianField::Language,
    ];

    /// The canonical column name, e.g. `"mobile_phone"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            GuardianField::FirstName => "first_name",
            GuardianField::LastName => "last_name",
            GuardianField::Email => "email",
            GuardianField::MobilePhone => "mobile_phone",
            GuardianField::HomePhone => "home_phone",
            GuardianField::Language => "language",
        }
    }

    /// Words for a clerk, e.g. `"mobile phone"`.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            GuardianField::FirstName => "first name",
            GuardianField::LastName => "last name",
            GuardianField::Email => "email",
            GuardianField::MobilePhone => "mobile phone",
            GuardianField::HomePhone => "home phone",
            GuardianField::Language => "language",
        }
    }
}

impl Guardian {
    /// The field's value as text (`None` when empty): emails as written,
    /// phones as E.164 with `;ext=`, languages as tags.
    #[must_use]
    pub fn field(&self, field: GuardianField) -> Option<String> {
        match field {
            GuardianField::FirstName => Some(self.first_name.to_string()),
            GuardianField::LastName => Some(self.last_name.to_string()),
            GuardianField::Email => self.email.as_ref().map(|e| e.as_str().to_owned()),
            GuardianField::MobilePhone => self.mobile_phone.as_ref().map(|p| p.to_string()),
            GuardianField::HomePhone => self.home_phone.as_ref().map(|p| p.to_string()),
            GuardianField::Language => self.language.as_ref().map(|l| l.as_str().to_owned()),
        }
    }

    /// The fields whose values differ. Emails compare case-insensitively
    /// and phones by E.164 and extension, so formatting is never a difference.
    #[must_use]
    pub fn differences(&self, other: &Guardian) -> Vec<GuardianField> {
        GuardianField::ALL
            .into_iter()
            .filter(|&field| !self.same_field(other, field))
            .collect()
    }

    /// Whether the field has a value (names always do).
    pub(crate) fn has(&self, field: GuardianField) -> bool {
        match field {
            GuardianField::FirstName | GuardianField::LastName => true,
            GuardianField::Email => self.email.is_some(),
            GuardianField::MobilePhone => self.mobile_phone.is_some(),
            GuardianField::HomePhone => self.home_phone.is_some(),
            GuardianField::Language => self.language.is_some(),
        }
    }

    pub(crate) fn same_field(&self, other: &Guardian, field: GuardianField) -> bool {
        match field {
            GuardianField::FirstName => self.first_name == other.first_name,
            GuardianField::LastName => self.last_name == other.last_name,
            GuardianField::Email => self.email == other.email,
            GuardianField::MobilePhone => self.mobile_phone == other.mobile_phone,
            GuardianField::HomePhone => self.home_phone == other.home_phone,
            GuardianField::Language => self.language == other.language,
        }
    }
}

/// A guardian-student link: one usable row of the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The guardian.
    pub guardian_id: GuardianId,
    /// The student.
    pub student_id: StudentId,
    /// The physical line of the row that made the link (the first, if the
    /// row was repeated).
    pub line: u64,
    /// The relationship to the student as the file's relationship column
    /// gives it (`Mother`, `Aunt`...), for the application; never used to
    /// decide anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationship: Option<Box<str>>,
}
