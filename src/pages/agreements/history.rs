use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    api,
    components::fetched::Fetched,
    format::local_datetime,
    i18n::{tr, use_texts},
};

/// 我的协议: every acceptance, newest first, each with a link to exactly the text accepted.
#[component]
pub fn AcceptanceHistoryPage() -> impl IntoView {
    let t = use_texts();
    let history = Fetched::new(api::acceptances);
    let session = crate::session::use_session();
    // Reviewer-only staff have no health-data consent to give or withdraw.
    let is_doctor = move || {
        session
            .me()
            .is_some_and(|m| m.roles.contains(&doctor_desk_api::auth::Role::Doctor))
    };
    view! {
        <section class="page" data-testid="acceptance-history">
            <h1>{tr(|t| t.my_agreements())}</h1>
            <p class="muted">{tr(|t| t.history_intro())}</p>
            <Show when=is_doctor>
                <super::consent::ConsentCard />
            </Show>
            {move || match history.get() {
                None => view! { <p class="page-loading">{tr(|t| t.loading())}</p> }.into_any(),
                Some(Err(e)) => view! { <p role="alert">{e.message}</p> }.into_any(),
                Some(Ok(rows)) if rows.is_empty() => {
                    view! { <p class="card muted">{tr(|t| t.history_empty())}</p> }.into_any()
                }
                Some(Ok(rows)) => {
                    view! {
                        <ul class="acceptances">
                            {rows
                                .into_iter()
                                .map(|a| {
                                    let at = local_datetime(a.accepted_at);
                                    let href = format!(
                                        "/agreements/{}/{}?lang={}",
                                        a.kind.as_str(),
                                        a.version,
                                        a.lang.tag(),
                                    );
                                    let version = a.version.clone();
                                    let ip = a.client_ip.clone();
                                    view! {
                                        <li
                                            class="card acceptance"
                                            data-testid="acceptance-row"
                                            data-kind=a.kind.as_str()
                                            data-version=a.version.clone()
                                        >
                                            <h2>{a.title.clone()}</h2>
                                            <p class="muted">
                                                {move || {
                                                    format!(
                                                        "{} · {}",
                                                        t().version_label(&version),
                                                        t().lang_name(a.lang),
                                                    )
                                                }}
                                            </p>
                                            <p>{move || t().accepted_at(&at)}</p>
                                            <p class="muted">{move || t().accepted_from(&ip)}</p>
                                            <Show when=move || a.health_data_consent>
                                                <p>
                                                    <span class="badge badge-ok">
                                                        {tr(|t| t.health_consent_given())}
                                                    </span>
                                                </p>
                                            </Show>
                                            <A href=href attr:class="button">
                                                {tr(|t| t.read_this_version())}
                                            </A>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
