//! A new version of the service agreement, published by the reviewer with the caller's
//! texts in both languages.

use reqwest::Method;
use serde_json::json;

use super::{
    client::{Api, Recorder, Slot},
    posts::Body,
};

/// The reviewer publishes service agreement 1.1.0 with the caller's texts in both
/// languages (the body's headings make its table of contents); the version.
pub async fn publish_agreement(rec: &mut Recorder<'_>, reviewer: &Api) -> String {
    let version = "1.1.0".to_owned();
    let heading = |i: usize, t: &str| {
        let line = t
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("");
        format!("## 第{}条 {line}\n\n{t}\n\n", i + 1)
    };
    let zh = Body {
        field: "agreement.body",
        texts: rec.many("agreement.body", 200, 2000),
    };
    let en = Body {
        field: "agreement.body_en",
        texts: rec.many("agreement.body_en", 200, 2000),
    };
    let (zh_body, zh_spans) = zh.render(190_000, heading);
    let (en_body, en_spans) = en.render(190_000, heading);
    let plain_zh = "# 医生服务协议\n\n## 第一条 服务内容\n\n平台为医生提供诊后随访服务。\n";
    let plain_en =
        "# Doctor Service Agreement\n\n## 1. Services\n\nThe platform supports follow-up care.\n";
    let mut slots = [
        Slot::new(
            "agreement.title",
            "title",
            "/title",
            rec.one("agreement.title", 100),
            "医生服务协议",
        ),
        Slot::new(
            "agreement.change_summary",
            "change_summary",
            "/change_summary",
            rec.one("agreement.change_summary", 2000),
            "补充了随访提醒的说明。",
        ),
        Slot::new(
            "agreement.body",
            "body",
            "/body",
            (!zh_body.is_empty()).then_some(zh_body),
            plain_zh,
        ),
        Slot::new(
            "agreement.title_en",
            "title_en",
            "/title_en",
            rec.one("agreement.title_en", 100),
            "Doctor Service Agreement",
        ),
        Slot::new(
            "agreement.change_summary_en",
            "change_summary_en",
            "/change_summary_en",
            rec.one("agreement.change_summary_en", 2000),
            "Explains follow-up reminders.",
        ),
        Slot::new(
            "agreement.body_en",
            "body_en",
            "/body_en",
            (!en_body.is_empty()).then_some(en_body),
            plain_en,
        ),
    ];
    let body = json!({"kind": "service-agreement", "version": version, "title": "",
        "change_summary": "", "body": "", "title_en": "", "change_summary_en": "", "body_en": ""});
    rec.send(
        reviewer,
        Method::POST,
        "/api/v1/review/agreements",
        body,
        &mut slots,
        None,
        true,
    )
    .await;
    // The bodies were recorded whole; record their texts one by one instead.
    for (part, spans) in [(&zh, &zh_spans), (&en, &en_spans)] {
        let joined = rec.stored.iter().position(|(f, _)| f == part.field);
        let refused = rec.refused.iter().position(|(f, _, _)| f == part.field);
        match (joined, refused) {
            (Some(i), _) => {
                rec.stored.remove(i);
                for t in part.texts.iter().take(spans.len()) {
                    rec.accepted(part.field, t);
                }
            }
            (None, Some(i)) => {
                let status = rec.refused.remove(i).2;
                for t in part.texts.iter().take(spans.len()) {
                    rec.refuse(part.field, t, status);
                }
            }
            (None, None) => {}
        }
    }
    version
}
