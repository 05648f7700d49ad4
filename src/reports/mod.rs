//! What the crate writes for people to open: the errors file, and the
//! results of Start Processing.

pub(crate) mod errors_csv;
pub(crate) mod results;
