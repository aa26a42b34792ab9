

# ASL intrinsic functions (JSONPath states).


def states_format(template, *args):
    out = []
    i = 0
    slots = iter(args)
    while i < len(template):
        c = template[i]
        if c == "\\" and i + 1 < len(template):
            out.append(template[i + 1])
            i += 2
            continue
        if template.startswith("{}", i):
            try:
                arg = next(slots)
            except StopIteration:
                _fail("States.Format has more {} than arguments")
            out.append(arg if isinstance(arg, str) else _dumps(arg))
            i += 2
            continue
        out.append(c)
        i += 1
    if next(slots, UNDEFINED) is not UNDEFINED:
        _fail("States.Format has more arguments than {}")
    return "".join(out)


def states_string_to_json(s):
    return json.loads(s)


def states_json_to_string(v):
    return _dumps(v)


def states_array(*items):
    return list(items)


def states_array_partition(items, size):
    return partition(items, size)


def states_array_contains(items, v):
    return any(_deep_eq(x, v) for x in items)


def states_array_range(start, end, step):
    return range_(start, end, step)


def states_array_get_item(items, index):
    return items[int(index)]


def states_array_length(items):
    return len(items)


def states_array_unique(items):
    return distinct(list(items))


def states_base64_encode(s):
    return base64.b64encode(s.encode("utf-8")).decode("ascii")


def states_base64_decode(s):
    return base64.b64decode(s).decode("utf-8")


def states_hash(v, algorithm):
    return hash_(v, algorithm)


def states_json_merge(a, b, deep):
    if deep:
        _fail("States.JsonMerge supports only a shallow merge")
    out = dict(a)
    out.update(b)
    return out


def states_math_random(start, end, seed=UNDEFINED):
    rng = _random if seed is UNDEFINED else _random.Random(seed)
    return rng.randint(int(start), int(end) - 1) if end > start else int(start)


def states_math_add(a, b):
    return _num(a + b)


def states_string_split(s, delimiters):
    parts = [s]
    for d in delimiters:
        parts = [p for chunk in parts for p in chunk.split(d)]
    return [p for p in parts if p]


def states_uuid():
    return uuid()


# Step Functions' JSONPath (definite paths yield the value, others a list).


def _jp_children(node):
    if isinstance(node, dict):
        return list(node.values())
    if isinstance(node, list):
        return list(node)
    return []


def _jp_all(node, out):
    out.append(node)
    for child in _jp_children(node):
        _jp_all(child, out)
    return out


def _jp_select(nodes, sel):
    kind = sel[0]
    out = []
    for node in nodes:
        if kind == "f":
            if isinstance(node, dict) and sel[1] in node:
                out.append(node[sel[1]])
        elif kind == "i":
            if isinstance(node, list):
                i = sel[1] + len(node) if sel[1] < 0 else sel[1]
                if 0 <= i < len(node):
                    out.append(node[i])
        elif kind == "*":
            out.extend(_jp_children(node))
        elif kind == "s":
            if isinstance(node, list):
                out.extend(node[slice(sel[1], sel[2], sel[3])])
        elif kind == "u":
            for member in sel[1]:
                out.extend(_jp_select([node], member))
        elif kind == "?":
            for child in _jp_children(node):
                if _jp_true(sel[1](child)):
                    out.append(child)
    return out


def _jp_true(v):
    return v is not UNDEFINED and v is not None and v is not False


def jsonpath_all(base, selectors):
    """Every node the selectors pick from `base`, in document order."""
    nodes = [base]
    i = 0
    while i < len(selectors):
        sel = selectors[i]
        if sel[0] == "..":
            every = []
            for node in nodes:
                _jp_all(node, every)
            nodes = every
            if i + 1 < len(selectors):
                nodes = _jp_select(nodes, selectors[i + 1])
                i += 1
        else:
            nodes = _jp_select(nodes, sel)
        i += 1
    return nodes


def jsonpath(base, selectors):
    """A JSONPath as Step Functions evaluates it: a definite path (fields and indices
    only) yields the value and fails when missing; any other path yields a list."""
    nodes = jsonpath_all(base, selectors)
    if all(s[0] in ("f", "i") for s in selectors):
        if not nodes:
            _fail("the path does not exist in the input")
        return nodes[0]
    return nodes


def jp_value(base, selectors):
    """A path inside a JSONPath filter: the value, undefined when missing."""
    nodes = jsonpath_all(base, selectors)
    if all(s[0] in ("f", "i") for s in selectors):
        return nodes[0] if nodes else UNDEFINED
    return nodes


def jp_cmp(op, a, b):
    """A comparison inside a JSONPath filter (a missing operand never matches)."""
    if a is UNDEFINED or b is UNDEFINED:
        return op == "!=" and not (a is UNDEFINED and b is UNDEFINED)
    if op in ("=", "!="):
        same = _deep_eq(a, b) if (_is_num(a) == _is_num(b)) else False
        return same if op == "=" else not same
    if not ((_is_num(a) and _is_num(b)) or (isinstance(a, str) and isinstance(b, str))):
        return False
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def result(v):
    """The value of a whole expression as JSON data (undefined is an error)."""
    v = collapse(v)
    if v is UNDEFINED:
        raise ExpressionError("the expression has no value (undefined)")
    return _json_value(_plain(v))


def _plain(v):
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v
