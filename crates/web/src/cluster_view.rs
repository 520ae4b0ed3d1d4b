//! The cluster view: worker lanes with pod cards, kube-system folded away, the StatefulSet and
//! Service panels, the storage shelf and the DNS table. State is always text as well as colour.

use leptos::prelude::*;

use crate::app::{use_ui, Ui};
use crate::publish::Card;
use crate::rows::{self, Row};
use crate::vm::{self, PodVm, PvcVm, SetVm};

/// Beyond this many pods the cards drop their detail lines (level of detail).
pub const COMPACT_ABOVE: usize = 60;

fn status_class(vm: &PodVm) -> &'static str {
    if vm.terminating {
        "terminating"
    } else if vm.ready {
        "ready"
    } else if vm.status == "Running" {
        "running"
    } else if vm.status == "Pending" || vm.status == "ContainerCreating" {
        "pending"
    } else {
        "failing"
    }
}

/// A glyph per state, so state is never colour alone (the text says it too).
fn status_glyph(vm: &PodVm) -> &'static str {
    match status_class(vm) {
        "ready" => "●",
        "running" => "◐",
        "pending" => "○",
        "terminating" => "◌",
        _ => "✕",
    }
}

/// Everything a pod card shows of its pod as text and attributes. A change of the pod is
/// applied by one effect per card (`CardShown::apply`), which touches only what changed: a
/// card re-rendered through a dozen attribute and text effects cost ≈ 1 ms to build and re-ran
/// all of them on every status change.
#[derive(Clone, PartialEq)]
struct CardShown {
    gone: bool,
    label: String,
    /// Never changes for a card (its pod's UID is its key); `data-pod` comes back with it
    /// when a card stops being a ghost (scrubbing back).
    name: String,
    class: String,
    glyph: &'static str,
    revision: Option<String>,
    status: String,
    meta: String,
    compact: bool,
    orphaned: bool,
}

impl CardShown {
    fn of(v: &PodVm, gone: bool, compact: bool, adopting: bool) -> CardShown {
        CardShown {
            gone,
            label: v.accessible_name(),
            name: v.name.clone(),
            class: format!(
                "pod {}{}{}{}{}",
                status_class(v),
                if v.orphaned { " orphan" } else { "" },
                if gone { " gone" } else { "" },
                if compact { " compact" } else { "" },
                if adopting { " adopting" } else { "" },
            ),
            glyph: status_glyph(v),
            revision: v.revision.clone(),
            status: format!("{} · {}", v.status, v.ready_col),
            meta: format!(
                ":{} · {} · restarts {}",
                v.tag(),
                v.ip.as_deref().unwrap_or("no IP"),
                v.restarts,
            ),
            compact,
            orphaned: v.orphaned,
        }
    }

    /// The revision badge's text: the hash after the set's name.
    fn revision_hash(&self) -> String {
        let r = self.revision.as_deref().unwrap_or_default();
        r.rsplit('-').next().unwrap_or(r).to_string()
    }

    /// Brings the card's DOM (`li`, as built from `was`) up to date.
    fn apply(&self, li: &web_sys::Element, was: &CardShown) {
        let set = |el: &web_sys::Element, attr: &str, value: Option<&str>| {
            let _ = match value {
                Some(v) => el.set_attribute(attr, v),
                None => el.remove_attribute(attr),
            };
        };
        let part = |selector: &str| li.query_selector(selector).ok().flatten();
        let text = |selector: &str, t: &str| {
            if let Some(el) = part(selector) {
                el.set_text_content(Some(t));
            }
        };
        let live = !self.gone;
        if self.gone != was.gone {
            set(li, "role", live.then_some("listitem"));
            set(li, "aria-hidden", self.gone.then_some("true"));
        }
        if self.gone != was.gone || self.label != was.label {
            set(li, "aria-label", live.then_some(self.label.as_str()));
        }
        if self.gone != was.gone {
            set(li, "data-pod", live.then_some(self.name.as_str()));
        }
        if self.class != was.class {
            li.set_class_name(&self.class);
        }
        if self.glyph != was.glyph {
            text(".glyph", self.glyph);
        }
        if self.revision != was.revision {
            if let Some(badge) = part(".rev") {
                set(&badge, "hidden", self.revision.is_none().then_some(""));
                set(
                    &badge,
                    "title",
                    Some(self.revision.as_deref().unwrap_or_default()),
                );
                badge.set_text_content(Some(&self.revision_hash()));
            }
        }
        if self.status != was.status {
            text(".pod-status", &self.status);
        }
        if let Some(meta) = part(".pod-meta") {
            if self.meta != was.meta {
                meta.set_text_content(Some(&self.meta));
            }
            if self.compact != was.compact {
                set(&meta, "hidden", self.compact.then_some(""));
            }
        }
        if self.orphaned != was.orphaned {
            if let Some(tag) = part(".orphan-tag") {
                set(&tag, "hidden", (!self.orphaned).then_some(""));
            }
        }
    }
}

#[component]
fn PodCard(card: Card) -> impl IntoView {
    let ui = use_ui();
    let vm = card.vm;
    let menu = RwSignal::new(false);
    // A card is keyed by its pod's UID: the name never changes (read untracked).
    let name = move || vm.with_untracked(|v| v.name.clone());
    let run = move |cmd: String| {
        menu.set(false);
        ui.run_control(cmd);
    };
    // Changes twice per adoption, where the animation changes every frame.
    let adopting = Memo::new(move |_| card.anim.with(|a| a.adopting()));
    let shown = move || {
        vm.with(|v| {
            CardShown::of(
                v,
                card.gone.get(),
                ui.published.compact.get(),
                adopting.get(),
            )
        })
    };
    let first = untrack(shown);
    let li = NodeRef::<leptos::html::Li>::new();
    let built = first.clone();
    // A render effect: runs now and then synchronously with each change (an `Effect` would
    // wait for the executor, a task per card per change).
    let effect = RenderEffect::new(move |was: Option<CardShown>| {
        let now = shown();
        let was = was.unwrap_or_else(|| built.clone());
        match li.get() {
            Some(el) => {
                now.apply(&el, &was);
                now
            }
            // Not mounted yet: nothing to bring up to date.
            None => was,
        }
    });
    on_cleanup(move || drop(effect));
    let live = !first.gone;
    view! {
        <li
            node_ref=li
            role=live.then_some("listitem")
            aria-hidden=first.gone.then_some("true")
            aria-label=live.then(|| first.label.clone())
            data-pod=live.then(|| first.name.clone())
            class=first.class.clone()
            style=move || card.anim.get().style(ui.reduced_motion)
        >
            <div class="pod-head">
                <span class="glyph" aria-hidden="true">
                    {first.glyph}
                </span>
                <strong class="pod-name">{first.name.clone()}</strong>
                <span
                    class="badge rev"
                    hidden=first.revision.is_none()
                    title=first.revision.clone().unwrap_or_default()
                >
                    {first.revision_hash()}
                </span>
            </div>
            <div class="pod-status">{first.status.clone()}</div>
            <div class="pod-meta" hidden=first.compact>{first.meta.clone()}</div>
            <div class="orphan-tag" hidden=!first.orphaned>"orphan: no owner"</div>
            <Show when=move || adopting.get() && !card.gone.get()>
                <div class="adopted-tag">
                    {move || {
                        vm.with(|v| {
                            format!("adopted by {}", v.owner.as_deref().unwrap_or("its set"))
                        })
                    }}
                </div>
            </Show>
            <Show when=move || !card.gone.get()>
                <button
                    type="button"
                    class="pod-actions"
                    aria-expanded=move || menu.get().to_string()
                    aria-label=format!("Actions for {}", name())
                    on:click=move |_| menu.update(|m| *m = !*m)
                >
                    "⋯"
                </button>
                <Show when=move || menu.get()>
                    <div class="menu" role="group" aria-label=format!("Faults for {}", name())>
                        <button type="button" on:click=move |_| run(format!("sim pod unready {}", name()))>
                            "Fail readiness"
                        </button>
                        <button type="button" on:click=move |_| run(format!("sim pod ready {}", name()))>
                            "Pass readiness"
                        </button>
                        <button type="button" on:click=move |_| run(format!("sim pod kill {}", name()))>
                            "Kill container"
                        </button>
                        <button type="button" on:click=move |_| run(format!("kubectl delete pod {}", name()))>
                            "Delete"
                        </button>
                        <button
                            type="button"
                            on:click=move |_| {
                                run(format!("kubectl delete pod {} --force --grace-period=0", name()))
                            }
                        >
                            "Force delete"
                        </button>
                    </div>
                </Show>
            </Show>
        </li>
    }
}

fn card_of(ui: Ui, key: &str) -> Option<Card> {
    ui.published.cards.with_value(|c| c.get(key).copied())
}

#[component]
fn Lane(name: String, lane: crate::publish::Lane) -> impl IntoView {
    let ui = use_ui();
    let node = lane.node;
    let label = format!("Pods on {name}");
    let n2 = name.clone();
    view! {
        <li class="node" class:down=move || !node.with(|n| n.ready) data-node=name.clone()>
            <div class="node-head">
                <h3>{name.clone()}</h3>
                <span class="node-state">
                    {move || if node.with(|n| n.ready) { "Ready" } else { "NotReady" }}
                </span>
                // The fault at once; NotReady follows after the grace period.
                <span class="node-fault">
                    {move || node.with(|n| n.down).then_some("kubelet stopped")}
                </span>
                <span class="meta">{move || node.with(|n| format!("{} · pods {}", n.ip, n.pod_cidr))}</span>
                <button
                    type="button"
                    class="small"
                    on:click=move |_| {
                        let verb = if node.with_untracked(|n| n.down) { "up" } else { "down" };
                        ui.run_control(format!("sim node {verb} {n2}"));
                    }
                >
                    {move || if node.with(|n| n.down) { "Bring node up" } else { "Take node down" }}
                </button>
            </div>
            <ul role="list" class="lane" aria-label=label>
                <For each=move || lane.cards.get() key=|k| k.clone() let:key>
                    {card_of(ui, &key).map(|card| view! { <PodCard card=card /> })}
                </For>
            </ul>
        </li>
    }
}

/// Ordinals longer than this are drawn as two ranges, not one chip each.
const PARTITION_CHIPS: i32 = 40;

/// The partition line's chips, `(ordinals, held)`: one per ordinal for a small set; for a large
/// one, the held range below the partition and the updating range from it, so the line is
/// still drawn where it falls (it was cut off at ordinal 39).
pub(crate) fn partition_slots(desired: i32, partition: i32) -> Vec<(String, bool)> {
    let desired = desired.max(0);
    if desired <= PARTITION_CHIPS {
        return (0..desired)
            .map(|i| (i.to_string(), i < partition))
            .collect();
    }
    let p = partition.clamp(0, desired);
    let range = |a: i32, b: i32| {
        if a == b {
            a.to_string()
        } else {
            format!("{a}–{b}")
        }
    };
    let mut slots = Vec::new();
    if p > 0 {
        slots.push((range(0, p - 1), true));
    }
    if p < desired {
        slots.push((range(p, desired - 1), false));
    }
    slots
}

#[component]
fn SetPanel(set: SetVm) -> impl IntoView {
    let desired = set.desired.max(0);
    let partition = set.partition.unwrap_or(0);
    let slots = partition_slots(desired, partition)
        .into_iter()
        .map(|(ordinals, held)| {
            let many = ordinals.contains('–');
            let label = format!(
                "{} {ordinals}: {}",
                if many { "ordinals" } else { "ordinal" },
                match (held, many) {
                    (true, _) => "held at the current revision",
                    (false, false) => "gets the update revision",
                    (false, true) => "get the update revision",
                }
            );
            view! {
                <li class="slot" class:held=held aria-label=label>
                    <span class="ord">{ordinals}</span>
                    <span class="slot-note">{if held { "held" } else { "updates" }}</span>
                </li>
            }
        })
        .collect_view();
    let partition_text = match set.partition {
        Some(p) if p > 0 => format!(
            "Partition {p}: ordinals ≥ {p} get the update revision; ordinals below {p} keep the current one."
        ),
        _ => "Partition 0: every ordinal gets the update revision.".to_string(),
    };
    view! {
        <article class="set" data-sts=set.name.clone()>
            <h3>
                "StatefulSet " {set.name.clone()}
                {set.terminating.then_some(" (deleting)")}
            </h3>
            <dl class="counts">
                <div><dt>"desired"</dt><dd>{set.desired}</dd></div>
                <div><dt>"ready"</dt><dd>{set.ready}</dd></div>
                <div><dt>"current"</dt><dd>{set.current}</dd></div>
                <div><dt>"updated"</dt><dd>{set.updated}</dd></div>
            </dl>
            <p class="meta">
                {format!(
                    "{} · {} · service {} · selector {}",
                    set.policy, set.strategy, set.service, set.selector
                )}
            </p>
            <p class="meta">
                {format!(
                    "revisions: current {} → update {}",
                    set.current_revision, set.update_revision
                )}
            </p>
            <p class="meta">"PVC retention: " {set.retention.clone()}</p>
            <ol class="partition" aria-label=format!("Partition of {}", set.name)>
                {slots}
            </ol>
            <p class="meta">{partition_text}</p>
            <p class="blocking" class:idle=set.blocking.is_none()>
                {match set.blocking.clone() {
                    Some(b) => format!("Waiting: {b}"),
                    None => "Not waiting.".to_string(),
                }}
            </p>
        </article>
    }
}

/// A claim's card on the storage shelf, by hand (`rows`). Its "Lose volume" button is
/// handled by the shelf (one listener for all cards; the card's `data-pvc` names the claim).
impl Row for PvcVm {
    fn key(&self) -> String {
        debug_key(self)
    }

    fn build(&self, doc: &web_sys::Document) -> Option<web_sys::Element> {
        let li = doc.create_element("li").ok()?;
        li.set_class_name(if self.phase == "Lost" {
            "pvc lost"
        } else {
            "pvc"
        });
        let _ = li.set_attribute("data-pvc", &self.name);
        let _ = li.set_attribute("aria-label", &self.accessible_name());
        let volume = self.volume.as_deref().unwrap_or("no volume");
        let mounted = match &self.mounted_by {
            Some(p) => format!("mounted by {p}"),
            None => "not mounted".to_string(),
        };
        let owner = match &self.owner {
            Some(o) => format!("owned by {o}"),
            None => "no owner (retained)".to_string(),
        };
        let parts = [
            rows::text_element(doc, "strong", &self.name)?,
            rows::text_element(doc, "span", &self.phase)?,
            rows::text_element(doc, "div", &format!("{} → {volume}", self.capacity))?,
            rows::text_element(doc, "div", &format!("{mounted} · {owner}"))?,
            rows::text_element(doc, "button", "Lose volume")?,
        ];
        parts[1].set_class_name("badge");
        parts[2].set_class_name("meta");
        parts[3].set_class_name("meta");
        parts[4].set_class_name("small");
        let _ = parts[4].set_attribute("type", "button");
        let _ = parts[4].set_attribute("data-action", "lose");
        for part in &parts {
            let _ = li.append_child(part.as_ref());
        }
        Some(li)
    }
}

/// The shelf's click handler: a card's "Lose volume" runs `sim pvc lose <claim>`.
fn shelf_click(ui: Ui, ev: web_sys::MouseEvent) {
    use wasm_bindgen::JsCast;
    let Some(target) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let Ok(Some(button)) = target.closest("button[data-action=\"lose\"]") else {
        return;
    };
    let claim = button
        .closest("[data-pvc]")
        .ok()
        .flatten()
        .and_then(|card| card.get_attribute("data-pvc"));
    if let Some(claim) = claim {
        ui.run_control(format!("sim pvc lose {claim}"));
    }
}

fn debug_key<T: std::fmt::Debug>(t: &T) -> String {
    format!("{t:?}")
}

impl Row for vm::DnsRow {
    fn key(&self) -> String {
        vm::DnsRow::key(self)
    }

    fn build(&self, doc: &web_sys::Document) -> Option<web_sys::Element> {
        let tr = doc.create_element("tr").ok()?;
        let _ = tr.set_attribute("data-dns", &self.key());
        for text in [self.name.as_str(), self.type_, self.value.as_str()] {
            let td = rows::text_element(doc, "td", text)?;
            let _ = tr.append_child(td.as_ref());
        }
        Some(tr)
    }
}

impl Row for vm::PvVm {
    fn key(&self) -> String {
        self.text()
    }

    fn build(&self, doc: &web_sys::Document) -> Option<web_sys::Element> {
        let li = rows::text_element(doc, "li", &self.text())?;
        let _ = li.set_attribute("data-pv", &self.name);
        Some(li)
    }
}

impl vm::PvVm {
    fn text(&self) -> String {
        format!(
            "PV {} · {} · {} · claim {} · reclaim {}",
            self.name,
            self.phase,
            self.capacity,
            self.claim.as_deref().unwrap_or("none"),
            self.reclaim
        )
    }
}

/// Keeps `parent`'s rows in step with `list` (see [`rows`]).
pub(crate) fn rows_effect<R: Row + Send + Sync + 'static, E>(
    parent: NodeRef<E>,
    list: RwSignal<Vec<R>>,
) where
    E: leptos::html::ElementType,
    E::Output: AsRef<web_sys::Element> + Clone + 'static,
    NodeRef<E>: Get<Value = Option<E::Output>>,
{
    let mut kept = rows::KeyedRows::default();
    Effect::new(move |_| {
        let el = parent.get();
        list.with(|list| {
            if let Some(el) = el {
                kept.sync(el.as_ref(), list);
            }
        });
    });
}

#[component]
pub fn ClusterView() -> impl IntoView {
    let ui = use_ui();
    let p = ui.published;
    let dns_body = NodeRef::<leptos::html::Tbody>::new();
    let pv_list = NodeRef::<leptos::html::Ul>::new();
    rows_effect(dns_body, p.dns);
    rows_effect(pv_list, p.pvs);
    let shelf = NodeRef::<leptos::html::Ul>::new();
    rows_effect(shelf, p.pvcs);
    view! {
        <section class="panel cluster" aria-labelledby="cluster-heading">
            <h2 id="cluster-heading">"Cluster"</h2>
            <ul class="nodes" aria-label="Worker nodes">
                <For each=move || p.lanes.get() key=|(n, _)| n.clone() let:((name, lane))>
                    <Lane name=name lane=lane />
                </For>
            </ul>
            <Show when=move || !p.unscheduled.with(Vec::is_empty)>
                <div class="unscheduled">
                    <h3>"Not yet scheduled"</h3>
                    <ul role="list" class="lane" aria-label="Pods not yet scheduled">
                        <For each=move || p.unscheduled.get() key=|k| k.clone() let:key>
                            {card_of(ui, &key).map(|card| view! { <PodCard card=card /> })}
                        </For>
                    </ul>
                </div>
            </Show>
            <details class="system">
                <summary>"kube-system and the control plane"</summary>
                <ul class="system-list" aria-label="Control plane">
                    <li data-node="control-plane">
                        "control-plane: control plane node (NoSchedule taint)"
                    </li>
                </ul>
                <ul class="system-list" aria-label="kube-system pods">
                    <For each=move || p.system_pods.get() key=debug_key let:pod>
                        <li>
                            {format!(
                                "{} · {} · {} · {}",
                                pod.name,
                                pod.status,
                                pod.node.clone().unwrap_or_else(|| "unscheduled".into()),
                                pod.ip.clone().unwrap_or_default(),
                            )}
                        </li>
                    </For>
                </ul>
            </details>
            <div class="workloads">
                <For each=move || p.sets.get() key=debug_key let:set>
                    <SetPanel set=set />
                </For>
                <For each=move || p.services.get() key=debug_key let:svc>
                    <article class="svc" data-svc=svc.name.clone()>
                        <h3>"Service " {svc.name.clone()}</h3>
                        <p class="meta">
                            {format!(
                                "{} · clusterIP {} · ports {} · selector {}",
                                if svc.cluster_ip == "None" { "headless" } else { "ClusterIP" },
                                svc.cluster_ip,
                                svc.ports,
                                svc.selector
                            )}
                        </p>
                    </article>
                </For>
            </div>
            <h2 id="storage-heading">"Storage"</h2>
            // A scroll box, like the DNS table's: with a hundred claims the shelf would
            // otherwise push the DNS records and the reason feed thousands of pixels down.
            <div class="storage-wrap" tabindex="0" role="region" aria-labelledby="storage-heading">
                // Cards by hand (`rows`): claims appear at many places at once.
                <ul
                    class="shelf"
                    aria-labelledby="storage-heading"
                    node_ref=shelf
                    on:click=move |ev| shelf_click(ui, ev)
                ></ul>
                // Rows by hand (`rows`): volumes appear at many places at once.
                <ul class="pvs" aria-label="PersistentVolumes" node_ref=pv_list></ul>
            </div>
            <h2 id="dns-heading">"DNS records"</h2>
            <div class="dns-wrap" tabindex="0" role="region" aria-labelledby="dns-heading">
                <table class="dns" aria-label="DNS records">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Type"</th>
                            <th scope="col">"Value"</th>
                        </tr>
                    </thead>
                    // Rows by hand (`rows`): records appear at many places at once.
                    <tbody node_ref=dns_body></tbody>
                </table>
            </div>
        </section>
    }
}
