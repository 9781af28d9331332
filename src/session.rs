//! Who is signed in, known app-wide. Loaded once from `GET /me` at start; sign-in and
//! sign-out pages update it.

use std::cell::Cell;

use doctor_desk_api::{auth::Me, ErrorCode};
use leptos::{prelude::*, task::spawn_local};

use crate::{api, components::toast::Toasts};

thread_local! {
    /// The app's session and toasts, for the API client, which runs outside any view.
    static APP: Cell<Option<(Session, Toasts)>> = const { Cell::new(None) };
}

/// `GET /me` answered "not signed in" while the app thought it was: the session was
/// ended elsewhere (signed out from another device, a password change) or expired. The
/// shell then sends the doctor to sign in, back to this page afterwards.
fn ended_elsewhere() {
    if let Some((session, toasts)) = APP.with(Cell::get) {
        if session
            .state
            .with_untracked(|s| matches!(s, SessionState::SignedIn(_)))
        {
            toasts.info(crate::i18n::texts(crate::i18n::current_lang()).session_expired());
            session.state.set(SessionState::SignedOut);
        }
    }
}

/// Another answer said "not signed in" (or the event stream was refused): asks `GET /me`
/// whether the session still holds. Not taken at its word: an answer the page
/// asked for as it loaded, before sign-in, says 401 for a session that is fine.
/// Only a lost session acts here: anything else `GET /me` says (a new agreement version
/// to accept) waits for the doctor's next navigation, not to pull them off a half-filled
/// form.
pub fn check_still_signed_in() {
    if let Some((session, _)) = APP.with(Cell::get) {
        if session.me().is_some() {
            spawn_local(async move {
                if let Err(e) = api::me().await {
                    if e.code == Some(ErrorCode::Unauthorized) {
                        ended_elsewhere();
                    }
                }
            });
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum SessionState {
    Loading,
    SignedOut,
    SignedIn(Me),
    /// The doctor signed out here; the page is on its way to the sign-in page.
    SignedOutByUser,
    /// `GET /me` failed for another reason than "not signed in" (offline, server down).
    Unreachable(String),
}

#[derive(Clone, Copy)]
pub struct Session {
    pub state: RwSignal<SessionState>,
}

impl Session {
    pub fn me(&self) -> Option<Me> {
        match self.state.get() {
            SessionState::SignedIn(me) => Some(me),
            _ => None,
        }
    }

    /// The server refuses care (the inbox and its event stream) on purpose: consent to
    /// health data withdrawn, or the account's deletion pending.
    pub fn care_paused(&self) -> bool {
        self.me().is_some_and(|me| {
            me.deletion_takes_effect_at.is_some()
                || (me.roles.contains(&doctor_desk_api::auth::Role::Doctor)
                    && !me.health_data_consent)
        })
    }

    pub fn signed_in(&self, me: Me) {
        api::forget_early_answers();
        self.state.set(SessionState::SignedIn(me));
    }

    /// The doctor chose to sign out (no "come back here" after signing in again).
    pub fn signed_out(&self) {
        api::forget_early_answers();
        self.state.set(SessionState::SignedOutByUser);
    }

    /// Asks the server who we are.
    pub fn refresh(&self) {
        let state = self.state;
        spawn_local(async move {
            let next = match api::me().await {
                Ok(me) => SessionState::SignedIn(me),
                Err(e) if e.code == Some(ErrorCode::Unauthorized) => SessionState::SignedOut,
                Err(e) => SessionState::Unreachable(e.message),
            };
            if !matches!(next, SessionState::SignedIn(_)) {
                // Asked for under a session that is not there: not for the next one.
                api::forget_early_answers();
            }
            state.set(next);
        });
    }
}

impl Session {
    /// Asks again in the background, e.g. on navigation, to notice a new agreement
    /// version or a changed status. A network hiccup keeps what we know.
    pub fn recheck(&self) {
        let state = self.state;
        spawn_local(async move {
            match api::me().await {
                Ok(me) => {
                    if state.with_untracked(|s| s != &SessionState::SignedIn(me.clone())) {
                        state.set(SessionState::SignedIn(me));
                    }
                }
                Err(e) if e.code == Some(ErrorCode::Unauthorized) => ended_elsewhere(),
                Err(_) => {}
            }
        });
    }
}

/// Creates the session context and starts loading it; call once at the root.
pub fn provide_session() -> Session {
    let session = Session {
        state: RwSignal::new(SessionState::Loading),
    };
    session.refresh();
    provide_context(session);
    let toasts = crate::components::toast::use_toasts();
    APP.with(|app| app.set(Some((session, toasts))));
    session
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// A `next` target from the query string, kept only if it is a path on this site.
pub fn safe_next(next: Option<String>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => n,
        _ => "/".to_owned(),
    }
}
