//! Helpers shared by the CLI tests that need tools from outside Rust: the npm packages
//! of a `tests/<name>/` folder (installed from its lockfile with `npm ci`) and Debian's
//! Chromium. They install what is missing and fail loudly; they never skip.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `tests/<name>/` with its node_modules installed from package-lock.json.
pub fn npm_dir(name: &str) -> PathBuf {
    let dir = root().join("tests").join(name);
    let installed = dir.join("node_modules/.package-lock.json");
    let stale = match (
        std::fs::metadata(&installed).and_then(|m| m.modified()),
        std::fs::metadata(dir.join("package-lock.json")).and_then(|m| m.modified()),
    ) {
        (Ok(have), Ok(want)) => have < want,
        _ => true,
    };
    if stale {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&dir)
            .status()
            .unwrap_or_else(|e| panic!("npm must be installed for tests/{name}: {e}"));
        assert!(status.success(), "npm ci in tests/{name} failed");
    }
    dir
}

/// The system's Chromium (`FERRY_CHROMIUM`, else `/usr/bin/chromium`), installed from
/// Debian's packages when missing.
pub fn chromium() -> PathBuf {
    let path = std::env::var_os("FERRY_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.is_file() {
        return path;
    }
    eprintln!("installing Debian's chromium for the browser test");
    let update = Command::new("apt-get").args(["update", "-qq"]).status();
    let install = Command::new("apt-get")
        .args(["install", "-y", "-qq", "chromium"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status();
    assert!(
        update.is_ok_and(|s| s.success()) && install.is_ok_and(|s| s.success()),
        "could not install chromium with apt-get; the browser test needs it"
    );
    assert!(path.is_file(), "{} is still missing", path.display());
    path
}
