"""Asset jobs whose selections use AssetSelection's algebra: each job runs exactly the
assets Dagster would run, and a selection ferry cannot read selects nothing (HIGH)."""

import dagster as dg
from dagster import AssetKey, AssetSelection, asset, define_asset_job


@asset(group_name="raw")
def raw_orders() -> list:
    return [1, 2, 3]


@asset(group_name="raw", key_prefix=["lake", "raw"])
def raw_users() -> list:
    return ["ada", "grace"]


@asset(group_name="clean")
def clean_orders(raw_orders: list) -> list:
    doubled = [o * 2 for o in raw_orders]
    print(f"clean orders: {doubled}")
    return doubled


@asset(group_name="clean", deps=[AssetKey(["lake", "raw", "raw_users"])])
def user_count() -> int:
    return 2


@asset(group_name="marts")
def report(clean_orders: list) -> int:
    total = sum(clean_orders)
    print(f"report total: {total}")
    return total


@dg.asset_check(asset=report)
def report_positive(report: int) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=report > 0)


ORDER_KEYS = [AssetKey("raw_orders"), AssetKey("clean_orders")]

# Every asset but the raw group: clean_orders, user_count, report and its check.
without_raw = define_asset_job(
    "without_raw", selection=AssetSelection.all() - AssetSelection.groups("raw")
)
# raw_orders and the assets one level below it.
next_to_orders = define_asset_job(
    "next_to_orders",
    selection=AssetSelection.assets(raw_orders).downstream(depth=1),
)
# The clause syntax: report and everything upstream of it.
to_report = define_asset_job("to_report", selection="*report")
# Keys spread from a list, or'ed with a key prefix.
keyed = define_asset_job(
    "keyed",
    selection=AssetSelection.keys(*ORDER_KEYS)
    | AssetSelection.key_prefixes(["lake", "raw"]),
)
# The leaves of the graph.
leaves = define_asset_job("leaves", selection=AssetSelection.all().sinks())
# Tags are not read by ferry: the job selects nothing, flagged HIGH.
by_tag = define_asset_job("by_tag", selection=AssetSelection.tag("team", "data"))

defs = dg.Definitions(
    assets=[raw_orders, raw_users, clean_orders, user_count, report],
    asset_checks=[report_positive],
    jobs=[without_raw, next_to_orders, to_report, keyed, leaves, by_tag],
)
