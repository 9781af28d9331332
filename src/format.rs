//! Showing times and dates: stored and sent in UTC, shown in the doctor's local time
//! (Asia/Shanghai: UTC+8 all year, no daylight saving).

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// `2026-11-29 16:05`
pub fn local_datetime(at: DateTime<Utc>) -> String {
    at.with_timezone(&china())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Today's calendar date for the doctor.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&china()).date_naive()
}
