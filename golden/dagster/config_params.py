"""Run config on an asset: its fields become step parameters."""

from dagster import Config, Definitions, EnvVar, asset

api_token = EnvVar("API_TOKEN")


class ThresholdConfig(Config):
    minimum: int = 3
    label: str = "big"


@asset
def numbers() -> list:
    return [1, 5, 7, 2]


@asset
def big_numbers(config: ThresholdConfig, numbers: list) -> dict:
    kept = [n for n in numbers if n >= config.minimum]
    print(f"{config.label}: {kept}")
    return {"label": config.label, "values": kept}


defs = Definitions(assets=[numbers, big_numbers])
