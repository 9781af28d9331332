//! 资质审核 (reviewers only): the queue of pending submissions, oldest first, and the
//! decision on one submission. Posts (`posts.rs`) and account appeals (`appeals.rs`,
//! `appeal.rs`) are reviewed here too.

mod appeal;
mod appeals;
mod document;
mod posts;
mod submission;

pub use appeal::ReviewAppealPage;
pub use appeals::ReviewAppealsPage;
pub use posts::{ReviewPostPage, ReviewPostsPage};
pub use submission::ReviewSubmissionPage;

use doctor_desk_api::{auth::Role, onboarding::SubmissionKind};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    api,
    components::fetched::Fetched,
    format::local_datetime,
    i18n::{tr, use_texts},
    pages::not_found::NotFoundPage,
    session::use_session,
};

/// Whether the signed-in account may review; others see the not-found page (the API
/// refuses them with 403 as well).
pub fn is_reviewer() -> bool {
    use_session()
        .me()
        .is_some_and(|me| me.roles.contains(&Role::Reviewer))
}

#[component]
pub fn ReviewQueuePage() -> impl IntoView {
    if !is_reviewer() {
        return view! { <NotFoundPage /> }.into_any();
    }
    let t = use_texts();
    let queue = Fetched::new(|| api::review_queue("pending"));
    view! {
        <section class="page">
            <h1>{tr(|t| t.review_title())}</h1>
            {move || match queue.get() {
                None => view! { <p class="page-loading">{tr(|t| t.loading())}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert">{e.message}</p> }.into_any(),
                Some(Ok(items)) if items.is_empty() => {
                    view! {
                        <p class="card muted" data-testid="queue-empty">
                            {tr(|t| t.queue_empty())}
                        </p>
                    }
                        .into_any()
                }
                Some(Ok(items)) => {
                    view! {
                        <ul class="queue">
                            {items
                                .into_iter()
                                .map(|item| {
                                    let at = local_datetime(item.submitted_at);
                                    view! {
                                        <li class="card queue-item" data-testid="queue-item">
                                            <div>
                                                <strong>{item.doctor_name.clone()}</strong>
                                                {(item.kind != SubmissionKind::Full)
                                                    .then(|| {
                                                        let kind = item.kind;
                                                        view! {
                                                            " "
                                                            <span class="badge" data-testid="queue-kind">
                                                                {move || t().submission_kind(kind)}
                                                            </span>
                                                        }
                                                    })}
                                                <span class="muted">
                                                    {move || {
                                                        format!(
                                                            " · {} · {}",
                                                            item.hospital,
                                                            t().title_name(item.title),
                                                        )
                                                    }}
                                                </span>
                                                <p class="muted">{move || t().submitted_at(&at)}</p>
                                            </div>
                                            <A
                                                href=format!("/review/{}", item.id)
                                                attr:class="button button-primary"
                                            >
                                                {tr(|t| t.open_review())}
                                            </A>
                                        </li>
                                    }
                                })
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
