//! Semantic closure over a small code location: re-exports, relative and star imports,
//! constants, helpers and classes carried transitively, framework names reported and
//! their decorators stripped, support modules and the inline rendering.

use ferry_diagnostics::SourceMap;
use ferry_python::ast::Stmt;
use ferry_python::{CarriedFunction, Layout, Location, Resolution};

const FILES: &[(&str, &str)] = &[
    ("pkg/__init__.py", "from .utils import load as load_rows\n"),
    (
        "pkg/utils/__init__.py",
        "from .io import *\nfrom pkg.constants import TABLE\n",
    ),
    (
        "pkg/utils/io.py",
        "import json\nimport yaml\nfrom pkg.constants import TABLE, Settings\n\n__all__ = ['load']\n\n\ndef load(path):\n    # read it\n    return yaml.safe_load(open(path)) or {TABLE: json.dumps(Settings().n)}\n\n\ndef unused():\n    return 1\n",
    ),
    (
        "pkg/constants.py",
        "import dagster as dg\n\nTABLE = \"sales\"\nQUERY = \"\"\"\nSELECT *\nFROM sales\n\"\"\"\n\n\n@dg.op\nclass Settings:\n    n: int = 3\n\n\nlogger = dg.get_dagster_logger()\n",
    ),
    (
        "pkg/assets.py",
        "import dagster as dg\nimport pandas as pd\nfrom . import load_rows\nfrom .constants import QUERY, logger\n\n\n@dg.asset\ndef sales(context: dg.AssetExecutionContext):\n    \"\"\"Sales.\"\"\"\n    rows = load_rows('x.yaml')\n    logger.info(QUERY)\n    return dg.Output(pd.DataFrame(rows), metadata={'n': missing})\n",
    ),
];

fn is_framework(q: &str) -> bool {
    q == "dagster" || q.starts_with("dagster.")
}

#[test]
fn closure_follows_the_location() {
    let mut sources = SourceMap::new();
    let parsed: Vec<(String, ferry_python::ParsedModule)> = FILES
        .iter()
        .map(|(path, text)| {
            let id = sources.add(*path, *text);
            let (m, d) = ferry_python::parse(&sources, id).unwrap();
            assert!(d.is_empty());
            (path.to_string(), m)
        })
        .collect();
    let files: Vec<(String, &ferry_python::ParsedModule)> =
        parsed.iter().map(|(p, m)| (p.clone(), m)).collect();
    let location = Location::new(&files);
    let assets = &parsed[4].1;
    let Stmt::FunctionDef(def) = &assets.body()[4] else {
        panic!()
    };
    let carried = CarriedFunction::carry(assets, def, Vec::new(), Layout::Indent("    ")).unwrap();
    assert_eq!(carried.docstring, Some("\"\"\"Sales.\"\"\""));
    assert!(
        carried
            .body_text
            .starts_with("    rows = load_rows('x.yaml')\n")
    );
    let names: Vec<&str> = carried.free_names.names().collect();
    assert_eq!(
        names,
        ["QUERY", "dg", "load_rows", "logger", "missing", "pd"]
    );

    let closure = location.closure("pkg.assets", &carried.free_names, &is_framework);
    let by_name = |n: &str| {
        closure
            .names
            .iter()
            .find(|r| r.name == n)
            .map(|r| r.resolution.clone())
            .unwrap()
    };
    // `load_rows` → pkg/__init__ → pkg.utils (star) → pkg.utils.io.load
    assert_eq!(
        by_name("load_rows"),
        Resolution::Local {
            module: "pkg.utils.io".into(),
            name: "load".into()
        }
    );
    assert!(
        matches!(by_name("pd"), Resolution::External { distribution: Some(d), .. } if d == "pandas")
    );
    assert_eq!(
        by_name("dg"),
        Resolution::Framework {
            qualified: "dagster".into()
        }
    );
    assert!(matches!(by_name("missing"), Resolution::Unresolved { .. }));
    let imports: Vec<String> = closure.imports.iter().map(|i| i.render()).collect();
    assert_eq!(
        imports,
        [
            "import pandas as pd",
            "from pkg.constants import QUERY",
            "from pkg.constants import logger",
            "from pkg.utils.io import load as load_rows"
        ]
    );
    assert_eq!(
        closure.distributions.iter().collect::<Vec<_>>(),
        ["pandas", "pyyaml"]
    );
    // Framework uses, with their attribute chains, in the body and the carried helpers.
    let framework: Vec<&str> = closure
        .framework
        .iter()
        .map(|f| f.qualified.as_str())
        .collect();
    assert_eq!(framework, ["dagster.get_dagster_logger", "dagster.Output"]);
    assert_eq!(closure.unresolved.len(), 1);

    let support: Vec<(&str, &str)> = closure
        .support
        .iter()
        .map(|s| (s.module.as_str(), s.path.as_str()))
        .collect();
    assert_eq!(
        support,
        [
            ("pkg.constants", "pkg/constants.py"),
            ("pkg.utils.io", "pkg/utils/io.py")
        ]
    );
    let constants = closure
        .support_text(&location, &closure.support[0])
        .unwrap();
    assert_eq!(
        constants.text,
        "TABLE = \"sales\"\nQUERY = \"\"\"\nSELECT *\nFROM sales\n\"\"\"\n\n\nclass Settings:\n    n: int = 3\n\n\nlogger = dg.get_dagster_logger()\n"
    );
    let io = closure
        .support_text(&location, &closure.support[1])
        .unwrap();
    assert_eq!(
        io.text,
        "import json\nimport yaml\nfrom pkg.constants import Settings\nfrom pkg.constants import TABLE\n\n\ndef load(path):\n    # read it\n    return yaml.safe_load(open(path)) or {TABLE: json.dumps(Settings().n)}\n"
    );

    // Inline: dependencies first, aliases assigned, the location's imports gone.
    let inline = closure
        .inline(&location, Layout::LinePrefix("    "))
        .unwrap();
    assert_eq!(
        inline.text,
        "TABLE = \"sales\"\nQUERY = \"\"\"\\nSELECT *\\nFROM sales\\n\"\"\"\n\nclass Settings:\n    n: int = 3\n\nlogger = dg.get_dagster_logger()\n\ndef load(path):\n    # read it\n    return yaml.safe_load(open(path)) or {TABLE: json.dumps(Settings().n)}\n\nload_rows = load\n"
    );
    let imports: Vec<String> = inline.imports.iter().map(|i| i.render()).collect();
    assert_eq!(
        imports,
        ["import json", "import pandas as pd", "import yaml"]
    );
    assert_eq!(inline.strings.flattened.len(), 1);
}

#[test]
fn cycles_and_missing_modules_end() {
    let mut sources = SourceMap::new();
    let texts = [
        ("a.py", "from b import x\ndef f():\n    return x\n"),
        ("b.py", "from a import x\n"),
        (
            "c.py",
            "from .nowhere import y\nfrom ...up import z\ndef g():\n    return y, z\n",
        ),
    ];
    let parsed: Vec<(String, ferry_python::ParsedModule)> = texts
        .iter()
        .map(|(p, t)| {
            let id = sources.add(*p, *t);
            (p.to_string(), ferry_python::parse(&sources, id).unwrap().0)
        })
        .collect();
    let files: Vec<(String, &ferry_python::ParsedModule)> =
        parsed.iter().map(|(p, m)| (p.clone(), m)).collect();
    let location = Location::new(&files);
    let (r, _) = location.resolve("a", "x", &|_| false);
    assert!(matches!(r, Resolution::Unresolved { .. }), "{r:?}");
    let (r, _) = location.resolve("c", "y", &|_| false);
    assert!(matches!(r, Resolution::Unresolved { .. }), "{r:?}");
    let (r, _) = location.resolve("c", "z", &|_| false);
    assert!(matches!(r, Resolution::Unresolved { .. }), "{r:?}");
}

#[test]
fn own_package_modules_that_are_missing_are_unresolved() {
    let mut sources = SourceMap::new();
    let texts = [
        ("pkg/__init__.py", ""),
        (
            "pkg/assets.py",
            "from pkg.utilities import helper\nimport pkg.other\n",
        ),
    ];
    let parsed: Vec<(String, ferry_python::ParsedModule)> = texts
        .iter()
        .map(|(p, t)| {
            let id = sources.add(*p, *t);
            (p.to_string(), ferry_python::parse(&sources, id).unwrap().0)
        })
        .collect();
    let files: Vec<(String, &ferry_python::ParsedModule)> =
        parsed.iter().map(|(p, m)| (p.clone(), m)).collect();
    let location = Location::new(&files);
    let (r, _) = location.resolve("pkg.assets", "helper", &|_| false);
    assert!(
        matches!(&r, Resolution::Unresolved { reason } if reason.contains("not among its files")),
        "{r:?}"
    );
}
