//! Virtual time. The cluster owns its clock; nothing here reads the wall clock.
//!
//! A [`Time`] is milliseconds since the Unix epoch, so RFC 3339 rendering needs no offset table.
//! Every cluster starts at [`EPOCH`].

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Milliseconds since 1970-01-01T00:00:00Z, in virtual time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Time(pub u64);

/// Where every cluster's clock starts: 2025-08-27T10:00:00Z, the day Kubernetes v1.34.0 shipped.
pub const EPOCH: Time = Time(1_756_288_800_000);

impl Time {
    pub const fn ms(self) -> u64 {
        self.0
    }
    pub const fn plus_ms(self, ms: u64) -> Time {
        Time(self.0.saturating_add(ms))
    }
    pub const fn plus_secs(self, s: u64) -> Time {
        Time(self.0.saturating_add(s.saturating_mul(1000)))
    }
    /// Milliseconds from `earlier` to `self`, zero if `earlier` is later.
    pub const fn since(self, earlier: Time) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
    /// Whole seconds since the Unix epoch (Kubernetes timestamps have second precision).
    pub const fn unix_secs(self) -> u64 {
        self.0 / 1000
    }
    /// The same instant truncated to whole seconds, as the apiserver stores metav1.Time.
    pub const fn truncated(self) -> Time {
        Time(self.0 / 1000 * 1000)
    }

    /// `2025-08-27T10:00:00Z` (metav1.Time's JSON form).
    pub fn rfc3339(self) -> String {
        let (y, mo, d, h, mi, s) = civil(self.unix_secs());
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }

    /// `Wed, 27 Aug 2025 10:00:00 +0000` (Go's RFC1123Z, used by `kubectl describe`).
    pub fn rfc1123z(self) -> String {
        const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let secs = self.unix_secs();
        let (y, mo, d, h, mi, s) = civil(secs);
        let weekday = DAYS[((secs / 86_400) % 7) as usize];
        let month = MONTHS[(mo - 1) as usize];
        format!("{weekday}, {d:02} {month} {y} {h:02}:{mi:02}:{s:02} +0000")
    }

    /// Parses `YYYY-MM-DDTHH:MM:SSZ` (optionally with fractional seconds before the `Z`).
    pub fn parse_rfc3339(s: &str) -> Option<Time> {
        let b = s.as_bytes();
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || !s.ends_with('Z') {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u64>().ok();
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
            return None;
        }
        let days = days_from_civil(y as i64, mo as i64, d as i64);
        if days < 0 {
            return None;
        }
        Some(Time(
            ((days as u64) * 86_400 + h * 3600 + mi * 60 + sec) * 1000,
        ))
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.rfc3339())
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Time::parse_rfc3339(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "parsing time {s:?} as \"2006-01-02T15:04:05Z07:00\": cannot parse"
            ))
        })
    }
}

/// (year, month, day, hour, minute, second) of a Unix timestamp (Howard Hinnant's algorithm).
fn civil(unix_secs: u64) -> (i64, u32, u32, u32, u32, u32) {
    let days = (unix_secs / 86_400) as i64;
    let rem = unix_secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        m,
        d,
        (rem / 3600) as u32,
        (rem % 3600 / 60) as u32,
        (rem % 60) as u32,
    )
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_renders_as_release_day() {
        assert_eq!(EPOCH.rfc3339(), "2025-08-27T10:00:00Z");
        assert_eq!(EPOCH.rfc1123z(), "Wed, 27 Aug 2025 10:00:00 +0000");
        assert_eq!(Time::parse_rfc3339("2025-08-27T10:00:00Z"), Some(EPOCH));
        assert_eq!(
            Time::parse_rfc3339("2024-02-29T23:59:59.5Z")
                .map(|t| t.rfc3339())
                .as_deref(),
            Some("2024-02-29T23:59:59Z")
        );
        assert_eq!(Time::parse_rfc3339("yesterday"), None);
    }
}
