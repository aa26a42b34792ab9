//! The step of one asset, op or check: its body carried with Dagster's runtime API
//! lowered (`rewrite.rs`), its run configuration, resources and partition key declared
//! as runtime bindings, inputs and outputs typed, retry policy and notes attached.

use std::collections::BTreeMap;

use ferry_diagnostics::{Diagnostic, MigrationFlag, Span};
use ferry_ir::{
    Binding, FieldSource, Input, Mapping, ObjectField, Output, ParamType, Parameter, PortType,
    RetryPolicy, RuntimeBinding, RuntimeKind, Step, StepKind, Value,
};
use ferry_python::ast::Expr;
use ferry_python::{CallInfo, FunctionInfo, ParamInfo, Ranged, Resolution};

use crate::collect::{ClassField, DefKind, Definition, FieldDefault};
use crate::lower::{Builder, is_context};
use crate::resources::FieldValue;
use crate::rewrite::Env;

/// A parameter that is a runtime object rather than an upstream asset.
enum ObjectParam {
    /// `config: MyConfig`.
    Config(String),
    /// `db: MyResource` (the resource key is the parameter name).
    Resource(String),
}

fn value_type(v: &Value) -> ParamType {
    match v {
        Value::String(_) => ParamType::String,
        Value::Bool(_) => ParamType::Boolean,
        Value::Number(n) if n.contains(['.', 'e', 'E']) => ParamType::Float,
        Value::Number(_) => ParamType::Integer,
        _ => ParamType::Json,
    }
}

/// The output ports of a definition's step: one per asset it materializes (named by the
/// key's last part), `result` for an op, none when the function is annotated to return
/// `None` and does not yield.
pub(crate) fn output_ports(def: &Definition) -> Vec<String> {
    let info = FunctionInfo::of(def.module, def.def);
    let rest: &[ferry_python::ast::Stmt] = match ferry_python::docstring_of(&def.def.body) {
        Some(_) => &def.def.body[1..],
        None => &def.def.body,
    };
    let returns_nothing = info.returns.is_some_and(|r| r.trim() == "None");
    if returns_nothing && !crate::rewrite::is_generator(rest) {
        return Vec::new();
    }
    let outputs: Vec<String> = match &def.kind {
        DefKind::MultiAsset(outs) => outs.clone(),
        DefKind::Op => vec!["result".into()],
        DefKind::Check(_) => vec![def.key.clone()],
        _ => vec![def.key.rsplit('/').next().unwrap_or(&def.key).to_string()],
    };
    outputs
        .iter()
        .map(|o| ferry_ir::naming::to_identifier(o))
        .collect()
}

impl<'a> Builder<'_, 'a> {
    pub(crate) fn mapping(&self, def: &Definition) -> Mapping {
        match &def.kind {
            DefKind::Asset => Mapping::direct("@asset"),
            DefKind::MultiAsset(_) => Mapping::direct("@multi_asset"),
            DefKind::GraphAsset => Mapping::approximate(
                "@graph_asset",
                "the graph's body runs as one step; its ops are not separate steps",
            ),
            DefKind::Op => Mapping::direct("@op"),
            DefKind::Dbt { select, exclude } => Mapping::absent(
                "@dbt_assets",
                format!(
                    "run `dbt build{}{}` for the dbt project of this code location in this step (dbt's CLI or dbt.cli.main.dbtRunner), with the --vars the original body passes; each dbt model was an asset in Dagster and is not a separate step here",
                    select
                        .as_deref()
                        .map_or(String::new(), |s| format!(" --select {s}")),
                    exclude
                        .as_deref()
                        .map_or(String::new(), |s| format!(" --exclude {s}")),
                ),
                MigrationFlag::High,
            ),
            DefKind::Check(asset) => Mapping::approximate(
                "@asset_check",
                format!(
                    "the check of `{asset}` is a validation step after it: its result and metadata are logged{}",
                    if def.blocking {
                        "; blocking: a failed check fails the run and the assets downstream of the checked one do not run"
                    } else {
                        "; not blocking: a failed check is recorded and the run goes on"
                    }
                ),
            ),
        }
    }

    /// `@dbt_assets`: a stand-in step that says which dbt command the assets ran (the
    /// back end reports it, F0701 HIGH); the carried body would call dagster-dbt's
    /// resource, which has no ZenML counterpart.
    fn dbt_step(&mut self, def: &Definition, name: &str) -> Step {
        let mapping = self.mapping(def);
        let mut step = Step::new(
            name,
            def.key.clone(),
            def.span,
            StepKind::Opaque {
                construct: "@dbt_assets".into(),
                config: Value::Null,
            },
            mapping,
        );
        step.outputs.push(Output {
            name: ferry_ir::naming::to_identifier(def.key.rsplit('/').next().unwrap_or(&def.key)),
            ty: PortType::Unknown,
            span: def.span,
        });
        step
    }

    /// Which parameters are configuration or resource objects.
    fn object_param(&self, p: &ParamInfo<'_>) -> Option<ObjectParam> {
        let annotation = p.annotation?.trim();
        let bare = annotation.rsplit('.').next().unwrap_or(annotation);
        if self.location.configs.contains_key(bare) {
            return Some(ObjectParam::Config(bare.to_string()));
        }
        if self.location.resource_classes.contains_key(bare)
            || annotation.starts_with("ResourceParam")
            || annotation.contains(".ResourceParam")
            || self.resources.contains_key(p.name) && bare.ends_with("Resource")
        {
            return Some(ObjectParam::Resource(p.name.to_string()));
        }
        None
    }

    /// Whether a parameter is an upstream asset (not the context, not an object).
    pub(crate) fn is_asset_param(&self, p: &ParamInfo<'_>) -> bool {
        !is_context(p.name, p.annotation) && self.object_param(p).is_none()
    }

    /// Carry class `name` from the module that defines it (a resource class the body
    /// reaches only through `context.resources`): its canonical module and name.
    fn carry_class(&mut self, name: &str) -> Option<(String, String)> {
        let (file, range) = *self.location.class_files.get(name)?;
        let full = self.py.module_of_file(file)?.to_string();
        let mut free = ferry_python::FreeNames::default();
        free.insert(name, range);
        let closure = self.py.closure(&full, &free, &crate::carry::is_dagster);
        self.closure.merge(&closure);
        match self.py.resolve(&full, name, &crate::carry::is_dagster).0 {
            Resolution::Local { module, name } => Some((module, name)),
            _ => None,
        }
    }

    /// The canonical module of a class the definition's module refers to by `name`.
    fn class_module(&self, def: &Definition, name: &str) -> Option<(String, String)> {
        let full = self.py.module_of_file(def.module.file)?;
        match self.py.resolve(full, name, &crate::carry::is_dagster).0 {
            Resolution::Local { module, name } => Some((module, name)),
            _ => None,
        }
    }

    /// The step of one asset / op / check, with its body carried over.
    pub(crate) fn step(&mut self, def: &Definition, name: &str) -> Step {
        if let DefKind::Dbt { .. } = &def.kind {
            return self.dbt_step(def, name);
        }
        let info = FunctionInfo::of(def.module, def.def);
        let mut notes = Vec::new();
        let dynamic_out = def
            .decorator
            .as_ref()
            .and_then(|c| c.keyword("out"))
            .is_some_and(|o| def.module.text_of(o).contains("DynamicOut"));
        let context = info
            .params
            .iter()
            .find(|p| is_context(p.name, p.annotation))
            .map(|p| p.name);
        let free = ferry_python::body_free_names(&def.def.parameters, &def.def.body);
        let rest: &[ferry_python::ast::Stmt] = match ferry_python::docstring_of(&def.def.body) {
            Some(_) => &def.def.body[1..],
            None => &def.def.body,
        };
        let generator = crate::rewrite::is_generator(rest);
        let partitions = def
            .partitions
            .as_ref()
            .and_then(|p| self.location.partition_kinds.get(p));
        let objects: Vec<(&ParamInfo, ObjectParam)> = info
            .params
            .iter()
            .filter_map(|p| self.object_param(p).map(|o| (p, o)))
            .collect();
        // Classes of object parameters are carried like the body's helpers.
        let mut extra = Vec::new();
        for (p, object) in &objects {
            let carried_class = match object {
                ObjectParam::Config(_) => true,
                ObjectParam::Resource(_) => p.annotation.is_some_and(|a| {
                    self.location
                        .resource_classes
                        .contains_key(a.rsplit('.').next().unwrap_or(a).trim())
                }),
            };
            if !carried_class {
                continue;
            }
            if let Some(ann) = def
                .def
                .parameters
                .iter_non_variadic_params()
                .find(|q| q.parameter.name.id.as_str() == p.name)
                .and_then(|q| q.parameter.annotation.as_deref())
                && let Expr::Name(n) = ann
            {
                extra.push((n.id.to_string(), ann.range()));
            }
        }
        let py = self.py;
        let dagster = move |q: &str| py.is_framework(q, &crate::carry::is_dagster);
        let env = Env {
            dagster: &dagster,
            module: def.module,
            scope: def.scope,
            free: &free,
            context,
            generator,
            partitions,
            op_config: &def.config_schema,
            run_config: self
                .run_config
                .get(&def.key.replace('/', "__"))
                .map_or(&[], Vec::as_slice),
            key: &def.key,
            taken: info.params.iter().map(|p| p.name.to_string()).collect(),
        };
        let carried = crate::carry::carry(self.py, def, env, &extra, self.diagnostics);
        self.closure.merge(&carried.closure);
        for i in &carried.imports {
            self.step_imports.push((i.clone(), def.span));
        }
        let mut rw = carried.rewritten;
        let mut runtime: Vec<RuntimeBinding> = std::mem::take(&mut rw.runtime);
        notes.append(&mut rw.notes);
        let mut inputs: Vec<Input> = Vec::new();
        // Run configuration objects and resources.
        for (p, object) in &objects {
            match object {
                ObjectParam::Config(class) => {
                    let fields = self
                        .location
                        .configs
                        .get(class)
                        .cloned()
                        .unwrap_or_default();
                    let op = def.key.replace('/', "__");
                    let mut object_fields = Vec::new();
                    for f in &fields {
                        let value = self
                            .run_config
                            .get(&op)
                            .and_then(|c| c.iter().find(|(k, _)| *k == f.name))
                            .map(|(_, v)| v.clone());
                        let default = match &f.default {
                            FieldDefault::Literal(v) => Some(v.clone()),
                            FieldDefault::Other => continue,
                            FieldDefault::Required => None,
                        };
                        let binding = rw.namer.fresh(&f.name);
                        runtime.push(RuntimeBinding {
                            name: binding.clone(),
                            kind: RuntimeKind::Config {
                                key: f.name.clone(),
                                ty: f.ty,
                                default,
                                value,
                            },
                            span: p.span,
                        });
                        object_fields.push(ObjectField {
                            field: f.name.clone(),
                            source: FieldSource::Name(binding),
                        });
                    }
                    match self.class_module(def, class) {
                        Some((module, class)) => runtime.push(RuntimeBinding {
                            name: p.name.to_string(),
                            kind: RuntimeKind::Object {
                                module,
                                class,
                                fields: object_fields,
                            },
                            span: p.span,
                        }),
                        None => self.unsupported_object(def, p.name, p.span, &mut runtime),
                    }
                    notes.push(format!(
                        "run config `{}: {class}` became typed step parameters (set under steps.<step>.parameters in configs/*.yaml); the class is a plain pydantic model",
                        p.name
                    ));
                }
                ObjectParam::Resource(key) => {
                    self.resource_binding(
                        def,
                        key,
                        p.name,
                        p.span,
                        &mut rw,
                        &mut inputs,
                        &mut runtime,
                        &mut notes,
                    );
                }
            }
        }
        let used: Vec<(String, (String, Span))> = rw
            .resources
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (key, (binding, span)) in used {
            self.resource_binding(
                def,
                &key,
                &binding,
                span,
                &mut rw,
                &mut inputs,
                &mut runtime,
                &mut notes,
            );
        }
        if let Some(input) = &rw.partition_input {
            inputs.push(Input {
                name: input.clone(),
                ty: PortType::Scalar,
                binding: Binding::Parameter("partition_key".into()),
                span: def.span,
            });
            self.partition_used = true;
        }
        let mut body = ferry_python::drop_none_returns(&carried.body);
        if let Some(doc) = &carried.docstring {
            body = format!("{}\n{body}", doc.trim_end());
        }
        let mut step = Step::new(
            name,
            def.key.clone(),
            def.span,
            StepKind::Python {
                function: def.def.name.id.to_string(),
                imports: carried
                    .imports
                    .iter()
                    .map(ferry_python::Import::render)
                    .collect(),
                body,
                body_span: carried.body_span,
            },
            self.mapping(def),
        );
        step.inputs = inputs;
        {
            for o in output_ports(def) {
                step.outputs.push(Output {
                    name: o,
                    ty: if matches!(def.kind, DefKind::Check(_)) {
                        PortType::Json
                    } else {
                        PortType::Unknown
                    },
                    span: def.span,
                });
            }
        }
        if generator {
            let produce = rw.namer.fresh("produce");
            runtime.push(RuntimeBinding {
                name: produce,
                kind: RuntimeKind::Generator {
                    outputs: step.outputs.iter().map(|o| o.name.clone()).collect(),
                    list: dynamic_out,
                },
                span: carried.body_span,
            });
            notes.push(if dynamic_out {
                "the generator's DynamicOutputs are returned as one list; mapping keys are dropped".to_string()
            } else {
                "the generator body runs to the end and the step returns what it yielded, by output name".to_string()
            });
        }
        if let DefKind::Check(_) = &def.kind {
            for b in &mut runtime {
                if let RuntimeKind::CheckResult { blocking } = &mut b.kind {
                    *blocking = def.blocking;
                }
            }
        }
        step.runtime = runtime;
        step.notes = notes;
        self.decorator_options(def, &mut step);
        step
    }

    fn unsupported_object(
        &mut self,
        def: &Definition,
        name: &str,
        span: Span,
        runtime: &mut Vec<RuntimeBinding>,
    ) {
        runtime.push(RuntimeBinding {
            name: name.to_string(),
            kind: RuntimeKind::Unsupported {
                construct: format!("resource `{name}`"),
                help: "build the client this resource provided inside the step".into(),
            },
            span,
        });
        self.diagnostics.push(
            Diagnostic::warning(
                "F0507",
                format!(
                    "resource `{name}` of `{}` cannot be built in the generated step",
                    def.key
                ),
            )
            .with_primary(span, "resource")
            .with_help("ferry builds resources defined in the code location (ConfigurableResource subclasses); build this one by hand"),
        );
    }

    /// The object binding of resource `key` (named `name` in the body): its class
    /// carried, its configuration from the Definitions as pipeline parameters (so a run
    /// can change them) or environment variables.
    #[allow(clippy::too_many_arguments)]
    fn resource_binding(
        &mut self,
        def: &Definition,
        key: &str,
        name: &str,
        span: Span,
        rw: &mut crate::rewrite::Rewritten,
        inputs: &mut Vec<Input>,
        runtime: &mut Vec<RuntimeBinding>,
        notes: &mut Vec<String>,
    ) {
        let spec = self.resources.get(key).cloned();
        let class = spec
            .as_ref()
            .and_then(|s| s.class_name.clone())
            .or_else(|| {
                FunctionInfo::of(def.module, def.def)
                    .params
                    .iter()
                    .find(|p| p.name == name)
                    .and_then(|p| p.annotation)
                    .map(|a| a.rsplit('.').next().unwrap_or(a).trim().to_string())
            });
        let Some(class) = class.filter(|c| self.location.resource_classes.contains_key(c)) else {
            self.unsupported_object(def, name, span, runtime);
            return;
        };
        let Some((module, class_name)) = self
            .class_module(def, &class)
            .or_else(|| self.carry_class(&class))
        else {
            self.unsupported_object(def, name, span, runtime);
            return;
        };
        let class_fields: Vec<ClassField> = self
            .location
            .resource_classes
            .get(&class)
            .cloned()
            .unwrap_or_default();
        let given: BTreeMap<String, FieldValue> = spec
            .as_ref()
            .map(|s| s.fields.iter().cloned().collect())
            .unwrap_or_default();
        let mut fields = Vec::new();
        let mut names: Vec<String> = class_fields.iter().map(|f| f.name.clone()).collect();
        for k in given.keys() {
            if !names.contains(k) {
                names.push(k.clone());
            }
        }
        for field in names {
            let declared = class_fields.iter().find(|f| f.name == field);
            let value = match given.get(&field) {
                Some(v) => v.clone(),
                None => match declared.map(|f| &f.default) {
                    Some(FieldDefault::Literal(v)) => FieldValue::Literal(v.clone()),
                    _ => continue,
                },
            };
            match value {
                FieldValue::Literal(Value::Null) => {}
                FieldValue::Literal(v) => {
                    let ty = match declared.map(|f| f.ty) {
                        Some(ParamType::Json) | None => value_type(&v),
                        Some(t) => t,
                    };
                    let param = ferry_ir::naming::to_identifier(&format!("{key}_{field}"));
                    self.pipeline_params
                        .entry(param.clone())
                        .or_insert_with(|| Parameter {
                            name: param.clone(),
                            ty,
                            default: Some(v.clone()),
                            span: spec.as_ref().map_or(span, |s| s.span),
                            mapping: Mapping::approximate(
                                "resource configuration",
                                format!("field `{field}` of resource `{key}` as a run parameter"),
                            ),
                        });
                    let input = match inputs.iter().find(|i| {
                        matches!(&i.binding, Binding::Parameter(p) if *p == param)
                    }) {
                        Some(i) => i.name.clone(),
                        None => {
                            let input = rw.namer.fresh(&param);
                            inputs.push(Input {
                                name: input.clone(),
                                ty: PortType::Scalar,
                                binding: Binding::Parameter(param),
                                span,
                            });
                            input
                        }
                    };
                    fields.push(ObjectField {
                        field,
                        source: FieldSource::Name(input),
                    });
                }
                FieldValue::Env(var) => {
                    notes.push(format!(
                        "resource `{key}` reads `{field}` from environment variable {var} when the step runs"
                    ));
                    fields.push(ObjectField {
                        field,
                        source: FieldSource::Env(var),
                    });
                }
                FieldValue::Other => notes.push(format!(
                    "field `{field}` of resource `{key}` is set by an expression ferry does not carry; the class default applies"
                )),
            }
        }
        notes.push(format!(
            "resource `{key}` ({class}) is built inside the step from its configuration; it is not shared between steps"
        ));
        runtime.push(RuntimeBinding {
            name: name.to_string(),
            kind: RuntimeKind::Object {
                module,
                class: class_name,
                fields,
            },
            span,
        });
    }

    /// Retry policy, IO manager and automation options of the decorator.
    fn decorator_options(&mut self, def: &Definition, step: &mut Step) {
        let Some(call) = &def.decorator else { return };
        if let Some(policy) = call
            .keyword("retry_policy")
            .and_then(|e| CallInfo::of(def.module, def.scope, e))
        {
            let number = |k: &str| match policy.keyword(k) {
                Some(Expr::NumberLiteral(n)) => def.module.text_of(n).parse::<u32>().ok(),
                _ => None,
            };
            step.retry.push(RetryPolicy {
                errors: Vec::new(),
                max_attempts: number("max_retries").unwrap_or(1),
                interval_seconds: number("delay").unwrap_or(0),
                backoff_rate: if policy.keyword("backoff").is_some() {
                    "2".into()
                } else {
                    "1".into()
                },
                max_delay_seconds: None,
                jitter: policy
                    .keyword("jitter")
                    .map(|j| def.module.text_of(j).to_string()),
                span: policy.span,
            });
        }
        if let Some(io) = call.keyword("io_manager_key") {
            step.notes.push(format!(
                "io_manager_key {}: storage is the ZenML artifact store now",
                def.module.text_of(io)
            ));
        }
        for k in [
            "automation_condition",
            "auto_materialize_policy",
            "freshness_policy",
        ] {
            if let Some(e) = call.keyword(k) {
                self.diagnostics.push(
                    Diagnostic::warning(
                        "F0504",
                        format!("`{k}` of `{}` has no ZenML equivalent", def.key),
                    )
                    .with_primary(def.module.span(e), "automation")
                    .with_flag(MigrationFlag::High)
                    .with_help("run the pipeline on a schedule or from the event source instead"),
                );
                step.notes.push(format!(
                    "{k} is not migrated: schedule the pipeline or trigger it from outside"
                ));
            }
        }
    }
}
