use doctor_desk_api::{
    auth::{PasswordResetRequest, SmsPurpose},
    validate::normalize_phone,
};
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_navigate};

use super::{next_target, with_next};
use crate::{
    api,
    components::{
        form_field::{FormError, FormErrors},
        password_field::PasswordField,
        phone_code::{PhoneField, SmsCodeField},
        shell::PublicLayout,
        submit_button::SubmitButton,
        toast::use_toasts,
    },
    i18n::{tr, use_texts},
    session::use_session,
};

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let t = use_texts();
    let toasts = use_toasts();
    let session = use_session();
    let navigate = use_navigate();
    let next = next_target();

    let phone = RwSignal::new(String::new());
    let sms_code = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let errors = FormErrors::new();

    let reset = Action::new_local(move |req: &PasswordResetRequest| {
        let req = req.clone();
        async move { api::reset_password(&req).await }
    });
    Effect::new(move || match reset.value().get() {
        Some(Ok(())) => {
            toasts.info(t().reset_done());
            // Other sessions ended on the server; ask again who we are.
            session.refresh();
            navigate(
                &with_next("/login", &next.get_untracked()),
                Default::default(),
            );
        }
        Some(Err(e)) => errors.show(e),
        None => {}
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = PasswordResetRequest {
            phone: normalize_phone(&phone.get_untracked()),
            sms_code: sms_code.get_untracked().trim().to_owned(),
            new_password: new_password.get_untracked(),
        };
        if errors.check(req.validate()) {
            reset.dispatch(req);
        }
    };

    view! {
        <PublicLayout>
            <section class="card auth-card">
                <h1>{tr(|t| t.reset_title())}</h1>
                <p class="subtitle">{tr(|t| t.reset_subtitle())}</p>
                <form novalidate=true on:submit=on_submit>
                    <PhoneField phone=phone errors=errors />
                    <SmsCodeField
                        phone=phone
                        sms_code=sms_code
                        purpose=SmsPurpose::Reset
                        errors=errors
                    />
                    <PasswordField
                        name="new_password"
                        label=Signal::derive(tr(|t| t.new_password()))
                        hint=Signal::derive(move || t().password_hint().to_owned())
                        value=new_password
                        errors=errors
                        autocomplete="new-password"
                    />
                    <FormError errors=errors />
                    <SubmitButton
                        pending=Signal::derive(move || reset.pending().get())
                        label=|t| t.reset_submit()
                        pending_label=|t| t.reset_pending()
                        testid="reset-submit"
                    />
                </form>
                <p class="auth-links">
                    <A href=move || with_next("/login", &next.get())>{tr(|t| t.back_to_login())}</A>
                </p>
            </section>
        </PublicLayout>
    }
}
