//! Diagnostics: one problem, on one row, in words a school clerk can act on.
//! The message's words and arguments are `message`; how a value shows in
//! them (visible, masked) is `render`.

pub(crate) mod message;
pub(crate) mod render;

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::column::Column;
use crate::diagnostic::message::{Context, Message};
use crate::values::text::mask;

/// How serious a [`Diagnostic`] is.
///
/// An error means the row (or the whole file) is not used; a warning means
/// the row is used, possibly after a repair the warning describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The value was used, perhaps repaired; someone should still look.
    Warning,
    /// The row (or file) was rejected; it must be fixed and sent again.
    Error,
}

impl Severity {
    /// The lowercase name used in reports: `"warning"` or `"error"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $severity:ident; )*) => {
        /// The stable, machine-readable code of a [`Diagnostic`].
        ///
        /// Each code has a fixed snake_case name ([`Code::as_str`]) that tools may
        /// match on; names never change once released. The crate documentation
        /// has a table of every code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable snake_case name of this code, e.g. `"invalid_phone"`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// The severity this code always carries.
            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }
        }
    };
}

codes! {
    // ---- whole-file (fatal) problems ----
    /// The file has no rows at all, not even a header.
    EmptyFile = "empty_file", Error;
    /// The first line does not look like a header row.
    NoHeader = "no_header", Error;
    /// A required column is missing from the header.
    MissingColumn = "missing_column", Error;
    /// Two header cells name the same column.
    DuplicateColumn = "duplicate_column", Error;
    /// The file could not be read or decoded at all.
    UnreadableFile = "unreadable_file", Error;
    /// A second header below the first names other columns; the file
    /// stops (its rows cannot be read as the rest are).
    HeaderChanged = "header_changed", Error;
    // ---- file-level warnings ----
    /// The file was not UTF-8 and was decoded from the encoding named.
    Encoding = "encoding", Warning;
    /// A header cell names no known column; the column is ignored.
    UnknownColumn = "unknown_column", Warning;
    /// Lines before the header row (a report's title, a date) were skipped.
    LinesBeforeHeader = "lines_before_header", Warning;
    // ---- row structure ----
    /// The row has more or fewer fields than the header.
    FieldCount = "field_count", Error;
    /// The row has surplus fields, all of them empty; they were ignored.
    ExtraEmptyFields = "extra_empty_fields", Warning;
    /// The row has no value in any column; it was skipped.
    BlankRow = "blank_row", Warning;
    /// The row repeats the header (files pasted together); it was skipped.
    RepeatedHeader = "repeated_header", Warning;
    /// The row is a header with the same columns in another order (exports
    /// pasted together); the rows below it are read under it.
    HeaderReordered = "header_reordered", Warning;
    /// A contact or language cell held a placeholder (`N/A`, `none`); read as empty.
    Placeholder = "placeholder", Warning;
    /// A cell is longer than the field size limit; it was cut off.
    FieldTooLarge = "field_too_large", Error;
    /// A row has more columns than the column limit.
    TooManyColumns = "too_many_columns", Error;
    /// A quote opened in the row is never closed before the end of the
    /// file, or is closed only lines later, so that those lines were read
    /// as part of the row.
    UnterminatedQuote = "unterminated_quote", Error;
    /// A cell has text after its closing quote (`"x"y`, read as `xy`).
    StrayQuote = "stray_quote", Warning;
    /// The file ends in the middle of this row (no line end after a short
    /// or unusable row, or inside a quoted cell): probably cut off. A full
    /// sync of it removes no link.
    TruncatedFile = "truncated_file", Error;
    /// A cell holds bytes that are not valid text in the file's encoding.
    InvalidText = "invalid_text", Error;
    /// A required cell is empty.
    MissingValue = "missing_value", Error;
    // ---- identifiers ----
    /// An ID showed spreadsheet damage that was undone (`="00123"`, `'00123`, `123.0`).
    IdRepaired = "id_repaired", Warning;
    /// An ID was turned into scientific notation (`1.23E+11`); its digits are lost.
    IdScientificNotation = "id_scientific_notation", Error;
    /// An ID holds control characters, inner spaces, or is absurdly long.
    InvalidId = "invalid_id", Error;
    // ---- names ----
    /// A name holds control characters or is absurdly long.
    InvalidName = "invalid_name", Error;
    /// A name holds a formatting character that only changes how it shows
    /// (a BiDi override, a zero-width space); kept as written.
    HiddenCharacter = "hidden_character", Warning;
    /// A name is a placeholder (`N/A`, `Unknown`, `FNU`, `.`), not a
    /// name; kept as written so that the guardian is still reached.
    PlaceholderName = "placeholder_name", Warning;
    // ---- contact details ----
    /// A phone number is not a valid number.
    InvalidPhone = "invalid_phone", Error;
    /// The mobile number carries an extension, which SMS cannot reach.
    MobileExtension = "mobile_extension", Warning;
    /// An email address is not an address a person can log in with.
    InvalidEmail = "invalid_email", Error;
    /// The email's domain looks like a typing mistake (`gmial.com`); kept as written.
    EmailTypo = "email_typo", Warning;
    /// An email mixes alphabets within its local part or a domain label.
    MixedScriptEmail = "mixed_script_email", Warning;
    /// One cell holds two emails or two phone numbers.
    MultipleValues = "multiple_values", Error;
    /// The guardian has neither a usable email nor a usable mobile number.
    NoContact = "no_contact", Error;
    /// The preferred language is not recognised; the guardian keeps no preference.
    UnknownLanguage = "unknown_language", Warning;
    // ---- who is a guardian (flag columns) ----
    /// A flag cell (`Guardian`, `Custodial`, `Restricted`...) holds neither
    /// yes nor no; the row is not used (a flag is never guessed).
    InvalidFlag = "invalid_flag", Error;
    /// The row's flags say the person is not a guardian of the student
    /// (guardian = no, custody and access = no, or an emergency contact
    /// only); the row is not imported.
    NotAGuardian = "not_a_guardian", Warning;
    /// The row's restriction flag is set (`Restricted`, `Court Order`, `Do
    /// Not Contact`); the person is never imported or linked.
    ContactRestricted = "contact_restricted", Error;
    /// Rows of one guardian and one student disagree on whether the person
    /// is a guardian (one row imports, another excludes); none of them is
    /// used.
    ConflictingFlags = "conflicting_flags", Error;
    // ---- OneRoster and Clever exports ----
    /// (OneRoster) A student lists a guardian in `agentSourcedIds` who
    /// does not list the student, or the reverse; the link is made.
    OneSidedLink = "one_sided_link", Warning;
    /// (OneRoster) `agentSourcedIds` names a user that is not in
    /// `users.csv` (or is not a student); that link is not made.
    UnknownAgent = "unknown_agent", Error;
    /// (OneRoster) A guardian is linked to no student at all; nothing of
    /// theirs can be imported.
    GuardianWithoutStudents = "guardian_without_students", Error;
    /// (Clever) A contact has no `Contact_sis_id`; the crate made one from
    /// the name, email and phone, which changes when they do.
    UnstableContactId = "unstable_contact_id", Warning;
    /// (Clever) `Contact_name` was split into first and last name; check
    /// the split.
    NameSplit = "name_split", Warning;
    /// A header cell of the export is a known misspelling of the column
    /// the specification names (`agentSourceIds`); read as that column.
    HeaderVariant = "header_variant", Warning;
    /// (OneRoster delta) The user or the link is marked `tobedeleted` (or
    /// 1.0's `inactive`); not imported.
    DeletedInSource = "deleted_in_source", Warning;
    // ---- whole-file consistency ----
    /// Rows with the same guardian ID disagree on the guardian's details.
    ConflictingGuardian = "conflicting_guardian", Error;
    /// The row repeats an earlier row (the same guardian, student and
    /// details once normalised); it is counted once.
    DuplicateRow = "duplicate_row", Warning;
    /// Two different guardians share one email address.
    SharedEmail = "shared_email", Warning;
    /// A student with more guardians (over 20), or a guardian with more
    /// students (over 30), than any family has: the export may be joined
    /// wrongly.
    ImplausibleLinks = "implausible_links", Warning;
    /// Two different guardians share one mobile number.
    SharedMobile = "shared_mobile", Warning;
    /// Two guardians' emails differ only in look-alike characters (another
    /// alphabet's letters, full-width letters, a domain in punycode).
    LookalikeEmail = "lookalike_email", Warning;
    // ---- spreadsheet safety ----
    /// A cell started with Excel's text marker `'`, or was wrapped as
    /// `="..."` to keep it as text; removed.
    TextMarker = "text_marker", Warning;
    /// A name looks like a spreadsheet formula (`=HYPERLINK(...)`); kept as written.
    FormulaValue = "formula_value", Warning;
    /// A name looks garbled by a wrong text encoding (`JosÃ©`: UTF-8 read
    /// as Windows-1252 and saved again); kept as written, with what it
    /// probably reads as the suggestion.
    GarbledText = "garbled_text", Warning;
    /// A guardian's name differs from the guardian's first row only in
    /// capitals (`MARIA` and `Maria`); the first row's spelling is used.
    NameCase = "name_case", Warning;
    /// A guardian's name differs from the guardian's first row only in
    /// apostrophes, spaces or hyphens (`O’Brien` and `O'Brien`, a no-break
    /// space); the first row's spelling is used.
    NameVariant = "name_variant", Warning;
    /// A guardian's home phone or language differs between rows; the first
    /// row's value (the first recognised language) is kept.
    OptionalFieldDiffers = "optional_field_differs", Warning;
    /// Some of a guardian's rows leave a contact or language empty that
    /// another row gives; that value is used for all of them (one warning
    /// per guardian).
    RowsCompleted = "rows_completed", Warning;
    // ---- dry run ----
    /// The application's roster failed to answer; the dry run stopped.
    RosterUnavailable = "roster_unavailable", Error;
    /// (Dry run) A school of the scope is not in the roster; nothing was
    /// planned.
    UnknownSchool = "unknown_school", Error;
    /// (Dry run) Rows of the roster carry lookup keys the crate did not
    /// compute (left empty, or filled with SQL `lower()`); nothing was
    /// planned, since an email or mobile those rows hold would not be
    /// found and a duplicate login could be created.
    StaleRosterKeys = "stale_roster_keys", Error;
    /// The caller cancelled reading or planning.
    Cancelled = "cancelled", Error;
    /// (Dry run) A full sync was asked of a delta export, which holds only
    /// what changed; nothing was planned.
    DeltaFullSync = "delta_full_sync", Error;
    /// Start Processing refused a plan that is not what the dry run of its
    /// upload gives now (edited, another upload's, or the roster changed
    /// since); nothing was written.
    PlanNotApproved = "plan_not_approved", Error;
    /// The student ID is not in the roster; the link is not made.
    UnknownStudent = "unknown_student", Error;
    /// (Dry run) A guardian the roster lacks differs from a roster guardian
    /// only in leading zeros: probably the same person with a damaged ID,
    /// so the row is not applied; `suggestion` names the roster's ID.
    SimilarGuardian = "similar_guardian", Error;
    /// The email belongs to another guardian in the roster; logins would collide.
    EmailInUse = "email_in_use", Error;
    /// The mobile belongs to another guardian in the roster; logins would collide.
    MobileInUse = "mobile_in_use", Error;
    /// More links would be removed than the deletion threshold allows; none are.
    DeletionThreshold = "deletion_threshold", Warning;
    /// A link absent from the file is kept because a row that may hold it was rejected.
    UnlinkHeld = "unlink_held", Warning;
    /// (Dry run, school scope) The student is in the roster, but in no
    /// school of the scope; the row is not applied.
    StudentOutOfScope = "student_out_of_scope", Error;
    /// (Dry run, school scope) The upload updates a guardian whose every
    /// roster student is in another school.
    GuardianOutOfScope = "guardian_out_of_scope", Warning;
    /// (Dry run, full sync) The removals would leave a student with no
    /// guardian at all.
    StudentLeftWithoutGuardian = "student_left_without_guardian", Warning;
    /// (Dry run) The roster links a person to a student whom the file
    /// flags as restricted for that student; a full sync removes the link
    /// (whatever the deletion threshold), an additive one only says so.
    RestrictedContactLinked = "restricted_contact_linked", Error;
}

/// A code reads back from its name (`"invalid_email"`); any other text
/// is an error.
impl<'de> serde::Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.as_str() == text)
            .ok_or_else(|| serde::de::Error::custom(format!("no diagnostic code {text:?}")))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One problem found in the file, with where it is and what to do.
///
/// `line` is the physical line of the file (1-based) where the row starts,
/// which is the row number a spreadsheet shows when no cell holds a line
/// break. A diagnostic is data: its code, where it is (line, column, the
/// value as written) and the arguments of its message; the sentence for
/// the person who will fix the file ([`Diagnostic::message`]) is written
/// when it is shown, not kept in memory.
///
/// Serialised (JSON, say), a diagnostic has `code`, `severity`, `line`,
/// `column`, `value`, `message` (the sentence) and `suggestion`; read back,
/// it keeps that sentence as it was written.
#[derive(Clone)]
pub struct Diagnostic {
    /// The stable code; its [`Code::severity`] is the diagnostic's
    /// ([`Diagnostic::severity`]).
    pub code: Code,
    /// The physical line where the row starts; 1 for the header and for
    /// problems with the file as a whole.
    pub line: u64,
    /// The column concerned, if the problem is in one cell.
    pub column: Option<Column>,
    /// The value as written in the file, if the problem is in one cell.
    pub value: Option<String>,
    /// A value the file probably meant, where one is known (for
    /// `unknown_student`: the roster ID that matches once leading zeros are
    /// ignored). Never applied automatically.
    pub suggestion: Option<String>,
    /// Where in the source files the row came from, when the upload was
    /// a OneRoster or Clever export rather than guardians.csv (see
    /// [`crate::Format`]): `line` then numbers the guardian-student links
    /// the source gives, and this names the source's own file, physical
    /// line and column. The message starts with it.
    pub source: Option<Box<SourceSpot>>,
    /// The words of the message and their arguments.
    message: Message,
}

/// Where a value is in a OneRoster or Clever export: the file (`users.csv`,
/// `students.csv`), its physical line (1-based) and the column as that file
/// names it (`sms`, `Contact_email`), if one cell is concerned.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SourceSpot {
    /// The file's name inside the export.
    pub file: Cow<'static, str>,
    /// The physical line of the record.
    pub line: u64,
    /// The column's header as the file writes it.
    pub column: Option<Cow<'static, str>>,
}

impl fmt::Display for SourceSpot {
    /// `users.csv line 57 (sms)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {}", self.file, self.line)?;
        match &self.column {
            Some(column) => write!(f, " ({column})"),
            None => Ok(()),
        }
    }
}

impl Diagnostic {
    /// Makes a diagnostic with a message given whole; the severity follows
    /// from the code. (The crate's own diagnostics keep their message as
    /// words and arguments; an application that makes its own gives the
    /// sentence.)
    pub fn new(code: Code, line: u64, message: impl Into<String>) -> Diagnostic {
        Diagnostic::with_message(code, line, Message::Given(message.into().into_boxed_str()))
    }

    /// Error (the row is rejected) or warning (the row is used): always
    /// its code's [`Code::severity`].
    #[must_use]
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// Makes a diagnostic whose message is words and arguments.
    pub(crate) fn with_message(code: Code, line: u64, message: Message) -> Diagnostic {
        Diagnostic {
            code,
            line,
            column: None,
            value: None,
            suggestion: None,
            source: None,
            message,
        }
    }

    /// Sets the column the problem is in.
    #[must_use]
    pub fn with_column(mut self, column: Column) -> Diagnostic {
        self.column = Some(column);
        self
    }

    /// Sets the raw value the problem is about.
    pub fn with_value(mut self, value: impl Into<String>) -> Diagnostic {
        self.value = Some(value.into());
        self
    }

    /// Sets the suggested value.
    pub fn with_suggestion(mut self, suggestion: impl Into<String>) -> Diagnostic {
        self.suggestion = Some(suggestion.into());
        self
    }

    /// The sentence for a school clerk: what is wrong and what to do,
    /// starting with the line (`Line 14: the mobile phone ...`), with the
    /// values from the file as they were written. Written anew at each
    /// call; [`Diagnostic`]'s `Display` writes it without allocating, with
    /// what a terminal would act on escaped.
    #[must_use]
    pub fn message(&self) -> String {
        Sentence(self).to_string()
    }

    /// What the message's holes refer to.
    fn context(&self, visible: bool) -> Context<'_> {
        Context {
            line: self.line,
            source: self.source.as_deref(),
            value: self.value.as_deref(),
            suggestion: self.suggestion.as_deref(),
            visible,
        }
    }

    /// This diagnostic with personal data masked, for logs: emails become
    /// `j***@example.com`, phone numbers keep their first and last two
    /// digits, names keep their first letter; a suggested email or phone is
    /// masked the same way, and so is every address or number a rule's
    /// words quote (a labelled phone's number in E.164, a `mailto:` link's
    /// address). The code, line and column are unchanged; IDs are not
    /// personal data and stay.
    ///
    /// ```
    /// use guardian_roster::{Code, Column, Diagnostic};
    ///
    /// let d = Diagnostic::new(Code::InvalidEmail, 7, "Line 7: the email jane@example is wrong")
    ///     .with_column(Column::Email)
    ///     .with_value("jane@example");
    /// let safe = d.redacted();
    /// assert_eq!(safe.message(), "Line 7: the email j***@example is wrong");
    /// assert_eq!(safe.value.as_deref(), Some("j***@example"));
    /// ```
    pub fn redacted(&self) -> Diagnostic {
        let mut safe = self.clone();
        let personal = matches!(
            self.column,
            Some(
                Column::Email
                    | Column::MobilePhone
                    | Column::HomePhone
                    | Column::FirstName
                    | Column::LastName
            )
        ) || matches!(
            self.code,
            Code::SharedEmail | Code::SharedMobile | Code::LookalikeEmail | Code::NoHeader
        ) || (self.code == Code::InvalidId
            // An email or a phone number in an ID column (columns shifted)
            // is a person's, not an ID.
            && self
                .value
                .as_deref()
                .is_some_and(|v| crate::values::id::shifted_value(v).is_some()));
        // The roster guardian named by a contact in use is an ID, not
        // personal data.
        let personal_suggestion =
            personal && !matches!(self.code, Code::EmailInUse | Code::MobileInUse);
        let mut masked = Vec::new();
        if let (true, Some(value)) = (personal, &self.value) {
            // A first line of data (`no_header`) is a list of cells.
            let hidden = if self.code == Code::NoHeader {
                value.split(", ").map(mask).collect::<Vec<_>>().join(", ")
            } else {
                mask(value)
            };
            masked.push((value.as_str(), hidden.clone()));
            safe.value = Some(hidden);
        }
        if let (true, Some(suggestion)) = (personal_suggestion, &self.suggestion) {
            let hidden = mask(suggestion);
            masked.push((suggestion.as_str(), hidden.clone()));
            safe.suggestion = Some(hidden);
        }
        let masked: Vec<(&str, &str)> = masked.iter().map(|(a, b)| (*a, b.as_str())).collect();
        safe.message = self.message.redacted(&masked);
        safe
    }

    /// True if this diagnostic is an error.
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }
}

impl PartialEq for Diagnostic {
    /// Two diagnostics are equal when every field and the message's words
    /// are: a diagnostic read back from JSON equals the one written.
    fn eq(&self, other: &Diagnostic) -> bool {
        self.code == other.code
            && self.line == other.line
            && self.column == other.column
            && self.value == other.value
            && self.suggestion == other.suggestion
            && self.source == other.source
            && self.message() == other.message()
    }
}

impl Eq for Diagnostic {}

/// A diagnostic as it is serialised: its message written out. Written
/// with the diagnostic's own text borrowed (`T` = `&str`), read back owned.
#[derive(Serialize, Deserialize)]
struct Written<T, M> {
    code: Code,
    severity: Severity,
    line: u64,
    column: Option<Column>,
    value: Option<T>,
    message: M,
    suggestion: Option<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source: Option<Box<SourceSpot>>,
}

impl Serialize for Diagnostic {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Written {
            code: self.code,
            severity: self.severity(),
            line: self.line,
            column: self.column,
            value: self.value.as_deref(),
            message: MessageText(self),
            suggestion: self.suggestion.as_deref(),
            source: self.source.clone(),
        }
        .serialize(serializer)
    }
}

/// A diagnostic's message, serialised as a string written straight into
/// the serializer's output.
struct MessageText<'a>(&'a Diagnostic);

impl Serialize for MessageText<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&Sentence(self.0))
    }
}

/// A diagnostic's sentence as written by [`Diagnostic::message`].
struct Sentence<'a>(&'a Diagnostic);

impl fmt::Display for Sentence<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.message.write(f, self.0.context(false))
    }
}

impl<'de> Deserialize<'de> for Diagnostic {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Diagnostic, D::Error> {
        let written = Written::<String, String>::deserialize(deserializer)?;
        Ok(Diagnostic {
            code: written.code,
            line: written.line,
            column: written.column,
            value: written.value,
            suggestion: written.suggestion,
            source: written.source,
            message: Message::Given(written.message.into_boxed_str()),
        })
    }
}

impl fmt::Display for Diagnostic {
    /// `error[invalid_phone] Line 14: the mobile phone ...`: the message
    /// already names the line. Values from the file are written
    /// [`crate::Visible`]: an escape sequence or a BiDi override in a cell
    /// reaches no terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}] ", self.severity(), self.code)?;
        self.message.write(f, self.context(true))
    }
}

impl fmt::Debug for Diagnostic {
    // The raw value may be an email or a phone number: keep it out of logs
    // that print with `{:?}`. Programs read `value` directly.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Diagnostic")
            .field("code", &self.code)
            .field("severity", &self.severity())
            .field("line", &self.line)
            .field("column", &self.column)
            .field("value", &self.value.as_ref().map(|_| "<redacted>"))
            .field("suggestion", &self.suggestion.as_deref().map(mask))
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// How many items a message names before it says "and N more": a value
/// shared by thousands of rows (a school's office number given as every
/// family's mobile) must not make every message name all the others.
pub(crate) const NAMED_IN_A_MESSAGE: usize = 10;

/// Writes `a`, `a and b`, `a, b and c`... naming at most
/// [`NAMED_IN_A_MESSAGE`] of `count` items, then ` (and N more)`.
pub(crate) fn write_list<T: fmt::Display>(
    out: &mut String,
    items: impl IntoIterator<Item = T>,
    count: usize,
) {
    use fmt::Write;
    let shown = count.min(NAMED_IN_A_MESSAGE);
    for (at, item) in items.into_iter().take(shown).enumerate() {
        if at > 0 {
            out.push_str(if at + 1 == shown { " and " } else { ", " });
        }
        let _ = write!(out, "{item}");
    }
    if count > shown {
        let _ = write!(out, " (and {} more)", count - shown);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole-file counts index a code by its discriminant.
    #[test]
    fn a_codes_discriminant_is_its_place_in_all() {
        for (at, &code) in Code::ALL.iter().enumerate() {
            assert_eq!(code as usize, at, "{code}");
        }
    }

    #[test]
    fn lists_name_ten_items_then_count_the_rest() {
        let listed = |count: usize| {
            let mut out = String::new();
            write_list(&mut out, 1..=count, count);
            out
        };
        assert_eq!(listed(0), "");
        assert_eq!(listed(1), "1");
        assert_eq!(listed(2), "1 and 2");
        assert_eq!(listed(3), "1, 2 and 3");
        assert_eq!(listed(10), "1, 2, 3, 4, 5, 6, 7, 8, 9 and 10");
        assert_eq!(
            listed(20_000),
            "1, 2, 3, 4, 5, 6, 7, 8, 9 and 10 (and 19990 more)"
        );
    }

    #[test]
    fn every_code_has_a_unique_snake_case_name() {
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert!(
            names
                .iter()
                .all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        );
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len());
    }

    #[test]
    fn display_names_line_column_and_code() {
        let d = Diagnostic::new(Code::InvalidPhone, 14, "Line 14: too short")
            .with_column(Column::MobilePhone)
            .with_value("(312) 555-01");
        assert_eq!(d.to_string(), "error[invalid_phone] Line 14: too short");
        assert!(!format!("{d:?}").contains("555"));
    }
}
