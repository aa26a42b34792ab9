//! Graph facts the structurer needs to turn a pipeline DAG into nested Python control
//! flow: a deterministic topological order, the steps reached only through error
//! edges, and immediate post-dominators (where the arms of a branch meet again).

use std::collections::{BTreeMap, BTreeSet};

use ferry_ir::{EdgeKind, Pipeline};
use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::{EdgeRef, IntoEdgeReferences};

/// Kahn's algorithm, always taking the lowest index first: deterministic and stable.
pub fn topological(pipeline: &Pipeline) -> Vec<NodeIndex> {
    let mut indegree: BTreeMap<NodeIndex, usize> =
        pipeline.step_indices().map(|n| (n, 0)).collect();
    for e in (&pipeline.graph).edge_references() {
        *indegree.entry(e.target()).or_default() += 1;
    }
    let mut ready: BTreeSet<NodeIndex> = indegree
        .iter()
        .filter(|(_, d)| **d == 0)
        .map(|(n, _)| *n)
        .collect();
    let mut order = Vec::new();
    let mut placed = BTreeSet::new();
    while let Some(n) = ready.pop_first() {
        order.push(n);
        placed.insert(n);
        for m in pipeline.graph.neighbors_directed(n, Direction::Outgoing) {
            if let Some(d) = indegree.get_mut(&m) {
                *d -= 1;
                if *d == 0 {
                    ready.insert(m);
                }
            }
        }
    }
    // A cycle (reported by the verifier): keep the remaining steps in IR order.
    for n in pipeline.step_indices() {
        if !placed.contains(&n) {
            order.push(n);
        }
    }
    order
}

/// Whether an edge starts its target. A step that control edges lead to (ASL `Next`,
/// a branch, a catcher) runs when they are taken; its data edges only say where its
/// inputs come from. A step with data edges only (a static DAG) runs after them.
fn triggers(pipeline: &Pipeline, edge: &ferry_ir::Edge, target: NodeIndex) -> bool {
    !matches!(edge.kind, EdgeKind::Data { .. })
        || pipeline
            .graph
            .edges_directed(target, Direction::Incoming)
            .all(|e| matches!(e.weight().kind, EdgeKind::Data { .. }))
}

/// Steps that running `n` starts, through edges that are not error edges.
pub fn normal_successors(
    pipeline: &Pipeline,
    n: NodeIndex,
) -> impl Iterator<Item = NodeIndex> + '_ {
    pipeline
        .graph
        .edges_directed(n, Direction::Outgoing)
        .filter(move |e| {
            !matches!(e.weight().kind, EdgeKind::Error(_))
                && triggers(pipeline, e.weight(), e.target())
        })
        .map(|e| e.target())
}

/// Steps that running `n` may start, error edges included.
pub fn successors(pipeline: &Pipeline, n: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
    pipeline
        .graph
        .edges_directed(n, Direction::Outgoing)
        .filter(move |e| triggers(pipeline, e.weight(), e.target()))
        .map(|e| e.target())
}

/// The steps of `set` that its entries (steps no step of the set leads to) do not
/// reach without taking an error edge: they run only inside `except` blocks.
pub fn error_only(pipeline: &Pipeline, set: &BTreeSet<NodeIndex>) -> BTreeSet<NodeIndex> {
    let mut normal = BTreeSet::new();
    let mut stack: Vec<NodeIndex> = set
        .iter()
        .copied()
        .filter(|&n| {
            pipeline
                .graph
                .edges_directed(n, Direction::Incoming)
                .all(|e| !set.contains(&e.source()) || !triggers(pipeline, e.weight(), n))
        })
        .collect();
    while let Some(n) = stack.pop() {
        if !normal.insert(n) {
            continue;
        }
        stack.extend(normal_successors(pipeline, n).filter(|m| set.contains(m)));
    }
    set.iter()
        .copied()
        .filter(|n| !normal.contains(n))
        .collect()
}

/// Immediate post-dominators within `set` on normal edges (`None`: the exit). `order`
/// is a topological order of the pipeline.
pub fn post_dominators(
    pipeline: &Pipeline,
    set: &BTreeSet<NodeIndex>,
    order: &[NodeIndex],
) -> BTreeMap<NodeIndex, Option<NodeIndex>> {
    let position: BTreeMap<NodeIndex, usize> =
        order.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let mut ipdom: BTreeMap<NodeIndex, Option<NodeIndex>> = BTreeMap::new();
    for &n in order.iter().rev().filter(|n| set.contains(n)) {
        let mut successors = normal_successors(pipeline, n).filter(|m| set.contains(m));
        let Some(first) = successors.next() else {
            ipdom.insert(n, None);
            continue;
        };
        let mut meet = Some(first);
        for s in successors {
            meet = intersect(meet, Some(s), &ipdom, &position);
        }
        // A branch whose default goes nowhere also leaves through the exit (no rule
        // matched), so nothing after it post-dominates it.
        if leaves_without_default(pipeline, n) {
            meet = None;
        }
        ipdom.insert(n, meet);
    }
    ipdom
}

fn leaves_without_default(pipeline: &Pipeline, n: NodeIndex) -> bool {
    match &pipeline.graph[n].kind {
        ferry_ir::StepKind::Branch { default, .. } => default.as_deref().is_none_or(|d| {
            !pipeline
                .graph
                .edges_directed(n, Direction::Outgoing)
                .any(|e| matches!(&e.weight().kind, EdgeKind::Branch { label } if label == d))
        }),
        _ => false,
    }
}

/// The nearest common post-dominator of `a` and `b`: walk the one that comes first in
/// topological order up its post-dominator chain until they meet (or reach the exit).
fn intersect(
    mut a: Option<NodeIndex>,
    mut b: Option<NodeIndex>,
    ipdom: &BTreeMap<NodeIndex, Option<NodeIndex>>,
    position: &BTreeMap<NodeIndex, usize>,
) -> Option<NodeIndex> {
    while a != b {
        let (Some(x), Some(y)) = (a, b) else {
            return None;
        };
        let (px, py) = (position.get(&x), position.get(&y));
        if px < py {
            a = ipdom.get(&x).copied().flatten();
        } else {
            b = ipdom.get(&y).copied().flatten();
        }
    }
    a
}

/// Steps reachable from `from` within `within` (not through `stop`), excluding `skip`.
pub fn reach_until(
    pipeline: &Pipeline,
    from: NodeIndex,
    within: &BTreeSet<NodeIndex>,
    stop: Option<NodeIndex>,
    skip: &dyn Fn(NodeIndex) -> bool,
) -> BTreeSet<NodeIndex> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from];
    while let Some(n) = stack.pop() {
        if Some(n) == stop || !within.contains(&n) || skip(n) || !seen.insert(n) {
            continue;
        }
        stack.extend(successors(pipeline, n));
    }
    seen
}
