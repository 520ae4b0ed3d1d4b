//! `kubectl describe`, ported from `kubernetes/kubectl` `pkg/describe/describe.go` (v1.34):
//! `describePod`, `describeStatefulSet`, `describePersistentVolumeClaim`, `describePersistentVolume`,
//! `describeService`, `describeNode`, `DescribePodTemplate`, `DescribeEvents` and their helpers.
//!
//! Layout is what `tabbedString` produces: text written through a `PrefixWriter` (two spaces per
//! level) into Go's `text/tabwriter` with minwidth 0, padding 2, no flags. Columns align per block
//! of consecutive lines that have the cell, which is why `Controlled By:` aligns differently from
//! `Name:` in a pod description. `DescribeEvents` flushes the writer first, so the Events table is
//! aligned on its own.

use super::table::{
    access_modes_string, format_labels, host_ip, is_default_class, node_roles, pv_class, pvc_class,
    quantity_str, single_pod_ip, translate_timestamp_since,
};
use super::tabwriter::TabWriter;
use ordinal_model::api::ApiServer;
use ordinal_model::objects::*;
use ordinal_model::time::Time;
use ordinal_model::vecmap::VecMap;
use serde_json::Value;

/// `describe.go`'s `PrefixWriter`: over the `tabbedString` tabwriter, or straight into a buffer
/// (`NewPrefixWriter(buf)`, as `rollout history --revision` uses it: tabs stay tabs).
pub struct PrefixWriter {
    tw: TabWriter,
    raw: Option<String>,
}

impl Default for PrefixWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl PrefixWriter {
    /// `tabwriter.Writer.Init(buf, 0, 8, 2, ' ', 0)`.
    pub fn new() -> PrefixWriter {
        PrefixWriter {
            tw: TabWriter::new(0, 2, ' ', 0),
            raw: None,
        }
    }

    /// A writer without a tabwriter underneath (`printTemplate`'s `bytes.Buffer`).
    pub fn raw() -> PrefixWriter {
        PrefixWriter {
            tw: TabWriter::new(0, 2, ' ', 0),
            raw: Some(String::new()),
        }
    }

    fn put(&mut self, s: &str) {
        match &mut self.raw {
            Some(buf) => buf.push_str(s),
            None => self.tw.write_str(s),
        }
    }

    /// `Write(level, ...)`: two spaces per level, then the text.
    pub fn write(&mut self, level: usize, text: &str) {
        let mut s = "  ".repeat(level);
        s.push_str(text);
        self.put(&s);
    }

    /// `WriteLine(a...)`: the text and a newline, no indentation.
    pub fn line(&mut self, text: &str) {
        self.put(text);
        self.put("\n");
    }

    pub fn flush(&mut self) {
        if self.raw.is_none() {
            self.tw.flush();
        }
    }

    pub fn finish(self) -> String {
        match self.raw {
            Some(buf) => buf,
            None => self.tw.finish(),
        }
    }
}

/// Go's `time.Time.Format(time.RFC1123Z)`; the zero time prints as year 1.
fn rfc1123z(t: Option<Time>) -> String {
    match t {
        Some(t) => t.rfc1123z(),
        None => "Mon, 01 Jan 0001 00:00:00 +0000".to_string(),
    }
}

fn print_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// Go's `%v` of a `[]string`: `[a b]`.
fn go_slice(v: &[String]) -> String {
    format!("[{}]", v.join(" "))
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn bool_of(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn int_of(v: &Value, key: &str) -> i64 {
    v.get(key).and_then(Value::as_i64).unwrap_or(0)
}

// ---- multi-line maps -------------------------------------------------------------------------

/// `printLabelsMultilineWithIndent`.
fn labels_multiline_indent(
    w: &mut PrefixWriter,
    initial_indent: &str,
    title: &str,
    inner_indent: &str,
    labels: &VecMap<String, String>,
) {
    w.write(0, &format!("{initial_indent}{title}:{inner_indent}"));
    if labels.is_empty() {
        w.line("<none>");
        return;
    }
    for (i, (k, v)) in labels.iter().enumerate() {
        if i != 0 {
            w.write(0, initial_indent);
            w.write(0, inner_indent);
        }
        w.write(0, &format!("{k}={v}\n"));
    }
}

/// `printLabelsMultiline`.
fn labels_multiline(w: &mut PrefixWriter, title: &str, labels: &VecMap<String, String>) {
    labels_multiline_indent(w, "", title, "\t", labels);
}

const MAX_ANNOTATION_LEN: usize = 140;

/// `printAnnotationsMultiline` (skips `kubectl.kubernetes.io/last-applied-configuration`).
fn annotations_multiline(w: &mut PrefixWriter, title: &str, annotations: &VecMap<String, String>) {
    w.write(0, &format!("{title}:\t"));
    let keys: Vec<&String> = annotations
        .keys()
        .filter(|k| *k != "kubectl.kubernetes.io/last-applied-configuration")
        .collect();
    if keys.is_empty() {
        w.line("<none>");
        return;
    }
    let indent = "\t";
    for (i, key) in keys.iter().enumerate() {
        if i != 0 {
            w.write(0, indent);
        }
        let value = annotations[*key].trim_end_matches('\n');
        if value.len() + key.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.write(0, &format!("{key}:\n"));
            for s in value.split('\n') {
                w.write(
                    0,
                    &format!("{indent}  {}\n", shorten(s, MAX_ANNOTATION_LEN - 2)),
                );
            }
        } else {
            w.write(0, &format!("{key}: {value}\n"));
        }
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &s[..end])
    } else {
        s.to_string()
    }
}

/// `printTolerationsMultilineWithIndent`.
fn tolerations_multiline(w: &mut PrefixWriter, title: &str, tolerations: &[Toleration]) {
    w.write(0, &format!("{title}:\t"));
    if tolerations.is_empty() {
        w.line("<none>");
        return;
    }
    let mut sorted: Vec<&Toleration> = tolerations.iter().collect();
    ordinal_model::sort::sort_by(&mut sorted, |a, b| a.key.cmp(&b.key));
    for (i, t) in sorted.iter().enumerate() {
        if i != 0 {
            w.write(0, "\t");
        }
        let key = t.key.as_deref().unwrap_or("");
        let value = t.value.as_deref().unwrap_or("");
        let effect = t.effect.as_deref().unwrap_or("");
        let mut s = key.to_string();
        if !value.is_empty() {
            s.push_str(&format!("={value}"));
        }
        if !effect.is_empty() {
            s.push_str(&format!(":{effect}"));
        }
        if t.operator.as_deref() == Some("Exists") && value.is_empty() {
            if !key.is_empty() || !effect.is_empty() {
                s.push_str(" op=Exists");
            } else {
                s.push_str("op=Exists");
            }
        }
        if let Some(secs) = t.toleration_seconds {
            s.push_str(&format!(" for {secs}s"));
        }
        s.push('\n');
        w.write(0, &s);
    }
}

// ---- events ----------------------------------------------------------------------------------

/// The core/v1 Events `searchEvents` finds for an object: same namespace and name, the kind
/// (unless `kind` is `None`, as for pods) and the UID when both sides have one.
fn search_events(
    api: &ApiServer,
    ns: &str,
    kind: Option<&str>,
    name: &str,
    uid: &str,
) -> Vec<Event> {
    let list_ns = if ns.is_empty() { None } else { Some(ns) };
    api.list::<Event>(list_ns)
        .filter(|e| {
            let io = &e.involved_object;
            io.name == name
                && io.namespace == ns
                && kind.is_none_or(|k| io.kind == k)
                && (uid.is_empty() || io.uid.is_empty() || io.uid == uid)
        })
        .cloned()
        .collect()
}

/// `DescribeEvents`: sorted by last timestamp; `5s`, `2m (x3 over 10m)`; `Events:  <none>`.
pub fn describe_events(w: &mut PrefixWriter, events: &[Event], now: Time) {
    if events.is_empty() {
        w.write(0, "Events:\t<none>\n");
        return;
    }
    w.flush();
    let mut sorted: Vec<&Event> = events.iter().collect();
    // event.SortableEvents: by lastTimestamp (stable here; Go's sort.Sort is stable for < 13
    // items, which is every realistic describe).
    ordinal_model::sort::sort_by_key(&mut sorted, |e| e.last_timestamp.map_or(0, |t| t.0));
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.write(1, "----\t------\t----\t----\t-------\n");
    for e in sorted {
        let first = translate_timestamp_since(e.first_timestamp, now);
        let interval = if e.count > 1 {
            format!(
                "{} (x{} over {first})",
                translate_timestamp_since(e.last_timestamp, now),
                e.count
            )
        } else {
            first
        };
        let source = if e.source.component.is_empty() {
            e.reporting_component.clone().unwrap_or_default()
        } else {
            e.source.component.clone()
        };
        w.write(
            1,
            &format!(
                "{}\t{}\t{}\t{}\t{}\n",
                e.type_,
                e.reason,
                interval,
                source,
                e.message.trim()
            ),
        );
    }
}

// ---- containers ------------------------------------------------------------------------------

/// Resolves `valueFrom.fieldRef` for a pod (`EnvValueRetriever`), for the paths pods use.
fn resolve_field_ref(pod: &Pod, path: &str) -> String {
    match path {
        "metadata.name" => pod.metadata.name.clone(),
        "metadata.namespace" => pod.metadata.ns().to_string(),
        "metadata.uid" => pod.metadata.uid.clone(),
        "spec.nodeName" => pod.spec.node_name.clone().unwrap_or_default(),
        "spec.serviceAccountName" => pod.spec.service_account_name.clone().unwrap_or_default(),
        "status.podIP" => single_pod_ip(pod).unwrap_or_default(),
        "status.hostIP" => host_ip(pod).unwrap_or_default(),
        p => {
            let lookup = |prefix: &str, map: &VecMap<String, String>| {
                p.strip_prefix(prefix)
                    .and_then(|r| r.strip_prefix("['").or_else(|| r.strip_prefix("[\"")))
                    .and_then(|r| r.strip_suffix("']").or_else(|| r.strip_suffix("\"]")))
                    .and_then(|k| map.get(k).cloned())
            };
            lookup("metadata.labels", &pod.metadata.labels)
                .or_else(|| lookup("metadata.annotations", &pod.metadata.annotations))
                .unwrap_or_default()
        }
    }
}

/// `DescribeProbe`.
fn describe_probe(p: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds.unwrap_or(0),
        p.timeout_seconds.unwrap_or(0),
        p.period_seconds.unwrap_or(0),
        p.success_threshold.unwrap_or(0),
        p.failure_threshold.unwrap_or(0)
    );
    let port_str = |p: &IntOrString| match p {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::Str(s) => s.clone(),
    };
    if let Some(e) = &p.exec {
        return format!("exec {} {attrs}", go_slice(&e.command));
    }
    if let Some(h) = &p.http_get {
        let scheme = h.scheme.as_deref().unwrap_or("").to_lowercase();
        let host = str_of(&Value::Object(h.extra.to_map()), "host").to_string();
        let port = port_str(&h.port);
        let hostport = if port.is_empty() {
            host
        } else if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let path = h.path.clone().unwrap_or_default();
        let url = if scheme.is_empty() {
            format!("//{hostport}{path}")
        } else {
            format!("{scheme}://{hostport}{path}")
        };
        return format!("http-get {url} {attrs}");
    }
    if let Some(t) = &p.tcp_socket {
        let host = str_of(&Value::Object(t.extra.to_map()), "host").to_string();
        return format!("tcp-socket {host}:{} {attrs}", port_str(&t.port));
    }
    format!("unknown {attrs}")
}

/// `describeStatus`.
fn describe_state(w: &mut PrefixWriter, name: &str, state: &ContainerState) {
    if let Some(r) = &state.running {
        w.write(2, &format!("{name}:\tRunning\n"));
        w.write(3, &format!("Started:\t{}\n", rfc1123z(r.started_at)));
    } else if let Some(wt) = &state.waiting {
        w.write(2, &format!("{name}:\tWaiting\n"));
        if let Some(r) = wt.reason.as_deref().filter(|r| !r.is_empty()) {
            w.write(3, &format!("Reason:\t{r}\n"));
        }
    } else if let Some(t) = &state.terminated {
        w.write(2, &format!("{name}:\tTerminated\n"));
        if let Some(r) = t.reason.as_deref().filter(|r| !r.is_empty()) {
            w.write(3, &format!("Reason:\t{r}\n"));
        }
        if let Some(m) = t.message.as_deref().filter(|m| !m.is_empty()) {
            w.write(3, &format!("Message:\t{m}\n"));
        }
        w.write(3, &format!("Exit Code:\t{}\n", t.exit_code));
        if let Some(s) = t.signal.filter(|s| *s > 0) {
            w.write(3, &format!("Signal:\t{s}\n"));
        }
        w.write(3, &format!("Started:\t{}\n", rfc1123z(t.started_at)));
        w.write(3, &format!("Finished:\t{}\n", rfc1123z(t.finished_at)));
    } else {
        w.write(2, &format!("{name}:\tWaiting\n"));
    }
}

/// `describeResources` for a container's `resources` (limits, then requests, names sorted).
fn describe_resources(w: &mut PrefixWriter, resources: Option<&Value>, level: usize) {
    let Some(r) = resources else { return };
    for section in ["limits", "requests"] {
        if let Some(m) = r.get(section).and_then(Value::as_object) {
            if m.is_empty() {
                continue;
            }
            let title = if section == "limits" {
                "Limits"
            } else {
                "Requests"
            };
            w.write(level, &format!("{title}:\n"));
            // serde_json's Map is a BTreeMap (no `preserve_order`): already sorted by name.
            for (name, q) in m {
                w.write(level + 1, &format!("{name}:\t{}\n", quantity_str(q)));
            }
        }
    }
}

/// `describeContainers`: the `Containers:` / `Init Containers:` block.
fn describe_containers(
    w: &mut PrefixWriter,
    label: &str,
    containers: &[Container],
    statuses: &[ContainerStatus],
    pod: Option<&Pod>,
    space: &str,
) {
    let none = if containers.is_empty() { " <none>" } else { "" };
    w.write(0, &format!("{space}{label}:{none}\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for c in containers {
        let status = statuses.iter().rev().find(|s| s.name == c.name);
        w.write(1, &format!("{name_indent}{}:\n", c.name));
        if let Some(s) = status {
            w.write(
                2,
                &format!(
                    "Container ID:\t{}\n",
                    s.container_id.as_deref().unwrap_or("")
                ),
            );
        }
        w.write(2, &format!("Image:\t{}\n", c.image));
        if let Some(s) = status {
            w.write(2, &format!("Image ID:\t{}\n", s.image_id));
        }
        let proto = |p: &ContainerPort| p.protocol.clone().unwrap_or_else(|| "TCP".into());
        let ports: Vec<String> = c
            .ports
            .iter()
            .map(|p| format!("{}/{}", p.container_port, proto(p)))
            .collect();
        let ports = ports.join(", ");
        if ports.contains(',') {
            w.write(2, &format!("Ports:\t{ports}\n"));
        } else {
            w.write(2, &format!("Port:\t{}\n", or_none(&ports)));
        }
        let host_ports: Vec<String> = c
            .ports
            .iter()
            .map(|p| {
                format!(
                    "{}/{}",
                    int_of(&Value::Object(p.extra.to_map()), "hostPort"),
                    proto(p)
                )
            })
            .collect();
        let host_ports = host_ports.join(", ");
        if host_ports.contains(',') {
            w.write(2, &format!("Host Ports:\t{host_ports}\n"));
        } else {
            w.write(2, &format!("Host Port:\t{}\n", or_none(&host_ports)));
        }
        if !c.command.is_empty() {
            w.write(2, "Command:\n");
            for s in c.command.iter().flat_map(|c| c.split('\n')) {
                w.write(3, &format!("{s}\n"));
            }
        }
        if !c.args.is_empty() {
            w.write(2, "Args:\n");
            for s in c.args.iter().flat_map(|c| c.split('\n')) {
                w.write(3, &format!("{s}\n"));
            }
        }
        if let Some(s) = status {
            describe_state(w, "State", &s.state);
            if s.last_state.terminated.is_some() {
                describe_state(w, "Last State", &s.last_state);
            }
            w.write(2, &format!("Ready:\t{}\n", print_bool(s.ready)));
            w.write(2, &format!("Restart Count:\t{}\n", s.restart_count));
        }
        describe_resources(w, c.resources.as_ref(), 2);
        for (title, probe) in [
            ("Liveness", &c.liveness_probe),
            ("Readiness", &c.readiness_probe),
            ("Startup", &c.startup_probe),
        ] {
            if let Some(p) = probe {
                w.write(2, &format!("{title}:\t{}\n", describe_probe(p)));
            }
        }
        if let Some(from) = c.extra.get("envFrom").and_then(Value::as_array) {
            if !from.is_empty() {
                w.write(2, "Environment Variables from:\n");
                for e in from {
                    let (kind, r) = if let Some(r) = e.get("configMapRef") {
                        ("ConfigMap", r)
                    } else if let Some(r) = e.get("secretRef") {
                        ("Secret", r)
                    } else {
                        ("", &Value::Null)
                    };
                    let prefix = str_of(e, "prefix");
                    let opt = bool_of(r, "optional");
                    if prefix.is_empty() {
                        w.write(
                            3,
                            &format!("{}\t{kind}\tOptional: {opt}\n", str_of(r, "name")),
                        );
                    } else {
                        w.write(
                            3,
                            &format!(
                                "{}\t{kind} with prefix '{prefix}'\tOptional: {opt}\n",
                                str_of(r, "name")
                            ),
                        );
                    }
                }
            }
        }
        if c.env.is_empty() {
            w.write(2, "Environment:\t<none>\n");
        } else {
            w.write(2, "Environment:\n");
        }
        for e in &c.env {
            let value_from = e.extra.get("valueFrom");
            match value_from {
                None => {
                    let v = e.value.as_deref().unwrap_or("");
                    for (i, s) in v.split('\n').enumerate() {
                        if i == 0 {
                            w.write(3, &format!("{}:\t{s}\n", e.name));
                        } else {
                            w.write(3, &format!("\t{s}\n"));
                        }
                    }
                }
                Some(vf) => {
                    if let Some(fr) = vf.get("fieldRef") {
                        let path = str_of(fr, "fieldPath");
                        let val = pod.map(|p| resolve_field_ref(p, path)).unwrap_or_default();
                        w.write(
                            3,
                            &format!("{}:\t{val} ({}:{path})\n", e.name, str_of(fr, "apiVersion")),
                        );
                    } else if let Some(rf) = vf.get("resourceFieldRef") {
                        w.write(3, &format!("{}:\t ({})\n", e.name, str_of(rf, "resource")));
                    } else if let Some(s) = vf.get("secretKeyRef") {
                        w.write(
                            3,
                            &format!(
                                "{}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n",
                                e.name,
                                str_of(s, "key"),
                                str_of(s, "name"),
                                bool_of(s, "optional")
                            ),
                        );
                    } else if let Some(s) = vf.get("configMapKeyRef") {
                        w.write(
                            3,
                            &format!(
                                "{}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n",
                                e.name,
                                str_of(s, "key"),
                                str_of(s, "name"),
                                bool_of(s, "optional")
                            ),
                        );
                    }
                }
            }
        }
        if c.volume_mounts.is_empty() {
            w.write(2, "Mounts:\t<none>\n");
        } else {
            w.write(2, "Mounts:\n");
        }
        let mut mounts: Vec<&VolumeMount> = c.volume_mounts.iter().collect();
        ordinal_model::sort::sort_by(&mut mounts, |a, b| a.mount_path.cmp(&b.mount_path));
        for m in mounts {
            let mut flags = vec![if m.read_only == Some(true) {
                "ro"
            } else {
                "rw"
            }
            .to_string()];
            if let Some(sp) = m.sub_path.as_deref().filter(|s| !s.is_empty()) {
                flags.push(format!("path={sp:?}"));
            }
            w.write(
                3,
                &format!("{} from {} ({})\n", m.mount_path, m.name, flags.join(",")),
            );
        }
    }
}

fn or_none(s: &str) -> &str {
    if s.is_empty() {
        "<none>"
    } else {
        s
    }
}

/// `describeVolumes`.
fn describe_volumes(w: &mut PrefixWriter, volumes: &[Volume], space: &str) {
    if volumes.is_empty() {
        w.write(0, &format!("{space}Volumes:\t<none>\n"));
        return;
    }
    w.write(0, &format!("{space}Volumes:\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for v in volumes {
        w.write(1, &format!("{name_indent}{}:\n", v.name));
        if let Some(pvc) = &v.persistent_volume_claim {
            w.write(2, &format!("Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n", pvc.claim_name, pvc.read_only.unwrap_or(false)));
        } else if let Some(h) = v.extra.get("hostPath") {
            let t = h.get("type").and_then(Value::as_str).unwrap_or("<none>");
            w.write(2, &format!("Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{t}\n", str_of(h, "path")));
        } else if let Some(e) = v.extra.get("emptyDir") {
            let size = e
                .get("sizeLimit")
                .map(quantity_str)
                .filter(|s| s != "0")
                .unwrap_or_else(|| "<unset>".into());
            w.write(2, &format!("Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{size}\n", str_of(e, "medium")));
        } else if let Some(s) = v.extra.get("secret") {
            w.write(2, &format!("Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n", str_of(s, "secretName"), bool_of(s, "optional")));
        } else if let Some(c) = v.extra.get("configMap") {
            w.write(2, &format!("Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n", str_of(c, "name"), bool_of(c, "optional")));
        } else if let Some(p) = v.extra.get("projected") {
            w.write(
                2,
                "Type:\tProjected (a volume that contains injected data from multiple sources)\n",
            );
            for src in p
                .get("sources")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(s) = src.get("secret") {
                    w.write(
                        2,
                        &format!(
                            "SecretName:\t{}\n    Optional:\t{}\n",
                            str_of(s, "name"),
                            bool_of(s, "optional")
                        ),
                    );
                } else if src.get("downwardAPI").is_some() {
                    w.write(2, "DownwardAPI:\ttrue\n");
                } else if let Some(c) = src.get("configMap") {
                    w.write(
                        2,
                        &format!(
                            "ConfigMapName:\t{}\n    Optional:\t{}\n",
                            str_of(c, "name"),
                            bool_of(c, "optional")
                        ),
                    );
                } else if let Some(t) = src.get("serviceAccountToken") {
                    w.write(
                        2,
                        &format!(
                            "TokenExpirationSeconds:\t{}\n",
                            int_of(t, "expirationSeconds")
                        ),
                    );
                }
            }
        } else {
            w.write(1, "<unknown>\n");
        }
    }
}

/// `qos.GetPodQOS` (status first; computed from requests/limits when the status has none).
fn pod_qos(pod: &Pod) -> String {
    if let Some(q) = pod.status.qos_class.as_deref().filter(|q| !q.is_empty()) {
        return q.to_string();
    }
    let all: Vec<&Container> = pod
        .spec
        .containers
        .iter()
        .chain(pod.spec.init_containers.iter())
        .collect();
    let get = |c: &Container, sec: &str, res: &str| -> Option<String> {
        c.resources
            .as_ref()?
            .get(sec)?
            .get(res)
            .map(quantity_str)
            .filter(|q| q != "0")
    };
    let mut any = false;
    let mut guaranteed = true;
    for c in &all {
        for res in ["cpu", "memory"] {
            let (r, l) = (get(c, "requests", res), get(c, "limits", res));
            any |= r.is_some() || l.is_some();
            if l.is_none() || (r.is_some() && r != l) {
                guaranteed = false;
            }
        }
    }
    if !any {
        "BestEffort".into()
    } else if guaranteed {
        "Guaranteed".into()
    } else {
        "Burstable".into()
    }
}

/// `DescribePodTemplate`: the `Pod Template:` block (also `rollout history --revision`).
pub fn describe_pod_template(w: &mut PrefixWriter, t: &PodTemplateSpec) {
    w.write(0, "Pod Template:\n");
    labels_multiline(w, "  Labels", &t.metadata.labels);
    if !t.metadata.annotations.is_empty() {
        annotations_multiline(w, "  Annotations", &t.metadata.annotations);
    }
    if let Some(sa) = t
        .spec
        .service_account_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w.write(1, &format!("Service Account:\t{sa}\n"));
    }
    if !t.spec.init_containers.is_empty() {
        describe_containers(
            w,
            "Init Containers",
            &t.spec.init_containers,
            &[],
            None,
            "  ",
        );
    }
    describe_containers(w, "Containers", &t.spec.containers, &[], None, "  ");
    describe_volumes(w, &t.spec.volumes, "  ");
    if let Some(pc) = t
        .spec
        .extra
        .get("priorityClassName")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        w.write(1, &format!("Priority Class Name:\t{pc}\n"));
    }
    labels_multiline(w, "  Node-Selectors", &t.spec.node_selector);
    tolerations_multiline(w, "  Tolerations", &t.spec.tolerations);
}

// ---- describers ------------------------------------------------------------------------------

/// `kubectl describe` for one object, with its Events (kubectl's default `--show-events=true`).
pub fn describe(api: &ApiServer, obj: &Object, now: Time) -> String {
    let mut w = PrefixWriter::new();
    match obj {
        Object::Pod(p) => describe_pod(&mut w, api, p, now),
        Object::StatefulSet(s) => describe_statefulset(&mut w, api, s, now),
        Object::PersistentVolumeClaim(c) => describe_pvc(&mut w, api, c, now),
        Object::PersistentVolume(v) => describe_pv(&mut w, api, v, now),
        Object::Service(s) => describe_service(&mut w, api, s, now),
        Object::Node(n) => describe_node(&mut w, api, n, now),
        Object::StorageClass(sc) => describe_storageclass(&mut w, api, sc, now),
        other => describe_generic(&mut w, api, other, now),
    }
    w.finish()
}

fn kind_events(api: &ApiServer, obj_kind: &str, meta: &ObjectMeta) -> Vec<Event> {
    search_events(api, meta.ns(), Some(obj_kind), &meta.name, &meta.uid)
}

fn describe_pod(w: &mut PrefixWriter, api: &ApiServer, pod: &Pod, now: Time) {
    let m = &pod.metadata;
    w.write(0, &format!("Name:\t{}\n", m.name));
    w.write(0, &format!("Namespace:\t{}\n", m.ns()));
    if let Some(p) = pod.spec.priority {
        w.write(0, &format!("Priority:\t{p}\n"));
    }
    if let Some(pc) = pod
        .spec
        .extra
        .get("priorityClassName")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        w.write(0, &format!("Priority Class Name:\t{pc}\n"));
    }
    if let Some(rc) = pod
        .spec
        .extra
        .get("runtimeClassName")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        w.write(0, &format!("Runtime Class Name:\t{rc}\n"));
    }
    if let Some(sa) = pod
        .spec
        .service_account_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        w.write(0, &format!("Service Account:\t{sa}\n"));
    }
    match pod.spec.node_name.as_deref().filter(|s| !s.is_empty()) {
        None => w.write(0, "Node:\t<none>\n"),
        Some(n) => w.write(
            0,
            &format!("Node:\t{n}/{}\n", host_ip(pod).unwrap_or_default()),
        ),
    }
    if let Some(st) = pod.status.start_time {
        w.write(0, &format!("Start Time:\t{}\n", st.rfc1123z()));
    }
    labels_multiline(w, "Labels", &m.labels);
    annotations_multiline(w, "Annotations", &m.annotations);
    let phase = pod.phase();
    if m.deletion_timestamp.is_some() && phase != "Failed" && phase != "Succeeded" {
        w.write(
            0,
            &format!(
                "Status:\tTerminating (lasts {})\n",
                translate_timestamp_since(m.deletion_timestamp, now)
            ),
        );
        w.write(
            0,
            &format!(
                "Termination Grace Period:\t{}s\n",
                m.deletion_grace_period_seconds.unwrap_or(0)
            ),
        );
    } else {
        w.write(0, &format!("Status:\t{phase}\n"));
    }
    if let Some(r) = pod.status.reason.as_deref().filter(|s| !s.is_empty()) {
        w.write(0, &format!("Reason:\t{r}\n"));
    }
    if let Some(msg) = pod.status.message.as_deref().filter(|s| !s.is_empty()) {
        w.write(0, &format!("Message:\t{msg}\n"));
    }
    if let Some(sp) = pod
        .spec
        .extra
        .get("securityContext")
        .and_then(|s| s.get("seccompProfile"))
    {
        w.write(0, &format!("SeccompProfile:\t{}\n", str_of(sp, "type")));
        if str_of(sp, "type") == "Localhost" {
            w.write(
                0,
                &format!("LocalhostProfile:\t{}\n", str_of(sp, "localhostProfile")),
            );
        }
    }
    let ip = single_pod_ip(pod).unwrap_or_default();
    w.write(0, &format!("IP:\t{ip}\n"));
    let ips: Vec<String> = match pod.status.extra.get("podIPs").and_then(Value::as_array) {
        Some(a) => a.iter().map(|v| str_of(v, "ip").to_string()).collect(),
        None => single_pod_ip(pod).into_iter().collect(),
    };
    if ips.is_empty() {
        w.write(0, "IPs:\t<none>\n");
    } else {
        w.write(0, "IPs:\n");
        for ip in ips {
            w.write(1, &format!("IP:\t{ip}\n"));
        }
    }
    if let Some(r) = m.controller_ref() {
        w.write(0, &format!("Controlled By:\t{}/{}\n", r.kind, r.name));
    }
    if let Some(n) = pod
        .status
        .extra
        .get("nominatedNodeName")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        w.write(0, &format!("NominatedNodeName:\t{n}\n"));
    }
    if !pod.spec.init_containers.is_empty() {
        describe_containers(
            w,
            "Init Containers",
            &pod.spec.init_containers,
            &pod.status.init_container_statuses,
            Some(pod),
            "",
        );
    }
    describe_containers(
        w,
        "Containers",
        &pod.spec.containers,
        &pod.status.container_statuses,
        Some(pod),
        "",
    );
    if let Some(gates) = pod
        .spec
        .extra
        .get("readinessGates")
        .and_then(Value::as_array)
        .filter(|g| !g.is_empty())
    {
        w.write(0, "Readiness Gates:\n  Type\tStatus\n");
        for g in gates {
            let t = str_of(g, "conditionType");
            let status = pod
                .status
                .conditions
                .iter()
                .find(|c| c.type_ == t)
                .map_or("<none>".to_string(), |c| c.status.clone());
            w.write(1, &format!("{t} \t{status} \n"));
        }
    }
    if !pod.status.conditions.is_empty() {
        w.write(0, "Conditions:\n  Type\tStatus\n");
        for c in &pod.status.conditions {
            w.write(1, &format!("{} \t{} \n", c.type_, c.status));
        }
    }
    describe_volumes(w, &pod.spec.volumes, "");
    w.write(0, &format!("QoS Class:\t{}\n", pod_qos(pod)));
    labels_multiline(w, "Node-Selectors", &pod.spec.node_selector);
    tolerations_multiline(w, "Tolerations", &pod.spec.tolerations);
    // PodDescriber clears the reference's kind: events match on namespace, name and UID.
    let events = search_events(api, m.ns(), None, &m.name, &m.uid);
    describe_events(w, &events, now);
}

/// `labels.Selector.String()` of `LabelSelectorAsSelector`: requirements sorted by key.
fn selector_string(s: Option<&LabelSelector>) -> String {
    let Some(s) = s else {
        return String::new();
    };
    let mut reqs: Vec<(String, String)> = s
        .match_labels
        .iter()
        .map(|(k, v)| (k.clone(), format!("{k}={v}")))
        .collect();
    for r in &s.match_expressions {
        let mut vals = r.values.clone();
        ordinal_model::sort::sort(&mut vals);
        let text = match r.operator.as_str() {
            "In" => format!("{} in ({})", r.key, vals.join(",")),
            "NotIn" => format!("{} notin ({})", r.key, vals.join(",")),
            "Exists" => r.key.clone(),
            "DoesNotExist" => format!("!{}", r.key),
            op => format!("{} {op} ({})", r.key, vals.join(",")),
        };
        reqs.push((r.key.clone(), text));
    }
    ordinal_model::sort::sort_by(&mut reqs, |a, b| a.0.cmp(&b.0));
    reqs.into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(",")
}

fn describe_statefulset(w: &mut PrefixWriter, api: &ApiServer, sts: &StatefulSet, now: Time) {
    let m = &sts.metadata;
    // getPodStatusForController: pods matching the selector and controlled by this set.
    let (mut running, mut waiting, mut succeeded, mut failed) = (0, 0, 0, 0);
    if let Some(sel) = &sts.spec.selector {
        for p in api.list::<Pod>(Some(m.ns())) {
            if !sel.matches(&p.metadata.labels) {
                continue;
            }
            if p.metadata.controller_ref().map(|r| r.uid.as_str()) != Some(m.uid.as_str()) {
                continue;
            }
            match p.phase() {
                "Running" => running += 1,
                "Pending" => waiting += 1,
                "Succeeded" => succeeded += 1,
                "Failed" => failed += 1,
                _ => {}
            }
        }
    }
    w.write(0, &format!("Name:\t{}\n", m.name));
    w.write(0, &format!("Namespace:\t{}\n", m.ns()));
    w.write(
        0,
        &format!("CreationTimestamp:\t{}\n", rfc1123z(m.creation_timestamp)),
    );
    w.write(
        0,
        &format!(
            "Selector:\t{}\n",
            selector_string(sts.spec.selector.as_ref())
        ),
    );
    labels_multiline(w, "Labels", &m.labels);
    annotations_multiline(w, "Annotations", &m.annotations);
    w.write(
        0,
        &format!(
            "Replicas:\t{} desired | {} total\n",
            sts.replicas(),
            sts.status.replicas
        ),
    );
    let strategy = sts.spec.update_strategy.as_ref();
    w.write(
        0,
        &format!(
            "Update Strategy:\t{}\n",
            strategy.and_then(|s| s.type_.as_deref()).unwrap_or("")
        ),
    );
    if let Some(ru) = strategy.and_then(|s| s.rolling_update.as_ref()) {
        if let Some(p) = ru.partition {
            w.write(1, &format!("Partition:\t{p}\n"));
            if let Some(mu) = &ru.max_unavailable {
                let mu = match mu {
                    IntOrString::Int(i) => i.to_string(),
                    IntOrString::Str(s) => s.clone(),
                };
                w.write(1, &format!("MaxUnavailable:\t{mu}\n"));
            }
        }
    }
    w.write(
        0,
        &format!(
            "Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed\n"
        ),
    );
    describe_pod_template(w, &sts.spec.template);
    // describeVolumeClaimTemplates
    if sts.spec.volume_claim_templates.is_empty() {
        w.write(0, "Volume Claims:\t<none>\n");
    } else {
        w.write(0, "Volume Claims:\n");
        for pvc in &sts.spec.volume_claim_templates {
            w.write(1, &format!("Name:\t{}\n", pvc.metadata.name));
            w.write(1, &format!("StorageClass:\t{}\n", pvc_class(pvc)));
            labels_multiline_indent(w, "  ", "Labels", "\t", &pvc.metadata.labels);
            labels_multiline_indent(w, "  ", "Annotations", "\t", &pvc.metadata.annotations);
            match pvc.requested_storage() {
                Some(c) => w.write(1, &format!("Capacity:\t{c}\n")),
                None => w.write(1, "Capacity:\t<default>\n"),
            }
            w.write(
                1,
                &format!("Access Modes:\t{}\n", go_slice(&pvc.spec.access_modes)),
            );
        }
    }
    let events = kind_events(api, "StatefulSet", m);
    describe_events(w, &events, now);
}

fn describe_pvc(w: &mut PrefixWriter, api: &ApiServer, pvc: &PersistentVolumeClaim, now: Time) {
    let m = &pvc.metadata;
    w.write(0, &format!("Name:\t{}\n", m.name));
    w.write(0, &format!("Namespace:\t{}\n", m.ns()));
    w.write(0, &format!("StorageClass:\t{}\n", pvc_class(pvc)));
    if m.deletion_timestamp.is_some() {
        w.write(
            0,
            &format!(
                "Status:\tTerminating (lasts {})\n",
                translate_timestamp_since(m.deletion_timestamp, now)
            ),
        );
    } else {
        w.write(
            0,
            &format!("Status:\t{}\n", pvc.status.phase.as_deref().unwrap_or("")),
        );
    }
    let volume = pvc.spec.volume_name.clone().unwrap_or_default();
    w.write(0, &format!("Volume:\t{volume}\n"));
    labels_multiline(w, "Labels", &m.labels);
    annotations_multiline(w, "Annotations", &m.annotations);
    w.write(0, &format!("Finalizers:\t{}\n", go_slice(&m.finalizers)));
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            pvc.status
                .capacity
                .get("storage")
                .map(quantity_str)
                .unwrap_or_else(|| "0".into()),
            access_modes_string(&pvc.status.access_modes),
        )
    };
    w.write(0, &format!("Capacity:\t{capacity}\n"));
    w.write(0, &format!("Access Modes:\t{modes}\n"));
    if let Some(vm) = &pvc.spec.volume_mode {
        w.write(0, &format!("VolumeMode:\t{vm}\n"));
    }
    if let Some(ds) = pvc.spec.extra.get("dataSource") {
        w.write(0, "DataSource:\n");
        if let Some(g) = ds.get("apiGroup").and_then(Value::as_str) {
            w.write(1, &format!("APIGroup:\t{g}\n"));
        }
        w.write(1, &format!("Kind:\t{}\n", str_of(ds, "kind")));
        w.write(1, &format!("Name:\t{}\n", str_of(ds, "name")));
    }
    // getPodsForPVC: pods mounting the claim, then pods owning it.
    let mut used_by: Vec<String> = Vec::new();
    let pods: Vec<&Pod> = api.list::<Pod>(Some(m.ns())).collect();
    for p in &pods {
        for v in &p.spec.volumes {
            if v.persistent_volume_claim
                .as_ref()
                .is_some_and(|c| c.claim_name == m.name)
            {
                used_by.push(p.metadata.name.clone());
            }
        }
    }
    for r in m.owner_references.iter().filter(|r| r.kind == "Pod") {
        if let Some(p) = pods.iter().find(|p| p.metadata.uid == r.uid) {
            if !used_by.contains(&p.metadata.name) {
                used_by.push(p.metadata.name.clone());
            }
        }
    }
    ordinal_model::sort::sort(&mut used_by);
    w.write(0, "Used By:\t");
    if used_by.is_empty() {
        w.line("<none>");
    } else {
        for (i, name) in used_by.iter().enumerate() {
            if i != 0 {
                w.write(0, "\t");
            }
            w.write(0, &format!("{name}\n"));
        }
    }
    let events = kind_events(api, "PersistentVolumeClaim", m);
    describe_events(w, &events, now);
}

fn describe_pv(w: &mut PrefixWriter, api: &ApiServer, pv: &PersistentVolume, now: Time) {
    let m = &pv.metadata;
    w.write(0, &format!("Name:\t{}\n", m.name));
    labels_multiline(w, "Labels", &m.labels);
    annotations_multiline(w, "Annotations", &m.annotations);
    w.write(0, &format!("Finalizers:\t{}\n", go_slice(&m.finalizers)));
    w.write(0, &format!("StorageClass:\t{}\n", pv_class(pv)));
    if m.deletion_timestamp.is_some() {
        w.write(
            0,
            &format!(
                "Status:\tTerminating (lasts {})\n",
                translate_timestamp_since(m.deletion_timestamp, now)
            ),
        );
    } else {
        w.write(
            0,
            &format!("Status:\t{}\n", pv.status.phase.as_deref().unwrap_or("")),
        );
    }
    let claim = pv
        .spec
        .claim_ref
        .as_ref()
        .map(|c| format!("{}/{}", c.namespace, c.name))
        .unwrap_or_default();
    w.write(0, &format!("Claim:\t{claim}\n"));
    w.write(
        0,
        &format!(
            "Reclaim Policy:\t{}\n",
            pv.spec
                .persistent_volume_reclaim_policy
                .as_deref()
                .unwrap_or("")
        ),
    );
    w.write(
        0,
        &format!(
            "Access Modes:\t{}\n",
            access_modes_string(&pv.spec.access_modes)
        ),
    );
    if let Some(vm) = &pv.spec.volume_mode {
        w.write(0, &format!("VolumeMode:\t{vm}\n"));
    }
    w.write(
        0,
        &format!(
            "Capacity:\t{}\n",
            pv.spec
                .capacity
                .get("storage")
                .map(quantity_str)
                .unwrap_or_else(|| "0".into())
        ),
    );
    // printVolumeNodeAffinity
    w.write(0, "Node Affinity:\t");
    match pv
        .spec
        .node_affinity
        .as_ref()
        .and_then(|a| a.get("required"))
    {
        None => w.line("<none>"),
        Some(req) => {
            w.line("");
            w.write(1, "Required Terms:\t");
            let terms = req
                .get("nodeSelectorTerms")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if terms.is_empty() {
                w.line("<none>");
            } else {
                w.line("");
                for (i, term) in terms.iter().enumerate() {
                    w.write(2, &format!("Term {i}:\t"));
                    let exprs = term
                        .get("matchExpressions")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default();
                    if exprs.is_empty() {
                        w.line("<none>");
                        continue;
                    }
                    for (j, e) in exprs.iter().enumerate() {
                        if j != 0 {
                            w.write(2, "\t");
                        }
                        let mut s = format!(
                            "{} {}",
                            str_of(e, "key"),
                            str_of(e, "operator").to_lowercase()
                        );
                        let vals: Vec<&str> = e
                            .get("values")
                            .and_then(Value::as_array)
                            .map(|a| a.iter().filter_map(Value::as_str).collect())
                            .unwrap_or_default();
                        if !vals.is_empty() {
                            s.push_str(&format!(" [{}]", vals.join(", ")));
                        }
                        w.write(0, &format!("{s}\n"));
                    }
                }
            }
        }
    }
    w.write(0, "Message:\t\n");
    w.write(0, "Source:\n");
    let spec = Value::Object(pv.spec.extra.to_map());
    if let Some(csi) = spec.get("csi") {
        w.write(2, &format!("Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{}\n    VolumeHandle:\t{}\n    ReadOnly:\t{}\n", str_of(csi, "driver"), str_of(csi, "fsType"), str_of(csi, "volumeHandle"), bool_of(csi, "readOnly")));
        let attrs: VecMap<String, String> = csi
            .get("volumeAttributes")
            .and_then(Value::as_object)
            .map(|m| {
                VecMap::from_iter(
                    m.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())),
                )
            })
            .unwrap_or_default();
        w.write(2, "VolumeAttributes:\t");
        if attrs.is_empty() {
            w.line("<none>");
        } else {
            for (i, (k, v)) in attrs.iter().enumerate() {
                if i != 0 {
                    w.write(2, "\t");
                }
                w.write(
                    2,
                    &format!("{}\n", shorten(&format!("{k}={v}"), MAX_ANNOTATION_LEN)),
                );
            }
        }
    } else if let Some(h) = spec.get("hostPath") {
        let t = h.get("type").and_then(Value::as_str).unwrap_or("<none>");
        w.write(2, &format!("Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{t}\n", str_of(h, "path")));
    } else if let Some(l) = spec.get("local") {
        w.write(2, &format!("Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n    Path:\t{}\n", str_of(l, "path")));
    } else {
        w.write(1, "<unknown>\n");
    }
    let events = search_events(api, "", Some("PersistentVolume"), &m.name, &m.uid);
    describe_events(w, &events, now);
}

/// `formatEndpointSlices(slices, {portName})` for `describe service`.
fn format_endpoint_slices(slices: &[&EndpointSlice], port_name: &str) -> String {
    if slices.is_empty() {
        return "<none>".into();
    }
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0usize;
    let ready = |e: &Value| {
        e.get("conditions")
            .and_then(|c| c.get("ready"))
            .and_then(Value::as_bool)
            .unwrap_or(true)
    };
    let first_addr = |e: &Value| {
        e.get("addresses")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    for s in slices {
        if s.ports.is_empty() {
            for e in &s.endpoints {
                if list.len() == MAX {
                    more = true;
                }
                if !ready(e) {
                    continue;
                }
                if !more {
                    list.push(first_addr(e));
                }
                count += 1;
            }
        } else {
            for p in &s.ports {
                if str_of(p, "name") != port_name {
                    continue;
                }
                let port = p.get("port").map(quantity_str).unwrap_or_default();
                for e in &s.endpoints {
                    if list.len() == MAX {
                        more = true;
                    }
                    if !ready(e) {
                        continue;
                    }
                    if !more {
                        let a = first_addr(e);
                        list.push(if a.contains(':') {
                            format!("[{a}]:{port}")
                        } else {
                            format!("{a}:{port}")
                        });
                    }
                    count += 1;
                }
            }
        }
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", count - MAX)
    } else {
        ret
    }
}

fn describe_service(w: &mut PrefixWriter, api: &ApiServer, svc: &Service, now: Time) {
    let m = &svc.metadata;
    let extra = Value::Object(svc.spec.extra.to_map());
    w.write(0, &format!("Name:\t{}\n", m.name));
    w.write(0, &format!("Namespace:\t{}\n", m.ns()));
    labels_multiline(w, "Labels", &m.labels);
    annotations_multiline(w, "Annotations", &m.annotations);
    w.write(
        0,
        &format!("Selector:\t{}\n", format_labels(&svc.spec.selector)),
    );
    w.write(
        0,
        &format!("Type:\t{}\n", svc.spec.type_.as_deref().unwrap_or("")),
    );
    if let Some(p) = extra.get("ipFamilyPolicy").and_then(Value::as_str) {
        w.write(0, &format!("IP Family Policy:\t{p}\n"));
    }
    let families: Vec<&str> = extra
        .get("ipFamilies")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    w.write(
        0,
        &format!(
            "IP Families:\t{}\n",
            if families.is_empty() {
                "<none>".to_string()
            } else {
                families.join(",")
            }
        ),
    );
    w.write(
        0,
        &format!("IP:\t{}\n", svc.spec.cluster_ip.as_deref().unwrap_or("")),
    );
    let ips = if svc.spec.cluster_ips.is_empty() {
        "<none>".to_string()
    } else {
        svc.spec.cluster_ips.join(",")
    };
    w.write(0, &format!("IPs:\t{ips}\n"));
    let external: Vec<&str> = extra
        .get("externalIPs")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if !external.is_empty() {
        w.write(0, &format!("External IPs:\t{}\n", external.join(",")));
    }
    if let Some(ip) = extra
        .get("loadBalancerIP")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        w.write(0, &format!("Desired LoadBalancer IP:\t{ip}\n"));
    }
    if let Some(n) = extra
        .get("externalName")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        w.write(0, &format!("External Name:\t{n}\n"));
    }
    if let Some(ing) = svc
        .status
        .get("loadBalancer")
        .and_then(|l| l.get("ingress"))
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
    {
        let list: Vec<String> = ing
            .iter()
            .map(|i| {
                let ip = str_of(i, "ip");
                if ip.is_empty() {
                    str_of(i, "hostname").to_string()
                } else if let Some(mode) = i.get("ipMode").and_then(Value::as_str) {
                    format!("{ip} ({mode})")
                } else {
                    ip.to_string()
                }
            })
            .collect();
        w.write(0, &format!("LoadBalancer Ingress:\t{}\n", list.join(", ")));
    }
    let slices: Vec<&EndpointSlice> = api
        .list::<EndpointSlice>(Some(m.ns()))
        .filter(|s| s.metadata.labels.get("kubernetes.io/service-name") == Some(&m.name))
        .collect();
    for sp in &svc.spec.ports {
        let name = sp
            .name
            .as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or("<unset>");
        let proto = sp.protocol.as_deref().unwrap_or("TCP");
        w.write(0, &format!("Port:\t{name}\t{}/{proto}\n", sp.port));
        match sp.target_port.as_ref() {
            Some(IntOrString::Str(s)) => w.write(0, &format!("TargetPort:\t{s}/{proto}\n")),
            Some(IntOrString::Int(i)) => w.write(0, &format!("TargetPort:\t{i}/{proto}\n")),
            None => w.write(0, &format!("TargetPort:\t{}/{proto}\n", sp.port)),
        }
        if let Some(np) = sp.node_port.filter(|n| *n != 0) {
            w.write(0, &format!("NodePort:\t{name}\t{np}/{proto}\n"));
        }
        w.write(
            0,
            &format!(
                "Endpoints:\t{}\n",
                format_endpoint_slices(&slices, sp.name.as_deref().unwrap_or(""))
            ),
        );
    }
    w.write(
        0,
        &format!(
            "Session Affinity:\t{}\n",
            svc.spec.session_affinity.as_deref().unwrap_or("")
        ),
    );
    if let Some(p) = extra
        .get("externalTrafficPolicy")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        w.write(0, &format!("External Traffic Policy:\t{p}\n"));
    }
    if let Some(p) = extra.get("internalTrafficPolicy").and_then(Value::as_str) {
        w.write(0, &format!("Internal Traffic Policy:\t{p}\n"));
    }
    if let Some(p) = extra
        .get("healthCheckNodePort")
        .and_then(Value::as_i64)
        .filter(|p| *p != 0)
    {
        w.write(0, &format!("HealthCheck NodePort:\t{p}\n"));
    }
    if let Some(d) = extra
        .get("trafficDistribution")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        w.write(0, &format!("Traffic Distribution:\t{d}\n"));
    }
    let events = kind_events(api, "Service", m);
    describe_events(w, &events, now);
}

// ---- quantities (for the node's resource tables) ---------------------------------------------

/// Parses a quantity into (milli-units). `8` → 8000, `100m` → 100, `16Gi` → 16·2³⁰·1000.
fn parse_milli(q: &str) -> Option<i128> {
    let q = q.trim();
    let split = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(q.len());
    let (num, suffix) = q.split_at(split);
    let mult: f64 = match suffix {
        "" => 1.0,
        "m" => 0.001,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    let n: f64 = num.parse().ok()?;
    Some((n * mult * 1000.0).round() as i128)
}

/// Canonical text of a summed quantity (`resource.Quantity.String()` for the common cases).
fn format_milli(milli: i128, binary: bool) -> String {
    if milli == 0 {
        return "0".into();
    }
    if milli % 1000 != 0 {
        return format!("{milli}m");
    }
    let units = milli / 1000;
    if binary {
        for (suffix, f) in [
            ("Ti", 1i128 << 40),
            ("Gi", 1 << 30),
            ("Mi", 1 << 20),
            ("Ki", 1 << 10),
        ] {
            if units % f == 0 {
                return format!("{}{suffix}", units / f);
            }
        }
    }
    units.to_string()
}

fn describe_node(w: &mut PrefixWriter, api: &ApiServer, node: &Node, now: Time) {
    let m = &node.metadata;
    w.write(0, &format!("Name:\t{}\n", m.name));
    let roles = node_roles(node);
    w.write(
        0,
        &format!(
            "Roles:\t{}\n",
            if roles.is_empty() {
                "<none>".to_string()
            } else {
                roles.join(",")
            }
        ),
    );
    labels_multiline(w, "Labels", &m.labels);
    annotations_multiline(w, "Annotations", &m.annotations);
    w.write(
        0,
        &format!("CreationTimestamp:\t{}\n", rfc1123z(m.creation_timestamp)),
    );
    w.write(0, "Taints:\t");
    if node.spec.taints.is_empty() {
        w.line("<none>");
    } else {
        let mut taints: Vec<&Taint> = node.spec.taints.iter().collect();
        ordinal_model::sort::sort_by(&mut taints, |a, b| {
            (&a.effect, &a.key).cmp(&(&b.effect, &b.key))
        });
        for (i, t) in taints.iter().enumerate() {
            if i != 0 {
                w.write(0, "\t");
            }
            let value = t
                .value
                .as_deref()
                .filter(|v| !v.is_empty())
                .map_or(String::new(), |v| format!("={v}"));
            w.write(0, &format!("{}{value}:{}\n", t.key, t.effect));
        }
    }
    w.write(
        0,
        &format!(
            "Unschedulable:\t{}\n",
            node.spec.unschedulable.unwrap_or(false)
        ),
    );
    // The kubelet's lease in kube-node-lease: the model keeps no Lease objects, so the holder is
    // the node and the renew time its last heartbeat (what a healthy kubelet's lease shows).
    let heartbeat = node
        .status
        .conditions
        .iter()
        .find(|c| c.type_ == "Ready")
        .and_then(|c| c.last_heartbeat_time);
    w.write(0, "Lease:\n");
    w.write(1, &format!("HolderIdentity:\t{}\n", m.name));
    w.write(1, "AcquireTime:\t<unset>\n");
    w.write(
        1,
        &format!(
            "RenewTime:\t{}\n",
            heartbeat.map_or("<unset>".to_string(), |t| t.rfc1123z())
        ),
    );
    if !node.status.conditions.is_empty() {
        w.write(
            0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.write(
            1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for c in &node.status.conditions {
            w.write(
                1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    c.type_,
                    c.status,
                    rfc1123z(c.last_heartbeat_time),
                    rfc1123z(c.last_transition_time),
                    c.reason.as_deref().unwrap_or(""),
                    c.message.as_deref().unwrap_or("")
                ),
            );
        }
    }
    w.write(0, "Addresses:\n");
    for a in &node.status.addresses {
        w.write(1, &format!("{}:\t{}\n", a.type_, a.address));
    }
    for (title, list) in [
        ("Capacity", &node.status.capacity),
        ("Allocatable", &node.status.allocatable),
    ] {
        if !list.is_empty() {
            w.write(0, &format!("{title}:\n"));
            for (k, v) in list {
                w.write(0, &format!("  {k}:\t{v}\n"));
            }
        }
    }
    let info = |k: &str| {
        node.status
            .node_info
            .as_ref()
            .and_then(|i| i.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    w.write(0, "System Info:\n");
    for (label, key) in [
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
        ("Kube-Proxy Version", "kubeProxyVersion"),
    ] {
        w.write(0, &format!("  {label}:\t{}\n", info(key)));
    }
    if let Some(cidr) = node.spec.pod_cidr.as_deref().filter(|s| !s.is_empty()) {
        w.write(0, &format!("PodCIDR:\t{cidr}\n"));
    }
    let extra = Value::Object(node.spec.extra.to_map());
    let cidrs: Vec<&str> = extra
        .get("podCIDRs")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if !cidrs.is_empty() {
        w.write(0, &format!("PodCIDRs:\t{}\n", cidrs.join(",")));
    }
    if let Some(p) = extra
        .get("providerID")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        w.write(0, &format!("ProviderID:\t{p}\n"));
    }
    describe_node_resource(w, api, node, now);
    // NodeDescriber merges events with involvedObject.uid = node UID and = node name.
    let events: Vec<Event> = api
        .list::<Event>(None)
        .filter(|e| {
            let io = &e.involved_object;
            io.kind == "Node"
                && io.name == m.name
                && io.namespace.is_empty()
                && (io.uid.is_empty() || io.uid == m.uid || io.uid == m.name)
        })
        .cloned()
        .collect();
    describe_events(w, &events, now);
}

/// `describeNodeResource`: non-terminated pods on the node and the allocated totals.
fn describe_node_resource(w: &mut PrefixWriter, api: &ApiServer, node: &Node, now: Time) {
    let pods: Vec<&Pod> = api
        .list::<Pod>(None)
        .filter(|p| p.spec.node_name.as_deref() == Some(node.metadata.name.as_str()))
        .filter(|p| !matches!(p.phase(), "Succeeded" | "Failed"))
        .collect();
    w.write(
        0,
        &format!("Non-terminated Pods:\t({} in total)\n", pods.len()),
    );
    w.write(
        1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    w.write(
        1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let alloc = if node.status.allocatable.is_empty() {
        &node.status.capacity
    } else {
        &node.status.allocatable
    };
    let alloc_of = |r: &str| alloc.get(r).and_then(|q| parse_milli(q)).unwrap_or(0);
    // PodRequestsAndLimits: sum over containers, at least the largest init container.
    let pod_total = |p: &Pod, sec: &str, res: &str| -> (i128, bool) {
        let get = |c: &Container| {
            c.resources
                .as_ref()
                .and_then(|r| r.get(sec))
                .and_then(|m| m.get(res))
                .map(quantity_str)
        };
        let mut binary = false;
        let mut sum: i128 = 0;
        for c in &p.spec.containers {
            if let Some(q) = get(c) {
                binary |= q.ends_with('i');
                sum += parse_milli(&q).unwrap_or(0);
            }
        }
        for c in &p.spec.init_containers {
            if let Some(q) = get(c) {
                let v = parse_milli(&q).unwrap_or(0);
                if v > sum {
                    sum = v;
                    binary |= q.ends_with('i');
                }
            }
        }
        (sum, binary)
    };
    let pct = |v: i128, total: i128| -> i64 {
        if total == 0 {
            0
        } else {
            (v as f64 / total as f64 * 100.0) as i64
        }
    };
    // (section, resource) → (sum, binary units); a handful of keys, looked up, never walked
    // (a list, not a map: one VecMap instantiation less in the wasm).
    type Totals<'a> = Vec<((&'a str, &'a str), (i128, bool))>;
    fn total<'a, 'b>(totals: &'b mut Totals<'a>, key: (&'a str, &'a str)) -> &'b mut (i128, bool) {
        let i = match totals.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                totals.push((key, (0, false)));
                totals.len() - 1
            }
        };
        &mut totals[i].1
    }
    let get = |totals: &Totals, key: (&str, &str)| {
        totals
            .iter()
            .find(|(k, _)| *k == key)
            .map_or((0, false), |(_, t)| *t)
    };
    let mut totals: Totals = Vec::new();
    for p in &pods {
        let mut cells = Vec::new();
        for (sec, res) in [
            ("requests", "cpu"),
            ("limits", "cpu"),
            ("requests", "memory"),
            ("limits", "memory"),
        ] {
            let (v, bin) = pod_total(p, sec, res);
            let t = total(&mut totals, (sec, res));
            t.0 += v;
            t.1 |= bin;
            cells.push(format!(
                "{} ({}%)",
                format_milli(v, bin),
                pct(v, alloc_of(res))
            ));
        }
        w.write(
            1,
            &format!(
                "{}\t{}\t\t{}\t{}\t{}\t{}\t{}\n",
                p.metadata.ns(),
                p.metadata.name,
                cells[0],
                cells[1],
                cells[2],
                cells[3],
                translate_timestamp_since(p.metadata.creation_timestamp, now)
            ),
        );
    }
    for p in &pods {
        let (v, bin) = pod_total(p, "requests", "ephemeral-storage");
        let t = total(&mut totals, ("requests", "ephemeral-storage"));
        t.0 += v;
        t.1 |= bin;
        let (v, bin) = pod_total(p, "limits", "ephemeral-storage");
        let t = total(&mut totals, ("limits", "ephemeral-storage"));
        t.0 += v;
        t.1 |= bin;
    }
    w.write(
        0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    w.write(1, "Resource\tRequests\tLimits\n");
    w.write(1, "--------\t--------\t------\n");
    let mut res_names: Vec<String> =
        vec!["cpu".into(), "memory".into(), "ephemeral-storage".into()];
    res_names.extend(
        alloc
            .keys()
            .filter(|k| k.starts_with("hugepages-"))
            .cloned(),
    );
    for r in &res_names {
        let (req, rb) = get(&totals, ("requests", r.as_str()));
        let (lim, lb) = get(&totals, ("limits", r.as_str()));
        let total = alloc_of(r);
        w.write(
            1,
            &format!(
                "{r}\t{} ({}%)\t{} ({}%)\n",
                format_milli(req, rb),
                pct(req, total),
                format_milli(lim, lb),
                pct(lim, total)
            ),
        );
    }
}

fn describe_storageclass(w: &mut PrefixWriter, api: &ApiServer, sc: &StorageClass, now: Time) {
    let m = &sc.metadata;
    let extra = Value::Object(sc.extra.to_map());
    w.write(0, &format!("Name:\t{}\n", m.name));
    w.write(
        0,
        &format!(
            "IsDefaultClass:\t{}\n",
            if is_default_class(m) { "Yes" } else { "No" }
        ),
    );
    w.write(
        0,
        &format!("Annotations:\t{}\n", format_labels(&m.annotations)),
    );
    w.write(0, &format!("Provisioner:\t{}\n", sc.provisioner));
    let params: VecMap<String, String> = extra
        .get("parameters")
        .and_then(Value::as_object)
        .map(|m| {
            VecMap::from_iter(
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())),
            )
        })
        .unwrap_or_default();
    w.write(0, &format!("Parameters:\t{}\n", format_labels(&params)));
    w.write(
        0,
        &format!(
            "AllowVolumeExpansion:\t{}\n",
            sc.allow_volume_expansion.map_or("<unset>", print_bool)
        ),
    );
    let opts: Vec<&str> = extra
        .get("mountOptions")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if opts.is_empty() {
        w.write(0, "MountOptions:\t<none>\n");
    } else {
        w.write(0, "MountOptions:\n");
        for o in opts {
            w.write(1, &format!("{o}\n"));
        }
    }
    if let Some(r) = &sc.reclaim_policy {
        w.write(0, &format!("ReclaimPolicy:\t{r}\n"));
    }
    if let Some(b) = &sc.volume_binding_mode {
        w.write(0, &format!("VolumeBindingMode:\t{b}\n"));
    }
    let events = search_events(api, "", Some("StorageClass"), &m.name, &m.uid);
    describe_events(w, &events, now);
}

/// Kinds without a dedicated describer here: name, namespace, labels, annotations, events.
fn describe_generic(w: &mut PrefixWriter, api: &ApiServer, obj: &Object, now: Time) {
    let m = obj.meta();
    w.write(0, &format!("Name:\t{}\n", m.name));
    if obj.kind().namespaced() {
        w.write(0, &format!("Namespace:\t{}\n", m.ns()));
    }
    labels_multiline(w, "Labels", &m.labels);
    annotations_multiline(w, "Annotations", &m.annotations);
    let events = search_events(api, m.ns(), Some(obj.kind().name()), &m.name, &m.uid);
    describe_events(w, &events, now);
}
