//! Values computed at run time (JSONata, full JSONPath, intrinsic functions): the IR's
//! expression language rendered over the run-time helper module `ferry_runtime/asl.py`
//! (`expr/`), inside a step (over its inputs) or in a pipeline body (over loaded
//! artifacts), and AWS SDK calls made the way the front end decided (`CallTarget`).

use ferry_ir::{CallTarget, Computed, SdkCall, Step};

use crate::code::{Code, py};
use crate::context::Context;
use crate::expr::{self, Env};
use crate::imports::Imports;

/// How the helper module is bound in a module that uses it.
const RUNTIME: &str = "rt";

/// Import the helper module into a module and have the project write it.
pub fn use_runtime(imports: &mut Imports, cx: &mut Context) {
    imports.import_as("ferry_runtime.asl", RUNTIME);
    cx.uses_asl_runtime = true;
}

/// `rt.result(<expression>)` with each port rendered by `port`.
pub fn value(c: &Computed, port: &dyn Fn(&str) -> String) -> Code {
    let env = Env {
        runtime: RUNTIME,
        input: "rt.UNDEFINED",
        result: "rt.UNDEFINED",
        error_output: "rt.UNDEFINED",
        context: "{}",
        variables: "{}",
        port,
    };
    Code::rendered_expression(expr::render_value(&c.expr, &env))
}

/// The value of a step input computed from the step's other inputs, as a statement
/// of the step body (the computed input is not a parameter; the ports it reads are).
pub fn step_input(step: &Step, name: &crate::code::Ident, c: &Computed) -> Code {
    let port = |p: &str| crate::step_module::param_name(step, p).as_str().to_string();
    py!("{} = {}", name, value(c, &port))
}

/// The call statement for a service call with a known target, or `None` to keep the
/// plain `client.method(**request)` form.
pub fn sdk_call(
    target: &CallTarget,
    keep: bool,
    imports: &mut Imports,
    cx: &mut Context,
) -> Option<Vec<Code>> {
    let CallTarget::Sdk(call) = target else {
        return None;
    };
    let plain = call.names == ferry_ir::MemberNames::Api
        && call.encode.is_empty()
        && call.decode.is_empty()
        && call.wait.is_none();
    let client = py!("client = boto3.client({})", Code::str_lit(&call.client));
    if plain {
        let method = crate::code::Ident::new(&call.method);
        let call = if keep {
            py!("response = client.{}(**request)", method)
        } else {
            py!("client.{}(**request)", method)
        };
        return Some(vec![client, call]);
    }
    use_runtime(imports, cx);
    let args = sdk_arguments(call);
    let call = py!(
        "rt.sdk_call(client, {}, request, {})",
        Code::str_lit(&call.operation),
        args
    );
    Some(vec![
        client,
        if keep {
            py!("response = {}", call)
        } else {
            call
        },
    ])
}

fn path_list(path: &[String]) -> Code {
    Code::list(path.iter().map(|p| Code::str_lit(p)))
}

fn sdk_arguments(call: &SdkCall) -> Code {
    let encode = Code::list(call.encode.iter().map(|e| {
        py!(
            "({}, {})",
            path_list(&e.path),
            Code::str_lit(e.how.as_str())
        )
    }));
    let decode = Code::list(call.decode.iter().map(|p| path_list(p)));
    let wait = match &call.wait {
        None => Code::text("None"),
        Some(w) => {
            let args = Code::list(w.args.iter().map(|a| {
                Code::dict([
                    (Code::str_lit("name"), Code::str_lit(&a.name)),
                    (Code::str_lit("from"), Code::str_lit(a.from.as_str())),
                    (Code::str_lit("path"), path_list(&a.path)),
                    (Code::str_lit("list"), Code::bool(a.list)),
                ])
            }));
            Code::dict([
                (Code::str_lit("method"), Code::str_lit(&w.method)),
                (Code::str_lit("args"), args),
                (
                    Code::str_lit("waiter"),
                    w.waiter
                        .as_deref()
                        .map_or(Code::text("None"), Code::str_lit),
                ),
                (Code::str_lit("status"), path_list(&w.status)),
                (Code::str_lit("success"), path_list(&w.success)),
                (Code::str_lit("failure"), path_list(&w.failure)),
                (
                    Code::str_lit("parse_json"),
                    Code::list(w.parse_json.iter().map(|p| path_list(p))),
                ),
            ])
        }
    };
    py!(
        "pascal={}, encode={}, decode={}, wait={}",
        Code::bool(call.names == ferry_ir::MemberNames::Pascal),
        encode,
        decode,
        wait
    )
}
