//! Turns the paths on the command line into compilation units, in a deterministic
//! order: files in the order given, folders walked in sorted order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ferry_diagnostics::Diagnostic;
use ferry_ir::Frontend;

use crate::frontends;

/// One compilation unit: a single file, or the files of one Dagster code location.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Display label: the path as given (or the code-location folder).
    pub label: String,
    pub frontend: Frontend,
    pub files: Vec<PathBuf>,
    /// The input tree a file was found in (the folder named on the command line);
    /// `None` for a file named directly (its own folder is the tree).
    pub root: Option<PathBuf>,
}

/// A path that could not become a unit, with the reason.
#[derive(Debug)]
pub struct Rejected {
    pub diagnostic: Diagnostic,
}

const EXTENSIONS: &[&str] = &["ferry", "json", "yaml", "yml", "py"];

pub fn collect(paths: &[PathBuf], forced: Option<Frontend>) -> (Vec<Unit>, Vec<Rejected>) {
    let mut units = Vec::new();
    let mut rejected = Vec::new();
    for root in paths {
        if root.is_dir() {
            collect_dir(root, forced, &mut units, &mut rejected);
        } else {
            match classify(root, forced) {
                Ok(frontend) => units.push(Unit {
                    label: display(root),
                    frontend,
                    files: vec![root.clone()],
                    root: None,
                }),
                Err(d) => rejected.push(Rejected { diagnostic: d }),
            }
        }
    }
    (units, rejected)
}

fn collect_dir(
    root: &Path,
    forced: Option<Frontend>,
    units: &mut Vec<Unit>,
    rejected: &mut Vec<Rejected>,
) {
    let mut dagster_locations: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    // `.py` files no front end claims (constants, helpers, `__init__.py` re-exports):
    // modules of the code location when the folder holds Dagster code.
    let mut plain_python: Vec<PathBuf> = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .follow_links(false);
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| root.to_path_buf());
                rejected.push(Rejected {
                    diagnostic: Diagnostic::error(
                        "F0001",
                        format!("cannot read `{}`: {err}", display(&path)),
                    ),
                });
                continue;
            }
        };
        let path = entry.path();
        let hidden = path.strip_prefix(root).ok().is_some_and(|rel| {
            rel.components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        });
        if !entry.file_type().is_file() || hidden || is_snapshot_dir(path) {
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !EXTENSIONS.contains(&ext) || forced.is_some_and(|f| !reads(f, ext)) {
            continue;
        }
        match classify(path, forced) {
            Ok(Frontend::Dagster) => {
                // A folder named on the command line is one code location, whatever
                // `__init__.py` files its subfolders have (modern projects keep
                // `defs/` folders without them).
                dagster_locations
                    .entry(root.to_path_buf())
                    .or_default()
                    .push(path.to_path_buf());
            }
            Ok(frontend) => units.push(Unit {
                label: display(path),
                frontend,
                files: vec![path.to_path_buf()],
                root: Some(root.to_path_buf()),
            }),
            // Inside folders only recognised inputs count: a README.json is not an
            // error; a Python module may belong to a Dagster code location.
            Err(_) => {
                if ext == "py" && forced.is_none() {
                    plain_python.push(path.to_path_buf());
                }
            }
        }
    }
    // Every module of the folder reaches the Dagster front end, which decides what
    // defines what (a constants module imports nothing from dagster).
    if let Some(files) = dagster_locations.get_mut(root) {
        files.extend(plain_python);
        files.sort();
    }
    for (location, files) in dagster_locations {
        units.push(Unit {
            label: display(&location),
            frontend: Frontend::Dagster,
            files,
            root: Some(location.clone()),
        });
    }
}

/// Whether a forced front end reads files with this extension (inside folders, only
/// those reach it: `--frontend dagster` on a project does not parse its YAML as Python).
fn reads(frontend: Frontend, ext: &str) -> bool {
    match frontend {
        Frontend::Asl => matches!(ext, "json" | "yaml" | "yml"),
        Frontend::Sagemaker | Frontend::Dagster => ext == "py",
        Frontend::Ir => ext == "ferry",
    }
}

fn is_snapshot_dir(path: &Path) -> bool {
    path.components().any(|c| c.as_os_str() == "snapshots")
}

fn classify(path: &Path, forced: Option<Frontend>) -> Result<Frontend, Diagnostic> {
    let text = std::fs::read(path)
        .map_err(|e| Diagnostic::error("F0001", format!("cannot read `{}`: {e}", display(path))))?;
    if let Some(f) = forced {
        return Ok(f);
    }
    let text = String::from_utf8_lossy(&text);
    frontends::detect(path, &text).ok_or_else(|| {
        Diagnostic::error(
            "F0002",
            format!(
                "`{}` is not a workflow definition ferry recognises",
                display(path)
            ),
        )
        .with_help("use --frontend asl|sagemaker|dagster|ir to force a front end")
    })
}

pub fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
