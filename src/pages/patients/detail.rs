//! One patient's file (`/patients/:id`): who they are (full name: the doctor treats them;
//! the phone masked until asked for, which is recorded), tags, the health summary the
//! doctor keeps, private notes and the history of consultations and notes.

use doctor_desk_api::patients::{Clinical, PatientDetail, TagChip};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::use_params_map;

use super::{notes::Notes, sex_label, tags::TagPicker, timeline::Timeline};
use crate::{
    api,
    components::{
        fetched::Fetched,
        form_field::{Control, FormError, FormErrors, FormField},
        photo_viewer::{provide_viewer, ImageViewer},
        toast::use_toasts,
    },
    format::local_day,
    i18n::{tr, use_texts},
    pages::follow_ups::Plans,
};

#[component]
pub fn PatientPage() -> impl IntoView {
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let Some(id) = id else {
        return view! { <crate::pages::not_found::NotFoundPage /> }.into_any();
    };
    provide_viewer();
    let patient = Fetched::new(move || api::patients::detail(id));
    // Bumped when a note is added or edited: the history shows notes too.
    let changed = RwSignal::new(0u32);
    view! {
        <ImageViewer />
        <section class="page patient-page">
            {move || match patient.get() {
                None => view! { <p class="page-loading">{tr(|t| t.loading())}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert">{e.message}</p> }.into_any(),
                Some(Ok(p)) => view! { <PatientFile p changed /> }.into_any(),
            }}
        </section>
    }
    .into_any()
}

#[component]
fn PatientFile(p: PatientDetail, changed: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let id = p.id;
    let tags = RwSignal::new(p.tags.clone());
    let since = local_day(p.since);
    let (sex, age, count) = (p.sex, p.age, p.consultation_count);
    view! {
        <article class="card patient-head" data-testid="patient-head">
            <h1 data-testid="patient-name">{p.name.clone()}</h1>
            <p>
                {move || {
                    format!(
                        "{} · {} · {} {}",
                        sex_label(t(), sex),
                        t().age_years(age as i64),
                        t().birth_date(),
                        p.birth_date,
                    )
                }}
            </p>
            <Phone id masked=p.masked_phone.clone() />
            <p class="muted">
                {move || format!("{} · {}", t().patient_since(&since), t().consultation_count(count))}
            </p>
            <CurrentTags tags />
        </article>
        <section class="card" aria-labelledby="tags-title">
            <h2 id="tags-title">{tr(|t| t.patient_tags())}</h2>
            <TagPicker patient_id=id current=tags />
        </section>
        <ClinicalForm id clinical=p.clinical />
        <Plans patient_id=id changed />
        <Notes patient_id=id changed />
        <Timeline patient_id=id changed />
    }
}

#[component]
fn CurrentTags(tags: RwSignal<Vec<TagChip>>) -> impl IntoView {
    view! {
        <p class="row-tags" data-testid="patient-tags">
            {move || {
                tags.get()
                    .into_iter()
                    .map(|tag| view! { <super::TagBadge tag /> })
                    .collect_view()
            }}
        </p>
    }
}

/// The masked phone, and the full number on request (the server records who looked).
#[component]
fn Phone(id: i64, masked: String) -> impl IntoView {
    let toasts = use_toasts();
    let full = RwSignal::new(None::<String>);
    let reveal = move |_| {
        spawn_local(async move {
            match api::patients::reveal_phone(id).await {
                Ok(r) => full.set(Some(r.phone)),
                Err(e) => toasts.error(e.message),
            }
        });
    };
    view! {
        <p class="phone-line">
            <span>{tr(|t| t.phone())} ": "</span>
            <span data-testid="patient-phone">{move || full.get().unwrap_or(masked.clone())}</span>
            <Show when=move || full.with(Option::is_none)>
                " "
                <button
                    type="button"
                    class="button button-small"
                    data-testid="show-phone"
                    aria-describedby="show-phone-hint"
                    on:click=reveal
                >
                    {tr(|t| t.show_phone())}
                </button>
                <span class="muted field-hint" id="show-phone-hint">
                    {tr(|t| t.show_phone_hint())}
                </span>
            </Show>
        </p>
    }
}

/// Chronic conditions and allergies, as the doctor records them.
#[component]
fn ClinicalForm(id: i64, clinical: Clinical) -> impl IntoView {
    let t = use_texts();
    let toasts = use_toasts();
    let conditions = RwSignal::new(clinical.conditions);
    let allergies = RwSignal::new(clinical.allergies);
    let errors = FormErrors::new();
    let pending = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = Clinical {
            conditions: conditions.get_untracked(),
            allergies: allergies.get_untracked(),
        };
        if !errors.check(input.validate()) {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            match api::patients::save_clinical(id, &input).await {
                Ok(_) => toasts.info(t().saved()),
                Err(e) => errors.show(e),
            }
            pending.set(false);
        });
    };
    view! {
        <form class="card" novalidate=true on:submit=on_submit aria-labelledby="clinical-title">
            <h2 id="clinical-title">{tr(|t| t.clinical_title())}</h2>
            <FormField
                name="conditions"
                label=Signal::derive(tr(|t| t.conditions()))
                value=conditions
                errors
                control=Control::TextArea
                maxlength=500
            />
            <FormField
                name="allergies"
                label=Signal::derive(tr(|t| t.allergies()))
                value=allergies
                errors
                control=Control::TextArea
                maxlength=500
            />
            <FormError errors />
            <button
                type="submit"
                class="button button-primary"
                data-testid="save-clinical"
                disabled=move || pending.get()
            >
                {tr(|t| t.save())}
            </button>
        </form>
    }
}
