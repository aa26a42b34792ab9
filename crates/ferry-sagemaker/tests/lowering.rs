//! Behaviour that the golden files do not pin down on their own: input detection, the
//! placeholders visible before `sagemaker-resolve`, hostile input and broken files.

use ferry_diagnostics::{Diagnostic, SourceMap};
use ferry_ir::{Binding, PlaceholderKind, Workflow};
use ferry_passes::PassManager;

fn lower(text: &str) -> (SourceMap, ferry_passes::Lowered) {
    let mut sources = SourceMap::new();
    let file = sources.add("test.py", text);
    let lowered = ferry_sagemaker::lower(&sources, file, &ferry_sagemaker::Options::default());
    (sources, lowered)
}

fn run_passes(sources: &SourceMap, workflow: &mut Workflow, stop: Option<&str>) -> Vec<Diagnostic> {
    let mut passes = ferry_sagemaker::passes();
    passes.extend(ferry_passes::common_passes());
    PassManager::new(passes)
        .verify_each(true)
        .run(workflow, sources, stop)
        .expect("known pass")
        .diagnostics
}

const CHAIN: &str = r#"
from sagemaker.processing import ProcessingOutput, ProcessingInput, ScriptProcessor
from sagemaker.workflow.pipeline import Pipeline
from sagemaker.workflow.steps import ProcessingStep
p = ScriptProcessor(image_uri="python:3.12", command=["python3"], instance_type="ml.t3.medium", instance_count=1, role="r")
a = ProcessingStep(name="A", processor=p, outputs=[ProcessingOutput(output_name="out", source="/x")], code="a.py")
b = ProcessingStep(name="B", processor=p, inputs=[ProcessingInput(source=a.properties.ProcessingOutputConfig.Outputs["out"].S3Output.S3Uri, destination="/in")], code="b.py")
pipeline = Pipeline(name="chain", steps=[b])
"#;

fn input_binding(workflow: &Workflow, step: &str) -> Binding {
    workflow.pipelines[0].step(step).unwrap().inputs[0]
        .binding
        .clone()
}

#[test]
fn detection() {
    assert!(ferry_sagemaker::looks_like_sagemaker(CHAIN));
    assert!(!ferry_sagemaker::looks_like_sagemaker("import dagster\n"));
}

#[test]
fn placeholders_before_resolve_and_edges_after() {
    let (sources, lowered) = lower(CHAIN);
    // The scripts are not in the (empty) input tree: F0424 for each, nothing else.
    let codes: Vec<&str> = lowered
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, ["F0424", "F0424"], "{:?}", lowered.diagnostics);
    let mut workflow = lowered.workflow.unwrap();
    // Step A is not listed: it is pulled in through B's reference, as the SDK does.
    assert_eq!(workflow.pipelines[0].steps().count(), 2);
    let mut before = workflow.clone();
    run_passes(&sources, &mut before, Some("lower"));
    match input_binding(&before, "b") {
        Binding::Unresolved(p) => {
            assert_eq!(p.kind, PlaceholderKind::StepProperty);
            assert_eq!(
                p.text,
                "Steps.A.ProcessingOutputConfig.Outputs['out'].S3Output.S3Uri"
            );
        }
        other => panic!("expected a placeholder, got {other:?}"),
    }
    assert_eq!(before.pipelines[0].edges().count(), 0);
    let diagnostics = run_passes(&sources, &mut workflow, None);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(
        input_binding(&workflow, "b"),
        Binding::StepOutput {
            step: "a".into(),
            port: "out".into(),
            projection: Vec::new()
        }
    );
    let edges: Vec<_> = workflow.pipelines[0]
        .edges()
        .map(|(a, b, _)| (a.name.clone(), b.name.clone()))
        .collect();
    assert_eq!(edges, vec![("a".to_string(), "b".to_string())]);
}

#[test]
fn no_pipeline_is_reported() {
    let (_, lowered) = lower("import sagemaker\nx = 1\n");
    assert!(lowered.workflow.is_none());
    assert_eq!(lowered.diagnostics[0].code, "F0410");
}

#[test]
fn syntax_errors_keep_the_rest() {
    let broken = CHAIN.replace("code=\"a.py\")", "code=\"a.py\")\ny = (");
    let (sources, lowered) = lower(&broken);
    assert!(lowered.diagnostics.iter().any(|d| d.code == "F0401"));
    let mut workflow = lowered.workflow.expect("the well-formed part still lowers");
    run_passes(&sources, &mut workflow, None);
    assert!(workflow.pipelines[0].step("b").is_some());
}

#[test]
fn hostile_input_does_not_panic() {
    let deep_list = format!("{}1{}", "[".repeat(300), "]".repeat(300));
    let cases = [
        // A name bound to itself, as a step list and as a step.
        "from sagemaker.workflow.pipeline import Pipeline\nsteps = steps\nPipeline(name='x', steps=steps)\n".to_string(),
        "from sagemaker.workflow.pipeline import Pipeline\ns = s\nPipeline(name='x', steps=[s])\n".to_string(),
        format!("from sagemaker.workflow.pipeline import Pipeline\nPipeline(name='x', steps={deep_list})\n"),
        // Two steps depending on each other.
        "from sagemaker.workflow.pipeline import Pipeline\nfrom sagemaker.workflow.fail_step import FailStep\na = FailStep(name='a', depends_on=[b])\nb = FailStep(name='b', depends_on=[a])\nPipeline(name='x', steps=[a, b])\n".to_string(),
        "from sagemaker.workflow.pipeline import Pipeline\nPipeline(name=1, steps=None, parameters=[object()])\n".to_string(),
    ];
    for case in cases {
        let (sources, lowered) = lower(&case);
        assert!(!lowered.diagnostics.is_empty(), "no diagnostic for {case}");
        if let Some(mut workflow) = lowered.workflow {
            let diagnostics = run_passes(&sources, &mut workflow, None);
            assert!(
                diagnostics.iter().all(|d| !d.code.starts_with("F02")),
                "{case}: {diagnostics:?}"
            );
        }
    }
}

#[test]
fn names_used_before_assignment_are_reported() {
    // Python would raise NameError at `depends_on=[b]`; ferry reports instead of guessing.
    let text = "from sagemaker.workflow.pipeline import Pipeline\nfrom sagemaker.workflow.fail_step import FailStep\na = FailStep(name='a', depends_on=[b])\nb = FailStep(name='b', depends_on=[a])\nPipeline(name='x', steps=[a])\n";
    let (_, lowered) = lower(text);
    let codes: Vec<_> = lowered
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, vec!["F0411"]);
    assert_eq!(lowered.workflow.unwrap().pipelines[0].steps().count(), 1);
}

#[test]
fn every_emitted_code_is_documented() {
    let documented: Vec<&str> = ferry_sagemaker::CODES.iter().map(|c| c.code).collect();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in std::fs::read_dir(root).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for (i, _) in text.match_indices("\"F04") {
            let code = &text[i + 1..i + 6];
            assert!(
                documented.contains(&code) || ferry_python::CODES.iter().any(|c| c.code == code),
                "{code} is emitted but not in CODES"
            );
        }
    }
}

/// Every golden pipeline damaged at many points (cut off as if saved mid-edit, or with
/// a 40-byte window deleted so the `Pipeline(...)` call at the end survives) still lowers
/// without a panic and without IR verifier errors.
#[test]
fn damaged_files_never_panic_or_break_the_ir() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../golden/sagemaker");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    files.sort();
    assert!(files.len() >= 12);
    let mut lowered_count = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let cuts = (0..text.len())
            .step_by(61)
            .filter(|&i| text.is_char_boundary(i));
        for cut in cuts {
            let window_end = (cut + 40..text.len())
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(text.len());
            let variants = [
                text[..cut].to_string(),
                format!("{}{}", &text[..cut], &text[window_end..]),
            ];
            for variant in variants {
                let (sources, lowered) = lower(&variant);
                let Some(mut workflow) = lowered.workflow else {
                    continue;
                };
                lowered_count += 1;
                let diagnostics = run_passes(&sources, &mut workflow, None);
                let verifier: Vec<_> = diagnostics
                    .iter()
                    .filter(|d| d.code.starts_with("F02"))
                    .collect();
                assert!(
                    verifier.is_empty(),
                    "{} damaged at {cut}: {verifier:?}",
                    path.display()
                );
            }
        }
    }
    assert!(
        lowered_count > 200,
        "only {lowered_count} damaged files lowered"
    );
}

#[test]
fn star_imports_from_sagemaker_resolve_by_name() {
    let text = "from sagemaker.workflow.steps import *\nfrom sagemaker.workflow.fail_step import FailStep\nfrom sagemaker.workflow.pipeline import *\nfrom sagemaker.processing import Processor\np = Processor(role='r', image_uri='i', instance_count=1, instance_type='ml.m5.large')\ns = ProcessingStep(name='Star', processor=p)\nPipeline(name='x', steps=[s, FailStep(name='F')])\n";
    let (_, lowered) = lower(text);
    assert!(lowered.diagnostics.is_empty(), "{:?}", lowered.diagnostics);
    let workflow = lowered.workflow.unwrap();
    let names: Vec<_> = workflow.pipelines[0]
        .steps()
        .map(|s| s.mapping.construct.clone())
        .collect();
    assert_eq!(names, vec!["ProcessingStep", "FailStep"]);
}
