use ferry_diagnostics::CodeInfo;

/// Every code this front end emits (F041x-F042x; ferry-python owns F040x).
pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "F0410",
        title: "no SageMaker pipeline found",
        explanation: "The file imports SageMaker but no `Pipeline(...)` call from \
`sagemaker.workflow.pipeline` was found at module level or inside a function. Nothing was \
lowered. Make sure the pipeline is built in this file, not in an imported module.",
    },
    CodeInfo {
        code: "F0411",
        title: "steps built by Python ferry cannot follow",
        explanation: "A step (or the list of steps) comes from Python the front end does not \
evaluate: a loop appending steps, a helper function or an imported factory returning steps, \
`*args`/`**kwargs` unpacking, or a variable bound by a loop or a call. ferry reads code \
statically and never runs it, so the step is missing from the lowered pipeline. Write the \
step out explicitly, or add it to the generated ZenML pipeline by hand.",
    },
    CodeInfo {
        code: "F0412",
        title: "not a SageMaker step",
        explanation: "An element of `steps=`, `if_steps=`, `else_steps=` or `depends_on=` is a \
call or value that is not one of the SageMaker step classes (ProcessingStep, TrainingStep, \
TuningStep, TransformStep, CreateModelStep, ModelStep, RegisterModel, ConditionStep, FailStep, \
LambdaStep, CallbackStep, QualityCheckStep, ClarifyCheckStep, EMRStep, NotebookJobStep, \
AutoMLStep, MonitorBatchTransformStep) nor a `@step` function call.",
    },
    CodeInfo {
        code: "F0413",
        title: "unknown step",
        explanation: "A reference names a step that is not part of the pipeline: a `JsonGet(step_name=...)`, \
a string in `depends_on`, or `.properties` of a variable that is not a step. Check the spelling \
of the step name (SageMaker names are case sensitive).",
    },
    CodeInfo {
        code: "F0414",
        title: "unknown step property",
        explanation: "`step.properties.<path>` names a property that ferry does not know for that \
step type (for example `ModelArtifacts` of a processing step). Known properties map to output \
ports: processing `ProcessingOutputConfig.Outputs['name'].S3Output.S3Uri`, training \
`ModelArtifacts.S3ModelArtifacts`, `TrainingJobName`, transform `TransformOutput.S3OutputPath`, \
Lambda/Callback `Outputs['name']` and the job name/ARN/status properties of every job step.",
    },
    CodeInfo {
        code: "F0415",
        title: "unknown output or property file",
        explanation: "A property path or a `JsonGet` names an output channel, a Lambda/Callback \
output or a property file that the referenced step does not declare. A `PropertyFile` must be \
passed to the processing step through `property_files=[...]` and name one of its \
`ProcessingOutput(output_name=...)` channels.",
    },
    CodeInfo {
        code: "F0416",
        title: "value not statically known",
        explanation: "A value ferry needs at compile time (a step or parameter name, a JSON path, a \
condition operand list) is computed by Python that ferry does not evaluate. The construct is \
kept with the value as written; check the generated code.",
    },
    CodeInfo {
        code: "F0417",
        title: "duplicate step name",
        explanation: "Two steps of one pipeline have the same SageMaker name. SageMaker rejects such \
a pipeline (step names are global across condition branches); so does ferry. The second step \
is renamed in the IR so the rest of the file can still be checked.",
    },
    CodeInfo {
        code: "F0418",
        title: "parameter not listed in the pipeline",
        explanation: "A step uses a `Parameter*` object that is missing from `Pipeline(parameters=[...])`. \
SageMaker only defines listed parameters, so the execution would fail. ferry adds the parameter \
to the lowered pipeline anyway.",
    },
    CodeInfo {
        code: "F0419",
        title: "pipeline variable used as a Python value",
        explanation: "A pipeline variable (parameter, step property, execution variable, JsonGet) is \
formatted into an f-string, passed to `str()`/`int()`/`float()` or added with `+`. Its value only \
exists at execution time, so the SageMaker SDK raises when this code runs. Use \
`Join(on=..., values=[...])` or `.to_string()` instead.",
    },
    CodeInfo {
        code: "F0420",
        title: "SageMaker construct has no ZenML equivalent",
        explanation: "The construct is lowered as an Absent mapping and flagged for human review: \
CallbackStep (the SQS callback-token handshake), LambdaStep relying on declared outputs (the \
Lambda I/O contract and timeout), and similar. The generated step raises until it is redesigned; \
the migration report explains the suggested redesign.",
    },
    CodeInfo {
        code: "F0421",
        title: "steps refer to each other in a cycle",
        explanation: "Following step references (`depends_on`, properties, `@step` arguments, \
condition branches) led back to a step that is still being read, or deeper than 64 steps. A \
SageMaker pipeline is a DAG; the reference that closes the cycle is dropped.",
    },
    CodeInfo {
        code: "F0422",
        title: "malformed cache or retry configuration",
        explanation: "A `CacheConfig` or retry policy cannot be read: a value is not a constant, \
`max_attempts` and `expire_after_mins` are both set or both missing, or an exception type is \
not one of `StepExceptionTypeEnum` / `SageMakerJobExceptionTypeEnum`. The policy is kept as far \
as it can be read.",
    },
    CodeInfo {
        code: "F0423",
        title: "execution variable only exists at run time",
        explanation: "`ExecutionVariables.PIPELINE_EXECUTION_ID`, `PIPELINE_NAME`, `START_DATETIME` \
and the other execution variables are filled in by SageMaker while the pipeline runs. ZenML \
has the same facts in the step context (`zenml.get_step_context()`: the pipeline run's id, \
name and start time). The generated step takes the value as a parameter; read it from the step \
context instead.",
    },
    CodeInfo {
        code: "F0424",
        title: "script not in the input tree",
        explanation: "A job step names its script (`code=`, `entry_point=`, `source_dir=`, \
`dependencies=`) with a path ferry resolves against the pipeline file's folder and the input \
tree (the folder named on the command line, or the pipeline's own folder). The script is not \
there (the message names the expected path), it lies outside the input tree, or it is computed \
by Python ferry does not evaluate. For an S3 URI, ferry looks for a local file whose path ends \
like the object's key; a relative path not found next to the pipeline file is looked for one \
folder up (the SDK resolves it against the working directory, often the repository root of a \
notebook kept in a subfolder). The generated step raises and says which file to add; add the script at \
the expected path (or compile the folder that holds it) and compile again. As a note, the code \
says which local file stands for an S3 object.",
    },
    CodeInfo {
        code: "F0425",
        title: "carried script does not parse",
        explanation: "A script the pipeline runs is carried into the project byte for byte, but \
it is not valid Python 3, so the job will fail when it runs. Fix the script in the source.",
    },
    CodeInfo {
        code: "F0426",
        title: "value computed at definition time",
        explanation: "A parameter default, job argument, step message or setting is computed by \
Python that ferry does not run (a function call, a variable set from the environment, an \
f-string over such values). ferry never writes the source text as the value: the value becomes \
a pipeline parameter without a default (or the parameter loses its default), to be passed with \
its run.py flag or in configs/*.yaml.",
    },
    CodeInfo {
        code: "F0427",
        title: "`@step` body not carried whole",
        explanation: "The body of a `@step` function is carried into the project with the \
definitions it uses (module constants, helper functions, imports). A name in it could not be \
resolved to a definition ferry can carry, or it uses SageMaker pipeline DSL (parameters, \
`ExecutionVariables`, `Join`), which has no meaning inside a running step. The generated step \
keeps the body; define or import the name there, or replace the DSL with the value it stands for.",
    },
];
