"""Checks that every SageMaker SDK call in generated projects binds to the SDK's real
signature (tests/tests/sdk_calls.rs). Reads project folders from argv; for each module
under steps/ it resolves names imported from `sagemaker` (and `sagemaker.X` attribute
chains), binds each call's arguments with `inspect.signature(...).bind`, and for a
variable assigned from an SDK constructor checks that the methods called on it exist
and bind too. Prints `WRONG: file:line: reason` per failure and `checked N calls` on
stderr. Placeholder values are `None`: only names and arity are checked, never types.
"""

import ast
import importlib
import inspect
import pathlib
import sys

checked = 0
wrong = []


def resolve(qualified):
    parts = qualified.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def qualified_name(node, imports):
    if isinstance(node, ast.Name):
        return imports.get(node.id)
    if isinstance(node, ast.Attribute):
        base = qualified_name(node.value, imports)
        return f"{base}.{node.attr}" if base else None
    return None


def bind(where, what, target, call, skip_self=False):
    global checked
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):
        return
    args = [None] * len(call.args)
    if skip_self:
        args = [None] + args
    kwargs = {k.arg: None for k in call.keywords}
    checked += 1
    try:
        signature.bind(*args, **kwargs)
    except TypeError as e:
        wrong.append(f"{where}:{call.lineno}: {what}: {e}")


def check_module(path, shown):
    tree = ast.parse(path.read_text(), str(path))
    imports = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "sagemaker":
                for alias in node.names:
                    imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "sagemaker":
                    imports[alias.asname or alias.name.split(".")[0]] = (
                        alias.name if alias.asname else alias.name.split(".")[0]
                    )
    if not imports:
        return
    # Each call is checked once, with the variables of the innermost function that
    # holds it (functions come before the module in this order).
    scopes = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    scopes.reverse()
    scopes.append(tree)
    seen = set()
    for scope in scopes:
        instances = {}
        for node in ast.walk(scope):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                name = qualified_name(node.value.func, imports)
                target = resolve(name) if name else None
                if inspect.isclass(target):
                    for t in node.targets:
                        if isinstance(t, ast.Name):
                            instances[t.id] = (name, target)
        for node in ast.walk(scope):
            if not isinstance(node, ast.Call) or id(node) in seen:
                continue
            seen.add(id(node))
            check_call(node, imports, instances, shown)


def check_call(node, imports, instances, shown):
    name = qualified_name(node.func, imports)
    if name:
        target = resolve(name)
        if target is None:
            wrong.append(f"{shown}:{node.lineno}: `{name}` is not in the SDK")
        elif callable(target):
            bind(shown, name, target, node)
    elif (
        isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in instances
    ):
        class_name, cls = instances[node.func.value.id]
        method = getattr(cls, node.func.attr, None)
        what = f"{class_name}.{node.func.attr}"
        if method is None:
            wrong.append(f"{shown}:{node.lineno}: `{what}` is not in the SDK")
        elif callable(method):
            bind(shown, what, method, node, skip_self=True)


for project in sys.argv[1:]:
    root = pathlib.Path(project)
    for path in sorted(root.rglob("*.py")):
        if "steps" in path.relative_to(root).parts:
            check_module(path, str(path.relative_to(root.parent)))

for line in wrong:
    print("WRONG:", line)
print(f"checked {checked} calls", file=sys.stderr)
