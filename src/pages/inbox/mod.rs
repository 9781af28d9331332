//! 图文问诊: the inbox (`/inbox`), one consultation (`/inbox/:id`) and the service
//! settings with quick replies (`/settings/consultation`).

mod settings;
mod thread;

pub use settings::ConsultationSettingsPage;
pub use thread::ConsultationThreadPage;

use chrono::Utc;
use doctor_desk_api::{
    inbox::{ConsultationRow, ConsultationStatus, PatientSummary},
    onboarding::Gender,
};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::components::A;

use crate::{
    api,
    components::shell::AppLink,
    format::time_left,
    i18n::{tr, use_texts, Texts},
    inbox_events::use_inbox_events,
};

/// Picks a text of the catalog.
type Label = fn(&'static Texts) -> &'static str;

const TABS: [(&str, Label); 3] = [
    ("new", |t| t.tab_new),
    ("ongoing", |t| t.tab_ongoing),
    ("closed", |t| t.tab_closed),
];

/// A clock for countdowns, ticking every 30 s while the page is open.
pub fn use_now() -> ReadSignal<chrono::DateTime<Utc>> {
    let (now, set_now) = signal(Utc::now());
    if let Ok(handle) = set_interval_with_handle(
        move || set_now.set(Utc::now()),
        std::time::Duration::from_secs(30),
    ) {
        on_cleanup(move || handle.clear());
    }
    now
}

pub fn patient_line(t: &'static Texts, p: &PatientSummary) -> String {
    let sex = match p.sex {
        Gender::Male => t.sex_male,
        Gender::Female => t.sex_female,
    };
    format!(
        "{} · {} · {}",
        p.masked_name,
        sex,
        (t.age_years)(p.age as i64)
    )
}

pub fn status_label(t: &'static Texts, s: ConsultationStatus) -> &'static str {
    match s {
        ConsultationStatus::New => t.status_new,
        ConsultationStatus::Ongoing => t.status_ongoing,
        ConsultationStatus::Closed => t.status_closed,
        ConsultationStatus::Declined => t.status_declined,
    }
}

#[component]
pub fn InboxPage() -> impl IntoView {
    let tab = RwSignal::new("new");
    let query = RwSignal::new(String::new());
    let events = use_inbox_events();
    let first = LocalResource::new(move || {
        // Any event or resync reloads the first page: the list is newest-first.
        if let Some(e) = events {
            e.last.track();
            e.resync.track();
        }
        let (status, q) = (tab.get(), query.get());
        async move { api::consultations(status, &q, None).await }
    });
    // Pages after the first, loaded with "load more"; dropped when the first one changes.
    let more = RwSignal::new(Vec::<ConsultationRow>::new());
    let cursor = RwSignal::new(None::<String>);
    Effect::new(move || {
        if let Some(Ok(page)) = first.get() {
            more.set(Vec::new());
            cursor.set(page.next_cursor);
        }
    });
    let load_more = move |_| {
        let Some(c) = cursor.get_untracked() else {
            return;
        };
        let (status, q) = (tab.get_untracked(), query.get_untracked());
        spawn_local(async move {
            if let Ok(page) = api::consultations(status, &q, Some(&c)).await {
                more.update(|m| m.extend(page.items));
                cursor.set(page.next_cursor);
            }
        });
    };
    let now = use_now();
    let counts = Memo::new(move |_| {
        first
            .get()
            .and_then(Result::ok)
            .map(|p| p.counts)
            .unwrap_or_default()
    });

    view! {
        <section class="page inbox">
            <h1>{tr(|t| t.inbox_title)}</h1>
            <div class="tabs" role="tablist" aria-label=tr(|t| t.inbox_tabs_label)>
                {TABS
                    .into_iter()
                    .map(|(key, label)| {
                        let count = move || {
                            let c = counts.get();
                            match key {
                                "new" => c.new,
                                "ongoing" => c.ongoing,
                                _ => c.closed,
                            }
                        };
                        view! {
                            <button
                                type="button"
                                role="tab"
                                class="tab"
                                data-testid=format!("tab-{key}")
                                aria-selected=move || (tab.get() == key).to_string()
                                on:click=move |_| tab.set(key)
                            >
                                {tr(label)}
                                " "
                                <span class="tab-count" data-testid=format!("count-{key}")>
                                    {count}
                                </span>
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="field">
                <label for="inbox-search" class="visually-hidden">
                    {tr(|t| t.search_patient)}
                </label>
                <input
                    id="inbox-search"
                    type="search"
                    data-testid="inbox-search"
                    placeholder=tr(|t| t.search_patient)
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
            </div>
            {move || match first.get() {
                None => view! { <p class="page-loading">{tr(|t| t.loading)}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert">{e.message}</p> }.into_any(),
                Some(Ok(page)) if page.items.is_empty() => {
                    view! {
                        <p class="card muted" data-testid="inbox-empty">
                            {tr(|t| t.inbox_empty)}
                        </p>
                    }
                        .into_any()
                }
                Some(Ok(page)) => {
                    view! {
                        <ul class="consultations">
                            {page
                                .items
                                .into_iter()
                                .map(|row| view! { <Row row now /> })
                                .collect_view()} <For each=move || more.get() key=|r| r.id let:row>
                                <Row row now />
                            </For>
                        </ul>
                    }
                        .into_any()
                }
            }}
            <Show when=move || cursor.get().is_some()>
                <button type="button" class="button" on:click=load_more>
                    {tr(|t| t.load_more)}
                </button>
            </Show>
            <p>
                <AppLink
                    href="/settings/consultation"
                    class="text-link"
                    testid="go-consultation-settings"
                >
                    {tr(|t| t.settings_title)}
                </AppLink>
            </p>
        </section>
    }
}

#[component]
fn Row(row: ConsultationRow, now: ReadSignal<chrono::DateTime<Utc>>) -> impl IntoView {
    let t = use_texts();
    let deadline = row.deadline_at;
    let left = move || {
        deadline.map(|d| match time_left(d, now.get()) {
            Some(left) => (t().time_left)(&left),
            None => t().deadline_passed.to_owned(),
        })
    };
    let patient = row.patient.clone();
    let status = row.status;
    view! {
        <li class="card consultation-row" data-testid="consultation-row">
            <A href=format!("/inbox/{}", row.id)>
                <span class="row-head">
                    <strong>{move || patient_line(t(), &patient)}</strong>
                    <span class="muted">{left}</span>
                </span>
                <span class="row-complaint">{row.complaint_preview.clone()}</span>
                <span class="row-meta">
                    <span class="badge badge-neutral">{move || status_label(t(), status)}</span>
                    <Show when=move || { row.unread > 0 }>
                        <span class="badge badge-warn" data-testid="unread">
                            {move || (t().unread)(row.unread as i64)}
                        </span>
                    </Show>
                </span>
            </A>
        </li>
    }
}
