use leptos::prelude::*;
use leptos_router::components::A;

use crate::{components::shell::PublicLayout, i18n::use_texts};

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let t = use_texts();
    view! {
        <PublicLayout>
            <section class="card" data-testid="not-found">
                <h1>{move || t().not_found_title}</h1>
                <p>{move || t().not_found_body}</p>
                <A href="/">{move || t().go_home}</A>
            </section>
        </PublicLayout>
    }
}
