"""A SourceAsset input, a context user, deps= ordering and ins= renaming."""

from dagster import AssetIn, Definitions, SourceAsset, asset

raw_clicks = SourceAsset(key="raw_clicks")


@asset
def sessions(context, raw_clicks) -> list:
    context.log.info("building sessions")
    return list(raw_clicks)


@asset(deps=[sessions])
def warm_cache() -> None:
    return None


@asset(ins={"s": AssetIn(key="sessions")})
def session_count(s: list) -> int:
    return len(s)


defs = Definitions(assets=[raw_clicks, sessions, warm_cache, session_count])
