//! `configs/*.yaml`: ZenML run configurations. dev runs on the local stack (parameters
//! only); prod adds schedules (static pipelines only) and, for the SageMaker target,
//! orchestrator settings taken from the steps' runtime hints. Nothing that fails on the
//! local stack goes into dev.

use std::fmt::Write;

use ferry_diagnostics::Diagnostic;
use ferry_ir::{TriggerKind, Value, Workflow};

use crate::names::Plan;
use crate::{EmitOptions, Target};

/// Runtime hints that map onto `SagemakerOrchestratorSettings` fields.
const SAGEMAKER_FIELDS: &[(&str, &str)] = &[
    ("instance_type", "instance_type"),
    ("volume_size_in_gb", "volume_size_in_gb"),
    ("max_runtime_in_seconds", "max_runtime_in_seconds"),
    ("execution_role", "execution_role"),
    ("environment", "environment"),
    ("input_s3_uri", "input_data_s3_uri"),
    ("output_s3_uri", "output_data_s3_uri"),
];

/// A YAML scalar or flow collection: JSON, which YAML reads as is.
pub fn yaml_value(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.clone(),
        Value::String(s) | Value::Input(s) => serde_json::to_string(s).unwrap_or_default(),
        // Known only while the step runs: never a configuration value.
        Value::Join { .. } | Value::Runtime(_) => "null".into(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(yaml_value).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(fields) => format!(
            "{{{}}}",
            fields
                .iter()
                .map(|(k, v)| format!(
                    "{}: {}",
                    serde_json::to_string(k).unwrap_or_default(),
                    yaml_value(v)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Config file names for pipeline `index`: one pair per pipeline when there are several.
pub fn config_paths(workflow: &Workflow, plan: &Plan, index: usize) -> (String, String) {
    if workflow.pipelines.len() == 1 {
        ("configs/dev.yaml".into(), "configs/prod.yaml".into())
    } else {
        let name = &plan.pipeline_names[index];
        (
            format!("configs/{name}.dev.yaml"),
            format!("configs/{name}.prod.yaml"),
        )
    }
}

pub fn emit(
    workflow: &Workflow,
    plan: &Plan,
    options: &EmitOptions,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for (index, pipeline) in workflow.pipelines.iter().enumerate() {
        let (dev_path, prod_path) = config_paths(workflow, plan, index);
        let mut parameters = String::new();
        for p in &pipeline.params {
            if let Some(v) = &p.default {
                let _ = writeln!(parameters, "  {}: {}", p.name, yaml_value(v));
            }
        }
        let parameters = if parameters.is_empty() {
            "parameters: {}\n".to_string()
        } else {
            format!("parameters:\n{parameters}")
        };
        // Run-configuration values of carried steps (their typed step parameters).
        let mut step_parameters: Vec<(String, String)> = Vec::new();
        for planned in plan.modules_under(&index.to_string()) {
            let values = crate::runtime::config_values(planned.step);
            if values.is_empty() {
                continue;
            }
            let mut block = String::from("    parameters:\n");
            for (name, v) in values {
                let _ = writeln!(block, "      {name}: {}", yaml_value(&v));
            }
            step_parameters.push((planned.py_name.clone(), block));
        }
        let dev_steps: String = if step_parameters.is_empty() {
            String::new()
        } else {
            let mut out = String::from("steps:\n");
            for (step, block) in &step_parameters {
                let _ = write!(out, "  {step}:\n{block}");
            }
            out
        };
        let dev = format!(
            "# Local development run configuration (python run.py --config {dev_path}).\n{parameters}{dev_steps}"
        );
        let mut prod = format!(
            "# Production run configuration (python run.py --config {prod_path}).\n{parameters}"
        );
        prod.push_str("enable_cache: false\n");
        for trigger in workflow
            .triggers
            .iter()
            .filter(|t| t.pipeline == pipeline.name)
        {
            let schedule = match &trigger.kind {
                TriggerKind::Schedule { cron, .. } => Some(format!(
                    "  cron_expression: {}\n",
                    serde_json::to_string(cron).unwrap_or_default()
                )),
                TriggerKind::Interval { seconds } => Some(format!(
                    "  start_time: \"2024-01-01T00:00:00+00:00\"\n  interval_second: {seconds}\n"
                )),
                TriggerKind::Sensor { .. } => None,
            };
            let Some(schedule) = schedule else { continue };
            if pipeline.dynamic {
                diagnostics.push(
                    Diagnostic::warning("F0703", format!("schedule `{}` targets a dynamic pipeline and is not written to prod config", trigger.name))
                        .with_primary(trigger.span, "schedule"),
                );
                continue;
            }
            let _ = write!(
                prod,
                "schedule:\n  name: {}\n{schedule}",
                serde_json::to_string(&trigger.name).unwrap_or_default()
            );
            break;
        }
        let mut prod_steps: Vec<(String, String)> = step_parameters.clone();
        if options.target == Target::Sagemaker {
            prod.push_str("settings:\n  orchestrator.sagemaker:\n    synchronous: true\n");
            for planned in plan.modules_under(&index.to_string()) {
                let mut fields = String::new();
                for (hint, field) in SAGEMAKER_FIELDS {
                    if let Some(v) = planned.step.hints.get(*hint) {
                        let _ = writeln!(fields, "        {field}: {}", yaml_value(v));
                    }
                }
                if let Some(Value::Number(n)) = planned.step.hints.get("instance_count") {
                    // Training jobs run through an estimator, everything else through a processor.
                    let args = match &planned.step.kind {
                        ferry_ir::StepKind::ServiceCall { action, .. }
                            if action.contains("Training") =>
                        {
                            "estimator_args"
                        }
                        ferry_ir::StepKind::Job { job, .. } if job.contains("train") => {
                            "estimator_args"
                        }
                        _ => "processor_args",
                    };
                    let _ = writeln!(fields, "        {args}: {{\"instance_count\": {n}}}");
                }
                if !fields.is_empty() {
                    let settings =
                        format!("    settings:\n      orchestrator.sagemaker:\n{fields}");
                    match prod_steps.iter_mut().find(|(s, _)| *s == planned.py_name) {
                        Some((_, block)) => block.push_str(&settings),
                        None => prod_steps.push((planned.py_name.clone(), settings)),
                    }
                }
            }
        }
        if !prod_steps.is_empty() {
            let mut steps = String::new();
            for (step, block) in &prod_steps {
                let _ = write!(steps, "  {step}:\n{block}");
            }
            let _ = write!(prod, "steps:\n{steps}");
        }
        files.push((dev_path, dev));
        files.push((prod_path, prod));
    }
    files
}
