use doctor_desk_api::inbox::{ConsultationSettings, QuickReply, QuickReplyInput};
use leptos::{prelude::*, task::spawn_local};

use crate::{
    api,
    components::{
        confirm_button::ConfirmButton,
        fetched::Fetched,
        form_field::{Control, FormError, FormErrors, FormField},
        submit_button::SubmitButton,
        toast::use_toasts,
    },
    i18n::{tr, use_texts},
};

/// 问诊设置: the service switch, price, daily limit, greeting and follow-up questions, and
/// the quick replies.
#[component]
pub fn ConsultationSettingsPage() -> impl IntoView {
    // The form shows once the saved settings are in: an answer arriving after the doctor
    // started typing would otherwise overwrite what was typed.
    let settings = Fetched::new(api::consultation_settings);
    view! {
        <section class="page">
            <h1>{tr(|t| t.settings_title())}</h1>
            {move || match settings.get() {
                None => view! { <p class="page-loading">{tr(|t| t.loading())}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert">{e.message}</p> }.into_any(),
                Some(Ok(s)) => view! { <SettingsForm saved=s /> }.into_any(),
            }}
            <QuickReplies />
        </section>
    }
}

#[component]
fn SettingsForm(saved: ConsultationSettings) -> impl IntoView {
    let t = use_texts();
    let toasts = use_toasts();
    let errors = FormErrors::new();
    let enabled = RwSignal::new(false);
    let price = RwSignal::new(String::new());
    let limit = RwSignal::new(String::new());
    let greeting = RwSignal::new(String::new());
    let follow_ups = RwSignal::new(String::new());
    let show = move |s: ConsultationSettings| {
        enabled.set(s.enabled);
        price.set(format!("{}.{:02}", s.price_fen / 100, s.price_fen % 100));
        limit.set(s.daily_limit.to_string());
        greeting.set(s.greeting);
        follow_ups.set(s.follow_up_questions.to_string());
    };
    show(saved);
    let save = Action::new_local(move |s: &ConsultationSettings| {
        let s = s.clone();
        async move { api::save_consultation_settings(&s).await }
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(s)) => {
            show(s);
            toasts.info(t().saved());
        }
        Some(Err(e)) => errors.show(e),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // Yuan with up to two decimals → fen, without floats.
        let yuan = price.get_untracked();
        let (whole, cents) = yuan.trim().split_once('.').unwrap_or((yuan.trim(), "0"));
        let cents = format!("{cents:0<2}");
        let price_fen = whole
            .parse::<u32>()
            .ok()
            .zip(cents.get(..2).and_then(|c| c.parse::<u32>().ok()))
            .map(|(w, c)| w * 100 + c);
        let settings = ConsultationSettings {
            enabled: enabled.get_untracked(),
            price_fen: price_fen.unwrap_or(u32::MAX),
            daily_limit: limit.get_untracked().trim().parse().unwrap_or(0),
            greeting: greeting.get_untracked(),
            follow_up_questions: follow_ups.get_untracked().trim().parse().unwrap_or(99),
        };
        if errors.check(settings.validate()) {
            save.dispatch(settings);
        }
    };

    view! {
        <form class="card" novalidate=true on:submit=on_submit>
            <label class="checkbox">
                <input
                    type="checkbox"
                    data-testid="service-enabled"
                    prop:checked=move || enabled.get()
                    on:change=move |ev| enabled.set(event_target_checked(&ev))
                />
                <span>{tr(|t| t.service_enabled())}</span>
            </label>
            <FormField
                name="price_fen"
                label=tr(|t| t.price_yuan())
                value=price
                errors
                inputmode="decimal"
            />
            <FormField
                name="daily_limit"
                label=tr(|t| t.daily_limit())
                value=limit
                errors
                inputmode="numeric"
            />
            <FormField
                name="greeting"
                label=tr(|t| t.greeting_message())
                value=greeting
                errors
                control=Control::TextArea
            />
            <FormField
                name="follow_up_questions"
                label=tr(|t| t.follow_up_questions())
                value=follow_ups
                errors
                inputmode="numeric"
            />
            <FormError errors />
            <SubmitButton
                pending=Signal::derive(move || save.pending().get())
                label=|t| t.save()
                pending_label=|t| t.saving()
                testid="save-settings"
            />
        </form>
    }
}

/// Quick replies: one form adds a new one or edits the one picked; each can move up or
/// down a place (buttons, so it works by keyboard and on phones) or be deleted.
#[component]
fn QuickReplies() -> impl IntoView {
    let toasts = use_toasts();
    let t = use_texts();
    let list = RwSignal::new(Vec::<QuickReply>::new());
    let errors = FormErrors::new();
    let title = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let editing = RwSignal::new(None::<i64>);
    let pending = RwSignal::new(false);
    // Each change answers with the whole list: the first load, if it comes later, is older.
    let changed = StoredValue::new(false);
    let apply = move |result: api::ApiResult<Vec<QuickReply>>| match result {
        Ok(replies) => {
            changed.set_value(true);
            list.set(replies);
        }
        Err(e) => toasts.error(e.message),
    };
    spawn_local(async move {
        let replies = api::quick_replies().await;
        if !changed.try_get_value().unwrap_or(true) {
            apply(replies);
        }
    });
    let reset = move || {
        editing.set(None);
        title.set(String::new());
        text.set(String::new());
        errors.check(Default::default());
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = QuickReplyInput {
            title: title.get_untracked(),
            text: text.get_untracked(),
            position: None,
        };
        if !errors.check(input.validate()) {
            return;
        }
        let id = editing.get_untracked();
        pending.set(true);
        spawn_local(async move {
            let saved = match id {
                Some(id) => api::update_quick_reply(id, &input).await,
                None => api::add_quick_reply(&input).await,
            };
            match saved {
                Ok(replies) => {
                    apply(Ok(replies));
                    // Unless the doctor went on to another one while this was on its way.
                    let same = editing.get_untracked() == id
                        && title.with_untracked(|v| *v == input.title)
                        && text.with_untracked(|v| *v == input.text);
                    if same {
                        reset();
                    }
                }
                Err(e) => errors.show(e),
            }
            pending.try_set(false);
        });
    };
    let move_to = move |r: &QuickReply, position: i64| {
        let (id, input) = (
            r.id,
            QuickReplyInput {
                title: r.title.clone(),
                text: r.text.clone(),
                position: Some(position),
            },
        );
        spawn_local(async move { apply(api::update_quick_reply(id, &input).await) });
    };
    view! {
        <section class="card">
            <h2>{tr(|t| t.quick_replies())}</h2>
            <ol class="quick-reply-list">
                <For
                    each=move || list.get()
                    key=|r| (r.id, r.position, r.title.clone(), r.text.clone())
                    let:r
                >
                    {
                        let (id, at) = (r.id, r.position);
                        let (up, down, edit) = (r.clone(), r.clone(), r.clone());
                        view! {
                            <li data-testid="quick-reply-item">
                                <strong>{r.title.clone()}</strong>
                                <p class="muted">{r.text.clone()}</p>
                                <div class="row-actions">
                                    <button
                                        type="button"
                                        class="button"
                                        data-testid="edit-quick-reply"
                                        on:click=move |_| {
                                            editing.set(Some(edit.id));
                                            title.set(edit.title.clone());
                                            text.set(edit.text.clone());
                                        }
                                    >
                                        {tr(|t| t.edit())}
                                    </button>
                                    <button
                                        type="button"
                                        class="button"
                                        data-testid="move-up"
                                        disabled=at == 0
                                        on:click=move |_| move_to(&up, at - 1)
                                    >
                                        {tr(|t| t.move_up())}
                                    </button>
                                    <button
                                        type="button"
                                        class="button"
                                        data-testid="move-down"
                                        disabled=move || list.with(|l| at + 1 >= l.len() as i64)
                                        on:click=move |_| move_to(&down, at + 1)
                                    >
                                        {tr(|t| t.move_down())}
                                    </button>
                                    <ConfirmButton
                                        label=|t| t.delete()
                                        testid="delete-quick-reply"
                                        on_confirm=move || {
                                            spawn_local(async move {
                                                apply(api::delete_quick_reply(id).await)
                                            });
                                        }
                                    />
                                </div>
                            </li>
                        }
                    }
                </For>
            </ol>
            <form novalidate=true on:submit=submit>
                <h3>
                    {move || {
                        if editing.get().is_some() { t().edit_reply() } else { t().add_reply() }
                    }}
                </h3>
                <FormField name="title" label=tr(|t| t.reply_title()) value=title errors />
                <FormField
                    name="text"
                    label=tr(|t| t.reply_text())
                    value=text
                    errors
                    control=Control::TextArea
                />
                <div class="row-actions">
                    <button
                        type="submit"
                        class="button"
                        data-testid="add-quick-reply"
                        disabled=move || pending.get()
                    >
                        {move || if editing.get().is_some() { t().save() } else { t().add_reply() }}
                    </button>
                    <Show when=move || editing.get().is_some()>
                        <button type="button" class="button" on:click=move |_| reset()>
                            {tr(|t| t.cancel())}
                        </button>
                    </Show>
                </div>
            </form>
        </section>
    }
}
