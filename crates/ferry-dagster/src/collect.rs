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
    /// `@dbt_assets(manifest=..., select=..., exclude=...)` of dagster-dbt: the dbt
    /// selection as written.
    Dbt {
        select: Option<String>,
        exclude: Option<String>,
    },
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
    /// The `partitions_def=` expression's name, when there is one.
    pub partitions: Option<String>,
    pub partitioned: bool,
    /// `@asset_check(blocking=True)`.
    pub blocking: bool,
    /// Legacy `config_schema=` fields: (key, type, default).
    pub config_schema: Vec<(String, ferry_ir::ParamType, Option<ferry_ir::Value>)>,
}

/// How a field of a config or resource class gets its default.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldDefault {
    Required,
    Literal(ferry_ir::Value),
    /// A default ferry cannot read (a call, a variable): the class keeps it.
    Other,
}

/// A field of a `Config` or `ConfigurableResource` subclass.
#[derive(Debug, Clone)]
pub struct ClassField {
    pub name: String,
    pub ty: ferry_ir::ParamType,
    pub default: FieldDefault,
}

pub struct AssetJob<'a> {
    pub name: String,
    /// `None`: no selection given, every asset.
    pub selection: Option<crate::selection::Selection>,
    pub span: Span,
    /// The job's `config=`, with the module it is read in.
    pub config: Option<(&'a ParsedModule, &'a Scope<'a>, &'a Expr)>,
}

pub struct OpJob<'a> {
    pub name: String,
    pub module: &'a ParsedModule,
    pub scope: &'a Scope<'a>,
    pub def: &'a StmtFunctionDef,
    pub span: Span,
    /// The `config=` of `@job` or `graph.to_job`.
    pub config: Option<&'a Expr>,
    /// A `@graph`: not a job itself; when `to_job` makes jobs of it, only they run.
    pub graph: bool,
    /// Set on a graph that `to_job` made a job of.
    pub has_jobs: bool,
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
    pub asset_jobs: Vec<AssetJob<'a>>,
    pub op_jobs: Vec<OpJob<'a>>,
    pub triggers: Vec<TriggerDef>,
    pub resources: Vec<ResourceDef>,
    /// Keys of SourceAsset / AssetSpec / observable source assets.
    pub external: BTreeMap<String, Span>,
    /// Names bound to partitions definitions.
    pub partitions: BTreeMap<String, Span>,
    /// What each partitions definition looks like.
    pub partition_kinds: BTreeMap<String, crate::partitions::PartitionsKind>,
    /// Config classes: their fields.
    pub configs: BTreeMap<String, Vec<ClassField>>,
    /// ConfigurableResource subclasses: their fields.
    pub resource_classes: BTreeMap<String, Vec<ClassField>>,
    /// Where config and resource classes are defined: file and name range.
    pub class_files: BTreeMap<String, (ferry_diagnostics::FileId, ferry_python::TextRange)>,
    /// Module-level names bound to selections or lists (qualified name → selection),
    /// for jobs of other modules that import them.
    pub named_selections: BTreeMap<String, crate::selection::Selection>,
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
                    if matches!(assign.targets.first(), Some(Expr::Name(_)))
                        && (crate::selection::is_selection_like(scope, &assign.value)
                            || matches!(&*assign.value, Expr::List(_) | Expr::Tuple(_)))
                    {
                        let qualified = if scope.module.is_empty() {
                            name.clone()
                        } else {
                            format!("{}.{name}", scope.module)
                        };
                        self.named_selections.insert(
                            qualified,
                            crate::selection::read(module, scope, &assign.value),
                        );
                    }
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
                        self.class_files
                            .insert(class.name.id.to_string(), (module.file, class.name.range));
                        self.resource_classes.insert(
                            class.name.id.to_string(),
                            class_fields(module, scope, class),
                        );
                        (
                            "resource",
                            "resource: the class is carried as a plain pydantic model and the object is built inside each step that uses it, from the Definitions' configuration",
                        )
                    } else if bases
                        .iter()
                        .any(|b| b == "dagster.Config" || b == "dagster.PermissiveConfig")
                    {
                        self.configs.insert(
                            class.name.id.to_string(),
                            class_fields(module, scope, class),
                        );
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
            let api = match callee.strip_prefix("dagster.") {
                Some(api) => api,
                None if callee == "dagster_dbt.dbt_assets" => "dbt_assets",
                None => continue,
            };
            let span = module.span(def);
            let keyword = |k: &str| call.as_ref().and_then(|c| c.keyword(k));
            let key = string(keyword("name"))
                .or_else(|| keyword("key").and_then(|k| crate::selection::asset_key(scope, k)))
                .unwrap_or_else(|| name.clone());
            let key = match keyword("key_prefix").and_then(crate::selection::key_path) {
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
                "dbt_assets" => DefKind::Dbt {
                    select: string(keyword("select")),
                    exclude: string(keyword("exclude")),
                },
                "op" => DefKind::Op,
                "asset_check" => DefKind::Check(
                    keyword("asset")
                        .and_then(|a| crate::selection::asset_key(scope, a))
                        .unwrap_or_default(),
                ),
                "job" | "graph" => {
                    self.op_jobs.push(OpJob {
                        name: key,
                        module,
                        scope,
                        def,
                        span,
                        config: keyword("config"),
                        graph: api == "graph",
                        has_jobs: false,
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
            let partitions = keyword("partitions_def").and_then(reference);
            let blocking = matches!(keyword("blocking"), Some(Expr::BooleanLiteral(b)) if b.value);
            let config_schema = keyword("config_schema")
                .map(|e| config_schema(module, scope, e))
                .unwrap_or_default();
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
                partitions,
                partitioned,
                blocking,
                config_schema,
            });
            return;
        }
    }

    /// `graph.to_job(name=..., config=...)` of a `@graph` of this module: a job of its
    /// own, with its own run configuration.
    fn graph_to_job(
        &mut self,
        module: &'a ParsedModule,
        scope: &'a Scope<'a>,
        name: &str,
        call: &CallInfo<'a>,
    ) -> bool {
        let Some(Expr::Name(graph)) = call.receiver() else {
            return false;
        };
        if call.method() != Some("to_job") {
            return false;
        }
        let Some(index) = self
            .op_jobs
            .iter()
            .position(|j| j.graph && std::ptr::eq(j.module, module) && j.def.name.id == graph.id)
        else {
            return false;
        };
        self.op_jobs[index].has_jobs = true;
        let def = self.op_jobs[index].def;
        let job_name = string(call.keyword("name"))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| {
                if name.is_empty() {
                    def.name.id.to_string()
                } else {
                    name.to_string()
                }
            });
        self.op_jobs.push(OpJob {
            name: job_name,
            module,
            scope,
            def,
            span: call.span,
            config: call.keyword("config"),
            graph: false,
            has_jobs: false,
        });
        true
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
        if self.graph_to_job(module, scope, name, &call) {
            return;
        }
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
                let selection = call
                    .keyword("selection")
                    .or(call.args.get(1).copied())
                    .map(|e| crate::selection::read(module, scope, e));
                self.asset_jobs.push(AssetJob {
                    name: job_name,
                    selection,
                    span,
                    config: call.keyword("config").map(|c| (module, scope, c)),
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
                let known = self.partition_kinds.clone();
                let kind = crate::partitions::read(module, scope, api, &call, &|n| {
                    known.get(n).cloned()
                });
                self.partition_kinds.insert(name.to_string(), kind);
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

/// The type a Python annotation gives a configuration value.
pub fn param_type(annotation: &str) -> ferry_ir::ParamType {
    use ferry_ir::ParamType;
    let a = annotation.trim();
    let a = a
        .strip_prefix("Optional[")
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(a);
    let a = a.strip_suffix("| None").unwrap_or(a).trim();
    match a {
        "str" => ParamType::String,
        "int" => ParamType::Integer,
        "float" => ParamType::Float,
        "bool" => ParamType::Boolean,
        _ => ParamType::Json,
    }
}

/// The annotated fields of a pydantic-style class body.
fn class_fields(
    module: &ParsedModule,
    scope: &Scope<'_>,
    class: &ferry_python::ast::StmtClassDef,
) -> Vec<ClassField> {
    class
        .body
        .iter()
        .filter_map(|s| match s {
            Stmt::AnnAssign(a) => {
                let name = match &*a.target {
                    Expr::Name(n) => n.id.to_string(),
                    _ => return None,
                };
                let default = match a.value.as_deref() {
                    None => FieldDefault::Required,
                    Some(v) => field_default(module, scope, v),
                };
                Some(ClassField {
                    name,
                    ty: param_type(module.text_of(&*a.annotation)),
                    default,
                })
            }
            _ => None,
        })
        .collect()
}

/// A field's default: a constant, `Field(default=...)` / `Field(constant)`, or
/// `Field(...)` without one (required).
fn field_default(module: &ParsedModule, scope: &Scope<'_>, v: &Expr) -> FieldDefault {
    if let Ok(value) = ferry_python::fold(module, scope, v) {
        return FieldDefault::Literal(value);
    }
    if let Some(call) = CallInfo::of(module, scope, v)
        && call.callee_last() == "Field"
    {
        return match call.arg(0, "default") {
            Some(Expr::EllipsisLiteral(_)) => FieldDefault::Required,
            Some(d) => match ferry_python::fold(module, scope, d) {
                Ok(value) => FieldDefault::Literal(value),
                Err(_) => FieldDefault::Other,
            },
            None if call.keyword("default_factory").is_some() => FieldDefault::Other,
            None => FieldDefault::Required,
        };
    }
    FieldDefault::Other
}

/// Legacy `config_schema={"k": str, "n": Field(int, default_value=3)}`.
fn config_schema(
    module: &ParsedModule,
    scope: &Scope<'_>,
    e: &Expr,
) -> Vec<(String, ferry_ir::ParamType, Option<ferry_ir::Value>)> {
    let Expr::Dict(d) = e else {
        return Vec::new();
    };
    d.items
        .iter()
        .filter_map(|item| {
            let key = match item.key.as_ref()? {
                Expr::StringLiteral(s) => s.value.to_str().to_string(),
                _ => return None,
            };
            let (ty, default) = match CallInfo::of(module, scope, &item.value) {
                Some(call) if call.callee_last() == "Field" => (
                    call.args.first().map_or(ferry_ir::ParamType::Json, |t| {
                        param_type(module.text_of(*t))
                    }),
                    call.keyword("default_value")
                        .and_then(|d| ferry_python::fold(module, scope, d).ok()),
                ),
                _ => (param_type(module.text_of(&item.value)), None),
            };
            Some((key, ty, default))
        })
        .collect()
}
