use std::fmt::Write;

use ferry_diagnostics::Span;

use crate::{
    Binding, BranchRule, Condition, ContainerJob, EdgeKind, Mapping, Parameter, Pipeline, Program,
    Segment, Step, StepKind, TriggerKind, Value, Workflow,
};

/// The one escaping function of the text form: a double-quoted string in which every
/// character outside printable ASCII-and-Unicode text is escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || is_invisible(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters that would make the text misleading to a reader (bidi overrides, line
/// separators): escaped like control characters.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

pub(super) fn name(s: &str) -> String {
    let ident = s.starts_with(|c: char| c == '_' || c.is_ascii_alphabetic())
        && s.chars().all(|c| c == '_' || c.is_ascii_alphanumeric())
        && !KEYWORDS.contains(&s);
    if ident { s.to_string() } else { quote(s) }
}

/// Words with a meaning in binding and kind positions; names equal to them are quoted.
const KEYWORDS: &[&str] = &[
    "literal",
    "param",
    "step",
    "unresolved",
    "flagged",
    "none",
    "true",
    "false",
    "null",
];

pub(super) fn span(s: Span) -> String {
    if s.is_detached() {
        "@-".into()
    } else {
        format!("@{}:{}..{}", s.file.0, s.start, s.end)
    }
}

pub fn value(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.clone(),
        Value::String(s) => quote(s),
        Value::Input(input) => format!("${}", name(input)),
        Value::Join { separator, parts } => format!(
            "join {} [{}]",
            quote(separator),
            parts.iter().map(value).collect::<Vec<_>>().join(", ")
        ),
        Value::Runtime(fact) => format!("runtime {}", quote(fact)),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(value).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(fields) => format!(
            "{{{}}}",
            fields
                .iter()
                .map(|(k, v)| format!("{}: {}", quote(k), value(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

pub(super) fn strings(items: &[String]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|s| quote(s))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

pub(super) fn opt_string(s: &Option<String>) -> String {
    s.as_deref().map_or("none".into(), quote)
}

fn mapping(m: &Mapping) -> String {
    let mut out = format!(
        "{} {} {}",
        m.class.as_str(),
        quote(&m.construct),
        quote(&m.note)
    );
    if let Some(flag) = m.flag {
        let _ = write!(out, " flag {}", flag.as_str());
    }
    out
}

pub fn projection(p: &[Segment]) -> String {
    p.iter()
        .map(|s| match s {
            Segment::Key(k) => format!("[{}]", quote(k)),
            Segment::Index(n) => format!("[{n}]"),
        })
        .collect()
}

fn binding(b: &Binding) -> String {
    match b {
        Binding::Literal(v) => format!("literal {}", value(v)),
        Binding::Parameter(p) => format!("param {}", name(p)),
        Binding::StepOutput {
            step,
            port,
            projection: p,
        } => {
            format!("step {}.{}{}", name(step), name(port), projection(p))
        }
        Binding::Unresolved(ph) => format!(
            "unresolved {} {} {}{}",
            ph.kind.as_str(),
            quote(&ph.text),
            span(ph.span),
            if ph.flagged { " flagged" } else { "" }
        ),
        Binding::Artifact {
            name: artifact,
            producer,
        } => {
            format!("artifact {} from {}", quote(artifact), name(producer))
        }
        Binding::Expr(c) => format!(
            "expr {} {} {}",
            quote(&c.text),
            span(c.span),
            super::expr::print_expr(&c.expr)
        ),
    }
}

fn opt_binding(b: &Option<Binding>) -> String {
    b.as_ref().map_or("none".into(), binding)
}

fn condition(c: &Condition) -> String {
    match c {
        Condition::Compare { lhs, op, rhs } => {
            format!("({} {} {})", binding(lhs), op.as_str(), binding(rhs))
        }
        Condition::And(items) => format!(
            "and({})",
            items.iter().map(condition).collect::<Vec<_>>().join(", ")
        ),
        Condition::Or(items) => format!(
            "or({})",
            items.iter().map(condition).collect::<Vec<_>>().join(", ")
        ),
        Condition::Not(inner) => format!("not({})", condition(inner)),
        Condition::Expr { language, text } => format!("expr {} {}", quote(language), quote(text)),
    }
}

struct Printer {
    out: String,
    depth: usize,
}

impl Printer {
    fn line(&mut self, text: &str) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn pipeline(&mut self, p: &Pipeline) {
        self.line(&format!(
            "pipeline {} {} {} {{",
            name(&p.name),
            quote(&p.display_name),
            span(p.span)
        ));
        self.depth += 1;
        if p.dynamic {
            self.line("dynamic");
        }
        if let Some(entry) = &p.entry {
            self.line(&format!("entry {}", name(entry)));
        }
        for note in &p.notes {
            self.line(&format!("note {}", quote(note)));
        }
        for param in &p.params {
            self.param(param);
        }
        for step in p.steps() {
            self.step(step);
        }
        for (from, to, edge) in p.edges() {
            let kind = match &edge.kind {
                EdgeKind::Order => "order".to_string(),
                EdgeKind::Data { from_port, to_port } => {
                    format!("data {} -> {}", name(from_port), name(to_port))
                }
                EdgeKind::Branch { label } => format!("branch {}", quote(label)),
                EdgeKind::Error(catch) => format!(
                    "error {} result_path {} {}",
                    strings(&catch.errors),
                    opt_string(&catch.result_path),
                    span(catch.span)
                ),
            };
            self.line(&format!(
                "edge {} -> {} {} {}",
                name(&from.name),
                name(&to.name),
                kind,
                span(edge.span)
            ));
        }
        self.depth -= 1;
        self.line("}");
    }

    fn param(&mut self, p: &Parameter) {
        let default = p
            .default
            .as_ref()
            .map_or(String::new(), |v| format!(" = {}", value(v)));
        self.line(&format!(
            "param {}: {}{} {} {}",
            name(&p.name),
            p.ty.as_str(),
            default,
            span(p.span),
            mapping(&p.mapping)
        ));
    }

    fn step(&mut self, s: &Step) {
        self.line(&format!(
            "step {} {} {} {{",
            name(&s.name),
            quote(&s.display_name),
            span(s.span)
        ));
        self.depth += 1;
        self.kind(&s.kind);
        self.line(&format!("mapping {}", mapping(&s.mapping)));
        for input in &s.inputs {
            self.line(&format!(
                "in {}: {} = {} {}",
                name(&input.name),
                input.ty.as_str(),
                binding(&input.binding),
                span(input.span)
            ));
        }
        for output in &s.outputs {
            self.line(&format!(
                "out {}: {} {}",
                name(&output.name),
                output.ty.as_str(),
                span(output.span)
            ));
        }
        for r in &s.retry {
            let mut text = format!(
                "retry {} attempts {} interval {} backoff {}",
                strings(&r.errors),
                r.max_attempts,
                r.interval_seconds,
                quote(&r.backoff_rate)
            );
            if let Some(d) = r.max_delay_seconds {
                let _ = write!(text, " max_delay {d}");
            }
            if let Some(j) = &r.jitter {
                let _ = write!(text, " jitter {}", quote(j));
            }
            let _ = write!(text, " {}", span(r.span));
            self.line(&text);
        }
        if s.cache.enabled.is_some() || s.cache.expire_after.is_some() {
            let enabled = s
                .cache
                .enabled
                .map_or("none".to_string(), |b| b.to_string());
            self.line(&format!(
                "cache {} expire {}",
                enabled,
                opt_string(&s.cache.expire_after)
            ));
        }
        for (key, v) in &s.hints {
            self.line(&format!("hint {} = {}", quote(key), value(v)));
        }
        if let Some(t) = s.timeout_seconds {
            self.line(&format!("timeout {t}"));
        }
        if let Some(h) = s.heartbeat_seconds {
            self.line(&format!("heartbeat {h}"));
        }
        for note in &s.notes {
            self.line(&format!("note {}", quote(note)));
        }
        for b in &s.runtime {
            self.line(&super::runtime::print_binding(b));
        }
        self.depth -= 1;
        self.line("}");
    }

    fn kind(&mut self, kind: &StepKind) {
        let head = format!("kind {}", kind.keyword());
        match kind {
            StepKind::Script {
                image,
                command,
                code,
            } => self.line(&format!(
                "{head} image {} command {} code {}",
                opt_string(image),
                strings(command),
                opt_string(code)
            )),
            StepKind::Job { job, config } => {
                self.line(&format!("{head} {} config {}", quote(job), value(config)))
            }
            StepKind::Python {
                function,
                imports,
                body,
                body_span,
            } => self.line(&format!(
                "{head} {} {} imports {} body {}",
                quote(function),
                span(*body_span),
                strings(imports),
                quote(body)
            )),
            StepKind::ServiceCall {
                service,
                action,
                pattern,
                request,
                target,
            } => self.line(&format!(
                "{head} {} {} {} request {}{}",
                quote(service),
                quote(action),
                pattern.as_str(),
                value(request),
                target.as_ref().map_or(String::new(), |t| format!(
                    " target {}",
                    super::expr::print_target(t)
                ))
            )),
            StepKind::Lambda {
                function,
                payload,
                pattern,
            } => self.line(&format!(
                "{head} {} {} payload {}",
                quote(function),
                pattern.as_str(),
                value(payload)
            )),
            StepKind::Activity { arn } => self.line(&format!("{head} {}", quote(arn))),
            StepKind::Transform { template } => self.line(&format!("{head} {}", value(template))),
            StepKind::Branch { rules, default } => {
                self.line(&format!("{head} default {} {{", opt_string(default)));
                self.depth += 1;
                for BranchRule {
                    label,
                    condition: c,
                    span: s,
                } in rules
                {
                    self.line(&format!(
                        "rule {} {} {}",
                        quote(label),
                        span(*s),
                        condition(c)
                    ));
                }
                self.depth -= 1;
                self.line("}");
            }
            StepKind::Fail { error, cause } => self.line(&format!(
                "{head} error {} cause {}",
                opt_string(error),
                opt_string(cause)
            )),
            StepKind::Succeed => self.line(&head),
            StepKind::Wait { seconds, until } => self.line(&format!(
                "{head} seconds {} until {}",
                opt_binding(seconds),
                opt_binding(until)
            )),
            StepKind::Map {
                items,
                region,
                max_concurrency,
                distributed,
                config,
            } => {
                self.line(&format!(
                    "{head} items {} max_concurrency {} distributed {} config {} {{",
                    binding(items),
                    max_concurrency.map_or("none".to_string(), |n| n.to_string()),
                    distributed,
                    value(config)
                ));
                self.depth += 1;
                self.pipeline(region);
                self.depth -= 1;
                self.line("}");
            }
            StepKind::Parallel { branches } => {
                self.line(&format!("{head} {{"));
                self.depth += 1;
                for b in branches {
                    self.pipeline(b);
                }
                self.depth -= 1;
                self.line("}");
            }
            StepKind::Opaque { construct, config } => self.line(&format!(
                "{head} {} config {}",
                quote(construct),
                value(config)
            )),
            StepKind::Container(job) => self.container(&head, job),
        }
    }

    fn container(&mut self, head: &str, job: &ContainerJob) {
        self.line(&format!("{head} {} {{", job.job.as_str()));
        self.depth += 1;
        let program = match &job.program {
            Program::Script {
                code_dir,
                entry,
                interpreter,
            } => format!(
                "script {} {} {}",
                quote(code_dir),
                quote(entry),
                strings(interpreter)
            ),
            Program::Builtin { algorithm, version } => {
                format!("builtin {} {}", quote(algorithm), quote(version))
            }
            Program::Image { image } => format!("image {}", value(image)),
            Program::Missing { expected } => format!("missing {}", quote(expected)),
            Program::Service => "service".to_string(),
        };
        self.line(&format!("program {program}"));
        for c in &job.channels {
            self.line(&format!(
                "channel {} {} {} content_type {}",
                name(&c.input),
                quote(&c.name),
                quote(&c.path),
                opt_string(&c.content_type)
            ));
        }
        for r in &job.results {
            self.line(&format!("result {} {}", name(&r.output), quote(&r.path)));
        }
        for f in &job.property_files {
            self.line(&format!(
                "property_file {} {} {} {}",
                quote(&f.name),
                name(&f.output),
                name(&f.result),
                quote(&f.path)
            ));
        }
        if !job.arguments.is_empty() {
            self.line(&format!(
                "arguments {}",
                value(&Value::Array(job.arguments.clone()))
            ));
        }
        if !job.hyperparameters.is_empty() {
            self.line(&format!(
                "hyperparameters {}",
                value(&Value::Object(job.hyperparameters.clone()))
            ));
        }
        if !job.environment.is_empty() {
            self.line(&format!(
                "environment {}",
                value(&Value::Object(job.environment.clone()))
            ));
        }
        self.line(&format!("settings {}", value(&job.settings)));
        if let Some(l) = &job.launch {
            self.line(&format!(
                "launch {} {} {} {}",
                quote(&l.class),
                value(&l.arguments),
                quote(&l.method),
                value(&l.method_arguments)
            ));
        }
        self.depth -= 1;
        self.line("}");
    }
}

/// Render a workflow in the text form.
pub fn print(workflow: &Workflow) -> String {
    let mut p = Printer {
        out: String::new(),
        depth: 0,
    };
    p.line(&format!(
        "workflow {} frontend {}",
        quote(&workflow.name),
        workflow.frontend.as_str()
    ));
    for source in &workflow.sources {
        p.line(&format!("source {} {}", source.file.0, quote(&source.path)));
    }
    for pipeline in &workflow.pipelines {
        p.out.push('\n');
        p.pipeline(pipeline);
    }
    if !workflow.triggers.is_empty()
        || !workflow.resources.is_empty()
        || !workflow.models.is_empty()
        || !workflow.files.is_empty()
        || !workflow.dependencies.is_empty()
    {
        p.out.push('\n');
    }
    for t in &workflow.triggers {
        let kind = match &t.kind {
            TriggerKind::Schedule { cron, timezone } => {
                format!("schedule {} tz {}", quote(cron), opt_string(timezone))
            }
            TriggerKind::Interval { seconds } => format!("interval {seconds}"),
            TriggerKind::Sensor { description } => format!("sensor {}", quote(description)),
        };
        p.line(&format!(
            "trigger {} {} -> {} {} {}",
            quote(&t.name),
            kind,
            quote(&t.pipeline),
            span(t.span),
            mapping(&t.mapping)
        ));
    }
    for r in &workflow.resources {
        p.line(&format!(
            "resource {} {} {} {} {}",
            quote(&r.name),
            quote(&r.kind),
            value(&r.config),
            span(r.span),
            mapping(&r.mapping)
        ));
    }
    for m in &workflow.models {
        p.line(&format!(
            "model {} step {} approval {} {} {}",
            quote(&m.name),
            quote(&m.step),
            opt_string(&m.approval),
            span(m.span),
            mapping(&m.mapping)
        ));
    }
    for f in &workflow.files {
        p.line(&format!(
            "file {} {}{} {} {}",
            quote(&f.path),
            quote(&f.what),
            if f.verbatim { " verbatim" } else { "" },
            span(f.span),
            quote(&f.text)
        ));
    }
    for d in &workflow.dependencies {
        p.line(&format!(
            "dependency {} {} {}",
            quote(&d.distribution),
            quote(&d.import),
            span(d.span)
        ));
    }
    p.out
}

/// A value in the text form's notation (JSON-like), for other printers.
pub fn print_value(v: &Value) -> String {
    value(v)
}

/// A binding as a person reads it in a graph or a comment: `threshold`,
/// `evaluate.metrics["r2"]`, `0.7`, or the placeholder text as written.
pub fn print_binding_short(b: &Binding) -> String {
    match b {
        Binding::Literal(v) => value(v),
        Binding::Parameter(p) => p.clone(),
        Binding::StepOutput {
            step,
            port,
            projection: p,
        } => format!("{step}.{port}{}", projection(p)),
        Binding::Unresolved(ph) => ph.text.clone(),
        Binding::Artifact { name, producer } => format!("{producer}:{name}"),
        Binding::Expr(c) => c.text.clone(),
    }
}
