//! Expression IR → Python expression text, over the run-time helper module
//! [`RUNTIME`] (written into a project as [`RUNTIME_FILE`]). Pure and unwired: the
//! back end decides where the text goes and what each [`Var`] is called ([`Env`]).
//!
//! Every string of the input reaches Python only through [`py_string`]; every name the
//! rendering introduces (context items, lambda parameters) is generated here, never
//! taken from the input.

use std::fmt::Write;

use ferry_ir::{BinaryOp, Expr, Func, PathStep, Selector, UnaryOp, Var};

/// The helper module's source (standard library only).
pub const RUNTIME: &str = concat!(
    include_str!("runtime.py"),
    "\n\n",
    include_str!("runtime_functions.py"),
    "\n\n",
    include_str!("runtime_asl.py")
);

/// Where the back end writes [`RUNTIME`] in a generated project.
pub const RUNTIME_FILE: &str = "ferry_runtime/asl.py";

/// The Python names an expression's free variables have at the place it is rendered.
pub struct Env<'a> {
    /// How the helper module is imported (`import ferry_runtime.asl as rt`: `rt`).
    pub runtime: &'a str,
    pub input: &'a str,
    pub result: &'a str,
    pub error_output: &'a str,
    pub context: &'a str,
    /// A `dict` of the workflow variables.
    pub variables: &'a str,
    /// The Python expression holding the step input (port) with this name.
    pub port: &'a dyn Fn(&str) -> String,
}

/// A Python string literal for any text: double-quoted, with backslashes, quotes,
/// control characters, line and paragraph separators and invisible characters escaped.
pub fn py_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_ascii() || (c.is_alphanumeric() && !invisible(c)) => out.push(c),
            c if (c as u32) <= 0xffff => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

fn invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// A Python number literal for IR number text (already validated as a number).
fn py_number(n: &str) -> String {
    let n = n.replace('E', "e");
    let digits = n.trim_start_matches('-');
    // Python rejects leading zeros in integers (`007`); the value is the same as a float.
    if digits.len() > 1 && digits.starts_with('0') && !digits.contains(['.', 'e']) {
        return format!("{}.0", n);
    }
    n
}

/// Render `expr` as one Python expression.
pub fn render(expr: &Expr, env: &Env) -> String {
    let mut r = Renderer {
        env,
        currents: Vec::new(),
        params: Vec::new(),
        fresh: 0,
        jsonpath: false,
    };
    r.expr(expr)
}

/// Render `expr` as the value of a whole field: converted to JSON data, and an error
/// when it is undefined (Step Functions raises States.QueryEvaluationError).
pub fn render_value(expr: &Expr, env: &Env) -> String {
    format!(
        "{}.result({})",
        env.runtime,
        without_outer_parens(&render(expr, env))
    )
}

/// `(a or b)` as `a or b` when the parentheses enclose the whole text (an argument
/// needs none; ruff's UP034 asks for them to go). Strings are skipped while matching.
fn without_outer_parens(text: &str) -> &str {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'(') || bytes.last() != Some(&b')') {
        return text;
    }
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    for (i, &b) in bytes.iter().enumerate() {
        if let Some(q) = quote {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                _ if b == q => quote = None,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' | b'\'' => quote = Some(b),
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 && i + 1 < bytes.len() {
                    return text;
                }
            }
            _ => {}
        }
    }
    &text[1..text.len() - 1]
}

struct Renderer<'e, 'a> {
    env: &'e Env<'a>,
    /// The Python names of the enclosing context items, innermost last.
    currents: Vec<String>,
    /// Lambda parameters in scope: (source name, Python name), innermost last.
    params: Vec<(String, String)>,
    fresh: usize,
    /// Inside a JSONPath filter: comparisons follow JSONPath, not JSONata.
    jsonpath: bool,
}

impl Renderer<'_, '_> {
    fn rt(&self, f: &str) -> String {
        format!("{}.{f}", self.env.runtime)
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("_{prefix}{}", self.fresh)
    }

    /// `lambda c: <body>` with `c` as the context item.
    fn with_current(&mut self, body: &Expr) -> String {
        let name = self.fresh("c");
        self.currents.push(name.clone());
        let text = self.expr(body);
        self.currents.pop();
        format!("lambda {name}: {text}")
    }

    fn current(&self) -> String {
        self.currents
            .last()
            .cloned()
            .unwrap_or_else(|| self.rt("UNDEFINED"))
    }

    fn call(&mut self, f: &str, args: &[&Expr]) -> String {
        let args: Vec<String> = args.iter().map(|a| self.expr(a)).collect();
        format!("{}({})", self.rt(f), args.join(", "))
    }

    fn expr(&mut self, e: &Expr) -> String {
        match e {
            Expr::Null => "None".into(),
            Expr::Bool(true) => "True".into(),
            Expr::Bool(false) => "False".into(),
            Expr::Number(n) => py_number(n),
            Expr::String(s) => py_string(s),
            Expr::Var(v) => self.var(v),
            Expr::Path { base, steps } => self.path(base, steps),
            Expr::JsonPath { base, selectors } => {
                let base = self.expr(base);
                let sels = self.selectors(selectors);
                let f = if self.jsonpath {
                    "jp_value"
                } else {
                    "jsonpath"
                };
                format!("{}({base}, [{sels}])", self.rt(f))
            }
            Expr::Unary { op, operand } => match op {
                UnaryOp::Neg => self.call("neg", &[operand]),
                UnaryOp::Not => self.call("not_", &[operand]),
            },
            Expr::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs),
            Expr::Cond {
                test,
                then,
                otherwise,
            } => {
                let test = self.expr(test);
                let then = self.expr(then);
                let otherwise = match otherwise {
                    Some(o) => self.expr(o),
                    None => self.rt("UNDEFINED"),
                };
                format!("({then} if {}({test}) else {otherwise})", self.rt("truthy"))
            }
            Expr::Array(items) => {
                let parts: Vec<String> = items
                    .iter()
                    .map(|i| {
                        let keep = matches!(i, Expr::Array(_));
                        format!(
                            "({}, {})",
                            if keep { "True" } else { "False" },
                            self.expr(i)
                        )
                    })
                    .collect();
                format!("{}([{}])", self.rt("array"), parts.join(", "))
            }
            Expr::Object(fields) => {
                let context = self.current();
                let parts: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| {
                        let k = self.with_current(k);
                        let v = self.with_current(v);
                        format!("({k}, {v})")
                    })
                    .collect();
                format!("{}({context}, [{}])", self.rt("obj"), parts.join(", "))
            }
            Expr::Call { func, args } => self.function(*func, args),
            Expr::Lambda { params, body } => {
                let names: Vec<String> = params.iter().map(|_| self.fresh("p")).collect();
                for (p, n) in params.iter().zip(&names) {
                    self.params.push((p.clone(), n.clone()));
                }
                let body = self.expr(body);
                self.params.truncate(self.params.len() - params.len());
                let undefined = self.rt("UNDEFINED");
                let list = names
                    .iter()
                    .map(|n| format!("{n}={undefined}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let head = if list.is_empty() {
                    "lambda".to_string()
                } else {
                    format!("lambda {list}")
                };
                format!("{}({}, {head}: {body})", self.rt("Lambda"), params.len())
            }
        }
    }

    fn var(&mut self, v: &Var) -> String {
        match v {
            Var::Input => self.env.input.to_string(),
            Var::Result => self.env.result.to_string(),
            Var::ErrorOutput => self.env.error_output.to_string(),
            Var::Context => self.env.context.to_string(),
            Var::Current => self.current(),
            Var::Port(p) => (self.env.port)(p),
            Var::Variable(name) => match self.params.iter().rev().find(|(p, _)| p == name) {
                Some((_, py)) => py.clone(),
                None => format!(
                    "{}({}, {})",
                    self.rt("var"),
                    self.env.variables,
                    py_string(name)
                ),
            },
        }
    }

    fn filter(&mut self, pred: &Expr) -> String {
        match pred {
            Expr::Number(n) => format!("(\"n\", {})", py_number(n)),
            other => format!("(\"p\", {})", self.with_current(other)),
        }
    }

    fn path(&mut self, base: &Expr, steps: &[PathStep]) -> String {
        let base = self.expr(base);
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for step in steps {
            let head = match step {
                PathStep::Filter(pred) => {
                    let f = self.filter(pred);
                    match groups.last_mut() {
                        Some((_, preds)) => preds.push(f),
                        None => groups.push(("\"\", None".into(), vec![f])),
                    }
                    continue;
                }
                PathStep::Field(name) => format!("\"f\", {}", py_string(name)),
                PathStep::Wildcard => "\"*\", None".into(),
                PathStep::Descendants => "\"**\", None".into(),
                PathStep::Map(e) => format!("\"m\", {}", self.with_current(e)),
            };
            groups.push((head, Vec::new()));
        }
        let steps: Vec<String> = groups
            .into_iter()
            .map(|(head, preds)| format!("({head}, [{}])", preds.join(", ")))
            .collect();
        format!("{}({base}, [{}])", self.rt("path"), steps.join(", "))
    }

    fn selectors(&mut self, selectors: &[Selector]) -> String {
        selectors
            .iter()
            .map(|s| self.selector(s))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn selector(&mut self, s: &Selector) -> String {
        let opt = |n: &Option<i64>| n.map_or("None".to_string(), |n| n.to_string());
        match s {
            Selector::Field(f) => format!("(\"f\", {})", py_string(f)),
            Selector::Index(i) => format!("(\"i\", {i})"),
            Selector::Wildcard => "(\"*\",)".into(),
            Selector::Descendants => "(\"..\",)".into(),
            Selector::Slice { start, end, step } => {
                format!("(\"s\", {}, {}, {})", opt(start), opt(end), opt(step))
            }
            Selector::Union(items) => format!("(\"u\", [{}])", self.selectors(items)),
            Selector::Filter(e) => {
                let outer = self.jsonpath;
                self.jsonpath = true;
                let f = self.with_current(e);
                self.jsonpath = outer;
                format!("(\"?\", {f})")
            }
        }
    }

    fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr) -> String {
        if self.jsonpath
            && matches!(
                op,
                BinaryOp::Eq
                    | BinaryOp::Ne
                    | BinaryOp::Lt
                    | BinaryOp::Le
                    | BinaryOp::Gt
                    | BinaryOp::Ge
            )
        {
            let a = self.expr(lhs);
            let b = self.expr(rhs);
            return format!(
                "{}({}, {a}, {b})",
                self.rt("jp_cmp"),
                py_string(op.as_str())
            );
        }
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let a = self.expr(lhs);
                let b = self.expr(rhs);
                let t = self.rt("truthy");
                let word = if op == BinaryOp::And { "and" } else { "or" };
                format!("({t}({a}) {word} {t}({b}))")
            }
            _ => {
                let f = match op {
                    BinaryOp::Add => "add",
                    BinaryOp::Sub => "sub",
                    BinaryOp::Mul => "mul",
                    BinaryOp::Div => "div",
                    BinaryOp::Mod => "mod",
                    BinaryOp::Eq => "eq",
                    BinaryOp::Ne => "ne",
                    BinaryOp::Lt => "lt",
                    BinaryOp::Le => "le",
                    BinaryOp::Gt => "gt",
                    BinaryOp::Ge => "ge",
                    BinaryOp::Concat => "concat",
                    _ => "in_",
                };
                self.call(f, &[lhs, rhs])
            }
        }
    }

    fn function(&mut self, func: Func, args: &[Expr]) -> String {
        let name = runtime_name(func);
        let refs: Vec<&Expr> = args.iter().collect();
        self.call(name, &refs)
    }
}

/// The helper-module function implementing `func`.
pub fn runtime_name(func: Func) -> &'static str {
    use Func::*;
    match func {
        Count => "count",
        Sum => "sum_",
        Max => "max_",
        Min => "min_",
        Average => "average",
        String => "string",
        Length => "length",
        Substring => "substring",
        SubstringBefore => "substring_before",
        SubstringAfter => "substring_after",
        Uppercase => "uppercase",
        Lowercase => "lowercase",
        Trim => "trim",
        Pad => "pad",
        Contains => "contains",
        Split => "split",
        Join => "join",
        Replace => "replace",
        Base64Encode => "base64encode",
        Base64Decode => "base64decode",
        Number => "number",
        Abs => "abs_",
        Floor => "floor",
        Ceil => "ceil",
        Round => "round_",
        Power => "power",
        Sqrt => "sqrt",
        Boolean => "boolean",
        Not => "not_fn",
        Exists => "exists",
        Append => "append",
        Reverse => "reverse",
        Sort => "sort",
        Distinct => "distinct",
        Zip => "zip_",
        Keys => "keys",
        Lookup => "lookup",
        Merge => "merge",
        Spread => "spread",
        Type => "type_",
        Map => "map_",
        Filter => "filter_",
        Reduce => "reduce_",
        Single => "single",
        Now => "now",
        Millis => "millis",
        Uuid => "uuid",
        Parse => "parse",
        Partition => "partition",
        Range => "range_",
        Hash => "hash_",
        Random => "random",
        StatesFormat => "states_format",
        StatesStringToJson => "states_string_to_json",
        StatesJsonToString => "states_json_to_string",
        StatesArray => "states_array",
        StatesArrayPartition => "states_array_partition",
        StatesArrayContains => "states_array_contains",
        StatesArrayRange => "states_array_range",
        StatesArrayGetItem => "states_array_get_item",
        StatesArrayLength => "states_array_length",
        StatesArrayUnique => "states_array_unique",
        StatesBase64Encode => "states_base64_encode",
        StatesBase64Decode => "states_base64_decode",
        StatesHash => "states_hash",
        StatesJsonMerge => "states_json_merge",
        StatesMathRandom => "states_math_random",
        StatesMathAdd => "states_math_add",
        StatesStringSplit => "states_string_split",
        StatesUuid => "states_uuid",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Env<'static> {
        Env {
            runtime: "rt",
            input: "state_input",
            result: "state_result",
            error_output: "error_output",
            context: "context",
            variables: "variables",
            port: &|p| format!("port_{p}"),
        }
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(py_string("a\"b\\c\n\0"), "\"a\\\"b\\\\c\\n\\x00\"");
        assert_eq!(py_string("\u{2028}x\u{202e}"), "\"\\u2028x\\u202e\"");
        assert_eq!(py_string("日本"), "\"日本\"");
        assert_eq!(py_string("\u{1F600}"), "\"\\U0001f600\"");
    }

    #[test]
    fn renders() {
        let e = Expr::binary(
            BinaryOp::Concat,
            Expr::String("a".into()),
            Expr::Path {
                base: Box::new(Expr::Var(Var::Input)),
                steps: vec![
                    PathStep::Field("x".into()),
                    PathStep::Filter(Expr::Number("0".into())),
                ],
            },
        );
        assert_eq!(
            render(&e, &env()),
            "rt.concat(\"a\", rt.path(state_input, [(\"f\", \"x\", [(\"n\", 0)])]))"
        );
        let lambda = Expr::Lambda {
            params: vec!["v".into()],
            body: Box::new(Expr::Var(Var::Variable("v".into()))),
        };
        assert_eq!(
            render(&lambda, &env()),
            "rt.Lambda(1, lambda _p1=rt.UNDEFINED: _p1)"
        );
        assert_eq!(
            render(&Expr::Var(Var::Variable("x".into())), &env()),
            "rt.var(variables, \"x\")"
        );
        assert_eq!(py_number("007"), "007.0");
    }

    #[test]
    fn every_function_has_a_runtime_definition() {
        for f in Func::ALL {
            let name = runtime_name(*f);
            assert!(
                RUNTIME.contains(&format!("\ndef {name}(")),
                "{} has no `def {name}` in the runtime",
                f.name()
            );
        }
    }
}
