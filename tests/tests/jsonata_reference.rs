//! The JSONata translation checked against the reference implementation: every
//! expression of the table is parsed by ferry-asl, rendered to Python by ferry-zenml's
//! expression renderer, run with the runtime helper on sample documents, and compared
//! with what the `jsonata` npm package (2.0.6, the version Step Functions documents)
//! returns for the same documents. Errors must be errors on both sides; `undefined`
//! must be undefined on both. Expressions whose value is not deterministic ($now,
//! $millis, $uuid, $random) are compared by shape.

mod common;

use std::collections::BTreeSet;

use common::reference::{node_eval, outcome, python_eval, same};
use ferry_ir::{BinaryOp, Expr, Func};
use ferry_zenml::expr::{Env, RUNTIME, py_string, render};
use serde_json::{Value, json};

/// Expressions from the corpus JSONata machines and golden/asl/jsonata.asl.json first,
/// then every operator and function the translation supports.
const EXPRESSIONS: &[&str] = &[
    // corpus and golden
    "$states.input",
    "$states.input.features",
    "$states.result.Payload",
    "$states.input.score > 0.8",
    "$count($states.input.csvContent) > 0",
    "$number($states.input.failed) > 0 or $number($states.input.rejected) > 0",
    "$states.input.Status = 'Completed'",
    "$states.input.IngestionJob.Status = 'COMPLETE'",
    "$states.result.ResponseBody.count+$number($offset)",
    "$resultCount < $maxCount",
    "'tmp/'&$taskId&'/'&'part-'&$millis()&'.json'",
    "'accumulate-' & $string($millis()) & '-file.csv'",
    "'api_endpoint'& $locationId &'/get-data'",
    "'api_endpoint'& $states.input.Items.location_id.S &'/get-summary'",
    "$lowercase('EvaluationJob' & $KnowledgeBaseId & $uuid())",
    "'DataSource' & $uuid()",
    "$string($states.input.data)",
    "$states.context.Execution.Id",
    "$states.context.Task.Token",
    "$states.result.ResponseBody.states.failed",
    "$states.input.Items.location_id.S",
    "'glue_job'",
    "$taskId",
    // literals
    "null",
    "true",
    "false",
    "-5",
    "1e3",
    "0.5",
    "\"it's\"",
    "\"double\"",
    "'esc\\n\\u00e9'",
    // paths
    "$states.input.nested.a.b",
    "$states.input.missing",
    "$states.input.items.name",
    "$states.input.items[0]",
    "$states.input.items[-1].name",
    "$states.input.items[price > 10].name",
    "$states.input.items[price > 100]",
    "$states.input.items[tags = 'y'].name",
    "$states.input.items.tags",
    "$states.input.items.tags[0]",
    "($states.input.items.tags)[0]",
    "$states.input.items[0].tags[1]",
    "$states.input.nested.*",
    "$states.input.nested.**.b",
    "$states.input.items.*",
    "$states.input.items[[0,2]].name",
    "$states.input.items[$.price >= 15]",
    "$states.input.items.(price * 2)",
    "$states.input.items.{'n': name, 'p': price}",
    "$states.input.items.$uppercase(name)",
    "$states.input.items.name.$uppercase()",
    "$states.input.`odd key`",
    "$arr[1]",
    "$arr[$ > 1]",
    "$states.result.ResponseBody.results[1]",
    "$states.input.matrix[0]",
    "$states.input.matrix.$",
    // arithmetic
    "$states.input.n + 2",
    "$states.input.n - 10",
    "$states.input.n * $states.input.f",
    "$states.input.n / 2",
    "7 % 3",
    "-7 % 3",
    "-$states.input.n",
    "$states.input.missing + 1",
    "1 + 2 * 3 - 4 / 2",
    "(1 + 2) * 3",
    "0.1 + 0.2",
    "$states.input.s + 1",
    "10 / 4",
    // comparison
    "$states.input.n = 3",
    "$states.input.n != 3",
    "$states.input.n < 4",
    "$states.input.n <= 3",
    "$states.input.n > 3",
    "$states.input.n >= 3",
    "'a' < 'b'",
    "$states.input.missing = 1",
    "$states.input.missing != 1",
    "$states.input.nested = {'a': {'b': 1}}",
    "[1,2] = [1,2]",
    "$states.input.n < 'x'",
    "'b' in ['a', 'b']",
    "3 in $states.input.items.price",
    "$states.input.missing in [1]",
    // boolean
    "true and false",
    "true or false",
    "$states.input.flag and $states.input.n > 1",
    "$states.input.missing or 'x'",
    "$states.input.items and 1",
    "$states.input.empty and true",
    // strings
    "'a' & 'b'",
    "'n=' & $states.input.n",
    "'x' & $states.input.missing & 'y'",
    "'f=' & $states.input.f & ',b=' & true & ',o=' & $states.input.nested",
    // conditionals
    "$states.input.n > 2 ? 'big' : 'small'",
    "$states.input.flag ? 1",
    "$states.input.missing ? 1 : 2",
    "$states.input.items ? 'has' : 'none'",
    // constructors
    "[]",
    "[1, 'two', null, true]",
    "[$states.input.items.price]",
    "[[1,2], [3]]",
    "[$states.input.missing, 1]",
    "{}",
    "{'a': 1, 'b': [1, 2], 'c': {'d': $states.input.n}}",
    "{'a': $states.input.missing}",
    "{'k' & 'ey': 'v'}",
    // aggregation
    "$count($states.input.items)",
    "$count($states.input.missing)",
    "$count([])",
    "$sum($states.input.items.price)",
    "$sum([])",
    "$max($states.input.items.price)",
    "$min($states.input.items.price)",
    "$average($states.input.items.price)",
    "$max([])",
    "$sum(['a'])",
    // string functions
    "$string($states.input.n)",
    "$string($states.input.f)",
    "$string(0.1 + 0.2)",
    "$string(1/3)",
    "$string(1e21)",
    "$string(0.000001)",
    "$string(1.5e-7)",
    "$string(true)",
    "$string(null)",
    "$string($states.input.items[0])",
    "$string($states.input.nested, true)",
    "$string('s')",
    "$length($states.input.s)",
    "$length('日本')",
    "$substring('Hello World', 3)",
    "$substring('Hello World', 3, 5)",
    "$substring('Hello World', -4)",
    "$substring('Hello World', -4, 2)",
    "$substringBefore('Hello World', ' ')",
    "$substringAfter('Hello World', ' ')",
    "$substringAfter('Hello', 'z')",
    "$uppercase($states.input.s)",
    "$lowercase('ABC')",
    "$trim($states.input.s)",
    "$pad('x', 4)",
    "$pad('x', -4, '#')",
    "$contains($states.input.s, 'World')",
    "$contains('abc', 'z')",
    "$split('a,b,,c', ',')",
    "$split('a,b,c', ',', 2)",
    "$split('abc', '')",
    "$split($states.input.csvContent, ',')",
    "$join(['a', 'b', 'c'])",
    "$join(['a', 'b', 'c'], '-')",
    "$join($states.input.items.name, ', ')",
    "$join([1, 2])",
    "$replace('a-b-c', '-', '+')",
    "$replace('a-b-c', '-', '+', 1)",
    "$base64encode('hello ü')",
    "$base64decode('aGVsbG8=')",
    // number functions
    "$number('42')",
    "$number('4.5e1')",
    "$number(true)",
    "$number('abc')",
    "$number($states.input.failed)",
    "$abs(-3.5)",
    "$floor(2.7)",
    "$ceil(2.1)",
    "$round(2.5)",
    "$round(3.5)",
    "$round(3.14159, 2)",
    "$power(2, 10)",
    "$sqrt(16)",
    "$sqrt(-1)",
    // boolean functions
    "$boolean(0)",
    "$boolean('')",
    "$boolean('x')",
    "$boolean([])",
    "$boolean([0, 1])",
    "$boolean({})",
    "$boolean($states.input.nested)",
    "$boolean(null)",
    "$not(true)",
    "$not($states.input.missing)",
    "$exists($states.input.n)",
    "$exists($states.input.missing)",
    // arrays
    "$append([1, 2], [3])",
    "$append(1, 2)",
    "$append($states.input.missing, [1])",
    "$reverse([1, 2, 3])",
    "$sort([3, 1, 2])",
    "$sort(['b', 'a'])",
    "$sort($states.input.items, function($l, $r) { $l.price < $r.price })",
    "$distinct([1, 2, 1, 'a', 'a'])",
    "$zip([1, 2, 3], ['a', 'b'])",
    // objects
    "$keys($states.input.nested)",
    "$keys($states.input.items[0])",
    "$lookup($states.input.items[0], 'price')",
    "$lookup($states.input.items, 'name')",
    "$merge([{'a': 1}, {'b': 2}, {'a': 3}])",
    "$spread({'a': 1, 'b': 2})",
    "$type($states.input.items)",
    "$type($states.input.n)",
    "$type(null)",
    "$type('s')",
    // higher-order
    "$map($states.input.items, function($v) { $v.price * 2 })",
    "$map([1, 2, 3], function($v, $i) { $v * $i })",
    "$filter($states.input.items, function($v) { $v.price > 10 })",
    "$filter([1, 2, 3, 4], function($v, $i) { $i % 2 = 0 })",
    "$reduce([1, 2, 3, 4], function($acc, $v) { $acc + $v })",
    "$reduce([1, 2, 3], function($acc, $v) { $acc * $v }, 10)",
    "$single([1, 2, 3], function($v) { $v = 2 })",
    "$single([1, 2, 3], function($v) { $v > 1 })",
    "$states.input.items ~> $count()",
    "$states.input.s ~> $trim() ~> $uppercase()",
    // Step Functions' additions
    "$partition([1, 2, 3, 4, 5], 2)",
    "$range(0, 10, 2)",
    "$range(5, 1, -2)",
    "$hash('hello', 'SHA-256')",
    "$hash('hello', 'MD5')",
    "$hash('x', 'SHA-1')",
    "$hash('x', 'SHA-384')",
    "$hash('x', 'SHA-512')",
    "$parse($states.input.json)",
    "$parse('[1, 2]').$",
    "$parse('not json')",
    // not deterministic: compared by shape
    "$now()",
    "$millis()",
    "$uuid()",
    "$random()",
    "$random(7)",
];

/// Expressions whose value changes between runs.
fn shape_only(expr: &str) -> bool {
    ["$now(", "$millis(", "$uuid(", "$random("]
        .iter()
        .any(|f| expr.contains(f))
}

fn documents() -> Vec<Value> {
    let context = json!({
        "Execution": {"Id": "arn:aws:states:us-east-1:1:execution:m:e1", "Input": {"a": 1}},
        "State": {"Name": "Step"},
        "Task": {"Token": "token-1"}
    });
    vec![
        json!({
            "states": {
                "input": {
                    "items": [
                        {"name": "a", "price": 5, "tags": ["x", "y"]},
                        {"name": "b", "price": 15, "tags": ["y"]},
                        {"name": "c", "price": 25}
                    ],
                    "s": "  Hello   World ",
                    "n": 3,
                    "f": 2.5,
                    "flag": true,
                    "empty": [],
                    "nested": {"a": {"b": 1}, "z": [1, 2]},
                    "csvContent": "a,b",
                    "failed": "0",
                    "rejected": "2",
                    "score": 0.9,
                    "Status": "Completed",
                    "IngestionJob": {"Status": "COMPLETE"},
                    "data": {"k": [1, "x"]},
                    "features": [1, 2],
                    "json": "{\"a\": [1, 2.5]}",
                    "odd key": "odd",
                    "matrix": [[1, 2], [3]],
                    "Items": {"location_id": {"S": "loc-1"}}
                },
                "result": {
                    "Payload": {"x": 1},
                    "ResponseBody": {"count": 3, "results": [1, 2], "states": {"failed": 0}}
                },
                "context": context
            },
            "vars": {
                "offset": "10", "taskId": "t-1", "maxCount": 5, "resultCount": 3,
                "arr": [3, 1, 2], "locationId": "L9", "KnowledgeBaseId": "KB1"
            }
        }),
        json!({
            "states": {
                "input": {
                    "items": [{"name": "only", "price": 100, "tags": []}],
                    "s": "",
                    "n": -1.5,
                    "f": 0,
                    "flag": false,
                    "empty": [0],
                    "nested": {"a": {"b": [1, 2]}},
                    "csvContent": [],
                    "failed": "3",
                    "rejected": "0",
                    "score": 0.1,
                    "Status": "Failed",
                    "data": "text",
                    "json": "[]",
                    "matrix": []
                },
                "result": {"Payload": [1, 2], "ResponseBody": {"count": 0}},
                "context": context
            },
            "vars": {"offset": "x", "maxCount": 1, "resultCount": 3, "arr": []}
        }),
    ]
}

fn python_script(cases: &[(String, usize, String)], docs: &[Value]) -> String {
    let mut s = String::from(
        "import json\nimport sys\n\nsys.path.insert(0, sys.argv[0].rsplit('/', 1)[0])\nimport _asl_runtime as rt  # noqa: E402\n\n",
    );
    s.push_str(&format!(
        "DOCS = json.loads({})\n\nCASES = [\n",
        py_string(&Value::Array(docs.to_vec()).to_string())
    ));
    for (id, doc, code) in cases {
        s.push_str(&format!(
            "    ({}, {doc}, lambda d: {code}),\n",
            py_string(id)
        ));
    }
    s.push_str(
        "]\n\nfor case_id, doc, fn in CASES:\n    d = DOCS[doc]\n    try:\n        v = rt.collapse(fn(d))\n        if v is rt.UNDEFINED:\n            out = {\"undefined\": True}\n        else:\n            out = {\"ok\": rt.result(v)}\n    except rt.ExpressionError as e:\n        out = {\"error\": str(e)}\n    except Exception as e:  # noqa: BLE001\n        out = {\"error\": f\"python {type(e).__name__}: {e}\"}\n    print(json.dumps({\"id\": case_id, **out}))\n",
    );
    s
}

fn shape(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[test]
fn jsonata_translation_matches_the_reference_implementation() {
    assert!(
        EXPRESSIONS.len() >= 150,
        "{} expressions",
        EXPRESSIONS.len()
    );
    let docs = documents();
    let env = Env {
        runtime: "rt",
        input: "d['states']['input']",
        result: "d['states'].get('result', rt.UNDEFINED)",
        error_output: "d['states'].get('errorOutput', rt.UNDEFINED)",
        context: "d['states']['context']",
        variables: "d['vars']",
        port: &|p| format!("d['ports'][{}]", py_string(p)),
    };
    let mut py_cases = Vec::new();
    let mut node_cases = Vec::new();
    let mut functions = BTreeSet::new();
    let mut operators = BTreeSet::new();
    for (n, text) in EXPRESSIONS.iter().enumerate() {
        let expr = ferry_asl::jsonata::parse_expression(text)
            .unwrap_or_else(|p| panic!("`{text}` is not translated: {p:?}"));
        expr.walk(&mut |e| match e {
            Expr::Call { func, .. } => {
                functions.insert(*func);
            }
            Expr::Binary { op, .. } => {
                operators.insert(*op);
            }
            _ => {}
        });
        let code = render(&expr, &env);
        for (d, doc) in docs.iter().enumerate() {
            let id = format!("{n}:{d}");
            py_cases.push((id.clone(), d, code.clone()));
            node_cases.push(json!({
                "id": id, "kind": "jsonata", "expr": text,
                "states": doc["states"], "vars": doc["vars"]
            }));
        }
    }
    // Coverage: every JSONata function and every operator is in the table.
    for f in Func::ALL {
        if !f.name().starts_with("States.") {
            assert!(functions.contains(f), "no expression calls {}", f.name());
        }
    }
    for op in BinaryOp::ALL {
        assert!(
            operators.contains(&op),
            "no expression uses {}",
            op.as_str()
        );
    }
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("_asl_runtime.py"), RUNTIME).unwrap();
    let script = work.path().join("cases.py");
    std::fs::write(&script, python_script(&py_cases, &docs)).unwrap();
    let ours = python_eval(&script);
    let reference = node_eval(&Value::Array(node_cases), work.path());
    assert_eq!(ours.len(), reference.len());
    let mut failures = Vec::new();
    for (mine, theirs) in ours.iter().zip(&reference) {
        let id = theirs["id"].as_str().unwrap_or_default();
        let n: usize = id.split(':').next().unwrap().parse().unwrap();
        let text = EXPRESSIONS[n];
        let ok = match (outcome(mine), outcome(theirs)) {
            (Err(_), Err(_)) => true,
            (Ok(None), Ok(None)) => true,
            (Ok(Some(a)), Ok(Some(b))) if shape_only(text) => shape(a) == shape(b),
            (Ok(Some(a)), Ok(Some(b))) => same(a, b),
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "`{text}` (doc {id}): ferry {mine} / jsonata {theirs}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} evaluations differ:\n{}",
        failures.len(),
        ours.len(),
        failures.join("\n")
    );
}
