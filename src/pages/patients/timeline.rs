//! Everything that happened with a patient, newest first: each consultation with me (its
//! complaint, the offline diagnosis, the records, the advice given) and my notes.

use doctor_desk_api::patients::{TimelineEntry, TimelineItem};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::components::A;

use crate::{
    api,
    components::photo_viewer::EvidenceList,
    format::local_datetime,
    i18n::{tr, use_texts},
    pages::{
        follow_ups::{state_badge, state_label},
        inbox::status_label,
    },
};

#[component]
pub fn Timeline(patient_id: i64, changed: RwSignal<u32>) -> impl IntoView {
    let entries = RwSignal::new(Vec::<TimelineEntry>::new());
    let cursor = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    // `from_start`: the first page again (after a change), replacing what is shown.
    let load = move |from_start: bool| {
        if loading.get_untracked() && !from_start {
            return;
        }
        loading.set(true);
        let after = if from_start {
            None
        } else {
            cursor.get_untracked()
        };
        spawn_local(async move {
            match api::patients::timeline(patient_id, after.as_deref()).await {
                Ok(page) => {
                    if from_start {
                        entries.set(page.items);
                    } else {
                        entries.update(|e| e.extend(page.items));
                    }
                    cursor.set(page.next_cursor);
                    error.set(None);
                }
                Err(e) => error.set(Some(e.message)),
            }
            loaded.set(true);
            loading.set(false);
        });
    };
    Effect::new(move || {
        changed.track();
        load(true);
    });
    view! {
        <section class="timeline" aria-labelledby="timeline-title">
            <h2 id="timeline-title">{tr(|t| t.timeline_title())}</h2>
            {move || error.get().map(|m| view! { <p role="alert">{m}</p> })}
            <Show when=move || loaded.get() && entries.with(Vec::is_empty)>
                <p class="muted">{tr(|t| t.timeline_empty())}</p>
            </Show>
            <ol class="timeline-list" data-testid="timeline">
                {move || {
                    entries.get().into_iter().map(|entry| view! { <Entry entry /> }).collect_view()
                }}
            </ol>
            <Show when=move || cursor.get().is_some()>
                <button
                    type="button"
                    class="button"
                    data-testid="timeline-more"
                    disabled=move || loading.get()
                    on:click=move |_| load(false)
                >
                    {tr(|t| t.load_more())}
                </button>
            </Show>
        </section>
    }
}

#[component]
fn Entry(entry: TimelineEntry) -> impl IntoView {
    let t = use_texts();
    let when = local_datetime(entry.at);
    match entry.item {
        TimelineItem::Consultation(c) => {
            let status = c.status;
            let diagnosis = format!(
                "{} · {} · {}",
                c.prior_diagnosis.diagnosis,
                c.prior_diagnosis.hospital,
                c.prior_diagnosis.visited_on
            );
            view! {
                <li class="card timeline-entry" data-testid="timeline-consultation">
                    <p class="row-head">
                        <strong>{tr(|t| t.timeline_consultation())}</strong>
                        <span class="muted">{when}</span>
                    </p>
                    <p>
                        <span class="badge badge-neutral">{move || status_label(t(), status)}</span>
                    </p>
                    <h3>{tr(|t| t.complaint())}</h3>
                    <p class="prose-text">{c.complaint}</p>
                    <h3>{tr(|t| t.prior_diagnosis())}</h3>
                    <p>{diagnosis}</p>
                    <EvidenceList evidence=c.evidence images=Vec::new() />
                    {c
                        .advice
                        .map(|a| {
                            view! {
                                <div class="advice" data-testid="timeline-advice">
                                    <h3>{tr(|t| t.advice_title())}</h3>
                                    <p class="prose-text">{a.assessment}</p>
                                    <p class="prose-text">{a.advice}</p>
                                    <p>{a.department}</p>
                                    <p class="prose-text">{a.follow_up}</p>
                                </div>
                            }
                        })}
                    <A href=format!("/inbox/{}", c.id) attr:class="text-link">
                        {tr(|t| t.open_consultation())}
                    </A>
                </li>
            }
            .into_any()
        }
        TimelineItem::FollowUp(f) => {
            let state = f.state;
            view! {
                <li class="card timeline-entry" data-testid="timeline-follow-up">
                    <p class="row-head">
                        <strong>{tr(|t| t.timeline_follow_up())} " · " {f.plan_name}</strong>
                        <span class=state_badge(state)>{move || state_label(t(), state)}</span>
                    </p>
                    <p class="muted">{move || t().due_on(&f.due_on.to_string())}</p>
                    <p class="prose-text">{f.message}</p>
                    {(!f.outcome_note.is_empty())
                        .then(|| view! { <p class="prose-text muted">{f.outcome_note}</p> })}
                </li>
            }
            .into_any()
        }
        TimelineItem::Note(n) => view! {
            <li class="card timeline-entry" data-testid="timeline-note">
                <p class="row-head">
                    <strong>{tr(|t| t.timeline_note())}</strong>
                    <span class="muted">{when}</span>
                </p>
                <p class="prose-text">{n.text}</p>
            </li>
        }
        .into_any(),
    }
}
