//! The scripts a SageMaker pipeline names as code (`code=`, `entry_point=`,
//! `source_dir=`, `dependencies=`): the front end says which paths it wants (it reads no
//! files), and this module looks them up inside the input tree — the folder named on
//! the command line, or the pipeline file's own folder — and adds what it finds to the
//! unit's sources. Nothing outside the input tree is read, no symbolic link is
//! followed, and the bytes read count against the unit's input limit.

use std::path::{Component, Path, PathBuf};

use ferry_diagnostics::{Diagnostic, FileId, SourceMap};
use ferry_sagemaker::companions::{Companions, normalise};

use crate::inputs::{Unit, display};

pub static CODES: &[ferry_diagnostics::CodeInfo] = &[ferry_diagnostics::CodeInfo {
    code: "F0014",
    title: "file of the input tree not carried",
    explanation: "A SageMaker pipeline names a script, source folder or dependency; ferry \
carries the files it finds there into the generated project. A file that is not UTF-8 text \
(a binary model, an image), a symbolic link, a file beyond 500 in one folder, or a file that \
would take the unit past its input limit is not carried; this note names it. Copy it into the \
project by hand if the job needs it.",
}];

/// At most this many files are carried from one folder.
const MAX_FOLDER_FILES: usize = 500;

/// How far above the input tree a path the pipeline names with `../` is followed.
const MAX_LEVELS_UP: usize = 2;

/// How many entries a search of the input tree for a file name looks at.
const MAX_SEARCH_ENTRIES: usize = 20_000;

/// Every file of the input tree (root-relative, sorted), for name searches; hidden
/// folders and caches skipped, bounded.
fn tree_files(root: &Path) -> Vec<String> {
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .follow_links(false)
        .max_depth(8)
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0 || !(name.starts_with('.') || SKIPPED_DIRS.contains(&name.as_ref()))
        })
        .take(MAX_SEARCH_ENTRIES)
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| e.path().strip_prefix(root).ok().map(display))
        .collect()
}

/// Folders never carried (caches, virtual environments, version control).
const SKIPPED_DIRS: &[&str] = &[
    "__pycache__",
    "node_modules",
    "venv",
    ".venv",
    "site-packages",
];

/// The input tree of a unit and the pipeline file's folder relative to it.
pub fn tree(unit: &Unit, pipeline: &Path) -> (PathBuf, String) {
    let parent = pipeline.parent().map(Path::to_path_buf).unwrap_or_default();
    let root = unit.root.clone().unwrap_or_else(|| parent.clone());
    let relative = parent
        .strip_prefix(&root)
        .ok()
        .map(|p| {
            p.components()
                .filter_map(|c| match c {
                    Component::Normal(n) => Some(n.to_string_lossy().to_string()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_default();
    (root, relative)
}

/// Look the wanted paths up and read what is there into `sources`. `budget` is how
/// many more bytes the unit may read.
pub fn gather(
    root: &Path,
    pipeline_dir: &str,
    wanted: &[String],
    sources: &mut SourceMap,
    mut budget: u64,
    diagnostics: &mut Vec<Diagnostic>,
) -> Companions {
    let mut out = Companions::default();
    let mut index: Option<Vec<String>> = None;
    for path in wanted {
        if let Some(name) = path.strip_prefix(ferry_sagemaker::companions::SEARCH) {
            let files = index.get_or_insert_with(|| tree_files(root));
            let found: Vec<&String> = files
                .iter()
                .filter(|f| f.rsplit('/').next() == Some(name))
                .collect();
            if let [only] = found.as_slice()
                && let Some(id) = read(
                    &root.join(only.as_str()),
                    &mut budget,
                    sources,
                    &mut out,
                    path,
                )
            {
                out.files.insert(path.clone(), (only.to_string(), id));
            }
            continue;
        }
        let joined = if pipeline_dir.is_empty() {
            normalise(path)
        } else {
            normalise(&format!("{pipeline_dir}/{path}"))
        };
        let Some(root_relative) = joined else {
            continue;
        };
        // A `../` the pipeline names is followed like an include, a few levels up.
        let up = root_relative.split('/').take_while(|p| *p == "..").count();
        if up > MAX_LEVELS_UP {
            out.outside.insert(path.clone());
            continue;
        }
        let full = if root_relative == "." {
            root.to_path_buf()
        } else {
            root.join(&root_relative)
        };
        if !free_of_links(root, &root_relative) {
            out.skipped
                .insert(path.clone(), "a symbolic link (not followed)".into());
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(&full) else {
            continue;
        };
        if meta.is_file() {
            if let Some(id) = read(&full, &mut budget, sources, &mut out, path) {
                out.files.insert(path.clone(), (root_relative, id));
            }
        } else if meta.is_dir() {
            let mut listed = Vec::new();
            let walker = walkdir::WalkDir::new(&full)
                .sort_by_file_name()
                .follow_links(false)
                .into_iter()
                .filter_entry(|e| {
                    let name = e.file_name().to_string_lossy();
                    e.depth() == 0
                        || !(name.starts_with('.') || SKIPPED_DIRS.contains(&name.as_ref()))
                });
            for entry in walker.flatten() {
                if !entry.file_type().is_file() {
                    continue;
                }
                let Ok(inner) = entry.path().strip_prefix(&full) else {
                    continue;
                };
                let inner = display(inner);
                let key = if path == "." {
                    inner.clone()
                } else {
                    format!("{path}/{inner}")
                };
                if listed.len() >= MAX_FOLDER_FILES {
                    out.skipped.insert(
                        key,
                        format!("more than {MAX_FOLDER_FILES} files in the folder"),
                    );
                    continue;
                }
                let rel = if root_relative == "." {
                    inner.clone()
                } else {
                    format!("{root_relative}/{inner}")
                };
                if let Some(id) = read(entry.path(), &mut budget, sources, &mut out, &key) {
                    out.files.insert(key.clone(), (rel, id));
                    listed.push(key);
                }
            }
            out.folders.insert(path.clone(), listed);
        }
    }
    for (path, why) in &out.skipped {
        diagnostics.push(
            Diagnostic::note(
                "F0014",
                format!("`{path}` is not carried into the project: {why}"),
            )
            .with_help("carry it by hand if the job needs it"),
        );
    }
    out
}

/// Whether no component of `relative` below `root` is a symbolic link.
fn free_of_links(root: &Path, relative: &str) -> bool {
    if relative == "." {
        return true;
    }
    let mut current = root.to_path_buf();
    for part in relative.split('/') {
        current.push(part);
        match std::fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => return false,
            Ok(_) => {}
            Err(_) => return true,
        }
    }
    true
}

fn read(
    path: &Path,
    budget: &mut u64,
    sources: &mut SourceMap,
    out: &mut Companions,
    key: &str,
) -> Option<FileId> {
    let size = std::fs::symlink_metadata(path).ok()?.len();
    if size > *budget {
        out.skipped
            .insert(key.to_string(), "the unit's input limit is reached".into());
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    *budget = budget.saturating_sub(bytes.len() as u64);
    match String::from_utf8(bytes) {
        Ok(text) if !text.contains('\0') => Some(sources.add(display(path), text)),
        _ => {
            out.skipped
                .insert(key.to_string(), "not a UTF-8 text file".into());
            None
        }
    }
}
