use ferry_diagnostics::Span;
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use petgraph::visit::EdgeRef;
use serde::{Deserialize, Serialize};

use crate::{Catch, Mapping, Step, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    String,
    Integer,
    Float,
    Boolean,
    Json,
}

impl ParamType {
    pub const ALL: [ParamType; 5] = [
        ParamType::String,
        ParamType::Integer,
        ParamType::Float,
        ParamType::Boolean,
        ParamType::Json,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ParamType::String => "string",
            ParamType::Integer => "integer",
            ParamType::Float => "float",
            ParamType::Boolean => "boolean",
            ParamType::Json => "json",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// A typed business parameter of a pipeline (never infrastructure: that is a hint).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parameter {
    pub name: String,
    pub ty: ParamType,
    pub default: Option<Value>,
    pub span: Span,
    pub mapping: Mapping,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EdgeKind {
    /// An artifact flows from an output port to an input port.
    Data { from_port: String, to_port: String },
    /// Run after, without data (depends_on, ASL Next without a data dependency).
    Order,
    /// Taken when the source branch step picks `label`.
    Branch { label: String },
    /// Taken when the source step fails with a matching error.
    Error(Catch),
}

impl EdgeKind {
    pub fn is_control(&self) -> bool {
        !matches!(self, EdgeKind::Data { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edge {
    pub kind: EdgeKind,
    pub span: Span,
}

/// One pipeline (or a nested region of a Map/Parallel step): parameters and a DAG.
///
/// Node indices are stable (StableDiGraph): passes may remove steps without
/// renumbering the others. Iteration helpers return steps in insertion order so every
/// printer is deterministic.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pipeline {
    pub name: String,
    pub display_name: String,
    pub span: Span,
    pub params: Vec<Parameter>,
    pub graph: StableDiGraph<Step, Edge>,
    /// The step control enters first (ASL StartAt); `None` for pure data DAGs.
    pub entry: Option<String>,
    /// Needs run-time control flow (data-dependent branches, catches, dynamic fan-out).
    pub dynamic: bool,
    /// Free-form caveats about the pipeline as a whole.
    pub notes: Vec<String>,
}

impl PartialEq for Pipeline {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.display_name == other.display_name
            && self.span == other.span
            && self.params == other.params
            && self.entry == other.entry
            && self.dynamic == other.dynamic
            && self.notes == other.notes
            && self.steps().eq(other.steps())
            && self
                .edges()
                .map(|(a, b, e)| (a.name.clone(), b.name.clone(), e.clone()))
                .eq(other
                    .edges()
                    .map(|(a, b, e)| (a.name.clone(), b.name.clone(), e.clone())))
    }
}

impl Eq for Pipeline {}

impl Pipeline {
    pub fn new(name: impl Into<String>, display_name: impl Into<String>, span: Span) -> Self {
        Pipeline {
            name: name.into(),
            display_name: display_name.into(),
            span,
            params: Vec::new(),
            graph: StableDiGraph::new(),
            entry: None,
            dynamic: false,
            notes: Vec::new(),
        }
    }

    pub fn add_step(&mut self, step: Step) -> NodeIndex {
        self.graph.add_node(step)
    }

    pub fn add_edge(&mut self, from: NodeIndex, to: NodeIndex, kind: EdgeKind, span: Span) {
        self.graph.add_edge(from, to, Edge { kind, span });
    }

    /// Steps in insertion order.
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.graph.node_indices().map(move |i| &self.graph[i])
    }

    pub fn step_indices(&self) -> impl Iterator<Item = NodeIndex> + '_ {
        self.graph.node_indices()
    }

    pub fn find(&self, name: &str) -> Option<NodeIndex> {
        self.graph
            .node_indices()
            .find(|&i| self.graph[i].name == name)
    }

    pub fn step(&self, name: &str) -> Option<&Step> {
        self.find(name).map(|i| &self.graph[i])
    }

    /// Edges in insertion order as (from, to, edge).
    pub fn edges(&self) -> impl Iterator<Item = (&Step, &Step, &Edge)> {
        self.graph.edge_indices().filter_map(move |e| {
            let (a, b) = self.graph.edge_endpoints(e)?;
            Some((&self.graph[a], &self.graph[b], &self.graph[e]))
        })
    }

    /// Outgoing edges of one step in insertion order.
    pub fn outgoing(&self, index: NodeIndex) -> Vec<(NodeIndex, &Edge)> {
        let mut edges: Vec<_> = self
            .graph
            .edges(index)
            .map(|e| (e.id(), e.target(), e.weight()))
            .collect();
        edges.sort_by_key(|(id, _, _)| *id);
        edges.into_iter().map(|(_, t, w)| (t, w)).collect()
    }

    pub fn param(&self, name: &str) -> Option<&crate::Parameter> {
        self.params.iter().find(|p| p.name == name)
    }
}
