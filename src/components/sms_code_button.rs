use std::time::Duration;

use doctor_desk_api::{
    auth::{SmsCodeRequest, SmsPurpose},
    validate::{self, normalize_phone},
};
use leptos::prelude::*;

use super::{form_field::FormErrors, toast::use_toasts};
use crate::{
    api,
    i18n::{current_lang, use_texts},
};

/// Wait between two codes; the server enforces the same limit.
const RESEND_SECS: i64 = 60;

/// "Get code" button: checks the phone, asks the server for a code, then counts down
/// until another may be sent (or as long as the server says to wait).
#[component]
pub fn SmsCodeButton(
    phone: RwSignal<String>,
    purpose: SmsPurpose,
    errors: FormErrors,
    /// The field the phone number is entered in (the server names it `phone`).
    #[prop(default = "phone")]
    phone_field: &'static str,
) -> impl IntoView {
    let t = use_texts();
    let toasts = use_toasts();
    let remaining = RwSignal::new(0i64);
    let ticker: StoredValue<Option<IntervalHandle>, LocalStorage> = StoredValue::new_local(None);

    let start_countdown = move |secs: i64| {
        remaining.set(secs);
        if let Some(h) = ticker.get_value() {
            h.clear();
        }
        let handle = set_interval_with_handle(
            move || {
                let left = remaining.get_untracked() - 1;
                remaining.set(left.max(0));
                if left <= 0 {
                    if let Some(h) = ticker.get_value() {
                        h.clear();
                    }
                }
            },
            Duration::from_secs(1),
        )
        .ok();
        ticker.set_value(handle);
    };
    on_cleanup(move || {
        if let Some(h) = ticker.try_get_value().flatten() {
            h.clear();
        }
    });

    let send = Action::new_local(move |req: &SmsCodeRequest| {
        let req = req.clone();
        async move { api::send_sms_code(&req).await }
    });
    Effect::new(move || {
        if let Some(result) = send.value().get() {
            match result {
                Ok(()) => {
                    toasts.info(t().code_sent());
                    start_countdown(RESEND_SECS);
                }
                Err(mut e) => {
                    if let Some(secs) = e.retry_after {
                        start_countdown(secs);
                    }
                    if let Some(message) = e.fields.remove("phone") {
                        e.fields.insert(phone_field.to_owned(), message);
                    }
                    errors.show(e);
                }
            }
        }
    });

    let on_click = move |_| {
        let phone = normalize_phone(&phone.get_untracked());
        match validate::phone(&phone) {
            Ok(()) => {
                send.dispatch(SmsCodeRequest { phone, purpose });
            }
            Err(e) => errors.set_field(phone_field, e.message(current_lang()).to_owned()),
        }
    };
    let waiting = move || remaining.get() > 0;
    view! {
        <button
            type="button"
            class="field-addon"
            data-testid="send-code"
            disabled=move || waiting() || send.pending().get()
            on:click=on_click
        >
            {move || {
                if waiting() { t().resend_in(remaining.get()) } else { t().send_code().to_owned() }
            }}
        </button>
    }
}
