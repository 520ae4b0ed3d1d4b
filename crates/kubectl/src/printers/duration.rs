//! `HumanDuration` / `ShortHumanDuration`, ported from
//! `k8s.io/apimachinery/pkg/util/duration/duration.go`.
//!
//! Input is a signed duration in milliseconds (the model's virtual clock resolution). Go's
//! `int(d.Seconds())` truncates toward zero, as does Rust's integer division on `i64`, so
//! `-1999 ms` is `0s` and `-2000 ms` is `<invalid>` exactly as in kubectl.

/// kubectl's modern AGE format (`HumanDuration`): ~2-3 significant figures.
pub fn human_duration(millis: i64) -> String {
    let seconds = millis / 1000;
    if seconds < -1 {
        return "<invalid>".to_string();
    } else if seconds < 0 {
        return "0s".to_string();
    } else if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = millis / 60_000;
    if minutes < 10 {
        let s = seconds % 60;
        if s == 0 {
            return format!("{minutes}m");
        }
        return format!("{minutes}m{s}s");
    } else if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = millis / 3_600_000;
    if hours < 8 {
        let m = minutes % 60;
        if m == 0 {
            return format!("{hours}h");
        }
        format!("{hours}h{m}m")
    } else if hours < 48 {
        format!("{hours}h")
    } else if hours < 24 * 8 {
        let h = hours % 24;
        if h == 0 {
            return format!("{}d", hours / 24);
        }
        format!("{}d{}h", hours / 24, h)
    } else if hours < 24 * 365 * 2 {
        format!("{}d", hours / 24)
    } else if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        if dy == 0 {
            return format!("{}y", hours / 24 / 365);
        }
        format!("{}y{}d", hours / 24 / 365, dy)
    } else {
        format!("{}y", hours / 24 / 365)
    }
}

/// The older AGE format (`ShortHumanDuration`, kubectl of 2016): one unit only.
pub fn short_human_duration(millis: i64) -> String {
    let seconds = millis / 1000;
    if seconds < -1 {
        return "<invalid>".to_string();
    } else if seconds < 0 {
        return "0s".to_string();
    } else if seconds < 60 {
        return format!("{seconds}s");
    }
    let minutes = millis / 60_000;
    if minutes < 60 {
        return format!("{minutes}m");
    }
    let hours = millis / 3_600_000;
    if hours < 24 {
        format!("{hours}h")
    } else if hours < 24 * 365 {
        format!("{}d", hours / 24)
    } else {
        // Go: int(d.Hours()/24/365) on a float; truncation of a positive value = floor.
        format!("{}y", hours / 24 / 365)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1000;
    const M: i64 = 60 * S;
    const H: i64 = 60 * M;
    const D: i64 = 24 * H;
    const Y: i64 = 365 * D;

    #[test]
    fn human_duration_boundaries() {
        let cases: &[(i64, &str)] = &[
            (-2 * S - 1, "<invalid>"),
            (-2 * S, "<invalid>"),
            (-2 * S + 1, "0s"),
            (-S, "0s"),
            (-999, "0s"),
            (0, "0s"),
            (999, "0s"),
            (S, "1s"),
            (59 * S, "59s"),
            (60 * S, "60s"),
            (119 * S + 999, "119s"),
            (120 * S, "2m"),
            (125 * S, "2m5s"),
            (9 * M + 59 * S, "9m59s"),
            (10 * M, "10m"),
            (10 * M + 59 * S, "10m"),
            (62 * M, "62m"),
            (179 * M + 59 * S, "179m"),
            (3 * H, "3h"),
            (3 * H + 59 * S, "3h"),
            (3 * H + M, "3h1m"),
            (7 * H + 59 * M, "7h59m"),
            (8 * H, "8h"),
            (8 * H + 30 * M, "8h"),
            (47 * H + 59 * M, "47h"),
            (48 * H, "2d"),
            (49 * H, "2d1h"),
            (7 * D + 23 * H, "7d23h"),
            (8 * D, "8d"),
            (8 * D + 5 * H, "8d"),
            (364 * D, "364d"),
            (365 * D, "365d"),
            (2 * Y - 1, "729d"),
            (2 * Y, "2y"),
            (2 * Y + D, "2y1d"),
            (8 * Y - 1, "7y364d"),
            (8 * Y, "8y"),
            (100 * Y + 5 * D, "100y"),
        ];
        for &(ms, want) in cases {
            assert_eq!(human_duration(ms), want, "human_duration({ms})");
        }
    }

    #[test]
    fn short_human_duration_boundaries() {
        let cases: &[(i64, &str)] = &[
            (-2 * S, "<invalid>"),
            (-S, "0s"),
            (0, "0s"),
            (59 * S + 999, "59s"),
            (60 * S, "1m"),
            (59 * M + 59 * S, "59m"),
            (60 * M, "1h"),
            (23 * H + 59 * M, "23h"),
            (24 * H, "1d"),
            (364 * D + 23 * H, "364d"),
            (365 * D, "1y"),
            (3 * Y + 100 * D, "3y"),
        ];
        for &(ms, want) in cases {
            assert_eq!(short_human_duration(ms), want, "short_human_duration({ms})");
        }
    }
}
