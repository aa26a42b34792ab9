//! Bindings of reference paths (`$.a.b`, `$$.Execution.Input...`, `$var...`) to the
//! producer the data flow found, and the note (F0317) when there is none.

use ferry_diagnostics::{Diagnostic, Span};
use ferry_ir::{Binding, Placeholder, PlaceholderKind};

use crate::dataflow::{Abs, Origin};
use crate::lower::{MachineLowering, RESULT, segments};
use crate::paths::{Root, parse_path};

impl MachineLowering<'_, '_> {
    /// A binding for the value at `path` of the state's (effective) input.
    pub(crate) fn bind(&mut self, doc: &Abs, text: &str, span: Span) -> Binding {
        let placeholder = |kind: PlaceholderKind| {
            Binding::Unresolved(Placeholder {
                kind,
                text: text.to_string(),
                span,
                flagged: false,
            })
        };
        let Some(path) = parse_path(text) else {
            return placeholder(PlaceholderKind::JsonPath);
        };
        match path.root.clone() {
            Root::Context => {
                // `$$.Execution.Input...` is the execution input: the pipeline parameters.
                let segs = segments(&path).unwrap_or_default();
                return match self.context_read(&segs, false, span) {
                    Some(read) if read.rest.is_empty() => read.binding,
                    _ => placeholder(PlaceholderKind::ExecutionVariable),
                };
            }
            Root::Variable(v) => {
                let segs = segments(&path).unwrap_or_default();
                let read = match self.vars.get(&v).cloned() {
                    Some(abs) => self.read(&abs, &segs, false, span),
                    None => Err(format!("`${v}` is not assigned before this state")),
                };
                return match read {
                    Ok(r) if r.rest.is_empty() => r.binding,
                    Ok(_) => {
                        self.note_unknown(
                            text,
                            span,
                            "a field of the Map item or branch input is not tracked",
                        );
                        placeholder(PlaceholderKind::JsonPath)
                    }
                    Err(why) => {
                        self.note_unknown(text, span, &why);
                        placeholder(PlaceholderKind::JsonPath)
                    }
                };
            }
            Root::Input => {}
        }
        let Some(segs) = segments(&path) else {
            self.note_unknown(
                text,
                span,
                "the path selects dynamically ([*], filters or ..)",
            );
            return placeholder(PlaceholderKind::JsonPath);
        };
        match doc.get(&segs) {
            Abs::From(Origin::Step(step), projection) => Binding::StepOutput {
                step,
                port: RESULT.into(),
                projection,
            },
            Abs::From(Origin::Input, p) => match &self.region_input {
                None => Binding::Parameter(self.cx.input_param(&p, span)),
                Some(region) if p.is_empty() => Binding::Parameter(region.clone()),
                Some(_) => {
                    self.note_unknown(
                        text,
                        span,
                        "a field of the Map item or branch input is not tracked",
                    );
                    placeholder(PlaceholderKind::JsonPath)
                }
            },
            Abs::Lit(v) => Binding::Literal(v),
            Abs::Obj(..) => {
                self.note_unknown(
                    text,
                    span,
                    "the value is an object assembled by earlier states",
                );
                placeholder(PlaceholderKind::JsonPath)
            }
            Abs::Unknown(why) => {
                self.note_unknown(text, span, &why);
                placeholder(PlaceholderKind::JsonPath)
            }
        }
    }

    pub(crate) fn note_unknown(&mut self, text: &str, span: Span, why: &str) {
        self.cx.diagnostics.push(
            Diagnostic::note(
                "F0317",
                format!("cannot tell statically which state produced `{text}`"),
            )
            .with_primary(span, why.to_string()),
        );
    }
}
