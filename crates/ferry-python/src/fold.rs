use ferry_ir::Value;
use ruff_python_ast::{Expr, InterpolatedStringElement, Number, Operator, UnaryOp};
use ruff_text_size::{Ranged, TextRange};

use crate::{ParsedModule, Scope, SymbolKind};

/// How deep [`fold`] descends into nested expressions and name-to-name bindings.
pub const MAX_FOLD_DEPTH: usize = 64;

/// Why an expression is not a constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoldError {
    /// The sub-expression at this range is not a compile-time constant.
    NotConstant(TextRange),
    /// Nesting (or a chain of names) deeper than [`MAX_FOLD_DEPTH`], e.g. `a = a`.
    TooDeep(TextRange),
}

impl FoldError {
    pub fn range(self) -> TextRange {
        match self {
            FoldError::NotConstant(r) | FoldError::TooDeep(r) => r,
        }
    }
}

/// Fold a constant expression to a [`Value`], looking names up in `scope`.
pub fn fold(module: &ParsedModule, scope: &Scope<'_>, expr: &Expr) -> Result<Value, FoldError> {
    fold_with(module, scope, expr, &|_| None)
}

/// Like [`fold`], but `names` is asked first for every bare name, so callers can give
/// names a value of their own (e.g. a pipeline parameter) before the scope is consulted.
pub fn fold_with(
    module: &ParsedModule,
    scope: &Scope<'_>,
    expr: &Expr,
    names: &dyn Fn(&str) -> Option<Value>,
) -> Result<Value, FoldError> {
    Folder {
        module,
        scope,
        names,
    }
    .fold(expr, 0)
}

struct Folder<'m, 's, 'a> {
    module: &'m ParsedModule,
    scope: &'s Scope<'a>,
    names: &'m dyn Fn(&str) -> Option<Value>,
}

impl Folder<'_, '_, '_> {
    fn fold(&self, expr: &Expr, depth: usize) -> Result<Value, FoldError> {
        if depth > MAX_FOLD_DEPTH {
            return Err(FoldError::TooDeep(expr.range()));
        }
        let not_constant = || FoldError::NotConstant(expr.range());
        match expr {
            Expr::StringLiteral(s) => Ok(Value::String(s.value.to_str().to_string())),
            Expr::NumberLiteral(n) => match n.value {
                Number::Complex { .. } => Err(not_constant()),
                _ => Ok(Value::Number(self.module.text_of(n).replace('_', ""))),
            },
            Expr::BooleanLiteral(b) => Ok(Value::Bool(b.value)),
            Expr::NoneLiteral(_) => Ok(Value::Null),
            Expr::UnaryOp(op) if op.op == UnaryOp::USub => {
                match self.fold(&op.operand, depth + 1)? {
                    Value::Number(text) if !text.starts_with('-') => {
                        Ok(Value::Number(format!("-{text}")))
                    }
                    _ => Err(not_constant()),
                }
            }
            Expr::FString(f) => {
                let mut out = String::new();
                for part in f.value.iter() {
                    match part {
                        ruff_python_ast::FStringPart::Literal(lit) => out.push_str(&lit.value),
                        ruff_python_ast::FStringPart::FString(fs) => {
                            for element in fs.elements.iter() {
                                match element {
                                    InterpolatedStringElement::Literal(lit) => {
                                        out.push_str(&lit.value)
                                    }
                                    InterpolatedStringElement::Interpolation(i) => {
                                        if i.format_spec.is_some() || i.debug_text.is_some() {
                                            return Err(FoldError::NotConstant(i.range()));
                                        }
                                        out.push_str(&scalar_text(
                                            self.fold(&i.expression, depth + 1)?,
                                            i.range(),
                                        )?);
                                    }
                                }
                            }
                        }
                    }
                }
                Ok(Value::String(out))
            }
            Expr::BinOp(bin) => {
                let left = self.fold(&bin.left, depth + 1)?;
                let right = self.fold(&bin.right, depth + 1)?;
                match (bin.op, left, right) {
                    (Operator::Add, Value::String(a), Value::String(b)) => {
                        Ok(Value::String(a + &b))
                    }
                    (Operator::Add, Value::Array(mut a), Value::Array(b)) => {
                        a.extend(b);
                        Ok(Value::Array(a))
                    }
                    (op, Value::Number(a), Value::Number(b)) => int_arith(op, &a, &b)
                        .map(|n| Value::Number(n.to_string()))
                        .ok_or_else(not_constant),
                    _ => Err(not_constant()),
                }
            }
            Expr::List(list) => self.fold_all(&list.elts, depth).map(Value::Array),
            Expr::Tuple(tuple) => self.fold_all(&tuple.elts, depth).map(Value::Array),
            Expr::Dict(dict) => {
                let mut fields = Vec::with_capacity(dict.items.len());
                for item in &dict.items {
                    let key_expr = item.key.as_ref().ok_or_else(not_constant)?;
                    let key = scalar_text(self.fold(key_expr, depth + 1)?, key_expr.range())?;
                    fields.push((key, self.fold(&item.value, depth + 1)?));
                }
                Ok(Value::Object(fields))
            }
            Expr::Name(name) => {
                if let Some(value) = (self.names)(&name.id) {
                    return Ok(value);
                }
                let symbol = self
                    .scope
                    .lookup_before(&name.id, name.range.start())
                    .ok_or_else(not_constant)?;
                match symbol.kind {
                    // A container changed in place later is not its literal.
                    SymbolKind::Assign(Expr::Dict(_) | Expr::List(_) | Expr::Set(_))
                        if self.scope.is_mutated(&name.id) =>
                    {
                        Err(not_constant())
                    }
                    SymbolKind::Assign(value) => self.fold(value, depth + 1),
                    _ => Err(not_constant()),
                }
            }
            _ => Err(not_constant()),
        }
    }

    fn fold_all(&self, items: &[Expr], depth: usize) -> Result<Vec<Value>, FoldError> {
        items.iter().map(|e| self.fold(e, depth + 1)).collect()
    }
}

/// The text a scalar takes inside an f-string or as a dict key.
fn scalar_text(value: Value, range: TextRange) -> Result<String, FoldError> {
    match value {
        Value::String(s) | Value::Number(s) => Ok(s),
        Value::Bool(true) => Ok("True".into()),
        Value::Bool(false) => Ok("False".into()),
        Value::Null => Ok("None".into()),
        _ => Err(FoldError::NotConstant(range)),
    }
}

fn int_arith(op: Operator, a: &str, b: &str) -> Option<i64> {
    let a: i64 = a.parse().ok()?;
    let b: i64 = b.parse().ok()?;
    match op {
        Operator::Add => a.checked_add(b),
        Operator::Sub => a.checked_sub(b),
        Operator::Mult => a.checked_mul(b),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_diagnostics::SourceMap;
    use ruff_python_ast::Stmt;

    fn fold_last(text: &str) -> Result<Value, FoldError> {
        let mut sources = SourceMap::new();
        let file = sources.add("m.py", text);
        let (module, _) = crate::parse(&sources, file).unwrap();
        let scope = Scope::module("m", module.body());
        let Some(Stmt::Expr(last)) = module.body().last() else {
            panic!("no expression")
        };
        fold(&module, &scope, &last.value)
    }

    #[test]
    fn folds_constants() {
        assert_eq!(fold_last("'a' 'b'\n"), Ok(Value::str("ab")));
        assert_eq!(fold_last("1_000\n"), Ok(Value::Number("1000".into())));
        assert_eq!(fold_last("-2.5\n"), Ok(Value::Number("-2.5".into())));
        assert_eq!(
            fold_last("base = 's3://b'\nf'{base}/x-{3}'\n"),
            Ok(Value::str("s3://b/x-3"))
        );
        assert_eq!(fold_last("p = 'a'\np + 'b'\n"), Ok(Value::str("ab")));
        assert_eq!(fold_last("2 * 3 + 1\n"), Ok(Value::Number("7".into())));
        assert_eq!(
            fold_last("k = 'key'\n{k: [1, True, None], 'n': (2,)}\n"),
            Ok(Value::Object(vec![
                (
                    "key".into(),
                    Value::Array(vec![
                        Value::Number("1".into()),
                        Value::Bool(true),
                        Value::Null
                    ])
                ),
                ("n".into(), Value::Array(vec![Value::Number("2".into())])),
            ]))
        );
    }

    #[test]
    fn rebinding_uses_the_binding_before_the_use() {
        assert_eq!(
            fold_last("x = 'old'\ny = x\nx = 'new'\ny\n"),
            Ok(Value::str("old"))
        );
    }

    #[test]
    fn non_constants_and_cycles_are_errors() {
        assert!(matches!(
            fold_last("f(1)\n"),
            Err(FoldError::NotConstant(_))
        ));
        assert!(matches!(
            fold_last("f'{x:>3}'\n"),
            Err(FoldError::NotConstant(_))
        ));
        assert!(matches!(
            fold_last("unknown\n"),
            Err(FoldError::NotConstant(_))
        ));
        let deep = format!("{}1{}\n", "[".repeat(100), "]".repeat(100));
        assert!(matches!(fold_last(&deep), Err(FoldError::TooDeep(_))));
    }
}
