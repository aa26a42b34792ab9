//! CreateModelStep, ModelStep and RegisterModel as container jobs: a model is its data
//! plus the container that serves it (a built-in algorithm or a framework image with
//! the user's inference script); a registration records a model with its metrics.

use ferry_ir::{
    Channel, ContainerJob, JobKind, Launch, Mapping, ModelRegistration, PortType, Program,
    ResultDir, StepKind, Value,
};
use ferry_python::CallInfo;
use ferry_python::ast::{Expr, ExprCall};

use crate::classes::{StepClass, is_infra};
use crate::container::ProgramSource;
use crate::lower::Lowerer;
use crate::steps::StepBuilder;
use crate::values::Thing;

impl<'a> Lowerer<'a> {
    /// CreateModelStep and ModelStep: `model.create(...)` or `model.register(...)`.
    pub(crate) fn model_step(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
        let (object, method) = self.job_source(info, "model");
        let method_name = method.and_then(|m| match &*m.func {
            Expr::Attribute(a) => Some(a.attr.id.as_str()),
            _ => None,
        });
        let mut job = match object {
            Some(object) => self.model_object(builder, object),
            None => ContainerJob::new(JobKind::CreateModel, Program::Service),
        };
        let keywords = self.keywords_of(method, info);
        if method_name == Some("register") {
            if let StepKind::Job { job, .. } = &mut builder.step.kind {
                *job = "register_model".to_string();
            }
            builder.step.mapping = StepClass::RegisterModel.mapping();
            builder.step.mapping.construct = "ModelStep(model.register)".into();
            job.job = JobKind::RegisterModel;
            self.registration(builder, &keywords, &mut job);
            builder.add_output("model_package_arn", PortType::Scalar, builder.step.span);
            job.results.push(ResultDir {
                output: "model_package_arn".into(),
                path: "/opt/ml/model-package".into(),
            });
        } else {
            // `create(instance_type=...)`: settings of the step, and the arguments
            // the launch passes (from the step's inputs where ferry cannot read them).
            let mut method_arguments = Vec::new();
            for (name, value) in keywords {
                if name == "inputs" || is_infra(name) {
                    let v = self.hint_value(value);
                    builder.hint(name, v);
                }
                // Without a method call (the legacy step) the keywords are the step's.
                if name != "inputs" && method.is_some() {
                    let v = self.job_value(builder, value, name, 0);
                    method_arguments.push((name.to_string(), v));
                } else if let Expr::Call(input) = self.follow(value)
                    && self.sagemaker_class(input).as_deref() == Some("CreateModelInput")
                {
                    // The legacy `CreateModelStep(inputs=CreateModelInput(...))`.
                    for k in self.call_info_of(input).keywords {
                        let v = self.job_value(builder, k.value, k.name, 0);
                        method_arguments.push((k.name.to_string(), v));
                    }
                }
            }
            if let Some(l) = &mut job.launch {
                l.method = "create".into();
                l.method_arguments = Value::Object(method_arguments);
            }
            builder.add_output("model_name", PortType::Model, builder.step.span);
            job.results.push(ResultDir {
                output: "model_name".into(),
                path: "/opt/ml/model".into(),
            });
        }
        builder.container = Some(job);
    }

    /// A `Model(...)` (or framework model): `model_data` becomes the model input, its
    /// inference code (`entry_point`, `source_dir`) or image the program.
    pub(crate) fn model_object(
        &mut self,
        builder: &mut StepBuilder,
        object: &'a ExprCall,
    ) -> ContainerJob {
        let info = self.call_info_of(object);
        let mut settings = Vec::new();
        let source = ProgramSource {
            code: info.keyword("entry_point"),
            source_dir: info.keyword("source_dir"),
            dependencies: info.keyword("dependencies"),
            image: info.keyword("image_uri"),
        };
        let program = self.program(builder, source, vec!["python".to_string()], &mut settings);
        let class = self.sagemaker_class(object).unwrap_or_default();
        settings.push(("model_class".into(), Value::String(class)));
        let mut job = ContainerJob::new(JobKind::CreateModel, program);
        if let Some(data) = info.keyword("model_data") {
            let binding = self.binding_of(data);
            let port = builder.add_input("model", PortType::Unknown, binding, self.span(data));
            job.channels.push(Channel {
                input: port,
                name: "model".into(),
                path: "/opt/ml/model".into(),
                content_type: None,
            });
        }
        for keyword in info.keywords.iter().filter(|k| k.name != "model_data") {
            if is_infra(keyword.name) {
                let v = self.hint_value(keyword.value);
                builder.hint(keyword.name, v);
            }
        }
        if let Some(env) = info.keyword("env")
            && let Value::Object(fields) = self.job_value(builder, env, "env", 0)
        {
            job.environment = fields;
        }
        job.settings = Value::Object(settings);
        let skip_image = matches!(job.program, Program::Builtin { .. });
        job.launch = self.launch(builder, Some(object), "create", skip_image);
        if let Some(Value::Object(args)) = job.launch.as_mut().map(|l| &mut l.arguments) {
            args.retain(|(k, _)| k != "model_data");
        }
        job
    }

    pub(crate) fn register_model(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
        let estimator = info
            .keyword("estimator")
            .and_then(|e| match self.classify(e) {
                Thing::SagemakerObject(est, _) => Some(est),
                _ => None,
            });
        let model = info.keyword("model").and_then(|e| match self.classify(e) {
            Thing::SagemakerObject(m, _) => Some(m),
            _ => None,
        });
        let mut job = match model {
            Some(m) => self.model_object(builder, m),
            None => self.estimator_model(builder, estimator),
        };
        job.job = JobKind::RegisterModel;
        if let Some(data) = info.keyword("model_data") {
            let binding = self.binding_of(data);
            let port = builder.add_input("model", PortType::Unknown, binding, self.span(data));
            job.channels.retain(|c| c.name != "model");
            job.channels.push(Channel {
                input: port,
                name: "model".into(),
                path: "/opt/ml/model".into(),
                content_type: None,
            });
        }
        let keywords: Vec<(&'a str, &'a Expr)> = info
            .keywords
            .iter()
            .filter(|k| !matches!(k.name, "estimator" | "model" | "model_data" | "name"))
            .map(|k| (k.name, k.value))
            .collect();
        self.registration(builder, &keywords, &mut job);
        builder.add_output("model_package_arn", PortType::Scalar, builder.step.span);
        job.results.push(ResultDir {
            output: "model_package_arn".into(),
            path: "/opt/ml/model-package".into(),
        });
        builder.container = Some(job);
    }

    /// The model an estimator's training produces, served by the estimator's image.
    fn estimator_model(
        &mut self,
        builder: &mut StepBuilder,
        estimator: Option<&'a ExprCall>,
    ) -> ContainerJob {
        let Some(estimator) = estimator else {
            return ContainerJob::new(JobKind::RegisterModel, Program::Service);
        };
        self.job_hints(builder, estimator);
        let info = self.call_info_of(estimator);
        let mut settings = Vec::new();
        let image = info.keyword("image_uri");
        let program = self.program(
            builder,
            ProgramSource {
                image,
                ..ProgramSource::default()
            },
            Vec::new(),
            &mut settings,
        );
        let mut job = ContainerJob::new(JobKind::RegisterModel, program);
        let image_value = match image {
            Some(image) => self.job_value(builder, image, "image_uri", 0),
            None => Value::Null,
        };
        let mut arguments = Vec::new();
        if image_value != Value::Null {
            arguments.push(("image_uri".to_string(), image_value));
        }
        job.launch = Some(Launch {
            class: "sagemaker.model.Model".into(),
            arguments: Value::Object(arguments),
            method: "register".into(),
            method_arguments: Value::Object(Vec::new()),
        });
        job.settings = Value::Object(settings);
        job
    }

    /// Registration keywords (RegisterModel / `model.register`): the job's settings and
    /// launch keywords, hints, and a workflow-level model registration.
    fn registration(
        &mut self,
        builder: &mut StepBuilder,
        keywords: &[(&'a str, &'a Expr)],
        job: &mut ContainerJob,
    ) {
        let mut group = None;
        let mut approval = None;
        let mut settings = match std::mem::replace(&mut job.settings, Value::Null) {
            Value::Object(f) => f,
            _ => Vec::new(),
        };
        let mut method_arguments = Vec::new();
        for &(name, value) in keywords {
            match name {
                "depends_on"
                | "cache_config"
                | "retry_policies"
                | "display_name"
                | "description"
                | "register_model_step_retry_policies"
                | "repack_model_step_retry_policies"
                | "tags" => {}
                n if is_infra(n) && !matches!(n, "inference_instances" | "transform_instances") => {
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
                        approval = match self.classify(value) {
                            Thing::Const(Value::String(s)) => Some(s),
                            Thing::Param(call) => {
                                let p = self.param_name(call, false);
                                self.pipeline
                                    .param(&p)
                                    .and_then(|p| p.default.clone())
                                    .and_then(|d| d.as_str().map(str::to_string))
                            }
                            _ => None,
                        };
                    }
                    let v = self.job_value(builder, value, name, 0);
                    settings.push((name.to_string(), v.clone()));
                    method_arguments.push((name.to_string(), v));
                }
            }
        }
        job.settings = Value::Object(settings);
        if let Some(l) = &mut job.launch {
            l.method = "register".into();
            l.method_arguments = Value::Object(method_arguments);
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
