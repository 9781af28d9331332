use doctor_desk_api::{
    account::{PasswordChange, PhoneChange},
    auth::SmsPurpose,
    validate::normalize_phone,
};
use leptos::prelude::*;

use super::sessions::SessionList;
use crate::{
    api,
    components::{
        form_field::{FormError, FormErrors},
        password_field::PasswordField,
        phone_code::{PhoneField, SmsCodeField},
        submit_button::SubmitButton,
        toast::use_toasts,
    },
    i18n::{tr, use_texts},
    session::use_session,
};

/// 账号与安全: the password, the phone number and the devices signed in. Each change
/// signs out the other devices, which the list then shows.
#[component]
pub fn SecurityPage() -> impl IntoView {
    // Bumped after a change that ended other sessions: the device list reads again.
    let changed = RwSignal::new(0u32);
    view! {
        <section class="page security" data-testid="security-page">
            <h1>{tr(|t| t.security_title())}</h1>
            <PasswordForm changed=changed />
            <PhoneForm changed=changed />
            <SessionList changed=changed />
        </section>
    }
}

#[component]
fn PasswordForm(changed: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let toasts = use_toasts();
    let session = use_session();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let save = Action::new_local(move |req: &PasswordChange| {
        let req = req.clone();
        async move { api::account::change_password(&req).await }
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(done)) => {
            toasts.info(t().password_changed(done.ended));
            // A one-time password replaced: the banner goes and the console opens.
            session.recheck();
            current.set(String::new());
            new.set(String::new());
            changed.update(|n| *n += 1);
        }
        Some(Err(e)) => errors.show(e),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = PasswordChange {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        };
        if errors.check(req.validate()) {
            save.dispatch(req);
        }
    };
    view! {
        <form class="card" novalidate=true on:submit=on_submit aria-labelledby="password-section">
            <h2 id="password-section">{tr(|t| t.password_section())}</h2>
            <PasswordField
                name="current_password"
                label=Signal::derive(tr(|t| t.current_password()))
                value=current
                errors=errors
                autocomplete="current-password"
            />
            <PasswordField
                name="new_password"
                label=Signal::derive(tr(|t| t.new_password()))
                hint=Signal::derive(move || t().password_hint().to_owned())
                value=new
                errors=errors
                autocomplete="new-password"
            />
            <FormError errors=errors />
            <SubmitButton
                pending=Signal::derive(move || save.pending().get())
                label=|t| t.change_password()
                pending_label=|t| t.changing_password()
                testid="change-password"
            />
        </form>
    }
}

#[component]
fn PhoneForm(changed: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let toasts = use_toasts();
    let session = use_session();
    let phone = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let save = Action::new_local(move |req: &PhoneChange| {
        let req = req.clone();
        async move { api::account::change_phone(&req).await }
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(me)) => {
            toasts.info(t().phone_changed());
            session.signed_in(me);
            phone.set(String::new());
            code.set(String::new());
            password.set(String::new());
            changed.update(|n| *n += 1);
        }
        Some(Err(e)) => errors.show(e),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = PhoneChange {
            new_phone: normalize_phone(&phone.get_untracked()),
            sms_code: code.get_untracked().trim().to_owned(),
            current_password: password.get_untracked(),
        };
        if errors.check(req.validate()) {
            save.dispatch(req);
        }
    };
    view! {
        <form class="card" novalidate=true on:submit=on_submit aria-labelledby="phone-section">
            <h2 id="phone-section">{tr(|t| t.phone_section())}</h2>
            <p>
                {tr(|t| t.phone_now())}
                <span data-testid="current-phone">
                    {move || session.me().map(|m| m.phone_masked).unwrap_or_default()}
                </span>
            </p>
            <p class="muted">{tr(|t| t.phone_change_hint())}</p>
            <PhoneField phone=phone errors=errors name="new_phone" label=|t| t.new_phone() />
            <SmsCodeField
                phone=phone
                sms_code=code
                purpose=SmsPurpose::ChangePhone
                errors=errors
                phone_field="new_phone"
            />
            <PasswordField
                name="current_password"
                label=Signal::derive(tr(|t| t.current_password()))
                value=password
                errors=errors
                autocomplete="current-password"
                scope="phone-change"
            />
            <FormError errors=errors />
            <SubmitButton
                pending=Signal::derive(move || save.pending().get())
                label=|t| t.change_phone()
                pending_label=|t| t.changing_phone()
                testid="change-phone"
            />
        </form>
    }
}
