"""SageMaker's container contract, emulated on this machine for the migrated job steps.

Each job step holds a description of the job (written by ferry from the source) and
calls `run_job`. A job runs in a fresh folder per run that stands for the container's
`/opt/ml`: every input is copied to the folder standing for its container path, the
user's script is copied there and run unchanged in a subprocess with this Python, and
the folders the job writes come back as the step's outputs. Container paths are mapped
without root access or a container runtime: on the per-run copy of the code, every
string literal naming a path under `/opt/ml` points at the run's folder instead (found
with the tokenizer, so nothing else in the script changes; the project's script is
never edited), and the same mapping applies to argv and the environment. C extensions
(pandas, xgboost, ...) then see real local paths.

Training follows the SageMaker training toolkit: channels in `SM_CHANNEL_<NAME>`, the
model folder in `SM_MODEL_DIR` (packed to `model.tar.gz` afterwards, like SageMaker),
`SM_OUTPUT_DATA_DIR`, `SM_HPS`, the other `SM_*` variables, `/opt/ml/input/config/*.json`
and the hyperparameters as `--key value` argv (sorted, as the toolkit passes them).
What cannot be reproduced here (instance types, the framework image's exact library
versions, S3 transfer modes) is listed in MIGRATION_REPORT.md.
"""

from __future__ import annotations

import atexit
import csv
import importlib
import io
import json
import math
import os
import pickle
import random
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tokenize
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent.parent
CONTAINER = "/opt/ml"
# A container path inside a string: `/opt/ml` not preceded or followed by name parts.
CONTAINER_PATH = re.compile(r"(?<![\w.\-])/opt/ml(?![\w.\-])")
SAFE_ROOT = re.compile(r"^[A-Za-z0-9_./\-]+$")


def run_job(spec: dict[str, Any], outputs: list[str]) -> Any:
    """Run one job as SageMaker would; return its outputs in the order of `outputs`."""
    runners = {
        "processing": _processing,
        "training": _training,
        "tuning": _tuning,
        "transform": _transform,
        "create_model": _create_model,
        "register_model": _register_model,
        "quality_check": _quality_check,
        "notebook": _notebook,
    }
    results = runners[spec["job"]](_Run(spec), spec)
    values = tuple(results[name] for name in outputs)
    return values[0] if len(values) == 1 else values


def execution_fact(name: str) -> str:
    """A fact of the running pipeline, by its SageMaker execution variable name."""
    from zenml import get_step_context

    context = get_step_context()
    run = context.pipeline_run
    started = run.start_time.isoformat() if run.start_time else ""
    facts = {
        "PipelineExecutionId": str(run.id),
        "PipelineExecutionArn": f"zenml:pipeline-run/{run.id}",
        "PipelineName": context.pipeline.name,
        "PipelineArn": f"zenml:pipeline/{context.pipeline.name}",
        "StartDateTime": started,
        "CurrentDateTime": datetime.now(UTC).isoformat(),
        "TrainingJobName": context.step_name,
        "ProcessingJobName": context.step_name,
    }
    return facts.get(name, f"{name}-{run.id}")


class _Run:
    """The per-run folder standing for the container's `/opt/ml`."""

    def __init__(self, spec: dict[str, Any]) -> None:
        label = re.sub(r"[^A-Za-z0-9_]", "_", spec.get("step", "job"))
        self.root = Path(tempfile.mkdtemp(prefix=f"ferry-{label}-")).resolve()
        if not SAFE_ROOT.match(str(self.root)):
            raise RuntimeError(
                f"the temporary folder {self.root} has characters a mapped path cannot"
                " hold; set TMPDIR to a folder with a plain path"
            )
        atexit.register(shutil.rmtree, self.root, ignore_errors=True)

    def local(self, container_path: str) -> Path:
        """The folder standing for a container path."""
        return self.root / container_path.lstrip("/")

    def map(self, value: Any) -> Any:
        """`value` with container paths pointing at this run's folder."""
        if isinstance(value, str):
            return CONTAINER_PATH.sub(str(self.root) + CONTAINER, value)
        if isinstance(value, list | tuple):
            return [self.map(v) for v in value]
        if isinstance(value, dict):
            return {k: self.map(v) for k, v in value.items()}
        return value


def rewrite_paths(source: str, root: Path) -> str:
    """`source` with every string literal naming a container path mapped under `root`.

    Only string tokens change (f-strings included); code, comments and layout stay
    byte for byte.
    """
    if "/opt/ml" not in source:
        return source
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return source
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    middle = getattr(tokenize, "FSTRING_MIDDLE", -1)
    edits = []
    for token in tokens:
        if token.type not in (tokenize.STRING, middle):
            continue
        begin = starts[token.start[0] - 1] + token.start[1]
        end = starts[token.end[0] - 1] + token.end[1]
        text = source[begin:end]
        mapped = CONTAINER_PATH.sub(str(root) + CONTAINER, text)
        if mapped != text:
            edits.append((begin, end, mapped))
    for begin, end, mapped in reversed(edits):
        source = source[:begin] + mapped + source[end:]
    return source


def _materialise(value: Any, destination: Path, name: str) -> None:
    """Copy an input (a local file or folder, or an S3 URI) to `destination`."""
    destination.mkdir(parents=True, exist_ok=True)
    if value is None:
        raise ValueError(
            f"input `{name}` has no value: pass a local path or an s3:// URI"
        )
    text = str(value)
    if text.startswith("s3://"):
        _download(text, destination, name)
        return
    path = Path(text).expanduser()
    if path.is_dir():
        shutil.copytree(path, destination, dirs_exist_ok=True)
    elif path.is_file():
        shutil.copy2(path, destination / path.name)
    else:
        raise FileNotFoundError(
            f"input `{name}`: {text} is neither a local file or folder nor an"
            " s3:// URI"
        )


def optional(module: str, why: str) -> Any:
    """Import a package only some jobs need, saying which job needs it."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise RuntimeError(f"{why} needs the `{module}` package: install it") from error


def _download(uri: str, destination: Path, name: str) -> None:
    """Every object under an S3 prefix, as SageMaker's S3Prefix inputs do."""
    boto3 = optional(
        "boto3",
        f"input `{name}` is the S3 URI {uri} (or pass a local path instead); it",
    )
    bucket, _, prefix = uri[len("s3://") :].partition("/")
    client = boto3.client("s3")
    pages = client.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=prefix
    )
    for page in pages:
        for item in page.get("Contents", []):
            key = item["Key"]
            relative = key[len(prefix) :].lstrip("/") or key.rsplit("/", 1)[-1]
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            client.download_file(bucket, key, str(target))


def _write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value))


def _prepare_code(run: _Run, spec: dict[str, Any], container_dir: str) -> Path:
    """Copy the job's code folder (and its dependencies) to the container's code path,
    with container paths in its Python files mapped to the run's folder."""
    program = spec["program"]
    target = run.local(container_dir)
    shutil.copytree(PROJECT / program["code_dir"], target, dirs_exist_ok=True)
    for dependency in spec.get("settings", {}).get("dependencies", []):
        source = PROJECT / dependency
        if source.is_dir():
            shutil.copytree(source, target / source.name, dirs_exist_ok=True)
        elif source.is_file():
            shutil.copy2(source, target / source.name)
    for script in target.rglob("*.py"):
        text = script.read_text(encoding="utf-8")
        mapped = rewrite_paths(text, run.root)
        if mapped != text:
            script.write_text(mapped, encoding="utf-8")
    return target


def _interpreter(spec: dict[str, Any]) -> list[str]:
    command = list(spec["program"].get("interpreter") or ["python3"])
    if command and re.fullmatch(r"python(3(\.\d+)?)?", Path(command[0]).name):
        command[0] = sys.executable
    return command


def _execute(argv: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run the program, echoing its output (so the step log holds it); return it."""
    environment = dict(os.environ)
    environment.update(env)
    environment["PYTHONUNBUFFERED"] = "1"
    lines = []
    with subprocess.Popen(
        argv,
        cwd=cwd,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="")
            lines.append(line)
    if process.returncode != 0:
        tail = "".join(lines[-20:])
        raise RuntimeError(
            f"`{' '.join(argv[:2])}` exited with {process.returncode}:\n{tail}"
        )
    return "".join(lines)


def _strings(values: dict[str, Any]) -> dict[str, str]:
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}


def _results(run: _Run, spec: dict[str, Any]) -> dict[str, Any]:
    """The job's output folders, and its property files read as values."""
    out: dict[str, Any] = {
        name: run.local(path) for name, path in spec["results"].items()
    }
    for entry in spec.get("property_files", []):
        path = out[entry["result"]] / entry["path"]
        if not path.is_file():
            raise FileNotFoundError(
                f"property file {entry['name']}: the job wrote no {entry['path']} in"
                f" its output `{entry['result']}`"
            )
        out[entry["output"]] = json.loads(path.read_text())
    return out


def _processing(run: _Run, spec: dict[str, Any]) -> dict[str, Any]:
    code = _prepare_code(run, spec, "/opt/ml/processing/input/code")
    for channel in spec["channels"]:
        _materialise(channel["value"], run.local(channel["path"]), channel["name"])
    for path in spec["results"].values():
        run.local(path).mkdir(parents=True, exist_ok=True)
    _write_json(
        run.local("/opt/ml/config/resourceconfig.json"),
        {"current_host": "algo-1", "hosts": ["algo-1"]},
    )
    _write_json(
        run.local("/opt/ml/config/processingjobconfig.json"),
        {
            "ProcessingJobName": spec.get("step", "job"),
            "ProcessingInputs": [
                {"InputName": c["name"], "S3Input": {"LocalPath": c["path"]}}
                for c in spec["channels"]
            ],
            "ProcessingOutputConfig": {
                "Outputs": [
                    {"OutputName": name, "S3Output": {"LocalPath": path}}
                    for name, path in spec["results"].items()
                ]
            },
            "Environment": _strings(spec.get("environment", {})),
        },
    )
    argv = [*_interpreter(spec), str(code / spec["program"]["entry"])]
    argv += [str(a) for a in run.map(spec.get("arguments", []))]
    env = _strings(run.map(spec.get("environment", {})))
    _execute(argv, cwd=run.root, env=env)
    return _results(run, spec)


def _notebook(run: _Run, spec: dict[str, Any]) -> dict[str, Any]:
    """A notebook job: the notebook executed by papermill in a copy of its folder, the
    job's parameters injected after the cell tagged `parameters` (at the top when it has
    none), as SageMaker's notebook job runs it; the executed notebook is the result."""
    optional("papermill", f"the notebook job {spec.get('step', '')}")
    code = _prepare_code(run, spec, "/opt/ml/processing/input/code")
    entry = Path(spec["program"]["entry"])
    folders = [run.local(path) for path in spec["results"].values()]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    parameters = run.map(spec.get("hyperparameters", {}))
    argv = [
        sys.executable,
        "-m",
        "papermill",
        str(code / entry),
        str(folders[0] / entry.name),
        "--cwd",
        str((code / entry).parent),
        # The kernel of this project's environment (ipykernel's python3), whatever
        # kernel the notebook job's image had.
        "-k",
        "python3",
        "-y",
        json.dumps(parameters),
        # The cells' output in the step log, as the notebook job's log has it.
        "--log-output",
    ]
    env = _strings(run.map(spec.get("environment", {})))
    _execute(argv, cwd=run.root, env=env)
    return _results(run, spec)


def cmd_args(hyperparameters: dict[str, Any]) -> list[str]:
    """Hyperparameters as the training toolkit passes them: sorted `--key value`."""
    args = []
    for key in sorted(hyperparameters):
        value = hyperparameters[key]
        args.append(f"--{key}" if len(key) > 1 else f"-{key}")
        if isinstance(value, dict):
            args.append(",".join(f"{k}={v}" for k, v in sorted(value.items())))
        else:
            args.append("" if value is None else str(value))
    return args


def _env_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _training_env(run: _Run, spec: dict[str, Any], hps: dict[str, Any]) -> dict:
    """The `SM_*` variables of the training toolkit, for this run's folders."""
    channels = {c["name"]: str(run.local(c["path"])) for c in spec["channels"]}
    data_config = {
        c["name"]: {
            "ContentType": c.get("content_type") or "",
            "TrainingInputMode": "File",
            "S3DistributionType": "FullyReplicated",
            "RecordWrapperType": "None",
        }
        for c in spec["channels"]
    }
    resource = {
        "current_host": "algo-1",
        "hosts": ["algo-1"],
        "current_instance_type": "local",
        "current_group_name": "homogeneousCluster",
        "instance_groups": [
            {
                "instance_group_name": "homogeneousCluster",
                "instance_type": "local",
                "hosts": ["algo-1"],
            }
        ],
        "network_interface_name": "eth0",
    }
    config = run.local("/opt/ml/input/config")
    _write_json(config / "hyperparameters.json", {k: json.dumps(v) for k, v in hps.items()})
    _write_json(config / "inputdataconfig.json", data_config)
    _write_json(config / "resourceconfig.json", resource)
    entry = spec["program"].get("entry", "")
    env = {
        "hosts": ["algo-1"],
        "network_interface_name": "eth0",
        "hps": hps,
        "user_entry_point": entry,
        "framework_params": {},
        "resource_config": resource,
        "input_data_config": data_config,
        "output_data_dir": str(run.local("/opt/ml/output/data")),
        "channels": sorted(channels),
        "current_host": "algo-1",
        "current_instance_type": "local",
        "module_name": entry.removesuffix(".py"),
        "log_level": 20,
        "framework_module": "",
        "input_dir": str(run.local("/opt/ml/input")),
        "input_config_dir": str(config),
        "output_dir": str(run.local("/opt/ml/output")),
        "num_cpus": os.cpu_count() or 1,
        "num_gpus": 0,
        "model_dir": str(run.local("/opt/ml/model")),
        "module_dir": str(run.local("/opt/ml/code")),
        "user_args": cmd_args(hps),
        "output_intermediate_dir": str(run.local("/opt/ml/output/intermediate")),
    }
    env["training_env"] = dict(env)
    for name, path in channels.items():
        env[f"channel_{name}"] = path
    for key, value in hps.items():
        env[f"hp_{key}"] = value
    return {f"SM_{k.upper()}": _env_value(v) for k, v in env.items()}


def _training(run: _Run, spec: dict[str, Any], hps: dict | None = None) -> dict:
    hyperparameters = dict(spec.get("hyperparameters", {}) if hps is None else hps)
    for channel in spec["channels"]:
        _materialise(channel["value"], run.local(channel["path"]), channel["name"])
    for folder in ("/opt/ml/model", "/opt/ml/output/data", "/opt/ml/output/intermediate"):
        run.local(folder).mkdir(parents=True, exist_ok=True)
    if spec["program"]["kind"] == "builtin":
        metrics = _builtin_training(run, spec, hyperparameters)
        log = ""
    else:
        code = _prepare_code(run, spec, "/opt/ml/code")
        env = _training_env(run, spec, hyperparameters)
        env.update(_strings(run.map(spec.get("environment", {}))))
        argv = [*_interpreter(spec), str(code / spec["program"]["entry"])]
        argv += cmd_args(hyperparameters)
        log = _execute(argv, cwd=code, env=env)
        metrics = {}
    model = run.root / "artifacts" / "model"
    model.mkdir(parents=True, exist_ok=True)
    with tarfile.open(model / "model.tar.gz", "w:gz") as tar:
        for item in sorted(run.local("/opt/ml/model").iterdir()):
            tar.add(item, arcname=item.name)
    return {"model": model, "_metrics": metrics, "_log": log}


def _number(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _read_rows(folder: Path) -> list[list[float]]:
    rows = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        with path.open(newline="") as handle:
            for row in csv.reader(handle):
                if row:
                    rows.append([float(v) if v.strip() else math.nan for v in row])
    return rows


def _builtin_training(run: _Run, spec: dict, hps: dict[str, Any]) -> dict:
    """The built-in XGBoost algorithm (label in the first CSV column, no header), with
    the same hyperparameters, through the xgboost library."""
    program = spec["program"]
    if program["algorithm"] != "xgboost":
        raise RuntimeError(f"built-in algorithm {program['algorithm']}")
    numpy = optional("numpy", "the built-in XGBoost algorithm")
    xgboost = optional("xgboost", "the built-in XGBoost algorithm")

    def matrix(name: str) -> Any:
        channel = next((c for c in spec["channels"] if c["name"] == name), None)
        if channel is None:
            return None
        folder = run.local(channel["path"])
        if (channel.get("content_type") or "text/csv").startswith("text/libsvm"):
            files = sorted(p for p in folder.rglob("*") if p.is_file())
            return xgboost.DMatrix(f"{files[0]}?format=libsvm")
        data = numpy.array(_read_rows(folder), ndmin=2)
        return xgboost.DMatrix(data[:, 1:], label=data[:, 0])

    params = {k: _number(v) for k, v in hps.items()}
    rounds = int(params.pop("num_round", 100))
    early = params.pop("early_stopping_rounds", None)
    params.pop("silent", None)
    if isinstance(params.get("eval_metric"), str) and "," in params["eval_metric"]:
        params["eval_metric"] = params["eval_metric"].split(",")
    train = matrix("train")
    validation = matrix("validation")
    evals = [(train, "train")] + ([(validation, "validation")] if validation else [])
    history: dict = {}
    booster = xgboost.train(
        params,
        train,
        num_boost_round=rounds,
        evals=evals,
        early_stopping_rounds=int(early) if early and validation else None,
        evals_result=history,
        verbose_eval=False,
    )
    model = run.local("/opt/ml/model") / "xgboost-model"
    major, minor = (int(p) for p in program["version"].split("-")[0].split(".")[:2])
    if (major, minor) < (1, 3):
        with model.open("wb") as handle:
            pickle.dump(booster, handle)
    else:
        booster.save_model(str(model))
    metrics = {}
    for channel, values in history.items():
        for metric, series in values.items():
            metrics[f"{channel}:{metric}"] = series[-1]
            print(f"[{len(series) - 1}]#011{channel}-{metric}:{series[-1]}")
    return metrics


def _sample(ranges: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """One draw from the tuner's hyperparameter ranges."""
    out = {}
    for name, spec in ranges.items():
        kind = str(spec.get("$sdk", "")).rsplit(".", 1)[-1]
        args = list(spec.get("args", []))
        kwargs = spec.get("kwargs", {})
        if kind == "CategoricalParameter":
            values = kwargs.get("values", args[0] if args else [])
            out[name] = rng.choice(list(values))
            continue
        low = float(kwargs.get("min_value", args[0] if args else 0))
        high = float(kwargs.get("max_value", args[1] if len(args) > 1 else low))
        scaling = kwargs.get("scaling_type", args[2] if len(args) > 2 else "Auto")
        if scaling in ("Logarithmic", "ReverseLogarithmic") and low > 0:
            value = math.exp(rng.uniform(math.log(low), math.log(high)))
        else:
            value = rng.uniform(low, high)
        out[name] = round(value) if kind == "IntegerParameter" else value
    return out


def _objective(results: dict, name: str, definitions: list | None) -> float | None:
    if name in results["_metrics"]:
        return float(results["_metrics"][name])
    for definition in definitions or []:
        if definition.get("Name") == name:
            found = re.findall(definition.get("Regex", "$^"), results["_log"])
            if found:
                last = found[-1]
                return float(last[0] if isinstance(last, tuple) else last)
    return None


def _tuning(run: _Run, spec: dict[str, Any]) -> dict[str, Any]:
    """Random search over the ranges, one training run per trial, best first."""
    settings = spec.get("settings", {})
    ranges = settings.get("hyperparameter_ranges") or {}
    objective = settings.get("objective_metric_name", "")
    minimize = settings.get("objective_type", "Maximize") == "Minimize"
    trials = []
    rng = random.Random(0)
    for index in range(int(settings.get("max_jobs") or 1)):
        hps = dict(spec.get("hyperparameters", {}))
        hps.update(_sample(ranges, rng))
        trial = _Run(spec)
        results = _training(trial, spec, hps)
        value = _objective(results, objective, settings.get("metric_definitions"))
        print(f"tuning trial {index}: {objective}={value} with {hps}")
        trials.append((value, index, results["model"]))

    def key(trial: tuple) -> tuple:
        value, index, _ = trial
        missing = value is None or math.isnan(value)
        score = 0.0 if missing else (value if minimize else -value)
        return (missing, score, index)

    ranked = sorted(trials, key=key)
    top = run.root / "tuning" / "top_models"
    out: dict[str, Any] = {"best_model": ranked[0][2], "top_models": top}
    for rank, (_, _, model) in enumerate(ranked):
        shutil.copytree(model, top / str(rank))
        out[f"top_model_{rank}"] = model
    return out


def _create_model(run: _Run, spec: dict[str, Any]) -> dict[str, Any]:
    """A model bundle: the model data, the serving code and what serves it."""
    bundle = run.root / "model"
    bundle.mkdir(parents=True)
    for channel in spec["channels"]:
        if channel["name"] == "model":
            _materialise(channel["value"], bundle / "data", "model")
    program = dict(spec["program"])
    if program["kind"] == "script":
        shutil.copytree(PROJECT / program["code_dir"], bundle / "code")
    manifest = {"program": program, "environment": spec.get("environment", {})}
    _write_json(bundle / "ferry-model.json", manifest)
    return {"model_name": bundle}


def _model_bundle(value: Any) -> tuple[Path, dict]:
    """A model input: a bundle from a create-model step, or a training output."""
    folder = Path(str(value))
    manifest = folder / "ferry-model.json"
    if manifest.is_file():
        return folder / "data", json.loads(manifest.read_text())
    return folder, {"program": {"kind": "unknown"}}


def _extract(model: Path, into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    for archive in sorted(model.rglob("*.tar.gz")):
        with tarfile.open(archive) as tar:
            tar.extractall(into, filter="data")
    for item in model.iterdir():
        if item.is_file() and not item.name.endswith(".tar.gz"):
            shutil.copy2(item, into / item.name)
    return into


DRIVER = """
import importlib.util, io, json, sys
from pathlib import Path
code, entry, model_dir, out_dir, content_type, accept, *files = sys.argv[1:]
sys.path.insert(0, code)
spec = importlib.util.spec_from_file_location("inference", str(Path(code) / entry))
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
model = module.model_fn(model_dir)
def default_input(body, kind):
    import numpy
    if kind.startswith("application/json"):
        return numpy.array(json.loads(body))
    return numpy.genfromtxt(io.StringIO(body), delimiter=",", ndmin=2)
def default_output(prediction, kind):
    if kind.startswith("application/json"):
        return json.dumps(getattr(prediction, "tolist", lambda: prediction)())
    rows = getattr(prediction, "tolist", lambda: prediction)()
    return "\\n".join(",".join(map(str, r)) if isinstance(r, list) else str(r) for r in rows)
input_fn = getattr(module, "input_fn", default_input)
predict_fn = getattr(module, "predict_fn", lambda data, m: m.predict(data))
output_fn = getattr(module, "output_fn", default_output)
for name in files:
    body = Path(name).read_text()
    result = output_fn(predict_fn(input_fn(body, content_type), model), accept)
    if isinstance(result, tuple):
        result = result[0]
    if isinstance(result, bytes):
        result = result.decode()
    Path(out_dir, Path(name).name + ".out").write_text(str(result))
"""


def _transform(run: _Run, spec: dict[str, Any]) -> dict[str, Any]:
    """Batch transform: the model's inference code over each input file, writing
    `<file>.out` (a built-in XGBoost model predicts through the xgboost library)."""
    settings = spec.get("settings", {})
    values = {c["name"]: c["value"] for c in spec["channels"]}
    data = run.local("/opt/ml/transform/input")
    _materialise(values.get("data"), data, "data")
    output = run.local("/opt/ml/transform/output")
    output.mkdir(parents=True, exist_ok=True)
    model_data, manifest = _model_bundle(values.get("model"))
    model_dir = _extract(model_data, run.local("/opt/ml/model"))
    files = [str(p) for p in sorted(data.rglob("*")) if p.is_file()]
    program = manifest["program"]
    if program.get("kind") == "builtin" and program.get("algorithm") == "xgboost":
        numpy = optional("numpy", "a built-in XGBoost model")
        xgboost = optional("xgboost", "a built-in XGBoost model")
        path = model_dir / "xgboost-model"
        try:
            with path.open("rb") as handle:
                booster = pickle.load(handle)
        except (pickle.UnpicklingError, EOFError, ValueError):
            booster = xgboost.Booster()
            booster.load_model(str(path))
        for name in files:
            rows = numpy.array(_read_rows(Path(name).parent), ndmin=2)
            predictions = booster.predict(xgboost.DMatrix(rows))
            lines = "\n".join(str(float(p)) for p in predictions)
            (output / (Path(name).name + ".out")).write_text(lines + "\n")
    elif program.get("kind") == "script":
        code = run.local("/opt/ml/code")
        shutil.copytree(model_data.parent / "code", code, dirs_exist_ok=True)
        argv = [
            sys.executable,
            "-c",
            DRIVER,
            str(code),
            program["entry"],
            str(model_dir),
            str(output),
            settings.get("content_type") or "text/csv",
            settings.get("accept") or settings.get("content_type") or "text/csv",
            *files,
        ]
        _execute(argv, cwd=code, env=_strings(run.map(manifest.get("environment", {}))))
    else:
        raise RuntimeError(
            "this model has no inference code ferry can run locally; give the model"
            " an entry_point with model_fn/input_fn/predict_fn/output_fn"
        )
    return _results(run, spec)


def _register_model(run: _Run, spec: dict[str, Any]) -> dict[str, Any]:
    """Record the model, its metrics and approval status as step metadata (the
    SageMaker Model Registry is not used)."""
    from zenml import log_metadata

    settings = spec.get("settings", {})
    model = next((c["value"] for c in spec["channels"] if c["name"] == "model"), None)
    group = str(settings.get("model_package_group_name") or spec.get("step", "model"))
    record = {
        "model_package_group_name": group,
        "approval_status": settings.get("approval_status", "PendingManualApproval"),
        "model_data": str(model),
    }
    for key in ("content_types", "response_types", "inference_instances"):
        if key in settings:
            record[key] = settings[key]
    if "model_metrics" in settings:
        record["model_metrics"] = json.loads(json.dumps(settings["model_metrics"], default=str))
    arn = f"zenml:model-package/{group}/{execution_fact('PipelineExecutionId')}"
    record["model_package_arn"] = arn
    log_metadata(metadata={"model_package": record})
    print(f"registered model package {arn} ({record['approval_status']})")
    return {"model_package_arn": arn}


def _columns(rows: list[list[str]], header: bool) -> tuple[list[str], list[list[str]]]:
    if header and rows:
        return rows[0], rows[1:]
    width = max((len(r) for r in rows), default=0)
    return [f"_c{i}" for i in range(width)], rows


def _statistics(names: list[str], rows: list[list[str]]) -> tuple[dict, dict]:
    """Per-column statistics and constraints in Model Monitor's format (a subset)."""
    features, constraints = [], []
    for index, name in enumerate(names):
        cells = [r[index].strip() if index < len(r) else "" for r in rows]
        present = [c for c in cells if c != ""]
        numbers = []
        for c in present:
            try:
                numbers.append(float(c))
            except ValueError:
                break
        numeric = bool(present) and len(numbers) == len(present)
        integral = numeric and all(n.is_integer() for n in numbers)
        kind = "Integral" if integral else "Fractional" if numeric else "String"
        common = {"num_present": len(present), "num_missing": len(cells) - len(present)}
        feature: dict[str, Any] = {"name": name, "inferred_type": kind}
        if numeric:
            mean = sum(numbers) / len(numbers)
            variance = sum((n - mean) ** 2 for n in numbers) / len(numbers)
            feature["numerical_statistics"] = {
                "common": common,
                "mean": mean,
                "sum": sum(numbers),
                "std_dev": math.sqrt(variance),
                "min": min(numbers),
                "max": max(numbers),
            }
        else:
            feature["string_statistics"] = {
                "common": common,
                "distinct_count": len(set(present)),
            }
        features.append(feature)
        completeness = len(present) / len(cells) if cells else 1.0
        constraint: dict[str, Any] = {
            "name": name,
            "inferred_type": kind,
            "completeness": completeness,
        }
        if numeric:
            constraint["num_constraints"] = {"is_non_negative": min(numbers) >= 0}
        constraints.append(constraint)
    statistics = {"version": 0.0, "dataset": {"item_count": len(rows)}, "features": features}
    monitoring = {
        "evaluate_constraints": "Enabled",
        "emit_metrics": "Enabled",
        "datatype_check_threshold": 1.0,
        "domain_content_threshold": 1.0,
    }
    return statistics, {"version": 0.0, "features": constraints, "monitoring_config": monitoring}


def _violations(baseline: dict, current: dict) -> list[dict]:
    wanted = {f["name"]: f for f in baseline.get("features", [])}
    found = []
    for feature in current.get("features", []):
        expected = wanted.get(feature["name"])
        if expected is None:
            continue
        if feature["inferred_type"] != expected.get("inferred_type"):
            found.append({"feature_name": feature["name"], "constraint_check_type": "data_type_check"})
        if feature["completeness"] < float(expected.get("completeness", 0)):
            found.append({"feature_name": feature["name"], "constraint_check_type": "completeness_check"})
    return found


def _quality_check(run: _Run, spec: dict[str, Any]) -> dict[str, Any]:
    """A data-quality baseline of a dataset, checked against a supplied baseline unless
    `skip_check`."""
    settings = spec.get("settings", {})
    data = run.local("/opt/ml/processing/input/baseline_dataset_input")
    for channel in spec["channels"]:
        _materialise(channel["value"], data, channel["name"])
    rows = []
    for path in sorted(p for p in data.rglob("*") if p.is_file()):
        with path.open(newline="") as handle:
            rows.extend(r for r in csv.reader(handle) if r)
    form = settings.get("dataset_format") or {"csv": {"header": True}}
    header = bool(form.get("csv", {}).get("header", True)) if "csv" in form else True
    names, body = _columns(rows, header)
    statistics, constraints = _statistics(names, body)
    results = {name: run.local(path) for name, path in spec["results"].items()}
    for folder in results.values():
        folder.mkdir(parents=True, exist_ok=True)
    _write_json(results["calculated_baseline_statistics"] / "statistics.json", statistics)
    _write_json(results["calculated_baseline_constraints"] / "constraints.json", constraints)
    supplied = settings.get("supplied_baseline_constraints") or ""
    skip = str(settings.get("skip_check", False)).lower() == "true"
    if not skip and supplied and Path(str(supplied)).exists():
        baseline = json.loads(Path(str(supplied)).read_text())
        violations = _violations(baseline, constraints)
        _write_json(
            run.local("/opt/ml/processing/output/constraint_violations.json"),
            {"violations": violations},
        )
        fail = str(settings.get("fail_on_violation", True)).lower() == "true"
        if violations and fail:
            raise RuntimeError(f"data quality check failed: {violations}")
    new_baseline = str(settings.get("register_new_baseline", False)).lower() == "true"
    for kind, name in (("statistics", "statistics.json"), ("constraints", "constraints.json")):
        target = results[f"baseline_used_for_drift_check_{kind}"] / name
        given = settings.get(f"supplied_baseline_{kind}") or ""
        if not new_baseline and given and Path(str(given)).exists():
            shutil.copy2(str(given), target)
        else:
            shutil.copy2(results[f"calculated_baseline_{kind}"] / name, target)
    return results
