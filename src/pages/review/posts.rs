//! 文章审核 (reviewers only): submitted posts, oldest first, and the decision on one: the
//! post as the public page will render it, the compliance findings with the doctor's
//! "keep anyway" choices marked, approve, or reject with a reason and a note.

use doctor_desk_api::posts::{PostDecision, RejectReason, ReviewPost};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::{components::A, hooks::use_params_map};

use super::is_reviewer;
use crate::{
    api,
    app::use_go,
    components::{
        fetched::Fetched,
        form_field::{Control, FormError, FormErrors, FormField},
        toast::use_toasts,
    },
    format::local_datetime,
    i18n::{tr, use_texts},
    pages::{
        not_found::NotFoundPage,
        posts::{kind_label, reason_label, rule_label, severity_label},
    },
};

#[component]
pub fn ReviewPostsPage() -> impl IntoView {
    if !is_reviewer() {
        return view! { <NotFoundPage /> }.into_any();
    }
    let t = use_texts();
    let queue = Fetched::new(api::posts::review_queue);
    view! {
        <section class="page">
            <h1>{tr(|t| t.review_posts_title())}</h1>
            {move || match queue.get() {
                None => view! { <p class="page-loading">{tr(|t| t.loading())}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert">{e.message}</p> }.into_any(),
                Some(Ok(list)) if list.items.is_empty() => {
                    view! {
                        <p class="card muted" data-testid="review-posts-empty">
                            {tr(|t| t.review_posts_empty())}
                        </p>
                    }
                        .into_any()
                }
                Some(Ok(list)) => {
                    view! {
                        <ul class="queue">
                            {list
                                .items
                                .into_iter()
                                .map(|item| {
                                    let by = t().review_by(&item.doctor, &local_datetime(item.submitted_at));
                                    view! {
                                        <li class="card queue-item" data-testid="review-post-item">
                                            <A href=format!("/review/posts/{}", item.id)>
                                                <strong>{item.title.clone()}</strong>
                                            </A>
                                            <p class="muted">
                                                <span class="badge badge-neutral">
                                                    {kind_label(t(), item.kind)}
                                                </span>
                                                " "
                                                {by}
                                            </p>
                                            {item
                                                .replaces_published
                                                .then(|| {
                                                    view! {
                                                        <span class="badge badge-info">
                                                            {tr(|t| t.review_replaces())}
                                                        </span>
                                                    }
                                                })}
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

#[component]
pub fn ReviewPostPage() -> impl IntoView {
    if !is_reviewer() {
        return view! { <NotFoundPage /> }.into_any();
    }
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let Some(id) = id else {
        return view! { <NotFoundPage /> }.into_any();
    };
    let post = Fetched::new(move || api::posts::review_post(id));
    view! {
        <section class="page review-post">
            {move || match post.get() {
                None => view! { <p class="page-loading">{tr(|t| t.loading())}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert">{e.message}</p> }.into_any(),
                Some(Ok(p)) => view! { <Revision post=p /> }.into_any(),
            }}
        </section>
    }
    .into_any()
}

#[component]
fn Revision(post: ReviewPost) -> impl IntoView {
    let t = use_texts();
    let byline = format!(
        "{} · {} · {} {}",
        post.doctor.name, post.doctor.title, post.doctor.hospital, post.doctor.department
    );
    let kept = post.kept_warnings.clone();
    let findings = post
        .findings
        .iter()
        .map(|f| {
            let is_kept = kept.contains(&f.key);
            let rule = f.rule;
            let severity = f.severity;
            view! {
                <li class="finding" class:finding-kept=is_kept data-testid="review-finding">
                    <span class="badge badge-warn">{move || severity_label(t(), severity)}</span>
                    " "
                    <strong>{move || rule_label(t(), rule)}</strong>
                    "："
                    <mark>{f.text.clone()}</mark>
                    {is_kept
                        .then(|| {
                            view! {
                                " "
                                <span class="badge badge-info" data-testid="review-kept">
                                    {tr(|t| t.review_kept())}
                                </span>
                            }
                        })}
                </li>
            }
        })
        .collect_view();
    view! {
        <h1>{tr(|t| t.review_posts_title())}</h1>
        <p class="muted">
            <span class="badge badge-neutral">{move || kind_label(t(), post.kind)}</span>
            " "
            {byline}
            " · "
            {local_datetime(post.submitted_at)}
        </p>
        {post
            .replaces_published
            .then(|| view! { <p class="badge badge-info">{tr(|t| t.review_replaces())}</p> })}
        <div class="review-grid">
            <article class="card post-preview" data-testid="review-rendered">
                {post
                    .question
                    .clone()
                    .map(|q| {
                        view! {
                            <blockquote class="question">
                                <strong>{tr(|t| t.review_question())} "："</strong>
                                {q.text}
                            </blockquote>
                        }
                    })}
                {post
                    .ai_assisted
                    .then(|| view! { <p class="ai-label">{tr(|t| t.ai_label())}</p> })}
                {post.cover.clone().map(|src| view! { <img class="cover-preview" src=src alt="" /> })}
                <h2 data-testid="review-title">{post.title.clone()}</h2>
                // The server's Markdown renderer made this HTML with ammonia at submission.
                <div class="post-body" inner_html=post.html.clone()></div> // sanitized: server-side, as said above
            </article>
            <aside>
                <section class="card">
                    <h2>{tr(|t| t.review_findings())}</h2>
                    {if post.findings.is_empty() {
                        view! { <p class="muted">{tr(|t| t.checks_clean())}</p> }.into_any()
                    } else {
                        view! { <ul class="findings">{findings}</ul> }.into_any()
                    }}
                </section>
                {match post.decision.clone() {
                    Some(d) => {
                        view! {
                            <p class="notice" data-testid="review-decided">
                                {move || {
                                    if d.approve {
                                        t().review_approved().to_owned()
                                    } else {
                                        format!(
                                            "{}：{}",
                                            t().review_rejected(),
                                            d.reason.map(|r| reason_label(t(), r)).unwrap_or_default(),
                                        )
                                    }
                                }}
                            </p>
                        }
                            .into_any()
                    }
                    None => view! { <DecisionForm id=post.id /> }.into_any(),
                }}
            </aside>
        </div>
    }
}

#[component]
fn DecisionForm(id: i64) -> impl IntoView {
    let t = use_texts();
    let go = use_go();
    let toasts = use_toasts();
    let errors = FormErrors::new();
    let reason = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    let decide = move |approve: bool| {
        let decision = PostDecision {
            approve,
            reason: if approve {
                None
            } else {
                RejectReason::ALL
                    .into_iter()
                    .find(|r| r.as_str() == reason.get_untracked())
            },
            note: note.get_untracked().trim().to_owned(),
        };
        if !errors.check(decision.validate()) {
            return;
        }
        pending.set(true);
        let go = go.clone();
        spawn_local(async move {
            match api::posts::decide(id, &decision).await {
                Ok(_) => {
                    toasts.info(if approve {
                        t().review_approved()
                    } else {
                        t().review_rejected()
                    });
                    go("/review/posts", false);
                }
                Err(e) => errors.show(e),
            }
            pending.try_set(false);
        });
    };
    let mut options = vec![("", Signal::derive(move || t().choose()))];
    options.extend(
        RejectReason::ALL
            .into_iter()
            .map(|r| (r.as_str(), Signal::derive(move || reason_label(t(), r)))),
    );
    let approve = decide.clone();
    view! {
        <form class="card decision" novalidate=true on:submit=move |ev| ev.prevent_default()>
            <button
                type="button"
                class="button button-primary"
                data-testid="approve-post"
                disabled=move || pending.get()
                on:click=move |_| approve(true)
            >
                {tr(|t| t.review_approve())}
            </button>
            <FormField
                name="reason"
                label=Signal::derive(move || t().review_reason())
                value=reason
                errors
                control=Control::Select(options)
            />
            <FormField
                name="note"
                label=Signal::derive(move || t().review_note())
                value=note
                errors
                control=Control::TextArea
            />
            <FormError errors />
            <button
                type="button"
                class="button button-danger"
                data-testid="reject-post"
                disabled=move || pending.get()
                on:click=move |_| decide(false)
            >
                {tr(|t| t.review_reject())}
            </button>
        </form>
    }
}
