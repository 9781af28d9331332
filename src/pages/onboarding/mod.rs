//! 资质认证: profile → documents → submit → status. The server decides which step a
//! doctor is on, so leaving and coming back (or another device) resumes there.

mod avatar;
mod document_card;
mod documents_step;
mod profile_step;
mod status_step;
mod submit_step;

pub use document_card::DocumentCard;

use doctor_desk_api::{
    auth::VerificationStatus,
    onboarding::{Document, OnboardingStep, Profile, Verification},
};
use leptos::prelude::*;

use crate::{
    api,
    api::ApiError,
    components::{fetched::Fetched, retry_card::RetryCard},
    i18n::{tr, use_texts},
};

#[derive(Clone)]
pub struct Loaded {
    pub verification: Verification,
    pub profile: Option<Profile>,
    pub documents: Vec<Document>,
    /// Which request of the page this answers (see `Flow::fresh`).
    generation: u64,
}

async fn load(generation: u64) -> Result<Loaded, ApiError> {
    Ok(Loaded {
        verification: api::verification().await?,
        profile: api::profile().await?,
        documents: api::documents().await?,
        generation,
    })
}

/// What the steps share: the loaded data, and a way to move on.
#[derive(Clone, Copy)]
pub struct Flow {
    pub data: Fetched<Loaded>,
    chosen: RwSignal<Option<OnboardingStep>>,
    /// Bumped to ask the server again; the data says which request it answers.
    requested: RwSignal<u64>,
}

impl Flow {
    /// Shows `step` once the server has been asked again: a step never shows the data of
    /// before the change that led to it (and never shifts under a finger as it arrives).
    pub fn go(&self, step: OnboardingStep) {
        self.chosen.set(Some(step));
        self.requested.update(|n| *n += 1);
    }

    /// Whether the data answers the latest request.
    pub fn fresh(&self) -> bool {
        let wanted = self.requested.get();
        self.data
            .get()
            .is_some_and(|d| d.is_err() || d.is_ok_and(|l| l.generation == wanted))
    }

    pub fn loaded(&self) -> Option<Loaded> {
        self.data.get_untracked().and_then(Result::ok)
    }
}

const STEPS: [OnboardingStep; 4] = [
    OnboardingStep::Profile,
    OnboardingStep::Documents,
    OnboardingStep::Submit,
    OnboardingStep::Status,
];

#[component]
pub fn OnboardingPage() -> impl IntoView {
    let t = use_texts();
    let requested = RwSignal::new(0);
    let data = Fetched::new(move || load(requested.get()));
    let flow = Flow {
        data,
        chosen: RwSignal::new(None),
        requested,
    };
    let fresh = Memo::new(move |_| flow.fresh());
    let error = Memo::new(move |_| data.get().and_then(|d| d.err()).map(|e| e.message));
    let server_step =
        Memo::new(move |_| data.get().and_then(Result::ok).map(|l| l.verification.step));
    let status = Memo::new(move |_| {
        data.get()
            .and_then(Result::ok)
            .map(|l| l.verification.status)
    });
    let step = Memo::new(move |_| flow.chosen.get().or(server_step.get()));
    // While under review only the status can be shown; once verified, also the profile
    // (display name and bio change at once, practice details through a reviewer) and the
    // documents (one about to expire is renewed there, reviewed on its own).
    let locked = move |s: OnboardingStep| match status.get() {
        Some(VerificationStatus::Pending) => s != OnboardingStep::Status,
        Some(VerificationStatus::Verified) => s == OnboardingStep::Submit,
        _ => false,
    };
    let label = move |s: OnboardingStep| match s {
        OnboardingStep::Profile => t().step_profile(),
        OnboardingStep::Documents => t().step_documents(),
        OnboardingStep::Submit => t().step_submit(),
        OnboardingStep::Status => t().step_status(),
    };

    view! {
        <section class="page onboarding">
            <h1>{tr(|t| t.onboarding_title())}</h1>
            <ol class="stepper" aria-label=tr(|t| t.steps_label())>
                {STEPS
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let s = *s;
                        let current = move || step.get() == Some(s);
                        view! {
                            <li class:stepper-current=current>
                                <button
                                    type="button"
                                    data-testid=format!("step-{}", i + 1)
                                    aria-current=move || current().then_some("step")
                                    disabled=move || {
                                        step.get().is_none() || locked(s)
                                    }
                                    on:click=move |_| flow.chosen.set(Some(s))
                                >
                                    // The name is the visible label with the position
                                    // before it (no aria-label: a name that does not
                                    // contain the visible text fails voice control).
                                    <span class="stepper-number" aria-hidden="true">
                                        {i + 1}
                                    </span>
                                    <span class="visually-hidden">
                                        {move || format!("{} · ", t().step_of(i + 1, STEPS.len()))}
                                    </span>
                                    <span class="stepper-label">{move || label(s)}</span>
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            {move || match (error.get(), step.get().filter(|_| fresh.get())) {
                (Some(message), _) => {
                    view! { <RetryCard message on_retry=move || data.refetch() /> }
                        .into_any()
                }
                (None, None) => {
                    view! { <p class="page-loading">{tr(|t| t.loading())}</p> }.into_any()
                }
                (None, Some(OnboardingStep::Profile)) => {
                    view! { <profile_step::ProfileStep flow=flow /> }.into_any()
                }
                (None, Some(OnboardingStep::Documents)) => {
                    view! { <documents_step::DocumentsStep flow=flow /> }.into_any()
                }
                (None, Some(OnboardingStep::Submit)) => {
                    view! { <submit_step::SubmitStep flow=flow /> }.into_any()
                }
                (None, Some(OnboardingStep::Status)) => {
                    view! { <status_step::StatusStep flow=flow /> }.into_any()
                }
            }}
        </section>
    }
}
