//! `.ferry-manifest.json`: what ferry wrote into one project folder, with a content
//! fingerprint per file. It carries a format marker and a digest over its own entries;
//! a manifest without both, or whose digest does not match, is "not ours": it is not
//! trusted for anything and only `--force` may replace it.

use std::collections::BTreeMap;

pub const MANIFEST: &str = ".ferry-manifest.json";
/// Bumped when the layout changes; older manifests are not trusted.
pub const FORMAT: &str = "ferry-manifest/2";

/// FNV-1a: a stable content fingerprint. It tells whether a user edited a generated
/// file; it is not a security boundary (see ARCHITECTURE.md, "Writing the project").
pub fn fingerprint(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// The digest of a manifest: the fingerprint of its format marker and entries in a
/// canonical form (sorted, one `path\0hash\n` per file).
fn digest(files: &BTreeMap<String, String>) -> String {
    let mut canonical = format!("{FORMAT}\n").into_bytes();
    for (path, hash) in files {
        canonical.extend_from_slice(path.as_bytes());
        canonical.push(0);
        canonical.extend_from_slice(hash.as_bytes());
        canonical.push(b'\n');
    }
    fingerprint(&canonical)
}

/// The manifest text for `files` (relative path → fingerprint).
pub fn render(files: &BTreeMap<String, String>) -> String {
    let json = serde_json::json!({
        "format": FORMAT,
        "generator": "ferry",
        "digest": digest(files),
        "files": files,
    });
    serde_json::to_string_pretty(&json).unwrap_or_default() + "\n"
}

/// The entries of a manifest ferry wrote; `None` for anything else (another format,
/// hand edits, a forgery with a wrong digest, not JSON).
pub fn parse(bytes: &[u8]) -> Option<BTreeMap<String, String>> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    if value.get("format")?.as_str()? != FORMAT || value.get("generator")?.as_str()? != "ferry" {
        return None;
    }
    let files: BTreeMap<String, String> =
        serde_json::from_value(value.get("files")?.clone()).ok()?;
    (value.get("digest")?.as_str()? == digest(&files)).then_some(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_untouched_manifests_are_trusted() {
        let files: BTreeMap<String, String> = [("run.py".to_string(), fingerprint(b"x"))]
            .into_iter()
            .collect();
        let text = render(&files);
        assert_eq!(parse(text.as_bytes()), Some(files));
        let forged = text.replace("run.py", "notes.txt");
        assert_eq!(parse(forged.as_bytes()), None);
        assert_eq!(parse(br#"{"generator": "ferry", "files": {}}"#), None);
        assert_eq!(parse(b"not json"), None);
    }
}
