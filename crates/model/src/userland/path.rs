//! Path and formatting helpers shared by the programs.

use super::{FileKind, Stat};
use crate::time::Time;

/// Resolve `p` against `cwd` and normalize (`.`/`..`/`//`): always absolute, no trailing `/`.
pub fn absolute(cwd: &str, p: &str) -> String {
    let joined = if p.starts_with('/') {
        p.to_string()
    } else {
        format!("{cwd}/{p}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        "/".to_string()
    } else {
        format!("/{}", parts.join("/"))
    }
}

/// Parent directory of a normalized absolute path (`/` for `/x` and `/`).
pub fn parent(p: &str) -> String {
    match p.rfind('/') {
        Some(0) | None => "/".to_string(),
        Some(i) => p[..i].to_string(),
    }
}

/// Last component (`/` for the root).
pub fn basename(p: &str) -> &str {
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/";
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// `drwxr-xr-x` from a stat.
pub fn mode_string(stat: &Stat) -> String {
    let mut s = String::with_capacity(10);
    s.push(if stat.kind == FileKind::Dir { 'd' } else { '-' });
    let rwx = ['r', 'w', 'x'];
    for shift in [6u32, 3, 0] {
        let bits = (stat.mode >> shift) & 7;
        for (i, c) in rwx.iter().enumerate() {
            s.push(if bits & (4 >> i) != 0 { *c } else { '-' });
        }
    }
    // setuid/setgid/sticky replace the x of user/group/other (`s`/`S`, `t`/`T`).
    let mut chars: Vec<char> = s.chars().collect();
    for (bit, idx, set, unset) in [
        (0o4000, 3, 's', 'S'),
        (0o2000, 6, 's', 'S'),
        (0o1000, 9, 't', 'T'),
    ] {
        if stat.mode & bit != 0 {
            chars[idx] = if chars[idx] == 'x' { set } else { unset };
        }
    }
    chars.into_iter().collect()
}

/// `(weekday, day, month, year, "HH:MM:SS")` of a virtual timestamp, from Time's RFC 1123 form.
pub fn date_parts(ms: u64) -> (String, u32, String, i64, String) {
    let s = Time(ms).rfc1123z(); // "Wed, 27 Aug 2025 10:00:00 +0000"
    let mut it = s.split_whitespace();
    let wd = it
        .next()
        .unwrap_or("Thu,")
        .trim_end_matches(',')
        .to_string();
    let day = it.next().and_then(|d| d.parse().ok()).unwrap_or(1);
    let mon = it.next().unwrap_or("Jan").to_string();
    let year = it.next().and_then(|y| y.parse().ok()).unwrap_or(1970);
    let hms = it.next().unwrap_or("00:00:00").to_string();
    (wd, day, mon, year, hms)
}

/// Month number 1..=12 from its English abbreviation.
pub fn month_number(mon: &str) -> u32 {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    MONTHS
        .iter()
        .position(|m| *m == mon)
        .map(|i| i as u32 + 1)
        .unwrap_or(1)
}

/// `ls -l` date column: `Aug 27 10:00` for files younger than six months, else `Aug 27  2024`
/// (GNU and busybox agree on this rule; GNU pads the day to width 2 with a space).
pub fn ls_date(mtime_ms: u64, now_ms: u64) -> String {
    let (_, day, mon, year, hms) = date_parts(mtime_ms);
    const SIX_MONTHS_MS: u64 = 15_778_476_000; // 365.2425 / 2 days, as GNU ls
    let recent = mtime_ms <= now_ms.saturating_add(3_600_000)
        && now_ms.saturating_sub(mtime_ms) < SIX_MONTHS_MS;
    if recent {
        format!("{mon} {day:>2} {}", &hms[..5])
    } else {
        format!("{mon} {day:>2}  {year}")
    }
}

/// HTTP `Date`/`Last-Modified`: `Wed, 27 Aug 2025 10:00:00 GMT`.
pub fn http_date(ms: u64) -> String {
    let (wd, day, mon, year, hms) = date_parts(ms);
    format!("{wd}, {day:02} {mon} {year} {hms} GMT")
}
