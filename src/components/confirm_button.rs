//! A button for what cannot be undone: the first tap only asks, on the button itself, and
//! a second tap does it. No dialog: WeChat's in-app browser heads `confirm()` with the
//! site's address, and a dialog covers the thing about to go.

use std::time::Duration;

use leptos::prelude::*;

use crate::i18n::{tr, Texts};

/// How long the question stays: a tap after it is a new first tap.
const ASKS_FOR: Duration = Duration::from_secs(5);

#[component]
pub fn ConfirmButton(
    label: fn(&'static Texts) -> &'static str,
    /// What the button asks after the first tap ("tap again to delete" unless given).
    #[prop(optional)]
    question: Option<fn(&'static Texts) -> &'static str>,
    on_confirm: impl Fn() + 'static,
    #[prop(into)] testid: String,
    #[prop(into, default = Signal::stored(false))] disabled: Signal<bool>,
    /// Red from the start, not only while it asks (the page's main destructive action).
    #[prop(optional)]
    danger: bool,
) -> impl IntoView {
    let label = tr(label);
    let question = tr(question.unwrap_or(|t| t.tap_again_to_delete()));
    let asking = RwSignal::new(false);
    // Which question a timer puts back: one from an earlier first tap leaves a later one.
    let asked = StoredValue::new(0u32);
    let on_click = move |_| {
        if asking.get_untracked() {
            asking.set(false);
            on_confirm();
            return;
        }
        asking.set(true);
        asked.update_value(|n| *n += 1);
        let this = asked.get_value();
        set_timeout(
            move || {
                if asked.try_get_value() == Some(this) {
                    asking.try_set(false);
                }
            },
            ASKS_FOR,
        );
    };
    view! {
        <button
            type="button"
            class=move || if danger || asking.get() { "button button-danger" } else { "button" }
            data-testid=testid
            data-asking=move || asking.get().to_string()
            aria-live="polite"
            disabled=move || disabled.get()
            on:click=on_click
            on:blur=move |_| asking.set(false)
        >
            {move || if asking.get() { question() } else { label() }}
        </button>
    }
}
