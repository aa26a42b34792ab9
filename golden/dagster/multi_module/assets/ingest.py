from dagster import asset


@asset
def source_rows() -> list:
    return [1, 2, 3]
