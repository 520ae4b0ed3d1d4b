//! Host tests of the tour panel's and share links' pure logic: URL parameters, the start-up
//! decision, tour names, the Markdown subset rendered as text, and share-link round trips
//! through the engine (same event-log hash).
#![cfg(not(target_arch = "wasm32"))]

use ordinal_kubectl::share;
use ordinal_kubectl::tour::{Part, Tour};
use ordinal_web::engine::{Cmd, Engine};
use ordinal_web::share_ui::{hash_text, link_for, link_state_of, LinkState};
use ordinal_web::storage::default_files;
use ordinal_web::tour_panel::{
    initial_tour, markdown_blocks, parse_inline, run_label, safe_href, tour_params,
    valid_tour_name, Block, Inline, TourCmd, TourParams, TourStart,
};

fn start(name: &str, step: usize, fresh: bool) -> Option<TourStart> {
    Some(TourStart {
        name: name.into(),
        step,
        fresh,
    })
}

#[test]
fn tour_names_are_lower_case_letters_digits_and_dashes() {
    assert_eq!(valid_tour_name("statefulset-basics"), Ok(()));
    assert_eq!(valid_tour_name("canary2"), Ok(()));
    for bad in ["", "../secret", "Canary", "a/b", "a.md", "tour%2F", "x y"] {
        assert!(valid_tour_name(bad).is_err(), "{bad:?} accepted");
    }
    let long = "a".repeat(65);
    assert_eq!(
        valid_tour_name(&long).unwrap_err(),
        "The tour name is too long (65 characters; the limit is 64)."
    );
    assert_eq!(
        valid_tour_name("../etc").unwrap_err(),
        "The tour name \"../etc\" may only contain lower-case letters, digits and `-`."
    );
}

#[test]
fn query_parameters_tour_and_step() {
    assert_eq!(tour_params(""), TourParams::default());
    let p = tour_params("?panels=cluster&tour=canary&step=3&theme=dark");
    assert_eq!(p.tour, Some(Ok("canary".into())));
    assert_eq!(p.step, Some(Ok(3)));
    let p = tour_params("?tour=../x&step=0");
    assert!(matches!(p.tour, Some(Err(_))));
    assert_eq!(
        p.step,
        Some(Err(
            "?step=0 is not a step number (1, 2, …); starting at step 1.".into()
        ))
    );
    // The first occurrence wins.
    assert_eq!(tour_params("tour=a&tour=b").tour, Some(Ok("a".to_string())));
}

#[test]
fn which_tour_the_page_opens() {
    let p = |q: &str| tour_params(q);
    // Nothing asked, nothing restored.
    assert_eq!(initial_tour(&p(""), None, false), (None, None));
    // ?tour on a page with no tour: a fresh cluster at ?step.
    assert_eq!(
        initial_tour(&p("?tour=canary&step=3"), None, false).0,
        start("canary", 2, true)
    );
    // The stored tour is continued where the learner was…
    assert_eq!(
        initial_tour(&p(""), Some(("statefulset-basics", 5)), false).0,
        start("statefulset-basics", 4, false)
    );
    // …also when the URL names it (its ?step wins)…
    assert_eq!(
        initial_tour(
            &p("?tour=statefulset-basics&step=2"),
            Some(("statefulset-basics", 5)),
            false
        )
        .0,
        start("statefulset-basics", 1, false)
    );
    // …but another tour in the URL starts fresh.
    assert_eq!(
        initial_tour(&p("?tour=canary"), Some(("statefulset-basics", 5)), false).0,
        start("canary", 0, true)
    );
    // A share link's tour and step always win: its cluster is the shared one.
    assert_eq!(
        initial_tour(
            &p("?tour=canary&step=1"),
            Some(("statefulset-basics", 7)),
            true
        )
        .0,
        start("statefulset-basics", 6, false)
    );
    // A refused name is reported and the stored tour still opens.
    let (s, msg) = initial_tour(&p("?tour=Bad"), Some(("canary", 1)), false);
    assert_eq!(s, start("canary", 0, false));
    assert!(msg.unwrap().contains("lower-case letters"));
    // A bad step is reported and the tour opens at step 1.
    let (s, msg) = initial_tour(&p("?tour=canary&step=x"), None, false);
    assert_eq!(s, start("canary", 0, true));
    assert!(msg.unwrap().starts_with("?step=x is not a step number"));
}

#[test]
fn inline_markdown_becomes_text_pieces() {
    assert_eq!(
        parse_inline("Run `kubectl get pods` to see **ordinal** names, *in order*."),
        vec![
            Inline::Text("Run ".into()),
            Inline::Code("kubectl get pods".into()),
            Inline::Text(" to see ".into()),
            Inline::Strong("ordinal".into()),
            Inline::Text(" names, ".into()),
            Inline::Em("in order".into()),
            Inline::Text(".".into()),
        ]
    );
    assert_eq!(
        parse_inline(
            "[StatefulSet Basics](https://kubernetes.io/docs/) and [x](javascript:alert(1))"
        ),
        vec![
            Inline::Link {
                text: "StatefulSet Basics".into(),
                href: Some("https://kubernetes.io/docs/".into())
            },
            Inline::Text(" and ".into()),
            Inline::Link {
                text: "x".into(),
                href: None
            },
            Inline::Text(")".into()),
        ]
    );
    // HTML stays literal text (it is rendered as a text node).
    assert_eq!(
        parse_inline("<img src=x onerror=alert(1)> 2 * 3 `unclosed"),
        vec![Inline::Text(
            "<img src=x onerror=alert(1)> 2 * 3 `unclosed".into()
        )]
    );
    assert_eq!(safe_href("data:text/html,hi"), None);
    assert_eq!(safe_href(" JavaScript:alert(1)"), None);
    assert_eq!(safe_href("http://a b"), None);
}

#[test]
fn prose_blocks() {
    let md = "First line\nsecond line.\n\n- one\n- two `x`\n  continued\n\n### A heading\nEnd.";
    assert_eq!(
        markdown_blocks(md),
        vec![
            Block::Para(vec![Inline::Text("First line second line.".into())]),
            Block::List(vec![
                vec![Inline::Text("one".into())],
                vec![
                    Inline::Text("two ".into()),
                    Inline::Code("x".into()),
                    Inline::Text(" continued".into())
                ],
            ]),
            Block::Heading(vec![Inline::Text("A heading".into())]),
            Block::Para(vec![Inline::Text("End.".into())]),
        ]
    );
}

const TOUR: &str = include_str!("../../../www/tours/statefulset-basics.md");

#[test]
fn the_shipped_tour_renders_with_run_buttons() {
    let tour = Tour::parse("tours/statefulset-basics.md", TOUR).unwrap();
    let first = &tour.steps[0];
    assert_eq!(first.title, "Create a StatefulSet");
    let cmds: Vec<String> = first
        .parts
        .iter()
        .filter_map(|p| match p {
            Part::Commands(c) => Some(c.iter().map(|c| run_label(c)).collect::<Vec<_>>()),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(
        cmds,
        ["Run: kubectl apply -f https://k8s.io/examples/application/web/web.yaml"]
    );
    // Every prose part parses into blocks with no raw HTML path.
    for step in &tour.steps {
        for part in &step.parts {
            if let Part::Prose(md) = part {
                assert!(
                    !markdown_blocks(md).is_empty(),
                    "{}: empty prose",
                    step.title
                );
            }
        }
    }
}

fn tick(e: &mut Engine, ms: f64) {
    let _ = e.tick(ms, &|| 0.0);
}

fn hash(e: &Engine) -> u64 {
    e.session.with_timeline(|tl| tl.cluster().event_log_hash())
}

/// The share path end to end on the host: the engine runs a tour's first step, the scenario
/// (with tour and step) goes through a link and back, and the replay has the same hash.
#[test]
fn a_share_link_reproduces_the_state_with_its_tour_and_step() {
    let tour = Tour::parse("tours/statefulset-basics.md", TOUR).unwrap();
    let mut e = Engine::new(1, &default_files());
    e.queue.push_back(Cmd::Tour(TourCmd::Start {
        name: "statefulset-basics".into(),
        tour: Box::new(tour),
        step: 0,
        fresh: true,
    }));
    e.queue.push_back(Cmd::Line(
        "kubectl apply -f https://k8s.io/examples/application/web/web.yaml".into(),
    ));
    tick(&mut e, 0.0);
    assert_eq!(
        e.session.with_timeline(|tl| tl.seed()),
        0,
        "the tour's seed"
    );
    for _ in 0..400 {
        tick(&mut e, 100.0);
    }
    e.queue.push_back(Cmd::Tour(TourCmd::Next));
    tick(&mut e, 0.0);
    let mut sc = e.scenario(&default_files());
    assert_eq!(sc.tour.as_deref(), Some("statefulset-basics"));
    assert_eq!(sc.step, Some(2));
    assert!(!sc.inputs.is_empty());
    sc.speed = Some(2.0);
    let frag = share::encode(&sc).unwrap();
    let url = link_for("https://example.org/docs/play/?tour=canary#old", &frag);
    assert!(url.starts_with("https://example.org/docs/play/?tour=canary#s=1."));
    let LinkState::Shared(back) = link_state_of(&url[url.find('#').unwrap()..]) else {
        panic!("the link did not open");
    };
    assert_eq!(*back, sc);
    let other = Engine::restored(&back, &default_files());
    assert_eq!(other.now(), e.now());
    assert_eq!(hash_text(hash(&other)), hash_text(hash(&e)));
}

#[test]
fn broken_links_say_what_is_wrong() {
    assert!(matches!(link_state_of(""), LinkState::None));
    assert!(matches!(link_state_of("#section-2"), LinkState::None));
    let sc = ordinal_model::Scenario::new(3, 1);
    let frag = share::encode(&sc).unwrap();
    let msg = |f: &str| match link_state_of(f) {
        LinkState::Broken(m) => m,
        _ => panic!("{f} opened"),
    };
    let truncated = &frag[..frag.len() / 2];
    assert_eq!(
        msg(truncated),
        "This share link is incomplete: it looks cut off. Copy the whole link and try again."
    );
    let mut tampered = frag.clone().into_bytes();
    let i = tampered.len() - 3;
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    assert!(msg(&tampered).starts_with("This share link is damaged"));
    assert_eq!(
        msg("s=9.abc"),
        "This share link has format version 9; this Ordinal reads version 1. It was probably made by a different version of Ordinal."
    );
    let huge = format!("s=1.{}", "A".repeat(300_000));
    assert!(msg(&huge).starts_with("This share link is too large"));
}
