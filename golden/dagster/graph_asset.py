"""A graph-backed asset."""

from dagster import Definitions, graph_asset, op


@op
def fetch() -> list:
    return [1, 2]


@op
def double(values: list) -> list:
    return [v * 2 for v in values]


@graph_asset
def doubled_values():
    return double(fetch())


defs = Definitions(assets=[doubled_values])
