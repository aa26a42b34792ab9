//! Structural checks of a state machine, as the service performs them before it
//! accepts a definition (ASL reference §1, §2, §10, §11). Each violation is a coded
//! diagnostic on the exact span; lowering then works on what is well formed.

use std::collections::BTreeSet;

use ferry_diagnostics::Diagnostic;

use crate::doc::{Kind, Node};
use crate::paths::{check_intrinsic, parse_intrinsic, parse_path};

pub const STATE_TYPES: &[&str] = &[
    "Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map",
];

const COMMON: &[&str] = &["Type", "Comment", "QueryLanguage"];

/// Fields allowed per state type, both query languages together (§2.1).
fn allowed(ty: &str) -> &'static [&'static str] {
    match ty {
        "Task" => &[
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultSelector",
            "ResultPath",
            "Arguments",
            "Output",
            "Assign",
            "Retry",
            "Catch",
            "Resource",
            "Credentials",
            "TimeoutSeconds",
            "HeartbeatSeconds",
            "TimeoutSecondsPath",
            "HeartbeatSecondsPath",
        ],
        "Pass" => &[
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultPath",
            "Result",
            "Output",
            "Assign",
        ],
        "Choice" => &[
            "InputPath",
            "OutputPath",
            "Output",
            "Assign",
            "Choices",
            "Default",
        ],
        "Wait" => &[
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Output",
            "Assign",
            "Seconds",
            "Timestamp",
            "SecondsPath",
            "TimestampPath",
        ],
        "Succeed" => &["InputPath", "OutputPath", "Output"],
        "Fail" => &["Error", "Cause", "ErrorPath", "CausePath"],
        "Parallel" => &[
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultSelector",
            "ResultPath",
            "Arguments",
            "Output",
            "Assign",
            "Retry",
            "Catch",
            "Branches",
        ],
        "Map" => &[
            "Next",
            "End",
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultSelector",
            "ResultPath",
            "Output",
            "Assign",
            "Retry",
            "Catch",
            "ItemProcessor",
            "Iterator",
            "ItemsPath",
            "Items",
            "ItemSelector",
            "MaxConcurrency",
            "MaxConcurrencyPath",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "Label",
            "ToleratedFailurePercentage",
            "ToleratedFailureCount",
            "ToleratedFailurePercentagePath",
            "ToleratedFailureCountPath",
            "Arguments",
        ],
        _ => &[],
    }
}

const JSONPATH_ONLY: &[&str] = &[
    "InputPath",
    "OutputPath",
    "Parameters",
    "ResultSelector",
    "ResultPath",
    "Result",
    "ItemsPath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "SecondsPath",
    "TimestampPath",
    "ErrorPath",
    "CausePath",
    "MaxConcurrencyPath",
    "Iterator",
];
const JSONATA_ONLY: &[&str] = &["Arguments", "Output", "Items"];

pub const PREDEFINED_ERRORS: &[&str] = &[
    "States.ALL",
    "States.HeartbeatTimeout",
    "States.Timeout",
    "States.TaskFailed",
    "States.Permissions",
    "States.ResultPathMatchFailure",
    "States.ParameterPathFailure",
    "States.QueryEvaluationError",
    "States.BranchFailed",
    "States.NoChoiceMatched",
    "States.IntrinsicFailure",
    "States.ExceedToleratedFailureThreshold",
    "States.ItemReaderFailed",
    "States.ResultWriterFailed",
    "States.Runtime",
    "States.DataLimitExceeded",
];

const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringLessThan",
    "StringGreaterThan",
    "StringLessThanEquals",
    "StringGreaterThanEquals",
    "StringMatches",
    "NumericEquals",
    "NumericLessThan",
    "NumericGreaterThan",
    "NumericLessThanEquals",
    "NumericGreaterThanEquals",
    "BooleanEquals",
    "TimestampEquals",
    "TimestampLessThan",
    "TimestampGreaterThan",
    "TimestampLessThanEquals",
    "TimestampGreaterThanEquals",
    "StringEqualsPath",
    "StringLessThanPath",
    "StringGreaterThanPath",
    "StringLessThanEqualsPath",
    "StringGreaterThanEqualsPath",
    "NumericEqualsPath",
    "NumericLessThanPath",
    "NumericGreaterThanPath",
    "NumericLessThanEqualsPath",
    "NumericGreaterThanEqualsPath",
    "BooleanEqualsPath",
    "TimestampEqualsPath",
    "TimestampLessThanPath",
    "TimestampGreaterThanPath",
    "TimestampLessThanEqualsPath",
    "TimestampGreaterThanEqualsPath",
    "IsNull",
    "IsPresent",
    "IsNumeric",
    "IsString",
    "IsBoolean",
    "IsTimestamp",
];

pub fn is_operator(key: &str) -> bool {
    OPERATORS.contains(&key)
}

pub struct Checker<'d> {
    pub diagnostics: &'d mut Vec<Diagnostic>,
}

impl Checker<'_> {
    fn err(
        &mut self,
        code: &str,
        node_span: ferry_diagnostics::Span,
        message: String,
        label: &str,
    ) {
        self.diagnostics
            .push(Diagnostic::error(code, message).with_primary(node_span, label.to_string()));
    }

    /// Check a (possibly nested) state machine; `jsonata` is the inherited default.
    pub fn machine(
        &mut self,
        machine: &Node,
        nested: bool,
        jsonata: bool,
        names: &mut BTreeSet<String>,
    ) {
        if !machine.is_object() {
            self.err(
                "F0320",
                machine.span,
                format!(
                    "a state machine must be an object, found {}",
                    machine.type_name()
                ),
                "here",
            );
            return;
        }
        let top: &[&str] = if nested {
            &[
                "StartAt",
                "States",
                "Comment",
                "QueryLanguage",
                "ProcessorConfig",
            ]
        } else {
            &[
                "StartAt",
                "States",
                "Comment",
                "QueryLanguage",
                "TimeoutSeconds",
                "Version",
            ]
        };
        for (key, _) in machine.fields() {
            if !top.contains(&key.text.as_str()) {
                self.diagnostics.push(
                    Diagnostic::warning(
                        "F0304",
                        format!(
                            "`{}` is not a field of a {}state machine",
                            key.text,
                            if nested { "nested " } else { "" }
                        ),
                    )
                    .with_primary(key.span, "ignored")
                    .with_help(format!("allowed here: {}", top.join(", "))),
                );
            }
        }
        let jsonata = match machine.get("QueryLanguage").and_then(Node::as_str) {
            Some("JSONata") => true,
            Some("JSONPath") => false,
            Some(other) => {
                let span = machine
                    .get("QueryLanguage")
                    .map(|n| n.span)
                    .unwrap_or(machine.span);
                self.err(
                    "F0320",
                    span,
                    format!("unknown QueryLanguage `{other}`"),
                    "expected JSONPath or JSONata",
                );
                jsonata
            }
            None => jsonata,
        };
        let Some(states) = machine.get("States") else {
            self.err(
                "F0303",
                machine.span,
                "the state machine has no `States`".into(),
                "missing `States`",
            );
            return;
        };
        if !states.is_object() || states.fields().is_empty() {
            self.err(
                "F0303",
                states.span,
                "`States` must be a non-empty object".into(),
                "here",
            );
            return;
        }
        let local: BTreeSet<&str> = states
            .fields()
            .iter()
            .map(|(k, _)| k.text.as_str())
            .collect();
        match machine.get("StartAt") {
            None => self.err(
                "F0303",
                machine.span,
                "the state machine has no `StartAt`".into(),
                "missing `StartAt`",
            ),
            Some(n) => match n.as_str() {
                Some(s) if local.contains(s) => {}
                Some(s) => self.err(
                    "F0303",
                    n.span,
                    format!("`StartAt` names `{s}`, which is not a state here"),
                    "no such state",
                ),
                None => self.err("F0320", n.span, "`StartAt` must be a string".into(), "here"),
            },
        }
        for (key, state) in states.fields() {
            let chars = key.text.chars().count();
            if chars == 0 || chars > 80 {
                self.err(
                    "F0309",
                    key.span,
                    format!("state name has {chars} characters; the limit is 1 to 80"),
                    "this name",
                );
            }
            if !names.insert(key.text.clone()) {
                self.diagnostics.push(
                    Diagnostic::warning(
                        "F0309",
                        format!("state name `{}` is used twice in the machine", key.text),
                    )
                    .with_primary(key.span, "again here")
                    .with_help(
                        "names must be unique across the whole machine, nested machines included",
                    ),
                );
            }
            self.state(&key.text, state, &local, jsonata, names);
        }
    }

    fn transition(&mut self, node: Option<&Node>, local: &BTreeSet<&str>) {
        let Some(node) = node else { return };
        match node.as_str() {
            Some(target) if local.contains(target) => {}
            Some(target) => self.diagnostics.push(
                Diagnostic::error(
                    "F0307",
                    format!("transition to `{target}`, which is not a state in this scope"),
                )
                .with_primary(node.span, "no such state")
                .with_help(
                    closest(target, local)
                        .map(|c| format!("did you mean `{c}`?"))
                        .unwrap_or_else(|| {
                            "states: ".to_string()
                                + &local.iter().copied().collect::<Vec<_>>().join(", ")
                        }),
                ),
            ),
            None => self.err(
                "F0320",
                node.span,
                format!("a transition must be a string, found {}", node.type_name()),
                "here",
            ),
        }
    }

    fn state(
        &mut self,
        name: &str,
        state: &Node,
        local: &BTreeSet<&str>,
        inherited_jsonata: bool,
        names: &mut BTreeSet<String>,
    ) {
        if !state.is_object() {
            self.err(
                "F0320",
                state.span,
                format!("state `{name}` must be an object"),
                "here",
            );
            return;
        }
        let Some(type_node) = state.get("Type") else {
            self.err(
                "F0305",
                state.span,
                format!("state `{name}` has no `Type`"),
                "missing `Type`",
            );
            return;
        };
        let Some(ty) = type_node.as_str().filter(|t| STATE_TYPES.contains(t)) else {
            self.diagnostics.push(
                Diagnostic::error("F0305", format!("state `{name}` has an unknown type"))
                    .with_primary(type_node.span, "unknown type")
                    .with_help(format!("one of {}", STATE_TYPES.join(", "))),
            );
            return;
        };
        let jsonata = match state.get("QueryLanguage").and_then(Node::as_str) {
            Some("JSONata") => true,
            Some("JSONPath") => false,
            _ => inherited_jsonata,
        };
        let allowed = allowed(ty);
        for (key, _) in state.fields() {
            let k = key.text.as_str();
            // Next/End on a state that must not have them is F0308, reported below.
            if COMMON.contains(&k) || matches!(k, "Next" | "End") {
                continue;
            }
            if !allowed.contains(&k) {
                self.diagnostics.push(
                    Diagnostic::warning("F0306", format!("`{k}` is not allowed in a {ty} state"))
                        .with_primary(key.span, "not allowed here")
                        .with_help(
                            "Step Functions rejects this definition; ferry ignores the field",
                        ),
                );
            } else if jsonata && JSONPATH_ONLY.contains(&k) {
                self.diagnostics.push(
                    Diagnostic::error(
                        "F0314",
                        format!("`{k}` is a JSONPath field but state `{name}` uses JSONata"),
                    )
                    .with_primary(key.span, "JSONPath-only field"),
                );
            } else if !jsonata && JSONATA_ONLY.contains(&k) {
                self.diagnostics.push(
                    Diagnostic::error(
                        "F0314",
                        format!("`{k}` is a JSONata field but state `{name}` uses JSONPath"),
                    )
                    .with_primary(key.span, "JSONata-only field")
                    .with_help("set \"QueryLanguage\": \"JSONata\" on the state or the machine"),
                );
            }
        }
        let has_next = state.get("Next").is_some();
        let ends = state.get("End").and_then(Node::as_bool) == Some(true);
        match ty {
            "Choice" | "Succeed" | "Fail" => {
                if has_next || state.get("End").is_some() {
                    let span = state
                        .entry("Next")
                        .or(state.entry("End"))
                        .map(|(k, _)| k.span)
                        .unwrap_or(state.span);
                    self.err(
                        "F0308",
                        span,
                        format!("a {ty} state must not have `Next` or `End`"),
                        "remove this",
                    );
                }
            }
            _ => {
                if has_next == ends {
                    let what = if has_next {
                        "both `Next` and `End`"
                    } else {
                        "neither `Next` nor `\"End\": true`"
                    };
                    self.err(
                        "F0308",
                        type_node.span,
                        format!("state `{name}` has {what}"),
                        "exactly one is required",
                    );
                }
            }
        }
        self.transition(state.get("Next"), local);
        if ty == "Task" && state.get("Resource").is_none() {
            self.err(
                "F0320",
                type_node.span,
                format!("Task state `{name}` has no `Resource`"),
                "missing `Resource`",
            );
        }
        if ty == "Choice" {
            self.transition(state.get("Default"), local);
            match state.get("Choices") {
                Some(c) if !c.items().is_empty() => {
                    for rule in c.items() {
                        self.choice_rule(rule, true, jsonata, local, 0);
                    }
                }
                Some(c) => self.err(
                    "F0311",
                    c.span,
                    "`Choices` must be a non-empty array".into(),
                    "here",
                ),
                None => self.err(
                    "F0311",
                    type_node.span,
                    format!("Choice state `{name}` has no `Choices`"),
                    "missing `Choices`",
                ),
            }
        }
        if ty == "Wait" {
            let n = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"]
                .iter()
                .filter(|f| state.get(f).is_some())
                .count();
            if n != 1 {
                self.err("F0320", type_node.span, format!("Wait state `{name}` needs exactly one of Seconds, Timestamp, SecondsPath, TimestampPath (has {n})"), "here");
            }
        }
        for (field, is_catch) in [("Retry", false), ("Catch", true)] {
            if let Some(list) = state.get(field) {
                self.errors_list(list, is_catch, local);
            }
        }
        if ty == "Parallel" {
            match state.get("Branches") {
                Some(b) if !b.items().is_empty() => {
                    for branch in b.items() {
                        self.machine(branch, true, jsonata, names);
                    }
                }
                _ => self.err(
                    "F0303",
                    type_node.span,
                    format!("Parallel state `{name}` needs a non-empty `Branches` array"),
                    "here",
                ),
            }
        }
        if ty == "Map" {
            match state.get("ItemProcessor").or(state.get("Iterator")) {
                Some(p) => self.machine(p, true, jsonata, names),
                None => self.err(
                    "F0303",
                    type_node.span,
                    format!("Map state `{name}` has no `ItemProcessor`"),
                    "here",
                ),
            }
        }
        self.template_paths(state, jsonata);
    }

    fn errors_list(&mut self, list: &Node, is_catch: bool, local: &BTreeSet<&str>) {
        let what = if is_catch { "catcher" } else { "retrier" };
        let items = list.items();
        for (i, item) in items.iter().enumerate() {
            let Some(errors) = item.get("ErrorEquals") else {
                self.err(
                    "F0312",
                    item.span,
                    format!("a {what} needs `ErrorEquals`"),
                    "here",
                );
                continue;
            };
            if errors.items().is_empty() {
                self.err(
                    "F0312",
                    errors.span,
                    "`ErrorEquals` must be a non-empty array".into(),
                    "here",
                );
            }
            for e in errors.items() {
                let Some(name) = e.as_str() else { continue };
                if name == "States.ALL" && (errors.items().len() > 1 || i + 1 != items.len()) {
                    self.diagnostics.push(
                        Diagnostic::error(
                            "F0312",
                            format!("`States.ALL` must appear alone and in the last {what}"),
                        )
                        .with_primary(e.span, "here"),
                    );
                }
                if name.starts_with("States.") && !PREDEFINED_ERRORS.contains(&name) {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            "F0313",
                            format!("`{name}` is not a predefined error name"),
                        )
                        .with_primary(e.span, "reserved prefix `States.`")
                        .with_note("only a task that throws exactly this name can match it")
                        .with_help(
                            closest(name, &PREDEFINED_ERRORS.iter().copied().collect())
                                .map(|c| format!("did you mean `{c}`?"))
                                .unwrap_or_default(),
                        ),
                    );
                }
            }
            if is_catch {
                match item.get("Next") {
                    None => self.err("F0312", item.span, "a catcher needs `Next`".into(), "here"),
                    next => self.transition(next, local),
                }
            } else if let Some(b) = item.get("BackoffRate")
                && let Kind::Number(n) = &b.kind
                && n.parse::<f64>().is_ok_and(|v| v < 1.0)
            {
                self.err(
                    "F0312",
                    b.span,
                    "`BackoffRate` must be at least 1.0".into(),
                    "here",
                );
            }
        }
    }

    fn choice_rule(
        &mut self,
        rule: &Node,
        top: bool,
        jsonata: bool,
        local: &BTreeSet<&str>,
        depth: usize,
    ) {
        if depth > 64 {
            self.err(
                "F0311",
                rule.span,
                "choice rules nest too deeply".into(),
                "here",
            );
            return;
        }
        if top {
            match rule.get("Next") {
                Some(n) => self.transition(Some(n), local),
                None => self.err(
                    "F0311",
                    rule.span,
                    "a choice rule needs `Next`".into(),
                    "missing `Next`",
                ),
            }
        } else if let Some((k, _)) = rule.entry("Next") {
            self.err(
                "F0311",
                k.span,
                "a nested choice rule must not have `Next`".into(),
                "here",
            );
        }
        if jsonata {
            if rule.get("Condition").is_none() {
                self.err(
                    "F0311",
                    rule.span,
                    "a JSONata choice rule needs `Condition`".into(),
                    "missing `Condition`",
                );
            }
            return;
        }
        let operators: Vec<_> = rule
            .fields()
            .iter()
            .filter(|(k, _)| is_operator(&k.text))
            .collect();
        let boolean: Vec<_> = rule
            .fields()
            .iter()
            .filter(|(k, _)| matches!(k.text.as_str(), "And" | "Or" | "Not"))
            .collect();
        match (operators.len(), boolean.len()) {
            (1, 0) => match rule.get("Variable") {
                None => self.err(
                    "F0311",
                    operators[0].0.span,
                    "a comparison needs `Variable`".into(),
                    "no `Variable` for this operator",
                ),
                Some(v) => {
                    if let Some(Err(why)) = v.as_str().map(general_path) {
                        self.err(
                            "F0316",
                            v.span,
                            format!("`Variable` is not a valid path: {why}"),
                            "here",
                        );
                    }
                }
            },
            (0, 1) => {
                let (k, v) = boolean[0];
                if k.text == "Not" {
                    self.choice_rule(v, false, jsonata, local, depth + 1);
                } else if v.items().is_empty() {
                    self.err(
                        "F0311",
                        v.span,
                        format!("`{}` needs a non-empty array of rules", k.text),
                        "here",
                    );
                } else {
                    for inner in v.items() {
                        self.choice_rule(inner, false, jsonata, local, depth + 1);
                    }
                }
            }
            (0, 0) => self.err(
                "F0311",
                rule.span,
                "the choice rule has no comparison operator".into(),
                "expected e.g. `StringEquals` or `And`",
            ),
            _ => {
                let span = operators
                    .get(1)
                    .or(boolean.first())
                    .map(|(k, _)| k.span)
                    .unwrap_or(rule.span);
                self.err(
                    "F0311",
                    span,
                    "a choice rule may hold only one operator".into(),
                    "second operator",
                );
            }
        }
    }

    /// Check every `.$` path and intrinsic in the state's templates.
    fn template_paths(&mut self, state: &Node, jsonata: bool) {
        if jsonata {
            return;
        }
        for field in ["Parameters", "ResultSelector", "ItemSelector", "Assign"] {
            if let Some(t) = state.get(field) {
                self.walk_template(t, 0);
            }
        }
        // Reference paths (one node) where the service requires them.
        for field in ["ResultPath", "SecondsPath", "TimestampPath"] {
            if let Some(p) = state.get(field)
                && let Some(text) = p.as_str()
                && parse_path(text).is_none_or(|r| r.segs.contains(&crate::paths::Seg::Dynamic))
            {
                self.err(
                    "F0316",
                    p.span,
                    format!("`{field}` is not a valid reference path"),
                    "here",
                );
            }
        }
        // Full JSONPath elsewhere.
        for field in ["InputPath", "OutputPath", "ItemsPath"] {
            if let Some(p) = state.get(field)
                && let Some(text) = p.as_str()
                && let Err(why) = general_path(text)
            {
                self.err(
                    "F0316",
                    p.span,
                    format!("`{field}` is not a valid path: {why}"),
                    "here",
                );
            }
        }
    }

    fn walk_template(&mut self, node: &Node, depth: usize) {
        if depth > 64 {
            return;
        }
        for (key, value) in node.fields() {
            if key.text.ends_with(".$") {
                if let Some(text) = value.as_str() {
                    if text.starts_with("States.") {
                        match parse_intrinsic(text) {
                            None => self.err(
                                "F0316",
                                value.span,
                                "intrinsic function call does not parse".into(),
                                "here",
                            ),
                            Some(call) => {
                                let mut problems = Vec::new();
                                check_intrinsic(&call, &mut problems);
                                for p in problems {
                                    self.err("F0316", value.span, p, "here");
                                }
                            }
                        }
                    } else if let Err(why) = general_path(text) {
                        self.err(
                            "F0316",
                            value.span,
                            format!("`{text}` is not a valid path: {why}"),
                            "here",
                        );
                    }
                }
            } else {
                self.walk_template(value, depth + 1);
            }
        }
        for item in node.items() {
            self.walk_template(item, depth + 1);
        }
    }
}

/// A JSONPath where ASL allows any path, or why it is not one.
fn general_path(text: &str) -> Result<(), String> {
    crate::jsonpath::parse(text).map(|_| ()).map_err(|e| e.0)
}

/// The candidate with the smallest edit distance, if it is close enough to suggest.
fn closest<'a>(target: &str, candidates: &BTreeSet<&'a str>) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(target, c), *c))
        .filter(|(d, c)| *d <= (c.len().max(target.len()) / 3).max(1))
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(current + 1);
            prev = current;
        }
    }
    row[b.len()]
}
