//! Writing generated projects to disk. The output folder is resolved once; every
//! folder and file of a project is then reached from it one component at a time
//! without following a symbolic link ([`beneath`]), so no write can leave `--out`.
//! Each file is replaced atomically (an exclusively created temp file with an
//! unpredictable name, renamed over the target). A project folder is locked while it
//! is written, so concurrent compiles into one `--out` serialise. A file is only
//! overwritten (without `--force`) when the project's trusted manifest says ferry
//! wrote it and it is unchanged, or when it already holds the new bytes; files that
//! ferry wrote last time and no longer generates are removed only under the same
//! conditions. ARCHITECTURE.md ("Writing the project") argues why this holds.
//! [`compare`] is the reading side (`--check`/`--diff`): the same traversal, no writes.

#[cfg(not(unix))]
compile_error!("ferry's writer needs openat/O_NOFOLLOW/flock (a Unix system)");

mod beneath;
pub mod compare;
pub mod manifest;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use beneath::{Dir, Entry, Refused};
pub use manifest::MANIFEST;
use manifest::fingerprint;

pub static CODES: &[ferry_diagnostics::CodeInfo] = &[ferry_diagnostics::CodeInfo {
    code: "F0013",
    title: "project folder locked by another ferry",
    explanation: "Another ferry process was writing the same project folder (the same input \
name under the same --out) for longer than ferry waits (60 seconds). Projects are written under \
an advisory lock on their folder so that concurrent compiles serialise instead of mixing files; \
nothing was written for this input. Run the compile again once the other one has finished.",
}];

/// The largest existing file ferry reads to decide whether it wrote it; anything
/// bigger is not a file ferry generated.
const MAX_EXISTING_BYTES: u64 = 256 << 20;
/// Prefix of the temp files (followed by 16 random hex digits).
const TEMP_PREFIX: &str = ".ferry-tmp-";

#[derive(Debug)]
pub enum WriteError {
    /// The relative path would leave the output folder or is not a plain path.
    UnsafePath(String),
    /// A file exists that ferry did not write, or that changed since ferry wrote it
    /// (also: a manifest ferry did not write).
    NotOurs(PathBuf),
    /// A symbolic link or special file where ferry needs a folder or file: never
    /// written through, with or without --force.
    NotPlain(PathBuf),
    /// Another process held the project folder's lock for the whole wait.
    Locked(PathBuf),
    Io(PathBuf, std::io::Error),
}

impl WriteError {
    /// The diagnostic code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            WriteError::Locked(_) => "F0013",
            _ => "F0004",
        }
    }
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
            WriteError::NotPlain(p) => write!(
                f,
                "refusing to write through `{}`: it is a symbolic link or not a plain file or folder",
                p.display()
            ),
            WriteError::Locked(p) => write!(
                f,
                "`{}` is being written by another ferry process; gave up waiting for its lock",
                p.display()
            ),
            WriteError::Io(p, e) => write!(f, "cannot write `{}`: {e}", p.display()),
        }
    }
}

/// How to write a project.
#[derive(Debug, Clone)]
pub struct WriteOptions {
    /// Overwrite files ferry did not write (never writes through a link, though).
    pub force: bool,
    /// How long to wait for another process's lock on the project folder.
    pub lock_wait: Duration,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            force: false,
            lock_wait: Duration::from_secs(60),
        }
    }
}

/// The output folder, resolved and opened once.
#[derive(Debug)]
pub struct OutDir {
    root: Dir,
    path: PathBuf,
}

/// A checked relative path: its folders and its file name.
struct Target<'a> {
    rel: &'a str,
    dirs: Vec<&'a str>,
    file: &'a str,
}

fn split(rel: &str) -> Option<Target<'_>> {
    let parts: Vec<&str> = rel.split('/').collect();
    let plain = |p: &&str| !p.is_empty() && *p != "." && *p != ".." && !p.contains(['\\', '\0']);
    if !parts.iter().all(plain) {
        return None;
    }
    let (file, dirs) = parts.split_last()?;
    if file.starts_with(TEMP_PREFIX) || (dirs.is_empty() && *file == MANIFEST) {
        return None;
    }
    Some(Target {
        rel,
        dirs: dirs.to_vec(),
        file,
    })
}

/// Kinds of file ferry generates; stale-file removal touches nothing else.
fn generated_kind(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name == ".gitignore"
        || [".py", ".md", ".yaml", ".yml", ".toml", ".json"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

impl OutDir {
    /// Create (if needed) and open `path`.
    pub fn open(path: &Path) -> Result<OutDir, WriteError> {
        let root = Dir::open_root(path).map_err(|e| WriteError::Io(path.to_path_buf(), e))?;
        Ok(OutDir {
            root,
            path: path.to_path_buf(),
        })
    }

    /// Write `files` (relative path → content) into the project folder `folder` (one
    /// plain name). Checks every file before writing any, so a refused project is left
    /// untouched.
    pub fn write_project(
        &self,
        folder: &str,
        files: &BTreeMap<String, String>,
        options: &WriteOptions,
    ) -> Result<(), Vec<WriteError>> {
        let base = self.path.join(folder);
        if split(folder).is_none_or(|t| !t.dirs.is_empty()) {
            return Err(vec![WriteError::UnsafePath(folder.to_string())]);
        }
        let project = self
            .root
            .create_dir(folder)
            .map_err(|e| vec![refused(&base, e)])?;
        match project.lock(options.lock_wait) {
            Ok(true) => {}
            Ok(false) => return Err(vec![WriteError::Locked(base)]),
            Err(e) => return Err(vec![WriteError::Io(base, e)]),
        }
        let writer = Project { dir: project, base };
        writer.write(files, options.force)
    }
}

fn refused(path: &Path, e: Refused) -> WriteError {
    match e {
        Refused::NotPlain => WriteError::NotPlain(path.to_path_buf()),
        Refused::Io(e) => WriteError::Io(path.to_path_buf(), e),
    }
}

/// One locked project folder.
struct Project {
    dir: Dir,
    base: PathBuf,
}

impl Project {
    fn path(&self, rel: &str) -> PathBuf {
        self.base.join(rel)
    }

    /// Run `f` on the folder `dirs` below the project if it exists (`Ok(None)`:
    /// missing); folders are opened component by component without following links.
    fn in_existing_dir<T>(
        &self,
        dirs: &[&str],
        f: impl FnOnce(&Dir) -> T,
    ) -> Result<Option<T>, WriteError> {
        let mut current: Option<Dir> = None;
        for (i, name) in dirs.iter().enumerate() {
            let parent = current.as_ref().unwrap_or(&self.dir);
            match parent.open_dir(name) {
                Ok(Some(d)) => current = Some(d),
                Ok(None) => return Ok(None),
                Err(e) => return Err(refused(&self.path(&dirs[..=i].join("/")), e)),
            }
        }
        Ok(Some(f(current.as_ref().unwrap_or(&self.dir))))
    }

    fn write(&self, files: &BTreeMap<String, String>, force: bool) -> Result<(), Vec<WriteError>> {
        let mut errors = Vec::new();
        let previous = self.previous_manifest(force, &mut errors);
        let mut targets = Vec::new();
        for (rel, content) in files {
            let Some(target) = split(rel) else {
                errors.push(WriteError::UnsafePath(rel.clone()));
                continue;
            };
            if let Err(e) = self.check(&target, content.as_bytes(), &previous, force) {
                errors.push(e);
                continue;
            }
            targets.push((target, content));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        // Folders are created once per project, in the order files need them.
        let mut dirs: BTreeMap<String, Dir> = BTreeMap::new();
        let mut manifest = BTreeMap::new();
        for (target, content) in targets {
            let dir = self
                .make_dirs(&target.dirs, &mut dirs)
                .map_err(|e| vec![e])?;
            let dir = dir.unwrap_or(&self.dir);
            dir.replace_file(target.file, content.as_bytes())
                .map_err(|e| vec![refused(&self.path(target.rel), e)])?;
            manifest.insert(target.rel.to_string(), fingerprint(content.as_bytes()));
        }
        self.remove_stale(&previous, &manifest);
        self.dir
            .replace_file(MANIFEST, manifest::render(&manifest).as_bytes())
            .map_err(|e| vec![refused(&self.path(MANIFEST), e)])
    }

    /// The trusted manifest's entries (empty when there is none). A manifest ferry did
    /// not write is an error unless forced, and is never trusted.
    fn previous_manifest(
        &self,
        force: bool,
        errors: &mut Vec<WriteError>,
    ) -> BTreeMap<String, String> {
        match self.dir.read_file(MANIFEST, MAX_EXISTING_BYTES) {
            Ok(None) => BTreeMap::new(),
            Ok(Some(bytes)) => match manifest::parse(&bytes) {
                Some(files) => files,
                None => {
                    if !force {
                        errors.push(WriteError::NotOurs(self.path(MANIFEST)));
                    }
                    BTreeMap::new()
                }
            },
            Err(e) => {
                if !force || !matches!(e, Refused::NotPlain) {
                    errors.push(refused(&self.path(MANIFEST), e));
                }
                BTreeMap::new()
            }
        }
    }

    /// May `target` be replaced by `content`?
    fn check(
        &self,
        target: &Target<'_>,
        content: &[u8],
        previous: &BTreeMap<String, String>,
        force: bool,
    ) -> Result<(), WriteError> {
        let checked = self.in_existing_dir(&target.dirs, |dir| {
            self.check_in(dir, target, content, previous, force)
        })?;
        checked.unwrap_or(Ok(()))
    }

    fn check_in(
        &self,
        dir: &Dir,
        target: &Target<'_>,
        content: &[u8],
        previous: &BTreeMap<String, String>,
        force: bool,
    ) -> Result<(), WriteError> {
        let path = || self.path(target.rel);
        match dir.entry(target.file).map_err(|e| refused(&path(), e))? {
            Entry::Missing => Ok(()),
            Entry::Dir => Err(WriteError::NotPlain(path())),
            Entry::Other if force => Ok(()),
            Entry::Other => Err(WriteError::NotPlain(path())),
            Entry::File if force => Ok(()),
            Entry::File => match dir.read_file(target.file, MAX_EXISTING_BYTES) {
                Ok(None) => Ok(()),
                Ok(Some(existing)) => {
                    let ours = previous
                        .get(target.rel)
                        .is_some_and(|h| *h == fingerprint(&existing));
                    if ours || existing == content {
                        Ok(())
                    } else {
                        Err(WriteError::NotOurs(path()))
                    }
                }
                Err(e) => Err(refused(&path(), e)),
            },
        }
    }

    /// Open (creating as needed) the folder `dirs`, remembering each one opened.
    fn make_dirs<'d>(
        &self,
        dirs: &[&str],
        cache: &'d mut BTreeMap<String, Dir>,
    ) -> Result<Option<&'d Dir>, WriteError> {
        if dirs.is_empty() {
            return Ok(None);
        }
        for i in 0..dirs.len() {
            let key = dirs[..=i].join("/");
            if cache.contains_key(&key) {
                continue;
            }
            let parent = if i == 0 {
                &self.dir
            } else {
                &cache[&dirs[..i].join("/")]
            };
            let dir = parent
                .create_dir(dirs[i])
                .map_err(|e| refused(&self.path(&key), e))?;
            cache.insert(key, dir);
        }
        Ok(cache.get(&dirs.join("/")))
    }

    /// Files the trusted manifest lists that ferry no longer generates go away: only
    /// regular files of the kinds ferry writes, still holding what ferry wrote,
    /// reached without following a link.
    fn remove_stale(
        &self,
        previous: &BTreeMap<String, String>,
        current: &BTreeMap<String, String>,
    ) {
        for (rel, hash) in previous {
            if current.contains_key(rel) || !generated_kind(rel) {
                continue;
            }
            let Some(target) = split(rel) else { continue };
            let _ = self.in_existing_dir(&target.dirs, |dir| {
                if let Ok(Some(bytes)) = dir.read_file(target.file, MAX_EXISTING_BYTES)
                    && fingerprint(&bytes) == *hash
                {
                    let _ = dir.remove_file(target.file);
                }
            });
        }
    }
}

#[cfg(test)]
mod tests;
