//! One account appeal (reviewers only): what the doctor filed (name, ID number, the photo
//! holding the ID card, the reason) beside the account it would move (its verified
//! profile and documents), then the decision: approve, and the account moves to the new
//! number, or reject with a note the doctor gets by SMS. An appeal that matches no account
//! can only be rejected; a reviewer's own account is decided by someone else.

use doctor_desk_api::account::appeal::{
    AppealAccount, AppealDecision, AppealDetail, AppealStatus, REASON_MAX,
};
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};

use super::{document::ReviewDocument, is_reviewer};
use crate::{
    api,
    components::{
        fetched::Fetched,
        form_field::{Control, FormError, FormErrors, FormField},
        submit_button::SubmitButton,
        summary::Summary,
        toast::use_toasts,
    },
    format::local_datetime,
    i18n::{tr, use_texts},
    pages::not_found::NotFoundPage,
};

#[component]
pub fn ReviewAppealPage() -> impl IntoView {
    if !is_reviewer() {
        return view! { <NotFoundPage /> }.into_any();
    }
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let Some(id) = id else {
        return view! { <NotFoundPage /> }.into_any();
    };
    let appeal = Fetched::new(move || api::account::review_appeal(id));
    view! {
        <section class="page appeal-review">
            <p>
                <A href="/review/appeals" attr:class="text-link">
                    {tr(|t| t.back_to_appeals())}
                </A>
            </p>
            {move || match appeal.get() {
                None => view! { <p class="page-loading">{tr(|t| t.loading())}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert">{e.message}</p> }.into_any(),
                Some(Ok(detail)) => view! { <Appeal detail /> }.into_any(),
            }}
        </section>
    }
    .into_any()
}

#[component]
fn Appeal(detail: AppealDetail) -> impl IntoView {
    let t = use_texts();
    // The decision answers with the appeal as it is then: its outcome replaces the form.
    let decided = RwSignal::new(None::<AppealDetail>);
    let first = StoredValue::new(detail.clone());
    let now = move || decided.get().unwrap_or_else(|| first.get_value());
    let status = Signal::derive(move || now().item.status);
    let item = detail.item;
    let (id, own, matched) = (item.id, detail.own, detail.account.is_some());
    let at = local_datetime(item.submitted_at);
    let photo = api::file_url(&detail.photo_file_id);
    view! {
        <h1>{item.real_name.clone()}</h1>
        <p>
            <span class="badge badge-neutral" data-testid="appeal-status">
                {move || t().appeal_status_name(status.get())}
            </span>
            {(!matched)
                .then(|| {
                    view! {
                        " "
                        <span class="badge badge-warn" data-testid="appeal-unmatched">
                            {tr(|t| t.appeal_unmatched())}
                        </span>
                    }
                })}
        </p>
        {own
            .then(|| {
                view! {
                    <p class="card" role="alert" data-testid="own-appeal">
                        {tr(|t| t.appeal_own())}
                    </p>
                }
            })}
        <div class="appeal-compare">
            <section class="appeal-side" data-testid="appeal-claim" aria-labelledby="appeal-claim-title">
                <h2 id="appeal-claim-title">{tr(|t| t.appeal_claim_title())}</h2>
                <Summary
                    testid="appeal-claim-summary"
                    rows=vec![
                        (|t| t.real_name(), Signal::stored(item.real_name)),
                        (|t| t.id_number(), Signal::stored(detail.id_number)),
                        (|t| t.appeal_old_phone(), Signal::stored(item.old_phone_masked)),
                        (|t| t.new_phone(), Signal::stored(item.new_phone_masked)),
                        (|t| t.appeal_submitted(), Signal::stored(at)),
                    ]
                />
                <article class="card">
                    <h3>{tr(|t| t.appeal_reason())}</h3>
                    <p class="prose-text" data-testid="appeal-reason">
                        {detail.reason}
                    </p>
                </article>
                <article class="card">
                    <h3>{tr(|t| t.appeal_photo_alt())}</h3>
                    <img
                        class="doc-full"
                        src=photo.clone()
                        alt=tr(|t| t.appeal_photo_alt())
                        data-testid="appeal-photo"
                    />
                    <p>
                        <a href=photo target="_blank" rel="noopener" class="text-link">
                            {tr(|t| t.open_original())}
                        </a>
                    </p>
                </article>
            </section>
            <section
                class="appeal-side"
                data-testid="appeal-account"
                aria-labelledby="appeal-account-title"
            >
                <h2 id="appeal-account-title">{tr(|t| t.appeal_account_title())}</h2>
                {match detail.account {
                    Some(account) => view! { <Account account /> }.into_any(),
                    None => {
                        view! {
                            <p class="notice notice-warn" data-testid="appeal-no-account">
                                {tr(|t| t.appeal_no_account())}
                            </p>
                        }
                            .into_any()
                    }
                }}
            </section>
        </div>
        {move || {
            let now = now();
            if now.item.status != AppealStatus::Pending {
                view! { <Outcome detail=now /> }.into_any()
            } else if own {
                ().into_any()
            } else {
                view! { <DecisionForm id matched decided /> }.into_any()
            }
        }}
    }
}

/// The account the appeal would move, as the hospital verified it.
#[component]
fn Account(account: AppealAccount) -> impl IntoView {
    let t = use_texts();
    let p = account.profile;
    let matches = account.old_phone_matches;
    let documents = if account.documents.is_empty() {
        view! { <p class="muted">{tr(|t| t.appeal_no_documents())}</p> }.into_any()
    } else {
        account
            .documents
            .into_iter()
            .map(|document| view! { <ReviewDocument document /> })
            .collect_view()
            .into_any()
    };
    view! {
        {p
            .avatar_file_id
            .as_deref()
            .map(|id| {
                view! { <img class="avatar" src=api::file_url(id) alt=tr(|t| t.avatar()) /> }
            })}
        <Summary
            testid="appeal-account-summary"
            rows=vec![
                (|t| t.real_name(), Signal::stored(p.real_name.clone())),
                (|t| t.id_number(), Signal::stored(p.id_number_masked.clone())),
                (|t| t.hospital(), Signal::stored(format!("{} · {}", p.hospital, p.department))),
                (|t| t.title(), Signal::derive(move || t().title_name(p.title).to_owned())),
                (
                    |t| t.practice_category(),
                    Signal::stored(format!("{} · {}", p.practice_category, p.practice_scope)),
                ),
                (|t| t.years_of_practice(), Signal::stored(p.years_of_practice.to_string())),
                (|t| t.appeal_phone_now(), Signal::stored(account.phone_masked)),
                (|t| t.appeal_signed_up_at(), Signal::stored(local_datetime(account.signed_up_at))),
            ]
        />
        <p>
            {tr(|t| t.appeal_old_phone_matches())} "："
            <span
                class=if matches { "badge badge-ok" } else { "badge badge-warn" }
                data-testid="old-phone-matches"
            >
                {move || if matches { t().yes() } else { t().no() }}
            </span>
        </p>
        <h3>{tr(|t| t.appeal_documents())}</h3>
        {documents}
    }
}

/// How the appeal was decided, with the way back to the list.
#[component]
fn Outcome(detail: AppealDetail) -> impl IntoView {
    let t = use_texts();
    let approved = detail.item.status == AppealStatus::Approved;
    let at = detail.decided_at.map(local_datetime);
    view! {
        <section class="card" role="status" data-testid="appeal-decided">
            <h2>
                {move || {
                    if approved { t().appeal_approved_result() } else { t().review_rejected() }
                }}
            </h2>
            {at.map(|at| view! { <p class="muted">{move || t().decided_at(&at)}</p> })}
            {detail
                .rejection_note
                .filter(|n| !n.is_empty())
                .map(|note| {
                    view! {
                        <p class="prose-text" data-testid="appeal-note">
                            {note}
                        </p>
                    }
                })}
            <p>
                <A href="/review/appeals" attr:class="text-link" attr:data-testid="back-to-appeals">
                    {tr(|t| t.back_to_appeals())}
                </A>
            </p>
        </section>
    }
}

/// Approve or reject; a rejection needs a note. Approving is not offered when no account
/// matches (the server refuses it too).
#[component]
fn DecisionForm(id: i64, matched: bool, decided: RwSignal<Option<AppealDetail>>) -> impl IntoView {
    let t = use_texts();
    let toasts = use_toasts();
    let errors = FormErrors::new();
    let approve = RwSignal::new(None::<bool>);
    let note = RwSignal::new(String::new());
    let decide = Action::new_local(move |d: &AppealDecision| {
        let d = d.clone();
        async move { api::account::decide_appeal(id, &d).await }
    });
    Effect::new(move || match decide.value().get() {
        Some(Ok(detail)) => {
            toasts.info(t().decision_done());
            decided.set(Some(detail));
        }
        Some(Err(e)) => errors.show(e),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(approve) = approve.get_untracked() else {
            errors.form.set(Some(t().appeal_choose().to_owned()));
            return;
        };
        let decision = AppealDecision {
            approve,
            note: note.get_untracked().trim().to_owned(),
        };
        if errors.check(decision.validate()) {
            decide.dispatch(decision);
        }
    };
    let choose = move |value: bool| {
        approve.set(Some(value));
        errors.form.set(None);
    };
    view! {
        <form
            class="card"
            novalidate=true
            on:submit=on_submit
            aria-labelledby="appeal-decision-title"
            data-testid="appeal-decision"
        >
            <h2 id="appeal-decision-title">{tr(|t| t.appeal_decision())}</h2>
            <fieldset class="decision" aria-labelledby="appeal-decision-title">
                <label class="checkbox">
                    <input
                        type="radio"
                        name="appeal-decision"
                        data-testid="approve-appeal"
                        disabled=!matched
                        aria-describedby="approve-appeal-hint"
                        on:change=move |_| choose(true)
                    />
                    <span>{tr(|t| t.appeal_approve())}</span>
                </label>
                <p
                    class=if matched { "field-hint" } else { "notice notice-warn" }
                    id="approve-appeal-hint"
                    data-testid="approve-appeal-hint"
                >
                    {move || {
                        if matched { t().appeal_approve_hint() } else { t().appeal_no_account() }
                    }}
                </p>
                <label class="checkbox">
                    <input
                        type="radio"
                        name="appeal-decision"
                        data-testid="reject-appeal"
                        on:change=move |_| choose(false)
                    />
                    <span>{tr(|t| t.reject())}</span>
                </label>
            </fieldset>
            <FormField
                name="note"
                label=Signal::derive(tr(|t| t.appeal_note()))
                value=note
                errors=errors
                control=Control::TextArea
                maxlength=REASON_MAX as u32
            />
            <FormError errors=errors />
            <SubmitButton
                pending=Signal::derive(move || decide.pending().get())
                label=|t| t.decision_submit()
                pending_label=|t| t.submitting()
                testid="decide-appeal"
            />
        </form>
    }
}
