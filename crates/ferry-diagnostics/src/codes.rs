/// The long form of one diagnostic code, shown by `ferry explain CODE`.
#[derive(Debug, Clone, Copy)]
pub struct CodeInfo {
    pub code: &'static str,
    pub title: &'static str,
    pub explanation: &'static str,
}

/// All code tables of a build, collected by the binary from the crates that emit them.
#[derive(Debug, Default)]
pub struct CodeRegistry {
    tables: Vec<&'static [CodeInfo]>,
}

impl CodeRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with(mut self, table: &'static [CodeInfo]) -> Self {
        self.tables.push(table);
        self
    }

    pub fn lookup(&self, code: &str) -> Option<&'static CodeInfo> {
        self.tables
            .iter()
            .flat_map(|t| t.iter())
            .find(|c| c.code.eq_ignore_ascii_case(code))
    }

    /// Every code, sorted.
    pub fn all(&self) -> Vec<&'static CodeInfo> {
        let mut all: Vec<_> = self.tables.iter().flat_map(|t| t.iter()).collect();
        all.sort_by_key(|c| c.code);
        all
    }

    /// Codes declared more than once across tables (a build bug; tested).
    pub fn duplicates(&self) -> Vec<&'static str> {
        let all = self.all();
        all.windows(2)
            .filter(|w| w[0].code == w[1].code)
            .map(|w| w[0].code)
            .collect()
    }
}
