//! The frame around pages: top bar, navigation (bottom tab bar on phones, side navigation
//! from 960 px), and the gate that sends signed-out visitors to the sign-in page.

use doctor_desk_api::auth::Role;
use leptos::prelude::*;
use leptos_router::{
    components::{Outlet, A},
    hooks::{use_location, use_navigate},
    NavigateOptions,
};

use super::toast::use_toasts;
use crate::{
    api,
    i18n::{use_i18n, use_texts},
    session::{use_session, SessionState},
};

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let t = use_texts();
    view! {
        <button
            type="button"
            class="lang-switch"
            data-testid="language-switch"
            aria-label=move || t().switch_language_label
            on:click=move |_| i18n.toggle()
        >
            {move || t().switch_language}
        </button>
    }
}

#[component]
fn TopBar(#[prop(optional)] children: Option<Children>) -> impl IntoView {
    let t = use_texts();
    view! {
        <header class="top-bar">
            <a class="skip-link" href="#main">
                {move || t().skip_to_content}
            </a>
            <span class="brand">{move || t().app_name}</span>
            <div class="top-bar-actions">
                <LanguageSwitch />
                {children.map(|c| c())}
            </div>
        </header>
    }
}

/// Layout of the sign-in, sign-up and reset pages.
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
    let t = use_texts();
    let location = use_location();
    let navigate = use_navigate();

    Effect::new(move || {
        if session.state.get() == SessionState::SignedOut {
            let path = location.pathname.get_untracked();
            if path.starts_with("/login") {
                // Signing out already navigates there.
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
            navigate(
                &target,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });

    move || match session.state.get() {
        SessionState::SignedIn(_) => view! { <SignedInShell /> }.into_any(),
        SessionState::Unreachable(message) => view! {
            <PublicLayout>
                <div class="card" role="alert">
                    <p>{message}</p>
                    <button type="button" class="button" on:click=move |_| session.refresh()>
                        {move || t().retry}
                    </button>
                </div>
            </PublicLayout>
        }
        .into_any(),
        SessionState::Loading | SessionState::SignedOut => view! {
            <div class="page-loading" aria-busy="true">
                {move || t().loading}
            </div>
        }
        .into_any(),
    }
}

#[component]
fn SignedInShell() -> impl IntoView {
    let t = use_texts();
    let session = use_session();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let has_role = move |role: Role| session.me().is_some_and(|me| me.roles.contains(&role));
    let sign_out = Action::new_local(move |_: &()| async move { api::logout().await });
    Effect::new(move || {
        if let Some(result) = sign_out.value().get() {
            match result {
                Ok(()) => {
                    toasts.info(t().signed_out);
                    session.signed_out();
                    navigate("/login", Default::default());
                }
                Err(e) => toasts.error(e.message),
            }
        }
    });
    view! {
        <div class="app-layout">
            <TopBar>
                <button
                    type="button"
                    class="top-bar-button"
                    data-testid="sign-out"
                    disabled=move || sign_out.pending().get()
                    on:click=move |_| {
                        sign_out.dispatch(());
                    }
                >
                    {move || t().sign_out}
                </button>
            </TopBar>
            <nav class="main-nav" aria-label=move || t().nav_label>
                <A href="/" exact=true>
                    <span class="nav-icon" aria-hidden="true">
                        "⌂"
                    </span>
                    <span>{move || t().nav_home}</span>
                </A>
                <Show when=move || has_role(Role::Doctor)>
                    <A href="/onboarding" attr:data-testid="nav-onboarding">
                        <span class="nav-icon" aria-hidden="true">
                            "✓"
                        </span>
                        <span>{move || t().nav_onboarding}</span>
                    </A>
                </Show>
                <Show when=move || has_role(Role::Reviewer)>
                    <A href="/review" attr:data-testid="nav-review">
                        <span class="nav-icon" aria-hidden="true">
                            "☰"
                        </span>
                        <span>{move || t().nav_review}</span>
                    </A>
                </Show>
            </nav>
            <main id="main" class="app-main" tabindex="-1">
                <Outlet />
            </main>
        </div>
    }
}
