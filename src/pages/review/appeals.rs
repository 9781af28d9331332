//! 账号申诉审核 (reviewers only): the appeals to move an account to a new phone number, by
//! status (`?status=`, pending unless chosen), each leading to its page (`appeal.rs`).

use doctor_desk_api::account::appeal::{AppealItem, AppealStatus};
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_query_map};

use super::is_reviewer;
use crate::{
    api,
    app::use_go,
    components::fetched::Fetched,
    components::form_field::{Control, FormErrors, FormField},
    format::local_datetime,
    i18n::{tr, use_texts},
    pages::not_found::NotFoundPage,
};

const STATUSES: [AppealStatus; 3] = [
    AppealStatus::Pending,
    AppealStatus::Approved,
    AppealStatus::Rejected,
];

#[component]
pub fn ReviewAppealsPage() -> impl IntoView {
    if !is_reviewer() {
        return view! { <NotFoundPage /> }.into_any();
    }
    let t = use_texts();
    let go = use_go();
    let query = use_query_map();
    let status = Memo::new(move |_| {
        query
            .with(|q| q.get("status").and_then(|s| AppealStatus::parse(&s)))
            .unwrap_or(AppealStatus::Pending)
    });
    // The select shows the status of the address, and choosing one changes the address.
    let chosen = RwSignal::new(status.get_untracked().as_str().to_owned());
    Effect::watch(
        move || status.get(),
        move |status, _, _| {
            if chosen.with_untracked(|c| c != status.as_str()) {
                chosen.set(status.as_str().to_owned());
            }
        },
        false,
    );
    Effect::watch(
        move || chosen.get(),
        move |value, _, _| {
            if AppealStatus::parse(value) != Some(status.get_untracked()) {
                go(&format!("/review/appeals?status={value}"), true);
            }
        },
        false,
    );
    let options = STATUSES
        .into_iter()
        .map(|s| {
            (
                s.as_str(),
                Signal::derive(move || t().appeal_status_name(s)),
            )
        })
        .collect();
    let appeals = Fetched::new(move || {
        let status = status.get();
        async move { api::account::review_appeals(status).await }
    });
    view! {
        <section class="page">
            <h1>{tr(|t| t.review_appeals_title())}</h1>
            <FormField
                name="status"
                label=Signal::derive(tr(|t| t.appeal_status_filter()))
                value=chosen
                errors=FormErrors::new()
                control=Control::Select(options)
            />
            {move || match appeals.get() {
                None => view! { <p class="page-loading">{tr(|t| t.loading())}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert">{e.message}</p> }.into_any(),
                Some(Ok(items)) if items.is_empty() => {
                    view! {
                        <p class="card muted" data-testid="appeals-empty">
                            {tr(|t| t.appeals_empty())}
                        </p>
                    }
                        .into_any()
                }
                Some(Ok(items)) => {
                    view! {
                        <ul class="queue">
                            {items
                                .into_iter()
                                .map(|item| view! { <AppealRow item /> })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
        </section>
    }
    .into_any()
}

#[component]
fn AppealRow(item: AppealItem) -> impl IntoView {
    let t = use_texts();
    let at = local_datetime(item.submitted_at);
    let (old, new) = (item.old_phone_masked, item.new_phone_masked);
    let status = item.status;
    view! {
        <li class="card queue-item" data-testid="appeal-item">
            <div>
                <strong>{item.real_name}</strong>
                {(!item.matched)
                    .then(|| {
                        view! {
                            " "
                            <span class="badge badge-warn" data-testid="appeal-unmatched">
                                {tr(|t| t.appeal_unmatched())}
                            </span>
                        }
                    })}
                {(status != AppealStatus::Pending)
                    .then(|| {
                        view! {
                            " "
                            <span class="badge badge-neutral" data-testid="appeal-status">
                                {move || t().appeal_status_name(status)}
                            </span>
                        }
                    })}
                <p class="muted">{move || t().appeal_phones(&old, &new)}</p>
                <p class="muted">{move || t().submitted_at(&at)}</p>
            </div>
            <A
                href=format!("/review/appeals/{}", item.id)
                attr:class="button button-primary"
                attr:data-testid="open-appeal"
            >
                {move || {
                    if status == AppealStatus::Pending { t().open_review() } else { t().appeal_view() }
                }}
            </A>
        </li>
    }
}
