//! The whole-file checks: a guardian's rows compared with one another,
//! duplicates, shared contacts, and the `ValidatedFile` they build.

pub(crate) mod agree;
pub(crate) mod found;
pub(crate) mod pipeline;
pub(crate) mod validated;
