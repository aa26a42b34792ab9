"""Two asset jobs with their own schedules: two pipelines joined by an artifact."""

from dagster import AssetSelection, Definitions, ScheduleDefinition, asset, define_asset_job


@asset(group_name="ingest")
def events() -> list:
    return [1, 2, 3]


@asset(group_name="ingest")
def cleaned_events(events: list) -> list:
    return [e for e in events if e > 1]


@asset(group_name="reporting")
def daily_report(cleaned_events: list) -> dict:
    return {"count": len(cleaned_events)}


ingest_job = define_asset_job("ingest_job", selection=AssetSelection.groups("ingest"))
report_job = define_asset_job("report_job", selection=AssetSelection.assets(daily_report))

ingest_schedule = ScheduleDefinition(job=ingest_job, cron_schedule="0 * * * *")
report_schedule = ScheduleDefinition(job=report_job, cron_schedule="0 6 * * *", execution_timezone="UTC")

defs = Definitions(
    assets=[events, cleaned_events, daily_report],
    jobs=[ingest_job, report_job],
    schedules=[ingest_schedule, report_schedule],
)
