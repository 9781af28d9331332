//! What a page shows when what it needs could not be loaded: the reason, and a button that
//! tries again without leaving the page.

use leptos::prelude::*;

use crate::i18n::tr;

#[component]
pub fn RetryCard(message: String, on_retry: impl Fn() + 'static) -> impl IntoView {
    view! {
        <div class="card" role="alert">
            <p>{message}</p>
            <button type="button" class="button" on:click=move |_| on_retry()>
                {tr(|t| t.retry())}
            </button>
        </div>
    }
}
