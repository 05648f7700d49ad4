//! Addresses that look the same to a person: a Cyrillic `а` for a Latin
//! `a`, full-width letters, an internationalised domain and its punycode
//! (`xn--`) form. Two such addresses are one login to the person who reads
//! them, whatever their bytes say.

use unicode_normalization::UnicodeNormalization;
use unicode_security::MixedScript;
use unicode_security::confusable_detection::skeleton;

/// The form of an email key in which look-alikes meet, or `None` for an
/// ASCII address without a punycode label, which is its own form (so the
/// usual address costs one scan). Punycode labels are decoded; every
/// character beyond ASCII is taken to its compatibility form (full-width
/// `ａ` is `a`) and to its UTS #39 confusable skeleton (Cyrillic `а` is
/// `a`), lowercased. ASCII characters stay as they are: `rn` and `m` are
/// different letters to a reader who looks.
pub(crate) fn lookalike_key(key: &str) -> Option<String> {
    if key.is_ascii() && !key.contains("xn--") {
        return None;
    }
    let decoded = decode_domain(key);
    let mut out = String::with_capacity(decoded.len());
    let mut one = String::new();
    for c in decoded.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        one.clear();
        one.extend(std::iter::once(c).nfkc());
        if one.is_ascii() {
            out.extend(one.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            out.extend(skeleton(&one).flat_map(char::to_lowercase));
        }
    }
    Some(out)
}

/// Whether a part of the address (the local part, or a domain label)
/// mixes writing systems, as a look-alike made to pass for another does
/// (`pаypal`, with a Cyrillic `а`). Common characters (digits, `.`, `-`)
/// belong to every script.
pub(crate) fn mixes_scripts(address: &str) -> bool {
    if address.is_ascii() {
        return false;
    }
    let (local, domain) = address.rsplit_once('@').unwrap_or((address, ""));
    std::iter::once(local)
        .chain(domain.split('.'))
        .any(|part| !part.is_single_script())
}

/// The address with its domain's punycode labels (`xn--...`) decoded.
fn decode_domain(key: &str) -> String {
    let Some((local, domain)) = key.rsplit_once('@') else {
        return key.to_owned();
    };
    let labels: Vec<String> = domain
        .split('.')
        .map(|label| {
            label
                .strip_prefix("xn--")
                .and_then(punycode_decode)
                .unwrap_or_else(|| label.to_owned())
        })
        .collect();
    format!("{local}@{}", labels.join("."))
}

/// Decodes one punycode label (the part after `xn--`), RFC 3492 section
/// 6.2; `None` if it is not valid punycode or is absurdly long.
fn punycode_decode(input: &str) -> Option<String> {
    const BASE: u32 = 36;
    const T_MIN: u32 = 1;
    const T_MAX: u32 = 26;
    if input.len() > 63 || !input.is_ascii() {
        return None;
    }
    let (basic, rest) = match input.rfind('-') {
        Some(at) => (&input[..at], &input[at + 1..]),
        None => ("", input),
    };
    let mut output: Vec<char> = basic.chars().collect();
    let (mut n, mut i, mut bias) = (128u32, 0u32, 72u32);
    let mut digits = rest.bytes();
    let mut next = digits.next();
    while next.is_some() {
        let old_i = i;
        let mut weight = 1u32;
        let mut k = BASE;
        loop {
            let digit = match next? {
                b @ b'a'..=b'z' => u32::from(b - b'a'),
                b @ b'A'..=b'Z' => u32::from(b - b'A'),
                b @ b'0'..=b'9' => u32::from(b - b'0') + 26,
                _ => return None,
            };
            next = digits.next();
            i = i.checked_add(digit.checked_mul(weight)?)?;
            let t = if k <= bias {
                T_MIN
            } else if k >= bias + T_MAX {
                T_MAX
            } else {
                k - bias
            };
            if digit < t {
                break;
            }
            weight = weight.checked_mul(BASE - t)?;
            k += BASE;
        }
        let length = u32::try_from(output.len()).ok()? + 1;
        bias = adapt(i - old_i, length, old_i == 0);
        n = n.checked_add(i / length)?;
        i %= length;
        output.insert(usize::try_from(i).ok()?, char::from_u32(n)?);
        i += 1;
    }
    Some(output.into_iter().collect())
}

/// RFC 3492's bias adaptation.
fn adapt(delta: u32, points: u32, first: bool) -> u32 {
    const BASE: u32 = 36;
    let mut delta = if first { delta / 700 } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((BASE - 1) * 26) / 2 {
        delta /= BASE - 1;
        k += BASE;
    }
    k + (BASE * delta) / (delta + 38)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punycode_labels_decode() {
        assert_eq!(punycode_decode("mnchen-3ya").as_deref(), Some("münchen"));
        assert_eq!(punycode_decode("bcher-kva").as_deref(), Some("bücher"));
        assert_eq!(punycode_decode("80ak6aa92e").as_deref(), Some("аррӏе"));
        assert_eq!(punycode_decode("!!"), None);
        assert_eq!(punycode_decode(&"a".repeat(100)), None);
    }

    #[test]
    fn look_alikes_meet_and_plain_addresses_cost_nothing() {
        assert_eq!(lookalike_key("ana@example.com"), None);
        let latin = "paypal@example.com";
        // Cyrillic а (U+0430) for Latin a.
        assert_eq!(
            lookalike_key("p\u{430}ypal@example.com").as_deref(),
            Some(latin)
        );
        // Full-width letters.
        assert_eq!(
            lookalike_key("\u{ff50}aypal@example.com").as_deref(),
            Some(latin)
        );
        // A domain and its punycode form.
        assert_eq!(
            lookalike_key("ana@xn--bcher-kva.example"),
            lookalike_key("ana@bücher.example")
        );
        assert_ne!(
            lookalike_key("ana@bücher.example").as_deref(),
            Some("ana@bucher.example")
        );
    }

    #[test]
    fn a_part_that_mixes_scripts_is_named() {
        assert!(mixes_scripts("p\u{430}ypal@example.com"));
        assert!(!mixes_scripts("josé@example.com"));
        assert!(!mixes_scripts(
            "\u{43f}\u{440}\u{438}\u{43c}\u{435}\u{440}@example.com"
        ));
        assert!(!mixes_scripts("ana@example.com"));
    }
}
