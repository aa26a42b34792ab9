//! Dagster code locations of `../shared/corpus/dagster` that need no external service,
//! compiled as a user would compile them (the folder named on the command line), written
//! to a temporary folder and run on the local ZenML stack. After each run the artifacts
//! of the last run are loaded through ZenML's client and compared with what the Dagster
//! assets and ops compute from the same inputs (the expected values are derived here
//! from the source logic, not read from ferry's output).
//!
//! The corpus is read in place, never copied into the repository. Needs FERRY_PYTHON
//! (scripts/python-env.sh: zenml[local] and the packages the locations import).
//! HTTP APIs a location calls are replaced by local stubs (common/dagster_runs.rs).

mod common;

use common::dagster_runs::{StubApi, compile_location, number, run_project};

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
