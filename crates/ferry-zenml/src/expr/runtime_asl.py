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


# AWS SDK calls as Step Functions makes them (the IR's `CallTarget::Sdk`). The client
# is a boto3 client; its service model renames Step Functions' PascalCase members.


def _member_map(shape):
    members = getattr(shape, "members", None) or {}
    return {name.lower(): (name, member) for name, member in members.items()}


def _to_api(value, shape):
    """Rename PascalCase request members to the API's (`Bool` → `BOOL`)."""
    kind = getattr(shape, "type_name", None)
    if isinstance(value, dict) and kind == "structure":
        members = _member_map(shape)
        out = {}
        for key, v in value.items():
            k = key.lower()
            k = "equals" if k == "equalsvalue" else k
            name, member = members.get(k, (key, None))
            out[name] = _to_api(v, member)
        return out
    if isinstance(value, dict) and kind == "map":
        return {k: _to_api(v, shape.value) for k, v in value.items()}
    if isinstance(value, list) and kind == "list":
        return [_to_api(v, shape.member) for v in value]
    return value


def _pascal(name):
    return name[:1].upper() + name[1:]


def _to_pascal(value, shape):
    """Rename API response members to Step Functions' PascalCase."""
    kind = getattr(shape, "type_name", None)
    if isinstance(value, dict) and kind == "structure":
        members = shape.members
        return {_pascal(k): _to_pascal(v, members.get(k)) for k, v in value.items()}
    if isinstance(value, dict) and kind == "map":
        return {k: _to_pascal(v, shape.value) for k, v in value.items()}
    if isinstance(value, list) and kind == "list":
        return [_to_pascal(v, shape.member) for v in value]
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def _at(value, path):
    for part in path:
        if isinstance(value, list) and part.isdigit():
            value = value[int(part)] if int(part) < len(value) else None
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def _encode(value, path, how):
    if not path:
        if isinstance(value, str):
            return value.encode("utf-8") if how == "json_bytes" else value
        text = json.dumps(value, separators=(",", ":"))
        return text.encode("utf-8") if how == "json_bytes" else text
    head, rest = path[0], path[1:]
    if head == "*" and isinstance(value, list):
        return [_encode(v, rest, how) for v in value]
    if isinstance(value, dict) and head in value:
        return {**value, head: _encode(value[head], rest, how)}
    return value


def sdk_call(client, operation, request, pascal=True, encode=(), decode=(), wait=None):
    """Call `operation` as Step Functions does: `request` in its spelling, encoded
    members (path, "json_text" | "json_bytes"), streamed JSON members decoded, and the
    result in Step Functions' spelling. With `wait` (the IR's SyncWait as a dict) the
    call is a `.sync` job: the result is the job's final description."""
    model = client.meta.service_model.operation_model(operation)
    for path, how in encode:
        request = _encode(request, list(path), how)
    params = _to_api(request, model.input_shape) if pascal else request
    if wait is not None:
        # `.sync`: start, then wait for the job and return its description.
        method = client.meta.method_to_api_mapping
        name = next(m for m, op in method.items() if op == operation)
        response = getattr(client, name)(**params)
        return sync_wait(client, wait, params, response)
    method = next(
        m for m, op in client.meta.method_to_api_mapping.items() if op == operation
    )
    response = getattr(client, method)(**params)
    response.pop("ResponseMetadata", None)
    for path in decode:
        stream = _at(response, path)
        if hasattr(stream, "read"):
            data = stream.read()
            parsed = json.loads(data) if data else None
            target = response
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = parsed
    return _to_pascal(response, model.output_shape) if pascal else response


def sync_wait(client, wait, request_api, response_api, poll_seconds=10, max_polls=8640):
    """Wait for a `.sync` job and return its description as Step Functions returns it
    (PascalCase). `wait` is the IR's SyncWait as a dict; `request_api` and
    `response_api` are the call's request and response in the API's spelling."""
    import time

    kwargs = {}
    for arg in wait["args"]:
        source = request_api if arg["from"] == "request" else response_api
        value = _at(source, arg["path"])
        kwargs[arg["name"]] = [value] if arg["list"] else value
    if wait.get("waiter"):
        client.get_waiter(wait["waiter"]).wait(**kwargs)
    for _ in range(max_polls):
        described = getattr(client, wait["method"])(**kwargs)
        status = _at(described, wait["status"])
        if status in wait["success"] or (not wait["failure"] and status is not None):
            break
        if status in wait["failure"]:
            raise ExpressionError(f"the job ended with status {status!r}")
        time.sleep(poll_seconds)
    else:
        raise ExpressionError("the job did not finish in time")
    described.pop("ResponseMetadata", None)
    operation = client.meta.method_to_api_mapping[wait["method"]]
    shape = client.meta.service_model.operation_model(operation).output_shape
    for path in wait.get("parse_json", []):
        text = _at(described, path)
        if isinstance(text, str):
            target = described
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = json.loads(text)
    return _to_pascal(described, shape)


def context():
    """The Step Functions context object (`$$`), from ZenML's run context.

    Execution.Id and Execution.Name are the ZenML run's id and name (not an execution
    ARN), Execution.StartTime its start, StateMachine.Id/Name the pipeline's name, and
    State.Name / State.EnteredTime the step and the time this is evaluated. Outside a
    step (the body of a dynamic pipeline) only the pipeline name is known.
    """
    # Imported here: the rest of this module is standard library only.
    import zenml

    now = datetime.datetime.now(datetime.UTC).isoformat()
    try:
        step_context = zenml.get_step_context()
    except RuntimeError:
        name = zenml.get_pipeline_context().name
        return {
            "StateMachine": {"Id": name, "Name": name},
            "State": {"EnteredTime": now},
        }
    run = step_context.pipeline_run
    started = run.start_time.isoformat() if run.start_time else now
    pipeline_name = run.pipeline.name if run.pipeline else run.name
    return {
        "Execution": {"Id": str(run.id), "Name": run.name, "StartTime": started},
        "StateMachine": {"Id": pipeline_name, "Name": pipeline_name},
        "State": {"Name": step_context.step_name, "EnteredTime": now},
        "Task": {"Token": task_token()},
    }


class TaskFailed(Exception):
    """A `.waitForTaskToken` task was answered with `send_task_failure`."""

    def __init__(self, error=None, cause=None):
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause


def task_token():
    """The task token of the running step (`$$.Task.Token`): made up from the ZenML
    step run's id, so the request and the wait of one run agree on it. It names the
    ZenML artifact that answers the task (see `send_task_success`)."""
    import zenml

    return f"ferry_task_token_{zenml.get_step_context().step_run.id.hex}"


def send_task_success(token, output):
    """What replaces Step Functions' SendTaskSuccess: answer the task waiting on
    `token` with `output` (saved as the ZenML artifact named after the token). Call it
    from wherever the callback was sent, with access to the same ZenML server."""
    import zenml

    zenml.save_artifact({"output": output}, name=token)


def send_task_failure(token, error=None, cause=None):
    """What replaces Step Functions' SendTaskFailure: fail the task waiting on
    `token` with `error` and `cause` (the waiting step raises `TaskFailed`)."""
    import zenml

    zenml.save_artifact({"error": error, "cause": cause}, name=token)


def wait_for_task_token(token, timeout_seconds=None, poll_seconds=5):
    """Wait until the task waiting on `token` is answered (`send_task_success` or
    `send_task_failure`) and return the output it was answered with. Polls the ZenML
    server for the artifact named after the token; without a timeout, waits as long as
    Step Functions' default (99999999 s)."""
    import time

    from zenml.client import Client

    deadline = time.monotonic() + (timeout_seconds or 99999999)
    while True:
        try:
            answer = Client().get_artifact_version(token).load()
        except KeyError:
            if time.monotonic() >= deadline:
                raise TaskFailed("States.Timeout", f"no answer to {token} in time")
            time.sleep(poll_seconds)
            continue
        if isinstance(answer, dict) and "output" in answer:
            return answer["output"]
        if isinstance(answer, dict):
            raise TaskFailed(answer.get("error"), answer.get("cause"))
        return answer


class ApiGatewayError(Exception):
    """An API Gateway endpoint answered with a status of 400 or more."""

    def __init__(self, status, body):
        super().__init__(f"ApiGateway.{status}: {body}")
        self.status = status
        self.body = body


def apigateway_invoke(request, sigv4):
    """Invoke an API Gateway endpoint as Step Functions' `apigateway:invoke` does:
    `https://ApiEndpoint/Stage/Path` with Method, Headers and QueryParameters (lists of
    values), RequestBody sent as JSON, and `AuthType: IAM_ROLE` signed with SigV4
    (`sigv4`: the step's boto3 session and botocore's SigV4Auth and AWSRequest). The
    result is {ResponseBody, StatusCode, StatusText, Headers}."""
    from urllib.parse import urlencode

    endpoint = str(request["ApiEndpoint"]).removeprefix("https://").rstrip("/")
    parts = [str(request.get(k) or "").strip("/") for k in ("Stage", "Path")]
    url = "https://" + "/".join([endpoint, *[p for p in parts if p]])
    query = [
        (k, str(v))
        for k, values in (request.get("QueryParameters") or {}).items()
        for v in (values if isinstance(values, list) else [values])
    ]
    if query:
        url += "?" + urlencode(query)
    headers = {
        k: ",".join(map(str, v)) if isinstance(v, list) else str(v)
        for k, v in (request.get("Headers") or {}).items()
    }
    body = request.get("RequestBody")
    data = None
    if body is not None:
        data = (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
        headers.setdefault("Content-Type", "application/json")
    method = str(request.get("Method", "GET")).upper()
    if request.get("AuthType") == "IAM_ROLE":
        session, auth_class, request_class = sigv4
        labels = endpoint.split(".")
        region = labels[2] if len(labels) > 3 else session.region_name
        signed = request_class(method=method, url=url, data=data, headers=headers)
        auth_class(session.get_credentials(), "execute-api", region).add_auth(signed)
        headers = dict(signed.headers.items())
    return _http_call(url, method, headers, data, ApiGatewayError)


class HttpTaskError(Exception):
    """An HTTP Task's endpoint answered with a status of 400 or more (Step Functions'
    error `States.Http.StatusCode.<status>`)."""

    def __init__(self, status, body):
        super().__init__(f"States.Http.StatusCode.{status}: {body}")
        self.status = status
        self.body = body


def http_invoke(request):
    """Call an endpoint as Step Functions' HTTP Task (`http:invoke`) does: ApiEndpoint
    with Method, Headers and QueryParameters; RequestBody sent as JSON, or form-encoded
    when Transform.RequestBodyEncoding is URL_ENCODED. The EventBridge connection's
    credentials (Authentication.ConnectionArn) are not applied: add its authorization
    to Headers. The result is {ResponseBody, StatusCode, StatusText, Headers}."""
    from urllib.parse import urlencode

    url = str(request["ApiEndpoint"])
    query = [
        (k, str(v))
        for k, values in (request.get("QueryParameters") or {}).items()
        for v in (values if isinstance(values, list) else [values])
    ]
    if query:
        url += ("&" if "?" in url else "?") + urlencode(query)
    headers = {str(k): str(v) for k, v in (request.get("Headers") or {}).items()}
    body = request.get("RequestBody")
    data = None
    if body is not None:
        encoding = (request.get("Transform") or {}).get("RequestBodyEncoding")
        if encoding == "URL_ENCODED" and isinstance(body, dict):
            data = urlencode(body, doseq=True).encode("utf-8")
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        else:
            text = body if isinstance(body, str) else json.dumps(body)
            data = text.encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
    method = str(request.get("Method", "GET")).upper()
    return _http_call(url, method, headers, data, HttpTaskError)


def _http_call(url, method, headers, data, error):
    """One request; a status of 400 or more raises `error(status, body)`. The response
    body is parsed as JSON when it is JSON."""
    from urllib.error import HTTPError
    from urllib.request import Request, urlopen

    call = Request(url, data=data, headers=headers, method=method)
    try:
        with urlopen(call) as response:
            status, reason = response.status, response.reason
            raw = response.read()
            answer_headers = dict(response.headers.items())
    except HTTPError as e:
        raise error(e.code, e.read().decode("utf-8", "replace")) from e
    text = raw.decode("utf-8", "replace")
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = text
    return {
        "ResponseBody": parsed,
        "StatusCode": status,
        "StatusText": reason,
        "Headers": {k: [v] for k, v in answer_headers.items()},
    }


def s3_item_reader(client, action, reader):
    """The items of a Distributed Map's S3 `ItemReader`, as Step Functions reads them.
    `action` is `listObjectsV2` (every object of every page: Key, Etag, LastModified,
    Size, StorageClass) or `getObject` (the object parsed by `ReaderConfig.InputType`:
    a JSON array, JSON Lines, or CSV rows as objects keyed by the header). `reader` is
    {Parameters, ReaderConfig}; `ReaderConfig.MaxItems` limits the items."""
    import csv
    import io

    params = dict(reader.get("Parameters") or {})
    config = reader.get("ReaderConfig") or {}
    limit = config.get("MaxItems")
    items = []
    if action == "listObjectsV2":
        for page in client.get_paginator("list_objects_v2").paginate(**params):
            for entry in page.get("Contents", []):
                modified = entry.get("LastModified")
                items.append(
                    {
                        "Etag": entry.get("ETag"),
                        "Key": entry.get("Key"),
                        "LastModified": modified.isoformat()
                        if hasattr(modified, "isoformat")
                        else modified,
                        "Size": entry.get("Size"),
                        "StorageClass": entry.get("StorageClass"),
                    }
                )
    else:
        text = client.get_object(**params)["Body"].read().decode("utf-8")
        kind = config.get("InputType", "JSON")
        if kind == "JSON":
            items = json.loads(text)
        elif kind == "JSONL":
            items = [json.loads(line) for line in text.splitlines() if line.strip()]
        elif kind == "CSV":
            delimiter = {"SEMICOLON": ";", "PIPE": "|", "SPACE": " ", "TAB": "\t"}.get(
                config.get("CSVDelimiter", "COMMA"), ","
            )
            rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
            if config.get("CSVHeaderLocation") == "GIVEN":
                header = list(config.get("CSVHeaders") or [])
            else:
                header, rows = (rows[0], rows[1:]) if rows else ([], [])
            items = [dict(zip(header, row)) for row in rows]
        else:
            raise ExpressionError(f"ItemReader InputType {kind} is not supported")
    return items[:limit] if isinstance(limit, int) else items
