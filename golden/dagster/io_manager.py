"""An IO manager that holds business logic, and a configurable resource."""

import json

from dagster import ConfigurableIOManager, ConfigurableResource, Definitions, asset


class JsonFileIOManager(ConfigurableIOManager):
    root: str = "/tmp/data"

    def handle_output(self, context, obj):
        filtered = [o for o in obj if o.get("valid")]
        with open(f"{self.root}/{context.asset_key.path[-1]}.json", "w") as f:
            json.dump(filtered, f)

    def load_input(self, context):
        with open(f"{self.root}/{context.asset_key.path[-1]}.json") as f:
            return json.load(f)


class WarehouseClient(ConfigurableResource):
    dsn: str


@asset(io_manager_key="json_io")
def customers() -> list:
    return [{"id": 1, "valid": True}]


defs = Definitions(assets=[customers], resources={"json_io": JsonFileIOManager()})
