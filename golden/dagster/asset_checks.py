"""An asset with an asset check."""

from dagster import AssetCheckResult, Definitions, asset, asset_check


@asset
def inventory() -> list:
    return [5, 0, 3]


@asset_check(asset=inventory)
def no_negative_stock(inventory: list) -> AssetCheckResult:
    return AssetCheckResult(passed=all(n >= 0 for n in inventory))


defs = Definitions(assets=[inventory], asset_checks=[no_negative_stock])
