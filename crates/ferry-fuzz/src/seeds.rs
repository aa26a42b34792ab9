//! The seed inputs: golden inputs of the repository and the shared corpora (read
//! where they lie, never copied), each with the front end that reads it.

use std::path::{Path, PathBuf};

use ferry_ir::Frontend;

#[derive(Debug, Clone)]
pub struct Seed {
    /// Where it came from (for messages).
    pub label: String,
    pub frontend: Frontend,
    /// File extension to give mutated copies (front ends look at it).
    pub ext: String,
    pub bytes: Vec<u8>,
}

const EXTENSIONS: &[&str] = &["ferry", "json", "yaml", "yml", "py"];

/// Seeds under `repo` (golden/) and `corpus` (`<corpus>/{asl,sagemaker,dagster}`), in
/// sorted order. Corpus files that are not recognised as their front end's input are
/// skipped; `max_bytes` leaves out seeds too large to fuzz quickly.
pub fn seeds(repo: &Path, corpus: Option<&Path>, max_bytes: usize) -> Vec<Seed> {
    let mut out = Vec::new();
    for kind in ["ir", "asl", "sagemaker", "dagster"] {
        add(
            &repo.join("golden").join(kind),
            kind,
            false,
            max_bytes,
            &mut out,
        );
    }
    if let Some(corpus) = corpus {
        for kind in ["asl", "sagemaker", "dagster"] {
            add(&corpus.join(kind), kind, true, max_bytes, &mut out);
        }
    }
    out
}

fn add(dir: &Path, kind: &str, detect: bool, max_bytes: usize, out: &mut Vec<Seed>) {
    let Some(frontend) = Frontend::parse(kind) else {
        return;
    };
    let mut paths: Vec<PathBuf> = Vec::new();
    collect(dir, &mut paths);
    paths.sort();
    for path in paths {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !EXTENSIONS.contains(&ext) || path.components().any(|c| c.as_os_str() == "snapshots") {
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        if bytes.len() > max_bytes {
            continue;
        }
        if detect {
            let text = String::from_utf8_lossy(&bytes);
            if ferry_cli::frontends::detect(&path, &text) != Some(frontend) {
                continue;
            }
        }
        out.push(Seed {
            label: path.display().to_string(),
            frontend,
            ext: ext.to_string(),
            bytes,
        });
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect(&path, out),
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
}
