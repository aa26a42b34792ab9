"""A @step function-step pipeline whose bodies are self-contained pure Python, gated
by a ConditionStep on a DelayedReturn."""
from sagemaker.workflow.condition_step import ConditionStep
from sagemaker.workflow.conditions import ConditionGreaterThanOrEqualTo
from sagemaker.workflow.fail_step import FailStep
from sagemaker.workflow.function_step import step
from sagemaker.workflow.parameters import ParameterFloat, ParameterInteger
from sagemaker.workflow.pipeline import Pipeline

rows = ParameterInteger(name="rows", default_value=20)
r2_threshold = ParameterFloat(name="r2_threshold", default_value=0.5)


@step(name="generate", instance_type="ml.m5.large")
def generate(rows: int) -> list:
    return [[float(i), 2.0 * i + 1.0] for i in range(rows)]


@step(name="fit", instance_type="ml.m5.xlarge", keep_alive_period_in_seconds=300)
def fit(data: list) -> dict:
    n = len(data)
    mx = sum(x for x, _ in data) / n
    my = sum(y for _, y in data) / n
    cov = sum((x - mx) * (y - my) for x, y in data)
    var = sum((x - mx) ** 2 for x, _ in data)
    slope = cov / var
    return {"slope": slope, "intercept": my - slope * mx}


@step(name="score")
def score(model: dict, data: list) -> dict:
    ys = [y for _, y in data]
    mean = sum(ys) / len(ys)
    predicted = [model["slope"] * x + model["intercept"] for x, _ in data]
    ss_res = sum((y - p) ** 2 for (_, y), p in zip(data, predicted))
    ss_tot = sum((y - mean) ** 2 for y in ys)
    return {"r2": 1.0 - ss_res / ss_tot if ss_tot else 1.0}


@step(name="publish")
def publish(model: dict, metrics: dict) -> str:
    return f"slope={model['slope']:.3f} r2={metrics['r2']:.3f}"


data = generate(rows)
model = fit(data)
metrics = score(model, data)

gate = ConditionStep(
    name="r2-gate",
    conditions=[ConditionGreaterThanOrEqualTo(left=metrics["r2"], right=r2_threshold)],
    if_steps=[publish(model, metrics)],
    else_steps=[FailStep(name="r2-too-low", error_message="the model does not fit the data")],
)

pipeline = Pipeline(name="function-steps", parameters=[rows, r2_threshold], steps=[gate])
