//! One document: its state, the reviewer's reason if rejected, and the upload of a new
//! file (photo made small in the browser, progress, cancel, retry without choosing again).

use doctor_desk_api::onboarding::{Document, DocumentFields, DocumentKind, DocumentStatus};
use leptos::{prelude::*, task::spawn_local};

use crate::{
    api::{self, UploadError, UploadTask},
    components::{
        confirm_button::ConfirmButton,
        form_field::{FormError, FormErrors, FormField},
        toast::use_toasts,
    },
    format::{bytes, today},
    i18n::{tr, use_texts},
    photo::{self, PrepareError, Prepared},
};

#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Idle,
    Preparing,
    Ready,
    Uploading(f64),
    Failed(String),
}

#[component]
pub fn DocumentCard(
    kind: DocumentKind,
    /// The current document of this kind, if any.
    #[prop(into)]
    document: Signal<Option<Document>>,
    /// Nothing may change (under review).
    #[prop(into)]
    locked: Signal<bool>,
    on_uploaded: Callback<Document>,
    on_deleted: Callback<i64>,
    /// Tells apart cards of the same kind ("other" documents).
    #[prop(optional, into)]
    suffix: String,
) -> impl IntoView {
    let t = use_texts();
    let toasts = use_toasts();
    let scope = StoredValue::new(format!("{}{suffix}", kind.as_str()));
    // `data-testid` of a part of this card: `doc-<kind>-<part>`.
    let tid = move |part: &str| scope.with_value(|s| format!("doc-{s}-{part}"));
    let errors = FormErrors::new();
    let number = RwSignal::new(
        document
            .get_untracked()
            .and_then(|d| d.number)
            .unwrap_or_default(),
    );
    let expires_on = RwSignal::new(
        document
            .get_untracked()
            .and_then(|d| d.expires_on)
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    let caption = RwSignal::new(
        document
            .get_untracked()
            .and_then(|d| d.caption)
            .unwrap_or_default(),
    );
    let phase = RwSignal::new(Phase::Idle);
    let prepared: StoredValue<Option<Prepared>, LocalStorage> = StoredValue::new_local(None);
    let preview = RwSignal::new(None::<String>);
    let task: StoredValue<Option<UploadTask>, LocalStorage> = StoredValue::new_local(None);

    let forget_preview = move || {
        if let Some(url) = preview.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
        preview.set(None);
    };
    // Leaving the page cancels an upload in flight.
    on_cleanup(move || {
        task.try_with_value(|t| {
            if let Some(t) = t {
                t.cancel();
            }
        });
    });

    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        // Let the same file be chosen again after a cancel.
        input.set_value("");
        errors.clear_field("file");
        forget_preview();
        phase.set(Phase::Preparing);
        spawn_local(async move {
            match photo::prepare(&file).await {
                Ok(p) => {
                    if !p.is_pdf {
                        preview.set(web_sys::Url::create_object_url_with_blob(&p.blob).ok());
                    }
                    prepared.set_value(Some(p));
                    phase.set(Phase::Ready);
                }
                Err(e) => {
                    let message = match e {
                        PrepareError::Unsupported => t().unsupported_file(),
                        PrepareError::Unreadable => t().unreadable_photo(),
                    };
                    errors.set_field("file", message.to_owned());
                    phase.set(Phase::Idle);
                }
            }
        });
    };

    let start_upload = move || {
        let Some(file) = prepared.get_value() else {
            return;
        };
        let fields = DocumentFields {
            kind: Some(kind),
            number: Some(number.get_untracked().trim().to_owned()).filter(|s| !s.is_empty()),
            expires_on: expires_on.get_untracked().parse().ok(),
            caption: Some(caption.get_untracked().trim().to_owned()).filter(|s| !s.is_empty()),
        };
        if !errors.check(fields.validate(today())) {
            return;
        }
        let Ok(form) = web_sys::FormData::new() else {
            return;
        };
        let _ = form.append_with_str("kind", kind.as_str());
        for (name, value) in [
            ("number", fields.number.clone()),
            ("expires_on", fields.expires_on.map(|d| d.to_string())),
            ("caption", fields.caption.clone()),
        ] {
            if let Some(v) = value {
                let _ = form.append_with_str(name, &v);
            }
        }
        let _ = form.append_with_blob_and_filename("file", &file.blob, &file.file_name);
        phase.set(Phase::Uploading(0.0));
        let progress = move |p: f64| phase.set(Phase::Uploading(p));
        match api::upload::<Document>("/me/documents", &form, progress) {
            Ok((handle, result)) => {
                task.set_value(Some(handle));
                spawn_local(async move {
                    let outcome = result.await;
                    task.set_value(None);
                    match outcome {
                        Ok(doc) => {
                            prepared.set_value(None);
                            forget_preview();
                            phase.set(Phase::Idle);
                            on_uploaded.run(doc);
                        }
                        Err(UploadError::Cancelled) => phase.set(Phase::Ready),
                        Err(UploadError::Failed(e)) => {
                            let message = e.message.clone();
                            if !e.fields.is_empty() {
                                errors.show(e);
                            }
                            phase.set(Phase::Failed(message));
                        }
                    }
                });
            }
            Err(e) => phase.set(Phase::Failed(e.message)),
        }
    };

    let delete = Action::new_local(move |id: &i64| {
        let id = *id;
        async move { api::delete_document(id).await.map(|_| id) }
    });
    Effect::new(move || match delete.value().get() {
        Some(Ok(id)) => on_deleted.run(id),
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });

    let status = move || document.get().map(|d| d.status);
    // An approved document can be replaced only when it is about to expire (the server
    // sends the new one to review on its own and keeps the old one until then).
    let expiring = move || {
        document.get().is_some_and(|d| {
            d.expires_on.is_some_and(|e| {
                (e - crate::format::today()).num_days()
                    <= doctor_desk_api::onboarding::EXPIRY_WARNING_DAYS
            })
        })
    };
    let changeable = move || {
        !locked.get()
            && match status() {
                Some(DocumentStatus::Submitted) => false,
                Some(DocumentStatus::Approved) => expiring(),
                _ => true,
            }
    };
    let choosing = move || matches!(phase.get(), Phase::Ready | Phase::Failed(_));
    let file_input_id = scope.with_value(|s| format!("file-{s}"));
    let busy = move || matches!(phase.get(), Phase::Preparing | Phase::Uploading(_));

    view! {
        <article class="card doc-card" data-testid=scope.with_value(|s| format!("doc-{s}"))>
            <header class="doc-card-head">
                <h3>{move || t().document_kind(kind)}</h3>
                <span
                    class="badge"
                    class:badge-ok=move || status() == Some(DocumentStatus::Approved)
                    class:badge-warn=move || status() == Some(DocumentStatus::Rejected)
                    class:badge-info=move || status() == Some(DocumentStatus::Submitted)
                    class:badge-neutral=move || {
                        matches!(status(), None | Some(DocumentStatus::Uploaded))
                    }
                    data-testid=tid("status")
                >
                    {move || status().map(|s| t().document_status(s)).unwrap_or(t().doc_missing())}
                </span>
            </header>
            {move || {
                document
                    .get()
                    .and_then(|d| d.rejection)
                    .map(|r| {
                        view! {
                            <p class="notice notice-warn" role="alert" data-testid=tid("rejection")>
                                {move || t().rejection_reason(r.reason)}
                                {(!r.note.is_empty()).then(|| format!("：{}", r.note))}
                            </p>
                        }
                    })
            }}
            {move || {
                (phase.get() == Phase::Idle)
                    .then(|| document.get())
                    .flatten()
                    .map(|d| {
                        let url = api::file_url(&d.file_id);
                        let is_image = d.content_type.starts_with("image/");
                        view! {
                            <div class="doc-current">
                                {is_image
                                    .then(|| {
                                        view! {
                                            <img
                                                class="doc-thumb"
                                                src=url.clone()
                                                alt=tr(|t| t.preview_alt())
                                            />
                                        }
                                    })} <a href=url target="_blank" rel="noopener">
                                    {tr(|t| t.view_file())}
                                </a>
                                {d.number.clone().map(|n| view! { <span class="muted">{n}</span> })}
                                {d
                                    .expires_on
                                    .map(|e| {
                                        view! {
                                            <span class="muted">
                                                {format!("{} {e}", t().doc_expires_on())}
                                            </span>
                                        }
                                    })}
                            </div>
                        }
                    })
            }}
            <Show when=move || {
                changeable() && (document.get().is_none() || choosing() || busy())
            }>
                {kind
                    .needs_number()
                    .then(|| {
                        view! {
                            <FormField
                                name="number"
                                scope=scope.get_value()
                                label=Signal::derive(tr(|t| t.doc_number()))
                                value=number
                                errors=errors
                                maxlength=40
                            />
                        }
                    })}
                {(kind == DocumentKind::Other)
                    .then(|| {
                        view! {
                            <FormField
                                name="caption"
                                scope=scope.get_value()
                                label=Signal::derive(tr(|t| t.doc_caption()))
                                placeholder=Signal::derive(tr(|t| t.doc_caption_placeholder()))
                                value=caption
                                errors=errors
                                maxlength=40
                            />
                        }
                    })}
                {(kind != DocumentKind::IdCardBack && kind != DocumentKind::Qualification)
                    .then(|| {
                        view! {
                            <FormField
                                name="expires_on"
                                scope=scope.get_value()
                                label=Signal::derive(tr(|t| t.doc_expires_on()))
                                hint=Signal::derive(move || t().doc_expires_hint().to_owned())
                                value=expires_on
                                errors=errors
                                input_type="date"
                            />
                        }
                    })}
            </Show>
            {move || {
                preview
                    .get()
                    .map(|src| {
                        view! {
                            <img
                                class="doc-preview"
                                src=src
                                alt=tr(|t| t.preview_alt())
                                data-testid=tid("preview")
                            />
                        }
                    })
            }}
            {move || {
                let shown = choosing() || busy();
                prepared
                    .with_value(|p| {
                        p.as_ref()
                            .map(|p| (
                                p.is_pdf,
                                p.file_name.clone(),
                                p.original_bytes as u64,
                                p.bytes as u64,
                                p.millis as u64,
                            ))
                    })
                    .filter(|_| shown)
                    .map(|(is_pdf, name, before, after, millis)| {
                        // Read the phase first: it is what makes this re-render.
                        view! {
                            // The figures are also data attributes, for the compression benchmark.
                            <p
                                class="muted"
                                data-testid=tid("prepared")
                                data-original-bytes=before
                                data-bytes=after
                                data-millis=millis
                            >
                                {if is_pdf {
                                    name
                                } else {
                                    t().compressed(&bytes(before), &bytes(after))
                                }}
                            </p>
                        }
                    })
            }}
            {move || match phase.get() {
                Phase::Preparing => {
                    view! {
                        <p class="muted" aria-live="polite">
                            {tr(|t| t.preparing())}
                        </p>
                    }
                        .into_any()
                }
                Phase::Uploading(p) => {
                    let pct = (p * 100.0).round() as u32;
                    view! {
                        <div class="upload-progress">
                            <progress
                                max="100"
                                value=pct
                                aria-label=tr(|t| t.upload_progress_label())
                                data-testid=tid("progress")
                            ></progress>
                            <span aria-live="polite">{move || t().uploading_pct(pct)}</span>
                            <button
                                type="button"
                                class="button"
                                data-testid=tid("cancel")
                                on:click=move |_| {
                                    task.with_value(|t| {
                                        if let Some(t) = t {
                                            t.cancel()
                                        }
                                    })
                                }
                            >
                                {tr(|t| t.cancel())}
                            </button>
                        </div>
                    }
                        .into_any()
                }
                Phase::Failed(message) => {
                    view! {
                        <p class="notice notice-error" role="alert" data-testid=tid("error")>
                            {message}
                        </p>
                    }
                        .into_any()
                }
                _ => ().into_any(),
            }}
            <p class="field-error" aria-live="polite" data-testid=tid("file-error")>
                {move || errors.field("file").get()}
            </p>
            <FormError errors=errors />
            <Show when=changeable>
                <div class="doc-actions">
                    <input
                        type="file"
                        class="file-input"
                        id=file_input_id.clone()
                        accept="image/*,application/pdf"
                        data-testid=tid("file")
                        disabled=busy
                        on:change=on_file
                    />
                    <label for=file_input_id.clone() class="button" class:button-disabled=busy>
                        {move || {
                            if choosing() {
                                t().choose_again()
                            } else if document.get().is_some() {
                                t().replace()
                            } else {
                                t().choose_file()
                            }
                        }}
                    </label>
                    <Show when=choosing>
                        <button
                            type="button"
                            class="button button-primary"
                            data-testid=tid("upload")
                            on:click=move |_| start_upload()
                        >
                            {move || {
                                if matches!(phase.get(), Phase::Failed(_)) {
                                    t().retry()
                                } else {
                                    t().upload()
                                }
                            }}
                        </button>
                    </Show>
                    // An approved document is replaced, never deleted (a renewal keeps it
                    // in force until the new one is approved).
                    <Show when=move || {
                        document.get().is_some_and(|d| d.status != DocumentStatus::Approved)
                            && phase.get() == Phase::Idle
                    }>
                        <ConfirmButton
                            label=|t| t.delete()
                            testid=tid("delete")
                            disabled=delete.pending()
                            on_confirm=move || {
                                if let Some(d) = document.get_untracked() {
                                    delete.dispatch(d.id);
                                }
                            }
                        />
                    </Show>
                </div>
            </Show>
        </article>
    }
}
