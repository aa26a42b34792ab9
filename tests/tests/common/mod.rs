//! Helpers shared by the workspace tests. Each test binary uses only some of them.
#![allow(dead_code)]

pub mod reference;
