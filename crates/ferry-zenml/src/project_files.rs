//! run.py, pyproject.toml and README.md of the generated project.

use std::fmt::Write;

use ferry_diagnostics::SourceMap;
use ferry_ir::{MappingClass, ParamType, StepKind, Workflow};

use crate::configs::config_paths;
use crate::names::Plan;
use crate::python::{self, Expr};
use crate::source_map::location;

fn argparse_type(ty: ParamType) -> Option<&'static str> {
    match ty {
        ParamType::String => Some("str"),
        ParamType::Integer => Some("int"),
        ParamType::Float => Some("float"),
        ParamType::Boolean => Some("parse_bool"),
        ParamType::Json => Some("json.loads"),
    }
}

pub fn run_py(workflow: &Workflow, plan: &Plan) -> String {
    let several = workflow.pipelines.len() > 1;
    let uses_bool = workflow
        .pipelines
        .iter()
        .flat_map(|p| &p.params)
        .any(|p| p.ty == ParamType::Boolean);
    let uses_json = workflow
        .pipelines
        .iter()
        .flat_map(|p| &p.params)
        .any(|p| p.ty == ParamType::Json);
    let mut out = String::from(
        "\"\"\"Run the migrated pipelines: python run.py [--config FILE] [--no-cache]",
    );
    if several {
        out.push_str(" [--pipeline NAME]");
    }
    out.push_str(".\"\"\"\n\n");
    let mut imports: Vec<String> = [
        "import argparse",
        "import tempfile",
        "from pathlib import Path",
        "import yaml",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if uses_json {
        imports.push("import json".into());
    }
    for name in &plan.pipeline_names {
        imports.push(format!("from pipelines.{name} import {name}"));
    }
    out.push_str(&crate::imports::block(&imports));
    let entries: Vec<(Expr, Expr)> = plan
        .pipeline_names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let (dev, _) = config_paths(workflow, plan, i);
            let params = Expr::List(
                workflow.pipelines[i]
                    .params
                    .iter()
                    .map(|p| Expr::atom(python::string(&p.name)))
                    .collect(),
            );
            let value = Expr::Dict(vec![
                (Expr::atom("\"pipeline\""), Expr::atom(name.clone())),
                (Expr::atom("\"config\""), Expr::atom(python::string(&dev))),
                (Expr::atom("\"parameters\""), params),
            ]);
            (Expr::atom(python::string(name)), value)
        })
        .collect();
    out.push('\n');
    out.push_str(&Expr::Dict(entries).render(0, "PIPELINES = ", ""));
    if uses_bool {
        out.push_str("\n\ndef parse_bool(text: str) -> bool:\n    \"\"\"Read true/false, yes/no, 1/0.\"\"\"\n    return text.strip().lower() in {\"1\", \"true\", \"yes\"}\n");
    }
    out.push_str("\n\ndef main() -> None:\n    \"\"\"Parse arguments, write the run configuration and run one pipeline.\"\"\"\n");
    out.push_str("    parser = argparse.ArgumentParser(description=__doc__)\n");
    let first = plan.pipeline_names.first().cloned().unwrap_or_default();
    if several {
        out.push_str("    parser.add_argument(\n        \"--pipeline\",\n        choices=sorted(PIPELINES),\n");
        let _ = writeln!(out, "        default={},", python::string(&first));
        out.push_str("        help=\"which pipeline to run\",\n    )\n");
    }
    out.push_str("    parser.add_argument(\n        \"--config\",\n        default=None,\n        help=\"run configuration YAML (default: the pipeline's dev config)\",\n    )\n");
    out.push_str("    parser.add_argument(\n        \"--no-cache\",\n        action=\"store_true\",\n        help=\"disable step caching for this run\",\n    )\n");
    let mut seen = std::collections::BTreeSet::new();
    for p in workflow.pipelines.iter().flat_map(|p| &p.params) {
        if !seen.insert(p.name.clone()) {
            continue;
        }
        let flag = format!("--{}", p.name.replace('_', "-"));
        out.push_str("    parser.add_argument(\n");
        let _ = writeln!(out, "        {},", python::string(&flag));
        if let Some(t) = argparse_type(p.ty) {
            let _ = writeln!(out, "        type={t},");
        }
        out.push_str("        default=None,\n");
        let _ = writeln!(
            out,
            "        help={},",
            python::string(&format!(
                "pipeline parameter {} ({})",
                p.name,
                p.ty.as_str()
            ))
        );
        out.push_str("    )\n");
    }
    out.push_str("    args = parser.parse_args()\n");
    if several {
        out.push_str("    chosen = PIPELINES[args.pipeline]\n");
    } else {
        out.push_str("    chosen = next(iter(PIPELINES.values()))\n");
    }
    out.push_str("    config_path = Path(args.config or chosen[\"config\"])\n");
    out.push_str("    config = yaml.safe_load(config_path.read_text()) or {}\n");
    out.push_str("    values = config.get(\"parameters\") or {}\n");
    out.push_str("    for name in chosen[\"parameters\"]:\n        value = getattr(args, name, None)\n        if value is not None:\n            values[name] = value\n");
    out.push_str("    config[\"parameters\"] = values\n");
    out.push_str("    if args.no_cache:\n        # Written into the run configuration: a YAML enable_cache beats code.\n        config[\"enable_cache\"] = False\n");
    out.push_str("    with tempfile.TemporaryDirectory() as tmp:\n        run_config = Path(tmp) / \"run.yaml\"\n        run_config.write_text(yaml.safe_dump(config))\n        chosen[\"pipeline\"].with_options(config_path=str(run_config))()\n");
    out.push_str("\n\nif __name__ == \"__main__\":\n    main()\n");
    out
}

fn needs_boto3(workflow: &Workflow) -> bool {
    fn any_aws(p: &ferry_ir::Pipeline) -> bool {
        p.steps().any(|s| match &s.kind {
            StepKind::ServiceCall { .. } | StepKind::Lambda { .. } => {
                s.mapping.class != MappingClass::Absent
            }
            other => other.regions().into_iter().any(any_aws),
        })
    }
    workflow.pipelines.iter().any(any_aws)
}

pub fn pyproject(workflow: &Workflow, _plan: &Plan) -> String {
    let name: String = ferry_ir::naming::to_identifier(&workflow.name).replace('_', "-");
    let mut deps = vec!["\"zenml[local]>=0.94.1\"", "\"pyyaml\""];
    if needs_boto3(workflow) {
        deps.push("\"boto3\"");
    }
    format!(
        "[build-system]\nrequires = [\"setuptools>=68\"]\nbuild-backend = \"setuptools.build_meta\"\n\n\
[project]\nname = \"{name}\"\nversion = \"0.1.0\"\ndescription = \"ZenML project migrated by ferry\"\n\
requires-python = \">=3.12\"\ndependencies = [{}]\n\n\
# The code runs from this folder; installing the project installs only its dependencies.\n\
[tool.setuptools]\npackages = []\npy-modules = []\n\n[tool.ruff]\nline-length = 88\n",
        deps.join(", ")
    )
}

pub fn readme(workflow: &Workflow, plan: &Plan, sources: &SourceMap) -> String {
    let mut out = format!(
        "# {} (migrated to ZenML)\n\n",
        workflow.name.replace(['\n', '\r'], " ")
    );
    let from: Vec<String> = workflow
        .sources
        .iter()
        .map(|s| format!("`{}`", s.path.replace('`', "'")))
        .collect();
    let _ = writeln!(
        out,
        "Generated by ferry from the {} workflow {}. Read MIGRATION_REPORT.md before running it in production: it lists every construct that changed semantics or needs a redesign.\n",
        workflow.frontend.as_str(),
        if from.is_empty() {
            "definition".to_string()
        } else {
            from.join(", ")
        }
    );
    out.push_str("## Run\n\n```sh\npip install -e .\nzenml init\npython run.py");
    if workflow.pipelines.len() > 1 {
        let _ = write!(out, " --pipeline {}", plan.pipeline_names[0]);
    }
    out.push_str("\n```\n\n`--config configs/prod.yaml` uses the production configuration; `--no-cache` disables caching for one run; every pipeline parameter is also a flag.\n\n## Pipelines\n\n");
    for (i, p) in workflow.pipelines.iter().enumerate() {
        let _ = writeln!(
            out,
            "- `{}` ({} steps{}) from `{}`",
            plan.pipeline_names[i],
            p.steps().count(),
            if p.dynamic { ", dynamic" } else { "" },
            location(sources, p.span)
        );
    }
    let review: Vec<String> = plan
        .steps
        .iter()
        .filter(|s| s.step.mapping.class == MappingClass::Absent)
        .map(|s| {
            format!(
                "- `steps/{}.py`: {}",
                s.py_name,
                s.step.mapping.construct.replace('\n', " ")
            )
        })
        .collect();
    out.push_str("\n## Needs human review\n\n");
    if review.is_empty() {
        out.push_str("No step is flagged as unsupported; check the approximate translations in MIGRATION_REPORT.md.\n");
    } else {
        out.push_str(&review.join("\n"));
        out.push('\n');
    }
    out
}
