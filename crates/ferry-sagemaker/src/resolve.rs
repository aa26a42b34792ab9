//! The `sagemaker-resolve` pass: turns `step.properties...` and `JsonGet` placeholders
//! into bindings to output ports with projections, and adds a data edge for every
//! binding to another step's output, as the SDK's own dependency walk does.
//!
//! It is a pass (not part of lowering) so `ferry ir --after lower` shows the references
//! exactly as the source wrote them.

use ferry_diagnostics::{Diagnostic, SourceMap};
use ferry_ir::{
    Binding, Condition, EdgeKind, Output, Pipeline, Placeholder, PlaceholderKind, PortType,
    Projection, Segment, StepKind, Value, Workflow,
};
use petgraph::stable_graph::NodeIndex;

use ferry_passes::Pass;

pub struct SagemakerResolve;

impl Pass for SagemakerResolve {
    fn name(&self) -> &'static str {
        "sagemaker-resolve"
    }

    fn run(
        &self,
        workflow: &mut Workflow,
        _sources: &SourceMap,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        for pipeline in &mut workflow.pipelines {
            resolve_pipeline(pipeline, diagnostics);
        }
    }
}

fn resolve_pipeline(pipeline: &mut Pipeline, diagnostics: &mut Vec<Diagnostic>) {
    let indices: Vec<NodeIndex> = pipeline.step_indices().collect();
    for &index in &indices {
        let mut inputs = std::mem::take(&mut pipeline.graph[index].inputs);
        for input in &mut inputs {
            resolve_binding(pipeline, &mut input.binding, diagnostics);
        }
        pipeline.graph[index].inputs = inputs;
        let mut kind = std::mem::replace(&mut pipeline.graph[index].kind, StepKind::Succeed);
        if let StepKind::Branch { rules, .. } = &mut kind {
            for rule in rules {
                resolve_condition(pipeline, &mut rule.condition, 0);
            }
        }
        pipeline.graph[index].kind = kind;
    }
    for &index in &indices {
        let wanted: Vec<(String, String, String)> = pipeline.graph[index]
            .inputs
            .iter()
            .filter_map(|input| match &input.binding {
                Binding::StepOutput { step, port, .. } => {
                    Some((step.clone(), port.clone(), input.name.clone()))
                }
                _ => None,
            })
            .collect();
        for (step, port, to_port) in wanted {
            let Some(from) = pipeline.find(&step) else {
                continue;
            };
            let exists = pipeline.graph.edges_connecting(from, index).any(|e| {
                matches!(&e.weight().kind, EdgeKind::Data { from_port, to_port: t } if *from_port == port && *t == to_port)
            });
            if !exists {
                let span = pipeline.graph[index]
                    .inputs
                    .iter()
                    .find(|i| i.name == to_port)
                    .map(|i| i.span)
                    .unwrap_or(pipeline.graph[index].span);
                pipeline.add_edge(
                    from,
                    index,
                    EdgeKind::Data {
                        from_port: port,
                        to_port,
                    },
                    span,
                );
            }
        }
    }
}

fn resolve_condition(pipeline: &mut Pipeline, condition: &mut Condition, depth: usize) {
    if depth > MAX_CONDITION_DEPTH {
        return;
    }
    match condition {
        Condition::Compare { lhs, rhs, .. } => {
            resolve_binding_quiet(pipeline, lhs);
            resolve_binding_quiet(pipeline, rhs);
        }
        Condition::And(items) | Condition::Or(items) => {
            for item in items {
                resolve_condition(pipeline, item, depth + 1);
            }
        }
        Condition::Not(inner) => resolve_condition(pipeline, inner, depth + 1),
        Condition::Expr { .. } => {}
    }
}

/// Lowering never nests conditions deeper; the bound guards IR from elsewhere.
const MAX_CONDITION_DEPTH: usize = 64;

/// Condition operands are also inputs of the branch step, which report problems; the
/// operand copy resolves the same way without reporting twice.
fn resolve_binding_quiet(pipeline: &mut Pipeline, binding: &mut Binding) {
    let mut ignored = Vec::new();
    resolve_binding(pipeline, binding, &mut ignored);
    if !ignored.is_empty()
        && let Binding::Unresolved(p) = binding
    {
        p.flagged = true;
    }
}

fn resolve_binding(
    pipeline: &mut Pipeline,
    binding: &mut Binding,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Binding::Unresolved(placeholder) = binding else {
        return;
    };
    if placeholder.flagged {
        return;
    }
    let result = match placeholder.kind {
        PlaceholderKind::StepProperty => resolve_property(pipeline, placeholder),
        PlaceholderKind::JsonGet => resolve_json_get(pipeline, placeholder),
        PlaceholderKind::ExecutionVariable => Err(execution_variable(placeholder)),
        _ => return,
    };
    match result {
        Ok(Some(resolved)) => *binding = resolved,
        Ok(None) => {}
        Err(diagnostic) => {
            placeholder.flagged = true;
            diagnostics.push(diagnostic);
        }
    }
}

/// `Steps.<name>.<path>` → the producing step's index and the path.
fn split_reference<'t>(
    pipeline: &Pipeline,
    placeholder: &'t Placeholder,
    text: &'t str,
) -> Result<(NodeIndex, &'t str), Diagnostic> {
    let rest = text.strip_prefix("Steps.").ok_or_else(|| {
        Diagnostic::error(
            "F0414",
            format!(
                "`{}` is not a step property ferry can read",
                placeholder.text
            ),
        )
        .with_primary(placeholder.span, "property")
    })?;
    let (name, path) = rest.split_once('.').unwrap_or((rest, ""));
    let index = pipeline
        .step_indices()
        .find(|&i| pipeline.graph[i].display_name == name)
        .ok_or_else(|| {
            Diagnostic::error(
                "F0413",
                format!(
                    "no step named `{name}` in pipeline `{}`",
                    pipeline.display_name
                ),
            )
            .with_primary(placeholder.span, "unknown step")
        })?;
    Ok((index, path))
}

fn resolve_property(
    pipeline: &mut Pipeline,
    placeholder: &Placeholder,
) -> Result<Option<Binding>, Diagnostic> {
    let text = placeholder.text.clone();
    let (index, path) = split_reference(pipeline, placeholder, &text)?;
    let segments = parse_property_path(path).ok_or_else(|| {
        Diagnostic::error("F0414", format!("cannot read the property path `{path}`"))
            .with_primary(placeholder.span, "property")
    })?;
    let step = &pipeline.graph[index];
    let job = match &step.kind {
        StepKind::Job { job, .. } => job.as_str(),
        StepKind::Container(c) => match c.job {
            ferry_ir::JobKind::Processing => "processing",
            ferry_ir::JobKind::Training => "training",
            ferry_ir::JobKind::Tuning => "tuning",
            ferry_ir::JobKind::Transform => "transform",
            ferry_ir::JobKind::CreateModel => "create_model",
            ferry_ir::JobKind::RegisterModel => "register_model",
            ferry_ir::JobKind::QualityCheck => "quality_check",
            ferry_ir::JobKind::Notebook => "notebook_job",
        },
        StepKind::Lambda { .. } => "lambda",
        StepKind::Opaque { construct, .. } if construct == "CallbackStep" => "callback",
        StepKind::Python { .. } => "function",
        _ => "other",
    };
    let unknown_property = || {
        Diagnostic::error(
            "F0414",
            format!(
                "`{path}` is not a property ferry knows for step `{}` ({job})",
                step.display_name
            ),
        )
        .with_primary(placeholder.span, "unknown property")
    };
    let key = |s: &Segment| match s {
        Segment::Key(k) => Some(k.clone()),
        Segment::Index(_) => None,
    };
    let (port, ty, projection): (String, PortType, Projection) = match (job, segments.as_slice()) {
        ("processing", [Segment::Key(a), Segment::Key(b), selector, rest @ ..])
            if a == "ProcessingOutputConfig" && b == "Outputs" =>
        {
            let port = match selector {
                Segment::Key(name) => ferry_ir::naming::to_identifier(name),
                Segment::Index(i) => usize::try_from(*i)
                    .ok()
                    .and_then(|i| step.outputs.get(i))
                    .map(|o| o.name.clone())
                    .ok_or_else(|| {
                        unknown_output(step.display_name.as_str(), &format!("#{i}"), placeholder)
                    })?,
            };
            if step.output(&port).is_none() {
                return Err(unknown_output(&step.display_name, &port, placeholder));
            }
            let tail: Vec<Option<String>> = rest.iter().map(key).collect();
            let ok = matches!(tail.as_slice(), [] | [Some(_), Some(_)] | [Some(_)]);
            if !ok {
                return Err(unknown_property());
            }
            let ty = step.output(&port).map_or(PortType::Dataset, |o| o.ty);
            (port, ty, Vec::new())
        }
        ("training" | "notebook_job", [Segment::Key(a), Segment::Key(b)])
            if a == "ModelArtifacts" && b == "S3ModelArtifacts" =>
        {
            ("model".into(), PortType::Model, Vec::new())
        }
        ("training", [Segment::Key(a), Segment::Key(m), Segment::Key(v)])
            if a == "FinalMetricDataList" && v == "Value" =>
        {
            (
                "final_metrics".into(),
                PortType::Metrics,
                vec![Segment::Key(m.clone())],
            )
        }
        ("training", [Segment::Key(a), Segment::Key(k)]) if a == "HyperParameters" => (
            "hyperparameters".into(),
            PortType::Json,
            vec![Segment::Key(k.clone())],
        ),
        ("training", [Segment::Key(a), Segment::Key(b)])
            if a == "OutputDataConfig" && b == "S3OutputPath" =>
        {
            ("output_path".into(), PortType::Uri, Vec::new())
        }
        ("tuning", [Segment::Key(a), Segment::Key(b)])
            if a == "BestTrainingJob" && b == "TrainingJobName" =>
        {
            (
                "best_training_job_name".into(),
                PortType::Scalar,
                Vec::new(),
            )
        }
        ("tuning", [Segment::Key(a), Segment::Index(i), Segment::Key(b)])
            if a == "TrainingJobSummaries" && b == "TrainingJobName" =>
        {
            (
                "training_job_names".into(),
                PortType::Json,
                vec![Segment::Index(*i)],
            )
        }
        ("transform" | "monitor_batch_transform", [Segment::Key(a), Segment::Key(b)])
            if a == "TransformOutput" && b == "S3OutputPath" =>
        {
            ("output".into(), PortType::Dataset, Vec::new())
        }
        ("create_model" | "model", [Segment::Key(a)]) if a == "ModelName" || a == "ModelArn" => {
            // A container job's model is the model itself (data and serving container).
            let ty = step.output("model_name").map_or(PortType::Scalar, |o| o.ty);
            ("model_name".into(), ty, Vec::new())
        }
        ("register_model", [Segment::Key(a)])
            if matches!(
                a.as_str(),
                "ModelPackageArn"
                    | "ModelPackageName"
                    | "ModelApprovalStatus"
                    | "ModelPackageVersion"
                    | "ModelPackageGroupName"
                    | "ModelPackageStatus"
                    | "CreationTime"
            ) =>
        {
            (snake(a), PortType::Scalar, Vec::new())
        }
        ("lambda", [Segment::Key(a), Segment::Key(name)])
            if (a == "Outputs" || a == "OutputParameters")
                && step.output(name).is_none()
                && step.output("output").is_some() =>
        {
            (
                "output".into(),
                PortType::Json,
                vec![Segment::Key("Payload".into()), Segment::Key(name.clone())],
            )
        }
        ("lambda" | "callback", [Segment::Key(a), Segment::Key(name)])
            if a == "Outputs" || a == "OutputParameters" =>
        {
            if step.output(name).is_none() {
                return Err(unknown_output(&step.display_name, name, placeholder));
            }
            (name.clone(), PortType::Scalar, Vec::new())
        }
        ("quality_check" | "clarify_check", [Segment::Key(a)])
            if matches!(
                a.as_str(),
                "CalculatedBaselineStatistics"
                    | "CalculatedBaselineConstraints"
                    | "BaselineUsedForDriftCheckStatistics"
                    | "BaselineUsedForDriftCheckConstraints"
            ) =>
        {
            (snake(a), PortType::Uri, Vec::new())
        }
        ("emr", [Segment::Key(a)]) if a == "ClusterId" => {
            ("cluster_id".into(), PortType::Scalar, Vec::new())
        }
        ("notebook_job", [Segment::Key(a)])
            if matches!(
                a.as_str(),
                "ComputingJobName"
                    | "ComputingJobStatus"
                    | "NotebookJobInputLocation"
                    | "NotebookJobOutputLocationPrefix"
                    | "InputNotebookName"
                    | "OutputNotebookName"
            ) =>
        {
            (snake(a), PortType::Scalar, Vec::new())
        }
        ("automl", [Segment::Key(a), Segment::Key(b)]) if a == "BestCandidateProperties" => {
            (snake(b), PortType::Uri, Vec::new())
        }
        (_, [Segment::Key(a)]) if job_property(job, a) => (snake(a), PortType::Scalar, Vec::new()),
        _ => return Err(unknown_property()),
    };
    let step = &mut pipeline.graph[index];
    if step.output(&port).is_none() {
        step.outputs.push(Output {
            name: port.clone(),
            ty,
            span: step.span,
        });
    }
    Ok(Some(Binding::StepOutput {
        step: step.name.clone(),
        port,
        projection,
    }))
}

/// `Execution.<Name>` is only known while the pipeline runs; say where ZenML keeps the
/// same fact instead of the generic "cannot be traced" warning.
fn execution_variable(placeholder: &Placeholder) -> Diagnostic {
    let name = placeholder.text.trim_start_matches("Execution.");
    let zenml = match name {
        "PipelineExecutionId" | "PipelineExecutionArn" => "`get_step_context().pipeline_run.id`",
        "PipelineName" | "PipelineArn" => "`get_step_context().pipeline.name`",
        "StartDateTime" => "`get_step_context().pipeline_run.start_time`",
        _ => "the step context (`zenml.get_step_context()`)",
    };
    Diagnostic::warning(
        "F0423",
        format!("execution variable `{name}` exists only at run time"),
    )
    .with_primary(placeholder.span, "execution variable")
    .with_help(format!(
        "inside a ZenML step, read it from {zenml}; the generated step takes it as a parameter"
    ))
}

/// Job name/ARN/status properties every job step of that kind has.
fn job_property(job: &str, property: &str) -> bool {
    let prefix = match job {
        "processing" => "ProcessingJob",
        "training" => "TrainingJob",
        "tuning" => "HyperParameterTuningJob",
        "transform" | "monitor_batch_transform" => "TransformJob",
        "automl" => "AutoMLJob",
        _ => return false,
    };
    property
        .strip_prefix(prefix)
        .is_some_and(|rest| matches!(rest, "Name" | "Arn" | "Status"))
}

fn unknown_output(step: &str, output: &str, placeholder: &Placeholder) -> Diagnostic {
    Diagnostic::error(
        "F0415",
        format!("step `{step}` declares no output `{output}`"),
    )
    .with_primary(placeholder.span, "unknown output")
}

/// `JsonGet(Steps.<step>.PropertyFiles.<file>, '<json path>')` → the output the property
/// file lives in, projected by the JSON path.
fn resolve_json_get(
    pipeline: &mut Pipeline,
    placeholder: &Placeholder,
) -> Result<Option<Binding>, Diagnostic> {
    let text = placeholder.text.clone();
    let inner = text
        .strip_prefix("JsonGet(")
        .and_then(|t| t.strip_suffix(')'))
        .ok_or_else(|| {
            Diagnostic::error("F0414", "this JsonGet cannot be read")
                .with_primary(placeholder.span, "JsonGet")
        })?;
    let (reference, path) = inner.split_once(", ").unwrap_or((inner, "''"));
    let json_path = path.trim_matches('\'');
    let (index, rest) = split_reference(pipeline, placeholder, reference)?;
    let file = rest.strip_prefix("PropertyFiles.").unwrap_or(rest);
    let step = &pipeline.graph[index];
    // A container job reads its property files into outputs of their own.
    if let StepKind::Container(job) = &step.kind
        && let Some(pf) = job.property_files.iter().find(|f| f.name == file)
    {
        let projection = parse_json_path(json_path).ok_or_else(|| {
            Diagnostic::error("F0414", format!("cannot read the JSON path `{json_path}`"))
                .with_primary(placeholder.span, "JSON path")
        })?;
        return Ok(Some(Binding::StepOutput {
            step: step.name.clone(),
            port: pf.output.clone(),
            projection,
        }));
    }
    let files = match &step.kind {
        StepKind::Job { config, .. } => config.get("property_files").cloned(),
        _ => None,
    };
    let output = match files {
        Some(Value::Array(entries)) => entries
            .iter()
            .find(|e| e.get("name").and_then(Value::as_str) == Some(file))
            .and_then(|e| e.get("output_name"))
            .and_then(Value::as_str)
            .map(str::to_string),
        _ => None,
    }
    .ok_or_else(|| {
        Diagnostic::error(
            "F0415",
            format!(
                "step `{}` registers no property file `{file}`",
                step.display_name
            ),
        )
        .with_primary(placeholder.span, "unknown property file")
        .with_help("pass the PropertyFile to the processing step with `property_files=[...]`")
    })?;
    if step.output(&output).is_none() {
        return Err(unknown_output(&step.display_name, &output, placeholder));
    }
    let projection = parse_json_path(json_path).ok_or_else(|| {
        Diagnostic::error("F0414", format!("cannot read the JSON path `{json_path}`"))
            .with_primary(placeholder.span, "JSON path")
    })?;
    Ok(Some(Binding::StepOutput {
        step: step.name.clone(),
        port: output,
        projection,
    }))
}

/// `metrics.mse.value` / `a[0].b` / `Result['k']` → segments.
pub fn parse_json_path(path: &str) -> Option<Projection> {
    parse_segments(path.trim_start_matches("$.").trim_start_matches('$'))
}

/// `ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri` → segments.
pub fn parse_property_path(path: &str) -> Option<Projection> {
    parse_segments(path)
}

fn parse_segments(path: &str) -> Option<Projection> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let close = after.find(']')?;
            let inside = &after[..close];
            let quoted = inside
                .strip_prefix('\'')
                .and_then(|s| s.strip_suffix('\''))
                .or_else(|| inside.strip_prefix('"').and_then(|s| s.strip_suffix('"')));
            match quoted {
                Some(key) => out.push(Segment::Key(key.to_string())),
                None => out.push(Segment::Index(inside.trim().parse().ok()?)),
            }
            rest = &after[close + 1..];
        } else {
            rest = rest.strip_prefix('.').unwrap_or(rest);
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            if end == 0 {
                return None;
            }
            out.push(Segment::Key(rest[..end].to_string()));
            rest = &rest[end..];
        }
    }
    Some(out)
}

/// `ModelPackageArn` → `model_package_arn`.
fn snake(name: &str) -> String {
    ferry_ir::naming::to_identifier(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse() {
        assert_eq!(
            parse_json_path("metrics.mse.value"),
            Some(vec![
                Segment::Key("metrics".into()),
                Segment::Key("mse".into()),
                Segment::Key("value".into())
            ])
        );
        assert_eq!(
            parse_property_path("ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri")
                .map(|p| p.len()),
            Some(5)
        );
        assert_eq!(
            parse_json_path("a[0].b"),
            Some(vec![
                Segment::Key("a".into()),
                Segment::Index(0),
                Segment::Key("b".into())
            ])
        );
        assert_eq!(parse_json_path("a[x]"), None);
        assert_eq!(parse_json_path("a..b"), None);
    }
}
