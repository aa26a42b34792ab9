use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label as CsLabel, LabelStyle};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};

use crate::{Diagnostic, Severity, SourceMap};

/// Whether rendered diagnostics carry ANSI colors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Always,
    Never,
    /// Color only when writing to a terminal and `NO_COLOR` is unset.
    Auto,
}

impl ColorChoice {
    fn resolve(self, is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

/// Renders diagnostics the way rustc does: code, message, source snippet with labels,
/// notes and help. Deterministic: the caller decides the order.
pub fn render_human(
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    color: ColorChoice,
    is_terminal: bool,
) -> String {
    let mut files = SimpleFiles::new();
    let mut ids = Vec::new();
    for (_, file) in sources.files() {
        ids.push(files.add(
            escape_invisible(&file.path),
            same_length_visible(&file.text),
        ));
    }
    let config = term::Config::default();
    let mut out: Vec<u8> = Vec::new();
    let use_color = color.resolve(is_terminal);
    for diagnostic in diagnostics {
        let cs = to_codespan(diagnostic, sources, &ids);
        let result = if use_color {
            let mut writer = termcolor::Ansi::new(&mut out);
            term::emit_to_write_style(&mut writer, &config, &files, &cs)
        } else {
            let mut writer = termcolor::NoColor::new(&mut out);
            term::emit_to_write_style(&mut writer, &config, &files, &cs)
        };
        if result.is_err() {
            out.extend_from_slice(
                format!(
                    "{}[{}]: {}\n",
                    severity_word(diagnostic.severity),
                    diagnostic.code,
                    diagnostic.message
                )
                .as_bytes(),
            );
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Characters that change how a terminal shows text without being seen: control
/// characters (an ESC starts an escape sequence), bidirectional overrides and isolates
/// (which reorder what is shown, as in "Trojan Source"), zero-width characters and the
/// byte-order mark. Input text reaches messages and snippets, so none of them is printed
/// as is.
fn is_invisible(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// `text` with invisible characters written as `\u{...}` escapes (for messages).
fn escape_invisible(text: &str) -> String {
    if !text.chars().any(is_invisible) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if is_invisible(c) {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `text` with each invisible character replaced by visible ones of the same UTF-8 length
/// (U+FFFD for three bytes, `?` for each byte otherwise), so every span still points at
/// the same bytes of a source snippet. A CR before a newline stays.
fn same_length_visible(text: &str) -> String {
    if !text.chars().any(is_invisible) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            out.push(c);
        } else if is_invisible(c) {
            match c.len_utf8() {
                3 => out.push('\u{FFFD}'),
                n => out.extend(std::iter::repeat_n('?', n)),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn to_codespan(d: &Diagnostic, sources: &SourceMap, ids: &[usize]) -> CsDiagnostic<usize> {
    let base = match d.severity {
        Severity::Error => CsDiagnostic::error(),
        Severity::Warning => CsDiagnostic::warning(),
        Severity::Note => CsDiagnostic::note(),
    };
    let message = match d.flag {
        Some(flag) => format!("[{}] {}", flag.as_str(), escape_invisible(&d.message)),
        None => escape_invisible(&d.message),
    };
    let labels = d
        .labels
        .iter()
        .filter(|l| {
            sources
                .get(l.span.file)
                .is_some_and(|f| f.text.get(l.span.range()).is_some())
        })
        .map(|l| {
            let style = if l.primary {
                LabelStyle::Primary
            } else {
                LabelStyle::Secondary
            };
            CsLabel::new(style, ids[l.span.file.0 as usize], l.span.range())
                .with_message(escape_invisible(&l.message))
        })
        .collect();
    let mut notes: Vec<String> = d.notes.iter().map(|n| escape_invisible(n)).collect();
    if let Some(help) = &d.help {
        notes.push(format!("help: {}", escape_invisible(help)));
    }
    base.with_code(d.code.clone())
        .with_message(message)
        .with_labels(labels)
        .with_notes(notes)
}

/// JSON array of diagnostics with resolved `path:line:column` locations, for tools.
pub fn render_json(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let items: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            let location = d.primary_span().and_then(|s| {
                let file = sources.get(s.file)?;
                let start = file.line_col(s.start as usize);
                let end = file.line_col(s.end as usize);
                Some(serde_json::json!({
                    "path": file.path,
                    "start": {"line": start.line, "column": start.column, "byte": s.start},
                    "end": {"line": end.line, "column": end.column, "byte": s.end},
                }))
            });
            let mut value = serde_json::to_value(d).unwrap_or(serde_json::Value::Null);
            if let serde_json::Value::Object(map) = &mut value {
                map.insert(
                    "location".into(),
                    location.unwrap_or(serde_json::Value::Null),
                );
            }
            value
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Span;

    #[test]
    fn input_text_cannot_reorder_or_drive_the_terminal() {
        let text = "step = \"a\u{202E}b\x1b[31mc\"\r\nnext\n";
        let mut sources = SourceMap::new();
        let file = sources.add("in\u{202E}put.py", text.to_string());
        let at = text.find('a').unwrap();
        let d = Diagnostic::warning("F0000", "name `a\u{202E}b\x1b[31mc`")
            .with_primary(Span::new(file, at, at + 9), "here\u{2066}");
        let out = render_human(&sources, &[d], ColorChoice::Never, false);
        assert!(
            !out.chars().any(|c| is_invisible(c) && c != '\r'),
            "{out:?}"
        );
        assert!(out.contains("name `a\\u{202e}b\\u{1b}[31mc`"), "{out}");
        assert!(out.contains("in\\u{202e}put.py"), "{out}");
        assert!(out.contains("here\\u{2066}"), "{out}");
        // The snippet keeps its byte offsets: the label still covers the value.
        assert!(out.contains("a\u{FFFD}b?[31mc"), "{out}");
        assert_eq!(same_length_visible(text).len(), text.len());
    }
}
