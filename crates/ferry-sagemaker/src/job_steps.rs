//! Processing, training, tuning and transform steps: job objects, inputs and outputs in
//! both argument styles.

use ferry_diagnostics::Diagnostic;
use ferry_ir::{PortType, Value};
use ferry_python::CallInfo;
use ferry_python::ast::Expr;

use crate::lower::Lowerer;
use crate::steps::StepBuilder;
use crate::values::Thing;

impl<'a> Lowerer<'a> {
    pub(crate) fn processing(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
        let (object, method) = self.job_source(info, "processor");
        if let Some(object) = object {
            self.job_object(builder, object, "processor");
        }
        let keywords = self.keywords_of(method, info);
        let property_files = info.keyword("property_files");
        let mut property_outputs = Vec::new();
        if let Some(files) = property_files {
            let mut entries = Vec::new();
            for element in self.list_elements(files, "property_files") {
                if let Thing::PropertyFile(pf) = self.classify(element) {
                    let pf_info = self.call_info_of(pf);
                    let name = pf_info
                        .arg(0, "name")
                        .and_then(|e| self.constant_string(e, "property file name"));
                    let output = pf_info
                        .arg(1, "output_name")
                        .and_then(|e| self.constant_string(e, "property file output"));
                    let path = pf_info
                        .arg(2, "path")
                        .and_then(|e| self.constant_string(e, "property file path"));
                    if let (Some(name), Some(output), Some(path)) = (name, output, path) {
                        property_outputs.push(output.clone());
                        entries.push(Value::Object(vec![
                            ("name".into(), Value::String(name)),
                            ("output_name".into(), Value::String(output)),
                            ("path".into(), Value::String(path)),
                        ]));
                    }
                } else {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            "F0415",
                            "`property_files` element is not a `PropertyFile(...)`",
                        )
                        .with_primary(self.span(element), "not a property file"),
                    );
                }
            }
            builder.set("property_files", Value::Array(entries));
        }
        let mut destinations = Vec::new();
        for (name, value) in keywords {
            match name {
                "code" | "submit_app" => {
                    let v = self.value_in(builder, value, "code", 0);
                    builder.set("code", v);
                }
                "source_dir" | "dependencies" | "submit_py_files" | "submit_jars" => {
                    let v = self.value_in(builder, value, name, 0);
                    builder.set(name, v);
                }
                "arguments" | "job_arguments" => {
                    let v = self.value_in(builder, value, "arg", 0);
                    builder.set("arguments", v);
                }
                "inputs" => {
                    for element in self.list_elements(value, "inputs") {
                        self.processing_input(builder, element);
                    }
                }
                "outputs" => {
                    for (i, element) in self.list_elements(value, "outputs").into_iter().enumerate()
                    {
                        if let Some((output, destination)) =
                            self.processing_output(builder, element, i, &property_outputs)
                        {
                            destinations.push((output, destination));
                        }
                    }
                }
                _ => {}
            }
        }
        if !destinations.is_empty() {
            builder.hint("output_s3_uris", Value::Object(destinations));
        }
    }

    pub(crate) fn processing_input(&mut self, builder: &mut StepBuilder, element: &'a Expr) {
        let Thing::SagemakerObject(call, _) = self.classify(element) else {
            self.report_unfollowable(element, "processing input is not a `ProcessingInput(...)`");
            return;
        };
        let info = self.call_info_of(call);
        let destination = info.arg(1, "destination").and_then(|e| self.fold(e).ok());
        let explicit = info.keyword("input_name").and_then(|e| self.fold(e).ok());
        let hint = explicit
            .as_ref()
            .and_then(Value::as_str)
            .or_else(|| {
                destination
                    .as_ref()
                    .and_then(Value::as_str)
                    .and_then(|d| d.trim_end_matches('/').rsplit('/').next())
            })
            .unwrap_or("input")
            .to_string();
        match info.arg(0, "source") {
            Some(source) => {
                let binding = self.binding_of(source);
                builder.add_input(&hint, PortType::Unknown, binding, self.span(element));
            }
            None => self.diagnostics.push(
                Diagnostic::warning("F0416", "`ProcessingInput` without a source")
                    .with_primary(self.span(element), "no source"),
            ),
        }
    }

    pub(crate) fn processing_output(
        &mut self,
        builder: &mut StepBuilder,
        element: &'a Expr,
        index: usize,
        property_outputs: &[String],
    ) -> Option<(String, Value)> {
        let Thing::SagemakerObject(call, _) = self.classify(element) else {
            self.report_unfollowable(
                element,
                "processing output is not a `ProcessingOutput(...)`",
            );
            return None;
        };
        let info = self.call_info_of(call);
        let name = info
            .keyword("output_name")
            .and_then(|e| self.constant_string(e, "output name"))
            .unwrap_or_else(|| format!("output-{}", index + 1));
        let ty = if property_outputs.contains(&name) {
            PortType::Metrics
        } else {
            PortType::Dataset
        };
        builder.add_output(&name, ty, self.span(element));
        info.keyword("destination")
            .map(|d| (name, self.hint_value(d)))
    }

    pub(crate) fn training(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
        let (object, method) = self.job_source(info, "estimator");
        if let Some(object) = object {
            self.job_object(builder, object, "estimator");
        }
        for (name, value) in self.keywords_of(method, info) {
            if name == "inputs" {
                self.training_inputs(builder, value);
            }
        }
        builder.add_output("model", PortType::Model, builder.step.span);
    }

    /// `TrainingInput`, a dict channel → input, or a plain S3 URI (channel `training`).
    pub(crate) fn training_inputs(&mut self, builder: &mut StepBuilder, value: &'a Expr) {
        match self.follow(value) {
            Expr::Dict(dict) => {
                for item in &dict.items {
                    let channel = item
                        .key
                        .as_ref()
                        .and_then(|k| self.fold(k).ok())
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_else(|| "channel".to_string());
                    self.training_channel(builder, &channel, &item.value);
                }
            }
            Expr::List(list) => {
                for (i, element) in list.elts.iter().enumerate() {
                    self.training_channel(builder, &format!("channel_{i}"), element);
                }
            }
            _ => self.training_channel(builder, "training", value),
        }
    }

    pub(crate) fn training_channel(
        &mut self,
        builder: &mut StepBuilder,
        channel: &str,
        value: &'a Expr,
    ) {
        let source = match self.classify(value) {
            Thing::SagemakerObject(call, _) => {
                let info = self.call_info_of(call);
                match info
                    .arg(0, "s3_data")
                    .or(info.arg(0, "data"))
                    .or(info.arg(0, "inputs"))
                {
                    Some(data) => data,
                    None => value,
                }
            }
            _ => value,
        };
        let binding = self.binding_of(source);
        builder.add_input(channel, PortType::Dataset, binding, self.span(value));
    }

    pub(crate) fn tuning(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
        let (object, method) = self.job_source(info, "tuner");
        if let Some(object) = object {
            self.job_object(builder, object, "tuner");
        }
        for (name, value) in self.keywords_of(method, info) {
            if name == "inputs" {
                self.training_inputs(builder, value);
            }
        }
        builder.add_output("best_model", PortType::Model, builder.step.span);
        builder.add_output("top_models", PortType::Json, builder.step.span);
    }

    pub(crate) fn transform(
        &mut self,
        builder: &mut StepBuilder,
        info: &CallInfo<'a>,
        legacy_inputs: &str,
    ) {
        let (object, method) = self.job_source(info, "transformer");
        if let Some(object) = object {
            self.job_object(builder, object, "transformer");
        }
        for (name, value) in self.keywords_of(method, info) {
            match name {
                "data" => {
                    let binding = self.binding_of(value);
                    builder.add_input("data", PortType::Dataset, binding, self.span(value));
                }
                n if n == legacy_inputs => match self.classify(value) {
                    Thing::SagemakerObject(call, _) => {
                        let input = self.call_info_of(call);
                        if let Some(data) = input.arg(0, "data") {
                            let binding = self.binding_of(data);
                            builder.add_input("data", PortType::Dataset, binding, self.span(data));
                        }
                        for keyword in input.keywords.iter().filter(|k| k.name != "data") {
                            let v = self.value_in(builder, keyword.value, keyword.name, 0);
                            builder.set(keyword.name, v);
                        }
                    }
                    _ => {
                        let binding = self.binding_of(value);
                        builder.add_input("data", PortType::Dataset, binding, self.span(value));
                    }
                },
                "content_type" | "split_type" | "data_type" | "input_filter" | "output_filter"
                | "join_source" => {
                    let v = self.value_in(builder, value, name, 0);
                    builder.set(name, v);
                }
                _ => {}
            }
        }
        builder.add_output("output", PortType::Dataset, builder.step.span);
    }
}
