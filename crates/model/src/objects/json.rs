//! The JSON form of the typed objects, without per-type serde code.
//!
//! `#[derive(Serialize, Deserialize)]` on ~60 object structs instantiated a visitor per struct
//! and per deserializer (and `#[serde(flatten)]` a second, buffered copy of every nested
//! type): ~180 kB of the wasm before wasm-opt. [`json_struct!`] generates instead one small
//! non-generic pair per struct, `from_json(Value)` and `to_json(&self) -> Value`, with the
//! semantics the derives had: keys visited in the map's (sorted) order, missing fields take
//! their `Default`, unknown keys are dropped or kept in the `+ extra` map (the old `flatten`),
//! `skip_serializing_if` predicates, and leaf values decoded by serde itself so error texts
//! stay serde_json's. The structs still implement `Deserialize` (through `Value`) and
//! `Serialize` (a map in declaration order), for callers that need serde.

use serde_json::{Map, Value};

/// A type with a JSON form: the object structs (via [`json_struct!`]) and their leaves.
pub trait Json: Sized {
    fn from_json(v: Value) -> Result<Self, String>;
    fn to_json(&self) -> Value;
}

/// serde's description of a JSON value in `invalid type: …` errors.
fn unexpected(v: &Value) -> serde::de::Unexpected<'_> {
    use serde::de::Unexpected;
    match v {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                Unexpected::Unsigned(u)
            } else if let Some(i) = n.as_i64() {
                Unexpected::Signed(i)
            } else {
                Unexpected::Float(n.as_f64().unwrap_or(0.0))
            }
        }
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// serde_json's `invalid type: string "x", expected struct Pod`.
pub fn invalid_type(v: &Value, expected: &str) -> String {
    <serde_json::Error as serde::de::Error>::invalid_type(unexpected(v), &expected).to_string()
}

/// Leaves are decoded and encoded by serde_json itself (one small instantiation per leaf
/// type), so their error texts (`invalid type: …, expected i32`) are serde_json's.
macro_rules! json_via_serde {
    ($($t:ty),* $(,)?) => {$(
        impl Json for $t {
            fn from_json(v: Value) -> Result<Self, String> {
                serde_json::from_value(v).map_err(|e| e.to_string())
            }
            fn to_json(&self) -> Value {
                serde_json::to_value(self).unwrap_or(Value::Null)
            }
        }
    )*};
}

json_via_serde!(
    String,
    bool,
    i32,
    i64,
    crate::time::Time,
    crate::vecmap::VecMap<String, String>,
    crate::vecmap::VecMap<String, Value>,
);

impl Json for Value {
    fn from_json(v: Value) -> Result<Self, String> {
        Ok(v)
    }
    fn to_json(&self) -> Value {
        self.clone()
    }
}

impl Json for Map<String, Value> {
    fn from_json(v: Value) -> Result<Self, String> {
        match v {
            Value::Object(m) => Ok(m),
            other => Err(invalid_type(&other, "a map")),
        }
    }
    fn to_json(&self) -> Value {
        Value::Object(self.clone())
    }
}

impl<T: Json> Json for Option<T> {
    fn from_json(v: Value) -> Result<Self, String> {
        match v {
            Value::Null => Ok(None),
            v => T::from_json(v).map(Some),
        }
    }
    fn to_json(&self) -> Value {
        match self {
            Some(t) => t.to_json(),
            None => Value::Null,
        }
    }
}

/// Shared values (an Endpoints object's addresses, a slice's endpoints): encoded as the value.
impl<T: Json> Json for std::sync::Arc<T> {
    fn from_json(v: Value) -> Result<Self, String> {
        T::from_json(v).map(std::sync::Arc::new)
    }
    fn to_json(&self) -> Value {
        T::to_json(self)
    }
}

impl<T: Json> Json for Vec<T> {
    fn from_json(v: Value) -> Result<Self, String> {
        match v {
            Value::Array(items) => items.into_iter().map(T::from_json).collect(),
            other => Err(invalid_type(&other, "a sequence")),
        }
    }
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(T::to_json).collect())
    }
}

/// Decodes `v` into `slot` (the field of a struct being decoded). Never inlined: one copy per
/// field type is the point.
#[inline(never)]
pub fn set<T: Json>(slot: &mut T, v: Value) -> Result<(), String> {
    *slot = T::from_json(v)?;
    Ok(())
}

/// Writes `v` under `key` (a field of a struct being encoded).
#[inline(never)]
pub fn put<T: Json>(map: &mut Map<String, Value>, key: &str, v: &T) {
    map.insert(key.to_string(), v.to_json());
}

/// The unknown keys a struct keeps (`+ extra`), shared by clones until one of them changes.
///
/// Why: the apiserver hands out copies, and every write of an object deep-copied these maps —
/// a pod's kube-api-access volume alone is a tree of a dozen maps, copied on each of the pod's
/// status updates. Reading goes through `Deref` to the map; writing (`DerefMut`) copies it
/// first if another clone still shares it (`Arc::make_mut`).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Extra(std::sync::Arc<Map<String, Value>>);

impl std::ops::Deref for Extra {
    type Target = Map<String, Value>;
    fn deref(&self) -> &Map<String, Value> {
        &self.0
    }
}

impl std::ops::DerefMut for Extra {
    fn deref_mut(&mut self) -> &mut Map<String, Value> {
        std::sync::Arc::make_mut(&mut self.0)
    }
}

impl std::fmt::Debug for Extra {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Extra {
    /// An owned copy of the map.
    pub fn to_map(&self) -> Map<String, Value> {
        (*self.0).clone()
    }
}

impl From<Map<String, Value>> for Extra {
    fn from(map: Map<String, Value>) -> Extra {
        Extra(std::sync::Arc::new(map))
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = (&'a String, &'a Value);
    type IntoIter = serde_json::map::Iter<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Writes the kept unknown keys after the named fields (so they win, as `flatten` did).
pub fn put_extra(map: &mut Map<String, Value>, extra: &Map<String, Value>) {
    for (k, v) in extra {
        map.insert(k.clone(), v.clone());
    }
}

/// An object struct with its JSON form. Each field names its JSON key and, optionally, the
/// predicate that leaves it out of the output (`skip_serializing_if`); `+ extra` names the
/// `Map<String, Value>` field that keeps unknown keys (written after the named fields, so an
/// `extra` key wins, as with `#[serde(flatten)]`). Every field defaults when missing, so the
/// struct must implement `Default`.
macro_rules! json_struct {
    (
        $(#[$attr:meta])*
        pub struct $name:ident $(+ $extra:ident)? {
            $( $(#[$fattr:meta])* pub $f:ident : $t:ty => $key:literal $(if $skip:path)? ; )*
        }
    ) => {
        $(#[$attr])*
        pub struct $name {
            $( $(#[$fattr])* pub $f: $t, )*
            $( pub $extra: $crate::objects::json::Extra, )?
        }

        impl $crate::objects::json::Json for $name {
            fn from_json(v: serde_json::Value) -> Result<Self, String> {
                #[allow(unused_imports)]
                use $crate::objects::json::Json as _;
                let serde_json::Value::Object(map) = v else {
                    return Err($crate::objects::json::invalid_type(
                        &v,
                        concat!("struct ", stringify!($name)),
                    ));
                };
                // Start from the defaults and overwrite what the map has: one drop of `out`
                // on the error path instead of one per field.
                let mut out = $name::default();
                for (key, value) in map {
                    // One shared `set::<T>` per field type and one error check per struct,
                    // instead of a decode, a drop and an early return inlined per field.
                    let decoded = match key.as_str() {
                        $( $key => $crate::objects::json::set(&mut out.$f, value), )*
                        _ => json_struct!(@unknown key, value $(, out.$extra)?),
                    };
                    decoded?;
                }
                Ok(out)
            }

            fn to_json(&self) -> serde_json::Value {
                #[allow(unused_imports)]
                use $crate::objects::json::Json as _;
                let mut map = serde_json::Map::new();
                $(
                    if !json_struct!(@skip self.$f $(, $skip)?) {
                        $crate::objects::json::put(&mut map, $key, &self.$f);
                    }
                )*
                $( $crate::objects::json::put_extra(&mut map, &self.$extra); )?
                serde_json::Value::Object(map)
            }
        }

        impl serde::Serialize for $name {
            /// Fields in declaration order, as the derive wrote them (`to_string` of a
            /// struct shows it; a `Value` sorts its keys anyway).
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                let mut map = s.serialize_map(None)?;
                $(
                    if !json_struct!(@skip self.$f $(, $skip)?) {
                        map.serialize_entry($key, &self.$f)?;
                    }
                )*
                $( for (k, v) in &self.$extra { map.serialize_entry(k, v)?; } )?
                map.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = <serde_json::Value as serde::Deserialize>::deserialize(d)?;
                $crate::objects::json::Json::from_json(v).map_err(serde::de::Error::custom)
            }
        }
    };
    (@unknown $k:ident, $v:ident) => {{
        let _ = ($k, $v);
        Ok(())
    }};
    (@unknown $k:ident, $v:ident, $out:ident . $extra:ident) => {{
        $out.$extra.insert($k, $v);
        Ok(())
    }};
    (@skip $e:expr) => { false };
    (@skip $e:expr, $skip:path) => { $skip(&$e) };
}
