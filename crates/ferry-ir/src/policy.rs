use std::collections::BTreeMap;

use ferry_diagnostics::Span;
use serde::{Deserialize, Serialize};

use crate::Value;

/// Retry on failure. Fields mirror the richest source (ASL Retrier); back ends say
/// what they cannot keep (error filters, max delay, jitter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryPolicy {
    /// Error names this retrier matches; empty means all errors.
    pub errors: Vec<String>,
    pub max_attempts: u32,
    /// Seconds before the first retry.
    pub interval_seconds: u32,
    /// Exact text of the backoff rate, e.g. `2.0`.
    pub backoff_rate: String,
    pub max_delay_seconds: Option<u32>,
    /// `FULL` or `NONE` as in ASL.
    pub jitter: Option<String>,
    pub span: Span,
}

/// Error handler of a step: on a matching error, control goes to `next` (an error edge).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catch {
    pub errors: Vec<String>,
    /// Where the error output is written in the handler's input (ASL ResultPath).
    pub result_path: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CachePolicy {
    /// `None`: the source said nothing; the back end picks its default (which
    /// turns caching off for side-effect steps).
    pub enabled: Option<bool>,
    /// Expiry as written in the source, e.g. `P30D`.
    pub expire_after: Option<String>,
}

/// Infrastructure settings (instance type and count, image, volume, role, timeouts,
/// S3 locations, environment, tags). Kept apart from business parameters: the back end
/// sends them to runtime settings, never to step arguments. Sorted keys, so output is
/// deterministic.
pub type RuntimeHints = BTreeMap<String, Value>;
