use doctor_desk_api::agreements::{AgreementDocument, ClauseChange, ClauseChangeKind, DiffOp};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::{
    format::local_datetime,
    i18n::{tr, use_texts},
};

/// One agreement as a reader sees it: title and version, for a re-acceptance what changed
/// (the summary and a clause-by-clause diff), the table of contents, and the text.
#[component]
pub fn AgreementView(doc: AgreementDocument) -> impl IntoView {
    let t = use_texts();
    let heading_id = format!("{}-{}-title", doc.kind.as_str(), doc.lang.tag());
    let version = doc.version.clone();
    let published = doc.published_at.map(local_datetime);
    let meta = move || {
        let mut line = t().version_label(&version);
        if let Some(at) = &published {
            line.push_str(" · ");
            line.push_str(&t().published_on(at));
        }
        line
    };
    let summary = doc.change_summary;
    let changes = doc.changes.map(|changes| {
        view! {
            <section class="change-summary" data-testid="change-summary">
                <h3>{tr(|t| t.change_summary_title())}</h3>
                <p data-testid="change-summary-text">{summary}</p>
                <Show when={
                    let any = !changes.is_empty();
                    move || any
                }>
                    <h3>{tr(|t| t.clause_changes_title())}</h3>
                    <p class="muted">{tr(|t| t.diff_legend())}</p>
                </Show>
                <ol class="clause-changes">
                    {changes
                        .into_iter()
                        .map(|c| view! { <ClauseChangeView change=c /> })
                        .collect_view()}
                </ol>
            </section>
        }
    });
    let toc = doc
        .toc
        .into_iter()
        .map(|entry| {
            let anchor = entry.anchor.clone();
            view! {
                <li>
                    <a
                        href=format!("#{}", entry.anchor)
                        on:click=move |ev| {
                            ev.prevent_default();
                            go_to(&anchor);
                        }
                    >
                        {entry.title}
                    </a>
                </li>
            }
        })
        .collect_view();

    // The server renders the Markdown with raw HTML escaped, images and links other than
    // http(s)/mailto dropped, then cleans it with ammonia's allow-list (see
    // crates/server/src/agreements/markdown.rs).
    let body = leptos::html::div()
        .class("agreement-body prose")
        .inner_html(doc.html); // sanitized: server-side, as said above
    view! {
        <article
            class="card agreement"
            data-testid=format!("agreement-{}", doc.kind.as_str())
            aria-labelledby=heading_id.clone()
        >
            <h2 id=heading_id.clone()>{doc.title}</h2>
            <p class="muted">{meta}</p>
            {changes}
            <nav class="toc" aria-label=tr(|t| t.toc_label())>
                <h3>{tr(|t| t.toc_label())}</h3>
                <ol>{toc}</ol>
            </nav>
            {body}
        </article>
    }
}

#[component]
fn ClauseChangeView(change: ClauseChange) -> impl IntoView {
    let t = use_texts();
    let (badge, label): (&str, fn(&'static crate::i18n::Texts) -> &'static str) =
        match change.change {
            ClauseChangeKind::Added => ("ok", |t| t.clause_added()),
            ClauseChangeKind::Removed => ("warn", |t| t.clause_removed()),
            ClauseChangeKind::Changed => ("info", |t| t.clause_changed()),
        };
    let title = change.title;
    let title = move || {
        if title.is_empty() {
            t().clause_preamble().to_owned()
        } else {
            title.clone()
        }
    };
    let segments = change
        .segments
        .into_iter()
        .map(|s| match s.op {
            DiffOp::Same => view! { <span>{s.text}</span> }.into_any(),
            DiffOp::Added => view! { <ins>{s.text}</ins> }.into_any(),
            DiffOp::Removed => view! { <del>{s.text}</del> }.into_any(),
        })
        .collect_view();
    view! {
        <li data-testid="clause-change">
            <p>
                <strong>{title}</strong>
                " "
                <span class=format!("badge badge-{badge}")>{tr(label)}</span>
                {change
                    .anchor
                    .map(|anchor| {
                        view! {
                            " "
                            <a
                                href=format!("#{anchor}")
                                on:click=move |ev| {
                                    ev.prevent_default();
                                    go_to(&anchor);
                                }
                            >
                                {tr(|t| t.go_to_clause())}
                            </a>
                        }
                    })}
            </p>
            <p class="diff">{segments}</p>
        </li>
    }
}

/// Scrolls to a heading and moves keyboard focus there (the router must not see the `#`).
fn go_to(anchor: &str) {
    if let Some(el) = document().get_element_by_id(anchor) {
        let _ = el.set_attribute("tabindex", "-1");
        el.scroll_into_view();
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
}
