//! Damaged inputs never crash the compiler: every golden input, cut and spliced at many
//! places, goes through front end, passes, verifier and back end without an internal
//! error (F0005) — only coded diagnostics.

use std::path::{Path, PathBuf};

use ferry_cli::Target;
use ferry_cli::driver::{DriveOptions, compile_file, emit_project};

fn goldens() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden");
    let mut files = Vec::new();
    for frontend in ["ir", "asl", "sagemaker", "dagster"] {
        let Ok(entries) = std::fs::read_dir(root.join(frontend)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if path.is_file() && ["ferry", "json", "yaml", "py"].contains(&ext) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// A small deterministic generator, so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

const SPLICES: &[&str] = &[
    "", "{", "}", "[", "\"", "\n", "$.", "${X}", "States.", "(", ")", ":", ",", "    ", "\u{0}",
    "é", "[[[[[[[[",
];

#[test]
fn damaged_goldens_give_diagnostics_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Lcg(0x5eed);
    let mut runs = 0;
    for path in goldens() {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        for round in 0..12 {
            let mut at = rng.next(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + rng.next(16)).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let splice = SPLICES[rng.next(SPLICES.len())];
            let damaged = format!("{}{}{}", &text[..at], splice, &text[end..]);
            let file = dir.path().join(format!("{round}_{name}"));
            std::fs::write(&file, &damaged).unwrap();
            let frontend = ferry_ir::Frontend::parse(
                path.parent()
                    .unwrap()
                    .file_name()
                    .unwrap()
                    .to_str()
                    .unwrap(),
            );
            let mut compiled = compile_file(
                &file,
                frontend,
                &DriveOptions {
                    verify_each: true,
                    ..DriveOptions::default()
                },
            );
            let _ = emit_project(&mut compiled, Target::Local);
            let internal: Vec<_> = compiled
                .diagnostics
                .iter()
                .filter(|d| d.code == "F0005")
                .collect();
            assert!(
                internal.is_empty(),
                "{name} damaged at {at}..{end} with {splice:?}: {internal:#?}"
            );
            runs += 1;
        }
    }
    assert!(runs > 300, "only {runs} damaged inputs were tried");
}
