"""A daily-partitioned asset with a schedule."""

from dagster import DailyPartitionsDefinition, Definitions, ScheduleDefinition, asset, define_asset_job

daily = DailyPartitionsDefinition(start_date="2024-01-01")


@asset(partitions_def=daily)
def daily_metrics() -> dict:
    return {"rows": 42}


metrics_job = define_asset_job("metrics_job", selection=[daily_metrics], partitions_def=daily)
nightly = ScheduleDefinition(job=metrics_job, cron_schedule="0 2 * * *")

defs = Definitions(assets=[daily_metrics], jobs=[metrics_job], schedules=[nightly])
