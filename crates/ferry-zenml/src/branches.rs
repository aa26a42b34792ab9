//! A branch step as `if`/`elif`/`else`: each arm holds what the source runs on that
//! arm until the arms meet again; shared tails are copied into each arm (bounded by
//! `DUPLICATION_LIMIT`); arms whose code is the same are merged.

use std::collections::{BTreeSet, HashMap};

use ferry_diagnostics::Diagnostic;
use ferry_ir::{EdgeKind, Pipeline};
use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::code::{Code, py};
use crate::control::{Body, ConditionNeeds, DUPLICATION_LIMIT};
use crate::structure::{post_dominators, reach_until};
use crate::writer::Writer;

impl<'a> Body<'a, '_> {
    pub(crate) fn emit_branch(
        &mut self,
        pipeline: &'a Pipeline,
        key: &str,
        n: NodeIndex,
        set: &BTreeSet<NodeIndex>,
        rules: &[ferry_ir::BranchRule],
        default: Option<&str>,
    ) {
        let step = &pipeline.graph[n];
        self.flush_pending();
        let mut arms: Vec<(Option<Code>, Option<NodeIndex>)> = Vec::new();
        // The statements and TODO markers each rule's condition needs, written only
        // for conditions that survive the merging of identical arms.
        let mut needs: Vec<ConditionNeeds> = Vec::new();
        // Each label's target, read once (not a scan of the branch's edges per rule).
        let mut targets: HashMap<&str, NodeIndex> = HashMap::new();
        for e in pipeline.graph.edges_directed(n, Direction::Outgoing) {
            if let EdgeKind::Branch { label } = &e.weight().kind {
                targets.entry(label.as_str()).or_insert(e.target());
            }
        }
        for rule in rules {
            let (p0, q0) = (self.prelude.len(), self.pending.len());
            let condition = self.condition(key, &rule.condition, step);
            needs.push((self.prelude.split_off(p0), self.pending.split_off(q0)));
            arms.push((Some(condition), targets.get(rule.label.as_str()).copied()));
        }
        let default_target = default.and_then(|d| targets.get(d).copied());
        arms.push((None, default_target));
        // Each arm holds the steps it reaches before the arms meet again (the
        // branch's immediate post-dominator). A step several arms reach before that
        // point (a shared Fail state, a common tail) is copied into each of them, so
        // every path ends where the source ends it.
        let live: BTreeSet<NodeIndex> = set
            .iter()
            .copied()
            .filter(|x| !self.consumed.contains(key, *x))
            .collect();
        let order = self.topological(pipeline, key);
        let join = post_dominators(pipeline, &live, &order.nodes)
            .get(&n)
            .copied()
            .flatten();
        let regions: Vec<BTreeSet<NodeIndex>> = arms
            .iter()
            .map(|(_, t)| {
                t.map(|t| reach_until(pipeline, t, &live, join, &|_| false))
                    .unwrap_or_default()
            })
            .collect();
        let copies: usize = regions.iter().map(BTreeSet::len).sum::<usize>()
            - regions.iter().flatten().collect::<BTreeSet<_>>().len();
        let regions = if copies > DUPLICATION_LIMIT {
            self.diagnostics.push(
                Diagnostic::warning(
                    "F0702",
                    format!(
                        "branches of `{}` share {copies} steps before they meet; the shared steps run after the branch",
                        step.display_name
                    ),
                )
                .with_primary(step.span, "branch"),
            );
            exclusive(&regions)
        } else {
            regions
        };
        // Each rule's description opens the arm it selects (not a block of comments
        // before the `if`: ruff's formatter places each of those by walking the whole
        // `elif` chain, quadratic in the number of rules).
        let descriptions: Vec<String> = rules
            .iter()
            .map(|rule| {
                format!(
                    "{}: `{}` when {}",
                    step.display_name,
                    rule.label,
                    crate::conditions::describe(&rule.condition)
                )
            })
            .collect();
        // Render each arm on its own, then merge arms whose bodies are the same.
        let depth = self.w.depth() + 1;
        let mut rendered: Vec<(Option<Code>, Writer, Vec<usize>)> = Vec::new();
        for (i, (condition, _)) in arms.iter().enumerate() {
            let saved = std::mem::replace(&mut self.w, Writer::at_depth(depth));
            if condition.is_none() && default_target.is_none() {
                self.needs.pipeline_failed_error = true;
                let cause = format!("no choice rule of {} matched", step.display_name);
                self.w.line(py!(
                    "raise PipelineFailedError(error=\"States.NoChoiceMatched\", cause={})",
                    Code::str_lit(&cause)
                ));
            } else {
                let saved_consumed = self.consumed.mark();
                self.emit_set(pipeline, key, &regions[i]);
                self.consumed.rollback(saved_consumed);
            }
            let arm = std::mem::replace(&mut self.w, saved);
            match rendered.last_mut() {
                Some((Some(previous), last, rules_used)) if last.text() == arm.text() => {
                    match condition {
                        Some(c) => {
                            *previous = py!("({}) or ({})", previous.clone(), c);
                            rules_used.push(i);
                        }
                        None => {
                            rendered.pop();
                            rendered.push((None, arm, Vec::new()));
                        }
                    }
                }
                _ => rendered.push((
                    condition.clone(),
                    arm,
                    if condition.is_some() {
                        vec![i]
                    } else {
                        Vec::new()
                    },
                )),
            }
        }
        for x in regions.iter().flatten() {
            self.consumed.insert(key, *x);
        }
        for (_, _, rules_used) in &rendered {
            for &i in rules_used {
                let (prelude, pending) = std::mem::take(&mut needs[i]);
                for (text, entry) in pending {
                    self.w.todo(&text, entry);
                }
                for statement in prelude {
                    self.w.line(statement);
                }
            }
        }
        if rendered.len() == 1 {
            // Every arm does the same: no branch is needed.
            for description in &descriptions {
                self.w.comment(description);
            }
            let (_, arm, _) = rendered.remove(0);
            self.w.append_outdented(arm);
            return;
        }
        for (i, (condition, arm, rules_used)) in rendered.into_iter().enumerate() {
            match (i, condition) {
                (_, None) => self.w.open(py!("else")),
                (0, Some(c)) => self.w.open(py!("if {}", c)),
                (_, Some(c)) => self.w.open(py!("elif {}", c)),
            }
            for &rule in &rules_used {
                if let Some(description) = descriptions.get(rule) {
                    self.w.comment(description);
                }
            }
            self.w.append(arm);
            self.w.close();
        }
    }
}

/// Each region without the steps another region also holds (the fallback when copying
/// shared steps would cost too much).
fn exclusive(regions: &[BTreeSet<NodeIndex>]) -> Vec<BTreeSet<NodeIndex>> {
    regions
        .iter()
        .enumerate()
        .map(|(i, r)| {
            r.iter()
                .filter(|x| {
                    regions
                        .iter()
                        .enumerate()
                        .all(|(j, o)| j == i || !o.contains(x))
                })
                .copied()
                .collect()
        })
        .collect()
}
