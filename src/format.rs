//! Showing times, dates and sizes: times are stored and sent in UTC and shown in the
//! doctor's local time (Asia/Shanghai: UTC+8 all year, no daylight saving).
//!
//! Plain integer arithmetic on purpose: chrono's `format` pattern interpreter and Rust's
//! float formatting each cost the wasm about 10 KB.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Utc};

fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// `2026-11-29 16:05`
pub fn local_datetime(at: DateTime<Utc>) -> String {
    let t = at.with_timezone(&china());
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// Today's calendar date for the doctor.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&china()).date_naive()
}

/// A byte count for people: `1.2 MB`, `850 KB`.
pub fn bytes(n: u64) -> String {
    if n >= 1024 * 1024 {
        let tenths = n * 10 / (1024 * 1024);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    } else {
        format!("{} KB", n.div_ceil(1024))
    }
}

/// Time left until `deadline` as `h:mm` (`None` once it passed).
pub fn time_left(deadline: DateTime<Utc>, now: DateTime<Utc>) -> Option<String> {
    let minutes = (deadline - now).num_minutes();
    (minutes >= 0).then(|| format!("{}:{:02}", minutes / 60, minutes % 60))
}

/// How pressing a deadline is, as a CSS class: the countdown turns amber with less than
/// six hours left and red in the last hour (doctors expect escalating reminders).
pub fn urgency(deadline: Option<DateTime<Utc>>, now: DateTime<Utc>) -> &'static str {
    match deadline.map(|d| (d - now).num_minutes()) {
        Some(m) if m < 60 => "time-left urgent",
        Some(m) if m < 360 => "time-left soon",
        _ => "time-left",
    }
}

/// `11-29` for a day separator; with the year when it is not this year's.
pub fn local_day(at: DateTime<Utc>) -> String {
    let t = at.with_timezone(&china());
    if t.year() == Utc::now().with_timezone(&china()).year() {
        format!("{:02}-{:02}", t.month(), t.day())
    } else {
        format!("{:04}-{:02}-{:02}", t.year(), t.month(), t.day())
    }
}

/// `16:05`
pub fn local_time(at: DateTime<Utc>) -> String {
    let t = at.with_timezone(&china());
    format!("{:02}:{:02}", t.hour(), t.minute())
}
