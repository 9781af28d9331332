//! 工作台: the doctor's home page.

use doctor_desk_api::auth::VerificationStatus;
use leptos::prelude::*;

use crate::{
    i18n::{use_texts, Texts},
    session::use_session,
};

#[component]
pub fn HomePage() -> impl IntoView {
    let t = use_texts();
    let session = use_session();
    let me = Memo::new(move |_| session.me());

    let greeting = move || {
        let name = me.get().and_then(|m| m.display_name);
        match name {
            Some(n) => (t().greeting)(&n),
            None => t().greeting_anonymous.to_owned(),
        }
    };
    let status = move || me.get().map(|m| m.verification_status);

    view! {
        <section class="page">
            <h1 data-testid="greeting">{greeting}</h1>
            <p class="muted">
                {move || t().account_phone} ": "
                <span data-testid="phone-masked">{move || me.get().map(|m| m.phone_masked)}</span>
            </p>
            <section class="card status-card" aria-labelledby="verification-title">
                <h2 id="verification-title">{move || t().verification_title}</h2>
                {move || {
                    status()
                        .map(|s| {
                            let (label, hint) = verification_texts(s);
                            view! {
                                <p>
                                    <span
                                        class=format!("badge badge-{}", badge_class(s))
                                        data-testid="verification-status"
                                    >
                                        {move || label(t())}
                                    </span>
                                </p>
                                <p class="muted">{move || hint(t())}</p>
                            }
                        })
                }}
            </section>
        </section>
    }
}

type Pick = fn(&'static Texts) -> &'static str;

fn verification_texts(status: VerificationStatus) -> (Pick, Pick) {
    match status {
        VerificationStatus::Unverified => (
            |t| t.verification_unverified,
            |t| t.verification_hint_unverified,
        ),
        VerificationStatus::Pending => {
            (|t| t.verification_pending, |t| t.verification_hint_pending)
        }
        VerificationStatus::Verified => (
            |t| t.verification_verified,
            |t| t.verification_hint_verified,
        ),
        VerificationStatus::Rejected => (
            |t| t.verification_rejected,
            |t| t.verification_hint_rejected,
        ),
        VerificationStatus::NeedsReverification => (
            |t| t.verification_needs_reverification,
            |t| t.verification_hint_needs_reverification,
        ),
    }
}

fn badge_class(status: VerificationStatus) -> &'static str {
    match status {
        VerificationStatus::Verified => "ok",
        VerificationStatus::Pending => "info",
        VerificationStatus::Unverified => "neutral",
        VerificationStatus::Rejected | VerificationStatus::NeedsReverification => "warn",
    }
}
