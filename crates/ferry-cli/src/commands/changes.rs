//! What `ferry compile --check` and `--diff` print on stdout: one line per file that
//! differs (`--check`), or a unified diff per file (`--diff`, through `similar`), with
//! paths as `OUT/PROJECT/FILE` so the output reads like `git diff` of the folder.

use std::collections::BTreeMap;
use std::fmt::Write;

use similar::TextDiff;

use crate::write::compare::Change;

/// The text for one project's changes (empty when there are none).
pub fn render(prefix: &str, changes: &BTreeMap<String, Change>, diff: bool) -> String {
    let mut out = String::new();
    for (rel, change) in changes {
        let path = format!("{prefix}/{rel}");
        // `git diff` style: a/ and b/ before relative paths.
        let side = |s: &str| {
            if path.starts_with('/') {
                path.clone()
            } else {
                format!("{s}/{path}")
            }
        };
        if !diff {
            let _ = writeln!(out, "{}: {path}", change.status());
            continue;
        }
        let (old, new, a, b) = match change {
            Change::Added { new } => (
                String::new(),
                new.clone(),
                "/dev/null".to_string(),
                side("b"),
            ),
            Change::Changed { old, new } => (
                String::from_utf8_lossy(old).into_owned(),
                new.clone(),
                side("a"),
                side("b"),
            ),
            Change::Removed { old } => (
                String::from_utf8_lossy(old).into_owned(),
                String::new(),
                side("a"),
                "/dev/null".to_string(),
            ),
            Change::NotPlain { .. } => {
                let _ = writeln!(
                    out,
                    "ferry: {path} is a symbolic link or not a plain file; it was not read (compile refuses to write through it)"
                );
                continue;
            }
        };
        let text_diff = TextDiff::from_lines(old.as_str(), new.as_str());
        let _ = write!(
            out,
            "{}",
            text_diff.unified_diff().context_radius(3).header(&a, &b)
        );
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_diffs() {
        let mut changes = BTreeMap::new();
        changes.insert(
            "run.py".to_string(),
            Change::Changed {
                old: b"a\nb\n".to_vec(),
                new: "a\nc\n".into(),
            },
        );
        changes.insert(
            "x.md".to_string(),
            Change::Removed {
                old: b"x\n".to_vec(),
            },
        );
        assert_eq!(
            render("out/p", &changes, false),
            "changed: out/p/run.py\nremoved: out/p/x.md\n"
        );
        let diff = render("out/p", &changes, true);
        assert!(
            diff.contains("--- a/out/p/run.py\n+++ b/out/p/run.py\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"),
            "{diff}"
        );
        assert!(diff.contains("+++ /dev/null"), "{diff}");
    }
}
