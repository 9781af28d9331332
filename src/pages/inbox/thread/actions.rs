//! A new request: accept it (with the follow-up confirmation), ask the patient for more,
//! or decline it with a reason.

use doctor_desk_api::inbox::{AcceptRequest, Consultation, Decline, DeclineReason, SendMessage};
use leptos::prelude::*;

use super::new_client_id;
use crate::{
    api,
    components::{
        form_field::{clear_if_sent, Control, FormError, FormErrors, FormField},
        toast::use_toasts,
    },
    i18n::tr,
};

/// Accept (with the follow-up confirmation), ask for more, or decline with a reason.
#[component]
pub(super) fn NewActions(id: i64, consultation: RwSignal<Option<Consultation>>) -> impl IntoView {
    let toasts = use_toasts();
    let confirmed = RwSignal::new(false);
    let errors = FormErrors::new();
    let accept = Action::new_local(move |req: &AcceptRequest| {
        let req = req.clone();
        async move { api::accept_consultation(id, &req).await }
    });
    let question = RwSignal::new(String::new());
    let ask = Action::new_local(move |text: &String| {
        let req = SendMessage {
            client_id: new_client_id(),
            text: Some(text.clone()),
            image_file_id: None,
        };
        let sent = text.clone();
        async move { (sent, api::ask_patient(id, &req).await) }
    });
    let reason = RwSignal::new("first_visit".to_owned());
    let reason_text = RwSignal::new(String::new());
    let decline = Action::new_local(move |req: &Decline| {
        let req = req.clone();
        async move { api::decline_consultation(id, &req).await }
    });
    Effect::new(move || {
        for result in [accept.value().get(), decline.value().get()]
            .into_iter()
            .flatten()
        {
            match result {
                Ok(c) => consultation.set(Some(c)),
                Err(e) => errors.show(e),
            }
        }
    });
    Effect::new(move || match ask.value().get() {
        Some((sent, Ok(_))) => clear_if_sent(question, &sent),
        Some((_, Err(e))) => toasts.error(e.message),
        None => {}
    });
    let reasons = vec![
        (
            "first_visit",
            Signal::derive(tr(|t| t.reason_first_visit())),
        ),
        (
            "out_of_scope",
            Signal::derive(tr(|t| t.reason_out_of_scope())),
        ),
        (
            "needs_offline_visit",
            Signal::derive(tr(|t| t.reason_needs_offline())),
        ),
        ("other", Signal::derive(tr(|t| t.reason_other_text()))),
    ];
    view! {
        <section class="card actions">
            <form
                novalidate=true
                on:submit=move |ev| {
                    ev.prevent_default();
                    accept
                        .dispatch(AcceptRequest {
                            follow_up_confirmed: confirmed.get_untracked(),
                        });
                }
            >
                <label class="checkbox">
                    <input
                        type="checkbox"
                        data-testid="confirm-follow-up"
                        prop:checked=move || confirmed.get()
                        on:change=move |ev| {
                            confirmed.set(event_target_checked(&ev));
                            errors.clear_field("follow_up_confirmed");
                        }
                    />
                    <span>{tr(|t| t.confirm_follow_up())}</span>
                </label>
                <p class="field-error" data-testid="follow_up_confirmed-error">
                    {move || errors.field("follow_up_confirmed").get()}
                </p>
                <FormError errors />
                <button
                    type="submit"
                    class="button button-primary"
                    data-testid="accept-consultation"
                    disabled=move || accept.pending().get()
                >
                    {tr(|t| t.accept())}
                </button>
            </form>
            <details>
                <summary>{tr(|t| t.ask_more())}</summary>
                <form
                    novalidate=true
                    on:submit=move |ev| {
                        ev.prevent_default();
                        let text = question.get_untracked();
                        if !text.trim().is_empty() {
                            ask.dispatch(text);
                        }
                    }
                >
                    <FormField
                        name="question"
                        label=tr(|t| t.ask_placeholder())
                        value=question
                        errors
                        control=Control::TextArea
                    />
                    <button type="submit" class="button" disabled=move || ask.pending().get()>
                        {tr(|t| t.send_question())}
                    </button>
                </form>
            </details>
            <details>
                <summary data-testid="open-decline">{tr(|t| t.decline_consultation())}</summary>
                <form
                    novalidate=true
                    on:submit=move |ev| {
                        ev.prevent_default();
                        let reason = match reason.get_untracked().as_str() {
                            "out_of_scope" => DeclineReason::OutOfScope,
                            "needs_offline_visit" => DeclineReason::NeedsOfflineVisit,
                            "other" => DeclineReason::Other,
                            _ => DeclineReason::FirstVisit,
                        };
                        let req = Decline {
                            reason,
                            text: reason_text.get_untracked(),
                        };
                        if errors.check(req.validate()) {
                            decline.dispatch(req);
                        }
                    }
                >
                    <FormField
                        name="reason"
                        label=tr(|t| t.decline_reason())
                        value=reason
                        errors
                        control=Control::Select(reasons)
                    />
                    <FormField
                        name="text"
                        label=tr(|t| t.decline_text())
                        value=reason_text
                        errors
                        control=Control::TextArea
                    />
                    <button
                        type="submit"
                        class="button button-danger"
                        data-testid="decline-consultation"
                        disabled=move || decline.pending().get()
                    >
                        {tr(|t| t.confirm_decline())}
                    </button>
                </form>
            </details>
        </section>
    }
}
