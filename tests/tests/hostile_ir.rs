//! No input text can become code. A property test over the IR puts hostile strings
//! into every string-valued field of every construct (display names, constructs,
//! notes, request templates, commands, ARNs, error texts, parameter defaults, retry
//! errors, triggers, resources) and checks that each generated module parses, passes
//! ferry's own output verifier, and holds the payload only inside string literals and
//! comments: no token of code outside them comes from the hostile text.

use ferry_diagnostics::{FileId, MigrationFlag, SourceMap, Span};
use ferry_ir::{
    Binding, BranchRule, Catch, CompareOp, Condition, EdgeKind, Frontend, IntegrationPattern,
    Mapping, ParamType, Parameter, Pipeline, Resource, RetryPolicy, Step, StepKind, Trigger,
    TriggerKind, Value, Workflow,
};
use proptest::prelude::*;
use ruff_python_ast::token::TokenKind;
use ruff_text_size::Ranged;

const PAYLOADS: &[&str] = &[
    "\n__import__('os').system('pwned')\n#",
    "\"\"\"\n__import__('os').system('pwned')\n\"\"\"",
    "'''); __import__('os').system('pwned'); ('''",
    "\\\n__import__('os').system('pwned')",
    "\r__import__('os').system('pwned')",
    "\u{2028}__import__('os').system('pwned')",
    "\u{0c}__import__('os').system('pwned')",
    "x\0__import__('os').system('pwned')",
    "{__import__('os').system('pwned')}",
    "${__import__('os').system('pwned')}",
    "{% __import__('os').system('pwned') %}",
    ")\n__import__('os').system('pwned')\n(",
    "\u{202e}__import__('os').system('pwned')",
];

fn span() -> Span {
    Span::new(FileId(0), 0, 1)
}

fn mapping(hostile: &str, class: u8) -> Mapping {
    match class % 3 {
        0 => Mapping::direct(hostile),
        1 => Mapping::approximate(hostile, hostile),
        _ => Mapping::absent(hostile, hostile, MigrationFlag::High),
    }
}

fn step(name: &str, hostile: &str, kind: StepKind, class: u8) -> Step {
    let mut s = Step::new(name, hostile, span(), kind, mapping(hostile, class));
    s.notes.push(hostile.to_string());
    s
}

fn template(hostile: &str) -> Value {
    Value::Object(vec![
        (hostile.to_string(), Value::String(hostile.to_string())),
        ("n".into(), Value::Number(hostile.to_string())),
        (
            "list".into(),
            Value::Array(vec![Value::String(hostile.to_string())]),
        ),
    ])
}

/// An SDK call target with `hostile` in every string field; `wait` adds a `.sync` wait.
fn sdk_target(hostile: &str, wait: bool) -> ferry_ir::CallTarget {
    ferry_ir::CallTarget::Sdk(ferry_ir::SdkCall {
        client: hostile.into(),
        method: hostile.into(),
        operation: hostile.into(),
        names: if wait {
            ferry_ir::MemberNames::Pascal
        } else {
            ferry_ir::MemberNames::Api
        },
        encode: if wait {
            vec![ferry_ir::Encoding {
                path: vec![hostile.into()],
                how: ferry_ir::Encode::JsonBytes,
            }]
        } else {
            Vec::new()
        },
        decode: vec![vec![hostile.into()]],
        wait: wait.then(|| ferry_ir::SyncWait {
            method: hostile.into(),
            args: vec![ferry_ir::WaitArg {
                name: hostile.into(),
                from: ferry_ir::ArgFrom::Request,
                path: vec![hostile.into()],
                list: true,
            }],
            waiter: Some(hostile.into()),
            status: vec![hostile.into()],
            success: vec![hostile.into()],
            failure: vec![hostile.into()],
            parse_json: vec![vec![hostile.into()]],
        }),
    })
}

/// A workflow holding every step kind, with `hostile` in every string field.
fn workflow(hostile: &str, class: u8) -> Workflow {
    let mut w = Workflow::new(hostile, Frontend::Asl);
    let mut p = Pipeline::new("main", hostile, span());
    p.dynamic = true;
    p.notes.push(hostile.to_string());
    p.params.push(Parameter {
        name: "threshold".into(),
        ty: ParamType::String,
        default: Some(Value::String(hostile.to_string())),
        span: span(),
        mapping: Mapping::direct(hostile),
    });
    let kinds = vec![
        StepKind::Script {
            image: Some(hostile.into()),
            command: vec![hostile.into()],
            code: Some(hostile.into()),
        },
        StepKind::Job {
            job: hostile.into(),
            config: template(hostile),
        },
        StepKind::ServiceCall {
            service: hostile.into(),
            action: hostile.into(),
            pattern: IntegrationPattern::Sync,
            request: template(hostile),
            target: None,
        },
        StepKind::ServiceCall {
            service: hostile.into(),
            action: hostile.into(),
            pattern: IntegrationPattern::Sync,
            request: template(hostile),
            target: Some(Box::new(sdk_target(hostile, true))),
        },
        StepKind::ServiceCall {
            service: hostile.into(),
            action: hostile.into(),
            pattern: IntegrationPattern::RequestResponse,
            request: template(hostile),
            target: Some(Box::new(sdk_target(hostile, false))),
        },
        StepKind::Lambda {
            function: hostile.into(),
            payload: template(hostile),
            pattern: IntegrationPattern::RequestResponse,
        },
        StepKind::Activity {
            arn: hostile.into(),
        },
        StepKind::Transform {
            template: template(hostile),
        },
        StepKind::Wait {
            seconds: Some(Binding::Literal(Value::Number(hostile.into()))),
            until: None,
        },
        StepKind::Fail {
            error: Some(hostile.into()),
            cause: Some(hostile.into()),
        },
        StepKind::Opaque {
            construct: hostile.into(),
            config: template(hostile),
        },
    ];
    let mut previous = None;
    for (i, kind) in kinds.into_iter().enumerate() {
        let mut s = step(&format!("s{i}"), hostile, kind, class.wrapping_add(i as u8));
        s.retry.push(RetryPolicy {
            errors: vec![hostile.into()],
            max_attempts: 2,
            interval_seconds: 1,
            backoff_rate: hostile.into(),
            max_delay_seconds: None,
            jitter: Some(hostile.into()),
            span: span(),
        });
        s.outputs.push(ferry_ir::Output {
            name: "result".into(),
            ty: ferry_ir::PortType::Json,
            span: span(),
        });
        s.inputs.push(ferry_ir::Input {
            name: "threshold".into(),
            ty: ferry_ir::PortType::Scalar,
            binding: Binding::Parameter("threshold".into()),
            span: span(),
        });
        let n = p.add_step(s);
        if let Some(prev) = previous {
            p.add_edge(prev, n, EdgeKind::Order, span());
        }
        previous = Some(n);
    }
    let mut branch = step(
        "gate",
        hostile,
        StepKind::Branch {
            rules: vec![BranchRule {
                label: hostile.into(),
                condition: Condition::Compare {
                    lhs: Binding::Parameter("threshold".into()),
                    op: CompareOp::Eq,
                    rhs: Binding::Literal(Value::String(hostile.into())),
                },
                span: span(),
            }],
            default: Some("default".into()),
        },
        0,
    );
    branch.inputs.clear();
    let gate = p.add_step(branch);
    let done = p.add_step(step("done", hostile, StepKind::Succeed, 0));
    let fail = p.add_step(step(
        "fail",
        hostile,
        StepKind::Fail {
            error: Some(hostile.into()),
            cause: None,
        },
        0,
    ));
    if let Some(prev) = previous {
        p.add_edge(prev, gate, EdgeKind::Order, span());
        p.add_edge(
            prev,
            fail,
            EdgeKind::Error(Catch {
                errors: vec![hostile.into()],
                result_path: Some(hostile.into()),
                span: span(),
            }),
            span(),
        );
    }
    p.add_edge(
        gate,
        done,
        EdgeKind::Branch {
            label: hostile.into(),
        },
        span(),
    );
    p.add_edge(
        gate,
        fail,
        EdgeKind::Branch {
            label: "default".into(),
        },
        span(),
    );
    w.pipelines.push(p);
    w.triggers.push(Trigger {
        name: hostile.into(),
        kind: TriggerKind::Schedule {
            cron: hostile.into(),
            timezone: Some(hostile.into()),
        },
        pipeline: "main".into(),
        span: span(),
        mapping: Mapping::approximate(hostile, hostile),
    });
    w.resources.push(Resource {
        name: hostile.into(),
        kind: hostile.into(),
        config: template(hostile),
        span: span(),
        mapping: Mapping::absent(hostile, hostile, MigrationFlag::Medium),
    });
    w
}

/// Token kinds that may hold input text: literals and comments.
fn holds_text(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::String
            | TokenKind::FStringStart
            | TokenKind::FStringMiddle
            | TokenKind::FStringEnd
            | TokenKind::Comment
    )
}

fn check(hostile: &str, class: u8) -> Result<(), TestCaseError> {
    let mut sources = SourceMap::new();
    sources.add("hostile.asl.json", "{}".to_string());
    let emitted = ferry_zenml::emit(
        &workflow(hostile, class),
        &sources,
        &ferry_zenml::EmitOptions::default(),
        &[],
    );
    prop_assert!(!emitted.files.is_empty(), "nothing emitted for {hostile:?}");
    for d in &emitted.diagnostics {
        prop_assert!(
            !d.code.starts_with("F070") || !d.is_error(),
            "{hostile:?}: output verifier finding {}: {} {:?}",
            d.code,
            d.message,
            d.notes
        );
    }
    for (path, text) in emitted.files.iter().filter(|(p, _)| p.ends_with(".py")) {
        let parsed = ruff_python_parser::parse_module(text);
        prop_assert!(
            parsed.is_ok(),
            "{path} does not parse for {hostile:?}:\n{text}"
        );
        let parsed = parsed.unwrap();
        for token in parsed.tokens() {
            let slice = &text[token.range().start().to_usize()..token.range().end().to_usize()];
            if !holds_text(token.kind()) {
                prop_assert!(
                    !slice.contains("__import__") && slice != "system" && slice != "os",
                    "{path}: code token {slice:?} from {hostile:?}:\n{text}"
                );
            }
        }
    }
    Ok(())
}

#[test]
fn every_payload_stays_inside_literals_and_comments() {
    for (i, payload) in PAYLOADS.iter().enumerate() {
        check(payload, i as u8).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn arbitrary_text_stays_inside_literals_and_comments(
        prefix in "\\PC{0,12}",
        payload in proptest::sample::select(PAYLOADS),
        suffix in any::<String>(),
        class in any::<u8>(),
    ) {
        check(&format!("{prefix}{payload}{suffix}"), class)?;
    }
}
