//! `report.html` (`ferry compile --html`): one self-contained page per project — no
//! script, no network asset (a Content-Security-Policy forbids both) — with the DAG as
//! inline SVG, every row of the emission record, and for each construct its source
//! lines beside the generated lines it became (matched through the project's source
//! map: generated ranges whose source span lies inside the construct's span, plus its
//! `# TODO(migration):` marker). Clicking a row opens that construct's panel (CSS
//! `:target`); each generated block has its own anchor. Every piece of input or
//! generated text is HTML-escaped by [`esc`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use ferry_diagnostics::{SourceMap, Span};
use ferry_zenml::{GeneratedRange, RecordEntry};

use crate::driver::{Compiled, Project};

/// Lines shown at most per block (source or generated); the rest is counted.
const MAX_LINES: usize = 80;
/// Generated blocks shown at most per construct.
const MAX_BLOCKS: usize = 8;
/// Lines of context around a source span and a TODO marker.
const CONTEXT: usize = 2;

const STYLE: &str = "
body { font-family: Helvetica, Arial, sans-serif; margin: 0; color: #1d1d1f; background: #f6f7f9; }
header, section { margin: 0 24px; }
header { padding: 16px 0 4px; }
h1 { font-size: 22px; margin: 0 0 6px; }
h2 { font-size: 17px; margin: 18px 0 8px; }
.meta { color: #555; margin: 2px 0; font-size: 13px; }
.dag { background: white; border: 1px solid #ccd; overflow: auto; max-height: 520px; }
.dag svg { display: block; }
table { border-collapse: collapse; width: 100%; background: white; font-size: 13px; }
th, td { border: 1px solid #d8dbe2; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #eceff4; }
tr.row:hover { background: #eef4ff; }
tr.row td:first-child a { font-weight: bold; }
a.row-link { color: inherit; text-decoration: none; display: block; }
tr.flagged { background: #fff4f4; }
.fate-translated { color: #116329; }
.fate-flagged { color: #b4232a; font-weight: bold; }
.construct { display: none; background: white; border: 2px solid #4a72c4; margin: 10px 0; padding: 8px 12px; }
.construct:target, .construct:has(:target) { display: block; }
.hint { color: #555; font-size: 13px; }
.sides { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 12px; }
.side h4 { margin: 4px 0; font-size: 13px; }
pre { background: #fbfbfd; border: 1px solid #e1e4ea; padding: 6px; overflow: auto; font-size: 12px; margin: 4px 0 10px; }
.hl { background: #fff6cc; }
.ln { color: #8a8f98; display: inline-block; width: 4em; user-select: none; }
.gen:target pre { border-color: #4a72c4; box-shadow: 0 0 0 2px #c9d7f5; }
ul.gen-links { margin: 2px 0 6px; padding-left: 18px; font-size: 13px; }
";

/// Text safe in HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\0' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The page for one compiled and emitted unit.
pub fn report(unit: &Compiled, project: &Project) -> String {
    let name = unit
        .workflow
        .as_ref()
        .map(|w| w.name.as_str())
        .unwrap_or(&unit.unit.label);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
<title>ferry report: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(name)
    );
    let _ = writeln!(out, "<header>\n<h1>Migration report: {}</h1>", esc(name));
    let files: Vec<String> = unit.sources.files().map(|(_, f)| esc(&f.path)).collect();
    let _ = writeln!(out, "<p class=\"meta\">Source: {}</p>", files.join(", "));
    let flagged = project
        .record
        .iter()
        .filter(|e| e.disposition.is_flagged())
        .count();
    let _ = writeln!(
        out,
        "<p class=\"meta\" id=\"counts\">{} report rows, {flagged} flagged for review; {} generated files</p>\n</header>",
        project.record.len(),
        project.files.len()
    );
    out.push_str("<section id=\"dag\">\n<h2>Pipeline graph</h2>\n<div class=\"dag\">\n");
    match unit.workflow.as_ref().map(ferry_graph::to_svg) {
        Some(Ok(svg)) => out.push_str(&svg),
        Some(Err(reason)) => {
            let _ = writeln!(
                out,
                "<p>The graph could not be laid out: {}</p>",
                esc(&reason)
            );
        }
        None => out.push_str("<p>No workflow.</p>\n"),
    }
    out.push_str("</div>\n</section>\n");
    rows(&mut out, unit, project);
    constructs(&mut out, &unit.sources, project);
    out.push_str("</body>\n</html>\n");
    out
}

fn location(sources: &SourceMap, span: Span) -> String {
    if span.is_detached() {
        return "(synthesised)".into();
    }
    match (sources.get(span.file), sources.line_range(span)) {
        (Some(f), Some((a, b))) if a == b => format!("{}:{a}", f.path),
        (Some(f), Some((a, b))) => format!("{}:{a}-{b}", f.path),
        _ => "(unknown source)".into(),
    }
}

fn rows(out: &mut String, unit: &Compiled, project: &Project) {
    out.push_str("<section id=\"rows\">\n<h2>Report rows</h2>\n<p class=\"hint\">Click a row to see the source construct beside the code it became.</p>\n");
    out.push_str("<table>\n<thead><tr><th>#</th><th>Construct</th><th>Became</th><th>Fate</th><th>Flag</th><th>Code</th><th>Source</th><th>What changed / redesign</th></tr></thead>\n<tbody>\n");
    for (i, e) in project.record.iter().enumerate() {
        let href = format!("#c-{i}");
        let fate = if e.disposition.is_flagged() {
            "fate-flagged"
        } else {
            "fate-translated"
        };
        let note = [e.issue.as_str(), e.redesign.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| esc(s))
            .collect::<Vec<_>>()
            .join("<br>");
        let _ = writeln!(
            out,
            "<tr class=\"row{}\" id=\"row-{i}\"><td><a class=\"row-link\" href=\"{href}\">{i}</a></td><td><a class=\"row-link\" href=\"{href}\">{}</a></td><td>{}</td><td class=\"{fate}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{note}</td></tr>",
            if e.disposition.is_flagged() {
                " flagged"
            } else {
                ""
            },
            esc(&e.construct),
            esc(&e.target),
            esc(e.disposition.as_str()),
            e.severity.map(|f| f.as_str()).unwrap_or(""),
            esc(e.code.as_deref().unwrap_or("")),
            esc(&location(&unit.sources, e.span)),
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// Generated blocks of one construct: (file, first line, last line, what), sorted.
fn blocks(entry: &RecordEntry, project: &Project) -> Vec<(String, usize, usize, String)> {
    let mut found: BTreeSet<(String, usize, usize, String)> = BTreeSet::new();
    if !entry.span.is_detached() {
        let inside = |r: &GeneratedRange| {
            r.span.file == entry.span.file
                && r.span.start >= entry.span.start
                && r.span.end <= entry.span.end
        };
        for (file, ranges) in &project.source_map.files {
            for r in ranges.iter().filter(|r| inside(r)) {
                found.insert((file.clone(), r.first_line, r.last_line, r.what.clone()));
            }
        }
    }
    if let Some((file, line)) = &entry.marker {
        let first = line.saturating_sub(CONTEXT).max(1);
        found.insert((
            file.clone(),
            first,
            line + CONTEXT,
            "TODO(migration) marker".into(),
        ));
    }
    // Outer ranges first: a step module before the statements inside it.
    let mut blocks: Vec<_> = found.into_iter().collect();
    blocks.sort_by_key(|(f, a, b, _)| (f.clone(), *a, std::cmp::Reverse(*b)));
    blocks.truncate(MAX_BLOCKS);
    blocks
}

/// Numbered lines `first..=last` (1-based) of `text`, escaped and capped; lines in
/// `mark` are highlighted.
fn numbered(text: &str, first: usize, last: usize, mark: (usize, usize)) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = text.lines().collect();
    let last = last.min(lines.len());
    let shown_last = last.min(first + MAX_LINES - 1);
    for n in first.max(1)..=shown_last {
        let class = if (mark.0..=mark.1).contains(&n) {
            " hl"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<span class=\"line{class}\"><span class=\"ln\">{n}</span>{}</span>",
            esc(lines[n - 1])
        );
    }
    if shown_last < last {
        let _ = writeln!(
            out,
            "<span class=\"ln\"></span>… {} more lines",
            last - shown_last
        );
    }
    out
}

fn constructs(out: &mut String, sources: &SourceMap, project: &Project) {
    out.push_str("<section id=\"constructs\">\n<h2>Source beside generated code</h2>\n");
    let mut texts: BTreeMap<&str, &str> = BTreeMap::new();
    for (path, text) in &project.files {
        texts.insert(path, text);
    }
    for (i, e) in project.record.iter().enumerate() {
        let _ = writeln!(
            out,
            "<article class=\"construct\" id=\"c-{i}\">\n<h3>{} <small>→ {} ({})</small></h3>\n<div class=\"sides\">",
            esc(&e.construct),
            esc(&e.target),
            esc(e.disposition.as_str())
        );
        out.push_str("<div class=\"side source\">\n");
        match (sources.get(e.span.file), sources.line_range(e.span)) {
            (Some(file), Some((a, b))) if !e.span.is_detached() => {
                let _ = writeln!(out, "<h4>source {}</h4>", esc(&location(sources, e.span)));
                let _ = writeln!(
                    out,
                    "<pre class=\"source-lines\"><code>{}</code></pre>",
                    numbered(&file.text, a.saturating_sub(CONTEXT), b + CONTEXT, (a, b))
                );
            }
            _ => out.push_str("<h4>source</h4>\n<p>Synthesised by ferry: no source lines.</p>\n"),
        }
        out.push_str("</div>\n<div class=\"side generated\">\n<h4>generated</h4>\n");
        let blocks = blocks(e, project);
        if blocks.is_empty() {
            let _ = writeln!(
                out,
                "<p>No generated lines are mapped to this construct ({}).</p>",
                esc(&e.target)
            );
        } else {
            out.push_str("<ul class=\"gen-links\">\n");
            for (k, (file, a, b, what)) in blocks.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "<li><a class=\"gen-link\" href=\"#g-{i}-{k}\">{}:{a}-{b}</a> {}</li>",
                    esc(file),
                    esc(what)
                );
            }
            out.push_str("</ul>\n");
            for (k, (file, a, b, _)) in blocks.iter().enumerate() {
                let text = texts.get(file.as_str()).copied().unwrap_or("");
                let _ = writeln!(
                    out,
                    "<div class=\"gen\" id=\"g-{i}-{k}\"><h5>{} lines {a}-{b}</h5><pre class=\"generated-lines\"><code>{}</code></pre></div>",
                    esc(file),
                    numbered(text, *a, *b, (0, 0))
                );
            }
        }
        out.push_str("</div>\n</div>\n</article>\n");
    }
    out.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::esc("<script>alert('x')</script>&\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"
        );
    }
}
