"""A code location split over modules."""

from dagster import Definitions, load_assets_from_modules

from .assets import ingest, reporting

defs = Definitions(assets=load_assets_from_modules([ingest, reporting]))
