//! Ending a consultation with advice: assessment, advice, an offline visit and when to
//! come back.

use doctor_desk_api::inbox::{Advice, Consultation};
use leptos::prelude::*;

use crate::{
    api,
    components::form_field::{Control, FormError, FormErrors, FormField},
    i18n::tr,
};

#[component]
pub(super) fn EndForm(id: i64, consultation: RwSignal<Option<Consultation>>) -> impl IntoView {
    let errors = FormErrors::new();
    let assessment = RwSignal::new(String::new());
    let advice = RwSignal::new(String::new());
    let offline = RwSignal::new(false);
    let department = RwSignal::new(String::new());
    let follow_up = RwSignal::new(String::new());
    let close = Action::new_local(move |req: &Advice| {
        let req = req.clone();
        async move { api::close_consultation(id, &req).await }
    });
    Effect::new(move || match close.value().get() {
        Some(Ok(c)) => consultation.set(Some(c)),
        Some(Err(e)) => errors.show(e),
        None => {}
    });
    view! {
        <details class="card end-form">
            <summary data-testid="open-end-form">{tr(|t| t.end_consultation())}</summary>
            <form
                novalidate=true
                on:submit=move |ev| {
                    ev.prevent_default();
                    let req = Advice {
                        assessment: assessment.get_untracked(),
                        advice: advice.get_untracked(),
                        offline_visit: offline.get_untracked(),
                        department: department.get_untracked(),
                        follow_up: follow_up.get_untracked(),
                    };
                    if errors.check(req.validate()) {
                        close.dispatch(req);
                    }
                }
            >
                <FormField
                    name="assessment"
                    label=tr(|t| t.assessment())
                    value=assessment
                    errors
                    control=Control::TextArea
                />
                <FormField
                    name="advice"
                    label=tr(|t| t.advice())
                    value=advice
                    errors
                    control=Control::TextArea
                />
                <label class="checkbox">
                    <input
                        type="checkbox"
                        data-testid="offline_visit"
                        prop:checked=move || offline.get()
                        on:change=move |ev| offline.set(event_target_checked(&ev))
                    />
                    <span>{tr(|t| t.offline_visit())}</span>
                </label>
                <Show when=move || offline.get()>
                    <FormField
                        name="department"
                        label=tr(|t| t.visit_department())
                        value=department
                        errors
                    />
                </Show>
                <FormField
                    name="follow_up"
                    label=tr(|t| t.follow_up_advice())
                    value=follow_up
                    errors
                    control=Control::TextArea
                />
                <FormError errors />
                <button
                    type="submit"
                    class="button button-primary"
                    data-testid="end-consultation"
                    disabled=move || close.pending().get()
                >
                    {tr(|t| t.end_submit())}
                </button>
            </form>
        </details>
    }
}
