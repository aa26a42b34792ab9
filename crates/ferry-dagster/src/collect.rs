//! First pass over a code location: find every Dagster definition in every module
//! (assets, ops, jobs, schedules, sensors, resources, partitions, external assets).

use std::collections::BTreeMap;

use ferry_diagnostics::{Diagnostic, Span};
use ferry_python::ast::{Expr, Stmt, StmtFunctionDef};
use ferry_python::{CallInfo, ParsedModule, Scope};

/// What a decorated function is.
#[derive(Debug, Clone, PartialEq)]
pub enum DefKind {
    Asset,
    /// `@multi_asset(outs={...})`: the output names.
    MultiAsset(Vec<String>),
    GraphAsset,
    Op,
    /// `@asset_check(asset=...)`: the checked asset key.
    Check(String),
}

pub struct Definition<'a> {
    pub kind: DefKind,
    /// Asset key, or the op's name.
    pub key: String,
    pub module: &'a ParsedModule,
    pub scope: &'a Scope<'a>,
    pub def: &'a StmtFunctionDef,
    pub decorator: Option<CallInfo<'a>>,
    pub span: Span,
    pub group: Option<String>,
    pub partitioned: bool,
}

pub struct AssetJob {
    pub name: String,
    /// `None`: every asset.
    pub selection: Option<Vec<String>>,
    pub groups: Vec<String>,
    pub span: Span,
}

pub struct OpJob<'a> {
    pub name: String,
    pub module: &'a ParsedModule,
    pub def: &'a StmtFunctionDef,
    pub span: Span,
}

pub enum TriggerDef {
    Schedule {
        name: String,
        job: Option<String>,
        cron: String,
        timezone: Option<String>,
        span: Span,
    },
    Sensor {
        name: String,
        job: Option<String>,
        description: String,
        span: Span,
    },
}

pub struct ResourceDef {
    pub name: String,
    pub kind: &'static str,
    pub span: Span,
    pub note: String,
}

#[derive(Default)]
pub struct Location<'a> {
    pub definitions: Vec<Definition<'a>>,
    pub asset_jobs: Vec<AssetJob>,
    pub op_jobs: Vec<OpJob<'a>>,
    pub triggers: Vec<TriggerDef>,
    pub resources: Vec<ResourceDef>,
    /// Keys of SourceAsset / AssetSpec / observable source assets.
    pub external: BTreeMap<String, Span>,
    /// Names bound to partitions definitions.
    pub partitions: BTreeMap<String, Span>,
    /// Config classes: their fields with defaults.
    pub configs: BTreeMap<String, Vec<(String, Option<ferry_ir::Value>)>>,
}

fn string(expr: Option<&Expr>) -> Option<String> {
    match expr? {
        Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
        _ => None,
    }
}

/// A name, attribute chain's last part, or string: how jobs and selections refer to
/// assets and jobs.
pub fn reference(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Name(n) => Some(n.id.to_string()),
        Expr::Attribute(a) => Some(a.attr.id.to_string()),
        Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
        _ => None,
    }
}

fn list_items(expr: Option<&Expr>) -> Vec<&Expr> {
    match expr {
        Some(Expr::List(l)) => l.elts.iter().collect(),
        Some(Expr::Tuple(t)) => t.elts.iter().collect(),
        Some(e) => vec![e],
        None => Vec::new(),
    }
}

impl<'a> Location<'a> {
    pub fn collect(
        &mut self,
        module: &'a ParsedModule,
        scope: &'a Scope<'a>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        for stmt in module.body() {
            match stmt {
                Stmt::FunctionDef(def) => self.function(module, scope, def, diagnostics),
                Stmt::Assign(assign) => {
                    let name = assign
                        .targets
                        .first()
                        .and_then(reference)
                        .unwrap_or_default();
                    self.assignment(module, scope, &name, &assign.value, diagnostics);
                }
                Stmt::Expr(e) => self.assignment(module, scope, "", &e.value, diagnostics),
                Stmt::ClassDef(class) => {
                    let bases: Vec<String> = class
                        .arguments
                        .iter()
                        .flat_map(|a| a.args.iter())
                        .filter_map(|b| scope.qualified_name(b))
                        .collect();
                    let (kind, note) = if bases.iter().any(|b| b.ends_with("IOManager")) {
                        (
                            "io_manager",
                            "IO manager: storage moves to the ZenML artifact store and materializers; business logic inside handle_output/load_input must move into steps",
                        )
                    } else if bases.iter().any(|b| b == "dagster.ConfigurableResource") {
                        (
                            "resource",
                            "resource: becomes a stack component or a client created inside steps; secrets through ZenML secrets",
                        )
                    } else if bases.iter().any(|b| b == "dagster.Config") {
                        let fields = class
                            .body
                            .iter()
                            .filter_map(|s| match s {
                                Stmt::AnnAssign(a) => Some((
                                    reference(&a.target)?,
                                    a.value
                                        .as_deref()
                                        .and_then(|v| ferry_python::fold(module, scope, v).ok()),
                                )),
                                _ => None,
                            })
                            .collect();
                        self.configs.insert(class.name.id.to_string(), fields);
                        (
                            "config",
                            "run config: fields become step parameters, set in configs/*.yaml",
                        )
                    } else {
                        continue;
                    };
                    self.resources.push(ResourceDef {
                        name: class.name.id.to_string(),
                        kind,
                        span: module.span(class),
                        note: note.into(),
                    });
                }
                _ => {}
            }
        }
    }

    fn function(
        &mut self,
        module: &'a ParsedModule,
        scope: &'a Scope<'a>,
        def: &'a StmtFunctionDef,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let name = def.name.id.to_string();
        for decorator in &def.decorator_list {
            let expr = &decorator.expression;
            let call = CallInfo::of(module, scope, expr);
            let callee = match expr {
                Expr::Call(c) => scope.qualified_name(&c.func),
                other => scope.qualified_name(other),
            };
            let Some(callee) = callee else { continue };
            let Some(api) = callee.strip_prefix("dagster.") else {
                continue;
            };
            let span = module.span(def);
            let keyword = |k: &str| call.as_ref().and_then(|c| c.keyword(k));
            let key = string(keyword("name"))
                .or_else(|| keyword("key").and_then(reference))
                .unwrap_or_else(|| name.clone());
            let key = match keyword("key_prefix").and_then(reference) {
                Some(prefix) => format!("{prefix}/{key}"),
                None => key,
            };
            let kind = match api {
                "asset" => DefKind::Asset,
                "multi_asset" => {
                    let outs = match keyword("outs") {
                        Some(Expr::Dict(d)) => d
                            .items
                            .iter()
                            .filter_map(|i| i.key.as_ref().and_then(reference))
                            .collect(),
                        _ => vec![name.clone()],
                    };
                    DefKind::MultiAsset(outs)
                }
                "graph_asset" | "graph_multi_asset" => DefKind::GraphAsset,
                "op" => DefKind::Op,
                "asset_check" => {
                    DefKind::Check(keyword("asset").and_then(reference).unwrap_or_default())
                }
                "job" | "graph" => {
                    self.op_jobs.push(OpJob {
                        name: key,
                        module,
                        def,
                        span,
                    });
                    return;
                }
                "schedule" => {
                    let cron = string(keyword("cron_schedule")).unwrap_or_default();
                    let job = keyword("job")
                        .and_then(reference)
                        .or_else(|| string(keyword("job_name")));
                    self.triggers.push(TriggerDef::Schedule {
                        name,
                        job,
                        cron,
                        timezone: string(keyword("execution_timezone")),
                        span,
                    });
                    return;
                }
                "sensor" | "asset_sensor" | "multi_asset_sensor" | "run_status_sensor"
                | "run_failure_sensor" => {
                    let job = keyword("job")
                        .and_then(reference)
                        .or_else(|| string(keyword("job_name")));
                    self.triggers.push(TriggerDef::Sensor {
                        name,
                        job,
                        description: format!("@{api}"),
                        span,
                    });
                    return;
                }
                "observable_source_asset" => {
                    self.external.insert(key, span);
                    return;
                }
                "definitions" | "repository" => return,
                other => {
                    diagnostics.push(
                        Diagnostic::warning("F0501", format!("`@{other}` is not translated"))
                            .with_primary(module.span(expr), "this decorator")
                            .with_help("the function is not part of any generated pipeline"),
                    );
                    return;
                }
            };
            let partitioned = keyword("partitions_def").is_some();
            let group = string(keyword("group_name"));
            self.definitions.push(Definition {
                kind,
                key,
                module,
                scope,
                def,
                decorator: call,
                span,
                group,
                partitioned,
            });
            return;
        }
    }

    fn assignment(
        &mut self,
        module: &'a ParsedModule,
        scope: &'a Scope<'a>,
        name: &str,
        value: &'a Expr,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let Some(call) = CallInfo::of(module, scope, value) else {
            return;
        };
        let Some(callee) = call.callee.clone() else {
            return;
        };
        let Some(api) = callee.strip_prefix("dagster.") else {
            return;
        };
        let span = call.span;
        match api {
            "define_asset_job" => {
                let job_name = string(call.arg(0, "name")).unwrap_or_else(|| name.to_string());
                let (selection, groups) = selection(
                    call.keyword("selection").or(call.args.get(1).copied()),
                    diagnostics,
                    module,
                );
                self.asset_jobs.push(AssetJob {
                    name: job_name,
                    selection,
                    groups,
                    span,
                });
            }
            "ScheduleDefinition" => {
                let job = call
                    .keyword("job")
                    .and_then(reference)
                    .or_else(|| string(call.keyword("job_name")));
                let cron = string(call.keyword("cron_schedule")).unwrap_or_default();
                let trigger_name = string(call.keyword("name")).unwrap_or_else(|| name.to_string());
                self.triggers.push(TriggerDef::Schedule {
                    name: trigger_name,
                    job,
                    cron,
                    timezone: string(call.keyword("execution_timezone")),
                    span,
                });
            }
            "SourceAsset" | "AssetSpec" => {
                if let Some(key) = call.arg(0, "key").and_then(reference) {
                    self.external.insert(key, span);
                }
            }
            api if api.ends_with("PartitionsDefinition") => {
                self.partitions.insert(name.to_string(), span);
                self.resources.push(ResourceDef {
                    name: name.to_string(),
                    kind: "partitions",
                    span,
                    note: format!("{api}: the partition key becomes a pipeline parameter; backfills are runs per key"),
                });
            }
            "Definitions"
            | "load_assets_from_modules"
            | "load_assets_from_package_module"
            | "AssetSelection"
            | "RetryPolicy"
            | "AssetIn"
            | "AssetOut"
            | "Out"
            | "In" => {}
            "EnvVar" => self.resources.push(ResourceDef {
                name: name.to_string(),
                kind: "env_var",
                span,
                note: "environment variable: read it with os.environ inside the step, or use a ZenML secret".into(),
            }),
            "AutomationCondition" | "AutoMaterializePolicy" | "FreshnessPolicy" => diagnostics
                .push(
                    Diagnostic::warning("F0504", format!("`{api}` has no ZenML equivalent"))
                        .with_primary(span, "automation")
                        .with_flag(ferry_diagnostics::MigrationFlag::High),
                ),
            other => diagnostics.push(
                Diagnostic::warning("F0501", format!("`{other}(...)` is not translated"))
                    .with_primary(span, "this call"),
            ),
        }
    }
}

/// The asset keys and groups a job selection names; `None` keys with no groups means
/// every asset.
fn selection(
    expr: Option<&Expr>,
    diagnostics: &mut Vec<Diagnostic>,
    module: &ParsedModule,
) -> (Option<Vec<String>>, Vec<String>) {
    let Some(expr) = expr else {
        return (None, Vec::new());
    };
    match expr {
        Expr::StringLiteral(s) if s.value.to_str() == "*" => (None, Vec::new()),
        Expr::List(_) | Expr::Tuple(_) => (
            Some(
                list_items(Some(expr))
                    .into_iter()
                    .filter_map(reference)
                    .collect(),
            ),
            Vec::new(),
        ),
        Expr::Call(c) => {
            let method = match &*c.func {
                Expr::Attribute(a) => a.attr.id.to_string(),
                _ => String::new(),
            };
            let names: Vec<String> = c.arguments.args.iter().filter_map(reference).collect();
            match method.as_str() {
                "all" => (None, Vec::new()),
                "assets" | "keys" => (Some(names), Vec::new()),
                "groups" => (Some(Vec::new()), names),
                _ => {
                    diagnostics.push(
                        Diagnostic::warning(
                            "F0503",
                            format!("selection `{}` is not understood", module.text_of(expr)),
                        )
                        .with_primary(module.span(expr), "selection")
                        .with_help("the job's pipeline holds every asset; narrow it by hand"),
                    );
                    (None, Vec::new())
                }
            }
        }
        other => {
            diagnostics.push(
                Diagnostic::warning(
                    "F0503",
                    format!("selection `{}` is not understood", module.text_of(other)),
                )
                .with_primary(module.span(other), "selection"),
            );
            (None, Vec::new())
        }
    }
}
