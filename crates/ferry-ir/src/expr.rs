//! The expression IR: a small, target-neutral language for values computed at run time
//! (ASL JSONata expressions, JSONPath selections, intrinsic function calls).
//!
//! An [`Expr`] reads the world only through [`Var`]s: the state document
//! (`$states.input`, `$states.result`, ...), workflow variables, the current item of a
//! path or filter, and the step's own input ports ([`Var::Port`]), which front ends use
//! for values they traced to a producer. Functions come from a closed set ([`Func`]),
//! each with a fixed arity; the verifier checks both. Semantics follow the source
//! language of each construct: [`Expr::Path`] navigates like JSONata (mapping over
//! arrays, flattening, singleton sequences), [`Expr::JsonPath`] selects like Step
//! Functions' JSONPath (a definite path yields the value, any other path a list).

use serde::{Deserialize, Serialize};

/// A value computed at run time, with the source text it was translated from (for
/// comments, messages and the source map).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Computed {
    pub expr: Expr,
    /// The source as written (`{% $states.input.x + 1 %}`, `$.a[*].b`).
    pub text: String,
    pub span: ferry_diagnostics::Span,
}

/// A computed value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Expr {
    Null,
    Bool(bool),
    /// Number text as written (`1`, `0.8`, `1e3`).
    Number(String),
    String(String),
    Var(Var),
    /// JSONata navigation: `base` then each step, mapping over sequences.
    Path {
        base: Box<Expr>,
        steps: Vec<PathStep>,
    },
    /// JSONPath selection from `base`.
    JsonPath {
        base: Box<Expr>,
        selectors: Vec<Selector>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `test ? then : otherwise` (JSONata: a missing `otherwise` yields undefined).
    Cond {
        test: Box<Expr>,
        then: Box<Expr>,
        otherwise: Option<Box<Expr>>,
    },
    /// An array constructor; JSONata flattens sequence-valued items into it.
    Array(Vec<Expr>),
    /// An object constructor: key and value expressions, in source order.
    Object(Vec<(Expr, Expr)>),
    Call {
        func: Func,
        args: Vec<Expr>,
    },
    /// `function($a, $b) { body }`; parameters are referenced as `Var::Variable`.
    Lambda {
        params: Vec<String>,
        body: Box<Expr>,
    },
}

/// What an expression may read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Var {
    /// The state's input (`$states.input`; JSONPath `$`).
    Input,
    /// The state's raw result (`$states.result`).
    Result,
    /// The error output of a caught failure (`$states.errorOutput`).
    ErrorOutput,
    /// The context object (`$states.context`; JSONPath `$$`).
    Context,
    /// A workflow variable (`Assign`) or a lambda parameter, without the `$`.
    Variable(String),
    /// The item a path step or filter is looking at (JSONata `$`, JSONPath `@`).
    Current,
    /// The step input (port) with this name: a value the front end traced statically.
    Port(String),
}

/// One step of a JSONata path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PathStep {
    /// `.name`: the field of each object in the sequence.
    Field(String),
    /// `.*`: every field value of each object.
    Wildcard,
    /// `.**`: every value nested at any depth.
    Descendants,
    /// `[expr]`: keep the items for which `expr` (evaluated on each) is truthy, or, when it
    /// is a number, the item at that index (negative from the end).
    Filter(Expr),
    /// `.(expr)`, `.$f()`, `.{...}`: evaluate `expr` once per item (`Var::Current`).
    Map(Expr),
}

/// One selector of a JSONPath.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Selector {
    /// `.name` / `['name']`.
    Field(String),
    /// `[n]` (negative from the end).
    Index(i64),
    /// `.*` / `[*]`.
    Wildcard,
    /// `..`: the node and every node below it; the next selector applies to each.
    Descendants,
    /// `[start:end:step]`.
    Slice {
        start: Option<i64>,
        end: Option<i64>,
        step: Option<i64>,
    },
    /// `['a','b']` / `[0,2]`: fields or indices only.
    Union(Vec<Selector>),
    /// `[?(expr)]`: keep the children for which `expr` (with `Var::Current`) holds.
    Filter(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UnaryOp {
    /// Arithmetic negation.
    Neg,
    /// Boolean negation (JSONPath filter `!`; JSONata uses `$not`).
    Not,
}

impl UnaryOp {
    pub const ALL: [UnaryOp; 2] = [UnaryOp::Neg, UnaryOp::Not];

    pub fn as_str(self) -> &'static str {
        match self {
            UnaryOp::Neg => "neg",
            UnaryOp::Not => "not",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    /// String concatenation (JSONata `&`): both sides are stringified.
    Concat,
    /// Membership (JSONata `in`, JSONPath `in`).
    In,
}

impl BinaryOp {
    pub const ALL: [BinaryOp; 15] = [
        BinaryOp::Add,
        BinaryOp::Sub,
        BinaryOp::Mul,
        BinaryOp::Div,
        BinaryOp::Mod,
        BinaryOp::Eq,
        BinaryOp::Ne,
        BinaryOp::Lt,
        BinaryOp::Le,
        BinaryOp::Gt,
        BinaryOp::Ge,
        BinaryOp::And,
        BinaryOp::Or,
        BinaryOp::Concat,
        BinaryOp::In,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
            BinaryOp::Concat => "&",
            BinaryOp::In => "in",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// Declares the closed function set: variant, name in the text form, arity bounds.
macro_rules! functions {
    ($($variant:ident $name:literal $min:literal $max:expr;)*) => {
        /// A function from the closed set the IR knows. JSONata functions are named as
        /// in JSONata (`$count`), ASL intrinsics as in ASL (`States.Format`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Func { $($variant,)* }

        impl Func {
            pub const ALL: &'static [Func] = &[$(Func::$variant,)*];

            /// The function's name in its source language (and in the text form).
            pub fn name(self) -> &'static str {
                match self { $(Func::$variant => $name,)* }
            }

            /// Minimum and maximum argument count (`None`: variadic).
            pub fn arity(self) -> (usize, Option<usize>) {
                match self { $(Func::$variant => ($min, $max),)* }
            }
        }
    };
}

functions! {
    // JSONata: aggregation
    Count "$count" 1 Some(1);
    Sum "$sum" 1 Some(1);
    Max "$max" 1 Some(1);
    Min "$min" 1 Some(1);
    Average "$average" 1 Some(1);
    // JSONata: strings
    String "$string" 1 Some(2);
    Length "$length" 1 Some(1);
    Substring "$substring" 2 Some(3);
    SubstringBefore "$substringBefore" 2 Some(2);
    SubstringAfter "$substringAfter" 2 Some(2);
    Uppercase "$uppercase" 1 Some(1);
    Lowercase "$lowercase" 1 Some(1);
    Trim "$trim" 1 Some(1);
    Pad "$pad" 2 Some(3);
    Contains "$contains" 2 Some(2);
    Split "$split" 2 Some(3);
    Join "$join" 1 Some(2);
    Replace "$replace" 3 Some(4);
    Base64Encode "$base64encode" 1 Some(1);
    Base64Decode "$base64decode" 1 Some(1);
    // JSONata: numbers
    Number "$number" 1 Some(1);
    Abs "$abs" 1 Some(1);
    Floor "$floor" 1 Some(1);
    Ceil "$ceil" 1 Some(1);
    Round "$round" 1 Some(2);
    Power "$power" 2 Some(2);
    Sqrt "$sqrt" 1 Some(1);
    // JSONata: booleans
    Boolean "$boolean" 1 Some(1);
    Not "$not" 1 Some(1);
    Exists "$exists" 1 Some(1);
    // JSONata: arrays
    Append "$append" 2 Some(2);
    Reverse "$reverse" 1 Some(1);
    Sort "$sort" 1 Some(2);
    Distinct "$distinct" 1 Some(1);
    Zip "$zip" 1 None;
    // JSONata: objects
    Keys "$keys" 1 Some(1);
    Lookup "$lookup" 2 Some(2);
    Merge "$merge" 1 Some(1);
    Spread "$spread" 1 Some(1);
    Type "$type" 1 Some(1);
    // JSONata: higher-order
    Map "$map" 2 Some(2);
    Filter "$filter" 2 Some(2);
    Reduce "$reduce" 2 Some(3);
    Single "$single" 1 Some(2);
    // JSONata: date and time
    Now "$now" 0 Some(0);
    Millis "$millis" 0 Some(0);
    // Step Functions' JSONata additions
    Uuid "$uuid" 0 Some(0);
    Parse "$parse" 1 Some(1);
    Partition "$partition" 2 Some(2);
    Range "$range" 3 Some(3);
    Hash "$hash" 2 Some(2);
    Random "$random" 0 Some(1);
    // ASL intrinsic functions (JSONPath states)
    StatesFormat "States.Format" 1 None;
    StatesStringToJson "States.StringToJson" 1 Some(1);
    StatesJsonToString "States.JsonToString" 1 Some(1);
    StatesArray "States.Array" 0 None;
    StatesArrayPartition "States.ArrayPartition" 2 Some(2);
    StatesArrayContains "States.ArrayContains" 2 Some(2);
    StatesArrayRange "States.ArrayRange" 3 Some(3);
    StatesArrayGetItem "States.ArrayGetItem" 2 Some(2);
    StatesArrayLength "States.ArrayLength" 1 Some(1);
    StatesArrayUnique "States.ArrayUnique" 1 Some(1);
    StatesBase64Encode "States.Base64Encode" 1 Some(1);
    StatesBase64Decode "States.Base64Decode" 1 Some(1);
    StatesHash "States.Hash" 2 Some(2);
    StatesJsonMerge "States.JsonMerge" 3 Some(3);
    StatesMathRandom "States.MathRandom" 2 Some(3);
    StatesMathAdd "States.MathAdd" 2 Some(2);
    StatesStringSplit "States.StringSplit" 2 Some(2);
    StatesUuid "States.UUID" 0 Some(0);
}

impl Func {
    pub fn from_name(name: &str) -> Option<Func> {
        Func::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// Whether the call's argument count fits the function.
    pub fn accepts(self, n: usize) -> bool {
        let (min, max) = self.arity();
        n >= min && max.is_none_or(|m| n <= m)
    }

    /// Whether the function's argument at `index` is a function (a lambda).
    pub fn takes_function_at(self, index: usize) -> bool {
        matches!(
            (self, index),
            (Func::Map | Func::Filter | Func::Reduce | Func::Single, 1) | (Func::Sort, 1)
        )
    }
}

impl Expr {
    pub fn var(v: Var) -> Expr {
        Expr::Var(v)
    }

    pub fn call(func: Func, args: Vec<Expr>) -> Expr {
        Expr::Call { func, args }
    }

    pub fn binary(op: BinaryOp, lhs: Expr, rhs: Expr) -> Expr {
        Expr::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        }
    }

    /// Every sub-expression, depth first (including `self`).
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        f(self);
        match self {
            Expr::Null | Expr::Bool(_) | Expr::Number(_) | Expr::String(_) | Expr::Var(_) => {}
            Expr::Path { base, steps } => {
                base.walk(f);
                for s in steps {
                    if let PathStep::Filter(e) | PathStep::Map(e) = s {
                        e.walk(f);
                    }
                }
            }
            Expr::JsonPath { base, selectors } => {
                base.walk(f);
                for s in selectors {
                    s.walk(f);
                }
            }
            Expr::Unary { operand, .. } => operand.walk(f),
            Expr::Binary { lhs, rhs, .. } => {
                lhs.walk(f);
                rhs.walk(f);
            }
            Expr::Cond {
                test,
                then,
                otherwise,
            } => {
                test.walk(f);
                then.walk(f);
                if let Some(o) = otherwise {
                    o.walk(f);
                }
            }
            Expr::Array(items) => items.iter().for_each(|i| i.walk(f)),
            Expr::Object(fields) => {
                for (k, v) in fields {
                    k.walk(f);
                    v.walk(f);
                }
            }
            Expr::Call { args, .. } => args.iter().for_each(|a| a.walk(f)),
            Expr::Lambda { body, .. } => body.walk(f),
        }
    }

    /// The step input ports the expression reads, in first-use order, without repeats.
    pub fn ports(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        self.walk(&mut |e| {
            if let Expr::Var(Var::Port(p)) = e
                && !out.contains(&p.as_str())
            {
                out.push(p);
            }
        });
        out
    }

    /// Nesting depth (a leaf is 1).
    pub fn depth(&self) -> usize {
        let deepest = match self {
            Expr::Path { base, steps } => steps
                .iter()
                .filter_map(|s| match s {
                    PathStep::Filter(e) | PathStep::Map(e) => Some(e.depth()),
                    _ => None,
                })
                .fold(base.depth(), usize::max),
            Expr::JsonPath { base, selectors } => selectors
                .iter()
                .map(Selector::depth)
                .fold(base.depth(), usize::max),
            Expr::Unary { operand, .. } => operand.depth(),
            Expr::Binary { lhs, rhs, .. } => lhs.depth().max(rhs.depth()),
            Expr::Cond {
                test,
                then,
                otherwise,
            } => test
                .depth()
                .max(then.depth())
                .max(otherwise.as_ref().map_or(0, |o| o.depth())),
            Expr::Array(items) => items.iter().map(Expr::depth).max().unwrap_or(0),
            Expr::Object(fields) => fields
                .iter()
                .map(|(k, v)| k.depth().max(v.depth()))
                .max()
                .unwrap_or(0),
            Expr::Call { args, .. } => args.iter().map(Expr::depth).max().unwrap_or(0),
            Expr::Lambda { body, .. } => body.depth(),
            Expr::Null | Expr::Bool(_) | Expr::Number(_) | Expr::String(_) | Expr::Var(_) => 0,
        };
        deepest + 1
    }
}

impl Selector {
    fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        match self {
            Selector::Filter(e) => e.walk(f),
            Selector::Union(items) => items.iter().for_each(|i| i.walk(f)),
            _ => {}
        }
    }

    fn depth(&self) -> usize {
        match self {
            Selector::Filter(e) => e.depth(),
            Selector::Union(items) => items.iter().map(Selector::depth).max().unwrap_or(0) + 1,
            _ => 1,
        }
    }

    /// Whether the selector picks at most one node (a reference-path step).
    pub fn is_definite(&self) -> bool {
        matches!(self, Selector::Field(_) | Selector::Index(_))
    }
}

/// Problems of one expression: unknown arity, malformed unions and slices, functions
/// where a lambda is needed. Port names are checked by the verifier, which knows the
/// step. Each problem is a sentence.
pub fn problems(expr: &Expr) -> Vec<String> {
    let mut out = Vec::new();
    expr.walk(&mut |e| match e {
        Expr::Call { func, args } => {
            if !func.accepts(args.len()) {
                let (min, max) = func.arity();
                let expected = match max {
                    Some(m) if m == min => format!("{min}"),
                    Some(m) => format!("{min} to {m}"),
                    None => format!("at least {min}"),
                };
                out.push(format!(
                    "`{}` takes {expected} argument(s), got {}",
                    func.name(),
                    args.len()
                ));
            }
            for (i, a) in args.iter().enumerate() {
                if func.takes_function_at(i) && !matches!(a, Expr::Lambda { .. } | Expr::Var(_)) {
                    out.push(format!(
                        "argument {} of `{}` must be a function",
                        i + 1,
                        func.name()
                    ));
                }
            }
        }
        Expr::JsonPath { selectors, .. } => {
            for s in selectors {
                check_selector(s, &mut out);
            }
        }
        Expr::Lambda { params, .. } => {
            for p in params {
                if !is_variable_name(p) {
                    out.push(format!("lambda parameter `{p}` is not a name"));
                }
            }
        }
        Expr::Var(Var::Variable(v)) if !is_variable_name(v) => {
            out.push(format!("variable `{v}` is not a name"));
        }
        Expr::Var(Var::Port(p)) if p.is_empty() => out.push("empty port name".into()),
        Expr::Number(n) if n.parse::<f64>().is_err() => {
            out.push(format!("`{n}` is not a number"));
        }
        _ => {}
    });
    out
}

fn check_selector(s: &Selector, out: &mut Vec<String>) {
    match s {
        Selector::Union(items) => {
            if items.len() < 2 {
                out.push("a JSONPath union needs at least two members".into());
            }
            if !items.iter().all(Selector::is_definite) {
                out.push("a JSONPath union may only list fields or indices".into());
            }
        }
        Selector::Slice { step: Some(0), .. } => out.push("a JSONPath slice step is 0".into()),
        _ => {}
    }
}

/// A workflow variable or lambda parameter name: letters, digits and `_`, not starting
/// with a digit.
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names_are_unique_and_round_trip() {
        for f in Func::ALL {
            assert_eq!(Func::from_name(f.name()), Some(*f));
        }
        let mut names: Vec<_> = Func::ALL.iter().map(|f| f.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Func::ALL.len());
    }

    #[test]
    fn problems_are_found() {
        let bad = Expr::call(Func::Count, vec![]);
        assert_eq!(problems(&bad).len(), 1);
        let map = Expr::call(Func::Map, vec![Expr::Null, Expr::Number("1".into())]);
        assert!(problems(&map)[0].contains("must be a function"));
        let union = Expr::JsonPath {
            base: Box::new(Expr::Var(Var::Input)),
            selectors: vec![Selector::Union(vec![
                Selector::Wildcard,
                Selector::Index(1),
            ])],
        };
        assert_eq!(problems(&union).len(), 1);
        let good = Expr::binary(
            BinaryOp::Concat,
            Expr::String("a".into()),
            Expr::Var(Var::Port("x".into())),
        );
        assert!(problems(&good).is_empty());
        assert_eq!(good.ports(), vec!["x"]);
        assert_eq!(good.depth(), 2);
    }
}
