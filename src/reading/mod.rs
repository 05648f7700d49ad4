//! Reading a guardians.csv, bottom up: decoding to UTF-8 (`decode`), the
//! one tokenizer that splits every record and counts its physical line
//! (`tokenizer`), the dialect and the header found with it (`dialect`,
//! `header`), each row's cells checked on their own (`cells`, the flags
//! that say who is a guardian in `flags`, `row`), and
//! the streaming reader (`reader`).

pub(crate) mod decode;
pub(crate) mod tokenizer;

pub(crate) mod dialect;
pub(crate) mod file_info;
pub(crate) mod header;
pub(crate) mod header_names;
pub(crate) mod origin;

pub(crate) mod cells;
pub(crate) mod flags;
pub(crate) mod row;

pub(crate) mod reader;
