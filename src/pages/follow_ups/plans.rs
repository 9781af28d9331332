//! A patient's follow-up plans on their page, and a new plan: from a template (built in or
//! the doctor's own) counted from a start date, or visits set by hand, each with its date
//! and message.

use chrono::{Duration, NaiveDate};
use doctor_desk_api::follow_ups::{FollowUpPlan, NewPlan, PlannedVisit, Template, VISITS_MAX};
use leptos::{prelude::*, task::spawn_local};

use super::{state_badge, state_label};
use crate::{
    api,
    components::form_field::{FormError, FormErrors, FormField},
    format::today,
    i18n::{current_lang, texts, tr, use_texts},
};

#[component]
pub fn Plans(patient_id: i64, changed: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let plans = RwSignal::new(Vec::<FollowUpPlan>::new());
    let templates = RwSignal::new(Vec::<Template>::new());
    // "" = one visit by hand; otherwise a template's id.
    let template = RwSignal::new(String::new());
    // The list and the form show once both answers are in: a form that switched to the
    // first template (how most plans start) as it arrived took away what was typed by hand.
    let loading = RwSignal::new(2u8);
    spawn_local(async move {
        if let Ok(p) = api::follow_ups::plans(patient_id).await {
            plans.try_set(p);
        }
        loading.try_update(|n| *n -= 1);
    });
    spawn_local(async move {
        let list = api::follow_ups::templates().await.unwrap_or_default();
        if let Some(first) = list.first() {
            template.try_set(first.id.to_string());
        }
        templates.try_set(list);
        loading.try_update(|n| *n -= 1);
    });
    let start = RwSignal::new(today().to_string());
    let name = RwSignal::new(String::new());
    let visits = RwSignal::new(vec![VisitDraft::new(1, String::new(), String::new())]);
    let errors = FormErrors::new();
    let pending = RwSignal::new(false);
    let by_hand = move || template.with(String::is_empty);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let plan = match template.get_untracked().parse::<i64>() {
            Ok(id) => NewPlan {
                template_id: Some(id),
                start: start.get_untracked().parse().ok(),
                ..NewPlan::default()
            },
            Err(_) => {
                let Some(planned) = checked_visits(visits.get_untracked(), today()) else {
                    return;
                };
                NewPlan {
                    name: Some(name.get_untracked()),
                    visits: planned,
                    ..NewPlan::default()
                }
            }
        };
        let chosen = plan
            .template_id
            .and_then(|id| templates.with_untracked(|t| t.iter().find(|t| t.id == id).cloned()));
        // The visits' own errors are under each visit (checked above); those of the list
        // as a whole ("no visit") go above the button.
        let problems: Vec<_> = plan
            .validate(chosen.as_ref(), today())
            .into_iter()
            .filter(|(field, _)| !field.starts_with("visits."))
            .collect();
        if let Some((_, e)) = problems.iter().find(|(field, _)| *field == "visits") {
            errors.form.set(Some(e.message(current_lang()).to_owned()));
            return;
        }
        if !errors.check(problems) {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            match api::follow_ups::create_plan(patient_id, &plan).await {
                Ok(created) => {
                    plans.update(|p| p.insert(0, created));
                    changed.update(|c| *c += 1);
                    if template.with_untracked(String::is_empty) {
                        name.set(String::new());
                        // A key not used before: a row keyed like the last plan's first visit
                        // would stay on screen wired to that old draft.
                        visits.update(|v| {
                            let key = v.iter().map(|d| d.key).max().unwrap_or(0) + 1;
                            *v = vec![VisitDraft::new(key, String::new(), String::new())];
                        });
                    }
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
            <Show
                when=move || loading.get() == 0
                fallback=|| view! { <p class="page-loading">{tr(|t| t.loading())}</p> }
            >
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
                        <ol class="visit-drafts" data-testid="visit-drafts">
                            <For each=move || visits.get() key=|v| v.key let:visit>
                                <VisitFields visit visits />
                            </For>
                        </ol>
                        <button
                            type="button"
                            class="button"
                            data-testid="add-visit"
                            disabled=move || visits.with(|v| v.len() >= VISITS_MAX as usize)
                            on:click=move |_| visits.update(|v| v.push(VisitDraft::after(v)))
                        >
                            {tr(|t| t.add_visit())}
                        </button>
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
            </Show>
        </section>
    }
}

/// One visit of a plan by hand, as typed: its date, its message and their errors.
#[derive(Clone, Copy)]
struct VisitDraft {
    /// Stays with the visit while others are added or removed above it.
    key: u32,
    due: RwSignal<String>,
    message: RwSignal<String>,
    errors: FormErrors,
}

impl VisitDraft {
    fn new(key: u32, due: String, message: String) -> Self {
        VisitDraft {
            key,
            due: RwSignal::new(due),
            message: RwSignal::new(message),
            errors: FormErrors::new(),
        }
    }

    /// The next visit: four weeks after the last one, with its message (a series of
    /// visits usually asks the same of the patient).
    fn after(drafts: &[VisitDraft]) -> Self {
        let key = drafts.iter().map(|v| v.key).max().unwrap_or(0) + 1;
        let Some(last) = drafts.last() else {
            return VisitDraft::new(key, String::new(), String::new());
        };
        let due = doctor_desk_api::time::parse_date(&last.due.get_untracked())
            .and_then(|d| d.checked_add_signed(Duration::weeks(4)))
            .map(|d| d.to_string())
            .unwrap_or_default();
        VisitDraft::new(key, due, last.message.get_untracked())
    }
}

/// The visits as the API takes them, or `None` with each visit's errors shown under it.
fn checked_visits(drafts: Vec<VisitDraft>, today: NaiveDate) -> Option<Vec<PlannedVisit>> {
    let t = texts(current_lang());
    let mut planned = Vec::new();
    for draft in &drafts {
        let due_on = doctor_desk_api::time::parse_date(&draft.due.get_untracked());
        // Without a date the message is still checked, so both errors show at once.
        let visit = PlannedVisit {
            due_on: due_on.unwrap_or(today),
            message: draft.message.get_untracked(),
        };
        let fine = draft.errors.check(visit.validate(today));
        if due_on.is_none() {
            draft
                .errors
                .set_field("due_on", t.date_required().to_owned());
        } else if fine {
            planned.push(visit);
        }
    }
    (planned.len() == drafts.len()).then_some(planned)
}

/// The date and message of one visit by hand, and a way to remove it.
#[component]
fn VisitFields(visit: VisitDraft, visits: RwSignal<Vec<VisitDraft>>) -> impl IntoView {
    let t = use_texts();
    let place =
        move || visits.with(|v| v.iter().position(|d| d.key == visit.key).unwrap_or(0) + 1) as u32;
    let scope = format!("visit-{}", visit.key);
    view! {
        <li class="visit-draft" data-testid="visit-draft">
            <fieldset>
                <legend>{move || t().visit_n(place())}</legend>
                <FormField
                    name="due_on"
                    scope=scope.clone()
                    label=Signal::derive(tr(|t| t.plan_due_on()))
                    value=visit.due
                    errors=visit.errors
                    input_type="date"
                />
                <FormField
                    name="message"
                    scope=scope
                    label=Signal::derive(tr(|t| t.plan_message()))
                    value=visit.message
                    errors=visit.errors
                    maxlength=200
                />
                <Show when=move || visits.with(|v| v.len() > 1)>
                    <button
                        type="button"
                        class="button button-small"
                        data-testid="remove-visit"
                        aria-label=move || t().remove_visit_n(place())
                        on:click=move |_| visits.update(|v| v.retain(|d| d.key != visit.key))
                    >
                        {tr(|t| t.remove_visit())}
                    </button>
                </Show>
            </fieldset>
        </li>
    }
}
