//! SVG, laid out in process by `layout-rs` (a pure-Rust Sugiyama-style layout, no
//! Graphviz), with the DOT export's content and styling: one titled group per pipeline
//! and region, the same step labels and shapes, fills by mapping class, branch labels,
//! data edges blue, error edges dashed red, region entries dotted, and a parameter note.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::style::StyleAttr;
use layout::std_shapes::render::get_shape_size;
use layout::std_shapes::shapes::{Arrow, Element, ShapeKind};
use layout::topo::layout::VisualGraph;

use ferry_ir::{EdgeKind, MappingClass, Pipeline, StepKind, Workflow};
use petgraph::Direction;

use crate::label::{branch_condition, edge_label, parameter_line, step_label};
use crate::svg_canvas::{Canvas, EdgeStyle, NodeStyle, Shape, TEXT_SCALE};

/// Font units layout-rs measures node and edge text in (see `svg_canvas::TEXT_SCALE`).
const NODE_FONT: usize = 8;
const EDGE_FONT: usize = 7;

/// The graph as a standalone SVG document. `Err` when the layout engine failed on
/// this graph (it asserts internally; the panic is caught and reported, never
/// propagated).
pub fn to_svg(workflow: &Workflow) -> Result<String, String> {
    let mut builder = Builder::default();
    for (i, pipeline) in workflow.pipelines.iter().enumerate() {
        builder.pipeline(pipeline, &format!("p{i}"), None);
    }
    let title = format!("workflow {}", workflow.name);
    let Builder { nodes, edges, .. } = builder;
    if nodes.is_empty() {
        return Ok(Canvas::default().finish(&title));
    }
    let laid_out = catch_unwind(AssertUnwindSafe(move || {
        let mut canvas = Canvas::default();
        let mut graph = VisualGraph::new(Orientation::TopToBottom);
        let mut handles = Vec::new();
        for (style, element) in nodes {
            handles.push(graph.add_node(element));
            canvas.nodes.push(style);
        }
        for (i, ((from, to), (mut arrow, style))) in edges.into_iter().enumerate() {
            arrow.properties = Some(i.to_string());
            canvas.edges.push(style);
            graph.add_edge(arrow, handles[from], handles[to]);
        }
        graph.do_it(false, false, false, &mut canvas);
        canvas
    }));
    match laid_out {
        Ok(canvas) => Ok(canvas.finish(&title)),
        Err(payload) => Err(payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the layout engine failed".into())),
    }
}

#[derive(Default)]
struct Builder {
    nodes: Vec<(NodeStyle, Element)>,
    /// One arrow per (from, to) pair: layout-rs needs distinct pairs; parallel edges
    /// are merged, their labels joined.
    edges: BTreeMap<(usize, usize), (Arrow, EdgeStyle)>,
}

fn look(font: usize, fill: &str, line_width: usize) -> StyleAttr {
    StyleAttr::new(
        Color::fast("black"),
        line_width,
        Some(Color::fast(fill)),
        0,
        font,
    )
}

impl Builder {
    fn node(&mut self, id: String, shape: Shape, fill: &'static str, text: &str) -> usize {
        let index = self.nodes.len();
        let kind = ShapeKind::new_box(text);
        let mut size = get_shape_size(Orientation::TopToBottom, &kind, NODE_FONT, false);
        // Rendered lines are taller than layout-rs measures them (see TEXT_SCALE).
        let lines = text.split('\n').count() as f64;
        size.y = lines * NODE_FONT as f64 * TEXT_SCALE * 1.2 + 12.0;
        if shape == Shape::Diamond {
            size.y += 20.0;
        }
        let line_width = usize::from(shape != Shape::Title);
        let mut element = Element::create(
            kind,
            look(NODE_FONT, fill, line_width),
            Orientation::TopToBottom,
            size,
        );
        element.properties = Some(index.to_string());
        self.nodes.push((NodeStyle { id, shape, fill }, element));
        index
    }

    fn edge(&mut self, from: usize, to: usize, label: Option<String>, style: EdgeStyle) {
        if from == to {
            return;
        }
        let entry = self.edges.entry((from, to));
        let slot = entry.or_insert_with(|| {
            let mut arrow = Arrow::simple("");
            arrow.look = StyleAttr::new(Color::fast(style.color), 1, None, 0, EDGE_FONT);
            (arrow, style)
        });
        if let Some(label) = label {
            if !slot.0.text.is_empty() {
                slot.0.text.push('\n');
            }
            slot.0.text.push_str(&label);
        }
    }

    fn invisible(&mut self, from: usize, to: usize) {
        self.edges.entry((from, to)).or_insert_with(|| {
            let arrow = Arrow::invisible();
            (arrow, INVISIBLE)
        });
    }

    /// Add a pipeline (or region) and return its title node.
    fn pipeline(&mut self, pipeline: &Pipeline, prefix: &str, parent: Option<usize>) -> usize {
        let title = if pipeline.dynamic {
            format!("{} (dynamic)", pipeline.display_name)
        } else {
            pipeline.display_name.clone()
        };
        let title = self.node(
            format!("{prefix}_title"),
            Shape::Title,
            "white",
            &format!("pipeline {}: {title}", pipeline.name),
        );
        if let Some(parent) = parent {
            self.edge(parent, title, None, DOTTED);
        }
        if !pipeline.params.is_empty() {
            let lines: Vec<String> = pipeline.params.iter().map(parameter_line).collect();
            let params = self.node(
                format!("{prefix}_params"),
                Shape::Note,
                "lightyellow",
                &format!("parameters\n{}", lines.join("\n")),
            );
            self.invisible(title, params);
        }
        let mut ids = BTreeMap::new();
        for index in pipeline.step_indices() {
            let step = &pipeline.graph[index];
            let shape = match step.kind {
                StepKind::Branch { .. } => Shape::Diamond,
                StepKind::Fail { .. } => Shape::Octagon,
                StepKind::Succeed => Shape::DoubleOctagon,
                StepKind::Map { .. } | StepKind::Parallel { .. } => Shape::Box3d,
                _ => Shape::Box,
            };
            let fill = match step.mapping.class {
                MappingClass::Direct => "white",
                MappingClass::Approximate => "lightgoldenrodyellow",
                MappingClass::Absent => "lightpink",
            };
            let id = format!("{prefix}_n{}", index.index());
            let node = self.node(id.clone(), shape, fill, &step_label(step));
            ids.insert(index, node);
            if pipeline
                .graph
                .neighbors_directed(index, Direction::Incoming)
                .next()
                .is_none()
            {
                self.invisible(title, node);
            }
            for (r, region) in step.kind.regions().into_iter().enumerate() {
                self.pipeline(region, &format!("{id}_r{r}"), Some(node));
            }
        }
        for edge in pipeline.graph.edge_indices() {
            let Some((a, b)) = pipeline.graph.edge_endpoints(edge) else {
                continue;
            };
            let kind = &pipeline.graph[edge].kind;
            let condition = match kind {
                EdgeKind::Branch { label } => branch_condition(&pipeline.graph[a], label),
                _ => None,
            };
            let style = match kind {
                EdgeKind::Data { .. } => DATA,
                EdgeKind::Error(_) => ERROR,
                EdgeKind::Branch { .. } => BRANCH,
                EdgeKind::Order => ORDER,
            };
            self.edge(ids[&a], ids[&b], edge_label(kind, condition), style);
        }
        title
    }
}

const ORDER: EdgeStyle = EdgeStyle {
    color: "black",
    dash: None,
    width: 1.0,
};
const BRANCH: EdgeStyle = EdgeStyle {
    color: "black",
    dash: None,
    width: 1.5,
};
const DATA: EdgeStyle = EdgeStyle {
    color: "steelblue",
    dash: None,
    width: 1.0,
};
const ERROR: EdgeStyle = EdgeStyle {
    color: "red",
    dash: Some("6,4"),
    width: 1.0,
};
const DOTTED: EdgeStyle = EdgeStyle {
    color: "black",
    dash: Some("2,3"),
    width: 1.0,
};
const INVISIBLE: EdgeStyle = EdgeStyle {
    color: "black",
    dash: None,
    width: 0.0,
};
