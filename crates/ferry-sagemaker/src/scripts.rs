//! The user's scripts: a `code=` / `entry_point=` / `source_dir=` / `dependencies=`
//! expression resolved to paths in the input tree (string literals, module-level path
//! constants, `os.path.join(BASE_DIR, "x.py")` over `__file__`, f-strings over
//! constants; an S3 URI by the tail of its key), the files carried into the project
//! byte for byte under `steps/scripts/` (mirroring the input tree, so imports between
//! them keep working), and the distributions their imports need.

use std::collections::BTreeSet;

use ferry_diagnostics::{Diagnostic, MigrationFlag, Span};
use ferry_ir::{Dependency, ProjectFile, Value};
use ferry_python::Ranged;
use ferry_python::ast::{Expr, InterpolatedStringElement};

use crate::companions::{join, normalise};
use crate::lower::{Lowerer, MAX_DEPTH};

/// Where carried scripts live in the generated project.
pub const SCRIPTS_DIR: &str = "steps/scripts";

/// A wanted path with this prefix asks for the one file of the input tree with that
/// name (for S3 objects, whose local copy may sit anywhere in the tree).
pub const SEARCH: &str = "**/";

/// The project path of a file or folder at `root_relative` in the input tree; parts
/// above the tree (a `../` the pipeline names) become `_up`.
pub fn project_path(root_relative: &str) -> String {
    if root_relative == "." || root_relative.is_empty() {
        return SCRIPTS_DIR.to_string();
    }
    let parts: Vec<&str> = root_relative
        .split('/')
        .map(|p| if p == ".." { "_up" } else { p })
        .collect();
    format!("{SCRIPTS_DIR}/{}", parts.join("/"))
}

/// What a path expression evaluates to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// Known text (a relative path, or an S3 URI).
    Text(String),
    /// The pipeline file's folder (`os.path.dirname(__file__)`, `os.getcwd()`).
    Base,
    /// Text after which only this literal is known (`f"s3://{bucket}/x/y.py"`).
    Tail(String),
    Unknown,
}

/// A code location named by the source, with the candidate paths it may be (relative to
/// the pipeline's folder, best first).
#[derive(Debug, Clone)]
pub struct CodeRef {
    pub written: String,
    pub candidates: Vec<String>,
    /// The source named an S3 object: the candidates are local files whose path ends
    /// like its key.
    pub from_s3: bool,
    pub span: Span,
}

/// A script or folder found in the input tree.
#[derive(Debug, Clone)]
pub struct Found {
    /// The matching candidate (relative to the pipeline's folder).
    pub path: String,
    /// Its path in the generated project.
    pub project_path: String,
    pub from_s3: bool,
}

impl<'a> Lowerer<'a> {
    fn piece(&self, expr: &'a Expr, depth: usize) -> Piece {
        if depth > MAX_DEPTH {
            return Piece::Unknown;
        }
        let expr = self.follow(expr);
        if let Ok(Value::String(s)) = self.fold(expr) {
            return Piece::Text(s);
        }
        match expr {
            Expr::Name(n) if n.id.as_str() == "__file__" => Piece::Text(String::new()),
            Expr::Call(call) => {
                let callee = self.scope.qualified_name(&call.func).unwrap_or_default();
                let args: Vec<&'a Expr> = call.arguments.args.iter().collect();
                match callee.as_str() {
                    "os.path.join" | "posixpath.join" => {
                        let mut acc = Piece::Text(String::new());
                        for a in args {
                            acc = concat_path(acc, self.piece(a, depth + 1));
                        }
                        acc
                    }
                    "os.path.dirname" => match args.first().map(|a| self.file_based(a, depth)) {
                        Some(true) => Piece::Base,
                        _ => Piece::Unknown,
                    },
                    "os.getcwd" => Piece::Base,
                    "os.path.realpath" | "os.path.abspath" | "os.path.normpath" | "str" => {
                        match args.first() {
                            Some(a) => self.piece(a, depth + 1),
                            None => Piece::Unknown,
                        }
                    }
                    _ => self.format_call(call, depth),
                }
            }
            // `estimator.entry_point`: that keyword of the job object.
            Expr::Attribute(attr)
                if matches!(
                    attr.attr.id.as_str(),
                    "entry_point" | "source_dir" | "code" | "dependencies"
                ) =>
            {
                match self.classify(&attr.value) {
                    crate::values::Thing::SagemakerObject(call, _) => call
                        .arguments
                        .find_keyword(attr.attr.id.as_str())
                        .map_or(Piece::Unknown, |k| self.piece(&k.value, depth + 1)),
                    _ => Piece::Unknown,
                }
            }
            Expr::Attribute(attr) if attr.attr.id.as_str() == "parent" => {
                if self.file_based(&attr.value, depth) {
                    Piece::Base
                } else {
                    Piece::Unknown
                }
            }
            Expr::BinOp(bin) => {
                let (l, r) = (
                    self.piece(&bin.left, depth + 1),
                    self.piece(&bin.right, depth + 1),
                );
                match bin.op {
                    ferry_python::ast::Operator::Add => concat_text(l, r),
                    ferry_python::ast::Operator::Div => concat_path(l, r),
                    _ => Piece::Unknown,
                }
            }
            Expr::FString(f) => {
                let mut acc = Piece::Text(String::new());
                for element in f.value.elements() {
                    let next = match element {
                        InterpolatedStringElement::Literal(l) => Piece::Text(l.value.to_string()),
                        InterpolatedStringElement::Interpolation(i) => {
                            self.piece(&i.expression, depth + 1)
                        }
                    };
                    acc = concat_text(acc, next);
                }
                acc
            }
            _ => Piece::Unknown,
        }
    }

    /// Whether `expr` is `__file__` or a path made from it (`Path(__file__).resolve()`).
    fn file_based(&self, expr: &'a Expr, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match self.follow(expr) {
            Expr::Name(n) => n.id.as_str() == "__file__",
            Expr::Call(call) => {
                let callee = self.scope.qualified_name(&call.func).unwrap_or_default();
                let inner = call.arguments.args.first();
                match (callee.as_str(), &*call.func) {
                    ("os.path.realpath" | "os.path.abspath" | "pathlib.Path" | "str", _) => {
                        inner.is_some_and(|a| self.file_based(a, depth + 1))
                    }
                    (_, Expr::Attribute(a))
                        if matches!(a.attr.id.as_str(), "resolve" | "absolute") =>
                    {
                        self.file_based(&a.value, depth + 1)
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// `"s3://{}/code/x.py".format(bucket)`: the text after the last placeholder.
    fn format_call(&self, call: &'a ferry_python::ast::ExprCall, _depth: usize) -> Piece {
        let Expr::Attribute(attr) = &*call.func else {
            return Piece::Unknown;
        };
        if attr.attr.id.as_str() != "format" {
            return Piece::Unknown;
        }
        match self.fold(&attr.value) {
            Ok(Value::String(template)) => match template.rfind('}') {
                Some(i) => Piece::Tail(template[i + 1..].to_string()),
                None => Piece::Text(template),
            },
            _ => Piece::Unknown,
        }
    }

    /// The candidate paths `expr` may name (relative to the pipeline's folder); `None`
    /// when it is not a path ferry can follow.
    pub(crate) fn code_ref(&self, expr: &'a Expr) -> Option<CodeRef> {
        let written = self.module.text_of(expr).to_string();
        let span = self.span(expr);
        let (candidates, from_s3) = match self.piece(expr, 0) {
            Piece::Base => (vec![".".to_string()], false),
            Piece::Text(t) if t.starts_with("s3://") => {
                let key = t["s3://".len()..].split_once('/').map(|(_, k)| k)?;
                (self.tail_candidates(key), true)
            }
            Piece::Text(t) if t.starts_with('/') || t.contains("://") => return None,
            // The SDK resolves a relative path against the working directory the
            // pipeline is built from: the pipeline's folder first, else one folder up
            // (a notebook in `pipelines/` run from the repository root).
            Piece::Text(t) => {
                let near = normalise(&t)?;
                let mut candidates = vec![near.clone()];
                if !near.starts_with("..")
                    && let Some(up) = join("..", &near)
                {
                    candidates.push(up);
                }
                (candidates, false)
            }
            Piece::Tail(t) if written.contains("s3://") || t.contains('/') => {
                (self.tail_candidates(&t), true)
            }
            _ => return None,
        };
        (!candidates.is_empty()).then_some(CodeRef {
            written,
            candidates,
            from_s3,
            span,
        })
    }

    /// For an S3 key (or its known tail): its trailing parts, longest first, relative to
    /// the pipeline's folder and to the input tree's root.
    fn tail_candidates(&self, key: &str) -> Vec<String> {
        let parts: Vec<&str> = key
            .split('/')
            .filter(|p| !p.is_empty() && *p != "." && *p != "..")
            .collect();
        let up = self.root_prefix();
        let mut out = Vec::new();
        for start in 0..parts.len() {
            let tail = parts[start..].join("/");
            for base in [".", up.as_str()] {
                if let Some(c) = join(base, &tail)
                    && !out.contains(&c)
                {
                    out.push(c);
                }
            }
        }
        // Then: the one file of the input tree with the object's name, wherever it is.
        if let Some(name) = parts.last() {
            out.push(format!("{SEARCH}{name}"));
        }
        // Last: a tail with a folder, one level above the pipeline's folder (a
        // notebook in `pipelines/` uploading `./scripts/x.py` from the repository root).
        for start in 0..parts.len().saturating_sub(1) {
            if let Some(c) = join("..", &parts[start..].join("/"))
                && !out.contains(&c)
            {
                out.push(c);
            }
        }
        out
    }

    /// The input tree's root, relative to the pipeline's folder (`.`, `..`, `../..`).
    fn root_prefix(&self) -> String {
        let depth = self
            .options
            .pipeline_dir
            .split('/')
            .filter(|p| !p.is_empty() && *p != ".")
            .count();
        if depth == 0 {
            ".".into()
        } else {
            vec![".."; depth].join("/")
        }
    }

    /// Look a code reference up: the first candidate that is a file (`folder`: a
    /// folder). Records what it asked for, for the caller's first pass.
    pub(crate) fn find_code(&mut self, code: &CodeRef, folder: bool) -> Option<Found> {
        self.wanted.extend(code.candidates.iter().cloned());
        let companions = self.options.companions.as_ref()?;
        for c in &code.candidates {
            let root_relative = if folder {
                companions
                    .folders
                    .contains_key(c)
                    .then(|| self.root_relative(c))
                    .flatten()
            } else {
                companions.files.get(c).map(|(r, _)| r.clone())
            };
            if let Some(r) = root_relative {
                return Some(Found {
                    path: c.clone(),
                    project_path: project_path(&r),
                    from_s3: code.from_s3,
                });
            }
        }
        None
    }

    /// A path relative to the pipeline's folder, made relative to the input tree's root.
    fn root_relative(&self, path: &str) -> Option<String> {
        let dir = self.options.pipeline_dir.trim_matches('/');
        if dir.is_empty() {
            normalise(path)
        } else {
            normalise(&format!("{dir}/{path}"))
        }
    }

    /// The diagnostic and expected path for a script the input tree does not hold.
    pub(crate) fn missing_code(&mut self, code: &CodeRef, what: &str, step: &str) -> String {
        let companions = self.options.companions.as_ref();
        let outside =
            companions.is_some_and(|c| code.candidates.iter().any(|p| c.outside.contains(p)));
        let expected = code.candidates.first().cloned().unwrap_or_default();
        let message = if code.from_s3 {
            format!(
                "the {what} of step `{step}` is the S3 object `{}`; no file of the input tree matches its key (looked for `{}`)",
                code.written,
                code.candidates.join("`, `")
            )
        } else if outside {
            format!("the {what} of step `{step}`, `{expected}`, lies outside the input tree")
        } else {
            format!("the {what} of step `{step}` is not in the input tree: expected `{expected}`")
        };
        self.diagnostics.push(
            Diagnostic::warning("F0424", message)
                .with_primary(code.span, "names the script")
                .with_flag(MigrationFlag::High)
                .with_help(if outside {
                    "compile the folder that holds both the pipeline and its scripts"
                } else {
                    "add the script next to the pipeline file (at the expected path) and compile again"
                }),
        );
        expected
    }

    /// Carry every file of a found script (or folder) into the project, with the
    /// distributions its Python imports need. Returns the project paths carried.
    pub(crate) fn carry_code(&mut self, found: &Found, folder: bool, what: &str) -> Vec<String> {
        let Some(companions) = self.options.companions.as_ref() else {
            return Vec::new();
        };
        let paths: Vec<String> = if folder {
            companions
                .folders
                .get(&found.path)
                .cloned()
                .unwrap_or_default()
        } else {
            vec![found.path.clone()]
        };
        let mut carried = Vec::new();
        for p in paths {
            let Some((root_relative, file)) = companions.files.get(&p).cloned() else {
                continue;
            };
            let Some(source) = self.sources.get(file) else {
                continue;
            };
            let project_path = project_path(&root_relative);
            carried.push(project_path.clone());
            if self.files.iter().any(|f| f.path == project_path) {
                continue;
            }
            self.files.push(ProjectFile {
                path: project_path,
                what: format!("{what} `{root_relative}`"),
                text: source.text.clone(),
                span: Span::new(file, 0, source.text.len()),
                verbatim: true,
            });
            if p.ends_with(".py") {
                self.script_dependencies(file, &root_relative);
            } else if p.ends_with("requirements.txt") {
                self.requirements(file, &source.text);
            }
        }
        carried
    }

    /// Distributions a carried script imports (not the standard library, not modules
    /// carried next to it).
    fn script_dependencies(&mut self, file: ferry_diagnostics::FileId, root_relative: &str) {
        let Some((parsed, problems)) = ferry_python::parse(self.sources, file) else {
            return;
        };
        if !problems.is_empty() {
            self.diagnostics.push(
                Diagnostic::warning(
                    "F0425",
                    format!("the script `{root_relative}` does not parse as Python 3; it is carried as written and will fail when it runs"),
                )
                .with_primary(Span::new(file, 0, 0), "this script"),
            );
        }
        let siblings: BTreeSet<String> = self
            .options
            .companions
            .as_ref()
            .map(|c| {
                c.files
                    .values()
                    .filter_map(|(r, _)| {
                        let name = r.rsplit('/').next()?;
                        Some(name.trim_end_matches(".py").to_string())
                    })
                    .chain(
                        c.folders
                            .keys()
                            .filter_map(|f| f.rsplit('/').next().map(str::to_string)),
                    )
                    .collect()
            })
            .unwrap_or_default();
        let mut stack: Vec<&ferry_python::ast::Stmt> = parsed.body().iter().collect();
        let mut seen = 0usize;
        while let Some(stmt) = stack.pop() {
            seen += 1;
            if seen > 100_000 {
                break;
            }
            use ferry_python::ast::Stmt;
            match stmt {
                Stmt::If(s) => {
                    stack.extend(s.body.iter());
                    for c in &s.elif_else_clauses {
                        stack.extend(c.body.iter());
                    }
                }
                Stmt::Try(s) => {
                    stack.extend(s.body.iter());
                    stack.extend(s.orelse.iter());
                }
                Stmt::FunctionDef(f) => stack.extend(f.body.iter()),
                _ => {}
            }
            for import in ferry_python::imports_in(stmt) {
                let Some(top) = import.top_module() else {
                    continue;
                };
                let top = top.split('.').next().unwrap_or(top).to_string();
                if siblings.contains(&top) || top.is_empty() {
                    continue;
                }
                let Some(distribution) = ferry_python::distribution_for(&top) else {
                    continue;
                };
                if !self.dependencies.iter().any(|d| d.import == top) {
                    self.dependencies.push(Dependency {
                        distribution,
                        import: top,
                        span: parsed.span(&stmt.range()),
                    });
                }
            }
        }
    }

    /// `requirements.txt` of a source folder (the framework containers install it).
    fn requirements(&mut self, file: ferry_diagnostics::FileId, text: &str) {
        for (offset, line) in line_offsets(text) {
            let spec = line.split('#').next().unwrap_or("").trim();
            if spec.is_empty() || spec.starts_with('-') || spec.contains(['@', ';', ' ']) {
                continue;
            }
            let name_end = spec
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
                .unwrap_or(spec.len());
            let import = spec[..name_end]
                .to_ascii_lowercase()
                .replace(['-', '.'], "_");
            if import.is_empty() || self.dependencies.iter().any(|d| d.import == import) {
                continue;
            }
            self.dependencies.push(Dependency {
                distribution: spec.to_string(),
                import,
                span: Span::new(file, offset, offset + line.len()),
            });
        }
    }
}

fn line_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |l| {
        let start = offset;
        offset += l.len();
        (start, l.trim_end_matches(['\n', '\r']))
    })
}

fn concat_text(a: Piece, b: Piece) -> Piece {
    match (a, b) {
        (Piece::Text(x), Piece::Text(y)) => Piece::Text(x + &y),
        (Piece::Text(x), Piece::Base) if x.is_empty() => Piece::Base,
        (Piece::Base, Piece::Text(y)) => match y.strip_prefix('/') {
            Some(rest) => Piece::Text(rest.to_string()),
            None => Piece::Unknown,
        },
        (Piece::Tail(x), Piece::Text(y)) => Piece::Tail(x + &y),
        (_, Piece::Text(y)) => Piece::Tail(y),
        _ => Piece::Unknown,
    }
}

fn concat_path(a: Piece, b: Piece) -> Piece {
    match (a, b) {
        (_, Piece::Text(y)) if y.starts_with('/') => Piece::Text(y),
        (Piece::Text(x), Piece::Text(y)) if x.is_empty() => Piece::Text(y),
        (Piece::Text(x), Piece::Text(y)) => Piece::Text(format!("{}/{y}", x.trim_end_matches('/'))),
        (Piece::Text(x), Piece::Base) if x.is_empty() => Piece::Base,
        (Piece::Base, Piece::Text(y)) => Piece::Text(y),
        (Piece::Tail(x), Piece::Text(y)) => Piece::Tail(format!("{}/{y}", x.trim_end_matches('/'))),
        (_, Piece::Text(y)) => Piece::Tail(y),
        _ => Piece::Unknown,
    }
}
