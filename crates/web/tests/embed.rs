//! The embed's untrusted inputs: query parameters, host messages and origins, and per-embed
//! storage keys. Browser tests (wasm-bindgen-test), run by `cargo xtask test`.
#![cfg(target_arch = "wasm32")]

use ordinal_web::host_api::{
    allowed_origin, error_reply, origin_of_url, parse_message, reply, Message, Request,
    MAX_COMMAND, MAX_MESSAGE,
};
use ordinal_web::params::{decode_component, parse, parse_origin, Panel, Params, Theme};
use ordinal_web::storage::scoped_key;
use ordinal_web::SPEEDS;
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn p(q: &str) -> Params {
    parse(q, &SPEEDS)
}

#[wasm_bindgen_test]
fn the_documented_snippet_parses() {
    let got = p("?tour=statefulset-basics&step=3&panels=cluster,terminal&theme=light");
    assert_eq!(got.panels, vec![Panel::Cluster, Panel::Terminal]);
    assert_eq!(got.theme, Theme::Light);
    assert_eq!(got.tour.as_deref(), Some("statefulset-basics"));
    assert_eq!(got.step.as_deref(), Some("3"));
    assert_eq!(got.notices, Vec::<String>::new());
    assert_eq!(got.notice(), None);
}

#[wasm_bindgen_test]
fn every_parameter() {
    let got = p("panels=terminal%2Cplayback,cluster&theme=dark&speed=4&readonly=1&autoplay=0&present&id=docs-1&host-origin=https://Docs.Example.com:443");
    // Page order, whatever order the query used.
    assert_eq!(
        got.panels,
        vec![Panel::Cluster, Panel::Terminal, Panel::Playback]
    );
    assert_eq!(got.theme, Theme::Dark);
    assert_eq!(got.speed.map(|i| SPEEDS[i]), Some(4.0));
    assert!(got.readonly && !got.autoplay && got.present);
    assert_eq!(got.id.as_deref(), Some("docs-1"));
    assert_eq!(got.host_origin.as_deref(), Some("https://docs.example.com"));
    assert!(got.notices.is_empty(), "{:?}", got.notices);
    // Defaults.
    let d = p("");
    assert_eq!(d.panels.len(), 6);
    assert_eq!(d.theme, Theme::Light);
    assert!(d.autoplay && !d.readonly && !d.present && d.speed.is_none() && d.id.is_none());
    assert_eq!(p("theme=auto").theme, Theme::Auto);
}

#[wasm_bindgen_test]
fn speed_snaps_to_an_offered_speed_within_range() {
    let s = |q: &str| p(q).speed.map(|i| SPEEDS[i]);
    assert_eq!(s("speed=0.25"), Some(0.25));
    assert_eq!(s("speed=16"), Some(16.0));
    assert_eq!(s("speed=3"), Some(4.0)); // nearer 4 than 2 on a doubling scale
    assert_eq!(s("speed=2x"), Some(2.0));
    for bad in [
        "speed=0",
        "speed=17",
        "speed=-1",
        "speed=NaN",
        "speed=inf",
        "speed=fast",
        "speed=",
    ] {
        let got = p(bad);
        assert_eq!(got.speed, None, "{bad}");
        assert_eq!(got.notices.len(), 1, "{bad}: {:?}", got.notices);
        assert!(
            got.notices[0].contains("is not a number from 0.25 to 16"),
            "{:?}",
            got.notices
        );
    }
}

#[wasm_bindgen_test]
fn invalid_values_fall_back_with_a_notice() {
    let got = p("panels=cluster,bogus,<script>&theme=neon&readonly=maybe&id=a/b&host-origin=javascript:alert(1)&zzz=1");
    assert_eq!(got.panels, vec![Panel::Cluster]);
    assert_eq!(got.theme, Theme::Light);
    assert!(!got.readonly);
    assert_eq!(got.id, None);
    assert_eq!(got.host_origin, None);
    let n = got.notice().unwrap();
    for part in [
        "unknown panel \"bogus\"",
        "unknown panel \"<script>\"",
        "theme=\"neon\" is not light, dark or auto",
        "readonly=\"maybe\" is not 0 or 1",
        "id=\"a/b\" is not a valid state key",
        "host-origin=\"javascript:alert(1)\" is not an origin",
        "unknown setting \"zzz\" ignored",
    ] {
        assert!(n.contains(part), "{part} missing from {n}");
    }
    // No valid panel at all: every panel.
    let none = p("panels=,,nope");
    assert_eq!(none.panels.len(), 6);
    assert!(none.notice().unwrap().contains("showing all panels"));
}

#[wasm_bindgen_test]
fn hostile_queries_are_capped_not_fatal() {
    let long = format!("id={}", "a".repeat(100_000));
    let got = p(&long);
    assert_eq!(got.id, None);
    assert!(got
        .notice()
        .unwrap()
        .contains("longer than 4096 characters"));
    let many: String = (0..500).map(|i| format!("k{i}=v&")).collect();
    let got = p(&many);
    assert!(got.notice().unwrap().contains("more than 32 settings"));
    // Unknown names are quoted, capped and stripped of control characters.
    let got = p("%0Aevil%00name=1&%E2%9C%93=1&%ZZ=1&%=1&%E2=1");
    assert!(!got.notice().unwrap().contains('\n'));
    assert_eq!(decode_component("a+b%20c%2"), "a b c%2");
    assert_eq!(decode_component("%E2%9C%93"), "✓");
    assert_eq!(decode_component("%FF"), "\u{FFFD}");
    // Multi-byte characters at the cut.
    let got = p(&format!("id={}", "é".repeat(3_000)));
    assert!(got.id.is_none());
}

#[wasm_bindgen_test]
fn origins_are_exact() {
    assert_eq!(
        parse_origin("http://127.0.0.1:8080").as_deref(),
        Some("http://127.0.0.1:8080")
    );
    assert_eq!(
        parse_origin("http://host:80").as_deref(),
        Some("http://host")
    );
    assert_eq!(
        parse_origin("http://[::1]:3000").as_deref(),
        Some("http://[::1]:3000")
    );
    for bad in [
        "",
        "null",
        "*",
        "file:///etc",
        "https://",
        "https://a.com/path",
        "https://a.com:0",
        "https://a.com:99999",
        "https://user@a.com",
        "https://a.com?x",
        "ftp://a.com",
    ] {
        assert_eq!(parse_origin(bad), None, "{bad}");
    }
    assert_eq!(
        origin_of_url("https://docs.example.com/guide/sts.html?x=1#y").as_deref(),
        Some("https://docs.example.com")
    );
    assert_eq!(origin_of_url("about:blank"), None);
    assert_eq!(origin_of_url("https://u:p@evil.com/"), None);
    // host-origin= wins over the referrer; without either, the API is off.
    assert_eq!(
        allowed_origin(Some("https://a.com"), "https://b.com/page").as_deref(),
        Some("https://a.com")
    );
    assert_eq!(
        allowed_origin(None, "https://b.com/page").as_deref(),
        Some("https://b.com")
    );
    assert_eq!(allowed_origin(None, ""), None);
}

fn msg(v: serde_json::Value) -> Result<Option<Message>, String> {
    parse_message(&v.to_string()).map_err(|r| r.error)
}

#[wasm_bindgen_test]
fn well_formed_messages() {
    assert_eq!(
        msg(json!({"type": "ordinal:run", "command": "kubectl get pods", "id": 7, "protocol": 1})),
        Ok(Some(Message {
            id: Some(json!(7)),
            request: Request::Run("kubectl get pods".into())
        }))
    );
    assert_eq!(
        msg(json!({"type": "ordinal:get-state"}))
            .unwrap()
            .unwrap()
            .request,
        Request::GetState
    );
    assert_eq!(
        msg(json!({"type": "ordinal:goto-step", "step": 3}))
            .unwrap()
            .unwrap()
            .request,
        Request::GoToStep(3)
    );
    assert_eq!(
        msg(json!({"type": "ordinal:pause"}))
            .unwrap()
            .unwrap()
            .request,
        Request::Pause
    );
    assert_eq!(
        msg(json!({"type": "ordinal:play", "id": "x"}))
            .unwrap()
            .unwrap()
            .id,
        Some(json!("x"))
    );
}

#[wasm_bindgen_test]
fn other_peoples_messages_are_ignored_silently() {
    for text in [
        "\"ordinal:run\"",
        "[]",
        "[{\"type\":\"ordinal:run\"}]",
        "null",
        "42",
        "{}",
        "{\"type\":5}",
        "{\"type\":\"webpackOk\"}",
        "not json",
    ] {
        assert_eq!(parse_message(text), Ok(None), "{text}");
    }
}

#[wasm_bindgen_test]
fn malformed_ordinal_messages_are_refused_with_a_reason() {
    let cases = [
        (json!({"type": "ordinal:run"}), "needs a string command"),
        (
            json!({"type": "ordinal:run", "command": 5}),
            "needs a string command",
        ),
        (
            json!({"type": "ordinal:run", "command": "  "}),
            "one non-empty line",
        ),
        (
            json!({"type": "ordinal:run", "command": "a\nb"}),
            "one non-empty line",
        ),
        (
            json!({"type": "ordinal:run", "command": "x".repeat(MAX_COMMAND + 1)}),
            "longer than 4096",
        ),
        (
            json!({"type": "ordinal:goto-step", "step": 0}),
            "integer from 1",
        ),
        (
            json!({"type": "ordinal:goto-step", "step": "3"}),
            "integer from 1",
        ),
        (
            json!({"type": "ordinal:goto-step", "step": 2.5}),
            "integer from 1",
        ),
        (json!({"type": "ordinal:explode"}), "unknown message type"),
        (
            json!({"type": "ordinal:pause", "protocol": 2}),
            "unsupported protocol 2",
        ),
        (
            json!({"type": "ordinal:pause", "id": {"a": 1}}),
            "id must be",
        ),
        (
            json!({"type": "ordinal:pause", "id": "i".repeat(65)}),
            "id must be",
        ),
    ];
    for (v, want) in cases {
        let got = msg(v.clone());
        assert!(matches!(&got, Err(e) if e.contains(want)), "{v}: {got:?}");
    }
    let huge = json!({"type": "ordinal:run", "command": "y".repeat(MAX_MESSAGE)}).to_string();
    assert!(parse_message(&huge)
        .unwrap_err()
        .error
        .contains("larger than 16384 bytes"));
    // Big and not ours: silently ignored.
    let other = json!({"type": "other", "blob": "z".repeat(MAX_MESSAGE)}).to_string();
    assert_eq!(parse_message(&other), Ok(None));
}

#[wasm_bindgen_test]
fn replies_are_versioned_and_echo_the_id() {
    let r = reply(
        "ordinal:pause",
        &Some(json!(3)),
        json!({"ok": true, "running": false}),
    );
    assert_eq!(
        r,
        json!({"protocol": 1, "type": "ordinal:reply", "request": "ordinal:pause", "id": 3, "ok": true, "running": false})
    );
    let refused =
        parse_message(&json!({"type": "ordinal:goto-step", "id": "s"}).to_string()).unwrap_err();
    assert_eq!(
        error_reply(&refused),
        json!({"protocol": 1, "type": "ordinal:error", "ok": false, "request": "ordinal:goto-step", "id": "s",
               "error": "ordinal:goto-step needs step, an integer from 1"})
    );
}

#[wasm_bindgen_test]
fn storage_keys_are_separate_per_embed() {
    let main = scoped_key("ordinal.v1.scenario", false, None, "/ordinal/?theme=dark");
    assert_eq!(main, "ordinal.v1.scenario");
    let a = scoped_key("ordinal.v1.scenario", true, Some("a"), "/x/embed.html?id=a");
    let b = scoped_key("ordinal.v1.scenario", true, Some("b"), "/x/embed.html?id=b");
    assert_eq!(a, "ordinal.v1.embed.id-a.scenario");
    assert_ne!(a, b);
    let q1 = scoped_key("ordinal.v1.history", true, None, "/x/embed.html?step=1");
    let q2 = scoped_key("ordinal.v1.history", true, None, "/x/embed.html?step=2");
    assert!(
        q1.starts_with("ordinal.v1.embed.page-") && q1.ends_with(".history"),
        "{q1}"
    );
    assert_ne!(q1, q2);
    // An embed never lands on the main app's keys.
    assert!(!q1.starts_with("ordinal.v1.history"));
}
