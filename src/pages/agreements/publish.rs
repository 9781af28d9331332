use doctor_desk_api::agreements::{AgreementKind, PublishRequest};
use leptos::prelude::*;

use super::AgreementView;
use crate::{
    api,
    components::{
        fetched::Fetched,
        form_field::{Control, FormError, FormErrors, FormField},
        toast::use_toasts,
    },
    format::local_datetime,
    i18n::{tr, use_texts},
    pages::{not_found::NotFoundPage, review::is_reviewer},
};

/// Where the unpublished draft waits across reloads.
const DRAFT_KEY: &str = "dd_agreement_draft";

#[derive(Clone, Copy)]
struct Draft {
    kind: RwSignal<String>,
    version: RwSignal<String>,
    title: RwSignal<String>,
    change_summary: RwSignal<String>,
    body: RwSignal<String>,
    title_en: RwSignal<String>,
    change_summary_en: RwSignal<String>,
    body_en: RwSignal<String>,
}

impl Draft {
    fn new(saved: PublishRequest) -> Draft {
        Draft {
            kind: RwSignal::new(
                saved
                    .kind
                    .map(|k| k.as_str().to_owned())
                    .unwrap_or_default(),
            ),
            version: RwSignal::new(saved.version),
            title: RwSignal::new(saved.title),
            change_summary: RwSignal::new(saved.change_summary),
            body: RwSignal::new(saved.body),
            title_en: RwSignal::new(saved.title_en),
            change_summary_en: RwSignal::new(saved.change_summary_en),
            body_en: RwSignal::new(saved.body_en),
        }
    }

    fn request(&self) -> PublishRequest {
        PublishRequest {
            kind: AgreementKind::parse(&self.kind.get()),
            version: self.version.get().trim().to_owned(),
            title: self.title.get(),
            change_summary: self.change_summary.get(),
            body: self.body.get(),
            title_en: self.title_en.get(),
            change_summary_en: self.change_summary_en.get(),
            body_en: self.body_en.get(),
        }
    }

    fn clear(&self) {
        for field in [
            self.kind,
            self.version,
            self.title,
            self.change_summary,
            self.body,
            self.title_en,
            self.change_summary_en,
            self.body_en,
        ] {
            field.set(String::new());
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// 协议管理 (reviewers): the published versions, and a new version with a preview that
/// shows it exactly as doctors will, with its changes against the current one.
#[component]
pub fn ReviewAgreementsPage() -> impl IntoView {
    if !is_reviewer() {
        return view! { <NotFoundPage /> }.into_any();
    }
    let t = use_texts();
    let toasts = use_toasts();
    let published = Fetched::new(api::published_agreements);
    let saved = storage()
        .and_then(|s| s.get_item(DRAFT_KEY).ok().flatten())
        .and_then(|json| crate::json::from_str(&json))
        .unwrap_or_default();
    let draft = Draft::new(saved);
    Effect::new(move || {
        let json = crate::json::to_string(&draft.request()).unwrap_or_default();
        if let Some(s) = storage() {
            let _ = s.set_item(DRAFT_KEY, &json);
        }
    });
    let errors = FormErrors::new();

    let preview = Action::new_local(move |req: &PublishRequest| {
        let req = req.clone();
        async move { api::preview_agreement(&req).await.map(|docs| (req, docs)) }
    });
    // Publishing needs a preview of exactly what is in the form now.
    let previewed = Memo::new(move |_| {
        preview
            .value()
            .get()
            .and_then(Result::ok)
            .is_some_and(|(req, _)| req == draft.request())
    });
    Effect::new(move || {
        if let Some(Err(e)) = preview.value().get() {
            errors.show(e);
        }
    });
    let publish = Action::new_local(move |req: &PublishRequest| {
        let req = req.clone();
        async move { api::publish_agreement(&req).await }
    });
    Effect::new(move || match publish.value().get() {
        Some(Ok(v)) => {
            toasts.info(t().published_toast(&v.version));
            draft.clear();
            preview.value().set(None);
            published.refetch();
        }
        Some(Err(e)) => errors.show(e),
        None => {}
    });
    let on_preview = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = draft.request();
        if errors.check(req.validate()) {
            preview.dispatch(req);
        }
    };
    let kinds = vec![
        ("", Signal::derive(tr(|t| t.choose()))),
        (
            AgreementKind::ServiceAgreement.as_str(),
            Signal::derive(tr(|t| t.kind_service_agreement())),
        ),
        (
            AgreementKind::PrivacyPolicy.as_str(),
            Signal::derive(tr(|t| t.kind_privacy_policy())),
        ),
    ];

    view! {
        <section class="page">
            <h1>{tr(|t| t.review_agreements_title())}</h1>
            <h2>{tr(|t| t.published_versions())}</h2>
            {move || match published.get() {
                None => view! { <p class="page-loading">{tr(|t| t.loading())}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert">{e.message}</p> }.into_any(),
                Some(Ok(rows)) => {
                    view! {
                        <ul class="queue">
                            {rows
                                .into_iter()
                                .map(|v| {
                                    let at = local_datetime(v.published_at);
                                    view! {
                                        <li class="card" data-testid="published-version">
                                            <strong>{v.title.clone()}</strong>
                                            <p class="muted">
                                                {move || {
                                                    let langs: Vec<&str> = v
                                                        .langs
                                                        .iter()
                                                        .map(|l| t().lang_name(*l))
                                                        .collect();
                                                    format!(
                                                        "{} · {} · {} · {}",
                                                        t().agreement_kind(v.kind),
                                                        t().version_label(&v.version),
                                                        t().published_on(&at),
                                                        langs.join(" / "),
                                                    )
                                                }}
                                            </p>
                                            <p>{move || t().acceptance_count(v.acceptances)}</p>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
            // Once the versions above it are in: arriving late, they pushed it down under
            // the reviewer's finger.
            <Show when=move || published.with(Option::is_some)>
                <form class="card" novalidate=true on:submit=on_preview>
                    <h2>{tr(|t| t.publish_title())}</h2>
                    <p class="muted">{tr(|t| t.publish_hint())}</p>
                    <FormField
                        name="kind"
                        label=tr(|t| t.field_kind())
                        value=draft.kind
                        errors
                        control=Control::Select(kinds.clone())
                    />
                    <FormField
                        name="version"
                        label=tr(|t| t.field_version())
                        value=draft.version
                        errors
                        hint=Signal::derive(move || t().version_hint().to_owned())
                        inputmode="decimal"
                    />
                    <FormField
                        name="title"
                        label=tr(|t| t.field_agreement_title())
                        value=draft.title
                        errors
                    />
                    <FormField
                        name="change_summary"
                        label=tr(|t| t.field_change_summary())
                        value=draft.change_summary
                        errors
                        control=Control::TextArea
                    />
                    <FormField
                        name="body"
                        label=tr(|t| t.field_body())
                        value=draft.body
                        errors
                        control=Control::TextArea
                    />
                    <details class="english-text">
                        <summary>{tr(|t| t.english_text())}</summary>
                        <FormField
                            name="title_en"
                            label=tr(|t| t.field_agreement_title_en())
                            value=draft.title_en
                            errors
                        />
                        <FormField
                            name="change_summary_en"
                            label=tr(|t| t.field_change_summary_en())
                            value=draft.change_summary_en
                            errors
                            control=Control::TextArea
                        />
                        <FormField
                            name="body_en"
                            label=tr(|t| t.field_body_en())
                            value=draft.body_en
                            errors
                            control=Control::TextArea
                        />
                    </details>
                    <FormError errors />
                    <div class="accept-actions">
                        <button
                            type="submit"
                            class="button"
                            data-testid="preview-agreement"
                            disabled=move || preview.pending().get()
                        >
                            {move || {
                                if preview.pending().get() {
                                    t().preview_pending()
                                } else {
                                    t().preview()
                                }
                            }}
                        </button>
                        <button
                            type="button"
                            class="button button-primary"
                            data-testid="publish-agreement"
                            disabled=move || !previewed.get() || publish.pending().get()
                            on:click=move |_| {
                                publish.dispatch(draft.request());
                            }
                        >
                            {move || {
                                if publish.pending().get() {
                                    t().publish_pending()
                                } else {
                                    t().publish()
                                }
                            }}
                        </button>
                    </div>
                    <Show when=move || !previewed.get()>
                        <p class="muted">{tr(|t| t.preview_first())}</p>
                    </Show>
                </form>
            </Show>
            {move || {
                preview
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|(_, docs)| {
                        view! {
                            <section class="preview" data-testid="agreement-preview">
                                <h2>{tr(|t| t.preview())}</h2>
                                {docs
                                    .into_iter()
                                    .map(|doc| view! { <AgreementView doc /> })
                                    .collect_view()}
                            </section>
                        }
                    })
            }}
        </section>
    }
    .into_any()
}
