//! Runtime bindings of carried Python steps in ZenML terms: loggers are ZenML loggers,
//! run-configuration values are typed step parameters (their values in the
//! pipeline's configs), objects are built at the start of the step, metadata goes to
//! the step's output artifact (`StepContext.add_output_metadata`) or the step run
//! (`log_metadata`), checks log their outcome and fail the run when blocking,
//! generator bodies return what they yielded, partition keys and windows are computed
//! from the pipeline's partition parameter. Helpers shared by the steps live in the
//! generated `ferry_runtime/carried.py`. Nothing here knows which front end produced the IR.

use std::collections::BTreeSet;

use ferry_ir::{FieldSource, RuntimeKind, Step, Value, Workflow};

use crate::code::{Code, Ident, py};
use crate::imports::Imports;
use crate::record::{Disposition, Entry, EntryKind};
use crate::types;
use crate::writer::{Unformatted, Writer};

/// The shared module's path and dotted name.
pub const MODULE_PATH: &str = "ferry_runtime/carried.py";
const MODULE: &str = "ferry_runtime.carried";

/// A step parameter a binding adds to the signature.
pub struct ConfigParam {
    pub name: Ident,
    pub annotation: Code,
    pub default: Option<Code>,
}

/// The helpers of the shared module the project's steps use.
fn helpers_used(workflow: &Workflow) -> BTreeSet<&'static str> {
    fn visit(p: &ferry_ir::Pipeline, out: &mut BTreeSet<&'static str>) {
        for s in p.steps() {
            for b in &s.runtime {
                out.insert(match &b.kind {
                    RuntimeKind::RecordMetadata => "record_metadata",
                    RuntimeKind::ReturnOutput => "output_value",
                    RuntimeKind::YieldOutput => "yielded_output",
                    RuntimeKind::CheckResult { blocking: true } => "blocking_check_result",
                    RuntimeKind::CheckResult { blocking: false } => "check_result",
                    RuntimeKind::PartitionKey { .. } => "PartitionKey",
                    RuntimeKind::PartitionWindow { .. } => "time_window",
                    RuntimeKind::Generator { list: true, .. } => "collect_list",
                    RuntimeKind::Generator { outputs, .. } if outputs.is_empty() => "run_to_end",
                    RuntimeKind::Generator { .. } => "collect_outputs",
                    RuntimeKind::Unsupported { .. } => "NotMigrated",
                    RuntimeKind::Logger
                    | RuntimeKind::StepContext
                    | RuntimeKind::Config { .. }
                    | RuntimeKind::Object { .. } => continue,
                });
            }
            for r in s.kind.regions() {
                visit(r, out);
            }
        }
    }
    let mut out = BTreeSet::new();
    for p in &workflow.pipelines {
        visit(p, &mut out);
    }
    out
}

/// Whether any step needs the shared helpers.
pub fn needs_module(workflow: &Workflow) -> bool {
    !helpers_used(workflow).is_empty()
}

/// Parameters of the step's signature that come from run configuration.
pub fn config_params(step: &Step, imports: &mut Imports) -> Vec<ConfigParam> {
    step.runtime
        .iter()
        .filter_map(|b| match &b.kind {
            RuntimeKind::Config { ty, default, .. } => {
                let mut annotation = types::param(*ty);
                if annotation.as_str().contains("Any") {
                    imports.from("typing", "Any");
                }
                // A mutable default is built in the body instead (B006); a None
                // default makes the type optional.
                let default = match default {
                    Some(v) if is_mutable(v) || *v == Value::Null => {
                        if annotation.as_str() != "Any" {
                            annotation = py!("{} | None", annotation);
                        }
                        Some(Code::text("None"))
                    }
                    Some(v) => Some(Code::constant(v)),
                    None => None,
                };
                Some(ConfigParam {
                    name: Ident::new(&b.name),
                    annotation,
                    default,
                })
            }
            _ => None,
        })
        .collect()
}

fn is_mutable(v: &Value) -> bool {
    matches!(v, Value::Array(_) | Value::Object(_))
}

/// Values of configuration parameters for the pipeline's run configuration:
/// `(parameter, value)` (the configured value, else the default).
pub fn config_values(step: &Step) -> Vec<(String, Value)> {
    step.runtime
        .iter()
        .filter_map(|b| match &b.kind {
            RuntimeKind::Config { value, default, .. } => value
                .clone()
                .or_else(|| default.clone())
                .map(|v| (b.name.clone(), v)),
            _ => None,
        })
        .collect()
}

fn alias(imports: &mut Imports, name: &'static str, binding: &str) {
    imports.import_generated_as(MODULE, name, &Ident::new(binding));
}

/// Names of the shared module a step module uses, each under a name its carried body
/// does not bind or read (a body's local `time_window` must not hide the helper).
pub struct Helpers {
    namer: ferry_ir::naming::Namer,
    chosen: std::collections::BTreeMap<&'static str, Ident>,
}

impl Helpers {
    pub fn new(step: &Step) -> Self {
        let mut names: std::collections::BTreeSet<String> =
            step.runtime.iter().map(|b| b.name.clone()).collect();
        names.extend(step.inputs.iter().map(|i| i.name.clone()));
        if let ferry_ir::StepKind::Python { body, .. } = &step.kind {
            let parsed = ruff_python_parser::parse_unchecked(
                body,
                ruff_python_parser::ParseOptions::from(ruff_python_ast::PySourceType::Python),
            );
            for token in parsed.tokens() {
                if token.kind() == ruff_python_ast::token::TokenKind::Name {
                    let range = ruff_text_size::Ranged::range(token);
                    if let Some(text) = body.get(range.start().to_usize()..range.end().to_usize()) {
                        names.insert(text.to_string());
                    }
                }
            }
        }
        Helpers {
            namer: ferry_ir::naming::Namer::with_reserved(names.iter().map(String::as_str)),
            chosen: std::collections::BTreeMap::new(),
        }
    }

    /// `name` of the shared module, imported under a name free in this step module.
    pub fn get(&mut self, name: &'static str, imports: &mut Imports) -> Ident {
        if let Some(i) = self.chosen.get(name) {
            return i.clone();
        }
        let local = Ident::new(&self.namer.fresh(name));
        imports.import_generated_as(MODULE, name, &local);
        self.chosen.insert(name, local.clone());
        local
    }
}

fn field_value(source: &FieldSource, imports: &mut Imports) -> Code {
    match source {
        FieldSource::Name(n) => Ident::new(n).code(),
        FieldSource::Literal(v) => Code::constant(v),
        FieldSource::Env(var) => {
            imports.import("os");
            py!("os.environ[{}]", Code::str_lit(var))
        }
    }
}

/// The statements that bind the step's runtime names, at the start of its body, and
/// the TODO of every use the front end could not lower.
pub fn prelude(
    step: &Step,
    file: &str,
    w: &mut Writer,
    imports: &mut Imports,
    helpers: &mut Helpers,
) {
    for b in &step.runtime {
        let name = Ident::new(&b.name);
        match &b.kind {
            RuntimeKind::Logger => {
                imports.from("zenml.logger", "get_logger");
                w.line(py!("{} = get_logger(__name__)", name));
            }
            RuntimeKind::StepContext => {
                imports.from("zenml", "get_step_context");
                w.line(py!("{} = get_step_context()", name));
            }
            RuntimeKind::Config {
                default: Some(v), ..
            } if is_mutable(v) => {
                w.open(py!("if {} is None", name));
                w.line(py!("{} = {}", name, Code::constant(v)));
                w.close();
            }
            RuntimeKind::Config { .. } | RuntimeKind::Generator { .. } => {}
            RuntimeKind::Object {
                module,
                class,
                fields,
            } => {
                let class = Ident::new(class);
                imports.import_generated(module, &class);
                let args: Vec<Code> = fields
                    .iter()
                    .map(|f| Code::keyword(&Ident::new(&f.field), field_value(&f.source, imports)))
                    .collect();
                w.line(py!("{} = {}", name, Code::call(class, args)));
            }
            RuntimeKind::RecordMetadata => alias(imports, "record_metadata", &b.name),
            RuntimeKind::ReturnOutput => alias(imports, "output_value", &b.name),
            RuntimeKind::YieldOutput => alias(imports, "yielded_output", &b.name),
            RuntimeKind::CheckResult { blocking } => alias(
                imports,
                if *blocking {
                    "blocking_check_result"
                } else {
                    "check_result"
                },
                &b.name,
            ),
            RuntimeKind::PartitionKey { input, dimensions } => {
                let class = helpers.get("PartitionKey", imports);
                let dims = Code::join(dimensions.iter().map(|d| Code::str_lit(d)), ", ");
                w.line(py!(
                    "{} = {}({}, ({},))",
                    name,
                    class,
                    Ident::new(input),
                    dims
                ));
            }
            RuntimeKind::PartitionWindow {
                input,
                dimension,
                format,
                period,
                timezone,
            } => {
                let function = helpers.get("time_window", imports);
                let key = match dimension {
                    Some(d) => py!(
                        "{}.keys_by_dimension[{}]",
                        Ident::new(input),
                        Code::str_lit(d)
                    ),
                    None => Ident::new(input).code(),
                };
                let tz = timezone
                    .as_deref()
                    .map_or(Code::text("None"), Code::str_lit);
                w.line(py!(
                    "{} = {}({}, {}, {}, {})",
                    name,
                    function,
                    key,
                    Code::str_lit(format),
                    Code::str_lit(period.as_str()),
                    tz
                ));
            }
            RuntimeKind::Unsupported { construct, help } => {
                let class = helpers.get("NotMigrated", imports);
                w.todo(
                    &format!("UNSUPPORTED -- {construct} is not translated; the step raises NotImplementedError where it is used. {help}"),
                    Entry::new(
                        EntryKind::Detail,
                        format!("{construct} in `{}`", step.display_name),
                        format!("`{file}`"),
                        Disposition::StandIn,
                        b.span,
                    )
                    .issue(format!("{construct} has no translation"))
                    .redesign(help.clone())
                    .severity(Some(ferry_diagnostics::MigrationFlag::Medium)),
                );
                w.line(py!(
                    "{} = {}({})",
                    name,
                    class,
                    Code::str_lit(&format!("{construct}: {help}"))
                ));
            }
        }
    }
}

/// The generator binding of a step, if its body is a generator.
pub fn generator(step: &Step) -> Option<(Ident, &[String], bool)> {
    step.runtime.iter().find_map(|b| match &b.kind {
        RuntimeKind::Generator { outputs, list } => {
            Some((Ident::new(&b.name), outputs.as_slice(), *list))
        }
        _ => None,
    })
}

/// A generator body: a nested function holding the carried code, then the step's
/// outputs collected from what it yields.
pub fn emit_generator(step: &Step, body: &str, w: &mut Writer, imports: &mut Imports) -> bool {
    let Some((name, outputs, list)) = generator(step) else {
        return false;
    };
    let mut helpers = Helpers::new(step);
    imports.from("collections.abc", "Iterator");
    imports.from("typing", "Any");
    w.open(py!("def {}() -> Iterator[Any]", name));
    w.carried(&Code::carried(body));
    w.close();
    if list {
        let collect = helpers.get("collect_list", imports);
        w.line(py!("return {}({}())", collect, name));
    } else if outputs.is_empty() {
        let run = helpers.get("run_to_end", imports);
        w.line(py!("{}({}())", run, name));
    } else {
        let collect = helpers.get("collect_outputs", imports);
        let names = Code::join(outputs.iter().map(|o| Code::str_lit(o)), ", ");
        if outputs.len() > 1 {
            // ZenML reads a step's outputs as several artifacts only when its `return`
            // is a tuple display. The generator has run to the end before the
            // assignment, so rebinding a parameter of the same name is harmless.
            let targets = Code::join(outputs.iter().map(|o| Ident::new(o).code()), ", ");
            w.line(py!(
                "{} = {}({}(), ({},))",
                targets.clone(),
                collect,
                name,
                names
            ));
            w.line(py!("return {}", targets));
        } else {
            w.line(py!("return {}({}(), ({},))", collect, name, names));
        }
    }
    true
}

/// One piece of the shared module: its name, code, imports and the pieces it needs.
struct Piece {
    name: &'static str,
    code: &'static str,
    imports: &'static [(&'static str, &'static str)],
    needs: &'static [&'static str],
}

const PIECES: &[Piece] = &[
    Piece {
        name: "logger",
        code: "logger = get_logger(__name__)",
        imports: &[("zenml.logger", "get_logger")],
        needs: &[],
    },
    Piece {
        name: "CheckFailedError",
        code: "class CheckFailedError(RuntimeError):
    \"\"\"A blocking data check failed: the run stops here.\"\"\"",
        imports: &[],
        needs: &[],
    },
    Piece {
        name: "NotMigrated",
        code: "class NotMigrated:
    \"\"\"Stand-in for a source construct ferry did not translate: using it raises.\"\"\"

    def __init__(self, construct: str) -> None:
        self.construct = construct

    def __call__(self, *args: object, **kwargs: object) -> object:
        raise NotImplementedError(f\"not migrated: {self.construct}\")

    def __getattr__(self, name: str) -> object:
        raise NotImplementedError(f\"not migrated: {self.construct}\")",
        imports: &[],
        needs: &[],
    },
    Piece {
        name: "Yielded",
        code: "class Yielded(NamedTuple):
    \"\"\"One output a generator body yielded.\"\"\"

    output_name: str | None
    value: Any",
        imports: &[("typing", "Any"), ("typing", "NamedTuple")],
        needs: &[],
    },
    Piece {
        name: "TimeWindow",
        code: "class TimeWindow(NamedTuple):
    \"\"\"The time window of a partition.\"\"\"

    start: datetime
    end: datetime",
        imports: &[("typing", "NamedTuple"), ("datetime", "datetime")],
        needs: &[],
    },
    Piece {
        name: "PartitionKey",
        code: "class PartitionKey(str):
    \"\"\"A multi-dimensional partition key: the key itself, and its keys by dimension.\"\"\"

    keys_by_dimension: dict[str, str]

    def __new__(cls, key: str, dimensions: tuple[str, ...]) -> Self:
        \"\"\"Split `key` (the dimensions' keys joined by `|`) by dimension.\"\"\"
        instance = super().__new__(cls, key)
        instance.keys_by_dimension = dict(zip(dimensions, key.split(\"|\"), strict=False))
        return instance",
        imports: &[("typing", "Self")],
        needs: &[],
    },
    Piece {
        name: "metadata_value",
        code: "def metadata_value(value: Any) -> Any:
    \"\"\"A value ZenML can store as metadata (plain types; anything else as text).\"\"\"
    if isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, dict):
        return {str(k): metadata_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple | set):
        return [metadata_value(v) for v in value]
    item = getattr(value, \"item\", None)
    if callable(item):
        try:
            return metadata_value(item())
        except (TypeError, ValueError):
            pass
    return str(value)",
        imports: &[("typing", "Any")],
        needs: &[],
    },
    Piece {
        name: "record_metadata",
        code: "def record_metadata(
    metadata: dict[str, Any] | None, output_name: str | None = None, **other: Any
) -> None:
    \"\"\"Record metadata for an output of the running step (the step run if it has none).\"\"\"
    if not metadata:
        return
    values = {str(k): metadata_value(v) for k, v in metadata.items() if v is not None}
    context = get_step_context()
    for name in (output_name, None) if output_name else (None,):
        try:
            context.add_output_metadata(values, output_name=name)
        except StepContextError:
            continue
        return
    log_metadata(metadata=values)",
        imports: &[
            ("typing", "Any"),
            ("zenml", "get_step_context"),
            ("zenml", "log_metadata"),
            ("zenml.exceptions", "StepContextError"),
        ],
        needs: &["metadata_value"],
    },
    Piece {
        name: "output_value",
        code: "def output_value(
    value: Any = None,
    *,
    output_name: str | None = None,
    metadata: dict[str, Any] | None = None,
    **other: Any,
) -> Any:
    \"\"\"Record the output's metadata and return its value.\"\"\"
    record_metadata(metadata, output_name)
    return value",
        imports: &[("typing", "Any")],
        needs: &["record_metadata"],
    },
    Piece {
        name: "yielded_output",
        code: "def yielded_output(
    value: Any = None,
    *,
    output_name: str | None = None,
    metadata: dict[str, Any] | None = None,
    **other: Any,
) -> Yielded:
    \"\"\"Record the output's metadata and mark the value as an output of the step.\"\"\"
    record_metadata(metadata, output_name)
    return Yielded(output_name, value)",
        imports: &[("typing", "Any")],
        needs: &["record_metadata", "Yielded"],
    },
    Piece {
        name: "collect_outputs",
        code: "def collect_outputs(events: Iterable[Any], names: tuple[str, ...]) -> Any:
    \"\"\"Run a generator body; return its outputs (one value, or a tuple in order).\"\"\"
    values: dict[str | None, Any] = {}
    for event in events:
        if isinstance(event, Yielded):
            key = names[0] if len(names) == 1 else event.output_name
            values[key] = event.value
    if len(names) == 1:
        return values.get(names[0])
    return tuple(values.get(name) for name in names)",
        imports: &[("typing", "Any"), ("collections.abc", "Iterable")],
        needs: &["Yielded"],
    },
    Piece {
        name: "collect_list",
        code: "def collect_list(events: Iterable[Any]) -> list[Any]:
    \"\"\"Run a generator body; return every value it yielded as an output, in order.\"\"\"
    return [event.value for event in events if isinstance(event, Yielded)]",
        imports: &[("typing", "Any"), ("collections.abc", "Iterable")],
        needs: &["Yielded"],
    },
    Piece {
        name: "run_to_end",
        code: "def run_to_end(events: Iterable[Any]) -> None:
    \"\"\"Run a generator body whose yields are events only.\"\"\"
    for _ in events:
        pass",
        imports: &[("typing", "Any"), ("collections.abc", "Iterable")],
        needs: &[],
    },
    Piece {
        name: "check_result",
        code: "def check_result(
    passed: bool,
    *,
    metadata: dict[str, Any] | None = None,
    severity: str = \"ERROR\",
    description: str | None = None,
    **other: Any,
) -> dict[str, Any]:
    \"\"\"Log a data check's outcome and metadata on the step run; return the outcome.\"\"\"
    outcome: dict[str, Any] = {\"passed\": bool(passed), \"severity\": str(severity)}
    if description:
        outcome[\"description\"] = description
    if metadata:
        outcome[\"metadata\"] = metadata_value(metadata)
    log_metadata(metadata={\"check\": outcome})
    if not passed:
        logger.warning(\"data check failed (%s): %s\", severity, outcome.get(\"metadata\"))
    return outcome",
        imports: &[("typing", "Any"), ("zenml", "log_metadata")],
        needs: &["metadata_value", "logger"],
    },
    Piece {
        name: "blocking_check_result",
        code: "def blocking_check_result(passed: bool, **kwargs: Any) -> dict[str, Any]:
    \"\"\"A blocking data check: a failure of severity ERROR fails the run.\"\"\"
    outcome = check_result(passed, **kwargs)
    if not outcome[\"passed\"] and outcome[\"severity\"] != \"WARN\":
        message = f\"blocking data check failed: {outcome.get('metadata')}\"
        raise CheckFailedError(message)
    return outcome",
        imports: &[("typing", "Any")],
        needs: &["check_result", "CheckFailedError"],
    },
    Piece {
        name: "time_window",
        code: "def time_window(
    key: str, key_format: str, period: str, timezone: str | None = None
) -> TimeWindow:
    \"\"\"The window a time partition key starts, lasting one period.\"\"\"
    zone = ZoneInfo(timezone) if timezone else UTC
    start = datetime.strptime(key, key_format).replace(tzinfo=zone)
    if period == \"hourly\":
        end = start + timedelta(hours=1)
    elif period == \"daily\":
        end = start + timedelta(days=1)
    elif period == \"weekly\":
        end = start + timedelta(days=7)
    else:
        year = start.year + start.month // 12
        month = start.month % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        end = start.replace(year=year, month=month, day=day)
    return TimeWindow(start, end)",
        imports: &[
            ("calendar", ""),
            ("datetime", "UTC"),
            ("datetime", "datetime"),
            ("datetime", "timedelta"),
            ("zoneinfo", "ZoneInfo"),
        ],
        needs: &["TimeWindow"],
    },
];

/// The shared helpers' module: only the pieces the project's steps use, in a fixed
/// order, with their imports.
pub fn module(workflow: &Workflow, cx: &crate::context::Context) -> Unformatted {
    let mut wanted: BTreeSet<&str> = helpers_used(workflow);
    // Pieces' own needs, transitively.
    loop {
        let before = wanted.len();
        let needs: Vec<&str> = PIECES
            .iter()
            .filter(|p| wanted.contains(p.name))
            .flat_map(|p| p.needs.iter().copied())
            .collect();
        wanted.extend(needs);
        if wanted.len() == before {
            break;
        }
    }
    let mut imports = Imports::new();
    for p in PIECES.iter().filter(|p| wanted.contains(p.name)) {
        for (module, name) in p.imports {
            if name.is_empty() {
                imports.import(module);
            } else {
                imports.from(module, name);
            }
        }
    }
    let mut w = Writer::new();
    w.line(Code::docstring(
        "Runtime support of the migrated steps, generated by ferry (only what they use).",
    ));
    w.blank();
    cx.import_block(&mut w, &imports);
    for (i, p) in PIECES
        .iter()
        .filter(|p| wanted.contains(p.name))
        .enumerate()
    {
        // isort wants one blank line between the imports and a statement.
        let statement = !p.code.starts_with("def ") && !p.code.starts_with("class ");
        w.blank();
        if i > 0 || !statement {
            w.blank();
        }
        w.lines(&Code::text(p.code));
    }
    w.finish()
}
