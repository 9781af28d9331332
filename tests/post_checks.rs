//! Browser test: the compliance panel follows the text as it changes: a phone number
//! appears as an error, a comparison as a warning the doctor can keep (recorded with the
//! post), a random 18-digit number is not an ID, and fixing the text clears them.

#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use doctor_desk::{
    app::Providers,
    components::form_field::{Control, FormErrors, FormField},
    pages::posts::{draft::Draft, findings_of, ChecksPanel, Highlights},
};
use doctor_desk_api::posts::compliance::{Checker, Rules};
use leptos::{html::Textarea, mount::mount_to, prelude::*, task::tick};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod browser_support;

use browser_support::{find, fresh_host, get, text};

wasm_bindgen_test_configure!(run_in_browser);

/// The word lists the server ships by default.
const RULES: &str = include_str!("../crates/server/data/compliance.txt");

fn type_text(host: &web_sys::HtmlElement, value: &str) {
    let area: web_sys::HtmlTextAreaElement = get(host, "body").unchecked_into();
    area.set_value(value);
    area.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn the_panel_follows_the_text() {
    let host = fresh_host();
    let draft = Draft::new();
    let rules = Rules::parse(RULES).expect("the shipped rules parse");
    let checker = RwSignal::new(Some(Arc::new(Checker::new(&rules))));
    let area = NodeRef::<Textarea>::new();
    let current = RwSignal::new(None::<String>);
    let _mounted = mount_to(host.clone(), move || {
        let findings = findings_of(draft, checker);
        view! {
            <Providers>
                <FormField
                    name="body"
                    label=Signal::derive(|| "正文")
                    value=draft.body
                    errors=FormErrors::new()
                    control=Control::TextArea
                    textarea_ref=area
                >
                    <Highlights body=draft.body findings area />
                </FormField>
                <ChecksPanel draft findings area current />
            </Providers>
        }
    });
    tick().await;
    assert_eq!(text(&host, "checks-summary"), "未发现问题");

    type_text(&host, "高血压患者请按时服药。咨询电话 13800138000。");
    tick().await;
    let phone = get(&host, "finding-phone");
    assert_eq!(
        phone.get_attribute("data-severity").as_deref(),
        Some("error")
    );
    assert!(phone.text_content().unwrap().contains("13800138000"));
    assert!(text(&host, "checks-summary").contains("1 项必须修改"));
    // Marked in place, behind the text.
    let marked = host
        .query_selector("[data-testid='highlights'] mark.mark-error")
        .unwrap()
        .expect("the number is marked in the text");
    assert_eq!(marked.text_content().unwrap(), "13800138000");

    // "Locate" selects the number in the text.
    let locate: web_sys::HtmlElement = phone
        .query_selector("[data-testid='locate']")
        .unwrap()
        .unwrap()
        .unchecked_into();
    locate.click();
    let el: web_sys::HtmlTextAreaElement = get(&host, "body").unchecked_into();
    let (start, end) = (
        el.selection_start().unwrap().unwrap() as usize,
        el.selection_end().unwrap().unwrap() as usize,
    );
    let selected: String = el.value().encode_utf16().collect::<Vec<_>>()[start..end]
        .iter()
        .map(|&u| char::from_u32(u32::from(u)).unwrap())
        .collect();
    assert_eq!(selected, "13800138000");

    // A comparison is a warning the doctor may keep; a random 18-digit number (no valid
    // checksum) is not an ID.
    type_text(&host, "运动是控制血压的首选，编号 123456789012345678。");
    tick().await;
    assert!(find(&host, "finding-phone").is_none());
    assert!(find(&host, "finding-id_number").is_none());
    let comparison = get(&host, "finding-comparison");
    let warning = host
        .query_selector("[data-testid='highlights'] mark.mark-warning")
        .unwrap()
        .expect("the comparison is marked");
    assert_eq!(warning.text_content().unwrap(), "首选");
    let keep: web_sys::HtmlInputElement = comparison
        .query_selector("[data-testid='keep-anyway']")
        .unwrap()
        .expect("a warning can be kept")
        .unchecked_into();
    keep.click();
    tick().await;
    assert_eq!(draft.kept.get_untracked(), ["comparison:首选"]);

    // Fixed: nothing left.
    type_text(&host, "请遵医嘱规律服药，定期复诊。");
    tick().await;
    assert_eq!(text(&host, "checks-summary"), "未发现问题");
    assert!(host
        .query_selector("[data-testid='highlights'] mark")
        .unwrap()
        .is_none());
}
