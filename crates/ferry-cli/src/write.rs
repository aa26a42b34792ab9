//! Writing a generated project to disk: atomically (temp file + rename), never
//! outside the output folder, and never over a file ferry did not write — or wrote
//! but the user changed since — unless forced. What ferry wrote is recorded in
//! `.ferry-manifest.json` with a content hash per file.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

pub const MANIFEST: &str = ".ferry-manifest.json";

#[derive(Debug)]
pub enum WriteError {
    /// The relative path would leave the output folder or is not a plain path.
    UnsafePath(String),
    /// A file exists that ferry did not write, or that changed since ferry wrote it.
    NotOurs(PathBuf),
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::UnsafePath(p) => {
                write!(f, "refusing to write `{p}`: path leaves the output folder")
            }
            WriteError::NotOurs(p) => write!(
                f,
                "refusing to overwrite `{}`: ferry did not write it, or it changed since (use --force)",
                p.display()
            ),
            WriteError::Io(p, e) => write!(f, "cannot write `{}`: {e}", p.display()),
        }
    }
}

/// FNV-1a: a stable content fingerprint (not a security boundary; it only tells
/// whether a user edited a generated file).
fn fingerprint(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

fn safe_relative(rel: &str) -> Result<PathBuf, WriteError> {
    let path = Path::new(rel);
    let plain = !rel.is_empty()
        && !rel.contains('\\')
        && !rel.contains('\0')
        && path.components().all(|c| matches!(c, Component::Normal(_)));
    if plain {
        Ok(path.to_path_buf())
    } else {
        Err(WriteError::UnsafePath(rel.to_string()))
    }
}

fn read_manifest(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read(dir.join(MANIFEST))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v.get("files").cloned())
        .and_then(|f| serde_json::from_value(f).ok())
        .unwrap_or_default()
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let io = |e| WriteError::Io(path.to_path_buf(), e);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.ferry-tmp"));
    let mut file = std::fs::File::create(&tmp).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(io)
}

/// Write `files` (relative path → content) under `dir`. Checks every file before
/// writing any, so a refused project is left untouched.
pub fn write_project(
    dir: &Path,
    files: &BTreeMap<String, String>,
    force: bool,
) -> Result<(), Vec<WriteError>> {
    let previous = read_manifest(dir);
    let mut errors = Vec::new();
    let mut plan = Vec::new();
    for (rel, content) in files {
        let relative = match safe_relative(rel) {
            Ok(p) => p,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let target = dir.join(&relative);
        if !force && let Ok(existing) = std::fs::read(&target) {
            let ours = previous
                .get(rel)
                .is_some_and(|h| *h == fingerprint(&existing));
            if !ours && existing != content.as_bytes() {
                errors.push(WriteError::NotOurs(target.clone()));
                continue;
            }
        }
        plan.push((rel.clone(), target, content));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut manifest = BTreeMap::new();
    for (rel, target, content) in plan {
        write_atomic(&target, content.as_bytes()).map_err(|e| vec![e])?;
        manifest.insert(rel, fingerprint(content.as_bytes()));
    }
    // Files ferry wrote last time and no longer generates go away, unless edited.
    for (rel, hash) in &previous {
        if manifest.contains_key(rel) {
            continue;
        }
        if let Ok(relative) = safe_relative(rel) {
            let target = dir.join(relative);
            if std::fs::read(&target).is_ok_and(|b| fingerprint(&b) == *hash) {
                let _ = std::fs::remove_file(target);
            }
        }
    }
    let json = serde_json::json!({ "generator": "ferry", "files": manifest });
    let text = serde_json::to_string_pretty(&json).unwrap_or_default() + "\n";
    write_atomic(&dir.join(MANIFEST), text.as_bytes()).map_err(|e| vec![e])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn rejects_escaping_paths() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../x.py", "/etc/passwd", "a/../../b", "a\\b", ""] {
            let err = write_project(dir.path(), &files(&[(bad, "x")]), true).unwrap_err();
            assert!(matches!(err[0], WriteError::UnsafePath(_)), "{bad}");
        }
    }

    #[test]
    fn refuses_foreign_and_edited_files_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("run.py"), "mine").unwrap();
        let project = files(&[("run.py", "generated"), ("steps/a.py", "a")]);
        assert!(matches!(
            write_project(dir.path(), &project, false).unwrap_err()[0],
            WriteError::NotOurs(_)
        ));
        assert!(
            !dir.path().join("steps/a.py").exists(),
            "nothing written when refused"
        );
        write_project(dir.path(), &project, true).unwrap();
        // Rewriting our own unchanged output is fine.
        write_project(dir.path(), &project, false).unwrap();
        std::fs::write(dir.path().join("steps/a.py"), "edited").unwrap();
        assert!(write_project(dir.path(), &project, false).is_err());
    }

    #[test]
    fn removes_stale_generated_files() {
        let dir = tempfile::tempdir().unwrap();
        write_project(dir.path(), &files(&[("a.py", "1"), ("b.py", "2")]), false).unwrap();
        write_project(dir.path(), &files(&[("a.py", "1")]), false).unwrap();
        assert!(!dir.path().join("b.py").exists());
    }
}
