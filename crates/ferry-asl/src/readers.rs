//! Distributed Map item readers over S3 (`ItemReader` with `s3:listObjectsV2` or
//! `s3:getObject`): a step of their own, before the Map, that reads the items with
//! boto3; the Map iterates that step's result.

use ferry_ir::naming::Namer;
use ferry_ir::{Binding, IntegrationPattern, Mapping, Output, PortType, Step, StepKind, Value};

use crate::dataflow::Abs;
use crate::doc::Node;
use crate::lower::{MachineLowering, RESULT, State};

/// What changes for an S3 item reader (the report row and the step's note).
const READER_NOTE: &str = "the items are read with boto3 by a step before the Map (every page of a listing; a JSON, JSON Lines or CSV object parsed as Step Functions does) and passed to the Map as an artifact, so they are all held in memory at once; MANIFEST readers are not translated";

impl MachineLowering<'_, '_> {
    /// The Map's items when its `ItemReader` reads S3: the binding of the reader step's
    /// result (the step is left in `cx.item_reader` for the caller to add), or `None`.
    pub(crate) fn item_reader(
        &mut self,
        s: &State,
        reader: &Node,
        doc: &Abs,
        name: Option<String>,
    ) -> Option<Binding> {
        let name = name?;
        let resource = reader.get("Resource").and_then(Node::as_str)?;
        let action = match resource.strip_prefix("arn:aws:states:::s3:")? {
            "listObjectsV2" => "listObjectsV2",
            "getObject" => "getObject",
            _ => return None,
        };
        let config = reader.get("ReaderConfig");
        if config
            .and_then(|c| c.get("InputType"))
            .and_then(Node::as_str)
            .is_some_and(|t| t == "MANIFEST")
        {
            return None;
        }
        let mut step = Step::new(
            &name,
            format!("{} items", s.name),
            reader.span,
            StepKind::Opaque {
                construct: String::new(),
                config: Value::Null,
            },
            Mapping::approximate(format!("ItemReader(s3:{action})"), READER_NOTE),
        );
        let mut namer = Namer::new();
        let field = if s.jsonata { "Arguments" } else { "Parameters" };
        let parameters = match reader.get(field) {
            Some(template) => self.template(template, doc, &mut step, &mut namer, "", s.jsonata, 0),
            None => Value::Object(Vec::new()),
        };
        let mut request = vec![("Parameters".to_string(), parameters)];
        if let Some(c) = config {
            request.push(("ReaderConfig".to_string(), c.to_value()));
        }
        step.kind = StepKind::ServiceCall {
            service: "s3".into(),
            action: action.into(),
            pattern: IntegrationPattern::RequestResponse,
            request: Value::Object(request),
            target: Some(Box::new(ferry_ir::CallTarget::S3ItemReader)),
        };
        step.outputs.push(Output {
            name: RESULT.into(),
            ty: PortType::Json,
            span: reader.span,
        });
        self.cx.item_reader = Some(step);
        Some(Binding::StepOutput {
            step: name,
            port: RESULT.into(),
            projection: Vec::new(),
        })
    }
}
