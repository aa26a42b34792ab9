"""A multi_asset producing two assets, each consumed downstream."""

from dagster import AssetOut, Definitions, asset, multi_asset


@multi_asset(outs={"train_split": AssetOut(), "test_split": AssetOut()})
def split_data():
    data = list(range(10))
    return data[:8], data[8:]


@asset
def model(train_split: list) -> dict:
    return {"weights": sum(train_split)}


@asset
def evaluation(model: dict, test_split: list) -> dict:
    return {"score": model["weights"] / (1 + sum(test_split))}


defs = Definitions(assets=[split_data, model, evaluation])
