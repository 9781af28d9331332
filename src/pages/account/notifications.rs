use doctor_desk_api::account::notifications::{MarkRead, Notification};
use leptos::{prelude::*, task::spawn_local};

use crate::{
    api,
    app::use_go,
    components::{fetched::Fetched, more_list::MoreList, toast::use_toasts},
    format::local_datetime,
    i18n::{tr, use_i18n},
    session::use_session,
};

/// 通知: everything the platform told the doctor, newest first, unread ones marked; each
/// opens where to act (and is read then); "all read" clears the badge.
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let toasts = use_toasts();
    let session = use_session();
    // Bumped by a live notification (the badge's count moves) and after marking.
    let changed = Memo::new(move |_| session.me().map(|m| m.unread_notifications));
    let i18n = use_i18n();
    let first = Fetched::new(move || {
        changed.track();
        // The server words each notification in the language asked for: a switch asks again.
        i18n.lang.track();
        api::account::notifications(None)
    });
    let mark = Action::new_local(move |req: &MarkRead| {
        let req = req.clone();
        async move { api::account::mark_notifications_read(&req).await }
    });
    Effect::new(move || match mark.value().get() {
        Some(Ok(_)) => session.recheck(),
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });
    let unread = move || session.me().map(|m| m.unread_notifications).unwrap_or(0);
    view! {
        <section class="page notifications" data-testid="notifications-page">
            <h1>{tr(|t| t.notifications_title())}</h1>
            <p class="muted">{tr(|t| t.notifications_hint())}</p>
            <Show when=move || { unread() > 0 }>
                <button
                    type="button"
                    class="button button-quiet"
                    data-testid="notifications-read-all"
                    disabled=move || mark.pending().get()
                    on:click=move |_| {
                        mark.dispatch(MarkRead { ids: Vec::new(), all: true });
                    }
                >
                    {tr(|t| t.notifications_read_all())}
                </button>
            </Show>
            <MoreList
                first=first
                load=|c: String| async move { api::account::notifications(Some(&c)).await }
                row=|n: Notification| view! { <Item n=n /> }
                empty=|t| t.notifications_empty()
                testid="notification-list"
            />
        </section>
    }
}

#[component]
fn Item(n: Notification) -> impl IntoView {
    let go = use_go();
    let session = use_session();
    let at = local_datetime(n.created_at);
    let (id, read, link) = (n.id, n.read, n.link.clone());
    view! {
        <li class="notification" class:unread=!read data-testid="notification" data-read=read.to_string()>
            <p>
                {(!read).then(|| view! { <span class="badge badge-warn">{tr(|t| t.notifications_new())}</span> " " })}
                <strong>{n.text}</strong>
            </p>
            <p class="muted"><time>{at}</time></p>
            <button
                type="button"
                class="button button-quiet button-small"
                data-testid="notification-open"
                on:click=move |_| {
                    if !read {
                        // Not tied to this page, which is left at once.
                        spawn_local(async move {
                            let req = MarkRead { ids: vec![id], all: false };
                            if api::account::mark_notifications_read(&req).await.is_ok() {
                                session.recheck();
                            }
                        });
                    }
                    go(&link, false);
                }
            >
                {tr(|t| t.notifications_open())}
            </button>
        </li>
    }
}
