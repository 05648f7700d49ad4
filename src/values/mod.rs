//! The values of a guardians.csv, each with its own rules: IDs, names,
//! emails, phones, languages, and the text rules they share.

pub(crate) mod email;
pub(crate) mod flags;
pub(crate) mod id;
pub(crate) mod language;
pub(crate) mod lookalike;
pub(crate) mod name;
pub(crate) mod nanp;
pub(crate) mod phone;
pub(crate) mod phone_rules;
pub(crate) mod placeholder;
pub(crate) mod record;
pub(crate) mod serde_text;
pub(crate) mod text;
