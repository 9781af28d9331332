//! The editor (`/posts/new`, `/posts/{id}/edit`): kind, the question an answer answers,
//! title, cover, the Markdown text with its toolbar, the preview (beside the text from
//! 960 px, a tab on phones), word count and reading time, the compliance panel, the AI
//! label, and submitting for review. What the doctor writes is never lost (`draft.rs`).

use doctor_desk_api::posts::{
    compliance::{self, Checker},
    text::{reading_minutes, word_count},
    PostKind, PostStatus, WithdrawFrom, BODY_MAX, TITLE_MAX,
};
use std::sync::Arc;

use doctor_desk_api::ErrorCode;
use leptos::{html::Textarea, prelude::*, task::spawn_local};
use leptos_router::hooks::use_params_map;

use super::{
    checks::{findings_of, locate, ChecksPanel, Highlights},
    draft::{local_key, Draft, LocalCopy, SaveState},
    images::{CoverField, ImageInsert},
    kind_label,
    notices::{EditorHeader, Opened, StatusNotices},
    preview::Preview,
    question::QuestionPicker,
    toolbar::{on_keydown, Toolbar},
};
use crate::{
    api,
    app::use_go,
    components::{
        confirm_button::ConfirmButton,
        form_field::{Control, FormError, FormErrors, FormField},
        toast::use_toasts,
    },
    i18n::{tr, use_texts},
    storage,
};

#[component]
pub fn PostEditorPage() -> impl IntoView {
    let params = use_params_map();
    let id = match params.with_untracked(|p| p.get("id")) {
        None => None,
        Some(v) => match v.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => return view! { <crate::pages::not_found::NotFoundPage /> }.into_any(),
        },
    };
    let draft = Draft::new();
    let ready = RwSignal::new(false);
    let opened = RwSignal::new(None::<Opened>);
    let load_error = RwSignal::new(None::<String>);
    spawn_local(async move {
        let local = storage::read::<LocalCopy>(&local_key(id));
        let server = match id {
            Some(id) => match api::posts::get(id).await {
                Ok(post) => Some(post),
                // Offline (or the server failing): this browser's copy is all there is.
                Err(e) if (e.status == 0 || e.status >= 500) && local.is_some() => None,
                Err(e) => {
                    load_error.try_set(Some(e.message));
                    return;
                }
            },
            None => None,
        };
        if ready.try_get_untracked().is_none() {
            return;
        }
        if id.is_some() && server.is_none() {
            draft.id.set(id);
        }
        let had_local = local.as_ref().is_some_and(|l| l.unsynced);
        match draft.open(server.as_ref(), local) {
            Some(ms) => opened.set(Some(Opened::Local(ms))),
            None if had_local => opened.set(Some(Opened::Server)),
            None => {}
        }
        ready.set(true);
    });
    // Every change: into this browser now, to the server when the doctor pauses.
    Effect::new(move || {
        if ready.get() {
            draft.on_change();
        }
    });
    let leave = window_event_listener(leptos::ev::pagehide, move |_| draft.save_now());
    let hidden = window_event_listener_untyped("visibilitychange", move |_| {
        if document().visibility_state() == web_sys::VisibilityState::Hidden {
            draft.save_now();
        }
    });
    let online = window_event_listener(leptos::ev::online, move |_| draft.save_now());
    on_cleanup(move || {
        leave.remove();
        hidden.remove();
        online.remove();
        draft.leave();
    });

    view! {
        <section class="page post-editor">
            {move || {
                if let Some(message) = load_error.get() {
                    return view! { <p role="alert">{message}</p> }.into_any();
                }
                if !ready.get() {
                    return view! { <p class="page-loading">{tr(|t| t.loading())}</p> }.into_any();
                }
                view! { <Editor draft opened /> }.into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn Editor(draft: Draft, opened: RwSignal<Option<Opened>>) -> impl IntoView {
    let t = use_texts();
    let go = use_go();
    let toasts = use_toasts();
    let errors = FormErrors::new();
    let area = NodeRef::<Textarea>::new();
    let picker = NodeRef::<leptos::html::Input>::new();
    // The word lists come once; the checker built from them runs on every keystroke.
    let checker = RwSignal::new(None::<Arc<Checker>>);
    spawn_local(async move {
        if let Ok(rules) = api::posts::rules().await {
            checker.try_set(Some(Arc::new(Checker::new(&rules))));
        }
    });
    let findings = findings_of(draft, checker);
    let current = RwSignal::new(None::<String>);
    let locked = Signal::derive(move || draft.status.get() == PostStatus::InReview);
    let show_preview = RwSignal::new(false);
    let words = Memo::new(move |_| draft.body.with(|b| word_count(b)));
    let submitting = RwSignal::new(false);
    let go_submitted = go.clone();
    let submit = move |_| {
        let go = go_submitted.clone();
        let input = draft.input_now();
        if !errors.check(input.validate_submit()) {
            return;
        }
        let blocked = findings.with_untracked(|f| {
            compliance::blocking(f, &input.kept_warnings)
                .first()
                .map(|f| (*f).clone())
        });
        if let Some(first) = blocked {
            errors.form.set(Some(t().post_blocked().to_owned()));
            current.set(Some(first.key.clone()));
            locate(&first, area);
            return;
        }
        submitting.set(true);
        spawn_local(async move {
            let saved = draft.save().await;
            // The doctor may have left meanwhile.
            let (Some(id), Some(version)) = (
                draft.id.try_get_untracked(),
                draft.version.try_get_untracked(),
            ) else {
                return;
            };
            let result = match (saved, id) {
                (true, Some(id)) => Some(api::posts::submit(id, version).await),
                _ => None,
            };
            if submitting.try_set(false).is_some() {
                return;
            }
            match result {
                Some(Ok(post)) => {
                    draft.take_server(&post, false);
                    toasts.info(t().post_submitted());
                    go("/posts?tab=in_review", false);
                }
                // Saved elsewhere since: the doctor chooses before anything is submitted.
                Some(Err(e)) if e.code == Some(ErrorCode::Conflict) => {
                    let theirs = api::posts::get(id.unwrap_or_default()).await;
                    match theirs {
                        Ok(theirs) => {
                            draft.state.try_set(SaveState::Conflict(Box::new(theirs)));
                        }
                        Err(e) => errors.show(e),
                    }
                }
                Some(Err(e)) => errors.show(e),
                None => match draft.state.get_untracked() {
                    SaveState::Refused(e) => errors.show(e),
                    SaveState::Local => errors.form.set(Some(t().network_error().to_owned())),
                    // A save was on its way: the button is free again once it lands.
                    _ => errors.form.set(Some(t().save_state_saving().to_owned())),
                },
            }
        });
    };
    let withdraw = move |from: WithdrawFrom| {
        let Some(id) = draft.id.get_untracked() else {
            return;
        };
        spawn_local(async move {
            match api::posts::withdraw(id, from).await {
                Ok(post) => {
                    if draft.status.try_get_untracked().is_none() {
                        return;
                    }
                    draft.take_server(&post, false);
                    // Changes kept here while it was in review can go out now.
                    if draft.dirty.get_untracked() {
                        draft.save_now();
                    }
                    toasts.info(match from {
                        WithdrawFrom::Review => t().post_withdrawn_review(),
                        WithdrawFrom::Public => t().post_taken_down(),
                    });
                }
                Err(e) => toasts.error(e.message),
            }
        });
    };
    let delete = move || {
        let Some(id) = draft.id.get_untracked() else {
            return;
        };
        let go = go.clone();
        spawn_local(async move {
            match api::posts::delete(id).await {
                Ok(()) => {
                    storage::remove(&local_key(Some(id)));
                    toasts.info(t().post_deleted());
                    go("/posts", true);
                }
                Err(e) => toasts.error(e.message),
            }
        });
    };
    let kinds = PostKind::ALL
        .into_iter()
        .map(|k| (k.as_str(), Signal::derive(move || kind_label(t(), k))))
        .collect::<Vec<_>>();
    let is_answer = move || draft.kind.get() == PostKind::Answer.as_str();

    view! {
        <EditorHeader draft opened />
        <StatusNotices draft withdraw=Callback::new(withdraw) />
        <div class="editor-grid">
            <form
                class="editor-main"
                novalidate=true
                on:submit=move |ev| ev.prevent_default()
            >
                <fieldset class="editor-fields" disabled=move || locked.get()>
                    <FormField
                        name="kind"
                        label=Signal::derive(move || t().post_kind())
                        value=draft.kind
                        errors
                        control=Control::Select(kinds)
                    />
                    <Show when=is_answer>
                        <QuestionPicker
                            question=draft.question
                            error=errors.field("question_id")
                            disabled=locked
                        />
                    </Show>
                    <FormField
                        name="title"
                        label=Signal::derive(move || t().post_title())
                        value=draft.title
                        errors
                        maxlength=TITLE_MAX as u32
                    />
                    <CoverField draft disabled=locked />
                </fieldset>
                // Outside the fieldset: the preview stays reachable while in review.
                <div class="editor-tabs" role="tablist" aria-label=tr(|t| t.editor_tabs())>
                        <button
                            type="button"
                            role="tab"
                            class="tab"
                            data-testid="tab-write"
                            aria-selected=move || (!show_preview.get()).to_string()
                            on:click=move |_| show_preview.set(false)
                        >
                            {tr(|t| t.editor_write())}
                        </button>
                        <button
                            type="button"
                            role="tab"
                            class="tab"
                            data-testid="tab-preview"
                            aria-selected=move || show_preview.get().to_string()
                            on:click=move |_| show_preview.set(true)
                        >
                            {tr(|t| t.editor_preview())}
                        </button>
                    </div>
                    <div class="editor-panes" class:show-preview=move || show_preview.get()>
                        <fieldset class="pane-write editor-fields" disabled=move || locked.get()>
                            <Toolbar
                                area
                                body=draft.body
                                on_image=move |_| {
                                    if let Some(input) = picker.get_untracked() {
                                        input.click();
                                    }
                                }
                                disabled=locked
                            />
                            <ImageInsert draft area picker />
                            <div
                                class="post-body-field"
                                on:keydown=move |ev| on_keydown(&ev, area, draft.body)
                            >
                                <FormField
                                    name="body"
                                    label=Signal::derive(move || t().post_body())
                                    value=draft.body
                                    errors
                                    control=Control::TextArea
                                    rows=16
                                    maxlength=BODY_MAX as u32
                                    textarea_ref=area
                                    hint=Signal::derive(move || {
                                        let w = words.get();
                                        t().post_words(w, reading_minutes(w))
                                    })
                                >
                                    <Highlights body=draft.body findings area />
                                </FormField>
                            </div>
                        </fieldset>
                        <div class="pane-preview">
                            <Preview draft />
                        </div>
                    </div>
                <fieldset class="editor-fields" disabled=move || locked.get()>
                    <label class="check">
                        <input
                            type="checkbox"
                            data-testid="ai_assisted"
                            prop:checked=move || draft.ai_assisted.get()
                            on:change=move |ev| draft.ai_assisted.set(event_target_checked(&ev))
                        />
                        {tr(|t| t.post_ai_assisted())}
                    </label>
                </fieldset>
                <FormError errors />
                <div class="actions">
                    // A published post with nothing changed has nothing to submit.
                    <Show when=move || {
                        !locked.get()
                            && (draft.status.get() != PostStatus::Published || draft.dirty.get())
                    }>
                        <button
                            type="button"
                            class="button button-primary"
                            data-testid="submit-post"
                            disabled=move || {
                                submitting.get()
                                    || matches!(
                                        draft.state.get(),
                                        SaveState::Conflict(_) | SaveState::Saving
                                    )
                            }
                            on:click=submit.clone()
                        >
                            {tr(|t| t.post_submit())}
                        </button>
                    </Show>
                    <Show when=move || draft.id.get().is_some() && !locked.get()>
                        <ConfirmButton
                            label=|t| t.post_delete()
                            question=|t| t.post_confirm_delete()
                            testid="delete-post"
                            danger=true
                            on_confirm=delete.clone()
                        />
                    </Show>
                </div>
            </form>
            <aside class="editor-side">
                <ChecksPanel draft findings area current />
            </aside>
        </div>
    }
}
