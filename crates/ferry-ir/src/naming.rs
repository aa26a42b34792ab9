//! The one place that turns source names into Python identifiers. Front ends, passes
//! and the back end all name things through [`Namer`], so the rules (keywords,
//! collisions, unicode, leading digits) hold everywhere.

use std::collections::BTreeSet;

use crate::verify::is_valid_identifier;

/// Snake-case ASCII identifier for an arbitrary source name: `ModelTraining` →
/// `model_training`, `2nd step` → `n_2nd_step`, `class` → `class_`, `` → `unnamed`.
pub fn to_identifier(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let chars: Vec<char> = raw.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_alphanumeric() {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1).copied();
            // A word starts at a capital after a lower-case letter or digit, and at the
            // last capital of an acronym followed by lower case (`MLPipeline`).
            let boundary = c.is_ascii_uppercase()
                && prev.is_some_and(|p| {
                    p.is_ascii_lowercase()
                        || p.is_ascii_digit()
                        || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
                });
            if boundary && !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
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
        assert_eq!(to_identifier("MLPipelineComplete"), "ml_pipeline_complete");
        assert_eq!(to_identifier("S3Bucket"), "s3_bucket");
        assert_eq!(to_identifier("getHTTPResponse2"), "get_http_response2");
    }

    #[test]
    fn collisions() {
        let mut namer = Namer::with_reserved(["pipeline"]);
        assert_eq!(namer.fresh("Train"), "train");
        assert_eq!(namer.fresh("train"), "train_2");
        assert_eq!(namer.fresh("pipeline"), "pipeline_2");
    }
}
