//! From the collected definitions to IR pipelines: one pipeline per job (asset job or
//! op job), plus one for assets no job selects; asset dependencies become data edges
//! inside a pipeline and named-artifact placeholders across pipelines.

use std::collections::{BTreeMap, BTreeSet};

use ferry_diagnostics::{Diagnostic, MigrationFlag, Span};
use ferry_ir::naming::Namer;
use ferry_ir::{
    Binding, EdgeKind, Input, Mapping, ParamType, Parameter, Pipeline, Placeholder,
    PlaceholderKind, PortType, Trigger, TriggerKind, Value, Workflow,
};
use ferry_python::ast::Expr;
use ferry_python::{CallInfo, Closure, FunctionInfo, Import};
use petgraph::stable_graph::NodeIndex;

use crate::collect::{DefKind, Definition, Location, TriggerDef, reference};
use crate::resources::ResourceSpec;

/// Parameters that are not upstream assets: the Dagster context and typed config or
/// resources.
pub(crate) fn is_context(name: &str, annotation: Option<&str>) -> bool {
    matches!(name, "context" | "_context" | "context_")
        || annotation.is_some_and(|a| a.contains("Context"))
}

pub(crate) struct Builder<'l, 'a> {
    pub(crate) location: &'l Location<'a>,
    pub(crate) py: &'l ferry_python::Location<'a>,
    pub(crate) diagnostics: &'l mut Vec<Diagnostic>,
    /// Resource keys the Definitions configure.
    pub(crate) resources: &'l BTreeMap<String, ResourceSpec>,
    /// What every carried step needs from the location (the support modules).
    pub(crate) closure: Closure,
    /// Imports of the carried steps (for the dependencies).
    pub(crate) step_imports: Vec<(Import, Span)>,
    /// Parameters the steps of the pipeline being built need (resource configuration).
    pub(crate) pipeline_params: BTreeMap<String, Parameter>,
    /// The run configuration of the job being built: op name → (field, value).
    pub(crate) run_config: BTreeMap<String, Vec<(String, Value)>>,
    /// Whether a step of the pipeline being built reads the partition key.
    pub(crate) partition_used: bool,
}

impl<'a> Builder<'_, 'a> {
    pub(crate) fn asset_inputs(&self, def: &Definition) -> Vec<(String, String, Span)> {
        let info = FunctionInfo::of(def.module, def.def);
        let mut ins: BTreeMap<String, String> = BTreeMap::new();
        if let Some(Expr::Dict(d)) = def.decorator.as_ref().and_then(|c| c.keyword("ins")) {
            for item in &d.items {
                let (Some(k), value) = (item.key.as_ref().and_then(reference), &item.value) else {
                    continue;
                };
                let key = CallInfo::of(def.module, def.scope, value)
                    .and_then(|c| {
                        c.arg(0, "key")
                            .and_then(|e| crate::selection::asset_key(def.scope, e))
                    })
                    .unwrap_or_else(|| k.clone());
                ins.insert(k, key);
            }
        }
        info.params
            .iter()
            .filter(|p| self.is_asset_param(p))
            .filter(|p| p.default.is_none())
            .map(|p| {
                (
                    p.name.to_string(),
                    ins.get(p.name)
                        .cloned()
                        .unwrap_or_else(|| p.name.to_string()),
                    p.span,
                )
            })
            .collect()
    }

    pub(crate) fn deps(&self, def: &Definition) -> Vec<String> {
        match def.decorator.as_ref().and_then(|c| c.keyword("deps")) {
            Some(Expr::List(l)) => l
                .elts
                .iter()
                .filter_map(|e| crate::selection::asset_key(def.scope, e))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Build the workflow of a code location.
pub fn build<'a>(
    location: &Location<'a>,
    py: &ferry_python::Location<'a>,
    resources: &BTreeMap<String, ResourceSpec>,
    name: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Workflow {
    let mut workflow = Workflow::new(name, ferry_ir::Frontend::Dagster);
    let mut b = Builder {
        location,
        py,
        diagnostics,
        resources,
        closure: Closure::default(),
        step_imports: Vec::new(),
        pipeline_params: BTreeMap::new(),
        run_config: BTreeMap::new(),
        partition_used: false,
    };
    let assets: Vec<&Definition> = location
        .definitions
        .iter()
        .filter(|d| !matches!(d.kind, DefKind::Op))
        .collect();
    let produced: BTreeMap<String, usize> = assets
        .iter()
        .enumerate()
        .flat_map(|(i, d)| {
            let mut keys = vec![d.key.clone()];
            if let DefKind::MultiAsset(outs) = &d.kind {
                keys.extend(outs.iter().cloned());
            }
            keys.into_iter().map(move |k| (k, i))
        })
        .collect();
    // Which assets each job selects.
    let nodes = b.selection_nodes(&assets, &produced);
    let mut jobs: Vec<(String, Vec<usize>, Span, String)> = Vec::new();
    let mut job_configs: BTreeMap<String, crate::run_config::RunConfig> = BTreeMap::new();
    let mut selected = BTreeSet::new();
    for job in &location.asset_jobs {
        let members = b.job_members(job, &nodes);
        selected.extend(members.iter().copied());
        let reason = format!(
            "asset job `{}` selects {} asset(s); it is triggered and run on its own",
            job.name,
            members.len()
        );
        if let Some((module, scope, config)) = job.config {
            let config = crate::run_config::read(module, scope, config, &job.name, b.diagnostics);
            job_configs.insert(job.name.clone(), config);
        }
        jobs.push((job.name.clone(), members, job.span, reason));
    }
    let unselected: Vec<usize> = (0..assets.len())
        .filter(|i| !selected.contains(i))
        .collect();
    if !unselected.is_empty() {
        let reason = if location.asset_jobs.is_empty() {
            "the code location defines no asset job: all assets form one pipeline".to_string()
        } else {
            format!(
                "{} asset(s) no job selects are materialized together on demand",
                unselected.len()
            )
        };
        let span = assets[unselected[0]].span;
        jobs.push((format!("{name}_assets"), unselected, span, reason));
    }
    let mut namer = Namer::new();
    let mut pipeline_of_job: BTreeMap<String, String> = BTreeMap::new();
    let mut home: BTreeMap<usize, String> = BTreeMap::new();
    for (job, members, _, _) in &jobs {
        let pipeline_name = namer.fresh(job);
        pipeline_of_job.insert(job.clone(), pipeline_name.clone());
        for m in members {
            home.entry(*m).or_insert_with(|| pipeline_name.clone());
        }
    }
    for (job, members, span, reason) in &jobs {
        let mut pipeline = Pipeline::new(pipeline_of_job[job].clone(), job.clone(), *span);
        pipeline.notes.push(format!("boundary: {reason}"));
        b.pipeline_params.clear();
        b.partition_used = false;
        b.run_config = job_configs.remove(job).unwrap_or_default();
        let mut step_names = Namer::new();
        let mut index: BTreeMap<usize, (petgraph::stable_graph::NodeIndex, String)> =
            BTreeMap::new();
        for &m in members {
            let def = assets[m];
            let step_name = step_names.fresh(&def.key.replace('/', "_"));
            let step = b.step(def, &step_name);
            index.insert(m, (pipeline.add_step(step), step_name));
        }
        let mut partitioned = false;
        for &m in members {
            let def = assets[m];
            partitioned |= def.partitioned;
            let (node, _) = index[&m].clone();
            let mut inputs = Vec::new();
            let mut edges = Vec::new();
            let mut upstream: Vec<(String, String, Span)> = b.asset_inputs(def);
            if let DefKind::Check(asset) = &def.kind
                && upstream.is_empty()
                && !asset.is_empty()
            {
                upstream.push((String::new(), asset.clone(), def.span));
            }
            for (input, key, span) in upstream {
                let binding = match produced.get(&key) {
                    Some(p) if index.contains_key(p) => {
                        let (from, from_step) = index[p].clone();
                        let port = pipeline.graph[from]
                            .outputs
                            .iter()
                            .find(|o| {
                                o.name
                                    == ferry_ir::naming::to_identifier(
                                        key.rsplit('/').next().unwrap_or(&key),
                                    )
                            })
                            .or(pipeline.graph[from].outputs.first())
                            .map(|o| o.name.clone());
                        match port {
                            Some(port) if !input.is_empty() => {
                                edges.push((
                                    from,
                                    EdgeKind::Data {
                                        from_port: port.clone(),
                                        to_port: input.clone(),
                                    },
                                ));
                                Binding::StepOutput {
                                    step: from_step,
                                    port,
                                    projection: Vec::new(),
                                }
                            }
                            _ => {
                                edges.push((from, EdgeKind::Order));
                                continue;
                            }
                        }
                    }
                    // Another pipeline materializes it: the latest version of that
                    // pipeline's artifact, as Dagster reads the last materialization.
                    Some(p) => {
                        let ports = crate::step::output_ports(assets[*p]);
                        let wanted =
                            ferry_ir::naming::to_identifier(key.rsplit('/').next().unwrap_or(&key));
                        let port = ports
                            .iter()
                            .find(|o| **o == wanted)
                            .or(ports.first())
                            .cloned();
                        let producer = home.get(p).cloned().unwrap_or_default();
                        match port {
                            Some(port) if !producer.is_empty() => {
                                pipeline.graph[node].notes.push(format!(
                                    "reads the latest `{port}` artifact, which pipeline `{producer}` writes: run that pipeline first (Dagster read the asset's last materialization)"
                                ));
                                Binding::Artifact {
                                    name: port,
                                    producer,
                                }
                            }
                            _ => Binding::Unresolved(Placeholder {
                                kind: PlaceholderKind::AssetKey,
                                text: format!("{key} (produced by pipeline {producer})"),
                                span,
                                flagged: false,
                            }),
                        }
                    }
                    None if location.external.contains_key(&key) => {
                        Binding::Unresolved(Placeholder {
                            kind: PlaceholderKind::AssetKey,
                            text: format!("{key} (external asset)"),
                            span,
                            flagged: false,
                        })
                    }
                    None => {
                        b.diagnostics.push(
                            Diagnostic::warning("F0502", format!("`{}` reads asset `{key}`, which the code location does not define", def.key))
                                .with_primary(span, "this input"),
                        );
                        Binding::Unresolved(Placeholder {
                            kind: PlaceholderKind::AssetKey,
                            text: key.clone(),
                            span,
                            flagged: false,
                        })
                    }
                };
                if !input.is_empty() {
                    inputs.push(Input {
                        name: input,
                        ty: PortType::Unknown,
                        binding,
                        span,
                    });
                }
            }
            for dep in b.deps(def) {
                match produced.get(&dep) {
                    Some(p) => {
                        if let Some((from, _)) = index.get(p) {
                            edges.push((*from, EdgeKind::Order));
                        } else {
                            pipeline.graph[node].notes.push(format!("runs after `{dep}`, which another pipeline materializes"));
                        }
                    }
                    None if location.external.contains_key(&dep) => {}
                    None => b.diagnostics.push(
                        Diagnostic::warning("F0502", format!("`{}` depends on asset `{dep}`, which the code location does not define", def.key))
                            .with_primary(def.span, "this asset")
                            .with_help("the ordering is dropped from the generated pipeline; run the producer first"),
                    ),
                }
            }
            pipeline.graph[node].inputs.extend(inputs);
            for (from, kind) in edges {
                if from != node {
                    pipeline.add_edge(from, node, kind, def.span);
                }
            }
        }
        blocking_gates(&mut pipeline, members, &assets, &index);
        pipeline
            .params
            .extend(std::mem::take(&mut b.pipeline_params).into_values());
        if partitioned || b.partition_used {
            pipeline.params.push(Parameter {
                name: "partition_key".into(),
                ty: ParamType::String,
                default: None,
                span: *span,
                mapping: Mapping::approximate("partitions_def", "a run handles one partition key, passed as a parameter; backfills are one run per key"),
            });
            pipeline.notes.push(
                "boundary: partitioned assets run one partition per pipeline run (--partition-key)"
                    .into(),
            );
        }
        workflow.pipelines.push(pipeline);
    }
    for job in &location.op_jobs {
        if job.graph && job.has_jobs {
            // The jobs `to_job` made of it are the pipelines.
            continue;
        }
        let pipeline_name = namer.fresh(&job.name);
        pipeline_of_job.insert(job.name.clone(), pipeline_name.clone());
        b.pipeline_params.clear();
        b.partition_used = false;
        b.run_config = match job.config {
            Some(config) => {
                crate::run_config::read(job.module, job.scope, config, &job.name, b.diagnostics)
            }
            None => BTreeMap::new(),
        };
        let mut pipeline = crate::op_job::op_job(&mut b, job, &pipeline_name);
        pipeline
            .params
            .extend(std::mem::take(&mut b.pipeline_params).into_values());
        workflow.pipelines.push(pipeline);
    }
    let (files, dependencies) =
        crate::support::files(py, &b.closure, &b.step_imports, b.diagnostics);
    workflow.files = files;
    workflow.dependencies = dependencies;
    for t in &location.triggers {
        let (trigger_name, job, kind, span, mapping) = match t {
            TriggerDef::Schedule {
                name,
                job,
                cron,
                timezone,
                span,
            } => (
                name.clone(),
                job.clone(),
                TriggerKind::Schedule {
                    cron: cron.clone(),
                    timezone: timezone.clone(),
                },
                *span,
                Mapping::approximate(
                    "ScheduleDefinition",
                    "a ZenML Schedule in the prod config (the SageMaker orchestrator wants 6-field AWS cron)",
                ),
            ),
            TriggerDef::Sensor {
                name,
                job,
                description,
                span,
            } => {
                b.diagnostics.push(
                    Diagnostic::warning("F0504", format!("sensor `{name}` has no ZenML equivalent"))
                        .with_primary(*span, "sensor")
                        .with_flag(MigrationFlag::High)
                        .with_help("let the event source call `python run.py` (or a deployed pipeline) instead"),
                );
                (
                    name.clone(),
                    job.clone(),
                    TriggerKind::Sensor {
                        description: description.clone(),
                    },
                    *span,
                    Mapping::absent(
                        "sensor",
                        "event-driven runs need an external trigger calling run.py or a deployed pipeline",
                        MigrationFlag::High,
                    ),
                )
            }
        };
        let pipeline = job
            .and_then(|j| pipeline_of_job.get(&j).cloned())
            .or_else(|| workflow.pipelines.first().map(|p| p.name.clone()))
            .unwrap_or_default();
        workflow.triggers.push(Trigger {
            name: trigger_name,
            kind,
            pipeline,
            span,
            mapping,
        });
    }
    for r in &location.resources {
        let mapping = match r.kind {
            "io_manager" => {
                Mapping::approximate("IOManager", r.note.clone()).with_flag(MigrationFlag::Medium)
            }
            _ => Mapping::approximate(r.kind, r.note.clone()),
        };
        workflow.resources.push(ferry_ir::Resource {
            name: r.name.clone(),
            kind: r.kind.to_string(),
            config: Value::Null,
            span: r.span,
            mapping,
        });
    }
    for (key, span) in &location.external {
        workflow.resources.push(ferry_ir::Resource {
            name: key.clone(),
            kind: "external_asset".into(),
            config: Value::Null,
            span: *span,
            mapping: Mapping::approximate("SourceAsset", "load it with Client().get_artifact_version(name) or pass it as an ExternalArtifact"),
        });
    }
    workflow
}

/// A blocking check gates what reads the checked asset: order edges from the check to
/// every step with a data input from the asset's step (unless that would make a cycle).
fn blocking_gates(
    pipeline: &mut Pipeline,
    members: &[usize],
    assets: &[&Definition],
    index: &BTreeMap<usize, (NodeIndex, String)>,
) {
    for &m in members {
        let def = assets[m];
        let DefKind::Check(asset) = &def.kind else {
            continue;
        };
        if !def.blocking {
            continue;
        }
        let Some((check, _)) = index.get(&m) else {
            continue;
        };
        let Some(producer) = members
            .iter()
            .find(|&&o| assets[o].key == *asset || assets[o].def.name.id.as_str() == asset)
            .and_then(|o| index.get(o))
            .map(|(n, _)| *n)
        else {
            continue;
        };
        let consumers: Vec<NodeIndex> = pipeline
            .graph
            .neighbors_directed(producer, petgraph::Direction::Outgoing)
            .filter(|n| n != check)
            .collect();
        for consumer in consumers {
            if !petgraph::algo::has_path_connecting(&pipeline.graph, consumer, *check, None) {
                pipeline.add_edge(*check, consumer, EdgeKind::Order, def.span);
            }
        }
    }
}
