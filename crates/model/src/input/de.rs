//! `Deserialize` for [`Input`] and [`Fault`], written by hand for bundle size.
//!
//! `#[derive(Deserialize)]` on the two enums generated a visitor per struct variant (13 of
//! them), each with its own `visit_map`/`visit_seq` and its own instantiation of the
//! deserializer's `deserialize_struct`: ~32 kB of wasm after wasm-opt, for reading scenarios
//! back. Here one table-driven visitor serves every variant. The semantics (and so every error
//! text, positions included) are the derive's: the same `deserialize_enum`/`struct_variant`
//! calls with the same names and `expecting` texts, a map or a sequence per variant, unknown
//! keys skipped, `duplicate field`, `missing field` (`None` for a missing `Option`),
//! `#[serde(default)]` fields, and `invalid length` for a short sequence. `input::tests`
//! checks it against the derive on a corpus of good and broken inputs.

use super::{Fault, Input, PatchType};
use crate::api::DeleteOptions;
use crate::objects::Kind;
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use serde::Deserialize;
use serde_json::Value;
use std::fmt;

/// The type of one field.
#[derive(Clone, Copy)]
enum Ty {
    Str,
    OptStr,
    Value,
    Kind,
    PatchType,
    Delete,
    I32,
    U32,
    Bool,
    Strs,
}

/// One decoded field.
enum Slot {
    Str(String),
    OptStr(Option<String>),
    Value(Value),
    Kind(Kind),
    PatchType(PatchType),
    Delete(DeleteOptions),
    I32(i32),
    U32(u32),
    Bool(bool),
    Strs(Vec<String>),
}

/// A struct variant: its `expecting` texts and its fields in declaration order.
struct Shape {
    /// `struct variant Input::Patch`
    expecting: &'static str,
    /// `struct variant Input::Patch with 5 elements`
    with_len: &'static str,
    names: &'static [&'static str],
    types: &'static [Ty],
    /// Which fields are `#[serde(default)]`.
    defaults: &'static [bool],
}

impl<'de> DeserializeSeed<'de> for Ty {
    type Value = Slot;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Slot, D::Error> {
        Ok(match self {
            Ty::Str => Slot::Str(String::deserialize(d)?),
            Ty::OptStr => Slot::OptStr(Option::<String>::deserialize(d)?),
            Ty::Value => Slot::Value(Value::deserialize(d)?),
            Ty::Kind => Slot::Kind(Kind::deserialize(d)?),
            Ty::PatchType => Slot::PatchType(PatchType::deserialize(d)?),
            Ty::Delete => Slot::Delete(DeleteOptions::deserialize(d)?),
            Ty::I32 => Slot::I32(i32::deserialize(d)?),
            Ty::U32 => Slot::U32(u32::deserialize(d)?),
            Ty::Bool => Slot::Bool(bool::deserialize(d)?),
            Ty::Strs => Slot::Strs(Vec::<String>::deserialize(d)?),
        })
    }
}

/// A struct field's identifier: its index, or `None` for an unknown key (ignored).
struct FieldId(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldId {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldId {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("field identifier")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<usize>, E> {
        Ok(usize::try_from(v).ok().filter(|&i| i < self.0.len()))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|n| *n == v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|n| n.as_bytes() == v))
    }
}

/// A variant's identifier: its index among `0`.
struct VariantId(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for VariantId {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for VariantId {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("variant identifier")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<usize, E> {
        match usize::try_from(v) {
            Ok(i) if i < self.0.len() => Ok(i),
            _ => Err(E::invalid_value(
                de::Unexpected::Unsigned(v),
                &format!("variant index 0 <= i < {}", self.0.len()).as_str(),
            )),
        }
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        self.0
            .iter()
            .position(|n| *n == v)
            .ok_or_else(|| E::unknown_variant(v, self.0))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<usize, E> {
        match self.0.iter().position(|n| n.as_bytes() == v) {
            Some(i) => Ok(i),
            None => Err(E::unknown_variant(&String::from_utf8_lossy(v), self.0)),
        }
    }
}

impl<'de> Visitor<'de> for &'static Shape {
    type Value = Vec<Slot>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Slot>, A::Error> {
        let mut out = Vec::with_capacity(self.types.len());
        for (i, &ty) in self.types.iter().enumerate() {
            match seq.next_element_seed(ty)? {
                Some(v) => out.push(v),
                None if self.defaults[i] => out.push(default(ty)),
                None => return Err(de::Error::invalid_length(i, &self.with_len)),
            }
        }
        Ok(out)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<Slot>, A::Error> {
        let mut slots: Vec<Option<Slot>> = self.types.iter().map(|_| None).collect();
        while let Some(key) = map.next_key_seed(FieldId(self.names))? {
            match key {
                Some(i) => {
                    if slots[i].is_some() {
                        return Err(de::Error::duplicate_field(self.names[i]));
                    }
                    slots[i] = Some(map.next_value_seed(self.types[i])?);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let mut out = Vec::with_capacity(slots.len());
        for (i, slot) in slots.into_iter().enumerate() {
            out.push(match slot {
                Some(v) => v,
                None => match self.types[i] {
                    // serde's `missing_field` gives `None` for an `Option`.
                    Ty::OptStr => Slot::OptStr(None),
                    ty if self.defaults[i] => default(ty),
                    _ => return Err(de::Error::missing_field(self.names[i])),
                },
            });
        }
        Ok(out)
    }
}

fn default(ty: Ty) -> Slot {
    match ty {
        Ty::Bool => Slot::Bool(false),
        _ => Slot::Str(String::new()),
    }
}

/// Takes the decoded fields of a variant apart, in declaration order.
struct Fields(std::vec::IntoIter<Slot>);

impl Fields {
    fn str(&mut self) -> String {
        match self.0.next() {
            Some(Slot::Str(s)) => s,
            _ => String::new(),
        }
    }
    fn opt_str(&mut self) -> Option<String> {
        match self.0.next() {
            Some(Slot::OptStr(s)) => s,
            _ => None,
        }
    }
    fn value(&mut self) -> Value {
        match self.0.next() {
            Some(Slot::Value(v)) => v,
            _ => Value::Null,
        }
    }
    fn kind(&mut self) -> Kind {
        match self.0.next() {
            Some(Slot::Kind(k)) => k,
            _ => Kind::ALL[0],
        }
    }
    fn patch_type(&mut self) -> PatchType {
        match self.0.next() {
            Some(Slot::PatchType(t)) => t,
            _ => PatchType::Strategic,
        }
    }
    fn delete(&mut self) -> DeleteOptions {
        match self.0.next() {
            Some(Slot::Delete(o)) => o,
            _ => DeleteOptions::default(),
        }
    }
    fn i32(&mut self) -> i32 {
        match self.0.next() {
            Some(Slot::I32(v)) => v,
            _ => 0,
        }
    }
    fn u32(&mut self) -> u32 {
        match self.0.next() {
            Some(Slot::U32(v)) => v,
            _ => 0,
        }
    }
    fn bool(&mut self) -> bool {
        match self.0.next() {
            Some(Slot::Bool(v)) => v,
            _ => false,
        }
    }
    fn strs(&mut self) -> Vec<String> {
        match self.0.next() {
            Some(Slot::Strs(v)) => v,
            _ => Vec::new(),
        }
    }
}

macro_rules! shape {
    ($ty:literal, $variant:literal, [$($name:literal: $t:ident $(= $default:ident)?),* $(,)?]) => {
        Shape {
            expecting: concat!("struct variant ", $ty, "::", $variant),
            with_len: shape!(@len $ty, $variant, [$($name),*]),
            names: &[$($name),*],
            types: &[$(Ty::$t),*],
            defaults: &[$(shape!(@default $($default)?)),*],
        }
    };
    (@default) => { false };
    (@default default) => { true };
    (@len $ty:literal, $v:literal, [$a:literal]) => {
        concat!("struct variant ", $ty, "::", $v, " with 1 element")
    };
    (@len $ty:literal, $v:literal, [$a:literal, $b:literal]) => {
        concat!("struct variant ", $ty, "::", $v, " with 2 elements")
    };
    (@len $ty:literal, $v:literal, [$a:literal, $b:literal, $c:literal, $d:literal]) => {
        concat!("struct variant ", $ty, "::", $v, " with 4 elements")
    };
    (@len $ty:literal, $v:literal, [$a:literal, $b:literal, $c:literal, $d:literal, $e:literal]) => {
        concat!("struct variant ", $ty, "::", $v, " with 5 elements")
    };
    (@len $ty:literal, $v:literal, [$a:literal, $b:literal, $c:literal, $d:literal, $e:literal, $f:literal]) => {
        concat!("struct variant ", $ty, "::", $v, " with 6 elements")
    };
    (@len $ty:literal, $v:literal, [$a:literal, $b:literal, $c:literal, $d:literal, $e:literal, $f:literal, $g:literal]) => {
        concat!("struct variant ", $ty, "::", $v, " with 7 elements")
    };
}

const INPUT_VARIANTS: &[&str] = &[
    "Create",
    "Update",
    "Patch",
    "Delete",
    "Fault",
    "SetFeatureGate",
    "Exec",
    "ExecWriteFile",
];

/// `INPUT_SHAPES[i]` is variant `i` of `INPUT_VARIANTS` (`Fault`, a newtype variant, has a
/// placeholder).
static INPUT_SHAPES: [Shape; 8] = [
    shape!("Input", "Create", ["object": Value]),
    shape!("Input", "Update", ["object": Value]),
    shape!("Input", "Patch", [
        "kind": Kind,
        "namespace": Str,
        "name": Str,
        "patch_type": PatchType,
        "patch": Value,
    ]),
    shape!("Input", "Delete", [
        "kind": Kind,
        "namespace": Str,
        "name": Str,
        "options": Delete,
    ]),
    shape!("Input", "Fault", ["fault": Str]),
    shape!("Input", "SetFeatureGate", ["name": Str, "enabled": Bool]),
    shape!("Input", "Exec", [
        "namespace": Str,
        "pod": Str,
        "container": OptStr,
        "argv": Strs,
        "stdin": Str,
        "tty": Bool = default,
        "cwd": Str = default,
    ]),
    shape!("Input", "ExecWriteFile", [
        "namespace": Str,
        "pod": Str,
        "container": OptStr,
        "path": Str,
        "data": Str,
        "append": Bool,
    ]),
];

const FAULT_VARIANTS: &[&str] = &[
    "NodeDown",
    "NodeUp",
    "PodUnready",
    "PodReady",
    "KillContainer",
    "LosePvc",
    "SlowImagePull",
];

static FAULT_SHAPES: [Shape; 7] = [
    shape!("Fault", "NodeDown", ["node": Str]),
    shape!("Fault", "NodeUp", ["node": Str]),
    shape!("Fault", "PodUnready", ["namespace": Str, "pod": Str]),
    shape!("Fault", "PodReady", ["namespace": Str, "pod": Str]),
    shape!("Fault", "KillContainer", [
        "namespace": Str,
        "pod": Str,
        "container": OptStr,
        "exit_code": I32,
    ]),
    shape!("Fault", "LosePvc", ["namespace": Str, "pvc": Str]),
    shape!("Fault", "SlowImagePull", ["image": Str, "seconds": U32]),
];

struct InputVisitor;

impl<'de> Visitor<'de> for InputVisitor {
    type Value = Input;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("enum Input")
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Input, A::Error> {
        let (i, variant) = data.variant_seed(VariantId(INPUT_VARIANTS))?;
        if i == 4 {
            return variant.newtype_variant::<Fault>().map(Input::Fault);
        }
        let shape = &INPUT_SHAPES[i];
        let mut f = Fields(variant.struct_variant(shape.names, shape)?.into_iter());
        Ok(match i {
            0 => Input::Create { object: f.value() },
            1 => Input::Update { object: f.value() },
            2 => Input::Patch {
                kind: f.kind(),
                namespace: f.str(),
                name: f.str(),
                patch_type: f.patch_type(),
                patch: f.value(),
            },
            3 => Input::Delete {
                kind: f.kind(),
                namespace: f.str(),
                name: f.str(),
                options: f.delete(),
            },
            5 => Input::SetFeatureGate {
                name: f.str(),
                enabled: f.bool(),
            },
            6 => Input::Exec {
                namespace: f.str(),
                pod: f.str(),
                container: f.opt_str(),
                argv: f.strs(),
                stdin: f.str(),
                tty: f.bool(),
                cwd: f.str(),
            },
            _ => Input::ExecWriteFile {
                namespace: f.str(),
                pod: f.str(),
                container: f.opt_str(),
                path: f.str(),
                data: f.str(),
                append: f.bool(),
            },
        })
    }
}

impl<'de> Deserialize<'de> for Input {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Input, D::Error> {
        d.deserialize_enum("Input", INPUT_VARIANTS, InputVisitor)
    }
}

struct FaultVisitor;

impl<'de> Visitor<'de> for FaultVisitor {
    type Value = Fault;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("enum Fault")
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Fault, A::Error> {
        let (i, variant) = data.variant_seed(VariantId(FAULT_VARIANTS))?;
        let shape = &FAULT_SHAPES[i];
        let mut f = Fields(variant.struct_variant(shape.names, shape)?.into_iter());
        Ok(match i {
            0 => Fault::NodeDown { node: f.str() },
            1 => Fault::NodeUp { node: f.str() },
            2 => Fault::PodUnready {
                namespace: f.str(),
                pod: f.str(),
            },
            3 => Fault::PodReady {
                namespace: f.str(),
                pod: f.str(),
            },
            4 => Fault::KillContainer {
                namespace: f.str(),
                pod: f.str(),
                container: f.opt_str(),
                exit_code: f.i32(),
            },
            5 => Fault::LosePvc {
                namespace: f.str(),
                pvc: f.str(),
            },
            _ => Fault::SlowImagePull {
                image: f.str(),
                seconds: f.u32(),
            },
        })
    }
}

impl<'de> Deserialize<'de> for Fault {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Fault, D::Error> {
        d.deserialize_enum("Fault", FAULT_VARIANTS, FaultVisitor)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    /// The derived implementations the hand-written ones replace (same type names, so the same
    /// `expecting` texts).
    mod derived {
        use crate::api::DeleteOptions;
        use crate::input::PatchType;
        use crate::objects::Kind;
        use serde::Deserialize;
        use serde_json::Value;

        #[allow(dead_code)]
        #[derive(Debug, Deserialize)]
        pub enum Fault {
            NodeDown {
                node: String,
            },
            NodeUp {
                node: String,
            },
            PodUnready {
                namespace: String,
                pod: String,
            },
            PodReady {
                namespace: String,
                pod: String,
            },
            KillContainer {
                namespace: String,
                pod: String,
                container: Option<String>,
                exit_code: i32,
            },
            LosePvc {
                namespace: String,
                pvc: String,
            },
            SlowImagePull {
                image: String,
                seconds: u32,
            },
        }

        #[allow(dead_code)]
        #[derive(Debug, Deserialize)]
        pub enum Input {
            Create {
                object: Value,
            },
            Update {
                object: Value,
            },
            Patch {
                kind: Kind,
                namespace: String,
                name: String,
                patch_type: PatchType,
                patch: Value,
            },
            Delete {
                kind: Kind,
                namespace: String,
                name: String,
                options: DeleteOptions,
            },
            Fault(Fault),
            SetFeatureGate {
                name: String,
                enabled: bool,
            },
            Exec {
                namespace: String,
                pod: String,
                container: Option<String>,
                argv: Vec<String>,
                stdin: String,
                #[serde(default)]
                tty: bool,
                #[serde(default)]
                cwd: String,
            },
            ExecWriteFile {
                namespace: String,
                pod: String,
                container: Option<String>,
                path: String,
                data: String,
                append: bool,
            },
        }
    }

    fn samples() -> Vec<Value> {
        let faults = [
            json!({"NodeDown": {"node": "n1"}}),
            json!({"NodeUp": {"node": "n1"}}),
            json!({"PodUnready": {"namespace": "default", "pod": "web-0"}}),
            json!({"PodReady": {"namespace": "default", "pod": "web-0"}}),
            json!({"KillContainer": {"namespace": "d", "pod": "web-0", "container": "nginx", "exit_code": 137}}),
            json!({"LosePvc": {"namespace": "d", "pvc": "www-web-0"}}),
            json!({"SlowImagePull": {"image": "nginx", "seconds": 30}}),
        ];
        let mut v = vec![
            json!({"Create": {"object": {"kind": "Pod", "a": [1, 2.5, null]}}}),
            json!({"Update": {"object": {"kind": "Pod"}}}),
            json!({"Patch": {"kind": "StatefulSet", "namespace": "d", "name": "web", "patch_type": "Merge", "patch": {"spec": {"replicas": 3}}}}),
            json!({"Delete": {"kind": "Pod", "namespace": "d", "name": "web-0", "options": {"propagation": "Foreground", "grace_period_seconds": 0, "uid": null}}}),
            json!({"SetFeatureGate": {"name": "X", "enabled": true}}),
            json!({"Exec": {"namespace": "d", "pod": "p", "container": null, "argv": ["ls", "-l"], "stdin": "", "tty": true, "cwd": "/tmp"}}),
            json!({"ExecWriteFile": {"namespace": "d", "pod": "p", "container": "c", "path": "/f", "data": "x", "append": false}}),
        ];
        v.extend(faults.iter().map(|f| json!({ "Fault": f })));
        v.extend(faults);
        v
    }

    /// Every sample, then each with one field removed, duplicated, replaced by a value of
    /// another type or joined by an unknown one, in map and in sequence form.
    fn corpus() -> Vec<String> {
        let odd = [
            json!(null),
            json!(1),
            json!(-1),
            json!(4294967296u64),
            json!(1.5),
            json!("x"),
            json!("Foreground"),
            json!(true),
            json!([]),
            json!(["a"]),
            json!({}),
            json!({"a": 1}),
        ];
        let mut out: Vec<String> = [
            "null",
            "[]",
            "5",
            "\"Create\"",
            "\"Fault\"",
            "\"Nope\"",
            "{}",
            "{\"Nope\":{}}",
            "{\"Create\":{},\"Update\":{}}",
            "{\"Create\":{\"object\":1},\"Update\":{}}",
            "{\"Fault\":\"NodeDown\"}",
            "{\"Fault\":{\"Nope\":1}}",
            "{\"Create\":null}",
            "{\"Create\":5}",
            "{\"Create\":\"x\"}",
            "{\"Create\":{\"object\":1}",
            "{\"Create\":[]}",
            "{\"Fault\":[]}",
            "{\"Fault\":{\"NodeDown\":[]}}",
            "{\"Fault\":{\"NodeDown\":[\"a\",\"b\"]}}",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        fn push(v: &Value, out: &mut Vec<String>) {
            out.push(v.to_string());
            out.push(serde_json::to_string_pretty(v).unwrap());
        }
        for s in samples() {
            push(&s, &mut out);
            let (variant, body) = s.as_object().unwrap().iter().next().unwrap();
            let mutate = |f: &dyn Fn(&mut serde_json::Map<String, Value>)| {
                let mut b = body.clone();
                // A fault inside `Input::Fault`: mutate the inner variant's fields.
                if variant == "Fault" {
                    let inner = b.as_object_mut().unwrap().values_mut().next().unwrap();
                    f(inner.as_object_mut().unwrap());
                } else {
                    f(b.as_object_mut().unwrap());
                }
                json!({ variant.clone(): b })
            };
            let keys: Vec<String> = {
                let b = body.as_object().unwrap();
                match b.iter().next() {
                    Some((_, inner)) if variant == "Fault" => {
                        inner.as_object().unwrap().keys().cloned().collect()
                    }
                    _ => b.keys().cloned().collect(),
                }
            };
            for k in &keys {
                push(
                    &mutate(&|m| {
                        m.remove(k);
                    }),
                    &mut out,
                );
                for o in &odd {
                    push(
                        &mutate(&|m| {
                            m.insert(k.clone(), o.clone());
                        }),
                        &mut out,
                    );
                }
            }
            push(
                &mutate(&|m| {
                    m.insert("zzz".into(), json!([1, {"a": null}]));
                }),
                &mut out,
            );
            push(
                &mutate(&|m| {
                    m.insert("aaa".into(), json!(1));
                }),
                &mut out,
            );
            // Duplicate keys: written by hand (a map cannot hold them).
            if let Some(k) = keys.first() {
                let text = s.to_string();
                let needle = format!("\"{k}\":");
                if let Some(at) = text.find(&needle) {
                    let mut t = text.clone();
                    t.insert_str(at, &format!("{needle}\"dup\","));
                    out.push(t);
                    let mut t = text.clone();
                    let close = text.rfind('}').unwrap();
                    t.insert_str(close - 1, &format!(",{needle}null"));
                    out.push(t);
                }
            }
            // Sequence forms (fields in declaration order, as in the struct), short and long.
            if variant != "Fault" {
                let fields: Vec<Value> = match &s[variant] {
                    Value::Object(m) => {
                        let order: Vec<&str> = field_order(variant);
                        order.iter().filter_map(|k| m.get(*k).cloned()).collect()
                    }
                    _ => continue,
                };
                for n in 0..=fields.len() + 1 {
                    let mut f = fields.clone();
                    f.truncate(n);
                    if n > fields.len() {
                        f.push(json!(1));
                    }
                    push(&json!({ variant.clone(): f }), &mut out);
                }
            }
        }
        out
    }

    fn field_order(variant: &str) -> Vec<&'static str> {
        match variant {
            "Create" | "Update" => vec!["object"],
            "Patch" => vec!["kind", "namespace", "name", "patch_type", "patch"],
            "Delete" => vec!["kind", "namespace", "name", "options"],
            "SetFeatureGate" => vec!["name", "enabled"],
            "Exec" => vec![
                "namespace",
                "pod",
                "container",
                "argv",
                "stdin",
                "tty",
                "cwd",
            ],
            "ExecWriteFile" => vec!["namespace", "pod", "container", "path", "data", "append"],
            "NodeDown" | "NodeUp" => vec!["node"],
            "PodUnready" | "PodReady" => vec!["namespace", "pod"],
            "KillContainer" => vec!["namespace", "pod", "container", "exit_code"],
            "LosePvc" => vec!["namespace", "pvc"],
            "SlowImagePull" => vec!["image", "seconds"],
            _ => vec![],
        }
    }

    #[test]
    fn hand_written_deserialize_matches_the_derive() {
        let corpus = corpus();
        assert!(corpus.len() > 1000, "{}", corpus.len());
        let mut oks = 0;
        for text in &corpus {
            let ours = format!("{:?}", serde_json::from_str::<crate::input::Input>(text));
            let theirs = format!("{:?}", serde_json::from_str::<derived::Input>(text));
            assert_eq!(ours, theirs, "Input from {text}");
            oks += usize::from(ours.starts_with("Ok"));
            let ours = format!("{:?}", serde_json::from_str::<crate::input::Fault>(text));
            let theirs = format!("{:?}", serde_json::from_str::<derived::Fault>(text));
            assert_eq!(ours, theirs, "Fault from {text}");
            oks += usize::from(ours.starts_with("Ok"));
            if let Ok(v) = serde_json::from_str::<Value>(text) {
                let ours = format!(
                    "{:?}",
                    serde_json::from_value::<crate::input::Input>(v.clone())
                );
                let theirs = format!("{:?}", serde_json::from_value::<derived::Input>(v.clone()));
                assert_eq!(ours, theirs, "Input from value {text}");
                let ours = format!(
                    "{:?}",
                    serde_json::from_value::<crate::input::Fault>(v.clone())
                );
                let theirs = format!("{:?}", serde_json::from_value::<derived::Fault>(v));
                assert_eq!(ours, theirs, "Fault from value {text}");
            }
        }
        assert!(oks > 50, "{oks}");
    }
}
