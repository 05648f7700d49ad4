//! Reading a guardians.csv: decoding, physical lines and limits, the
//! header, each row's cells checked on their own, and the streaming reader.

pub(crate) mod cells;
pub(crate) mod decode;
pub(crate) mod dialect;
pub(crate) mod header;
pub(crate) mod reader;
pub(crate) mod row;
pub(crate) mod tokenizer;
