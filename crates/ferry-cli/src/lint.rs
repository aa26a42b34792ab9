//! Findings of ruff about a generated project, reported at the original source lines
//! through the project's source map, so a user fixes the workflow, not the output.

use std::path::Path;
use std::process::Command;

use ferry_diagnostics::{CodeInfo, Diagnostic};
use ferry_zenml::SourceMapFile;

pub static CODES: &[CodeInfo] = &[CodeInfo {
    code: "F0704",
    title: "finding in generated code",
    explanation: "`ferry compile --ruff RUFF` ran ruff on the generated project and ruff reported \
something. The diagnostic points at the construct of the original workflow that produced the \
generated lines (through ferry-sourcemap.json) and names the generated file and line. Such a \
finding is a ferry bug or a source body that does not lint; please report it with the input.",
}];

/// Run `ruff check` on `dir` and map each finding to the source.
pub fn ruff_findings(ruff: &Path, dir: &Path, map: &SourceMapFile) -> Vec<Diagnostic> {
    let output = Command::new(ruff)
        .args([
            "check",
            "--no-cache",
            "--output-format",
            "json",
            "--exit-zero",
            ".",
        ])
        .current_dir(dir)
        .output();
    let output = match output {
        Ok(o) => o,
        Err(e) => {
            return vec![Diagnostic::error(
                "F0004",
                format!("cannot run `{}`: {e}", ruff.display()),
            )];
        }
    };
    let Ok(findings) = serde_json::from_slice::<serde_json::Value>(&output.stdout) else {
        return vec![Diagnostic::error(
            "F0004",
            format!("`{}` did not print JSON findings", ruff.display()),
        )];
    };
    let root = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    findings
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let code = f["code"].as_str().unwrap_or("?");
            let message = f["message"].as_str().unwrap_or("");
            let file = f["filename"].as_str().unwrap_or("");
            let relative = Path::new(file)
                .strip_prefix(&root)
                .or_else(|_| Path::new(file).strip_prefix(dir))
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_else(|_| file.to_string());
            let row = f["location"]["row"].as_u64().unwrap_or(0) as usize;
            let text = format!("ruff {code} in generated `{relative}:{row}`: {message}");
            match map.lookup(&relative, row) {
                Some(range) => Diagnostic::warning("F0704", text)
                    .with_primary(range.span, format!("generated from this ({})", range.what)),
                None => Diagnostic::warning("F0704", text),
            }
        })
        .collect()
}
