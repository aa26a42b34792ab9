//! The output verifier: the back-end twin of the IR verifier. It runs on every
//! generated Python module before anything is written, in release builds too, and
//! finds what would make the project fail when it is imported or run: text CPython
//! rejects, syntax errors, names nothing binds, bindings that shadow what a module
//! needs, and imports of modules or names the project does not contain or declare.

mod imports;
mod names;

use std::collections::{BTreeMap, BTreeSet};

pub use names::{Finding, FindingKind};

/// One problem in a generated file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub file: String,
    /// 1-based.
    pub line: usize,
    pub code: &'static str,
    pub message: String,
}

/// Verify every `.py` file of a project. `provided` holds the top-level import names
/// that the project's declared dependencies provide (e.g. `zenml`, `yaml`).
pub fn verify_project(
    files: &BTreeMap<String, String>,
    provided: &BTreeSet<String>,
) -> Vec<Problem> {
    // Each module is parsed once (and a module that recurs in every project, once per
    // process); the index and the checks read the same tree.
    let facts: Vec<(&String, &String, std::sync::Arc<Facts>)> = files
        .iter()
        .filter(|(p, _)| p.ends_with(".py"))
        .map(|(p, t)| (p, t, FACTS.get(t, || Facts::of(t))))
        .collect();
    let modules = imports::ModuleIndex::new(
        facts
            .iter()
            .map(|(p, _, f)| (p.as_str(), f.top_level.clone())),
    );
    let mut problems = Vec::new();
    for (path, text, facts) in &facts {
        problems.extend(verify_module(path, text, facts, &modules, provided));
    }
    problems.sort();
    problems
}

/// What verifying a module needs from its text alone.
struct Facts {
    parsed: Result<
        ruff_python_parser::Parsed<ruff_python_ast::ModModule>,
        ruff_python_parser::ParseError,
    >,
    /// Top-level names (None: a star import, or the text does not parse).
    top_level: Option<BTreeSet<String>>,
    /// Names findings (empty when the text does not parse).
    names: Vec<Finding>,
}

impl Facts {
    fn of(text: &str) -> Facts {
        let parsed = ruff_python_parser::parse_module(text);
        let (top_level, names) = match &parsed {
            Ok(p) => (
                imports::top_level_names(&p.syntax().body),
                names::check(p.syntax()),
            ),
            Err(_) => (None, Vec::new()),
        };
        Facts {
            parsed,
            top_level,
            names,
        }
    }
}

static FACTS: std::sync::LazyLock<crate::memo::Memo<Facts>> =
    std::sync::LazyLock::new(crate::memo::Memo::new);

fn verify_module(
    path: &str,
    text: &str,
    facts: &Facts,
    modules: &imports::ModuleIndex,
    provided: &BTreeSet<String>,
) -> Vec<Problem> {
    let problem = |offset: usize, code: &'static str, message: String| Problem {
        file: path.to_string(),
        line: line_of(text, offset),
        code,
        message,
    };
    if let Some(offset) = text.find('\0') {
        return vec![problem(
            offset,
            "F0709",
            "the generated file contains a NUL byte, which CPython rejects".into(),
        )];
    }
    let parsed = match &facts.parsed {
        Ok(p) => p,
        Err(e) => {
            return vec![problem(
                e.location.start().to_usize(),
                "F0705",
                format!("the generated file does not parse: {}", e.error),
            )];
        }
    };
    let mut out: Vec<Problem> = facts
        .names
        .iter()
        .map(|f| {
            let (code, message) = describe(f, text);
            problem(f.offset, code, message)
        })
        .collect();
    out.extend(
        imports::check(path, parsed.syntax(), modules, provided)
            .into_iter()
            .map(|(offset, message)| problem(offset, "F0708", message)),
    );
    out
}

fn describe(f: &Finding, text: &str) -> (&'static str, String) {
    match &f.kind {
        FindingKind::Undefined => (
            "F0706",
            format!("`{}` is read but nothing binds it", f.name),
        ),
        FindingKind::UndefinedLocal => (
            "F0706",
            format!("local `{}` is read before it is assigned", f.name),
        ),
        FindingKind::UndefinedExport => (
            "F0706",
            format!(
                "`__all__` lists `{}`, which the module does not define",
                f.name
            ),
        ),
        FindingKind::RedefinedUnused { previous } => (
            "F0707",
            format!(
                "`{}` rebinds the unused import or definition of line {}",
                f.name,
                line_of(text, *previous)
            ),
        ),
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> Vec<(String, &'static str)> {
        let files: BTreeMap<String, String> = files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        let provided: BTreeSet<String> = ["zenml".to_string()].into();
        verify_project(&files, &provided)
            .into_iter()
            .map(|p| (format!("{}:{}", p.file, p.line), p.code))
            .collect()
    }

    #[test]
    fn finds_what_breaks_a_project() {
        assert_eq!(
            project(&[
                ("steps/__init__.py", "from steps.a import a\n"),
                (
                    "steps/a.py",
                    "from zenml import step\n\n\n@step\ndef a() -> None:\n    pass\n"
                ),
                (
                    "run.py",
                    "import json\nfrom steps import a\nfrom steps.b import b\nfrom steps.a import missing\nimport pandas\nprint(a, b, missing, pandas, json)\n"
                ),
            ]),
            vec![
                ("run.py:3".to_string(), "F0708"),
                ("run.py:4".to_string(), "F0708"),
                ("run.py:5".to_string(), "F0708"),
            ]
        );
        assert_eq!(project(&[("x.py", "x = (\n")])[0].1, "F0705");
        assert_eq!(project(&[("x.py", "x = '\0'\n")])[0].1, "F0709");
        assert_eq!(
            project(&[("x.py", "print(y)\n")]),
            vec![("x.py:1".to_string(), "F0706")]
        );
    }
}
