use doctor_desk_api::{
    auth::VerificationStatus,
    onboarding::{Document, DocumentKind, DocumentStatus, OnboardingStep},
};
use leptos::prelude::*;

use super::{DocumentCard, Flow};
use crate::i18n::{tr, use_texts};

/// Step 2: one card per required document, and any number of other documents.
#[component]
pub fn DocumentsStep(flow: Flow) -> impl IntoView {
    let t = use_texts();
    // The step keeps its own list: a finished upload updates one card without
    // re-rendering the others (which may be uploading too).
    let documents = RwSignal::new(flow.loaded().map(|l| l.documents).unwrap_or_default());
    // …and takes the server's list whenever it is reloaded.
    Effect::new(move || {
        if let Some(Ok(l)) = flow.data.get() {
            documents.set(l.documents);
        }
    });
    let locked = Signal::derive(|| false);
    // A verified doctor is here to renew a document: each renewal goes to review by itself,
    // so there is nothing to submit afterwards.
    let verified = move || {
        flow.data.with(|d| {
            d.as_ref()
                .and_then(|d| d.as_ref().ok())
                .is_some_and(|l| l.verification.status == VerificationStatus::Verified)
        })
    };
    let on_uploaded = Callback::new(move |doc: Document| {
        documents.update(|list| {
            if doc.kind != DocumentKind::Other {
                list.retain(|d| d.kind != doc.kind);
            }
            list.push(doc);
        });
    });
    let on_deleted =
        Callback::new(move |id: i64| documents.update(|list| list.retain(|d| d.id != id)));
    let of_kind = move |kind: DocumentKind| {
        Signal::derive(move || documents.with(|l| l.iter().find(|d| d.kind == kind).cloned()))
    };

    let missing = move || {
        documents.with(|l| {
            DocumentKind::REQUIRED
                .iter()
                .filter(|k| {
                    !l.iter()
                        .any(|d| d.kind == **k && d.status != DocumentStatus::Rejected)
                })
                .count()
        })
    };
    let others = move || {
        documents.with(|l| {
            l.iter()
                .filter(|d| d.kind == DocumentKind::Other)
                .map(|d| d.id)
                .collect::<Vec<_>>()
        })
    };
    // A fresh card for one more "other" document; it becomes a listed one once uploaded.
    let new_other_key = RwSignal::new(0u32);
    let on_other_uploaded = Callback::new(move |doc: Document| {
        on_uploaded.run(doc);
        new_other_key.update(|k| *k += 1);
    });

    view! {
        <div class="doc-step">
            {DocumentKind::REQUIRED
                .into_iter()
                .map(|kind| {
                    view! {
                        <DocumentCard
                            kind=kind
                            document=of_kind(kind)
                            locked=locked
                            on_uploaded=on_uploaded
                            on_deleted=on_deleted
                        />
                    }
                })
                .collect_view()} <For each=others key=|id| *id let:id>
                <DocumentCard
                    kind=DocumentKind::Other
                    document=Signal::derive(move || {
                        documents.with(|l| l.iter().find(|d| d.id == id).cloned())
                    })
                    locked=locked
                    on_uploaded=on_uploaded
                    on_deleted=on_deleted
                    suffix=format!("-{id}")
                />
            </For>
            {move || {
                let _ = new_other_key.get();
                view! {
                    <DocumentCard
                        kind=DocumentKind::Other
                        document=Signal::derive(|| None)
                        locked=locked
                        on_uploaded=on_other_uploaded
                        on_deleted=on_deleted
                        suffix="-new"
                    />
                }
            }} <div class="step-nav">
                <button
                    type="button"
                    class="button"
                    on:click=move |_| flow.go(OnboardingStep::Profile)
                >
                    {tr(|t| t.previous_step())}
                </button>
                <p class="muted" aria-live="polite">
                    {move || (missing() > 0).then(|| t().missing_count(missing()))}
                </p>
                <button
                    type="button"
                    class="button button-primary"
                    data-testid="documents-next"
                    disabled=move || { missing() > 0 }
                    on:click=move |_| {
                        flow.go(if verified() { OnboardingStep::Status } else { OnboardingStep::Submit })
                    }
                >
                    {move || if verified() { t().done_step() } else { t().next_step() }}
                </button>
            </div>
        </div>
    }
}
