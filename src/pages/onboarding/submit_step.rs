use doctor_desk_api::onboarding::OnboardingStep;
use leptos::prelude::*;

use super::Flow;
use crate::{
    api,
    components::{
        form_field::{FormError, FormErrors},
        summary::Summary,
        toast::use_toasts,
    },
    i18n::{tr, use_texts},
};

/// Step 3: a last look, then submit.
#[component]
pub fn SubmitStep(flow: Flow) -> impl IntoView {
    let t = use_texts();
    let toasts = use_toasts();
    let errors = FormErrors::new();
    // Read reactively: arriving here starts a reload of what was just saved.
    let loaded = move || flow.data.get().and_then(Result::ok);

    let submit = Action::new_local(|_: &()| async { api::submit_verification().await });
    Effect::new(move || match submit.value().get() {
        Some(Ok(_)) => {
            toasts.info(t().submitted_toast());
            flow.go(OnboardingStep::Status);
        }
        Some(Err(e)) => errors.show(e),
        None => {}
    });

    view! {
        <section class="card">
            <h2>{tr(|t| t.submit_title())}</h2>
            {move || {
                loaded()
                    .and_then(|l| l.profile)
                    .map(|p| {
                        view! {
                            <Summary
                                testid="summary"
                                rows=vec![
                                    (|t| t.real_name(), Signal::stored(p.real_name.clone())),
                                    (|t| t.display_name(), Signal::stored(p.display_name.clone())),
                                    (|t| t.id_number(), Signal::stored(p.id_number_masked.clone())),
                                    (
                                        |t| t.hospital(),
                                        Signal::stored(
                                            format!("{} · {}", p.hospital, p.department),
                                        ),
                                    ),
                                    (
                                        |t| t.title(),
                                        Signal::derive(move || t().title_name(p.title).to_owned()),
                                    ),
                                ]
                            />
                        }
                    })
            }}
            <ul class="doc-summary">
                {move || {
                    loaded()
                        .map(|l| l.documents)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|d| {
                            view! {
                                <li>
                                    <span>{move || t().document_kind(d.kind)}</span>
                                    {d.caption.clone().map(|c| format!(" · {c}"))}
                                    <span class="muted">
                                        {move || format!(" · {}", t().document_status(d.status))}
                                    </span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <p class="muted">{tr(|t| t.submit_hint())}</p>
            <FormError errors=errors />
            <div class="step-nav">
                <button
                    type="button"
                    class="button"
                    on:click=move |_| flow.go(OnboardingStep::Documents)
                >
                    {tr(|t| t.previous_step())}
                </button>
                <button
                    type="button"
                    class="button button-primary"
                    data-testid="submit-verification"
                    disabled=move || submit.pending().get()
                    on:click=move |_| {
                        submit.dispatch(());
                    }
                >
                    {move || {
                        if submit.pending().get() { t().submitting() } else { t().submit_button() }
                    }}
                </button>
            </div>
        </section>
    }
}
