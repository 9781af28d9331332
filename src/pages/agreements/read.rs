use doctor_desk_api::{agreements::AgreementKind, Lang};
use leptos::prelude::*;
use leptos_router::{
    components::A,
    hooks::{use_params_map, use_query_map},
};

use super::AgreementView;
use crate::{
    api,
    components::fetched::Fetched,
    i18n::{tr, use_i18n},
    pages::not_found::NotFoundPage,
};

/// One published version, read again exactly as accepted (`?lang=` picks the text).
#[component]
pub fn AgreementReadPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let Some(kind) =
        params.with_untracked(|p| p.get("kind").and_then(|k| AgreementKind::parse(&k)))
    else {
        return view! { <NotFoundPage /> }.into_any();
    };
    let version = params
        .with_untracked(|p| p.get("version"))
        .unwrap_or_default();
    let document = Fetched::new(move || {
        let lang = query
            .with(|q| q.get("lang"))
            .map(|tag| Lang::from_accept_language(&tag))
            .unwrap_or_else(|| i18n.lang.get());
        let version = version.clone();
        async move { api::agreement(kind, &version, None, lang).await }
    });
    view! {
        <section class="page">
            <p>
                <A href="/me/agreements">{tr(|t| t.back())}</A>
            </p>
            {move || match document.get() {
                None => view! { <p class="page-loading">{tr(|t| t.loading())}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert">{e.message}</p> }.into_any(),
                Some(Ok(doc)) => {
                    let sha = doc.body_sha256.clone();
                    view! {
                        <AgreementView doc />
                        <p class="muted fingerprint">
                            {tr(|t| t.text_fingerprint())} ": "
                            <code data-testid="body-sha256">{sha}</code>
                        </p>
                    }
                        .into_any()
                }
            }}
        </section>
    }
    .into_any()
}
