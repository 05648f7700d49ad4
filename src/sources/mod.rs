//! Uploads that are not guardians.csv: OneRoster 1.1 and 1.2 CSV exports
//! (ClassLink and others) and Clever SFTP `students.csv` files, read into
//! the same [`ValidatedFile`] with the same row checks and diagnostics,
//! each traced to the source's file, line and column.
//!
//! The layer sits on the checks: `export` opens a folder or zip, `table`
//! reads one of its CSV files through the crate's reading stack,
//! `oneroster` and `clever` turn records into guardian-student rows, and
//! `synth` checks those rows as the reader checks guardians.csv rows.

pub(crate) mod clever;
pub(crate) mod export;
pub(crate) mod oneroster;
pub(crate) mod synth;
pub(crate) mod table;

use std::fs::File;
use std::path::Path;

use crate::checks::validated::ValidatedFile;
use crate::error::Error;
use crate::reading::origin::Format;
use crate::reading::reader::ReaderBuilder;
use crate::sources::export::Export;
use crate::sources::table::in_file;
use crate::values::flags::Exclusion;

/// Which of a student's IDs the roster knows them by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StudentKey {
    /// OneRoster's `sourcedId`, Clever's `Student_id` (the SIS's ID).
    #[default]
    SourcedId,
    /// OneRoster's `identifier`, Clever's `Student_number` (the number the
    /// school gives, often what a roster built from guardians.csv holds).
    Identifier,
}

/// How a OneRoster or Clever export is read: which student ID the roster
/// uses, whose names, which roles and contact types are guardians, and
/// the row settings of a [`ReaderBuilder`] (phone region, limits).
///
/// ```no_run
/// # fn main() -> Result<(), guardian_roster::Error> {
/// use guardian_roster::{Format, SourceOptions, StudentKey};
///
/// let file = SourceOptions::new()
///     .student_key(StudentKey::Identifier)
///     .guardian_roles(&["parent", "guardian"])
///     .read("exports/oneroster.zip")?;
/// println!("{} read: {} guardians", file.format(), file.guardians().len());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct SourceOptions {
    pub(crate) reader: ReaderBuilder,
    pub(crate) student_key: StudentKey,
    pub(crate) preferred_names: bool,
    roles: Vec<String>,
    contact_types: Vec<String>,
}

impl Default for SourceOptions {
    fn default() -> SourceOptions {
        SourceOptions::new()
    }
}

/// OneRoster roles imported by default.
pub const DEFAULT_GUARDIAN_ROLES: [&str; 3] = ["parent", "guardian", "relative"];

/// Clever contact types imported by default (an empty type too);
/// `Emergency`, `Family` and `Other` are not.
pub const DEFAULT_GUARDIAN_CONTACT_TYPES: [&str; 5] = [
    "primary",
    "secondary",
    "parent/guardian",
    "guardian",
    "parent",
];

impl SourceOptions {
    /// Students by `sourcedId` / `Student_id`, given names as written, the
    /// default roles ([`DEFAULT_GUARDIAN_ROLES`]) and contact types
    /// ([`DEFAULT_GUARDIAN_CONTACT_TYPES`]), a default [`ReaderBuilder`].
    #[must_use]
    pub fn new() -> SourceOptions {
        SourceOptions {
            reader: ReaderBuilder::new(),
            student_key: StudentKey::SourcedId,
            preferred_names: false,
            roles: DEFAULT_GUARDIAN_ROLES.map(str::to_owned).to_vec(),
            contact_types: DEFAULT_GUARDIAN_CONTACT_TYPES.map(str::to_owned).to_vec(),
        }
    }

    /// The reader's settings: for every source the phone region, the
    /// limits, whether non-guardians are left out, and its
    /// [`crate::Control`]'s progress callback and cancel flag; everything
    /// else (headers, delimiter, threads) for guardians.csv only. An
    /// export's rows are checked on the calling thread.
    pub fn reader(&mut self, reader: ReaderBuilder) -> &mut SourceOptions {
        self.reader = reader;
        self
    }

    /// Which student ID the roster holds.
    pub fn student_key(&mut self, key: StudentKey) -> &mut SourceOptions {
        self.student_key = key;
        self
    }

    /// OneRoster 1.2: use `preferredGivenName` and `preferredFamilyName`
    /// where they are filled.
    pub fn preferred_names(&mut self, yes: bool) -> &mut SourceOptions {
        self.preferred_names = yes;
        self
    }

    /// The OneRoster roles that make a user a guardian, among `parent`,
    /// `guardian` and `relative` (any capitals); users of the others are
    /// left out with `not_a_guardian`.
    pub fn guardian_roles(&mut self, roles: &[&str]) -> &mut SourceOptions {
        self.roles = roles
            .iter()
            .map(|r| r.trim().to_ascii_lowercase())
            .collect();
        self
    }

    /// The Clever `Contact_type`s that are guardians (any capitals); rows
    /// of other types are left out with `not_a_guardian`. A row without a
    /// type is a guardian's.
    pub fn guardian_contact_types(&mut self, types: &[&str]) -> &mut SourceOptions {
        self.contact_types = types
            .iter()
            .map(|t| t.trim().to_ascii_lowercase())
            .collect();
        self
    }

    pub(crate) fn counts_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    /// Why a contact of this type is not imported, if it is not.
    pub(crate) fn counts_contact_type(&self, kind: &str) -> Option<Exclusion> {
        let kind = kind.trim().to_ascii_lowercase();
        if kind.is_empty() || self.contact_types.contains(&kind) {
            None
        } else if kind.starts_with("emergency") {
            Some(Exclusion::EmergencyOnly)
        } else {
            Some(Exclusion::NotGuardian)
        }
    }

    /// Reads the upload at `path`, whatever its [`Format`]
    /// ([`detect_format`]): a folder or zip with `manifest.csv` as
    /// OneRoster, a `students.csv` with `Contact_*` columns (alone, or in
    /// a folder or zip) as Clever, any other file as guardians.csv.
    ///
    /// # Errors
    ///
    /// As [`crate::Reader::validate`]; for an export, also
    /// [`crate::ErrorKind::SourceIncomplete`] (a file or column it must
    /// have is missing) and [`crate::ErrorKind::InSourceFile`] (one of its
    /// files could not be read).
    pub fn read(&self, path: impl AsRef<Path>) -> Result<ValidatedFile, Error> {
        let path = path.as_ref();
        match detect_format(path)? {
            Format::GuardiansCsv => self.reader.from_path(path)?.validate(),
            format @ (Format::OneRoster11 | Format::OneRoster12) => {
                let mut export = Export::open(path)?.ok_or_else(|| not_an_export(path))?;
                oneroster::read(&mut export, format, self)
            }
            Format::Clever => match Export::open(path)? {
                Some(mut export) => {
                    let input = export
                        .read(clever::STUDENTS)?
                        .ok_or_else(|| not_an_export(path))?;
                    clever::read(input, self)
                }
                None => clever::read(File::open(path)?, self),
            },
        }
    }
}

fn not_an_export(path: &Path) -> Error {
    in_file(
        &path.display().to_string(),
        Error::from(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "not a OneRoster or Clever export",
        )),
    )
}

/// Reads the upload at `path` with the default [`SourceOptions`].
///
/// # Errors
///
/// As [`SourceOptions::read`].
pub fn read_source(path: impl AsRef<Path>) -> Result<ValidatedFile, Error> {
    SourceOptions::new().read(path)
}

/// Which kind of upload `path` is: a folder or zip with `manifest.csv` is
/// OneRoster (1.2 if the manifest's `oneroster.version` says so or
/// `users.csv` has no `role` column, else 1.1); a `students.csv` whose
/// header has `Contact_` columns (alone, or in a folder or zip) is Clever;
/// anything else is guardians.csv.
///
/// # Errors
///
/// The path cannot be read, or an archive or manifest is damaged.
pub fn detect_format(path: impl AsRef<Path>) -> Result<Format, Error> {
    let path = path.as_ref();
    match Export::open(path)? {
        Some(mut export) => {
            if let Some(format) = oneroster::detect(&mut export)? {
                Ok(format)
            } else if clever::detect(&mut export)? {
                Ok(Format::Clever)
            } else {
                Ok(Format::GuardiansCsv)
            }
        }
        None if clever::is_clever(File::open(path)?) => Ok(Format::Clever),
        None => Ok(Format::GuardiansCsv),
    }
}
