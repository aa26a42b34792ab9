//! The one place that turns source names into Python identifiers. Front ends, passes
//! and the back end all name things through [`Namer`], so the rules (keywords,
//! collisions, unicode, leading digits) hold everywhere.

use std::collections::BTreeSet;

use crate::verify::is_valid_identifier;

/// Snake-case ASCII identifier for an arbitrary source name: `ModelTraining` →
/// `model_training`, `2nd step` → `n_2nd_step`, `class` → `class_`, `` → `unnamed`.
pub fn to_identifier(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut prev_lower_or_digit = false;
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower_or_digit && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower_or_digit = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            prev_lower_or_digit = false;
        }
    }
    let trimmed = out.trim_matches('_');
    let mut ident = if trimmed.is_empty() {
        "unnamed".to_string()
    } else {
        trimmed.to_string()
    };
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert_str(0, "n_");
    }
    if !is_valid_identifier(&ident) {
        ident.push('_');
    }
    ident
}

/// Hands out unique identifiers within one scope; a second `train` becomes `train_2`.
#[derive(Debug, Clone, Default)]
pub struct Namer {
    taken: BTreeSet<String>,
}

impl Namer {
    pub fn new() -> Self {
        Self::default()
    }

    /// A namer whose scope already holds `reserved` (e.g. names the target uses).
    pub fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Self {
        Namer {
            taken: reserved.into_iter().map(str::to_string).collect(),
        }
    }

    pub fn fresh(&mut self, raw: &str) -> String {
        let base = to_identifier(raw);
        let mut candidate = base.clone();
        let mut n = 2;
        while self.taken.contains(&candidate) {
            candidate = format!("{base}_{n}");
            n += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }

    pub fn reserve(&mut self, name: &str) -> bool {
        self.taken.insert(name.to_string())
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(to_identifier("ModelTraining"), "model_training");
        assert_eq!(
            to_identifier("Check Model-Performance"),
            "check_model_performance"
        );
        assert_eq!(to_identifier("2nd"), "n_2nd");
        assert_eq!(to_identifier("class"), "class_");
        assert_eq!(to_identifier("ÉtapeÜ"), "tape");
        assert_eq!(to_identifier("日本"), "unnamed");
        assert_eq!(to_identifier("__init__"), "init");
        assert_eq!(to_identifier("None"), "none");
    }

    #[test]
    fn collisions() {
        let mut namer = Namer::with_reserved(["pipeline"]);
        assert_eq!(namer.fresh("Train"), "train");
        assert_eq!(namer.fresh("train"), "train_2");
        assert_eq!(namer.fresh("pipeline"), "pipeline_2");
    }
}
