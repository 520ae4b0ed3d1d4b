//! Every shipped tour, step by step, through a fresh `Session`: a step's check is false before
//! its commands run (checks can fail) and becomes true within 120 virtual seconds after.

use ordinal_kubectl::tour::{Tour, TourProgress};
use ordinal_kubectl::Session;
use ordinal_model::objects::{Pod, StatefulSet};
use std::path::PathBuf;

const CAP_MS: u64 = 120_000;
const TICK_MS: u64 = 250;

fn tours_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../www/tours")
}

pub fn shipped_tours() -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = std::fs::read_dir(tours_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// A reader waits for the StatefulSets to settle before typing the next command.
fn settle(s: &mut Session) {
    for _ in 0..(CAP_MS / TICK_MS) {
        let c = s.cluster();
        let calm = c.api.list::<StatefulSet>(Some("default")).all(|st| {
            let want = st.spec.replicas.unwrap_or(1);
            st.status.observed_generation.unwrap_or(0) >= st.metadata.generation
                && st.status.ready_replicas == want
                && st.status.replicas == want
        }) && c
            .api
            .list::<Pod>(Some("default"))
            .all(|p| p.metadata.deletion_timestamp.is_none());
        if calm {
            return;
        }
        s.advance_ms(TICK_MS);
    }
}

fn run_tour(file: &str, text: &str) -> Vec<String> {
    let tour = Tour::parse(file, text).unwrap_or_else(|e| panic!("{e}"));
    let mut s = Session::new(tour.seed.unwrap_or(0));
    let mut p = TourProgress::new(tour.clone(), &s.cluster());
    let mut log = Vec::new();
    for (i, step) in tour.steps.iter().enumerate() {
        p.go_to(i, &s.cluster());
        let before = p.evaluate_session(&s);
        if !step.commands.is_empty() {
            assert!(
                !before.done,
                "{file} step {} ({}) is done before its commands ran",
                i + 1,
                step.title
            );
        }
        for cmd in &step.commands {
            if !s.wants_input() {
                settle(&mut s);
            }
            for line in cmd.lines() {
                p.submit(&mut s, line);
                s.run_until_blocked();
            }
            let _ = s.poll();
        }
        assert!(
            !s.wants_input(),
            "{file} step {}: a pod shell is left open",
            i + 1
        );
        let start = s.now().ms();
        let mut r = p.evaluate_session(&s);
        while !r.done && s.now().ms() - start < CAP_MS {
            s.advance_ms(TICK_MS);
            let _ = s.poll();
            r = p.evaluate_session(&s);
        }
        assert!(
            r.done,
            "{file} step {} ({}) not done after {} virtual s: {}",
            i + 1,
            step.title,
            CAP_MS / 1000,
            r.detail
        );
        assert_eq!(
            p.status_text(),
            format!("Step {} of {}: done", i + 1, tour.steps.len())
        );
        log.push(format!(
            "{}. {} — done after {} ms",
            i + 1,
            step.title,
            s.now().ms() - start
        ));
    }
    log
}

#[test]
fn statefulset_basics_tour_completes() {
    let (f, t) = shipped_tours()
        .into_iter()
        .find(|(f, _)| f == "statefulset-basics.md")
        .expect("statefulset-basics.md is shipped");
    let log = run_tour(&f, &t);
    eprintln!("{}", log.join("\n"));
}

#[test]
fn canary_tour_completes() {
    let (f, t) = shipped_tours()
        .into_iter()
        .find(|(f, _)| f == "canary.md")
        .expect("canary.md is shipped");
    let log = run_tour(&f, &t);
    eprintln!("{}", log.join("\n"));
}

#[test]
fn every_shipped_tour_completes() {
    for (f, t) in shipped_tours() {
        if f != "statefulset-basics.md" && f != "canary.md" {
            run_tour(&f, &t);
        }
    }
}
