//! Email addresses a guardian can log in with.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use foldhash::HashMap;

use email_address::{EmailAddress, Options};
use serde::Serialize;

/// A checked email address, kept as written (trimmed) and compared
/// case-insensitively: `Jane@Example.com` equals `jane@example.com`.
///
/// ```
/// # fn main() -> Result<(), guardian_roster::EmailError> {
/// use guardian_roster::Email;
///
/// let email = Email::parse("  Jane.Doe@Example.com ")?;
/// assert_eq!(email.as_str(), "Jane.Doe@Example.com");
/// assert_eq!(email, Email::parse("jane.doe@example.com")?);
/// assert!(Email::parse("jane@example").is_err());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Email {
    /// The address as written, then its lowercase form when that differs:
    /// one allocation either way.
    text: Box<str>,
    /// Where the address ends in `text`.
    address_len: u32,
}

/// Why an email cell could not be read.
///
/// `Debug` masks the addresses the variants carry: errors end up in logs.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EmailError {
    /// Two or more addresses in one cell.
    #[error("holds more than one address; keep one address per cell")]
    Multiple,
    /// White space inside the address.
    #[error("contains a space")]
    Space,
    /// No `@`.
    #[error("has no @")]
    NoAt,
    /// No dot in the domain (`jane@example`).
    #[error("has no domain ending such as .com or .org after the @")]
    NoTld,
    /// A name with the address, as a mail program copies it:
    /// `Jane Doe <jane@example.com>`. `address` is the address inside the
    /// angle brackets, which is valid on its own.
    #[error(
        "has more than the address (a name or angle brackets); write only the address ({address})"
    )]
    DisplayName {
        /// The address inside the angle brackets.
        address: String,
    },
    /// A link copied from a web page or document: `mailto:jane@example.com`.
    /// `address` is the part after `mailto:`, which is valid on its own.
    #[error("starts with mailto: (copied from a link); write only the address ({address})")]
    Mailto {
        /// The address after `mailto:`.
        address: String,
    },
    /// Punctuation stuck to a valid address, as left by splitting a list
    /// (`jane@example.com;`, `jane@example.com.`). `address` is the
    /// address without it.
    #[error("has stray punctuation next to the address; write only the address ({address})")]
    StrayPunctuation {
        /// The address without the punctuation.
        address: String,
    },
    /// An invisible character (a zero-width space, as copied from a web
    /// page) inside the address.
    #[error(
        "contains an invisible character (such as a zero-width space, copied from a web page); type the address again"
    )]
    Invisible,
    /// Anything else the address rules refuse.
    #[error("is not a valid address")]
    Invalid,
}

impl fmt::Debug for EmailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, address) = match self {
            EmailError::Multiple => ("Multiple", None),
            EmailError::Space => ("Space", None),
            EmailError::NoAt => ("NoAt", None),
            EmailError::NoTld => ("NoTld", None),
            EmailError::DisplayName { address } => ("DisplayName", Some(address)),
            EmailError::Mailto { address } => ("Mailto", Some(address)),
            EmailError::StrayPunctuation { address } => ("StrayPunctuation", Some(address)),
            EmailError::Invisible => ("Invisible", None),
            EmailError::Invalid => ("Invalid", None),
        };
        match address {
            Some(address) => f
                .debug_struct(name)
                .field("address", &crate::values::text::mask(address))
                .finish(),
            None => f.write_str(name),
        }
    }
}

impl EmailError {
    /// The address the cell probably meant, where the problem is only
    /// what surrounds it (a name, `mailto:`). Never applied automatically.
    ///
    /// ```
    /// use guardian_roster::Email;
    ///
    /// let error = Email::parse("Jane Doe <jane@example.com>").unwrap_err();
    /// assert_eq!(error.suggestion(), Some("jane@example.com"));
    /// assert_eq!(Email::parse("jane@example").unwrap_err().suggestion(), None);
    /// ```
    #[must_use]
    pub fn suggestion(&self) -> Option<&str> {
        match self {
            EmailError::DisplayName { address }
            | EmailError::Mailto { address }
            | EmailError::StrayPunctuation { address } => Some(address),
            _ => None,
        }
    }
}

/// [`Email::key`] of an address already checked.
fn key_of(address: &str) -> String {
    let lower = crate::values::text::nfc(address).to_lowercase();
    match crate::values::text::nfc(&lower) {
        std::borrow::Cow::Borrowed(_) => lower,
        std::borrow::Cow::Owned(composed) => composed,
    }
}

impl Email {
    /// Checks an address strictly: a domain with a TLD, no display name
    /// (`Jane <jane@example.com>`), no IP-address domain.
    ///
    /// # Errors
    ///
    /// An [`EmailError`] saying why `raw` is not an address a guardian can
    /// log in with.
    pub fn parse(raw: &str) -> Result<Email, EmailError> {
        let address = raw.trim();
        let (text, address_len) = if surely_valid(address) {
            check_tld(address)?;
            // ASCII: the lowercase form goes in the same allocation.
            let upper = address.bytes().any(|b| b.is_ascii_uppercase());
            let mut text = String::with_capacity(address.len() * if upper { 2 } else { 1 });
            text.push_str(address);
            if upper {
                text.push_str(address);
                if let Some(lower) = text.get_mut(address.len()..) {
                    lower.make_ascii_lowercase();
                }
            }
            (text, address.len())
        } else {
            let mut checked = check_in_full(address)?;
            check_tld(&checked)?;
            let address_len = checked.len();
            // Title-case letters change too, and some change length:
            // compare the whole result.
            let lower = key_of(&checked);
            if lower != checked {
                checked.push_str(&lower);
            }
            (checked, address_len)
        };
        Ok(Email {
            address_len: u32::try_from(address_len).map_err(|_| EmailError::Invalid)?,
            text: text.into_boxed_str(),
        })
    }

    /// An address as the application stored it, trimmed but not checked:
    /// for a roster's records, which may hold an address today's rules
    /// would refuse (it stays as it is, and compares by its key). Its
    /// [`Email::key`] is computed as for any address.
    ///
    /// ```
    /// use guardian_roster::Email;
    ///
    /// let stored = Email::from_stored(" Old.Address@Legacy ");
    /// assert_eq!(stored.as_str(), "Old.Address@Legacy");
    /// assert_eq!(stored.key(), "old.address@legacy");
    /// ```
    #[must_use]
    pub fn from_stored(address: &str) -> Email {
        let address = address.trim();
        let key = Email::stored_key(address);
        let mut text = String::with_capacity(address.len() * 2);
        text.push_str(address);
        if key != address {
            text.push_str(&key);
        }
        Email {
            address_len: u32::try_from(address.len()).unwrap_or(u32::MAX),
            text: text.into_boxed_str(),
        }
    }

    /// The [`Email::key`] of an address as stored, without an
    /// allocation when it is its own key (ASCII in lowercase, as nearly
    /// every stored address is): what [`Email::from_stored`] keys it by.
    pub(crate) fn stored_key(address: &str) -> std::borrow::Cow<'_, str> {
        let address = address.trim();
        if !address.is_ascii() {
            std::borrow::Cow::Owned(key_of(address))
        } else if address.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(address.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(address)
        }
    }

    /// The address as written in the file (trimmed).
    #[must_use]
    pub fn as_str(&self) -> &str {
        self.text
            .get(..self.address_len as usize)
            .unwrap_or(&self.text)
    }

    /// The form used for comparison and identity: the address trimmed, in
    /// Unicode NFC, lowercased by Unicode's default mapping
    /// ([`str::to_lowercase`]), and in NFC again. For an ASCII address this
    /// is its ASCII lowercase. [`crate::Roster::email_owners`] is asked with
    /// these keys.
    ///
    /// ```
    /// use guardian_roster::Email;
    ///
    /// # fn main() -> Result<(), guardian_roster::EmailError> {
    /// assert_eq!(Email::parse(" Ana.Diaz@Example.COM ")?.key(), "ana.diaz@example.com");
    /// // A combining accent and the precomposed letter are one address.
    /// assert_eq!(Email::parse("Jose\u{301}@example.com")?.key(), "jos\u{e9}@example.com");
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn key(&self) -> &str {
        match self.text.get(self.address_len as usize..) {
            Some(lower) if !lower.is_empty() => lower,
            _ => &self.text,
        }
    }

    /// The domain, lowercase.
    #[must_use]
    pub fn domain(&self) -> &str {
        let key = self.key();
        memchr::memrchr(b'@', key.as_bytes()).map_or("", |at| &key[at + 1..])
    }

    /// The address masked for logs: `j***@example.com`.
    #[must_use]
    pub fn masked(&self) -> String {
        match self.as_str().split_once('@') {
            Some((local, domain)) => {
                let first: String = local.chars().take(1).collect();
                format!("{first}***@{domain}")
            }
            None => "***".to_owned(),
        }
    }

    /// Whether this is an address districts write when a guardian has none
    /// (`noemail@school.org`, `none@none.com`, `donotreply@…`): no one
    /// reads it, so it is not a way to reach the guardian.
    ///
    /// ```
    /// # fn main() -> Result<(), guardian_roster::EmailError> {
    /// use guardian_roster::Email;
    ///
    /// assert!(Email::parse("NoEmail@district.k12.us")?.is_placeholder());
    /// assert!(Email::parse("ana@none.com")?.is_placeholder());
    /// assert!(!Email::parse("nonna@example.com")?.is_placeholder());
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn is_placeholder(&self) -> bool {
        let key = self.key().as_bytes();
        let Some(at) = memchr::memrchr(b'@', key) else {
            return false;
        };
        let (local, domain) = (&key[..at], &key[at + 1..]);
        let name = &domain[..memchr::memchr(b'.', domain).unwrap_or(domain.len())];
        is_placeholder_word(local, PLACEHOLDER_LOCAL_PARTS)
            || is_placeholder_word(name, PLACEHOLDER_DOMAIN_NAMES)
    }

    /// If the domain looks like a typing mistake for a common provider,
    /// the domain it probably meant: a known slip (`gmail.co`), or one
    /// letter added, dropped, changed or two swapped in the name of a
    /// large provider (`gmial.com`, `outlook.comm`, `yahoo.cim`), when
    /// the domain is not a real one itself (`ymail.com`, `mail.com`).
    ///
    /// ```
    /// # fn main() -> Result<(), guardian_roster::EmailError> {
    /// use guardian_roster::Email;
    ///
    /// assert_eq!(Email::parse("ana@gmial.com")?.likely_typo(), Some("gmail.com"));
    /// assert_eq!(Email::parse("ana@hotmail.comm")?.likely_typo(), Some("hotmail.com"));
    /// assert_eq!(Email::parse("ana@ymail.com")?.likely_typo(), None);
    /// assert_eq!(Email::parse("ana@example.com")?.likely_typo(), None);
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn likely_typo(&self) -> Option<&'static str> {
        let domain = self.domain();
        // Most addresses are at a few providers: one lookup settles them.
        if let Some(&verdict) = known_domains().get(domain) {
            return verdict;
        }
        let mut near = PROVIDERS.iter().filter(|provider| {
            provider.len().abs_diff(domain.len()) <= 1
                && one_slip(domain.as_bytes(), provider.as_bytes())
        });
        match (near.next(), near.next()) {
            (Some(meant), None) => Some(meant),
            _ => None,
        }
    }
}

/// No top-level domain has one letter or only digits (`gmail.c` is a
/// cut-off `gmail.com`), though the address rules allow them.
fn check_tld(address: &str) -> Result<(), EmailError> {
    let bytes = address.as_bytes();
    let tld = bytes
        .iter()
        .rposition(|&b| b == b'.')
        .map_or(bytes, |dot| &bytes[dot + 1..]);
    // Letters only (`c0m` is a slip), or an internationalised TLD.
    let letters = tld.iter().all(u8::is_ascii_alphabetic)
        || std::str::from_utf8(tld)
            .is_ok_and(|tld| tld.starts_with("xn--") || tld.chars().all(char::is_alphabetic));
    if tld.len() < 2 || !letters {
        return Err(EmailError::NoTld);
    }
    Ok(())
}

/// Checks an address no shortcut vouched for: first the mistakes a clerk
/// can be told about by name, then `email_address` with the strict options.
/// Returns the checked copy.
fn check_in_full(address: &str) -> Result<String, EmailError> {
    if address.chars().any(crate::values::text::is_invisible) {
        return Err(EmailError::Invisible);
    }
    if let Some(wrapped) = wrapped_address(address) {
        return Err(wrapped);
    }
    if address.matches('@').count() > 1 {
        // `a@x.com; b@y.com` is two addresses; `jane@@x.com` is a slip.
        return Err(if address.contains("@@") {
            EmailError::Invalid
        } else {
            EmailError::Multiple
        });
    }
    if address.chars().any(char::is_whitespace) {
        return Err(EmailError::Space);
    }
    let Some((_, domain)) = address.split_once('@') else {
        return Err(EmailError::NoAt);
    };
    if !domain.contains('.') {
        return Err(EmailError::NoTld);
    }
    let options = Options::default()
        .with_required_tld()
        .without_display_text()
        .without_domain_literal();
    // The checked copy becomes ours: one allocation, not two.
    EmailAddress::parse_with_options(address, options)
        .map(String::from)
        .map_err(|_| EmailError::Invalid)
}

/// `Jane Doe <jane@example.com>` or `mailto:jane@example.com`, where the
/// address itself is valid: the error that names it. Anything else, even
/// with angle brackets, is left to the general checks.
fn wrapped_address(address: &str) -> Option<EmailError> {
    const STRAY: [char; 4] = [';', ',', '.', ':'];
    if address.starts_with(STRAY) || address.ends_with(STRAY) {
        let inner = address.trim_matches(|c: char| STRAY.contains(&c) || c.is_whitespace());
        return Email::parse(inner)
            .ok()
            .map(|checked| EmailError::StrayPunctuation {
                address: checked.as_str().to_owned(),
            });
    }
    let (inner, error): (&str, fn(String) -> EmailError) =
        if let Some(rest) = address.strip_suffix('>') {
            let (name, inner) = rest.rsplit_once('<')?;
            if name.contains('@') {
                // `a@x.com <b@y.com>`, or two names and addresses: not one
                // address with a name.
                return None;
            }
            (inner, |address| EmailError::DisplayName { address })
        } else {
            let prefix = address.get(..7)?;
            if !prefix.eq_ignore_ascii_case("mailto:") {
                return None;
            }
            (address.get(7..)?, |address| EmailError::Mailto { address })
        };
    let checked = Email::parse(inner.trim()).ok()?;
    Some(error(checked.as_str().to_owned()))
}

/// True when `email_address`, with the options `check_in_full` gives it,
/// is sure to accept `address` unchanged: plain ASCII, a local part of
/// dot-separated atoms (at most 64 bytes), one `@`, and a domain of two or
/// more labels (at most 254 bytes), each at most 63 bytes of atom
/// characters that starts and ends with a letter or digit. These are
/// `email_address`'s own rules, narrowed to the shape nearly every address
/// has, so the common case skips its slower general parser; a test holds
/// the shortcut to never accept what `email_address` refuses.
fn surely_valid(address: &str) -> bool {
    const LOCAL_MAX: usize = 64;
    const DOMAIN_MAX: usize = 254;
    const LABEL_MAX: usize = 63;
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > LOCAL_MAX || domain.len() > DOMAIN_MAX {
        return false;
    }
    // The local part: atoms joined by single dots.
    let mut after_dot = true;
    for &b in local.as_bytes() {
        if b == b'.' {
            if after_dot {
                return false;
            }
            after_dot = true;
        } else if ATEXT[usize::from(b)] {
            after_dot = false;
        } else {
            return false;
        }
    }
    if after_dot {
        return false;
    }
    // The domain: labels joined by single dots, each with a letter or
    // digit at both ends.
    let (mut labels, mut label_len, mut last) = (1, 0, b'.');
    for &b in domain.as_bytes() {
        if b == b'.' {
            if label_len == 0 || !last.is_ascii_alphanumeric() {
                return false;
            }
            labels += 1;
            label_len = 0;
        } else if ATEXT[usize::from(b)] && (label_len > 0 || b.is_ascii_alphanumeric()) {
            label_len += 1;
            if label_len > LABEL_MAX {
                return false;
            }
        } else {
            return false;
        }
        last = b;
    }
    labels >= 2 && label_len > 0 && last.is_ascii_alphanumeric()
}

/// RFC 5322 `atext` among ASCII bytes: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
const ATEXT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    let symbols = b"!#$%&'*+-/=?^_`{|}~";
    let mut i = 0;
    while i < symbols.len() {
        table[symbols[i] as usize] = true;
        i += 1;
    }
    table
};

/// Common misspellings of big providers' domains, sorted by the misspelling
/// (looked up by binary search; a test checks the order).
/// Local parts (dots, dashes and underscores removed) of the addresses
/// districts write when there is none.
const PLACEHOLDER_LOCAL_PARTS: &[&str] = &[
    "none",
    "noemail",
    "nomail",
    "noaddress",
    "noemailaddress",
    "noemailprovided",
    "noemailonfile",
    "notprovided",
    "noneprovided",
    "noreply",
    "donotreply",
    "donotemail",
    "unknown",
    "null",
];

/// Whether `word`, without dots, dashes and underscores, is in `list`.
/// Every entry starts with `d`, `n` or `u` (a test holds them to it), so
/// most addresses are told apart by their first byte.
fn is_placeholder_word(word: &[u8], list: &[&str]) -> bool {
    let bare = || {
        word.iter()
            .copied()
            .filter(|b| !matches!(b, b'.' | b'-' | b'_'))
    };
    matches!(word.first(), Some(b'd' | b'n' | b'u'))
        && word.len() <= 32
        && list.iter().any(|entry| entry.bytes().eq(bare()))
}

/// Domain names (before the first dot) that no one's mail goes to.
const PLACEHOLDER_DOMAIN_NAMES: &[&str] = &[
    "none",
    "noemail",
    "nomail",
    "noemailaddress",
    "donotreply",
    "noreply",
    "unknown",
];

const TYPOS: &[(&str, &str)] = &[
    ("aol.co", "aol.com"),
    ("comcast.com", "comcast.net"),
    ("gamil.com", "gmail.com"),
    ("gmai.com", "gmail.com"),
    ("gmail.cm", "gmail.com"),
    ("gmail.co", "gmail.com"),
    ("gmail.con", "gmail.com"),
    ("gmail.om", "gmail.com"),
    ("gmaill.com", "gmail.com"),
    ("gmal.com", "gmail.com"),
    ("gmial.com", "gmail.com"),
    ("gnail.com", "gmail.com"),
    ("hotmai.com", "hotmail.com"),
    ("hotmail.co", "hotmail.com"),
    ("hotmail.con", "hotmail.com"),
    ("hotmal.com", "hotmail.com"),
    ("hotmial.com", "hotmail.com"),
    ("iclod.com", "icloud.com"),
    ("icloud.co", "icloud.com"),
    ("icoud.com", "icloud.com"),
    ("outlok.com", "outlook.com"),
    ("outloo.com", "outlook.com"),
    ("outlook.co", "outlook.com"),
    ("yaho.com", "yahoo.com"),
    ("yahoo.co", "yahoo.com"),
    ("yahoo.con", "yahoo.com"),
    ("yahooo.com", "yahoo.com"),
    ("yhoo.com", "yahoo.com"),
];

/// Large providers whose names are long enough that one slip in them is
/// more likely a typo than another real domain.
const PROVIDERS: &[&str] = &[
    "bellsouth.net",
    "charter.net",
    "comcast.net",
    "earthlink.net",
    "gmail.com",
    "hotmail.com",
    "icloud.com",
    "outlook.com",
    "protonmail.com",
    "sbcglobal.net",
    "verizon.net",
    "yahoo.com",
    "ymail.com",
];

/// Real domains one slip away from a provider.
const REAL_NEIGHBOURS: &[&str] = &["cloud.com", "email.com", "mail.com"];

/// Domains whose verdict is known: the providers and their real
/// neighbours (no typo), and the slips in [`TYPOS`].
fn known_domains() -> &'static HashMap<&'static str, Option<&'static str>> {
    static KNOWN: OnceLock<HashMap<&'static str, Option<&'static str>>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let real = PROVIDERS.iter().chain(REAL_NEIGHBOURS).map(|&d| (d, None));
        let slips = TYPOS.iter().map(|&(typo, meant)| (typo, Some(meant)));
        real.chain(slips).collect()
    })
}

/// Whether `a` is `b` with one byte added, dropped or changed, or two
/// neighbouring bytes swapped.
fn one_slip(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let same_start = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    match long.len() - short.len() {
        // One byte added or dropped: the rest matches after it.
        1 => short[same_start..] == long[same_start + 1..],
        0 if same_start < short.len() => {
            let (rest_a, rest_b) = (&a[same_start..], &b[same_start..]);
            // One byte changed, or two swapped.
            rest_a[1..] == rest_b[1..]
                || (rest_a.len() >= 2
                    && rest_a[0] == rest_b[1]
                    && rest_a[1] == rest_b[0]
                    && rest_a[2..] == rest_b[2..])
        }
        _ => false,
    }
}

impl PartialEq for Email {
    fn eq(&self, other: &Email) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Email {}

impl Hash for Email {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl std::str::FromStr for Email {
    type Err = EmailError;

    /// [`Email::parse`]: an address's own `Display` reads back.
    fn from_str(text: &str) -> Result<Email, EmailError> {
        Email::parse(text)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.masked())
    }
}

impl Serialize for Email {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored address is keyed as a read one is: lowercase in every
    /// script, composed (NFC); an ASCII address in lowercase is its own
    /// key, borrowed.
    #[test]
    fn a_stored_address_is_keyed_in_every_script() {
        for (stored, key) in [
            (" ÉLISE@Example.COM ", "élise@example.com"),
            ("Jose\u{301}@example.com", "jos\u{e9}@example.com"),
            ("ANA@EXAMPLE.COM", "ana@example.com"),
            ("bo@example.com", "bo@example.com"),
        ] {
            assert_eq!(Email::stored_key(stored), key, "{stored}");
            assert_eq!(Email::from_stored(stored).key(), key, "{stored}");
        }
        assert!(matches!(
            Email::stored_key(" bo@example.com"),
            std::borrow::Cow::Borrowed("bo@example.com")
        ));
    }

    #[test]
    fn one_slip_in_a_large_provider_is_a_likely_typo() {
        let typo = |raw: &str| Email::parse(raw).ok().and_then(|e| e.likely_typo());
        for (raw, meant) in [
            ("a@gmial.com", Some("gmail.com")),  // known slip
            ("a@gmaul.com", Some("gmail.com")),  // changed
            ("a@gmail.vom", Some("gmail.com")),  // changed, in the ending
            ("a@gmaill.com", Some("gmail.com")), // added
            ("a@hotmal.com", Some("hotmail.com")),
            ("a@outlook.comm", Some("outlook.com")),
            ("a@yahoo.cim", Some("yahoo.com")),
            ("a@sbcgloabl.net", Some("sbcglobal.net")), // swapped
            ("a@Comcats.NET", Some("comcast.net")),
            // Real domains, and the providers themselves.
            ("a@ymail.com", None),
            ("a@mail.com", None),
            ("a@email.com", None),
            ("a@gmail.com", None),
            ("a@yahoo.ca", None),
            ("a@hotmail.co.uk", None),
            ("a@example.com", None),
            // One slip from two providers: no guess.
            ("a@xmail.com", None),
        ] {
            assert_eq!(typo(raw), meant, "{raw}");
        }
    }

    #[test]
    fn one_slip_is_exactly_one() {
        assert!(one_slip(b"abc", b"abd"));
        assert!(one_slip(b"abc", b"acb"));
        assert!(one_slip(b"abc", b"abcd"));
        assert!(one_slip(b"abcd", b"bcd"));
        assert!(!one_slip(b"abc", b"abc"));
        assert!(!one_slip(b"abc", b"bca"));
        assert!(!one_slip(b"abc", b"abcde"));
        assert!(!one_slip(b"", b""));
        assert!(one_slip(b"", b"a"));
    }

    #[test]
    fn stray_punctuation_and_digits_in_the_ending_are_named() {
        for raw in [
            "jane@example.com;",
            "jane@example.com.",
            ",jane@example.com",
            "jane@example.com ,",
        ] {
            assert_eq!(
                Email::parse(raw),
                Err(EmailError::StrayPunctuation {
                    address: "jane@example.com".into()
                }),
                "{raw}"
            );
        }
        assert_eq!(Email::parse("jane@example..com"), Err(EmailError::Invalid));
        assert_eq!(Email::parse("jane@example.c0m"), Err(EmailError::NoTld));
        assert!(Email::parse("jane@example.xn--p1ai").is_ok());
        assert!(Email::parse("jane@пример.рф").is_ok());
    }

    #[test]
    fn a_name_or_mailto_around_a_valid_address_is_named() {
        assert_eq!(
            Email::parse("Jane Doe <jane@example.com>"),
            Err(EmailError::DisplayName {
                address: "jane@example.com".into()
            })
        );
        assert_eq!(
            Email::parse(" <Jane@Example.com> "),
            Err(EmailError::DisplayName {
                address: "Jane@Example.com".into()
            })
        );
        assert_eq!(
            Email::parse("mailto:jane@example.com"),
            Err(EmailError::Mailto {
                address: "jane@example.com".into()
            })
        );
        // Two names and addresses are two addresses; a bad address inside
        // brackets gets the general verdict.
        assert_eq!(
            Email::parse("A <a@x.com>, B <b@y.com>"),
            Err(EmailError::Multiple)
        );
        assert_eq!(Email::parse("Jane <jane@example>"), Err(EmailError::Space));
        assert_eq!(Email::parse("<jane@example>"), Err(EmailError::NoTld));
        assert_eq!(Email::parse("mailto:"), Err(EmailError::NoAt));
        assert_eq!(
            Email::parse("<<jane@example.com>>").map(|_| ()),
            Err(EmailError::Invalid)
        );
    }

    #[test]
    fn accepts_and_trims_real_addresses() {
        let email = Email::parse(" Jane.Doe+school@Example.COM\t").expect("valid");
        assert_eq!(email.as_str(), "Jane.Doe+school@Example.COM");
        assert_eq!(email.key(), "jane.doe+school@example.com");
        assert_eq!(email.domain(), "example.com");
        // The address and its key share one allocation, whatever their
        // lengths: `İ` lowercases to two characters.
        let email = Email::parse("İNCİ@Exämple.com").expect("valid");
        assert_eq!(email.as_str(), "İNCİ@Exämple.com");
        assert_eq!(email.key(), "i\u{307}nci\u{307}@exämple.com");
        assert_eq!(email.to_string(), "İNCİ@Exämple.com");
        let plain = Email::parse("ana@example.com").expect("valid");
        assert_eq!(
            (plain.as_str(), plain.key()),
            ("ana@example.com", "ana@example.com")
        );
    }

    #[test]
    fn rejects_what_cannot_log_in() {
        assert_eq!(Email::parse("jane@example"), Err(EmailError::NoTld));
        assert_eq!(Email::parse("jane.example.com"), Err(EmailError::NoAt));
        assert_eq!(Email::parse("jane doe@example.com"), Err(EmailError::Space));
        assert_eq!(
            Email::parse("Jane <jane@example.com>").map_err(|e| e.suggestion().map(str::to_owned)),
            Err(Some("jane@example.com".to_owned()))
        );
        assert_eq!(
            Email::parse("a@example.com; b@example.com"),
            Err(EmailError::Multiple)
        );
        assert_eq!(
            Email::parse("a@example.com,b@example.com"),
            Err(EmailError::Multiple)
        );
        assert_eq!(Email::parse("jane@[1.2.3.4]"), Err(EmailError::Invalid));
        assert_eq!(Email::parse("jane@@example.com"), Err(EmailError::Invalid));
        assert_eq!(Email::parse("@example.com"), Err(EmailError::Invalid));
        // A cut-off or numeric top-level domain.
        assert_eq!(Email::parse("jane@gmail.c"), Err(EmailError::NoTld));
        assert_eq!(Email::parse("jane@10.0.0.1"), Err(EmailError::NoTld));
        assert_eq!(Email::parse("Jane.Doe@Example.C"), Err(EmailError::NoTld));
        assert!(Email::parse("jane@example.co").is_ok());
    }

    #[test]
    fn placeholder_words_start_as_the_shortcut_expects() {
        for word in PLACEHOLDER_LOCAL_PARTS
            .iter()
            .chain(PLACEHOLDER_DOMAIN_NAMES)
        {
            assert!(
                matches!(word.as_bytes().first(), Some(b'd' | b'n' | b'u')),
                "{word}"
            );
            assert!(
                word.len() <= 32 && word.bytes().all(|b| b.is_ascii_lowercase()),
                "{word}"
            );
        }
    }

    #[test]
    fn placeholder_addresses_are_told_apart() {
        for raw in [
            "noemail@school.org",
            "No.Email@district.k12.us",
            "no-email@gmail.com",
            "NONE@none.com",
            "jane@none.com",
            "donotreply@district.org",
            "unknown@unknown.com",
            "ana@noemail.com",
        ] {
            let email = Email::parse(raw).expect(raw);
            assert!(email.is_placeholder(), "{raw}");
        }
        for raw in [
            "nonna@example.com",
            "none.of.us@nonesuch.com",
            "jane@example.com",
            "nonie@x.org",
        ] {
            let email = Email::parse(raw).expect(raw);
            assert!(!email.is_placeholder(), "{raw}");
        }
    }

    /// What `Email::parse` would say with no shortcut.
    fn parse_in_full(raw: &str) -> Result<String, EmailError> {
        let checked = check_in_full(raw.trim())?;
        check_tld(&checked)?;
        Ok(checked)
    }

    #[test]
    fn the_shortcut_takes_common_addresses_and_leaves_the_rest() {
        for common in [
            "jane.doe@example.com",
            "J.O'Neil+school@mail.Example.org",
            "x_1-2@a-b.co",
            "a@b.co",
        ] {
            assert!(surely_valid(common), "{common}");
            assert!(parse_in_full(common).is_ok(), "{common}");
        }
        let long_label = format!("a@{}.com", "b".repeat(64));
        let long_local = format!("{}@example.com", "a".repeat(65));
        for other in [
            "jane@example",
            "jane..doe@example.com",
            ".jane@example.com",
            "jane.@example.com",
            "jane@-example.com",
            "jane@example-.com",
            "jane@example..com",
            "jane@example.com.",
            "\"jane doe\"@example.com",
            "jané@example.com",
            "jane@exämple.com",
            "jane@[1.2.3.4]",
            "jane@@example.com",
            "a@b.com,c@d.com",
            long_label.as_str(),
            long_local.as_str(),
        ] {
            assert!(!surely_valid(other), "{other}");
        }
        // Atom symbols inside a label are `email_address`'s rule too.
        assert!(surely_valid("jane@ex!ample.com"));
        assert!(parse_in_full("jane@ex!ample.com").is_ok());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

        /// The shortcut never accepts what `email_address` refuses, and
        /// `Email::parse` answers exactly as the full check does.
        #[test]
        fn the_shortcut_agrees_with_email_address(
            raw in proptest::string::string_regex(
                "[ a-zA-Z0-9.@_+'!#$%&*/=?^`{|}~\\-\"<>\\[\\]()\\\\,;:é\t]{0,24}"
            ).expect("a valid pattern"),
            local in proptest::string::string_regex("[a-zA-Z0-9.!#_'+\\-]{0,70}").expect("a valid pattern"),
            domain in proptest::string::string_regex("[a-zA-Z0-9.!#_\\-]{0,70}").expect("a valid pattern"),
        ) {
            let joined = format!("{local}@{domain}");
            for candidate in [raw.as_str(), joined.as_str()] {
                if surely_valid(candidate) {
                    proptest::prop_assert!(check_in_full(candidate).is_ok(), "{}", candidate);
                }
                let fast = Email::parse(candidate).map(|e| e.as_str().to_owned());
                proptest::prop_assert_eq!(fast, parse_in_full(candidate));
            }
        }
    }

    #[test]
    fn typos_are_sorted_for_binary_search() {
        assert!(TYPOS.windows(2).all(|pair| pair[0].0 < pair[1].0));
    }

    #[test]
    fn spots_common_domain_typos_and_masks() {
        let email = Email::parse("maria@GMIAL.com").expect("valid syntax");
        assert_eq!(email.likely_typo(), Some("gmail.com"));
        assert_eq!(email.masked(), "m***@GMIAL.com");
        assert_eq!(
            Email::parse("maria@gmail.com")
                .expect("valid")
                .likely_typo(),
            None
        );
    }
}
