//! run.py, pyproject.toml and README.md of the generated project.

use std::fmt::Write;

use ferry_ir::{ParamType, Workflow};

use crate::code::{Code, Ident, py};
use crate::configs::config_paths;
use crate::context::Context;
use crate::imports::Imports;
use crate::names::Plan;
use crate::report::cell;
use crate::writer::{Unformatted, Writer};

fn argparse_type(ty: ParamType) -> Code {
    Code::text(match ty {
        ParamType::String => "str",
        ParamType::Integer => "int",
        ParamType::Float => "float",
        ParamType::Boolean => "parse_bool",
        ParamType::Json => "json.loads",
    })
}

pub fn run_py(workflow: &Workflow, plan: &Plan, cx: &Context) -> Unformatted {
    let several = workflow.pipelines.len() > 1;
    let all_params = || workflow.pipelines.iter().flat_map(|p| &p.params);
    let uses_bool = all_params().any(|p| p.ty == ParamType::Boolean);
    let uses_json = all_params().any(|p| p.ty == ParamType::Json);
    let mut w = Writer::new();
    w.line(if several {
        py!("\"\"\"Run the migrated pipelines: python run.py [--config FILE] [--no-cache] [--pipeline NAME].\"\"\"")
    } else {
        py!("\"\"\"Run the migrated pipelines: python run.py [--config FILE] [--no-cache].\"\"\"")
    });
    w.blank();
    let mut imports = Imports::new();
    imports.import("argparse");
    imports.import("tempfile");
    imports.from("pathlib", "Path");
    imports.import("yaml");
    if uses_json {
        imports.import("json");
    }
    for name in &plan.pipeline_names {
        imports.import_generated(&format!("pipelines.{name}"), &Ident::new(name));
    }
    cx.import_block(&mut w, &imports);
    w.blank();
    let entries: Vec<(Code, Code)> = plan
        .pipeline_names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let (dev, _) = config_paths(workflow, plan, i);
            let params = Code::list(
                workflow.pipelines[i]
                    .params
                    .iter()
                    .map(|p| Code::str_lit(&p.name)),
            );
            let value = py!(
                "{{\"pipeline\": {}, \"config\": {}, \"parameters\": {}}}",
                Ident::new(name),
                Code::str_lit(&dev),
                params
            );
            (Code::str_lit(name), value)
        })
        .collect();
    w.line(py!("PIPELINES = {}", Code::dict(entries)));
    if uses_bool {
        w.blank();
        w.blank();
        w.open(py!("def parse_bool(text: str) -> bool"));
        w.line(py!("\"\"\"Read true/false, yes/no, 1/0.\"\"\""));
        w.line(py!(
            "return text.strip().lower() in {{\"1\", \"true\", \"yes\"}}"
        ));
        w.close();
    }
    w.blank();
    w.blank();
    w.open(py!("def main() -> None"));
    w.line(py!(
        "\"\"\"Parse arguments, write the run configuration and run one pipeline.\"\"\""
    ));
    w.line(py!("parser = argparse.ArgumentParser(description=__doc__)"));
    if several {
        let first = plan.pipeline_names.first().cloned().unwrap_or_default();
        w.line(py!(
            "parser.add_argument(\"--pipeline\", choices=sorted(PIPELINES), default={}, help=\"which pipeline to run\")",
            Code::str_lit(&first)
        ));
    }
    w.line(py!("parser.add_argument(\"--config\", default=None, help=\"run configuration YAML (default: the pipeline's dev config)\")"));
    w.line(py!("parser.add_argument(\"--no-cache\", action=\"store_true\", help=\"disable step caching for this run\")"));
    let mut seen = std::collections::BTreeSet::new();
    for p in all_params() {
        if !seen.insert(p.name.clone()) {
            continue;
        }
        let flag = Code::str_lit(&format!("--{}", p.name.replace('_', "-")));
        let help = Code::str_lit(&format!(
            "pipeline parameter {} ({})",
            p.name,
            p.ty.as_str()
        ));
        w.line(py!(
            "parser.add_argument({}, type={}, default=None, help={})",
            flag,
            argparse_type(p.ty),
            help
        ));
    }
    w.line(py!("args = parser.parse_args()"));
    if several {
        w.line(py!("chosen = PIPELINES[args.pipeline]"));
    } else {
        w.line(py!("chosen = next(iter(PIPELINES.values()))"));
    }
    w.lines(&py!("config_path = Path(args.config or chosen[\"config\"])
config = yaml.safe_load(config_path.read_text()) or {{}}
values = config.get(\"parameters\") or {{}}
for name in chosen[\"parameters\"]:
    value = getattr(args, name, None)
    if value is not None:
        values[name] = value
config[\"parameters\"] = values
if args.no_cache:
    # Written into the run configuration: a YAML enable_cache beats code.
    config[\"enable_cache\"] = False
with tempfile.TemporaryDirectory() as tmp:
    run_config = Path(tmp) / \"run.yaml\"
    run_config.write_text(yaml.safe_dump(config))
    chosen[\"pipeline\"].with_options(config_path=str(run_config))()"));
    w.close();
    w.blank();
    w.blank();
    w.open(py!("if __name__ == \"__main__\""));
    w.line(py!("main()"));
    w.close();
    w.finish()
}

/// The `[project] dependencies` of the generated project, from what the emitted code
/// imports: ZenML and PyYAML always (run.py), plus each required distribution.
pub fn dependencies(cx: &Context) -> Vec<String> {
    let mut deps = vec!["zenml[local]>=0.94.1".to_string(), "pyyaml".to_string()];
    deps.extend(
        cx.requirements
            .iter()
            .filter(|r| *r != "pyyaml" && *r != "zenml")
            .cloned(),
    );
    deps
}

pub fn pyproject(workflow: &Workflow, plan: &Plan, cx: &Context) -> String {
    let name: String = ferry_ir::naming::to_identifier(&workflow.name).replace('_', "-");
    let deps: Vec<String> = dependencies(cx)
        .iter()
        .map(|d| serde_json::to_string(d).unwrap_or_default())
        .collect();
    format!(
        "[build-system]\nrequires = [\"setuptools>=68\"]\nbuild-backend = \"setuptools.build_meta\"\n\n\
[project]\nname = \"{name}\"\nversion = \"0.1.0\"\ndescription = \"ZenML project migrated by ferry\"\n\
requires-python = \">=3.12\"\ndependencies = [{}]\n\n\
# The code runs from this folder; installing the project installs only its dependencies.\n\
[tool.setuptools]\npackages = []\npy-modules = []\n\n[tool.ruff]\nline-length = 88\n{}{}",
        deps.join(", "),
        verbatim_excludes(workflow),
        crate::lint_policy::per_file_ignores(workflow, plan)
    )
}

/// The user's scripts, kept byte for byte, are not ferry's to lint or format.
fn verbatim_excludes(workflow: &Workflow) -> String {
    let paths: Vec<String> = workflow
        .files
        .iter()
        .filter(|f| f.verbatim)
        .map(|f| serde_json::to_string(&f.path).unwrap_or_default())
        .collect();
    if paths.is_empty() {
        String::new()
    } else {
        format!("extend-exclude = [{}]\n", paths.join(", "))
    }
}

/// The pipeline parameters that feed an input channel of a container job run on this
/// machine (the contract module copies a local path or downloads an S3 URI).
fn local_job_inputs(
    workflow: &Workflow,
    target: crate::Target,
) -> std::collections::BTreeSet<String> {
    fn walk(
        p: &ferry_ir::Pipeline,
        target: crate::Target,
        depth: usize,
        out: &mut std::collections::BTreeSet<String>,
    ) {
        if depth > 64 {
            return;
        }
        for step in p.steps() {
            if let ferry_ir::StepKind::Container(job) = &step.kind
                && !crate::container_jobs::launches_on_sagemaker(job, target)
            {
                for channel in &job.channels {
                    if let Some(ferry_ir::Binding::Parameter(param)) = step
                        .inputs
                        .iter()
                        .find(|i| i.name == channel.input)
                        .map(|i| &i.binding)
                    {
                        out.insert(param.clone());
                    }
                }
            }
            for region in step.kind.regions() {
                walk(region, target, depth + 1, out);
            }
        }
    }
    let mut out = std::collections::BTreeSet::new();
    for p in &workflow.pipelines {
        walk(p, target, 0, &mut out);
    }
    out
}

pub fn readme(workflow: &Workflow, plan: &Plan, cx: &Context) -> String {
    let mut out = format!("# {} (migrated to ZenML)\n\n", cell(&workflow.name));
    let from: Vec<String> = workflow
        .sources
        .iter()
        .map(|s| format!("`{}`", cell(&s.path).replace('`', "'")))
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
    out.push_str("\n```\n\n`--config configs/prod.yaml` uses the production configuration; `--no-cache` disables caching for one run; every pipeline parameter is also a flag.\n\n");
    let local_inputs = local_job_inputs(workflow, cx.target);
    if !local_inputs.is_empty() {
        let flags: Vec<String> = local_inputs
            .iter()
            .map(|p| format!("`--{}`", p.replace('_', "-")))
            .collect();
        let _ = writeln!(
            out,
            "The job steps' inputs given by {} take an S3 URI or a local file or folder: the step copies a local path where the job's container expects its input, so the pipeline runs on a sample without AWS.\n",
            flags.join(", ")
        );
    }
    out.push_str("## Pipelines\n\n");
    for (i, p) in workflow.pipelines.iter().enumerate() {
        let key = i.to_string();
        let steps = plan.modules_under(&key).count();
        let _ = writeln!(
            out,
            "- `{}` ({steps} step function{}{}) from `{}`",
            plan.pipeline_names[i],
            if steps == 1 { "" } else { "s" },
            if p.dynamic { ", dynamic" } else { "" },
            cell(&cx.location(p.span))
        );
    }
    let review: Vec<String> = cx
        .record
        .flagged()
        .map(|e| {
            format!(
                "- {} → {}: {} ({})",
                cell(&e.construct),
                e.target,
                e.disposition.as_str(),
                e.marker
                    .as_ref()
                    .map_or_else(|| cell(&cx.location(e.span)), |(f, l)| format!("`{f}:{l}`"))
            )
        })
        .collect();
    out.push_str("\n## Needs human review\n\n");
    if review.is_empty() {
        out.push_str("Nothing is flagged: every construct was translated, some with changed semantics; check the approximate translations in MIGRATION_REPORT.md.\n");
    } else {
        let _ = writeln!(
            out,
            "{} item(s) need a human before the project does what the source did (each is a row of Flagged for Review in MIGRATION_REPORT.md):\n",
            review.len()
        );
        out.push_str(&review.join("\n"));
        out.push('\n');
    }
    out
}
