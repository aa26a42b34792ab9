use serde::{Deserialize, Serialize};

/// A literal as written in the source. Numbers keep their exact text; objects keep
/// their key order, so printing is deterministic and faithful. Templates (requests,
/// payloads) may refer to the step's inputs with [`Value::Input`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum Value {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
    /// In a request or payload template: the value of the step input with this name
    /// (e.g. an ASL `"Field.$": "$.path"` after lowering).
    Input(String),
    /// The text of `parts` joined by `separator`, computed when the step runs (SageMaker
    /// `Join`, an f-string over pipeline variables). Parts may be inputs or runtime facts.
    Join {
        separator: String,
        parts: Vec<Value>,
    },
    /// A fact of the running execution, by its source name (SageMaker
    /// `ExecutionVariables`: `PipelineExecutionId`, `PipelineName`, `StartDateTime`, ...).
    Runtime(String),
}

impl Value {
    pub fn str(s: impl Into<String>) -> Self {
        Value::String(s.into())
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}
