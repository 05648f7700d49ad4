//! A deterministic synthetic district: guardians.csv rows as districts
//! write them, with a small share of every kind of problem. Shared by the
//! `generate` example and the benches.

#![allow(dead_code)]

use std::fmt::Write as _;

use unicode_normalization::UnicodeNormalization;

/// A small, fast, seedable generator (xorshift64*), so the data is the same
/// for a seed on every machine without another dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `percent`/100 (fractions allowed).
    pub fn chance(&mut self, percent: f64) -> bool {
        (self.next() % 1_000_000) as f64 / 10_000.0 < percent
    }

    pub fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const FIRST: &[&str] = &[
    "Maria", "José", "Linh", "Aisha", "Wei", "Olena", "Samuel", "Fatima", "Jean", "Ana", "Paulo",
    "Grace", "Tom", "Min-jun", "Priya", "Carlos", "Sofia", "Mohammed", "Emily", "David", "Nguyen",
    "Hana", "Luis", "Zoë", "Ahmed", "Chloé", "Dmitri", "Amara",
];
const LAST: &[&str] = &[
    "Hernández",
    "Nguyen",
    "Mohammed",
    "Chen",
    "Kovalenko",
    "Okafor",
    "Rahimi",
    "Baptiste",
    "Silva",
    "O'Brien",
    "Baker",
    "Park",
    "Patel",
    "García",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Müller",
    "Kim",
    "Lee",
    "Martinez",
    "Lopez",
    "Wilson",
    "Anderson",
];
const DOMAINS: &[&str] = &[
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "icloud.com",
    "example.org",
    "district.k12.example.us",
];
const LANGUAGES: &[&str] = &[
    "en",
    "English",
    "es",
    "Spanish",
    "spa",
    "es-MX",
    "Español",
    "vi",
    "Vietnamese",
    "zh-Hant",
    "Chinese (Mandarin)",
    "ar",
    "Arabic",
    "so",
    "Somali",
    "ht",
    "Haitian Creole",
    "fa",
    "Farsi",
    "pt-BR",
    "ru",
    "ko",
    "hmn",
    "",
    "",
    "",
];
/// Valid numbers from many countries, in international form.
const FOREIGN: &[&str] = &[
    "+33 1 42 76 49 78",
    "+44 20 7946 0958",
    "+52 55 1234 5678",
    "+49 30 901820",
    "+34 912 34 56 78",
    "+39 06 6982 1234",
    "+81 3-1234-5678",
    "+82 2-312-3456",
    "+86 10 6552 9988",
    "+91 11 2301 2345",
    "+55 11 3456-7890",
    "+57 1 234 5678",
    "+63 2 8123 4567",
    "+84 24 3825 3535",
    "+234 1 280 1234",
    "+254 20 2712345",
    "+20 2 27945000",
    "+90 212 123 45 67",
    "+7 495 123-45-67",
    "+380 44 123 4567",
    "+48 22 123 45 67",
    "+31 20 123 4567",
    "+61 2 9374 4000",
    "+64 9 123 4567",
    "+27 21 123 4567",
    "+212 5 22 12 34 56",
    "+966 11 123 4567",
    "+971 4 123 4567",
    "+92 21 3456 7890",
    "+880 2 9123456",
    "+94 11 234 5678",
    "+977 1 4123456",
    "+351 21 123 4567",
    "+30 21 0123 4567",
    "+36 1 234 5678",
    "+40 21 123 4567",
    "+353 1 234 5678",
    "+358 9 1234567",
    "+46 8 123 456 78",
    "+47 21 23 45 67",
];
const AREA: &[&str] = &[
    "312", "773", "872", "630", "847", "708", "415", "212", "617", "305",
];

/// What to put in the file.
pub struct Options {
    /// Data rows to write (the header excluded).
    pub rows: usize,
    /// Seed: the same seed gives the same file.
    pub seed: u64,
    /// Percentage of phone numbers from other countries.
    pub foreign_percent: f64,
    /// Percentage of rows with each kind of problem.
    pub problem_percent: f64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            rows: 10_000,
            seed: 1,
            foreign_percent: 2.0,
            problem_percent: 2.0,
        }
    }
}

/// One guardian as the generator knows them.
struct Person {
    id: String,
    first: String,
    last: String,
    email: String,
    mobile: String,
    home: String,
    language: String,
}

fn us_number(rng: &mut Rng) -> (String, String, String) {
    let area = rng.pick(AREA).to_owned();
    let exchange = format!("{}", 200 + rng.below(800));
    let line = format!("{:04}", rng.below(10_000));
    (area, exchange, line)
}

fn write_us(rng: &mut Rng, (a, e, l): &(String, String, String)) -> String {
    match rng.below(6) {
        0 => format!("({a}) {e}-{l}"),
        1 => format!("{a}.{e}.{l}"),
        2 => format!("+1 {a} {e} {l}"),
        3 => format!("1{a}{e}{l}"),
        4 => format!("{a}-{e}-{l}"),
        _ => format!("{a}{e}{l}"),
    }
}

fn person(rng: &mut Rng, index: u64, options: &Options) -> Person {
    let first = rng.pick(FIRST).to_owned();
    let last = rng.pick(LAST).to_owned();
    let email = if rng.chance(85.0) {
        let local = format!("{}.{}{}", first.to_lowercase(), last.to_lowercase(), index)
            .replace(['é', 'ë'], "e")
            .replace('á', "a")
            .replace(['ü'], "u")
            .replace(['\'', ' '], "");
        let mut email = format!("{local}@{}", rng.pick(DOMAINS));
        if rng.chance(20.0) {
            email = email.to_uppercase();
        }
        email
    } else {
        String::new()
    };
    let mobile = if rng.chance(options.foreign_percent) {
        // Replaced by District::new with a number from many countries.
        rng.pick(FOREIGN).to_owned()
    } else if rng.chance(90.0) {
        let number = us_number(rng);
        write_us(rng, &number)
    } else {
        String::new()
    };
    let home = if rng.chance(30.0) {
        let number = us_number(rng);
        let mut home = write_us(rng, &number);
        if rng.chance(5.0) {
            let _ = write!(home, " x{}", 10 + rng.below(90));
        }
        home
    } else {
        String::new()
    };
    // Some SIS number guardians with zero-padded digits, which a
    // spreadsheet strips.
    let id = if index % 10 == 3 {
        format!("{:07}", index)
    } else {
        format!("G{:07}", index)
    };
    let mut person = Person {
        id,
        first,
        last,
        email,
        mobile,
        home,
        language: rng.pick(LANGUAGES).to_owned(),
    };
    if person.email.is_empty() && person.mobile.is_empty() {
        person.email = format!("guardian{index}@example.org");
    }
    person
}

/// Quotes a cell when it needs it.
fn cell(out: &mut Vec<u8>, value: &str) {
    if value.contains([',', '"', '\n', '\r']) {
        out.push(b'"');
        out.extend_from_slice(value.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(value.as_bytes());
    }
}

fn row(out: &mut Vec<u8>, cells: [&str; 8]) {
    for (i, value) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        cell(out, value);
    }
    out.push(b'\n');
}

const HEADER: &str =
    "student_id,guardian_id,first_name,last_name,email,mobile_phone,home_phone,language\n";

/// The school of student `n`: one of the district's [`SCHOOLS`], with
/// leading zeros (`0101`).
pub fn school_of(n: u64) -> String {
    format!("{:04}", 101 + n % SCHOOLS)
}

/// How many schools a generated district has.
pub const SCHOOLS: u64 = 4;

/// Student IDs: six digits with leading zeros, as many SIS write them.
pub fn student_id(n: u64) -> String {
    format!("{n:06}")
}

/// Valid mobile numbers of many countries, from `phonenumber`'s own
/// metadata examples, in a fixed order.
fn foreign_numbers() -> Vec<String> {
    let mut examples: Vec<(String, String)> = phonenumber::metadata::DATABASE
        .iter()
        .filter(|meta| meta.country_code() != 1 && meta.id().len() == 2)
        .filter_map(|meta| {
            let example = meta.descriptors().mobile()?.example()?;
            Some((
                meta.id().to_owned(),
                format!("+{} {example}", meta.country_code()),
            ))
        })
        .collect();
    examples.sort();
    examples.into_iter().map(|(_, number)| number).collect()
}

/// One guardian-student row of the district, before any damage.
struct Link {
    person: usize,
    student: u64,
}

/// A whole synthetic district: guardians, their children, and the damage
/// each upload row carries.
pub struct District {
    people: Vec<Person>,
    links: Vec<Link>,
    seed: u64,
    problem_percent: f64,
}

impl District {
    pub fn new(options: &Options) -> District {
        let mut rng = Rng::new(options.seed);
        let foreign = foreign_numbers();
        let mut people = Vec::new();
        let mut links = Vec::new();
        let mut next_student = 1u64;
        while links.len() < options.rows {
            let index = people.len() as u64 + 1;
            let mut person = person(&mut rng, index, options);
            if !person.mobile.is_empty()
                && person.mobile.starts_with('+')
                && !person.mobile.starts_with("+1")
            {
                // Foreign: from up to a hundred countries, last digits varied.
                let base = &foreign[rng.below(foreign.len().min(100) as u64) as usize];
                let keep = base.len().saturating_sub(2);
                person.mobile = format!("{}{:02}", &base[..keep], rng.below(100));
            }
            let children = 1 + rng.below(4);
            // Siblings share guardians: often a second guardian for the same children.
            let first = if rng.chance(40.0) && next_student > 4 {
                next_student - 1 - rng.below(3)
            } else {
                let first = next_student;
                next_student += children;
                first
            };
            for child in 0..children {
                if links.len() == options.rows {
                    break;
                }
                links.push(Link {
                    person: people.len(),
                    student: first + child,
                });
            }
            people.push(person);
        }
        District {
            people,
            links,
            seed: options.seed,
            problem_percent: options.problem_percent,
        }
    }

    /// The upload: every link, about `problem_percent` of rows per kind of
    /// problem.
    pub fn write_guardians(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut rng = Rng::new(self.seed ^ 0xA5A5);
        let p = self.problem_percent;
        let mut buf = Vec::with_capacity(1 << 20);
        buf.extend_from_slice(HEADER.as_bytes());
        let mut disagreeing = std::collections::HashSet::new();
        let mut seen = std::collections::HashSet::new();
        for link in &self.links {
            let first_row_of_person = seen.insert(link.person);
            let person = &self.people[link.person];
            let mut student = student_id(link.student);
            let mut guardian_id = person.id.clone();
            let mut first = person.first.clone();
            let mut email = person.email.clone();
            let mut mobile = person.mobile.clone();
            let mut language = person.language.clone();
            if disagreeing.contains(&link.person) {
                first.push('X');
            }
            match rng.below(100_000) as f64 / 1000.0 {
                x if x < p => student = student.trim_start_matches('0').to_owned(),
                x if x < 2.0 * p => student = format!("=\"{student}\""),
                x if x < 3.0 * p => student = format!("{student}.0"),
                x if x < 4.0 * p => student = "1.23457E+11".to_owned(),
                x if x < 5.0 * p => email = "someone@example".to_owned(),
                x if x < 6.0 * p => email = format!("{email}; other@example.com"),
                x if x < 7.0 * p => mobile = "(312) 555-01".to_owned(),
                x if x < 8.0 * p => mobile = format!("{mobile} cell"),
                x if x < 9.0 * p => language = "Martian".to_owned(),
                x if x < 10.0 * p => {
                    // From here on this guardian's rows disagree.
                    disagreeing.insert(link.person);
                    first.push('X');
                }
                x if x < 11.0 * p => guardian_id = String::new(),
                x if x < 12.0 * p => {
                    email = String::new();
                    mobile = String::new();
                }
                x if x < 13.0 * p => email = email.replace("gmail", "gmial"),
                x if x < 14.0 * p => mobile = format!("{mobile} x12"),
                // Typed with combining accents (a macOS export).
                x if x < 15.0 * p => first = first.nfd().collect(),
                // Contacts on the guardian's first row only.
                x if x < 16.0 * p && !first_row_of_person => {
                    email = String::new();
                    mobile = String::new();
                }
                // A numeric guardian ID whose zeros a spreadsheet stripped.
                x if x < 17.0 * p && guardian_id.starts_with('0') => {
                    guardian_id = guardian_id.trim_start_matches('0').to_owned();
                }
                _ => {}
            }
            row(
                &mut buf,
                [
                    &student,
                    &guardian_id,
                    &first,
                    &person.last,
                    &email,
                    &mobile,
                    &person.home,
                    &language,
                ],
            );
            if buf.len() > 1 << 20 {
                out.write_all(&buf)?;
                buf.clear();
            }
        }
        out.write_all(&buf)
    }

    /// Every student the upload names, less about 0.5% the SIS sent
    /// without a roster sync (they give `unknown_student`).
    pub fn write_students(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut rng = Rng::new(self.seed ^ 0x5157);
        let mut students: Vec<u64> = self.links.iter().map(|l| l.student).collect();
        students.sort_unstable();
        students.dedup();
        let mut buf = Vec::with_capacity(1 << 20);
        buf.extend_from_slice(b"student_id,school_id,grade\n");
        for student in students {
            if rng.chance(0.5) {
                continue;
            }
            let grade = rng.below(13);
            let id = student_id(student);
            buf.extend_from_slice(format!("{id},{},{grade}\n", school_of(student)).as_bytes());
            // About 3% of students are enrolled in a second school.
            if rng.chance(3.0) {
                let other = school_of(student + 1);
                buf.extend_from_slice(format!("{id},{other},{grade}\n").as_bytes());
            }
        }
        out.write_all(&buf)
    }

    /// The roster's current state in the guardians.csv format: most links
    /// as the upload has them, about 3% of guardians with an older email
    /// or mobile (updates), about 4% of links not yet there (links and
    /// creates), and about 2% links the upload no longer has (unlinks).
    pub fn write_current(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut rng = Rng::new(self.seed ^ 0xC0DE);
        let mut changed = vec![false; self.people.len()];
        for flag in changed.iter_mut() {
            *flag = rng.chance(3.0);
        }
        let mut buf = Vec::with_capacity(1 << 20);
        buf.extend_from_slice(HEADER.as_bytes());
        let mut last_student = 0;
        for link in &self.links {
            last_student = last_student.max(link.student);
            if rng.chance(4.0) {
                continue;
            }
            let person = &self.people[link.person];
            let email = if changed[link.person] && !person.email.is_empty() {
                format!("old.{}", person.email.to_lowercase())
            } else {
                person.email.clone()
            };
            let mut current_row = |student: &str| {
                row(
                    &mut buf,
                    [
                        student,
                        &person.id,
                        &person.first,
                        &person.last,
                        &email,
                        &person.mobile,
                        &person.home,
                        &person.language,
                    ],
                )
            };
            current_row(&student_id(link.student));
            if rng.chance(2.0) {
                // A link the SIS has since dropped.
                current_row(&student_id(1 + rng.below(last_student.max(1))));
            }
            if buf.len() > 1 << 20 {
                out.write_all(&buf)?;
                buf.clear();
            }
        }
        out.write_all(&buf)
    }
}

/// A guardians.csv with `options.rows` data rows, in memory.
pub fn guardians_csv(options: &Options) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = District::new(options).write_guardians(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}
