"""Op/job-centric: ops wired by calls inside a @job."""

from dagster import Definitions, job, op


@op
def extract() -> list:
    return [3, 1, 2]


@op
def transform(numbers: list) -> list:
    return sorted(n * 10 for n in numbers)


@op
def load(rows: list) -> int:
    print(f"loaded {rows}")
    return len(rows)


@job
def etl_job():
    load(transform(extract()))


defs = Definitions(jobs=[etl_job])
