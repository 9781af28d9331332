//! Browser test: the API client takes a page's first answers from its boot script
//! (`xtask/src/boot.js`, `__ddEarly`) when the script asked for them, reads them as it
//! reads an answer from the network, and asks the network itself when it did not.

#![cfg(target_arch = "wasm32")]

use doctor_desk::api;
use doctor_desk_api::ErrorCode;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A stand-in for the boot script: the answers it holds, by URL, each taken once; what
/// was asked of it goes to `__ddAsked`.
fn boot_script_with(answers: &str) {
    let install = js_sys::Function::new_no_args(&format!(
        r#"const answers = new Map(Object.entries({answers}));
           window.__ddAsked = [];
           window.__ddEarly = {{
               answer(url) {{
                   window.__ddAsked.push(url);
                   const a = answers.get(url);
                   answers.delete(url);
                   return a === undefined ? undefined : Promise.resolve(a);
               }},
               forget() {{ window.__ddAsked.push("forget"); answers.clear(); }},
           }};"#
    ));
    install.call0(&JsValue::NULL).unwrap();
}

fn asked() -> Vec<String> {
    let asked = js_sys::Reflect::get(&js_sys::global(), &"__ddAsked".into()).unwrap();
    js_sys::Array::from(&asked)
        .iter()
        .filter_map(|v| v.as_string())
        .collect()
}

#[wasm_bindgen_test]
async fn answers_the_boot_script_got_are_read_like_the_networks() {
    boot_script_with(
        r#"{
            "/api/v1/me": [401, null, {"error": {"code": "unauthorized", "message": "请先登录", "fields": {}}}],
            "/api/v1/consultations?status=new&limit=50&q=": [429, "30", {"error": {"code": "rate_limited", "message": "太频繁", "fields": {}}}]
        }"#,
    );
    let me = api::me().await.unwrap_err();
    assert_eq!(
        (me.status, me.code, me.message.as_str()),
        (401, Some(ErrorCode::Unauthorized), "请先登录")
    );
    let list = api::consultations("new", "", None).await.unwrap_err();
    assert_eq!(
        (list.status, list.code, list.retry_after),
        (429, Some(ErrorCode::RateLimited), Some(30))
    );
    assert_eq!(
        asked(),
        ["/api/v1/me", "/api/v1/consultations?status=new&limit=50&q="]
    );

    // Taken once: the next ask goes to the network (the test page has no API: 404).
    let again = api::me().await.unwrap_err();
    assert_eq!(again.status, 404);
    assert_eq!(asked().len(), 3, "asked the boot script first");

    api::forget_early_answers();
    assert_eq!(asked().last().map(String::as_str), Some("forget"));
}

#[wasm_bindgen_test]
async fn a_body_that_is_not_the_expected_shape_is_a_network_error() {
    boot_script_with(r#"{"/api/v1/me": [200, null, {"unexpected": true}]}"#);
    let error = api::me().await.unwrap_err();
    assert_eq!((error.status, error.code), (0, None));
}
