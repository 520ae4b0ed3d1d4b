//! Inputs: everything from outside the model (kubectl's API requests, UI buttons, faults).
//! The cluster is a pure function of (profile, seed, [(time, input)]): inputs are recorded in
//! the input log with their virtual time, so a scenario replays byte for byte.

use crate::api::DeleteOptions;
use crate::objects::Kind;
use serde::{Deserialize, Serialize};

mod de;
use serde_json::Value;

/// Patch content types (`kubectl patch --type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PatchType {
    /// `application/strategic-merge-patch+json` (kubectl's default)
    Strategic,
    /// `application/merge-patch+json` (RFC 7386)
    Merge,
    /// `application/json-patch+json` (RFC 6902)
    Json,
}

/// An injected fault: what `sim` verbs and the UI's fault buttons do.
/// `Deserialize` is hand-written in `input/de.rs` (bundle size), with the derive's semantics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Fault {
    /// The node's kubelet stops heartbeating (and stops acting).
    NodeDown {
        node: String,
    },
    NodeUp {
        node: String,
    },
    /// The pod's readiness probe starts failing (as if `index.html` were moved away).
    PodUnready {
        namespace: String,
        pod: String,
    },
    PodReady {
        namespace: String,
        pod: String,
    },
    /// The container's main process exits with `exit_code` (137 = killed).
    KillContainer {
        namespace: String,
        pod: String,
        container: Option<String>,
        exit_code: i32,
    },
    /// The PVC's volume is lost (PV deleted out from under it).
    LosePvc {
        namespace: String,
        pvc: String,
    },
    /// Image pulls of `image` take `seconds` longer.
    SlowImagePull {
        image: String,
        seconds: u32,
    },
}

/// `Deserialize` is hand-written in `input/de.rs` (bundle size), with the derive's semantics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Input {
    /// POST of a decoded-by-client object (JSON with apiVersion/kind); the server decodes it
    /// strictly.
    Create {
        object: Value,
    },
    /// PUT of the main resource.
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
    /// `kubectl exec`: one program invocation in a container (`Cluster::exec`). Programs
    /// change files, logs and processes, so they are inputs like any API write.
    Exec {
        namespace: String,
        pod: String,
        container: Option<String>,
        argv: Vec<String>,
        stdin: String,
        /// `kubectl exec -t` and the program's stdout is that terminal (curl's progress meter,
        /// `ls` columns depend on it). Omitted from JSON when false.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        tty: bool,
        /// The working directory the program starts in (the shell's `cd`); empty = `/`.
        /// Omitted from JSON when empty.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        cwd: String,
    },
    /// A shell redirection (`>`/`>>`) into a container file (`Cluster::exec_write_file`).
    ExecWriteFile {
        namespace: String,
        pod: String,
        container: Option<String>,
        path: String,
        data: String,
        append: bool,
    },
}

/// A recorded input: when it was applied (virtual ms since the Unix epoch) and what it was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimedInput {
    pub at_ms: u64,
    pub input: Input,
}
