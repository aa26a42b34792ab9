//! A precedence-climbing parser from JSONata tokens to the expression IR, with
//! JSONata's binding powers. Constructs outside the translated subset are reported by
//! name (F0322); syntax errors and what Step Functions forbids are F0321.

use ferry_ir::{BinaryOp, Expr, Func, PathStep, UnaryOp, Var};

use super::Problem;
use super::lex::{Tok, Token};

/// Deepest nesting the parser follows (the IR text form allows 64 levels in all).
const MAX_DEPTH: usize = 32;

/// What an operand is, for building paths the way JSONata does.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    /// A path that later `.step` / `[predicate]` extend.
    Path(Expr),
    /// Anything else (including a parenthesised path, which a predicate applies to as
    /// a whole).
    Value(Expr),
    /// `$states` before its `.input` / `.result` / `.context` / `.errorOutput`.
    States(usize),
}

pub struct Parser<'t> {
    toks: &'t [Token],
    pos: usize,
    len: usize,
    /// Nesting of path steps, predicates and lambdas: relative names are allowed there.
    scope: usize,
    depth: usize,
}

type PResult<T> = Result<T, Problem>;

fn bp(tok: &Tok) -> u8 {
    match tok {
        Tok::Op(op) => match *op {
            "." => 75,
            "[" | "(" | "@" | "#" => 80,
            "{" => 70,
            "*" | "/" | "%" => 60,
            "+" | "-" | "&" => 50,
            "=" | "!=" | "<" | "<=" | ">" | ">=" | "~>" | "^" => 40,
            "?" | ".." | "|" => 20,
            ":=" => 10,
            _ => 0,
        },
        Tok::Name(n) => match n.as_str() {
            "and" => 30,
            "or" => 25,
            "in" => 40,
            _ => 0,
        },
        _ => 0,
    }
}

/// Functions that take the context item when called with one argument too few
/// (a `-` in their JSONata signature).
fn uses_context(f: Func) -> bool {
    use Func::*;
    matches!(
        f,
        String
            | Length
            | Substring
            | SubstringBefore
            | SubstringAfter
            | Uppercase
            | Lowercase
            | Trim
            | Pad
            | Contains
            | Split
            | Replace
            | Base64Encode
            | Base64Decode
            | Number
            | Abs
            | Floor
            | Ceil
            | Round
            | Power
            | Sqrt
            | Boolean
            | Not
            | Keys
    )
}

impl<'t> Parser<'t> {
    pub fn new(toks: &'t [Token], len: usize) -> Self {
        Parser {
            toks,
            pos: 0,
            len,
            scope: 0,
            depth: 0,
        }
    }

    fn peek(&self) -> Option<&'t Token> {
        self.toks.get(self.pos)
    }

    fn here(&self) -> (usize, usize) {
        self.peek()
            .map_or((self.len, self.len), |t| (t.start, t.end))
    }

    fn syntax(&self, message: impl Into<String>) -> Problem {
        let (start, end) = self.here();
        Problem::syntax(start, end, message)
    }

    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Op(o), .. }) if *o == op)
    }

    fn expect(&mut self, op: &str) -> PResult<()> {
        if self.is_op(op) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.syntax(format!("expected `{op}`")))
        }
    }

    /// The whole expression.
    pub fn parse_all(&mut self) -> PResult<Expr> {
        if self.toks.is_empty() {
            return Err(Problem::syntax(0, self.len, "the expression is empty"));
        }
        let e = self.expression(0)?;
        if self.peek().is_some() {
            return Err(self.syntax("unexpected token after the expression"));
        }
        self.value(e)
    }

    fn value(&self, n: Node) -> PResult<Expr> {
        match n {
            Node::Path(e) | Node::Value(e) => Ok(e),
            Node::States(at) => Err(Problem::unsupported(
                at,
                at + 7,
                "`$states` on its own (use $states.input, .result, .context or .errorOutput)",
            )),
        }
    }

    fn expression(&mut self, rbp: u8) -> PResult<Node> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let (s, e) = self.here();
            return Err(Problem::unsupported(
                s,
                e,
                "an expression nesting deeper than 32 levels",
            ));
        }
        let mut left = self.prefix()?;
        while let Some(t) = self.peek() {
            if bp(&t.tok) <= rbp {
                break;
            }
            left = self.infix(left)?;
        }
        self.depth -= 1;
        Ok(left)
    }

    fn relative(&self, start: usize, end: usize, what: &str) -> PResult<()> {
        if self.scope == 0 {
            Err(Problem::syntax(
                start,
                end,
                format!(
                    "{what} at the top level: Step Functions evaluates JSONata without a context value (use $states.input...)"
                ),
            ))
        } else {
            Ok(())
        }
    }

    fn prefix(&mut self) -> PResult<Node> {
        let Some(t) = self.peek() else {
            return Err(self.syntax("the expression ends too early"));
        };
        self.pos += 1;
        let (start, end) = (t.start, t.end);
        let current = || Box::new(Expr::Var(Var::Current));
        Ok(match &t.tok {
            Tok::Number(n) => Node::Value(Expr::Number(n.clone())),
            Tok::Str(s) => Node::Value(Expr::String(s.clone())),
            Tok::Quoted(n) => {
                self.relative(start, end, "a field name")?;
                Node::Path(Expr::Path {
                    base: current(),
                    steps: vec![PathStep::Field(n.clone())],
                })
            }
            Tok::Name(n) => match n.as_str() {
                "true" => Node::Value(Expr::Bool(true)),
                "false" => Node::Value(Expr::Bool(false)),
                "null" => Node::Value(Expr::Null),
                "function" | "λ" => Node::Value(self.lambda(start)?),
                "and" | "or" | "in" => {
                    return Err(Problem::syntax(
                        start,
                        end,
                        format!("`{n}` needs a left operand"),
                    ));
                }
                _ => {
                    self.relative(start, end, "a field name")?;
                    Node::Path(Expr::Path {
                        base: current(),
                        steps: vec![PathStep::Field(n.clone())],
                    })
                }
            },
            Tok::Var(v) => match v.as_str() {
                "" => {
                    self.relative(start, end, "`$`")?;
                    Node::Value(Expr::Var(Var::Current))
                }
                "$" => {
                    return Err(Problem::syntax(
                        start,
                        end,
                        "`$$` is not available in Step Functions (use $states.input)",
                    ));
                }
                "states" => Node::States(start),
                name => Node::Value(Expr::Var(Var::Variable(name.to_string()))),
            },
            Tok::Regex => {
                return Err(Problem::unsupported(start, end, "a regular expression"));
            }
            Tok::Op(op) => match *op {
                "-" => {
                    let operand = self.expression(70)?;
                    let operand = self.value(operand)?;
                    Node::Value(match operand {
                        Expr::Number(n) if !n.starts_with('-') => Expr::Number(format!("-{n}")),
                        other => Expr::Unary {
                            op: UnaryOp::Neg,
                            operand: Box::new(other),
                        },
                    })
                }
                "*" => {
                    self.relative(start, end, "`*`")?;
                    Node::Path(Expr::Path {
                        base: current(),
                        steps: vec![PathStep::Wildcard],
                    })
                }
                "**" => {
                    self.relative(start, end, "`**`")?;
                    Node::Path(Expr::Path {
                        base: current(),
                        steps: vec![PathStep::Descendants],
                    })
                }
                "(" => {
                    let mut items = Vec::new();
                    while !self.is_op(")") {
                        let e = self.expression(0)?;
                        items.push(self.value(e)?);
                        if self.is_op(";") {
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                    self.expect(")")?;
                    match items.len() {
                        1 => Node::Value(items.remove(0)),
                        0 => {
                            return Err(Problem::unsupported(start, end, "an empty block `()`"));
                        }
                        _ => {
                            return Err(Problem::unsupported(
                                start,
                                end,
                                "a block of several expressions `(a; b)`",
                            ));
                        }
                    }
                }
                "[" => {
                    let mut items = Vec::new();
                    while !self.is_op("]") {
                        let e = self.expression(0)?;
                        if self.is_op("..") {
                            let (s, e) = self.here();
                            return Err(Problem::unsupported(s, e, "a range `[a..b]`"));
                        }
                        items.push(self.value(e)?);
                        if self.is_op(",") {
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                    self.expect("]")?;
                    Node::Value(Expr::Array(items))
                }
                "{" => {
                    let mut fields = Vec::new();
                    while !self.is_op("}") {
                        let k = self.expression(0)?;
                        let k = self.value(k)?;
                        self.expect(":")?;
                        let v = self.expression(0)?;
                        fields.push((k, self.value(v)?));
                        if self.is_op(",") {
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                    self.expect("}")?;
                    Node::Value(Expr::Object(fields))
                }
                other => {
                    return Err(Problem::syntax(
                        start,
                        end,
                        format!("`{other}` cannot start an expression"),
                    ));
                }
            },
        })
    }

    fn lambda(&mut self, start: usize) -> PResult<Expr> {
        self.expect("(")?;
        let mut params = Vec::new();
        while !self.is_op(")") {
            match self.peek() {
                Some(Token {
                    tok: Tok::Var(v), ..
                }) if !v.is_empty() && v != "$" => {
                    params.push(v.clone());
                    self.pos += 1;
                }
                _ => return Err(self.syntax("expected a `$parameter`")),
            }
            if self.is_op(",") {
                self.pos += 1;
            } else {
                break;
            }
        }
        self.expect(")")?;
        if self.is_op("<") {
            return Err(Problem::unsupported(
                start,
                start + 8,
                "a function signature `<...>`",
            ));
        }
        self.expect("{")?;
        let body = self.expression(0)?;
        let body = self.value(body)?;
        self.expect("}")?;
        Ok(Expr::Lambda {
            params,
            body: Box::new(body),
        })
    }

    fn infix(&mut self, left: Node) -> PResult<Node> {
        let t = &self.toks[self.pos];
        self.pos += 1;
        let (start, end) = (t.start, t.end);
        let op = match &t.tok {
            Tok::Op(op) => *op,
            Tok::Name(n) if n == "and" => "and",
            Tok::Name(n) if n == "or" => "or",
            Tok::Name(n) if n == "in" => "in",
            _ => return Err(Problem::syntax(start, end, "expected an operator")),
        };
        match op {
            "." => {
                self.scope += 1;
                let rhs = self.expression(75);
                self.scope -= 1;
                self.step(left, rhs?, start)
            }
            "[" => {
                if self.is_op("]") {
                    return Err(Problem::unsupported(
                        start,
                        end,
                        "the keep-array suffix `[]`",
                    ));
                }
                self.scope += 1;
                let pred = self.expression(0);
                self.scope -= 1;
                let pred = self.value(pred?)?;
                self.expect("]")?;
                Ok(match left {
                    Node::Path(Expr::Path { base, mut steps }) => {
                        steps.push(PathStep::Filter(pred));
                        Node::Path(Expr::Path { base, steps })
                    }
                    other => Node::Path(Expr::Path {
                        base: Box::new(self.value(other)?),
                        steps: vec![PathStep::Filter(pred)],
                    }),
                })
            }
            "(" => {
                let (name_start, name_end) = self
                    .pos
                    .checked_sub(2)
                    .and_then(|n| self.toks.get(n))
                    .map_or((start, end), |t| (t.start, t.end));
                let callee = self.value(left)?;
                let Expr::Var(Var::Variable(name)) = callee else {
                    return Err(Problem::unsupported(
                        start,
                        end,
                        "calling something other than a named function",
                    ));
                };
                let mut args = Vec::new();
                while !self.is_op(")") {
                    if self.is_op("?") {
                        let (s, e) = self.here();
                        return Err(Problem::unsupported(s, e, "partial application `?`"));
                    }
                    let a = self.expression(0)?;
                    args.push(self.value(a)?);
                    if self.is_op(",") {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                self.expect(")")?;
                let Some(func) = Func::from_name(&format!("${name}")) else {
                    return Err(Problem::unsupported(
                        name_start,
                        name_end,
                        format!("the function `${name}`"),
                    ));
                };
                let (min, _) = func.arity();
                if args.len() + 1 == min && uses_context(func) {
                    args.insert(0, Expr::Var(Var::Current));
                }
                Ok(Node::Value(Expr::Call { func, args }))
            }
            "?" => {
                let test = self.value(left)?;
                let then = self.expression(0)?;
                let then = self.value(then)?;
                let otherwise = if self.is_op(":") {
                    self.pos += 1;
                    let o = self.expression(0)?;
                    Some(Box::new(self.value(o)?))
                } else {
                    None
                };
                Ok(Node::Value(Expr::Cond {
                    test: Box::new(test),
                    then: Box::new(then),
                    otherwise,
                }))
            }
            "~>" => {
                let lhs = self.value(left)?;
                let rhs = self.expression(40)?;
                match self.value(rhs)? {
                    Expr::Call { func, mut args } => {
                        // `x ~> $f(a)` is `$f(x, a)`; a context argument inserted for a
                        // one-argument call is replaced by `x`.
                        if args.first() == Some(&Expr::Var(Var::Current)) && uses_context(func) {
                            args.remove(0);
                        }
                        args.insert(0, lhs);
                        Ok(Node::Value(Expr::Call { func, args }))
                    }
                    _ => Err(Problem::unsupported(
                        start,
                        end,
                        "`~>` into something other than a function call",
                    )),
                }
            }
            "{" => Err(Problem::unsupported(start, end, "grouping `expr{...}`")),
            "^" => Err(Problem::unsupported(start, end, "sorting `^(...)`")),
            "@" | "#" => Err(Problem::unsupported(
                start,
                end,
                format!("the `{op}` variable binding in a path"),
            )),
            ":=" => Err(Problem::unsupported(start, end, "variable binding `:=`")),
            "|" => Err(Problem::unsupported(
                start,
                end,
                "the transform operator `|...|`",
            )),
            ".." => Err(Problem::unsupported(start, end, "a range `a..b`")),
            _ => {
                let binary = match op {
                    "+" => BinaryOp::Add,
                    "-" => BinaryOp::Sub,
                    "*" => BinaryOp::Mul,
                    "/" => BinaryOp::Div,
                    "%" => BinaryOp::Mod,
                    "=" => BinaryOp::Eq,
                    "!=" => BinaryOp::Ne,
                    "<" => BinaryOp::Lt,
                    "<=" => BinaryOp::Le,
                    ">" => BinaryOp::Gt,
                    ">=" => BinaryOp::Ge,
                    "and" => BinaryOp::And,
                    "or" => BinaryOp::Or,
                    "&" => BinaryOp::Concat,
                    "in" => BinaryOp::In,
                    other => {
                        return Err(Problem::syntax(
                            start,
                            end,
                            format!("`{other}` is not an infix operator"),
                        ));
                    }
                };
                let lhs = self.value(left)?;
                let rhs = self.expression(bp(&t.tok))?;
                Ok(Node::Value(Expr::binary(binary, lhs, self.value(rhs)?)))
            }
        }
    }

    /// `left . rhs`: a path step.
    fn step(&self, left: Node, rhs: Node, dot: usize) -> PResult<Node> {
        let rhs_steps = |rhs: Node| -> PResult<Vec<PathStep>> {
            Ok(match rhs {
                Node::Path(Expr::Path { base, steps }) if *base == Expr::Var(Var::Current) => steps,
                other => vec![PathStep::Map(self.value(other)?)],
            })
        };
        if let Node::States(at) = left {
            let mut steps = rhs_steps(rhs)?;
            let var = match steps.first() {
                Some(PathStep::Field(f)) => match f.as_str() {
                    "input" => Var::Input,
                    "result" => Var::Result,
                    "context" => Var::Context,
                    "errorOutput" => Var::ErrorOutput,
                    other => {
                        return Err(Problem::syntax(
                            at,
                            dot + 1 + other.len(),
                            format!(
                                "`$states.{other}` does not exist (input, result, context or errorOutput)"
                            ),
                        ));
                    }
                },
                _ => {
                    return Err(Problem::syntax(
                        at,
                        dot + 1,
                        "`$states` must be followed by .input, .result, .context or .errorOutput",
                    ));
                }
            };
            steps.remove(0);
            let base = Box::new(Expr::Var(var));
            return Ok(if steps.is_empty() {
                Node::Value(*base)
            } else {
                Node::Path(Expr::Path { base, steps })
            });
        }
        let more = rhs_steps(rhs)?;
        Ok(Node::Path(match left {
            Node::Path(Expr::Path { base, mut steps }) => {
                steps.extend(more);
                Expr::Path { base, steps }
            }
            other => Expr::Path {
                base: Box::new(self.value(other)?),
                steps: more,
            },
        }))
    }
}
