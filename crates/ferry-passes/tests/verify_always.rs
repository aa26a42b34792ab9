//! Issue 10, finding 2: the verifier used to run only in debug builds. It now runs on
//! the result of every pass pipeline, with or without `verify_each`, so a name a pass
//! (or front end) got wrong never reaches the back end in a release build either.

use ferry_diagnostics::{Diagnostic, SourceMap, Span};
use ferry_ir::{Frontend, Mapping, ParamType, Parameter, Pipeline, Workflow};
use ferry_passes::{Pass, PassManager};

struct Poison;

impl Pass for Poison {
    fn name(&self) -> &'static str {
        "poison"
    }
    fn run(&self, workflow: &mut Workflow, _: &SourceMap, _: &mut Vec<Diagnostic>) {
        workflow.pipelines[0].params[0].name = "a=__import__('os').system('x')".into();
    }
}

fn workflow() -> Workflow {
    let mut p = Pipeline::new("p", "p", Span::detached());
    p.params.push(Parameter {
        name: "ok".into(),
        ty: ParamType::String,
        default: None,
        span: Span::detached(),
        mapping: Mapping::direct(""),
    });
    let mut wf = Workflow::new("w", Frontend::Ir);
    wf.pipelines.push(p);
    wf
}

#[test]
fn finding2_verifier_runs_without_verify_each() {
    for passes in [
        vec![Box::new(Poison) as Box<dyn Pass>],
        vec![Box::new(Poison), Box::new(ferry_passes::MarkDynamic)],
    ] {
        let mut wf = workflow();
        let run = PassManager::new(passes)
            .verify_each(false)
            .run(&mut wf, &SourceMap::new(), None)
            .unwrap();
        assert!(run.verifier_failed);
        assert!(run.diagnostics.iter().any(|d| d.code == "F0202"));
    }
    // No passes at all, and stopping right after lowering, still verify.
    let mut wf = workflow();
    wf.pipelines[0].params[0].name = "class".into();
    for stop in [None, Some("lower")] {
        let run = PassManager::new(Vec::new())
            .verify_each(false)
            .run(&mut wf, &SourceMap::new(), stop)
            .unwrap();
        assert!(run.verifier_failed, "{stop:?}");
    }
}
