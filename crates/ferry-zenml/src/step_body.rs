//! The body of a `@step` function for each step kind. What the body is decides how the
//! step is recorded: a body that raises NotImplementedError is a stand-in, whatever
//! the IR's mapping class says.

use ferry_ir::{Binding, IntegrationPattern, MappingClass, Step, StepKind};
use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::Ranged;

use crate::code::{Code, Ident, py};
use crate::context::Context;
use crate::imports::Imports;
use crate::step_module::param_name;
use crate::writer::Writer;

/// What the emitted body does.
pub enum BodyKind {
    Translated,
    /// Translated, with a change against the source the `# Migration note:` names.
    Noted {
        note: String,
    },
    /// The body raises NotImplementedError: why, and what to do instead.
    StandIn {
        reason: String,
        redesign: String,
    },
}

pub struct Body {
    pub kind: BodyKind,
    /// The docstring of a carried function, kept as the function's docstring.
    pub docstring: Option<Code>,
}

fn translated() -> Body {
    Body {
        kind: BodyKind::Translated,
        docstring: None,
    }
}

pub(crate) fn stand_in(
    w: &mut Writer,
    step: &Step,
    reason: String,
    redesign: String,
    extra: Option<Code>,
) -> Body {
    let message = Code::str_lit(&format!("{reason}: {redesign}"));
    match extra {
        Some(extra) => w.line(py!("raise NotImplementedError({}, {})", message, extra)),
        None => w.line(py!("raise NotImplementedError({})", message)),
    }
    if step.outputs.len() > 1 {
        // ZenML counts a step's outputs by the tuple it returns; the raise ends the
        // step first.
        w.comment("The tuple tells ZenML how many outputs the step has.");
        let nones: Vec<Code> = step.outputs.iter().map(|_| Code::text("None")).collect();
        w.line(py!("return {}", Code::join(nones, ", ")));
    }
    Body {
        kind: BodyKind::StandIn { reason, redesign },
        docstring: None,
    }
}

/// Write the body of `step` into `w` (at the function's depth).
pub fn emit(step: &Step, w: &mut Writer, imports: &mut Imports, cx: &mut Context) -> Body {
    let input = |n: &str| param_name(step, n).code();
    if step.mapping.class == MappingClass::Absent {
        let redesign = if step.mapping.note.is_empty() {
            "redesign this step".to_string()
        } else {
            step.mapping.note.clone()
        };
        let reason = format!("{} has no ZenML equivalent", step.mapping.construct);
        return stand_in(w, step, reason, redesign, None);
    }
    let has_outputs = !step.outputs.is_empty();
    match &step.kind {
        StepKind::Python {
            imports: carried_imports,
            body,
            body_span,
            ..
        } => {
            // A front end of Python sources carries bodies that parse; IR written by
            // hand may not. Such a body is an error on its source, never a file that
            // does not parse.
            if let Err(e) = ruff_python_parser::parse_module(body) {
                cx.diagnostics.push(
                    ferry_diagnostics::Diagnostic::error(
                        "F0711",
                        format!(
                            "the Python body of `{}` does not parse: {}",
                            step.display_name, e.error
                        ),
                    )
                    .with_primary(*body_span, "this body"),
                );
                return stand_in(
                    w,
                    step,
                    format!("the body of {} does not parse", step.display_name),
                    "fix the body in the source".into(),
                    None,
                );
            }
            for statement in carried_imports {
                if let Err(text) = imports.carried(statement) {
                    cx.diagnostics.push(
                        ferry_diagnostics::Diagnostic::error(
                            "F0711",
                            format!(
                                "an import carried for `{}` is not an import statement: {text}",
                                step.display_name
                            ),
                        )
                        .with_primary(*body_span, "the body that needs it"),
                    );
                }
            }
            for module in imports.top_level_modules() {
                if let Some(distribution) = crate::distributions::for_import(&module) {
                    cx.require(distribution);
                }
            }
            let (docstring, rest) = split_docstring(body);
            if !crate::runtime::emit_generator(step, rest, w, imports) {
                w.carried(&Code::carried(rest));
            }
            Body {
                kind: BodyKind::Translated,
                docstring: docstring.map(Code::carried),
            }
        }
        StepKind::Fail { error, cause } => {
            imports.from("steps.errors", "PipelineFailedError");
            let text = |s: &Option<String>| s.as_deref().map_or(Code::text("None"), Code::str_lit);
            // A message computed while the pipeline runs arrives as the `message` input.
            let cause = match (cause, step.inputs.iter().find(|i| i.name == "message")) {
                (None, Some(_)) => py!("str({})", param_name(step, "message")),
                _ => text(cause),
            };
            w.line(py!(
                "raise PipelineFailedError(error={}, cause={})",
                text(error),
                cause
            ));
            translated()
        }
        StepKind::Container(job) => crate::container_jobs::emit(step, job, w, imports, cx),
        StepKind::Transform { template } => {
            if Code::reads_runtime(template) {
                imports.from("steps._container.contract", "execution_fact");
            }
            if has_outputs {
                w.line(py!("return {}", Code::value(template, &input)));
            }
            translated()
        }
        StepKind::Wait { seconds, until } => {
            match (seconds, until) {
                (Some(Binding::Literal(v)), _) => {
                    imports.import("time");
                    w.line(py!("time.sleep({})", Code::value(v, &input)));
                }
                (Some(_), _) => {
                    imports.import("time");
                    w.line(py!("time.sleep(float(seconds))"));
                }
                (None, Some(_)) => {
                    imports.import("time");
                    imports.from("datetime", "UTC");
                    imports.from("datetime", "datetime");
                    w.line(py!("target = datetime.fromisoformat(str(until))"));
                    w.line(py!(
                        "time.sleep(max(0.0, (target - datetime.now(UTC)).total_seconds()))"
                    ));
                }
                (None, None) => {}
            }
            translated()
        }
        StepKind::ServiceCall {
            service,
            action,
            pattern,
            request,
            target,
        } => {
            let callback = *pattern == IntegrationPattern::WaitForTaskToken;
            if let Some(ferry_ir::CallTarget::ApiGateway) = target.as_deref() {
                crate::computed::use_runtime(imports, cx);
                // IAM-authorised endpoints are signed with botocore (through boto3).
                cx.require("boto3");
                imports.import("boto3");
                imports.from("botocore.auth", "SigV4Auth");
                imports.from("botocore.awsrequest", "AWSRequest");
                w.line(py!("request = {}", Code::value(request, &input)));
                let call = py!(
                    "rt.apigateway_invoke(request, sigv4=(boto3.Session(), SigV4Auth, AWSRequest))"
                );
                answer(step, w, imports, cx, call, callback);
                return translated();
            }
            // An HTTP Task is a plain HTTP request (no AWS client makes it).
            if let Some(ferry_ir::CallTarget::Http { .. }) = target.as_deref() {
                crate::computed::use_runtime(imports, cx);
                w.line(py!("request = {}", Code::value(request, &input)));
                let call = py!("rt.http_invoke(request)");
                answer(step, w, imports, cx, call, callback);
                return translated();
            }
            imports.import("boto3");
            cx.require("boto3");
            if let Some(ferry_ir::CallTarget::S3ItemReader) = target.as_deref() {
                crate::computed::use_runtime(imports, cx);
                w.line(py!("request = {}", Code::value(request, &input)));
                let call = py!(
                    "rt.s3_item_reader(boto3.client(\"s3\"), {}, request)",
                    Code::str_lit(action)
                );
                if has_outputs {
                    w.line(py!("return {}", call));
                } else {
                    w.line(call);
                }
                return translated();
            }
            let waits = matches!(
                pattern,
                IntegrationPattern::Sync | IntegrationPattern::Sync2
            );
            // `.waitForTaskToken`: the call's own response is not the state's result.
            let keep = has_outputs && !callback;
            w.line(py!("request = {}", Code::value(request, &input)));
            if let Some(lines) = target
                .as_deref()
                .and_then(|t| crate::computed::sdk_call(t, keep, imports, cx))
            {
                for line in lines {
                    w.line(line);
                }
                if callback {
                    wait_for_task_token(step, w, imports, cx);
                } else if has_outputs {
                    w.line(py!("return response"));
                }
                return translated();
            }
            w.line(py!("client = boto3.client({})", Code::str_lit(service)));
            let method = Ident::new(&snake_case(action));
            if callback {
                w.line(py!("client.{}(**request)", method));
                wait_for_task_token(step, w, imports, cx);
                return translated();
            }
            if has_outputs || waits {
                w.line(py!("response = client.{}(**request)", method));
            } else {
                w.line(py!("client.{}(**request)", method));
            }
            if waits {
                if let Some((waiter, key)) = sagemaker_waiter(service, action) {
                    w.line(py!("waiter = client.get_waiter({})", Code::str_lit(waiter)));
                    w.line(py!(
                        "waiter.wait({}=request[{}])",
                        Ident::new(key),
                        Code::str_lit(key)
                    ));
                } else {
                    w.note(&format!(
                        "`.sync` waited for the {service} job to finish; this returns once it started"
                    ));
                }
            }
            if has_outputs {
                w.line(py!("return response"));
            }
            translated()
        }
        StepKind::Lambda {
            function,
            payload,
            pattern,
        } => {
            imports.import("boto3");
            imports.import("json");
            cx.require("boto3");
            w.line(py!("payload = {}", Code::value(payload, &input)));
            let call = py!(
                "boto3.client(\"lambda\").invoke(FunctionName={}, Payload=json.dumps(payload).encode())",
                Code::str_lit(function)
            );
            if *pattern == IntegrationPattern::WaitForTaskToken {
                // The function's response is not the state's result: the callback is.
                w.line(call);
                wait_for_task_token(step, w, imports, cx);
            } else if has_outputs {
                w.line(py!("response = {}", call));
                w.line(py!(
                    "return {{\"Payload\": json.loads(response[\"Payload\"].read() or b\"null\"), \"StatusCode\": response[\"StatusCode\"]}}"
                ));
            } else {
                w.line(call);
            }
            translated()
        }
        StepKind::Script { command, .. } => {
            imports.import("subprocess");
            w.line(py!(
                "command = {}",
                Code::list(command.iter().map(|c| Code::str_lit(c)))
            ));
            let run = py!("subprocess.run(command, check=True, capture_output=True, text=True)");
            if has_outputs {
                w.line(py!("completed = {}", run));
                w.line(py!("return completed.stdout"));
            } else {
                w.line(run);
            }
            translated()
        }
        StepKind::Job { job, config } => {
            w.line(py!("job_config = {}", Code::value(config, &input)));
            stand_in(
                w,
                step,
                format!("ferry does not run {job} jobs yet"),
                format!("launch the {job} job with the SageMaker SDK using job_config"),
                Some(Code::text("job_config")),
            )
        }
        StepKind::Activity { arn } => stand_in(
            w,
            step,
            format!("activity {arn} needs a worker"),
            "redesign it as a step".into(),
            None,
        ),
        StepKind::Opaque { construct, .. } => stand_in(
            w,
            step,
            format!("{construct} is not translated"),
            "redesign this step".into(),
            None,
        ),
        StepKind::Branch { .. }
        | StepKind::Succeed
        | StepKind::Map { .. }
        | StepKind::Parallel { .. } => translated(),
    }
}

/// The end of a `.waitForTaskToken` step: wait until the task token made up for the
/// request (`$$.Task.Token`, `rt.task_token()`) is answered, and return the answer.
/// The call that makes a request: its response is the step's result, or with
/// `.waitForTaskToken` the callback is (the call's own response is not).
fn answer(
    step: &Step,
    w: &mut Writer,
    imports: &mut Imports,
    cx: &mut Context,
    call: Code,
    callback: bool,
) {
    if callback {
        w.line(call);
        wait_for_task_token(step, w, imports, cx);
    } else if !step.outputs.is_empty() {
        w.line(py!("return {}", call));
    } else {
        w.line(call);
    }
}

fn wait_for_task_token(step: &Step, w: &mut Writer, imports: &mut Imports, cx: &mut Context) {
    crate::computed::use_runtime(imports, cx);
    let wait = match step.timeout_seconds {
        Some(t) => py!(
            "rt.wait_for_task_token(rt.task_token(), timeout_seconds={})",
            Code::int(t)
        ),
        None => py!("rt.wait_for_task_token(rt.task_token())"),
    };
    if step.outputs.is_empty() {
        w.line(wait);
    } else {
        w.line(py!("return {}", wait));
    }
}

/// A carried body's leading docstring (as written) and the rest of the body.
fn split_docstring(body: &str) -> (Option<&str>, &str) {
    let Ok(parsed) = ruff_python_parser::parse_module(body) else {
        return (None, body);
    };
    match parsed.syntax().body.first() {
        Some(Stmt::Expr(e)) if matches!(e.value.as_ref(), Expr::StringLiteral(_)) => {
            let end = e.end().to_usize();
            let start = e.start().to_usize();
            // The rest starts on the line after the docstring.
            let rest_start = body[end..].find('\n').map_or(body.len(), |i| end + i + 1);
            (Some(&body[start..end]), &body[rest_start..])
        }
        _ => (None, body),
    }
}

/// boto3 method names are the snake_case of the API action.
pub fn snake_case(action: &str) -> String {
    ferry_ir::naming::to_identifier(action)
}

/// The boto3 waiter that `.sync` waits on, for the SageMaker jobs that have one.
fn sagemaker_waiter(service: &str, action: &str) -> Option<(&'static str, &'static str)> {
    if service != "sagemaker" {
        return None;
    }
    Some(match action {
        "createProcessingJob" => ("processing_job_completed_or_stopped", "ProcessingJobName"),
        "createTrainingJob" => ("training_job_completed_or_stopped", "TrainingJobName"),
        "createTransformJob" => ("transform_job_completed_or_stopped", "TransformJobName"),
        "createEndpoint" => ("endpoint_in_service", "EndpointName"),
        _ => return None,
    })
}
