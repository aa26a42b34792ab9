//! Helpers shared by the workspace tests. Each test binary uses only some of them.
#![allow(dead_code)]

pub mod dagster_runs;
pub mod reference;
