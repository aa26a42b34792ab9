//! Dagster code locations of `../shared/corpus/dagster` that need no external service,
//! compiled as a user would compile them (the folder named on the command line), written
//! to a temporary folder and run on the local ZenML stack. After each run the artifacts
//! of the last run are loaded through ZenML's client and compared with what the Dagster
//! assets and ops compute from the same inputs (the expected values are derived here
//! from the source logic, not read from ferry's output).
//!
//! The corpus is read in place, never copied into the repository. Needs FERRY_PYTHON
//! (scripts/python-env.sh: zenml[local] and the packages the locations import).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use ferry_cli::Target;
use ferry_cli::driver::{DriveOptions, compile_all, emit_project_with_map};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn location(name: &str) -> PathBuf {
    let dir = root().join("../shared/corpus/dagster").join(name);
    assert!(
        dir.is_dir(),
        "corpus code location {} is missing",
        dir.display()
    );
    dir
}

/// Compile one code-location folder into exactly one project under `out`.
fn compile_location(name: &str, out: &Path) -> PathBuf {
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
const READ_ARTIFACTS: &str = r#"
import json
import sys

from zenml.client import Client

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
print("ARTIFACTS " + json.dumps(values, sort_keys=True, default=str))
"#;

/// `zenml init`, `python run.py ARGS` and the artifact read-out, in the project folder
/// with a throwaway ZenML store: the artifacts of the run by `step.output`, and the
/// run's output.
fn run_project(
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
         PYTHONPYCACHEPREFIX='{work}/pycache' timeout 600 \"$FERRY_PYTHON\" run.py {args}; \
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
        "{}: run failed:\n{text}",
        dir.display()
    );
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("ARTIFACTS "))
        .unwrap_or_else(|| panic!("no artifacts printed:\n{text}"));
    let values: BTreeMap<String, serde_json::Value> = serde_json::from_str(line).unwrap();
    assert_eq!(
        values.get("status").and_then(|s| s.as_str()),
        Some("completed"),
        "{text}"
    );
    (values, text)
}

fn number(values: &BTreeMap<String, serde_json::Value>, key: &str) -> f64 {
    values
        .get(key)
        .and_then(serde_json::Value::as_f64)
        .unwrap_or_else(|| panic!("artifact {key} is not a number: {values:?}"))
}

/// `random_numbers_asset` draws ten numbers in [10, 50) rounded to 2 places and logs
/// them through `context.log`; `mean_asset` is their mean rounded to 4 places. The job
/// `mean_calculadora_job` selects both assets by key.
#[test]
fn random_calculator_assets_compute_what_dagster_computes() {
    let out = tempfile::tempdir().unwrap();
    let dir = compile_location(
        "jumouramar+dagster-data-provenance__pipeline_random_calculator",
        out.path(),
    );
    let (values, text) = run_project(&dir, "mean_calculadora_job_pipeline", "--no-cache");
    let numbers: Vec<f64> = values["random_numbers_asset.random_numbers_asset"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|n| n.as_f64().expect("a number"))
        .collect();
    assert_eq!(numbers.len(), 10, "{values:?}");
    for n in &numbers {
        assert!((10.0..=50.0).contains(n), "{n} out of range");
        assert!(
            ((n * 100.0).round() - n * 100.0).abs() < 1e-6,
            "{n} not rounded"
        );
    }
    // context.log.info became the step's logger.
    assert!(text.contains("Dados gerados (10): ["), "{text}");
    let mean = numbers.iter().sum::<f64>() / numbers.len() as f64;
    let expected = (mean * 10_000.0).round() / 10_000.0;
    assert!(
        (number(&values, "mean_asset.mean_asset") - expected).abs() < 1e-9,
        "mean {expected} expected: {values:?}"
    );
}

/// An op job whose ops read run config (`config: MyConfig` with `sleep_for`): the
/// config fields are step parameters whose values come from the job's run config in
/// configs/*.yaml; `return_one` + `return_two` feed `sum_one_and_two`, which asserts
/// 3. The run config given here (sleep_for 0) must reach the steps.
#[test]
fn ray_example_op_job_runs_with_its_run_config() {
    let out = tempfile::tempdir().unwrap();
    let dir = compile_location("danielgafni+dagster-ray__examples", out.path());
    let dev = std::fs::read_to_string(dir.join("configs/my_job_pipeline.dev.yaml")).unwrap();
    assert!(dev.contains("sleep_for: 3"), "default run config:\n{dev}");
    std::fs::write(
        dir.join("configs/quick.yaml"),
        dev.replace("sleep_for: 3", "sleep_for: 0"),
    )
    .unwrap();
    let (values, text) = run_project(
        &dir,
        "my_job_pipeline",
        "--pipeline my_job_pipeline --config configs/quick.yaml --no-cache",
    );
    assert_eq!(number(&values, "return_one.result"), 1.0, "{values:?}");
    assert_eq!(number(&values, "return_two.result"), 2.0, "{values:?}");
    assert_eq!(number(&values, "sum_one_and_two.result"), 3.0, "{values:?}");
    // context.log.info of return_two, with the value the run config gave.
    assert!(text.contains("sleeping for 0 seconds..."), "{text}");
    assert!(!text.contains("sleeping for 3 seconds"), "{text}");
}

/// A stand-in for an HTTP API the location's code calls: serves `records.json` (a
/// list of objects) filtered by the request's query parameters, paginated like the
/// Luchtmeetnet open API (`{"pagination": {"current_page", "next_page", ...}, "data":
/// [...]}`, two records a page), and logs every request's path and parameters to
/// `requests.jsonl`. Prints its port once it listens.
const STUB_API: &str = r#"
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

/// The stub API running as a child process; killed when dropped.
struct StubApi {
    child: std::process::Child,
    port: u16,
}

impl StubApi {
    fn start(work: &Path, records: &serde_json::Value) -> StubApi {
        use std::io::BufRead;
        std::fs::write(work.join("records.json"), records.to_string()).unwrap();
        std::fs::write(work.join("stub_api.py"), STUB_API).unwrap();
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

    fn requests(work: &Path) -> Vec<serde_json::Value> {
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

/// `air_quality_data` is partitioned by a MultiPartitionsDefinition (a daily
/// dimension and a dynamic `stations` one): the run's partition key `date|station`
/// is a pipeline parameter. Its `luchtmeetnet_api` is a ConfigurableResource
/// (`LuchtMeetNetResource`, whose `request` logs through `get_resource_context().log`)
/// calling the location's `get_results_luchtmeetnet_endpoint`, which follows the API's
/// pages until `current_page == next_page`. The API is replaced by a local stub: the
/// location's base-URL constant, carried in `dadel/luchtmeetnet/const.py`, is pointed
/// at it. The expected rows are those of the test's records for that station and day,
/// in order, collected over three pages.
#[test]
fn dadel_partitioned_asset_with_a_configurable_resource() {
    let out = tempfile::tempdir().unwrap();
    let dir = compile_location("JasperHG90+dagster-dbt-elementary__dadel", out.path());
    let mut records = Vec::new();
    for station in ["NL10938", "NL49012"] {
        for date in ["2023-11-20", "2023-11-21", "2023-11-22"] {
            for (i, hour) in [0, 5, 11, 17, 23].into_iter().enumerate() {
                records.push(serde_json::json!({
                    "station_number": station,
                    "formula": if i % 2 == 0 { "NO2" } else { "PM10" },
                    "value": (hour as f64) * 1.5 + station.len() as f64 + i as f64 / 4.0,
                    "timestamp_measured": format!("{date}T{hour:02}:00:00+00:00"),
                }));
            }
        }
    }
    let records = serde_json::Value::Array(records);
    let stub = StubApi::start(out.path(), &records);
    let constant = dir.join("dadel/luchtmeetnet/const.py");
    let text = std::fs::read_to_string(&constant).unwrap();
    let base = "https://api.luchtmeetnet.nl/open_api";
    assert!(text.contains(base), "{text}");
    std::fs::write(
        &constant,
        text.replace(base, &format!("http://127.0.0.1:{}/open_api", stub.port)),
    )
    .unwrap();
    let (values, text) = run_project(
        &dir,
        "ingestion_job_pipeline",
        "--partition-key '2023-11-21|NL10938' --no-cache",
    );
    // The source's logic: the day's window and the station from the partition key.
    let (date, station) = ("2023-11-21", "NL10938");
    let (start, end) = (format!("{date}T00:00:00"), format!("{date}T23:59:59"));
    let expected: Vec<&serde_json::Value> = records
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            let t = r["timestamp_measured"].as_str().unwrap();
            r["station_number"] == station && t >= start.as_str() && t <= end.as_str()
        })
        .collect();
    assert_eq!(expected.len(), 5);
    let rows = values["air_quality_data.air_quality_data"]
        .as_array()
        .unwrap_or_else(|| panic!("the asset's DataFrame: {values:?}\n{text}"));
    assert_eq!(rows.len(), expected.len(), "{rows:?}");
    for (row, want) in rows.iter().zip(&expected) {
        for key in ["station_number", "formula", "timestamp_measured"] {
            assert_eq!(row[key], want[key], "{key}: {row:?}");
        }
        let (got, want) = (row["value"].as_f64(), want["value"].as_f64());
        assert!(
            got.zip(want).is_some_and(|(g, w)| (g - w).abs() < 1e-9),
            "{row:?}"
        );
    }
    // Three pages of two, one request each, with the parameters the asset built.
    let requests = StubApi::requests(out.path());
    assert_eq!(requests.len(), 3, "{requests:?}");
    for (i, r) in requests.iter().enumerate() {
        assert_eq!(r["path"], "/open_api/measurements", "{r}");
        assert_eq!(r["params"]["start"], start.as_str(), "{r}");
        assert_eq!(r["params"]["end"], end.as_str(), "{r}");
        assert_eq!(r["params"]["station_number"], station, "{r}");
        assert_eq!(r["params"]["page"], (i + 1).to_string().as_str(), "{r}");
    }
    drop(stub);
}
