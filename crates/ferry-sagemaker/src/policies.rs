//! CacheConfig, retry policies and schedules (PipelineSchedule + put_triggers).

use ferry_diagnostics::Diagnostic;
use ferry_ir::{CachePolicy, Mapping, RetryPolicy, Trigger, TriggerKind, Value};
use ferry_python::Ranged;
use ferry_python::ast::{Expr, ExprCall};

use crate::lower::Lowerer;
use crate::values::Thing;

impl<'a> Lowerer<'a> {
    pub fn cache_policy(&mut self, expr: &'a Expr) -> CachePolicy {
        let Thing::SagemakerObject(call, class) = self.classify(expr) else {
            self.malformed(expr, "`cache_config` is not a `CacheConfig(...)`");
            return CachePolicy::default();
        };
        if class != "CacheConfig" {
            self.malformed(expr, "`cache_config` is not a `CacheConfig(...)`");
            return CachePolicy::default();
        }
        let info = self.call_info_of(call);
        let enabled = match info.arg(0, "enable_caching").map(|e| self.classify(e)) {
            Some(Thing::Const(Value::Bool(b))) => Some(b),
            None => Some(false),
            Some(_) => {
                self.malformed(expr, "`enable_caching` is not a constant");
                None
            }
        };
        let expire_after = match info.arg(1, "expire_after").map(|e| self.classify(e)) {
            Some(Thing::Const(Value::String(s))) => Some(s),
            None | Some(Thing::Const(Value::Null)) => None,
            Some(_) => {
                self.malformed(expr, "`expire_after` is not a constant");
                None
            }
        };
        CachePolicy {
            enabled,
            expire_after,
        }
    }

    pub fn retry_policies(&mut self, expr: &'a Expr) -> Vec<RetryPolicy> {
        let mut out = Vec::new();
        let target = self.follow(expr);
        if let Expr::Dict(dict) = target {
            // ModelStep's per-sub-step dict: the policies of all sub-steps apply.
            for item in &dict.items {
                out.extend(self.retry_policies(&item.value));
            }
            return out;
        }
        for element in self.list_elements(expr, "retry_policies") {
            let Thing::SagemakerObject(call, class) = self.classify(element) else {
                self.malformed(
                    element,
                    "retry policy is not a `StepRetryPolicy`/`SageMakerJobStepRetryPolicy`",
                );
                continue;
            };
            if !matches!(
                class.as_str(),
                "StepRetryPolicy" | "SageMakerJobStepRetryPolicy"
            ) {
                self.malformed(
                    element,
                    "retry policy is not a `StepRetryPolicy`/`SageMakerJobStepRetryPolicy`",
                );
                continue;
            }
            if let Some(policy) = self.retry_policy(call) {
                out.push(policy);
            }
        }
        out
    }

    fn retry_policy(&mut self, call: &'a ExprCall) -> Option<RetryPolicy> {
        let info = self.call_info_of(call);
        let mut errors = Vec::new();
        for key in ["exception_types", "failure_reason_types"] {
            let Some(list) = info.keyword(key) else {
                continue;
            };
            for element in self.list_elements(list, key) {
                match exception_type(self.module.text_of(element)) {
                    Some(e) => errors.push(e),
                    None => self.malformed(element, "unknown retry exception type"),
                }
            }
        }
        if info.keyword("exception_types").is_none()
            && let Some(list) = info.args.first()
        {
            for element in self.list_elements(list, "exception_types") {
                match exception_type(self.module.text_of(element)) {
                    Some(e) => errors.push(e),
                    None => self.malformed(element, "unknown retry exception type"),
                }
            }
        }
        let number = |this: &mut Self, key: &str| -> Option<String> {
            let e = info.keyword(key)?;
            match this.classify(e) {
                Thing::Const(Value::Number(n)) => Some(n),
                _ => {
                    this.malformed(e, &format!("`{key}` is not a constant number"));
                    None
                }
            }
        };
        let max_attempts = number(self, "max_attempts");
        let expire = number(self, "expire_after_mins");
        let interval = number(self, "interval_seconds")
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(1);
        let backoff = number(self, "backoff_rate").unwrap_or_else(|| "2.0".to_string());
        let span = self.span(call);
        let max_attempts = match (max_attempts, expire) {
            (Some(n), None) => n.parse::<u32>().ok()?,
            (None, Some(minutes)) => {
                self.diagnostics.push(
                    Diagnostic::warning("F0422", format!("retry by elapsed time (`expire_after_mins={minutes}`) has no ZenML equivalent; kept as 20 attempts (the SDK's cap)"))
                        .with_primary(span, "retry policy"),
                );
                20
            }
            _ => {
                self.diagnostics.push(
                    Diagnostic::warning("F0422", "a retry policy needs exactly one of `max_attempts` and `expire_after_mins`")
                        .with_primary(span, "retry policy"),
                );
                return None;
            }
        };
        Some(RetryPolicy {
            errors,
            max_attempts,
            interval_seconds: interval,
            backoff_rate: backoff,
            max_delay_seconds: None,
            jitter: None,
            span,
        })
    }

    fn malformed(&mut self, node: &impl Ranged, message: &str) {
        let span = self.span(node);
        self.diagnostics
            .push(Diagnostic::warning("F0422", message.to_string()).with_primary(span, "here"));
    }

    /// `pipeline.put_triggers(triggers=[PipelineSchedule(...)])` for this pipeline.
    pub fn lower_triggers(&mut self, pipeline_call: &'a ExprCall) {
        for call in self.method_calls("put_triggers") {
            let Expr::Attribute(attr) = &*call.func else {
                continue;
            };
            let Expr::Call(receiver) = self.follow(&attr.value) else {
                continue;
            };
            if !std::ptr::eq(receiver, pipeline_call) {
                continue;
            }
            let Some(list) = call.arguments.find_argument_value("triggers", 0) else {
                continue;
            };
            for element in self.list_elements(list, "triggers") {
                match self.classify(element) {
                    Thing::SagemakerObject(schedule, class) if class == "PipelineSchedule" => {
                        self.schedule(schedule);
                    }
                    _ => self.malformed(element, "trigger is not a `PipelineSchedule(...)`"),
                }
            }
        }
    }

    fn schedule(&mut self, call: &'a ExprCall) {
        let info = self.call_info_of(call);
        let span = self.span(call);
        let name = info
            .keyword("name")
            .and_then(|e| self.constant_string(e, "schedule name"))
            .unwrap_or_else(|| format!("{}-schedule", self.pipeline.display_name));
        let text = |this: &mut Self, key: &str| {
            info.keyword(key).and_then(|e| this.constant_string(e, key))
        };
        let kind = if let Some(cron) = text(self, "cron") {
            TriggerKind::Schedule {
                cron: strip_wrapper(&cron, "cron"),
                timezone: None,
            }
        } else if let Some(rate) = text(self, "rate") {
            match rate_seconds(&strip_wrapper(&rate, "rate")) {
                Some(seconds) => TriggerKind::Interval { seconds },
                None => {
                    self.malformed(call, "`rate` is not `<n> minute(s)|hour(s)|day(s)`");
                    return;
                }
            }
        } else if let Some(at) = text(self, "at") {
            TriggerKind::Sensor {
                description: format!("one-time run at {at}"),
            }
        } else {
            self.malformed(call, "`PipelineSchedule` needs `cron`, `rate` or `at`");
            return;
        };
        let mut mapping = Mapping::approximate(
            "PipelineSchedule",
            "ZenML Schedule on the orchestrator; dynamic pipelines cannot be scheduled on the SageMaker orchestrator",
        );
        if matches!(kind, TriggerKind::Sensor { .. }) {
            mapping.note = "one-time schedule: run the pipeline once at that time by hand or with a one-time ZenML schedule".into();
        }
        if let Some(Thing::Const(Value::Bool(false))) =
            info.keyword("enabled").map(|e| self.classify(e))
        {
            mapping.note.push_str("; the source schedule is disabled");
        }
        self.triggers.push(Trigger {
            name,
            kind,
            pipeline: self.pipeline.name.clone(),
            span,
            mapping,
        });
    }
}

/// `cron(0 12 * * ? *)` → `0 12 * * ? *`; plain text is kept.
fn strip_wrapper(text: &str, word: &str) -> String {
    text.trim()
        .strip_prefix(word)
        .and_then(|t| t.strip_prefix('('))
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(text.trim())
        .to_string()
}

/// `5 minutes` / `1 hour` / `2 days` → seconds.
fn rate_seconds(text: &str) -> Option<u64> {
    let mut parts = text.split_whitespace();
    let n: u64 = parts.next()?.parse().ok()?;
    let unit = parts.next()?.trim_end_matches('s');
    let factor = match unit {
        "minute" => 60,
        "hour" => 3600,
        "day" => 86400,
        _ => return None,
    };
    n.checked_mul(factor)
}

/// `StepExceptionTypeEnum.SERVICE_FAULT` → `Step.SERVICE_FAULT` (the definition JSON's name).
fn exception_type(text: &str) -> Option<String> {
    let member = text.rsplit('.').next()?;
    Some(
        match member {
            "SERVICE_FAULT" => "Step.SERVICE_FAULT",
            "THROTTLING" => "Step.THROTTLING",
            "INTERNAL_ERROR" => "SageMaker.JOB_INTERNAL_ERROR",
            "CAPACITY_ERROR" => "SageMaker.CAPACITY_ERROR",
            "RESOURCE_LIMIT" => "SageMaker.RESOURCE_LIMIT",
            _ => return None,
        }
        .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_texts() {
        assert_eq!(strip_wrapper("cron(0 12 * * ? *)", "cron"), "0 12 * * ? *");
        assert_eq!(strip_wrapper("0 12 * * ? *", "cron"), "0 12 * * ? *");
        assert_eq!(rate_seconds("5 minutes"), Some(300));
        assert_eq!(rate_seconds("1 day"), Some(86400));
        assert_eq!(rate_seconds("2 fortnights"), None);
        assert_eq!(
            exception_type("StepExceptionTypeEnum.THROTTLING").as_deref(),
            Some("Step.THROTTLING")
        );
        assert_eq!(exception_type("Foo.BAR"), None);
    }
}
