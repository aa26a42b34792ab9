//! The abstract JSON state document of the reaching-definitions analysis: for each
//! path of a state's input, which earlier state's result (or which part of the
//! execution input) is there.

use std::collections::BTreeMap;

use ferry_ir::{Segment, Value};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// The execution input (or, in a region, the item / branch input).
    Input,
    /// The result of the state lowered to this step.
    Step(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Abs {
    /// The value at `path` of `origin`.
    From(Origin, Vec<Segment>),
    /// An object whose listed fields are known; other fields come from `rest`.
    Obj(BTreeMap<String, Abs>, Option<Box<Abs>>),
    /// A constant.
    Lit(Value),
    /// Not known statically, with the reason.
    Unknown(String),
}

impl Abs {
    pub fn input() -> Abs {
        Abs::From(Origin::Input, Vec::new())
    }

    /// The abstract value at `path` inside `self`.
    pub fn get(&self, path: &[Segment]) -> Abs {
        let Some((first, rest)) = path.split_first() else {
            return self.clone();
        };
        match self {
            Abs::From(origin, base) => {
                let mut p = base.clone();
                p.extend(path.iter().cloned());
                Abs::From(origin.clone(), p)
            }
            Abs::Obj(fields, more) => match first {
                Segment::Key(k) => match fields.get(k) {
                    Some(v) => v.get(rest),
                    None => match more {
                        Some(m) => m.get(path),
                        None => {
                            Abs::Unknown(format!("no field `{k}` is written before this state"))
                        }
                    },
                },
                Segment::Index(_) => Abs::Unknown("index into an object".into()),
            },
            Abs::Lit(v) => {
                let mut cur = v;
                for seg in path {
                    let next = match (seg, cur) {
                        (Segment::Key(k), Value::Object(f)) => {
                            f.iter().find(|(n, _)| n == k).map(|(_, v)| v)
                        }
                        (Segment::Index(i), Value::Array(items)) => {
                            usize::try_from(*i).ok().and_then(|i| items.get(i))
                        }
                        _ => None,
                    };
                    match next {
                        Some(n) => cur = n,
                        None => return Abs::Unknown("path not present in a constant".into()),
                    }
                }
                Abs::Lit(cur.clone())
            }
            Abs::Unknown(why) => Abs::Unknown(why.clone()),
        }
    }

    /// `self` with `value` written at `path` (ASL ResultPath).
    pub fn set(&self, path: &[Segment], value: Abs) -> Abs {
        let Some((first, rest)) = path.split_first() else {
            return value;
        };
        let Segment::Key(key) = first else {
            return Abs::Unknown("ResultPath into an array".into());
        };
        let (mut fields, more) = match self {
            Abs::Obj(fields, more) => (fields.clone(), more.clone()),
            other => (BTreeMap::new(), Some(Box::new(other.clone()))),
        };
        let inner = fields
            .get(key)
            .cloned()
            .unwrap_or_else(|| self.get(std::slice::from_ref(first)));
        fields.insert(key.clone(), inner.set(rest, value));
        Abs::Obj(fields, more)
    }

    /// What is known at a control-flow merge.
    pub fn merge(&self, other: &Abs) -> Abs {
        if self == other {
            return self.clone();
        }
        match (self, other) {
            (Abs::Obj(a, ra), Abs::Obj(b, rb)) => {
                let mut fields = BTreeMap::new();
                for (k, v) in a {
                    if let Some(w) = b.get(k) {
                        fields.insert(k.clone(), v.merge(w));
                    }
                }
                let rest = match (ra, rb) {
                    (Some(x), Some(y)) => Some(Box::new(x.merge(y))),
                    _ => None,
                };
                Abs::Obj(fields, rest)
            }
            _ => {
                Abs::Unknown("different states write it on different paths into this state".into())
            }
        }
    }
}
