use doctor_desk_api::{
    auth::VerificationStatus,
    onboarding::{Gender, OnboardingStep, PracticeFields, ProfileUpdate, Title},
};
use leptos::prelude::*;

use super::Flow;
use crate::{
    api,
    components::{
        form_field::{Control, FormError, FormErrors, FormField},
        submit_button::SubmitButton,
        summary::Summary,
        toast::use_toasts,
    },
    i18n::{tr, use_texts, Texts},
};

/// One practice field as the doctor reads it.
type Shown = fn(&PracticeFields, &'static Texts) -> String;

/// Step 1: who the doctor is and where they practise. Once verified, who they are is fixed
/// (shown, not editable) and a change of where they practise waits for a reviewer: the
/// form shows the approved values with the requested ones marked "awaiting review".
#[component]
pub fn ProfileStep(flow: Flow) -> impl IntoView {
    let t = use_texts();
    let toasts = use_toasts();
    let existing = flow.loaded().and_then(|l| l.profile);
    let text = |f: fn(&doctor_desk_api::onboarding::Profile) -> String| {
        RwSignal::new(existing.as_ref().map(f).unwrap_or_default())
    };
    let real_name = text(|p| p.real_name.clone());
    let display_name = text(|p| {
        if p.display_name == p.real_name {
            String::new()
        } else {
            p.display_name.clone()
        }
    });
    let gender = text(|p| match p.gender {
        Gender::Male => "male".into(),
        Gender::Female => "female".into(),
    });
    let id_number = RwSignal::new(String::new());
    let hospital = text(|p| p.hospital.clone());
    let department = text(|p| p.department.clone());
    let title = text(|p| p.title.as_str().to_owned());
    let practice_category = text(|p| p.practice_category.clone());
    let practice_scope = text(|p| p.practice_scope.clone());
    let years = text(|p| p.years_of_practice.to_string());
    let specialties = text(|p| p.specialties.clone());
    let bio = text(|p| p.bio.clone());
    let saved_id = existing.as_ref().map(|p| p.id_number_masked.clone());
    let avatar = existing.as_ref().and_then(|p| p.avatar_file_id.clone());
    let errors = FormErrors::new();
    let identity_locked = existing.as_ref().is_some_and(|p| p.identity_locked);
    let identity = existing
        .as_ref()
        .map(|p| (p.real_name.clone(), p.gender, p.id_number_masked.clone()));
    let pending = existing.as_ref().and_then(|p| p.pending_change.clone());
    let live = existing.as_ref().map(|p| p.practice());
    let has_pending = pending.is_some();
    // "Awaiting review: …" beside a field whose change a reviewer has not decided yet.
    let pending_hint = move |shown: Shown| {
        let (pending, live) = (pending.clone(), live.clone());
        Signal::derive(move || match (&pending, &live) {
            (Some(p), Some(l)) if shown(p, t()) != shown(l, t()) => {
                t().pending_review_value(&shown(p, t()))
            }
            _ => String::new(),
        })
    };
    let verified = flow
        .loaded()
        .is_some_and(|l| l.verification.status == VerificationStatus::Verified);

    let save = Action::new_local(move |update: &ProfileUpdate| {
        let update = update.clone();
        async move { api::save_profile(&update).await }
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(profile)) => {
            toasts.info(t().display_name_given(&profile.display_name));
            if profile.pending_change.is_some() {
                toasts.info(t().practice_change_submitted());
            }
            flow.go(if verified {
                OnboardingStep::Status
            } else {
                OnboardingStep::Documents
            });
        }
        Some(Err(e)) => errors.show(e),
        None => {}
    });

    let has_saved_id = saved_id.is_some();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let update = ProfileUpdate {
            real_name: real_name.get_untracked().trim().to_owned(),
            display_name: Some(display_name.get_untracked().trim().to_owned())
                .filter(|s| !s.is_empty()),
            gender: if gender.get_untracked() == "female" {
                Gender::Female
            } else {
                Gender::Male
            },
            id_number: Some(id_number.get_untracked().trim().to_ascii_uppercase())
                .filter(|s| !s.is_empty()),
            hospital: hospital.get_untracked(),
            department: department.get_untracked(),
            title: Title::parse(&title.get_untracked()).unwrap_or(Title::ResidentPhysician),
            practice_category: practice_category.get_untracked(),
            practice_scope: practice_scope.get_untracked(),
            years_of_practice: years.get_untracked().trim().parse().unwrap_or(0),
            specialties: specialties.get_untracked(),
            bio: bio.get_untracked(),
        };
        let mut problems = update.validate(has_saved_id);
        // Choices not made yet are shown as missing rather than defaulted silently.
        if gender.get_untracked().is_empty() {
            problems.push(("gender", doctor_desk_api::validate::FieldError::Required));
        }
        if title.get_untracked().is_empty() {
            problems.push(("title", doctor_desk_api::validate::FieldError::Required));
        }
        if errors.check(problems) {
            save.dispatch(update);
        }
    };

    let choose = Signal::derive(tr(|t| t.choose()));
    view! {
        <form class="card" novalidate=true on:submit=on_submit data-testid="profile-form">
            <h2>{tr(|t| t.step_profile())}</h2>
            <super::avatar::AvatarPicker current=avatar />
            {if identity_locked {
                let (name, gender, id_masked) = identity
                    .clone()
                    .unwrap_or((String::new(), Gender::Male, String::new()));
                view! {
                    <Summary
                        testid="identity-locked"
                        rows=vec![
                            (|t| t.real_name(), Signal::stored(name)),
                            (
                                |t| t.gender(),
                                Signal::derive(move || {
                                    match gender {
                                        Gender::Male => t().gender_male(),
                                        Gender::Female => t().gender_female(),
                                    }
                                        .to_owned()
                                }),
                            ),
                            (|t| t.id_number(), Signal::stored(id_masked)),
                        ]
                    />
                    <p class="muted" data-testid="identity-locked-hint">
                        {tr(|t| t.identity_locked_hint())}
                    </p>
                }
                    .into_any()
            } else {
                view! {
                    <FormField
                        name="real_name"
                        label=Signal::derive(tr(|t| t.real_name()))
                        value=real_name
                        errors=errors
                        autocomplete="name"
                        maxlength=30
                    />
                    <FormField
                        name="gender"
                        label=Signal::derive(tr(|t| t.gender()))
                        value=gender
                        errors=errors
                        control=Control::Select(
                            vec![
                                ("", choose),
                                ("male", Signal::derive(tr(|t| t.gender_male()))),
                                ("female", Signal::derive(tr(|t| t.gender_female()))),
                            ],
                        )
                    />
                    <FormField
                        name="id_number"
                        label=Signal::derive(tr(|t| t.id_number()))
                        hint=Signal::derive(move || match &saved_id {
                            Some(masked) => t().id_number_saved(masked),
                            None => t().id_number_hint().to_owned(),
                        })
                        value=id_number
                        errors=errors
                        maxlength=18
                        autocomplete="off"
                    />
                }
                    .into_any()
            }}
            <FormField
                name="display_name"
                label=Signal::derive(tr(|t| t.display_name()))
                hint=Signal::derive(move || t().display_name_hint().to_owned())
                value=display_name
                errors=errors
                maxlength=20
            />
            <Show when=move || has_pending>
                <p class="muted" role="status" data-testid="practice-change-pending">
                    {tr(|t| t.practice_change_pending())}
                </p>
            </Show>
            <FormField
                name="hospital"
                label=Signal::derive(tr(|t| t.hospital()))
                hint=pending_hint(|p, _| p.hospital.clone())
                value=hospital
                errors=errors
                maxlength=60
                autocomplete="organization"
            />
            <FormField
                name="department"
                label=Signal::derive(tr(|t| t.department()))
                hint=pending_hint(|p, _| p.department.clone())
                value=department
                errors=errors
                maxlength=30
            />
            <FormField
                name="title"
                label=Signal::derive(tr(|t| t.title()))
                hint=pending_hint(|p, t| t.title_name(p.title).to_owned())
                value=title
                errors=errors
                control=Control::Select(
                    std::iter::once(("", choose))
                        .chain(
                            Title::ALL
                                .into_iter()
                                .map(|ti| (ti.as_str(), Signal::derive(move || t().title_name(ti)))),
                        )
                        .collect(),
                )
            />
            <FormField
                name="practice_category"
                label=Signal::derive(tr(|t| t.practice_category()))
                hint=pending_hint(|p, _| p.practice_category.clone())
                placeholder=Signal::derive(tr(|t| t.practice_category_placeholder()))
                value=practice_category
                errors=errors
                maxlength=30
            />
            <FormField
                name="practice_scope"
                label=Signal::derive(tr(|t| t.practice_scope()))
                hint=pending_hint(|p, _| p.practice_scope.clone())
                placeholder=Signal::derive(tr(|t| t.practice_scope_placeholder()))
                value=practice_scope
                errors=errors
                maxlength=60
            />
            <FormField
                name="years_of_practice"
                label=Signal::derive(tr(|t| t.years_of_practice()))
                hint={
                    let pending = pending_hint(|p, _| p.years_of_practice.to_string());
                    Signal::derive(move || {
                        let pending = pending.get();
                        if pending.is_empty() {
                            t().years_hint().to_owned()
                        } else {
                            format!("{} {pending}", t().years_hint())
                        }
                    })
                }
                value=years
                errors=errors
                input_type="number"
                inputmode="numeric"
                maxlength=2
            />
            <FormField
                name="specialties"
                label=Signal::derive(tr(|t| t.specialties()))
                value=specialties
                errors=errors
                control=Control::TextArea
                maxlength=200
            />
            <FormField
                name="bio"
                label=Signal::derive(tr(|t| t.bio()))
                value=bio
                errors=errors
                control=Control::TextArea
                maxlength=1000
            />
            <FormError errors=errors />
            <SubmitButton
                pending=Signal::derive(move || save.pending().get())
                label=|t| t.save_and_continue()
                pending_label=|t| t.saving()
                testid="profile-submit"
            />
        </form>
    }
}
