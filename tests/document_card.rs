//! Browser test: a document card prepares the chosen file, shows upload progress, and
//! shows the error state with a retry when the upload fails. The test runner's own server
//! has no API, so the upload really goes out and really fails.

#![cfg(target_arch = "wasm32")]

use doctor_desk::{app::Providers, pages::onboarding::DocumentCard};
use doctor_desk_api::onboarding::DocumentKind;
use leptos::{mount::mount_to, prelude::*, task::tick};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{DataTransfer, Event, HtmlInputElement};

mod browser_support;

use browser_support::{find, fresh_host, until};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn document_card_shows_progress_then_the_error_state() {
    let host = fresh_host();
    let _mounted = mount_to(host.clone(), || {
        view! {
            <Providers>
                <DocumentCard
                    kind=DocumentKind::Qualification
                    document=Signal::derive(|| None)
                    locked=Signal::derive(|| false)
                    on_uploaded=Callback::new(|_| {})
                    on_deleted=Callback::new(|_| {})
                />
            </Providers>
        }
    });
    tick().await;
    assert_eq!(
        find(&host, "doc-qualification-status")
            .unwrap()
            .text_content()
            .unwrap(),
        "未上传"
    );

    // Choose a PDF (sent as it is) of 256 KB, so the upload takes a moment.
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.resize(256 * 1024, b' ');
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    let bag = web_sys::FilePropertyBag::new();
    bag.set_type("application/pdf");
    let file =
        web_sys::File::new_with_u8_array_sequence_and_options(&parts, "资格证.pdf", &bag).unwrap();
    let transfer = DataTransfer::new().unwrap();
    transfer.items().add_with_file(&file).unwrap();
    let input: HtmlInputElement = find(&host, "doc-qualification-file")
        .unwrap()
        .unchecked_into();
    assert_eq!(
        input.accept(),
        "image/*,application/pdf",
        "Android WeChat offers the camera only with this"
    );
    input.set_files(transfer.files().as_ref());
    input
        .dispatch_event(&Event::new("change").unwrap())
        .unwrap();
    until("the prepared file", || {
        find(&host, "doc-qualification-prepared").is_some()
    })
    .await;
    assert!(find(&host, "doc-qualification-prepared")
        .unwrap()
        .text_content()
        .unwrap()
        .contains("资格证.pdf"));

    // The number is checked before anything is sent.
    find(&host, "doc-qualification-upload").unwrap().click();
    tick().await;
    assert_eq!(
        find(&host, "qualification-number-error")
            .unwrap()
            .text_content()
            .unwrap(),
        "此项必填"
    );
    assert!(find(&host, "doc-qualification-progress").is_none());

    let number: HtmlInputElement = find(&host, "qualification-number")
        .unwrap()
        .unchecked_into();
    number.set_value("199833110000123");
    number
        .dispatch_event(&Event::new("input").unwrap())
        .unwrap();
    find(&host, "doc-qualification-upload").unwrap().click();
    tick().await;
    let progress =
        find(&host, "doc-qualification-progress").expect("a progress bar while uploading");
    assert_eq!(progress.tag_name(), "PROGRESS");
    assert!(progress.get_attribute("aria-label").is_some());
    assert!(
        find(&host, "doc-qualification-cancel").is_some(),
        "an upload can be cancelled"
    );

    until("the error state", || {
        find(&host, "doc-qualification-error").is_some()
    })
    .await;
    assert!(find(&host, "doc-qualification-progress").is_none());
    let retry =
        find(&host, "doc-qualification-upload").expect("retry without choosing the file again");
    assert_eq!(retry.text_content().unwrap(), "重试");
    assert!(
        find(&host, "doc-qualification-prepared").is_some(),
        "the chosen file is kept"
    );
    let number: HtmlInputElement = find(&host, "qualification-number")
        .unwrap()
        .unchecked_into();
    assert_eq!(number.value(), "199833110000123", "what was typed stays");
}
