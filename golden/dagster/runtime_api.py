"""Dagster runtime API inside bodies: the partition key, the logger, a configurable
resource, Output and MaterializeResult metadata, a generator of outputs and a blocking
asset check."""

import dagster as dg


class Labeller(dg.ConfigurableResource):
    prefix: str
    scale: int = 1

    def label(self, value: int) -> str:
        return f"{self.prefix}-{value * self.scale}"


letters = dg.StaticPartitionsDefinition(["a", "bb", "ccc"])


@dg.asset(partitions_def=letters)
def sizes(context: dg.AssetExecutionContext) -> dg.Output[int]:
    key = context.partition_key
    context.log.info(f"partition {key}")
    return dg.Output(len(key), metadata={"key": dg.MetadataValue.text(key)})


@dg.asset_check(asset=sizes, blocking=True)
def sizes_positive(sizes: int) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=sizes > 0, metadata={"size": sizes})


@dg.multi_asset(outs={"small": dg.AssetOut(), "large": dg.AssetOut()}, partitions_def=letters)
def split_sizes(sizes: int):
    yield dg.Output(min(sizes, 2), output_name="small")
    yield dg.Output(max(sizes, 2), output_name="large")


@dg.asset(partitions_def=letters)
def labels(context: dg.AssetExecutionContext, labeller: Labeller, small: int, large: int) -> dg.MaterializeResult:
    text = f"{labeller.label(small)} {labeller.label(large)}"
    context.log.info(f"labels {text}")
    return dg.MaterializeResult(metadata={"text": text, "count": 2})


defs = dg.Definitions(
    assets=[sizes, split_sizes, labels],
    asset_checks=[sizes_positive],
    resources={"labeller": Labeller(prefix="item", scale=3)},
)
