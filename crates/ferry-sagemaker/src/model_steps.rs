//! CreateModelStep, ModelStep and RegisterModel: model objects and registrations.

use ferry_ir::{Mapping, ModelRegistration, PortType, StepKind, Value};
use ferry_python::CallInfo;
use ferry_python::ast::{Expr, ExprCall};

use crate::classes::{StepClass, is_infra};
use crate::lower::Lowerer;
use crate::steps::StepBuilder;
use crate::values::Thing;

impl<'a> Lowerer<'a> {
    /// CreateModelStep and ModelStep: `model.create(...)` or `model.register(...)`.
    pub(crate) fn model_step(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
        let (object, method) = self.job_source(info, "model");
        if let Some(object) = object {
            self.model_object(builder, object);
        }
        let method_name = method.and_then(|m| match &*m.func {
            Expr::Attribute(a) => Some(a.attr.id.as_str()),
            _ => None,
        });
        let keywords = self.keywords_of(method, info);
        if method_name == Some("register") {
            if let StepKind::Job { job, .. } = &mut builder.step.kind {
                *job = "register_model".to_string();
            }
            builder.step.mapping = StepClass::RegisterModel.mapping();
            builder.step.mapping.construct = "ModelStep(model.register)".into();
            self.registration(builder, &keywords);
            builder.add_output("model_package_arn", PortType::Scalar, builder.step.span);
        } else {
            for (name, value) in keywords {
                if name == "inputs" || is_infra(name) || name == "instance_type" {
                    let v = self.hint_value(value);
                    builder.hint(name, v);
                }
            }
            builder.add_output("model_name", PortType::Scalar, builder.step.span);
        }
    }

    /// A `Model(...)`/`PipelineModel(...)`: `model_data` becomes the model input.
    pub(crate) fn model_object(&mut self, builder: &mut StepBuilder, object: &'a ExprCall) {
        let info = self.call_info_of(object);
        if let Some(data) = info.keyword("model_data") {
            let binding = self.binding_of(data);
            builder.add_input("model", PortType::Model, binding, self.span(data));
        }
        let class = self.sagemaker_class(object).unwrap_or_default();
        let mut fields = vec![("class".to_string(), Value::String(class))];
        for keyword in info.keywords.iter().filter(|k| k.name != "model_data") {
            if is_infra(keyword.name) {
                let v = self.hint_value(keyword.value);
                builder.hint(keyword.name, v);
            } else {
                let v = self.value_in(builder, keyword.value, keyword.name, 0);
                fields.push((keyword.name.to_string(), v));
            }
        }
        builder.set("model", Value::Object(fields));
    }

    pub(crate) fn register_model(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
        if let Some(Thing::SagemakerObject(est, _)) =
            info.keyword("estimator").map(|e| self.classify(e))
        {
            self.job_object(builder, est, "estimator");
        }
        if let Some(Thing::SagemakerObject(model, _)) =
            info.keyword("model").map(|e| self.classify(e))
        {
            self.model_object(builder, model);
        }
        if let Some(data) = info.keyword("model_data") {
            let binding = self.binding_of(data);
            builder.add_input("model", PortType::Model, binding, self.span(data));
        }
        let keywords: Vec<(&'a str, &'a Expr)> = info
            .keywords
            .iter()
            .filter(|k| !matches!(k.name, "estimator" | "model" | "model_data" | "name"))
            .map(|k| (k.name, k.value))
            .collect();
        self.registration(builder, &keywords);
        builder.add_output("model_package_arn", PortType::Scalar, builder.step.span);
    }

    /// Registration keywords (RegisterModel / `model.register`): config, hints and a
    /// workflow-level model registration.
    pub(crate) fn registration(
        &mut self,
        builder: &mut StepBuilder,
        keywords: &[(&'a str, &'a Expr)],
    ) {
        let mut group = None;
        let mut approval = None;
        for &(name, value) in keywords {
            match name {
                "depends_on"
                | "cache_config"
                | "retry_policies"
                | "display_name"
                | "description"
                | "register_model_step_retry_policies"
                | "repack_model_step_retry_policies" => {}
                "inference_instances" | "transform_instances" => {
                    let v = self.hint_value(value);
                    builder.hint(name, v);
                }
                n if is_infra(n) => {
                    let v = self.hint_value(value);
                    builder.hint(n, v);
                }
                _ => {
                    if name == "model_package_group_name" {
                        group = Some(match self.classify(value) {
                            Thing::Const(Value::String(s)) => s,
                            Thing::Param(call) => {
                                let p = self.param_name(call, false);
                                format!("{{{p}}}")
                            }
                            _ => self.module.text_of(value).to_string(),
                        });
                    }
                    if name == "approval_status" {
                        approval = Some(match self.classify(value) {
                            Thing::Const(Value::String(s)) => s,
                            Thing::Param(call) => {
                                let default = self
                                    .call_info_of(call)
                                    .arg(1, "default_value")
                                    .and_then(|e| self.fold(e).ok())
                                    .and_then(|v| v.as_str().map(str::to_string));
                                default.unwrap_or_else(|| self.module.text_of(value).to_string())
                            }
                            _ => self.module.text_of(value).to_string(),
                        });
                    }
                    let v = self.value_in(builder, value, name, 0);
                    builder.set(name, v);
                }
            }
        }
        self.models.push(ModelRegistration {
            name: group.unwrap_or_else(|| builder.step.display_name.clone()),
            step: builder.step.name.clone(),
            approval,
            span: builder.step.span,
            mapping: Mapping::approximate(
                "SageMaker Model Registry",
                "the registry is not the ZenML Model Control Plane: choose a registry strategy explicitly",
            ),
        });
    }
}
