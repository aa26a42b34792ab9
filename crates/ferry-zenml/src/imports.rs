//! The imports of a generated module, kept as structured statements and rendered in
//! the order ruff's isort rules want (future, standard library, third party, first
//! party, relative; `import x` before `from x import y`; members by type, then
//! naturally; `as` imports on their own statements). Carried import statements are
//! parsed with ruff's parser and rebuilt from their AST, never split as text.

use std::collections::{BTreeMap, BTreeSet};

use ruff_python_ast::Stmt;

use crate::code::{Code, Ident, is_python_identifier};

/// One imported name of a `from` import: `name` or `name as alias`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Member {
    name: String,
    alias: Option<String>,
}

/// `import module [as alias]` (members empty) or `from module import members`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Statement {
    level: u32,
    module: String,
    alias: Option<String>,
    from: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Imports {
    statements: BTreeMap<Statement, BTreeSet<Member>>,
}

fn dotted(module: &str) -> bool {
    module.split('.').all(is_python_identifier)
}

impl Imports {
    pub fn new() -> Self {
        Self::default()
    }

    /// `import module`.
    pub fn import(&mut self, module: &'static str) {
        self.add_import(module, None);
    }

    /// `import module as alias`, both ferry's own.
    pub fn import_as(&mut self, module: &'static str, alias: &'static str) {
        self.add_import(module, Some(alias));
    }

    /// `from module import name`, both ferry's own.
    pub fn from(&mut self, module: &'static str, name: &'static str) {
        self.add_from(0, module, name, None);
    }

    /// `from steps.<module> import <name>` and the like, for generated names.
    pub fn import_generated(&mut self, module: &str, name: &Ident) {
        if dotted(module) {
            self.add_from(0, module, name.as_str(), None);
        }
    }

    fn add_import(&mut self, module: &str, alias: Option<&str>) {
        self.statements
            .entry(Statement {
                level: 0,
                module: module.to_string(),
                alias: alias.map(str::to_string),
                from: false,
            })
            .or_default();
    }

    fn add_from(&mut self, level: u32, module: &str, name: &str, alias: Option<&str>) {
        let member = Member {
            name: name.to_string(),
            alias: alias.map(str::to_string),
        };
        // `as` imports are separate statements (isort's default).
        let key = Statement {
            level,
            module: module.to_string(),
            alias: None,
            from: true,
        };
        let key = if alias.is_some() {
            Statement {
                alias: Some(format!("{name} as {}", alias.unwrap_or_default())),
                ..key
            }
        } else {
            key
        };
        self.statements.entry(key).or_default().insert(member);
    }

    /// Add a carried import statement (source text of one or more import statements).
    /// Returns the text back when it is not made of import statements.
    pub fn carried(&mut self, statement: &str) -> Result<(), String> {
        let parsed = ruff_python_parser::parse_module(statement.trim())
            .map_err(|e| format!("{statement}: {}", e.error))?;
        for stmt in &parsed.syntax().body {
            match stmt {
                Stmt::Import(i) => {
                    for a in &i.names {
                        self.add_import(a.name.as_str(), a.asname.as_ref().map(|n| n.as_str()));
                    }
                }
                Stmt::ImportFrom(i) => {
                    let module = i.module.as_ref().map_or("", |m| m.as_str());
                    for a in &i.names {
                        self.add_from(
                            i.level,
                            module,
                            a.name.as_str(),
                            a.asname.as_ref().map(|n| n.as_str()),
                        );
                    }
                }
                _ => return Err(statement.to_string()),
            }
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Top-level modules imported with level 0 (for dependency checks).
    pub fn top_level_modules(&self) -> BTreeSet<String> {
        self.statements
            .keys()
            .filter(|s| s.level == 0)
            .filter_map(|s| s.module.split('.').next().map(str::to_string))
            .collect()
    }

    /// The import block, sections separated by blank lines; `first_party` names the
    /// project's own top-level packages and modules.
    pub fn render(&self, first_party: &BTreeSet<String>) -> Code {
        let mut sections: [Vec<(&Statement, &BTreeSet<Member>)>; 5] = Default::default();
        for (s, members) in &self.statements {
            let top = s.module.split('.').next().unwrap_or_default();
            let section = if s.level > 0 {
                4
            } else if top == "__future__" {
                0
            } else if ruff_python_stdlib::sys::is_known_standard_library(12, top) {
                1
            } else if first_party.contains(top) {
                3
            } else {
                2
            };
            sections[section].push((s, members));
        }
        let mut blocks = Vec::new();
        for mut section in sections {
            if section.is_empty() {
                continue;
            }
            section.sort_by_key(|(s, members)| statement_key(s, members));
            let lines: Vec<Code> = section
                .into_iter()
                .filter_map(|(s, members)| render_statement(s, members))
                .collect();
            blocks.push(Code::join(lines, "\n"));
        }
        Code::join(blocks, "\n\n")
    }
}

type NaturalKey = Vec<(u8, u64, String)>;
type StatementKey = (bool, std::cmp::Reverse<u32>, NaturalKey, bool, NaturalKey);

/// isort's order: `import` statements first, then `from`; relative imports by
/// decreasing level; modules case-insensitively and naturally; `import x` before
/// `import x as y`.
fn statement_key(s: &Statement, members: &BTreeSet<Member>) -> StatementKey {
    let first_member = members
        .iter()
        .next()
        .map(|m| natural_key(&m.name.to_lowercase()))
        .unwrap_or_default();
    (
        s.from,
        std::cmp::Reverse(s.level),
        natural_key(&s.module.to_lowercase()),
        s.alias.is_some(),
        first_member,
    )
}

fn render_statement(s: &Statement, members: &BTreeSet<Member>) -> Option<Code> {
    let module = Code::dotted(&format!("{}{}", ".".repeat(s.level as usize), s.module))?;
    if !s.from {
        return Some(match &s.alias {
            Some(a) if is_python_identifier(a) => {
                crate::code::py!("import {} as {}", module, Ident::new(a))
            }
            _ => crate::code::py!("import {}", module),
        });
    }
    let mut sorted: Vec<&Member> = members
        .iter()
        .filter(|m| m.name == "*" || is_python_identifier(&m.name))
        .collect();
    sorted.sort_by_key(|m| member_key(&m.name));
    let names: Vec<Code> = sorted
        .into_iter()
        .map(|m| {
            let name = if m.name == "*" {
                Code::text("*")
            } else {
                Ident::new(&m.name).code()
            };
            match &m.alias {
                Some(a) if is_python_identifier(a) => {
                    crate::code::py!("{} as {}", name, Ident::new(a))
                }
                _ => name,
            }
        })
        .collect();
    (!names.is_empty())
        .then(|| crate::code::py!("from {} import {}", module, Code::join(names, ", ")))
}

/// isort's order-by-type: CONSTANTS, then Classes, then functions and variables.
fn member_key(name: &str) -> (u8, Vec<(u8, u64, String)>) {
    let kind = if name.len() > 1 && name.chars().all(|c| !c.is_ascii_lowercase()) {
        0
    } else if name.starts_with(|c: char| c.is_ascii_uppercase()) {
        1
    } else {
        2
    };
    (kind, natural_key(&name.to_lowercase()))
}

/// Sort key that compares runs of digits by value.
pub fn natural_key(s: &str) -> Vec<(u8, u64, String)> {
    let mut out = Vec::new();
    let mut digits = String::new();
    let mut text = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            if !text.is_empty() {
                out.push((1, 0, std::mem::take(&mut text)));
            }
            digits.push(c);
        } else {
            if !digits.is_empty() {
                out.push((
                    0,
                    digits.parse().unwrap_or(u64::MAX),
                    std::mem::take(&mut digits),
                ));
            }
            text.push(c);
        }
    }
    if !text.is_empty() {
        out.push((1, 0, text));
    }
    if !digits.is_empty() {
        out.push((0, digits.parse().unwrap_or(u64::MAX), digits));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_and_order_like_ruff_isort() {
        let mut imports = Imports::new();
        for s in [
            "from zenml import step",
            "from x import c",
            "from x import b as bb",
            "from x import a",
            "import yaml as y",
            "import yaml",
            "import os.path",
            "import os",
            "from . import sib",
            "from .mod import thing",
            "from ..up import z",
            "from __future__ import annotations",
            "from steps.errors import E",
            "from x import (\n    d,\n    e as f,\n)",
        ] {
            imports.carried(s).expect("an import");
        }
        let first_party: BTreeSet<String> = ["steps".to_string()].into();
        assert_eq!(
            imports.render(&first_party).as_str(),
            "from __future__ import annotations\n\nimport os\nimport os.path\n\nimport yaml\nimport yaml as y\nfrom x import a, c, d\nfrom x import b as bb\nfrom x import e as f\nfrom zenml import step\n\nfrom steps.errors import E\n\nfrom ..up import z\nfrom . import sib\nfrom .mod import thing"
        );
        assert!(imports.carried("x = 1").is_err());
    }
}
