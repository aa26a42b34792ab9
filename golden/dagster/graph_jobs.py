"""One graph, two jobs: `to_job` twice with different run configs, and a @job with its own;
each is a pipeline whose configs/*.yaml carry that job's values."""

from dagster import Config, OpExecutionContext, RunConfig, graph, job, op


class ScaleConfig(Config):
    factor: int = 1


@op
def numbers() -> list:
    return [1, 2, 3]


@op
def scale(config: ScaleConfig, numbers: list) -> list:
    scaled = [n * config.factor for n in numbers]
    print(f"scaled: {scaled}")
    return scaled


@op(config_schema={"label": str})
def announce(context: OpExecutionContext, values: list) -> None:
    print(f"{context.op_config['label']}: {sum(values)}")


@graph
def scaling():
    announce(scale(numbers()))


double_job = scaling.to_job(
    name="double",
    config={"ops": {"scale": {"config": {"factor": 2}}, "announce": {"config": {"label": "doubled"}}}},
)
triple_job = scaling.to_job(
    name="triple",
    config=RunConfig(ops={"scale": ScaleConfig(factor=3), "announce": {"config": {"label": "tripled"}}}),
)


@job(config={"ops": {"scale": {"config": {"factor": 10}}, "announce": {"config": {"label": "tenfold"}}}})
def tenfold():
    announce(scale(numbers()))
