//! From the collected definitions to IR pipelines: one pipeline per job (asset job or
//! op job), plus one for assets no job selects; asset dependencies become data edges
//! inside a pipeline and named-artifact placeholders across pipelines.

use std::collections::{BTreeMap, BTreeSet};

use ferry_diagnostics::{Diagnostic, MigrationFlag, Span};
use ferry_ir::naming::Namer;
use ferry_ir::{
    Binding, EdgeKind, Input, Mapping, Output, ParamType, Parameter, Pipeline, Placeholder,
    PlaceholderKind, PortType, RetryPolicy, Step, StepKind, Trigger, TriggerKind, Value, Workflow,
};
use ferry_python::ast::Expr;
use ferry_python::{CallInfo, FunctionInfo};

use crate::collect::{DefKind, Definition, Location, TriggerDef, reference};

/// `line` before `body`, with the blank line ruff format wants before a definition.
fn prepend(line: &str, body: &str) -> String {
    let definition = ["def ", "class ", "@", "async def "]
        .iter()
        .any(|k| body.starts_with(k));
    if definition {
        format!("{line}\n\n{body}")
    } else {
        format!("{line}\n{body}")
    }
}

/// Parameters that are not upstream assets: the Dagster context and typed config or
/// resources.
pub(crate) fn is_context(name: &str, annotation: Option<&str>) -> bool {
    name == "context" || annotation.is_some_and(|a| a.contains("Context"))
}

pub(crate) struct Builder<'l, 'a> {
    pub(crate) location: &'l Location<'a>,
    pub(crate) py: &'l ferry_python::Location<'a>,
    pub(crate) diagnostics: &'l mut Vec<Diagnostic>,
}

impl<'a> Builder<'_, 'a> {
    fn mapping(&self, def: &Definition) -> Mapping {
        match &def.kind {
            DefKind::Asset => Mapping::direct("@asset"),
            DefKind::MultiAsset(_) => Mapping::direct("@multi_asset"),
            DefKind::GraphAsset => Mapping::approximate(
                "@graph_asset",
                "the graph's body runs as one step; its ops are not separate steps",
            ),
            DefKind::Op => Mapping::direct("@op"),
            DefKind::Check(asset) => Mapping::approximate(
                "@asset_check",
                format!(
                    "the check of `{asset}` runs as a step after it; a failed check fails the run instead of being recorded"
                ),
            ),
        }
    }

    /// The step of one asset / op / check, with its body carried over.
    pub(crate) fn step(&mut self, def: &Definition, name: &str) -> Step {
        let info = FunctionInfo::of(def.module, def.def);
        let mut notes = Vec::new();
        let dynamic_out = def
            .decorator
            .as_ref()
            .and_then(|c| c.keyword("out"))
            .is_some_and(|o| def.module.text_of(o).contains("DynamicOut"));
        let is_check = matches!(def.kind, DefKind::Check(_));
        let lowered: &[&str] = match (dynamic_out, is_check) {
            (true, _) => &["dagster.DynamicOutput"],
            (_, true) => &["dagster.AssetCheckResult"],
            _ => &[],
        };
        // The back end indents carried code token by token (never inside a string), so
        // the body comes at column 0, or at 4 when it is wrapped in a generator below.
        let indent = if dynamic_out { "    " } else { "" };
        let carried = crate::carry::carry(self.py, def, indent, lowered, self.diagnostics);
        let mut body = ferry_python::drop_none_returns(&carried.body);
        if dynamic_out && body.contains("yield") {
            // A generator of DynamicOutputs becomes the list of their values.
            let inner = body.clone();
            body = format!(
                "def DynamicOutput(value: object, mapping_key: str | None = None) -> object:\n    return value\n\ndef produce():\n{inner}\nreturn list(produce())"
            );
            notes.push("DynamicOut: the yielded outputs are returned as one list; mapping keys are dropped".into());
        }
        if is_check && body.contains("AssetCheckResult") {
            body = format!(
                "def AssetCheckResult(passed: bool, **metadata: object) -> dict:\n    if not passed:\n        raise RuntimeError(f\"asset check failed: {{metadata}}\")\n    return {{\"passed\": passed, **metadata}}\n\n{body}"
            );
            notes.push(
                "AssetCheckResult became a local function: a failed check raises and fails the run"
                    .into(),
            );
        }
        if !carried.helpers.is_empty() {
            body = format!("{}\n\n{body}", carried.helpers.trim_end());
        }
        let mut imports = carried.imports.clone();
        if !carried.distributions.is_empty() {
            notes.push(format!(
                "third-party distributions this step imports: {} (add them to pyproject.toml dependencies)",
                carried.distributions.iter().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        let uses_context = info.params.iter().any(|p| is_context(p.name, p.annotation));
        if uses_context && body.contains("context") {
            body = prepend("context = get_step_context()", &body);
            imports.push("from zenml import get_step_context".into());
            notes.push("the Dagster context became ZenML's step context: context.log, partition keys and run tags have other APIs there".into());
        }
        // A Config parameter becomes one step parameter per field, reassembled for
        // the body under the name it had.
        let mut config_inputs = Vec::new();
        for p in &info.params {
            let Some(fields) = p
                .annotation
                .and_then(|a| self.location.configs.get(a.trim()))
            else {
                continue;
            };
            let args: Vec<String> = fields.iter().map(|(f, _)| format!("{f}={f}")).collect();
            body = prepend(
                &format!("{} = SimpleNamespace({})", p.name, args.join(", ")),
                &body,
            );
            imports.push("from types import SimpleNamespace".into());
            for (field, default) in fields {
                let binding = match default {
                    Some(v) => Binding::Literal(v.clone()),
                    None => Binding::Unresolved(Placeholder {
                        kind: PlaceholderKind::Other,
                        text: format!("config {field}"),
                        span: p.span,
                        flagged: false,
                    }),
                };
                config_inputs.push(Input {
                    name: field.clone(),
                    ty: PortType::Scalar,
                    binding,
                    span: p.span,
                });
            }
            notes.push(format!("run config `{}` became step parameters (set them under steps.<name>.parameters in configs/*.yaml)", p.name));
        }
        self.report_dropped_parameters(def, &info);
        // The original docstring stays the body's first statement.
        if let Some(doc) = &carried.docstring {
            body = format!("{}\n{body}", doc.trim_end());
        }
        let mut step = Step::new(
            name,
            def.key.clone(),
            def.span,
            StepKind::Python {
                function: def.def.name.id.to_string(),
                imports,
                body,
                body_span: carried.body_span,
            },
            self.mapping(def),
        );
        step.notes = notes;
        step.inputs = config_inputs;
        let outputs: Vec<String> = match &def.kind {
            DefKind::MultiAsset(outs) => outs.clone(),
            DefKind::Op => vec!["result".into()],
            _ => vec![ferry_ir::naming::to_identifier(
                def.key.rsplit('/').next().unwrap_or(&def.key),
            )],
        };
        let returns_nothing = info.returns.is_some_and(|r| r.trim() == "None");
        if !returns_nothing {
            for o in outputs {
                step.outputs.push(Output {
                    name: ferry_ir::naming::to_identifier(&o),
                    ty: PortType::Unknown,
                    span: def.span,
                });
            }
        }
        if let Some(call) = &def.decorator {
            if let Some(policy) = call
                .keyword("retry_policy")
                .and_then(|e| CallInfo::of(def.module, def.scope, e))
            {
                let number = |k: &str| match policy.keyword(k) {
                    Some(Expr::NumberLiteral(n)) => def.module.text_of(n).parse::<u32>().ok(),
                    _ => None,
                };
                step.retry.push(RetryPolicy {
                    errors: Vec::new(),
                    max_attempts: number("max_retries").unwrap_or(1),
                    interval_seconds: number("delay").unwrap_or(0),
                    backoff_rate: if policy.keyword("backoff").is_some() {
                        "2".into()
                    } else {
                        "1".into()
                    },
                    max_delay_seconds: None,
                    jitter: policy
                        .keyword("jitter")
                        .map(|j| def.module.text_of(j).to_string()),
                    span: policy.span,
                });
            }
            if let Some(io) = call.keyword("io_manager_key") {
                step.notes.push(format!(
                    "io_manager_key {}: storage is the ZenML artifact store now",
                    def.module.text_of(io)
                ));
            }
            for k in [
                "automation_condition",
                "auto_materialize_policy",
                "freshness_policy",
            ] {
                if let Some(e) = call.keyword(k) {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            "F0504",
                            format!("`{k}` of `{}` has no ZenML equivalent", def.key),
                        )
                        .with_primary(def.module.span(e), "automation")
                        .with_flag(MigrationFlag::High)
                        .with_help(
                            "run the pipeline on a schedule or from the event source instead",
                        ),
                    );
                    step.notes.push(format!(
                        "{k} is not migrated: schedule the pipeline or trigger it from outside"
                    ));
                }
            }
        }
        step
    }

    /// Asset inputs: (input name, upstream asset key, span) from parameters and `ins=`.
    /// Resource parameters do not reach the step yet: a body that uses one is reported.
    fn report_dropped_parameters(&mut self, def: &Definition, info: &FunctionInfo) {
        let read: BTreeSet<String> = def
            .def
            .body
            .iter()
            .flat_map(|s| {
                ferry_python::statement_free_names(s)
                    .0
                    .names()
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect();
        for p in &info.params {
            let Some(resource) = p.annotation.and_then(|a| {
                self.location
                    .resources
                    .iter()
                    .find(|r| r.name == a.trim() && r.kind != "config")
            }) else {
                continue;
            };
            if read.contains(p.name) {
                self.diagnostics.push(
                    Diagnostic::warning(
                        "F0507",
                        format!(
                            "resource parameter `{}: {}` of `{}` is Dagster runtime API, which is not translated yet; the generated step does not receive it",
                            p.name, resource.name, def.key
                        ),
                    )
                    .with_primary(p.span, "resource parameter")
                    .with_help("build the resource object inside the step from its configuration"),
                );
            }
        }
    }

    fn asset_inputs(&self, def: &Definition) -> Vec<(String, String, Span)> {
        let info = FunctionInfo::of(def.module, def.def);
        let mut ins: BTreeMap<String, String> = BTreeMap::new();
        if let Some(Expr::Dict(d)) = def.decorator.as_ref().and_then(|c| c.keyword("ins")) {
            for item in &d.items {
                let (Some(k), value) = (item.key.as_ref().and_then(reference), &item.value) else {
                    continue;
                };
                let key = CallInfo::of(def.module, def.scope, value)
                    .and_then(|c| c.arg(0, "key").and_then(reference))
                    .unwrap_or_else(|| k.clone());
                ins.insert(k, key);
            }
        }
        let configs: BTreeSet<&str> = self
            .location
            .resources
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        info.params
            .iter()
            .filter(|p| !is_context(p.name, p.annotation))
            .filter(|p| !p.annotation.is_some_and(|a| configs.contains(a.trim())))
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

    fn deps(&self, def: &Definition) -> Vec<String> {
        match def.decorator.as_ref().and_then(|c| c.keyword("deps")) {
            Some(Expr::List(l)) => l.elts.iter().filter_map(reference).collect(),
            _ => Vec::new(),
        }
    }
}

/// Build the workflow of a code location.
pub fn build<'a>(
    location: &Location<'a>,
    py: &ferry_python::Location<'a>,
    name: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Workflow {
    let mut workflow = Workflow::new(name, ferry_ir::Frontend::Dagster);
    let mut b = Builder {
        location,
        py,
        diagnostics,
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
    let mut jobs: Vec<(String, Vec<usize>, Span, String)> = Vec::new();
    let mut selected = BTreeSet::new();
    for job in &location.asset_jobs {
        let members: Vec<usize> = assets
            .iter()
            .enumerate()
            .filter(|(_, d)| match (&job.selection, job.groups.is_empty()) {
                (None, _) => true,
                (Some(keys), true) => {
                    keys.contains(&d.key) || keys.contains(&d.def.name.id.to_string())
                }
                (Some(keys), false) => {
                    keys.contains(&d.key)
                        || d.group.as_ref().is_some_and(|g| job.groups.contains(g))
                }
            })
            .map(|(i, _)| i)
            .collect();
        selected.extend(members.iter().copied());
        let reason = format!(
            "asset job `{}` selects {} asset(s); it is triggered and run on its own",
            job.name,
            members.len()
        );
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
                    Some(p) => Binding::Unresolved(Placeholder {
                        kind: PlaceholderKind::AssetKey,
                        text: format!(
                            "{key} (produced by pipeline {})",
                            home.get(p).cloned().unwrap_or_default()
                        ),
                        span,
                        flagged: false,
                    }),
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
        if partitioned {
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
        let pipeline_name = namer.fresh(&job.name);
        pipeline_of_job.insert(job.name.clone(), pipeline_name.clone());
        let pipeline = crate::op_job::op_job(&mut b, job, &pipeline_name);
        workflow.pipelines.push(pipeline);
    }
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
