from dagster import asset


@asset
def row_count(source_rows: list) -> int:
    return len(source_rows)
