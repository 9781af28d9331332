//! Browser tests (wasm-bindgen-test in headless Chromium): the sign-in form checks input
//! with the shared rules before sending, and switches between password and SMS code.

#![cfg(target_arch = "wasm32")]

use doctor_desk::{app::Providers, pages::auth::LoginPage};
use leptos::{mount::mount_to, prelude::*, task::tick};
use leptos_router::components::Router;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

mod browser_support;

use browser_support::{find, fresh_host, get, text, type_into};

wasm_bindgen_test_configure!(run_in_browser);

fn mount_login() -> (HtmlElement, impl Drop) {
    let host = fresh_host();
    let handle = mount_to(host.clone(), || {
        view! {
            <Providers>
                <Router>
                    <LoginPage />
                </Router>
            </Providers>
        }
    });
    (host, handle)
}

#[wasm_bindgen_test]
async fn login_form_shows_validation_errors() {
    let (host, _mounted) = mount_login();
    tick().await;

    get(&host, "login-submit").click();
    tick().await;
    assert_eq!(text(&host, "phone-error"), "此项必填");
    assert_eq!(text(&host, "password-error"), "此项必填");
    let phone: HtmlInputElement = get(&host, "phone").unchecked_into();
    assert_eq!(phone.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(phone
        .get_attribute("aria-describedby")
        .unwrap_or_default()
        .contains("field-phone-error"));

    type_into(&host, "phone", "12345");
    tick().await;
    assert_eq!(
        text(&host, "phone-error"),
        "",
        "typing clears the field's error"
    );
    assert_eq!(
        text(&host, "password-error"),
        "此项必填",
        "other errors stay"
    );

    get(&host, "login-submit").click();
    tick().await;
    assert_eq!(text(&host, "phone-error"), "请输入 11 位中国大陆手机号");
    let phone: HtmlInputElement = get(&host, "phone").unchecked_into();
    assert_eq!(phone.value(), "12345", "what was typed stays");

    // Separators people type are fine.
    type_into(&host, "phone", "139 1234 5678");
    type_into(&host, "password", "anything1");
    tick().await;
    assert_eq!(text(&host, "phone-error"), "");
    assert_eq!(text(&host, "password-error"), "");
}

#[wasm_bindgen_test]
async fn login_form_switches_between_password_and_sms_code() {
    let (host, _mounted) = mount_login();
    tick().await;
    let password_tab = get(&host, "tab-password");
    let sms_tab = get(&host, "tab-sms");
    assert_eq!(
        password_tab.get_attribute("aria-selected").as_deref(),
        Some("true")
    );
    assert_eq!(
        sms_tab.get_attribute("aria-selected").as_deref(),
        Some("false")
    );
    assert!(find(&host, "password").is_some());
    assert!(find(&host, "sms_code").is_none());

    type_into(&host, "phone", "13912345678");
    get(&host, "login-submit").click();
    tick().await;
    assert_eq!(text(&host, "password-error"), "此项必填");

    sms_tab.click();
    tick().await;
    assert_eq!(
        sms_tab.get_attribute("aria-selected").as_deref(),
        Some("true")
    );
    assert_eq!(
        password_tab.get_attribute("aria-selected").as_deref(),
        Some("false")
    );
    assert!(find(&host, "password").is_none());
    assert!(find(&host, "sms_code").is_some());
    assert!(find(&host, "send-code").is_some());
    let phone: HtmlInputElement = get(&host, "phone").unchecked_into();
    assert_eq!(
        phone.value(),
        "13912345678",
        "the phone survives the switch"
    );

    get(&host, "login-submit").click();
    tick().await;
    assert_eq!(text(&host, "sms_code-error"), "此项必填");
    type_into(&host, "sms_code", "12ab");
    get(&host, "login-submit").click();
    tick().await;
    assert_eq!(text(&host, "sms_code-error"), "请输入 6 位数字验证码");

    password_tab.click();
    tick().await;
    assert!(find(&host, "password").is_some());
    assert_eq!(
        text(&host, "password-error"),
        "",
        "switching clears old errors"
    );
}

#[wasm_bindgen_test]
async fn the_send_code_button_checks_the_phone_first() {
    let (host, _mounted) = mount_login();
    tick().await;
    get(&host, "tab-sms").click();
    tick().await;
    get(&host, "send-code").click();
    tick().await;
    assert_eq!(text(&host, "phone-error"), "此项必填");
}

#[wasm_bindgen_test]
async fn the_language_switch_translates_the_form() {
    let (host, _mounted) = mount_login();
    tick().await;
    assert_eq!(text(&host, "login-submit"), "登录");
    get(&host, "language-switch").click();
    tick().await;
    assert_eq!(text(&host, "login-submit"), "Sign in");
    assert_eq!(
        document()
            .document_element()
            .unwrap()
            .get_attribute("lang")
            .as_deref(),
        Some("en")
    );
    get(&host, "login-submit").click();
    tick().await;
    assert_eq!(text(&host, "phone-error"), "Required");
    get(&host, "language-switch").click();
    tick().await;
    assert_eq!(text(&host, "login-submit"), "登录");
}
