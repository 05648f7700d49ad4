//! What the roster says of the upload's students for a school-level dry
//! run: the scope's schools checked first, the students in none of them,
//! and those enrolled in other schools too.

use foldhash::{HashMap, HashSet};

use crate::column::Column;
use crate::diagnostic::message::{Arg, msg};
use crate::diagnostic::write_list;
use crate::diagnostic::{Code, Diagnostic};
use crate::dryrun::grouped::LinksByGuardian;
use crate::dryrun::roster::Roster;
use crate::dryrun::roster::batched;
use crate::dryrun::scope::Scope;
use crate::error::{Error, ErrorKind};
use crate::values::id::id_key;
use crate::values::id::{GuardianId, SchoolId, StudentId};
use crate::values::record::Link;

/// Checks a school scope's IDs against the roster's schools: an ID the
/// roster lacks stops the dry run, naming the roster school it matches
/// once leading zeros are ignored, if any.
pub(crate) fn check_scope<R: Roster + ?Sized>(
    roster: &mut R,
    scope: &Scope,
    size: usize,
) -> Result<(), Error> {
    let schools = scope.school_ids();
    if schools.is_empty() {
        return Ok(());
    }
    let school_keys: Vec<std::borrow::Cow<'_, str>> =
        schools.iter().map(|s| id_key(s.as_str())).collect();
    let mut keys: Vec<&str> = school_keys.iter().map(|k| k.as_ref()).collect();
    keys.sort_unstable();
    keys.dedup();
    let known = by_unpadded(batched(&keys, size, |keys| roster.similar_schools(keys))?);
    for school in schools {
        let similar = known
            .get(id_key(school.as_str()).as_ref())
            .map_or(&[][..], Vec::as_slice);
        if !similar.contains(school) {
            return Err(Error::without_line(ErrorKind::UnknownSchool {
                school: school.clone(),
                suggestion: similar.first().cloned(),
            }));
        }
    }
    Ok(())
}

/// The upload's students that the roster has in none of a school scope's
/// schools, with the schools it has them in.
pub(crate) fn students_out_of_scope<R: Roster + ?Sized>(
    roster: &mut R,
    scope: &Scope,
    existing: &HashSet<StudentId>,
    size: usize,
) -> Result<HashMap<StudentId, Vec<SchoolId>>, Error> {
    if matches!(scope, Scope::District) {
        return Ok(HashMap::default());
    }
    let mut ids: Vec<StudentId> = existing.iter().cloned().collect();
    ids.sort_unstable();
    let mut schools: HashMap<StudentId, Vec<SchoolId>> = HashMap::default();
    for (student, school) in batched(&ids, size, |ids| roster.schools_of(ids))? {
        schools.entry(student).or_default().push(school);
    }
    let mut out = HashMap::default();
    for id in ids {
        let mut theirs = schools.remove(&id).unwrap_or_default();
        if !scope.includes(&theirs) {
            theirs.sort_unstable();
            theirs.dedup();
            out.insert(id, theirs);
        }
    }
    Ok(out)
}

/// For a school-level full sync: the students of the links it would
/// remove (in scope, not in the file) who are also enrolled in a school
/// outside the scope, with those schools.
pub(crate) fn enrolled_elsewhere<R: Roster + ?Sized>(
    roster: &mut R,
    scope: &Scope,
    links: &[(GuardianId, StudentId)],
    grouped: &LinksByGuardian<'_>,
    size: usize,
) -> Result<HashMap<StudentId, Vec<SchoolId>>, Error> {
    if matches!(scope, Scope::District) {
        return Ok(HashMap::default());
    }
    let mut near = usize::MAX;
    let mut ids: Vec<StudentId> = links
        .iter()
        .filter(|(g, s)| !grouped.has(&mut near, g, s))
        .map(|(_, s)| s.clone())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let schools = scope.school_ids();
    let mut out: HashMap<StudentId, Vec<SchoolId>> = HashMap::default();
    for (student, school) in batched(&ids, size, |ids| roster.schools_of(ids))? {
        if !schools.contains(&school) {
            out.entry(student).or_default().push(school);
        }
    }
    for theirs in out.values_mut() {
        theirs.sort_unstable();
        theirs.dedup();
    }
    Ok(out)
}

/// `student_out_of_scope`: the row's student is in the roster, but in no
/// school of the scope.
pub(crate) fn student_out_of_scope(link: &Link, schools: &[SchoolId]) -> Diagnostic {
    let id = &link.student_id;
    let mut theirs = String::new();
    match schools {
        [] => theirs.push_str("no school"),
        [_] => theirs.push_str("school "),
        _ => theirs.push_str("schools "),
    }
    write_list(&mut theirs, schools, schools.len());
    let message = msg!(
        "student {} is in the roster under {}, not in this upload's scope; the row was not applied (an upload never links across schools): upload it for the student's school, or from the District page",
        Arg::Value,
        theirs
    );
    Diagnostic::with_message(Code::StudentOutOfScope, link.line, message.lined())
        .with_column(Column::StudentId)
        .with_value(id.as_str())
}

/// IDs by their key ([`id_key`]), each list sorted, once each.
pub(crate) fn by_unpadded<T: AsRef<str> + Ord>(
    ids: impl IntoIterator<Item = T>,
) -> HashMap<String, Vec<T>> {
    let mut by_key: HashMap<String, Vec<T>> = HashMap::default();
    for id in ids {
        by_key
            .entry(id_key(id.as_ref()).into_owned())
            .or_default()
            .push(id);
    }
    for ids in by_key.values_mut() {
        ids.sort_unstable();
        ids.dedup();
    }
    by_key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_links_a_sync_would_remove_are_asked_about() {
        let data = "\
student_id,guardian_id,first_name,last_name,email,mobile_phone
001,G1,Ana,Diaz,ana@example.com,
";
        let file = crate::checks::validated::ValidatedFile::of_csv(data);
        let mut roster = crate::dryrun::memory::InMemoryRoster::new();
        for student in ["001", "002"] {
            for school in ["A", "B"] {
                roster.add_enrolment(StudentId::from(student), SchoolId::from(school));
            }
        }
        let scope = Scope::schools([SchoolId::from("A")]);
        let in_scope =
            [("G1", "001"), ("G1", "002")].map(|(g, s)| (GuardianId::from(g), StudentId::from(s)));
        let grouped = LinksByGuardian::new(file.guardians(), file.links());
        let elsewhere =
            enrolled_elsewhere(&mut roster, &scope, &in_scope, &grouped, 10).expect("infallible");
        // 001's link is in the file: not removed, so not asked about.
        let elsewhere: Vec<(&str, Vec<&str>)> = elsewhere
            .iter()
            .map(|(s, schools)| (s.as_str(), schools.iter().map(SchoolId::as_str).collect()))
            .collect();
        assert_eq!(elsewhere, [("002", vec!["B"])]);
        let district = enrolled_elsewhere(&mut roster, &Scope::District, &in_scope, &grouped, 10)
            .expect("infallible");
        assert!(district.is_empty());
    }
}
