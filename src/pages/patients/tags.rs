//! Tags: the doctor's own list (create, rename, recolour, delete) and the picker on a
//! patient's page.

use doctor_desk_api::{
    follow_ups::TagReminder,
    patients::{PatientTags, Tag, TagChip, TagColor, TagInput},
};
use leptos::{prelude::*, task::spawn_local};

use super::{color_label, TagBadge};
use crate::{
    api,
    components::{
        fetched::Fetched,
        form_field::{clear_if_sent, Control, FormError, FormErrors, FormField},
        toast::use_toasts,
    },
    i18n::{tr, use_texts},
};

/// Name and colour inputs of a tag, with the name's error under it.
#[component]
fn TagFields(
    scope: String,
    name: RwSignal<String>,
    color: RwSignal<TagColor>,
    errors: FormErrors,
) -> impl IntoView {
    let t = use_texts();
    let name_id = format!("{scope}-tag-name");
    let color_id = format!("{scope}-tag-color");
    let error = errors.field("name");
    view! {
        <div class="tag-fields">
            <div class="field" class:field-invalid=move || error.get().is_some()>
                <label for=name_id.clone()>{tr(|t| t.tag_name())}</label>
                <input
                    id=name_id.clone()
                    data-testid=format!("{scope}-tag-name")
                    maxlength=12
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-describedby=format!("{name_id}-error")
                    prop:value=move || name.get()
                    on:input=move |ev| {
                        name.set(event_target_value(&ev));
                        errors.clear_field("name");
                    }
                />
                <p
                    class="field-error"
                    id=format!("{name_id}-error")
                    data-testid=format!("{scope}-tag-name-error")
                    aria-live="polite"
                >
                    {move || error.get()}
                </p>
            </div>
            <div class="field">
                <label for=color_id.clone()>{tr(|t| t.tag_color())}</label>
                <select
                    id=color_id
                    data-testid=format!("{scope}-tag-color")
                    on:change=move |ev| color.set(TagColor::parse(&event_target_value(&ev)))
                >
                    {TagColor::ALL
                        .into_iter()
                        .map(|c| {
                            view! {
                                <option value=c.as_str() selected=move || color.get() == c>
                                    {move || color_label(t(), c)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
        </div>
    }
}

/// Creates a tag from the fields; what was typed stays when the server refuses it.
fn create_tag(
    name: RwSignal<String>,
    color: RwSignal<TagColor>,
    errors: FormErrors,
    done: impl Fn(Tag) + 'static,
) {
    let typed = name.get_untracked();
    let input = TagInput {
        name: typed.trim().to_owned(),
        color: color.get_untracked(),
    };
    if !errors.check(input.validate()) {
        return;
    }
    spawn_local(async move {
        match api::patients::create_tag(&input).await {
            Ok(tag) => {
                clear_if_sent(name, &typed);
                done(tag);
            }
            Err(e) => errors.show(e),
        }
    });
}

/// The doctor's tags: each renamed, recoloured or deleted in place, and a new one added.
#[component]
pub fn TagManager(tags: Fetched<Vec<Tag>>, #[prop(into)] on_change: Callback<()>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let color = RwSignal::new(TagColor::Blue);
    let errors = FormErrors::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create_tag(name, color, errors, move |_| on_change.run(()));
    };
    view! {
        <ul class="tag-list" data-testid="tag-list">
            // Keyed: a change to one tag leaves the others' open edits and reminders alone.
            <For
                each=move || tags.get().and_then(Result::ok).unwrap_or_default()
                key=|t| (t.id, t.name.clone(), t.color.as_str(), t.patient_count)
                let:tag
            >
                <TagItem tag on_change />
            </For>
        </ul>
        <form class="tag-new" novalidate=true on:submit=on_submit>
            <TagFields scope="new".into() name color errors />
            <FormError errors />
            <button type="submit" class="button" data-testid="add-tag">
                {tr(|t| t.add_tag())}
            </button>
        </form>
    }
}

#[component]
fn TagItem(tag: Tag, on_change: Callback<()>) -> impl IntoView {
    let t = use_texts();
    let toasts = use_toasts();
    let editing = RwSignal::new(false);
    let name = RwSignal::new(tag.name.clone());
    let color = RwSignal::new(tag.color);
    let errors = FormErrors::new();
    let id = tag.id;
    let chip = TagChip {
        id,
        name: tag.name.clone(),
        color: tag.color,
    };
    let count = tag.patient_count;
    let tag_name = tag.name.clone();
    let tag_label = tag.name.clone();
    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = TagInput {
            name: name.get_untracked().trim().to_owned(),
            color: color.get_untracked(),
        };
        if !errors.check(input.validate()) {
            return;
        }
        spawn_local(async move {
            match api::patients::update_tag(id, &input).await {
                Ok(_) => {
                    editing.set(false);
                    on_change.run(());
                }
                Err(e) => errors.show(e),
            }
        });
    };
    let on_delete = move |_| {
        let question = t().delete_tag_confirm(&tag_name, count);
        if !window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        spawn_local(async move {
            match api::patients::delete_tag(id).await {
                Ok(()) => on_change.run(()),
                Err(e) => toasts.error(e.message),
            }
        });
    };
    view! {
        <li class="tag-item" data-testid="tag-item">
            <Show
                when=move || editing.get()
                fallback=move || {
                    view! {
                        <TagBadge tag=chip.clone() />
                        <span class="muted">{move || t().tag_patients(count)}</span>
                        <button
                            type="button"
                            class="button button-small"
                            data-testid="edit-tag"
                            on:click=move |_| editing.set(true)
                        >
                            {tr(|t| t.edit())}
                        </button>
                        <button
                            type="button"
                            class="button button-small"
                            data-testid="delete-tag"
                            on:click=on_delete.clone()
                        >
                            {tr(|t| t.delete())}
                        </button>
                        <TagReminderForm id name=tag_label.clone() count />
                    }
                }
            >
                <form class="tag-edit" novalidate=true on:submit=on_save>
                    <TagFields scope=format!("tag-{id}") name color errors />
                    <FormError errors />
                    <button type="submit" class="button button-primary" data-testid="save-tag">
                        {tr(|t| t.save())}
                    </button>
                    <button type="button" class="button" on:click=move |_| editing.set(false)>
                        {tr(|t| t.cancel())}
                    </button>
                </form>
            </Show>
        </li>
    }
}

/// The tags of one patient: every tag of the doctor as a toggle (saved at once), and a new
/// tag created and put on the patient in one go.
#[component]
pub fn TagPicker(patient_id: i64, current: RwSignal<Vec<TagChip>>) -> impl IntoView {
    let toasts = use_toasts();
    let version = RwSignal::new(0u32);
    let tags = Fetched::new(move || {
        version.track();
        api::patients::tags()
    });
    let saving = RwSignal::new(false);
    let save = move |tag_ids: Vec<i64>| {
        saving.set(true);
        spawn_local(async move {
            match api::patients::set_tags(patient_id, &PatientTags { tag_ids }).await {
                Ok(chips) => current.set(chips),
                Err(e) => toasts.error(e.message),
            }
            saving.set(false);
        });
    };
    let toggle = move |id: i64| {
        let mut ids: Vec<i64> = current.with_untracked(|c| c.iter().map(|t| t.id).collect());
        match ids.iter().position(|x| *x == id) {
            Some(i) => {
                ids.remove(i);
            }
            None => ids.push(id),
        }
        save(ids);
    };
    let name = RwSignal::new(String::new());
    let color = RwSignal::new(TagColor::Blue);
    let errors = FormErrors::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create_tag(name, color, errors, move |tag| {
            version.update(|v| *v += 1);
            let mut ids: Vec<i64> = current.with_untracked(|c| c.iter().map(|t| t.id).collect());
            ids.push(tag.id);
            save(ids);
        });
    };
    view! {
        <div class="tag-picker" role="group" aria-label=tr(|t| t.patient_tags())>
            {move || {
                tags.get()
                    .and_then(Result::ok)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|tag| {
                        let id = tag.id;
                        let on = move || current.with(|c| c.iter().any(|t| t.id == id));
                        view! {
                            <button
                                type="button"
                                class=format!("tag-toggle tag-{}", tag.color.as_str())
                                data-testid="tag-toggle"
                                aria-pressed=move || on().to_string()
                                disabled=move || saving.get()
                                on:click=move |_| toggle(id)
                            >
                                <span aria-hidden="true">{move || if on() { "✓ " } else { "+ " }}</span>
                                {tag.name}
                            </button>
                        }
                    })
                    .collect_view()
            }}
        </div>
        // Once the tags above it are in: arriving late, they pushed it from under a finger.
        <Show when=move || tags.with(Option::is_some)>
            <form class="tag-new" novalidate=true on:submit=on_submit>
                <TagFields scope="picker".into() name color errors />
                <FormError errors />
                <button type="submit" class="button" data-testid="picker-add-tag">
                    {tr(|t| t.add_tag())}
                </button>
            </form>
        </Show>
    }
}

/// One reminder to every patient with the tag, after a confirmation that says how many.
#[component]
fn TagReminderForm(id: i64, name: String, count: u32) -> impl IntoView {
    let t = use_texts();
    let toasts = use_toasts();
    let open = RwSignal::new(false);
    let message = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let pending = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = TagReminder {
            message: message.get_untracked(),
        };
        if !errors.check(request.validate()) {
            return;
        }
        let question = t().tag_remind_confirm(count, &name);
        if !window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            match api::follow_ups::remind_tag(id, &request).await {
                Ok(sent) => {
                    toasts.info(t().reminders_sent(sent.sent));
                    clear_if_sent(message, &request.message);
                    open.set(false);
                }
                Err(e) => errors.show(e),
            }
            pending.set(false);
        });
    };
    view! {
        <button
            type="button"
            class="button button-small"
            data-testid="remind-tag"
            aria-expanded=move || open.get().to_string()
            disabled=count == 0
            on:click=move |_| open.update(|o| *o = !*o)
        >
            {tr(|t| t.remind_tag())}
        </button>
        <Show when=move || open.get()>
            <form class="tag-edit" novalidate=true on:submit=on_submit.clone()>
                <FormField
                    name="message"
                    scope=format!("tag-{id}-reminder")
                    label=Signal::derive(tr(|t| t.tag_reminder_message()))
                    value=message
                    errors
                    control=Control::TextArea
                    maxlength=200
                />
                <FormError errors />
                <button
                    type="submit"
                    class="button button-primary"
                    data-testid="send-tag-reminder"
                    disabled=move || pending.get()
                >
                    {tr(|t| t.send_reminders())}
                </button>
            </form>
        </Show>
    }
}
