//! Browser test: times are stored in UTC and shown in the doctor's time (Asia/Shanghai),
//! and deadlines escalate as they near, in the wasm build the doctors run.

#![cfg(target_arch = "wasm32")]

use chrono::{DateTime, Duration, Utc};
use doctor_desk::format::{local_datetime, local_time, time_left, urgency};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .expect("a time")
        .with_timezone(&Utc)
}

#[wasm_bindgen_test]
fn utc_is_shown_in_china_time() {
    // 16:30 UTC is half past midnight the next day in Shanghai.
    let t = at("2026-11-29T16:30:00Z");
    assert_eq!(local_datetime(t), "2026-11-30 00:30");
    assert_eq!(local_time(t), "00:30");
}

#[wasm_bindgen_test]
fn countdowns_escalate_near_the_deadline() {
    let now = at("2026-11-30T00:00:00Z");
    let left = |minutes| Some(now + Duration::minutes(minutes));
    assert_eq!(
        time_left(now + Duration::minutes(125), now).as_deref(),
        Some("2:05")
    );
    assert_eq!(time_left(now - Duration::minutes(1), now), None, "passed");
    assert_eq!(urgency(left(24 * 60), now), "time-left");
    assert_eq!(urgency(left(6 * 60), now), "time-left");
    assert_eq!(urgency(left(6 * 60 - 1), now), "time-left soon");
    assert_eq!(urgency(left(59), now), "time-left urgent");
    assert_eq!(urgency(left(-5), now), "time-left urgent");
    assert_eq!(urgency(None, now), "time-left");
}
