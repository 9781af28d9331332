use doctor_desk_api::account::activity::{ActivityEntry, ActivityKind};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    api,
    components::{
        fetched::Fetched,
        form_field::{Control, FormErrors, FormField},
        more_list::MoreList,
    },
    format::local_datetime,
    i18n::{tr, use_i18n, use_texts},
};

/// 操作记录: what the account did, newest first, filtered by kind and dates; the same
/// filters export the whole trail as CSV.
#[component]
pub fn ActivityPage() -> impl IntoView {
    let i18n = use_i18n();
    let kind = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let errors = FormErrors::new();
    // The filters as a query string (empty: the preloaded first page).
    let query = Memo::new(move |_| {
        [("kind", kind.get()), ("from", from.get()), ("to", to.get())]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", js_sys::encode_uri_component(&v)))
            .collect::<Vec<_>>()
            .join("&")
    });
    let first = Fetched::new(move || {
        let q = query.get();
        // The server words each entry in the language asked for: a switch asks again.
        i18n.lang.track();
        async move { api::account::activity(&q).await }
    });
    Effect::new(move || {
        if let Some(Err(e)) = first.get() {
            errors.show(e);
        }
    });
    let kinds: Vec<(&'static str, Signal<&'static str>)> =
        std::iter::once(("", Signal::derive(tr(|t| t.activity_all()))))
            .chain(
                ActivityKind::ALL
                    .into_iter()
                    .map(|k| (k.as_str(), Signal::derive(move || k.label(i18n.lang.get())))),
            )
            .collect();
    let export = move || {
        let q = query.get();
        let sep = if q.is_empty() { "" } else { "&" };
        let lang = i18n.lang.get().tag();
        format!(
            "{}{}?{q}{sep}format=csv&lang={lang}",
            doctor_desk_api::API_PREFIX,
            doctor_desk_api::preload::ACTIVITY
        )
    };
    view! {
        <section class="page activity" data-testid="activity-page">
            <h1>{tr(|t| t.activity_title())}</h1>
            <p class="muted">{tr(|t| t.activity_hint())}</p>
            <form class="card activity-filters" novalidate=true on:submit=|ev| ev.prevent_default()>
                <FormField
                    name="kind"
                    label=tr(|t| t.activity_kind())
                    value=kind
                    errors
                    control=Control::Select(kinds)
                />
                <FormField
                    name="from"
                    label=tr(|t| t.activity_from())
                    value=from
                    errors
                    input_type="date"
                />
                <FormField
                    name="to"
                    label=tr(|t| t.activity_to())
                    value=to
                    errors
                    input_type="date"
                />
                <a class="button button-quiet" href=export download="" data-testid="activity-export">
                    {tr(|t| t.activity_export())}
                </a>
            </form>
            <MoreList
                first=first
                load=move |c: String| {
                    let q = match query.get_untracked() {
                        q if q.is_empty() => format!("cursor={c}"),
                        q => format!("{q}&cursor={c}"),
                    };
                    async move { api::account::activity(&q).await }
                }
                row=|e: ActivityEntry| view! { <Entry e=e /> }
                empty=|t| t.activity_empty()
                testid="activity-list"
            />
        </section>
    }
}

#[component]
fn Entry(e: ActivityEntry) -> impl IntoView {
    let i18n = use_i18n();
    let t = use_texts();
    let at = local_datetime(e.at);
    let detail = e.detail.clone();
    let detail = move || match detail.as_str() {
        "password" => t().activity_by_password().to_owned(),
        "sms_code" => t().activity_by_code().to_owned(),
        other => other.to_owned(),
    };
    let place = [e.device_name, e.ip_masked]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    let kind = e.kind;
    view! {
        <li class="activity-entry" data-testid="activity-entry" data-action=e.action.clone()>
            <p>
                <strong>{e.label.clone()}</strong>
                " "
                <span class="badge badge-info">{move || kind.label(i18n.lang.get())}</span>
            </p>
            <p class="muted">
                <time>{at}</time>
                " "
                {detail}
                " "
                {place}
            </p>
            {e
                .consultation_id
                .map(|id| {
                    view! {
                        <A href=format!("/inbox/{id}") attr:class="text-link">
                            {tr(|t| t.activity_consultation())}
                        </A>
                    }
                })}
            {e
                .patient_id
                .map(|id| {
                    view! {
                        <A href=format!("/patients/{id}") attr:class="text-link">
                            {tr(|t| t.activity_patient())}
                        </A>
                    }
                })}
        </li>
    }
}
