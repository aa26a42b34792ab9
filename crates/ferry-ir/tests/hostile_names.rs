//! Issue 10, finding 2: a `.ferry` name that is not a Python identifier (quoted so the
//! old reader took it) is rejected by the reader with F0104 at the name, and the
//! verifier rejects such names however they got into the IR.

use ferry_diagnostics::{FileId, Span};
use ferry_ir::verify::{VerifyOptions, verify};
use ferry_ir::*;

const PAYLOAD: &str = "a=__import__('os').system('x')";

fn with_param(name: &str) -> String {
    format!(
        "workflow \"w\" frontend ir\npipeline p \"p\" @- {{\n  param {name}: string @- direct \"\" \"\"\n}}\n"
    )
}

#[test]
fn finding2_ferry_names_must_be_identifiers() {
    let quoted = format!("\"{PAYLOAD}\"");
    let text = with_param(&quoted);
    let errors = text::parse(&text, FileId(0)).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].code, "F0104");
    let at = text.find(&quoted).unwrap();
    assert_eq!(
        errors[0].labels[0].span,
        Span::new(FileId(0), at, at + quoted.len())
    );
    // Keywords, empty and non-ASCII names too, in every name position.
    for bad in ["\"class\"", "\"\"", "\"é\"", "\"1a\"", "None", "lambda"] {
        let errors = text::parse(&with_param(bad), FileId(0)).unwrap_err();
        assert_eq!(errors[0].code, "F0104", "{bad}: {errors:#?}");
    }
    for (position, text) in [
        (
            "pipeline",
            "workflow \"w\" frontend ir\npipeline \"a b\" \"p\" @- {\n}\n",
        ),
        (
            "step",
            "workflow \"w\" frontend ir\npipeline p \"p\" @- {\n  step \"x;y\" \"s\" @- {\n    kind succeed\n    mapping direct \"\" \"\"\n  }\n}\n",
        ),
        (
            "input ref",
            "workflow \"w\" frontend ir\npipeline p \"p\" @- {\n  step s \"s\" @- {\n    kind transform {\"a\": $\"x)\"}\n    mapping direct \"\" \"\"\n  }\n}\n",
        ),
    ] {
        let errors = text::parse(text, FileId(0)).unwrap_err();
        assert_eq!(errors[0].code, "F0104", "{position}: {errors:#?}");
    }
    // Quoting a text-form word that is a valid identifier still works.
    assert!(text::parse(&with_param("\"step\""), FileId(0)).is_ok());
}

#[test]
fn finding2_verifier_rejects_hostile_names_from_any_front_end() {
    let mut wf = text::parse(&with_param("ok"), FileId(0)).unwrap();
    wf.pipelines[0].params[0].name = PAYLOAD.to_string();
    let problems = verify(&wf, VerifyOptions::default());
    assert!(problems.iter().any(|d| d.code == "F0202"), "{problems:#?}");

    // A template's `$input` reference is emitted as a variable: it must be an
    // identifier, and (in a step's own template) one of the step's inputs.
    let mut wf = text::parse(&with_param("ok"), FileId(0)).unwrap();
    let mut step = Step::new(
        "s",
        "s",
        Span::detached(),
        StepKind::Transform {
            template: Value::Object(vec![("k".into(), Value::Input(PAYLOAD.into()))]),
        },
        Mapping::direct(""),
    );
    let problems_for = |step: &Step, wf: &mut Workflow| {
        wf.pipelines[0].graph.clear();
        wf.pipelines[0].add_step(step.clone());
        verify(wf, VerifyOptions::default())
    };
    assert!(
        problems_for(&step, &mut wf)
            .iter()
            .any(|d| d.code == "F0202")
    );
    step.kind = StepKind::Transform {
        template: Value::Input("missing".into()),
    };
    assert!(
        problems_for(&step, &mut wf)
            .iter()
            .any(|d| d.code == "F0203")
    );
    let param = &mut wf.pipelines[0].params[0];
    param.name = "ok".into();
    param.default = Some(Value::Input(PAYLOAD.into()));
    wf.pipelines[0].graph.clear();
    assert!(
        verify(&wf, VerifyOptions::default())
            .iter()
            .any(|d| d.code == "F0202")
    );
}

#[test]
fn regions_nest_at_most_the_limit() {
    let mut inner = Pipeline::new("r", "r", Span::detached());
    for _ in 0..verify::MAX_REGION_DEPTH + 2 {
        let mut outer = Pipeline::new("r", "r", Span::detached());
        outer.add_step(Step::new(
            "m",
            "m",
            Span::detached(),
            StepKind::Parallel {
                branches: vec![inner],
            },
            Mapping::direct(""),
        ));
        inner = outer;
    }
    let mut wf = Workflow::new("w", Frontend::Ir);
    wf.pipelines.push(inner);
    let problems = verify(&wf, VerifyOptions::default());
    assert_eq!(
        problems.iter().filter(|d| d.code == "F0209").count(),
        1,
        "{problems:#?}"
    );
}
