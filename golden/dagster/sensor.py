"""A sensor that starts a job when files arrive: flagged, not faked."""

import dagster as dg


@dg.asset
def landing_files() -> list:
    return ["a.csv"]


landing_job = dg.define_asset_job("landing_job", selection="*")


@dg.sensor(job=landing_job)
def new_files_sensor(context):
    yield dg.RunRequest(run_key="latest")


defs = dg.Definitions(assets=[landing_files], jobs=[landing_job], sensors=[new_files_sensor])
