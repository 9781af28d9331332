//! Plan templates on the follow-ups page: the built-in ones every doctor has, the doctor's
//! own, and a form to save a new one (a rhythm that fits their patients: every n weeks or
//! months, so many visits, one message). A patient's page offers them all for a new plan.

use doctor_desk_api::follow_ups::{IntervalUnit, Template, TemplateInput};
use leptos::{prelude::*, task::spawn_local};

use crate::{
    api,
    components::{
        form_field::{clear_if_sent, Control, FormError, FormErrors, FormField},
        toast::use_toasts,
    },
    i18n::{tr, use_texts, Texts},
};

fn unit_label(t: &'static Texts, unit: IntervalUnit) -> &'static str {
    match unit {
        IntervalUnit::Weeks => t.unit_weeks(),
        IntervalUnit::Months => t.unit_months(),
    }
}

#[component]
pub fn Templates() -> impl IntoView {
    let t = use_texts();
    let toasts = use_toasts();
    let templates = RwSignal::new(Vec::<Template>::new());
    let failed = RwSignal::new(None::<String>);
    spawn_local(async move {
        match api::follow_ups::templates().await {
            Ok(list) => templates.set(list),
            Err(e) => failed.set(Some(e.message)),
        }
    });
    let name = RwSignal::new(String::new());
    let every = RwSignal::new("4".to_owned());
    let unit = RwSignal::new(IntervalUnit::Weeks.as_str().to_owned());
    let visits = RwSignal::new("3".to_owned());
    let message = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let pending = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // A number that does not parse is out of range, as 0 is.
        let req = TemplateInput {
            name: name.get_untracked(),
            every: every.get_untracked().trim().parse().unwrap_or(0),
            unit: IntervalUnit::parse(&unit.get_untracked()).unwrap_or(IntervalUnit::Weeks),
            visits: visits.get_untracked().trim().parse().unwrap_or(0),
            message: message.get_untracked(),
        };
        if !errors.check(req.validate()) {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            match api::follow_ups::create_template(&req).await {
                Ok(saved) => {
                    toasts.info(t().template_saved());
                    templates.update(|list| list.push(saved));
                    clear_if_sent(name, &req.name);
                    clear_if_sent(message, &req.message);
                }
                Err(e) => errors.show(e),
            }
            pending.set(false);
        });
    };
    let units = IntervalUnit::ALL
        .into_iter()
        .map(|u| (u.as_str(), Signal::derive(move || unit_label(t(), u))))
        .collect();
    view! {
        <details class="card templates" data-testid="templates">
            <summary data-testid="open-templates">{tr(|t| t.templates_title())}</summary>
            {move || failed.get().map(|m| view! { <p role="alert">{m}</p> })}
            <ul class="template-list">
                <For each=move || templates.get() key=|tpl| tpl.id let:tpl>
                    <li class="template" data-testid="template">
                        <strong>{tpl.name.clone()}</strong>
                        " "
                        {tpl
                            .builtin
                            .then(|| {
                                view! {
                                    <span class="badge badge-neutral">
                                        {tr(|t| t.template_builtin())}
                                    </span>
                                }
                            })}
                        <br />
                        <span class="muted" data-testid="template-rule">
                            {move || {
                                t().template_rule(tpl.every, unit_label(t(), tpl.unit), tpl.visits)
                            }}
                        </span>
                        <p class="prose-text muted">{tpl.message.clone()}</p>
                    </li>
                </For>
            </ul>
            <form class="plan-new" novalidate=true on:submit=on_submit>
                <h3>{tr(|t| t.new_template())}</h3>
                <FormField
                    name="name"
                    scope="template"
                    label=Signal::derive(tr(|t| t.template_name()))
                    value=name
                    errors
                    maxlength=30
                />
                <div class="template-fields">
                    <FormField
                        name="every"
                        scope="template"
                        label=Signal::derive(tr(|t| t.template_every()))
                        value=every
                        errors
                        input_type="number"
                        inputmode="numeric"
                    />
                    <FormField
                        name="unit"
                        scope="template"
                        label=Signal::derive(tr(|t| t.template_unit()))
                        value=unit
                        errors
                        control=Control::Select(units)
                    />
                    <FormField
                        name="visits"
                        scope="template"
                        label=Signal::derive(tr(|t| t.template_visits()))
                        value=visits
                        errors
                        input_type="number"
                        inputmode="numeric"
                    />
                </div>
                <FormField
                    name="message"
                    scope="template"
                    label=Signal::derive(tr(|t| t.plan_message()))
                    value=message
                    errors
                    control=Control::TextArea
                    maxlength=200
                />
                <FormError errors />
                <button
                    type="submit"
                    class="button button-primary"
                    data-testid="save-template"
                    disabled=move || pending.get()
                >
                    {tr(|t| t.save_template())}
                </button>
            </form>
        </details>
    }
}
