//! The real-world corpora in `../shared/corpus` compiled as a user would compile them
//! (every ASL definition, every SageMaker pipeline file of the MANIFEST, every Dagster
//! code-location folder), with the properties ferry promises for every project it
//! writes:
//! - the project is `ruff format --check` clean (ruff's own formatter laid it out);
//! - every problem ruff's semantic rules find (`F821,F811,F823,E9,F63,F7`) was also
//!   reported by ferry's output verifier, at the same generated line;
//! - the report agrees with the code: each `# TODO(migration):` is one Flagged for
//!   Review row naming its `file:line`, each MEDIUM/HIGH finding has a row, and
//!   "Every construct was translated" appears only when nothing is flagged.
//!
//! Needs FERRY_PYTHON (scripts/python-env.sh) for the pinned ruff; fails without it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use ferry_cli::Target;
use ferry_cli::driver::{DriveOptions, compile_all, emit_project_with_map};
use ferry_diagnostics::{MigrationFlag, Severity};

fn corpus(kind: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus")
        .join(kind);
    assert!(dir.is_dir(), "the corpus {} is missing", dir.display());
    dir
}

fn ruff() -> PathBuf {
    let python = std::env::var("FERRY_PYTHON")
        .expect("FERRY_PYTHON is not set: run the tests through scripts/test.sh");
    let ruff = Path::new(&python).with_file_name("ruff");
    assert!(ruff.is_file(), "no ruff next to {python}");
    ruff
}

/// The units of a corpus as corpus-report names them.
fn units(kind: &str) -> Vec<PathBuf> {
    let dir = corpus(kind);
    let mut out: Vec<PathBuf> = match kind {
        "asl" => walk(&dir)
            .into_iter()
            .filter(|p| {
                matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("json" | "yaml" | "yml")
                )
            })
            .collect(),
        "sagemaker" => std::fs::read_to_string(dir.join("MANIFEST.tsv"))
            .expect("manifest")
            .lines()
            .skip(1)
            .filter_map(|l| {
                let cols: Vec<&str> = l.split('\t').collect();
                (cols.len() > 5 && cols[5] == "pipeline").then(|| dir.join(cols[0]))
            })
            .collect(),
        _ => std::fs::read_dir(&dir)
            .expect("corpus folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir() && p.file_name().unwrap().to_string_lossy().contains("__"))
            .collect(),
    };
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// What ferry said about one written project.
struct Written {
    unit: String,
    dir: PathBuf,
    files: BTreeMap<String, String>,
    /// (generated file, line) of every output-verifier finding.
    reported: BTreeSet<(String, usize)>,
    /// (code, `path:line`) of every MEDIUM/HIGH warning.
    flagged_findings: Vec<(String, String)>,
    /// Verifier findings about code ferry wrote itself (not a carried body or a
    /// carried import): always a bug in ferry.
    own_defects: Vec<String>,
}

/// Modules ferry's own scaffolding imports; a carried import names anything else.
const OWN_MODULES: &[&str] = &[
    "zenml",
    "typing",
    "steps",
    "pipelines",
    "boto3",
    "json",
    "time",
    "datetime",
    "subprocess",
    "fnmatch",
    "argparse",
    "tempfile",
    "pathlib",
    "yaml",
];

/// Whether a verifier finding is about user code ferry carried over.
fn about_carried_code(d: &ferry_diagnostics::Diagnostic, line_text: &str) -> bool {
    let in_body = d
        .labels
        .iter()
        .any(|l| l.primary && l.message.contains("(body of "));
    let trimmed = line_text.trim_start();
    let carried_import = d.code == "F0708"
        && (trimmed.starts_with("import ") || trimmed.starts_with("from "))
        && trimmed
            .split_whitespace()
            .nth(1)
            .map(|m| {
                m.trim_start_matches('.')
                    .split('.')
                    .next()
                    .unwrap_or_default()
            })
            .is_some_and(|top| !OWN_MODULES.contains(&top));
    in_body || carried_import
}

fn generated_location(note: &str) -> Option<(String, usize)> {
    let rest = note.strip_prefix("in generated `")?.strip_suffix('`')?;
    let (file, line) = rest.rsplit_once(':')?;
    Some((file.to_string(), line.parse().ok()?))
}

fn compile_corpus(kind: &str, out: &Path) -> Vec<Written> {
    let mut written = Vec::new();
    for (n, unit) in units(kind).into_iter().enumerate() {
        let (found, _) = ferry_cli::inputs::collect(std::slice::from_ref(&unit), None);
        let compiled = compile_all(found, &DriveOptions::default(), Some(2));
        for (m, mut c) in compiled.into_iter().enumerate() {
            let Some((files, _)) = emit_project_with_map(&mut c, Target::Local) else {
                continue;
            };
            let dir = out.join(format!("{n:04}-{m}"));
            for (rel, text) in &files {
                let path = dir.join(rel);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, text).unwrap();
            }
            let mut reported = BTreeSet::new();
            let mut flagged_findings = Vec::new();
            let mut own_defects = Vec::new();
            for d in &c.diagnostics {
                if matches!(
                    d.code.as_str(),
                    "F0705" | "F0706" | "F0707" | "F0708" | "F0709"
                ) {
                    for (file, line) in d.notes.iter().filter_map(|n| generated_location(n)) {
                        let text = files
                            .get(&file)
                            .and_then(|t| t.lines().nth(line.saturating_sub(1)))
                            .unwrap_or_default();
                        if !about_carried_code(d, text) {
                            own_defects.push(format!(
                                "{}: ferry's own code at {file}:{line}: {} {}",
                                unit.display(),
                                d.code,
                                d.message
                            ));
                        }
                        reported.insert((file, line));
                    }
                }
                if d.severity == Severity::Warning
                    && d.flag.is_some_and(|f| f >= MigrationFlag::Medium)
                    && let Some(span) = d.primary_span()
                    && let (Some(file), Some((line, _))) =
                        (c.sources.get(span.file), c.sources.line_range(span))
                {
                    flagged_findings.push((d.code.clone(), format!("{}:{line}", file.path)));
                }
            }
            written.push(Written {
                unit: unit.display().to_string(),
                dir,
                files,
                reported,
                flagged_findings,
                own_defects,
            });
        }
    }
    written
}

/// The user's scripts a project carries byte for byte (its pyproject's `extend-exclude`):
/// the source's own code, run as written; ruff never lints them under the project's
/// configuration, and what they lack is the source's, not ferry's.
fn verbatim_scripts(files: &BTreeMap<String, String>) -> Vec<String> {
    let Some(pyproject) = files.get("pyproject.toml") else {
        return Vec::new();
    };
    pyproject
        .lines()
        .filter_map(|l| l.strip_prefix("extend-exclude = "))
        .flat_map(|list| serde_json::from_str::<Vec<String>>(list).unwrap_or_default())
        .collect()
}

/// ruff's semantic findings per project folder (`root/<unit>`): (file, line, rule).
fn ruff_semantic_findings(root: &Path) -> BTreeMap<PathBuf, Vec<(String, usize, String)>> {
    let output = Command::new(ruff())
        .args([
            "check",
            "--no-cache",
            "--isolated",
            "--select",
            "F821,F811,F823,F822,E9,F63,F7",
            "--output-format",
            "json",
            "--exit-zero",
        ])
        .arg(root)
        .output()
        .expect("ruff runs");
    let findings: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("ruff prints JSON");
    let mut by_project: BTreeMap<PathBuf, Vec<(String, usize, String)>> = BTreeMap::new();
    for f in findings.as_array().into_iter().flatten() {
        let file = PathBuf::from(f["filename"].as_str().unwrap_or_default());
        let rel = file.strip_prefix(root).unwrap_or(&file);
        let mut parts = rel.components();
        let Some(a) = parts.next() else {
            continue;
        };
        let project = root.join(a.as_os_str());
        let inside = parts.as_path().to_string_lossy().replace('\\', "/");
        by_project.entry(project).or_default().push((
            inside,
            f["location"]["row"].as_u64().unwrap_or(0) as usize,
            f["code"].as_str().unwrap_or("?").to_string(),
        ));
    }
    by_project
}

fn check_corpus(kind: &str) {
    let out = tempfile::tempdir().unwrap();
    let written = compile_corpus(kind, out.path());
    assert!(!written.is_empty(), "no project was written for {kind}");
    let mut failures = Vec::new();

    let format = Command::new(ruff())
        .args(["format", "--check", "--no-cache"])
        .arg(out.path())
        .output()
        .expect("ruff runs");
    if !format.status.success() {
        failures.push(format!(
            "ruff format --check:\n{}",
            String::from_utf8_lossy(&format.stdout)
        ));
    }

    let ruff = ruff_semantic_findings(out.path());
    for w in &written {
        let verbatim = verbatim_scripts(&w.files);
        for (file, line, rule) in ruff
            .iter()
            .filter(|(p, _)| p.starts_with(&w.dir))
            .flat_map(|(_, f)| f)
            .filter(|(file, _, _)| !verbatim.contains(file))
        {
            if !w.reported.contains(&(file.clone(), *line)) {
                failures.push(format!(
                    "{}: ruff {rule} at {file}:{line} was not reported by ferry",
                    w.unit
                ));
            }
        }
        failures.extend(w.own_defects.iter().cloned());
        failures.extend(report_consistency(w));
        if kind == "sagemaker" {
            failures.extend(source_text_values(w));
        }
    }
    println!(
        "{kind}: {} project(s) checked, {} failure(s)",
        written.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Python source text of the pipeline definition that would be a value if it reached a
/// parameter default, a config value or a message (issue 12: `'f"s3://{bucket}/x"'`,
/// `'Join(on=" ", ...)'`, a step property): what it looks like in a string literal.
const SOURCE_TEXT_MARKERS: &[&str] = &[
    "f\"",
    "f'",
    "Join(",
    "ExecutionVariable",
    ".properties",
    "ParameterString",
    "ParameterInteger",
    "ParameterFloat",
    "ParameterBoolean",
    "JsonGet(",
    "os.path.join",
    "sagemaker_session",
];

/// Parameter defaults (one per line, as ruff lays out long signatures, or a whole
/// one-line signature), config values and `PipelineFailedError` messages of ferry's own
/// modules whose string holds source text.
fn source_text_values(w: &Written) -> Vec<String> {
    let verbatim = verbatim_scripts(&w.files);
    let mut out = Vec::new();
    for (path, text) in &w.files {
        let own_python =
            (path.starts_with("pipelines/") || path.starts_with("steps/") || path == "run.py")
                && path.ends_with(".py")
                && !verbatim.contains(path);
        let config = path.starts_with("configs/") && path.ends_with(".yaml");
        if !own_python && !config {
            continue;
        }
        let mut in_signature = false;
        for (n, line) in text.lines().enumerate() {
            let trimmed = line.trim_start();
            if own_python && trimmed.starts_with("def ") {
                in_signature = true;
            }
            let value = if config {
                trimmed.split_once(": ").map(|(_, v)| v)
            } else if in_signature {
                trimmed.split_once(" = ").map(|(_, v)| v)
            } else {
                trimmed.strip_prefix("raise PipelineFailedError(")
            };
            if in_signature && trimmed.ends_with(':') {
                in_signature = false;
            }
            let Some(value) = value else { continue };
            if let Some(marker) = SOURCE_TEXT_MARKERS.iter().find(|m| value.contains(**m)) {
                out.push(format!(
                    "{}: {path}:{}: a value holds source text (`{marker}`): {}",
                    w.unit,
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
    out
}

/// The report's rows agree with the code's markers and the findings.
fn report_consistency(w: &Written) -> Vec<String> {
    let mut failures = Vec::new();
    let report = w
        .files
        .get("MIGRATION_REPORT.md")
        .cloned()
        .unwrap_or_default();
    let flagged_section = report
        .split("## Flagged for Review")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .unwrap_or_default();
    let mut markers = 0;
    let mut stand_ins = 0;
    for (file, text) in w.files.iter().filter(|(f, _)| f.ends_with(".py")) {
        stand_ins += text.matches("raise NotImplementedError").count();
        stand_ins += text.matches("unresolved(").count();
        for (i, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("# TODO(migration):") {
                markers += 1;
                let cell = format!("`{file}:{}`", i + 1);
                let rows = flagged_section.matches(&cell).count();
                if rows != 1 {
                    failures.push(format!(
                        "{}: TODO at {file}:{} has {rows} Flagged for Review rows",
                        w.unit,
                        i + 1
                    ));
                }
            }
        }
    }
    for (code, location) in &w.flagged_findings {
        let covered = flagged_section
            .lines()
            .any(|row| row.contains(code.as_str()) && row.contains(location.as_str()))
            || report.contains(location.as_str());
        if !covered {
            failures.push(format!(
                "{}: the MEDIUM/HIGH finding {code} at {location} has no report row",
                w.unit
            ));
        }
    }
    if report.contains("Every construct was translated") && (markers > 0 || stand_ins > 0) {
        failures.push(format!(
            "{}: the report claims completeness over {markers} TODO(s) and {stand_ins} stand-in(s)",
            w.unit
        ));
    }
    if w.unit.contains("/dagster/") && report.contains("SageMaker Runtime Mapping") {
        failures.push(format!(
            "{}: a Dagster report with a SageMaker section",
            w.unit
        ));
    }
    failures
}

#[test]
fn asl_corpus_projects_are_formatted_verified_and_reported() {
    check_corpus("asl");
    // The two definitions AWS rejects are rejected here too.
    for bad in walk(&corpus("asl").join("invalid")) {
        let (found, _) = ferry_cli::inputs::collect(std::slice::from_ref(&bad), None);
        let compiled = compile_all(found, &DriveOptions::default(), Some(1));
        assert!(
            compiled
                .iter()
                .all(|c| c.fatal || c.diagnostics.iter().any(|d| d.is_error())),
            "{} was accepted",
            bad.display()
        );
    }
}

#[test]
fn sagemaker_corpus_projects_are_formatted_verified_and_reported() {
    check_corpus("sagemaker");
}

#[test]
fn dagster_corpus_projects_are_formatted_verified_and_reported() {
    check_corpus("dagster");
}
