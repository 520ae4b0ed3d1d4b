//! Share links: round trip to the same event-log hash, size report, and hostile fragments
//! (truncated, tampered, wrong version, decompression bombs, random strings).

use ordinal_kubectl::share::{self, ShareError, MAX_FRAGMENT_CHARS, MAX_JSON_BYTES};
use ordinal_kubectl::tour::{Tour, TourProgress};
use ordinal_kubectl::Session;
use ordinal_model::Scenario;
use proptest::prelude::*;

/// Runs a shipped tour's commands (all steps) and returns the session.
fn run_tour(file: &str) -> Session {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../www/tours")
        .join(file);
    let tour = Tour::parse(file, &std::fs::read_to_string(path).unwrap()).unwrap();
    let mut s = Session::new(0);
    let mut p = TourProgress::new(tour.clone(), &s.cluster());
    for (i, step) in tour.steps.iter().enumerate() {
        p.go_to(i, &s.cluster());
        for c in &step.commands {
            for line in c.lines() {
                p.submit(&mut s, line);
                s.run_until_blocked();
            }
            s.advance_ms(20_000);
            let _ = s.poll();
        }
    }
    s
}

fn scenario_of(s: &Session, tour: &str, step: u32) -> Scenario {
    let mut sc = Scenario::of_cluster(&s.cluster());
    sc.tour = Some(tour.into());
    sc.step = Some(step);
    sc.speed = Some(1.0);
    sc.files.insert(
        "web.yaml".into(),
        include_str!("../../../www/manifests/web.yaml").into(),
    );
    sc
}

#[test]
fn round_trip_reproduces_the_event_log_hash() {
    for (file, id) in [
        ("statefulset-basics.md", "statefulset-basics"),
        ("canary.md", "canary"),
    ] {
        let s = run_tour(file);
        let sc = scenario_of(&s, id, 5);
        let frag = share::encode(&sc).unwrap();
        assert!(frag.starts_with("s=1."));
        assert!(frag[2..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'));
        let back = share::decode(&format!("https://example.org/ordinal/#{frag}")).unwrap();
        assert_eq!(back, sc);
        let replayed = back.replay();
        assert_eq!(
            replayed.event_log_hash(),
            s.cluster().event_log_hash(),
            "{file}"
        );
        eprintln!(
            "{file}: {} inputs, JSON {} bytes, fragment {} chars",
            sc.inputs.len(),
            sc.to_json().len(),
            frag.len()
        );
    }
}

fn sample_fragment() -> String {
    let mut s = Session::new(0);
    s.run_script("kubectl apply -f https://k8s.io/examples/application/web/web.yaml\nsleep 30\nkubectl scale sts web --replicas=3\n");
    share::encode(&scenario_of(&s, "canary", 1)).unwrap()
}

#[test]
fn truncated_links_say_so() {
    let f = sample_fragment();
    let payload_start = 4;
    for cut in [
        f.len() - 1,
        f.len() - 3,
        f.len() - 10,
        f.len() / 2,
        payload_start + 5,
    ] {
        let e = share::decode(&f[..cut]).unwrap_err();
        assert!(
            matches!(e, ShareError::Truncated | ShareError::Tampered),
            "cut at {cut}: {e:?}"
        );
    }
    assert_eq!(share::decode("#s=1.").unwrap_err(), ShareError::Truncated);
    assert_eq!(
        share::decode(&f[..f.len() / 2]).unwrap_err().to_string(),
        "This share link is incomplete: it looks cut off. Copy the whole link and try again."
    );
}

#[test]
fn tampered_links_say_so() {
    let f = sample_fragment();
    let orig = share::decode(&f).unwrap();
    let bytes = f.as_bytes();
    let mut kinds = std::collections::BTreeMap::new();
    for i in 4..f.len() {
        let mut t = bytes.to_vec();
        t[i] = if t[i] == b'A' { b'B' } else { b'A' };
        let t = String::from_utf8(t).unwrap();
        // A change is detected — or it only touched padding bits after the deflate stream's
        // end, and the link still opens the same scenario.
        let e = match share::decode(&t) {
            Ok(back) => {
                assert_eq!(
                    back, orig,
                    "a changed character at {i} gave a different scenario"
                );
                *kinds.entry("same scenario".to_string()).or_insert(0) += 1;
                continue;
            }
            Err(e) => e,
        };
        *kinds
            .entry(format!("{e:?}").chars().take(9).collect::<String>())
            .or_insert(0) += 1;
    }
    eprintln!("one changed character → {kinds:?}");
    let e = share::decode(&f.replace('A', "*")).unwrap_err();
    assert_eq!(e, ShareError::Tampered);
    assert_eq!(
        e.to_string(),
        "This share link is damaged: its data was changed (the checksum does not match)."
    );
}

#[test]
fn wrong_version_missing_and_malformed() {
    let f = sample_fragment();
    let v2 = f.replacen("s=1.", "s=2.", 1);
    let e = share::decode(&v2).unwrap_err();
    assert_eq!(e, ShareError::WrongVersion("2".into()));
    assert!(e.to_string().contains("format version 2"), "{e}");
    assert_eq!(share::decode("").unwrap_err(), ShareError::Missing);
    assert_eq!(
        share::decode("#tour=canary").unwrap_err(),
        ShareError::Missing
    );
    assert_eq!(share::decode("#s=abc").unwrap_err(), ShareError::Malformed);
    assert_eq!(
        share::decode("#s=x.abc").unwrap_err(),
        ShareError::Malformed
    );
    // Valid compression of a scenario with a bad version inside.
    let mut sc = Scenario::new(3, 0);
    sc.version = 99;
    let z = miniz_oxide::deflate::compress_to_vec_zlib(sc.to_json().as_bytes(), 6);
    let e = share::decode(&format!("s=1.{}", share::base64url_encode(&z))).unwrap_err();
    assert!(
        matches!(e, ShareError::Invalid(ref m) if m.contains("version 99")),
        "{e:?}"
    );
    // Not JSON at all.
    let z = miniz_oxide::deflate::compress_to_vec_zlib(b"{\"hello\":1}", 6);
    let e = share::decode(&format!("s=1.{}", share::base64url_encode(&z))).unwrap_err();
    assert!(matches!(e, ShareError::Invalid(_)), "{e:?}");
}

#[test]
fn decompression_bombs_and_oversized_links_are_refused_quickly() {
    // 8 MiB of spaces (4× the cap) compresses to ≈ 8 KB; the decoder stops at MAX_JSON_BYTES.
    let bomb = vec![b' '; 8 * 1024 * 1024];
    let z = miniz_oxide::deflate::compress_to_vec_zlib(&bomb, 9);
    let frag = format!("s=1.{}", share::base64url_encode(&z));
    assert!(frag.len() < MAX_FRAGMENT_CHARS, "{}", frag.len());
    let e = share::decode(&frag).unwrap_err();
    assert_eq!(
        e,
        ShareError::TooLarge {
            what: "scenario",
            limit: MAX_JSON_BYTES
        }
    );
    assert!(e.to_string().contains("too large"), "{e}");
    let long = format!("s=1.{}", "A".repeat(MAX_FRAGMENT_CHARS + 100));
    assert!(matches!(
        share::decode(&long).unwrap_err(),
        ShareError::TooLarge { what: "link", .. }
    ));
}

#[test]
fn base64url_round_trips() {
    for n in 0..70u8 {
        let data: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37).wrapping_add(n)).collect();
        let e = share::base64url_encode(&data);
        assert_eq!(share::base64url_decode(&e).unwrap(), data, "{n}");
    }
}

proptest! {
    #[test]
    fn random_fragments_never_panic(s in ".{0,300}") {
        let _ = share::decode(&s);
        let _ = share::decode(&format!("s=1.{s}"));
    }

    #[test]
    fn random_base64_payloads_never_panic(s in "[A-Za-z0-9_-]{0,400}") {
        let _ = share::decode(&format!("#s=1.{s}"));
        let _ = share::decode(&format!("#s=1.eJ{s}"));
    }
}
