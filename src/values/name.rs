//! A guardian's first or last name.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use serde::Serialize;
use smol_str::SmolStr;

/// Longest name accepted, in characters.
pub const MAX_NAME_LEN: usize = 100;

/// A guardian's first or last name, trimmed and in Unicode NFC, otherwise
/// exactly as written.
///
/// NFC is the form keyboards write: a name typed with combining accents
/// (`Tra` + U+0302 + U+0300 + `n` from a Vietnamese keyboard, `Jose` +
/// U+0301 from a macOS export) is stored, compared and reported as the
/// precomposed `Trần` and `José`, so it is never a conflict or an update.
///
/// A name reads like a `&str` (it derefs to one and compares with strings).
/// Names of up to 23 bytes, nearly all of them, are stored inline: a
/// million-row file makes no allocation per name, and clones are cheap.
///
/// ```
/// use guardian_roster::Name;
///
/// let name = Name::from("Ana María");
/// assert_eq!(name, "Ana María");
/// assert_eq!(name.len(), 10);
/// assert!(name.starts_with("Ana"));
/// assert_eq!(String::from(name), "Ana María");
/// ```
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(SmolStr);

impl Name {
    /// The name as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Name {
    /// Takes a name as the application stores it, unchecked, in Unicode
    /// NFC: `Jose` + U+0301 and `José` are one name.
    fn from(name: &str) -> Name {
        Name(SmolStr::new(crate::values::text::nfc(name)))
    }
}

impl std::str::FromStr for Name {
    type Err = std::convert::Infallible;

    /// The name in NFC, as [`From<&str>`] takes it (the inverse of
    /// `Display`).
    fn from_str(text: &str) -> Result<Name, std::convert::Infallible> {
        Ok(Name::from(text))
    }
}

impl From<String> for Name {
    /// Takes a name as the application stores it, unchecked, in Unicode
    /// NFC: `Jose` + U+0301 and `José` are one name.
    fn from(name: String) -> Name {
        match crate::values::text::nfc(&name) {
            std::borrow::Cow::Borrowed(_) => Name(SmolStr::from(name)),
            std::borrow::Cow::Owned(composed) => Name(SmolStr::from(composed)),
        }
    }
}

impl From<Name> for String {
    fn from(name: Name) -> String {
        name.0.into()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == other.as_str()
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Name {
    /// Masked, `Name("A***")`: a name is personal data, and `Debug` output
    /// ends up in logs. `Display` and [`Name::as_str`] give the name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Name({:?})", crate::values::text::mask(self.as_str()))
    }
}

impl Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_names_read_back_exactly() {
        let long = "Maria de los Ángeles Fernández-Castañeda";
        for text in ["", "Li", "Ana María", long] {
            let name = Name::from(text);
            assert_eq!(name.as_str(), text);
            assert_eq!(name.clone(), Name::from(text.to_owned()));
            assert_eq!(String::from(name), text);
        }
    }

    #[test]
    fn names_are_kept_in_nfc() {
        assert_eq!(Name::from("Jose\u{301}"), Name::from("Jos\u{e9}"));
        assert_eq!(
            Name::from("Tra\u{302}\u{300}n".to_owned()).as_str(),
            "Tr\u{1ea7}n"
        );
    }

    #[test]
    fn display_is_the_text_and_debug_is_masked() {
        let name = Name::from("O'Brien");
        assert_eq!(format!("{name}"), "O'Brien");
        assert_eq!(format!("{name:?}"), "Name(\"O***\")");
    }

    #[test]
    fn a_name_compares_and_reads_as_its_text_every_way() {
        use std::borrow::Borrow;
        let name = Name::from("Ana");
        let text = String::from("Ana");
        assert!(name == *"Ana" && name == "Ana" && name == text);
        assert!(*"Ana" == name && "Ana" == name);
        let short = String::from("An");
        assert!(name != *"ana" && name != "Ana " && name != short);
        assert!(*"Bo" != name && "Bo" != name);
        assert_eq!(name.len(), 3);
        assert_eq!(AsRef::<str>::as_ref(&name), "Ana");
        assert_eq!(Borrow::<str>::borrow(&name), "Ana");
        let set: std::collections::HashSet<Name> = [Name::from("Ana")].into();
        assert!(set.contains("Ana"));
        assert_eq!("Jose\u{301}".parse::<Name>(), Ok(Name::from("Jos\u{e9}")));
    }
}
