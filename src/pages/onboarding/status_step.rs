use doctor_desk_api::{
    auth::VerificationStatus,
    onboarding::{OnboardingStep, SubmissionStatus},
};
use leptos::prelude::*;

use super::Flow;
use crate::{
    format::local_datetime,
    i18n::{tr, use_texts},
};

/// Step 4: where the review stands, the reasons of a rejection, and every submission.
#[component]
pub fn StatusStep(flow: Flow) -> impl IntoView {
    let t = use_texts();
    let verification = move || flow.data.get().and_then(Result::ok).map(|l| l.verification);
    view! {
        {move || {
            verification()
                .map(|v| {
                    let status = v.status;
                    let renewals = v.renewals.clone();
                    // About to expire and not being renewed yet: the doctor should act.
                    let to_renew: Vec<_> = v
                        .expiring
                        .iter()
                        .filter(|d| !renewals.iter().any(|r| r.kind == d.kind && r.rejection.is_none()))
                        .cloned()
                        .collect();
                    let hint = move || match status {
                        VerificationStatus::Pending => t().status_pending_hint(),
                        VerificationStatus::Verified => t().status_verified_hint(),
                        VerificationStatus::Rejected => t().status_rejected_hint(),
                        other => t().verification_hint(other),
                    };
                    view! {
                        <section class="card status-card">
                            <p>
                                <span class="badge" data-testid="onboarding-status">
                                    {move || t().verification_status(status)}
                                </span>
                            </p>
                            <p>{hint}</p>
                            <Show when=move || {
                                status == VerificationStatus::Rejected
                                    || status == VerificationStatus::NeedsReverification
                            }>
                                <button
                                    type="button"
                                    class="button button-primary"
                                    data-testid="fix-documents"
                                    on:click=move |_| flow.go(OnboardingStep::Documents)
                                >
                                    {tr(|t| t.fix_documents())}
                                </button>
                            </Show>
                        </section>
                        {(status == VerificationStatus::Verified && !to_renew.is_empty())
                            .then(|| {
                                view! {
                                    <section class="card" data-testid="expiring">
                                        <h2>{tr(|t| t.expiring_title())}</h2>
                                        <p>{tr(|t| t.expiring_hint())}</p>
                                        <ul>
                                            {to_renew
                                                .into_iter()
                                                .map(|d| {
                                                    let kind = d.kind;
                                                    let date = d
                                                        .expires_on
                                                        .map(|e| e.to_string())
                                                        .unwrap_or_default();
                                                    view! {
                                                        <li data-testid="expiring-document">
                                                            {move || t().expires_on_date(t().document_kind(kind), &date)}
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                        <button
                                            type="button"
                                            class="button button-primary"
                                            data-testid="renew-documents"
                                            on:click=move |_| flow.go(OnboardingStep::Documents)
                                        >
                                            {tr(|t| t.renew_documents())}
                                        </button>
                                    </section>
                                }
                            })}
                        {(!renewals.is_empty())
                            .then(|| {
                                view! {
                                    <section class="card" data-testid="renewals">
                                        <h2>{tr(|t| t.renewals_title())}</h2>
                                        <ul>
                                            {renewals
                                                .into_iter()
                                                .map(|d| {
                                                    let kind = d.kind;
                                                    let rejection = d.rejection.clone();
                                                    let rejected = rejection.is_some();
                                                    let note = rejection
                                                        .as_ref()
                                                        .map(|r| r.note.clone())
                                                        .filter(|n| !n.is_empty());
                                                    view! {
                                                        <li
                                                            class:rejection=rejected
                                                            data-testid="renewal"
                                                        >
                                                            {move || match &rejection {
                                                                Some(r) => {
                                                                    t()
                                                                        .renewal_rejected(
                                                                            t().document_kind(kind),
                                                                            t().rejection_reason(r.reason),
                                                                        )
                                                                }
                                                                None => t().renewal_pending(t().document_kind(kind)),
                                                            }}
                                                            {note.map(|n| format!("（{n}）"))}
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                    </section>
                                }
                            })}
                        <section class="card">
                            <h2>{tr(|t| t.history_title())}</h2>
                            <ol class="history">
                                {v
                                    .submissions
                                    .into_iter()
                                    .map(|s| {
                                        let submitted = local_datetime(s.submitted_at);
                                        let decided = s.decided_at.map(local_datetime);
                                        let kind = s.kind;
                                        let change_rejection = s
                                            .profile_change
                                            .as_ref()
                                            .and_then(|c| c.rejection.clone());
                                        let badge = match s.status {
                                            SubmissionStatus::Pending => VerificationStatus::Pending,
                                            SubmissionStatus::Approved => VerificationStatus::Verified,
                                            SubmissionStatus::Rejected => VerificationStatus::Rejected,
                                        };
                                        view! {
                                            <li data-testid="submission">
                                                <p>
                                                    {move || t().submission_kind(kind)}
                                                    " · "
                                                    <strong>{move || t().verification_status(badge)}</strong>
                                                    " · "
                                                    {move || t().submitted_at(&submitted)}
                                                    {decided
                                                        .clone()
                                                        .map(|d| {
                                                            view! {
                                                                " · "
                                                                {move || t().decided_at(&d)}
                                                            }
                                                        })}
                                                </p>
                                                <ul>
                                                    {s
                                                        .documents
                                                        .into_iter()
                                                        .filter_map(|d| d.rejection.map(|r| (d.document.kind, r)))
                                                        .map(|(kind, r)| {
                                                            view! {
                                                                <li class="rejection" data-testid="rejection-reason">
                                                                    {move || {
                                                                        format!(
                                                                            "{}：{}",
                                                                            t().document_kind(kind),
                                                                            t().rejection_reason(r.reason),
                                                                        )
                                                                    }}
                                                                    {(!r.note.is_empty()).then(|| format!("（{}）", r.note))}
                                                                </li>
                                                            }
                                                        })
                                                        .collect_view()}
                                                    {change_rejection
                                                        .map(|r| {
                                                            view! {
                                                                <li class="rejection" data-testid="rejection-reason">
                                                                    {move || {
                                                                        format!(
                                                                            "{}：{}",
                                                                            t().kind_profile_change(),
                                                                            t().rejection_reason(r.reason),
                                                                        )
                                                                    }}
                                                                    {(!r.note.is_empty()).then(|| format!("（{}）", r.note))}
                                                                </li>
                                                            }
                                                        })}
                                                </ul>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ol>
                        </section>
                    }
                })
        }}
    }
}
