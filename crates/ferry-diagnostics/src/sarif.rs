//! SARIF 2.1.0 (the OASIS Static Analysis Results Interchange Format), for code-scanning
//! UIs. One log with one run: the tool's rules are the code registry (id, title,
//! explanation), each diagnostic is a result with its primary label as the physical
//! location (artifact URI, 1-based line/column region in Unicode code points, byte
//! offsets) and its secondary labels as related locations. Every result carries a
//! fingerprint that does not depend on line numbers, so a finding keeps its identity
//! when unrelated lines move. Deterministic: results in the order given.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::{CodeInfo, Diagnostic, MigrationFlag, Severity, SourceMap, Span};

/// Results of one compilation unit, made while its sources are still at hand; a
/// batch collects these and writes one log with [`sarif_log`].
pub fn sarif_results(
    rules: &[&CodeInfo],
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
) -> Vec<Value> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let base = fingerprint_base(sources, d);
            let occurrence = seen.entry(base.clone()).or_default();
            let fingerprint = format!("{:016x}:{}", fnv1a(base.as_bytes()), occurrence);
            *occurrence += 1;
            result(rules, sources, d, fingerprint)
        })
        .collect()
}

/// The whole SARIF log text: the tool with its rules, and `results`.
pub fn sarif_log(tool_version: &str, rules: &[&CodeInfo], results: Vec<Value>) -> String {
    let rules: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": rule_name(r.title),
                "shortDescription": {"text": r.title},
                "fullDescription": {"text": r.explanation},
                "help": {"text": r.explanation},
            })
        })
        .collect();
    let log = json!({
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ferry",
                "version": tool_version,
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}

/// A rule name in SARIF's preferred PascalCase form ("input file could not be read"
/// → "InputFileCouldNotBeRead").
fn rule_name(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn result(rules: &[&CodeInfo], sources: &SourceMap, d: &Diagnostic, fingerprint: String) -> Value {
    let mut text = d.message.clone();
    for note in &d.notes {
        text.push_str("\nnote: ");
        text.push_str(note);
    }
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let mut value = json!({
        "ruleId": d.code,
        "level": level(d.severity),
        "message": {"text": text},
    });
    let object = value.as_object_mut().expect("a JSON object");
    if let Some(index) = rules.iter().position(|r| r.code == d.code) {
        object.insert("ruleIndex".into(), json!(index));
    }
    let primary = d.labels.iter().find(|l| l.primary).or(d.labels.first());
    if let Some(label) = primary
        && let Some(physical) = physical_location(sources, label.span)
    {
        let mut location = json!({"physicalLocation": physical});
        if !label.message.is_empty() {
            location["message"] = json!({"text": label.message});
        }
        object.insert("locations".into(), json!([location]));
    }
    let related: Vec<Value> = d
        .labels
        .iter()
        .filter(|l| primary.is_none_or(|p| !std::ptr::eq(*l, p)))
        .filter_map(|l| {
            let physical = physical_location(sources, l.span)?;
            let mut location = json!({"physicalLocation": physical});
            if !l.message.is_empty() {
                location["message"] = json!({"text": l.message});
            }
            Some(location)
        })
        .enumerate()
        .map(|(i, mut location)| {
            location["id"] = json!(i);
            location
        })
        .collect();
    if !related.is_empty() {
        object.insert("relatedLocations".into(), Value::Array(related));
    }
    object.insert("fingerprints".into(), json!({"ferry/v1": fingerprint}));
    if let Some(flag) = d.flag {
        object.insert(
            "properties".into(),
            json!({"migrationFlag": flag_str(flag)}),
        );
    }
    value
}

fn flag_str(flag: MigrationFlag) -> &'static str {
    flag.as_str()
}

fn physical_location(sources: &SourceMap, span: Span) -> Option<Value> {
    let file = sources.get(span.file)?;
    file.text.get(span.range())?;
    let start = file.line_col(span.start as usize);
    let end = file.line_col(span.end as usize);
    Some(json!({
        "artifactLocation": {"uri": uri(&file.path)},
        "region": {
            "startLine": start.line,
            "startColumn": start.column,
            "endLine": end.line,
            "endColumn": end.column,
            "byteOffset": span.start,
            "byteLength": span.end - span.start,
        },
    }))
}

/// A file path as a URI reference: relative paths stay relative (SARIF viewers resolve
/// them against the checkout), absolute ones become `file://` URIs; every byte outside
/// RFC 3986's unreserved set (and `/`) is percent-encoded.
pub fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::new();
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// What identifies a finding regardless of where its lines moved: the code, the file,
/// the message and the text the primary label covers (not its line number).
fn fingerprint_base(sources: &SourceMap, d: &Diagnostic) -> String {
    let span = d.primary_span();
    let path = span
        .and_then(|s| sources.get(s.file))
        .map(|f| f.path.as_str())
        .unwrap_or("");
    let snippet = span.and_then(|s| sources.snippet(s)).unwrap_or("");
    format!("{}\0{path}\0{}\0{snippet}", d.code, d.message)
}

/// 64-bit FNV-1a.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash: u64, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded_and_names_are_pascal_case() {
        assert_eq!(uri("a b/c#d.json"), "a%20b/c%23d.json");
        assert_eq!(uri("/tmp/x.json"), "file:///tmp/x.json");
        assert_eq!(
            rule_name("input file could not be read"),
            "InputFileCouldNotBeRead"
        );
    }

    #[test]
    fn fingerprints_ignore_line_moves_but_not_content() {
        let info = CodeInfo {
            code: "F0302",
            title: "duplicate key",
            explanation: "x",
        };
        let rules = [&info];
        let make = |text: &str, at: usize| {
            let mut sources = SourceMap::new();
            let file = sources.add("a.json", text);
            let d = Diagnostic::error("F0302", "duplicate key `k`")
                .with_primary(Span::new(file, at, at + 3), "again")
                .with_secondary(Span::new(file, 0, 1), "first");
            sarif_results(&rules, &sources, &[d.clone(), d])
        };
        let a = make("{\"k\": 1}", 1);
        let b = make("\n\n{\"k\": 1}", 3);
        assert_eq!(a[0]["fingerprints"], b[0]["fingerprints"]);
        assert_ne!(a[0]["fingerprints"], a[1]["fingerprints"]);
        assert_eq!(
            a[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
            1
        );
        assert_eq!(
            b[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
            3
        );
        assert_eq!(a[0]["relatedLocations"][0]["message"]["text"], "first");
        assert_eq!(a[0]["ruleIndex"], 0);
    }
}
