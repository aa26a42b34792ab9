from dagster import asset


@asset
def row_count(source_rows: list) -> int:
    print(f"rows: {len(source_rows)}")
    return len(source_rows)
