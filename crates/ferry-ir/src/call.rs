//! How a service call is made in the target: the SDK client and method, how request
//! and response member names are spelled, which members are encoded, and how a
//! run-a-job (`.sync`) call waits. Front ends decide it from the source's integration,
//! so a back end renders it without guessing.

use serde::{Deserialize, Serialize};

/// What a [`crate::StepKind::ServiceCall`] becomes.
// Always boxed inside the step kind, so the size of the SDK variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CallTarget {
    /// An AWS SDK call (boto3).
    Sdk(SdkCall),
    /// An HTTPS request (the Step Functions HTTP Task), made with `requests`.
    /// `connection` is the EventBridge connection whose credentials the source used;
    /// it has no SDK equivalent and is always flagged.
    Http { connection: Option<String> },
    /// An API Gateway endpoint invoked over HTTPS (`apigateway:invoke`): the request
    /// names the endpoint, stage, path, method, headers, query and body, and
    /// `AuthType: IAM_ROLE` signs it with SigV4 (botocore).
    ApiGateway,
    /// A Distributed Map's S3 item reader (`s3:listObjectsV2` / `s3:getObject`): the
    /// request holds the reader's `Parameters` and `ReaderConfig`; the result is the
    /// list of items (every page of a listing; a JSON, JSON Lines or CSV object parsed).
    S3ItemReader,
    /// No SDK or HTTP equivalent; `reason` says why.
    Unsupported { reason: String },
}

/// One boto3 call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SdkCall {
    /// The boto3 client name (`stepfunctions`, `bedrock-runtime`).
    pub client: String,
    /// The boto3 method (`start_execution`).
    pub method: String,
    /// The API operation the method calls (`StartExecution`).
    pub operation: String,
    /// How the source spells request and response member names.
    pub names: MemberNames,
    /// Request members the SDK wants encoded.
    pub encode: Vec<Encoding>,
    /// Response members that are JSON documents in a stream (read and parse them).
    pub decode: Vec<Vec<String>>,
    /// For `.sync` / `.sync:2`: how to wait for the job and what to return.
    pub wait: Option<SyncWait>,
}

/// The spelling of member names in the source's request and result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MemberNames {
    /// Exactly the API's member names (what boto3 takes and returns).
    Api,
    /// Step Functions' spelling: every member name in PascalCase, at every depth, even
    /// when the API uses camelCase (`Bool` for `BOOL`, `EqualsValue` for `Equals`).
    /// Requests are renamed to the API's members through the service model (matching
    /// names case-insensitively); results are renamed back to PascalCase.
    Pascal,
}

impl MemberNames {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberNames::Api => "api",
            MemberNames::Pascal => "pascal",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [MemberNames::Api, MemberNames::Pascal]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// A request member that must be encoded before the call. `path` is a member path
/// (`*` stands for every element of a list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Encoding {
    pub path: Vec<String>,
    pub how: Encode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Encode {
    /// JSON text, unless the value already is a string.
    JsonText,
    /// JSON as UTF-8 bytes (a blob member), unless the value already is a string.
    JsonBytes,
}

impl Encode {
    pub fn as_str(self) -> &'static str {
        match self {
            Encode::JsonText => "json_text",
            Encode::JsonBytes => "json_bytes",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Encode::JsonText, Encode::JsonBytes]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// How a run-a-job call waits, and the description it returns (what Step Functions
/// returns for `.sync`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncWait {
    /// The boto3 method that describes the job (`describe_training_job`).
    pub method: String,
    /// Its keyword arguments and where each comes from.
    pub args: Vec<WaitArg>,
    /// A boto3 waiter that does the polling, when the SDK has one.
    pub waiter: Option<String>,
    /// Member path of the status in the description.
    pub status: Vec<String>,
    /// Status values that end the wait successfully.
    pub success: Vec<String>,
    /// Status values that end the wait with a failure.
    pub failure: Vec<String>,
    /// Members of the description that hold JSON text to parse (`.sync:2`).
    pub parse_json: Vec<Vec<String>>,
}

/// One keyword argument of the describe call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitArg {
    /// The boto3 keyword (`TrainingJobName`).
    pub name: String,
    /// Whether the value comes from the call's request (after renaming) or response.
    pub from: ArgFrom,
    /// Member path in it.
    pub path: Vec<String>,
    /// Whether the describe call wants a one-element list of it.
    pub list: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ArgFrom {
    Request,
    Response,
}

impl ArgFrom {
    pub fn as_str(self) -> &'static str {
        match self {
            ArgFrom::Request => "request",
            ArgFrom::Response => "response",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [ArgFrom::Request, ArgFrom::Response]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}
