//! 随访 (`/follow-ups`): the planned visits due today, overdue, upcoming and done, each
//! list with its count; one tap sends a visit's reminder, and the doctor records the
//! outcome (done with a note, or missed).

mod plans;
mod templates;

pub use plans::Plans;
use templates::Templates;

use doctor_desk_api::follow_ups::{FollowUp, FollowUpCounts, FollowUpList, FollowUpState, Outcome};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::{components::A, hooks::use_query_map};

use crate::{
    api,
    app::use_go,
    components::{
        count_tabs::CountTabs,
        fetched::Fetched,
        form_field::{Control, FormError, FormErrors, FormField},
        pager::{LoadMore, Pager},
        toast::use_toasts,
    },
    i18n::{tr, use_texts, Texts},
    pages::inbox::patient_line,
};

pub fn list_label(t: &'static Texts, list: FollowUpList) -> &'static str {
    match list {
        FollowUpList::Today => t.follow_ups_today(),
        FollowUpList::Overdue => t.follow_ups_overdue(),
        FollowUpList::Upcoming => t.follow_ups_upcoming(),
        FollowUpList::Done => t.follow_ups_done(),
    }
}

pub fn state_label(t: &'static Texts, state: FollowUpState) -> &'static str {
    match state {
        FollowUpState::Planned => t.follow_up_planned(),
        FollowUpState::Reminded => t.follow_up_reminded(),
        FollowUpState::Done => t.follow_up_done(),
        FollowUpState::Missed => t.follow_up_missed(),
    }
}

pub fn state_badge(state: FollowUpState) -> &'static str {
    match state {
        FollowUpState::Planned => "badge badge-neutral",
        FollowUpState::Reminded => "badge badge-info",
        FollowUpState::Done => "badge badge-ok",
        FollowUpState::Missed => "badge badge-warn",
    }
}

fn count_of(counts: FollowUpCounts, list: FollowUpList) -> u32 {
    match list {
        FollowUpList::Today => counts.today,
        FollowUpList::Overdue => counts.overdue,
        FollowUpList::Upcoming => counts.upcoming,
        FollowUpList::Done => counts.done,
    }
}

/// The four lists as tabs, each with its count.
#[component]
pub fn FollowUpTabs(
    list: Signal<FollowUpList>,
    counts: Signal<FollowUpCounts>,
    #[prop(into)] on_select: Callback<FollowUpList>,
) -> impl IntoView {
    view! {
        <CountTabs
            keys=&FollowUpList::ALL
            selected=list
            prefix="follow-ups"
            key_name=FollowUpList::as_str
            label=list_label
            name=|t| t.follow_ups_lists()
            count=move |l| count_of(counts.get(), l)
            on_select=move |l| on_select.run(l)
        />
    }
}

#[component]
pub fn FollowUpsPage() -> impl IntoView {
    let query = use_query_map();
    let go = use_go();
    let list = Memo::new(move |_| {
        query
            .with(|q| q.get("list").and_then(|l| FollowUpList::parse(&l)))
            .unwrap_or_default()
    });
    // Bumped after an action: the lists and their counts change.
    let version = RwSignal::new(0u32);
    let page = Fetched::new(move || {
        version.track();
        let list = list.get();
        async move { api::follow_ups::list(list, None).await }
    });
    let counts = Signal::derive(move || {
        page.get()
            .and_then(Result::ok)
            .map(|p| p.counts)
            .unwrap_or_default()
    });
    let pager = Pager::new(|f: &FollowUp| f.id);
    // The list whose rows are shown: a reload of the same list (after an action, for the
    // counts) keeps the pages loaded below its first, so a doctor working down the
    // overdue visits stays where they are.
    let shown = RwSignal::new(None::<FollowUpList>);
    Effect::new(move || {
        let Some(Ok(p)) = page.get() else {
            return;
        };
        if shown.get_untracked() == Some(list.get_untracked()) {
            pager.rows.update(|rows| {
                let below: Vec<_> = rows
                    .drain(..)
                    .skip(p.items.len())
                    .filter(|r| !p.items.iter().any(|n| n.id == r.id))
                    .collect();
                *rows = p.items.clone();
                rows.extend(below);
            });
        } else {
            shown.set(Some(list.get_untracked()));
            pager.show_first(p);
        }
    });
    // A visit acted on shows its new state at once, or leaves a list it no longer
    // belongs to (done or missed leave the open ones); the counts come with the reload.
    let on_changed = move |changed: FollowUp| {
        let stays = (list.get_untracked() == FollowUpList::Done) != changed.state.is_open();
        pager.rows.update(|rows| {
            if stays {
                if let Some(row) = rows.iter_mut().find(|r| r.id == changed.id) {
                    *row = changed;
                }
            } else {
                rows.retain(|r| r.id != changed.id);
            }
        });
        version.update(|v| *v += 1);
    };
    let load_more = move || {
        pager.load_more(
            // A page asked before an action or a reload is not added after it.
            move || (list.get_untracked(), version.get_untracked()),
            |(list, _), cursor| async move { api::follow_ups::list(list, Some(&cursor)).await },
        )
    };
    let select = move |l: FollowUpList| go(&format!("/follow-ups?list={}", l.as_str()), true);
    // What the page shows changes only with this, not with each reload after an action:
    // the rows (and a note being typed in one of them) stay in place.
    let shape = Memo::new(move |_| {
        page.with(|p| match p {
            None => Shown::Loading,
            Some(Err(e)) => Shown::Failed(e.message.clone()),
            Some(Ok(p)) if p.items.is_empty() => Shown::Empty,
            Some(Ok(_)) => Shown::Rows,
        })
    });
    view! {
        <section class="page follow-ups">
            <h1>{tr(|t| t.follow_ups_title())}</h1>
            <FollowUpTabs list=list.into() counts on_select=select />
            {move || match shape.get() {
                Shown::Loading => {
                    view! { <p class="page-loading">{tr(|t| t.loading())}</p> }.into_any()
                }
                Shown::Failed(message) => view! { <p role="alert">{message}</p> }.into_any(),
                Shown::Empty => {
                    view! {
                        <p class="card muted" data-testid="follow-ups-empty">
                            {tr(|t| t.follow_ups_empty())}
                        </p>
                    }
                        .into_any()
                }
                Shown::Rows => {
                    view! {
                        <ul class="follow-up-list" data-testid="follow-up-list">
                            <For
                                each=move || pager.rows.get()
                                key=|f| (f.id, f.state, f.reminder_count)
                                let:f
                            >
                                <FollowUpItem f on_changed />
                            </For>
                        </ul>
                    }
                        .into_any()
                }
            }}
            <LoadMore pager on_click=move |_| load_more() />
            <Templates />
        </section>
    }
}

#[derive(Clone, PartialEq)]
enum Shown {
    Loading,
    Failed(String),
    Empty,
    Rows,
}

/// One planned visit with what can be done about it.
#[component]
pub fn FollowUpItem(f: FollowUp, #[prop(into)] on_changed: Callback<FollowUp>) -> impl IntoView {
    let t = use_texts();
    let toasts = use_toasts();
    let id = f.id;
    let pending = RwSignal::new(false);
    let recording = RwSignal::new(false);
    let note = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let act = move |what: &'static str| {
        pending.set(true);
        spawn_local(async move {
            let result = match what {
                "remind" => api::follow_ups::remind(id).await,
                _ => api::follow_ups::missed(id).await,
            };
            match result {
                Ok(changed) => {
                    if what == "remind" {
                        toasts.info(t().reminder_sent());
                    }
                    on_changed.run(changed);
                }
                Err(e) => toasts.error(e.message),
            }
            pending.set(false);
        });
    };
    let on_done = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let outcome = Outcome {
            note: note.get_untracked(),
        };
        if !errors.check(outcome.validate()) {
            return;
        }
        pending.set(true);
        spawn_local(async move {
            match api::follow_ups::done(id, &outcome).await {
                Ok(changed) => on_changed.run(changed),
                Err(e) => errors.show(e),
            }
            pending.set(false);
        });
    };
    let (state, count) = (f.state, f.reminder_count);
    let patient = f.patient.clone();
    let outcome = f.outcome_note.clone();
    view! {
        <li class="card follow-up" data-testid="follow-up">
            <p class="row-head">
                <A href=format!("/patients/{}", f.patient_id) attr:data-testid="follow-up-patient">
                    {move || patient_line(t(), &patient)}
                </A>
                <span class=state_badge(state) data-testid="follow-up-state">
                    {move || state_label(t(), state)}
                </span>
            </p>
            <p class="muted">
                {f.plan_name.clone()} " · " {move || t().due_on(&f.due_on.to_string())}
                {(count > 0).then_some(move || format!(" · {}", t().reminded_times(count)))}
            </p>
            <p class="prose-text">{f.message.clone()}</p>
            {(!outcome.is_empty()).then(|| view! { <p class="prose-text muted">{outcome}</p> })}
            <Show when=move || state.is_open()>
                <div class="follow-up-actions">
                    <button
                        type="button"
                        class="button button-primary"
                        data-testid="remind"
                        disabled=move || pending.get()
                        on:click=move |_| act("remind")
                    >
                        {move || if count > 0 { t().remind_again() } else { t().remind() }}
                    </button>
                    <button
                        type="button"
                        class="button"
                        data-testid="record-done"
                        aria-expanded=move || recording.get().to_string()
                        on:click=move |_| recording.update(|r| *r = !*r)
                    >
                        {tr(|t| t.mark_done())}
                    </button>
                    <button
                        type="button"
                        class="button"
                        data-testid="mark-missed"
                        disabled=move || pending.get()
                        on:click=move |_| act("missed")
                    >
                        {tr(|t| t.mark_missed())}
                    </button>
                </div>
                <Show when=move || recording.get()>
                    <form novalidate=true on:submit=on_done>
                        <FormField
                            name="note"
                            scope=format!("outcome-{id}")
                            label=Signal::derive(tr(|t| t.outcome_note()))
                            value=note
                            errors
                            control=Control::TextArea
                            maxlength=500
                        />
                        <FormError errors />
                        <button
                            type="submit"
                            class="button button-primary"
                            data-testid="confirm-done"
                            disabled=move || pending.get()
                        >
                            {tr(|t| t.confirm_done())}
                        </button>
                    </form>
                </Show>
            </Show>
        </li>
    }
}
