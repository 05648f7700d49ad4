//! The dry run and Start Processing: the roster the application supplies,
//! the plan, the unlinks it may make, and applying it.

pub(crate) mod apply;
pub(crate) mod approved;
pub(crate) mod collisions;
pub(crate) mod deleted;
pub(crate) mod enrolments;
pub(crate) mod field_changes;
pub(crate) mod fingerprint;
pub(crate) mod grouped;
pub(crate) mod known;
pub(crate) mod memory;
pub(crate) mod options;
pub(crate) mod plan;
pub(crate) mod planner;
#[cfg(feature = "postgres")]
pub(crate) mod postgres;
pub(crate) mod restricted;
pub(crate) mod roster;
pub(crate) mod scope;
pub(crate) mod sorted;
#[cfg(feature = "sqlite")]
pub(crate) mod sqlite;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) mod stored;
pub(crate) mod students;
pub(crate) mod unlink;
