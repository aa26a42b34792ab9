//! The abstract JSON state document of the reaching-definitions analysis: for each
//! path of a state's input, which earlier state's result (or which part of the
//! execution input) is there.
//!
//! Documents share structure: an object is a persistent map behind a reference count,
//! so a state's input is the previous state's output (not a copy of it) and a write
//! (`ResultPath`) copies only the path it changes (O(log n) per level). Every object
//! knows the size of the tree it stands for; a write that would make it larger than
//! [`MAX_WEIGHT`] (a document copied into itself again and again, which sharing keeps
//! small in memory but which traversals would still walk in full) gives up on that
//! document, and reads of it become unresolved placeholders (F0317).

use std::rc::Rc;

use ferry_ir::{Segment, Value};

/// The fields of an abstract object, ordered by name.
pub type Fields = rpds::RedBlackTreeMap<String, Abs>;

/// Largest tree (in abstract values) one document may stand for.
pub const MAX_WEIGHT: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// The execution input (or, in a region, the item / branch input).
    Input,
    /// The result of the state lowered to this step.
    Step(String),
}

#[derive(Debug, Clone)]
pub enum Abs {
    /// The value at `path` of `origin`.
    From(Origin, Vec<Segment>),
    /// An object whose listed fields are known; other fields come from its `rest`.
    Obj(Rc<Object>),
    /// A constant.
    Lit(Value),
    /// Not known statically, with the reason.
    Unknown(String),
}

/// The shared part of [`Abs::Obj`].
#[derive(Debug)]
pub struct Object {
    fields: Fields,
    rest: Option<Abs>,
    /// Abstract values in the tree this object stands for (shared parts counted each
    /// time they appear), saturating.
    weight: usize,
}

impl Object {
    /// The fields this object knows, by name.
    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// Where its other fields come from (None: it has no others).
    pub fn rest(&self) -> Option<&Abs> {
        self.rest.as_ref()
    }
}

impl PartialEq for Abs {
    fn eq(&self, other: &Abs) -> bool {
        match (self, other) {
            (Abs::From(a, p), Abs::From(b, q)) => a == b && p == q,
            (Abs::Obj(a), Abs::Obj(b)) => {
                Rc::ptr_eq(a, b)
                    || (a.weight == b.weight && a.rest == b.rest && a.fields == b.fields)
            }
            (Abs::Lit(a), Abs::Lit(b)) => a == b,
            (Abs::Unknown(a), Abs::Unknown(b)) => a == b,
            _ => false,
        }
    }
}

fn too_large() -> Abs {
    Abs::Unknown("the state document grows too large to trace (it is copied into itself)".into())
}

impl Abs {
    pub fn input() -> Abs {
        Abs::From(Origin::Input, Vec::new())
    }

    /// An object with `fields` known and the others from `rest` (later fields of the
    /// same name replace earlier ones).
    pub fn object(fields: impl IntoIterator<Item = (String, Abs)>, rest: Option<Abs>) -> Abs {
        let mut map = Fields::new();
        for (k, v) in fields {
            map.insert_mut(k, v);
        }
        Abs::from_parts(map, rest)
    }

    fn from_parts(fields: Fields, rest: Option<Abs>) -> Abs {
        let weight = fields
            .values()
            .map(Abs::weight)
            .chain(rest.as_ref().map(Abs::weight))
            .fold(1usize, usize::saturating_add);
        Abs::with_weight(fields, rest, weight)
    }

    fn with_weight(fields: Fields, rest: Option<Abs>, weight: usize) -> Abs {
        if weight > MAX_WEIGHT {
            return too_large();
        }
        Abs::Obj(Rc::new(Object {
            fields,
            rest,
            weight,
        }))
    }

    /// Abstract values in the tree `self` stands for.
    fn weight(&self) -> usize {
        match self {
            Abs::Obj(o) => o.weight,
            _ => 1,
        }
    }

    /// The abstract value at `path` inside `self`.
    pub fn get(&self, path: &[Segment]) -> Abs {
        let mut cur = self;
        let mut i = 0;
        while let Some(seg) = path.get(i) {
            match cur {
                Abs::Obj(o) => match seg {
                    Segment::Key(k) => match o.fields.get(k.as_str()) {
                        Some(v) => {
                            cur = v;
                            i += 1;
                        }
                        None => match &o.rest {
                            Some(m) => cur = m,
                            None => {
                                return Abs::Unknown(format!(
                                    "no field `{k}` is written before this state"
                                ));
                            }
                        },
                    },
                    Segment::Index(_) => return Abs::Unknown("index into an object".into()),
                },
                _ => return cur.get_in_leaf(&path[i..]),
            }
        }
        cur.clone()
    }

    /// [`Abs::get`] on a value that is not an object.
    fn get_in_leaf(&self, path: &[Segment]) -> Abs {
        match self {
            Abs::From(origin, base) => {
                let mut p = Vec::with_capacity(base.len() + path.len());
                p.extend(base.iter().cloned());
                p.extend(path.iter().cloned());
                Abs::From(origin.clone(), p)
            }
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
            Abs::Obj(_) => self.get(path),
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
        // The weight is kept up to date by difference, so a write costs O(log n).
        let (fields, more, weight) = match self {
            Abs::Obj(o) => (o.fields.clone(), o.rest.clone(), o.weight),
            other => (Fields::new(), Some(other.clone()), 1 + other.weight()),
        };
        let (inner, replaced) = match fields.get(key.as_str()) {
            Some(v) => (v.set(rest, value), v.weight()),
            None => (self.get(std::slice::from_ref(first)).set(rest, value), 0),
        };
        let weight = (weight - replaced).saturating_add(inner.weight());
        Abs::with_weight(fields.insert(key.clone(), inner), more, weight)
    }

    /// What is known at a control-flow merge.
    pub fn merge(&self, other: &Abs) -> Abs {
        if self == other {
            return self.clone();
        }
        match (self, other) {
            (Abs::Obj(a), Abs::Obj(b)) => {
                let mut fields = Fields::new();
                for (k, v) in a.fields.iter() {
                    if let Some(w) = b.fields.get(k.as_str()) {
                        fields.insert_mut(k.clone(), v.merge(w));
                    }
                }
                let rest = match (&a.rest, &b.rest) {
                    (Some(x), Some(y)) => Some(x.merge(y)),
                    _ => None,
                };
                Abs::from_parts(fields, rest)
            }
            _ => {
                Abs::Unknown("different states write it on different paths into this state".into())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Segment {
        Segment::Key(k.into())
    }

    #[test]
    fn writes_share_and_reads_see_them() {
        let doc = Abs::input().set(&[key("a")], Abs::From(Origin::Step("s".into()), vec![]));
        let doc2 = doc.set(&[key("b"), key("c")], Abs::Lit(Value::Bool(true)));
        assert_eq!(
            doc2.get(&[key("a"), key("x")]),
            Abs::From(Origin::Step("s".into()), vec![key("x")])
        );
        assert_eq!(doc2.get(&[key("b"), key("c")]), Abs::Lit(Value::Bool(true)));
        assert_eq!(
            doc2.get(&[key("b"), key("d")]),
            Abs::From(Origin::Input, vec![key("b"), key("d")])
        );
        assert_eq!(
            doc.get(&[key("z")]),
            Abs::From(Origin::Input, vec![key("z")])
        );
        assert_eq!(doc.merge(&doc), doc);
    }

    #[test]
    fn a_document_copied_into_itself_gives_up_instead_of_growing() {
        let mut doc = Abs::input();
        for i in 0..40 {
            let copy = Abs::object([("copy".to_string(), doc.clone())], None);
            doc = doc.set(&[key(&format!("f{i}"))], copy);
        }
        // Past the cap the document is given up; later writes start a new one.
        assert!(matches!(doc.get(&[key("f0")]), Abs::Unknown(_)));
        assert!(doc.weight() <= MAX_WEIGHT);
    }

    #[test]
    fn long_chains_stay_cheap() {
        let mut doc = Abs::input();
        let mut docs = Vec::new();
        for i in 0..50_000 {
            docs.push(doc.clone());
            doc = doc.set(
                &[key(&format!("r{i}"))],
                Abs::From(Origin::Step(i.to_string()), vec![]),
            );
        }
        assert_eq!(
            doc.get(&[key("r123")]),
            Abs::From(Origin::Step("123".into()), vec![])
        );
    }
}
