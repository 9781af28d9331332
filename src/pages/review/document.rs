//! One licence document as a reviewer reads it: what it is, its number and expiry, the
//! picture at full width (or a link for a PDF). A submission puts its decision under it;
//! an appeal shows the account's verified documents with nothing to decide.

use doctor_desk_api::onboarding::Document;
use leptos::prelude::*;

use crate::{
    api,
    i18n::{tr, use_texts},
};

#[component]
pub fn ReviewDocument(
    document: Document,
    /// What the page asks about this document (approve or reject), under it.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let t = use_texts();
    let url = api::file_url(&document.file_id);
    let is_image = document.content_type.starts_with("image/");
    let kind = document.kind;
    view! {
        <article class="card doc-card" data-testid=format!("review-doc-{}", kind.as_str())>
            <header class="doc-card-head">
                <h3>
                    {move || t().document_kind(kind)}
                    {document.caption.map(|c| format!(" · {c}"))}
                </h3>
                {document.number.map(|n| view! { <span class="muted">{n}</span> })}
            </header>
            {document
                .expires_on
                .map(|e| {
                    view! { <p class="muted">{move || format!("{} {e}", t().doc_expires_on())}</p> }
                })}
            {is_image
                .then(|| {
                    view! {
                        <img class="doc-full" src=url.clone() alt=move || t().document_kind(kind) />
                    }
                })}
            <p>
                <a href=url target="_blank" rel="noopener">
                    {tr(|t| t.open_original())}
                </a>
            </p>
            {children.map(|c| c())}
        </article>
    }
}
