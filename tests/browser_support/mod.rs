//! Helpers of the browser tests (wasm-bindgen-test): a fresh host element in the default
//! language, finding by `data-testid`, typing, and waiting for real network results.

#![allow(dead_code)]

use leptos::{prelude::*, task::tick};
use wasm_bindgen::JsCast;
use web_sys::{Event, HtmlElement, HtmlInputElement};

/// A new element in the page to mount into, with the language reset to zh-CN.
pub fn fresh_host() -> HtmlElement {
    window()
        .local_storage()
        .unwrap()
        .unwrap()
        .remove_item("dd_lang")
        .unwrap();
    let host: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&host).unwrap();
    host
}

pub fn find(host: &HtmlElement, testid: &str) -> Option<HtmlElement> {
    host.query_selector(&format!("[data-testid='{testid}']"))
        .unwrap()
        .map(|e| e.unchecked_into())
}

pub fn get(host: &HtmlElement, testid: &str) -> HtmlElement {
    find(host, testid).unwrap_or_else(|| panic!("no [data-testid={testid}]"))
}

pub fn text(host: &HtmlElement, testid: &str) -> String {
    get(host, testid).text_content().unwrap_or_default()
}

/// Sets an input's value and fires `input`, as typing does.
pub fn type_into(host: &HtmlElement, testid: &str, value: &str) {
    let input: HtmlInputElement = get(host, testid).unchecked_into();
    input.set_value(value);
    input.dispatch_event(&Event::new("input").unwrap()).unwrap();
}

/// Polls the DOM until `check` holds (for results that come over the network).
pub async fn until(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..400 {
        if check() {
            return;
        }
        let sleep = js_sys::Promise::new(&mut |resolve, _| {
            window()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 10)
                .unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(sleep).await.unwrap();
        tick().await;
    }
    panic!("timed out waiting for {what}");
}
