//! Helpers shared by the workspace tests.

pub mod reference;
