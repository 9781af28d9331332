//! Browser test: a button for what cannot be undone asks on its first tap and acts only on
//! the second; leaving it puts the question away, so a later tap asks again.

#![cfg(target_arch = "wasm32")]

use std::{cell::Cell, rc::Rc};

use doctor_desk::{app::Providers, components::confirm_button::ConfirmButton};
use leptos::{mount::mount_to, prelude::*, task::tick};
use wasm_bindgen_test::*;
use web_sys::FocusEvent;

mod browser_support;

use browser_support::{fresh_host, get, text};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_first_tap_asks_the_second_acts() {
    let host = fresh_host();
    let done = Rc::new(Cell::new(0));
    let counted = done.clone();
    // The page's children are sent between threads on paper; the test's count is not.
    let count = send_wrapper::SendWrapper::new(move || counted.set(counted.get() + 1));
    let _mounted = mount_to(host.clone(), move || {
        view! {
            <Providers>
                <ConfirmButton label=|t| t.delete() testid="remove" on_confirm=move || (*count)() />
            </Providers>
        }
    });
    tick().await;
    let button = get(&host, "remove");
    assert_eq!(text(&host, "remove"), "删除");

    button.click();
    tick().await;
    assert_eq!(done.get(), 0, "the first tap only asks");
    assert_eq!(text(&host, "remove"), "再点一次确认删除");
    assert_eq!(button.get_attribute("data-asking").as_deref(), Some("true"));
    assert!(button.class_name().contains("button-danger"));

    button.click();
    tick().await;
    assert_eq!(done.get(), 1, "the second tap acts");
    assert_eq!(
        text(&host, "remove"),
        "删除",
        "and the question is put away"
    );

    // Asked, then left (focus elsewhere): the next tap asks again.
    button.click();
    tick().await;
    button
        .dispatch_event(&FocusEvent::new("blur").unwrap())
        .unwrap();
    tick().await;
    assert_eq!(text(&host, "remove"), "删除");
    button.click();
    tick().await;
    assert_eq!(done.get(), 1, "a tap after leaving asks first");
}
