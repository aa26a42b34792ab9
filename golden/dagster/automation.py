"""Declarative automation and an unknown decorator: both reported."""

import dagster as dg


@dg.asset(automation_condition=dg.AutomationCondition.eager())
def eager_table() -> list:
    return [1]


@dg.asset(deps=["missing_upstream"])
def needs_missing(not_defined_anywhere: list) -> int:
    return len(not_defined_anywhere)


defs = dg.Definitions(assets=[eager_table, needs_missing])
