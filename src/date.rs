//! Calendar dates for wave cut-overs (`2027-01-16`) and the instants of migration status
//! exports (`2027-01-16T09:14:03Z`), parsed and printed as ISO 8601. Days-from-civil
//! arithmetic (proleptic Gregorian), so no date crate is needed for this much.

use std::fmt;

/// A day, as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i64);

impl Date {
    /// `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.trim().splitn(3, '-');
        let y: i64 = parts.next()?.parse().ok()?;
        let m: u32 = parts.next()?.parse().ok()?;
        let d: u32 = parts.next()?.parse().ok()?;
        if !(1..=12).contains(&m)
            || d == 0
            || d > days_in_month(y, m)
            || !(1900..=9999).contains(&y)
        {
            return None;
        }
        Some(Date(days_from_civil(y, m, d)))
    }

    /// The day `days` after 1970-01-01 (a Unix time divided by 86,400).
    pub fn from_unix_days(days: i64) -> Date {
        Date(days)
    }

    /// Days since 1970-01-01.
    pub fn unix_days(self) -> i64 {
        self.0
    }

    /// Days from `earlier` to this date.
    pub fn days_since(self, earlier: Date) -> i64 {
        self.0 - earlier.0
    }

    pub fn add_days(self, days: i64) -> Date {
        Date(self.0 + days)
    }

    pub fn ymd(self) -> (i64, u32, u32) {
        civil_from_days(self.0)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// An instant, in whole seconds since 1970-01-01T00:00:00Z (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// ISO 8601 as PowerShell's `.ToString('o')` and `Get-Date -Format o` write it
    /// (`2027-01-16T09:14:03.1234567+01:00`), with `Z` or no zone (read as UTC), a space for
    /// the `T`, or a date alone (midnight UTC). Culture formats (`1/16/2027 9:14 AM`) are
    /// ambiguous between cultures and are refused.
    pub fn parse(s: &str) -> Option<Timestamp> {
        let s = s.trim();
        let date = Date::parse(s.get(..10)?)?;
        let rest = &s[10..];
        if rest.is_empty() {
            return Some(Timestamp(date.0 * 86_400));
        }
        let rest = rest.strip_prefix(['T', ' '])?;
        let (clock, zone) = match rest.find(['Z', 'z', '+', '-']) {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        let mut parts = clock.splitn(3, ':');
        let field = |p: Option<&str>, max: i64| -> Option<i64> {
            let p = p?;
            let n: i64 = if p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse().ok()?
            } else {
                return None;
            };
            (n <= max).then_some(n)
        };
        let h = field(parts.next(), 23)?;
        let m = field(parts.next(), 59)?;
        let sec = match parts.next() {
            None => 0,
            Some(sec) => {
                let (whole, frac) = sec.split_once('.').unwrap_or((sec, "0"));
                if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                field(Some(whole), 60)?
            }
        };
        let offset = match zone {
            "" | "Z" | "z" => 0,
            z => {
                let sign = if z.starts_with('-') { -1 } else { 1 };
                let (oh, om) = z[1..].split_once(':').unwrap_or((&z[1..], "00"));
                sign * (field(Some(oh), 14)? * 3600 + field(Some(om), 59)? * 60)
            }
        };
        Some(Timestamp(
            date.0 * 86_400 + h * 3600 + m * 60 + sec - offset,
        ))
    }

    pub fn from_unix(seconds: i64) -> Timestamp {
        Timestamp(seconds)
    }

    pub fn unix(self) -> i64 {
        self.0
    }

    pub fn date(self) -> Date {
        Date(self.0.div_euclid(86_400))
    }

    /// Hours from `earlier` to this instant.
    pub fn hours_since(self, earlier: Timestamp) -> f64 {
        (self.0 - earlier.0) as f64 / 3600.0
    }
}

/// `2027-01-16T09:14:03Z`.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.rem_euclid(86_400);
        write!(
            f,
            "{}T{:02}:{:02}:{:02}Z",
            self.date(),
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's algorithms (public domain), http://howardhinnant.github.io/date_algorithms.html
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::{Date, Timestamp};

    #[test]
    fn instants_read_as_powershell_writes_them_in_iso_8601() {
        let at = |s: &str| Timestamp::parse(s).map(|t| t.to_string());
        assert_eq!(
            at("2027-01-16T09:14:03Z").as_deref(),
            Some("2027-01-16T09:14:03Z")
        );
        assert_eq!(
            at("2027-01-16T09:14:03.1234567+01:00").as_deref(),
            Some("2027-01-16T08:14:03Z")
        );
        assert_eq!(
            at("2027-01-16T00:30:00-05:00").as_deref(),
            Some("2027-01-16T05:30:00Z")
        );
        assert_eq!(
            at("2027-01-16 09:14").as_deref(),
            Some("2027-01-16T09:14:00Z")
        );
        assert_eq!(at("2027-01-16").as_deref(), Some("2027-01-16T00:00:00Z"));
        for bad in [
            "1/16/2027 9:14:03 AM",
            "16.01.2027 09:14:03",
            "2027-01-16T9:14",
            "2027-01-16T25:00:00",
            "2027-01-16T09:14:03.",
            "",
        ] {
            assert_eq!(at(bad), None, "{bad}");
        }
        let a = Timestamp::parse("2027-01-16T09:00:00Z").unwrap();
        let b = Timestamp::parse("2027-01-16T10:30:00Z").unwrap();
        assert_eq!(b.hours_since(a), 1.5);
    }

    #[test]
    fn dates_round_trip_and_add() {
        let d = Date::parse("2027-01-16").unwrap();
        assert_eq!(d.to_string(), "2027-01-16");
        assert_eq!(d.add_days(-14).to_string(), "2027-01-02");
        assert_eq!(
            Date::parse("2028-02-28").unwrap().add_days(1).to_string(),
            "2028-02-29"
        );
        assert_eq!(Date::parse("1970-01-01").unwrap(), Date(0));
        for bad in ["2027-02-29", "2027-13-01", "27-01-01x", "", "2027-1"] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }
}
