//! Python types for IR port and parameter types.

use ferry_ir::{ParamType, PortType, Value};

use crate::code::Code;

pub fn port(ty: PortType) -> Code {
    Code::text(match ty {
        PortType::Metrics => "dict[str, Any]",
        PortType::Json => "Any",
        PortType::Uri => "str",
        PortType::Dataset | PortType::Model | PortType::Scalar | PortType::Unknown => "Any",
    })
}

pub fn param(ty: ParamType) -> Code {
    Code::text(match ty {
        ParamType::String => "str",
        ParamType::Integer => "int",
        ParamType::Float => "float",
        ParamType::Boolean => "bool",
        // JSON may be any value, not only an object.
        ParamType::Json => "Any",
    })
}

/// The Python type of a literal default.
pub fn literal(v: &Value) -> Code {
    Code::text(match v {
        Value::Bool(_) => "bool",
        Value::Number(n) if n.contains(['.', 'e', 'E']) => "float",
        Value::Number(_) => "int",
        Value::String(_) | Value::Join { .. } | Value::Runtime(_) => "str",
        Value::Array(_) => "list[Any]",
        Value::Object(_) => "dict[str, Any]",
        Value::Null | Value::Input(_) => "Any",
    })
}
