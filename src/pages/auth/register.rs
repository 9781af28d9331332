use doctor_desk_api::{
    auth::{RegisterRequest, SmsPurpose},
    validate::normalize_phone,
};
use leptos::prelude::*;
use leptos_router::components::A;

use super::{leave_when_signed_in, next_target, with_next};
use crate::{
    api,
    components::{
        form_field::{FormError, FormErrors},
        password_field::PasswordField,
        phone_code::{PhoneField, SmsCodeField},
        shell::PublicLayout,
        submit_button::SubmitButton,
    },
    i18n::{tr, use_texts},
    session::use_session,
};

#[component]
pub fn RegisterPage() -> impl IntoView {
    let t = use_texts();
    let session = use_session();
    let next = next_target();
    leave_when_signed_in(next);

    let phone = RwSignal::new(String::new());
    let sms_code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = FormErrors::new();

    let register = Action::new_local(move |req: &RegisterRequest| {
        let req = req.clone();
        async move { api::register(&req).await }
    });
    Effect::new(move || match register.value().get() {
        Some(Ok(me)) => session.signed_in(me),
        Some(Err(e)) => errors.show(e),
        None => {}
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = RegisterRequest {
            phone: normalize_phone(&phone.get_untracked()),
            sms_code: sms_code.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
        };
        if errors.check(req.validate()) {
            register.dispatch(req);
        }
    };

    view! {
        <PublicLayout>
            <section class="card auth-card">
                <h1>{tr(|t| t.register_title())}</h1>
                <p class="subtitle">{tr(|t| t.register_subtitle())}</p>
                <form novalidate=true on:submit=on_submit>
                    <PhoneField phone=phone errors=errors />
                    <SmsCodeField
                        phone=phone
                        sms_code=sms_code
                        purpose=SmsPurpose::Register
                        errors=errors
                    />
                    <PasswordField
                        name="password"
                        label=Signal::derive(tr(|t| t.password()))
                        hint=Signal::derive(move || t().password_hint().to_owned())
                        value=password
                        errors=errors
                        autocomplete="new-password"
                    />
                    <FormError errors=errors />
                    <SubmitButton
                        pending=Signal::derive(move || register.pending().get())
                        label=|t| t.register_submit()
                        pending_label=|t| t.register_pending()
                        testid="register-submit"
                    />
                </form>
                <p class="auth-links">
                    <span>
                        {tr(|t| t.have_account())} " "
                        <A href=move || with_next("/login", &next.get())>{tr(|t| t.go_login())}</A>
                    </span>
                </p>
            </section>
        </PublicLayout>
    }
}
