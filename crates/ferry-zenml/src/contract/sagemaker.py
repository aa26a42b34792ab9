"""Launching the migrated job steps on SageMaker with the SDK (written by ferry).

The steps build the source's processors, estimators, tuners, transformers, models and
monitors themselves; this module gives them the session, the execution role, project
paths for the carried scripts, S3 URIs for upstream artifacts and the outputs of
finished jobs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import boto3
import sagemaker

PROJECT = Path(__file__).resolve().parent.parent.parent


def sagemaker_session() -> sagemaker.Session:
    """The SageMaker session of the running environment (region and credentials from
    the stack's AWS configuration)."""
    return sagemaker.Session(boto_session=boto3.Session())


def execution_role(session: sagemaker.Session) -> str:
    """The IAM role jobs run as: `FERRY_SAGEMAKER_ROLE`, else the environment's role."""
    role = os.environ.get("FERRY_SAGEMAKER_ROLE")
    if role:
        return role
    return sagemaker.get_execution_role(sagemaker_session=session)


def project_path(relative: str) -> str:
    """A file or folder of the generated project, for the SDK to upload."""
    return str(PROJECT / relative)


def s3_uri(value: Any, session: sagemaker.Session) -> str:
    """An input as an S3 URI: S3 URIs as they are, local files and folders uploaded to
    the session's default bucket."""
    text = str(value)
    if text.startswith("s3://"):
        return text
    path = Path(text)
    if not path.exists():
        raise FileNotFoundError(f"{text} is neither an S3 URI nor a local path")
    return session.upload_data(str(path), key_prefix="ferry/inputs")


def processing_outputs(processor: Any) -> dict[str, str]:
    """The S3 URI of every output of the processor's last job, by output name."""
    description = processor.latest_job.describe()
    outputs = description["ProcessingOutputConfig"]["Outputs"]
    return {o["OutputName"]: o["S3Output"]["S3Uri"] for o in outputs}


def read_json(uri: str, path: str, session: sagemaker.Session) -> dict[str, Any]:
    """A JSON file inside an S3 output (a PropertyFile), read into a dict."""
    bucket, _, prefix = uri[len("s3://") :].partition("/")
    key = f"{prefix.rstrip('/')}/{path}" if prefix else path
    body = session.boto_session.client("s3").get_object(Bucket=bucket, Key=key)["Body"]
    return json.loads(body.read())


def tuning_outputs(tuner: Any, ranks: list[int]) -> dict[str, str]:
    """The best model of a tuning job, and the models of the given ranks."""
    best = tuner.best_estimator()
    out = {"best_model": best.model_data, "top_models": best.output_path}
    frame = tuner.analytics().dataframe()
    objective = tuner.objective_type == "Minimize"
    ranked = frame.sort_values("FinalObjectiveValue", ascending=objective)
    client = tuner.sagemaker_session.sagemaker_client
    for rank in ranks:
        name = ranked.iloc[rank]["TrainingJobName"]
        job = client.describe_training_job(TrainingJobName=name)
        out[f"top_model_{rank}"] = job["ModelArtifacts"]["S3ModelArtifacts"]
    return out


def baseline_outputs(monitor: Any) -> dict[str, str]:
    """The statistics and constraints a baselining job wrote."""
    job = monitor.latest_baselining_job
    statistics = job.baseline_statistics().file_s3_uri
    constraints = job.suggested_constraints().file_s3_uri
    return {
        "calculated_baseline_statistics": statistics,
        "calculated_baseline_constraints": constraints,
        "baseline_used_for_drift_check_statistics": statistics,
        "baseline_used_for_drift_check_constraints": constraints,
    }
