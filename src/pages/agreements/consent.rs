use leptos::prelude::*;

use crate::{
    api,
    components::toast::use_toasts,
    format::local_datetime,
    i18n::{tr, use_texts},
    session::use_session,
};

/// 健康数据处理授权: where the separate consent stands, what it covers, and withdrawing it
/// (after saying what stops) or giving it again. Each is a record on the server.
#[component]
pub fn ConsentCard() -> impl IntoView {
    let t = use_texts();
    let toasts = use_toasts();
    let session = use_session();
    let given = move || session.me().is_some_and(|m| m.health_data_consent);
    let confirming = RwSignal::new(false);
    let changed_at = RwSignal::new(None::<String>);
    let change = Action::new_local(move |give: &bool| {
        let give = *give;
        async move {
            if give {
                api::account::give_consent().await
            } else {
                api::account::withdraw_consent().await
            }
        }
    });
    Effect::new(move || match change.value().get() {
        Some(Ok(state)) => {
            toasts.info(if state.given {
                t().consent_given_toast()
            } else {
                t().consent_withdrawn_toast()
            });
            changed_at.set(state.changed_at.map(local_datetime));
            confirming.set(false);
            session.recheck();
        }
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });
    let busy = move || change.pending().get();
    view! {
        <section class="card consent-card" aria-labelledby="consent-title" data-testid="consent-card">
            <h2 id="consent-title">
                {tr(|t| t.consent_title())} " "
                <span
                    class=move || if given() { "badge badge-ok" } else { "badge badge-warn" }
                    data-testid="consent-state"
                >
                    {move || if given() { t().consent_given_state() } else { t().consent_withdrawn_state() }}
                </span>
            </h2>
            <p class="muted">{tr(|t| t.consent_explain())}</p>
            {move || changed_at.get().map(|at| view! { <p class="muted">{move || t().consent_changed_at(&at)}</p> })}
            <div class="row-actions">
                {move || match (given(), confirming.get()) {
                    (false, _) => view! {
                        <button
                            type="button"
                            class="button button-primary"
                            data-testid="consent-give"
                            disabled=busy
                            on:click=move |_| {
                                change.dispatch(true);
                            }
                        >
                            {tr(|t| t.consent_give())}
                        </button>
                    }
                    .into_any(),
                    (true, false) => view! {
                        <button
                            type="button"
                            class="button button-quiet"
                            data-testid="consent-withdraw"
                            on:click=move |_| confirming.set(true)
                        >
                            {tr(|t| t.consent_withdraw())}
                        </button>
                    }
                    .into_any(),
                    (true, true) => view! {
                        <button
                            type="button"
                            class="button button-danger"
                            data-testid="consent-withdraw-confirm"
                            disabled=busy
                            on:click=move |_| {
                                change.dispatch(false);
                            }
                        >
                            {tr(|t| t.consent_withdraw_confirm())}
                        </button>
                        <button
                            type="button"
                            class="button button-quiet"
                            data-testid="consent-keep"
                            on:click=move |_| confirming.set(false)
                        >
                            {tr(|t| t.consent_keep())}
                        </button>
                    }
                    .into_any(),
                }}
            </div>
        </section>
    }
}
