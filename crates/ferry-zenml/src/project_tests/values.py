"""Asset values as plain data, and their comparison: shared by the parity test and
the script that materialises the original Dagster assets (stdlib only)."""

import math
from typing import Any

RELATIVE_TOLERANCE = 1e-9


def encode(value: Any) -> Any:
    """A JSON-ready form of `value` that keeps ints, floats and strings apart."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {"mapping": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return {"set": sorted((encode(item) for item in value), key=repr)}
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return {"table": encode(to_dict())}
    return {"repr": repr(value)}


def compare(original: Any, migrated: Any, path: str = "value") -> list[str]:
    """Differences between two encoded values: exact for keys, strings, integers and
    booleans, relative tolerance RELATIVE_TOLERANCE for floats."""
    if isinstance(original, float) and isinstance(migrated, float):
        if math.isnan(original) and math.isnan(migrated):
            return []
        if math.isclose(original, migrated, rel_tol=RELATIVE_TOLERANCE):
            return []
        return [f"{path}: {original!r} != {migrated!r} (relative tolerance 1e-9)"]
    if type(original) is not type(migrated):
        return [f"{path}: {original!r} ({type(original).__name__}) != {migrated!r}"]
    if isinstance(original, list):
        if len(original) != len(migrated):
            return [f"{path}: {len(original)} items != {len(migrated)} items"]
        return [
            problem
            for i, (a, b) in enumerate(zip(original, migrated, strict=True))
            for problem in compare(a, b, f"{path}[{i}]")
        ]
    if isinstance(original, dict):
        if set(original) != set(migrated):
            return [f"{path}: {sorted(original)} != {sorted(migrated)}"]
        return [
            problem
            for key in sorted(original)
            for problem in compare(original[key], migrated[key], f"{path}.{key}")
        ]
    return [] if original == migrated else [f"{path}: {original!r} != {migrated!r}"]
