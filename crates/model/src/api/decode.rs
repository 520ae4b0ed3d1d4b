//! Decoding a request body into a typed object, as the v1.34 apiserver does.
//!
//! The apiserver decodes into the versioned Go type with `sigs.k8s.io/json.UnmarshalStrict`
//! (kubectl's default `--validate=strict` asks for `fieldValidation=Strict`), and on failure
//! `transformDecodeError` (`endpoints/handlers/rest.go`) answers 400 BadRequest:
//! `StatefulSet in version "v1" cannot be handled as a StatefulSet: <error>`.
//!
//! `<error>` is, in this order of precedence (sigs.k8s.io/json `decodeState.unmarshal`):
//! 1. an error returned by a custom `UnmarshalJSON` (Quantity, IntOrString, Time), which
//!    stops decoding at once;
//! 2. the *first* type error, `json: cannot unmarshal string into Go struct field
//!    ContainerPort.spec.template.spec.containers.ports.containerPort of type int32` (Go's
//!    `UnmarshalTypeError`: the innermost struct's name, the JSON field path without indices
//!    or map keys, the Go type);
//! 3. every unknown field, `strict decoding error: unknown field "spec.containers[0].imagePullPolcy"`,
//!    joined with `, ` (paths with `[i]` indices; at most 100, deduplicated).
//!
//! kubectl sends JSON with keys sorted (it marshals a `map[string]interface{}`), so errors
//! come in sorted-key, depth-first order; the walk below visits keys in that order whatever
//! the map implementation. Duplicate keys cannot reach the server through kubectl (its YAML
//! to JSON conversion refuses them client-side), so they are not modelled.
//!
//! The walk also normalises the body the way Go's decoder fills a struct, so the serde decode
//! that follows accepts everything Go accepts: `null` members are dropped (Go leaves the zero
//! value), `null` slice elements become the element's zero value, integral floats become
//! integers (kubectl marshals YAML `2.0` as `2`), and quantities are stored in canonical form.

use super::discovery;
use super::error::ApiError;
use super::fields::{Schema, Ty};
use super::quantity;
use super::server::ApiServer;
use crate::objects::{Kind, Object};
use serde_json::{Map, Value};

/// Strict errors beyond this are dropped (`saveStrictError`).
const MAX_STRICT_ERRORS: usize = 100;
/// Nesting deeper than this is refused rather than recursed into (a real apiserver limits
/// request size and JSON depth, 10 000 levels); Ordinal's bodies are far shallower.
const MAX_DEPTH: usize = 200;

pub fn decode(body: &Value, api: &ApiServer) -> Result<Object, ApiError> {
    let _ = api;
    let kind_name = body.get("kind").and_then(Value::as_str).unwrap_or("");
    let api_version = body.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = match discovery::resolve(api_version, kind_name) {
        Ok(k) => k,
        Err(_) => {
            // What the scheme says when a body of an unregistered version reaches it; kubectl
            // never gets here (its RESTMapper stops first with `no matches for kind`, see
            // `discovery::resolve`).
            return Err(ApiError::bad_request(format!(
                "no kind \"{kind_name}\" is registered for version \"{api_version}\" in scheme \"pkg/api/legacyscheme/scheme.go:30\""
            )));
        }
    };
    let version = api_version.rsplit('/').next().unwrap_or(api_version);
    let wrap = |e: String| {
        ApiError::bad_request(format!(
            "{} in version \"{version}\" cannot be handled as a {}: {e}",
            kind.name(),
            kind.name()
        ))
    };
    let normalized = strict_normalize(kind, body).map_err(wrap)?;
    Object::from_value(kind, normalized).map_err(wrap)
}

/// Checks `body` against the v1.34 schema of `kind` and returns it normalised for the typed
/// decode, or the decoder's error text (without the `… cannot be handled as …` prefix).
pub fn strict_normalize(kind: Kind, body: &Value) -> Result<Value, String> {
    let schema = Schema::get();
    let Some(root) = schema.root(kind.name()) else {
        return Ok(body.clone());
    };
    let mut w = Walker {
        schema,
        fatal: None,
        first_type_error: None,
        strict: Vec::new(),
        go_stack: Vec::new(),
        go_struct: None,
    };
    let out = w.walk(body, &Ty::Struct(root), "", 0);
    if let Some(e) = w.fatal {
        return Err(e);
    }
    if let Some(e) = w.first_type_error {
        return Err(e);
    }
    if !w.strict.is_empty() {
        return Err(format!("strict decoding error: {}", w.strict.join(", ")));
    }
    Ok(out.unwrap_or_else(|| Value::Object(Map::new())))
}

struct Walker<'s> {
    schema: &'s Schema,
    fatal: Option<String>,
    first_type_error: Option<String>,
    strict: Vec<String>,
    /// Go's `errorContext.FieldStack`: JSON names of the struct fields entered.
    go_stack: Vec<String>,
    /// Go's `errorContext.Struct`: the innermost struct whose field is being decoded.
    go_struct: Option<usize>,
}

/// How Go's decoder names a JSON value in `cannot unmarshal <what>`.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The number's text as kubectl's `json.Marshal` writes it (floats with Go's `%g`-like form).
fn go_number_text(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    let a = f.abs();
    if f.fract() == 0.0 && a < 1e21 {
        return format!("{f:.0}");
    }
    if a != 0.0 && !(1e-6..1e21).contains(&a) {
        // Go: 1e+21, 1e-07 (exponent with sign and at least two digits).
        let s = format!("{f:e}");
        if let Some((m, e)) = s.split_once('e') {
            let (sign, digits) = match e.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', e),
            };
            return format!("{m}e{sign}{digits:0>2}");
        }
        return s;
    }
    f.to_string()
}

/// An integral number as i64 if it is one (including integral floats below 1e21 that fit).
fn as_integer(n: &serde_json::Number) -> Option<i64> {
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    let f = n.as_f64()?;
    if f.fract() == 0.0 && f.abs() < 9.2e18 {
        Some(f as i64)
    } else {
        None
    }
}

fn child_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

impl Walker<'_> {
    fn type_error_text(&self, what: &str, go_type: &str) -> String {
        match (self.go_struct, self.go_stack.is_empty()) {
            (None, true) => {
                format!("json: cannot unmarshal {what} into Go value of type {go_type}")
            }
            (s, _) => format!(
                "json: cannot unmarshal {what} into Go struct field {}.{} of type {go_type}",
                s.map_or("", |i| self.schema.structs[i].name.as_str()),
                self.go_stack.join(".")
            ),
        }
    }

    /// `saveError`: only the first type error is kept; decoding goes on.
    fn save_type_error(&mut self, what: &str, ty: &Ty) {
        if self.first_type_error.is_none() {
            let t = self.schema.go_type(ty);
            self.first_type_error = Some(self.type_error_text(what, &t));
        }
    }

    /// An error returned from a custom `UnmarshalJSON`: decoding stops.
    fn set_fatal(&mut self, msg: String) {
        if self.fatal.is_none() {
            self.fatal = Some(msg);
        }
    }

    fn unknown_field(&mut self, path: String) {
        let msg = format!("unknown field {}", super::error::go_quote(&path));
        if self.strict.len() < MAX_STRICT_ERRORS && !self.strict.contains(&msg) {
            self.strict.push(msg);
        }
    }

    /// Returns the normalised value, or `None` when the member should be left out (null, or
    /// a value Go could not store).
    fn walk(&mut self, v: &Value, ty: &Ty, spath: &str, depth: usize) -> Option<Value> {
        if self.fatal.is_some() {
            return None;
        }
        if v.is_null() {
            return None;
        }
        if depth > MAX_DEPTH {
            self.set_fatal("json: exceeded max depth".into());
            return None;
        }
        match ty {
            Ty::Any => Some(v.clone()),
            Ty::Str(_) => match v {
                Value::String(_) => Some(v.clone()),
                other => {
                    self.save_type_error(json_kind(other), ty);
                    None
                }
            },
            Ty::Bool => match v {
                Value::Bool(_) => Some(v.clone()),
                other => {
                    self.save_type_error(json_kind(other), ty);
                    None
                }
            },
            Ty::I32 | Ty::I64 => match v {
                Value::Number(n) => {
                    let fits = as_integer(n).filter(|i| {
                        *ty == Ty::I64 || (i32::MIN as i64..=i32::MAX as i64).contains(i)
                    });
                    match fits {
                        Some(i) => Some(Value::from(i)),
                        None => {
                            let what = format!("number {}", go_number_text(n));
                            self.save_type_error(&what, ty);
                            None
                        }
                    }
                }
                other => {
                    self.save_type_error(json_kind(other), ty);
                    None
                }
            },
            Ty::Quantity => {
                // `Quantity.UnmarshalJSON`: strip quotes, trim, `ParseQuantity`.
                let text = match v {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => go_number_text(n),
                    other => other.to_string(),
                };
                match quantity::parse(&text) {
                    Ok(q) if q.format == quantity::Format::DecimalExponent => {
                        Some(Value::String(text.trim().to_string()))
                    }
                    Ok(q) => Some(Value::String(quantity::format(&q))),
                    Err(e) => {
                        self.set_fatal(e.to_string());
                        None
                    }
                }
            }
            Ty::IntOrString => match v {
                Value::String(_) => Some(v.clone()),
                Value::Number(n) => match as_integer(n)
                    .filter(|i| (i32::MIN as i64..=i32::MAX as i64).contains(i))
                {
                    Some(i) => Some(Value::from(i)),
                    None => {
                        // `json.Unmarshal(value, &intstr.IntVal)`, context added on the way out.
                        let what = format!("number {}", go_number_text(n));
                        let msg = self.type_error_text(&what, "int32");
                        self.set_fatal(msg);
                        None
                    }
                },
                other => {
                    let msg = self.type_error_text(json_kind(other), "int32");
                    self.set_fatal(msg);
                    None
                }
            },
            Ty::Time => match v {
                Value::String(s) => {
                    if crate::time::Time::parse_rfc3339(s).is_some() {
                        Some(v.clone())
                    } else {
                        self.set_fatal(format!(
                            "parsing time {} as \"2006-01-02T15:04:05Z07:00\": cannot parse {} as \"2006\"",
                            super::error::go_quote(s),
                            super::error::go_quote(s)
                        ));
                        None
                    }
                }
                other => {
                    let msg = self.type_error_text(json_kind(other), "string");
                    self.set_fatal(msg);
                    None
                }
            },
            Ty::ResourceList => match v {
                Value::Object(m) => {
                    let mut out = Map::new();
                    for key in sorted_keys(m) {
                        let p = child_path(spath, key);
                        if let Some(x) = self.walk(&m[key], &Ty::Quantity, &p, depth + 1) {
                            out.insert(key.clone(), x);
                        }
                    }
                    Some(Value::Object(out))
                }
                other => {
                    self.save_type_error(json_kind(other), ty);
                    None
                }
            },
            Ty::Map(elem) => match v {
                Value::Object(m) => {
                    let mut out = Map::new();
                    for key in sorted_keys(m) {
                        let p = child_path(spath, key);
                        if let Some(x) = self.walk(&m[key], elem, &p, depth + 1) {
                            out.insert(key.clone(), x);
                        }
                    }
                    Some(Value::Object(out))
                }
                other => {
                    self.save_type_error(json_kind(other), ty);
                    None
                }
            },
            Ty::Slice(elem) => match v {
                Value::Array(items) => {
                    let mut out = Vec::with_capacity(items.len());
                    for (i, item) in items.iter().enumerate() {
                        let p = format!("{spath}[{i}]");
                        let x = self
                            .walk(item, elem, &p, depth + 1)
                            .unwrap_or_else(|| zero_value(elem));
                        out.push(x);
                    }
                    Some(Value::Array(out))
                }
                other => {
                    self.save_type_error(json_kind(other), ty);
                    None
                }
            },
            Ty::Struct(idx) => match v {
                Value::Object(m) => {
                    let mut out = Map::new();
                    for key in sorted_keys(m) {
                        let Some(fty) = self.schema.structs[*idx].fields.get(key.as_str()) else {
                            self.unknown_field(child_path(spath, key));
                            continue;
                        };
                        let fty = fty.clone();
                        let saved = (self.go_stack.len(), self.go_struct);
                        self.go_stack.push(key.clone());
                        self.go_struct = Some(*idx);
                        let r = self.walk(&m[key], &fty, &child_path(spath, key), depth + 1);
                        if self.fatal.is_some() {
                            // Go returns at once, leaving the context as it was at the failure.
                            return None;
                        }
                        self.go_stack.truncate(saved.0);
                        self.go_struct = saved.1;
                        if let Some(x) = r {
                            out.insert(key.clone(), x);
                        }
                    }
                    Some(Value::Object(out))
                }
                other => {
                    self.save_type_error(json_kind(other), ty);
                    None
                }
            },
        }
    }
}

fn sorted_keys(m: &Map<String, Value>) -> Vec<&String> {
    let mut keys: Vec<&String> = m.keys().collect();
    crate::sort::sort(&mut keys);
    keys
}

/// Go's zero value of a slice element that was `null` or could not be stored.
fn zero_value(ty: &Ty) -> Value {
    match ty {
        Ty::Str(_) | Ty::Quantity => Value::String(String::new()),
        Ty::Bool => Value::Bool(false),
        Ty::I32 | Ty::I64 | Ty::IntOrString => Value::from(0),
        Ty::Struct(_) | Ty::Map(_) | Ty::ResourceList => Value::Object(Map::new()),
        Ty::Slice(_) => Value::Array(Vec::new()),
        Ty::Time | Ty::Any => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(kind: Kind, v: Value) -> String {
        strict_normalize(kind, &v).unwrap_err()
    }

    #[test]
    fn unknown_fields_are_listed_with_indices_in_sorted_order() {
        let v = json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "p", "region": "x"},
            "spec": {"volumes": [{"name": "v", "presistentVolumeClaim": {}}],
                     "containers": [{"name": "c", "volumeMount": []}]}});
        assert_eq!(
            err(Kind::Pod, v),
            "strict decoding error: unknown field \"metadata.region\", unknown field \"spec.containers[0].volumeMount\", unknown field \"spec.volumes[0].presistentVolumeClaim\""
        );
    }

    #[test]
    fn type_errors_name_the_go_struct_and_win_over_unknown_fields() {
        let v = json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
            "spec": {"replica": 1, "template": {"spec": {"containers": [
                {"name": "c", "ports": [{"containerPort": "80"}]}]}}}});
        assert_eq!(
            err(Kind::StatefulSet, v),
            "json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32"
        );
        let v = json!({"kind": "StatefulSet", "spec": {"replicas": 3000000000_i64}});
        assert_eq!(
            err(Kind::StatefulSet, v),
            "json: cannot unmarshal number 3000000000 into Go struct field StatefulSetSpec.spec.replicas of type int32"
        );
        let v = json!({"kind": "Pod", "spec": {"containers": {"name": "x"}}});
        assert_eq!(
            err(Kind::Pod, v),
            "json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container"
        );
        let v = json!({"kind": "Pod", "metadata": {"labels": {"a": 1}}});
        assert_eq!(
            err(Kind::Pod, v),
            "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"
        );
    }

    #[test]
    fn quantities_and_int_or_strings_fail_like_their_unmarshalers() {
        let v = json!({"kind": "PersistentVolumeClaim",
            "spec": {"resources": {"requests": {"storage": "1GB"}}}});
        assert_eq!(
            err(Kind::PersistentVolumeClaim, v),
            quantity::ERR_FORMAT_WRONG
        );
        let v = json!({"kind": "Pod", "spec": {"containers": [{"name": "c",
            "readinessProbe": {"httpGet": {"port": true}}}]}});
        assert_eq!(
            err(Kind::Pod, v),
            "json: cannot unmarshal bool into Go struct field HTTPGetAction.spec.containers.readinessProbe.httpGet.port of type int32"
        );
    }

    #[test]
    fn nulls_and_integral_floats_normalise() {
        let v = json!({"kind": "StatefulSet", "metadata": {"creationTimestamp": null, "labels": null},
            "spec": {"replicas": 2.0, "template": {"spec": {"containers": [null]}},
                     "volumeClaimTemplates": [{"spec": {"resources": {"requests": {"storage": 1}}}}]}});
        let out = strict_normalize(Kind::StatefulSet, &v).unwrap();
        assert_eq!(out["spec"]["replicas"], json!(2));
        assert_eq!(out["metadata"], json!({}));
        assert_eq!(out["spec"]["template"]["spec"]["containers"], json!([{}]));
        assert_eq!(
            out["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"],
            json!("1")
        );
    }

    #[test]
    fn whole_floats_print_as_go_does() {
        let text = |f: f64| go_number_text(&serde_json::Number::from_f64(f).unwrap());
        assert_eq!(text(3.0), "3");
        assert_eq!(text(-42.0), "-42");
        assert_eq!(text(-0.0), "-0");
        assert_eq!(text(1e20), "100000000000000000000");
        assert_eq!(text(1e21), "1e+21");
        assert_eq!(text(1.5), "1.5");
    }
}
