//! Private notes on a patient: plain text with line breaks, never shown to the patient;
//! an edit keeps the earlier text, readable under the note. A note being written survives
//! a reload (kept in this browser until it is saved).

use doctor_desk_api::patients::{Note, NoteInput};
use leptos::{prelude::*, task::spawn_local};

use crate::{
    api,
    components::form_field::{clear_if_sent, Control, FormError, FormErrors, FormField},
    format::local_datetime,
    i18n::{tr, use_texts},
};

/// `2026-12-02 16:05 · 李明`, or the time alone when the writer has no name yet.
fn by_whom(when: String, who: &str) -> String {
    if who.is_empty() {
        when
    } else {
        format!("{when} · {who}")
    }
}

fn draft_key(patient_id: i64) -> String {
    format!("dd_note_draft_{patient_id}")
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

#[component]
pub fn Notes(patient_id: i64, changed: RwSignal<u32>) -> impl IntoView {
    let notes = RwSignal::new(None::<Vec<Note>>);
    let load_error = RwSignal::new(None::<String>);
    spawn_local(async move {
        match api::patients::notes(patient_id).await {
            Ok(n) => notes.set(Some(n)),
            Err(e) => load_error.set(Some(e.message)),
        }
    });
    let draft = RwSignal::new(
        storage()
            .and_then(|s| s.get_item(&draft_key(patient_id)).ok().flatten())
            .unwrap_or_default(),
    );
    Effect::new(move || {
        let text = draft.get();
        if let Some(s) = storage() {
            let _ = if text.is_empty() {
                s.remove_item(&draft_key(patient_id))
            } else {
                s.set_item(&draft_key(patient_id), &text)
            };
        }
    });
    let errors = FormErrors::new();
    let pending = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = NoteInput {
            text: draft.get_untracked(),
            version: None,
        };
        if !errors.check(input.validate()) {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            match api::patients::add_note(patient_id, &input).await {
                Ok(note) => {
                    notes.update(|n| n.get_or_insert_with(Vec::new).insert(0, note));
                    clear_if_sent(draft, &input.text);
                    changed.update(|c| *c += 1);
                }
                Err(e) => errors.show(e),
            }
            pending.set(false);
        });
    };
    view! {
        <section class="card notes" data-testid="notes" aria-labelledby="notes-title">
            <h2 id="notes-title">{tr(|t| t.notes_title())}</h2>
            <p class="muted">{tr(|t| t.notes_hint())}</p>
            <form novalidate=true on:submit=on_submit>
                <FormField
                    name="text"
                    scope="new-note"
                    label=Signal::derive(tr(|t| t.new_note()))
                    value=draft
                    errors
                    control=Control::TextArea
                    maxlength=2000
                />
                <FormError errors />
                <button
                    type="submit"
                    class="button button-primary"
                    data-testid="add-note"
                    disabled=move || pending.get()
                >
                    {tr(|t| t.add_note())}
                </button>
            </form>
            {move || load_error.get().map(|m| view! { <p role="alert">{m}</p> })}
            <ul class="note-list">
                <For
                    each=move || notes.get().unwrap_or_default()
                    key=|n| (n.id, n.version)
                    let:note
                >
                    <NoteItem patient_id note notes changed />
                </For>
            </ul>
        </section>
    }
}

#[component]
fn NoteItem(
    patient_id: i64,
    note: Note,
    notes: RwSignal<Option<Vec<Note>>>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let t = use_texts();
    let editing = RwSignal::new(false);
    let text = RwSignal::new(note.text.clone());
    let errors = FormErrors::new();
    let pending = RwSignal::new(false);
    let (id, version) = (note.id, note.version);
    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = NoteInput {
            text: text.get_untracked(),
            version: Some(version),
        };
        if !errors.check(input.validate()) {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            match api::patients::edit_note(patient_id, id, &input).await {
                Ok(saved) => {
                    notes.update(|n| {
                        if let Some(slot) = n.iter_mut().flatten().find(|n| n.id == id) {
                            *slot = saved;
                        }
                    });
                    changed.update(|c| *c += 1);
                }
                Err(e) => errors.show(e),
            }
            pending.set(false);
        });
    };
    let written = by_whom(local_datetime(note.updated_at), &note.written_by);
    let history = note.history.clone();
    let count = history.len();
    view! {
        <li class="note" data-testid="note">
            <Show
                when=move || editing.get()
                fallback={
                    let body = note.text.clone();
                    let written = written.clone();
                    move || {
                        view! {
                            <p class="prose-text" data-testid="note-text">
                                {body.clone()}
                            </p>
                            <p class="muted">
                                {written.clone()}
                                {(version > 1).then(|| format!(" · {}", t().note_version(version)))}
                            </p>
                            <button
                                type="button"
                                class="button button-small"
                                data-testid="edit-note"
                                on:click=move |_| editing.set(true)
                            >
                                {tr(|t| t.edit())}
                            </button>
                        }
                    }
                }
            >
                <form novalidate=true on:submit=on_save>
                    <FormField
                        name="text"
                        scope=format!("note-{id}")
                        label=Signal::derive(tr(|t| t.edit_note()))
                        value=text
                        errors
                        control=Control::TextArea
                        maxlength=2000
                    />
                    <FormError errors />
                    <button
                        type="submit"
                        class="button button-primary"
                        data-testid="save-note"
                        disabled=move || pending.get()
                    >
                        {tr(|t| t.save_note())}
                    </button>
                    <button type="button" class="button" on:click=move |_| editing.set(false)>
                        {tr(|t| t.cancel())}
                    </button>
                </form>
            </Show>
            {(count > 0)
                .then(|| {
                    view! {
                        <details class="note-history" data-testid="note-history">
                            <summary>{move || t().note_history(count)}</summary>
                            <ol>
                                {history
                                    .iter()
                                    .map(|v| {
                                        let label = by_whom(
                                            local_datetime(v.written_at),
                                            &v.written_by,
                                        );
                                        let number = v.version;
                                        view! {
                                            <li>
                                                <p class="muted">
                                                    {move || t().note_version(number)} " · "
                                                    {label}
                                                </p>
                                                <p class="prose-text">{v.text.clone()}</p>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ol>
                        </details>
                    }
                })}
        </li>
    }
}
