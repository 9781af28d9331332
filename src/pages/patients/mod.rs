//! 我的患者: the list (`/patients`) with search, tag filter, sort and tagging many at once;
//! one patient's file (`/patients/:id`); the tags both use.

mod detail;
mod notes;
mod tags;
mod timeline;

pub use detail::PatientPage;

use doctor_desk_api::{
    onboarding::Gender,
    patients::{BulkTag, PatientRow, PatientSort, TagChip, TagColor},
};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::components::A;

use crate::{
    api,
    components::{
        fetched::Fetched,
        pager::{LoadMore, Pager},
        toast::use_toasts,
        virtual_list::VirtualList,
    },
    format::local_day,
    i18n::{tr, use_texts, Texts},
};
use tags::TagManager;

pub fn color_label(t: &'static Texts, color: TagColor) -> &'static str {
    match color {
        TagColor::Gray => t.color_gray(),
        TagColor::Red => t.color_red(),
        TagColor::Orange => t.color_orange(),
        TagColor::Green => t.color_green(),
        TagColor::Teal => t.color_teal(),
        TagColor::Blue => t.color_blue(),
        TagColor::Purple => t.color_purple(),
    }
}

/// A tag on a patient: its name, in its colour.
#[component]
pub fn TagBadge(tag: TagChip) -> impl IntoView {
    view! {
        <span class=format!("tag tag-{}", tag.color.as_str()) data-testid="tag">
            {tag.name}
        </span>
    }
}

pub fn sex_label(t: &'static Texts, sex: Gender) -> &'static str {
    match sex {
        Gender::Male => t.sex_male(),
        Gender::Female => t.sex_female(),
    }
}

fn sort_label(t: &'static Texts, sort: PatientSort) -> &'static str {
    match sort {
        PatientSort::LastConsultation => t.sort_last_consultation(),
        PatientSort::Newest => t.sort_newest(),
        PatientSort::NextFollowUp => t.sort_next_follow_up(),
    }
}

#[component]
pub fn PatientsPage() -> impl IntoView {
    let t = use_texts();
    let toasts = use_toasts();
    let query = RwSignal::new(String::new());
    let tag = RwSignal::new(None::<i64>);
    let sort = RwSignal::new(PatientSort::LastConsultation);
    // Bumped after a change that the list shows (tags renamed, patients tagged).
    let version = RwSignal::new(0u32);
    let tags = Fetched::new(move || {
        version.track();
        api::patients::tags()
    });
    let filter = move || (query.get(), tag.get(), sort.get());
    let first = Fetched::new(move || {
        version.track();
        let (q, tag, sort) = filter();
        async move { api::patients::list(&q, tag, sort, None).await }
    });
    let pager = Pager::new(|r: &PatientRow| r.id);
    let rows = pager.rows;
    let total = RwSignal::new(0u32);
    Effect::new(move || {
        if let Some(Ok(page)) = first.get() {
            total.set(page.total);
            pager.show_first(page);
        }
    });
    let load_more = move || {
        pager.load_more(
            move || {
                (
                    query.get_untracked(),
                    tag.get_untracked(),
                    sort.get_untracked(),
                )
            },
            |(q, tag, sort), cursor| async move {
                api::patients::list(&q, tag, sort, Some(&cursor)).await
            },
        )
    };

    // Tagging many at once: tick patients, pick a tag, add it to all of them.
    let selecting = RwSignal::new(false);
    let selected = RwSignal::new(Vec::<i64>::new());
    let bulk_tag = RwSignal::new(String::new());
    let bulk_pending = RwSignal::new(false);
    let add_to_selected = move |_| {
        let Ok(tag_id) = bulk_tag.get_untracked().parse::<i64>() else {
            return;
        };
        let patient_ids = selected.get_untracked();
        if patient_ids.is_empty() {
            return;
        }
        bulk_pending.set(true);
        spawn_local(async move {
            match api::patients::tag_many(tag_id, &BulkTag { patient_ids }).await {
                Ok(done) => {
                    toasts.info(t().bulk_done(done.added));
                    selected.set(Vec::new());
                    selecting.set(false);
                    version.update(|v| *v += 1);
                }
                Err(e) => toasts.error(e.message),
            }
            bulk_pending.set(false);
        });
    };
    // The choice stays shown when the options come again (a tag added or renamed).
    let tag_options = move |chosen: Signal<Option<i64>>| {
        move || {
            tags.get()
                .and_then(Result::ok)
                .unwrap_or_default()
                .into_iter()
                .map(|tag| {
                    let id = tag.id;
                    view! {
                        <option value=id.to_string() selected=move || chosen.get() == Some(id)>
                            {tag.name}
                        </option>
                    }
                })
                .collect_view()
        }
    };
    let bulk_choice = Signal::derive(move || bulk_tag.with(|t| t.parse().ok()));

    view! {
        <section class="page patients">
            <div class="page-title-row">
                <h1>{tr(|t| t.patients_title())}</h1>
                <span class="muted" data-testid="patient-total">
                    {move || t().patient_total(total.get())}
                </span>
            </div>
            <div class="field">
                <label for="patients-search" class="visually-hidden">
                    {tr(|t| t.patients_search())}
                </label>
                <input
                    id="patients-search"
                    type="search"
                    data-testid="patients-search"
                    placeholder=tr(|t| t.patients_search())
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
            </div>
            <div class="filters">
                <div class="field">
                    <label for="patients-tag">{tr(|t| t.patients_filter_tag())}</label>
                    <select
                        id="patients-tag"
                        data-testid="patients-tag"
                        on:change=move |ev| tag.set(event_target_value(&ev).parse().ok())
                    >
                        <option value="" selected=move || tag.with(Option::is_none)>
                            {tr(|t| t.all_tags())}
                        </option>
                        {tag_options(tag.into())}
                    </select>
                </div>
                <div class="field">
                    <label for="patients-sort">{tr(|t| t.patients_sort())}</label>
                    <select
                        id="patients-sort"
                        data-testid="patients-sort"
                        on:change=move |ev| {
                            sort.set(
                                PatientSort::parse(&event_target_value(&ev)).unwrap_or_default(),
                            )
                        }
                    >
                        {PatientSort::ALL
                            .into_iter()
                            .map(|s| {
                                view! {
                                    <option value=s.as_str() selected=move || sort.get() == s>
                                        {move || sort_label(t(), s)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
            </div>
            <div class="bulk-bar">
                <button
                    type="button"
                    class="button"
                    data-testid="select-patients"
                    aria-pressed=move || selecting.get().to_string()
                    on:click=move |_| {
                        selecting.update(|s| *s = !*s);
                        selected.set(Vec::new());
                    }
                >
                    {move || if selecting.get() { t().done_selecting() } else { t().select_patients() }}
                </button>
                <Show when=move || selecting.get()>
                    <span role="status" data-testid="selected-count">
                        {move || t().selected_count(selected.with(Vec::len))}
                    </span>
                    <label for="bulk-tag" class="visually-hidden">
                        {tr(|t| t.choose_tag())}
                    </label>
                    <select
                        id="bulk-tag"
                        data-testid="bulk-tag"
                        on:change=move |ev| bulk_tag.set(event_target_value(&ev))
                    >
                        <option value="" selected=move || bulk_tag.with(String::is_empty)>
                            {tr(|t| t.choose_tag())}
                        </option>
                        {tag_options(bulk_choice)}
                    </select>
                    <button
                        type="button"
                        class="button button-primary"
                        data-testid="bulk-tag-apply"
                        disabled=move || {
                            bulk_pending.get() || selected.with(Vec::is_empty)
                                || bulk_tag.with(String::is_empty)
                        }
                        on:click=add_to_selected
                    >
                        {tr(|t| t.bulk_tag())}
                    </button>
                </Show>
            </div>
            {move || match first.get() {
                None => view! { <p class="page-loading">{tr(|t| t.loading())}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert">{e.message}</p> }.into_any(),
                Some(Ok(page)) if page.items.is_empty() => {
                    let filtered = !query.get_untracked().trim().is_empty()
                        || tag.get_untracked().is_some();
                    view! {
                        <p class="card muted" data-testid="patients-empty">
                            {move || {
                                if filtered { t().patients_none_match() } else { t().patients_empty() }
                            }}
                        </p>
                    }
                        .into_any()
                }
                Some(Ok(_)) => {
                    view! {
                        <VirtualList
                            rows
                            key=|r: &PatientRow| (r.id, r.tags.clone(), r.last_consultation_at)
                            on_near_end=move |_| load_more()
                            class="patient-list"
                            testid="patient-list"
                            let:item
                        >
                            <Row row=item.1 position=item.0 total selecting selected />
                        </VirtualList>
                    }
                        .into_any()
                }
            }}
            <LoadMore pager on_click=move |_| load_more() />
            <details class="card tag-manager" data-testid="manage-tags">
                <summary>{tr(|t| t.manage_tags())}</summary>
                <TagManager tags on_change=move |_| version.update(|v| *v += 1) />
            </details>
        </section>
    }
}

#[component]
fn Row(
    row: PatientRow,
    /// 1-based place in the whole list, and its length (for screen readers).
    position: usize,
    total: RwSignal<u32>,
    selecting: RwSignal<bool>,
    selected: RwSignal<Vec<i64>>,
) -> impl IntoView {
    let t = use_texts();
    let id = row.id;
    let (name, sex, age) = (row.masked_name.clone(), row.sex, row.age);
    let checkbox_label = row.masked_name.clone();
    let day = local_day(row.last_consultation_at);
    let is_selected = move || selected.with(|s| s.contains(&id));
    view! {
        <li
            class="patient-row"
            data-testid="patient-row"
            aria-posinset=position
            aria-setsize=move || total.get()
        >
            <Show when=move || selecting.get()>
                <input
                    type="checkbox"
                    class="row-check"
                    data-testid="select-patient"
                    aria-label={
                        let name = checkbox_label.clone();
                        move || t().select_patient(&name)
                    }
                    prop:checked=is_selected
                    on:change=move |_| {
                        selected
                            .update(|s| {
                                if let Some(i) = s.iter().position(|x| *x == id) {
                                    s.remove(i);
                                } else {
                                    s.push(id);
                                }
                            })
                    }
                />
            </Show>
            <A href=format!("/patients/{id}") attr:class="card">
                <span class="row-head">
                    <strong>
                        {move || {
                            format!("{} · {} · {}", name, sex_label(t(), sex), t().age_years(age as i64))
                        }}
                    </strong>
                    <span class="muted">{move || t().last_consultation_on(&day)}</span>
                </span>
                <span class="row-tags">
                    {row.tags.into_iter().map(|tag| view! { <TagBadge tag /> }).collect_view()}
                </span>
                {row
                    .next_follow_up
                    .map(|day| {
                        let day = day.to_string();
                        view! {
                            <span class="muted row-next" data-testid="next-follow-up">
                                {move || t().next_follow_up_on(&day)}
                            </span>
                        }
                    })}
            </A>
        </li>
    }
}
