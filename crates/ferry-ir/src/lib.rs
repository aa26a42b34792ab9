//! The typed workflow IR that every front end lowers into and every back end reads.
//!
//! A [`Workflow`] holds pipelines; a [`Pipeline`] holds typed parameters and a DAG of
//! [`Step`]s on petgraph with stable indices; edges are typed ([`EdgeKind`]). Every
//! construct keeps the [`Span`] it came from and a [`Mapping`] class (Direct /
//! Approximate / Absent). This crate also owns the IR's text form (print and nom parse)
//! and the verifier, the expression IR ([`expr`]: values computed at run time) and
//! service-call targets ([`CallTarget`]). It must not know any source language or
//! target: no ASL, Python or ZenML types appear here (expressions name the closed
//! function set of the languages they were written in, as data). The one thing it knows
//! of Python text is [`python_nesting`], a byte scan of how deeply a line nests, because
//! the verifier must keep text that no parser can read safely out of the back end.

mod binding;
mod call;
mod container;
pub mod expr;
mod mapping;
pub mod naming;
mod pipeline;
mod policy;
pub mod python_nesting;
mod runtime;
mod step;
pub mod text;
mod value;
pub mod verify;
mod verify_python;
mod verify_runtime;
mod workflow;

pub use binding::{Binding, Placeholder, PlaceholderKind, Projection, Segment};
pub use call::{ArgFrom, CallTarget, Encode, Encoding, MemberNames, SdkCall, SyncWait, WaitArg};
pub use container::{Channel, ContainerJob, JobKind, Launch, Program, PropertyFileSpec, ResultDir};
pub use expr::{BinaryOp, Computed, Expr, Func, PathStep, Selector, UnaryOp, Var};
pub use ferry_diagnostics::{FileId, Span};
pub use mapping::{Mapping, MappingClass};
pub use pipeline::{Edge, EdgeKind, ParamType, Parameter, Pipeline};
pub use policy::{CachePolicy, Catch, RetryPolicy, RuntimeHints};
pub use runtime::{FieldSource, ObjectField, Period, RuntimeBinding, RuntimeKind};
pub use step::{
    BranchRule, CompareOp, Condition, Input, IntegrationPattern, Output, PortType, Step, StepKind,
};
pub use value::Value;
pub use workflow::{
    Dependency, Frontend, ModelRegistration, ProjectFile, Resource, SourceRef, Trigger,
    TriggerKind, Workflow,
};
