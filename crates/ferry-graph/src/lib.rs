//! Exports a workflow's pipeline graphs as Graphviz DOT, Mermaid flowcharts and JSON,
//! for people to look at. Deterministic: steps and edges in IR order.
//!
//! This crate reads the IR only; it must not change it and must not know any front
//! end or back end. Every label goes through the format's own escaping function.

mod dot;
mod json;
mod label;
mod mermaid;

pub use dot::to_dot;
pub use json::to_json;
pub use mermaid::to_mermaid;
