//! Files and dependencies a source provides to the generated project are checked by
//! the verifier (F0210): nothing can be written outside the project or in place of a
//! file ferry generates, and pyproject.toml only gets distribution names.

use ferry_ir::FileId;
use ferry_ir::text::parse;
use ferry_ir::verify::{VerifyOptions, verify};

fn codes(items: &str) -> Vec<String> {
    let text = format!("workflow \"w\" frontend ir\n{items}\n");
    match parse(&text, FileId(0)) {
        Ok(workflow) => verify(&workflow, VerifyOptions::default())
            .into_iter()
            .map(|d| d.code)
            .collect(),
        Err(diagnostics) => diagnostics.into_iter().map(|d| d.code).collect(),
    }
}

#[test]
fn project_files_stay_inside_the_project() {
    assert!(codes("file \"helpers/text.py\" \"support\" @- \"x = 1\\n\"").is_empty());
    for bad in [
        "../escape.py",
        "/etc/passwd",
        "a//b.py",
        "a/./b.py",
        ".hidden/x.py",
        "run.py",
        "pyproject.toml",
        "configs/dev.yaml",
        "pipelines/p.py",
        "steps/__init__.py",
        "a\\\\b.py",
    ] {
        assert_eq!(
            codes(&format!("file \"{bad}\" \"x\" @- \"\"")),
            vec!["F0210"],
            "{bad}"
        );
    }
    assert_eq!(
        codes("file \"a.py\" \"x\" @- \"\"\nfile \"a.py\" \"y\" @- \"\""),
        vec!["F0210"]
    );
    assert_eq!(codes("file \"a.py\" \"x\" @- \"\\u{0}\""), vec!["F0210"]);
}

#[test]
fn dependencies_are_distribution_names() {
    assert!(codes("dependency \"scikit-learn>=1.3,<2\" \"sklearn\" @-").is_empty());
    assert!(codes("dependency \"zenml[local]\" \"zenml\" @-").is_empty());
    for (dist, import) in [
        ("pandas\\\"]\\nevil = [\\\"", "pandas"),
        ("pandas; os_name", "pandas"),
        ("pandas", "not-a-module"),
        ("", "x"),
    ] {
        assert_eq!(
            codes(&format!("dependency \"{dist}\" \"{import}\" @-")),
            vec!["F0210"],
            "{dist} / {import}"
        );
    }
}
