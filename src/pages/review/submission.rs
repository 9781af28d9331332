use doctor_desk_api::onboarding::{
    ChangeDecision, DecisionRequest, DocumentDecision, PracticeFields, RejectionReason,
    ReviewSubmission, SubmissionKind,
};
use leptos::prelude::*;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_params_map},
};

use super::{document::ReviewDocument, is_reviewer};
use crate::{
    api,
    components::{
        fetched::Fetched,
        form_field::{Control, FormError, FormErrors, FormField},
        summary::Summary,
        toast::use_toasts,
    },
    i18n::{tr, use_texts, Texts},
    pages::not_found::NotFoundPage,
};

/// One practice field: its label, and its value as a reviewer reads it.
type PracticeRow = (
    fn(&'static Texts) -> &'static str,
    fn(&PracticeFields, &'static Texts) -> String,
);

const PRACTICE_ROWS: [PracticeRow; 6] = [
    (|t| t.hospital(), |p, _| p.hospital.clone()),
    (|t| t.department(), |p, _| p.department.clone()),
    (|t| t.title(), |p, t| t.title_name(p.title).to_owned()),
    (
        |t| t.practice_category(),
        |p, _| p.practice_category.clone(),
    ),
    (|t| t.practice_scope(), |p, _| p.practice_scope.clone()),
    (
        |t| t.years_of_practice(),
        |p, _| p.years_of_practice.to_string(),
    ),
];

/// A reviewer's choice for one document (or the practice change), while deciding.
#[derive(Clone, Copy)]
struct Choice {
    document_id: i64,
    approve: RwSignal<Option<bool>>,
    reason: RwSignal<String>,
    note: RwSignal<String>,
}

impl Choice {
    /// What was chosen, once approve or reject is.
    fn decided(&self) -> Option<ChangeDecision> {
        Some(ChangeDecision {
            approve: self.approve.get_untracked()?,
            reason: RejectionReason::parse(&self.reason.get_untracked()),
            note: self.note.get_untracked(),
        })
    }
}

/// Approve or reject, and with a rejection its reason and a note: the same controls for
/// each document and for a change of practice details. `scope` names their test ids
/// (`approve-{scope}`, `reject-{scope}`) and field ids.
#[component]
fn DecisionFieldset(
    legend: Signal<String>,
    scope: &'static str,
    group: String,
    choice: Choice,
) -> impl IntoView {
    let t = use_texts();
    let errors = FormErrors::new();
    let reasons = move || {
        std::iter::once(("", Signal::derive(tr(|t| t.choose()))))
            .chain(
                RejectionReason::ALL
                    .into_iter()
                    .map(|r| (r.as_str(), Signal::derive(move || t().rejection_reason(r)))),
            )
            .collect::<Vec<_>>()
    };
    view! {
        <fieldset class="decision">
            <legend>{legend}</legend>
            <label class="checkbox">
                <input
                    type="radio"
                    name=group.clone()
                    data-testid=format!("approve-{scope}")
                    on:change=move |_| choice.approve.set(Some(true))
                />
                <span>{tr(|t| t.approve())}</span>
            </label>
            <label class="checkbox">
                <input
                    type="radio"
                    name=group
                    data-testid=format!("reject-{scope}")
                    on:change=move |_| choice.approve.set(Some(false))
                />
                <span>{tr(|t| t.reject())}</span>
            </label>
            <Show when=move || choice.approve.get() == Some(false)>
                <FormField
                    name="reason"
                    scope=scope.to_owned()
                    label=Signal::derive(tr(|t| t.rejection_reason_label()))
                    value=choice.reason
                    errors=errors
                    control=Control::Select(reasons())
                />
                <FormField
                    name="note"
                    scope=scope.to_owned()
                    label=Signal::derive(tr(|t| t.rejection_note()))
                    value=choice.note
                    errors=errors
                    control=Control::TextArea
                    maxlength=200
                />
            </Show>
        </fieldset>
    }
}

#[component]
pub fn ReviewSubmissionPage() -> impl IntoView {
    if !is_reviewer() {
        return view! { <NotFoundPage /> }.into_any();
    }
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0));
    let submission = Fetched::new(move || api::review_submission(id()));
    view! {
        <section class="page">
            <p>
                <A href="/review">{tr(|t| t.back_to_queue())}</A>
            </p>
            {move || match submission.get() {
                None => view! { <p class="page-loading">{tr(|t| t.loading())}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert">{e.message}</p> }.into_any(),
                Some(Ok(s)) => view! { <Decide submission=s /> }.into_any(),
            }}
        </section>
    }
    .into_any()
}

#[component]
fn Decide(submission: ReviewSubmission) -> impl IntoView {
    let t = use_texts();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let errors = FormErrors::new();
    let p = submission.profile.clone();
    let id = submission.submission.id;
    let choices: Vec<Choice> = submission
        .submission
        .documents
        .iter()
        .filter(|d| d.approved.is_none())
        .map(|d| Choice {
            document_id: d.document.id,
            approve: RwSignal::new(None),
            reason: RwSignal::new(String::new()),
            note: RwSignal::new(String::new()),
        })
        .collect();
    let choices = StoredValue::new(choices);
    let kind = submission.submission.kind;
    // The reviewer's own submission: shown, never decided by them (the server refuses too).
    let own = submission.own;
    let change = submission.submission.profile_change.clone();
    let change_choice = change
        .as_ref()
        .filter(|c| c.approved.is_none())
        .map(|_| Choice {
            document_id: 0,
            approve: RwSignal::new(None),
            reason: RwSignal::new(String::new()),
            note: RwSignal::new(String::new()),
        });

    let decide = Action::new_local(move |req: &DecisionRequest| {
        let req = req.clone();
        async move { api::decide(id, &req).await }
    });
    Effect::new(move || match decide.value().get() {
        Some(Ok(_)) => {
            toasts.info(t().decision_done());
            navigate("/review", Default::default());
        }
        Some(Err(e)) => errors.show(e),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut documents = Vec::new();
        let missing = || errors.form.set(Some(t().decision_missing().to_owned()));
        for c in choices.get_value() {
            let Some(d) = c.decided() else {
                return missing();
            };
            documents.push(DocumentDecision {
                document_id: c.document_id,
                approve: d.approve,
                reason: d.reason,
                note: d.note,
            });
        }
        let profile_change = match change_choice.map(|c| c.decided()) {
            None => None,
            Some(None) => return missing(),
            Some(d) => d,
        };
        let req = DecisionRequest {
            documents,
            profile_change,
        };
        if errors.check(req.validate()) {
            decide.dispatch(req);
        }
    };

    let change_view = change.map(|c| {
        let rows = PRACTICE_ROWS
            .into_iter()
            .map(|(label, shown)| {
                let (before, after) = (c.before.clone(), c.after.clone());
                let changed = shown(&before, t()) != shown(&after, t());
                view! {
                    <tr class:changed=changed>
                        <th scope="row">{move || label(t())}</th>
                        <td>{move || shown(&before, t())}</td>
                        <td>{move || shown(&after, t())}</td>
                    </tr>
                }
            })
            .collect_view();
        let decide_change = change_choice.filter(|_| !own).map(|c| {
            view! {
                <DecisionFieldset
                    legend=Signal::derive(move || t().change_decision().to_owned())
                    scope="profile-change"
                    group="decision-profile-change".to_owned()
                    choice=c
                />
            }
        });
        view! {
            <article class="card" data-testid="profile-change">
                <h2>{tr(|t| t.kind_profile_change())}</h2>
                <table class="change-table">
                    <thead>
                        <tr>
                            <th scope="col">{tr(|t| t.change_field())}</th>
                            <th scope="col">{tr(|t| t.change_before())}</th>
                            <th scope="col">{tr(|t| t.change_after())}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
                {decide_change}
            </article>
        }
    });

    view! {
        <h1>{p.display_name.clone()}</h1>
        <p>
            <span class="badge" data-testid="submission-kind">
                {move || t().submission_kind(kind)}
            </span>
        </p>
        {(kind == SubmissionKind::Renewal)
            .then(|| view! { <p class="muted">{tr(|t| t.renewal_review_hint())}</p> })}
        {own
            .then(|| {
                view! {
                    <p class="card" role="alert" data-testid="own-submission">
                        {tr(|t| t.review_own_submission())}
                    </p>
                }
            })}
        <Summary
            testid="review-profile"
            rows=vec![
                (|t| t.real_name(), Signal::stored(p.real_name.clone())),
                (|t| t.id_number(), Signal::stored(submission.id_number.clone())),
                (|t| t.phone_label(), Signal::stored(submission.phone_masked.clone())),
                (|t| t.hospital(), Signal::stored(format!("{} · {}", p.hospital, p.department))),
                (|t| t.title(), Signal::derive(move || t().title_name(p.title).to_owned())),
                (
                    |t| t.practice_category(),
                    Signal::stored(format!("{} · {}", p.practice_category, p.practice_scope)),
                ),
                (|t| t.years_of_practice(), Signal::stored(p.years_of_practice.to_string())),
                (|t| t.specialties(), Signal::stored(p.specialties.clone())),
            ]
        />
        <form novalidate=true on:submit=on_submit>
            {change_view}
            {submission
                .submission
                .documents
                .into_iter()
                .map(|d| {
                    let doc = d.document;
                    let choice = choices
                        .with_value(|c| c.iter().find(|c| c.document_id == doc.id).copied());
                    let kind = doc.kind;
                    let group = format!("decision-{}", doc.id);
                    let decision = match choice.filter(|_| !own) {
                        None if own => ().into_any(),
                        None => {
                            view! { <p class="badge badge-ok">{tr(|t| t.decided_before())}</p> }
                                .into_any()
                        }
                        Some(c) => {
                            view! {
                                <DecisionFieldset
                                    legend=Signal::derive(move || t().document_kind(kind).to_owned())
                                    scope=kind.as_str()
                                    group=group
                                    choice=c
                                />
                            }
                                .into_any()
                        }
                    };
                    view! { <ReviewDocument document=doc>{decision}</ReviewDocument> }
                })
                .collect_view()}
            <FormError errors=errors />
            <p class="field-error" aria-live="polite">
                {move || errors.field("documents").get()}
            </p>
            <Show when=move || !own>
                <button
                    type="submit"
                    class="button button-primary"
                    data-testid="decision-submit"
                    disabled=move || decide.pending().get()
                >
                    {tr(|t| t.decision_submit())}
                </button>
            </Show>
        </form>
    }
}
