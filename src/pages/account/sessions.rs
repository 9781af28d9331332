use doctor_desk_api::account::SessionInfo;
use leptos::prelude::*;

use crate::{
    api,
    components::{fetched::Fetched, toast::use_toasts},
    format::local_datetime,
    i18n::{tr, use_texts},
};

/// Where the account is signed in, this device first, each other one with its own
/// "sign out" and all of them with one.
#[component]
pub fn SessionList(changed: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let toasts = use_toasts();
    let sessions = Fetched::new(move || {
        changed.track();
        api::account::sessions()
    });
    let end_one = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move { api::account::end_session(&id).await }
    });
    let end_others = Action::new_local(move |_: &()| api::account::end_other_sessions());
    Effect::new(move || match end_one.value().get() {
        Some(Ok(())) => {
            toasts.info(t().session_ended());
            changed.update(|n| *n += 1);
        }
        Some(Err(e)) => {
            toasts.error(e.message);
            changed.update(|n| *n += 1);
        }
        None => {}
    });
    Effect::new(move || match end_others.value().get() {
        Some(Ok(done)) => {
            toasts.info(t().sessions_ended(done.ended));
            changed.update(|n| *n += 1);
        }
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });
    let busy = move || end_one.pending().get() || end_others.pending().get();
    view! {
        <section class="card" aria-labelledby="sessions-section" data-testid="sessions">
            <h2 id="sessions-section">{tr(|t| t.sessions_section())}</h2>
            <p class="muted">{tr(|t| t.sessions_hint())}</p>
            <Transition fallback=|| {
                view! { <p class="page-loading">{tr(|t| t.loading())}</p> }
            }>
                {move || {
                    sessions
                        .get()
                        .map(|result| match result {
                            Err(e) => view! { <p role="alert">{e.message}</p> }.into_any(),
                            Ok(list) => {
                                let others = list.iter().filter(|s| !s.current).count();
                                view! {
                                    <ul class="session-list">
                                        {list
                                            .into_iter()
                                            .map(|s| view! { <SessionRow s=s end_one=end_one busy=busy /> })
                                            .collect_view()}
                                    </ul>
                                    {if others == 0 {
                                        view! {
                                            <p class="muted" data-testid="no-other-sessions">
                                                {tr(|t| t.no_other_sessions())}
                                            </p>
                                        }
                                            .into_any()
                                    } else {
                                        view! {
                                            <button
                                                type="button"
                                                class="button button-danger"
                                                data-testid="end-other-sessions"
                                                disabled=busy
                                                on:click=move |_| {
                                                    end_others.dispatch(());
                                                }
                                            >
                                                {tr(|t| t.end_other_sessions())}
                                            </button>
                                        }
                                            .into_any()
                                    }}
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn SessionRow(
    s: SessionInfo,
    end_one: Action<String, Result<(), api::ApiError>>,
    busy: impl Fn() -> bool + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let t = use_texts();
    let signed_in = local_datetime(s.signed_in_at);
    let last_seen = local_datetime(s.last_seen_at);
    let device = s.device;
    let name = s.device_name.clone();
    let ip = s.ip_masked.clone();
    let id = s.id.clone();
    view! {
        <li class="session" data-testid="session-row" data-current=s.current.to_string()>
            <p class="session-device">
                <strong>
                    {move || {
                        if name.is_empty() {
                            t().unknown_device().to_owned()
                        } else {
                            format!("{} · {}", t().device_kind(device), name)
                        }
                    }}
                </strong>
                {s
                    .current
                    .then(|| {
                        view! {
                            <span class="badge badge-ok" data-testid="this-device">
                                {tr(|t| t.this_device())}
                            </span>
                        }
                    })}
            </p>
            <p class="muted">{move || t().session_signed_in_at(&signed_in)}</p>
            <p class="muted">{move || t().session_last_seen(&last_seen)}</p>
            <p class="muted">{move || t().session_network(&ip)}</p>
            {(!s.current)
                .then(|| {
                    let id = id.clone();
                    view! {
                        <button
                            type="button"
                            class="button button-quiet button-small"
                            data-testid="end-session"
                            disabled=busy
                            on:click=move |_| {
                                end_one.dispatch(id.clone());
                            }
                        >
                            {tr(|t| t.end_session())}
                        </button>
                    }
                })}
        </li>
    }
}
