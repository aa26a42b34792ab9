//! The request of a Task state: its `Parameters` / `Arguments` template as the service
//! call's request or the Lambda payload, and Lambda functions chosen at run time
//! (a `FunctionName` read from the state input or a deploy-time substitution)
//! invoked as `lambda:Invoke` is.

use ferry_diagnostics::Span;
use ferry_ir::naming::Namer;
use ferry_ir::{Step, StepKind, Value};

use crate::dataflow::Abs;
use crate::lower::{MachineLowering, State};

impl MachineLowering<'_, '_> {
    /// Fill `step`'s request from the state's template.
    pub(crate) fn task_request(
        &mut self,
        s: &State,
        effective: &Abs,
        step: &mut Step,
        namer: &mut Namer,
        span: Span,
    ) {
        // Templates of service calls and payloads.
        let request_field = if s.jsonata { "Arguments" } else { "Parameters" };
        if matches!(s.ty, "Task")
            && let Some(template) = s.field(request_field)
        {
            let value = self.template(template, effective, step, namer, "", s.jsonata, 0);
            match &mut step.kind {
                StepKind::ServiceCall { request, .. } => *request = value,
                StepKind::Lambda {
                    payload, function, ..
                } => {
                    // `lambda:invoke` takes {FunctionName, Payload}; a plain function
                    // ARN takes the whole template as its payload.
                    let invoke_form = matches!(&value, Value::Object(fields) if fields.iter().any(|(k, _)| k == "FunctionName"));
                    let dynamic_function = matches!(&value, Value::Object(fields)
                        if fields.iter().any(|(k, v)| k == "FunctionName" && !matches!(v, Value::String(_))));
                    if dynamic_function {
                        // The function is chosen at run time: invoke it as the SDK call
                        // `lambda:invoke` is, with the whole request.
                        let pattern = match &step.kind {
                            StepKind::Lambda { pattern, .. } => *pattern,
                            _ => ferry_ir::IntegrationPattern::RequestResponse,
                        };
                        let target = Some(Box::new(lambda_invoke_target()));
                        step.kind = StepKind::ServiceCall {
                            service: "lambda".into(),
                            action: "invoke".into(),
                            pattern,
                            request: value,
                            target,
                        };
                    } else {
                        match &value {
                            Value::Object(fields) if invoke_form => {
                                if let Some((_, Value::String(f))) =
                                    fields.iter().find(|(k, _)| k == "FunctionName")
                                {
                                    *function = f.clone();
                                }
                                *payload = fields
                                    .iter()
                                    .find(|(k, _)| k == "Payload")
                                    .map(|(_, v)| v.clone())
                                    .unwrap_or(Value::Object(Vec::new()));
                            }
                            _ => *payload = value,
                        }
                    }
                }
                _ => {}
            }
        }
        // A Lambda resource given as a deploy-time substitution names its function at
        // run time (a run.py flag) unless `--subst` filled it: invoke it as
        // `lambda:invoke` does, with the function read from the parameter.
        if let StepKind::Lambda {
            function,
            payload,
            pattern,
        } = &step.kind
            && function.contains("${")
        {
            let (function, payload, pattern) = (function.clone(), payload.clone(), *pattern);
            match self.substitute_into(&function, span, step, namer, "function") {
                Value::String(filled) => {
                    if let StepKind::Lambda { function, .. } = &mut step.kind {
                        *function = filled;
                    }
                }
                name => {
                    step.kind = StepKind::ServiceCall {
                        service: "lambda".into(),
                        action: "invoke".into(),
                        pattern,
                        request: Value::Object(vec![
                            ("FunctionName".into(), name),
                            ("Payload".into(), payload),
                        ]),
                        target: Some(Box::new(lambda_invoke_target())),
                    };
                }
            }
        }
    }
}

/// `lambda:Invoke` as the optimized integration makes it: the payload goes as JSON
/// bytes and the response payload comes back parsed.
fn lambda_invoke_target() -> ferry_ir::CallTarget {
    ferry_ir::CallTarget::Sdk(ferry_ir::SdkCall {
        client: "lambda".into(),
        method: "invoke".into(),
        operation: "Invoke".into(),
        names: ferry_ir::MemberNames::Pascal,
        encode: vec![ferry_ir::Encoding {
            path: vec!["Payload".into()],
            how: ferry_ir::Encode::JsonBytes,
        }],
        decode: vec![vec!["Payload".into()]],
        wait: None,
    })
}
