//! Asset selections as written: `define_asset_job(selection=...)` is read into a
//! [`Selection`] tree (AssetSelection's constructors and methods, `-`, `|`, `&`, lists,
//! asset functions, `AssetKey`s, the `"*key+"` clause strings, `load_assets_from_*`,
//! names bound to any of these, in this module or another of the location) and evaluated
//! against the location's asset graph once every module is collected. A selection ferry
//! cannot read selects nothing and is reported (F0503, HIGH): a job that silently ran
//! every asset would do something the original never did.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use ferry_diagnostics::Span;
use ferry_python::ast::{Expr, Operator};
use ferry_python::{ParsedModule, Ranged, Scope, SymbolKind};

/// How deep selections may nest (and names may lead to names) before ferry gives up.
const MAX_DEPTH: usize = 32;

#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    All,
    /// Asset keys (`a/b`) or the names of asset functions.
    Keys(Vec<String>),
    Groups(Vec<String>),
    /// Key prefixes, `/`-joined.
    KeyPrefixes(Vec<String>),
    /// The assets defined in these modules (dotted names) or their submodules.
    Modules(Vec<String>),
    /// A module-level name of the location, by qualified name; `fallback` is how the
    /// name reads as an asset reference (an imported asset function) if it is not a
    /// selection.
    Named {
        qualified: String,
        fallback: String,
    },
    Upstream {
        of: Box<Selection>,
        depth: Option<usize>,
        include_self: bool,
    },
    Downstream {
        of: Box<Selection>,
        depth: Option<usize>,
        include_self: bool,
    },
    Roots(Box<Selection>),
    Sinks(Box<Selection>),
    Union(Vec<Selection>),
    Intersection(Box<Selection>, Box<Selection>),
    Difference(Box<Selection>, Box<Selection>),
    /// Something ferry cannot evaluate statically: its text and where it is.
    Unknown {
        text: String,
        span: Span,
    },
}

/// The asset key an expression names: a string (`"a/b"`), `AssetKey("x")`,
/// `AssetKey(["a", "b"])`, `AssetKey.from_user_string("a/b")`, or a name or attribute
/// (an asset function, referred to by its name).
pub fn asset_key(scope: &Scope<'_>, expr: &Expr) -> Option<String> {
    match expr {
        Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
        Expr::Name(n) => Some(n.id.to_string()),
        Expr::Attribute(a) => Some(a.attr.id.to_string()),
        Expr::Call(c) => {
            let callee = scope.qualified_name(&c.func)?;
            if callee != "dagster.AssetKey" && callee != "dagster.AssetKey.from_user_string" {
                return None;
            }
            let arg = c.arguments.args.first().or_else(|| {
                c.arguments
                    .keywords
                    .iter()
                    .find(|k| k.arg.as_ref().is_some_and(|a| a.id.as_str() == "path"))
                    .map(|k| &k.value)
            })?;
            key_path(arg)
        }
        _ => None,
    }
}

/// A key path: `"a/b"` or `["a", "b"]` (each part a string literal).
pub fn key_path(expr: &Expr) -> Option<String> {
    match expr {
        Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
        Expr::List(l) => strings(&l.elts).map(|parts| parts.join("/")),
        Expr::Tuple(t) => strings(&t.elts).map(|parts| parts.join("/")),
        _ => None,
    }
}

fn strings(items: &[Expr]) -> Option<Vec<String>> {
    items
        .iter()
        .map(|e| match e {
            Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
            _ => None,
        })
        .collect()
}

struct Reader<'m, 's> {
    module: &'m ParsedModule,
    scope: &'m Scope<'s>,
}

impl Reader<'_, '_> {
    fn unknown(&self, expr: &Expr) -> Selection {
        Selection::Unknown {
            text: self.module.text_of(expr).to_string(),
            span: self.module.span(expr),
        }
    }

    fn read(&self, expr: &Expr, depth: usize) -> Selection {
        if depth > MAX_DEPTH {
            return self.unknown(expr);
        }
        match expr {
            Expr::StringLiteral(s) => {
                clause(s.value.to_str()).unwrap_or_else(|| self.unknown(expr))
            }
            Expr::List(l) => self.union(&l.elts, depth),
            Expr::Tuple(t) => self.union(&t.elts, depth),
            Expr::Name(n) => match self.scope.lookup_before(&n.id, expr.start()) {
                Some(symbol) => match symbol.kind {
                    SymbolKind::Assign(value) => self.read(value, depth + 1),
                    SymbolKind::Import => Selection::Named {
                        qualified: symbol.qualified.clone().unwrap_or_default(),
                        fallback: n.id.to_string(),
                    },
                    SymbolKind::Function(_) | SymbolKind::Class(_) => {
                        Selection::Keys(vec![n.id.to_string()])
                    }
                },
                None => Selection::Keys(vec![n.id.to_string()]),
            },
            Expr::Attribute(a) if self.scope.qualified_name(expr).is_some() => {
                Selection::Keys(vec![a.attr.id.to_string()])
            }
            Expr::BinOp(b) => {
                let left = Box::new(self.read(&b.left, depth + 1));
                let right = Box::new(self.read(&b.right, depth + 1));
                match b.op {
                    Operator::Sub => Selection::Difference(left, right),
                    Operator::BitOr => Selection::Union(vec![*left, *right]),
                    Operator::BitAnd => Selection::Intersection(left, right),
                    _ => self.unknown(expr),
                }
            }
            Expr::Call(c) => self.call(expr, c, depth),
            _ => self.unknown(expr),
        }
    }

    fn union(&self, items: &[Expr], depth: usize) -> Selection {
        let mut parts = Vec::new();
        for item in items {
            match item {
                Expr::Starred(s) => parts.push(self.read(&s.value, depth + 1)),
                other => match asset_key(self.scope, other) {
                    Some(key) if matches!(other, Expr::Call(_)) => {
                        parts.push(Selection::Keys(vec![key]))
                    }
                    _ => parts.push(self.read(other, depth + 1)),
                },
            }
        }
        Selection::Union(parts)
    }

    /// The arguments of a constructor like `AssetSelection.keys(...)` as keys, following
    /// `*NAMES` to a list bound in the module.
    fn keys(&self, args: &[Expr], depth: usize) -> Option<Vec<String>> {
        let mut out = Vec::new();
        for arg in args {
            match arg {
                Expr::Starred(s) => {
                    let Expr::Name(n) = &*s.value else {
                        return None;
                    };
                    let symbol = self.scope.lookup_before(&n.id, arg.start())?;
                    let SymbolKind::Assign(value) = symbol.kind else {
                        return None;
                    };
                    let items = match value {
                        Expr::List(l) => &l.elts,
                        Expr::Tuple(t) => &t.elts,
                        _ => return None,
                    };
                    if depth > MAX_DEPTH {
                        return None;
                    }
                    out.extend(self.keys(items, depth + 1)?);
                }
                other => out.push(asset_key(self.scope, other)?),
            }
        }
        Some(out)
    }

    fn call(&self, expr: &Expr, c: &ferry_python::ast::ExprCall, depth: usize) -> Selection {
        let args = &c.arguments.args;
        let keyword = |name: &str| {
            c.arguments
                .keywords
                .iter()
                .find(|k| k.arg.as_ref().is_some_and(|a| a.id.as_str() == name))
                .map(|k| &k.value)
        };
        if let Some(callee) = self.scope.qualified_name(&c.func) {
            let constructor = callee.strip_prefix("dagster.AssetSelection.");
            let read_strings = |items: &[Expr]| strings(items);
            return match (callee.as_str(), constructor) {
                (_, Some("all")) => Selection::All,
                (_, Some("assets" | "checks")) => self.union(args, depth),
                (_, Some("keys")) => self
                    .keys(args, depth)
                    .map_or_else(|| self.unknown(expr), Selection::Keys),
                (_, Some("groups")) => {
                    read_strings(args).map_or_else(|| self.unknown(expr), Selection::Groups)
                }
                (_, Some("key_prefixes")) => args
                    .iter()
                    .map(key_path)
                    .collect::<Option<Vec<_>>>()
                    .map_or_else(|| self.unknown(expr), Selection::KeyPrefixes),
                ("dagster.load_assets_from_modules", _) => {
                    let list = args.first().or(keyword("modules"));
                    let items: Vec<&Expr> = match list {
                        Some(Expr::List(l)) => l.elts.iter().collect(),
                        Some(Expr::Tuple(t)) => t.elts.iter().collect(),
                        _ => return self.unknown(expr),
                    };
                    items
                        .iter()
                        .map(|m| self.scope.qualified_name(m))
                        .collect::<Option<Vec<_>>>()
                        .map_or_else(|| self.unknown(expr), Selection::Modules)
                }
                ("dagster.load_assets_from_package_module", _) => args
                    .first()
                    .or(keyword("package_module"))
                    .and_then(|m| self.scope.qualified_name(m))
                    .map_or_else(|| self.unknown(expr), |m| Selection::Modules(vec![m])),
                ("dagster.load_assets_from_current_module", _) => {
                    Selection::Modules(vec![self.scope.module.clone()])
                }
                _ => self.unknown(expr),
            };
        }
        // A method of a selection: `AssetSelection.assets(a).downstream(depth=1)`.
        let Expr::Attribute(method) = &*c.func else {
            return self.unknown(expr);
        };
        let of = Box::new(self.read(&method.value, depth + 1));
        let depth_arg = match keyword("depth").or(args.first()) {
            None => Some(None),
            Some(Expr::NoneLiteral(_)) => Some(None),
            Some(Expr::NumberLiteral(n)) => n.value.as_int().and_then(|i| i.as_usize()).map(Some),
            Some(_) => None,
        };
        let include_self = match keyword("include_self").or(args.get(1)) {
            None => Some(true),
            Some(Expr::BooleanLiteral(b)) => Some(b.value),
            Some(_) => None,
        };
        match (method.attr.id.as_str(), depth_arg, include_self) {
            ("upstream", Some(depth), Some(include_self)) => Selection::Upstream {
                of,
                depth,
                include_self,
            },
            ("downstream", Some(depth), Some(include_self)) => Selection::Downstream {
                of,
                depth,
                include_self,
            },
            ("roots" | "sources", ..) => Selection::Roots(of),
            ("sinks", ..) => Selection::Sinks(of),
            // Multi-assets are one step in ferry, and checks follow their assets.
            ("required_multi_asset_neighbors" | "materializable" | "without_checks", ..) => *of,
            _ => self.unknown(expr),
        }
    }
}

/// Read a selection expression of `module`.
pub fn read(module: &ParsedModule, scope: &Scope<'_>, expr: &Expr) -> Selection {
    Reader { module, scope }.read(expr, 0)
}

/// Whether a module-level value looks like a selection (for recording names other
/// modules may use as one).
pub fn is_selection_like(scope: &Scope<'_>, expr: &Expr) -> bool {
    match expr {
        Expr::BinOp(b) => matches!(b.op, Operator::Sub | Operator::BitOr | Operator::BitAnd),
        Expr::Call(c) => {
            let mut func = &*c.func;
            // Walk a method chain down to its constructor.
            while let Expr::Call(inner) = func {
                func = &inner.func;
            }
            let callee = match func {
                Expr::Attribute(a) => scope.qualified_name(func).or_else(|| match &*a.value {
                    Expr::Call(inner) => scope.qualified_name(&inner.func),
                    _ => None,
                }),
                _ => scope.qualified_name(func),
            };
            callee.is_some_and(|c| {
                c.starts_with("dagster.AssetSelection") || c.starts_with("dagster.load_assets_from")
            })
        }
        _ => false,
    }
}

/// The legacy clause syntax of a string selection: `key`, `*key` (all upstream),
/// `key*` (all downstream), `++key` / `key+` (that many levels).
fn clause(text: &str) -> Option<Selection> {
    let text = text.trim();
    if text == "*" {
        return Some(Selection::All);
    }
    let (up, rest) = levels(text, true);
    let (down, key) = levels(rest, false);
    if key.is_empty() || key.contains(['*', '+', ' ']) {
        return None;
    }
    let mut selection = Selection::Keys(vec![key.to_string()]);
    if up != Some(Some(0)) {
        selection = Selection::Upstream {
            of: Box::new(selection),
            depth: up.flatten(),
            include_self: true,
        };
    }
    if down != Some(Some(0)) {
        selection = Selection::Union(vec![
            selection,
            Selection::Downstream {
                of: Box::new(Selection::Keys(vec![key.to_string()])),
                depth: down.flatten(),
                include_self: true,
            },
        ]);
    }
    Some(selection)
}

/// The `*` or `+`s at the start (or end) of a clause: `Some(None)` for every level,
/// `Some(Some(n))` for n levels; and the rest of the text.
fn levels(text: &str, leading: bool) -> (Option<Option<usize>>, &str) {
    let (marks, rest) = if leading {
        let rest = text.trim_start_matches(['*', '+']);
        (&text[..text.len() - rest.len()], rest)
    } else {
        let rest = text.trim_end_matches(['*', '+']);
        (&text[rest.len()..], rest)
    };
    if marks.contains('*') {
        (Some(None), rest)
    } else {
        (Some(Some(marks.len())), rest)
    }
}

/// One asset (or asset check) as selections see it.
pub struct AssetNode<'x> {
    pub key: &'x str,
    /// The function name, and the keys of a multi-asset's outputs.
    pub aliases: Vec<&'x str>,
    pub group: Option<&'x str>,
    pub module: &'x str,
    /// Indices of the assets it reads or runs after.
    pub upstream: BTreeSet<usize>,
    /// For an asset check: the index of the asset it checks.
    pub checks: Option<usize>,
}

/// Why a selection could not be evaluated: the construct and its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    pub text: String,
    pub span: Span,
}

/// Evaluate `selection` over `nodes`: the indices it selects, with the checks of the
/// selected assets (Dagster runs an asset's checks with it). Keys that name no asset are
/// returned as the second value.
pub fn evaluate(
    selection: &Selection,
    nodes: &[AssetNode<'_>],
    named: &BTreeMap<String, Selection>,
) -> Result<(BTreeSet<usize>, Vec<String>), Unreadable> {
    let mut missing = Vec::new();
    let mut set = eval(selection, nodes, named, &mut missing, 0)?;
    let checks: Vec<usize> = nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.checks.is_some_and(|target| set.contains(&target)))
        .map(|(i, _)| i)
        .collect();
    set.extend(checks);
    Ok((set, missing))
}

fn eval(
    selection: &Selection,
    nodes: &[AssetNode<'_>],
    named: &BTreeMap<String, Selection>,
    missing: &mut Vec<String>,
    depth: usize,
) -> Result<BTreeSet<usize>, Unreadable> {
    let recurse = |s: &Selection, missing: &mut Vec<String>| {
        if depth > MAX_DEPTH {
            return Err(Unreadable {
                text: "a selection nested too deeply".into(),
                span: Span::detached(),
            });
        }
        eval(s, nodes, named, missing, depth + 1)
    };
    let matching = |keep: &dyn Fn(&AssetNode) -> bool| -> BTreeSet<usize> {
        nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| keep(n))
            .map(|(i, _)| i)
            .collect()
    };
    Ok(match selection {
        Selection::All => matching(&|n| n.checks.is_none()),
        Selection::Keys(keys) => {
            let mut out = BTreeSet::new();
            for key in keys {
                let found = matching(&|n| n.key == key || n.aliases.contains(&key.as_str()));
                if found.is_empty() {
                    missing.push(key.clone());
                }
                out.extend(found);
            }
            out
        }
        Selection::Groups(groups) => {
            matching(&|n| n.group.is_some_and(|g| groups.iter().any(|x| x == g)))
        }
        Selection::KeyPrefixes(prefixes) => matching(&|n| {
            prefixes.iter().any(|p| {
                n.key
                    .strip_prefix(p.as_str())
                    .is_some_and(|r| r.starts_with('/'))
            })
        }),
        Selection::Modules(modules) => matching(&|n| {
            modules.iter().any(|m| {
                n.module == m
                    || n.module
                        .strip_prefix(m.as_str())
                        .is_some_and(|r| r.starts_with('.'))
            })
        }),
        Selection::Named {
            qualified,
            fallback,
        } => match named.get(qualified) {
            Some(s) => recurse(s, missing)?,
            None => recurse(&Selection::Keys(vec![fallback.clone()]), missing)?,
        },
        Selection::Upstream {
            of,
            depth: levels,
            include_self,
        } => {
            let start = recurse(of, missing)?;
            walk(&start, *levels, *include_self, |i| {
                nodes[i].upstream.iter().copied().collect()
            })
        }
        Selection::Downstream {
            of,
            depth: levels,
            include_self,
        } => {
            let start = recurse(of, missing)?;
            walk(&start, *levels, *include_self, |i| {
                nodes
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| n.upstream.contains(&i))
                    .map(|(j, _)| j)
                    .collect()
            })
        }
        Selection::Roots(of) => {
            let set = recurse(of, missing)?;
            set.iter()
                .copied()
                .filter(|&i| nodes[i].upstream.is_disjoint(&set))
                .collect()
        }
        Selection::Sinks(of) => {
            let set = recurse(of, missing)?;
            set.iter()
                .copied()
                .filter(|&i| !set.iter().any(|&j| nodes[j].upstream.contains(&i)))
                .collect()
        }
        Selection::Union(parts) => {
            let mut out = BTreeSet::new();
            for p in parts {
                out.extend(recurse(p, missing)?);
            }
            out
        }
        Selection::Intersection(a, b) => {
            let a = recurse(a, missing)?;
            let b = recurse(b, missing)?;
            a.intersection(&b).copied().collect()
        }
        Selection::Difference(a, b) => {
            let a = recurse(a, missing)?;
            let b = recurse(b, missing)?;
            a.difference(&b).copied().collect()
        }
        Selection::Unknown { text, span } => {
            return Err(Unreadable {
                text: text.clone(),
                span: *span,
            });
        }
    })
}

/// Breadth-first walk from `start` along `next`, at most `levels` steps.
fn walk(
    start: &BTreeSet<usize>,
    levels: Option<usize>,
    include_self: bool,
    next: impl Fn(usize) -> Vec<usize>,
) -> BTreeSet<usize> {
    let mut seen: BTreeSet<usize> = start.clone();
    let mut queue: VecDeque<(usize, usize)> = start.iter().map(|&i| (i, 0)).collect();
    while let Some((i, d)) = queue.pop_front() {
        if levels.is_some_and(|max| d >= max) {
            continue;
        }
        for j in next(i) {
            if seen.insert(j) {
                queue.push_back((j, d + 1));
            }
        }
    }
    if !include_self {
        for i in start {
            seen.remove(i);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(k: &str) -> Box<Selection> {
        Box::new(Selection::Keys(vec![k.into()]))
    }

    #[test]
    fn clause_strings_read_levels() {
        assert_eq!(clause("a"), Some(Selection::Keys(vec!["a".into()])));
        assert_eq!(
            clause("++a"),
            Some(Selection::Upstream {
                of: keys("a"),
                depth: Some(2),
                include_self: true
            })
        );
        assert_eq!(
            clause("a*"),
            Some(Selection::Union(vec![
                Selection::Keys(vec!["a".into()]),
                Selection::Downstream {
                    of: keys("a"),
                    depth: None,
                    include_self: true
                }
            ]))
        );
        assert_eq!(clause("*"), Some(Selection::All));
        assert_eq!(clause("a b"), None);
        assert_eq!(clause("+"), None);
    }

    #[test]
    fn walks_stop_at_their_depth() {
        // 0 <- 1 <- 2 <- 3
        let nodes: Vec<AssetNode> = (0..4)
            .map(|i| AssetNode {
                key: ["a", "b", "c", "d"][i],
                aliases: Vec::new(),
                group: None,
                module: "m",
                upstream: if i == 0 {
                    BTreeSet::new()
                } else {
                    [i - 1].into()
                },
                checks: None,
            })
            .collect();
        let named = BTreeMap::new();
        let run = |s: Selection| evaluate(&s, &nodes, &named).unwrap().0;
        let down = |depth, include_self| Selection::Downstream {
            of: keys("b"),
            depth,
            include_self,
        };
        assert_eq!(run(down(Some(1), true)), [1, 2].into());
        assert_eq!(run(down(None, false)), [2, 3].into());
        assert_eq!(run(Selection::Sinks(Box::new(Selection::All))), [3].into());
        assert_eq!(run(Selection::Roots(Box::new(Selection::All))), [0].into());
        let (_, missing) = evaluate(&Selection::Keys(vec!["z".into()]), &nodes, &named).unwrap();
        assert_eq!(missing, ["z"]);
    }
}
