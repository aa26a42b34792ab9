//! `@step` function steps: the body is carried over as a Python step.

use ferry_diagnostics::{Diagnostic, MigrationFlag};
use ferry_ir::{Binding, Mapping, PortType, StepKind, Value};
use ferry_python::FunctionInfo;
use ferry_python::ast::{Expr, ExprCall, StmtFunctionDef};

use crate::lower::Lowerer;
use crate::steps::{FollowUp, StepBuilder};
use crate::values::python_expr;

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
        let imports = self.imports_for_body(def);
        let kind = StepKind::Python {
            function: function.name.to_string(),
            imports,
            body: function.body.clone(),
            body_span: function.body_span,
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
                    Err(_) => Binding::Literal(python_expr(self.module.text_of(default))),
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

    /// Module-level imports the body of `def` uses (by the names it mentions).
    pub(crate) fn imports_for_body(&self, def: &'a StmtFunctionDef) -> Vec<String> {
        let body_text = FunctionInfo::of(self.module, def).body;
        let words: std::collections::BTreeSet<&str> = body_text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        let mut out = Vec::new();
        for stmt in self.module.body() {
            let bound: Vec<String> = match stmt {
                ferry_python::ast::Stmt::Import(i) => i
                    .names
                    .iter()
                    .map(|a| {
                        a.asname.as_ref().map_or_else(
                            || a.name.id.split('.').next().unwrap_or("").to_string(),
                            |n| n.id.to_string(),
                        )
                    })
                    .collect(),
                ferry_python::ast::Stmt::ImportFrom(i) => i
                    .names
                    .iter()
                    .map(|a| a.asname.as_ref().unwrap_or(&a.name).id.to_string())
                    .collect(),
                _ => continue,
            };
            if bound.iter().any(|b| words.contains(b.as_str())) {
                let text = self.module.text_of(stmt).to_string();
                if !text.contains("sagemaker") {
                    out.push(text);
                }
            }
        }
        out
    }
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
