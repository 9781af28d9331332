//! Patients' photos and records: thumbnails that open full screen inside the app (tap to
//! zoom), PDFs as links. The consultation and the patient's timeline show them.

use doctor_desk_api::inbox::{Evidence, EvidenceKind};
use leptos::prelude::*;

use crate::{
    api,
    i18n::{tr, use_texts, Texts},
};

/// The photo shown full screen (its URL and description), if any.
#[derive(Clone, Copy)]
pub struct Viewer(RwSignal<Option<(String, String)>>);

/// A thumbnail that opens full screen in the page (tap to zoom) instead of leaving the
/// app; the link still works for "open in new tab".
#[component]
pub fn Zoomable(
    src: String,
    alt: Signal<String>,
    #[prop(optional)] caption: Option<Signal<String>>,
) -> impl IntoView {
    let Viewer(shown) = expect_context::<Viewer>();
    let (url, href) = (src.clone(), src.clone());
    view! {
        <a
            href=href
            target="_blank"
            rel="noopener"
            data-testid="zoomable"
            on:click=move |ev| {
                ev.prevent_default();
                shown.set(Some((url.clone(), alt.get_untracked())));
            }
        >
            <img src=src alt=alt loading="lazy" />
            {caption.map(|c| view! { <span>{c}</span> })}
        </a>
    }
}

/// The full-screen photo: the browser's pinch zoom works on it; the close button (which
/// takes the focus), Escape or a tap anywhere closes it.
#[component]
pub fn ImageViewer() -> impl IntoView {
    let Viewer(shown) = expect_context::<Viewer>();
    let close = NodeRef::<leptos::html::Button>::new();
    Effect::new(move || {
        if let Some(button) = close.get() {
            let _ = button.focus();
        }
    });
    move || {
        shown.get().map(|(src, alt)| {
            let label = alt.clone();
            view! {
                <div
                    class="viewer"
                    role="dialog"
                    aria-modal="true"
                    aria-label=label
                    data-testid="image-viewer"
                    on:click=move |_| shown.set(None)
                    on:keydown=move |ev| {
                        if ev.key() == "Escape" {
                            shown.set(None);
                        }
                    }
                >
                    <img src=src alt=alt />
                    <button
                        type="button"
                        class="button viewer-close"
                        node_ref=close
                        data-testid="close-viewer"
                    >
                        {tr(|t| t.close())}
                    </button>
                </div>
            }
        })
    }
}

/// Gives the page one full-screen viewer; put `<ImageViewer />` in its view.
pub fn provide_viewer() {
    provide_context(Viewer(RwSignal::new(None)));
}

pub fn evidence_label(t: &'static Texts, kind: EvidenceKind) -> &'static str {
    match kind {
        EvidenceKind::OutpatientRecord => t.evidence_outpatient_record(),
        EvidenceKind::DischargeSummary => t.evidence_discharge_summary(),
        EvidenceKind::DiagnosisCertificate => t.evidence_diagnosis_certificate(),
    }
}

/// The records of an offline diagnosis and the other photos of a consultation.
#[component]
pub fn EvidenceList(evidence: Vec<Evidence>, images: Vec<String>) -> impl IntoView {
    let t = use_texts();
    view! {
        <ul class="evidence">
            {evidence
                .iter()
                .map(|e| {
                    let url = api::file_url(&e.file_id);
                    let kind = e.kind;
                    let label = Signal::derive(move || evidence_label(t(), kind).to_owned());
                    if e.content_type == "application/pdf" {
                        view! {
                            <li>
                                <a href=url target="_blank" rel="noopener" class="pdf-link">
                                    "PDF · "
                                    {label}
                                </a>
                            </li>
                        }
                            .into_any()
                    } else {
                        view! {
                            <li>
                                <Zoomable src=url alt=label caption=label />
                            </li>
                        }
                            .into_any()
                    }
                })
                .collect_view()}
            {images
                .iter()
                .map(|f| {
                    let alt = Signal::derive(move || t().patient_photos().to_owned());
                    view! {
                        <li>
                            <Zoomable src=api::file_url(f) alt />
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
