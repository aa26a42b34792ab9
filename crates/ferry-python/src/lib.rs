//! Shared Python front-end support: everything the SageMaker and Dagster front ends need
//! to read Python source statically. It must never execute Python, never know a
//! workflow framework (no SageMaker or Dagster names here) and never build IR steps.
//!
//! API overview:
//! - [`parse`] → [`ParsedModule`] (owned ruff AST + file id + text) and F0401
//!   diagnostics for syntax errors; the recovered partial tree is still returned.
//!   Statements nested too deeply for the parser's stack are blanked first (F0402).
//! - [`span_of`] turns any ruff node range into a [`ferry_diagnostics::Span`];
//!   [`ParsedModule::text_of`] gives the source text of a node.
//! - [`Scope`] is a symbol table of one statement list (module or function body):
//!   assignments, function defs (with decorators), class defs and imports with aliases.
//!   [`Scope::qualified_name`] resolves a name or attribute chain (`dg.asset`) to the
//!   fully-qualified name it refers to through the imports.
//! - [`Project`] holds several modules by dotted name and follows `from pkg.mod import f`
//!   across them ([`Project::lookup`]).
//! - [`fold`] folds constant expressions (literals, f-strings with constant parts,
//!   concatenation, names bound to constants, lists/dicts/tuples) into
//!   [`ferry_ir::Value`], depth-bounded.
//! - [`CallInfo::of`] extracts a call's positional and keyword arguments with spans and
//!   its callee's qualified name.
//! - [`FunctionInfo::of`] gives a function's parameters, decorators and dedented body
//!   text with its span (line-based; kept for the SageMaker front end).
//!
//! Carrying code over whole (issues 11 and 12):
//! - [`Edit`] / [`apply_edits`]: `(range, replacement)` edits applied in one pass, the
//!   way ruff applies fixes (sorted, non-overlapping, checked).
//! - [`reindent`] with a [`Layout`]: lines that start inside a string token stay
//!   byte-exact ([`string_parts`]), every other line (comments included) moves; for a
//!   consumer that prefixes every line ([`Layout::LinePrefix`]) a multi-line string
//!   whose inner lines would change is rewritten to an equal one-line literal
//!   ([`flatten`]).
//! - [`CarriedFunction::carry`]: a function's docstring, body text (comments between
//!   and after statements kept) and free names; [`carry_statements`] for module-level
//!   definitions.
//! - [`body_free_names`], [`statement_free_names`], [`module_free_names`]: Python's
//!   scoping (comprehension and class scopes, global/nonlocal, walrus, match, del,
//!   source order like ruff's F821; [`is_builtin`] from ruff_python_stdlib).
//! - [`Import`] rebuilt from the AST ([`imports_in`]), [`distribution_for`] (import
//!   name → PyPI distribution, stdlib via ruff_python_stdlib).
//! - [`Location`]: a code location's modules; [`Location::resolve`] classifies a free
//!   name ([`Resolution`]: builtin, external, framework — the caller's predicate —,
//!   local definition, local module, unresolved), following relative imports,
//!   `__init__` re-exports and star imports; [`Location::closure`] collects what
//!   carried code needs transitively into [`SupportModule`]s mirroring the original
//!   layout, with framework decorators stripped; [`Closure::support_text`] renders one,
//!   [`Closure::inline`] renders all of them as one block.

mod call;
mod carry;
mod closure;
mod edit;
mod fold;
mod function;
mod imports;
mod indent;
mod mutation;
mod names;
mod parse;
mod project;
mod returns;
mod scope;
mod strings;
mod support;

pub use call::{CallInfo, KeywordArg};
pub use carry::{CarriedFunction, carry_statements, docstring_of};
pub use closure::{
    Closure, FrameworkUse, Location, Resolution, ResolvedName, SupportModule, support_path,
};
pub use edit::{Edit, EditError, apply_edits, check_edits};
pub use fold::{FoldError, MAX_FOLD_DEPTH, fold, fold_with};
pub use function::{FunctionInfo, ParamInfo, dedent};
pub use imports::{Import, distribution_for, imports_from, imports_in, imports_of, is_stdlib};
pub use indent::{Layout, Reindented, reindent};
pub use names::{
    FreeNames, PYTHON_MINOR, body_free_names, function_free_names, is_builtin, module_free_names,
    statement_free_names,
};
pub use parse::{ParsedModule, parse, span_of};
pub use project::{Project, module_name_for_path};
pub use returns::drop_none_returns;
pub use ruff_python_ast as ast;
pub use ruff_text_size::{Ranged, TextRange};
pub use scope::{Scope, Symbol, SymbolKind};
pub use strings::{StringPart, flatten, inside_string, string_parts};
pub use support::Inline;

use ferry_diagnostics::CodeInfo;

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "F0401",
        title: "Python syntax error",
        explanation: "The Python file does not parse. ferry reports every syntax error the parser \
recovered from and still reads the rest of the file, so later findings may be caused by the \
broken part. Fix the syntax first.",
    },
    CodeInfo {
        code: "F0402",
        title: "Python nests too deeply",
        explanation: "A statement nests brackets more than 100 levels deep, or holds a chain of \
more than 10,000 bytes of code between two commas at one bracket level (long `a.b.c...` or \
`1+1+...` chains nest once per link without brackets; a bracketed group counts once in its \
parent's chain, so long flat lists are fine). Reading it could overflow the parser's stack, so \
the statement is skipped and the rest of the file is read. Separately, constant folding stops at 64 levels (and at a name bound \
to itself); such values are treated as unknown.",
    },
    CodeInfo {
        code: "F0409",
        title: "Python source contains a NUL byte",
        explanation: "CPython refuses to read a source file that holds a NUL (zero) byte, so the \
generated project could never run what ferry would carry over from it. ferry reports the first \
NUL byte as an error and compiles nothing from the file; the rest of the file is still read for \
other findings. Remove the byte (inside a string literal, write the escape `\\0`).",
    },
];
