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
use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    api,
    components::{
        fetched::Fetched,
        pager::{LoadMore, Pager},
        virtual_list::VirtualList,
    },
    format::{time_left, urgency},
    i18n::{tr, use_texts, Texts},
    inbox_events::use_inbox_events,
};

/// Picks a text of the catalog.
type Label = fn(&'static Texts) -> &'static str;

const TABS: [(&str, Label); 3] = [
    ("new", |t| t.tab_new()),
    ("ongoing", |t| t.tab_ongoing()),
    ("closed", |t| t.tab_closed()),
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
        Gender::Male => t.sex_male(),
        Gender::Female => t.sex_female(),
    };
    format!(
        "{} · {} · {}",
        p.masked_name,
        sex,
        t.age_years(p.age as i64)
    )
}

pub fn status_label(t: &'static Texts, s: ConsultationStatus) -> &'static str {
    match s {
        ConsultationStatus::New => t.status_new(),
        ConsultationStatus::Ongoing => t.status_ongoing(),
        ConsultationStatus::Closed => t.status_closed(),
        ConsultationStatus::Declined => t.status_declined(),
    }
}

/// Which tab shows a consultation in this status.
fn tab_of(status: ConsultationStatus) -> &'static str {
    match status {
        ConsultationStatus::New => "new",
        ConsultationStatus::Ongoing => "ongoing",
        ConsultationStatus::Closed | ConsultationStatus::Declined => "closed",
    }
}

/// A reloaded first page on top of the rows loaded below it (so a doctor deep in the
/// list stays where they are): older rows stay unless the page has them now.
fn merge(page: Vec<ConsultationRow>, old: Vec<ConsultationRow>) -> Vec<ConsultationRow> {
    let Some(oldest) = page.last().map(|r| (r.last_activity_at, r.id)) else {
        return page;
    };
    let mut rows = page;
    let below: Vec<_> = old
        .into_iter()
        .filter(|r| (r.last_activity_at, r.id) < oldest && !rows.iter().any(|p| p.id == r.id))
        .collect();
    rows.extend(below);
    rows
}

#[component]
pub fn InboxPage() -> impl IntoView {
    let tab = RwSignal::new("new");
    let query = RwSignal::new(String::new());
    let events = use_inbox_events();
    if let Some(e) = events {
        e.list_open.set(true);
        on_cleanup(move || e.list_open.set(false));
    }
    let first = Fetched::new(move || {
        // Any event or resync reloads the first page: the list is newest-first.
        if let Some(e) = events {
            e.last.track();
            e.resync.track();
        }
        let (status, q) = (tab.get(), query.get());
        async move { api::consultations(status, &q, None).await }
    });
    // Every row loaded so far (the first page, then pages loaded while scrolling); only
    // those near the screen are in the DOM, so ten thousand rows scroll like thirty.
    let pager = Pager::new(|r: &ConsultationRow| r.id);
    let rows = pager.rows;
    let shown = RwSignal::new((tab.get_untracked(), query.get_untracked()));
    Effect::new(move || {
        let page = match first.get() {
            Some(Ok(page)) => page,
            Some(Err(_)) => {
                if let Some(e) = events {
                    e.page_failed();
                }
                crate::skeleton::remove();
                return;
            }
            None => return,
        };
        if let Some(e) = events {
            e.page_read(&page);
        }
        let same_list = shown.get_untracked() == (tab.get_untracked(), query.get_untracked());
        let deep = same_list && rows.with_untracked(|r| r.len() > page.items.len());
        if deep {
            // Rows below the first page that left this tab go too.
            let moved = events
                .and_then(|e| e.last.get_untracked())
                .filter(|e| tab_of(e.status) != tab.get_untracked())
                .map(|e| e.consultation_id);
            let old = rows
                .get_untracked()
                .into_iter()
                .filter(|r| Some(r.id) != moved)
                .collect();
            rows.set(merge(page.items, old));
        } else {
            shown.set((tab.get_untracked(), query.get_untracked()));
            pager.show_first(page);
        }
        // The list is drawn before the browser paints again: the page's frame with the
        // rows drawn early can give way to it (src/skeleton.rs).
        crate::skeleton::remove();
    });
    let load_more = move || {
        pager.load_more(
            move || (tab.get_untracked(), query.get_untracked()),
            |(status, q), cursor| async move {
                api::consultations(status, &q, Some(&cursor)).await
            },
        )
    };

    let now = use_now();
    let counts = Memo::new(move |_| {
        first
            .get()
            .and_then(Result::ok)
            .map(|p| p.counts)
            .unwrap_or_default()
    });
    let total = move || {
        let c = counts.get();
        match tab.get() {
            "new" => c.new,
            "ongoing" => c.ongoing,
            _ => c.closed,
        }
    };

    view! {
        <section class="page inbox">
            // The settings link sits above the list: below it, it would jump down when
            // the rows arrive (a layout shift on every visit).
            <div class="page-title-row">
                <h1>{tr(|t| t.inbox_title())}</h1>
                <A
                    href="/settings/consultation"
                    attr:class="text-link"
                    attr:data-testid="go-consultation-settings"
                >
                    {tr(|t| t.settings_title())}
                </A>
            </div>
            <div class="tabs" role="tablist" aria-label=tr(|t| t.inbox_tabs_label())>
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
                    {tr(|t| t.search_patient())}
                </label>
                <input
                    id="inbox-search"
                    type="search"
                    data-testid="inbox-search"
                    placeholder=tr(|t| t.search_patient())
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
            </div>
            {move || match first.get() {
                None => view! { <p class="page-loading">{tr(|t| t.loading())}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert">{e.message}</p> }.into_any(),
                Some(Ok(page)) if page.items.is_empty() => {
                    view! {
                        <p class="card muted" data-testid="inbox-empty">
                            {tr(|t| t.inbox_empty())}
                        </p>
                    }
                        .into_any()
                }
                Some(Ok(_)) => {
                    view! {
                        <VirtualList
                            rows
                            key=|r: &ConsultationRow| (r.id, r.unread, r.status, r.last_activity_at)
                            on_near_end=move |_| load_more()
                            class="consultations"
                            testid="consultations"
                            let:item
                        >
                            <Row row=item.1 position=item.0 total now />
                        </VirtualList>
                    }
                        .into_any()
                }
            }}
            <LoadMore pager on_click=move |_| load_more() />
        </section>
    }
}

#[component]
fn Row(
    row: ConsultationRow,
    /// 1-based place in the whole list, and its length: screen readers announce "3 of
    /// 240" though only a few rows exist in the DOM.
    position: usize,
    total: impl Fn() -> u32 + Send + Sync + 'static,
    now: ReadSignal<chrono::DateTime<Utc>>,
) -> impl IntoView {
    let t = use_texts();
    let deadline = row.deadline_at;
    let left = move || {
        deadline.map(|d| match time_left(d, now.get()) {
            Some(left) => t().time_left(&left),
            None => t().deadline_passed().to_owned(),
        })
    };
    let patient = row.patient.clone();
    let status = row.status;
    view! {
        <li
            class="consultation-row"
            data-testid="consultation-row"
            aria-posinset=position
            aria-setsize=total
        >
            <A href=format!("/inbox/{}", row.id) attr:class="card">
                <span class="row-head">
                    <strong>{move || patient_line(t(), &patient)}</strong>
                    <span class=move || urgency(deadline, now.get())>{left}</span>
                </span>
                <span class="row-complaint">{row.complaint_preview.clone()}</span>
                <span class="row-meta">
                    <span class="badge badge-neutral">{move || status_label(t(), status)}</span>
                    <Show when=move || { row.unread > 0 }>
                        <span class="badge badge-warn" data-testid="unread">
                            {move || t().unread(row.unread as i64)}
                        </span>
                    </Show>
                </span>
            </A>
        </li>
    }
}
