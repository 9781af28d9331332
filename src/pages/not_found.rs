use leptos::prelude::*;
use leptos_router::components::A;

use crate::{components::shell::PublicLayout, i18n::tr};

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <PublicLayout>
            <section class="card" data-testid="not-found">
                <h1>{tr(|t| t.not_found_title())}</h1>
                <p>{tr(|t| t.not_found_body())}</p>
                <A href="/">{tr(|t| t.go_home())}</A>
            </section>
        </PublicLayout>
    }
}
