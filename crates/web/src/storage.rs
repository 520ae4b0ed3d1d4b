//! Versioned localStorage: editor files, terminal history and the scenario. Storage is
//! untrusted: sizes are capped, the scenario goes through `Scenario::from_json`, and anything
//! that fails falls back to defaults with a visible notice. Writes never throw (quota errors
//! become a notice) and unreadable data is kept aside, never silently overwritten.

use ordinal_model::Scenario;

use crate::terminal::{HISTORY_CAP, HISTORY_LINE_CAP};

pub const VERSION: u32 = 1;
pub const KEY_SCENARIO: &str = "ordinal.v1.scenario";
pub const KEY_HISTORY: &str = "ordinal.v1.history";
/// Where the stored scenario is kept when a share link is opened over it.
pub const KEY_BEFORE_LINK: &str = "ordinal.v1.scenario.before-link";
/// The largest value read back from storage (bytes).
pub const MAX_VALUE: usize = 2 * 1024 * 1024;
/// Where an embed's keys live: never under the main app's `ordinal.v1.*` names.
pub const EMBED_PREFIX: &str = "ordinal.v1.embed.";
/// The default seed of a fresh cluster.
pub const DEFAULT_SEED: u64 = 1;

/// The tutorial's manifests, the editor's default files.
pub const WEB_YAML: &str = include_str!("../../../www/manifests/web.yaml");
pub const WEB_PARALLEL_YAML: &str = include_str!("../../../www/manifests/web-parallel.yaml");

pub fn default_files() -> Vec<(String, String)> {
    vec![
        ("web.yaml".into(), WEB_YAML.into()),
        ("web-parallel.yaml".into(), WEB_PARALLEL_YAML.into()),
    ]
}

/// What the page starts from.
pub struct Restored {
    pub seed: u64,
    pub scenario: Option<Scenario>,
    pub files: Vec<(String, String)>,
    pub history: Vec<String>,
    pub notice: Option<String>,
}

/// FNV-1a, for turning a page address into a short storage key.
fn fnv64(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The storage key for `base` (one of the `KEY_*` names) on this page. The main app uses the
/// names as they are; an embed (or any page given `id=`) gets its own prefix — by its `id`, else
/// by its path and query — so several embeds on one page keep separate state and an embed never
/// overwrites the main app's.
pub fn scoped_key(base: &str, embed: bool, id: Option<&str>, path_and_query: &str) -> String {
    let name = base.strip_prefix("ordinal.v1.").unwrap_or(base);
    match id {
        Some(id) => format!("{EMBED_PREFIX}id-{id}.{name}"),
        None if embed => format!("{EMBED_PREFIX}page-{:016x}.{name}", fnv64(path_and_query)),
        None => base.to_string(),
    }
}

/// [`scoped_key`] for the current page.
pub fn key(base: &str) -> String {
    let (embed, id) = crate::params::with(|p| (p.embed, p.id.clone()));
    let path_and_query = web_sys::window()
        .map(|w| {
            let l = w.location();
            format!(
                "{}{}",
                l.pathname().unwrap_or_default(),
                l.search().unwrap_or_default()
            )
        })
        .unwrap_or_default();
    scoped_key(base, embed, id.as_deref(), &path_and_query)
}

fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn get(base: &str) -> Result<Option<String>, String> {
    let key = &key(base);
    let Some(s) = local() else {
        return Err("browser storage is not available".into());
    };
    s.get_item(key)
        .map_err(|_| "browser storage could not be read".to_string())
}

fn set(base: &str, value: &str) -> Result<(), String> {
    let key = &key(base);
    let Some(s) = local() else {
        return Err("browser storage is not available".into());
    };
    s.set_item(key, value).map_err(|_| {
        "Could not save to browser storage (it may be full or disabled); your work stays in this tab."
            .to_string()
    })
}

/// Keeps unreadable data under `<key>.corrupt` so nothing the user made is lost.
fn keep_aside(key: &str, value: &str) {
    let _ = set(&format!("{key}.corrupt"), value);
}

/// Parses persisted history: a JSON array of strings (bounded).
pub fn parse_history(text: &str) -> Result<Vec<String>, String> {
    if text.len() > MAX_VALUE {
        return Err("terminal history is too large".into());
    }
    let v: Vec<String> =
        serde_json::from_str(text).map_err(|e| format!("terminal history is not valid: {e}"))?;
    let mut v: Vec<String> = v
        .into_iter()
        .filter(|l| l.len() <= HISTORY_LINE_CAP && !l.contains('\n'))
        .collect();
    if v.len() > HISTORY_CAP {
        v.drain(..v.len() - HISTORY_CAP);
    }
    Ok(v)
}

/// Checks a scenario's files: names are plain, contents bounded (the model caps count/size).
pub fn files_of(s: &Scenario) -> Vec<(String, String)> {
    s.files
        .iter()
        .filter(|(n, _)| valid_file_name(n))
        .map(|(n, t)| (n.clone(), t.clone()))
        .collect()
}

pub fn valid_file_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 64
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && !n.starts_with('.')
}

pub fn load() -> Restored {
    let mut notices: Vec<String> = Vec::new();
    let mut out = Restored {
        seed: DEFAULT_SEED,
        scenario: None,
        files: default_files(),
        history: Vec::new(),
        notice: None,
    };
    match get(KEY_SCENARIO) {
        Ok(Some(text)) => match Scenario::from_json(&text) {
            Ok(s) => {
                out.seed = s.seed;
                let mut files = files_of(&s);
                // The tutorial's file first (the scenario stores files by name).
                ordinal_model::sort::sort_by_key(&mut files, |(n, _)| n != "web.yaml");
                if !files.is_empty() {
                    out.files = files;
                }
                out.scenario = Some(s);
            }
            Err(e) => {
                keep_aside(KEY_SCENARIO, &text);
                notices.push(format!(
                    "The saved cluster could not be restored ({e}); started a fresh one. The saved data was kept as {}.corrupt.",
                    key(KEY_SCENARIO)
                ));
            }
        },
        Ok(None) => {}
        Err(e) => notices.push(format!("Nothing will be saved: {e}.")),
    }
    if let Ok(Some(text)) = get(KEY_HISTORY) {
        match parse_history(&text) {
            Ok(h) => out.history = h,
            Err(e) => {
                keep_aside(KEY_HISTORY, &text);
                notices.push(format!("The terminal history could not be restored ({e})."));
            }
        }
    }
    if !notices.is_empty() {
        out.notice = Some(notices.join(" "));
    }
    out
}

pub fn save_scenario(s: &Scenario) -> Result<(), String> {
    let mut s = s.clone();
    s.version = ordinal_model::scenario::SCENARIO_VERSION;
    set(KEY_SCENARIO, &s.to_json())
}

/// Keeps the stored scenario aside before an opened share link is saved over it.
pub fn keep_before_link() {
    if let Ok(Some(text)) = get(KEY_SCENARIO) {
        let _ = set(KEY_BEFORE_LINK, &text);
    }
}

/// The stored terminal history (empty when missing or unreadable).
pub fn load_history() -> Vec<String> {
    match get(KEY_HISTORY) {
        Ok(Some(text)) => parse_history(&text).unwrap_or_default(),
        _ => Vec::new(),
    }
}

pub fn save_history(h: &[String]) {
    if let Ok(text) = serde_json::to_string(h) {
        let _ = set(KEY_HISTORY, &text);
    }
}
