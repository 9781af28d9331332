//! Browser test: an agreement shows its changes as text (never as markup), with additions
//! and removals marked, its table of contents, and the server-rendered body.

#![cfg(target_arch = "wasm32")]

use doctor_desk::{app::Providers, pages::agreements::AgreementView};
use doctor_desk_api::{
    agreements::{
        AgreementDocument, AgreementKind, ClauseChange, ClauseChangeKind, DiffOp, DiffSegment,
        TocEntry,
    },
    Lang,
};
use leptos::{mount::mount_to, prelude::*, task::tick};
use wasm_bindgen_test::*;

mod browser_support;

use browser_support::{fresh_host, get, text};

wasm_bindgen_test_configure!(run_in_browser);

fn segment(op: DiffOp, text: &str) -> DiffSegment {
    DiffSegment {
        op,
        text: text.into(),
    }
}

#[wasm_bindgen_test]
async fn changes_are_text_with_additions_and_removals_marked() {
    let host = fresh_host();
    let doc = AgreementDocument {
        kind: AgreementKind::ServiceAgreement,
        version: "1.1.0".into(),
        lang: Lang::Zh,
        title: "医生注册及服务协议".into(),
        change_summary: "费用按月结算。".into(),
        published_at: None,
        body_sha256: "0".repeat(64),
        body: String::new(),
        html: r#"<h2 id="service-agreement-zh-CN-1">十、费用与结算</h2><p>正文</p>"#.into(),
        toc: vec![TocEntry {
            anchor: "service-agreement-zh-CN-1".into(),
            title: "十、费用与结算".into(),
        }],
        changes: Some(vec![ClauseChange {
            title: "十、费用与结算".into(),
            anchor: Some("service-agreement-zh-CN-1".into()),
            change: ClauseChangeKind::Changed,
            segments: vec![
                segment(DiffOp::Same, "按"),
                segment(DiffOp::Added, "月<b>结算</b>"),
                segment(DiffOp::Removed, "结算周期"),
            ],
        }]),
    };
    let _mounted = mount_to(host.clone(), move || {
        view! {
            <Providers>
                <AgreementView doc=doc.clone() />
            </Providers>
        }
    });
    tick().await;

    assert_eq!(text(&host, "change-summary-text"), "费用按月结算。");
    let change = get(&host, "clause-change");
    let ins = change.query_selector("ins").unwrap().expect("an addition");
    assert_eq!(
        ins.text_content().unwrap(),
        "月<b>结算</b>",
        "shown as typed"
    );
    assert!(
        change.query_selector("b").unwrap().is_none(),
        "never markup"
    );
    let del = change.query_selector("del").unwrap().expect("a removal");
    assert_eq!(del.text_content().unwrap(), "结算周期");
    assert!(change.text_content().unwrap().contains("修改"));

    let article = get(&host, "agreement-service-agreement");
    let toc = article
        .query_selector(".toc a")
        .unwrap()
        .expect("a contents link");
    assert_eq!(
        toc.get_attribute("href").unwrap(),
        "#service-agreement-zh-CN-1"
    );
    assert!(article
        .query_selector(".agreement-body #service-agreement-zh-CN-1")
        .unwrap()
        .is_some());
}
