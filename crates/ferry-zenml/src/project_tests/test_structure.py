"""Structure tier: what ZenML compiles equals what the source defined, as
ferry-inventory.json records it. Static pipelines: every step invocation and the
invocations it runs after. Dynamic pipelines: the step functions, and the branch
and error-handler shape of the pipeline function."""

import ast
import importlib
import inspect
from collections import Counter

import pytest

from tests.ladder import PIPELINES, compile_pipeline, ids, skip_if_missing

STATIC = [entry for entry in PIPELINES if not entry["dynamic"]]
DYNAMIC = [entry for entry in PIPELINES if entry["dynamic"]]


@pytest.mark.parametrize("entry", STATIC, ids=ids(STATIC))
def test_static_pipeline_matches_inventory(entry: dict) -> None:
    """Steps and their upstream edges, as ZenML compiled them."""
    expected = {step["function"]: sorted(step["upstream"]) for step in entry["steps"]}
    with skip_if_missing():
        compiled = compile_pipeline(entry)
    assert compiled == expected


def pipeline_function(entry: dict) -> ast.FunctionDef:
    """The syntax tree of the pipeline function."""
    module = importlib.import_module(entry["module"])
    tree = ast.parse(inspect.getsource(module))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == entry["name"]:
            return node
    raise AssertionError(f"no function {entry['name']} in {entry['module']}")


def calls(nodes: list[ast.stmt]) -> set[str]:
    """Names of the functions called anywhere in `nodes`."""
    found = set()
    for node in nodes:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
                found.add(sub.func.id)
    return found


def chains(function: ast.FunctionDef) -> Counter:
    """How many tests each if/elif chain of the function has."""
    nested = set()
    lengths: Counter = Counter()
    for node in ast.walk(function):
        if not isinstance(node, ast.If) or id(node) in nested:
            continue
        length, current = 1, node
        while len(current.orelse) == 1 and isinstance(current.orelse[0], ast.If):
            current = current.orelse[0]
            nested.add(id(current))
            length += 1
        lengths[length] += 1
    return lengths


@pytest.mark.parametrize("entry", DYNAMIC, ids=ids(DYNAMIC))
def test_dynamic_pipeline_matches_inventory(entry: dict) -> None:
    """Step functions ZenML compiled, the ones the body calls, its branches and
    error handlers."""
    functions = set(entry["functions"])
    with skip_if_missing():
        compiled = compile_pipeline(entry)
        function = pipeline_function(entry)
    assert set(compiled) == functions
    assert calls(function.body) >= functions
    wanted = Counter(branch["rules"] for branch in entry["branches"])
    assert not wanted - chains(function), "a branch of the source is missing"
    tries = [node for node in ast.walk(function) if isinstance(node, ast.Try)]
    for handler in entry["handlers"]:
        guarded, fallback = handler["guarded_function"], handler["handler_function"]
        assert any(
            (guarded is None or guarded in calls(node.body))
            and (fallback is None or fallback in calls(node.handlers))
            for node in tries
        ), f"no try/except runs {fallback} when {guarded} fails"
