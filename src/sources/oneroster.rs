//! OneRoster 1.1 and 1.2 CSV exports: `manifest.csv`, `users.csv` and
//! (1.2) `roles.csv`. Guardians are users with a guardian role; their
//! links to students are `agentSourcedIds`, on either side.

use std::io::Read;

use foldhash::{HashMap, HashSet};

use crate::checks::validated::ValidatedFile;
use crate::diagnostic::message::{Arg, msg};
use crate::diagnostic::{Code, Diagnostic};
use crate::error::{Error, ErrorKind};
use crate::reading::origin::{Format, RowOrigin};
use crate::reading::tokenizer::Cut;
use crate::sources::SourceOptions;
use crate::sources::StudentKey;
use crate::sources::export::Export;
use crate::sources::synth::{LinkCells, Synth};
use crate::sources::table::{Table, cell, spot};
use crate::values::flags::Exclusion;

const USERS: &str = "users.csv";
const ROLES: &str = "roles.csv";
const MANIFEST: &str = "manifest.csv";

/// The roles a guardian may have in OneRoster; which of them are imported
/// is [`SourceOptions::guardian_roles`].
const CONTACT_ROLES: [&str; 3] = ["parent", "guardian", "relative"];

/// What the manifest says.
#[derive(Default)]
struct Manifest {
    /// `oneroster.version`.
    version: Option<String>,
    /// `file.users.csv`: `bulk`, `delta` or `absent`.
    users: Option<String>,
}

fn read_manifest(export: &mut Export) -> Result<Manifest, Error> {
    let input = export.read(MANIFEST)?.ok_or_else(|| missing(MANIFEST))?;
    let mut table = Table::open(input, MANIFEST)?;
    let name = table.required("propertyName", &[])?;
    let value = table.required("value", &[])?;
    let mut manifest = Manifest::default();
    let (mut record, mut cuts) = (csv::ByteRecord::new(), Vec::new());
    while table.next(&mut record, &mut cuts)?.is_some() {
        let text = String::from_utf8_lossy(cell(&record, Some(value))).to_ascii_lowercase();
        match cell(&record, Some(name)) {
            b"oneroster.version" => manifest.version = Some(text),
            b"file.users.csv" => manifest.users = Some(text),
            _ => {}
        }
    }
    Ok(manifest)
}

fn missing(file: &str) -> Error {
    Error::without_line(ErrorKind::SourceIncomplete {
        file: file.to_owned(),
        column: None,
    })
}

/// Whether a folder or archive is a OneRoster export, and which version:
/// 1.2 when the manifest says so or `users.csv` has no `role` column.
pub(crate) fn detect(export: &mut Export) -> Result<Option<Format>, Error> {
    if !export.has(MANIFEST) {
        return Ok(None);
    }
    let manifest = read_manifest(export)?;
    if let Some(version) = &manifest.version {
        return Ok(Some(if version.starts_with("1.2") {
            Format::OneRoster12
        } else {
            Format::OneRoster11
        }));
    }
    let Some(input) = export.read(USERS)? else {
        return Ok(Some(Format::OneRoster11));
    };
    let mut users = Table::open(input, USERS)?;
    Ok(Some(match users.column("role", &[]) {
        Some(_) => Format::OneRoster11,
        None => Format::OneRoster12,
    }))
}

/// One user's part in the links: a student, a guardian of a role, or
/// anyone else.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Student,
    /// A guardian role (index in [`CONTACT_ROLES`]).
    Contact(usize),
    Other,
}

/// Where a piece of text is in the [`Arena`].
#[derive(Clone, Copy, Default)]
struct Span {
    start: u32,
    len: u32,
}

/// The text of every user record the links need, one buffer for all:
/// no allocation per user.
#[derive(Default)]
struct Arena(Vec<u8>);

impl Arena {
    fn push(&mut self, bytes: &[u8]) -> Span {
        let start = self.0.len();
        self.0.extend_from_slice(bytes);
        // A users.csv over 4 GiB is past every limit the reader keeps.
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            len: u32::try_from(bytes.len()).unwrap_or(0),
        }
    }

    /// Text, as valid UTF-8 (a cell that is not is kept with U+FFFD).
    fn push_text(&mut self, bytes: &[u8]) -> Span {
        match String::from_utf8_lossy(bytes) {
            std::borrow::Cow::Borrowed(text) => self.push(text.as_bytes()),
            std::borrow::Cow::Owned(text) => self.push(text.as_bytes()),
        }
    }

    fn bytes(&self, span: Span) -> &[u8] {
        let start = span.start as usize;
        self.0
            .get(start..start + span.len as usize)
            .unwrap_or_default()
    }

    fn text(&self, span: Span) -> &str {
        std::str::from_utf8(self.bytes(span)).unwrap_or_default()
    }
}

/// A user record as read: its text in the [`Arena`].
struct Record {
    id: Span,
    agents: Span,
    identifier: Option<Span>,
    /// A guardian's cells: sourcedId, first and last name, email, sms,
    /// phone.
    cells: Option<[Span; 6]>,
    line: u64,
    kind: Kind,
    deleted: bool,
    /// What the limits cut from a guardian's record, said on its rows.
    cut: Option<Box<Diagnostic>>,
}

/// A user record, as far as the links need it.
struct User<'a> {
    id: &'a str,
    line: u64,
    kind: Kind,
    deleted: bool,
    /// `agentSourcedIds` as written: IDs separated by commas.
    agents: &'a str,
    /// A student's `identifier`, when students are keyed by it.
    identifier: Option<&'a [u8]>,
    /// A guardian's cells as written, for its rows.
    cells: Option<[&'a [u8]; 6]>,
    cut: Option<&'a Diagnostic>,
}

impl<'a> User<'a> {
    fn view(record: &'a Record, arena: &'a Arena) -> User<'a> {
        User {
            id: arena.text(record.id),
            line: record.line,
            kind: record.kind,
            deleted: record.deleted,
            agents: arena.text(record.agents),
            identifier: record.identifier.map(|span| arena.bytes(span)),
            cells: record
                .cells
                .map(|cells| cells.map(|span| arena.bytes(span))),
            cut: record.cut.as_deref(),
        }
    }

    /// The IDs `agentSourcedIds` names, blanks aside.
    fn agents(&self) -> impl Iterator<Item = &'a str> {
        self.agents
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
    }

    /// The student's cell that is the roster's student ID.
    fn student_key(&self) -> &'a [u8] {
        self.identifier.unwrap_or(self.id.as_bytes())
    }
}

/// Roles from `roles.csv` (1.2): each user's roles, and whether the
/// export deletes them.
/// Each user's roles, and whether the export deletes each.
type Roles = HashMap<Box<str>, Vec<(Kind, bool)>>;

fn read_roles(export: &mut Export) -> Result<Roles, Error> {
    let input = export.read(ROLES)?.ok_or_else(|| missing(ROLES))?;
    let mut table = Table::open(input, ROLES)?;
    let user = table.required("userSourcedId", &[])?;
    let role = table.required("role", &[])?;
    let status = table.column("status", &[]);
    let mut roles = Roles::default();
    let (mut record, mut cuts) = (csv::ByteRecord::new(), Vec::new());
    while table.next(&mut record, &mut cuts)?.is_some() {
        let id = String::from_utf8_lossy(cell(&record, Some(user)));
        roles.entry(id.into()).or_default().push((
            kind_of(cell(&record, Some(role))),
            is_deleted(cell(&record, status)),
        ));
    }
    Ok(roles)
}

fn kind_of(role: &[u8]) -> Kind {
    if role.eq_ignore_ascii_case(b"student") {
        return Kind::Student;
    }
    CONTACT_ROLES
        .iter()
        .position(|r| role.eq_ignore_ascii_case(r.as_bytes()))
        .map_or(Kind::Other, Kind::Contact)
}

/// `tobedeleted`, or 1.0's `inactive`.
fn is_deleted(status: &[u8]) -> bool {
    status.eq_ignore_ascii_case(b"tobedeleted") || status.eq_ignore_ascii_case(b"inactive")
}

/// What the limits cut from a record, as a diagnostic for its rows.
fn cut_said(cuts: &[Cut], record_len: usize, width: usize) -> Option<Diagnostic> {
    let (code, words) = if cuts.contains(&Cut::UnterminatedQuote) {
        (
            Code::TruncatedFile,
            msg!(
                "a double quote opened in this record is never closed: the file was probably cut off; this record was not used, and a full sync removes no link: export the file again"
            ),
        )
    } else if cuts.contains(&Cut::NoLineEnd) && record_len < width {
        (
            Code::TruncatedFile,
            msg!(
                "the file ends in the middle of this record: the export or download was probably cut off; it was not used, and a full sync removes no link: export the file again"
            ),
        )
    } else if cuts.iter().any(|c| matches!(c, Cut::Field { .. })) {
        (
            Code::FieldTooLarge,
            msg!(
                "a cell of this record is longer than the limit a cell may have; it was cut off and the record was not used"
            ),
        )
    } else if cuts.iter().any(|c| matches!(c, Cut::Fields { .. })) {
        (
            Code::TooManyColumns,
            msg!("this record has more cells than the limit; it was not used"),
        )
    } else {
        return None;
    };
    Some(Diagnostic::with_message(code, 0, words.lined()))
}

/// Reads a OneRoster export into the same checked file as guardians.csv.
pub(crate) fn read(
    export: &mut Export,
    format: Format,
    options: &SourceOptions,
) -> Result<ValidatedFile, Error> {
    let manifest = read_manifest(export)?;
    let delta = manifest.users.as_deref() == Some("delta");
    let roles = match format {
        Format::OneRoster12 => Some(read_roles(export)?),
        _ => None,
    };
    let input = export.read(USERS)?.ok_or_else(|| missing(USERS))?;
    let mut table = Table::open(input, USERS)?;
    let columns = Columns::find(&mut table, roles.is_none(), options)?;
    let width = table.width();
    let mut records = Vec::new();
    let mut arena = Arena::default();
    let (mut record, mut cuts) = (csv::ByteRecord::new(), Vec::new());
    let mut truncated = None;
    let watch = options.reader.watch();
    while let Some(line) = table.next(&mut record, &mut cuts)? {
        let progress = crate::progress::Progress {
            phase: crate::progress::Phase::Reading,
            bytes: 0,
            done: records.len() as u64,
        };
        watch.tick(progress, line)?;
        if record.iter().all(|c| c.trim_ascii().is_empty()) {
            continue;
        }
        let id = arena.push_text(cell(&record, Some(columns.id)));
        let one_role;
        let user_roles: &[(Kind, bool)] = match (&roles, columns.role) {
            (Some(roles), _) => roles.get(arena.text(id)).map_or(&[], Vec::as_slice),
            (None, Some(role)) => {
                one_role = [(kind_of(cell(&record, Some(role))), false)];
                &one_role
            }
            (None, None) => &[],
        };
        let contact = user_roles.iter().find_map(|&(kind, gone)| match kind {
            Kind::Contact(at) => Some((at, gone)),
            _ => None,
        });
        let kind = match contact {
            Some((at, _)) => Kind::Contact(at),
            None if user_roles.iter().any(|&(k, _)| k == Kind::Student) => Kind::Student,
            None => Kind::Other,
        };
        let cut = cut_said(&cuts, record.len(), width);
        if cut.as_ref().is_some_and(|d| d.code == Code::TruncatedFile) {
            truncated = Some(line);
        }
        let deleted =
            is_deleted(cell(&record, columns.status)) || contact.is_some_and(|(_, gone)| gone);
        let agents = arena.push_text(cell(&record, Some(columns.agents)));
        let identifier = match (options.student_key, kind) {
            (StudentKey::Identifier, Kind::Student) => {
                Some(arena.push(cell(&record, columns.identifier)))
            }
            _ => None,
        };
        let cells = match kind {
            Kind::Contact(_) => Some(columns.cells(&record).map(|c| arena.push(c))),
            _ => None,
        };
        records.push(Record {
            id,
            agents,
            identifier,
            cells,
            line,
            kind,
            deleted,
            cut: cut.map(Box::new),
        });
    }
    let users: Vec<User<'_>> = records.iter().map(|r| User::view(r, &arena)).collect();
    let mut synth = Synth::new(
        format,
        &options.reader,
        USERS,
        [
            columns.student_column(options.student_key),
            "sourcedId",
            columns.given_name,
            columns.family_name,
            "email",
            "sms",
            "phone",
            "",
        ],
        match columns.role {
            Some(_) => &[(crate::Column::Guardian, "role")],
            None => &[],
        },
        table.encoding(),
    );
    for (diagnostic, at) in std::mem::take(&mut table.said) {
        synth.file_diagnostic(diagnostic, at);
    }
    if let Some(line) = truncated {
        // A guardian's record says so on its rows; any other's here.
        if !users
            .iter()
            .any(|u| u.line == line && matches!(u.kind, Kind::Contact(_)))
        {
            let said = Diagnostic::with_message(
                Code::TruncatedFile,
                1,
                msg!(
                    "the file ends in the middle of a record: the export or download was probably cut off, so records after it may be missing; a full sync removes no link: export the file again"
                )
                .lined(),
            );
            synth.file_diagnostic(said, spot(USERS, line, None));
        }
        synth.truncated();
    }
    link(&users, &columns, options, delta, &mut synth)?;
    synth.finish(delta)
}

/// The `users.csv` columns the links read.
struct Columns {
    id: usize,
    status: Option<usize>,
    role: Option<usize>,
    agents: usize,
    agents_name: &'static str,
    identifier: Option<usize>,
    given: usize,
    family: usize,
    preferred_given: Option<usize>,
    preferred_family: Option<usize>,
    email: Option<usize>,
    sms: Option<usize>,
    phone: Option<usize>,
    given_name: &'static str,
    family_name: &'static str,
}

impl Columns {
    fn find<R: Read>(
        table: &mut Table<R>,
        needs_role: bool,
        options: &SourceOptions,
    ) -> Result<Columns, Error> {
        let id = table.required("sourcedId", &[])?;
        let role = if needs_role {
            Some(table.required("role", &[])?)
        } else {
            table.column("role", &[])
        };
        let agents = table.required("agentSourcedIds", &["agentSourceIds", "agentSourceId"])?;
        let identifier = match options.student_key {
            StudentKey::Identifier => Some(table.required("identifier", &[])?),
            StudentKey::SourcedId => table.column("identifier", &[]),
        };
        let preferred = options.preferred_names;
        Ok(Columns {
            id,
            status: table.column("status", &[]),
            role,
            agents,
            agents_name: "agentSourcedIds",
            identifier,
            given: table.required("givenName", &[])?,
            family: table.required("familyName", &[])?,
            preferred_given: preferred
                .then(|| table.column("preferredGivenName", &[]))
                .flatten(),
            preferred_family: preferred
                .then(|| table.column("preferredFamilyName", &[]))
                .flatten(),
            email: table.column("email", &[]),
            sms: table.column("sms", &[]),
            phone: table.column("phone", &[]),
            given_name: "givenName",
            family_name: "familyName",
        })
    }

    fn student_column(&self, key: StudentKey) -> &'static str {
        match key {
            StudentKey::SourcedId => "sourcedId",
            StudentKey::Identifier => "identifier",
        }
    }

    /// A guardian record's cells: sourcedId, first and last name (the
    /// preferred ones where asked for and filled), email, sms, phone.
    fn cells<'a>(&self, record: &'a csv::ByteRecord) -> [&'a [u8]; 6] {
        let name = |preferred: Option<usize>, plain: usize| {
            let given = cell(record, preferred);
            if given.is_empty() {
                cell(record, Some(plain))
            } else {
                given
            }
        };
        [
            cell(record, Some(self.id)),
            name(self.preferred_given, self.given),
            name(self.preferred_family, self.family),
            cell(record, self.email),
            cell(record, self.sms),
            cell(record, self.phone),
        ]
    }
}

/// A guardian's cells for a link to `student`.
fn link_cells<'a>(cells: &[&'a [u8]; 6], student: &'a [u8]) -> LinkCells<'a> {
    LinkCells {
        student,
        guardian: cells[0],
        first: cells[1],
        last: cells[2],
        email: cells[3],
        mobile: cells[4],
        home: cells[5],
        relationship: b"",
    }
}

/// Makes every guardian's rows: one per student it or the student names,
/// a rejected one for a guardian with none.
fn link(
    users: &[User<'_>],
    columns: &Columns,
    options: &SourceOptions,
    delta: bool,
    synth: &mut Synth,
) -> Result<(), Error> {
    let ids = Ids::number(users);
    // Each guardian's records: the first, and how many. Most guardians
    // have one record; the union of what several name is built for those
    // that have more.
    let mut first_record = vec![NONE; ids.first_user.len()];
    let mut record_count = vec![0u32; ids.first_user.len()];
    for (at, user) in users.iter().enumerate() {
        if matches!(user.kind, Kind::Contact(_)) {
            let n = ids.of_user[at] as usize;
            if first_record[n] == NONE {
                first_record[n] = at as u32;
            }
            record_count[n] += 1;
        }
    }
    let mut named_by_guardian: HashMap<u32, HashSet<&str>> = HashMap::default();
    for (at, user) in users.iter().enumerate() {
        let n = ids.of_user[at];
        if matches!(user.kind, Kind::Contact(_)) && record_count[n as usize] > 1 {
            named_by_guardian
                .entry(n)
                .or_default()
                .extend(user.agents());
        }
    }
    // Each guardian's students as the students name them.
    let named_by_students = NamedBy::students(users, &ids);
    for (at, user) in users.iter().enumerate() {
        let (Kind::Contact(role), Some(record)) = (user.kind, &user.cells) else {
            continue;
        };
        let n = ids.of_user[at];
        let first = first_record[n as usize] == at as u32;
        let own = match record_count[n as usize] {
            0 | 1 => None,
            _ => named_by_guardian.get(&n),
        };
        // (student user, or the agent as written; the record naming it)
        // A guardian has a few students: a list searched is quicker than
        // a set.
        let mut links: Vec<(Option<&User>, &str, u64, bool)> = Vec::new();
        // The students that name this guardian.
        let naming = named_by_students.of(n);
        for agent in user.agents() {
            if links.iter().any(|l| l.1 == agent) {
                continue;
            }
            let found = ids.first_user_of(agent);
            let student = found.map(|at| &users[at]);
            let one_sided = found.is_some_and(|at| {
                users[at].kind == Kind::Student && !naming.contains(&(at as u32))
            });
            links.push((student, agent, user.line, one_sided));
        }
        if first {
            for &at in naming {
                let student = &users[at as usize];
                let named = match own {
                    Some(own) => own.contains(student.id),
                    None => user.agents().any(|a| a == student.id),
                };
                if !named && !links.iter().any(|l| l.1 == student.id) {
                    links.push((Some(student), student.id, student.line, true));
                }
            }
        }
        let exclusion = if user.deleted {
            Some(Exclusion::Deleted)
        } else if !options.counts_role(CONTACT_ROLES[role]) {
            Some(Exclusion::NotGuardian)
        } else {
            None
        };
        if links.is_empty() {
            no_students(user, columns, record, exclusion, synth)?;
            continue;
        }
        for (student, agent, named_on, one_sided) in links {
            let line = synth.next_line();
            let student_is_one = student.filter(|s| s.kind == Kind::Student);
            let key: &[u8] = match (student_is_one, options.student_key) {
                (Some(s), _) => s.student_key(),
                (None, StudentKey::SourcedId) => agent.as_bytes(),
                (None, StudentKey::Identifier) => b"",
            };
            let link_spot = match (student_is_one, named_on == user.line) {
                (Some(s), _) if options.student_key == StudentKey::Identifier => {
                    (USERS, s.line, "identifier")
                }
                (_, true) => (USERS, user.line, columns.agents_name),
                (_, false) => (USERS, named_on, columns.agents_name),
            };
            let origin = RowOrigin {
                guardian_line: user.line,
                link: link_spot,
            };
            let cells = link_cells(record, key);
            if let Some(exclusion) = exclusion {
                let said = excluded_said(exclusion, CONTACT_ROLES[role], line);
                synth.push_excluded(&cells, origin, exclusion, said)?;
                continue;
            }
            let mut said = Vec::new();
            if let Some(cut) = user.cut {
                let mut cut = cut.clone();
                cut.line = line;
                said.push(cut);
            }
            match student_is_one {
                Some(_) if one_sided => said.push(one_sided_said(line, named_on != user.line)),
                Some(_) => {}
                // Unchanged students are not in a delta: the link stands
                // on the ID, which the roster knows.
                None if delta && options.student_key == StudentKey::SourcedId => {}
                None => said.push(unknown_agent_said(line, agent, student.is_some())),
            }
            synth.push(&cells, origin, said, false)?;
        }
    }
    Ok(())
}

/// No user (`NONE`) in [`link`]'s tables.
const NONE: u32 = u32::MAX;

/// Every user ID, numbered in the order first met: each table [`link`]
/// keeps per ID is then a list, and a user's ID is hashed once.
struct Ids<'a> {
    /// Each user's ID's number.
    of_user: Vec<u32>,
    /// Per ID number, the first user with it.
    first_user: Vec<u32>,
    numbers: HashMap<&'a str, u32>,
}

impl<'a> Ids<'a> {
    fn number(users: &[User<'a>]) -> Ids<'a> {
        let mut ids = Ids {
            of_user: Vec::with_capacity(users.len()),
            first_user: Vec::new(),
            numbers: HashMap::default(),
        };
        ids.numbers.reserve(users.len());
        for (at, user) in users.iter().enumerate() {
            let next = ids.first_user.len() as u32;
            let n = *ids.numbers.entry(user.id).or_insert(next);
            if n == next {
                ids.first_user.push(at as u32);
            }
            ids.of_user.push(n);
        }
        ids
    }

    /// The first user whose ID is `id`.
    fn first_user_of(&self, id: &str) -> Option<usize> {
        let n = *self.numbers.get(id)?;
        self.first_user.get(n as usize).map(|&at| at as usize)
    }
}

/// Per ID number, the students that name it in `agentSourcedIds`, in
/// file order (a student that names it twice, twice): one list for all,
/// each ID's part found by its start.
struct NamedBy {
    starts: Vec<u32>,
    students: Vec<u32>,
}

impl NamedBy {
    fn students(users: &[User<'_>], ids: &Ids<'_>) -> NamedBy {
        // (ID number, student), counted then placed in file order.
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for (at, user) in users.iter().enumerate() {
            if user.kind == Kind::Student {
                for agent in user.agents() {
                    // An agent who is no user names no guardian's record.
                    if let Some(&n) = ids.numbers.get(agent) {
                        pairs.push((n, at as u32));
                    }
                }
            }
        }
        let mut starts = vec![0u32; ids.first_user.len() + 1];
        for &(n, _) in &pairs {
            starts[n as usize + 1] += 1;
        }
        for k in 1..starts.len() {
            starts[k] += starts[k - 1];
        }
        let mut next = starts.clone();
        let mut students = vec![0u32; pairs.len()];
        for (n, at) in pairs {
            let slot = &mut next[n as usize];
            students[*slot as usize] = at;
            *slot += 1;
        }
        NamedBy { starts, students }
    }

    /// The students that name ID number `n`.
    fn of(&self, n: u32) -> &[u32] {
        let n = n as usize;
        match (self.starts.get(n), self.starts.get(n + 1)) {
            (Some(&start), Some(&end)) => self
                .students
                .get(start as usize..end as usize)
                .unwrap_or_default(),
            _ => &[],
        }
    }
}

/// A guardian record that names no student and that no student names.
fn no_students(
    user: &User<'_>,
    columns: &Columns,
    record: &[&[u8]; 6],
    exclusion: Option<Exclusion>,
    synth: &mut Synth,
) -> Result<(), Error> {
    let line = synth.next_line();
    let origin = RowOrigin {
        guardian_line: user.line,
        link: (USERS, user.line, columns.agents_name),
    };
    if exclusion.is_some() {
        // Nothing to link and nothing to import: said on the record.
        let said = Diagnostic::with_message(
            Code::DeletedInSource,
            1,
            msg!("the guardian is deleted or not imported, and is linked to no student; nothing to do").lined(),
        );
        synth.file_diagnostic(said, crate::sources::table::spot(USERS, user.line, None));
        return Ok(());
    }
    let said = Diagnostic::with_message(
        Code::GuardianWithoutStudents,
        line,
        msg!(
            "the guardian is linked to no student: agentSourcedIds is empty and no student names them, so there is nothing to import; add the guardian's students in the SIS and export again"
        )
        .lined(),
    )
    .with_column(crate::Column::StudentId);
    synth.push(&link_cells(record, b""), origin, vec![said], true)
}

fn excluded_said(exclusion: Exclusion, role: &'static str, line: u64) -> Diagnostic {
    match exclusion {
        Exclusion::Deleted => Diagnostic::with_message(
            Code::DeletedInSource,
            line,
            msg!(
                "the export marks this guardian or their role as tobedeleted: the link is not imported, and an additive sync of this delta removes it from the roster"
            )
            .lined(),
        ),
        _ => Diagnostic::with_message(
            Code::NotAGuardian,
            line,
            msg!(
                "the user's role is {}, which this import does not count as a guardian (SourceOptions::guardian_roles), so the row was not imported",
                role
            )
            .lined(),
        )
        .with_column(crate::Column::Guardian),
    }
}

fn one_sided_said(line: u64, named_by_student: bool) -> Diagnostic {
    let words = if named_by_student {
        msg!(
            "the student names this guardian in agentSourcedIds, but the guardian does not name the student; the link was made: check it, and ask the rostering provider to fill both sides"
        )
    } else {
        msg!(
            "the guardian names this student in agentSourcedIds, but the student does not name the guardian; the link was made: check it, and ask the rostering provider to fill both sides"
        )
    };
    Diagnostic::with_message(Code::OneSidedLink, line, words.lined())
        .with_column(crate::Column::StudentId)
}

fn unknown_agent_said(line: u64, agent: &str, is_a_user: bool) -> Diagnostic {
    let words = if is_a_user {
        msg!(
            "agentSourcedIds names {}, a user who is not a student; that link was not made: correct the guardian's agents in the SIS",
            Arg::Value
        )
    } else {
        msg!(
            "agentSourcedIds names {}, which is not a user of users.csv; that link was not made: export the whole roster again",
            Arg::Value
        )
    };
    Diagnostic::with_message(Code::UnknownAgent, line, words.lined())
        .with_column(crate::Column::StudentId)
        .with_value(agent)
}
