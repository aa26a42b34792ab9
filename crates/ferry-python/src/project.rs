use std::collections::BTreeMap;

use crate::{ParsedModule, Scope, Symbol, SymbolKind};

/// How many `from a import b` hops [`Project::lookup`] follows before giving up (import
/// cycles between the project's modules end there).
const MAX_IMPORT_HOPS: usize = 16;

/// Several modules of one project, by dotted module name, so a name imported from a
/// sibling module can be traced to its definition.
#[derive(Debug, Default)]
pub struct Project {
    modules: BTreeMap<String, ProjectModule>,
}

#[derive(Debug)]
struct ProjectModule {
    parsed: ParsedModule,
    is_package: bool,
}

impl ProjectModule {
    fn scope<'a>(&'a self, name: &str) -> Scope<'a> {
        if self.is_package {
            Scope::package(name, self.parsed.body())
        } else {
            Scope::module(name, self.parsed.body())
        }
    }
}

impl Project {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a module by its project-relative path (`pkg/__init__.py` is package `pkg`).
    /// Returns the dotted module name.
    pub fn add(&mut self, path: &str, parsed: ParsedModule) -> String {
        let name = module_name_for_path(path);
        let is_package = path.ends_with("__init__.py");
        self.modules
            .insert(name.clone(), ProjectModule { parsed, is_package });
        name
    }

    pub fn module(&self, name: &str) -> Option<&ParsedModule> {
        self.modules.get(name).map(|m| &m.parsed)
    }

    pub fn modules(&self) -> impl Iterator<Item = (&str, &ParsedModule)> {
        self.modules.iter().map(|(n, m)| (n.as_str(), &m.parsed))
    }

    /// The scope of a module of the project.
    pub fn scope(&self, name: &str) -> Option<Scope<'_>> {
        self.modules.get_key_value(name).map(|(n, m)| m.scope(n))
    }

    /// Find the definition a fully-qualified name refers to inside the project:
    /// `pkg.helpers.make` → module `pkg.helpers`, symbol `make`, following re-exports
    /// (`from .impl import make` in `pkg/helpers.py`). Returns the defining module's
    /// name and the symbol's name there; `None` for names outside the project.
    pub fn lookup(&self, qualified: &str) -> Option<(&str, String)> {
        let mut current = qualified.to_string();
        for _ in 0..MAX_IMPORT_HOPS {
            let (module_name, symbol_name) = current.rsplit_once('.')?;
            let (key, module) = self.modules.get_key_value(module_name)?;
            let scope = module.scope(key);
            let next = match scope.lookup(symbol_name) {
                Some(Symbol {
                    kind: SymbolKind::Import,
                    qualified: Some(target),
                    ..
                }) => target.clone(),
                Some(_) => return Some((key.as_str(), symbol_name.to_string())),
                None => return None,
            };
            current = next;
        }
        None
    }
}

/// The dotted module name of a project-relative path: `pkg/helpers.py` → `pkg.helpers`,
/// `pkg/__init__.py` → `pkg`.
pub fn module_name_for_path(path: &str) -> String {
    let trimmed = path.trim_start_matches("./").trim_end_matches(".py");
    let mut parts: Vec<&str> = trimmed
        .split(['/', '\\'])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.last() == Some(&"__init__") {
        parts.pop();
    }
    parts.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_diagnostics::SourceMap;

    #[test]
    fn resolves_across_modules_and_stops_on_cycles() {
        let mut sources = SourceMap::new();
        let files = [
            ("pkg/__init__.py", "from .helpers import make\n"),
            ("pkg/helpers.py", "from .impl import make\n"),
            ("pkg/impl.py", "def make():\n    return 1\n"),
            ("pkg/a.py", "from pkg.b import x\n"),
            ("pkg/b.py", "from pkg.a import x\n"),
        ];
        let mut project = Project::new();
        for (path, text) in files {
            let id = sources.add(path, text);
            project.add(path, crate::parse(&sources, id).unwrap().0);
        }
        assert_eq!(
            project.lookup("pkg.make"),
            Some(("pkg.impl", "make".to_string()))
        );
        assert_eq!(project.lookup("pkg.a.x"), None);
        assert_eq!(project.lookup("numpy.array"), None);
        assert_eq!(module_name_for_path("./pkg/sub/__init__.py"), "pkg.sub");
    }
}
