//! The step kind of each state type (Task, Pass, Succeed, Fail, Wait, Choice,
//! Parallel, Map), the inputs it reads and its classification; nested machines of
//! Parallel and Map are lowered here as regions.

use ferry_diagnostics::{Diagnostic, MigrationFlag};
use ferry_ir::naming::Namer;
use ferry_ir::{
    Binding, Input, Mapping, Pipeline, Placeholder, PlaceholderKind, PortType, StepKind, Value,
};

use crate::dataflow::Abs;
use crate::doc::Node;
use crate::lower::{MachineLowering, State, Vars, is_jsonata};
use crate::tasks::{task_kind, task_mapping};
use crate::trace::{Available, Ports};

impl MachineLowering<'_, '_> {
    /// The step kind, its inputs, and its classification.
    pub(crate) fn kind(
        &mut self,
        s: &State,
        doc: &Abs,
        step_name: &str,
        depth: usize,
    ) -> ((StepKind, Vec<Input>), Mapping) {
        let span = s.node.span;
        match s.ty {
            "Task" => {
                let node = s.field("Resource");
                let resource = node.and_then(Node::as_str).unwrap_or("");
                let (kind, inputs, problem) = task_kind(resource);
                if let Some(problem) = problem {
                    self.cx.diagnostics.push(
                        Diagnostic::warning(
                            "F0323",
                            format!("service integration has no exact SDK equivalent: {problem}"),
                        )
                        .with_primary(node.map_or(span, |n| n.span), "this integration")
                        .with_flag(MigrationFlag::Medium),
                    );
                }
                let mapping = task_mapping(resource, &kind);
                ((kind, inputs), mapping)
            }
            "Pass" => {
                let template = s
                    .field("Result")
                    .map(|r| self.substitute(r))
                    .unwrap_or(Value::Null);
                (
                    (StepKind::Transform { template }, Vec::new()),
                    Mapping::direct("Pass"),
                )
            }
            "Succeed" => ((StepKind::Succeed, Vec::new()), Mapping::direct("Succeed")),
            "Fail" => {
                let error = s
                    .field("Error")
                    .and_then(|e| e.as_str().map(str::to_string));
                let cause = s
                    .field("Cause")
                    .and_then(|e| e.as_str().map(str::to_string));
                let mut mapping = Mapping::direct("Fail");
                if s.field("ErrorPath").is_some() || s.field("CausePath").is_some() {
                    mapping = Mapping::approximate(
                        "Fail",
                        "ErrorPath/CausePath are computed at run time in the source; the generated error text is fixed",
                    );
                }
                ((StepKind::Fail { error, cause }, Vec::new()), mapping)
            }
            "Wait" => {
                let mut inputs = Vec::new();
                let seconds = match (s.field("Seconds"), s.field("SecondsPath")) {
                    (Some(n), _) => Some(Binding::Literal(n.to_value())),
                    (None, Some(p)) => p.as_str().map(|t| {
                        let b = self.bind(doc, t, p.span);
                        inputs.push(Input {
                            name: "seconds".into(),
                            ty: PortType::Unknown,
                            binding: b.clone(),
                            span: p.span,
                        });
                        b
                    }),
                    _ => None,
                };
                let until = match (s.field("Timestamp"), s.field("TimestampPath")) {
                    (Some(n), _) => Some(Binding::Literal(n.to_value())),
                    (None, Some(p)) => p.as_str().map(|t| {
                        let b = self.bind(doc, t, p.span);
                        inputs.push(Input {
                            name: "until".into(),
                            ty: PortType::Unknown,
                            binding: b.clone(),
                            span: p.span,
                        });
                        b
                    }),
                    _ => None,
                };
                (
                    (StepKind::Wait { seconds, until }, inputs),
                    Mapping::approximate(
                        "Wait",
                        "sleeps inside a step, holding its worker; long waits should become a schedule",
                    ),
                )
            }
            "Choice" => self.choice(s, doc),
            "Parallel" => {
                let whole_input = self.bind(doc, "$", span);
                let branches = s
                    .field("Branches")
                    .map(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .enumerate()
                    .map(|(i, b)| {
                        let mut inner = MachineLowering {
                            cx: self.cx,
                            region_input: Some("branch_input".into()),
                            vars: Vars::new(),
                            next_vars: Vars::new(),
                            context_reads: false,
                        };
                        inner.lower(
                            b,
                            &format!("{step_name}_branch_{i}"),
                            &format!("{} branch {}", s.name, i + 1),
                            s.jsonata,
                            depth + 1,
                        )
                    })
                    .collect();
                (
                    (
                        StepKind::Parallel { branches },
                        vec![Input {
                            name: "branch_input".into(),
                            ty: PortType::Json,
                            binding: whole_input,
                            span,
                        }],
                    ),
                    Mapping::approximate(
                        "Parallel",
                        "branches become steps of one dynamic pipeline, run one after another unless submitted concurrently",
                    ),
                )
            }
            "Map" => {
                // Taken before the region is lowered: its own Map states set it too.
                let reader_name = self.cx.reader_name.take();
                let processor = s.field("ItemProcessor").or(s.field("Iterator"));
                let distributed = processor
                    .and_then(|p| p.get("ProcessorConfig"))
                    .and_then(|c| c.get("Mode"))
                    .and_then(Node::as_str)
                    == Some("DISTRIBUTED");
                let region = match processor {
                    Some(p) => {
                        let mut inner = MachineLowering {
                            cx: self.cx,
                            region_input: Some("item".into()),
                            vars: Vars::new(),
                            next_vars: Vars::new(),
                            context_reads: false,
                        };
                        inner.lower(
                            p,
                            &format!("{step_name}_iteration"),
                            &format!("{} iteration", s.name),
                            s.jsonata,
                            depth + 1,
                        )
                    }
                    None => {
                        Pipeline::new(format!("{step_name}_iteration"), "empty iteration", span)
                    }
                };
                let mut item_ports = Ports::default();
                let mut item_namer = Namer::new();
                item_namer.reserve("items");
                let read = s
                    .field("ItemReader")
                    .and_then(|reader| self.item_reader(s, reader, doc, reader_name));
                let items = match (
                    s.field("ItemsPath"),
                    s.field("Items"),
                    s.field("ItemReader"),
                ) {
                    (_, _, Some(_)) if read.is_some() => {
                        read.unwrap_or(Binding::Literal(Value::Null))
                    }
                    (_, _, Some(reader)) => Binding::Unresolved(Placeholder {
                        kind: PlaceholderKind::Other,
                        text: format!(
                            "ItemReader {}",
                            reader.get("Resource").and_then(Node::as_str).unwrap_or("?")
                        ),
                        span: reader.span,
                        flagged: false,
                    }),
                    (Some(p), _, _) => p
                        .as_str()
                        .map(|t| {
                            self.path_binding(
                                t,
                                doc,
                                &mut item_ports,
                                &mut item_namer,
                                "items",
                                p.span,
                            )
                        })
                        .unwrap_or(Binding::Literal(Value::Null)),
                    (None, Some(items), _) => match items.as_str() {
                        Some(t) if is_jsonata(t) => self.jsonata_binding(
                            items,
                            t,
                            doc,
                            &Available::default(),
                            &mut item_ports,
                            &mut item_namer,
                            "items",
                        ),
                        _ => Binding::Literal(items.to_value()),
                    },
                    (None, None, None) => self.bind(doc, "$", span),
                };
                let mut config = Vec::new();
                for f in [
                    "ItemSelector",
                    "Parameters",
                    "ItemReader",
                    "ItemBatcher",
                    "ResultWriter",
                    "ToleratedFailurePercentage",
                    "ToleratedFailureCount",
                    "Label",
                ] {
                    if let Some(v) = s.field(f) {
                        config.push((f.to_string(), v.to_value()));
                    }
                }
                let max_concurrency = s.field("MaxConcurrency").and_then(Node::as_u32);
                let mut inputs = item_ports.into_inputs(span);
                if matches!(items, Binding::StepOutput { .. } | Binding::Parameter(_)) {
                    inputs.push(Input {
                        name: "items".into(),
                        ty: PortType::Json,
                        binding: items.clone(),
                        span,
                    });
                }
                let mapping = if distributed {
                    Mapping::approximate("Map (distributed)", "child executions, S3 item readers/writers, batching and failure tolerance become a loop of steps; read and write S3 inside the steps").with_flag(MigrationFlag::Medium)
                } else {
                    Mapping::approximate(
                        "Map",
                        "iterations become steps called per item in a dynamic pipeline (step.map for concurrency)",
                    )
                };
                (
                    (
                        StepKind::Map {
                            items,
                            region: Box::new(region),
                            max_concurrency,
                            distributed,
                            config: Value::Object(config),
                        },
                        inputs,
                    ),
                    mapping,
                )
            }
            _ => (
                (
                    StepKind::Opaque {
                        construct: s.ty.to_string(),
                        config: s.node.to_value(),
                    },
                    Vec::new(),
                ),
                Mapping::absent(s.ty, "unknown state type", MigrationFlag::High),
            ),
        }
    }
}
