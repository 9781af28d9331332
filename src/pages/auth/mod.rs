//! Sign-in, sign-up and password reset.

mod login;
mod register;
mod reset_password;

pub use login::{LoginForm, LoginPage};
pub use register::RegisterPage;
pub use reset_password::ResetPasswordPage;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::session::{safe_next, use_session, SessionState};

/// Where to go after signing in: the `next` query parameter, if it is a path of ours.
fn next_target() -> Memo<String> {
    let query = use_query_map();
    Memo::new(move |_| safe_next(query.with(|q| q.get("next"))))
}

/// Leaves the page for `next` as soon as someone is signed in (on arrival, or after
/// signing in here).
fn leave_when_signed_in(next: Memo<String>) {
    let session = use_session();
    // Arrived after signing out: from now on a protected page sends here again.
    if session.state.get_untracked() == SessionState::SignedOutByUser {
        session.state.set(SessionState::SignedOut);
    }
    let go = crate::app::use_go();
    Effect::new(move || {
        if let SessionState::SignedIn(me) = session.state.get() {
            // Signing in during a deletion's cooling-off offers to cancel it first; with a
            // one-time password, replacing it comes first.
            let to = if me.password_must_change {
                "/me/security".to_owned()
            } else if me.deletion_takes_effect_at.is_some() {
                "/me/delete".to_owned()
            } else {
                next.get_untracked()
            };
            go(&to, true);
        }
    });
}

/// A link to another auth page that carries `next` along.
fn with_next(path: &str, next: &str) -> String {
    if next == "/" {
        path.to_owned()
    } else {
        format!("{path}?next={}", js_sys::encode_uri_component(next))
    }
}
