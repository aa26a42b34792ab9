use ferry_diagnostics::CodeInfo;

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "F0301",
        title: "ASL JSON does not parse",
        explanation: "The definition is not valid JSON. The label points at the first character the reader could not accept. Nothing of the file is compiled; the rest of the batch is.",
    },
    CodeInfo {
        code: "F0302",
        title: "duplicate key",
        explanation: "An object has the same key twice. JSON parsers silently keep one of them (which one differs between tools), and AWS tooling rejects the definition. Both occurrences are labelled; remove one.",
    },
    CodeInfo {
        code: "F0303",
        title: "StartAt or States missing or wrong",
        explanation: "A state machine (and each Parallel branch or Map processor) needs `StartAt` naming a state of its own `States` object, and a non-empty `States` object.",
    },
    CodeInfo {
        code: "F0304",
        title: "unknown or misplaced top-level field",
        explanation: "The top level of a state machine may hold only StartAt, States, Comment, QueryLanguage, TimeoutSeconds and Version (a nested machine: StartAt, States, Comment, QueryLanguage, ProcessorConfig). Step Functions rejects other fields; ferry ignores them.",
    },
    CodeInfo {
        code: "F0305",
        title: "missing or unknown state type",
        explanation: "Every state needs `Type`: one of Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map.",
    },
    CodeInfo {
        code: "F0306",
        title: "field not allowed for this state type",
        explanation: "The allowed-field matrix of the ASL specification does not list this field for this state type (e.g. `Result` on a Succeed state). Step Functions rejects such a definition at deploy time. ferry ignores the field and goes on, because the field cannot change what the state does; fix the definition so that it deploys.",
    },
    CodeInfo {
        code: "F0307",
        title: "transition to a state that does not exist",
        explanation: "`Next`, `Default`, a choice rule's `Next` or a catcher's `Next` must name a state in the same `States` object (no jumps into or out of Parallel branches or Map processors).",
    },
    CodeInfo {
        code: "F0308",
        title: "state neither ends nor continues",
        explanation: "Task, Pass, Wait, Parallel and Map states need exactly one of `Next` or `\"End\": true`; Choice, Succeed and Fail have neither.",
    },
    CodeInfo {
        code: "F0309",
        title: "state name too long or empty",
        explanation: "State names are 1 to 80 characters and unique across the whole machine, nested machines included (execution history identifies states by name). ferry still lowers the definition; fix the name so that Step Functions accepts it.",
    },
    CodeInfo {
        code: "F0310",
        title: "loop in the state machine",
        explanation: "A transition goes back to a state that already ran (a polling or retry loop). A ZenML pipeline is a DAG, so the back edge is not translated: it is replaced by a step that raises NotImplementedError and is flagged HIGH. Redesign the loop as a bounded retry (StepRetryConfig), a wait inside one step, or repeated pipeline runs.",
    },
    CodeInfo {
        code: "F0311",
        title: "malformed Choice rule",
        explanation: "A JSONPath choice rule needs `Variable` with exactly one comparison operator, or one of And/Or/Not; top-level rules need `Next`, nested rules must not have it. A JSONata rule needs `Condition`. `Choices` must be a non-empty array.",
    },
    CodeInfo {
        code: "F0312",
        title: "malformed Retry or Catch",
        explanation: "Each retrier and catcher needs a non-empty `ErrorEquals`; `States.ALL` must appear alone and in the last retrier/catcher; a catcher needs `Next`. MaxAttempts, IntervalSeconds and MaxDelaySeconds are non-negative integers, BackoffRate a number >= 1.",
    },
    CodeInfo {
        code: "F0313",
        title: "unknown predefined error name",
        explanation: "Error names starting with `States.` are reserved; only the predefined ones (States.ALL, States.Timeout, States.TaskFailed, States.Permissions, ...) may be used.",
    },
    CodeInfo {
        code: "F0314",
        title: "field of the other query language",
        explanation: "JSONPath states use InputPath/Parameters/ResultSelector/ResultPath/OutputPath; JSONata states use Arguments/Output. A state may not mix them; set `QueryLanguage` on the state or the machine accordingly.",
    },
    CodeInfo {
        code: "F0315",
        title: "unreachable state",
        explanation: "No transition leads to this state from StartAt. It never runs; ferry does not translate it.",
    },
    CodeInfo {
        code: "F0316",
        title: "invalid path or intrinsic function",
        explanation: "A reference path (`$.a.b`, `$$.Execution.Id`, `$var`) or an intrinsic function call (`States.Format(...)`) does not parse, names an unknown intrinsic, or has the wrong number of arguments.",
    },
    CodeInfo {
        code: "F0317",
        title: "value cannot be traced statically",
        explanation: "The data-flow analysis could not tell which earlier state produced this value (it flows through a Map/Parallel result, a dynamic path, a variable or a JSONata expression). The placeholder stays visible in the IR and in the generated step as a parameter to wire by hand.",
    },
    CodeInfo {
        code: "F0318",
        title: "document nests too deeply",
        explanation: "The definition nests objects and arrays deeper than 256 levels. ferry refuses it rather than risk its stack; real definitions are far shallower.",
    },
    CodeInfo {
        code: "F0319",
        title: "ASL YAML does not parse",
        explanation: "The YAML definition has a syntax error, an alias to an unknown anchor, a complex key, or no document.",
    },
    CodeInfo {
        code: "F0320",
        title: "wrong type for a field",
        explanation: "The field has the wrong JSON type (e.g. `Next` must be a string, `States` an object, `TimeoutSeconds` a positive integer).",
    },
    CodeInfo {
        code: "F0321",
        title: "JSONata expression is not valid",
        explanation: "A `{% ... %}` string of a JSONata state does not parse as JSONata, or breaks a rule of Step Functions: `$` or `$$` or an unqualified field name at the top level of an expression (Step Functions evaluates expressions without a context value; read `$states.input...`), or `$states.` followed by something other than input, result, context or errorOutput. The label points at the offending token inside the string.",
    },
    CodeInfo {
        code: "F0322",
        title: "JSONata construct not translated",
        explanation: "The expression is valid JSONata but uses a function or construct outside the translated subset (the message names it: e.g. `$eval`, regular expressions, `:=` bindings, blocks of several expressions, ranges `[a..b]`, grouping `expr{...}`, sorting `^(...)`, the `@`/`#` path bindings, partial application, function signatures). The value stays an unresolved placeholder in the IR and the generated step takes it as a parameter to wire by hand.",
    },
    CodeInfo {
        code: "F0323",
        title: "service integration has no SDK equivalent",
        explanation: "The Task's integration (`arn:aws:states:::SERVICE:ACTION`, `aws-sdk:SERVICE:ACTION` or `http:invoke`) has no boto3 client and method that does what Step Functions does (an unknown service, a `.sync` pattern with no known way to wait, an optimized integration without an SDK operation, or the HTTP Task's EventBridge connection credentials). The call is recorded as unsupported or flagged in the IR and the migration report; redesign it as code in a step.",
    },
];
