//! Lowering of computed values: full JSONPath where ASL allows Paths, JSONata in every
//! field that takes it, intrinsics, and the service-call targets. Each machine must
//! lower without verifier findings and its IR must survive the text round trip.

mod common;

use ferry_diagnostics::Diagnostic;
use ferry_ir::text::{parse, print};
use ferry_ir::{Binding, CallTarget, Condition, IntegrationPattern, Pipeline, Step, StepKind};

fn lower(text: &str) -> (ferry_ir::Workflow, Vec<Diagnostic>, String) {
    let (_, workflow, diagnostics) = common::compile("m.asl.json", text);
    let workflow = workflow.expect("the machine lowers");
    assert!(
        !diagnostics.iter().any(|d| d.code.starts_with("F02")),
        "verifier: {diagnostics:#?}"
    );
    let printed = print(&workflow);
    let back = parse(&printed, ferry_diagnostics::FileId(0)).expect("the IR text parses");
    assert_eq!(print(&back), printed, "round trip");
    (workflow, diagnostics, printed)
}

fn step<'a>(p: &'a Pipeline, name: &str) -> &'a Step {
    p.step(name).unwrap_or_else(|| panic!("no step {name}"))
}

fn codes(d: &[Diagnostic]) -> Vec<&str> {
    d.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn full_jsonpath_is_accepted_and_traced() {
    let machine = r#"{
      "StartAt": "Quality",
      "States": {
        "Quality": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": "q"}, "Next": "Report"},
        "Report": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
                   "Parameters": {"TopicArn": "t", "Message.$": "$$.Execution.Input.subject",
                                  "Names.$": "$.Payload..name", "First.$": "$.Payload.items[0:2]"},
                   "ResultPath": "$.sent", "Next": "Failures"},
        "Failures": {"Type": "Pass", "InputPath": "$..QualityResults[?(@.constraint_status==Failure)]",
                     "End": true}
      }
    }"#;
    let (wf, diagnostics, printed) = lower(machine);
    assert!(!codes(&diagnostics).contains(&"F0316"), "{diagnostics:#?}");
    let p = &wf.pipelines[0];
    let report = step(p, "report");
    let by_name = |n: &str| report.inputs.iter().find(|i| i.name == n).unwrap();
    // `$$.Execution.Input.subject` is the pipeline parameter of the same field.
    assert_eq!(
        by_name("message").binding,
        Binding::Parameter("subject".into())
    );
    assert!(
        matches!(by_name("names").binding, Binding::Expr(_)),
        "{printed}"
    );
    assert!(
        printed.contains("(jsonpath %names_in .. \"name\")"),
        "{printed}"
    );
    assert!(printed.contains("(jsonpath %first_in [0:2])"), "{printed}");
    assert!(
        printed.contains("step quality.result[\"Payload\"]"),
        "{printed}"
    );
    let bad =
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "ResultPath": "$..x", "End": true}}}"#;
    let (_, _, diagnostics) = common::compile("m.asl.json", bad);
    assert!(
        codes(&diagnostics).contains(&"F0316"),
        "ResultPath stays a reference path"
    );
}

#[test]
fn jsonata_fields_become_expressions_over_traced_ports() {
    let machine = r#"{
      "QueryLanguage": "JSONata",
      "StartAt": "Fetch",
      "States": {
        "Fetch": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                  "Arguments": {"FunctionName": "f", "Payload": {"id": "{% $states.input.id %}"}},
                  "Output": {"rows": "{% $states.result.Payload.rows %}", "n": 3},
                  "Next": "Enough?"},
        "Enough?": {"Type": "Choice",
                    "Choices": [{"Condition": "{% $count($states.input.rows) >= $states.input.n %}", "Next": "Each"}],
                    "Default": "Done"},
        "Each": {"Type": "Map", "Items": "{% $states.input.rows[score > 0.5] %}",
                 "ItemProcessor": {"StartAt": "Use", "States": {"Use": {"Type": "Pass", "End": true}}},
                 "Next": "Done"},
        "Done": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                 "Arguments": {"QueueUrl": "{% 'q' %}", "MessageBody": "{% 'rows: ' & $string($count($states.input)) %}"},
                 "End": true}
      }
    }"#;
    let (wf, diagnostics, printed) = lower(machine);
    assert!(
        !diagnostics
            .iter()
            .any(|d| d.is_error() || d.code == "F0322"),
        "{diagnostics:#?}"
    );
    let p = &wf.pipelines[0];
    // Output's `rows` is the Fetch result's Payload.rows: the branch reads it there.
    let StepKind::Branch { rules, .. } = &step(p, "enough").kind else {
        panic!()
    };
    let Condition::Compare {
        lhs: Binding::Expr(_),
        ..
    } = &rules[0].condition
    else {
        panic!("{printed}")
    };
    assert!(
        printed.contains("step fetch.result[\"Payload\"][\"rows\"]"),
        "{printed}"
    );
    // `n` is a constant of the Output.
    assert!(printed.contains("literal 3"), "{printed}");
    let StepKind::Map { items, .. } = &step(p, "each").kind else {
        panic!()
    };
    assert!(matches!(items, Binding::Expr(_)), "{printed}");
    // A constant expression is a literal in the request.
    let StepKind::ServiceCall { request, .. } = &step(p, "done").kind else {
        panic!()
    };
    assert_eq!(request.get("QueueUrl"), Some(&ferry_ir::Value::str("q")));
}

#[test]
fn jsonata_problems_are_reported_on_their_token() {
    let machine = r#"{
      "QueryLanguage": "JSONata",
      "StartAt": "A",
      "States": {
        "A": {"Type": "Pass", "Output": {"x": "{% $eval('1') %}"}, "Next": "B"},
        "B": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
              "Arguments": {"TopicArn": "t", "Message": "{% $eval($states.input.x) %}", "Subject": "{% \"s\" & name %}"},
              "End": true}
      }
    }"#;
    let (_, _, diagnostics) = common::compile("m.asl.json", machine);
    let f0322 = diagnostics
        .iter()
        .find(|d| d.code == "F0322")
        .expect("F0322");
    let f0321 = diagnostics
        .iter()
        .find(|d| d.code == "F0321")
        .expect("F0321");
    let at = |d: &Diagnostic| {
        let s = d.labels[0].span;
        machine[s.start as usize..s.end as usize].to_string()
    };
    assert_eq!(at(f0322), "$eval");
    assert!(f0322.message.contains("`$eval`"));
    // Inside a JSON string `\"` is two bytes in the file; the label still lands on `name`.
    assert_eq!(at(f0321), "name");
}

#[test]
fn service_calls_record_their_boto3_target() {
    let machine = r#"{
      "StartAt": "Child",
      "States": {
        "Child": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
                  "Parameters": {"StateMachineArn": "arn:sm", "Input": {"a": 1}}, "Next": "Model"},
        "Model": {"Type": "Task", "Resource": "arn:aws:states:::bedrock:invokeModel",
                  "Parameters": {"ModelId": "m", "Body": {"prompt": "hi"}}, "Next": "Call"},
        "Call": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
                 "Parameters": {"ApiEndpoint": "https://example.invalid", "Method": "GET"}, "Next": "Sdk"},
        "Sdk": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:aws-sdk:sfn:describeExecution",
                "Parameters": {"ExecutionArn": "arn:x"}, "End": true}
      }
    }"#;
    let (wf, diagnostics, _) = lower(machine);
    let p = &wf.pipelines[0];
    let target = |name: &str| match &step(p, name).kind {
        StepKind::ServiceCall {
            target: Some(t),
            pattern,
            ..
        } => ((**t).clone(), *pattern),
        other => panic!("{other:?}"),
    };
    let (CallTarget::Sdk(child), IntegrationPattern::Sync2) = target("child") else {
        panic!()
    };
    assert_eq!(
        (child.client.as_str(), child.method.as_str()),
        ("stepfunctions", "start_execution")
    );
    let wait = child.wait.expect(".sync:2 waits");
    assert_eq!(wait.method, "describe_execution");
    assert_eq!(wait.parse_json, vec![vec!["output".to_string()]]);
    let (CallTarget::Sdk(model), _) = target("model") else {
        panic!()
    };
    assert_eq!(
        (model.client.as_str(), model.method.as_str()),
        ("bedrock-runtime", "invoke_model")
    );
    assert_eq!(model.encode[0].path, vec!["Body".to_string()]);
    assert!(matches!(target("call").0, CallTarget::Http { .. }));
    let (CallTarget::Sdk(sdk), _) = target("sdk") else {
        panic!()
    };
    assert_eq!(
        (sdk.client.as_str(), sdk.method.as_str()),
        ("stepfunctions", "describe_execution")
    );
    assert_eq!(
        diagnostics.iter().filter(|d| d.code == "F0323").count(),
        1,
        "only the HTTP Task is flagged: {diagnostics:#?}"
    );
}

#[test]
fn jsonata_assign_variables_are_traced() {
    let machine = r#"{
      "QueryLanguage": "JSONata",
      "StartAt": "Create",
      "States": {
        "Create": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:bedrockagent:createKnowledgeBase",
                   "Arguments": {"Name": "{% 'kb-' & $uuid() %}"},
                   "Assign": {"KnowledgeBaseId": "{% $states.result.KnowledgeBase.KnowledgeBaseId %}", "limit": 10},
                   "Next": "Use"},
        "Use": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:bedrockagent:getKnowledgeBase",
                "Arguments": {"KnowledgeBaseId": "{% $KnowledgeBaseId %}", "Note": "{% 'max ' & $limit %}"},
                "End": true}
      }
    }"#;
    let (wf, diagnostics, printed) = lower(machine);
    assert!(!codes(&diagnostics).contains(&"F0317"), "{diagnostics:#?}");
    assert!(printed.contains("in knowledge_base_id: unknown = step create.result[\"KnowledgeBase\"][\"KnowledgeBaseId\"]"), "{printed}");
    let p = &wf.pipelines[0];
    let StepKind::ServiceCall { request, .. } = &step(p, "use").kind else {
        panic!()
    };
    assert!(request.get("Note").is_some());
    assert!(printed.contains("literal 10"), "{printed}");
}
