//! The run-time helper's AWS SDK calls (`sdk_call`, `sync_wait`) on botocore Stubber
//! clients: Step Functions' PascalCase requests reach boto3 under the API's member names
//! (the Stubber validates them against the service model), encoded members are encoded,
//! streamed JSON is decoded, and results come back in Step Functions' spelling. Needs
//! FERRY_PYTHON with boto3 (scripts/python-env.sh); fails, never skips.

mod common;

use common::reference::python;
use ferry_zenml::expr::RUNTIME;

const SCRIPT: &str = r#"
import datetime
import io
import json
import sys

import boto3
from botocore.response import StreamingBody
from botocore.stub import Stubber

sys.path.insert(0, sys.argv[1])
import _asl_runtime as rt  # noqa: E402

s = boto3.session.Session(
    region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
)
out = {}

ecs = s.client("ecs")
with Stubber(ecs) as st:
    st.add_response(
        "run_task",
        {"tasks": [{"taskArn": "arn:t"}], "failures": []},
        {"cluster": "c", "taskDefinition": "td",
         "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["s1"]}}},
    )
    out["ecs"] = rt.sdk_call(ecs, "RunTask", {
        "Cluster": "c", "TaskDefinition": "td",
        "NetworkConfiguration": {"AwsvpcConfiguration": {"Subnets": ["s1"]}},
    })

ddb = s.client("dynamodb")
with Stubber(ddb) as st:
    st.add_response("put_item", {}, {"TableName": "t", "Item": {"a": {"BOOL": True}}})
    out["dynamodb"] = rt.sdk_call(ddb, "PutItem", {"TableName": "t", "Item": {"a": {"Bool": True}}})

br = s.client("bedrock-runtime")
body = b'{"completion": "hi"}'
with Stubber(br) as st:
    st.add_response(
        "invoke_model",
        {"body": StreamingBody(io.BytesIO(body), len(body)), "contentType": "application/json"},
        {"modelId": "m", "body": b'{"prompt":"p"}'},
    )
    out["bedrock"] = rt.sdk_call(
        br, "InvokeModel", {"ModelId": "m", "Body": {"prompt": "p"}},
        encode=[(["Body"], "json_bytes")], decode=[["body"]],
    )

sfn = s.client("stepfunctions")
with Stubber(sfn) as st:
    st.add_response(
        "start_execution",
        {"executionArn": "arn:e", "startDate": datetime.datetime(2024, 1, 1)},
        {"stateMachineArn": "arn:sm", "input": '{"a":1}'},
    )
    st.add_response(
        "describe_execution",
        {"executionArn": "arn:e", "stateMachineArn": "arn:sm", "status": "SUCCEEDED",
         "startDate": datetime.datetime(2024, 1, 1), "output": '{"x": 1}'},
        {"executionArn": "arn:e"},
    )
    started = rt.sdk_call(
        sfn, "StartExecution", {"StateMachineArn": "arn:sm", "Input": {"a": 1}},
        encode=[(["Input"], "json_text")],
    )
    wait = {
        "method": "describe_execution",
        "args": [{"name": "executionArn", "from": "response", "path": ["executionArn"], "list": False}],
        "waiter": None, "status": ["status"], "success": ["SUCCEEDED"],
        "failure": ["FAILED", "TIMED_OUT", "ABORTED"], "parse_json": [["output"]],
    }
    out["started"] = started
    out["sync2"] = rt.sync_wait(sfn, wait, {}, {"executionArn": "arn:e"})
with Stubber(sfn) as st:
    st.add_response(
        "start_execution",
        {"executionArn": "arn:e2", "startDate": datetime.datetime(2024, 1, 1)},
        {"stateMachineArn": "arn:sm", "input": "{}"},
    )
    st.add_response(
        "describe_execution",
        {"executionArn": "arn:e2", "stateMachineArn": "arn:sm", "status": "SUCCEEDED",
         "startDate": datetime.datetime(2024, 1, 1), "output": "[1]"},
        {"executionArn": "arn:e2"},
    )
    out["job"] = rt.sdk_call(
        sfn, "StartExecution", {"StateMachineArn": "arn:sm", "Input": {}},
        encode=[(["Input"], "json_text")], wait=wait,
    )
print(json.dumps(out, default=str))
"#;

#[test]
fn sdk_calls_follow_step_functions_on_stubbed_clients() {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("_asl_runtime.py"), RUNTIME).unwrap();
    let out = std::process::Command::new(python())
        .args(["-c", SCRIPT])
        .arg(work.path())
        .output()
        .expect("the test venv's Python runs");
    assert!(
        out.status.success(),
        "stubbed calls failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ecs"]["Tasks"][0]["TaskArn"], "arn:t");
    assert_eq!(v["dynamodb"], serde_json::json!({}));
    assert_eq!(v["bedrock"]["Body"]["completion"], "hi");
    assert_eq!(v["started"]["ExecutionArn"], "arn:e");
    assert_eq!(v["sync2"]["Status"], "SUCCEEDED");
    assert_eq!(v["sync2"]["Output"]["x"], 1);
    assert_eq!(v["job"]["ExecutionArn"], "arn:e2");
    assert_eq!(v["job"]["Output"], serde_json::json!([1]));
}

/// The helper module is written into generated projects: it must pass the same ruff
/// checks as the rest of the project.
#[test]
fn runtime_helper_passes_ruff() {
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("_asl_runtime.py");
    std::fs::write(&file, RUNTIME).unwrap();
    let python = python();
    let ruff = std::path::Path::new(&python).with_file_name("ruff");
    for args in [
        &["check", "--no-cache"][..],
        &["format", "--check", "--no-cache"][..],
    ] {
        let out = std::process::Command::new(&ruff)
            .args(args)
            .arg(&file)
            .output()
            .expect("the test venv's ruff runs");
        assert!(
            out.status.success(),
            "ruff {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

const HTTP_SCRIPT: &str = r#"
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

sys.path.insert(0, sys.argv[1])
import _asl_runtime as rt  # noqa: E402

seen = []


class Handler(BaseHTTPRequestHandler):
    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else None
        seen.append({"method": self.command, "path": self.path, "body": body,
                     "type": self.headers.get("Content-Type"), "key": self.headers.get("X-Key")})
        status = 404 if self.path.startswith("/missing") else 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"ok": status == 200}).encode())

    do_GET = do_POST = answer

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_port}"
out = {}
out["json"] = rt.http_invoke({
    "ApiEndpoint": base + "/orders", "Method": "POST",
    "Headers": {"X-Key": "k"}, "QueryParameters": {"page": ["1", "2"]},
    "RequestBody": {"id": 7},
})
out["form"] = rt.http_invoke({
    "ApiEndpoint": base + "/form?x=1", "Method": "POST", "RequestBody": {"a": "b c"},
    "Transform": {"RequestBodyEncoding": "URL_ENCODED"},
})
try:
    rt.http_invoke({"ApiEndpoint": base + "/missing", "Method": "GET"})
except rt.HttpTaskError as e:
    out["error"] = str(e).split(":")[0]
out["seen"] = seen
print(json.dumps(out))
"#;

/// `http:invoke` (the HTTP Task) against a local server: method, query lists, headers,
/// a JSON body, a form-encoded body, the response in Step Functions' shape, and a 4xx as
/// the error Step Functions raises.
#[test]
fn http_task_requests_reach_the_endpoint() {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("_asl_runtime.py"), RUNTIME).unwrap();
    let out = std::process::Command::new(python())
        .args(["-c", HTTP_SCRIPT])
        .arg(work.path())
        .output()
        .expect("the test venv's Python runs");
    assert!(
        out.status.success(),
        "HTTP calls failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["json"]["StatusCode"], 200);
    assert_eq!(v["json"]["ResponseBody"]["ok"], true);
    let seen = &v["seen"];
    assert_eq!(seen[0]["method"], "POST");
    assert_eq!(seen[0]["path"], "/orders?page=1&page=2");
    assert_eq!(seen[0]["body"], "{\"id\": 7}");
    assert_eq!(seen[0]["type"], "application/json");
    assert_eq!(seen[0]["key"], "k");
    assert_eq!(seen[1]["path"], "/form?x=1");
    assert_eq!(seen[1]["body"], "a=b+c");
    assert_eq!(seen[1]["type"], "application/x-www-form-urlencoded");
    assert_eq!(v["error"], "States.Http.StatusCode.404");
}
