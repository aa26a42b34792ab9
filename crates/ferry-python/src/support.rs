//! Rendering a closure's carried definitions: as support modules mirroring the original
//! layout, or (for consumers that can only take one body) inline, ahead of the code
//! that uses them.

use std::collections::{BTreeMap, BTreeSet};

use ruff_python_ast::Stmt;

use crate::{
    Closure, Edit, EditError, Import, Layout, Location, Reindented, SupportModule,
    carry_statements, statement_free_names,
};

/// Carried definitions laid out as one block.
#[derive(Debug, Clone, Default)]
pub struct Inline {
    /// The definitions (dependencies first), then `alias = name` lines.
    pub text: String,
    /// External imports the block and the root code need.
    pub imports: Vec<Import>,
    /// Names two carried modules both define: inline, only the first is kept.
    pub collisions: Vec<(String, Vec<String>)>,
    /// Location modules used as objects, which cannot be inlined.
    pub module_objects: Vec<String>,
    pub strings: Reindented,
}

fn statements<'m>(
    location: &Location<'m>,
    module: &SupportModule,
) -> Option<(&'m crate::ParsedModule, Vec<&'m Stmt>)> {
    let full = location.full_name(&module.module)?;
    let (parsed, _) = location.module(full)?;
    let body = parsed.body();
    Some((
        parsed,
        module
            .statements
            .iter()
            .filter_map(|&i| body.get(i))
            .collect(),
    ))
}

impl Closure {
    fn stripping_edits(&self, location: &Location<'_>, module: &SupportModule) -> Vec<Edit> {
        let Some(full) = location.full_name(&module.module) else {
            return Vec::new();
        };
        let Some((parsed, _)) = location.module(full) else {
            return Vec::new();
        };
        let text = parsed.text.as_str();
        self.stripped
            .get(full)
            .into_iter()
            .flatten()
            .map(|r| {
                // `@` is just before the decorator's expression; drop the whole line.
                let start = r.start().to_usize();
                let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
                let end = r.end().to_usize();
                let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
                Edit::delete(ruff_text_size::TextRange::new(
                    ruff_text_size::TextSize::try_from(line_start).unwrap_or_default(),
                    ruff_text_size::TextSize::try_from(line_end).unwrap_or_default(),
                ))
            })
            .collect()
    }

    /// The text of one support module: its imports rebuilt, then its carried
    /// statements in original order, framework decorators stripped.
    pub fn support_text(
        &self,
        location: &Location<'_>,
        module: &SupportModule,
    ) -> Result<Reindented, EditError> {
        self.support_text_with(location, module, Vec::new(), &[], "")
    }

    /// [`Closure::support_text`] with the caller's `edits` (in the original module's
    /// coordinates, inside carried statements; edits inside stripped decorators are
    /// dropped), `extra` imports, and a `prelude` placed after the imports.
    pub fn support_text_with(
        &self,
        location: &Location<'_>,
        module: &SupportModule,
        edits: Vec<Edit>,
        extra: &[Import],
        prelude: &str,
    ) -> Result<Reindented, EditError> {
        let Some((parsed, stmts)) = statements(location, module) else {
            return Ok(Reindented::default());
        };
        let mut all = self.stripping_edits(location, module);
        let stripped: Vec<ruff_text_size::TextRange> = all.iter().map(|e| e.range).collect();
        let nested = location
            .full_name(&module.module)
            .and_then(|full| self.nested_edits.get(full))
            .into_iter()
            .flatten()
            .filter(|e| {
                stmts
                    .iter()
                    .any(|s| ruff_text_size::Ranged::range(*s).contains_range(e.range))
            })
            .cloned();
        all.extend(
            edits
                .into_iter()
                .chain(nested)
                .filter(|e| !stripped.iter().any(|s| s.contains_range(e.range))),
        );
        all.sort_by_key(|e| (e.range.start(), e.range.end()));
        all.dedup();
        let mut out = carry_statements(parsed, &stmts, all, Layout::Indent(""))?;
        let imports: BTreeSet<&Import> = module.imports.iter().chain(extra).collect();
        let imports: Vec<String> = imports.into_iter().map(Import::render).collect();
        let prelude = prelude.trim_end();
        if !prelude.is_empty() {
            out.text = format!("{prelude}\n\n\n{}", out.text);
        }
        if !imports.is_empty() {
            out.text = format!("{}\n\n\n{}", imports.join("\n"), out.text);
        }
        Ok(out)
    }

    /// Add what `other` needs: its support modules merged by module (statements,
    /// imports and names united), its distributions, framework uses, misses, module
    /// objects and stripped decorators. `names` and `imports` (the root code's) are
    /// not merged: they belong to each root.
    pub fn merge(&mut self, other: &Closure) {
        for m in &other.support {
            match self.support.iter_mut().find(|s| s.module == m.module) {
                Some(s) => {
                    let statements: BTreeSet<usize> =
                        s.statements.iter().chain(&m.statements).copied().collect();
                    s.statements = statements.into_iter().collect();
                    let imports: BTreeSet<Import> =
                        s.imports.iter().chain(&m.imports).cloned().collect();
                    s.imports = imports.into_iter().collect();
                    s.names.extend(m.names.iter().cloned());
                }
                None => self.support.push(m.clone()),
            }
        }
        self.support.sort_by(|a, b| a.module.cmp(&b.module));
        self.distributions
            .extend(other.distributions.iter().cloned());
        self.framework.extend(other.framework.iter().cloned());
        self.framework
            .sort_by_key(|f| (f.span.file, f.span.start, f.span.end));
        self.framework.dedup();
        self.unresolved.extend(other.unresolved.iter().cloned());
        self.unresolved
            .sort_by_key(|u| (u.1.file, u.1.start, u.1.end));
        self.unresolved.dedup();
        self.module_objects
            .extend(other.module_objects.iter().cloned());
        self.module_objects.sort();
        self.module_objects.dedup();
        for (m, edits) in &other.nested_edits {
            let list = self.nested_edits.entry(m.clone()).or_default();
            for e in edits {
                if !list.contains(e) {
                    list.push(e.clone());
                }
            }
        }
        self.nested_external
            .extend(other.nested_external.iter().cloned());
        for (m, ranges) in &other.stripped {
            let list = self.stripped.entry(m.clone()).or_default();
            list.extend(ranges.iter().copied());
            list.sort_by_key(|r| r.start());
            list.dedup();
        }
    }

    /// Every carried definition as one block in dependency order, for a consumer that
    /// takes a single body (the current IR). Imports of the location's own
    /// definitions disappear; aliases become assignments.
    pub fn inline(&self, location: &Location<'_>, layout: Layout<'_>) -> Result<Inline, EditError> {
        let mut out = Inline::default();
        let by_name: BTreeMap<&str, &SupportModule> = self
            .support
            .iter()
            .map(|m| (m.module.as_str(), m))
            .collect();
        // Modules a module imports from come first.
        let mut order: Vec<&str> = Vec::new();
        let mut state: BTreeMap<&str, bool> = BTreeMap::new();
        fn visit<'s>(
            m: &'s str,
            by_name: &BTreeMap<&'s str, &'s SupportModule>,
            state: &mut BTreeMap<&'s str, bool>,
            order: &mut Vec<&'s str>,
        ) {
            if state.contains_key(m) {
                return;
            }
            state.insert(m, false);
            if let Some(sm) = by_name.get(m) {
                for i in &sm.imports {
                    if let Import::From {
                        module: Some(dep), ..
                    } = i
                        && let Some((k, _)) = by_name.get_key_value(dep.as_str())
                    {
                        visit(k, by_name, state, order);
                    }
                }
            }
            state.insert(m, true);
            order.push(m);
        }
        for m in by_name.keys() {
            visit(m, &by_name, &mut state, &mut order);
        }
        let mut defined: BTreeMap<String, String> = BTreeMap::new();
        let mut aliases: BTreeSet<(String, String)> = BTreeSet::new();
        let mut imports: BTreeSet<Import> = BTreeSet::new();
        let mut blocks: Vec<String> = Vec::new();
        let local = |i: &Import| match i {
            Import::From {
                module: Some(m), ..
            } => by_name.contains_key(m.as_str()),
            _ => false,
        };
        for m in order {
            let sm = by_name[m];
            let Some((parsed, stmts)) = statements(location, sm) else {
                continue;
            };
            let mut keep = Vec::new();
            for stmt in stmts {
                let bound = statement_free_names(stmt).1;
                let clash: Vec<&String> = bound
                    .iter()
                    .filter(|n| defined.get(*n).is_some_and(|d| d != m))
                    .collect();
                if clash.is_empty() {
                    for n in bound {
                        defined.entry(n).or_insert_with(|| m.to_string());
                    }
                    keep.push(stmt);
                } else {
                    for n in clash {
                        out.collisions
                            .push((n.clone(), vec![defined[n].clone(), m.to_string()]));
                    }
                }
            }
            let edits = self
                .stripping_edits(location, sm)
                .into_iter()
                .filter(|e| {
                    keep.iter()
                        .any(|s| ruff_text_size::Ranged::range(*s).contains_range(e.range))
                })
                .collect();
            let piece = carry_statements(parsed, &keep, edits, layout)?;
            blocks.push(piece.text);
            out.strings.flattened.extend(piece.flattened);
            out.strings.inexact.extend(piece.inexact);
            for i in &sm.imports {
                self.inline_import(i, &local, &mut imports, &mut aliases, &mut out);
            }
        }
        for i in &self.imports {
            self.inline_import(i, &local, &mut imports, &mut aliases, &mut out);
        }
        let separator = if layout == Layout::Indent("") {
            "\n\n"
        } else {
            "\n"
        };
        let mut text = blocks.join(separator);
        let alias_lines: Vec<String> = aliases
            .into_iter()
            .filter(|(a, _)| !defined.contains_key(a))
            .map(|(a, n)| format!("{a} = {n}\n"))
            .collect();
        if !alias_lines.is_empty() {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&alias_lines.concat());
        }
        out.text = text;
        out.imports = imports.into_iter().collect();
        out.module_objects.sort();
        out.module_objects.dedup();
        Ok(out)
    }

    fn inline_import(
        &self,
        import: &Import,
        local: &dyn Fn(&Import) -> bool,
        imports: &mut BTreeSet<Import>,
        aliases: &mut BTreeSet<(String, String)>,
        out: &mut Inline,
    ) {
        if local(import) {
            if let Import::From {
                name,
                asname: Some(a),
                ..
            } = import
            {
                aliases.insert((a.clone(), name.clone()));
            }
            return;
        }
        if let Import::Module { module, .. } = import
            && self.module_objects.iter().any(|(m, _)| m == module)
        {
            out.module_objects.push(module.clone());
            return;
        }
        imports.insert(import.clone());
    }
}
