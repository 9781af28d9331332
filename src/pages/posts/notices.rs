//! What the editor says above the fields: where the copy stands with the server, what
//! was restored on opening, a conflict to choose, a rejection's reason, the lock while in
//! review and the public page while published.

use doctor_desk_api::posts::{PostStatus, WithdrawFrom};
use leptos::prelude::*;

use super::{
    conflict::ConflictChooser,
    draft::{Draft, SaveState},
    reason_label, status_badge, status_label,
};
use crate::{
    format::local_datetime,
    i18n::{tr, use_texts},
};

/// How the editor opened: on this browser's unsynced copy (written at this time, in ms),
/// or on the server's newer one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Opened {
    Local(f64),
    Server,
}

#[component]
pub fn EditorHeader(draft: Draft, opened: RwSignal<Option<Opened>>) -> impl IntoView {
    let t = use_texts();
    let save_text = move || match draft.state.get() {
        SaveState::Idle => t().save_state_idle().to_owned(),
        SaveState::Saving => t().save_state_saving().to_owned(),
        SaveState::Saved(at) => t().saved_at(&at),
        SaveState::Local => t().save_state_local().to_owned(),
        SaveState::Conflict(_) => t().conflict_title().to_owned(),
        SaveState::Refused(e) => e.message,
    };
    view! {
        <header class="editor-header">
            <h1>
                {move || match draft.id.get() {
                    Some(_) => t().post_editor_edit(),
                    None => t().post_editor_new(),
                }}
            </h1>
            <span class=move || status_badge(draft.status.get()) data-testid="post-status">
                {move || status_label(t(), draft.status.get())}
            </span>
            <p class="save-state muted" aria-live="polite" data-testid="save-state">
                {save_text}
            </p>
        </header>
        {move || {
            opened
                .get()
                .map(|o| {
                    let text = match o {
                        Opened::Local(ms) => {
                            let at = chrono::DateTime::from_timestamp_millis(ms as i64)
                                .map(crate::format::local_time)
                                .unwrap_or_default();
                            t().restored_local_at(&at)
                        }
                        Opened::Server => t().restored_server().to_owned(),
                    };
                    view! {
                        <p class="notice" role="status" data-testid="restored">
                            {text}
                            " "
                            <button
                                type="button"
                                class="link-button"
                                on:click=move |_| opened.set(None)
                            >
                                {tr(|t| t.close())}
                            </button>
                        </p>
                    }
                })
        }}
        {move || match draft.state.get() {
            SaveState::Conflict(theirs) => {
                Some(view! { <ConflictChooser draft theirs=*theirs /> })
            }
            _ => None,
        }}
    }
}

#[component]
pub fn StatusNotices(draft: Draft, withdraw: Callback<WithdrawFrom>) -> impl IntoView {
    let t = use_texts();
    let locked = move || draft.status.get() == PostStatus::InReview;
    view! {
        {move || {
            draft
                .rejection
                .get()
                .filter(|_| draft.status.get() == PostStatus::Rejected)
                .map(|r| {
                    view! {
                        <div class="notice notice-warn" data-testid="rejection">
                            <strong>{tr(|t| t.post_rejected_because())} "："</strong>
                            {move || reason_label(t(), r.reason)}
                            {(!r.note.is_empty()).then(|| format!(" — {}", r.note))}
                            " (" {local_datetime(r.decided_at)} ")"
                        </div>
                    }
                })
        }}
        <Show when=locked>
            <div class="notice" data-testid="in-review-notice">
                {tr(|t| t.post_in_review_locked())}
                " "
                <button
                    type="button"
                    class="button"
                    data-testid="withdraw-review"
                    on:click=move |_| withdraw.run(WithdrawFrom::Review)
                >
                    {tr(|t| t.post_withdraw_review())}
                </button>
            </div>
        </Show>
        {move || {
            draft
                .publication
                .get()
                .map(|p| {
                    view! {
                        <div class="notice" data-testid="publication">
                            {tr(|t| t.post_published_note())}
                            " "
                            <a href=p.url.clone() target="_blank" rel="noopener" data-testid="public-link">
                                {tr(|t| t.post_public_page())}
                            </a>
                            " · "
                            {move || t().post_views(p.views)}
                            " "
                            <button
                                type="button"
                                class="button"
                                data-testid="take-down"
                                on:click=move |_| withdraw.run(WithdrawFrom::Public)
                            >
                                {tr(|t| t.post_take_down())}
                            </button>
                        </div>
                    }
                })
        }}
    }
}
