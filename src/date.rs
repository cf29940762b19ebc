//! Calendar dates for wave cut-overs: parsing `2027-01-16`, adding days, printing ISO 8601.
//! Days-from-civil arithmetic (proleptic Gregorian), so no date crate is needed for this much.

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
    use super::Date;

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
