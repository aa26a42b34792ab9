//! `@step` function steps: the body is carried over as a Python step.

use ferry_diagnostics::{Diagnostic, MigrationFlag};
use ferry_ir::{Binding, Mapping, PortType, StepKind, Value};
use ferry_python::ast::{Expr, ExprCall, StmtFunctionDef};
use ferry_python::{CarriedFunction, FunctionInfo, Layout, Location};

use crate::lower::Lowerer;
use crate::steps::{FollowUp, StepBuilder};

impl<'a> Lowerer<'a> {
    /// A `@step` function call: its body is carried over as a Python step; arguments
    /// become inputs (other `@step` results become data edges).
    pub(crate) fn lower_function_step(
        &mut self,
        call: &'a ExprCall,
        def: &'a StmtFunctionDef,
    ) -> (StepBuilder, FollowUp<'a>) {
        let function = FunctionInfo::of(self.module, def);
        let mut follow_up = FollowUp::default();
        let mut display = function.name.to_string();
        let mut decorator_keywords: Vec<(&'a str, &'a Expr)> = Vec::new();
        for decorator in &function.decorators {
            if let Expr::Call(d) = decorator {
                for keyword in d.arguments.keywords.iter() {
                    if let Some(name) = &keyword.arg {
                        decorator_keywords.push((name.id.as_str(), &keyword.value));
                    }
                }
            }
        }
        for &(name, value) in &decorator_keywords {
            if name == "name"
                && let Ok(Value::String(s)) = self.fold(value)
            {
                display = s;
            }
        }
        let (imports, body, body_span) = self.carry_function(def, &display);
        let kind = StepKind::Python {
            function: function.name.to_string(),
            imports,
            body,
            body_span,
        };
        let mapping = Mapping::direct("@step");
        let mut builder = self.new_builder(call, display, kind, mapping);
        for &(name, value) in &decorator_keywords {
            match name {
                "name" | "display_name" => {}
                "retry_policies" => {
                    let mut policies = self.retry_policies(value);
                    builder.step.retry.append(&mut policies);
                }
                "description" => {}
                "dependencies" | "pre_execution_commands" | "pre_execution_script" => {
                    let v = self.hint_value(value);
                    builder.hint(name, v);
                }
                other => {
                    let v = self.hint_value(value);
                    builder.hint(other, v);
                }
            }
        }
        for variadic in &function.variadic {
            self.diagnostics.push(
                Diagnostic::warning(
                    "F0411",
                    "`*args`/`**kwargs` parameters of a `@step` function have no static shape",
                )
                .with_primary(*variadic, "variadic parameter")
                .with_flag(MigrationFlag::Medium),
            );
        }
        let info = self.call_info_of(call);
        for (i, param) in function.params.iter().enumerate() {
            let argument = info
                .keyword(param.name)
                .or_else(|| info.args.get(i).copied());
            let ty = port_type_of(param.annotation);
            let binding = match (argument, param.default) {
                (Some(arg), _) => self.binding_of(arg),
                (None, Some(default)) => match self.fold(default) {
                    Ok(v) => Binding::Literal(v),
                    Err(_) => Binding::Parameter(self.required_parameter(default, param.name)),
                },
                (None, None) => {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            "F0416",
                            format!("`@step` argument `{}` is not given", param.name),
                        )
                        .with_primary(info.span, "call"),
                    );
                    continue;
                }
            };
            let span = argument.map_or(param.span, |a| self.span(a));
            let name = builder.add_input(param.name, ty, binding, span);
            if name != param.name {
                builder
                    .step
                    .notes
                    .push(format!("parameter `{}` renamed to `{name}`", param.name));
            }
        }
        let output_ty = port_type_of(function.returns);
        builder.add_output("output", output_ty, function.span);
        if let Some(depends) = decorator_keywords.iter().find(|(n, _)| *n == "depends_on") {
            follow_up.depends_on = self.list_elements(depends.1, "depends_on");
        }
        (builder, follow_up)
    }

    /// Carry the body of a `@step` function on the AST (ferry-python): docstring,
    /// comments and strings exact, its imports rebuilt, and the module-level
    /// definitions it uses (constants, helpers) collected into a support module
    /// mirroring the pipeline file, which the step imports them from.
    fn carry_function(
        &mut self,
        def: &'a StmtFunctionDef,
        display: &str,
    ) -> (Vec<String>, String, ferry_diagnostics::Span) {
        let carried = match CarriedFunction::carry(self.module, def, Vec::new(), Layout::Indent(""))
        {
            Ok(c) => c,
            Err(e) => {
                self.diagnostics.push(
                    Diagnostic::warning(
                        "F0427",
                        format!("the body of `@step` `{display}` could not be carried: {e:?}"),
                    )
                    .with_primary(self.span(def), "this function"),
                );
                let f = FunctionInfo::of(self.module, def);
                return (Vec::new(), f.body, f.body_span);
            }
        };
        let docstring = match carried.docstring_text(self.module, Layout::Indent("")) {
            Ok(Some(d)) => Some(d.text),
            _ => None,
        };
        let path = self.support_module_path();
        let location = Location::new(&[(path, self.module)]);
        let Some(full) = location
            .module_of_file(self.module.file)
            .map(str::to_string)
        else {
            return (Vec::new(), carried.body_text, carried.body_span);
        };
        let closure = location.closure(&full, &carried.free_names, &is_workflow_dsl);
        for (name, span, reason) in &closure.unresolved {
            self.diagnostics.push(
                Diagnostic::warning(
                    "F0427",
                    format!("`{name}` in the carried body of `@step` `{display}` cannot be resolved: {reason}"),
                )
                .with_primary(*span, "undefined here")
                .with_help("define or import it in the generated step"),
            );
        }
        let mut reported = std::collections::BTreeSet::new();
        for use_ in &closure.framework {
            if reported.insert(use_.qualified.clone()) {
                self.diagnostics.push(
                    Diagnostic::warning(
                        "F0427",
                        format!(
                            "`{}` in the carried body of `@step` `{display}` is SageMaker pipeline DSL, which has no meaning inside a step",
                            use_.written
                        ),
                    )
                    .with_primary(use_.span, "pipeline DSL")
                    .with_help("replace it with the value it stands for"),
                );
            }
        }
        for name in &closure.names {
            if let ferry_python::Resolution::External {
                import,
                distribution: Some(distribution),
            } = &name.resolution
                && let Some(top) = import.top_module()
                && !self.dependencies.iter().any(|d| d.import == top)
            {
                self.dependencies.push(ferry_ir::Dependency {
                    distribution: distribution.clone(),
                    import: top.to_string(),
                    span: name.uses.first().copied().unwrap_or(carried.span),
                });
            }
        }
        let imports = closure
            .imports
            .iter()
            .map(ferry_python::Import::render)
            .collect();
        let body = match docstring {
            Some(doc) => format!("{}\n{}", doc.trim_end(), carried.body_text),
            None => carried.body_text,
        };
        self.closures.push(closure);
        (imports, body, carried.body_span)
    }

    /// The project path of the module holding what carried `@step` bodies use from the
    /// pipeline file: the file's own name when it is an importable module name.
    pub(crate) fn support_module_path(&self) -> String {
        let path = self
            .sources
            .get(self.module.file)
            .map(|f| f.path.clone())
            .unwrap_or_default();
        let stem = std::path::Path::new(&path)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("pipeline");
        let reserved = [
            "run",
            "steps",
            "pipelines",
            "configs",
            "materializers",
            "zenml",
            "sagemaker",
        ];
        let name = if ferry_ir::verify::is_valid_identifier(stem) && !reserved.contains(&stem) {
            stem.to_string()
        } else {
            format!("{}_source", ferry_ir::naming::to_identifier(stem))
        };
        format!("{name}.py")
    }
}

/// The SageMaker pipeline DSL: names that only mean something while a pipeline is
/// defined (the rest of the SDK is an ordinary library a step may call).
fn is_workflow_dsl(qualified: &str) -> bool {
    [
        "sagemaker.workflow",
        "sagemaker.mlops.workflow",
        "sagemaker.core.workflow",
    ]
    .iter()
    .any(|p| qualified == *p || qualified.starts_with(&format!("{p}.")))
}

/// The port type a Python annotation suggests.
fn port_type_of(annotation: Option<&str>) -> PortType {
    match annotation.map(str::trim) {
        Some("int" | "float" | "bool" | "str") => PortType::Scalar,
        Some(a) if a.starts_with("dict") || a.starts_with("Dict") => PortType::Json,
        Some(a) if a.contains("DataFrame") => PortType::Dataset,
        _ => PortType::Unknown,
    }
}

/// The support modules every carried `@step` body of a file needs, each holding the
/// union of what the bodies use, as project files.
pub fn support_files(
    module: &ferry_python::ParsedModule,
    path: &str,
    closures: Vec<ferry_python::Closure>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<ferry_ir::ProjectFile> {
    let mut merged = ferry_python::Closure::default();
    for closure in closures {
        for s in closure.support {
            match merged.support.iter_mut().find(|m| m.module == s.module) {
                Some(m) => {
                    m.statements.extend(s.statements);
                    m.statements.sort_unstable();
                    m.statements.dedup();
                    for i in s.imports {
                        if !m.imports.contains(&i) {
                            m.imports.push(i);
                        }
                    }
                    m.names.extend(s.names);
                }
                None => merged.support.push(s),
            }
        }
        for (k, v) in closure.stripped {
            let list = merged.stripped.entry(k).or_default();
            list.extend(v);
            list.sort_by_key(|r| r.start());
            list.dedup();
        }
    }
    let location = Location::new(&[(path.to_string(), module)]);
    let mut out = Vec::new();
    for support in &merged.support {
        match merged.support_text(&location, support) {
            Ok(text) => out.push(ferry_ir::ProjectFile {
                path: support.path.clone(),
                what: format!(
                    "definitions of `{}` that `@step` bodies use",
                    support.module
                ),
                text: text.text,
                span: support.span,
                verbatim: false,
            }),
            Err(e) => diagnostics.push(
                Diagnostic::warning(
                    "F0427",
                    format!(
                        "the definitions `@step` bodies use from `{}` could not be carried: {e:?}",
                        support.module
                    ),
                )
                .with_primary(support.span, "this module"),
            ),
        }
    }
    out
}
