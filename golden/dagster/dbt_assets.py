"""dbt models loaded as Dagster assets with dagster-dbt: a stand-in step that names the
dbt command to run, flagged HIGH (never dropped), and the asset downstream of it."""

from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

project = DbtProject(project_dir=Path(__file__).parent / "warehouse")


@dbt_assets(manifest=project.manifest_path, select="tag:nightly", exclude="tag:slow")
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    yield from dbt.cli(["build"], context=context).stream()


@dg.asset(deps=[warehouse_models])
def export_report() -> str:
    return "exported"


defs = dg.Definitions(
    assets=[warehouse_models, export_report],
    resources={"dbt": DbtCliResource(project_dir=project)},
)
