use doctor_desk_api::account::deletion::{
    DeletionBlocker, DeletionBlockerKind, DeletionRequest, DeletionStatus,
};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    api,
    components::{
        checkbox_field::CheckboxField,
        fetched::Fetched,
        form_field::{FormError, FormErrors},
        password_field::PasswordField,
        submit_button::SubmitButton,
        toast::use_toasts,
    },
    format::local_datetime,
    i18n::{tr, use_texts},
    session::use_session,
};

/// 注销账号: what deletion removes and keeps, what must be finished first (each with a
/// link to where), then the password and a ticked box. While the cooling-off runs the
/// page says when it takes effect and offers to cancel: signing in during it lands here.
#[component]
pub fn DeletionPage() -> impl IntoView {
    // Bumped after a request or a cancellation: the status reads again.
    let changed = RwSignal::new(0u32);
    let status = Fetched::new(move || {
        changed.track();
        api::account::deletion()
    });
    view! {
        <section class="page deletion" data-testid="deletion-page">
            <h1>{tr(|t| t.deletion_title())}</h1>
            <Transition fallback=|| {
                view! { <p class="page-loading">{tr(|t| t.loading())}</p> }
            }>
                {move || {
                    status
                        .get()
                        .map(|result| match result {
                            Err(e) => view! { <p role="alert">{e.message}</p> }.into_any(),
                            Ok(s) if s.pending.is_some() => {
                                view! { <Pending status=s changed=changed /> }.into_any()
                            }
                            Ok(s) => view! { <Ask status=s changed=changed /> }.into_any(),
                        })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn Pending(status: DeletionStatus, changed: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let toasts = use_toasts();
    let session = use_session();
    let at = status
        .pending
        .map(|p| local_datetime(p.takes_effect_at))
        .unwrap_or_default();
    let cancel = Action::new_local(|_: &()| api::account::cancel_deletion());
    Effect::new(move || match cancel.value().get() {
        Some(Ok(_)) => {
            toasts.info(t().deletion_cancelled_toast());
            session.recheck();
            changed.update(|n| *n += 1);
        }
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });
    view! {
        <div class="card" data-testid="deletion-pending">
            <p class="notice notice-warn" role="status">
                {move || t().deletion_pending_at(&at)}
            </p>
            <button
                type="button"
                class="button button-primary"
                data-testid="cancel-deletion"
                disabled=move || cancel.pending().get()
                on:click=move |_| {
                    cancel.dispatch(());
                }
            >
                {tr(|t| t.deletion_cancel())}
            </button>
        </div>
    }
}

#[component]
fn Ask(status: DeletionStatus, changed: RwSignal<u32>) -> impl IntoView {
    let blocked = !status.blockers.is_empty();
    view! {
        <div class="card">
            <p>{tr(|t| t.deletion_what_goes())}</p>
            <p class="muted">{tr(|t| t.deletion_cooling_off())}</p>
        </div>
        {if blocked {
            view! { <Blockers blockers=status.blockers /> }.into_any()
        } else {
            view! {
                <p class="muted" data-testid="deletion-no-blockers">
                    {tr(|t| t.deletion_no_blockers())}
                </p>
                <AskForm changed=changed />
            }
                .into_any()
        }}
    }
}

#[component]
fn Blockers(blockers: Vec<DeletionBlocker>) -> impl IntoView {
    let t = use_texts();
    view! {
        <section class="card" aria-labelledby="deletion-blockers" data-testid="deletion-blockers">
            <h2 id="deletion-blockers">{tr(|t| t.deletion_blockers_title())}</h2>
            <ul class="me-links">
                {blockers
                    .into_iter()
                    .map(|b| {
                        let label = move || match b.kind {
                            DeletionBlockerKind::OpenConsultations => t().deletion_blocker_open(),
                            DeletionBlockerKind::PlannedFollowUps => t().deletion_blocker_visits(),
                            DeletionBlockerKind::PostsInReview => t().deletion_blocker_posts(),
                            DeletionBlockerKind::PendingFees => t().deletion_blocker_fees(),
                        };
                        let amount = match b.amount_fen {
                            Some(fen) => format!("¥{}.{:02}", fen / 100, fen % 100),
                            None => b.count.to_string(),
                        };
                        view! {
                            <li data-testid="deletion-blocker">
                                <A href=b.kind.link() attr:class="me-link">
                                    {label} " · " <strong>{amount}</strong> " · "
                                    {tr(|t| t.deletion_go_fix())}
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn AskForm(changed: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let toasts = use_toasts();
    let session = use_session();
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(false);
    let errors = FormErrors::new();
    let ask = Action::new_local(move |req: &DeletionRequest| {
        let req = req.clone();
        async move { api::account::request_deletion(&req).await }
    });
    Effect::new(move || match ask.value().get() {
        Some(Ok(_)) => {
            toasts.info(t().deletion_requested_toast());
            session.recheck();
            changed.update(|n| *n += 1);
        }
        // A blocker that appeared meanwhile: the list reads again and shows it.
        Some(Err(e)) if e.code == Some(doctor_desk_api::ErrorCode::DeletionBlocked) => {
            toasts.error(e.message);
            changed.update(|n| *n += 1);
        }
        Some(Err(e)) => errors.show(e),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = DeletionRequest {
            current_password: password.get_untracked(),
            confirm: confirm.get_untracked(),
        };
        if errors.check(req.validate()) {
            ask.dispatch(req);
        }
    };
    view! {
        <form class="card" novalidate=true on:submit=on_submit aria-label=tr(|t| t.deletion_title())>
            <PasswordField
                name="current_password"
                label=Signal::derive(tr(|t| t.current_password()))
                value=password
                errors=errors
                autocomplete="current-password"
            />
            <CheckboxField name="confirm" checked=confirm errors=errors>
                {tr(|t| t.deletion_confirm())}
            </CheckboxField>
            <FormError errors=errors />
            <SubmitButton
                pending=Signal::derive(move || ask.pending().get())
                label=|t| t.deletion_request()
                pending_label=|t| t.deletion_requesting()
                testid="request-deletion"
                danger=true
            />
        </form>
    }
}
