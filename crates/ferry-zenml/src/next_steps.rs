//! The report's Recommended Next Steps, as both migration guides in the seeds ask for
//! them: the quick-wins skill, the docs MCP server, a ZenML documentation link for
//! every kind of flagged pattern, a pre-written community message when there are two
//! or more HIGH flags, GitHub issues for real gaps, /simplify, and further authoring.

use std::collections::BTreeSet;
use std::fmt::Write;

use ferry_diagnostics::MigrationFlag;
use ferry_ir::{Frontend, Workflow};

use crate::record::Entry;
use crate::report::cell;

/// A kind of flagged pattern and the documentation that helps redesign it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Topic {
    Scheduling,
    DynamicPipelines,
    Artifacts,
    ServiceConnectors,
    Models,
    General,
}

fn topic(e: &Entry) -> Topic {
    let text = format!("{} {}", e.construct, e.issue).to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    if has(&[
        "sensor",
        "trigger",
        "schedule",
        "cron",
        "automation",
        "freshness",
    ]) {
        Topic::Scheduling
    } else if e.disposition == crate::record::Disposition::Placeholder {
        // A value to wire by hand: pass it as an artifact or parameter.
        Topic::Artifacts
    } else if has(&[
        "callback", "token", "activity", "lambda", "service", "aws", "sdk", "arn",
    ]) {
        Topic::ServiceConnectors
    } else if has(&["model", "registry", "register"]) {
        Topic::Models
    } else if has(&[
        "partition",
        "selection",
        "asset",
        "io manager",
        "iomanager",
        "artifact",
    ]) {
        Topic::Artifacts
    } else if has(&[
        "branch",
        "choice",
        "condition",
        "map",
        "parallel",
        "loop",
        "dynamic",
    ]) {
        Topic::DynamicPipelines
    } else if has(&["job", "resource"]) {
        Topic::ServiceConnectors
    } else {
        Topic::General
    }
}

fn links(t: Topic, frontend: Frontend) -> &'static [(&'static str, &'static str)] {
    let dagster = frontend == Frontend::Dagster;
    match (t, dagster) {
        (Topic::Scheduling, true) => &[
            (
                "Scheduling",
                "https://docs.zenml.io/how-to/steps-pipelines/scheduling",
            ),
            (
                "ZenML Pro triggers",
                "https://docs.zenml.io/getting-started/zenml-pro/triggers",
            ),
            (
                "Pipeline deployments / service-style triggering",
                "https://docs.zenml.io/how-to/deployment/deployment",
            ),
        ],
        (Topic::Scheduling, false) => &[(
            "Scheduling",
            "https://docs.zenml.io/concepts/steps_and_pipelines/scheduling",
        )],
        (Topic::DynamicPipelines, true) => &[(
            "Dynamic pipelines",
            "https://docs.zenml.io/how-to/steps-pipelines/dynamic-pipelines",
        )],
        (Topic::DynamicPipelines, false) => &[(
            "Dynamic pipelines",
            "https://docs.zenml.io/concepts/steps_and_pipelines/dynamic_pipelines",
        )],
        (Topic::Artifacts, true) => &[(
            "Artifact management / external artifacts",
            "https://docs.zenml.io/user-guides/starter-guide/manage-artifacts",
        )],
        (Topic::Artifacts, false) => &[(
            "Artifact and stack concepts",
            "https://docs.zenml.io/stacks",
        )],
        (Topic::ServiceConnectors, true) => &[(
            "Service connectors",
            "https://docs.zenml.io/stacks/service-connectors",
        )],
        (Topic::ServiceConnectors, false) => &[
            (
                "Service connectors / auth",
                "https://docs.zenml.io/how-to/infrastructure-deployment/auth-management/aws-service-connector",
            ),
            (
                "SageMaker orchestrator",
                "https://docs.zenml.io/stacks/stack-components/orchestrators/sagemaker",
            ),
        ],
        (Topic::Models, true) => &[(
            "Best practices / access management",
            "https://docs.zenml.io/user-guides/best-practices",
        )],
        (Topic::Models, false) => &[(
            "Models / MCP",
            "https://docs.zenml.io/how-to/model-management-metrics/model-control-plane/register-a-model",
        )],
        (Topic::General, true) => &[(
            "Best practices / access management",
            "https://docs.zenml.io/user-guides/best-practices",
        )],
        (Topic::General, false) => &[("Orchestrators and stacks", "https://docs.zenml.io/stacks")],
    }
}

pub fn emit(out: &mut String, workflow: &Workflow, flagged: &[&Entry], label: &str) {
    out.push_str("## Recommended Next Steps\n\n");
    out.push_str("1. Run the `zenml-quick-wins` skill to add metadata logging, experiment tracking, alerters and other production improvements.\n");
    out.push_str("2. Install the ZenML docs MCP server: `claude mcp add zenmldocs --transport http https://docs.zenml.io/~gitbook/mcp`\n");
    let topics: BTreeSet<Topic> = flagged.iter().map(|e| topic(e)).collect();
    if topics.is_empty() {
        out.push_str("3. Nothing is flagged; review the approximate translations above.\n");
    } else {
        out.push_str("3. Follow the documentation for each flagged pattern:\n");
        for t in &topics {
            let patterns: Vec<String> = flagged
                .iter()
                .filter(|e| topic(e) == *t)
                .map(|e| cell(&e.construct))
                .take(5)
                .collect();
            for (title, url) in links(*t, workflow.frontend) {
                let _ = writeln!(out, "   - {title}: {url} (for {})", patterns.join(", "));
            }
        }
    }
    let high: Vec<&&Entry> = flagged
        .iter()
        .filter(|e| e.severity == Some(MigrationFlag::High))
        .collect();
    if high.is_empty() {
        out.push_str("4. No HIGH-severity flags: community support is optional.\n");
    } else if high.len() == 1 {
        let _ = writeln!(
            out,
            "4. One HIGH-severity flag ({}): the ZenML community at https://zenml.io/slack can help with the redesign.",
            cell(&high[0].construct)
        );
    } else {
        let _ = writeln!(
            out,
            "4. {} HIGH-severity flags: this message, ready to post at https://zenml.io/slack, asks the ZenML community for help:\n",
            high.len()
        );
        let _ = writeln!(
            out,
            "   > Hi ZenML team! I am migrating the {label} workflow `{}` to ZenML (with ferry). These patterns have no direct ZenML equivalent:",
            cell(&workflow.name)
        );
        for e in &high {
            let _ = writeln!(out, "   > - {}: {}", cell(&e.construct), cell(&e.issue));
        }
        out.push_str("   > What the migration does today: each one is a step that raises NotImplementedError, a placeholder, or is left out, with a `# TODO(migration):` in the code.\n");
        out.push_str("   > Question: what is the recommended ZenML design for these patterns (for example an external trigger, a dynamic pipeline, or a custom step), and are any of them on the roadmap?\n");
    }
    out.push_str("5. Where a flagged pattern is a real capability gap that others would hit too, open an issue on zenml-io/zenml describing the pattern, the workaround and why it matters.\n");
    out.push_str("6. Run /simplify on the generated code to remove migration noise and consolidate helpers.\n");
    out.push_str("7. Use `zenml-pipeline-authoring` for Docker settings, YAML configuration, custom materializers and deployment.\n");
}
