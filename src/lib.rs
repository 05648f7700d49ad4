/*!
Read a school district's `guardians.csv` into typed, validated records, with
a diagnostic a school clerk can act on for every problem on every row.

The Student Information System (SIS) is the source of truth for who a
student's parents and guardians are. Districts hand it over as a CSV file
with one row per guardian-student link: student ID, guardian ID, first and
last name, email, mobile phone, home phone and preferred language. This
crate reads that file the way it really arrives (saved by Excel, in
Windows-1252 or UTF-16, with semicolons, with IDs whose leading zeros were
stripped) and says, row by row, what can be used and what must be fixed.

Nothing is lost without a word: every data row ends **valid**, **repaired**
(used, with warnings saying what was changed) or **rejected** (with errors
saying what to fix).

# Example

```
# fn main() -> Result<(), guardian_roster::Error> {
use guardian_roster::{ReaderBuilder, Severity};

let data = "\
Student ID,Parent ID,First Name,Last Name,Email,Cell Phone,Preferred Language
=\"000123\",P-77,Ana,Díaz,Ana.Diaz@Example.com,(312) 555-0142,Spanish
000124,P-77,Ana,Díaz,ana.diaz@example.com,312.555.0142,es
1.23457E+11,P-78,Bo,Li,bo@example.com,,Mandarin
";
let file = ReaderBuilder::new().from_reader(data.as_bytes())?.validate()?;

let summary = file.summary();
assert_eq!(summary.rows, 3);
assert_eq!((summary.valid, summary.repaired, summary.rejected), (1, 1, 1));

// One guardian with two children; the ID keeps its leading zeros.
let ana = &file.guardians()[0];
assert_eq!(ana.mobile_phone.as_ref().map(|p| p.e164()), Some("+13125550142"));
assert_eq!(ana.language.as_ref().map(|l| l.as_str()), Some("es"));
assert_eq!(file.links()[0].student_id.as_str(), "000123");

for diagnostic in file.diagnostics() {
    println!("{diagnostic}");
}
let error = file.diagnostics().iter().find(|d| d.severity() == Severity::Error);
assert_eq!(error.map(|d| (d.code.as_str(), d.line)), Some(("id_scientific_notation", 4)));
# Ok(()) }
```

# Main types

- [`ReaderBuilder`] sets the options (default phone region, strict headers,
  delimiter) and opens a [`Reader`].
- [`Reader`] streams [`Row`]s, each with its physical line, its typed
  [`Guardian`] when usable, and its [`Diagnostic`]s; [`Reader::validate`]
  reads the rest and runs the whole-file checks; [`Reader::validate_with`]
  does the same but hands every row and diagnostic to the caller as it is
  found ([`Found`]), keeping none of them.
- [`ValidatedFile`] holds the deduplicated guardians, their [`Link`]s to
  students, every diagnostic, and a [`Summary`].
- The values: [`StudentId`] and [`GuardianId`] (text, leading zeros kept),
  [`Name`], [`Phone`] (E.164 plus extension, read by a [`PhoneParser`] for a
  [`Region`]), [`Email`] and [`Language`].
- [`dry_run`] compares a [`ValidatedFile`] with the application's current
  roster (anything implementing [`Roster`]; [`InMemoryRoster`] ships with
  the crate) and returns a [`Plan`]: guardians to create and update (field
  by field), links to add and, in [`SyncMode::Full`], to remove, and the
  rows that cannot apply. Nothing is written. [`DryRunOptions::scope`]
  makes it a school-level upload ([`Scope`]): a full sync then removes
  only the links of the scope's students, and rows of other schools'
  students are not applied; [`read_students`] reads a students file with
  their schools.
- [`start_processing`] carries out an approved [`Plan`] (Start
  Processing): it plans the upload again and applies only if the approved
  plan is that plan, change for change, so a plan edited after the dry
  run, replayed later or meant for another upload writes nothing. [`apply`]
  underneath writes through the application's [`RosterWriter`] (in one
  transaction where the store has them), each change only if what the dry
  run read still holds ([`Outcome::Stale`] otherwise,
  [`Outcome::AlreadyApplied`] when the roster holds it already), and
  [`results`] says what became of every row of the upload. With the
  `sqlite` feature, `SqliteRoster` is both traits over a SQLite database;
  with the `postgres` feature, `PostgresRoster` over PostgreSQL. Both run
  `apply` in a transaction of their own, one apply at a time.
- Exports of all contacts carry flags that say who is a guardian
  ([`ContactFlags`]): a restricted contact is never imported, a contact
  the flags say is no guardian is left out ([`RowStatus::Excluded`]).
- [`read_source`] and [`SourceOptions`] read the same district from a
  OneRoster 1.1 or 1.2 CSV export (a folder or zip) or a Clever
  `students.csv` into the same [`ValidatedFile`] ([`detect_format`] tells
  which [`Format`] a path is): every row check and diagnostic as for
  guardians.csv, each diagnostic traced to the export's file, line and
  column ([`Diagnostic::source`]).
- [`Control`] reports progress, stops long work at a cancel flag, and
  brings the caller's thread pool: one for reading, the dry run and apply.
- [`write_errors_csv`] writes the rows with problems back out, with what
  is wrong with each, safe to open in a spreadsheet (formulas neutralised),
  for the clerk to fix and upload again; [`Diagnostic::redacted`] renders a
  diagnostic for logs without personal data.
- [`Error`] is for problems that stop the whole file; its [`ErrorKind`] says
  which.

# Limits

The reader keeps memory bounded whatever arrives: cells longer than
[`ReaderBuilder::max_field_bytes`] (64 KiB) and cells past
[`ReaderBuilder::max_columns`] (256) are never read into memory (the row
gets `field_too_large` or `too_many_columns`), and reading stops with
[`ErrorKind::Limit`] past [`ReaderBuilder::max_rows`] (10 million).

# The file

The header row is required; up to ten lines of a report's title or notes
above it (one or two cells each) are skipped with a warning. Columns may
come in any order; `home_phone`
and `language` may be absent; unknown columns are ignored with a warning.
Header matching ignores case, spaces, `_`, `-` and `.`, and accepts the
synonyms districts write (`Parent ID`, `Guardian Email`, `Cell`, `SMS`,
`Given Name`, `Surname`, `Preferred Language`...);
[`ReaderBuilder::strict_headers`] accepts the canonical names only.

| column | meaning | cell |
|---|---|---|
| `student_id` | the student's ID, as the roster knows it | required |
| `guardian_id` | the guardian's ID in the SIS | required |
| `first_name` | guardian's first name | required |
| `last_name` | guardian's last name | required |
| `email` | login and email notifications | email or mobile required |
| `mobile_phone` | login and SMS notifications | email or mobile required |
| `home_phone` | records only, never notified | optional |
| `language` | preferred language, for translation | optional |

UTF-8 (with or without BOM) is read as is; Windows-1252, Mac Roman (Excel
for Mac) and UTF-16 (as Excel saves "Unicode Text") are converted, with an
`encoding` warning. The
encoding is judged from the first 64 KiB, and where those are all ASCII,
again at the first byte that is not. The
delimiter (`,`, `;` or tab) is detected from the header line.

Line numbers are physical lines, 1-based, where the row starts: right with
CRLF line ends, blank lines, and line breaks inside quoted cells.

# Diagnostic codes

Every [`Diagnostic`] carries one of these stable codes ([`Code`]). Fatal
codes come from an [`Error`] ([`Error::to_diagnostic`]) and stop the file.

| code | severity | meaning |
|---|---|---|
| `empty_file` | fatal | the file has no content |
| `no_header` | fatal | the first line holds data, not column names |
| `missing_column` | fatal | a required column is missing (the message names the closest header, or says the file has a column per guardian or the whole name in one column) |
| `duplicate_column` | fatal | two header cells name the same column |
| `header_changed` | fatal | a second header below the first (exports pasted together) names other columns: its rows cannot be read as the rest of the file is; nothing is used |
| `unreadable_file` | fatal | an I/O error, or an Excel workbook instead of CSV |
| `encoding` | warning | the file was Windows-1252 or UTF-16 and was converted |
| `unknown_column` | warning | a header cell names no known column; ignored |
| `lines_before_header` | warning | up to ten lines of a title or notes (one or two cells each) came before the header row; skipped |
| `field_count` | error | the row has more or fewer fields than the header (a row short only of empty columns without a name, as Excel writes them, is complete) |
| `extra_empty_fields` | warning | surplus fields, all empty, were ignored |
| `blank_row` | warning | every cell of the row is empty, or only columns guardians.csv does not name have anything (a Sheets export's checkboxes; the message names them); skipped |
| `repeated_header` | warning | the row repeats the header (files pasted together, also after a byte-order mark); skipped |
| `header_reordered` | warning | the row is a header with the same columns in another order (exports pasted together): skipped, and the rows below it are read under it, never under the first header |
| `placeholder` | warning | an email, phone or language cell held `N/A`, `none`, `-`... an address such as `noemail@school.org`, or a dummy number such as `000-000-0000` or `999-999-9999`; read as empty |
| `field_too_large` | error | a cell is longer than the field limit (64 KiB by default); cut off, row rejected |
| `too_many_columns` | error | a row has more cells than the column limit (256 by default) |
| `unterminated_quote` | error | a quote opened in the row never closes (the rest of the file was read as this row), or closes only lines later (those lines were read as one cell of this row; the message names them) |
| `truncated_file` | error | the file ends in the middle of this row (no line end after a row with too few cells or that cannot be used, or inside a quoted cell): the download or export was probably cut off; the row is not used, and a full sync of the file removes no link ([`ValidatedFile::truncated_at`]) |
| `stray_quote` | warning | a cell has text after its closing double quote (`"x"y`, which CSV reads as `xy`); the row is used, check the cell |
| `invalid_text` | error | a cell is not valid UTF-8, or an ID or email holds a formatting character that changes how it shows (a BiDi override such as U+202E, a zero-width space inside an ID) |
| `missing_value` | error | a required cell (ID, name) is empty |
| `id_repaired` | warning | `="00123"`, `'00123`, `123.0` or `123,0` (a decimal comma) was repaired |
| `id_scientific_notation` | error | `1.23E+11`: the ID's digits are lost |
| `invalid_id` | error | control characters, inner spaces, over 64 characters, a spreadsheet error value (`#N/A`, `#REF!`), a date a spreadsheet made of the ID (`Jan-05`, `1/5/2024`), or an email or phone number (columns shifted; masked by [`Diagnostic::redacted`]) |
| `invalid_name` | error | a name with control characters, over 100 characters, or a spreadsheet error value |
| `hidden_character` | warning | a name holds a formatting character that only changes how it shows (a BiDi override, a zero-width space; joiners excepted); kept as written |
| `placeholder_name` | warning | a name is a placeholder (`N/A`, `Unknown`, `FNU`, `.`); kept as written, so the guardian is still reached |
| `invalid_phone` | error | not a valid phone number (letters, too short, turned into a number by a spreadsheet, a spreadsheet error value, a Mexican mobile with the `1` dropped in 2019: `suggestion` has the number without it...) |
| `mobile_extension` | warning | the mobile has an extension, which SMS cannot reach |
| `invalid_email` | error | not an address a person can log in with (`suggestion`: the address inside `Name <...>` or after `mailto:`) |
| `email_typo` | warning | the domain looks mistyped (`gmial.com`); kept as written |
| `mixed_script_email` | warning | an email mixes alphabets within its local part or a domain label (`pаypal` with a Cyrillic `а`); kept as written |
| `multiple_values` | error | two emails or two phone numbers in one cell |
| `no_contact` | error | neither a usable email nor a usable mobile, on this row or (when the cells are empty) on another row of the same guardian |
| `unknown_language` | warning | language not recognised; no preference kept (`suggestion`: the language name a misspelling probably meant, `Portugese` -> `Portuguese`) |
| `invalid_flag` | error | a flag cell (`Guardian`, `Custodial`, `Data Access`, `Emergency Contact`, `Restricted`...) holds neither yes nor no (`Y`/`N`, `Yes`/`No`, `TRUE`/`FALSE`, `1`/`0`, `X`/empty); the row is not used, a flag is never guessed |
| `not_a_guardian` | warning | the row's flags say the person is not a guardian of the student (guardian = no; custody and data access both no; an emergency contact no flag marks as guardian); not imported, counted in [`Summary::excluded`] |
| `contact_restricted` | error | the row's restriction flag is set (`Restricted`, `No Contact`, `Do Not Contact`, `Court Order`); the person is never imported or linked, whatever the other flags say |
| `conflicting_flags` | error | rows of one guardian and one student disagree on whether the person is a guardian; none of them is imported |
| `one_sided_link` | warning | (OneRoster) a student names a guardian in `agentSourcedIds` who does not name the student, or the reverse; the link is made (the union of both sides) |
| `unknown_agent` | error | (OneRoster) `agentSourcedIds` names a user who is not in `users.csv` (in a bulk export, or when students are keyed by `identifier`) or is not a student; that link is not made |
| `guardian_without_students` | error | (OneRoster) a guardian names no student and no student names them: nothing of theirs can be imported |
| `unstable_contact_id` | warning | (Clever) a contact has no `Contact_sis_id`; an ID (`CLV-` and a hash) was made from the name, email and phone, which changes when they do |
| `name_split` | warning | (Clever) `Contact_name` was split into first and last name (the last word, or the part before a comma, is the last name); check it |
| `header_variant` | warning | a header of an export is a known misspelling (`agentSourceIds`) or other capitals of the column its specification names; read as that column |
| `deleted_in_source` | warning | (OneRoster delta) the user or their role is `tobedeleted` (1.0: `inactive`); not imported ([`RowStatus::Excluded`]), and an additive dry run of the delta removes the roster's link (a full sync of a delta is refused: `delta_full_sync`) |
| `conflicting_guardian` | error | rows of one guardian give two different names, emails or mobiles (names compared in NFC, ignoring capitals, apostrophes and spaces); all its rows rejected |
| `name_case` | warning | a guardian's name differs from the guardian's first row only in capitals (`MARIA`, `Maria`); the first row's spelling is used |
| `name_variant` | warning | a guardian's name differs from the guardian's first row only in apostrophes, spaces or hyphens (`O’Brien`, `O'Brien`; a no-break space); the first row's spelling is used |
| `optional_field_differs` | warning | a guardian's home phone or language differs between rows; the first row's value (the first recognised language) is kept, never a lost guardian |
| `rows_completed` | warning | some of a guardian's rows leave the email, mobile, home phone or language empty and another row gives it (as SIS exports write contacts on a guardian's first row only); the value is used for every row, one warning per guardian |
| `duplicate_row` | warning | a row repeats an earlier row (the same guardian, student and details once normalised); counted once |
| `implausible_links` | warning | a student has more than 20 guardians, or a guardian more than 30 students, in the file: more than any family has, so the export may be joined wrongly; one warning each, on the first row |
| `shared_email` | warning | two guardians share an email |
| `shared_mobile` | warning | two guardians share a mobile |
| `lookalike_email` | warning | two guardians' emails differ only in look-alike characters (a Cyrillic `а` for a Latin `a`, full-width letters, a domain and its punycode form: UTS #39 skeletons); to a person they are one login |
| `text_marker` | warning | a cell started with Excel's text marker `'`, or was wrapped as `="..."` to keep it as text; removed |
| `formula_value` | warning | a name looks like a spreadsheet formula (`=HYPERLINK(...)`); kept as written |
| `garbled_text` | warning | a name looks garbled by a wrong text encoding (`JosÃ©`); kept as written, `suggestion` is what it probably reads (`José`); or any cell held bytes shaped like broken UTF-8 (an overlong or surrogate sequence) that were read as Windows-1252 letters |
| `roster_unavailable` | fatal | the application's roster failed during a dry run |
| `stale_roster_keys` | fatal | (dry run) roster rows carry lookup keys the crate did not compute (`Roster::stale_keys`: left empty, or filled with SQL `lower()`), so a contact they hold would not be found and a duplicate login could be created; nothing is planned until the store is rekeyed (`SqliteRoster::rekey`, `PostgresRoster::rekey`) |
| `unknown_school` | fatal | (dry run) a school of the scope is not in the roster (`suggestion`: the roster school it matches once leading zeros are ignored); nothing is planned |
| `plan_not_approved` | fatal | ([`start_processing`]) the plan is not what the dry run of its upload gives now: edited after the dry run, planned from another upload, or the roster changed since; nothing is written |
| `cancelled` | fatal | the caller's cancellation flag stopped reading or planning ([`ErrorKind::Cancelled`]) |
| `delta_full_sync` | fatal | (dry run) a full sync was asked of a delta export, which holds only what changed, so it would remove every link it does not repeat; nothing is planned ([`ErrorKind::DeltaFullSync`]) |
| `unknown_student` | error | (dry run) the student is not in the roster; the diagnostic's `suggestion` names the roster ID with the same key ([`id_key`]: leading zeros, width, other scripts' digits, capitals and hidden characters ignored) |
| `similar_guardian` | error | (dry run) a guardian is not in the roster, but one whose ID has the same key ([`id_key`]: it differs only in leading zeros, capitals, width...) is: probably the same person with a damaged ID, so the row is not applied (never a second account, never merged); `suggestion` names the roster's ID |
| `email_in_use` | error | (dry run) the email belongs to another guardian in the roster (the message says when that guardian's ID has the same key: probably the same person) |
| `mobile_in_use` | error | (dry run) the mobile belongs to another guardian in the roster |
| `deletion_threshold` | warning | (dry run, full sync) more than the threshold's share of the links this file covers (the roster's links in scope plus those the file adds) would go; none are removed |
| `unlink_held` | warning | (dry run, full sync) a link is kept because a row that did not apply (rejected, unknown student, damaged guardian ID, contact in use, another school's student) may stand for it: a guardian or a student with any such row keeps every link, its IDs matched by their key ([`id_key`]); or, in a school's sync, because the student is also enrolled in a school outside the scope |
| `student_out_of_scope` | error | (dry run, school scope) the student is in the roster but in none of the scope's schools (the message names theirs); the row is not applied, never linked across schools |
| `guardian_out_of_scope` | warning | (dry run, school scope) the upload updates a guardian every student of whom the roster has in another school: check the new details with those schools |
| `student_left_without_guardian` | warning | (dry run, full sync) the removals would leave this student with no guardian at all |
| `restricted_contact_linked` | error | (dry run) the roster links a person to a student for whom the file flags them as restricted: a full sync removes the link whatever the deletion threshold ([`PlanSummary::unlink_restricted`]), an additive sync only says so |
*/

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod checks;
mod column;
mod diagnostic;
mod dryrun;
mod error;
mod progress;
mod reading;
mod reports;
mod sources;
mod values;

pub use crate::checks::found::Found;
pub use crate::checks::validated::{ExcludedRow, RejectedRow, Summary, ValidatedFile};
pub use crate::column::Column;
pub use crate::diagnostic::render::Visible;
pub use crate::diagnostic::{Code, Diagnostic, Severity, SourceSpot};
pub use crate::dryrun::apply::{Applied, ApplyOptions, Outcome, RosterWriter, apply};
pub use crate::dryrun::approved::start_processing;
pub use crate::dryrun::field_changes::{FieldChange, FieldChanges};
pub use crate::dryrun::fingerprint::Fingerprint;
pub use crate::dryrun::memory::InMemoryRoster;
pub use crate::dryrun::options::{DryRunOptions, SyncMode};
pub use crate::dryrun::plan::{Change, Plan, PlanSummary};
pub use crate::dryrun::planner::dry_run;
#[cfg(feature = "postgres")]
pub use crate::dryrun::postgres::{POSTGRES_SCHEMA, PostgresError, PostgresRoster};
pub use crate::dryrun::roster::Roster;
pub use crate::dryrun::scope::Scope;
#[cfg(feature = "sqlite")]
pub use crate::dryrun::sqlite::{SQLITE_SCHEMA, SqliteError, SqliteRoster, table_counts};
pub use crate::dryrun::students::{Enrolment, Students, read_students};
pub use crate::error::{Error, ErrorKind, Position};
pub use crate::progress::{Control, Phase, Progress, REPORT_EVERY};
pub use crate::reading::decode::TextEncoding;
pub use crate::reading::file_info::FileInfo;
pub use crate::reading::origin::Format;
pub use crate::reading::reader::{
    DEFAULT_MAX_COLUMNS, DEFAULT_MAX_FIELD_BYTES, DEFAULT_MAX_ROWS, Reader, ReaderBuilder, Rows,
};
pub use crate::reading::row::{Row, RowOutcome, RowStatus};
pub use crate::reports::errors_csv::{ERRORS_CSV_COLUMNS, write_errors_csv};
pub use crate::reports::results::{ResultRow, ResultUnlink, Results, RowResult, results};
pub use crate::sources::{
    DEFAULT_GUARDIAN_CONTACT_TYPES, DEFAULT_GUARDIAN_ROLES, SourceOptions, StudentKey,
    detect_format, read_source,
};
pub use crate::values::email::{Email, EmailError};
pub use crate::values::flags::{ContactFlags, Exclusion, parse_flag};
pub use crate::values::id::{
    GuardianId, IdError, IdRepair, MAX_ID_LEN, ParsedId, SchoolId, StudentId, id_key,
    without_leading_zeros,
};
pub use crate::values::language::{Language, UnknownLanguage};
pub use crate::values::name::{MAX_NAME_LEN, Name};
pub use crate::values::phone::{Phone, PhoneError, PhoneParser, Region, UnknownRegion};
pub use crate::values::record::{Guardian, GuardianField, Link};
pub use crate::values::text::mask;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
