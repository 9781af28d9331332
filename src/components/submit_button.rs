use leptos::prelude::*;

use crate::i18n::{tr, Texts};

/// The primary button of a form: disabled and relabelled while its request is pending,
/// so a doctor cannot send twice and sees that something is happening.
#[component]
pub fn SubmitButton(
    #[prop(into)] pending: Signal<bool>,
    label: fn(&'static Texts) -> &'static str,
    pending_label: fn(&'static Texts) -> &'static str,
    testid: &'static str,
    /// Red: the form does something that cannot be undone.
    #[prop(optional)]
    danger: bool,
) -> impl IntoView {
    let (label, busy) = (tr(label), tr(pending_label));
    view! {
        <button
            type="submit"
            class=if danger { "button button-danger" } else { "button button-primary" }
            data-testid=testid
            disabled=move || pending.get()
        >
            {move || if pending.get() { busy() } else { label() }}
        </button>
    }
}
