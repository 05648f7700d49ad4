//! A deterministic synthetic district: guardians.csv rows as districts
//! write them, with a small share of every kind of problem. Shared by the
//! `generate` example and the benches.

#![allow(dead_code)]

use std::fmt::Write as _;

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
            problem_percent: 0.2,
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
    let mut person = Person {
        id: format!("G{:07}", index),
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
fn cell(out: &mut String, value: &str) {
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// Student IDs: six digits with leading zeros, as many SIS write them.
pub fn student_id(n: u64) -> String {
    format!("{n:06}")
}

/// A guardians.csv with `options.rows` data rows.
pub fn guardians_csv(options: &Options) -> String {
    let mut rng = Rng::new(options.seed);
    let mut out = String::with_capacity(options.rows * 100);
    out.push_str(
        "student_id,guardian_id,first_name,last_name,email,mobile_phone,home_phone,language\n",
    );
    let mut written = 0;
    let mut guardian = 0u64;
    let p = options.problem_percent;
    while written < options.rows {
        guardian += 1;
        let mut person = person(&mut rng, guardian, options);
        let children = 1 + rng.below(4);
        let first_student = 1 + rng.below((options.rows as u64).max(1) * 2);
        for child in 0..children {
            if written == options.rows {
                break;
            }
            let mut student = student_id(first_student + child);
            let mut guardian_id = person.id.clone();
            let mut email = person.email.clone();
            let mut mobile = person.mobile.clone();
            let mut language = person.language.clone();
            // One kind of problem at a time, each about p% of rows.
            match rng.below(10_000) as f64 / 100.0 {
                x if x < p => student = student.trim_start_matches('0').to_owned(),
                x if x < 2.0 * p => student = format!("=\"{student}\""),
                x if x < 3.0 * p => student = format!("{}.0", student),
                x if x < 4.0 * p => student = "1.23457E+11".to_owned(),
                x if x < 5.0 * p => email = "someone@example".to_owned(),
                x if x < 6.0 * p => email = format!("{email}; other@example.com"),
                x if x < 7.0 * p => mobile = "(312) 555-01".to_owned(),
                x if x < 8.0 * p => mobile = format!("{mobile} cell"),
                x if x < 9.0 * p => language = "Martian".to_owned(),
                x if x < 10.0 * p => person.first.push('X'), // rows now disagree
                x if x < 11.0 * p => guardian_id = String::new(),
                x if x < 12.0 * p => {
                    email = String::new();
                    mobile = String::new();
                }
                x if x < 13.0 * p => email = email.replace("gmail", "gmial"),
                _ => {}
            }
            for (i, value) in [
                student.as_str(),
                guardian_id.as_str(),
                person.first.as_str(),
                person.last.as_str(),
                email.as_str(),
                mobile.as_str(),
                person.home.as_str(),
                language.as_str(),
            ]
            .into_iter()
            .enumerate()
            {
                if i > 0 {
                    out.push(',');
                }
                cell(&mut out, value);
            }
            out.push('\n');
            written += 1;
        }
    }
    out
}
