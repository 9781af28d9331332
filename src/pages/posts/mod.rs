//! The post editor's pages: "My posts" (`/posts`, this file) with a tab per status and its
//! count, and the editor (`editor.rs`). The reviewers' side is in `pages/review/posts.rs`.

mod checks;
mod conflict;
pub mod draft;
mod editor;
mod images;
mod local_copy;
mod notices;
mod preview;
mod question;
pub mod toolbar;

pub use checks::{findings_of, rule_label, severity_label, ChecksPanel, Highlights};
pub use editor::PostEditorPage;

use doctor_desk_api::posts::{PostKind, PostRow, PostStatus, PostTab, RejectReason};
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_query_map};

use crate::{
    api,
    app::use_go,
    components::{
        count_tabs::CountTabs,
        fetched::Fetched,
        pager::{LoadMore, Pager},
    },
    format::local_datetime,
    i18n::{tr, use_texts, Texts},
};

pub fn kind_label(t: &'static Texts, kind: PostKind) -> &'static str {
    match kind {
        PostKind::Article => t.post_kind_article(),
        PostKind::Answer => t.post_kind_answer(),
        PostKind::Announcement => t.post_kind_announcement(),
    }
}

pub fn status_label(t: &'static Texts, status: PostStatus) -> &'static str {
    match status {
        PostStatus::Draft => t.post_status_draft(),
        PostStatus::InReview => t.post_status_in_review(),
        PostStatus::Rejected => t.post_status_rejected(),
        PostStatus::Published => t.post_status_published(),
        PostStatus::Withdrawn => t.post_status_withdrawn(),
    }
}

pub fn status_badge(status: PostStatus) -> &'static str {
    match status {
        PostStatus::Draft => "badge badge-neutral",
        PostStatus::InReview => "badge badge-info",
        PostStatus::Rejected | PostStatus::Withdrawn => "badge badge-warn",
        PostStatus::Published => "badge badge-ok",
    }
}

pub fn reason_label(t: &'static Texts, reason: RejectReason) -> &'static str {
    match reason {
        RejectReason::PatientPrivacy => t.reject_patient_privacy(),
        RejectReason::Advertising => t.reject_advertising(),
        RejectReason::Inaccurate => t.reject_inaccurate(),
        RejectReason::OffTopic => t.reject_off_topic(),
        RejectReason::Quality => t.reject_quality(),
        RejectReason::AiUnlabelled => t.reject_ai_unlabelled(),
        RejectReason::Other => t.reject_other(),
    }
}

fn tab_label(t: &'static Texts, tab: PostTab) -> &'static str {
    match tab {
        PostTab::Draft => t.posts_tab_draft(),
        PostTab::InReview => t.posts_tab_in_review(),
        PostTab::Published => t.posts_tab_published(),
        PostTab::Rejected => t.posts_tab_rejected(),
    }
}

#[component]
pub fn PostsPage() -> impl IntoView {
    let query = use_query_map();
    let go = use_go();
    let t = use_texts();
    let tab = Memo::new(move |_| {
        query
            .with(|q| q.get("tab").and_then(|l| PostTab::parse(&l)))
            .unwrap_or_default()
    });
    let page = Fetched::new(move || {
        let tab = tab.get();
        async move { api::posts::list(tab, None).await }
    });
    let counts = Signal::derive(move || {
        page.get()
            .and_then(Result::ok)
            .map(|p| p.counts)
            .unwrap_or_default()
    });
    let pager = Pager::new(|p: &PostRow| p.id);
    Effect::new(move || {
        if let Some(Ok(p)) = page.get() {
            pager.show_first(p);
        }
    });
    let load_more = move || {
        pager.load_more(
            move || tab.get_untracked(),
            |tab, cursor| async move { api::posts::list(tab, Some(&cursor)).await },
        )
    };
    view! {
        <section class="page posts">
            <header class="page-header">
                <h1>{tr(|t| t.posts_title())}</h1>
                <A href="/posts/new" attr:class="button button-primary" attr:data-testid="new-post">
                    {tr(|t| t.post_new())}
                </A>
            </header>
            <CountTabs
                keys=&PostTab::ALL
                selected=tab.into()
                prefix="posts"
                key_name=PostTab::as_str
                label=tab_label
                name=|t| t.posts_tabs()
                count=move |k| counts.get().of(k)
                on_select=move |k: PostTab| go(&format!("/posts?tab={}", k.as_str()), true)
            />
            // The rows are made anew when the language changes.
            {move || match (page.get(), t()) {
                (None, _) => view! { <p class="page-loading">{tr(|t| t.loading())}</p> }.into_any(),
                (Some(Err(e)), _) => view! { <p role="alert">{e.message}</p> }.into_any(),
                (Some(Ok(p)), _) if p.items.is_empty() => {
                    view! {
                        <p class="card muted" data-testid="posts-empty">
                            {tr(|t| t.posts_empty())}
                        </p>
                    }
                        .into_any()
                }
                (Some(Ok(_)), texts) => {
                    view! {
                        <ul class="post-list" data-testid="post-list">
                            <For each=move || pager.rows.get() key=|p| (p.id, p.updated_at) let:post>
                                <PostItem post tab=tab.get_untracked() t=texts />
                            </For>
                        </ul>
                    }
                        .into_any()
                }
            }}
            <LoadMore pager on_click=move |_| load_more() />
        </section>
    }
}

#[component]
fn PostItem(post: PostRow, tab: PostTab, t: &'static Texts) -> impl IntoView {
    let title = if post.title.trim().is_empty() {
        t.post_untitled().to_owned()
    } else {
        post.title.clone()
    };
    // In "published", the public revision is what the row is about.
    let (status, badge) = match (tab, &post.publication) {
        (PostTab::Published, Some(_)) if post.status != PostStatus::Published => {
            (t.post_edit_pending(), status_badge(PostStatus::Published))
        }
        _ => (status_label(t, post.status), status_badge(post.status)),
    };
    view! {
        <li class="card post-row" data-testid=format!("post-{}", post.id)>
            <A href=format!("/posts/{}/edit", post.id) attr:class="post-row-link">
                <span class="post-row-title">{title}</span>
            </A>
            <p class="muted">
                <span class="badge badge-neutral">{kind_label(t, post.kind)}</span>
                " "
                <span class=badge>{status}</span>
                " · "
                {local_datetime(post.updated_at)}
                {post.publication.as_ref().map(|p| format!(" · {}", t.post_views(p.views)))}
            </p>
            {post
                .rejection
                .as_ref()
                .filter(|_| post.status == PostStatus::Rejected)
                .map(|r| {
                    view! {
                        <p class="field-error" data-testid="post-rejection">
                            {reason_label(t, r.reason)}
                            {(!r.note.is_empty()).then(|| format!(" — {}", r.note))}
                        </p>
                    }
                })}
            {post
                .publication
                .as_ref()
                .map(|p| {
                    view! {
                        <a href=p.url.clone() target="_blank" rel="noopener" class="link-button">
                            {t.post_public_page()}
                        </a>
                    }
                })}
        </li>
    }
}
