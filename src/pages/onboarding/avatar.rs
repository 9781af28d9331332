//! The doctor's photo, shown to patients: picked, made small and upright in the browser,
//! uploaded at once.

use doctor_desk_api::onboarding::StoredFile;
use leptos::{prelude::*, task::spawn_local};

use crate::{
    api::{self, UploadError},
    components::toast::use_toasts,
    i18n::{tr, use_texts},
    photo::{self, PrepareError},
};

#[component]
pub fn AvatarPicker(current: Option<String>) -> impl IntoView {
    let t = use_texts();
    let toasts = use_toasts();
    let file_id = RwSignal::new(current);
    let progress = RwSignal::new(None::<u32>);
    let error = RwSignal::new(None::<String>);

    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        error.set(None);
        progress.set(Some(0));
        spawn_local(async move {
            let prepared = match photo::prepare(&file).await {
                Ok(p) if !p.is_pdf => p,
                Ok(_) | Err(PrepareError::Unsupported) => {
                    error.set(Some(t().unsupported_file().to_owned()));
                    progress.set(None);
                    return;
                }
                Err(PrepareError::Unreadable) => {
                    error.set(Some(t().unreadable_photo().to_owned()));
                    progress.set(None);
                    return;
                }
            };
            let Ok(form) = web_sys::FormData::new() else {
                return;
            };
            let _ = form.append_with_blob_and_filename("file", &prepared.blob, &prepared.file_name);
            let sent = api::upload::<StoredFile>("/me/avatar", &form, move |p| {
                progress.set(Some((p * 100.0).round() as u32))
            });
            let outcome = match sent {
                Ok((_task, result)) => result.await,
                Err(e) => Err(UploadError::Failed(e)),
            };
            progress.set(None);
            match outcome {
                Ok(stored) => {
                    file_id.set(Some(stored.file_id));
                    toasts.info(t().avatar_saved());
                }
                Err(UploadError::Failed(e)) => error.set(Some(e.message)),
                Err(UploadError::Cancelled) => {}
            }
        });
    };

    view! {
        <div class="field avatar-field">
            <span class="field-label">{tr(|t| t.avatar())}</span>
            <div class="avatar-row">
                {move || {
                    file_id
                        .get()
                        .map(|id| {
                            view! {
                                <img
                                    class="avatar"
                                    src=api::file_url(&id)
                                    alt=tr(|t| t.avatar())
                                    data-testid="avatar-image"
                                />
                            }
                        })
                }}
                <input
                    type="file"
                    class="file-input"
                    id="avatar-file"
                    accept="image/*"
                    data-testid="avatar-file"
                    on:change=on_file
                /> <label for="avatar-file" class="button">
                    {tr(|t| t.avatar_upload())}
                </label>
                {move || {
                    progress
                        .get()
                        .map(|p| view! { <span aria-live="polite">{t().uploading_pct(p)}</span> })
                }}
            </div>
            <p class="field-error" aria-live="polite" data-testid="avatar-error">
                {move || error.get()}
            </p>
        </div>
    }
}
