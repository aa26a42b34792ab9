//! The steps already emitted into a pipeline function, per pipeline or region key, with
//! a journal so that rendering one arm of a branch (or one `try` body) on trial can be
//! undone in time proportional to what the arm emitted, not to everything emitted so
//! far (a copy per arm made a wide Choice quadratic).

use std::collections::{BTreeMap, BTreeSet};

use petgraph::stable_graph::NodeIndex;

#[derive(Debug, Default)]
pub(crate) struct Consumed {
    steps: BTreeMap<String, BTreeSet<NodeIndex>>,
    journal: Vec<(String, NodeIndex)>,
}

/// A point of the journal to roll back to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark(usize);

impl Consumed {
    /// Record step `n` of `key` as emitted; `false` when it already was.
    pub fn insert(&mut self, key: &str, n: NodeIndex) -> bool {
        let inserted = self.steps.entry(key.to_string()).or_default().insert(n);
        if inserted {
            self.journal.push((key.to_string(), n));
        }
        inserted
    }

    pub fn contains(&self, key: &str, n: NodeIndex) -> bool {
        self.steps.get(key).is_some_and(|s| s.contains(&n))
    }

    pub fn mark(&self) -> Mark {
        Mark(self.journal.len())
    }

    /// Forget every step recorded since `mark`.
    pub fn rollback(&mut self, mark: Mark) {
        for (key, n) in self.journal.drain(mark.0..) {
            if let Some(s) = self.steps.get_mut(&key) {
                s.remove(&n);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rollback_forgets_only_what_came_after_the_mark() {
        let mut c = Consumed::default();
        assert!(c.insert("p", NodeIndex::new(1)));
        let mark = c.mark();
        assert!(c.insert("p", NodeIndex::new(2)));
        assert!(!c.insert("p", NodeIndex::new(1)));
        c.rollback(mark);
        assert!(c.contains("p", NodeIndex::new(1)));
        assert!(!c.contains("p", NodeIndex::new(2)));
        assert!(c.insert("p", NodeIndex::new(2)));
    }
}
