//! `resource.Quantity` (`k8s.io/apimachinery/pkg/api/resource`): parsing with the same error
//! texts as `ParseQuantity`, exact arithmetic in milli-units, and the canonical string form
//! (`1Gi`, `500m`, `2`) that quota messages print.

use std::cmp::Ordering;

pub const ERR_FORMAT_WRONG: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
pub const ERR_SUFFIX: &str = "unable to parse quantity's suffix";
pub const ERR_NUMERIC: &str = "unable to parse numeric part of quantity";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    BinarySI,
    DecimalSI,
    DecimalExponent,
}

/// A quantity in thousandths of a unit (the smallest scale Ordinal needs), saturating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity {
    pub millis: i128,
    pub format: Format,
}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> Ordering {
        self.millis.cmp(&other.millis)
    }
}

/// Values beyond this are clamped; nothing in a simulated cluster comes near it.
const LIMIT: i128 = 1_000_000_000_000_000_000_000_000_000_000;

impl Quantity {
    pub fn zero() -> Quantity {
        Quantity {
            millis: 0,
            format: Format::DecimalSI,
        }
    }

    /// `Quantity.Add`: the receiver's format wins (so `1Gi + 1Gi = 2Gi`).
    pub fn plus(self, other: Quantity) -> Quantity {
        Quantity {
            millis: (self.millis + other.millis).clamp(-LIMIT, LIMIT),
            format: if self.millis == 0 && self.format == Format::DecimalSI {
                other.format
            } else {
                self.format
            },
        }
    }

    pub fn is_zero(&self) -> bool {
        self.millis == 0
    }
}

/// `ParseQuantity` (`quantity.go`), including the order in which it reports errors.
pub fn parse(s: &str) -> Result<Quantity, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Err(ERR_FORMAT_WRONG);
    }
    let b = s.as_bytes();
    let mut pos = 0;
    let mut negative = false;
    if let Some(&c) = b.first() {
        if c == b'-' || c == b'+' {
            negative = c == b'-';
            pos += 1;
        }
    }
    let num_start = pos;
    while pos < b.len() && b[pos].is_ascii_digit() {
        pos += 1;
    }
    let num = &s[num_start..pos];
    let mut denom = "";
    if pos < b.len() && b[pos] == b'.' {
        pos += 1;
        let d0 = pos;
        while pos < b.len() && b[pos].is_ascii_digit() {
            pos += 1;
        }
        denom = &s[d0..pos];
    }
    let suffix_start = pos;
    while pos < b.len() && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos < b.len() && (b[pos] == b'-' || b[pos] == b'+') {
        pos += 1;
    }
    while pos < b.len() && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos < b.len() {
        return Err(ERR_FORMAT_WRONG);
    }
    let suffix = &s[suffix_start..];
    // (base, exponent, format) as `suffixer.interpret`.
    let (base, exp, format): (i128, i32, Format) = match suffix {
        "" => (10, 0, Format::DecimalSI),
        "n" => (10, -9, Format::DecimalSI),
        "u" => (10, -6, Format::DecimalSI),
        "m" => (10, -3, Format::DecimalSI),
        "k" => (10, 3, Format::DecimalSI),
        "M" => (10, 6, Format::DecimalSI),
        "G" => (10, 9, Format::DecimalSI),
        "T" => (10, 12, Format::DecimalSI),
        "P" => (10, 15, Format::DecimalSI),
        "E" => (10, 18, Format::DecimalSI),
        "Ki" => (2, 10, Format::BinarySI),
        "Mi" => (2, 20, Format::BinarySI),
        "Gi" => (2, 30, Format::BinarySI),
        "Ti" => (2, 40, Format::BinarySI),
        "Pi" => (2, 50, Format::BinarySI),
        "Ei" => (2, 60, Format::BinarySI),
        other => {
            let rest = other
                .strip_prefix('e')
                .or_else(|| other.strip_prefix('E'))
                .ok_or(ERR_SUFFIX)?;
            let e: i32 = rest.parse().map_err(|_| ERR_SUFFIX)?;
            (10, e, Format::DecimalExponent)
        }
    };
    if num.is_empty() && denom.is_empty() {
        // `inf.Dec.SetString` of an empty numeric part (`Gi`, `.`) fails.
        return Err(ERR_NUMERIC);
    }
    // Exact value in millis: digits * 10^-len(denom) * base^exp * 1000.
    let digits: String = format!("{num}{denom}");
    let digits = digits.trim_start_matches('0');
    if digits.len() > 36 {
        return Ok(Quantity {
            millis: if negative { -LIMIT } else { LIMIT },
            format,
        });
    }
    let mantissa: i128 = if digits.is_empty() {
        0
    } else {
        digits.parse().map_err(|_| ERR_NUMERIC)?
    };
    let mut scale10: i32 = 3 - denom.len() as i32;
    let mut value = mantissa;
    if base == 10 {
        scale10 += exp;
    } else {
        for _ in 0..exp {
            value = (value * 2).min(LIMIT);
        }
    }
    let mut v = value;
    if scale10 >= 0 {
        for _ in 0..scale10.min(40) {
            v = (v * 10).min(LIMIT);
        }
    } else {
        // Sub-milli precision rounds up, as `Quantity.MilliValue` / `RoundUp` do.
        let mut div: i128 = 1;
        for _ in 0..(-scale10).min(38) {
            div *= 10;
        }
        v = (v + div - 1) / div;
    }
    Ok(Quantity {
        millis: if negative { -v } else { v },
        format,
    })
}

/// `Quantity.String()` canonical form for the values Ordinal meets.
pub fn format(q: &Quantity) -> String {
    let m = q.millis;
    if m == 0 {
        return "0".into();
    }
    let sign = if m < 0 { "-" } else { "" };
    let a = m.abs();
    if a % 1000 != 0 {
        return format!("{sign}{a}m");
    }
    let units = a / 1000;
    if q.format == Format::BinarySI {
        for (suffix, shift) in [
            ("Ei", 60),
            ("Pi", 50),
            ("Ti", 40),
            ("Gi", 30),
            ("Mi", 20),
            ("Ki", 10),
        ] {
            let d: i128 = 1 << shift;
            if units % d == 0 {
                return format!("{sign}{}{suffix}", units / d);
            }
        }
        if units < 1024 {
            return format!("{sign}{units}");
        }
    }
    for (suffix, pow) in [
        ("E", 18),
        ("P", 15),
        ("T", 12),
        ("G", 9),
        ("M", 6),
        ("k", 3),
    ] {
        let d: i128 = 10i128.pow(pow);
        if units % d == 0 {
            return format!("{sign}{}{suffix}", units / d);
        }
    }
    format!("{sign}{units}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_like_apimachinery() {
        assert_eq!(parse("1Gi").unwrap().millis, 1_073_741_824_000);
        assert_eq!(parse("500m").unwrap().millis, 500);
        assert_eq!(parse("1.5").unwrap().millis, 1500);
        assert_eq!(parse("2e3").unwrap().millis, 2_000_000);
        assert_eq!(parse("abc"), Err(ERR_FORMAT_WRONG));
        assert_eq!(parse("1Gb"), Err(ERR_FORMAT_WRONG));
        assert_eq!(parse(""), Err(ERR_FORMAT_WRONG));
        assert_eq!(parse("1ki"), Err(ERR_SUFFIX));
        let two = parse("1Gi").unwrap().plus(parse("1Gi").unwrap());
        assert_eq!(format(&two), "2Gi");
        assert_eq!(format(&parse("100M").unwrap()), "100M");
        assert_eq!(format(&parse("3").unwrap()), "3");
    }
}
