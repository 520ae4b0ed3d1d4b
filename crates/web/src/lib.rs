//! `ordinal-web`: the browser front end (Leptos 0.8, client-side rendering).
//!
//! The walking skeleton: the page's layout regions — cluster view, terminal, YAML editor,
//! playback bar, controller events, DNS records — over the model's cluster profile. The
//! simulation itself is not wired in yet; the controls keep their own local state.
//!
//! Accessible names used here are a contract with the end-to-end tests and outside checks:
//! keep them exact. No user-derived string ever goes to `inner_html`: all text is text nodes.

use leptos::prelude::*;
use ordinal_model::profile::{CLUSTER_DOMAIN, DNS_SERVICE_IP, KUBERNETES_VERSION};
use ordinal_model::{NodeProfile, Profile};
use wasm_bindgen::prelude::*;

/// The tutorial's first manifest (a headless Service and the `web` StatefulSet).
pub const WEB_YAML: &str = include_str!("../../../www/manifests/web.yaml");

/// Playback speeds offered by the Speed slider (value = index).
pub const SPEEDS: [&str; 6] = ["0.25×", "0.5×", "1×", "2×", "4×", "8×"];
pub const DEFAULT_SPEED: usize = 2;

/// The label of the play/pause toggle: it names the action it performs.
pub fn toggle_label(running: bool) -> &'static str {
    if running {
        "Pause"
    } else {
        "Play"
    }
}

pub fn speed_label(index: usize) -> &'static str {
    SPEEDS[index.min(SPEEDS.len() - 1)]
}

/// The cluster's own DNS records, from the model's profile: (name, type, value).
pub fn dns_records() -> Vec<(String, &'static str, String)> {
    vec![(
        format!("kube-dns.kube-system.svc.{CLUSTER_DOMAIN}"),
        "A",
        DNS_SERVICE_IP.to_string(),
    )]
}

/// A one-line description of a manifest: how many documents and which kinds.
/// (A line scan, not a YAML parser: the kubectl crate owns parsing.)
pub fn manifest_summary(text: &str) -> String {
    let kinds: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("kind:"))
        .map(|k| k.trim().trim_matches('"'))
        .collect();
    match kinds.len() {
        0 => "no Kubernetes objects found (no top-level `kind:`)".to_string(),
        1 => format!("1 object ({})", kinds[0]),
        n => format!("{n} objects ({})", kinds.join(", ")),
    }
}

fn node_role(n: &NodeProfile) -> &'static str {
    if n.control_plane {
        "control plane (NoSchedule)"
    } else {
        "worker"
    }
}

/// One line of the terminal or event feed; `id` keys the list.
#[derive(Clone, Debug, PartialEq)]
struct Line {
    id: usize,
    text: String,
}

fn push(lines: RwSignal<Vec<Line>>, text: String) {
    lines.update(|v| {
        let id = v.len();
        v.push(Line { id, text });
    });
}

#[component]
pub fn App() -> impl IntoView {
    let profile = Profile::default();
    let running = RwSignal::new(true);
    let speed = RwSignal::new(DEFAULT_SPEED);
    // Timeline: `tick` is the position, `recorded` how far the run has gone.
    let tick = RwSignal::new(0u32);
    let recorded = RwSignal::new(0u32);
    let events = RwSignal::new(Vec::<Line>::new());
    let terminal = RwSignal::new(Vec::<Line>::new());
    let command = RwSignal::new(String::new());
    let manifest = RwSignal::new(WEB_YAML.to_string());

    let workers: Vec<&str> = profile.workers().map(|n| n.name.as_str()).collect();
    push(
        events,
        format!(
            "Cluster ready: {} control-plane node and {} workers ({}), Kubernetes {KUBERNETES_VERSION}.",
            profile.nodes.len() - workers.len(),
            workers.len(),
            workers.join(", ")
        ),
    );
    push(
        terminal,
        "Ordinal: a simulated cluster. The terminal is not connected to it yet.".to_string(),
    );

    let step = move |_| {
        running.set(false);
        let t = tick.get() + 1;
        tick.set(t);
        recorded.update(|r| *r = (*r).max(t));
    };
    let step_back = move |_| {
        running.set(false);
        tick.update(|t| *t = t.saturating_sub(1));
    };
    let reset = move |_| {
        tick.set(0);
        recorded.set(0);
    };
    let apply = move |_| {
        let summary = manifest.with(|m| manifest_summary(m));
        push(
            events,
            format!("Apply: {summary}. Not applied: the simulator is not wired to the page yet."),
        );
    };
    let run_command = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() != "Enter" || ev.shift_key() {
            return;
        }
        ev.prevent_default();
        let line = command.get().trim().to_string();
        command.set(String::new());
        if line.is_empty() {
            return;
        }
        push(terminal, format!("$ {line}"));
        push(
            terminal,
            "ordinal: commands are not connected to the simulator yet.".to_string(),
        );
    };

    let nodes = profile
        .nodes
        .iter()
        .map(|n| {
            let name = n.name.clone();
            let lane = (!n.control_plane).then(|| {
                view! { <ul role="list" class="lane" aria-label=format!("Pods on {name}")></ul> }
            });
            view! {
                <li class="node" class:control-plane=n.control_plane data-node=n.name.clone()>
                    <h3>{n.name.clone()}</h3>
                    <p class="meta">
                        {node_role(n)} " · " {n.internal_ip.clone()} " · pods " {n.pod_cidr()}
                    </p>
                    {lane}
                </li>
            }
        })
        .collect_view();

    let dns_rows = dns_records()
        .into_iter()
        .map(|(name, kind, value)| {
            view! {
                <tr>
                    <td>{name}</td>
                    <td>{kind}</td>
                    <td>{value}</td>
                </tr>
            }
        })
        .collect_view();

    view! {
        <header class="masthead">
            <h1>"Ordinal"</h1>
            <p class="tagline">
                "A StatefulSet playground on a simulated Kubernetes " {KUBERNETES_VERSION}
                " cluster"
            </p>
        </header>
        <main class="layout">
            <section class="panel playback" aria-label="Playback">
                <button
                    type="button"
                    class="primary toggle"
                    on:click=move |_| running.update(|r| *r = !*r)
                >
                    {move || toggle_label(running.get())}
                </button>
                <button type="button" on:click=step_back>
                    "Step back"
                </button>
                <button type="button" on:click=step>
                    "Step"
                </button>
                <button type="button" on:click=reset>
                    "Reset"
                </button>
                <span class="range">
                    <label for="speed">"Speed"</label>
                    <input
                        id="speed"
                        type="range"
                        min="0"
                        max=SPEEDS.len() - 1
                        step="1"
                        value=DEFAULT_SPEED
                        prop:value=move || speed.get().to_string()
                        aria-valuetext=move || speed_label(speed.get())
                        on:input:target=move |ev| {
                            speed.set(ev.target().value().parse().unwrap_or(DEFAULT_SPEED))
                        }
                    />
                    <span class="value" aria-hidden="true">
                        {move || speed_label(speed.get())}
                    </span>
                </span>
                <span class="range timeline">
                    <label for="timeline">"Timeline"</label>
                    <input
                        id="timeline"
                        type="range"
                        min="0"
                        max=move || recorded.get().to_string()
                        step="1"
                        value="0"
                        prop:value=move || tick.get().to_string()
                        aria-valuetext=move || format!("tick {} of {}", tick.get(), recorded.get())
                        on:input:target=move |ev| {
                            tick.set(ev.target().value().parse().unwrap_or(0))
                        }
                    />
                    <span class="value" aria-hidden="true">
                        {move || format!("tick {} / {}", tick.get(), recorded.get())}
                    </span>
                </span>
                <span class="state">{move || if running.get() { "running" } else { "paused" }}</span>
            </section>

            <section class="panel cluster">
                <h2>"Cluster"</h2>
                <ul class="nodes" aria-label="Nodes">
                    {nodes}
                </ul>
                <h2 id="dns-heading">"DNS records"</h2>
                <table class="dns" aria-labelledby="dns-heading">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Type"</th>
                            <th scope="col">"Value"</th>
                        </tr>
                    </thead>
                    <tbody>{dns_rows}</tbody>
                </table>
            </section>

            <section class="panel terminal">
                <h2>
                    <label for="terminal-input">"Terminal"</label>
                </h2>
                <div class="output" role="log" aria-label="Terminal output" tabindex="0">
                    <For each=move || terminal.get() key=|l| l.id let:line>
                        <pre>{line.text}</pre>
                    </For>
                </div>
                <textarea
                    id="terminal-input"
                    class="command"
                    rows="2"
                    spellcheck="false"
                    autocapitalize="off"
                    autocomplete="off"
                    placeholder="kubectl get pods (Enter runs)"
                    prop:value=move || command.get()
                    on:input:target=move |ev| command.set(ev.target().value())
                    on:keydown=run_command
                ></textarea>
            </section>

            <section class="panel editor">
                <h2>
                    <label for="manifest-input">"Manifest"</label>
                </h2>
                <textarea
                    id="manifest-input"
                    class="manifest"
                    rows="18"
                    spellcheck="false"
                    autocapitalize="off"
                    autocomplete="off"
                    wrap="off"
                    on:input:target=move |ev| manifest.set(ev.target().value())
                >
                    // The initial text is the default value, set synchronously at mount; the
                    // textarea owns its value afterwards and reports edits to `manifest`.
                    {WEB_YAML}
                </textarea>
                <button type="button" class="primary" on:click=apply>
                    "Apply"
                </button>
            </section>

            <section class="panel events">
                <h2 id="events-heading">"Controller events"</h2>
                <div class="feed" role="log" aria-live="polite" aria-label="Controller events" tabindex="0">
                    <For each=move || events.get() key=|l| l.id let:line>
                        <p>{line.text}</p>
                    </For>
                </div>
            </section>
        </main>
    }
}

/// Mounts the app into `#app` (or `<body>`) and marks `app-mounted` for the load benchmark.
/// Called by `index.html` after the wasm is instantiated.
#[wasm_bindgen]
pub fn mount() -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let parent: web_sys::HtmlElement = match document.get_element_by_id("app") {
        Some(el) => el.dyn_into()?,
        None => document.body().ok_or("no <body>")?,
    };
    leptos::mount::mount_to(parent, App).forget();
    if let Some(perf) = window.performance() {
        perf.mark("app-mounted")?;
    }
    Ok(())
}
