//! Browser test: `json::from_str` reads every shape the contract and the app's stored
//! copies use (`src/json/de.rs`), and answers `None` for a value of another shape.

#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use doctor_desk::json;
use doctor_desk_api::{patients::TimelineItem, ErrorBody, ErrorCode, Lang};
use serde::{Deserialize, Serialize};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Shapes {
    id: i64,
    size: u64,
    ratio: f64,
    small: u8,
    name: String,
    flag: bool,
    maybe: Option<String>,
    #[serde(default)]
    absent: Vec<u32>,
    at: DateTime<Utc>,
    lang: Lang,
    pair: (i32, String),
    choice: Choice,
    map: BTreeMap<String, i32>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Choice {
    Plain,
    With(i32),
    Fields { a: String },
}

#[wasm_bindgen_test]
fn every_shape_is_read() {
    let text = r#"{"id": -9007199254740991, "size": 9007199254740991, "ratio": 1.5,
        "small": 255, "name": "张三", "flag": true, "maybe": null, "extra": {"x": [1]},
        "at": "2026-12-05T08:30:00Z", "lang": "zh-CN", "pair": [-3, "x"],
        "choice": {"fields": {"a": "b"}}, "map": {"k": 1, "l": -2}}"#;
    let read: Shapes = json::from_str(text).expect("read");
    assert_eq!(
        read,
        Shapes {
            id: -9_007_199_254_740_991,
            size: 9_007_199_254_740_991,
            ratio: 1.5,
            small: 255,
            name: "张三".into(),
            flag: true,
            maybe: None,
            absent: vec![],
            at: Utc.with_ymd_and_hms(2026, 12, 5, 8, 30, 0).unwrap(),
            lang: Lang::Zh,
            pair: (-3, "x".into()),
            choice: Choice::Fields { a: "b".into() },
            map: BTreeMap::from([("k".into(), 1), ("l".into(), -2)]),
        }
    );
    // What the app writes, it reads back.
    assert_eq!(
        json::from_str::<Shapes>(&json::to_string(&read).unwrap()),
        Some(read)
    );
    assert_eq!(json::from_str::<Choice>(r#""plain""#), Some(Choice::Plain));
    assert_eq!(
        json::from_str::<Choice>(r#"{"with": 7}"#),
        Some(Choice::With(7))
    );
}

#[wasm_bindgen_test]
fn the_contract_reads_as_the_server_writes_it() {
    let body: ErrorBody = json::from_str(
        r#"{"error": {"code": "validation_failed", "message": "m", "fields": {"phone": "p"}}}"#,
    )
    .expect("an error body");
    assert_eq!(body.error.code, ErrorCode::ValidationFailed);
    assert_eq!(
        body.error.fields.get("phone").map(String::as_str),
        Some("p")
    );

    // Internally tagged: the kind beside the fields.
    let item: TimelineItem = json::from_str(
        r#"{"kind": "note", "id": 4, "text": "t", "version": 1, "written_by": "w",
            "created_at": "2026-12-05T08:30:00Z", "updated_at": "2026-12-05T08:30:00Z",
            "history": []}"#,
    )
    .expect("a note");
    assert!(matches!(item, TimelineItem::Note(note) if note.id == 4));
}

#[wasm_bindgen_test]
fn another_shape_is_none() {
    for text in [
        r#"{"id": "1"}"#,
        "[]",
        "null",
        r#"{"id": 1.5, "size": 1, "ratio": 1, "small": 1, "name": "", "flag": true,
            "at": "2026-12-05T08:30:00Z", "lang": "zh-CN", "pair": [1, ""],
            "choice": "plain", "map": {}}"#,
    ] {
        assert_eq!(json::from_str::<Shapes>(text), None, "{text}");
    }
    assert_eq!(json::from_str::<u8>("256"), None);
    assert_eq!(json::from_str::<u64>("-1"), None);
    assert_eq!(
        json::from_str::<i64>("9007199254740993"),
        None,
        "beyond a safe integer"
    );
    assert_eq!(
        json::from_str::<Choice>(r#"{"with": 1, "plain": null}"#),
        None
    );
    assert_eq!(json::from_str::<Lang>(r#""fr""#), None);
    assert_eq!(json::from_str::<(i32, i32)>("[1, 2, 3]"), None);
}
