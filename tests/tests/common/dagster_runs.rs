//! Running the projects ferry writes for Dagster code locations of
//! `../shared/corpus/dagster`: compile a location folder as a user would, run a
//! pipeline on the local ZenML stack with a throwaway store, and read the last run's
//! artifacts and metadata back through ZenML's client; stand-ins for the HTTP APIs
//! some locations call.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use ferry_cli::Target;
use ferry_cli::driver::{DriveOptions, compile_all, emit_project_with_map};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

pub fn location(name: &str) -> PathBuf {
    let dir = root().join("../shared/corpus/dagster").join(name);
    assert!(
        dir.is_dir(),
        "corpus code location {} is missing",
        dir.display()
    );
    dir
}

/// Compile one code-location folder into exactly one project under `out`.
pub fn compile_location(name: &str, out: &Path) -> PathBuf {
    let unit = location(name);
    let (found, _) = ferry_cli::inputs::collect(std::slice::from_ref(&unit), None);
    let mut compiled = compile_all(found, &DriveOptions::default(), Some(1));
    assert_eq!(compiled.len(), 1, "{name}: a folder is one code location");
    let (files, _) = emit_project_with_map(&mut compiled[0], Target::Local)
        .unwrap_or_else(|| panic!("{name}: no project written"));
    let dir = out.join(name.replace('+', "_"));
    for (rel, text) in &files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Loads every output artifact of the pipeline's last run and prints them as JSON.
pub const READ_ARTIFACTS: &str = r#"
import json
import sys

from zenml.client import Client


def plain(value):
    """JSON's values: NaN (a missing value in a table) is null."""
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


run = Client().get_pipeline(sys.argv[1]).last_run
values = {"status": str(run.status)}
for step_name, step_run in run.steps.items():
    for output_name, versions in step_run.outputs.items():
        versions = versions if isinstance(versions, list) else [versions]
        value = versions[0].load()
        if hasattr(value, "to_dict"):
            # A DataFrame: its rows, as the source's code built them.
            value = value.to_dict(orient="records")
        values[f"{step_name}.{output_name}"] = value
        metadata = dict(versions[0].run_metadata)
        if metadata:
            values[f"{step_name}.{output_name}.metadata"] = metadata
    metadata = dict(step_run.run_metadata)
    if metadata:
        values[f"{step_name}.metadata"] = metadata
print("ARTIFACTS " + json.dumps(plain(values), sort_keys=True, default=str))
"#;

/// `zenml init`, `python run.py ARGS` and the artifact read-out, in the project folder
/// with a throwaway ZenML store: the artifacts of the run by `step.output`, and the
/// run's output. The run must complete.
pub fn run_project(
    dir: &Path,
    pipeline: &str,
    args: &str,
) -> (BTreeMap<String, serde_json::Value>, String) {
    let (values, text) = run_project_outcome(dir, pipeline, args);
    assert_eq!(
        values.get("status").and_then(|s| s.as_str()),
        Some("completed"),
        "{text}"
    );
    (values, text)
}

/// Like [`run_project`], for a run that may fail: the read-out of the last run
/// (`status` and the artifacts of the steps that ran) whatever the run's outcome.
pub fn run_project_outcome(
    dir: &Path,
    pipeline: &str,
    args: &str,
) -> (BTreeMap<String, serde_json::Value>, String) {
    let work = dir.parent().unwrap();
    let reader = work.join("read_artifacts.py");
    std::fs::write(&reader, READ_ARTIFACTS).unwrap();
    let script = format!(
        "set -e; source '{root}/scripts/python-env.sh'; export ZENML_CONFIG_PATH='{work}/zen-config'; \
         cd '{dir}'; \"$(dirname \"$FERRY_PYTHON\")/zenml\" init >/dev/null 2>&1; \
         status=0; PYTHONPYCACHEPREFIX='{work}/pycache' timeout 600 \"$FERRY_PYTHON\" run.py {args} || status=$?; \
         echo \"RUN STATUS $status\"; \
         PYTHONPYCACHEPREFIX='{work}/pycache' \"$FERRY_PYTHON\" '{reader}' {pipeline}",
        root = root().display(),
        work = work.display(),
        dir = dir.display(),
        reader = reader.display(),
    );
    let output = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .output()
        .expect("bash runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "{}: run or read-out failed:\n{text}",
        dir.display()
    );
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("ARTIFACTS "))
        .unwrap_or_else(|| panic!("no artifacts printed:\n{text}"));
    let values: BTreeMap<String, serde_json::Value> = serde_json::from_str(line).unwrap();
    let completed = values.get("status").and_then(|s| s.as_str()) == Some("completed");
    assert_eq!(
        text.contains("RUN STATUS 0"),
        completed,
        "run.py's exit status and the run's status disagree:\n{text}"
    );
    (values, text)
}

pub fn number(values: &BTreeMap<String, serde_json::Value>, key: &str) -> f64 {
    values
        .get(key)
        .and_then(serde_json::Value::as_f64)
        .unwrap_or_else(|| panic!("artifact {key} is not a number: {values:?}"))
}

/// list of objects) filtered by the request's query parameters, paginated like the
/// Luchtmeetnet open API (`{"pagination": {"current_page", "next_page", ...}, "data":
/// [...]}`, two records a page), and logs every request's path and parameters to
/// `requests.jsonl`. Prints its port once it listens.
pub const STUB_API: &str = r#"
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

work = Path(sys.argv[1])
records = json.loads((work / "records.json").read_text())


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlparse(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        with open(work / "requests.jsonl", "a") as log:
            log.write(json.dumps({"path": url.path, "params": params}) + "\n")
        page = int(params.get("page", "1"))
        start, end = params.get("start", ""), params.get("end", "\uffff")
        station = params.get("station_number")
        rows = [
            r
            for r in records
            if (station is None or r["station_number"] == station)
            and start <= r["timestamp_measured"] <= end
        ]
        last = max(1, (len(rows) + 1) // 2)
        body = {
            "pagination": {
                "current_page": page,
                "next_page": min(page + 1, last),
                "last_page": last,
            },
            "data": rows[(page - 1) * 2 : page * 2],
        }
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"#;

/// A static stand-in for HTTP APIs: `routes.json` maps a request path to the JSON it
/// answers (404 for any other path); every request's path is logged to
/// `requests.jsonl`. Prints its port once it listens.
pub const STATIC_API: &str = r#"
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import urlparse

work = Path(sys.argv[1])
routes = json.loads((work / "routes.json").read_text())


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        path = urlparse(self.path).path
        with open(work / "requests.jsonl", "a") as log:
            log.write(json.dumps({"path": path, "params": {}}) + "\n")
        if path not in routes:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(routes[path]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"#;

/// The stub API running as a child process; killed when dropped.
pub struct StubApi {
    child: std::process::Child,
    pub port: u16,
}

impl StubApi {
    /// The paginated API over `records`.
    pub fn start(work: &Path, records: &serde_json::Value) -> StubApi {
        std::fs::write(work.join("records.json"), records.to_string()).unwrap();
        StubApi::spawn(work, STUB_API)
    }

    /// A static API: each path of `routes` answers its JSON value.
    pub fn routes(work: &Path, routes: &serde_json::Value) -> StubApi {
        std::fs::write(work.join("routes.json"), routes.to_string()).unwrap();
        StubApi::spawn(work, STATIC_API)
    }

    pub fn spawn(work: &Path, script: &str) -> StubApi {
        use std::io::BufRead;
        std::fs::write(work.join("stub_api.py"), script).unwrap();
        let python = std::env::var("FERRY_PYTHON").unwrap_or_else(|_| "python3".into());
        let mut child = Command::new(python)
            .arg(work.join("stub_api.py"))
            .arg(work)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("the stub API starts");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("the stub API prints its port");
        StubApi { child, port }
    }

    pub fn requests(work: &Path) -> Vec<serde_json::Value> {
        std::fs::read_to_string(work.join("requests.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for StubApi {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
