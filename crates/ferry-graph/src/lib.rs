//! Exports a workflow's pipeline graphs as Graphviz DOT, Mermaid flowcharts, JSON and
//! SVG (laid out in process by `layout-rs`), for people to look at. Deterministic:
//! steps and edges in IR order, the same bytes on every run.
//!
//! This crate reads the IR only; it must not change it and must not know any front
//! end or back end. Every label goes through the format's own escaping function.

mod dot;
mod json;
mod label;
mod mermaid;
mod svg;
mod svg_canvas;

pub use dot::to_dot;
pub use json::to_json;
pub use mermaid::to_mermaid;
pub use svg::to_svg;
pub use svg_canvas::xml_text;
