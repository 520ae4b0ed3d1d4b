//! The embed's postMessage API for host pages (protocol 1; documented in docs/embedding.md).
//!
//! Trust: messages are accepted only from `window.parent`, and only when the message's origin
//! equals exactly one allowed origin — the `host-origin=` query parameter, or, when that is
//! absent, the origin of `document.referrer` (the page that embedded us). With neither, or when
//! the page is not framed, the API is off. Replies and events go to that exact origin with
//! `postMessage(reply, origin)`, never `"*"`.
//!
//! Shape: a message must be a plain object (no arrays, no class instances) whose JSON form is at
//! most [`MAX_MESSAGE`] bytes, with a string `type`. Messages whose type does not start with
//! `ordinal:` belong to someone else and are ignored silently; an `ordinal:` message that is
//! malformed changes nothing and gets an `ordinal:error` reply.
//!
//! Commands from the host are queued like lines typed into the terminal and applied on the
//! model's tick ([`after_tick`]), one at a time; the reply carries the output once the command
//! has finished (or after [`RUN_REPLY_MS`] of wall time, for commands that keep running).

use std::cell::RefCell;
use std::collections::VecDeque;

use leptos::prelude::*;
use ordinal_kubectl::shell::Stream;
use serde_json::{json, Map, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::Ui;
use crate::engine::Cmd;
use crate::vm;

pub const PROTOCOL: u64 = 1;
/// The largest message accepted, as JSON text (bytes).
pub const MAX_MESSAGE: usize = 16 * 1024;
pub const MAX_TYPE: usize = 64;
pub const MAX_COMMAND: usize = 4_096;
pub const MAX_ID: usize = 64;
/// The most host commands waiting at once.
pub const MAX_PENDING: usize = 8;
/// The most output text returned for one command (bytes).
pub const MAX_OUTPUT: usize = 64 * 1024;
/// A command still running after this much wall time is answered with what it printed so far.
pub const RUN_REPLY_MS: f64 = 15_000.0;
/// Events out: at most this many per wall second (the rest are counted as `dropped`).
pub const EVENTS_PER_SECOND: f64 = 10.0;

/// A validated request from the host.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    Run(String),
    GetState,
    GoToStep(usize),
    Pause,
    Play,
}

impl Request {
    pub fn type_name(&self) -> &'static str {
        match self {
            Request::Run(_) => "ordinal:run",
            Request::GetState => "ordinal:get-state",
            Request::GoToStep(_) => "ordinal:goto-step",
            Request::Pause => "ordinal:pause",
            Request::Play => "ordinal:play",
        }
    }
}

/// A request plus the host's correlation `id` (echoed in the reply).
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub id: Option<Value>,
    pub request: Request,
}

/// Why an `ordinal:` message was refused (the reply's `error`).
#[derive(Clone, Debug, PartialEq)]
pub struct Refused {
    pub id: Option<Value>,
    pub request: Option<String>,
    pub error: String,
}

/// Validates a message's JSON form. `Ok(None)`: not an Ordinal message (ignore it silently).
pub fn parse_message(text: &str) -> Result<Option<Message>, Refused> {
    let refuse =
        |id: Option<Value>, request: Option<String>, error: String| Refused { id, request, error };
    if text.len() > MAX_MESSAGE {
        // Too big to look inside: only say so if it claims to be ours.
        return if text.contains("\"ordinal:") {
            Err(refuse(
                None,
                None,
                format!("message larger than {MAX_MESSAGE} bytes"),
            ))
        } else {
            Ok(None)
        };
    }
    let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(text) else {
        return Ok(None);
    };
    let Some(Value::String(ty)) = obj.get("type") else {
        return Ok(None);
    };
    if !ty.starts_with("ordinal:") {
        return Ok(None);
    }
    let ty_field = (ty.len() <= MAX_TYPE).then(|| ty.clone());
    let id = match obj.get("id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.len() <= MAX_ID => Some(Value::String(s.clone())),
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Some(Value::Number(n.clone())),
        Some(_) => {
            return Err(refuse(
                None,
                ty_field,
                format!("id must be a string of at most {MAX_ID} characters or an integer"),
            ))
        }
    };
    if let Some(p) = obj.get("protocol") {
        if p.as_u64() != Some(PROTOCOL) {
            return Err(refuse(
                id,
                ty_field,
                format!("unsupported protocol {p}; this embed speaks protocol {PROTOCOL}"),
            ));
        }
    }
    let request = match ty.as_str() {
        "ordinal:run" => match obj.get("command") {
            Some(Value::String(c)) if c.len() > MAX_COMMAND => {
                return Err(refuse(
                    id,
                    ty_field,
                    format!("command longer than {MAX_COMMAND} bytes"),
                ))
            }
            Some(Value::String(c)) if c.trim().is_empty() || c.contains(['\n', '\r', '\0']) => {
                return Err(refuse(
                    id,
                    ty_field,
                    "command must be one non-empty line".into(),
                ))
            }
            Some(Value::String(c)) => Request::Run(c.clone()),
            _ => {
                return Err(refuse(
                    id,
                    ty_field,
                    "ordinal:run needs a string command".into(),
                ))
            }
        },
        "ordinal:get-state" => Request::GetState,
        "ordinal:goto-step" => match obj.get("step").and_then(Value::as_u64) {
            Some(n) if (1..=1_000).contains(&n) => Request::GoToStep(n as usize),
            _ => {
                return Err(refuse(
                    id,
                    ty_field,
                    "ordinal:goto-step needs step, an integer from 1".into(),
                ))
            }
        },
        "ordinal:pause" => Request::Pause,
        "ordinal:play" => Request::Play,
        _ => {
            return Err(refuse(
                id,
                ty_field,
                "unknown message type (known: ordinal:run, ordinal:get-state, ordinal:goto-step, ordinal:pause, ordinal:play)".into(),
            ))
        }
    };
    Ok(Some(Message { id, request }))
}

/// The origin part (`scheme://host[:port]`) of a URL, validated; `None` for anything else
/// (an empty referrer, `about:blank`, `file:`…).
pub fn origin_of_url(url: &str) -> Option<String> {
    let scheme_end = url.find("://")?;
    let after = &url[scheme_end + 3..];
    let end = after.find(['/', '?', '#']).unwrap_or(after.len());
    let authority = &after[..end];
    if authority.contains('@') {
        return None;
    }
    crate::params::parse_origin(&format!("{}://{}", &url[..scheme_end], authority))
}

/// Which origin the embed trusts: `host-origin=` when given, else the referrer's origin.
pub fn allowed_origin(host_origin: Option<&str>, referrer: &str) -> Option<String> {
    match host_origin {
        Some(o) => crate::params::parse_origin(o),
        None => origin_of_url(referrer),
    }
}

/// A reply: `{protocol, type: "ordinal:reply", request, id?, ok, ...}`.
pub fn reply(request: &str, id: &Option<Value>, fields: Value) -> Value {
    let mut m = Map::new();
    m.insert("protocol".into(), json!(PROTOCOL));
    m.insert("type".into(), json!("ordinal:reply"));
    m.insert("request".into(), json!(request));
    if let Some(id) = id {
        m.insert("id".into(), id.clone());
    }
    if let Value::Object(f) = fields {
        m.extend(f);
    }
    Value::Object(m)
}

pub fn error_reply(r: &Refused) -> Value {
    let mut v = json!({
        "protocol": PROTOCOL,
        "type": "ordinal:error",
        "ok": false,
        "error": r.error,
    });
    if let Some(req) = &r.request {
        v["request"] = json!(req);
    }
    if let Some(id) = &r.id {
        v["id"] = id.clone();
    }
    v
}

/// The `get-state` reply's body, from the cluster.
pub fn state_of(c: &ordinal_model::Cluster, running: bool, speed: usize) -> Value {
    let now = c.now();
    let cvm = vm::cluster_vm(c);
    let pods: Vec<Value> = cvm
        .pods
        .iter()
        .map(|p| {
            json!({
                "name": p.name,
                "namespace": p.namespace,
                "status": p.status,
                "ready": p.ready,
                "readyContainers": p.ready_col,
                "node": p.node,
            })
        })
        .collect();
    json!({
        "ok": true,
        "time": vm::clock(now),
        "timeMs": now.ms(),
        "running": running,
        "speed": crate::engine::speed_label(speed),
        "pods": pods,
        "eventLogHash": format!("{:016x}", c.event_log_hash()),
    })
}

struct ActiveRun {
    id: Option<Value>,
    command: String,
    /// The tick that applies the queued line has run.
    applied: bool,
    started: f64,
    output: String,
    echo_skipped: bool,
}

#[derive(Default)]
struct HostState {
    origin: Option<String>,
    pending: VecDeque<(Option<Value>, String)>,
    active: Option<ActiveRun>,
    reason_cursor: Option<u64>,
    tokens: f64,
    last_refill: f64,
    dropped: u64,
    last_step: Option<(usize, usize, bool)>,
}

thread_local! {
    static STATE: RefCell<HostState> = RefCell::new(HostState::default());
}

fn perf_now() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// Posts `v` to the parent at the allowed origin (a no-op when the API is off).
fn post(v: &Value) {
    let Some(origin) = STATE.with(|s| s.borrow().origin.clone()) else {
        return;
    };
    let Ok(Some(parent)) = window().parent() else {
        return;
    };
    if let Ok(js) = js_sys::JSON::parse(&v.to_string()) {
        let _ = parent.post_message(&js, &origin);
    }
}

/// Is `v` a plain object (prototype `Object.prototype` or null), not an array or instance?
fn plain_object(v: &JsValue) -> bool {
    if !v.is_object() || js_sys::Array::is_array(v) || v.is_function() {
        return false;
    }
    let proto = js_sys::Object::get_prototype_of(v);
    let object_proto = js_sys::Object::get_prototype_of(&js_sys::Object::new());
    proto.is_null() || js_sys::Object::is(&proto, &object_proto)
}

/// Turns the API on when the page is framed and an origin is allowed; listens for messages.
pub fn install(ui: Ui) {
    let w = window();
    let framed = w
        .parent()
        .ok()
        .flatten()
        .is_some_and(|p| !js_sys::Object::is(&p, &w));
    if !framed {
        return;
    }
    let host_origin = crate::params::with(|p| p.host_origin.clone());
    let referrer = document().referrer();
    let Some(origin) = allowed_origin(host_origin.as_deref(), &referrer) else {
        return;
    };
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.origin = Some(origin);
        s.tokens = EVENTS_PER_SECOND;
        s.last_refill = perf_now();
    });
    let handle = window_event_listener_untyped("message", move |ev| {
        if let Ok(ev) = ev.dyn_into::<web_sys::MessageEvent>() {
            on_message(ui, &ev);
        }
    });
    // The app lives as long as the page; the listener goes with it.
    on_cleanup(move || handle.remove());
    post(&json!({"protocol": PROTOCOL, "type": "ordinal:event", "kind": "ready"}));
}

fn on_message(ui: Ui, ev: &web_sys::MessageEvent) {
    let Some(origin) = STATE.with(|s| s.borrow().origin.clone()) else {
        return;
    };
    // Exact origin, and from our parent window only (not a sibling frame or a popup).
    if ev.origin() != origin {
        return;
    }
    let from_parent = match (ev.source(), window().parent().ok().flatten()) {
        (Some(src), Some(parent)) => js_sys::Object::is(&src, &parent),
        _ => false,
    };
    if !from_parent {
        return;
    }
    let data = ev.data();
    if !plain_object(&data) {
        return;
    }
    let Ok(text) = js_sys::JSON::stringify(&data) else {
        return;
    };
    let text: String = text.into();
    match parse_message(&text) {
        Ok(None) => {}
        Err(refused) => post(&error_reply(&refused)),
        Ok(Some(msg)) => handle(ui, msg),
    }
}

fn handle(ui: Ui, msg: Message) {
    let name = msg.request.type_name();
    match msg.request {
        Request::Run(command) => {
            let full = STATE.with(|s| {
                let mut s = s.borrow_mut();
                if s.pending.len() >= MAX_PENDING {
                    true
                } else {
                    s.pending.push_back((msg.id.clone(), command));
                    false
                }
            });
            if full {
                post(&error_reply(&Refused {
                    id: msg.id,
                    request: Some(name.into()),
                    error: format!("{MAX_PENDING} commands are already waiting; try again later"),
                }));
            }
        }
        Request::GetState => {
            let running = ui.running.get_untracked();
            let speed = ui.speed.get_untracked();
            let Some(mut body) = ui.engine().map(|e| {
                e.borrow()
                    .session
                    .with_timeline(|tl| state_of(tl.cluster(), running, speed))
            }) else {
                return;
            };
            body["tour"] = tour_state(ui);
            post(&reply(name, &msg.id, body));
        }
        Request::GoToStep(step) => {
            let result = go_to_step(ui, step);
            let body = match result {
                Ok(()) => json!({"ok": true, "step": step, "tour": tour_state(ui)}),
                Err(e) => json!({"ok": false, "error": e}),
            };
            post(&reply(name, &msg.id, body));
        }
        Request::Pause | Request::Play => {
            let run = matches!(msg.request, Request::Play);
            ui.running.set(run);
            post(&reply(name, &msg.id, json!({"ok": true, "running": run})));
        }
    }
}

/// The tour panel's step, when a tour is active (`null` otherwise).
fn tour_state(ui: Ui) -> Value {
    match crate::tour_hooks::state(ui) {
        Some(t) => json!({"id": t.id, "step": t.step, "of": t.of, "done": t.done}),
        None => Value::Null,
    }
}

fn go_to_step(ui: Ui, step: usize) -> Result<(), String> {
    crate::tour_hooks::go_to(ui, step)
}

/// Called after every tick with what the tick printed: finishes and starts host commands and
/// sends rate-limited events.
pub fn after_tick(ui: Ui, output: &[(Stream, String)], busy: bool) {
    if STATE.with(|s| s.borrow().origin.is_none()) {
        return;
    }
    let now = perf_now();
    // The running command: collect its output; reply when it is done.
    let finished = STATE.with(|s| {
        let mut s = s.borrow_mut();
        let run = s.active.as_mut()?;
        if !run.applied {
            run.applied = true;
        }
        for (_, text) in output {
            let mut text = text.as_str();
            if !run.echo_skipped {
                // The terminal echoes the line first; the reply carries only the output.
                if let Some(rest) = text
                    .strip_suffix('\n')
                    .and_then(|t| t.strip_suffix(run.command.as_str()))
                {
                    if rest.len() <= 8 {
                        run.echo_skipped = true;
                        continue;
                    }
                }
                run.echo_skipped = true;
                text = text.trim_start_matches('\u{0}');
            }
            let room = MAX_OUTPUT.saturating_sub(run.output.len());
            let mut cut = text.len().min(room);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            run.output.push_str(&text[..cut]);
        }
        let timed_out = now - run.started > RUN_REPLY_MS;
        (!busy || timed_out).then(|| {
            let run = s.active.take().expect("checked above");
            (run, !busy)
        })
    });
    if let Some((run, done)) = finished {
        post(&reply(
            "ordinal:run",
            &run.id,
            json!({
                "ok": true,
                "command": run.command,
                "finished": done,
                "output": run.output,
            }),
        ));
    }
    // The next command, when the terminal is free.
    if !busy {
        let next = STATE.with(|s| {
            let mut s = s.borrow_mut();
            if s.active.is_some() {
                return None;
            }
            let (id, command) = s.pending.pop_front()?;
            s.active = Some(ActiveRun {
                id,
                command: command.clone(),
                applied: false,
                started: now,
                output: String::new(),
                echo_skipped: false,
            });
            Some(command)
        });
        if let Some(command) = next {
            // Like typing it: history and the same queue (read-only blocks the reader, not
            // the host page that embedded us).
            crate::terminal::remember(&ui, &command);
            ui.enqueue(Cmd::Line(command));
        }
    }
    send_reason_events(ui, now);
}

fn send_reason_events(ui: Ui, now: f64) {
    let Some(lines) = ui.engine().map(|e| {
        e.borrow().session.with_timeline(|tl| {
            let c = tl.cluster();
            let next = c.reasons().next_seq();
            STATE.with(|s| {
                let mut s = s.borrow_mut();
                let from = match s.reason_cursor {
                    Some(cur) if cur <= next => cur,
                    // First tick (history before the host listened is not replayed) or
                    // scrubbed back: start from here.
                    _ => next,
                };
                s.reason_cursor = Some(next);
                c.reasons()
                    .since(from)
                    .filter(|r| r.object.namespace != vm::SYSTEM_NS)
                    .take(64)
                    .map(|r| {
                        json!({
                            "protocol": PROTOCOL,
                            "type": "ordinal:event",
                            "kind": "reason",
                            "seq": r.seq,
                            "time": vm::clock(r.at),
                            "timeMs": r.at.ms(),
                            "controller": r.controller,
                            "object": format!("{}/{}", r.object.kind.resource(), r.object.name),
                            "wait": r.reason.is_wait(),
                            "text": r.to_string(),
                        })
                    })
                    .collect::<Vec<_>>()
            })
        })
    }) else {
        return;
    };
    let step = tour_step_tuple(ui);
    let to_send = STATE.with(|s| {
        let mut s = s.borrow_mut();
        s.tokens =
            (s.tokens + (now - s.last_refill) / 1_000.0 * EVENTS_PER_SECOND).min(EVENTS_PER_SECOND);
        s.last_refill = now;
        let mut out = Vec::new();
        if step != s.last_step {
            s.last_step = step;
            if let Some((step, of, done)) = step {
                out.push(json!({
                    "protocol": PROTOCOL,
                    "type": "ordinal:event",
                    "kind": "step",
                    "step": step,
                    "of": of,
                    "done": done,
                }));
            }
        }
        out.extend(lines);
        let mut send = Vec::new();
        for mut ev in out {
            if s.tokens >= 1.0 {
                s.tokens -= 1.0;
                if s.dropped > 0 {
                    ev["dropped"] = json!(s.dropped);
                    s.dropped = 0;
                }
                send.push(ev);
            } else {
                s.dropped += 1;
            }
        }
        send
    });
    for ev in &to_send {
        post(ev);
    }
}

fn tour_step_tuple(ui: Ui) -> Option<(usize, usize, bool)> {
    crate::tour_hooks::state(ui).map(|t| (t.step, t.of, t.done))
}
