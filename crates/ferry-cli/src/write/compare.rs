//! The reading side of the writer, for `ferry compile --check` / `--diff`: what would
//! writing a project change in `--out`? Nothing is created, written or removed. The
//! output folder is opened without being created; below it every folder and file is
//! reached one component at a time with `O_NOFOLLOW` exactly as the writer does
//! ([`super::beneath`]), so a symbolic link is never read through: a link (or FIFO,
//! device, folder) where ferry writes a file, or a linked folder on the way, is
//! reported as a difference without being opened. The project folder is held under a
//! shared lock, so a compile writing it at the same time is not seen half done.
//!
//! Which files count is the writer's rule: every file ferry generates, the manifest
//! (it is written too), and the files a *trusted* manifest lists that ferry no longer
//! generates (a compile would remove them). Anything else in the folder is the user's
//! and is ignored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::beneath::{Dir, Entry};
use super::manifest::{self, MANIFEST, fingerprint};
use super::{MAX_EXISTING_BYTES, Project, WriteError, refused, split};

/// How one file in `--out` differs from what ferry generates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Missing: compiling would create it.
    Added { new: String },
    /// Holds other bytes: compiling would replace them (or refuse, if edited).
    Changed { old: Vec<u8>, new: String },
    /// Listed in the trusted manifest, no longer generated: compiling would remove it.
    Removed { old: Vec<u8> },
    /// A symbolic link, special file or folder where ferry writes a file, or a file
    /// below a linked folder: not read.
    NotPlain { new: String },
}

impl Change {
    /// A one-word status for `--check`'s list.
    pub fn status(&self) -> &'static str {
        match self {
            Change::Added { .. } => "added",
            Change::Changed { .. } => "changed",
            Change::Removed { .. } => "removed",
            Change::NotPlain { .. } => "not a plain file",
        }
    }
}

/// The output folder opened for reading only.
#[derive(Debug)]
pub struct ReadOut {
    /// `None`: the folder does not exist (every file would be added).
    root: Option<Dir>,
    path: PathBuf,
}

impl ReadOut {
    /// Open `path` if it exists; never creates it.
    pub fn open(path: &Path) -> Result<ReadOut, WriteError> {
        let root =
            Dir::open_existing_root(path).map_err(|e| WriteError::Io(path.to_path_buf(), e))?;
        Ok(ReadOut {
            root,
            path: path.to_path_buf(),
        })
    }

    /// The differences between the project folder `folder` and `files`, by relative
    /// path in sorted order (empty: identical). `lock_wait` bounds the wait for a
    /// writer's lock.
    pub fn compare_project(
        &self,
        folder: &str,
        files: &BTreeMap<String, String>,
        lock_wait: Duration,
    ) -> Result<BTreeMap<String, Change>, Vec<WriteError>> {
        let base = self.path.join(folder);
        if split(folder).is_none_or(|t| !t.dirs.is_empty()) {
            return Err(vec![WriteError::UnsafePath(folder.to_string())]);
        }
        let mut expected: BTreeMap<String, String> = files.clone();
        let fingerprints = files
            .iter()
            .map(|(rel, content)| (rel.clone(), fingerprint(content.as_bytes())))
            .collect();
        expected.insert(MANIFEST.to_string(), manifest::render(&fingerprints));
        let project = match &self.root {
            None => None,
            Some(root) => root.open_dir(folder).map_err(|e| vec![refused(&base, e)])?,
        };
        let Some(dir) = project else {
            return Ok(expected
                .into_iter()
                .map(|(rel, new)| (rel, Change::Added { new }))
                .collect());
        };
        match dir.lock_shared(lock_wait) {
            Ok(true) => {}
            Ok(false) => return Err(vec![WriteError::Locked(base)]),
            Err(e) => return Err(vec![WriteError::Io(base, e)]),
        }
        let project = Project { dir, base };
        project.compare(&expected)
    }
}

impl Project {
    fn compare(
        &self,
        expected: &BTreeMap<String, String>,
    ) -> Result<BTreeMap<String, Change>, Vec<WriteError>> {
        let mut changes = BTreeMap::new();
        let mut errors = Vec::new();
        for (rel, new) in expected {
            let target = if rel == MANIFEST {
                None
            } else {
                match split(rel) {
                    Some(t) => Some(t),
                    None => {
                        errors.push(WriteError::UnsafePath(rel.clone()));
                        continue;
                    }
                }
            };
            let (dirs, file) = match &target {
                Some(t) => (t.dirs.clone(), t.file),
                None => (Vec::new(), MANIFEST),
            };
            let found = match self.in_existing_dir(&dirs, |dir| read_plain(dir, file)) {
                Ok(Some(found)) => found,
                Ok(None) => Found::Missing,
                // A linked folder on the way: not followed.
                Err(_) => Found::NotPlain,
            };
            let change = match found {
                Found::Missing => Some(Change::Added { new: new.clone() }),
                Found::NotPlain => Some(Change::NotPlain { new: new.clone() }),
                Found::File(old) if old == new.as_bytes() => None,
                Found::File(old) => Some(Change::Changed {
                    old,
                    new: new.clone(),
                }),
            };
            if let Some(change) = change {
                changes.insert(rel.clone(), change);
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        // Files a trusted manifest lists and ferry no longer generates.
        if let Ok(Some(bytes)) = self.dir.read_file(MANIFEST, MAX_EXISTING_BYTES)
            && let Some(previous) = manifest::parse(&bytes)
        {
            for rel in previous.keys().filter(|r| !expected.contains_key(*r)) {
                let Some(target) = split(rel) else { continue };
                let found = self.in_existing_dir(&target.dirs, |dir| read_plain(dir, target.file));
                if let Ok(Some(Found::File(old))) = found {
                    changes.insert(rel.clone(), Change::Removed { old });
                }
            }
        }
        Ok(changes)
    }
}

enum Found {
    Missing,
    NotPlain,
    File(Vec<u8>),
}

/// The bytes of `name` in `dir` if it is a regular file; links and special files are
/// never opened for reading (the writer's `read_file` refuses them).
fn read_plain(dir: &Dir, name: &str) -> Found {
    match dir.entry(name) {
        Ok(Entry::Missing) => Found::Missing,
        Ok(Entry::File) => match dir.read_file(name, MAX_EXISTING_BYTES) {
            Ok(Some(bytes)) => Found::File(bytes),
            Ok(None) => Found::Missing,
            Err(_) => Found::NotPlain,
        },
        Ok(Entry::Dir | Entry::Other) | Err(_) => Found::NotPlain,
    }
}
