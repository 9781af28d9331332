//! Images in a post: the cover, and pictures in the text. Each is made small in the
//! browser (as onboarding's photos are), uploaded with a progress bar, and a picture in
//! the text needs its description before it goes in (screen readers read it; the public
//! page shows it if the image fails).

use doctor_desk_api::posts::{PostImage, ALT_MAX};
use leptos::{html::Textarea, prelude::*, task::spawn_local};

use super::{draft::Draft, toolbar};
use crate::{
    api::{self, UploadError},
    components::form_field::{FormError, FormErrors, FormField},
    i18n::{tr, use_texts},
    photo::{self, PrepareError},
};

/// Makes `file` small, makes sure the post exists, and uploads it; `progress` follows it.
async fn upload(
    draft: Draft,
    file: web_sys::File,
    progress: RwSignal<Option<f64>>,
) -> Result<PostImage, String> {
    let t = crate::i18n::texts(crate::i18n::current_lang());
    let prepared = match photo::prepare(&file).await {
        Ok(p) if !p.is_pdf => p,
        Err(PrepareError::Unreadable) => return Err(t.unreadable_photo().to_owned()),
        _ => return Err(t.photo_only().to_owned()),
    };
    progress.set(Some(0.0));
    let Some(id) = draft.ensure_id().await else {
        progress.set(None);
        return Err(t.network_error().to_owned());
    };
    let form = web_sys::FormData::new().map_err(|_| t.network_error().to_owned())?;
    let _ = form.append_with_blob_and_filename("file", &prepared.blob, &prepared.file_name);
    let on_progress = move |p: f64| {
        progress.try_set(Some(p));
    };
    let result = match api::upload::<PostImage>(&api::posts::images_path(id), &form, on_progress) {
        Ok((_task, result)) => result.await,
        Err(e) => Err(UploadError::Failed(e)),
    };
    progress.try_set(None);
    result.map_err(|e| match e {
        UploadError::Cancelled => String::new(),
        UploadError::Failed(e) => e.message,
    })
}

fn file_of(ev: &leptos::ev::Event) -> Option<web_sys::File> {
    let input: web_sys::HtmlInputElement = event_target(ev);
    let file = input.files().and_then(|f| f.get(0));
    // The same file can be chosen again after a failure.
    input.set_value("");
    file
}

#[component]
fn Progress(progress: RwSignal<Option<f64>>) -> impl IntoView {
    let t = use_texts();
    view! {
        <Show when=move || progress.get().is_some()>
            <div class="upload-progress">
                <progress
                    max="100"
                    value=move || (progress.get().unwrap_or(0.0) * 100.0).round()
                    aria-label=tr(|t| t.upload_progress_label())
                    data-testid="image-progress"
                ></progress>
                <span aria-live="polite">
                    {move || t().uploading_pct((progress.get().unwrap_or(0.0) * 100.0) as u32)}
                </span>
            </div>
        </Show>
    }
}

/// A picture for the text: chosen with the toolbar's image button (`picker` opens it),
/// uploaded, described, then inserted where the cursor was.
#[component]
pub fn ImageInsert(
    draft: Draft,
    area: NodeRef<Textarea>,
    picker: NodeRef<leptos::html::Input>,
) -> impl IntoView {
    let progress = RwSignal::new(None::<f64>);
    let uploaded = RwSignal::new(None::<PostImage>);
    let alt = RwSignal::new(String::new());
    let errors = FormErrors::new();
    // Where the cursor was, in the browser's units (the text may change during the upload).
    let cursor = StoredValue::new(0u32);
    let on_change = move |ev: leptos::ev::Event| {
        let Some(file) = file_of(&ev) else { return };
        if let Some(el) = area.get_untracked() {
            let end = toolbar::selection(&el).1;
            cursor.set_value(toolbar::units_of(&el.value(), end));
        }
        errors.form.set(None);
        spawn_local(async move {
            match upload(draft, file, progress).await {
                Ok(image) => {
                    alt.set(String::new());
                    uploaded.set(Some(image));
                }
                Err(message) if !message.is_empty() => errors.form.set(Some(message)),
                Err(_) => {}
            }
        });
    };
    let t = use_texts();
    let insert = move |_| {
        let text = alt.get_untracked();
        if text.trim().is_empty() {
            errors.set_field("alt", t().image_alt_required().to_owned());
            return;
        }
        let Some(image) = uploaded.get_untracked() else {
            return;
        };
        let body = draft.body.get_untracked();
        let at = toolbar::byte_of(&body, cursor.get_value());
        let (body, at) = toolbar::insert_image(&body, at, &text, &image.url);
        draft.body.set(body.clone());
        uploaded.set(None);
        if let Some(el) = area.get_untracked() {
            el.set_value(&body);
            toolbar::select(&el, at, at);
        }
    };
    view! {
        <input
            type="file"
            accept="image/*"
            class="visually-hidden file-input"
            tabindex="-1"
            aria-hidden="true"
            data-testid="image-file"
            node_ref=picker
            on:change=on_change
        />
        <Progress progress />
        <FormError errors />
        <Show when=move || uploaded.with(Option::is_some)>
            // Not a form of its own: it sits inside the editor's.
            <div class="card image-insert" role="group" data-testid="image-insert">
                <img
                    src=move || uploaded.with(|u| u.as_ref().map(|i| i.url.clone()))
                    alt=""
                    class="image-insert-preview"
                />
                <FormField
                    name="alt"
                    label=Signal::derive(move || t().image_alt())
                    value=alt
                    errors
                    maxlength=ALT_MAX as u32
                />
                <div class="actions">
                    <button
                        type="button"
                        class="button button-primary"
                        data-testid="image-insert-confirm"
                        on:click=insert
                    >
                        {tr(|t| t.image_insert())}
                    </button>
                    <button type="button" class="button" on:click=move |_| uploaded.set(None)>
                        {tr(|t| t.image_cancel())}
                    </button>
                </div>
            </div>
        </Show>
    }
}

/// The optional cover: shown, replaced or removed.
#[component]
pub fn CoverField(draft: Draft, #[prop(into)] disabled: Signal<bool>) -> impl IntoView {
    let progress = RwSignal::new(None::<f64>);
    let error = RwSignal::new(None::<String>);
    let picker = NodeRef::<leptos::html::Input>::new();
    let on_change = move |ev: leptos::ev::Event| {
        let Some(file) = file_of(&ev) else { return };
        error.set(None);
        spawn_local(async move {
            match upload(draft, file, progress).await {
                Ok(image) => draft.cover.set(Some(image.url)),
                Err(message) if !message.is_empty() => error.set(Some(message)),
                Err(_) => {}
            }
        });
    };
    view! {
        <div class="field cover-field">
            <span class="field-label" id="cover-label">{tr(|t| t.post_cover())}</span>
            {move || {
                draft
                    .cover
                    .get()
                    .map(|src| view! { <img class="cover-preview" src=src alt="" data-testid="cover-preview" /> })
            }}
            <input
                type="file"
                accept="image/*"
                class="visually-hidden file-input"
                tabindex="-1"
                aria-hidden="true"
                data-testid="cover-file"
                node_ref=picker
                on:change=on_change
            />
            <div class="actions">
                <button
                    type="button"
                    class="button"
                    aria-describedby="cover-label"
                    data-testid="cover-choose"
                    disabled=move || disabled.get()
                    on:click=move |_| {
                        if let Some(input) = picker.get_untracked() {
                            input.click();
                        }
                    }
                >
                    {tr(|t| t.post_cover_choose())}
                </button>
                <Show when=move || draft.cover.with(Option::is_some)>
                    <button
                        type="button"
                        class="button"
                        data-testid="cover-remove"
                        disabled=move || disabled.get()
                        on:click=move |_| draft.cover.set(None)
                    >
                        {tr(|t| t.post_cover_remove())}
                    </button>
                </Show>
            </div>
            <Progress progress />
            <p class="field-error" aria-live="polite">{move || error.get()}</p>
        </div>
    }
}
