//! What check-doc ignores when it compares a doc's output with the cluster's, and the diff it
//! prints.
//!
//! Normalization (both sides, line by line):
//! * whitespace: runs of spaces/tabs count as one space, line ends are trimmed, and leading and
//!   trailing blank lines are dropped (kubectl's column widths changed between versions; the
//!   doc's tables are often hand-aligned);
//! * durations (`0s`, `10m`, `2m5s`, `3h10m`, `<invalid>`) as whole words → `<age>` (AGE, LAST
//!   SEEN: they depend on how fast the reader typed);
//! * UUIDs → `<uid>` (so `pvc-883e5172-…` volume names match any `pvc-<uid>`);
//! * IPv4 addresses → `<ip>`: pod IPs, service ClusterIPs and the DNS server's address are
//!   allocations of one particular cluster (the tutorials' 2016 cluster had kube-dns at
//!   `10.0.0.10`, Ordinal's profile has it at `10.96.0.10`, like kubeadm) — what is compared is
//!   the shape of the output, including whether CoreDNS adds a reverse name after the address;
//! * timestamps (RFC 3339, and RFC 1123 as `describe` prints them) → `<time>`;
//! * tables whose rows are named by UUIDs (`kubectl get pv`) compare as sets: they list in name
//!   order, and the names are random;
//! * watches (`get -w`): header lines are dropped and a row identical to the previous row of the
//!   same object is dropped, so the compared sequence is the sequence of distinct states each
//!   object went through, in the order they happened. How many times a watch repeats a state
//!   (`Pending`, `Pending`) depends on status-write timing, not on Kubernetes' behaviour.

/// Normalizes one line.
pub fn line(s: &str) -> String {
    let s = timestamps(s);
    let mut out = Vec::new();
    for w in s.split_whitespace() {
        out.push(word(w));
    }
    out.join(" ")
}

fn word(w: &str) -> String {
    if is_duration(w) {
        return "<age>".into();
    }
    let w = uuids(w);
    ips(&w)
}

/// `0s`, `10m`, `2m5s`, `3h10m`, `23h`, `4d5h`, `2y3d`, `<invalid>`.
pub fn is_duration(w: &str) -> bool {
    if w == "<invalid>" {
        return true;
    }
    let b = w.as_bytes();
    if b.is_empty() {
        return false;
    }
    let mut i = 0;
    let mut parts = 0;
    while i < b.len() {
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == s || i >= b.len() || !matches!(b[i], b's' | b'm' | b'h' | b'd' | b'y') {
            return false;
        }
        i += 1;
        parts += 1;
    }
    parts <= 2
}

fn is_hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

/// Replaces 8-4-4-4-12 hex UUIDs with `<uid>`.
fn uuids(s: &str) -> String {
    const SHAPE: [usize; 5] = [8, 4, 4, 4, 12];
    let b = s.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    let mut last = 0;
    while i < b.len() {
        if (i == 0 || !is_hex(b[i - 1])) && is_hex(b[i]) {
            let mut j = i;
            let mut ok = true;
            for (k, n) in SHAPE.iter().enumerate() {
                let s0 = j;
                while j < b.len() && is_hex(b[j]) {
                    j += 1;
                }
                if j - s0 != *n {
                    ok = false;
                    break;
                }
                if k < 4 {
                    if j < b.len() && b[j] == b'-' {
                        j += 1;
                    } else {
                        ok = false;
                        break;
                    }
                }
            }
            if ok {
                out.push_str(&s[last..i]);
                out.push_str("<uid>");
                i = j;
                last = j;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&s[last..]);
    out
}

/// Replaces dotted-quad IPv4 addresses with `<ip>`.
fn ips(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    let mut last = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !(b[i - 1].is_ascii_digit() || b[i - 1] == b'.')) {
            let mut j = i;
            let mut groups = 0;
            loop {
                let s0 = j;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                if j - s0 == 0 || j - s0 > 3 {
                    break;
                }
                groups += 1;
                if groups == 4 || j >= b.len() || b[j] != b'.' {
                    break;
                }
                j += 1;
            }
            let ends_clean = j >= b.len() || !(b[j].is_ascii_digit() || b[j] == b'.');
            if groups == 4 && ends_clean {
                out.push_str(&s[last..i]);
                out.push_str("<ip>");
                i = j;
                last = j;
                continue;
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    out.push_str(&s[last..]);
    out
}

/// RFC 3339 (`2025-08-27T10:00:00Z`) and RFC 1123Z (`Wed, 27 Aug 2025 10:00:00 +0000`).
fn timestamps(s: &str) -> String {
    let mut out = String::new();
    let b = s.as_bytes();
    let mut i = 0;
    let mut last = 0;
    let digits = |from: usize, n: usize| -> bool {
        from + n <= b.len() && b[from..from + n].iter().all(u8::is_ascii_digit)
    };
    while i < b.len() {
        // RFC 3339: dddd-dd-ddTdd:dd:dd[.fff](Z|±dd:dd)
        if digits(i, 4)
            && b.get(i + 4) == Some(&b'-')
            && digits(i + 5, 2)
            && b.get(i + 7) == Some(&b'-')
            && digits(i + 8, 2)
            && b.get(i + 10) == Some(&b'T')
            && digits(i + 11, 2)
            && b.get(i + 13) == Some(&b':')
            && digits(i + 14, 2)
            && b.get(i + 16) == Some(&b':')
            && digits(i + 17, 2)
        {
            let mut j = i + 19;
            if b.get(j) == Some(&b'.') {
                j += 1;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
            }
            if b.get(j) == Some(&b'Z') {
                j += 1;
            } else if matches!(b.get(j), Some(b'+') | Some(b'-')) && digits(j + 1, 2) {
                j += 3;
                if b.get(j) == Some(&b':') && digits(j + 1, 2) {
                    j += 3;
                }
            }
            out.push_str(&s[last..i]);
            out.push_str("<time>");
            i = j;
            last = j;
            continue;
        }
        // RFC 1123Z: Www, dd Mmm dddd dd:dd:dd +dddd
        if i + 31 <= b.len() && s.is_char_boundary(i) && s.is_char_boundary(i + 31) {
            let t = &s[i..i + 31];
            let tb = t.as_bytes();
            const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            if DAYS.contains(&&t[..3])
                && &t[3..5] == ", "
                && tb[5..7].iter().all(u8::is_ascii_digit)
                && tb[7] == b' '
                && tb[11] == b' '
                && tb[12..16].iter().all(u8::is_ascii_digit)
                && tb[16] == b' '
                && tb[19] == b':'
                && tb[22] == b':'
                && tb[25] == b' '
                && matches!(tb[26], b'+' | b'-')
            {
                out.push_str(&s[last..i]);
                out.push_str("<time>");
                i += 31;
                last = i;
                continue;
            }
        }
        i += 1;
        while i < b.len() && !s.is_char_boundary(i) {
            i += 1;
        }
    }
    out.push_str(&s[last..]);
    out
}

/// One side of a comparison: raw lines (for display) and their normalized keys.
#[derive(Debug, Clone, Default)]
pub struct Side {
    pub raw: Vec<String>,
    pub keys: Vec<String>,
}

/// Prepares lines for comparison (see the module docs). `watch`: the output of `get -w`.
pub fn side(raw: &[String], watch: bool) -> Side {
    let mut pairs: Vec<(String, String)> = raw
        .iter()
        .map(|r| (r.trim_end().to_string(), line(r)))
        .collect();
    while pairs.last().is_some_and(|(_, k)| k.is_empty()) {
        pairs.pop();
    }
    let first = pairs
        .iter()
        .position(|(_, k)| !k.is_empty())
        .unwrap_or(pairs.len());
    pairs.drain(..first);
    if watch {
        let mut last_of: Vec<(String, String)> = Vec::new();
        pairs.retain(|(_, k)| {
            if k.is_empty() || is_header(k) {
                return false;
            }
            let name = k.split(' ').next().unwrap_or("").to_string();
            match last_of.iter_mut().find(|(n, _)| *n == name) {
                Some((_, prev)) if prev == k => false,
                Some((_, prev)) => {
                    *prev = k.clone();
                    true
                }
                None => {
                    last_of.push((name, k.clone()));
                    true
                }
            }
        });
    } else if pairs.len() > 2
        && is_header(&pairs[0].1)
        && pairs[1..].iter().all(|(_, k)| k.contains("<uid>"))
    {
        pairs[1..].sort_by(|a, b| a.1.cmp(&b.1));
    }
    Side {
        raw: pairs.iter().map(|(r, _)| r.clone()).collect(),
        keys: pairs.into_iter().map(|(_, k)| k).collect(),
    }
}

/// A table header: `NAME …` or `EVENT NAME …` / `NAMESPACE NAME …` in capitals.
fn is_header(k: &str) -> bool {
    let mut ws = k.split(' ');
    let w0 = ws.next().unwrap_or("");
    (w0 == "NAME" || w0 == "NAMESPACE" || w0 == "EVENT" || w0 == "LAST")
        && k.chars().all(|c| !c.is_ascii_lowercase())
}

/// One line of an edit script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same(usize, usize),
    Del(usize),
    Add(usize),
}

/// Longest common subsequence on the keys (small inputs; bounded by the caller's caps).
fn edit_script(a: &[String], b: &[String]) -> Vec<Op> {
    const MAX_CELLS: usize = 4_000_000;
    if a.len().saturating_mul(b.len()) > MAX_CELLS {
        let mut ops: Vec<Op> = (0..a.len()).map(Op::Del).collect();
        ops.extend((0..b.len()).map(Op::Add));
        return ops;
    }
    let (n, m) = (a.len(), b.len());
    let mut t = vec![0u32; (n + 1) * (m + 1)];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i * (m + 1) + j] = if a[i] == b[j] {
                t[(i + 1) * (m + 1) + j + 1] + 1
            } else {
                t[(i + 1) * (m + 1) + j].max(t[i * (m + 1) + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut ops = Vec::new();
    while i < n && j < m {
        if a[i] == b[j] {
            ops.push(Op::Same(i, j));
            i += 1;
            j += 1;
        } else if t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1] {
            ops.push(Op::Del(i));
            i += 1;
        } else {
            ops.push(Op::Add(j));
            j += 1;
        }
    }
    ops.extend((i..n).map(Op::Del));
    ops.extend((j..m).map(Op::Add));
    ops
}

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// A unified-style diff of the doc's lines against the cluster's (hunks only, no file
/// headers), or `None` when they match after normalization.
pub fn diff(doc: &Side, got: &Side) -> Option<String> {
    if doc.keys == got.keys {
        return None;
    }
    let ops = edit_script(&doc.keys, &got.keys);
    let changed: Vec<bool> = ops.iter().map(|o| !matches!(o, Op::Same(..))).collect();
    let mut out = String::new();
    let mut k = 0;
    while k < ops.len() {
        if !changed[k] {
            k += 1;
            continue;
        }
        // A hunk: from CONTEXT before this change to CONTEXT after the last change that is
        // within 2*CONTEXT of the previous one.
        let start = k.saturating_sub(CONTEXT);
        let mut end = k;
        let mut j = k;
        while j < ops.len() {
            if changed[j] {
                end = j;
            } else if j - end > 2 * CONTEXT {
                break;
            }
            j += 1;
        }
        let stop = (end + CONTEXT + 1).min(ops.len());
        let (mut a0, mut b0) = (None, None);
        let (mut an, mut bn) = (0, 0);
        let mut body = String::new();
        for op in &ops[start..stop] {
            match *op {
                Op::Same(i, j) => {
                    a0.get_or_insert(i);
                    b0.get_or_insert(j);
                    an += 1;
                    bn += 1;
                    body.push_str(&format!(" {}\n", doc.raw[i]));
                }
                Op::Del(i) => {
                    a0.get_or_insert(i);
                    an += 1;
                    body.push_str(&format!("-{}\n", doc.raw[i]));
                }
                Op::Add(j) => {
                    b0.get_or_insert(j);
                    bn += 1;
                    body.push_str(&format!("+{}\n", got.raw[j]));
                }
            }
        }
        let a0 = a0.map_or(0, |x| x + 1);
        let b0 = b0.map_or(0, |x| x + 1);
        out.push_str(&format!("@@ -{a0},{an} +{b0},{bn} @@\n"));
        out.push_str(&body);
        k = stop;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_cluster_specifics() {
        assert_eq!(
            line("web-0     1/1       Running   0          10m"),
            "web-0 1/1 Running 0 <age>"
        );
        assert_eq!(
            line("www-web-0   Bound    pvc-2bf00408-d366-4a12-bad0-1869c65d0bee   1Gi"),
            "www-web-0 Bound pvc-<uid> 1Gi"
        );
        assert_eq!(
            line("Address 1: 10.0.0.10 kube-dns.kube-system.svc.cluster.local"),
            line("Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local")
        );
        assert_eq!(line("ep 10.244.1.6:80,10.244.2.6:80"), "ep <ip>:80,<ip>:80");
        assert_eq!(line("v1.34.0"), "v1.34.0");
        assert_eq!(line("at 2025-08-27T10:00:05Z ok"), "at <time> ok");
        assert_eq!(
            line("CreationTimestamp:  Wed, 27 Aug 2025 10:00:00 +0000"),
            "CreationTimestamp: <time>"
        );
        for d in ["0s", "2m5s", "3h10m", "23h", "<invalid>"] {
            assert!(is_duration(d), "{d}");
        }
        for d in ["1Gi", "80/TCP", "s", "1/1", "web-0"] {
            assert!(!is_duration(d), "{d}");
        }
    }

    #[test]
    fn watch_rows_collapse_per_object() {
        let raw: Vec<String> = [
            "NAME    READY   STATUS    RESTARTS   AGE",
            "web-0   0/1     Pending   0          0s",
            "web-0   0/1     Pending   0          0s",
            "web-1   0/1     Pending   0          0s",
            "web-0   0/1     Pending   0          1s",
            "NAME    READY   STATUS    RESTARTS   AGE",
            "web-0   1/1     Running   0          3s",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let s = side(&raw, true);
        assert_eq!(
            s.keys,
            vec![
                "web-0 0/1 Pending 0 <age>",
                "web-1 0/1 Pending 0 <age>",
                "web-0 1/1 Running 0 <age>"
            ]
        );
    }

    #[test]
    fn diff_hunks() {
        let a = side(&["a".into(), "b".into(), "c".into()], false);
        let b = side(&["a".into(), "x".into(), "c".into(), "".into()], false);
        assert_eq!(diff(&a, &b).unwrap(), "@@ -1,3 +1,3 @@\n a\n-b\n+x\n c\n");
        assert!(diff(&a, &side(&["a  ".into(), "b".into(), "c".into()], false)).is_none());
    }
}
