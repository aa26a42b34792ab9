//! NotebookJobStep: the notebook named by `input_notebook=` (and its
//! `additional_dependencies=`) carried into the project and run as a container job of
//! kind notebook, its `parameters=` injected as SageMaker's notebook job injects them;
//! the executed notebook is the step's output. The image, kernel, instance and role are
//! the notebook-job infrastructure and become hints.

use ferry_ir::{ContainerJob, JobKind, Mapping, PortType, ResultDir, Value};
use ferry_python::CallInfo;

use crate::classes::is_infra;
use crate::container::ProgramSource;
use crate::lower::Lowerer;
use crate::steps::StepBuilder;

/// Where the executed notebook is written inside the job (the contract maps it).
const OUTPUT_FOLDER: &str = "/opt/ml/processing/output/notebook";

impl<'a> Lowerer<'a> {
    pub(crate) fn notebook_job(&mut self, builder: &mut StepBuilder, info: &CallInfo<'a>) {
        let mut settings = Vec::new();
        let source = ProgramSource {
            code: info.keyword("input_notebook"),
            source_dir: None,
            dependencies: info.keyword("additional_dependencies"),
            image: None,
        };
        let program = self.program(builder, source, Vec::new(), &mut settings);
        let mut job = ContainerJob::new(JobKind::Notebook, program);
        for keyword in &info.keywords {
            match keyword.name {
                "name"
                | "depends_on"
                | "cache_config"
                | "retry_policies"
                | "display_name"
                | "description"
                | "input_notebook"
                | "additional_dependencies" => {}
                "parameters" => {
                    if let Value::Object(fields) =
                        self.job_value(builder, keyword.value, "parameters", 0)
                    {
                        job.hyperparameters = fields;
                    }
                }
                "environment_variables" => {
                    if let Value::Object(fields) =
                        self.job_value(builder, keyword.value, "environment_variables", 0)
                    {
                        job.environment = fields;
                    }
                }
                n if is_infra(n)
                    || matches!(
                        n,
                        "kernel_name"
                            | "notebook_job_name"
                            | "role"
                            | "s3_root_uri"
                            | "s3_kms_key"
                            | "max_retry_attempts"
                            | "max_runtime_in_seconds"
                            | "initialization_script"
                            | "tags"
                            | "sagemaker_session"
                    ) =>
                {
                    let v = self.hint_value(keyword.value);
                    builder.hint(n, v);
                }
                name => {
                    let v = self.value_in(builder, keyword.value, name, 0);
                    builder.set(name, v);
                }
            }
        }
        builder.add_output("output_notebook", PortType::Uri, builder.step.span);
        job.results.push(ResultDir {
            output: "output_notebook".into(),
            path: OUTPUT_FOLDER.into(),
        });
        job.settings = Value::Object(settings);
        builder.container = Some(job);
        builder.step.mapping = Mapping::approximate(
            "NotebookJobStep",
            "the notebook job runs inside the ZenML step (papermill, this project's Python kernel), not on a notebook-job instance with its image",
        );
    }
}
