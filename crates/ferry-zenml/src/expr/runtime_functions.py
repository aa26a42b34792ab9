# The JSONata function library and Step Functions' additions.


def _nums(v, what):
    v = collapse(v)
    if v is UNDEFINED:
        return None
    items = v if _is_array(v) else [v]
    if not all(_is_num(x) for x in items):
        _fail(f"{what} needs an array of numbers")
    return items


def count(v):
    v = collapse(v)
    if v is UNDEFINED:
        return 0
    return len(v) if _is_array(v) else 1


def sum_(v):
    items = _nums(v, "$sum")
    return 0 if items is None else _num(math.fsum(items) if items else 0)


def max_(v):
    items = _nums(v, "$max")
    return UNDEFINED if not items else max(items)


def min_(v):
    items = _nums(v, "$min")
    return UNDEFINED if not items else min(items)


def average(v):
    items = _nums(v, "$average")
    return UNDEFINED if not items else _num(math.fsum(items) / len(items))


def _str_arg(v, what):
    v = collapse(v)
    if v is UNDEFINED:
        return None
    if not isinstance(v, str):
        _fail(f"{what} needs a string")
    return v


def length(v):
    s = _str_arg(v, "$length")
    return UNDEFINED if s is None else len(s)


def substring(v, start, n=UNDEFINED):
    s = _str_arg(v, "$substring")
    if s is None:
        return UNDEFINED
    start = math.floor(collapse(start))
    if start < 0:
        start = max(0, len(s) + start)
    if n is UNDEFINED:
        return s[start:]
    n = math.floor(collapse(n))
    return s[start : start + n] if n > 0 else ""


def substring_before(v, chars):
    s = _str_arg(v, "$substringBefore")
    if s is None:
        return UNDEFINED
    i = s.find(chars)
    return s if i < 0 else s[:i]


def substring_after(v, chars):
    s = _str_arg(v, "$substringAfter")
    if s is None:
        return UNDEFINED
    i = s.find(chars)
    return s if i < 0 else s[i + len(chars) :]


def uppercase(v):
    s = _str_arg(v, "$uppercase")
    return UNDEFINED if s is None else s.upper()


def lowercase(v):
    s = _str_arg(v, "$lowercase")
    return UNDEFINED if s is None else s.lower()


def trim(v):
    s = _str_arg(v, "$trim")
    if s is None:
        return UNDEFINED
    return _collapse_spaces(s)


def _collapse_spaces(s):
    out = []
    space = False
    for c in s:
        if c in " \t\n\r":
            space = True
            continue
        if space and out:
            out.append(" ")
        space = False
        out.append(c)
    return "".join(out)


def pad(v, width, char=UNDEFINED):
    s = _str_arg(v, "$pad")
    if s is None:
        return UNDEFINED
    char = " " if char is UNDEFINED or char == "" else char
    width = math.floor(collapse(width))
    missing = abs(width) - len(s)
    if missing <= 0:
        return s
    fill = (char * missing)[:missing]
    return s + fill if width > 0 else fill + s


def contains(v, token):
    s = _str_arg(v, "$contains")
    if s is None:
        return UNDEFINED
    return collapse(token) in s


def split(v, sep, limit=UNDEFINED):
    s = _str_arg(v, "$split")
    if s is None:
        return UNDEFINED
    sep = collapse(sep)
    parts = list(s) if sep == "" else s.split(sep)
    if limit is not UNDEFINED:
        limit = collapse(limit)
        if limit < 0:
            _fail("$split limit must not be negative")
        parts = parts[: math.floor(limit)]
    return parts


def join(v, sep=UNDEFINED):
    v = collapse(v)
    if v is UNDEFINED:
        return UNDEFINED
    items = v if _is_array(v) else [v]
    if not all(isinstance(x, str) for x in items):
        _fail("$join needs an array of strings")
    return ("" if sep is UNDEFINED else collapse(sep)).join(items)


def replace(v, pattern, replacement, limit=UNDEFINED):
    s = _str_arg(v, "$replace")
    if s is None:
        return UNDEFINED
    if pattern == "":
        _fail("$replace pattern must not be empty")
    n = -1 if limit is UNDEFINED else math.floor(collapse(limit))
    return s.replace(pattern, collapse(replacement), n)


def base64encode(v):
    s = _str_arg(v, "$base64encode")
    if s is None:
        return UNDEFINED
    # As the reference implementation: each character's low byte (latin-1).
    return base64.b64encode(bytes(ord(c) & 0xFF for c in s)).decode("ascii")


def base64decode(v):
    s = _str_arg(v, "$base64decode")
    return UNDEFINED if s is None else base64.b64decode(s).decode("latin-1")


def _num_arg(v, what):
    v = collapse(v)
    if v is UNDEFINED:
        return None
    if not _is_num(v):
        _fail(f"{what} needs a number")
    return v


def abs_(v):
    n = _num_arg(v, "$abs")
    return UNDEFINED if n is None else abs(n)


def floor(v):
    n = _num_arg(v, "$floor")
    return UNDEFINED if n is None else math.floor(n)


def ceil(v):
    n = _num_arg(v, "$ceil")
    return UNDEFINED if n is None else math.ceil(n)


def round_(v, precision=UNDEFINED):
    n = _num_arg(v, "$round")
    if n is None:
        return UNDEFINED
    p = 0 if precision is UNDEFINED else int(collapse(precision))
    return _num(round(n * 10**p) / 10**p if p else round(n))


def power(v, e):
    n = _num_arg(v, "$power")
    if n is None:
        return UNDEFINED
    r = math.pow(n, collapse(e))
    return _num(r)


def sqrt(v):
    n = _num_arg(v, "$sqrt")
    if n is None:
        return UNDEFINED
    if n < 0:
        _fail("$sqrt of a negative number")
    return _num(math.sqrt(n))


def not_fn(v):
    b = boolean(v)
    return UNDEFINED if b is UNDEFINED else not b


def exists(v):
    return collapse(v) is not UNDEFINED


def append(a, b):
    a, b = collapse(a), collapse(b)
    if a is UNDEFINED:
        return b
    if b is UNDEFINED:
        return a
    out = list(a) if _is_array(a) else [a]
    out.extend(b if _is_array(b) else [b])
    return out


def reverse(v):
    v = collapse(v)
    if v is UNDEFINED:
        return UNDEFINED
    return list(reversed(v)) if _is_array(v) else [v]


def sort(v, fn=UNDEFINED):
    v = collapse(v)
    if v is UNDEFINED:
        return UNDEFINED
    items = list(v) if _is_array(v) else [v]
    if fn is UNDEFINED:
        if all(_is_num(x) for x in items) or all(isinstance(x, str) for x in items):
            return sorted(items)
        _fail("$sort needs numbers or strings, or a comparison function")
    out = []
    for x in items:
        i = len(out)
        while i > 0 and truthy(fn(out[i - 1], x)):
            i -= 1
        out.insert(i, x)
    return out


def distinct(v):
    v = collapse(v)
    if not _is_array(v):
        return v
    out = []
    for x in v:
        if not any(_deep_eq(x, y) for y in out):
            out.append(x)
    return out


def zip_(*arrays):
    lists = [a if _is_array(a) else [a] for a in map(collapse, arrays)]
    return [list(t) for t in zip(*lists)]


def keys(v):
    v = collapse(v)
    out = []
    for item in v if _is_array(v) else [v]:
        if isinstance(item, dict):
            out.extend(k for k in item if k not in out)
    return UNDEFINED if not out else (out[0] if len(out) == 1 else out)


def lookup(v, key):
    v = collapse(v)
    if _is_array(v):
        return collapse(lookup_field(v, key))
    return v.get(key, UNDEFINED) if isinstance(v, dict) else UNDEFINED


def merge(v):
    v = collapse(v)
    if v is UNDEFINED:
        return UNDEFINED
    out = {}
    for item in v if _is_array(v) else [v]:
        out.update(item)
    return out


def spread(v):
    v = collapse(v)
    out = []
    for item in v if _is_array(v) else [v]:
        if isinstance(item, dict):
            out.extend({k: x} for k, x in item.items())
        else:
            out.append(item)
    return out if len(out) != 1 else out[0]


def type_(v):
    v = collapse(v)
    if v is UNDEFINED:
        return UNDEFINED
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if _is_num(v):
        return "number"
    if isinstance(v, str):
        return "string"
    if _is_array(v):
        return "array"
    if isinstance(v, Lambda):
        return "function"
    return "object"


def _hof_args(fn, item, index, items):
    return (item, index, items)[: fn.arity] if isinstance(fn, Lambda) else (item,)


def map_(v, fn):
    v = collapse(v)
    if v is UNDEFINED:
        return UNDEFINED
    items = v if _is_array(v) else [v]
    out = Seq()
    for i, x in enumerate(items):
        r = fn(*_hof_args(fn, x, i, items))
        if r is not UNDEFINED:
            out.append(r)
    return collapse(out)


def filter_(v, fn):
    v = collapse(v)
    if v is UNDEFINED:
        return UNDEFINED
    items = v if _is_array(v) else [v]
    out = Seq(x for i, x in enumerate(items) if truthy(fn(*_hof_args(fn, x, i, items))))
    return collapse(out)


def single(v, fn=UNDEFINED):
    v = collapse(v)
    items = v if _is_array(v) else ([] if v is UNDEFINED else [v])
    found = [
        x
        for i, x in enumerate(items)
        if fn is UNDEFINED or truthy(fn(*_hof_args(fn, x, i, items)))
    ]
    if len(found) != 1:
        _fail("$single found no match or several matches")
    return found[0]


def reduce_(v, fn, init=UNDEFINED):
    v = collapse(v)
    if v is UNDEFINED:
        return UNDEFINED
    items = list(v) if _is_array(v) else [v]
    if init is UNDEFINED:
        if not items:
            return UNDEFINED
        acc, start = items[0], 1
    else:
        acc, start = init, 0
    for i in range(start, len(items)):
        args = (acc, items[i], i, items)
        acc = fn(*args[: fn.arity]) if isinstance(fn, Lambda) else fn(acc, items[i])
    return acc


def now():
    t = datetime.datetime.now(datetime.UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def millis():
    return int(datetime.datetime.now(datetime.UTC).timestamp() * 1000)


def uuid():
    return str(_uuid.uuid4())


def parse(v):
    s = _str_arg(v, "$parse")
    if s is None:
        return UNDEFINED
    try:
        return json.loads(s)
    except ValueError:
        _fail("$parse: the string is not JSON")


def partition(v, size):
    v = collapse(v)
    items = v if _is_array(v) else [v]
    size = collapse(size)
    if not _is_num(size) or size < 1:
        _fail("$partition size must be a positive number")
    size = int(size)
    return [items[i : i + size] for i in range(0, len(items), size)]


def range_(start, end, step):
    start, end, step = collapse(start), collapse(end), collapse(step)
    if step == 0:
        _fail("$range step must not be 0")
    out = []
    x = start
    while (step > 0 and x <= end) or (step < 0 and x >= end):
        out.append(x)
        x += step
        if len(out) > 1000:
            _fail("$range yields at most 1000 items")
    return out


_HASHES = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}


def hash_(v, algorithm):
    v, algorithm = collapse(v), collapse(algorithm)
    if algorithm not in _HASHES:
        _fail(f"unknown hash algorithm {algorithm!r}")
    text = v if isinstance(v, str) else _dumps(v)
    return hashlib.new(_HASHES[algorithm], text.encode("utf-8")).hexdigest()


def random(seed=UNDEFINED):
    if seed is UNDEFINED:
        return _random.random()
    return _random.Random(collapse(seed)).random()
