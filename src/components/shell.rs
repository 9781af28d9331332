//! The frame around pages: top bar, navigation (bottom tab bar on phones, side navigation
//! from 960 px), and the gate that sends signed-out visitors to the sign-in page.

use doctor_desk_api::auth::Role;
use leptos::prelude::*;
use leptos_router::{
    components::{Outlet, A},
    hooks::use_location,
};

use super::{retry_card::RetryCard, toast::use_toasts};
use crate::{
    api,
    app::use_go,
    i18n::{tr, use_i18n, use_texts},
    session::{use_session, SessionState},
};

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            type="button"
            class="lang-switch"
            data-testid="language-switch"
            aria-label=tr(|t| t.switch_language_label())
            on:click=move |_| i18n.toggle()
        >
            {tr(|t| t.switch_language())}
        </button>
    }
}

#[component]
fn TopBar(#[prop(optional)] children: Option<Children>) -> impl IntoView {
    view! {
        <header class="top-bar">
            <a class="skip-link" href="#main">
                {tr(|t| t.skip_to_content())}
            </a>
            <span class="brand">{tr(|t| t.app_name())}</span>
            <div class="top-bar-actions">
                <LanguageSwitch />
                {children.map(|c| c())}
            </div>
        </header>
    }
}

/// Layout of the sign-in, sign-up, reset and appeal pages.
#[component]
pub fn PublicLayout(children: Children) -> impl IntoView {
    view! {
        <div class="public-layout">
            <TopBar />
            <main id="main" class="public-main" tabindex="-1">
                {children()}
            </main>
        </div>
    }
}

/// Layout of every signed-in page; sends signed-out visitors to `/login?next=…`.
#[component]
pub fn SignedInLayout() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let go = use_go();
    let go_to_agreements = go.clone();

    Effect::new(move || {
        if session.state.get() == SessionState::SignedOut {
            let path = location.pathname.get_untracked();
            if ["/login", "/register", "/reset-password", "/appeal"].contains(&path.as_str()) {
                // Already on a public page (this layout is on its way out).
                return;
            }
            let search = location.search.get_untracked();
            let here = if search.is_empty() {
                path
            } else {
                format!("{path}?{}", search.trim_start_matches('?'))
            };
            let target = if here == "/" {
                "/login".to_owned()
            } else {
                format!("/login?next={}", js_sys::encode_uri_component(&here))
            };
            go(&target, true);
        }
    });

    // Nothing but the agreements until the current versions are accepted (the API refuses
    // everything else too). Checked again on every navigation, so a version published
    // while the doctor works sends them there at their next step.
    Effect::new(move || {
        let pending = session
            .state
            .with(|s| matches!(s, SessionState::SignedIn(me) if !me.pending_agreements.is_empty()));
        let path = location.pathname.get_untracked();
        if pending && !path.starts_with("/agreements") {
            let search = location.search.get_untracked();
            let here = if search.is_empty() {
                path
            } else {
                format!("{path}?{}", search.trim_start_matches('?'))
            };
            go_to_agreements(
                &format!("/agreements?next={}", js_sys::encode_uri_component(&here)),
                true,
            );
        }
    });
    Effect::watch(
        move || location.pathname.get(),
        move |_, previous, _| {
            if previous.is_none() {
                return;
            }
            // What the page asked for as it loaded is not for the page opened now, nor the
            // frame drawn for it (a redirect, say to sign in).
            crate::api::forget_early_answers();
            crate::skeleton::remove();
            if session.me().is_some() {
                session.recheck();
            }
        },
        false,
    );

    // Re-render the frame only when the kind of state changes: a refreshed `Me` must not
    // rebuild every page under it.
    let signed_in = Memo::new(move |_| matches!(session.state.get(), SessionState::SignedIn(_)));
    let unreachable = Memo::new(move |_| match session.state.get() {
        SessionState::Unreachable(message) => Some(message),
        _ => None,
    });
    move || match (signed_in.get(), unreachable.get()) {
        (true, _) => view! { <SignedInShell /> }.into_any(),
        (false, Some(message)) => {
            // Not the list the frame promised: the way to retry, at once.
            crate::skeleton::remove();
            view! {
                <PublicLayout>
                    <RetryCard message on_retry=move || session.refresh() />
                </PublicLayout>
            }
            .into_any()
        }
        (false, None) => view! {
            <div class="page-loading" aria-busy="true">
                {tr(|t| t.loading())}
            </div>
        }
        .into_any(),
    }
}

/// Signing out, the one way: ends the session on the server, then goes to `target`.
pub fn use_sign_out(target: &'static str) -> Action<(), Result<(), api::ApiError>> {
    let t = use_texts();
    let session = use_session();
    let toasts = use_toasts();
    let go = use_go();
    let sign_out = Action::new_local(move |_: &()| async move { api::logout().await });
    Effect::new(move || {
        if let Some(result) = sign_out.value().get() {
            match result {
                Ok(()) => {
                    toasts.info(t().signed_out());
                    session.signed_out();
                    go(target, false);
                }
                Err(e) => toasts.error(e.message),
            }
        }
    });
    sign_out
}

#[component]
fn SignedInShell() -> impl IntoView {
    let t = use_texts();
    let session = use_session();
    // The doctor app keeps one event stream open for the inbox and the tab bar badge.
    // Staff without the doctor role (reviewers) have no inbox: the server refuses them.
    let is_doctor = untrack(|| session.me()).is_some_and(|me| me.roles.contains(&Role::Doctor));
    let events = is_doctor.then(crate::inbox_events::provide_inbox_events);
    let waiting = events.map(|e| e.waiting);
    // While care is paused (consent withdrawn, deletion pending) the server refuses the
    // stream on purpose: the banner saying why stands instead of "connection lost".
    let offline = move || events.is_some_and(|e| e.offline.get()) && !session.care_paused();
    let has_role = move |role: Role| session.me().is_some_and(|me| me.roles.contains(&role));
    // While agreements are pending there is nowhere else to go.
    let agreed = Memo::new(move |_| {
        session
            .me()
            .is_some_and(|me| me.pending_agreements.is_empty())
    });
    let sign_out = use_sign_out("/login");
    let consent_withdrawn = move || {
        session
            .me()
            .is_some_and(|me| me.roles.contains(&Role::Doctor) && !me.health_data_consent)
    };
    let deletion_at = move || {
        session
            .me()
            .and_then(|me| me.deletion_takes_effect_at)
            .map(crate::format::local_datetime)
    };
    view! {
        <div class="app-layout" class:no-nav=move || !agreed.get()>
            <TopBar>
                <A href="/me" attr:class="top-bar-button" attr:data-testid="nav-me">
                    {tr(|t| t.nav_me())}
                    {move || {
                        let n = session.me().map(|m| m.unread_notifications).unwrap_or(0);
                        (n > 0)
                            .then(|| {
                                view! {
                                    <span class="count-badge" data-testid="notifications-badge">
                                        <span aria-hidden="true">{n.min(99)}</span>
                                        <span class="visually-hidden">{t().unread_badge(n)}</span>
                                    </span>
                                }
                            })
                    }}
                </A>
                <button
                    type="button"
                    class="top-bar-button"
                    data-testid="sign-out"
                    disabled=move || sign_out.pending().get()
                    on:click=move |_| {
                        sign_out.dispatch(());
                    }
                >
                    {tr(|t| t.sign_out())}
                </button>
            </TopBar>
            <Show when=move || agreed.get()>
                <nav class="main-nav" aria-label=tr(|t| t.nav_label())>
                    <NavLink href="/" icon="⌂" label=|t| t.nav_home() testid="nav-home" />
                    <Show when=move || has_role(Role::Doctor)>
                        <NavLink
                            href="/inbox"
                            icon="✉"
                            label=|t| t.nav_inbox()
                            testid="nav-inbox"
                            badge=Signal::derive(move || waiting.map(|w| w.get()).unwrap_or(0))
                        />
                    </Show>
                    <Show when=move || has_role(Role::Doctor)>
                        <NavLink
                            href="/patients"
                            icon="♥"
                            label=|t| t.nav_patients()
                            testid="nav-patients"
                        />
                        <NavLink
                            href="/follow-ups"
                            icon="↻"
                            label=|t| t.nav_follow_ups()
                            testid="nav-follow-ups"
                        />
                        <NavLink href="/posts" icon="✎" label=|t| t.nav_posts() testid="nav-posts" />
                    </Show>
                    <Show when=move || has_role(Role::Doctor)>
                        <NavLink
                            href="/onboarding"
                            icon="✓"
                            label=|t| t.nav_onboarding()
                            testid="nav-onboarding"
                        />
                    </Show>
                    <Show when=move || has_role(Role::Reviewer)>
                        <NavLink
                            href="/review"
                            icon="☰"
                            label=|t| t.nav_review()
                            testid="nav-review"
                        />
                        <NavLink
                            href="/review/posts"
                            icon="✎"
                            label=|t| t.nav_review_posts()
                            testid="nav-review-posts"
                        />
                        <NavLink
                            href="/review/agreements"
                            icon="§"
                            label=|t| t.nav_review_agreements()
                            testid="nav-review-agreements"
                        />
                        <NavLink
                            href="/review/appeals"
                            icon="⇄"
                            label=|t| t.nav_review_appeals()
                            testid="nav-review-appeals"
                        />
                    </Show>
                </nav>
            </Show>
            <main id="main" class="app-main" tabindex="-1">
                <Show when=consent_withdrawn>
                    <p class="notice notice-warn" role="status" data-testid="consent-withdrawn-banner">
                        {tr(|t| t.consent_withdrawn_banner())} " "
                        <A href="/me/agreements" attr:class="text-link" attr:data-testid="consent-banner-link">
                            {tr(|t| t.consent_banner_link())}
                        </A>
                    </p>
                </Show>
                {move || {
                    deletion_at()
                        .map(|at| {
                            view! {
                                <p class="notice notice-warn" role="status" data-testid="deletion-banner">
                                    {move || t().deletion_pending_at(&at)} " "
                                    <A href="/me/delete" attr:class="text-link" attr:data-testid="deletion-banner-link">
                                        {tr(|t| t.deletion_banner_link())}
                                    </A>
                                </p>
                            }
                        })
                }}
                <Show when=move || session.me().is_some_and(|me| me.password_must_change)>
                    <p class="notice notice-warn" role="status" data-testid="one-time-password-banner">
                        {tr(|t| t.one_time_password_banner())} " "
                        <A href="/me/security" attr:class="text-link">
                            {tr(|t| t.one_time_password_link())}
                        </A>
                    </p>
                </Show>
                <Show when=offline>
                    <p class="notice notice-warn live-offline" role="status" data-testid="live-offline">
                        {tr(|t| t.live_offline())}
                    </p>
                </Show>
                <Outlet />
            </main>
        </div>
    }
}

/// A navigation entry.
#[component]
fn NavLink(
    href: &'static str,
    icon: &'static str,
    label: fn(&'static crate::i18n::Texts) -> &'static str,
    testid: &'static str,
    /// A count shown on the entry (what waits for the doctor).
    #[prop(optional, into)]
    badge: Option<Signal<u32>>,
) -> impl IntoView {
    let content = move || {
        view! {
            <span class="nav-icon" aria-hidden="true">
                {icon}
            </span>
            <span>{tr(label)}</span>
            {badge
                .map(|b| {
                    view! {
                        <Show when=move || { b.get() > 0 }>
                            <span class="nav-badge" data-testid=format!("{testid}-badge")>
                                {move || b.get()}
                            </span>
                            <span class="visually-hidden">{tr(|t| t.badge_waiting())}</span>
                        </Show>
                    }
                })}
        }
    };
    view! {
        <A href=href exact=true attr:data-testid=testid>
            {content()}
        </A>
    }
}
