//! 工作台: the doctor's home page.

use doctor_desk_api::auth::VerificationStatus;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    api,
    components::fetched::Fetched,
    i18n::{tr, use_texts, Texts},
    inbox_events::use_inbox_events,
    session::use_session,
};

#[component]
pub fn HomePage() -> impl IntoView {
    let t = use_texts();
    let session = use_session();
    // The display name and status may have changed elsewhere (profile, the hospital's
    // review): the shell asks again on every navigation, and a page load asks anyway.
    let me = Memo::new(move |_| session.me());

    let greeting = move || {
        let name = me.get().and_then(|m| m.display_name);
        match name {
            Some(n) => t().greeting(&n),
            None => t().greeting_anonymous().to_owned(),
        }
    };
    let status = move || me.get().map(|m| m.verification_status);

    view! {
        <section class="page">
            <h1 data-testid="greeting">{greeting}</h1>
            <p class="muted">
                {tr(|t| t.account_phone())} ": "
                <span data-testid="phone-masked">{move || me.get().map(|m| m.phone_masked)}</span>
            </p>
            {use_inbox_events().map(|events| view! { <TodayCounts events /> })}
            <section class="card status-card" aria-labelledby="verification-title">
                <h2 id="verification-title">{tr(|t| t.verification_title())}</h2>
                {move || {
                    status()
                        .map(|s| {
                            view! {
                                <p>
                                    <span
                                        class=format!("badge badge-{}", badge_class(s))
                                        data-testid="verification-status"
                                    >
                                        {move || t().verification_status(s)}
                                    </span>
                                </p>
                                <p class="muted">{move || t().verification_hint(s)}</p>
                                // Verified doctors come back here to renew a document
                                // about to expire or to edit their profile.
                                <Show when=move || s != VerificationStatus::Pending>
                                    <A
                                        href="/onboarding"
                                        attr:class=if s == VerificationStatus::Verified {
                                            "button"
                                        } else {
                                            "button button-primary"
                                        }
                                        attr:data-testid="go-onboarding"
                                    >
                                        {move || {
                                            if s == VerificationStatus::Verified {
                                                t().my_credentials()
                                            } else {
                                                t().go_onboarding()
                                            }
                                        }}
                                    </A>
                                </Show>
                            }
                        })
                }}
                <ExpiryWarnings />
            </section>
            <p>
                <A href="/me/agreements" attr:class="text-link" attr:data-testid="go-agreements-history">
                    {tr(|t| t.my_agreements())}
                </A>
            </p>
        </section>
    }
}

/// The doctor's day: what waits, each a number that links to where to act. Live: every
/// inbox event (and a resync) reads the counts again.
#[component]
fn TodayCounts(events: crate::inbox_events::InboxEvents) -> impl IntoView {
    let today = Fetched::new(move || {
        events.last.track();
        events.resync.track();
        api::follow_ups::today()
    });
    // Where it links, its test id, its label, its number.
    type Label = fn(&'static Texts) -> &'static str;
    type Pick = fn(&doctor_desk_api::follow_ups::Today) -> u32;
    type Entry = (&'static str, &'static str, Label, Pick);
    let entries: [Entry; 5] = [
        (
            "/inbox",
            "today-new",
            |t| t.today_new(),
            |d| d.new_consultations,
        ),
        (
            "/inbox",
            "today-answers",
            |t| t.today_answers(),
            |d| d.answers_due,
        ),
        (
            "/follow-ups?list=today",
            "today-follow-ups",
            |t| t.today_follow_ups(),
            |d| d.follow_ups_today,
        ),
        (
            "/follow-ups?list=overdue",
            "today-overdue",
            |t| t.today_overdue(),
            |d| d.follow_ups_overdue,
        ),
        (
            "/onboarding",
            "today-documents",
            |t| t.today_documents(),
            |d| d.documents_expiring,
        ),
    ];
    view! {
        <section class="card today" aria-labelledby="today-title">
            <h2 id="today-title">{tr(|t| t.today_title())}</h2>
            // Every number has its place before the counts arrive: nothing shifts.
            <ul class="today-grid">
                {entries
                    .into_iter()
                    .map(|(href, testid, label, pick)| {
                        let value = move || {
                            today
                                .get()
                                .and_then(Result::ok)
                                .map(|d| pick(&d).to_string())
                                .unwrap_or_else(|| "–".to_owned())
                        };
                        view! {
                            <li>
                                <A href=href attr:class="today-count" attr:data-testid=testid>
                                    <strong data-testid=format!("{testid}-count")>{value}</strong>
                                    <span>{tr(label)}</span>
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
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

/// Documents that expire within 30 days (or have expired), so the doctor renews them in
/// time instead of finding consultations blocked.
#[component]
fn ExpiryWarnings() -> impl IntoView {
    let t = use_texts();
    let verification = Fetched::new(api::expiry_warnings);
    move || {
        let expiring = verification
            .get()
            .and_then(Result::ok)
            .map(|v| v.expiring)
            .unwrap_or_default();
        let today = crate::format::today();
        expiring
            .into_iter()
            .map(|doc| {
                let date = doc.expires_on.map(|d| d.to_string()).unwrap_or_default();
                let expired = doc.expires_on.is_some_and(|d| d < today);
                view! {
                    <p class="notice notice-warn" role="alert" data-testid="expiry-warning">
                        {move || {
                            let name = t().document_kind(doc.kind);
                            if expired {
                                t().expired_on(name, &date)
                            } else {
                                t().expiring_soon(name, &date)
                            }
                        }}
                    </p>
                }
            })
            .collect_view()
    }
}
