//! Preferred languages, as BCP 47-style tags with an ISO 639 language part.

use smol_str::SmolStr;
use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use foldhash::HashMap;
use isolang::Language as Iso;
use serde::Serialize;

use crate::values::text::edit_distance_within;

/// A preferred language as a normalised tag: `es`, `es-MX`, `zh-Hant`, `hmn`.
///
/// The language part is ISO 639-1 where the language has such a code, ISO
/// 639-3 otherwise. Codes (`es`, `spa`, `es_mx`), English names
/// (`Spanish`), names in the language itself (`Español`) and the names
/// people write (`Farsi`, `Haitian Creole`, `Chinese (Mandarin)`) are all
/// accepted, in any case.
///
/// ```
/// # fn main() -> Result<(), guardian_roster::UnknownLanguage> {
/// use guardian_roster::Language;
///
/// assert_eq!(Language::parse("Spanish")?.as_str(), "es");
/// assert_eq!(Language::parse("spa")?.as_str(), "es");
/// assert_eq!(Language::parse("es_mx")?.as_str(), "es-MX");
/// assert_eq!(Language::parse("ZH-hant")?.as_str(), "zh-Hant");
/// assert_eq!(Language::parse("Farsi")?.as_str(), "fa");
/// assert!(Language::parse("Martian").is_err());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Language(SmolStr);

impl Serialize for Language {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// The language was not recognised.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "is not a language this import recognises; use a code such as es or zh-Hant or an English name such as Spanish"
)]
pub struct UnknownLanguage;

impl std::str::FromStr for Language {
    type Err = UnknownLanguage;

    /// [`Language::parse`]: a tag's own `Display` reads back.
    fn from_str(text: &str) -> Result<Language, UnknownLanguage> {
        Language::parse(text)
    }
}

impl Language {
    /// Reads a language cell (already known to be non-empty).
    ///
    /// # Errors
    ///
    /// [`UnknownLanguage`] if `raw` names no language.
    pub fn parse(raw: &str) -> Result<Language, UnknownLanguage> {
        // "Eng.": an abbreviation's dot.
        let folded = fold(raw.trim_end().strip_suffix('.').unwrap_or(raw));
        if folded.is_empty() {
            return Err(UnknownLanguage);
        }
        // Names people write on purpose first ("ASL" is American Sign
        // Language, not the ISO code `asl` of Asilulu); then codes: "en" is
        // English, not the language named "En".
        if let Some((_, tag)) = COMMON_NAMES.iter().find(|(name, _)| *name == folded) {
            return Ok(Language(SmolStr::new_static(tag)));
        }
        if AMBIGUOUS_NAMES.contains(&folded.as_str()) {
            return Err(UnknownLanguage);
        }
        // "Other non-English" names no language (nor Old Norse, `non`).
        let words = || {
            folded
                .split(|c: char| {
                    c.is_whitespace() || matches!(c, '-' | '/' | ',' | ';' | '(' | ')')
                })
                .filter(|w| !w.is_empty())
        };
        if words().nth(1).is_some() && words().any(|w| NEGATIONS.contains(&w)) {
            return Err(UnknownLanguage);
        }
        if let Some(tag) = parse_tag(&folded) {
            return Ok(Language(SmolStr::from(tag)));
        }
        if let Some(tag) = names().get(&folded) {
            return Ok(Language(SmolStr::new_static(tag)));
        }
        // "Chinese (Mandarin)", "Portuguese (Brazil)": the part in
        // parentheses is usually the more precise one, but "Cantonese
        // (Chinese)" is Cantonese.
        if let Some((outer, inner)) = folded.strip_suffix(')').and_then(|s| s.split_once('(')) {
            let outer = names().get(outer.trim()).copied();
            let tag = match (names().get(inner.trim()).copied(), outer) {
                (Some("zh"), Some(outer)) if CHINESE.contains(&outer) => Some(outer),
                (inner, outer) => inner.or(outer),
            };
            if let Some(tag) = tag {
                return Ok(Language(SmolStr::new_static(tag)));
            }
        }
        // "SOM - Somali", "Somali - SOM": a code-and-name list value, as
        // SIS drop-downs write them. The name decides: the code may be the
        // SIS's own, or a language of that name ("Som").
        if let Some((left, right)) = folded.split_once(" - ") {
            let code =
                |s: &str| (2..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic());
            let name = match (code(left.trim()), code(right.trim())) {
                (true, false) => Some(right.trim()),
                (false, true) => Some(left.trim()),
                _ => None,
            };
            if let Some(tag) = name.and_then(|name| names().get(name)) {
                return Ok(Language(SmolStr::new_static(tag)));
            }
        }
        // "Chinese-Mandarin", "Haitian/Creole": every word that names a
        // language must name the same one; "English/Spanish" stays unknown.
        // "Chinese" qualifies a Chinese language ("Chinese - Cantonese").
        // Only the word "Chinese" qualifies: "Cantonese/Mandarin" is two
        // languages.
        let mut tags = words()
            .filter(|w| w.len() > 2 && !GENERIC_WORDS.contains(w))
            .filter_map(|w| names().get(w).map(|tag| (*tag, w == "chinese")));
        let (mut agreed, mut agreed_qualifies) = tags.next().ok_or(UnknownLanguage)?;
        for (tag, qualifies) in tags {
            if tag == agreed || (CHINESE.contains(&agreed) && qualifies) {
                continue;
            }
            if agreed_qualifies && CHINESE.contains(&tag) {
                (agreed, agreed_qualifies) = (tag, false);
                continue;
            }
            return Err(UnknownLanguage);
        }
        // A creole is a language of its own: "French Creole" is not French.
        if words().any(|w| CREOLE_WORDS.contains(&w)) && !CREOLES.contains(&agreed) {
            return Err(UnknownLanguage);
        }
        Ok(Language(SmolStr::new_static(agreed)))
    }

    /// The language name an unrecognised cell was probably meant to be, for
    /// a clerk to confirm: `"Portugese"` -> `"Portuguese"`. Only names of
    /// major languages (those with a two-letter code) and the names this
    /// crate knows from school files are offered, only within one or two
    /// typing slips, and only when one language is closest. Never applied
    /// automatically.
    ///
    /// ```
    /// use guardian_roster::Language;
    ///
    /// assert!(Language::parse("Portugese").is_err());
    /// assert_eq!(Language::closest_name("Portugese"), Some("Portuguese"));
    /// assert_eq!(Language::closest_name("Spansih"), Some("Spanish"));
    /// assert_eq!(Language::closest_name("Gaelic-ish"), None);
    /// // An SIS's own code, not an ISO 639 one: named, never applied.
    /// assert!(Language::parse("SPAN").is_err());
    /// assert_eq!(Language::closest_name("SPAN"), Some("Spanish"));
    /// ```
    #[must_use]
    pub fn closest_name(raw: &str) -> Option<&'static str> {
        let folded = fold(raw);
        if let Some((_, name)) = HOUSE_CODES.iter().find(|(code, _)| *code == folded) {
            return Some(name);
        }
        let length = folded.len();
        if !(4..=MAX_SPELLING).contains(&length) {
            return None;
        }
        let allowed = if length <= 6 { 1 } else { 2 };
        let mut best: Option<(usize, &'static str, &'static str)> = None;
        let mut tied = false;
        // Sorted by length: only names within `allowed` of it can be close.
        let all = spellings();
        let from = all.partition_point(|(name, _, _)| name.len() + allowed < length);
        let to = all.partition_point(|(name, _, _)| name.len() <= length + allowed);
        for (name, display, tag) in all.get(from..to).unwrap_or_default() {
            let Some(distance) = edit_distance_within(folded.as_bytes(), name.as_bytes(), allowed)
            else {
                continue;
            };
            match best {
                Some((d, _, _)) if d < distance => {}
                Some((d, _, best_tag)) if d == distance => tied |= best_tag != *tag,
                _ => {
                    best = Some((distance, display, tag));
                    tied = false;
                }
            }
        }
        match best {
            Some((_, display, _)) if !tied => Some(display),
            _ => None,
        }
    }

    /// A tag as the application stored it, trimmed but not checked: for a
    /// roster's records, which may hold a tag today's rules would not
    /// read (it stays as it is; a file's language compares with it by
    /// text).
    ///
    /// ```
    /// use guardian_roster::Language;
    ///
    /// assert_eq!(Language::from_stored(" x-klingon ").as_str(), "x-klingon");
    /// assert_eq!(Language::from_stored("es"), Language::parse("es").expect("a tag"));
    /// ```
    #[must_use]
    pub fn from_stored(tag: &str) -> Language {
        Language(SmolStr::new(tag.trim()))
    }

    /// The tag, e.g. `"es-MX"`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The language part alone, e.g. `"es"` for `es-MX`.
    #[must_use]
    pub fn primary(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether a cell that is not one language names two or more
/// (`English; Spanish`, `Spanish and English`): parts between separators
/// that each read as a language, not all the same one.
pub(crate) fn names_several(raw: &str) -> bool {
    let folded = fold(raw);
    let mut first: Option<Language> = None;
    let mut several = false;
    let parts = folded
        .split([';', '/', ',', '&', '+', '|'])
        .flat_map(|part| part.split(" and ").flat_map(|part| part.split(" or ")))
        .map(str::trim)
        .filter(|part| !part.is_empty());
    for part in parts {
        let Ok(language) = Language::parse(part) else {
            return false;
        };
        match &first {
            None => first = Some(language),
            Some(first) => several |= *first != language,
        }
    }
    several
}

/// Lowercase, `_` as `-`, runs of white space as one space.
fn fold(raw: &str) -> String {
    crate::values::text::fold_words(raw).replace('_', "-")
}

/// `es`, `spa`, `es-mx`, `zh-hant`, `sr-latn-rs` -> a normalised tag.
///
/// The structure is BCP 47's, in its order: a language, then at most one
/// script, at most one region, and distinct registered variants; a tag
/// longer than [`MAX_TAG_LEN`] is no preference anyone wrote.
fn parse_tag(folded: &str) -> Option<Cow<'static, str>> {
    if folded.len() > MAX_TAG_LEN {
        return None;
    }
    let mut subtags = folded.split('-');
    let primary = primary_code(subtags.next()?)?;
    if !folded.contains('-') {
        return Some(Cow::Borrowed(primary));
    }
    let mut tag = primary.to_owned();
    // What may still come: 0 script, 1 region, 2 variants only.
    let mut stage = 0;
    let mut variants: Vec<&str> = Vec::new();
    for subtag in subtags {
        if subtag.is_empty()
            || subtag.len() > 8
            || !subtag.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return None;
        }
        tag.push('-');
        let alphabetic = subtag.bytes().all(|b| b.is_ascii_alphabetic());
        match subtag.len() {
            // Script: Title case (Hant, Latn).
            4 if alphabetic && stage == 0 => {
                let mut chars = subtag.chars();
                tag.extend(chars.next().map(|c| c.to_ascii_uppercase()));
                tag.push_str(chars.as_str());
                stage = 1;
            }
            // Region: upper case (MX) or a UN M.49 number (419).
            2 if alphabetic && stage < 2 => {
                tag.push_str(&subtag.to_ascii_uppercase());
                stage = 2;
            }
            3 if stage < 2 && subtag.bytes().all(|b| b.is_ascii_digit()) => {
                tag.push_str(subtag);
                stage = 2;
            }
            // Variant: only registered ones, so that a name with a hyphen
            // ("Af-Soomaali", Somali in Somali) is not read as a code
            // ("af", Afrikaans) with a variant.
            4..=8 if VARIANTS.contains(&subtag) && !variants.contains(&subtag) => {
                tag.push_str(subtag);
                variants.push(subtag);
                stage = 2;
            }
            _ => return None,
        }
    }
    Some(Cow::Owned(tag))
}

/// The longest language tag accepted, in bytes: BCP 47 asks implementations
/// to handle 35, and no preference a family gives is longer.
const MAX_TAG_LEN: usize = 35;

/// Registered BCP 47 variant subtags a school file may plausibly carry
/// (IANA language subtag registry).
const VARIANTS: &[&str] = &[
    "1901", "1994", "1996", "valencia", "pinyin", "wadegile", "fonipa", "monoton", "polyton",
    "scotland", "arevela", "arevmda", "ekavsk", "ijekavsk", "rozaj", "tarask", "hepburn",
];

/// A two- or three-letter code -> the ISO 639-1 code if one exists, else 639-3.
fn primary_code(code: &str) -> Option<&'static str> {
    let language = match code.len() {
        2 => Iso::from_639_1(code)?,
        3 => match Iso::from_639_3(code) {
            Some(language) => language,
            None => {
                let terminology = BIBLIOGRAPHIC
                    .iter()
                    .find(|(b, _)| *b == code)
                    .map(|(_, t)| *t)?;
                Iso::from_639_3(terminology)?
            }
        },
        _ => return None,
    };
    let tag = language.to_639_1().unwrap_or_else(|| language.to_639_3());
    // An individual language of a macrolanguage, as BCP 47 canonicalises
    // it (CLDR language aliases, reason "macrolanguage"): `arb` and
    // `Arabic` are one language.
    Some(
        MACROLANGUAGE_ALIASES
            .iter()
            .find(|(individual, _)| *individual == tag)
            .map_or(tag, |(_, macrolanguage)| macrolanguage),
    )
}

/// ISO 639-3 individual codes that CLDR's language aliases replace by their
/// macrolanguage's code (reason "macrolanguage"), as state systems write
/// the individual codes: Standard Arabic, Mandarin, Malay, Iranian
/// Persian, Swahili, Estonian, Latvian, Northern Uzbek, North Azerbaijani,
/// Halh Mongolian, Eastern Yiddish, Plateau Malagasy, Northern Pashto,
/// West Central Oromo, Nepali, Odia, Central Aymara, Paraguayan Guarani,
/// Cusco Quechua, Central Kanuri, Tosk Albanian.
const MACROLANGUAGE_ALIASES: &[(&str, &str)] = &[
    ("arb", "ar"),
    ("cmn", "zh"),
    ("zsm", "ms"),
    ("pes", "fa"),
    ("swh", "sw"),
    ("ekk", "et"),
    ("lvs", "lv"),
    ("uzn", "uz"),
    ("azj", "az"),
    ("khk", "mn"),
    ("ydd", "yi"),
    ("plt", "mg"),
    ("pbu", "ps"),
    ("gaz", "om"),
    ("npi", "ne"),
    ("ory", "or"),
    ("ayr", "ay"),
    ("gug", "gn"),
    ("quz", "qu"),
    ("knc", "kr"),
    ("als", "sq"),
];

/// Codes SIS products use of their own that are not ISO 639 codes, and the
/// language each probably means: offered as `unknown_language`'s
/// suggestion, never applied (a test holds each to not being an ISO code,
/// so that no real code is ever read as a house code's guess).
const HOUSE_CODES: &[(&str, &str)] = &[
    ("sp", "Spanish"),
    ("span", "Spanish"),
    ("vn", "Vietnamese"),
    ("viet", "Vietnamese"),
    ("cant", "Cantonese"),
    ("mand", "Mandarin"),
    ("arab", "Arabic"),
    ("fren", "French"),
    ("port", "Portuguese"),
    ("russ", "Russian"),
    ("hmng", "Hmong"),
    ("soma", "Somali"),
    ("kore", "Korean"),
    ("tagl", "Tagalog"),
    ("hait", "Haitian Creole"),
];

/// Words that qualify a language name rather than name one.
const GENERIC_WORDS: &[&str] = &[
    "creole",
    "language",
    "languages",
    "dialect",
    "native",
    "standard",
    "modern",
    "only",
    "and",
    "the",
];

/// Words that say a language is not the one named ("non-English").
const NEGATIONS: &[&str] = &["non", "not", "other", "except", "without"];

/// Words that make a name a creole's, not its lexifier's.
const CREOLE_WORDS: &[&str] = &["creole", "kreyol", "kreyòl", "pidgin", "patois"];

/// Tags of creoles (and pidgins) that a name with a creole word may mean.
const CREOLES: &[&str] = &[
    "ht", "kea", "pov", "jam", "gcr", "crs", "hwc", "pap", "pcm", "srn", "tpi", "bi", "kri", "lou",
    "mfe", "rcf", "acf", "gul",
];

/// Chinese languages and scripts that "Chinese" beside them only
/// qualifies.
const CHINESE: &[&str] = &[
    "zh-Hant", "zh-Hans", "yue", "hak", "nan", "cdo", "wuu", "hsn", "gan",
];

/// Cells that name no one language, though ISO gives them a code or a
/// name: names people use for many languages, ISO's codes for no
/// particular language (`und`, `mul`, `zxx`, `mis`), and words and
/// abbreviations that are codes of languages they never mean here (`unk`
/// is a language of Brazil, not "unknown"; `tag` is not Tagalog).
const AMBIGUOUS_NAMES: &[&str] = &[
    // Codes that are also names of other languages people write here:
    // `ga` is Irish, and Ga a language of Ghana; `mon` is Mongolian, and
    // Mon a language of Myanmar.
    "ga",
    "mon",
    // A family of about thirty languages (K'iche', Mam, Yucatec...); the
    // name tables have an unrelated "Maya".
    "maya",
    "mayan",
    "creole",
    "patois",
    "pidgin",
    "sign language",
    "sign",
    "chin",
    "und",
    "mul",
    "zxx",
    "mis",
    "unk",
    "oth",
    "any",
    "all",
    "new",
    "one",
    "yes",
    "non",
    "not",
    "tag",
];

/// ISO 639-2/B codes, still written by older systems, -> 639-3.
const BIBLIOGRAPHIC: &[(&str, &str)] = &[
    ("alb", "sqi"),
    ("arm", "hye"),
    ("baq", "eus"),
    ("bur", "mya"),
    ("chi", "zho"),
    ("cze", "ces"),
    ("dut", "nld"),
    ("fre", "fra"),
    ("geo", "kat"),
    ("ger", "deu"),
    ("gre", "ell"),
    ("ice", "isl"),
    ("mac", "mkd"),
    ("mao", "mri"),
    ("may", "msa"),
    ("per", "fas"),
    ("rum", "ron"),
    ("slo", "slk"),
    ("tib", "bod"),
    ("wel", "cym"),
];

/// Names people write that ISO's English names do not cover, or cover
/// with another meaning. They win over ISO's names.
const COMMON_NAMES: &[(&str, &str)] = &[
    ("farsi", "fa"),
    ("persian", "fa"),
    ("dari", "prs"),
    ("haitian creole", "ht"),
    ("haitian", "ht"),
    ("kreyol", "ht"),
    ("kreyòl", "ht"),
    ("kreyòl ayisyen", "ht"),
    ("creole (haitian)", "ht"),
    ("cape verdean creole", "kea"),
    ("chinese", "zh"),
    ("mandarin", "zh"),
    ("mandarin chinese", "zh"),
    ("chinese (mandarin)", "zh"),
    ("cantonese", "yue"),
    ("chinese (cantonese)", "yue"),
    ("traditional chinese", "zh-Hant"),
    ("chinese traditional", "zh-Hant"),
    ("chinese (traditional)", "zh-Hant"),
    ("simplified chinese", "zh-Hans"),
    ("chinese simplified", "zh-Hans"),
    ("chinese (simplified)", "zh-Hans"),
    ("中文", "zh"),
    ("spanish", "es"),
    ("español", "es"),
    ("espanol", "es"),
    ("castilian", "es"),
    ("english", "en"),
    ("french", "fr"),
    ("français", "fr"),
    ("francais", "fr"),
    ("portuguese", "pt"),
    ("português", "pt"),
    ("portugues", "pt"),
    ("brazilian portuguese", "pt-BR"),
    ("portuguese (brazil)", "pt-BR"),
    ("portuguese (brazilian)", "pt-BR"),
    ("german", "de"),
    ("deutsch", "de"),
    ("greek", "el"),
    ("modern greek", "el"),
    ("tagalog", "tl"),
    ("filipino", "fil"),
    ("hmong", "hmn"),
    ("burmese", "my"),
    ("karen", "kar"),
    ("punjabi", "pa"),
    ("panjabi", "pa"),
    ("pashto", "ps"),
    ("pushto", "ps"),
    ("bengali", "bn"),
    ("bangla", "bn"),
    ("cambodian", "km"),
    ("khmer", "km"),
    ("laotian", "lo"),
    ("lao", "lo"),
    ("tiếng việt", "vi"),
    ("vietnamese", "vi"),
    ("한국어", "ko"),
    ("korean", "ko"),
    ("日本語", "ja"),
    ("العربية", "ar"),
    ("русский", "ru"),
    ("somali", "so"),
    ("swahili", "sw"),
    ("kiswahili", "sw"),
    ("kirundi", "rn"),
    ("nepali", "ne"),
    ("chuukese", "chk"),
    ("marshallese", "mh"),
    ("navajo", "nv"),
    ("american sign language", "ase"),
    ("asl", "ase"),
    ("k'iche'", "quc"),
    ("kiche", "quc"),
    ("mam", "mam"),
    ("dinka", "din"),
    ("nuer", "nus"),
    ("oromo", "om"),
    ("afaan oromoo", "om"),
    ("tigrinya", "ti"),
    ("amharic", "am"),
    ("ukrainian", "uk"),
    ("romanian", "ro"),
    ("rumanian", "ro"),
    ("moldovan", "ro"),
    // As US state language lists (California's CALPADS among them) write them.
    ("pilipino", "fil"),
    ("filipino (pilipino or tagalog)", "fil"),
    // One language under both names, as SIS language lists write it.
    ("filipino/tagalog", "fil"),
    ("tagalog/filipino", "fil"),
    ("filipino-tagalog", "fil"),
    ("tagalog-filipino", "fil"),
    ("putonghua", "zh"),
    ("mandarin (putonghua)", "zh"),
    ("taiwanese", "nan"),
    ("hokkien", "nan"),
    ("fukienese", "nan"),
    ("chaozhou", "nan"),
    ("chiuchow", "nan"),
    ("chaozhou (chiuchow)", "nan"),
    ("teochew", "nan"),
    ("teochiu", "nan"),
    ("toishanese", "yue"),
    ("taishanese", "yue"),
    ("hakka", "hak"),
    ("fuzhounese", "cdo"),
    ("foochow", "cdo"),
    ("ilocano", "ilo"),
    ("ilokano", "ilo"),
    ("tongan", "to"),
    ("assyrian", "aii"),
    ("chaldean", "cld"),
    ("mien", "ium"),
    ("iu mien", "ium"),
    ("mien (yao)", "ium"),
    ("zapoteco", "zap"),
    ("zapotec", "zap"),
    ("quiche", "quc"),
    ("quiché", "quc"),
    ("cape verdean", "kea"),
    ("kriolu", "kea"),
    ("karenni", "kyu"),
    ("fulani", "ff"),
    ("fula", "ff"),
    ("sinhalese", "si"),
    ("jamaican patois", "jam"),
    ("jamaican creole", "jam"),
    // Egyptian Arabic, not ISO's Ancient Egyptian (`egy`).
    ("egyptian", "arz"),
    ("azeri", "az"),
    ("kekchi", "kek"),
    ("q'eqchi'", "kek"),
    ("qeqchi", "kek"),
    ("akateko", "knj"),
    ("akatek", "knj"),
    ("fante", "fat"),
    ("egyptian arabic", "arz"),
    ("af-soomaali", "so"),
    ("af soomaali", "so"),
    ("soomaali", "so"),
    ("soomaaliga", "so"),
    ("uyghur", "ug"),
    ("uighur", "ug"),
    ("sorani", "ckb"),
    ("kurdish (sorani)", "ckb"),
    ("kurmanji", "kmr"),
    ("kurdish (kurmanji)", "kmr"),
    ("myanmar", "my"),
    ("castellano", "es"),
    ("普通话", "zh"),
    ("普通話", "zh"),
    ("国语", "zh"),
    ("國語", "zh"),
    ("华语", "zh"),
    ("華語", "zh"),
    ("廣東話", "yue"),
    ("广东话", "yue"),
    ("粵語", "yue"),
    ("粤语", "yue"),
];

/// Every name and code, case-folded, built once: isolang's own lookups are
/// exact and case-sensitive, and its lowercase-name lookup is slow.
/// The longest folded cell, in bytes, checked for a misspelling.
const MAX_SPELLING: usize = 40;

/// Names to offer for a misspelt language: (folded, as shown, tag).
fn spellings() -> &'static [(String, String, &'static str)] {
    static SPELLINGS: OnceLock<Vec<(String, String, &'static str)>> = OnceLock::new();
    SPELLINGS.get_or_init(|| {
        let mut out: Vec<(String, String, &'static str)> = Vec::new();
        let mut add = |display: String, tag: &'static str| {
            let folded = fold(&display);
            if (4..=MAX_SPELLING).contains(&folded.len())
                && !out.iter().any(|(f, _, _)| *f == folded)
            {
                out.push((folded, display, tag));
            }
        };
        for language in isolang::languages() {
            if let Some(code) = language.to_639_1() {
                for part in language.to_name().split([';', ',']) {
                    add(part.trim().to_owned(), code);
                }
            }
        }
        for (name, tag) in COMMON_NAMES {
            if name.bytes().all(|b| b.is_ascii_lowercase() || b == b' ') {
                let display = name
                    .split(' ')
                    .map(|word| {
                        let mut chars = word.chars();
                        chars
                            .next()
                            .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                            .unwrap_or_default()
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                add(display, tag);
            }
        }
        out.sort_by_key(|(folded, _, _)| folded.len());
        out
    })
}

fn names() -> &'static HashMap<String, &'static str> {
    static NAMES: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut table: HashMap<String, &'static str> = HashMap::default();
        for (name, tag) in COMMON_NAMES {
            table.insert((*name).to_owned(), tag);
        }
        // Languages with a 639-1 code first, so a shared name means the
        // major language.
        let (major, minor): (Vec<Iso>, Vec<Iso>) =
            isolang::languages().partition(|l| l.to_639_1().is_some());
        for language in major.into_iter().chain(minor) {
            let tag = language.to_639_1().unwrap_or_else(|| language.to_639_3());
            let mut names = vec![language.to_name()];
            names.extend(language.to_autonym());
            for name in names {
                for part in std::iter::once(name).chain(name.split([';', ','])) {
                    let key = fold(part);
                    if !key.is_empty() {
                        table.entry(key).or_insert(tag);
                    }
                }
            }
        }
        table
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag_of(raw: &str) -> Option<String> {
        Language::parse(raw).ok().map(|l| l.as_str().to_owned())
    }

    fn tag(raw: &str) -> Option<String> {
        Language::parse(raw).ok().map(|l| l.0.to_string())
    }

    #[test]
    fn a_hyphenated_name_is_not_a_code_with_a_variant() {
        assert_eq!(tag("Af-Soomaali").as_deref(), Some("so"));
        assert_eq!(tag("af-xyzzyx"), None);
        assert_eq!(tag("de-1901").as_deref(), Some("de-1901"));
        assert_eq!(tag("ca-ES-valencia").as_deref(), Some("ca-ES-valencia"));
        assert_eq!(tag("Uyghur").as_deref(), Some("ug"));
        assert_eq!(tag("Kurdish (Sorani)").as_deref(), Some("ckb"));
        assert_eq!(tag("廣東話").as_deref(), Some("yue"));
        assert_eq!(tag("Maya"), None);
        assert_eq!(tag("Arabic (Egyptian)").as_deref(), Some("arz"));
        assert_eq!(tag("Cantonese/Mandarin"), None);
        assert_eq!(tag("Chinese - Cantonese").as_deref(), Some("yue"));
        assert_eq!(tag("Cantonese (Chinese)").as_deref(), Some("yue"));
        assert_eq!(tag("Eng.").as_deref(), Some("en"));
        assert_eq!(tag("Mon"), None);
        assert_eq!(tag("Ga"), None);
        assert_eq!(tag("mn").as_deref(), Some("mn"));
        assert_eq!(tag("Q'eqchi'").as_deref(), Some("kek"));
    }

    #[test]
    fn a_misspelt_name_gets_the_one_closest_language() {
        let closest = |raw| Language::closest_name(raw);
        assert_eq!(closest("Portugese"), Some("Portuguese"));
        assert_eq!(closest("Vietnamise"), Some("Vietnamese"));
        assert_eq!(closest("Farci"), Some("Farsi"));
        assert_eq!(closest("Tigrigna"), Some("Tigrinya"));
        // "Koren" is one slip from Korean and from Karen: no guess.
        assert_eq!(closest("Koren"), None);
        assert_eq!(closest("Gaelic-ish"), None);
        assert_eq!(closest("Eng"), None);
        assert_eq!(closest("Mexico"), None);
    }

    #[test]
    fn codes_of_both_kinds_map_to_639_1() {
        assert_eq!(tag("es").as_deref(), Some("es"));
        assert_eq!(tag("ES").as_deref(), Some("es"));
        assert_eq!(tag("en").as_deref(), Some("en"));
        assert_eq!(tag("EN").as_deref(), Some("en"));
        assert_eq!(tag("eng").as_deref(), Some("en"));
        assert_eq!(tag("spa").as_deref(), Some("es"));
        assert_eq!(tag("fre").as_deref(), Some("fr"));
        assert_eq!(tag("hmn").as_deref(), Some("hmn"));
        assert_eq!(tag("yue").as_deref(), Some("yue"));
    }

    #[test]
    fn tags_are_normalised() {
        assert_eq!(tag("es-MX").as_deref(), Some("es-MX"));
        assert_eq!(tag("es_mx").as_deref(), Some("es-MX"));
        assert_eq!(tag("zh-Hant").as_deref(), Some("zh-Hant"));
        assert_eq!(tag("zh-hant-tw").as_deref(), Some("zh-Hant-TW"));
        assert_eq!(tag("es-419").as_deref(), Some("es-419"));
        assert_eq!(tag("spa-MX").as_deref(), Some("es-MX"));
        assert_eq!(tag("es-"), None);
        assert_eq!(tag("xx-MX"), None);
    }

    #[test]
    fn names_people_write() {
        for (raw, expected) in [
            ("Spanish", "es"),
            ("  spanish ", "es"),
            ("Español", "es"),
            ("ESPAÑOL", "es"),
            ("Vietnamese", "vi"),
            ("Somali", "so"),
            ("Arabic", "ar"),
            ("Farsi", "fa"),
            ("Haitian Creole", "ht"),
            ("Chinese (Mandarin)", "zh"),
            ("Chinese (Cantonese)", "yue"),
            ("Chinese  Traditional", "zh-Hant"),
            ("Portuguese (Brazil)", "pt-BR"),
            ("Russian", "ru"),
            ("Tagalog", "tl"),
            ("Hmong", "hmn"),
            ("Chinese-Mandarin", "zh"),
            ("Haitian/Creole", "ht"),
            ("Spanish Language", "es"),
        ] {
            assert_eq!(tag(raw).as_deref(), Some(expected), "{raw}");
        }
    }

    #[test]
    fn names_from_state_language_lists() {
        for (raw, expected) in [
            ("ASL", "ase"),
            ("asl", "ase"),
            ("Filipino (Pilipino or Tagalog)", "fil"),
            ("Mandarin (Putonghua)", "zh"),
            ("Chaozhou (Chiuchow)", "nan"),
            ("Taiwanese", "nan"),
            ("Toishanese", "yue"),
            ("Hakka", "hak"),
            ("Mien (Yao)", "ium"),
            ("Ilocano", "ilo"),
            ("Tongan", "to"),
            ("Assyrian", "aii"),
            ("Chaldean", "cld"),
            ("Rumanian", "ro"),
            ("Zapoteco", "zap"),
            ("Cape Verdean Creole", "kea"),
            ("Jamaican Patois", "jam"),
            ("Cebuano (Visayan)", "ceb"),
            ("Khmer (Cambodian)", "km"),
            ("SOM - Somali", "so"),
            ("Somali - SOM", "so"),
            ("VIE - Vietnamese", "vi"),
            ("Chinese - Cantonese", "yue"),
            ("Chinese-Cantonese", "yue"),
            ("Cantonese (Chinese)", "yue"),
            ("Chinese, Hakka", "hak"),
            ("English Only", "en"),
        ] {
            assert_eq!(tag(raw).as_deref(), Some(expected), "{raw}");
        }
    }

    #[test]
    fn every_named_tag_is_an_iso_639_code() {
        let tables = COMMON_NAMES
            .iter()
            .map(|(_, tag)| *tag)
            .chain(CHINESE.iter().copied());
        for tag in tables.chain(CREOLES.iter().copied()) {
            let primary = tag.split('-').next().unwrap_or(tag);
            let known = match primary.len() {
                2 => Iso::from_639_1(primary).is_some(),
                // `kar`: Karen languages, an ISO 639-2 collection, which
                // BCP 47 registers and isolang does not know.
                _ => Iso::from_639_3(primary).is_some() || primary == "kar",
            };
            assert!(known, "{tag}");
        }
    }

    #[test]
    fn individual_codes_are_their_macrolanguage() {
        for (code, name, tag) in [
            ("arb", "Arabic", "ar"),
            ("cmn", "Chinese", "zh"),
            ("zsm", "Malay", "ms"),
            ("pes", "Persian", "fa"),
            ("swh", "Swahili", "sw"),
        ] {
            assert_eq!(tag_of(code).as_deref(), Some(tag), "{code}");
            assert_eq!(tag_of(name).as_deref(), Some(tag), "{name}");
        }
        assert_eq!(tag_of("arb-EG").as_deref(), Some("ar-EG"));
        assert_eq!(tag_of("cmn-Hans").as_deref(), Some("zh-Hans"));
        // Languages of their own stay: Cantonese is not Chinese.
        assert_eq!(tag_of("yue").as_deref(), Some("yue"));
        for (individual, _) in MACROLANGUAGE_ALIASES {
            assert!(Iso::from_639_3(individual).is_some(), "{individual}");
        }
    }

    #[test]
    fn tags_follow_bcp_47_structure() {
        assert_eq!(tag_of("es-MX").as_deref(), Some("es-MX"));
        assert_eq!(tag_of("sr-Latn-RS").as_deref(), Some("sr-Latn-RS"));
        assert_eq!(tag_of("de-CH-1996").as_deref(), Some("de-CH-1996"));
        assert_eq!(tag_of("es-419").as_deref(), Some("es-419"));
        for bad in [
            "es-es-es",
            "es-MX-Latn",
            "zh-Hant-Hans",
            "de-1996-1996",
            "es-MX-419",
        ] {
            assert_eq!(tag_of(bad), None, "{bad}");
        }
        let long = format!("es{}", "-es".repeat(20_000));
        assert_eq!(tag_of(&long), None);
        assert!(Language::closest_name(&long).is_none());
    }

    #[test]
    fn house_codes_are_named_never_read() {
        for (code, name) in HOUSE_CODES {
            assert!(
                Iso::from_639_1(code).is_none() && Iso::from_639_3(code).is_none(),
                "{code} is an ISO 639 code"
            );
            assert!(
                !BIBLIOGRAPHIC.iter().any(|(b, _)| b == code),
                "{code} is an ISO 639-2/B code"
            );
            assert!(Language::parse(code).is_err(), "{code} must stay unknown");
            assert!(Language::parse(name).is_ok(), "{name} must be a language");
            assert_eq!(Language::closest_name(&code.to_uppercase()), Some(*name));
        }
    }

    #[test]
    fn unknown_is_an_error_value_not_a_guess() {
        assert_eq!(tag("Martian"), None);
        assert_eq!(tag("English/Spanish"), None);
        assert_eq!(tag("Chinese/English"), None);
        assert_eq!(tag("Cantonese/Spanish"), None);
        // A negation is not the language it names.
        assert_eq!(tag("Other non-English languages"), None);
        assert_eq!(tag("Non-English"), None);
        assert_eq!(tag("Not Spanish"), None);
        // A creole is not its lexifier; a bare "Creole" could be many.
        assert_eq!(tag("Creole"), None);
        assert_eq!(tag("French Creole"), None);
        assert_eq!(tag("Portuguese Creole"), None);
        assert_eq!(tag("Sign Language"), None);
        // Codes that are words, or that name no particular language.
        for raw in ["UNK", "und", "mul", "zxx", "Any", "New", "Yes", "TAG"] {
            assert_eq!(tag(raw), None, "{raw}");
        }
        assert_eq!(tag("N/A"), None);
        assert_eq!(tag("?"), None);
        assert_eq!(tag("   "), None);
    }
}
