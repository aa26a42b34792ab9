//! A branch step as `if`/`elif`/`else`: each arm holds what the source runs on that
//! arm until the arms meet again; shared tails are copied into each arm (bounded by
//! `DUPLICATION_LIMIT`); arms whose code is the same are merged.

use std::collections::BTreeSet;

use ferry_diagnostics::Diagnostic;
use ferry_ir::Pipeline;
use petgraph::stable_graph::NodeIndex;

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
        for rule in rules {
            let (p0, q0) = (self.prelude.len(), self.pending.len());
            let condition = self.condition(key, &rule.condition, step);
            needs.push((self.prelude.split_off(p0), self.pending.split_off(q0)));
            arms.push((
                Some(condition),
                self.branch_target(pipeline, n, &rule.label),
            ));
        }
        let default_target = default.and_then(|d| self.branch_target(pipeline, n, d));
        arms.push((None, default_target));
        // Each arm holds the steps it reaches before the arms meet again (the
        // branch's immediate post-dominator). A step several arms reach before that
        // point (a shared Fail state, a common tail) is copied into each of them, so
        // every path ends where the source ends it.
        let live: BTreeSet<NodeIndex> = set
            .iter()
            .copied()
            .filter(|x| !self.consumed.contains(&(key.to_string(), *x)))
            .collect();
        let order = self.topological(pipeline, key);
        let join = post_dominators(pipeline, &live, &order)
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
        for rule in rules {
            self.w.comment(&format!(
                "{}: `{}` when {}",
                step.display_name,
                rule.label,
                crate::conditions::describe(&rule.condition)
            ));
        }
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
                let saved_consumed = self.consumed.clone();
                self.emit_set(pipeline, key, &regions[i]);
                self.consumed = saved_consumed;
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
            self.consumed.insert((key.to_string(), *x));
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
            let (_, arm, _) = rendered.remove(0);
            self.w.append_outdented(arm);
            return;
        }
        for (i, (condition, arm, _)) in rendered.into_iter().enumerate() {
            match (i, condition) {
                (_, None) => self.w.open(py!("else")),
                (0, Some(c)) => self.w.open(py!("if {}", c)),
                (_, Some(c)) => self.w.open(py!("elif {}", c)),
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
