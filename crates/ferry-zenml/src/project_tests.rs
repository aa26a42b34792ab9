//! The tests every generated project carries (`tests/`, pytest): import, structure
//! against `ferry-inventory.json` (ZenML's own compilation, no step executed), a
//! smoke run with the dev configuration, stand-ins as expected failures naming their
//! report rows, and for Dagster sources data parity with the original assets.
//!
//! The modules are ferry's own text (`project_tests/*.py`, linted in this repository
//! like the run-time helper); everything that differs between projects is data in
//! the inventory, so no input text reaches them.

use ferry_ir::{Frontend, Workflow};

use crate::code::Code;
use crate::writer::{Unformatted, Writer};

const MODULES: &[(&str, &str)] = &[
    ("tests/__init__.py", include_str!("project_tests/init.py")),
    (
        "tests/conftest.py",
        include_str!("project_tests/conftest.py"),
    ),
    ("tests/ladder.py", include_str!("project_tests/ladder.py")),
    (
        "tests/test_import.py",
        include_str!("project_tests/test_import.py"),
    ),
    (
        "tests/test_structure.py",
        include_str!("project_tests/test_structure.py"),
    ),
    (
        "tests/test_run.py",
        include_str!("project_tests/test_run.py"),
    ),
];

const PARITY_MODULES: &[(&str, &str)] = &[
    ("tests/values.py", include_str!("project_tests/values.py")),
    (
        "tests/dagster_original.py",
        include_str!("project_tests/dagster_original.py"),
    ),
    (
        "tests/test_parity.py",
        include_str!("project_tests/test_parity.py"),
    ),
];

/// The distribution the generated tests need (`[project.optional-dependencies]`).
pub const TEST_DEPENDENCY: &str = "pytest";
/// The distribution the parity test runs the original with.
pub const PARITY_DEPENDENCY: &str = "dagster";

/// Whether the project gets the parity test.
pub fn has_parity(workflow: &Workflow) -> bool {
    workflow.frontend == Frontend::Dagster
}

/// The test modules of a project, unformatted like every other module.
pub fn modules(workflow: &Workflow) -> Vec<(String, Unformatted)> {
    let parity = if has_parity(workflow) {
        PARITY_MODULES
    } else {
        &[]
    };
    MODULES
        .iter()
        .chain(parity)
        .map(|(path, text)| {
            let mut w = Writer::new();
            w.carried(&Code::text(text));
            (path.to_string(), w.finish())
        })
        .collect()
}

/// The `[project.optional-dependencies]` and `[tool.pytest.ini_options]` sections.
pub fn pyproject_sections(workflow: &Workflow) -> String {
    let mut out = format!("[project.optional-dependencies]\ntest = [\"{TEST_DEPENDENCY}\"]\n");
    if has_parity(workflow) {
        out.push_str(&format!("parity = [\"{PARITY_DEPENDENCY}\"]\n"));
    }
    out.push_str("\n[tool.pytest.ini_options]\ntestpaths = [\"tests\"]\n");
    out
}

/// The README's Test section: how to run the generated tests and what they check.
pub fn readme_section(workflow: &Workflow, parity_against: Option<&str>) -> String {
    let mut out = String::from(
        "\n## Test\n\n```sh\npip install -e '.[test]'\npytest\n```\n\n\
`tests/` checks the project against `ferry-inventory.json` (what the source defined, and what each construct became): every module imports and every pipeline builds; the pipeline ZenML compiles (without running a step) has the source's steps and edges, or for a dynamic pipeline its step functions, branches and error handlers; a smoke run on the active stack with the dev configuration; stand-ins are expected failures naming their MIGRATION_REPORT.md rows.\n",
    );
    if has_parity(workflow) {
        out.push_str("\n`tests/test_parity.py` materialises the original Dagster assets in-process and compares each value with the ZenML run's artifact (exact for keys, strings and integers; relative tolerance 1e-9 for floats). It needs `pip install -e '.[parity]'` (or `FERRY_PARITY_PYTHON`, an interpreter that has `dagster`) and the original code location: ");
        match parity_against {
            Some(path) => {
                let _ = std::fmt::Write::write_fmt(
                    &mut out,
                    format_args!(
                        "`{}` (set `FERRY_PARITY_AGAINST` to use another).\n",
                        crate::report::cell(path).replace('`', "'")
                    ),
                );
            }
            None => out.push_str(
                "none was recorded; compile with `ferry compile --parity-against PATH` or set `FERRY_PARITY_AGAINST`. Without it the test skips.\n",
            ),
        }
    }
    out
}
