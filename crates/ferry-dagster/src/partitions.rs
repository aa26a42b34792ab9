//! Partitions definitions as written (`DailyPartitionsDefinition(start_date=...)`,
//! `StaticPartitionsDefinition([...])`, `MultiPartitionsDefinition({...})`,
//! `TimeWindowPartitionsDefinition(cron_schedule=..., fmt=...)`): what a run's
//! partition key looks like and, for time partitions, how long its window is.

use ferry_ir::{Period, Value};
use ferry_python::ast::Expr;
use ferry_python::{CallInfo, ParsedModule, Scope};

/// The shape of a partitions definition.
#[derive(Debug, Clone, PartialEq)]
pub enum PartitionsKind {
    /// A time window per key: the key parsed with `format` starts it, it lasts `period`
    /// (`None`: a cron ferry cannot turn into a fixed length).
    Time {
        period: Option<Period>,
        format: String,
        timezone: Option<String>,
    },
    Static(Vec<String>),
    Dynamic,
    /// Two (or more) dimensions by name, sorted by name as the key joins them.
    Multi(Vec<(String, PartitionsKind)>),
    /// A definition ferry does not know (a factory call, a variable it cannot follow).
    Unknown,
}

/// A time partition dimension.
pub struct TimeDimension {
    /// The dimension's name in a multi-partition; `None` for a plain time partition.
    pub dimension: Option<String>,
    pub period: Option<Period>,
    pub format: String,
    pub timezone: Option<String>,
}

impl PartitionsKind {
    /// The dimension names of a multi-dimensional key (sorted), empty otherwise.
    pub fn dimensions(&self) -> Vec<String> {
        match self {
            PartitionsKind::Multi(dims) => dims.iter().map(|(n, _)| n.clone()).collect(),
            _ => Vec::new(),
        }
    }

    /// The time dimension, on its own or as one dimension of a multi-partition.
    pub fn time(&self) -> Option<TimeDimension> {
        match self {
            PartitionsKind::Time {
                period,
                format,
                timezone,
            } => Some(TimeDimension {
                dimension: None,
                period: *period,
                format: format.clone(),
                timezone: timezone.clone(),
            }),
            PartitionsKind::Multi(dims) => dims.iter().find_map(|(n, k)| match k {
                PartitionsKind::Time {
                    period,
                    format,
                    timezone,
                } => Some(TimeDimension {
                    dimension: Some(n.clone()),
                    period: *period,
                    format: format.clone(),
                    timezone: timezone.clone(),
                }),
                _ => None,
            }),
            _ => None,
        }
    }
}

/// The period of a cron schedule that ticks once per fixed length of time.
pub fn period_of_cron(cron: &str) -> Option<Period> {
    let f: Vec<&str> = cron.split_whitespace().collect();
    let fixed = |s: &str| s.parse::<u32>().is_ok();
    match f.as_slice() {
        ["@hourly"] => Some(Period::Hourly),
        ["@daily"] | ["@midnight"] => Some(Period::Daily),
        ["@weekly"] => Some(Period::Weekly),
        ["@monthly"] => Some(Period::Monthly),
        [m, "*", "*", "*", "*"] if fixed(m) => Some(Period::Hourly),
        [m, h, "*", "*", "*"] if fixed(m) && fixed(h) => Some(Period::Daily),
        [m, h, "*", "*", d] if fixed(m) && fixed(h) && fixed(d) => Some(Period::Weekly),
        [m, h, d, "*", "*"] if fixed(m) && fixed(h) && fixed(d) => Some(Period::Monthly),
        _ => None,
    }
}

fn string(module: &ParsedModule, scope: &Scope<'_>, e: Option<&Expr>) -> Option<String> {
    match ferry_python::fold(module, scope, e?).ok()? {
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// Read a partitions definition call (`api` is its Dagster name without `dagster.`);
/// `lookup` resolves a name used as a dimension to another definition.
pub fn read(
    module: &ParsedModule,
    scope: &Scope<'_>,
    api: &str,
    call: &CallInfo<'_>,
    lookup: &dyn Fn(&str) -> Option<PartitionsKind>,
) -> PartitionsKind {
    let tz = string(module, scope, call.keyword("timezone"));
    let time = |period: Period, default_fmt: &str| PartitionsKind::Time {
        period: Some(period),
        format: string(module, scope, call.keyword("fmt")).unwrap_or_else(|| default_fmt.into()),
        timezone: tz.clone(),
    };
    match api {
        "HourlyPartitionsDefinition" => time(Period::Hourly, "%Y-%m-%d-%H:%M"),
        "DailyPartitionsDefinition" => time(Period::Daily, "%Y-%m-%d"),
        "WeeklyPartitionsDefinition" => time(Period::Weekly, "%Y-%m-%d"),
        "MonthlyPartitionsDefinition" => time(Period::Monthly, "%Y-%m-%d"),
        "TimeWindowPartitionsDefinition" => {
            let cron = string(module, scope, call.keyword("cron_schedule"));
            match string(module, scope, call.arg(1, "fmt")) {
                Some(format) => PartitionsKind::Time {
                    period: cron.as_deref().and_then(period_of_cron),
                    format,
                    timezone: tz,
                },
                None => PartitionsKind::Unknown,
            }
        }
        "StaticPartitionsDefinition" => match call
            .arg(0, "partition_keys")
            .and_then(|e| ferry_python::fold(module, scope, e).ok())
        {
            Some(Value::Array(items)) => PartitionsKind::Static(
                items
                    .into_iter()
                    .filter_map(|v| match v {
                        Value::String(s) => Some(s),
                        _ => None,
                    })
                    .collect(),
            ),
            _ => PartitionsKind::Static(Vec::new()),
        },
        "DynamicPartitionsDefinition" => PartitionsKind::Dynamic,
        "MultiPartitionsDefinition" => {
            let Some(Expr::Dict(d)) = call.arg(0, "partitions_defs") else {
                return PartitionsKind::Unknown;
            };
            let mut dims = Vec::new();
            for item in &d.items {
                let Some(Expr::StringLiteral(k)) = &item.key else {
                    return PartitionsKind::Unknown;
                };
                let kind = match &item.value {
                    Expr::Name(n) => lookup(n.id.as_str()).unwrap_or(PartitionsKind::Unknown),
                    value => match CallInfo::of(module, scope, value) {
                        Some(inner) => match inner
                            .callee
                            .as_deref()
                            .and_then(|c| c.strip_prefix("dagster."))
                        {
                            Some(api) => read(module, scope, api, &inner, lookup),
                            None => PartitionsKind::Unknown,
                        },
                        None => PartitionsKind::Unknown,
                    },
                };
                dims.push((k.value.to_str().to_string(), kind));
            }
            dims.sort_by(|a, b| a.0.cmp(&b.0));
            PartitionsKind::Multi(dims)
        }
        _ => PartitionsKind::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cron_periods() {
        assert_eq!(period_of_cron("0 0 * * *"), Some(Period::Daily));
        assert_eq!(period_of_cron("0 0 * * 2"), Some(Period::Weekly));
        assert_eq!(period_of_cron("15 * * * *"), Some(Period::Hourly));
        assert_eq!(period_of_cron("0 0 1 * *"), Some(Period::Monthly));
        assert_eq!(period_of_cron("*/5 * * * *"), None);
        assert_eq!(period_of_cron("0 0 * * 1-5"), None);
    }
}
