//! The IR's text form: a readable, line-oriented rendering of a [`crate::Workflow`]
//! that parses back to the same workflow. `print(parse(t)) == t` holds for every
//! printed `t`. The grammar is in `ir-spec/grammar.md`.

mod expr;
mod lex;
mod parse;
mod print;

pub use expr::{print_expr, print_target};
pub use parse::parse;
pub use print::{print, print_binding_short, print_value, quote};

use ferry_diagnostics::CodeInfo;

pub static CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "F0101",
        title: "IR text does not parse",
        explanation: "The .ferry file does not follow the grammar in ir-spec/grammar.md. The label \
points at the first token the parser could not accept and says what it expected there.",
    },
    CodeInfo {
        code: "F0102",
        title: "IR text nests too deeply",
        explanation: "Values, conditions and regions in IR text may nest at most 64 levels. Deeper \
input is rejected rather than risking the parser's stack.",
    },
    CodeInfo {
        code: "F0103",
        title: "IR text refers to an unknown step",
        explanation: "An `edge` line names a step that is not declared earlier in the same pipeline \
block, or a name is declared twice so edges would be ambiguous.",
    },
    CodeInfo {
        code: "F0104",
        title: "IR text name is not a Python identifier",
        explanation: "Every name position of the text form (pipeline, step, parameter, port, entry, \
edge endpoints, bindings and `$input` references) becomes a Python identifier in the generated \
project, so it must be one: ASCII letters, digits and `_`, not starting with a digit, and not a \
Python keyword. Quoting a name only lets it be a word the text form reserves (`step`, `none`, ...); \
it never lets other characters through. The label covers the offending name.",
    },
];
