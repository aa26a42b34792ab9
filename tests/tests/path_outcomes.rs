//! Every path through a Step Functions machine ends the same way in the generated
//! pipeline as in the source. For each definition of ../shared/corpus/asl (and the
//! golden ones), all paths of the IR graph (every Choice rule and default, normal and
//! error continuation of every catcher, Map/Parallel regions expanded) are enumerated
//! as (steps run, outcome), and so are all paths of the generated pipeline function
//! (every `if` arm, `try` body and `except` block, loop bodies once); the two sets
//! must be equal. Outcomes: the run ends normally, a Fail state raises with its error,
//! a stand-in raises, or no Choice rule matched.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ferry_cli::Target;
use ferry_cli::driver::{DriveOptions, compile_all, emit_project};
use ferry_ir::{EdgeKind, Pipeline, StepKind};
use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;
use ruff_python_ast::{Expr, Stmt};

/// The most paths enumerated per machine; machines with more are counted as skipped.
const MAX_PATHS: usize = 20_000;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Ok,
    Raise(String),
}

type Path_ = (Vec<String>, Outcome);
type Continue<'s, 'w> = &'s dyn Fn(&mut Source<'w>, Vec<String>) -> Vec<Path_>;
type OnError<'s, 'w> = &'s dyn Fn(&mut Source<'w>, Vec<String>, Option<NodeIndex>) -> Vec<Path_>;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Flow {
    Normal,
    Return,
    Raise(String),
}

// ---------- the source graph ----------

struct Source<'w> {
    /// Display name → how the step's body ends when it raises.
    raising: BTreeMap<String, String>,
    paths: usize,
    _w: std::marker::PhantomData<&'w ()>,
}

fn triggering_successors(p: &Pipeline, n: NodeIndex, error: bool) -> Vec<NodeIndex> {
    p.outgoing(n)
        .into_iter()
        .filter(|(t, e)| {
            matches!(e.kind, EdgeKind::Error(_)) == error
                && (!matches!(e.kind, EdgeKind::Data { .. })
                    || p.graph
                        .edges_directed(*t, Direction::Incoming)
                        .all(|x| matches!(x.weight().kind, EdgeKind::Data { .. })))
        })
        .map(|(t, _)| t)
        .collect()
}

fn entry(p: &Pipeline) -> Option<NodeIndex> {
    p.step_indices().find(|&n| {
        p.graph
            .edges_directed(n, Direction::Incoming)
            .next()
            .is_none()
    })
}

impl<'w> Source<'w> {
    /// All paths from `n` to the end of pipeline `p`.
    fn from(&mut self, p: &Pipeline, n: NodeIndex, prefix: Vec<String>) -> Vec<Path_> {
        self.paths += 1;
        if self.paths > MAX_PATHS {
            return Vec::new();
        }
        let step = &p.graph[n];
        let handler = triggering_successors(p, n, true).first().copied();
        let continue_ = |this: &mut Self, seq: Vec<String>| -> Vec<Path_> {
            match triggering_successors(p, n, false).as_slice() {
                [] => vec![(seq, Outcome::Ok)],
                [next] => this.from(p, *next, seq),
                many => {
                    // A fan-out of a static DAG: everything runs in topological order.
                    let mut out = vec![(seq, Outcome::Ok)];
                    for m in many {
                        out = out
                            .into_iter()
                            .flat_map(|(s, o)| match o {
                                Outcome::Ok => this.from(p, *m, s),
                                raised => vec![(s, raised)],
                            })
                            .collect();
                    }
                    out
                }
            }
        };
        let on_error = |this: &mut Self, seq: Vec<String>, h: Option<NodeIndex>| -> Vec<Path_> {
            match h {
                Some(h) => this.from(p, h, seq),
                None => Vec::new(),
            }
        };
        match &step.kind {
            StepKind::Succeed => vec![(prefix, Outcome::Ok)],
            StepKind::Branch { rules, default } => {
                let target = |label: &str| {
                    p.graph
                        .edges_directed(n, Direction::Outgoing)
                        .find(|e| matches!(&e.weight().kind, EdgeKind::Branch { label: l } if l == label))
                        .map(|e| e.target())
                };
                let mut out = Vec::new();
                for rule in rules {
                    match target(&rule.label) {
                        Some(t) => out.extend(self.from(p, t, prefix.clone())),
                        None => out.push((prefix.clone(), Outcome::Ok)),
                    }
                }
                match default.as_deref().and_then(target) {
                    Some(t) => out.extend(self.from(p, t, prefix.clone())),
                    None => {
                        out.push((prefix, Outcome::Raise("fail:States.NoChoiceMatched".into())))
                    }
                }
                out
            }
            StepKind::Map { region, .. } => {
                let inner = self.region(region, prefix.clone());
                self.after_block(inner, prefix, handler, &continue_, &on_error)
            }
            StepKind::Parallel { branches } => {
                let mut inner = vec![(prefix.clone(), Outcome::Ok)];
                for b in branches {
                    inner = inner
                        .into_iter()
                        .flat_map(|(s, o)| match o {
                            Outcome::Ok => self.region(b, s),
                            raised => vec![(s, raised)],
                        })
                        .collect();
                }
                self.after_block(inner, prefix, handler, &continue_, &on_error)
            }
            _ => {
                let mut seq = prefix;
                let name = docstring_name(&step.display_name);
                seq.push(name.clone());
                if let Some(kind) = self.raising.get(&name) {
                    let raised = (seq.clone(), Outcome::Raise(kind.clone()));
                    return match handler {
                        Some(h) => self.from(p, h, seq),
                        None => vec![raised],
                    };
                }
                let mut out = continue_(self, seq.clone());
                out.extend(on_error(self, seq, handler));
                out
            }
        }
    }

    fn region(&mut self, region: &Pipeline, prefix: Vec<String>) -> Vec<Path_> {
        match entry(region) {
            Some(e) => self.from(region, e, prefix),
            None => vec![(prefix, Outcome::Ok)],
        }
    }

    /// After a Map/Parallel block: a raise inside goes to the catcher (or ends the
    /// run); a normal end goes on, or, with a catcher, may also fail at the end.
    fn after_block(
        &mut self,
        inner: Vec<Path_>,
        _prefix: Vec<String>,
        handler: Option<NodeIndex>,
        continue_: Continue<'_, 'w>,
        on_error: OnError<'_, 'w>,
    ) -> Vec<Path_> {
        let mut out = Vec::new();
        for (seq, o) in inner {
            match o {
                Outcome::Ok => {
                    out.extend(continue_(self, seq.clone()));
                    out.extend(on_error(self, seq, handler));
                }
                raised => match handler {
                    Some(_) => out.extend(on_error(self, seq, handler)),
                    None => out.push((seq, raised)),
                },
            }
        }
        out
    }
}

/// A display name as the step module's docstring writes it.
fn docstring_name(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('\\', "/")
        .replace('"', "'")
}

// ---------- the generated pipeline function ----------

struct Generated {
    /// Step function → display name.
    names: BTreeMap<String, String>,
    /// Step function → what its body raises, if it always raises.
    raising: BTreeMap<String, String>,
    paths: usize,
}

fn step_call(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Call(c) => match c.func.as_ref() {
            Expr::Name(n) => Some(n.id.as_str()),
            _ => None,
        },
        _ => None,
    }
}

fn string_kw(call: &Expr, name: &str) -> Option<String> {
    let Expr::Call(c) = call else { return None };
    c.arguments.keywords.iter().find_map(|k| {
        (k.arg.as_ref().map(|a| a.as_str()) == Some(name)).then(|| match &k.value {
            Expr::StringLiteral(s) => s.value.to_string(),
            _ => "None".to_string(),
        })
    })
}

impl Generated {
    fn walk(
        &mut self,
        body: &[Stmt],
        states: Vec<(Vec<String>, Flow)>,
    ) -> Vec<(Vec<String>, Flow)> {
        let mut states = states;
        for stmt in body {
            let mut next = Vec::new();
            for (seq, flow) in states {
                if flow != Flow::Normal {
                    next.push((seq, flow));
                    continue;
                }
                next.extend(self.statement(stmt, seq));
            }
            states = next;
            self.paths += states.len();
            if self.paths > MAX_PATHS {
                return Vec::new();
            }
        }
        states
    }

    fn statement(&mut self, stmt: &Stmt, mut seq: Vec<String>) -> Vec<(Vec<String>, Flow)> {
        let call = match stmt {
            Stmt::Expr(e) => step_call(&e.value),
            Stmt::Assign(a) => step_call(&a.value),
            _ => None,
        };
        if let Some(f) = call
            && let Some(name) = self.names.get(f)
        {
            seq.push(name.clone());
            return match self.raising.get(f) {
                Some(kind) => vec![(seq, Flow::Raise(kind.clone()))],
                None => vec![(seq, Flow::Normal)],
            };
        }
        match stmt {
            Stmt::Return(_) => vec![(seq, Flow::Return)],
            Stmt::Raise(r) => {
                let error = r
                    .exc
                    .as_deref()
                    .and_then(|e| string_kw(e, "error"))
                    .unwrap_or_default();
                vec![(seq, Flow::Raise(format!("fail:{error}")))]
            }
            Stmt::If(i) => {
                let mut out = self.walk(&i.body, vec![(seq.clone(), Flow::Normal)]);
                let mut has_else = false;
                for clause in &i.elif_else_clauses {
                    has_else |= clause.test.is_none();
                    out.extend(self.walk(&clause.body, vec![(seq.clone(), Flow::Normal)]));
                }
                if !has_else {
                    out.push((seq, Flow::Normal));
                }
                out
            }
            Stmt::For(f) => self.walk(&f.body, vec![(seq, Flow::Normal)]),
            Stmt::Try(t) => {
                let mut out = Vec::new();
                for (s, flow) in self.walk(&t.body, vec![(seq, Flow::Normal)]) {
                    let handler = t.handlers.first().map(|h| {
                        let ruff_python_ast::ExceptHandler::ExceptHandler(h) = h;
                        &h.body
                    });
                    match (flow, handler) {
                        (Flow::Normal, Some(h)) => {
                            out.extend(self.walk(&t.orelse, vec![(s.clone(), Flow::Normal)]));
                            out.extend(self.walk(h, vec![(s, Flow::Normal)]));
                        }
                        (Flow::Raise(_), Some(h)) => {
                            out.extend(self.walk(h, vec![(s, Flow::Normal)]))
                        }
                        (flow, _) => out.push((s, flow)),
                    }
                }
                out
            }
            _ => vec![(seq, Flow::Normal)],
        }
    }
}

// ---------- the comparison ----------

fn raising_steps(
    files: &BTreeMap<String, String>,
) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let mut names = BTreeMap::new();
    let mut raising = BTreeMap::new();
    for (path, text) in files {
        let Some(function) = path
            .strip_prefix("steps/")
            .and_then(|p| p.strip_suffix(".py"))
        else {
            continue;
        };
        let Some(display) = text
            .strip_prefix("\"\"\"Step `")
            .and_then(|t| t.split_once("`:"))
            .map(|(d, _)| d.to_string())
        else {
            continue;
        };
        let parsed = ruff_python_parser::parse_module(text).expect("generated steps parse");
        for stmt in &parsed.syntax().body {
            let Stmt::FunctionDef(f) = stmt else { continue };
            if f.name.as_str() != function {
                continue;
            }
            if let Some(Stmt::Raise(r)) = f.body.last() {
                let kind = match r.exc.as_deref() {
                    Some(e) if step_call(e) == Some("PipelineFailedError") => {
                        format!("fail:{}", string_kw(e, "error").unwrap_or_default())
                    }
                    _ => format!("stand-in:{display}"),
                };
                raising.insert(function.to_string(), kind);
            }
        }
        names.insert(function.to_string(), display);
    }
    (names, raising)
}

fn compare(path: &Path) -> Result<bool, String> {
    let (units, _) = ferry_cli::inputs::collect(&[path.to_path_buf()], None);
    let mut compiled = compile_all(units, &DriveOptions::default(), Some(1));
    let Some(mut c) = compiled.pop() else {
        return Ok(false);
    };
    let Some(workflow) = c.workflow.clone() else {
        return Ok(false);
    };
    let Some(files) = emit_project(&mut c, Target::Local) else {
        return Ok(false);
    };
    let (names, raising) = raising_steps(&files);
    let by_display: BTreeMap<String, String> = raising
        .iter()
        .filter_map(|(f, k)| names.get(f).map(|d| (d.clone(), k.clone())))
        .collect();
    for (i, pipeline) in workflow.pipelines.iter().enumerate() {
        if !pipeline.dynamic {
            continue;
        }
        let module = files
            .iter()
            .filter(|(p, _)| p.starts_with("pipelines/") && !p.ends_with("__init__.py"))
            .nth(i)
            .map(|(_, t)| t.clone())
            .ok_or("no pipeline module")?;
        let mut source = Source {
            raising: by_display.clone(),
            paths: 0,
            _w: std::marker::PhantomData,
        };
        let expected: BTreeSet<Path_> = match entry(pipeline) {
            Some(e) => source.from(pipeline, e, Vec::new()).into_iter().collect(),
            None => BTreeSet::new(),
        };
        let parsed = ruff_python_parser::parse_module(&module).map_err(|e| e.to_string())?;
        let body = parsed
            .syntax()
            .body
            .iter()
            .rev()
            .find_map(|s| match s {
                Stmt::FunctionDef(f)
                    if f.decorator_list
                        .iter()
                        .any(|d| format!("{:?}", d.expression).contains("pipeline")) =>
                {
                    Some(&f.body)
                }
                _ => None,
            })
            .ok_or("no pipeline function")?;
        let mut generated = Generated {
            names: names.clone(),
            raising: raising.clone(),
            paths: 0,
        };
        let found: BTreeSet<Path_> = generated
            .walk(body, vec![(Vec::new(), Flow::Normal)])
            .into_iter()
            .map(|(s, f)| {
                (
                    s,
                    match f {
                        Flow::Raise(k) => Outcome::Raise(k),
                        _ => Outcome::Ok,
                    },
                )
            })
            .collect();
        if source.paths > MAX_PATHS || generated.paths > MAX_PATHS {
            return Ok(false);
        }
        if expected != found {
            let missing: Vec<_> = expected.difference(&found).take(3).collect();
            let extra: Vec<_> = found.difference(&expected).take(3).collect();
            return Err(format!(
                "{}: {} source paths, {} generated; only in the source: {missing:?}; only generated: {extra:?}",
                path.display(),
                expected.len(),
                found.len()
            ));
        }
    }
    Ok(true)
}

fn definitions(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if p.is_file()
            && (name.ends_with(".json") || name.ends_with(".yaml"))
            && !name.starts_with("invalid")
        {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn every_source_path_ends_the_same_way_in_the_generated_pipeline() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs = definitions(&root.join("../../shared/corpus/asl"));
    inputs.extend(definitions(&root.join("../golden/asl")));
    let (mut compared, mut skipped, mut failures) = (0, 0, Vec::new());
    for input in &inputs {
        match compare(input) {
            Ok(true) => compared += 1,
            Ok(false) => skipped += 1,
            Err(e) => failures.push(e),
        }
    }
    println!(
        "{compared} machines compared path by path, {skipped} without a dynamic pipeline or over {MAX_PATHS} paths, {} differ",
        failures.len()
    );
    assert!(compared > 50, "only {compared} machines compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
