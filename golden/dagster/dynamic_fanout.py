"""Dynamic fan-out with DynamicOut/.map/.collect inside a job."""

from dagster import DynamicOut, DynamicOutput, job, op


@op(out=DynamicOut())
def files():
    for name in ["ab", "cde"]:
        yield DynamicOutput(name, mapping_key=name)


@op
def process(name: str) -> int:
    return len(name)


@op
def total(sizes: list) -> int:
    print(f"total size {sum(sizes)}")
    return sum(sizes)


@job
def fanout_job():
    sizes = files().map(process)
    total(sizes.collect())
