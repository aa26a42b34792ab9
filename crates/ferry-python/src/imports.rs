//! Import statements rebuilt from the AST (module, names, aliases, relative level), and
//! the distribution that provides an imported module.

use ruff_python_ast::{Stmt, StmtImport, StmtImportFrom};

/// One import statement, one bound name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Import {
    /// `import module` or `import module as asname`.
    Module {
        module: String,
        asname: Option<String>,
    },
    /// `from module import name as asname`; `level` counts the leading dots.
    From {
        level: u32,
        module: Option<String>,
        name: String,
        asname: Option<String>,
    },
}

impl Import {
    /// The distribution that provides what this import names (`from google.cloud
    /// import bigquery` → google-cloud-bigquery); `None` for the standard library and
    /// relative imports.
    pub fn distribution(&self) -> Option<String> {
        match self {
            Import::Module { module, .. } => distribution_for(module),
            Import::From {
                level: 0,
                module: Some(m),
                name,
                ..
            } if name != "*" => distribution_for(&format!("{m}.{name}")),
            Import::From {
                level: 0,
                module: Some(m),
                ..
            } => distribution_for(m),
            Import::From { .. } => None,
        }
    }

    /// The statement on one line (`from ..a import b as c`).
    pub fn render(&self) -> String {
        match self {
            Import::Module { module, asname } => match asname {
                Some(a) if a != module => format!("import {module} as {a}"),
                _ => format!("import {module}"),
            },
            Import::From {
                level,
                module,
                name,
                asname,
            } => {
                let dots = ".".repeat(*level as usize);
                let module = module.as_deref().unwrap_or("");
                match asname {
                    Some(a) if a != name => format!("from {dots}{module} import {name} as {a}"),
                    _ => format!("from {dots}{module} import {name}"),
                }
            }
        }
    }

    /// The name this import binds.
    pub fn bound_name(&self) -> &str {
        match self {
            Import::Module {
                asname: Some(a), ..
            }
            | Import::From {
                asname: Some(a), ..
            } => a,
            Import::Module { module, .. } => module.split('.').next().unwrap_or(module),
            Import::From { name, .. } => name,
        }
    }

    /// The first component of the imported module (`None` for relative imports).
    pub fn top_module(&self) -> Option<&str> {
        match self {
            Import::Module { module, .. } => module.split('.').next(),
            Import::From {
                level: 0,
                module: Some(m),
                ..
            } => m.split('.').next(),
            Import::From { .. } => None,
        }
    }
}

/// The imports of one `import` statement, one per name.
pub fn imports_of(import: &StmtImport) -> Vec<Import> {
    import
        .names
        .iter()
        .map(|alias| Import::Module {
            module: alias.name.to_string(),
            asname: alias.asname.as_ref().map(|a| a.to_string()),
        })
        .collect()
}

/// The imports of one `from ... import ...` statement, one per name (`*` included).
pub fn imports_from(import: &StmtImportFrom) -> Vec<Import> {
    import
        .names
        .iter()
        .map(|alias| Import::From {
            level: import.level,
            module: import.module.as_ref().map(|m| m.to_string()),
            name: alias.name.to_string(),
            asname: alias.asname.as_ref().map(|a| a.to_string()),
        })
        .collect()
}

/// The imports of an import statement; empty for any other statement.
pub fn imports_in(stmt: &Stmt) -> Vec<Import> {
    match stmt {
        Stmt::Import(i) => imports_of(i),
        Stmt::ImportFrom(i) => imports_from(i),
        _ => Vec::new(),
    }
}

/// Whether `module` (dotted; its first component counts) is in the standard library.
pub fn is_stdlib(module: &str) -> bool {
    let top = module.split('.').next().unwrap_or(module);
    // `__future__` is a real module of the standard library that ruff's table omits.
    top == "__future__"
        || ruff_python_stdlib::sys::is_known_standard_library(crate::PYTHON_MINOR, top)
}

/// Import names whose distribution on PyPI is named differently.
const DISTRIBUTIONS: &[(&str, &str)] = &[
    ("PIL", "pillow"),
    ("attr", "attrs"),
    ("bs4", "beautifulsoup4"),
    ("bson", "pymongo"),
    ("cv2", "opencv-python"),
    ("dateutil", "python-dateutil"),
    ("docx", "python-docx"),
    ("dotenv", "python-dotenv"),
    ("fitz", "pymupdf"),
    ("google.api_core", "google-api-core"),
    ("google.auth", "google-auth"),
    ("google.cloud.bigquery", "google-cloud-bigquery"),
    ("google.cloud.storage", "google-cloud-storage"),
    ("google.oauth2", "google-auth"),
    ("google.protobuf", "protobuf"),
    ("jose", "python-jose"),
    ("jwt", "pyjwt"),
    ("magic", "python-magic"),
    ("psycopg2", "psycopg2-binary"),
    ("pptx", "python-pptx"),
    ("serial", "pyserial"),
    ("skimage", "scikit-image"),
    ("sklearn", "scikit-learn"),
    ("slugify", "python-slugify"),
    ("yaml", "pyyaml"),
    ("zmq", "pyzmq"),
];

/// The distribution to list in pyproject for an imported module; `None` for the
/// standard library. The common renamings are known (`yaml` → `pyyaml`, `sklearn` →
/// `scikit-learn`, ...); otherwise the top-level module name, with `_` as `-`.
pub fn distribution_for(module: &str) -> Option<String> {
    if is_stdlib(module) {
        return None;
    }
    if let Some((_, d)) = DISTRIBUTIONS
        .iter()
        .filter(|(m, _)| module == *m || module.starts_with(&format!("{m}.")))
        .max_by_key(|(m, _)| m.len())
    {
        return Some(d.to_string());
    }
    let top = module.split('.').next().unwrap_or(module);
    Some(top.replace('_', "-"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_diagnostics::SourceMap;

    #[test]
    fn rebuilds_multiline_and_relative_imports() {
        let text = "from x.y import (\n    a,\n    b as c,  # note\n)\nfrom .. import d\nimport os.path, numpy as np\n";
        let mut sources = SourceMap::new();
        let file = sources.add("m.py", text);
        let (module, _) = crate::parse(&sources, file).unwrap();
        let all: Vec<String> = module
            .body()
            .iter()
            .flat_map(imports_in)
            .map(|i| i.render())
            .collect();
        assert_eq!(
            all,
            [
                "from x.y import a",
                "from x.y import b as c",
                "from .. import d",
                "import os.path",
                "import numpy as np"
            ]
        );
        let bound: Vec<String> = module
            .body()
            .iter()
            .flat_map(imports_in)
            .map(|i| i.bound_name().to_string())
            .collect();
        assert_eq!(bound, ["a", "c", "d", "os", "np"]);
    }

    #[test]
    fn distributions() {
        assert_eq!(distribution_for("yaml").as_deref(), Some("pyyaml"));
        assert_eq!(
            distribution_for("sklearn.linear_model").as_deref(),
            Some("scikit-learn")
        );
        assert_eq!(distribution_for("PIL.Image").as_deref(), Some("pillow"));
        let from = |m: &str, n: &str| Import::From {
            level: 0,
            module: Some(m.into()),
            name: n.into(),
            asname: None,
        };
        assert_eq!(
            from("google.cloud", "bigquery").distribution().as_deref(),
            Some("google-cloud-bigquery")
        );
        assert_eq!(
            from("google.oauth2", "service_account")
                .distribution()
                .as_deref(),
            Some("google-auth")
        );
        assert_eq!(
            from("numpy", "array").distribution().as_deref(),
            Some("numpy")
        );
        assert_eq!(from("os", "path").distribution(), None);
        assert_eq!(distribution_for("cv2").as_deref(), Some("opencv-python"));
        assert_eq!(distribution_for("bs4").as_deref(), Some("beautifulsoup4"));
        assert_eq!(
            distribution_for("dateutil.parser").as_deref(),
            Some("python-dateutil")
        );
        assert_eq!(distribution_for("pandas").as_deref(), Some("pandas"));
        assert_eq!(
            distribution_for("dagster_dbt").as_deref(),
            Some("dagster-dbt")
        );
        assert_eq!(distribution_for("os.path"), None);
        assert_eq!(distribution_for("json"), None);
        assert_eq!(distribution_for("__future__"), None);
    }
}
