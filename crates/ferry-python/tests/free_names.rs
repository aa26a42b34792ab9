//! Free-name analysis against the cases ruff's F821 (undefined name) decides, and
//! against the real pinned ruff on the same modules when it is installed.

use std::collections::BTreeSet;

use ferry_diagnostics::SourceMap;

fn parse(text: &str) -> ferry_python::ParsedModule {
    let mut sources = SourceMap::new();
    let file = sources.add("m.py", text);
    let (module, diagnostics) = ferry_python::parse(&sources, file).unwrap();
    assert!(diagnostics.is_empty(), "{text}: {diagnostics:?}");
    module
}

fn undefined(text: &str) -> BTreeSet<String> {
    let module = parse(text);
    ferry_python::module_free_names(module.body())
        .without_builtins()
        .names()
        .map(str::to_string)
        .collect()
}

/// (module, the names F821 reports)
const CASES: &[(&str, &[&str])] = &[
    // Parameters, locals, augmented and annotated assignments.
    (
        "def f(a, *b, c=1, **d):\n    e = a\n    e += 1\n    g: int = 2\n    h: int\n    return a, b, c, d, e, g, x\n",
        &["x"],
    ),
    // Function bodies run top to bottom too: a use before the only binding is
    // undefined (ruff's F821; at run time an UnboundLocalError).
    ("def f():\n    print(y)\n    y = 1\n", &["y"]),
    (
        "def f():\n    def g():\n        return z\n    z = 1\n    return g\n",
        &[],
    ),
    // Walrus binds in the function, also from inside a comprehension.
    (
        "def f(xs):\n    if (n := len(xs)) > 1:\n        pass\n    [m := v for v in xs]\n    return n, m\n",
        &[],
    ),
    // Comprehension variables do not leak.
    ("def f(xs):\n    [v for v in xs]\n    return v\n", &["v"]),
    (
        "def f(rows):\n    return {k: w for k, w in rows if w}, (i for i in rows), {j for j in rows}\n",
        &[],
    ),
    // for / with / except / import; a deleted name is undefined after the `del`.
    (
        "def f(p):\n    for i, (j, k) in p:\n        pass\n    with open(p) as fh, open(p) as (g1, g2):\n        pass\n    try:\n        pass\n    except ValueError as err:\n        print(err)\n    import os.path\n    from x import y as z\n    del i\n    return i, j, k, fh, g1, g2, os, z\n",
        &["i"],
    ),
    // match captures, star and mapping rest; class patterns and values are uses.
    (
        "def f(v):\n    match v:\n        case [a, *rest]:\n            return a, rest\n        case {'k': b, **others}:\n            return b, others\n        case Point(x=c) | Point(y=c):\n            return c\n        case Color.RED as d:\n            return d\n",
        &["Color", "Point"],
    ),
    // Nested functions see the enclosing function; lambdas are scopes.
    (
        "def f():\n    a = 1\n    def g():\n        return a + b\n    h = lambda q, r=a: q + r + s\n    return g, h\n",
        &["b", "s"],
    ),
    // Class bodies are not visible to their methods.
    (
        "class K:\n    attr = 1\n    other = attr\n    def m(self):\n        return attr\n",
        &["attr"],
    ),
    // A comprehension inside a class body does not see class names either.
    (
        "class K:\n    items = [1]\n    doubled = [i * 2 for i in items]\n    bad = [items for _ in range(2)]\n",
        &["items"],
    ),
    // global and nonlocal.
    (
        "def f():\n    global G\n    G = 1\n\ndef g():\n    return G\n",
        &[],
    ),
    (
        "def f():\n    x = 1\n    def g():\n        nonlocal x\n        x = 2\n    return g\n",
        &[],
    ),
    // Module level: a use before the binding is undefined; functions run later.
    ("print(late)\nlate = 1\n", &["late"]),
    ("def f():\n    return later\nlater = 1\n", &[]),
    ("x = x + 1\n", &["x"]),
    // Decorators, defaults and bases are evaluated in the enclosing scope.
    (
        "@deco\ndef f(a=default_value) -> Ret:\n    return a\n",
        &["Ret", "deco", "default_value"],
    ),
    (
        "class K(Base, metaclass=Meta):\n    pass\n",
        &["Base", "Meta"],
    ),
    // Builtins and magic globals.
    (
        "def f():\n    return len(__file__), __name__, print, ValueError\n",
        &[],
    ),
    // Conditional and try bindings count at module level.
    (
        "try:\n    import yaml\nexcept ImportError:\n    yaml = None\nif yaml:\n    LOADER = 1\nelse:\n    LOADER = 2\nprint(yaml, LOADER)\n",
        &[],
    ),
    // f-strings and nested expressions.
    (
        "def f(a):\n    return f'{a!r:>{width}} {b}'\n",
        &["b", "width"],
    ),
    // Type parameters (PEP 695).
    ("def first[T](xs: list[T]) -> T:\n    return xs[0]\n", &[]),
];

#[test]
fn free_names_match_f821_cases() {
    for (text, expected) in CASES {
        let want: BTreeSet<String> = expected.iter().map(|s| s.to_string()).collect();
        assert_eq!(undefined(text), want, "module:\n{text}");
    }
}

#[test]
fn body_free_names_exclude_parameters_and_locals() {
    let module = parse(
        "import pandas as pd\nTABLE = 't'\ndef f(context, df):\n    out = pd.DataFrame(df)\n    context.log.info(TABLE)\n    return helper(out)\n",
    );
    let ruff_python_ast::Stmt::FunctionDef(def) = &module.body()[2] else {
        panic!()
    };
    let free = ferry_python::body_free_names(&def.parameters, &def.body);
    let names: Vec<&str> = free.names().collect();
    assert_eq!(names, ["TABLE", "helper", "pd"]);
    assert_eq!(free.uses("pd").len(), 1);
}

/// The same cases through the real ruff, when `FERRY_RUFF` names it (scripts/test.sh
/// sets it up); skipped otherwise.
#[test]
fn free_names_agree_with_real_ruff() {
    let Ok(ruff) = std::env::var("FERRY_RUFF") else {
        eprintln!("FERRY_RUFF not set; skipping the comparison with ruff");
        return;
    };
    let dir = tempfile_dir();
    for (i, (text, _)) in CASES.iter().enumerate() {
        std::fs::write(dir.join(format!("case_{i}.py")), text).unwrap();
    }
    let out = std::process::Command::new(ruff)
        .args([
            "check",
            "--no-cache",
            "--isolated",
            "--select",
            "F821",
            "--output-format",
            "concise",
            "--target-version",
            "py312",
        ])
        .arg(&dir)
        .output()
        .expect("ruff runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    for (i, (text, _)) in CASES.iter().enumerate() {
        let file = format!("case_{i}.py:");
        let from_ruff: BTreeSet<String> = stdout
            .lines()
            .filter(|l| l.contains(&file))
            .filter_map(|l| l.split('`').nth(1).map(str::to_string))
            .collect();
        assert_eq!(undefined(text), from_ruff, "module:\n{text}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ferry-f821-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every Python file of the real-world corpora: the names this analysis finds
/// undefined are exactly the ones ruff's F821 reports (when `FERRY_RUFF` is set and
/// the corpora sit at `../shared/corpus`).
#[test]
fn free_names_agree_with_ruff_on_the_corpora() {
    let Ok(ruff) = std::env::var("FERRY_RUFF") else {
        eprintln!("FERRY_RUFF not set; skipping");
        return;
    };
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    for kind in ["dagster", "sagemaker"] {
        let Ok(dir) = corpus.join(kind).canonicalize() else {
            eprintln!("corpus {kind} missing; skipping");
            continue;
        };
        let out = std::process::Command::new(&ruff)
            .args([
                "check",
                "--no-cache",
                "--isolated",
                "--select",
                "F821",
                "--output-format",
                "concise",
                "--target-version",
                "py312",
            ])
            .arg(&dir)
            .output()
            .expect("ruff runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let mut from_ruff: std::collections::BTreeMap<String, BTreeSet<String>> =
            Default::default();
        for line in stdout.lines() {
            if let (Some((file, _)), Some(name)) = (line.split_once(".py:"), line.split('`').nth(1))
            {
                from_ruff
                    .entry(format!("{file}.py"))
                    .or_default()
                    .insert(name.to_string());
            }
        }
        let mut checked = 0;
        let mut stack = vec![dir.clone()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "py") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let mut sources = SourceMap::new();
                let file = sources.add("m.py", text.as_str());
                let (module, diagnostics) = ferry_python::parse(&sources, file).unwrap();
                if !diagnostics.is_empty() {
                    continue;
                }
                let mine: BTreeSet<String> = ferry_python::module_free_names(module.body())
                    .without_builtins()
                    .names()
                    .map(str::to_string)
                    .collect();
                let theirs = from_ruff
                    .get(path.to_str().unwrap_or_default())
                    .cloned()
                    .unwrap_or_default();
                assert_eq!(mine, theirs, "{}", path.display());
                checked += 1;
            }
        }
        assert!(checked > 50, "only {checked} files checked");
    }
}
