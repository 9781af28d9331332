//! How the contract's times and dates are read: `#[serde(with = "crate::time::…")]` on
//! every such field. They are written as chrono writes them (RFC 3339 in UTC, ISO dates)
//! and read with chrono's RFC 3339 parser and a plain `YYYY-MM-DD` reader. chrono's own
//! `Deserialize` goes through its general parser (every format item, week dates, month
//! names), which the doctor app's first load carried for reading these two forms only
//! (issue 12).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};

fn utc_from(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A `YYYY-MM-DD` date (what the contract sends, and what a date input gives).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let mut parts = text.splitn(3, '-');
    let mut next = |len: usize| {
        parts
            .next()
            .filter(|p| p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u32>().ok())
    };
    let (year, month, day) = (next(4)?, next(2)?, next(2)?);
    NaiveDate::from_ymd_opt(year as i32, month, day)
}

const NOT_A_TIME: &str = "not an RFC 3339 time";
const NOT_A_DATE: &str = "not a YYYY-MM-DD date";

/// `DateTime<Utc>`.
pub mod utc {
    use super::*;

    pub fn serialize<S: Serializer>(time: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        time.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        utc_from(&String::deserialize(d)?).ok_or_else(|| D::Error::custom(NOT_A_TIME))
    }
}

/// `Option<DateTime<Utc>>` (the field also needs `default`: absent is `None`).
pub mod utc_option {
    use super::*;

    pub fn serialize<S: Serializer>(time: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        time.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|text| utc_from(&text).ok_or_else(|| D::Error::custom(NOT_A_TIME)))
            .transpose()
    }
}

/// `NaiveDate`.
pub mod date {
    use super::*;

    pub fn serialize<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        date.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        parse_date(&String::deserialize(d)?).ok_or_else(|| D::Error::custom(NOT_A_DATE))
    }
}

/// `Option<NaiveDate>` (the field also needs `default`: absent is `None`).
pub mod date_option {
    use super::*;

    pub fn serialize<S: Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        date.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|text| parse_date(&text).ok_or_else(|| D::Error::custom(NOT_A_DATE)))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Times {
        #[serde(with = "utc")]
        at: DateTime<Utc>,
        #[serde(default, with = "utc_option")]
        until: Option<DateTime<Utc>>,
        #[serde(with = "date")]
        on: NaiveDate,
        #[serde(default, with = "date_option")]
        due: Option<NaiveDate>,
    }

    #[test]
    fn what_chrono_writes_is_read_back() {
        let times = Times {
            at: Utc.with_ymd_and_hms(2026, 12, 5, 8, 30, 1).unwrap()
                + chrono::Duration::nanoseconds(123_456_789),
            until: Some(Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap()),
            on: NaiveDate::from_ymd_opt(2026, 2, 28).unwrap(),
            due: None,
        };
        let text = serde_json::to_string(&times).unwrap();
        assert_eq!(
            text,
            r#"{"at":"2026-12-05T08:30:01.123456789Z","until":"2027-01-01T00:00:00Z","on":"2026-02-28","due":null}"#
        );
        assert_eq!(serde_json::from_str::<Times>(&text).unwrap(), times);
        // Absent optional fields are `None`; offsets are turned into UTC.
        let read: Times =
            serde_json::from_str(r#"{"at":"2026-12-05T16:30:01+08:00","on":"2026-02-28"}"#)
                .unwrap();
        assert_eq!(
            read.at,
            Utc.with_ymd_and_hms(2026, 12, 5, 8, 30, 1).unwrap()
        );
        assert_eq!((read.until, read.due), (None, None));
    }

    #[test]
    fn other_forms_are_refused() {
        for (at, on) in [
            ("2026-12-05", "2026-02-28"),
            ("2026-12-05T08:30:01", "2026-02-28"),
            ("2026-12-05T08:30:01Z", "2026-02-30"),
            ("2026-12-05T08:30:01Z", "2026-2-28"),
            ("2026-12-05T08:30:01Z", "2026-02-28T00:00:00Z"),
            ("2026-12-05T08:30:01Z", "+2026-02-28"),
        ] {
            let text = format!(r#"{{"at":"{at}","on":"{on}"}}"#);
            assert!(serde_json::from_str::<Times>(&text).is_err(), "{text}");
        }
    }
}
