//! 账号申诉 (`/appeal`, signed out): a doctor whose phone number no longer works asks to
//! move the account to a new number, proving who they are (name, ID number, a photo
//! holding the ID card) and that the new number is theirs (an SMS code sent to it; the
//! old number gets none). A reviewer decides it in `pages/review/appeal.rs`.

use doctor_desk_api::{
    account::appeal::{AppealForm, AppealReceived, REASON_MAX},
    auth::SmsPurpose,
};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::components::A;

use crate::{
    api::{self, UploadError, UploadTask},
    components::{
        form_field::{Control, FormError, FormErrors, FormField},
        phone_code::{PhoneField, SmsCodeField},
        shell::PublicLayout,
        submit_button::SubmitButton,
    },
    format::local_datetime,
    i18n::{tr, use_texts},
    photo::{self, PrepareError, Prepared},
};

#[component]
pub fn AppealPage() -> impl IntoView {
    let received = RwSignal::new(None::<AppealReceived>);
    view! {
        <PublicLayout>
            {move || match received.get() {
                Some(r) => view! { <Received received=r /> }.into_any(),
                None => view! { <AppealFormCard received /> }.into_any(),
            }}
        </PublicLayout>
    }
}

/// What to prepare, then the form. What was typed stays after an error.
#[component]
fn AppealFormCard(received: RwSignal<Option<AppealReceived>>) -> impl IntoView {
    let t = use_texts();
    let real_name = RwSignal::new(String::new());
    let id_number = RwSignal::new(String::new());
    let old_phone = RwSignal::new(String::new());
    let new_phone = RwSignal::new(String::new());
    let sms_code = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let chosen: StoredValue<Option<Prepared>, LocalStorage> = StoredValue::new_local(None);
    let preparing = RwSignal::new(false);
    // Some while the appeal is on its way: how much of it has left the phone.
    let progress = RwSignal::new(None::<f64>);
    let task: StoredValue<Option<UploadTask>, LocalStorage> = StoredValue::new_local(None);
    // Leaving the page cancels an appeal in flight.
    on_cleanup(move || {
        task.try_with_value(|t| {
            if let Some(t) = t {
                t.cancel();
            }
        });
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if progress.get_untracked().is_some() || preparing.get_untracked() {
            return;
        }
        let mut form = AppealForm {
            real_name: real_name.get_untracked(),
            id_number: id_number.get_untracked(),
            old_phone: old_phone.get_untracked(),
            new_phone: new_phone.get_untracked(),
            sms_code: sms_code.get_untracked(),
            reason: reason.get_untracked(),
        };
        form.normalize();
        let valid = errors.check(form.validate());
        let photo = chosen.get_value();
        if photo.is_none() {
            errors.set_field("photo", t().appeal_photo_missing().to_owned());
        }
        let (true, Some(photo)) = (valid, photo) else {
            return;
        };
        progress.set(Some(0.0));
        let on_progress = move |p: f64| {
            progress.set(Some(p));
        };
        match api::account::file_appeal(&form, &photo.blob, &photo.file_name, on_progress) {
            Ok((handle, result)) => {
                task.set_value(Some(handle));
                spawn_local(async move {
                    let outcome = result.await;
                    task.try_set_value(None);
                    progress.set(None);
                    match outcome {
                        Ok(r) => received.set(Some(r)),
                        Err(UploadError::Failed(e)) => errors.show(e),
                        Err(UploadError::Cancelled) => {}
                    }
                });
            }
            Err(e) => {
                progress.set(None);
                errors.show(e);
            }
        }
    };

    let reason_count = Signal::derive(move || {
        let n = reason.with(|r| r.trim().chars().count());
        t().appeal_reason_count(n)
    });
    view! {
        <section class="card auth-card appeal" data-testid="appeal-page">
            <h1>{tr(|t| t.appeal_title())}</h1>
            <p class="subtitle">{tr(|t| t.appeal_intro())}</p>
            <h2>{tr(|t| t.appeal_needs_title())}</h2>
            <ul class="appeal-needs">
                <li>{tr(|t| t.appeal_need_identity())}</li>
                <li>{tr(|t| t.appeal_need_phones())}</li>
                <li>{tr(|t| t.appeal_need_photo())}</li>
            </ul>
            <p class="notice notice-info" data-testid="appeal-no-old-code">
                {tr(|t| t.appeal_no_old_code())}
            </p>
            <form novalidate=true on:submit=on_submit>
                <FormField
                    name="real_name"
                    label=Signal::derive(tr(|t| t.real_name()))
                    value=real_name
                    errors=errors
                    autocomplete="name"
                    maxlength=50
                />
                <FormField
                    name="id_number"
                    label=Signal::derive(tr(|t| t.id_number()))
                    hint=Signal::derive(move || t().id_number_hint().to_owned())
                    value=id_number
                    errors=errors
                    maxlength=18
                />
                <PhoneField
                    phone=old_phone
                    errors=errors
                    name="old_phone"
                    label=|t| t.appeal_old_phone()
                />
                <PhoneField phone=new_phone errors=errors name="new_phone" label=|t| t.new_phone() />
                <SmsCodeField
                    phone=new_phone
                    sms_code=sms_code
                    purpose=SmsPurpose::Appeal
                    errors=errors
                    phone_field="new_phone"
                />
                <PhotoField chosen preparing errors />
                <FormField
                    name="reason"
                    label=Signal::derive(tr(|t| t.appeal_reason()))
                    placeholder=Signal::derive(tr(|t| t.appeal_reason_placeholder()))
                    hint=reason_count
                    value=reason
                    errors=errors
                    control=Control::TextArea
                    maxlength=REASON_MAX as u32
                />
                <FormError errors=errors />
                {move || {
                    progress
                        .get()
                        .map(|p| {
                            let pct = (p * 100.0).round() as u32;
                            view! {
                                <div class="upload-progress">
                                    <progress
                                        max="100"
                                        value=pct
                                        aria-label=tr(|t| t.upload_progress_label())
                                        data-testid="appeal-progress"
                                    ></progress>
                                    <span aria-live="polite">{move || t().uploading_pct(pct)}</span>
                                </div>
                            }
                        })
                }}
                <SubmitButton
                    pending=Signal::derive(move || progress.get().is_some())
                    label=|t| t.appeal_submit()
                    pending_label=|t| t.submitting()
                    testid="appeal-submit"
                />
            </form>
            <p class="auth-links">
                <A href="/login">{tr(|t| t.back_to_login())}</A>
            </p>
        </section>
    }
}

/// The photo of the doctor holding the ID card: taken or chosen, made small and upright
/// in the browser (`photo.rs`), previewed. Its errors show at `photo`, as the server
/// names the file field.
#[component]
fn PhotoField(
    chosen: StoredValue<Option<Prepared>, LocalStorage>,
    preparing: RwSignal<bool>,
    errors: FormErrors,
) -> impl IntoView {
    let t = use_texts();
    let preview = RwSignal::new(None::<String>);
    let forget_preview = move || {
        if let Some(url) = preview.try_get_untracked().flatten() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
        preview.set(None);
    };
    on_cleanup(forget_preview);
    let error = errors.field("photo");

    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        // Let the same file be chosen again.
        input.set_value("");
        errors.clear_field("photo");
        forget_preview();
        chosen.set_value(None);
        preparing.set(true);
        spawn_local(async move {
            let message = match photo::prepare(&file).await {
                Ok(p) if !p.is_pdf => {
                    preview.set(web_sys::Url::create_object_url_with_blob(&p.blob).ok());
                    chosen.try_set_value(Some(p));
                    None
                }
                Ok(_) | Err(PrepareError::Unsupported) => Some(t().photo_only()),
                Err(PrepareError::Unreadable) => Some(t().unreadable_photo()),
            };
            if let Some(m) = message {
                errors.set_field("photo", m.to_owned());
            }
            preparing.set(false);
        });
    };

    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <span class="field-label" id="field-photo-label">
                {tr(|t| t.appeal_photo())}
            </span>
            <p class="field-hint" id="field-photo-hint">
                {tr(|t| t.appeal_photo_hint())}
            </p>
            {move || {
                preview
                    .get()
                    .map(|src| {
                        view! {
                            <img
                                class="doc-preview"
                                src=src
                                alt=tr(|t| t.appeal_photo())
                                data-testid="photo-preview"
                            />
                        }
                    })
            }}
            <Show when=move || preparing.get()>
                <p class="muted" aria-live="polite">
                    {tr(|t| t.preparing())}
                </p>
            </Show>
            <div class="doc-actions">
                <input
                    type="file"
                    class="file-input"
                    id="field-photo"
                    name="photo"
                    accept="image/*"
                    data-testid="photo"
                    aria-labelledby="field-photo-label field-photo-choose"
                    aria-describedby=move || {
                        if error.get().is_some() {
                            "field-photo-hint field-photo-error"
                        } else {
                            "field-photo-hint"
                        }
                    }
                    aria-invalid=move || error.get().is_some().to_string()
                    disabled=move || preparing.get()
                    on:change=on_file
                />
                <label
                    for="field-photo"
                    id="field-photo-choose"
                    class="button"
                    class:button-disabled=move || preparing.get()
                >
                    {move || {
                        if preview.get().is_some() { t().choose_again() } else { t().choose_file() }
                    }}
                </label>
            </div>
            <p
                class="field-error"
                id="field-photo-error"
                aria-live="polite"
                data-testid="photo-error"
            >
                {move || error.get()}
            </p>
        </div>
    }
}

/// The appeal is filed: when and how the doctor hears back.
#[component]
fn Received(received: AppealReceived) -> impl IntoView {
    let t = use_texts();
    let at = local_datetime(received.submitted_at);
    let phone = received.new_phone_masked;
    let heading = NodeRef::<leptos::html::H1>::new();
    // The form the doctor was in is gone: take them to what replaced it.
    Effect::new(move || {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    view! {
        <section class="card auth-card" role="status" data-testid="appeal-received">
            <h1 node_ref=heading tabindex="-1">
                {tr(|t| t.appeal_received_title())}
            </h1>
            <p data-testid="appeal-received-body">{move || t().appeal_received_body(&phone)}</p>
            <p>{tr(|t| t.appeal_after_approval())}</p>
            <p class="muted">{move || t().submitted_at(&at)}</p>
            <p class="auth-links">
                <A href="/login">{tr(|t| t.back_to_login())}</A>
            </p>
        </section>
    }
}
