//! Every boto3 call ferry records for a service integration exists: the clients,
//! methods, operations and waiters of the services table and of every call that
//! lowering the real corpus (../shared/corpus/asl) produces are checked against
//! botocore's service models in the test venv (no network, dummy credentials), and
//! every top-level request member of the corpus calls maps to a member of the
//! operation's input shape under Step Functions' PascalCase rule. Needs FERRY_PYTHON
//! (scripts/python-env.sh); fails, never skips, without it.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use ferry_asl::services::{OPTIMIZED, RETIRED, SAME_NAME_CLIENTS, SDK_CLIENTS, xform_name};
use ferry_ir::{CallTarget, Pipeline, StepKind, Value};
use serde_json::{Value as Json, json};

fn calls(p: &Pipeline, out: &mut Vec<Json>, file: &str) {
    for step in p.steps() {
        if let StepKind::ServiceCall {
            request,
            target: Some(target),
            ..
        } = &step.kind
            && let CallTarget::Sdk(c) = target.as_ref()
        {
            let members: Vec<String> = match request {
                Value::Object(fields) => fields.iter().map(|(k, _)| k.clone()).collect(),
                _ => Vec::new(),
            };
            out.push(json!({
                "where": format!("{file}: {}", step.display_name),
                "client": c.client, "method": c.method, "operation": c.operation,
                "wait": c.wait.as_ref().map(|w| &w.method),
                "waiter": c.wait.as_ref().and_then(|w| w.waiter.as_ref()),
                "members": members,
            }));
        }
        for region in step.kind.regions() {
            calls(region, out, file);
        }
    }
}

const CHECK: &str = r#"
import json
import sys

import boto3

cases = json.load(open(sys.argv[1]))
session = boto3.session.Session(
    region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
)
available = set(session.get_available_services())
clients = {}
problems = []
for case in cases:
    where = case["where"]
    name = case["client"]
    if case.get("retired"):
        if name in available:
            problems.append(f"{where}: {name!r} has a boto3 client after all")
        continue
    if name not in available:
        problems.append(f"{where}: no boto3 client {name!r}")
        continue
    client = clients.setdefault(name, session.client(name))
    mapping = client.meta.method_to_api_mapping
    method = case.get("method")
    if method is None:
        continue
    if mapping.get(method) != case["operation"]:
        problems.append(
            f"{where}: {name}.{method} is {mapping.get(method)!r}, not {case['operation']!r}"
        )
        continue
    if case.get("wait") and case["wait"] not in mapping:
        problems.append(f"{where}: {name} has no method {case['wait']!r}")
    if case.get("waiter") and case["waiter"] not in client.waiter_names:
        problems.append(f"{where}: {name} has no waiter {case['waiter']!r}")
    shape = client.meta.service_model.operation_model(case["operation"]).input_shape
    members = {m.lower(): m for m in (shape.members if shape else {})}
    for key in case.get("members", []):
        k = key.lower()
        if k == "equalsvalue":
            k = "equals"
        if k not in members:
            problems.append(f"{where}: {name}.{method} has no request member for {key!r}")
print(json.dumps({"checked": len(cases), "problems": problems}))
"#;

#[test]
fn every_boto3_call_exists_in_botocore() {
    let mut cases = Vec::new();
    for o in OPTIMIZED {
        let method = xform_name(o.operation);
        cases.push(json!({
            "where": format!("table {}:{}", o.service, o.action),
            "client": o.client, "method": method, "operation": o.operation,
            "wait": o.sync.map(|s| s.method), "waiter": o.sync.and_then(|s| s.waiter),
        }));
    }
    for (sdk, client) in SDK_CLIENTS {
        cases.push(json!({"where": format!("aws-sdk service {sdk}"), "client": client}));
    }
    for client in SAME_NAME_CLIENTS {
        cases.push(json!({"where": format!("aws-sdk service {client}"), "client": client}));
    }
    for (service, _) in RETIRED {
        cases.push(json!({"where": format!("retired service {service}"), "client": service, "retired": true}));
    }
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/asl");
    let mut files: Vec<_> = std::fs::read_dir(&corpus)
        .expect("the ASL corpus is missing")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.to_string_lossy().contains(".asl."))
        .collect();
    files.sort();
    let mut from_corpus = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(path).unwrap();
        let (_, workflow, _) = common::compile(&name, &text);
        for p in workflow.iter().flat_map(|w| &w.pipelines) {
            calls(p, &mut from_corpus, &name);
        }
    }
    let distinct: BTreeSet<String> = from_corpus
        .iter()
        .map(|c| format!("{}.{}", c["client"], c["method"]))
        .collect();
    assert!(
        distinct.len() >= 80,
        "expected the corpus's calls, found {}",
        distinct.len()
    );
    cases.extend(from_corpus);
    let python = std::env::var("FERRY_PYTHON").expect(
        "FERRY_PYTHON is not set: run `source scripts/python-env.sh` first (tests never skip)",
    );
    let work = tempfile_dir();
    let file = work.join("calls.json");
    std::fs::write(&file, Json::Array(cases.clone()).to_string()).unwrap();
    let out = Command::new(python)
        .args(["-c", CHECK])
        .arg(&file)
        .output()
        .expect("the test venv's Python runs");
    assert!(
        out.status.success(),
        "botocore check failed (is boto3 installed in the venv?): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["checked"], cases.len());
    let problems = report["problems"].as_array().unwrap();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems
            .iter()
            .map(|p| p.as_str().unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n")
    );
    println!(
        "checked {} calls ({} distinct client.method pairs from the corpus)",
        cases.len(),
        distinct.len()
    );
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ferry-botocore-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
