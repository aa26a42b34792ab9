//! Full JSONPath (descendants, wildcards, slices, unions, filters) checked against a
//! reference: each path is parsed by ferry-asl, rendered by ferry-zenml's expression
//! renderer, and the runtime helper's list of every match is compared with what
//! `jsonpath-plus` returns on the same documents. Paths with `..` are compared as
//! multisets (the two walk the tree in different orders). Then the forms jsonpath-plus
//! reads differently (Step Functions' definite-path rule, bare words and `$` inside
//! filters) are checked on their own.

mod common;

use common::reference::{node_eval, outcome, python_eval, same};
use ferry_zenml::expr::{Env, RUNTIME, py_string, render};
use serde_json::{Value, json};

const PATHS: &[&str] = &[
    "$",
    "$.store",
    "$.store.book",
    "$.store.book[0]",
    "$.store.book[1].title",
    "$.store.book[*].author",
    "$.store.book.*",
    "$.store.*",
    "$..author",
    "$..price",
    "$..book[2]",
    "$..book[0,1]",
    "$..book[-1:]",
    "$.store.book[1:3]",
    "$.store.book[:2]",
    "$.store.book[::2]",
    "$.store.book[-2:]",
    "$.store.book[5:9]",
    "$['store']['bicycle']['color']",
    "$.store.book[?(@.isbn)]",
    "$.store.book[?(@.price < 10)]",
    "$.store.book[?(@.price < 10)].title",
    "$.store.book[?(@.price >= 12.99)].author",
    "$.store.book[?(@.category == 'fiction')].title",
    "$.store.book[?(@.category != 'fiction')].title",
    "$.store.book[?(@.price > 8 && @.price < 20)].title",
    "$.store.book[?(@.price < 9 || @.price > 20)].title",
    "$..book[?(@.author == 'Herman Melville')].price",
    "$..*",
    "$.store.missing",
    "$.store.book[9]",
    "$.QualityResults[*].constraint_status",
    "$..QualityResults[?(@.constraint_status == 'Failure')]",
    "$..QualityResults[?(@.constraint_status == 'Failure')].constraint",
    "$.ExpenseDocuments[0].SummaryFields[?(@.Type.Text == 'AMOUNT_PAID')].ValueDetection.Text",
    "$.Labels[?(@.Name == 'Receipt')]",
    "$[*]",
    "$.Versions[*].Version",
    "$.matrix[*][*]",
    "$.matrix[1][0]",
    "$.nums[?(@ > 2)]",
];

fn documents() -> Vec<Value> {
    vec![
        json!({
            "store": {
                "book": [
                    {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
                    {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
                    {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
                    {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}
                ],
                "bicycle": {"color": "red", "price": 19.95}
            },
            "nums": [1, 2, 3, 4],
            "matrix": [[1, 2], [3, 4]]
        }),
        json!({
            "QualityResults": [
                {"constraint": "completeness", "constraint_status": "Success"},
                {"constraint": "uniqueness", "constraint_status": "Failure"},
                {"constraint": "range", "constraint_status": "Failure"}
            ],
            "ExpenseDocuments": [{"SummaryFields": [
                {"Type": {"Text": "AMOUNT_PAID"}, "ValueDetection": {"Text": "12.50"}},
                {"Type": {"Text": "VENDOR_NAME"}, "ValueDetection": {"Text": "Cafe"}}
            ]}],
            "Labels": [{"Name": "Receipt", "Confidence": 99}, {"Name": "Text", "Confidence": 80}],
            "Versions": [{"Version": "1"}, {"Version": "$LATEST"}],
            "store": {"book": [{"price": 30, "category": "x"}]},
            "nums": [],
            "matrix": [[0], [5, 6]]
        }),
    ]
}

fn env() -> Env<'static> {
    Env {
        runtime: "rt",
        input: "d",
        result: "rt.UNDEFINED",
        error_output: "rt.UNDEFINED",
        context: "{}",
        variables: "{}",
        port: &|p| format!("ports[{}]", py_string(p)),
    }
}

fn script(cases: &[(String, String)], docs: &[Value], all: bool) -> String {
    let mut s = String::from(
        "import json\nimport sys\n\nsys.path.insert(0, sys.argv[0].rsplit('/', 1)[0])\nimport _asl_runtime as rt  # noqa: E402\n\n",
    );
    s.push_str(&format!(
        "DOCS = json.loads({})\nCASES = [\n",
        py_string(&Value::Array(docs.to_vec()).to_string())
    ));
    for (id, code) in cases {
        s.push_str(&format!("    ({}, lambda d: {code}),\n", py_string(id)));
    }
    s.push_str(&format!(
        "]\nfor case_id, fn in CASES:\n    d = DOCS[int(case_id.split(':')[1])]\n    try:\n        out = {{\"ok\": {}}}\n    except Exception as e:  # noqa: BLE001\n        out = {{\"error\": f\"{{type(e).__name__}}: {{e}}\"}}\n    print(json.dumps({{\"id\": case_id, **out}}))\n",
        if all { "fn(d)" } else { "rt.result(fn(d))" }
    ));
    s
}

fn sorted(v: &Value) -> Vec<String> {
    let mut items: Vec<String> = v
        .as_array()
        .map(|a| a.iter().map(|x| x.to_string()).collect())
        .unwrap_or_default();
    items.sort();
    items
}

#[test]
fn jsonpath_matches_jsonpath_plus() {
    let docs = documents();
    let mut py = Vec::new();
    let mut node = Vec::new();
    for (n, path) in PATHS.iter().enumerate() {
        let parsed = ferry_asl::jsonpath::parse(path)
            .unwrap_or_else(|e| panic!("`{path}` does not parse: {e:?}"));
        let code = render(&ferry_asl::jsonpath::to_expr(&parsed), &env());
        let code = code.replacen("rt.jsonpath(", "rt.jsonpath_all(", 1);
        for (d, doc) in docs.iter().enumerate() {
            let id = format!("{n}:{d}");
            py.push((id.clone(), code.clone()));
            node.push(json!({"id": id, "kind": "jsonpath", "path": path, "doc": doc}));
        }
    }
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("_asl_runtime.py"), RUNTIME).unwrap();
    let file = work.path().join("paths.py");
    std::fs::write(&file, script(&py, &docs, true)).unwrap();
    let ours = python_eval(&file);
    let theirs = node_eval(&Value::Array(node), work.path());
    let mut failures = Vec::new();
    for (mine, reference) in ours.iter().zip(&theirs) {
        let id = reference["id"].as_str().unwrap();
        let path = PATHS[id.split(':').next().unwrap().parse::<usize>().unwrap()];
        let ok = match (outcome(mine), outcome(reference)) {
            (Ok(Some(a)), Ok(Some(b))) if path.contains("..") => sorted(a) == sorted(b),
            (Ok(Some(a)), Ok(Some(b))) => same(a, b),
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "`{path}` (doc {id}): ferry {mine} / jsonpath-plus {reference}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Step Functions' rules that jsonpath-plus does not share: a definite path yields the
/// value (and fails when missing), any other path a list; a bare word in a filter is a
/// string; `$` inside a filter is the whole input; negative indices and quoted unions
/// (which jsonpath-plus does not read) select as in Jayway JsonPath.
#[test]
fn step_functions_path_rules() {
    let doc = json!({
        "a": {"b": [1, 2]},
        "agent_id": "w2",
        "approaches": [{"workerId": "w1", "approach": "x"}, {"workerId": "w2", "approach": "y"}],
        "Labels": [{"Name": "Receipt"}, {"Name": "Other"}],
        "OU": [{"OU": 0}, {"OU": 3}]
    });
    let cases: &[(&str, Option<Value>)] = &[
        ("$.a.b", Some(json!([1, 2]))),
        ("$.a.b[1]", Some(json!(2))),
        ("$.a.b[-1]", Some(json!(2))),
        (
            "$.approaches[0]['workerId', 'approach']",
            Some(json!(["w1", "x"])),
        ),
        ("$.a.missing", None),
        ("$.a.b[*]", Some(json!([1, 2]))),
        ("$.a..b", Some(json!([[1, 2]]))),
        (
            "$.approaches[?(@.workerId == $.agent_id)].approach",
            Some(json!(["y"])),
        ),
        (
            "$.Labels[?(@.Name==Receipt)]",
            Some(json!([{"Name": "Receipt"}])),
        ),
        ("$.OU[?(@.OU > 0)]", Some(json!([{"OU": 3}]))),
        (
            "$.Labels[?(!@.Missing)].Name",
            Some(json!(["Receipt", "Other"])),
        ),
    ];
    let mut py = Vec::new();
    for (n, (path, _)) in cases.iter().enumerate() {
        let parsed = ferry_asl::jsonpath::parse(path).unwrap();
        py.push((
            format!("{n}:0"),
            render(&ferry_asl::jsonpath::to_expr(&parsed), &env()),
        ));
    }
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("_asl_runtime.py"), RUNTIME).unwrap();
    let file = work.path().join("rules.py");
    std::fs::write(&file, script(&py, &[doc], false)).unwrap();
    let ours = python_eval(&file);
    for ((path, want), got) in cases.iter().zip(&ours) {
        match (want, outcome(got)) {
            (Some(w), Ok(Some(g))) => assert!(same(w, g), "`{path}`: got {g}, want {w}"),
            (None, Err(_)) => {}
            (want, got) => panic!("`{path}`: got {got:?}, want {want:?}"),
        }
    }
}

/// The intrinsic functions of JSONPath states, on the examples of the Step Functions
/// developer guide.
#[test]
fn intrinsics_evaluate_as_documented() {
    let doc = json!({
        "name": "Arnav",
        "escaped": "{\"foo\": \"bar\"}",
        "unescaped": {"foo": "bar"},
        "nine": [1, 2, 3, 4, 5, 6, 7, 8, 9],
        "dups": [1, 2, 3, 3, 3, 3, 3, 3, 4],
        "looking": 5,
        "index": 5,
        "json1": {"a": {"a1": 1, "a2": 2}, "b": 2},
        "json2": {"a": {"a3": 1, "a4": 2}, "c": 3}
    });
    let cases: &[(&str, Option<Value>)] = &[
        (
            "States.Format('Hello, my name is {}.', $.name)",
            Some(json!("Hello, my name is Arnav.")),
        ),
        (
            "States.Format('{} is {} \\{\\}', $.looking, $.unescaped)",
            Some(json!("5 is {\"foo\":\"bar\"} {}")),
        ),
        (
            "States.StringToJson($.escaped)",
            Some(json!({"foo": "bar"})),
        ),
        (
            "States.JsonToString($.unescaped)",
            Some(json!("{\"foo\":\"bar\"}")),
        ),
        (
            "States.Array('Foo', 2020, $.name, null)",
            Some(json!(["Foo", 2020, "Arnav", null])),
        ),
        (
            "States.ArrayPartition($.nine, 4)",
            Some(json!([[1, 2, 3, 4], [5, 6, 7, 8], [9]])),
        ),
        ("States.ArrayContains($.nine, $.looking)", Some(json!(true))),
        ("States.ArrayRange(1, 9, 2)", Some(json!([1, 3, 5, 7, 9]))),
        ("States.ArrayGetItem($.nine, $.index)", Some(json!(6))),
        ("States.ArrayLength($.nine)", Some(json!(9))),
        ("States.ArrayUnique($.dups)", Some(json!([1, 2, 3, 4]))),
        (
            "States.Base64Encode('Data to encode')",
            Some(json!("RGF0YSB0byBlbmNvZGU=")),
        ),
        (
            "States.Base64Decode('RGF0YSB0byBlbmNvZGU=')",
            Some(json!("Data to encode")),
        ),
        (
            "States.Hash('input data', 'SHA-1')",
            Some(json!("aaff4a450a104cd177d28d18d74485e8cae074b7")),
        ),
        (
            "States.JsonMerge($.json1, $.json2, false)",
            Some(json!({"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3})),
        ),
        ("States.JsonMerge($.json1, $.json2, true)", None),
        ("States.MathAdd(111, -1)", Some(json!(110))),
        (
            "States.StringSplit('1,2,3,4,5', ',')",
            Some(json!(["1", "2", "3", "4", "5"])),
        ),
        (
            "States.StringSplit('This.is+a,test=string', '.+,=')",
            Some(json!(["This", "is", "a", "test", "string"])),
        ),
        (
            "States.ArrayLength(States.StringSplit($.name, 'n'))",
            Some(json!(2)),
        ),
    ];
    let mut py = Vec::new();
    for (n, (text, _)) in cases.iter().enumerate() {
        let e = ferry_asl::intrinsic_expression(text).unwrap_or_else(|| panic!("{text}"));
        py.push((format!("{n}:0"), render(&e, &env())));
    }
    // Random values: in range / shaped like a UUID.
    for (n, text) in ["States.MathRandom(1, 999)", "States.UUID()"]
        .iter()
        .enumerate()
    {
        let e = ferry_asl::intrinsic_expression(text).unwrap();
        py.push((format!("{}:0", cases.len() + n), render(&e, &env())));
    }
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("_asl_runtime.py"), RUNTIME).unwrap();
    let file = work.path().join("intrinsics.py");
    std::fs::write(&file, script(&py, &[doc], false)).unwrap();
    let ours = python_eval(&file);
    for ((text, want), got) in cases.iter().zip(&ours) {
        match (want, outcome(got)) {
            (Some(w), Ok(Some(g))) => assert!(same(w, g), "`{text}`: got {g}, want {w}"),
            (None, Err(_)) => {}
            (want, got) => panic!("`{text}`: got {got:?}, want {want:?}"),
        }
    }
    let random = outcome(&ours[cases.len()])
        .unwrap()
        .unwrap()
        .as_i64()
        .unwrap();
    assert!((1..999).contains(&random));
    let uuid = outcome(&ours[cases.len() + 1])
        .unwrap()
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(uuid.len(), 36, "{uuid}");
}
