//! The files a pipeline names as code (`code=`, `entry_point=`, `source_dir=`,
//! `dependencies=`), as the caller found them in the input tree. The front end never
//! reads files: it says which paths it wants ([`crate::wanted_paths`]), the caller (the
//! CLI) looks them up inside the input tree and hands the result back here.

use std::collections::{BTreeMap, BTreeSet};

use ferry_diagnostics::FileId;

/// What the caller found for the wanted paths. Paths are relative to the pipeline
/// file's folder, `/`-separated, lexically normalised (they may start with `../`).
#[derive(Debug, Clone, Default)]
pub struct Companions {
    /// Regular files: path → (path relative to the input tree's root, file id).
    pub files: BTreeMap<String, (String, FileId)>,
    /// Folders: path → the files found in them (paths relative to the pipeline folder,
    /// each also in `files`), in sorted order.
    pub folders: BTreeMap<String, Vec<String>>,
    /// Wanted paths that lie outside the input tree (not read).
    pub outside: BTreeSet<String>,
    /// Files found but not carried, with why (binary, too large, too many).
    pub skipped: BTreeMap<String, String>,
}

pub use crate::scripts::SEARCH;

/// Lexically normalise a `/`-separated relative path: drop `.` and empty parts,
/// resolve `..` against earlier parts (leading `..` kept). `None` for absolute paths
/// or paths with NUL or backslashes.
pub fn normalise(path: &str) -> Option<String> {
    if path.starts_with('/') || path.contains(['\0', '\\']) || path.is_empty() {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Some(".".into());
    }
    Some(parts.join("/"))
}

/// `base/rel`, normalised (`base` "." is the pipeline folder itself).
pub fn join(base: &str, rel: &str) -> Option<String> {
    if base == "." || base.is_empty() {
        normalise(rel)
    } else {
        normalise(&format!("{base}/{rel}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalise_lexically() {
        assert_eq!(normalise("./a/./b.py").as_deref(), Some("a/b.py"));
        assert_eq!(normalise("a/../../b.py").as_deref(), Some("../b.py"));
        assert_eq!(normalise("../eval/code").as_deref(), Some("../eval/code"));
        assert_eq!(normalise("/etc/passwd"), None);
        assert_eq!(join("src", "train.py").as_deref(), Some("src/train.py"));
        assert_eq!(join(".", "./x.py").as_deref(), Some("x.py"));
    }
}
