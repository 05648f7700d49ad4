//! The integration tests, in one binary: one link and one process for
//! all of them instead of one per file. Each module is one concern; the
//! helpers they share are in `common`.

mod common;

// Code from elsewhere in the repository the tests run as it is.
#[path = "../../fuzz/harness.rs"]
mod harness;
#[path = "../../examples/common/mod.rs"]
mod report;
#[path = "../../examples/generate/synth.rs"]
mod synth;

mod agreement;
mod apply;
mod cli;
mod corpus;
mod dry_run;
mod dry_run_law;
mod example_json;
mod file;
mod flags;
mod hostile;
mod identity;
mod leaks;
mod postgres;
mod progress;
mod properties;
mod realistic;
mod round_trip;
mod rows;
mod safety;
mod scope;
mod sources;
mod sqlite;
mod stores;
mod streaming;
mod threads;
