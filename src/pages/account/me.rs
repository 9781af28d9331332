use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    components::shell::use_sign_out,
    i18n::{tr, use_texts, Texts},
    session::use_session,
};

type Label = fn(&'static Texts) -> &'static str;

/// 我的: who is signed in, and the way to everything about the account.
#[component]
pub fn MePage() -> impl IntoView {
    let t = use_texts();
    let session = use_session();
    let sign_out = use_sign_out("/login");
    let me = move || session.me();
    let is_doctor =
        move || me().is_some_and(|m| m.roles.contains(&doctor_desk_api::auth::Role::Doctor));
    // Where each entry goes, its test id, its label, and whether only doctors have it.
    let links: [(&str, &str, Label, bool); 7] = [
        ("/onboarding", "me-profile", |t| t.me_profile(), true),
        (
            "/me/agreements",
            "me-agreements",
            |t| t.me_agreements(),
            false,
        ),
        (
            "/settings/consultation",
            "me-consultation-settings",
            |t| t.me_consultation_settings(),
            true,
        ),
        ("/me/security", "me-security", |t| t.me_security(), false),
        (
            "/me/notifications",
            "me-notifications",
            |t| t.me_notifications(),
            false,
        ),
        ("/me/activity", "me-activity", |t| t.me_activity(), false),
        ("/me/delete", "me-delete", |t| t.me_delete(), true),
    ];
    view! {
        <section class="page me" data-testid="me-page">
            <h1>{tr(|t| t.me_title())}</h1>
            <div class="card me-card">
                <span class="avatar me-initial" aria-hidden="true">
                    {move || {
                        me()
                            .and_then(|m| m.display_name)
                            .and_then(|n| n.chars().next())
                            .map(String::from)
                            .unwrap_or_else(|| "医".to_owned())
                    }}
                </span>
                <div>
                    <p class="me-name" data-testid="me-name">
                        {move || {
                            me().and_then(|m| m.display_name)
                                .unwrap_or_else(|| t().greeting_anonymous().to_owned())
                        }}
                    </p>
                    <p class="muted" data-testid="me-phone">
                        {move || me().map(|m| m.phone_masked).unwrap_or_default()}
                    </p>
                    <Show when=is_doctor>
                        <span class="badge badge-info" data-testid="me-verification">
                            {move || me().map(|m| t().verification_status(m.verification_status))}
                        </span>
                    </Show>
                </div>
            </div>
            <nav aria-label=tr(|t| t.me_links())>
                <ul class="me-links">
                    {links
                        .into_iter()
                        .map(|(href, testid, label, doctor_only)| {
                            view! {
                                <Show when=move || !doctor_only || is_doctor()>
                                    <li>
                                        <A href=href attr:class="me-link" attr:data-testid=testid>
                                            {tr(label)}
                                        </A>
                                    </li>
                                </Show>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
            <div class="card me-actions">
                <button
                    type="button"
                    class="button button-quiet"
                    data-testid="me-sign-out"
                    disabled=move || sign_out.pending().get()
                    on:click=move |_| {
                        sign_out.dispatch(());
                    }
                >
                    {tr(|t| t.sign_out())}
                </button>
            </div>
        </section>
    }
}
