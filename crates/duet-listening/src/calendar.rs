//! Local days and the periods the record is summed over, at an explicit offset from UTC (the
//! caller's own zone: the app's window, the server's machine), never the process's zone.

use duet_core::{Error, Result};
use serde::{Deserialize, Serialize};

const DAY_S: i64 = 86_400;
const DAY_MS: i64 = DAY_S * 1000;

/// An offset from UTC in seconds (east positive: China is `+28_800`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UtcOffset(i32);

impl UtcOffset {
    pub const UTC: UtcOffset = UtcOffset(0);

    /// Offsets beyond ±18 h do not exist anywhere.
    pub fn from_seconds(seconds: i32) -> Result<Self> {
        if seconds.abs() > 18 * 3600 {
            return Err(Error::bad_request(format!(
                "a UTC offset is at most 18 hours either way, got {seconds} s"
            )));
        }
        Ok(Self(seconds))
    }

    pub fn from_minutes(minutes: i32) -> Result<Self> {
        Self::from_seconds(minutes.saturating_mul(60))
    }

    pub fn seconds(self) -> i32 {
        self.0
    }

    /// This machine's offset at `unix_ms` (its time zone database, daylight saving included);
    /// UTC when the machine names no zone. For a front end without a zone of its own (the
    /// server); the app's window tells its own.
    pub fn system_at(unix_ms: i64) -> Self {
        let at = jiff::Timestamp::from_millisecond(unix_ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        let seconds = jiff::tz::TimeZone::try_system()
            .map(|zone| zone.to_offset(at).seconds())
            .unwrap_or(0);
        Self::from_seconds(seconds).unwrap_or(Self::UTC)
    }
}

/// A day on the calendar (proleptic Gregorian), as `YYYY-MM-DD` in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl LocalDate {
    pub fn new(year: i32, month: u32, day: u32) -> Result<Self> {
        let date = Self { year, month, day };
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(Error::bad_request(format!(
                "{year}-{month}-{day} is not a date"
            )));
        }
        Ok(date)
    }

    /// The local day `unix_ms` falls on at `offset`.
    pub fn of(unix_ms: i64, offset: UtcOffset) -> Self {
        Self::from_day_number((unix_ms + i64::from(offset.0) * 1000).div_euclid(DAY_MS))
    }

    /// Days since 1970-01-01.
    pub fn day_number(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_day_number(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Self { year, month, day }
    }

    pub fn add_days(self, days: i64) -> Self {
        Self::from_day_number(self.day_number() + days)
    }

    /// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    pub fn weekday_from_monday(self) -> i64 {
        (self.day_number() + 3).rem_euclid(7)
    }

    /// When this local day begins, in Unix milliseconds.
    pub fn start_ms(self, offset: UtcOffset) -> i64 {
        self.day_number() * DAY_MS - i64::from(offset.0) * 1000
    }

    pub fn parse(text: &str) -> Result<Self> {
        let bad = || Error::bad_request(format!("{text:?} is not a date like 2026-12-05"));
        let mut parts = text.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let year = y.parse().map_err(|_| bad())?;
        let month = m.parse().map_err(|_| bad())?;
        let day = d.parse().map_err(|_| bad())?;
        Self::new(year, month, day).map_err(|_| bad())
    }
}

impl std::fmt::Display for LocalDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for LocalDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LocalDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(|e| serde::de::Error::custom(e.message))
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// The calendar periods the top lists and totals are summed over, each up to now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Today,
    /// Since Monday.
    Week,
    /// Since the 1st.
    Month,
    /// Since 1 January.
    Year,
    AllTime,
}

impl Period {
    /// The first local day of the period that holds `today`; `None` for all time.
    pub fn first_day(self, today: LocalDate) -> Option<LocalDate> {
        match self {
            Period::Today => Some(today),
            Period::Week => Some(today.add_days(-today.weekday_from_monday())),
            Period::Month => Some(LocalDate { day: 1, ..today }),
            Period::Year => Some(LocalDate {
                month: 1,
                day: 1,
                ..today
            }),
            Period::AllTime => None,
        }
    }

    /// `[from_ms, until_ms)` of the period at `now_ms`; plays that started in it count.
    pub fn range_ms(self, now_ms: i64, offset: UtcOffset) -> (i64, i64) {
        let today = LocalDate::of(now_ms, offset);
        let from = self
            .first_day(today)
            .map_or(i64::MIN, |d| d.start_ms(offset));
        (from, today.add_days(1).start_ms(offset))
    }
}

impl std::str::FromStr for Period {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "today" => Ok(Period::Today),
            "week" => Ok(Period::Week),
            "month" => Ok(Period::Month),
            "year" => Ok(Period::Year),
            "all_time" => Ok(Period::AllTime),
            other => Err(Error::bad_request(format!(
                "unknown period {other:?}: expected today, week, month, year or all_time"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip_across_centuries_and_leap_days() {
        for days in [-800_000_i64, -1, 0, 1, 11_016, 19_782, 20_427, 2_000_000] {
            let date = LocalDate::from_day_number(days);
            assert_eq!(date.day_number(), days, "{date}");
        }
        assert_eq!(LocalDate::from_day_number(0).to_string(), "1970-01-01");
        assert_eq!(
            LocalDate::parse("2024-02-29")
                .unwrap()
                .add_days(1)
                .to_string(),
            "2024-03-01"
        );
        assert!(LocalDate::parse("2025-02-29").is_err());
        assert!(LocalDate::parse("2025-13-01").is_err());
        assert!(LocalDate::parse("2025-1-1-1").is_err());
        assert!(LocalDate::parse("<script>").is_err());
    }

    #[test]
    fn the_same_instant_is_on_different_days_east_and_west() {
        // 2026-12-04T16:30:00Z: half past midnight on the 5th in Beijing, still the 4th in London
        // and in New York.
        let instant = LocalDate::parse("2026-12-04")
            .unwrap()
            .start_ms(UtcOffset::UTC)
            + (16 * 3600 + 30 * 60) * 1000;
        let beijing = UtcOffset::from_seconds(8 * 3600).unwrap();
        let new_york = UtcOffset::from_minutes(-5 * 60).unwrap();
        assert_eq!(LocalDate::of(instant, beijing).to_string(), "2026-12-05");
        assert_eq!(
            LocalDate::of(instant, UtcOffset::UTC).to_string(),
            "2026-12-04"
        );
        assert_eq!(LocalDate::of(instant, new_york).to_string(), "2026-12-04");
        assert!(UtcOffset::from_minutes(19 * 60).is_err());
    }

    #[test]
    fn the_system_offset_is_a_real_one() {
        let offset = UtcOffset::system_at(1_764_900_000_000);
        assert!(offset.seconds().abs() <= 14 * 3600, "{offset:?}");
    }

    #[test]
    fn periods_start_on_monday_the_first_and_new_year() {
        let offset = UtcOffset::from_seconds(8 * 3600).unwrap();
        // Saturday 2026-12-05, 10:00 in Beijing.
        let now = LocalDate::parse("2026-12-05").unwrap().start_ms(offset) + 10 * 3_600_000;
        let day = |ms| LocalDate::of(ms, offset).to_string();
        let (from, until) = Period::Week.range_ms(now, offset);
        assert_eq!(
            (day(from), day(until)),
            ("2026-11-30".into(), "2026-12-06".into())
        );
        assert_eq!(day(Period::Month.range_ms(now, offset).0), "2026-12-01");
        assert_eq!(day(Period::Year.range_ms(now, offset).0), "2026-01-01");
        assert_eq!(day(Period::Today.range_ms(now, offset).0), "2026-12-05");
        assert_eq!(Period::AllTime.range_ms(now, offset).0, i64::MIN);
        // A Monday's week starts that day.
        let monday = LocalDate::parse("2026-11-30").unwrap();
        assert_eq!(Period::Week.first_day(monday), Some(monday));
    }
}
