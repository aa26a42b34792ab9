//! Property tests of the text form over generated workflows: parse(print(w)) == w and
//! print is a fixed point; arbitrary or mutated text never panics the parser.

use ferry_diagnostics::{FileId, MigrationFlag, Span};
use ferry_ir::text::{parse, print};
use ferry_ir::*;
use proptest::prelude::*;

fn span() -> impl Strategy<Value = Span> {
    prop_oneof![
        Just(Span::detached()),
        (0u32..3, 0u32..5000, 0u32..100).prop_map(|(f, s, l)| Span {
            file: FileId(f),
            start: s,
            end: s + l
        })
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z_][a-zA-Z0-9_]{0,8}",
        Just("step".to_string()),
        Just("\"}{\n".to_string())
    ]
}

/// A name position: a Python identifier, sometimes one the text form must quote.
fn ident() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z_][a-zA-Z0-9_]{0,8}".prop_filter("not a keyword", |s| {
            ferry_ir::verify::is_valid_identifier(s)
        }),
        Just("step".to_string()),
        Just("none".to_string()),
        Just("literal".to_string()),
    ]
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        (any::<i32>(), 0u32..1000).prop_map(|(a, b)| format!("{a}.{b}")),
        Just("1e-3".into()),
        Just("-2.5E+10".into())
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number().prop_map(Value::Number),
        text().prop_map(Value::String)
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((text(), inner.clone()), 0..4).prop_map(Value::Object),
            (text(), prop::collection::vec(inner, 0..3))
                .prop_map(|(separator, parts)| Value::Join { separator, parts }),
            text().prop_map(Value::Runtime),
        ]
    })
}

fn mapping() -> impl Strategy<Value = Mapping> {
    (
        text(),
        prop_oneof![
            Just(MappingClass::Direct),
            Just(MappingClass::Approximate),
            Just(MappingClass::Absent)
        ],
        text(),
        prop::option::of(prop_oneof![
            Just(MigrationFlag::Low),
            Just(MigrationFlag::Medium),
            Just(MigrationFlag::High)
        ]),
    )
        .prop_map(|(construct, class, note, flag)| Mapping {
            construct,
            class,
            note,
            flag,
        })
}

fn binding() -> impl Strategy<Value = Binding> {
    prop_oneof![
        value().prop_map(Binding::Literal),
        ident().prop_map(Binding::Parameter),
        (
            ident(),
            ident(),
            prop::collection::vec(
                prop_oneof![
                    text().prop_map(Segment::Key),
                    any::<i64>().prop_map(Segment::Index)
                ],
                0..3
            )
        )
            .prop_map(|(step, port, projection)| Binding::StepOutput {
                step,
                port,
                projection
            }),
        (
            prop::sample::select(PlaceholderKind::ALL.to_vec()),
            text(),
            span(),
            any::<bool>()
        )
            .prop_map(
                |(kind, text, span, flagged)| Binding::Unresolved(Placeholder {
                    kind,
                    text,
                    span,
                    flagged
                })
            ),
        (text(), ident()).prop_map(|(name, producer)| Binding::Artifact { name, producer }),
        (expr(), text(), span()).prop_map(|(expr, text, span)| Binding::Expr(Box::new(Computed {
            expr,
            text,
            span
        }))),
    ]
}

fn var() -> impl Strategy<Value = Var> {
    prop_oneof![
        Just(Var::Input),
        Just(Var::Result),
        Just(Var::ErrorOutput),
        Just(Var::Context),
        Just(Var::Current),
        text().prop_map(Var::Variable),
        text().prop_map(Var::Port),
        Just(Var::Variable("states".into())),
    ]
}

fn selector(e: BoxedStrategy<Expr>) -> impl Strategy<Value = Selector> {
    let leaf = prop_oneof![
        text().prop_map(Selector::Field),
        any::<i64>().prop_map(Selector::Index),
        Just(Selector::Wildcard),
        Just(Selector::Descendants),
        (
            prop::option::of(any::<i64>()),
            prop::option::of(any::<i64>()),
            prop::option::of(any::<i64>())
        )
            .prop_map(|(start, end, step)| Selector::Slice { start, end, step }),
    ];
    prop_oneof![
        3 => leaf.clone(),
        1 => prop::collection::vec(leaf, 0..3).prop_map(Selector::Union),
        1 => e.prop_map(Selector::Filter),
    ]
}

fn expr() -> BoxedStrategy<Expr> {
    let leaf = prop_oneof![
        Just(Expr::Null),
        any::<bool>().prop_map(Expr::Bool),
        number().prop_map(Expr::Number),
        text().prop_map(Expr::String),
        var().prop_map(Expr::Var),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        let boxed = inner.clone().boxed();
        prop_oneof![
            (
                inner.clone(),
                prop::collection::vec(
                    prop_oneof![
                        text().prop_map(PathStep::Field),
                        Just(PathStep::Wildcard),
                        Just(PathStep::Descendants),
                        inner.clone().prop_map(PathStep::Filter),
                        inner.clone().prop_map(PathStep::Map),
                    ],
                    0..3
                )
            )
                .prop_map(|(base, steps)| Expr::Path {
                    base: Box::new(base),
                    steps
                }),
            (
                inner.clone(),
                prop::collection::vec(selector(boxed.clone()), 0..3)
            )
                .prop_map(|(base, selectors)| Expr::JsonPath {
                    base: Box::new(base),
                    selectors
                }),
            (prop::sample::select(UnaryOp::ALL.to_vec()), inner.clone()).prop_map(
                |(op, operand)| Expr::Unary {
                    op,
                    operand: Box::new(operand)
                }
            ),
            (
                prop::sample::select(BinaryOp::ALL.to_vec()),
                inner.clone(),
                inner.clone()
            )
                .prop_map(|(op, l, r)| Expr::binary(op, l, r)),
            (
                inner.clone(),
                inner.clone(),
                prop::option::of(inner.clone())
            )
                .prop_map(|(t, a, b)| Expr::Cond {
                    test: Box::new(t),
                    then: Box::new(a),
                    otherwise: b.map(Box::new)
                }),
            prop::collection::vec(inner.clone(), 0..3).prop_map(Expr::Array),
            prop::collection::vec((inner.clone(), inner.clone()), 0..3).prop_map(Expr::Object),
            (
                prop::sample::select(Func::ALL.to_vec()),
                prop::collection::vec(inner.clone(), 0..3)
            )
                .prop_map(|(func, args)| Expr::Call { func, args }),
            (prop::collection::vec(text(), 0..3), inner).prop_map(|(params, body)| Expr::Lambda {
                params,
                body: Box::new(body)
            }),
        ]
    })
    .boxed()
}

fn strings() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(text(), 0..3)
}

fn target() -> impl Strategy<Value = CallTarget> {
    let wait = (
        text(),
        prop::collection::vec(
            (text(), any::<bool>(), strings(), any::<bool>()).prop_map(
                |(name, req, path, list)| WaitArg {
                    name,
                    from: if req {
                        ArgFrom::Request
                    } else {
                        ArgFrom::Response
                    },
                    path,
                    list,
                },
            ),
            0..3,
        ),
        prop::option::of(text()),
        strings(),
        strings(),
        strings(),
        prop::collection::vec(strings(), 0..2),
    )
        .prop_map(
            |(method, args, waiter, status, success, failure, parse_json)| SyncWait {
                method,
                args,
                waiter,
                status,
                success,
                failure,
                parse_json,
            },
        );
    prop_oneof![
        (
            (text(), text(), text(), any::<bool>()),
            prop::collection::vec(
                (strings(), any::<bool>()).prop_map(|(path, b)| Encoding {
                    path,
                    how: if b {
                        Encode::JsonText
                    } else {
                        Encode::JsonBytes
                    }
                }),
                0..2
            ),
            prop::collection::vec(strings(), 0..2),
            prop::option::of(wait)
        )
            .prop_map(|((client, method, operation, api), encode, decode, wait)| {
                CallTarget::Sdk(SdkCall {
                    client,
                    method,
                    operation,
                    names: if api {
                        MemberNames::Api
                    } else {
                        MemberNames::Pascal
                    },
                    encode,
                    decode,
                    wait,
                })
            }),
        prop::option::of(text()).prop_map(|connection| CallTarget::Http { connection }),
        Just(CallTarget::ApiGateway),
        Just(CallTarget::S3ItemReader),
        text().prop_map(|reason| CallTarget::Unsupported { reason }),
    ]
}

fn condition() -> impl Strategy<Value = Condition> {
    let leaf = prop_oneof![
        (
            binding(),
            prop::sample::select(CompareOp::ALL.to_vec()),
            binding()
        )
            .prop_map(|(lhs, op, rhs)| Condition::Compare { lhs, op, rhs }),
        (text(), text()).prop_map(|(language, text)| Condition::Expr { language, text }),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..3).prop_map(Condition::And),
            prop::collection::vec(inner.clone(), 1..3).prop_map(Condition::Or),
            inner.prop_map(|c| Condition::Not(Box::new(c))),
        ]
    })
}

fn pattern() -> impl Strategy<Value = IntegrationPattern> {
    prop::sample::select(IntegrationPattern::ALL.to_vec())
}

fn leaf_kind() -> impl Strategy<Value = StepKind> {
    prop_oneof![
        (
            prop::option::of(text()),
            prop::collection::vec(text(), 0..3),
            prop::option::of(text())
        )
            .prop_map(|(image, command, code)| StepKind::Script {
                image,
                command,
                code
            }),
        (text(), value()).prop_map(|(job, config)| StepKind::Job { job, config }),
        (text(), prop::collection::vec(text(), 0..3), text(), span()).prop_map(
            |(function, imports, body, body_span)| StepKind::Python {
                function,
                imports,
                body,
                body_span
            }
        ),
        (
            text(),
            text(),
            pattern(),
            value(),
            prop::option::of(target())
        )
            .prop_map(|(service, action, pattern, request, target)| {
                StepKind::ServiceCall {
                    service,
                    action,
                    pattern,
                    request,
                    target: target.map(Box::new),
                }
            }),
        (text(), value(), pattern()).prop_map(|(function, payload, pattern)| StepKind::Lambda {
            function,
            payload,
            pattern
        }),
        text().prop_map(|arn| StepKind::Activity { arn }),
        value().prop_map(|template| StepKind::Transform { template }),
        (
            prop::collection::vec((text(), condition(), span()), 0..3),
            prop::option::of(text())
        )
            .prop_map(|(rules, default)| StepKind::Branch {
                rules: rules
                    .into_iter()
                    .map(|(label, condition, span)| BranchRule {
                        label,
                        condition,
                        span
                    })
                    .collect(),
                default
            }),
        (prop::option::of(text()), prop::option::of(text()))
            .prop_map(|(error, cause)| StepKind::Fail { error, cause }),
        Just(StepKind::Succeed),
        (prop::option::of(binding()), prop::option::of(binding()))
            .prop_map(|(seconds, until)| StepKind::Wait { seconds, until }),
        (text(), value()).prop_map(|(construct, config)| StepKind::Opaque { construct, config }),
        container().prop_map(|job| StepKind::Container(Box::new(job))),
    ]
}

fn program() -> impl Strategy<Value = Program> {
    prop_oneof![
        (text(), text(), prop::collection::vec(text(), 0..2)).prop_map(
            |(code_dir, entry, interpreter)| Program::Script {
                code_dir,
                entry,
                interpreter
            }
        ),
        (text(), text()).prop_map(|(algorithm, version)| Program::Builtin { algorithm, version }),
        value().prop_map(|image| Program::Image { image }),
        text().prop_map(|expected| Program::Missing { expected }),
        Just(Program::Service),
    ]
}

fn container() -> impl Strategy<Value = ContainerJob> {
    (
        (prop::sample::select(JobKind::ALL.to_vec()), program()),
        prop::collection::vec((ident(), text(), text(), prop::option::of(text())), 0..3),
        prop::collection::vec((ident(), text()), 0..3),
        prop::collection::vec((text(), ident(), ident(), text()), 0..2),
        (
            prop::collection::vec(value(), 0..3),
            prop::collection::vec((text(), value()), 0..3),
            prop::collection::vec((text(), value()), 0..2),
            value(),
        ),
        prop::option::of((text(), value(), text(), value())),
    )
        .prop_map(
            |(
                (job, program),
                channels,
                results,
                files,
                (arguments, hps, env, settings),
                launch,
            )| {
                ContainerJob {
                    job,
                    program,
                    channels: channels
                        .into_iter()
                        .map(|(input, name, path, content_type)| Channel {
                            input,
                            name,
                            path,
                            content_type,
                        })
                        .collect(),
                    results: results
                        .into_iter()
                        .map(|(output, path)| ResultDir { output, path })
                        .collect(),
                    property_files: files
                        .into_iter()
                        .map(|(name, output, result, path)| PropertyFileSpec {
                            name,
                            output,
                            result,
                            path,
                        })
                        .collect(),
                    arguments,
                    hyperparameters: hps,
                    environment: env,
                    settings,
                    launch: launch.map(|(class, arguments, method, method_arguments)| Launch {
                        class,
                        arguments,
                        method,
                        method_arguments,
                    }),
                }
            },
        )
}

fn retry() -> impl Strategy<Value = RetryPolicy> {
    (
        prop::collection::vec(text(), 0..3),
        any::<u32>(),
        any::<u32>(),
        number(),
        prop::option::of(any::<u32>()),
        prop::option::of(text()),
        span(),
    )
        .prop_map(
            |(
                errors,
                max_attempts,
                interval_seconds,
                backoff_rate,
                max_delay_seconds,
                jitter,
                span,
            )| RetryPolicy {
                errors,
                max_attempts,
                interval_seconds,
                backoff_rate,
                max_delay_seconds,
                jitter,
                span,
            },
        )
}

fn step(kind: BoxedStrategy<StepKind>) -> impl Strategy<Value = Step> {
    (
        (ident(), text(), span(), kind, mapping()),
        prop::collection::vec(
            (
                ident(),
                prop::sample::select(PortType::ALL.to_vec()),
                binding(),
                span(),
            ),
            0..3,
        ),
        prop::collection::vec(
            (
                ident(),
                prop::sample::select(PortType::ALL.to_vec()),
                span(),
            ),
            0..3,
        ),
        prop::collection::vec(retry(), 0..2),
        (prop::option::of(any::<bool>()), prop::option::of(text())),
        prop::collection::btree_map(text(), value(), 0..3),
        (
            prop::option::of(any::<u32>()),
            prop::option::of(any::<u32>()),
            prop::collection::vec(text(), 0..2),
        ),
    )
        .prop_map(
            |(
                (name, display, span, kind, mapping),
                inputs,
                outputs,
                retry,
                (enabled, expire_after),
                hints,
                (timeout, heartbeat, notes),
            )| {
                let mut s = Step::new(name, display, span, kind, mapping);
                s.inputs = inputs
                    .into_iter()
                    .map(|(name, ty, binding, span)| Input {
                        name,
                        ty,
                        binding,
                        span,
                    })
                    .collect();
                s.outputs = outputs
                    .into_iter()
                    .map(|(name, ty, span)| Output { name, ty, span })
                    .collect();
                s.retry = retry;
                s.cache = CachePolicy {
                    enabled,
                    expire_after,
                };
                s.hints = hints;
                s.timeout_seconds = timeout;
                s.heartbeat_seconds = heartbeat;
                s.notes = notes;
                s
            },
        )
}

fn edge_kind() -> impl Strategy<Value = EdgeKind> {
    prop_oneof![
        Just(EdgeKind::Order),
        (ident(), ident()).prop_map(|(from_port, to_port)| EdgeKind::Data { from_port, to_port }),
        text().prop_map(|label| EdgeKind::Branch { label }),
        (
            prop::collection::vec(text(), 0..3),
            prop::option::of(text()),
            span()
        )
            .prop_map(|(errors, result_path, span)| EdgeKind::Error(Catch {
                errors,
                result_path,
                span
            })),
    ]
}

fn pipeline_with(kind: BoxedStrategy<StepKind>) -> impl Strategy<Value = Pipeline> {
    (
        (
            ident(),
            text(),
            span(),
            any::<bool>(),
            prop::option::of(ident()),
            prop::collection::vec(text(), 0..2),
        ),
        prop::collection::vec(
            (
                ident(),
                prop::sample::select(ParamType::ALL.to_vec()),
                prop::option::of(value()),
                span(),
                mapping(),
            ),
            0..3,
        ),
        prop::collection::vec(step(kind), 0..4),
        prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                any::<prop::sample::Index>(),
                edge_kind(),
                span(),
            ),
            0..5,
        ),
    )
        .prop_map(
            |((name, display, span, dynamic, entry, notes), params, steps, edges)| {
                let mut p = Pipeline::new(name, display, span);
                p.dynamic = dynamic;
                p.entry = entry;
                p.notes = notes;
                p.params = params
                    .into_iter()
                    .map(|(name, ty, default, span, mapping)| Parameter {
                        name,
                        ty,
                        default,
                        span,
                        mapping,
                    })
                    .collect();
                // Step names must be unique for edges to be printable by name.
                let mut seen = std::collections::BTreeSet::new();
                let nodes: Vec<_> = steps
                    .into_iter()
                    .filter(|s| seen.insert(s.name.clone()))
                    .map(|s| p.add_step(s))
                    .collect();
                if !nodes.is_empty() {
                    for (a, b, kind, span) in edges {
                        p.add_edge(
                            nodes[a.index(nodes.len())],
                            nodes[b.index(nodes.len())],
                            kind,
                            span,
                        );
                    }
                }
                p
            },
        )
}

fn kind() -> BoxedStrategy<StepKind> {
    let region = pipeline_with(leaf_kind().boxed()).boxed();
    prop_oneof![
        6 => leaf_kind(),
        1 => (binding(), region.clone(), prop::option::of(any::<u32>()), any::<bool>(), value())
            .prop_map(|(items, region, max_concurrency, distributed, config)| StepKind::Map { items, region: Box::new(region), max_concurrency, distributed, config }),
        1 => prop::collection::vec(region, 0..3).prop_map(|branches| StepKind::Parallel { branches }),
    ]
    .boxed()
}

fn workflow() -> impl Strategy<Value = Workflow> {
    (
        (
            text(),
            prop::sample::select(Frontend::ALL.to_vec()),
            prop::collection::vec((0u32..3, text()), 0..3),
        ),
        prop::collection::vec(pipeline_with(kind()), 0..3),
        prop::collection::vec(
            (
                text(),
                prop_oneof![
                    (text(), prop::option::of(text()))
                        .prop_map(|(cron, timezone)| TriggerKind::Schedule { cron, timezone }),
                    any::<u64>().prop_map(|seconds| TriggerKind::Interval { seconds }),
                    text().prop_map(|description| TriggerKind::Sensor { description }),
                ],
                text(),
                span(),
                mapping(),
            ),
            0..3,
        ),
        prop::collection::vec((text(), text(), value(), span(), mapping()), 0..2),
        prop::collection::vec(
            (text(), text(), prop::option::of(text()), span(), mapping()),
            0..2,
        ),
    )
        .prop_map(
            |((name, frontend, sources), pipelines, triggers, resources, models)| {
                let mut w = Workflow::new(name, frontend);
                w.sources = sources
                    .into_iter()
                    .map(|(f, path)| SourceRef {
                        file: FileId(f),
                        path,
                    })
                    .collect();
                w.pipelines = pipelines;
                w.triggers = triggers
                    .into_iter()
                    .map(|(name, kind, pipeline, span, mapping)| Trigger {
                        name,
                        kind,
                        pipeline,
                        span,
                        mapping,
                    })
                    .collect();
                w.resources = resources
                    .into_iter()
                    .map(|(name, kind, config, span, mapping)| Resource {
                        name,
                        kind,
                        config,
                        span,
                        mapping,
                    })
                    .collect();
                w.models = models
                    .into_iter()
                    .map(|(name, step, approval, span, mapping)| ModelRegistration {
                        name,
                        step,
                        approval,
                        span,
                        mapping,
                    })
                    .collect();
                w
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(s in any::<String>()) {
        let _ = parse(&s, FileId(0));
    }

}

/// Workflows with container jobs and expression bindings nest deeply enough that the
/// generated values (and their shrinking) need more than a test thread's default stack
/// in debug builds; these properties run on a thread of their own with a larger one.
fn on_big_stack<S: Strategy>(
    strategy: impl Fn() -> S + Send + 'static,
    test: impl Fn(S::Value) -> Result<(), TestCaseError> + Send + 'static,
) {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
                cases: 128,
                ..ProptestConfig::default()
            });
            if let Err(e) = runner.run(&strategy(), test) {
                panic!("{e}");
            }
        })
        .expect("spawn the property thread")
        .join()
        .expect("property holds");
}

#[test]
fn print_parse_round_trips() {
    on_big_stack(workflow, |w| {
        let printed = print(&w);
        let parsed = parse(&printed, FileId(0))
            .map_err(|d| TestCaseError::fail(format!("{d:#?}\n{printed}")))?;
        prop_assert_eq!(&parsed, &w);
        prop_assert_eq!(print(&parsed), printed);
        Ok(())
    });
}

#[test]
fn mutated_text_never_panics() {
    let cases = || (workflow(), any::<prop::sample::Index>(), any::<String>());
    on_big_stack(cases, |(w, cut, insert)| {
        let printed = print(&w);
        let mut at = cut.index(printed.len() + 1);
        while !printed.is_char_boundary(at) {
            at -= 1;
        }
        let mutated = format!("{}{}{}", &printed[..at], insert, &printed[at..]);
        if let Err(diagnostics) = parse(&mutated, FileId(0)) {
            prop_assert!(diagnostics.iter().all(|d| d.code.starts_with("F01")));
        }
        Ok(())
    });
}
