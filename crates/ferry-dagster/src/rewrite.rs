//! Dagster's runtime API in an asset/op/check body, lowered: every use of the execution
//! context and of Dagster names is rewritten (as edits on the AST, strings and comments
//! untouched) into a use of a runtime binding the step declares in neutral IR terms —
//! a logger, run-configuration values, resources, metadata and check functions, the
//! partition key and window — or, when ferry cannot lower it, into a call of a
//! stand-in that raises, with an F0507 diagnostic at the use.

use std::collections::BTreeMap;

use ferry_diagnostics::{Diagnostic, Span};
use ferry_ir::naming::Namer;
use ferry_ir::{ParamType, RuntimeBinding, RuntimeKind, Value};
use ferry_python::ast::{Expr, Stmt};
use ferry_python::{Edit, FreeNames, Import, ParsedModule, Ranged, Scope, TextRange};

use crate::chains::{Chain, Position, chains};
use crate::partitions::PartitionsKind;

/// What the rewriter needs to know about the definition.
pub struct Env<'a> {
    pub module: &'a ParsedModule,
    pub scope: &'a Scope<'a>,
    /// The body's free names (a chain rooted at one of them is a module-level name).
    pub free: &'a FreeNames,
    /// The execution context parameter, when the function takes one.
    pub context: Option<&'a str>,
    /// The body yields (a generator function).
    pub generator: bool,
    pub partitions: Option<&'a PartitionsKind>,
    /// Legacy `config_schema` fields: (key, type, default).
    pub op_config: &'a [(String, ParamType, Option<Value>)],
    /// The values the job's run configuration gives this op's config fields.
    pub run_config: &'a [(String, Value)],
    /// The asset/op key, for messages.
    pub key: &'a str,
    /// Names the caller already binds (parameters kept as inputs, resource objects).
    pub taken: Vec<String>,
    /// Whether a qualified name is Dagster's API rather than the location's own code.
    pub dagster: &'a dyn Fn(&str) -> bool,
}

/// The edits and what they need.
#[derive(Default)]
pub struct Rewritten {
    pub edits: Vec<Edit>,
    pub runtime: Vec<RuntimeBinding>,
    /// The step input holding the partition key, when the body reads it.
    pub partition_input: Option<String>,
    /// Resources the body reads through `context.resources`: key → binding name.
    pub resources: BTreeMap<String, (String, Span)>,
    /// Imports the rewritten code needs (standard library only).
    pub imports: Vec<Import>,
    pub notes: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// Ranges whose Dagster uses are taken care of.
    pub handled: Vec<TextRange>,
    pub namer: Namer,
    /// Binding names by what they stand for, so each is declared once.
    by_role: BTreeMap<String, String>,
}

fn is_atom(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Name(_)
            | Expr::Attribute(_)
            | Expr::Call(_)
            | Expr::Subscript(_)
            | Expr::StringLiteral(_)
            | Expr::NumberLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::NoneLiteral(_)
            | Expr::List(_)
            | Expr::Dict(_)
            | Expr::Tuple(_)
            | Expr::FString(_)
    )
}

/// Dagster's private module paths name the same objects as the public ones.
pub fn normalise(qualified: &str) -> String {
    if let Some(rest) = qualified.strip_prefix("dagster._") {
        // `dagster._core.definitions.output.Output` → `dagster.Output`: the public
        // name is the first capitalised part.
        let parts: Vec<&str> = rest.split('.').collect();
        if let Some(i) = parts
            .iter()
            .position(|p| p.starts_with(|c: char| c.is_ascii_uppercase()))
        {
            return format!("dagster.{}", parts[i..].join("."));
        }
        if let Some(last) = parts.last() {
            return format!("dagster.{last}");
        }
    }
    qualified.to_string()
}

const METADATA_PLAIN: &[&str] = &[
    "md",
    "text",
    "url",
    "path",
    "json",
    "int",
    "float",
    "bool",
    "timestamp",
    "notebook",
];

impl Rewritten {
    fn binding(&mut self, role: &str, base: &str, kind: RuntimeKind, span: Span) -> String {
        if let Some(n) = self.by_role.get(role) {
            return n.clone();
        }
        let name = self.namer.fresh(base);
        self.by_role.insert(role.to_string(), name.clone());
        self.runtime.push(RuntimeBinding {
            name: name.clone(),
            kind,
            span,
        });
        name
    }

    fn replace(&mut self, range: TextRange, text: impl Into<String>) {
        self.edits.push(Edit::replace(range, text));
        self.handled.push(range);
    }

    /// A stand-in object for `construct` that raises NotImplementedError when it is
    /// called or read from (no diagnostic: the caller reports).
    pub fn stand_in(&mut self, construct: &str, help: &str, span: Span) -> String {
        let leaf: String = construct
            .rsplit(['.', ' '])
            .find(|p| !p.is_empty())
            .unwrap_or(construct)
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        self.binding(
            &format!("unsupported:{construct}"),
            &format!("unsupported_{leaf}"),
            RuntimeKind::Unsupported {
                construct: construct.to_string(),
                help: help.to_string(),
            },
            span,
        )
    }

    fn unsupported(
        &mut self,
        env: &Env<'_>,
        construct: &str,
        help: &str,
        range: TextRange,
    ) -> String {
        let span = env.module.span(&range);
        let name = self.stand_in(construct, help, span);
        self.diagnostics.push(
            Diagnostic::warning(
                "F0507",
                format!(
                    "`{construct}` in the body of `{}` is Dagster runtime API ferry does not translate",
                    env.key
                ),
            )
            .with_primary(span, "Dagster runtime API")
            .with_help(format!(
                "the generated step raises NotImplementedError here; {help}"
            )),
        );
        name
    }

    fn logger(&mut self, span: Span) -> String {
        self.binding("logger", "log", RuntimeKind::Logger, span)
    }

    fn partition_key(&mut self, env: &Env<'_>, span: Span) -> String {
        let input = match &self.partition_input {
            Some(i) => i.clone(),
            None => {
                let i = self.namer.fresh("partition_key");
                self.partition_input = Some(i.clone());
                i
            }
        };
        let dimensions = env.partitions.map(|p| p.dimensions()).unwrap_or_default();
        if dimensions.is_empty() {
            return input;
        }
        self.binding(
            "partition_key_object",
            "partition",
            RuntimeKind::PartitionKey { input, dimensions },
            span,
        )
    }
}

/// Rewrite `body` (the statements after the docstring).
pub fn rewrite(env: &Env<'_>, body: &[Stmt]) -> Rewritten {
    let mut out = Rewritten {
        namer: Namer::with_reserved(
            crate::chains::all_names(body)
                .iter()
                .map(String::as_str)
                .chain(env.taken.iter().map(String::as_str))
                .chain(["self", "cls", "os"]),
        ),
        ..Rewritten::default()
    };
    for chain in chains(body) {
        if Some(chain.root) == env.context {
            context_use(env, &chain, &mut out);
            continue;
        }
        if !env.free.uses(chain.root).contains(&chain.root_range()) {
            continue;
        }
        let Some(q) = env.scope.qualified_name(chain.prefixes[chain.attrs.len()]) else {
            continue;
        };
        let q = normalise(&q);
        if (env.dagster)(&q) {
            dagster_use(env, &chain, &q, &mut out);
        }
    }
    out
}

fn context_use(env: &Env<'_>, chain: &Chain<'_>, out: &mut Rewritten) {
    let span = env.module.span(&chain.range());
    let Some(first) = chain.attrs.first().copied() else {
        let name = out.unsupported(
            env,
            "the Dagster execution context passed on as an object",
            "pass the values the callee reads (a logger, the partition key) instead",
            chain.root_range(),
        );
        out.replace(chain.root_range(), format!("{name}()"));
        return;
    };
    let prefix1 = chain.prefix_range(1);
    match first {
        "log" => {
            let name = out.logger(span);
            out.replace(prefix1, name);
        }
        "partition_key" | "asset_partition_key_for_output" if env.partitions.is_some() => {
            let name = out.partition_key(env, span);
            let range = match (first, chain.call) {
                ("asset_partition_key_for_output", Some(call)) if chain.attrs.len() == 1 => {
                    call.range()
                }
                ("asset_partition_key_for_output", _) => {
                    context_unsupported(env, chain, out);
                    return;
                }
                _ => prefix1,
            };
            out.replace(range, name);
        }
        "partition_keys" if env.partitions.is_some() && chain.attrs.len() == 1 => {
            let name = out.partition_key(env, span);
            out.notes.push(
                "context.partition_keys became the one key of the run: backfills run once per key"
                    .into(),
            );
            out.replace(prefix1, format!("[{name}]"));
        }
        "has_partition_key" if chain.attrs.len() == 1 => {
            if env.partitions.is_some() {
                let name = out.partition_key(env, span);
                out.replace(prefix1, format!("({name} is not None)"));
            } else {
                out.replace(prefix1, "False");
            }
        }
        "partition_time_window" if env.partitions.is_some() => {
            let Some(crate::partitions::TimeDimension {
                dimension,
                period: Some(period),
                format,
                timezone,
            }) = env.partitions.and_then(|p| p.time())
            else {
                context_unsupported(env, chain, out);
                return;
            };
            let key = out.partition_key(env, span);
            let input = out.partition_input.clone().unwrap_or(key);
            let name = out.binding(
                "partition_window",
                "time_window",
                RuntimeKind::PartitionWindow {
                    input,
                    dimension,
                    format,
                    period,
                    timezone,
                },
                span,
            );
            out.replace(prefix1, name);
        }
        "op_config" => op_config(env, chain, out),
        "resources" if chain.attrs.len() >= 2 => {
            let key = chain.attrs[1].to_string();
            let name = match out.resources.get(&key) {
                Some((n, _)) => n.clone(),
                None => {
                    let n = out.namer.fresh(&key);
                    out.resources.insert(key, (n.clone(), span));
                    n
                }
            };
            out.replace(chain.prefix_range(2), name);
        }
        "add_output_metadata" | "add_asset_metadata" if chain.call.is_some() => {
            let name = out.binding(
                "record_metadata",
                "record_metadata",
                RuntimeKind::RecordMetadata,
                span,
            );
            out.replace(prefix1, name);
        }
        _ => context_unsupported(env, chain, out),
    }
}

fn context_unsupported(env: &Env<'_>, chain: &Chain<'_>, out: &mut Rewritten) {
    let construct = format!("context.{}", chain.attrs[0]);
    let help = match chain.attrs[0] {
        "instance" => {
            "the Dagster instance (event log, run storage) has no ZenML equivalent; query ZenML's Client() instead"
        }
        "run_id" | "run" | "dagster_run" => {
            "read the run from zenml.get_step_context().pipeline_run"
        }
        "asset_key" | "asset_key_for_output" | "asset_key_for_input" => {
            "use the asset's name as a string"
        }
        _ => "replace it with what the step needs",
    };
    let name = out.unsupported(env, &construct, help, chain.prefix_range(1));
    out.replace(chain.prefix_range(1), format!("{name}()"));
}

fn op_config(env: &Env<'_>, chain: &Chain<'_>, out: &mut Rewritten) {
    let span = env.module.span(&chain.range());
    let config = |out: &mut Rewritten, key: &str| -> String {
        let schema = env.op_config.iter().find(|(k, _, _)| k == key);
        let (ty, default) = match schema {
            Some((_, ty, default)) => (*ty, default.clone()),
            None => (ParamType::Json, None),
        };
        out.binding(
            &format!("config:{key}"),
            key,
            RuntimeKind::Config {
                key: key.to_string(),
                ty,
                default,
                value: env
                    .run_config
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.clone()),
            },
            span,
        )
    };
    let literal_key = |e: &Expr| match e {
        Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
        _ => None,
    };
    if chain.attrs.len() == 1
        && let Some(sub) = chain.subscript
        && let Some(key) = literal_key(&sub.slice)
    {
        let name = config(out, &key);
        out.replace(sub.range(), name);
        return;
    }
    if chain.attrs.len() == 2
        && chain.attrs[1] == "get"
        && let Some(call) = chain.call
        && let Some(key) = call.arguments.args.first().and_then(literal_key)
        && call.arguments.keywords.is_empty()
        && call.arguments.args.len() <= 2
    {
        let name = config(out, &key);
        out.replace(call.range(), name);
        return;
    }
    // The whole configuration as a dict.
    let defaults: Vec<(String, Value)> = env
        .op_config
        .iter()
        .filter_map(|(k, _, d)| d.clone().map(|d| (k.clone(), d)))
        .collect();
    let name = out.binding(
        "config:*",
        "op_config",
        RuntimeKind::Config {
            key: String::new(),
            ty: ParamType::Json,
            default: Some(Value::Object(defaults.clone())),
            value: (!env.run_config.is_empty()).then(|| {
                // The run configuration over the schema's defaults, as Dagster merges them.
                let mut merged = defaults.clone();
                for (k, v) in env.run_config {
                    match merged.iter_mut().find(|(m, _)| m == k) {
                        Some(slot) => slot.1 = v.clone(),
                        None => merged.push((k.clone(), v.clone())),
                    }
                }
                Value::Object(merged)
            }),
        },
        span,
    );
    out.replace(chain.prefix_range(1), name);
}

fn dagster_use(env: &Env<'_>, chain: &Chain<'_>, q: &str, out: &mut Rewritten) {
    let span = env.module.span(&chain.range());
    let whole = chain.range();
    if chain.position == Position::Annotation {
        // Annotations inside a body are evaluated when the code runs; the type does
        // not matter there.
        let range = chain.annotation.unwrap_or(whole);
        if !out.handled.contains(&range) {
            out.replace(range, "object");
        }
        return;
    }
    let api = q.strip_prefix("dagster.").unwrap_or(q);
    match (api, chain.call) {
        ("Output" | "DynamicOutput" | "MaterializeResult", Some(call))
            if call.arguments.args.len() <= 1
                && (api != "MaterializeResult" || call.arguments.args.is_empty()) =>
        {
            let (role, base, kind) = if env.generator {
                ("yield_output", "emit_output", RuntimeKind::YieldOutput)
            } else {
                ("return_output", "output_value", RuntimeKind::ReturnOutput)
            };
            let name = out.binding(role, base, kind, span);
            out.replace(whole, name);
            if call.arguments.keywords.iter().any(|k| {
                k.arg.as_ref().is_some_and(|a| {
                    matches!(
                        a.as_str(),
                        "data_version" | "tags" | "check_results" | "asset_key"
                    )
                })
            }) {
                out.notes.push(format!(
                    "{api}(...) keeps its value and metadata; data versions, tags and asset keys are not migrated"
                ));
            }
        }
        ("AssetCheckResult", Some(call)) if call.arguments.args.is_empty() => {
            let name = out.binding(
                "check_result",
                "check_result",
                RuntimeKind::CheckResult { blocking: false },
                span,
            );
            out.replace(whole, name);
        }
        ("AssetCheckSeverity.WARN", _) => out.replace(whole, "\"WARN\""),
        ("AssetCheckSeverity.ERROR", _) => out.replace(whole, "\"ERROR\""),
        (m, Some(call))
            if m.strip_prefix("MetadataValue.")
                .is_some_and(|k| METADATA_PLAIN.contains(&k))
                && call.arguments.args.len() == 1
                && call.arguments.keywords.is_empty() =>
        {
            // The plain value: ZenML metadata takes strings, numbers, dicts and lists.
            let arg = &call.arguments.args[0];
            let (open, close) = if is_atom(arg) { ("", "") } else { ("(", ")") };
            let call_range = call.range();
            out.edits.push(Edit::replace(
                TextRange::new(call_range.start(), arg.range().start()),
                open,
            ));
            out.edits.push(Edit::replace(
                TextRange::new(arg.range().end(), call_range.end()),
                close,
            ));
            out.handled.push(whole);
        }
        ("get_dagster_logger", Some(call)) => {
            let name = out.logger(span);
            out.replace(call.range(), name);
        }
        ("file_relative_path", Some(call))
            if call.arguments.args.len() == 2 && call.arguments.keywords.is_empty() =>
        {
            let (a, b) = (&call.arguments.args[0], &call.arguments.args[1]);
            let call_range = call.range();
            out.edits.push(Edit::replace(
                TextRange::new(call_range.start(), a.range().start()),
                "os.path.join(os.path.dirname(",
            ));
            out.edits.push(Edit::replace(
                TextRange::new(a.range().end(), b.range().start()),
                "), ",
            ));
            out.edits.push(Edit::replace(
                TextRange::new(b.range().end(), call_range.end()),
                ")",
            ));
            out.handled.push(whole);
            out.imports.push(Import::Module {
                module: "os".into(),
                asname: None,
            });
        }
        _ => {
            let help = match api {
                "AssetMaterialization" | "AssetObservation" => {
                    "record the metadata with the step's output instead"
                }
                "Failure" | "RetryRequested" => "raise an ordinary exception",
                "AssetKey" => "use the asset's name as a string",
                _ => "replace it with plain Python or its ZenML equivalent",
            };
            let name = out.unsupported(env, q, help, whole);
            out.replace(whole, format!("{name}()"));
        }
    }
}

/// Whether the statements yield at function level (nested functions and classes do not
/// count).
pub fn is_generator(body: &[Stmt]) -> bool {
    use ferry_python::ast::visitor::{self, Visitor};
    #[derive(Default)]
    struct Finder(bool);
    impl<'a> Visitor<'a> for Finder {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                _ => visitor::walk_stmt(self, stmt),
            }
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Yield(_) | Expr::YieldFrom(_) => self.0 = true,
                Expr::Lambda(_) => {}
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    let mut f = Finder::default();
    for s in body {
        f.visit_stmt(s);
    }
    f.0
}
