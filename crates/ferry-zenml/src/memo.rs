//! A process-wide memo for pure work on module texts that recur in every project of a
//! batch (the run-time helper is the same 37 KB in each ASL project): laying it out,
//! parsing and checking it once per process instead of once per project. Only texts of
//! at least [`MIN_BYTES`] are kept, at most [`MAX_ENTRIES`] of them; a lookup compares
//! the whole text, so a hit returns exactly what recomputing would, and output never
//! depends on what is cached.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Shorter texts are cheaper to recompute than to keep.
pub const MIN_BYTES: usize = 4096;
/// Texts kept per memo (the first ones seen; later ones are computed each time).
pub const MAX_ENTRIES: usize = 32;

pub struct Memo<V> {
    map: Mutex<HashMap<String, Arc<V>>>,
}

impl<V> Memo<V> {
    pub fn new() -> Self {
        Memo {
            map: Mutex::new(HashMap::new()),
        }
    }

    /// `compute(text)`, from the memo when `text` was seen before.
    pub fn get(&self, text: &str, compute: impl FnOnce() -> V) -> Arc<V> {
        if text.len() < MIN_BYTES {
            return Arc::new(compute());
        }
        if let Some(v) = self.lock().get(text) {
            return Arc::clone(v);
        }
        let value = Arc::new(compute());
        let mut map = self.lock();
        if map.len() < MAX_ENTRIES {
            map.entry(text.to_string())
                .or_insert_with(|| Arc::clone(&value));
        }
        value
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<V>>> {
        // A panic while holding the lock leaves a consistent map (insertions are
        // single calls), so a poisoned lock is still usable.
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_computed_once() {
        let memo: Memo<usize> = Memo::new();
        let text = "x".repeat(MIN_BYTES);
        let mut calls = 0;
        for _ in 0..3 {
            assert_eq!(
                *memo.get(&text, || {
                    calls += 1;
                    text.len()
                }),
                MIN_BYTES
            );
        }
        assert_eq!(calls, 1);
        let mut short = 0;
        for _ in 0..2 {
            memo.get("short", || {
                short += 1;
                0
            });
        }
        assert_eq!(short, 2);
    }
}
