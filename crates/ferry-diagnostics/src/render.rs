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
        ids.push(files.add(file.path.clone(), file.text.clone()));
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
        Some(flag) => format!("[{}] {}", flag.as_str(), d.message),
        None => d.message.clone(),
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
                .with_message(l.message.clone())
        })
        .collect();
    let mut notes = d.notes.clone();
    if let Some(help) = &d.help {
        notes.push(format!("help: {help}"));
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
