//! 协议: the service agreement and privacy policy that must be accepted before anything
//! else (`/agreements`), the history of acceptances (`/me/agreements`), one version to
//! read again (`/agreements/:kind/:version`), and publishing new versions in the reviewer
//! console (`/review/agreements`).

mod consent;
mod document;
mod history;
mod publish;
mod read;

pub use document::AgreementView;
pub use history::AcceptanceHistoryPage;
pub use publish::ReviewAgreementsPage;
pub use read::AgreementReadPage;

use doctor_desk_api::{
    agreements::{AcceptanceRequest, AgreementDocument, AgreementKind, CurrentAgreement},
    ErrorCode, Lang,
};
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_query_map};

use crate::{
    api::{self, ApiResult},
    app::use_go,
    components::{
        checkbox_field::CheckboxField,
        fetched::Fetched,
        form_field::{FormError, FormErrors},
        retry_card::RetryCard,
        shell::use_sign_out,
        toast::use_toasts,
    },
    i18n::{tr, use_i18n, use_texts},
    session::{safe_next, use_session},
};

/// The current versions the doctor has not accepted, each with its changes since the
/// version they accepted before (if any).
async fn pending_documents(lang: Lang) -> ApiResult<Vec<AgreementDocument>> {
    let current = api::current_agreements().await?;
    let mut docs = Vec::new();
    for c in current.iter().filter(|c| CurrentAgreement::is_pending(c)) {
        docs.push(api::agreement(c.kind, &c.version, c.accepted_version.as_deref(), lang).await?);
    }
    Ok(docs)
}

#[component]
pub fn AgreementsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let next = Memo::new(move |_| {
        let next = safe_next(query.with(|q| q.get("next")));
        if next.starts_with("/agreements") {
            "/".to_owned()
        } else {
            next
        }
    });
    let documents = Fetched::new(move || pending_documents(i18n.lang.get()));
    let reload = Callback::new(move |_: ()| documents.refetch());

    view! {
        <section class="page agreements-page">
            <h1>{tr(|t| t.agreements_title())}</h1>
            {move || match documents.get() {
                None => view! { <p class="page-loading">{tr(|t| t.loading())}</p> }.into_any(),
                Some(Err(e)) => {
                    view! { <RetryCard message=e.message on_retry=move || reload.run(()) /> }
                        .into_any()
                }
                Some(Ok(docs)) if docs.is_empty() => {
                    view! {
                        <div class="card" data-testid="agreements-up-to-date">
                            <p>{tr(|t| t.agreements_up_to_date())}</p>
                            <A href=next.get_untracked() attr:class="button button-primary">
                                {tr(|t| t.accept_agreements())}
                            </A>
                            " "
                            <A href="/me/agreements" attr:class="button">
                                {tr(|t| t.my_agreements())}
                            </A>
                        </div>
                    }
                        .into_any()
                }
                Some(Ok(docs)) => view! { <AcceptForm docs next reload /> }.into_any(),
            }}
        </section>
    }
}

fn accept_field(kind: AgreementKind) -> &'static str {
    match kind {
        AgreementKind::ServiceAgreement => "accept-service-agreement",
        AgreementKind::PrivacyPolicy => "accept-privacy-policy",
    }
}

#[component]
fn AcceptForm(
    docs: Vec<AgreementDocument>,
    next: Memo<String>,
    reload: Callback<()>,
) -> impl IntoView {
    let t = use_texts();
    let session = use_session();
    let toasts = use_toasts();
    let go = use_go();
    let errors = FormErrors::new();
    let renewing = docs.iter().any(|d| d.changes.is_some());
    let needs_health_consent = docs.iter().any(|d| d.kind == AgreementKind::PrivacyPolicy);
    let ticks: Vec<(AgreementDocument, RwSignal<bool>)> = docs
        .into_iter()
        .map(|d| (d, RwSignal::new(false)))
        .collect();
    let health_consent = RwSignal::new(false);

    // The accept button wakes up only once the end of the text has been on screen.
    let end = NodeRef::<leptos::html::Div>::new();
    let read_to_end = RwSignal::new(false);
    let check_end = move || {
        if read_to_end.get_untracked() {
            return;
        }
        if let Some(el) = end.get_untracked() {
            let top = el.get_bounding_client_rect().top();
            let height = window()
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(0.0);
            if top <= height {
                read_to_end.set(true);
            }
        }
    };
    let on_scroll = window_event_listener(leptos::ev::scroll, move |_| check_end());
    let on_resize = window_event_listener(leptos::ev::resize, move |_| check_end());
    on_cleanup(move || {
        on_scroll.remove();
        on_resize.remove();
    });
    // A short text on a tall screen is read to the end without any scrolling.
    request_animation_frame(check_end);

    let requests: Vec<(AgreementKind, String, String, RwSignal<bool>)> = ticks
        .iter()
        .map(|(d, tick)| (d.kind, d.version.clone(), d.body_sha256.clone(), *tick))
        .collect();
    let accept = Action::new_local(
        move |items: &Vec<(AgreementKind, String, AcceptanceRequest)>| {
            let items = items.clone();
            async move {
                for (kind, version, request) in &items {
                    api::accept_agreement(*kind, version, request).await?;
                }
                // Leave only once the session knows: the gate must not send us back here.
                api::me().await
            }
        },
    );
    Effect::new(move || match accept.value().get() {
        Some(Ok(me)) => {
            session.signed_in(me);
            go(&next.get_untracked(), true);
        }
        Some(Err(e)) if e.code == Some(ErrorCode::AgreementOutdated) => {
            toasts.error(e.message);
            reload.run(());
        }
        Some(Err(e)) => errors.show(e),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !read_to_end.get_untracked() {
            return;
        }
        let mut ok = true;
        for (kind, _, _, tick) in &requests {
            if !tick.get_untracked() {
                errors.set_field(accept_field(*kind), t().consent_required().to_owned());
                ok = false;
            }
        }
        if needs_health_consent && !health_consent.get_untracked() {
            errors.set_field("health_data_consent", t().consent_required().to_owned());
            ok = false;
        }
        if ok {
            accept.dispatch(
                requests
                    .iter()
                    .map(|(kind, version, sha, _)| {
                        (
                            *kind,
                            version.clone(),
                            AcceptanceRequest {
                                body_sha256: sha.clone(),
                                health_data_consent: *kind == AgreementKind::PrivacyPolicy
                                    && health_consent.get_untracked(),
                            },
                        )
                    })
                    .collect(),
            );
        }
    };

    let declining = RwSignal::new(false);
    let sign_out = use_sign_out("/login?declined=1");

    let boxes = ticks
        .iter()
        .map(|(d, tick)| {
            let title = d.title.clone();
            view! {
                <CheckboxField name=accept_field(d.kind) checked=*tick errors>
                    {move || t().i_accept(&title)}
                </CheckboxField>
            }
        })
        .collect_view();
    let articles = ticks
        .into_iter()
        .map(|(doc, _)| view! { <AgreementView doc /> })
        .collect_view();

    view! {
        // One form around the texts too: the action bar sticks to the bottom of the screen
        // for as long as its parent is on screen, i.e. while the doctor reads.
        <form class="accept-form" novalidate=true on:submit=on_submit>
            <p class="muted" data-testid="agreements-intro">
                {move || {
                    if renewing { t().agreements_updated_intro() } else { t().agreements_intro() }
                }}
            </p>
            {articles}
            <div node_ref=end data-testid="agreement-end"></div>
            <div class="card consents">
                {boxes} <Show when=move || needs_health_consent>
                    <CheckboxField name="health_data_consent" checked=health_consent errors>
                        {tr(|t| t.consent_health_data())}
                    </CheckboxField>
                </Show>
            </div>
            <div class="accept-bar">
                <Show when=move || declining.get()>
                    <div class="decline-confirm" role="alert" data-testid="decline-confirm">
                        <p>{tr(|t| t.decline_explained())}</p>
                        <div class="accept-actions">
                            <button
                                type="button"
                                class="button"
                                on:click=move |_| declining.set(false)
                            >
                                {tr(|t| t.keep_reading())}
                            </button>
                            <button
                                type="button"
                                class="button button-danger"
                                data-testid="confirm-decline"
                                disabled=move || sign_out.pending().get()
                                on:click=move |_| {
                                    sign_out.dispatch(());
                                }
                            >
                                {tr(|t| t.decline_and_sign_out())}
                            </button>
                        </div>
                    </div>
                </Show>
                <p class="muted accept-hint" aria-live="polite" data-testid="read-hint">
                    {move || {
                        if read_to_end.get() {
                            t().read_done_hint()
                        } else {
                            t().read_to_end_hint()
                        }
                    }}
                </p>
                <FormError errors />
                <div class="accept-actions">
                    <button
                        type="button"
                        class="button"
                        data-testid="decline-agreements"
                        on:click=move |_| declining.set(true)
                    >
                        {tr(|t| t.decline())}
                    </button>
                    <button
                        type="submit"
                        class="button button-primary"
                        data-testid="accept-agreements"
                        disabled=move || !read_to_end.get() || accept.pending().get()
                    >
                        {move || {
                            if accept.pending().get() {
                                t().accept_pending()
                            } else {
                                t().accept_agreements()
                            }
                        }}
                    </button>
                </div>
            </div>
        </form>
    }
}
