//! Error handlers (ASL `Catch`) as `try`/`except`: the handler's steps run in the
//! except block, which then returns (inside a Map iteration or Parallel branch: the
//! region's normal path continues in `else:`), so the run ends where the handler path
//! ends in the source. Steps the handler path shares with the normal path are copied into the
//! block (bounded by `DUPLICATION_LIMIT`).

use std::collections::BTreeSet;

use ferry_diagnostics::Diagnostic;
use ferry_ir::{EdgeKind, Pipeline};
use petgraph::stable_graph::NodeIndex;

use crate::code::py;
use crate::control::{Body, DUPLICATION_LIMIT};
use crate::structure::{normal_successors, reach_until};

impl<'a> Body<'a, '_> {
    /// Emit the statements `emit` writes for step `n`, inside `try`/`except` when the
    /// step has a catcher (in dynamic pipelines).
    pub(crate) fn guarded(
        &mut self,
        pipeline: &'a Pipeline,
        key: &str,
        n: NodeIndex,
        set: &BTreeSet<NodeIndex>,
        emit: &mut dyn FnMut(&mut Self),
    ) {
        let step = &pipeline.graph[n];
        // Catchers in source order: the first one is the one kept.
        let handlers: Vec<(NodeIndex, &ferry_ir::Catch)> = pipeline
            .outgoing(n)
            .into_iter()
            .filter_map(|(target, e)| match &e.kind {
                EdgeKind::Error(c) => Some((target, c)),
                _ => None,
            })
            .collect();
        let Some(&(handler, catch)) = handlers.first().filter(|_| self.dynamic) else {
            emit(self);
            return;
        };
        let region = {
            let consumed = &self.consumed;
            reach_until(pipeline, handler, set, None, &|x| consumed.contains(key, x))
        };
        let normal: BTreeSet<NodeIndex> = normal_successors(pipeline, n)
            .flat_map(|t| self.reach(pipeline, key, t, set))
            .collect();
        let copies = region.intersection(&normal).count();
        if copies > DUPLICATION_LIMIT {
            let target = pipeline.graph[handler].display_name.clone();
            self.w.note(&format!("on error the source went on at `{target}`, which also runs on the normal path; here the error propagates"));
            self.diagnostics.push(
                Diagnostic::warning(
                    "F0702",
                    format!(
                        "the error handler of `{}` shares {copies} steps with the normal path; it is not emitted as an except block",
                        step.display_name
                    ),
                )
                .with_primary(step.span, "catcher here"),
            );
            emit(self);
            return;
        }
        self.w.open(py!("try"));
        emit(self);
        self.w.close();
        // States.ALL and friends catch every error, which in Python is Exception.
        self.w
            .open_commented(py!("except Exception"), "noqa: BLE001");
        if !catch.errors.is_empty() && !catch.errors.iter().any(|e| e == "States.ALL") {
            self.w.note(&format!(
                "the source caught only {}; Python catches every exception here",
                catch.errors.join(", ")
            ));
        }
        if handlers.len() > 1 {
            self.w
                .note("several catchers in the source; only the first handler is kept");
        }
        // The handler's steps are emitted in each except block that reaches them.
        let saved = self.consumed.mark();
        let before = self.w.offset();
        self.emit_set(pipeline, key, &region);
        self.consumed.rollback(saved);
        if self.w.offset() == before {
            // The handler does nothing the pipeline can run (e.g. a Succeed state): the
            // error is swallowed and the run ends successfully.
            self.w.note("the source handler ends the run successfully");
        }
        if key.contains('/') {
            // Inside a Map iteration or Parallel branch the handler ends the region,
            // not the run: the rest of the region's normal path goes in `else:`.
            self.w.close();
            self.w.open(py!("else"));
            self.open_else += 1;
        } else {
            self.w.line(py!("return"));
            self.w.close();
        }
    }
}
