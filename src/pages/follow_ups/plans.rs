//! A patient's follow-up plans on their page, and a new plan: from a template (built in or
//! the doctor's own) counted from a start date, or one visit set by hand.

use doctor_desk_api::follow_ups::{FollowUpPlan, NewPlan, PlannedVisit, Template};
use leptos::{prelude::*, task::spawn_local};

use super::{state_badge, state_label};
use crate::{
    api,
    components::form_field::{FormError, FormErrors, FormField},
    format::today,
    i18n::{tr, use_texts},
};

#[component]
pub fn Plans(patient_id: i64, changed: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let plans = RwSignal::new(Vec::<FollowUpPlan>::new());
    let templates = RwSignal::new(Vec::<Template>::new());
    spawn_local(async move {
        if let Ok(p) = api::follow_ups::plans(patient_id).await {
            plans.set(p);
        }
        if let Ok(list) = api::follow_ups::templates().await {
            templates.set(list);
        }
    });
    // "" = one visit by hand; otherwise a template's id.
    let template = RwSignal::new(String::new());
    let start = RwSignal::new(today().to_string());
    let name = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let pending = RwSignal::new(false);
    let by_hand = move || template.with(String::is_empty);
    // The template's first one is chosen once they arrive: that is how most plans start.
    Effect::new(move || {
        if let Some(first) = templates.with(|t| t.first().map(|t| t.id)) {
            if template.get_untracked().is_empty() {
                template.set(first.to_string());
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let plan = match template.get_untracked().parse::<i64>() {
            Ok(id) => NewPlan {
                template_id: Some(id),
                start: start.get_untracked().parse().ok(),
                ..NewPlan::default()
            },
            Err(_) => {
                let Ok(due_on) = due.get_untracked().parse() else {
                    errors.set_field("due_on", t().date_required().to_owned());
                    return;
                };
                NewPlan {
                    name: Some(name.get_untracked()),
                    visits: vec![PlannedVisit {
                        due_on,
                        message: message.get_untracked(),
                    }],
                    ..NewPlan::default()
                }
            }
        };
        let chosen = plan
            .template_id
            .and_then(|id| templates.with_untracked(|t| t.iter().find(|t| t.id == id).cloned()));
        let problems: Vec<_> = plan
            .validate(chosen.as_ref(), today())
            .into_iter()
            // The form's fields for one visit by hand.
            .map(|(field, e)| match field {
                "visits.due_on" => ("due_on", e),
                "visits.message" | "visits" => ("message", e),
                other => (other, e),
            })
            .collect();
        if !errors.check(problems) {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            match api::follow_ups::create_plan(patient_id, &plan).await {
                Ok(created) => {
                    plans.update(|p| p.insert(0, created));
                    changed.update(|c| *c += 1);
                }
                Err(e) => errors.show(e),
            }
            pending.set(false);
        });
    };
    let template_error = errors.field("template_id");
    view! {
        <section class="card plans" data-testid="plans" aria-labelledby="plans-title">
            <h2 id="plans-title">{tr(|t| t.plans_title())}</h2>
            <ul class="plan-list">
                <For each=move || plans.get() key=|p| p.id let:plan>
                    <li class="plan" data-testid="plan">
                        <strong>{plan.name.clone()}</strong>
                        <ol>
                            {plan
                                .visits
                                .iter()
                                .map(|v| {
                                    let state = v.state;
                                    view! {
                                        <li data-testid="plan-visit">
                                            {v.due_on.to_string()} " "
                                            <span class=state_badge(state)>
                                                {move || state_label(t(), state)}
                                            </span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ol>
                    </li>
                </For>
            </ul>
            <form class="plan-new" novalidate=true on:submit=on_submit>
                <div class="field" class:field-invalid=move || template_error.get().is_some()>
                    <label for="plan-template">{tr(|t| t.plan_template())}</label>
                    <select
                        id="plan-template"
                        data-testid="plan-template"
                        on:change=move |ev| template.set(event_target_value(&ev))
                    >
                        {move || {
                            templates
                                .get()
                                .into_iter()
                                .map(|tpl| {
                                    let id = tpl.id.to_string();
                                    let chosen = id.clone();
                                    view! {
                                        <option
                                            value=id
                                            selected=move || template.with(|t| *t == chosen)
                                        >
                                            {tpl.name}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                        <option value="" selected=by_hand>
                            {tr(|t| t.plan_by_hand())}
                        </option>
                    </select>
                    <p class="field-error" aria-live="polite">
                        {move || template_error.get()}
                    </p>
                </div>
                <Show
                    when=by_hand
                    fallback=move || {
                        view! {
                            <FormField
                                name="start"
                                label=Signal::derive(tr(|t| t.plan_start()))
                                value=start
                                errors
                                input_type="date"
                            />
                        }
                    }
                >
                    <FormField
                        name="name"
                        scope="plan"
                        label=Signal::derive(tr(|t| t.plan_name()))
                        value=name
                        errors
                        maxlength=30
                    />
                    <FormField
                        name="due_on"
                        label=Signal::derive(tr(|t| t.plan_due_on()))
                        value=due
                        errors
                        input_type="date"
                    />
                    <FormField
                        name="message"
                        scope="plan"
                        label=Signal::derive(tr(|t| t.plan_message()))
                        value=message
                        errors
                        maxlength=200
                    />
                </Show>
                <FormError errors />
                <button
                    type="submit"
                    class="button button-primary"
                    data-testid="create-plan"
                    disabled=move || pending.get()
                >
                    {tr(|t| t.create_plan())}
                </button>
            </form>
        </section>
    }
}
