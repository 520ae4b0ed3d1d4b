//! Digests for the event-log hash (`Cluster::event_log_hash`).
//!
//! The page shows that hash ("About this state") and recomputes it about once a second while
//! the cluster runs. Hashing every retained watch event's object as JSON and every reason's
//! text each time cost hundreds of ms with a couple of hundred pods (a long task a second).
//! Log entries are immutable once appended, so each keeps its own digest, computed the first
//! time it is asked for; a later hash folds the cached digests in order.

use std::fmt;
use std::sync::OnceLock;

/// 64-bit FNV-1a: tiny, deterministic, stable across platforms and runs.
pub struct Fnv(pub u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    /// The hash of `bytes` alone.
    pub fn of(bytes: &[u8]) -> u64 {
        let mut h = Fnv::default();
        h.write(bytes);
        h.0
    }

    pub fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// Folds a JSON value in, walking it (no text is built): a tag per node, lengths before
    /// contents, so different values never feed the same bytes.
    pub(crate) fn write_value(&mut self, v: &serde_json::Value) {
        use serde_json::Value;
        match v {
            Value::Null => self.write(b"n"),
            Value::Bool(b) => self.write(if *b { b"t" } else { b"f" }),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    self.write(b"i");
                    self.write(&i.to_le_bytes());
                } else if let Some(u) = n.as_u64() {
                    self.write(b"u");
                    self.write(&u.to_le_bytes());
                } else {
                    self.write(b"d");
                    self.write(&n.as_f64().unwrap_or(0.0).to_bits().to_le_bytes());
                }
            }
            Value::String(s) => self.write_str(b"s", s),
            Value::Array(items) => {
                self.write(b"[");
                self.write(&(items.len() as u64).to_le_bytes());
                for item in items {
                    self.write_value(item);
                }
            }
            Value::Object(map) => {
                self.write(b"{");
                self.write(&(map.len() as u64).to_le_bytes());
                for (k, item) in map {
                    self.write_str(b"k", k);
                    self.write_value(item);
                }
            }
        }
    }

    fn write_str(&mut self, tag: &[u8], s: &str) {
        self.write(tag);
        self.write(&(s.len() as u64).to_le_bytes());
        self.write(s.as_bytes());
    }
}

/// A lazily computed digest of an immutable log entry. Clones (checkpoints) carry the value;
/// equality ignores it — it is a cache, not data — and so does `Debug`.
#[derive(Clone, Default)]
pub struct DigestCell(OnceLock<u64>);

impl DigestCell {
    /// The digest, computing it with `f` the first time.
    pub fn get_or(&self, f: impl FnOnce() -> u64) -> u64 {
        *self.0.get_or_init(f)
    }

    /// Has the digest been computed?
    pub fn is_set(&self) -> bool {
        self.0.get().is_some()
    }
}

impl PartialEq for DigestCell {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for DigestCell {}

impl fmt::Debug for DigestCell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("_")
    }
}
