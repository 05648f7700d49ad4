//! The whole-file checks: a guardian's rows compared with one another,
//! duplicates, shared contacts, and the `ValidatedFile` they build.

pub(crate) mod agree;
pub(crate) mod builder;
pub(crate) mod completion;
pub(crate) mod conflicts;
pub(crate) mod found;
pub(crate) mod interned;
pub(crate) mod order;
pub(crate) mod pipeline;
pub(crate) mod plausible;
pub(crate) mod shared;
pub(crate) mod validated;
