use doctor_desk_api::{
    auth::{LoginRequest, SmsPurpose},
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
    pages::lazy::{lazy_page, LOGIN_FORM},
    session::use_session,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Password,
    SmsCode,
}

/// The sign-in page. Its heading comes with the main module: it is what a signed-out
/// doctor sees first (and the page's largest paint). The form, with the form field,
/// password and SMS code components only other lazy pages share, is a lazy part
/// (`login_view`) that the server names for download beside the main module.
#[component]
pub fn LoginPage() -> impl IntoView {
    leave_when_signed_in(next_target());
    // Arrived here after declining the agreements: say why the service is closed.
    let query = leptos_router::hooks::use_query_map();
    let declined = Memo::new(move |_| query.with(|q| q.get("declined").is_some()));
    view! {
        <PublicLayout>
            <section class="card auth-card">
                <h1>{tr(|t| t.login_title())}</h1>
                <Show when=move || declined.get()>
                    <p class="notice notice-warn" role="alert" data-testid="declined-notice">
                        {tr(|t| t.declined_notice())}
                    </p>
                </Show>
                <p class="subtitle">{tr(|t| t.login_subtitle())}</p>
                // Last on the page: the form arriving moves nothing already shown.
                {lazy_page(LOGIN_FORM)}
            </section>
        </PublicLayout>
    }
}

/// How to sign in (password or SMS code), the form, and the ways to the other pages.
#[component]
pub fn LoginForm() -> impl IntoView {
    let t = use_texts();
    let session = use_session();
    let next = next_target();

    let method = RwSignal::new(Method::Password);
    let phone = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let sms_code = RwSignal::new(String::new());
    let remember = RwSignal::new(true);
    let errors = FormErrors::new();

    let login = Action::new_local(move |req: &LoginRequest| {
        let req = req.clone();
        async move { api::login(&req).await }
    });
    Effect::new(move || match login.value().get() {
        Some(Ok(me)) => session.signed_in(me),
        Some(Err(e)) => errors.show(e),
        None => {}
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let by_password = method.get_untracked() == Method::Password;
        let req = LoginRequest {
            phone: normalize_phone(&phone.get_untracked()),
            password: by_password.then(|| password.get_untracked()),
            sms_code: (!by_password).then(|| sms_code.get_untracked().trim().to_owned()),
            remember: remember.get_untracked(),
        };
        if errors.check(req.validate()) {
            login.dispatch(req);
        }
    };
    let choose = move |m: Method| {
        method.set(m);
        errors.check(Vec::new());
    };
    let tab = move |m: Method,
                    id: &'static str,
                    label: fn(&'static crate::i18n::Texts) -> &'static str| {
        view! {
            <button
                type="button"
                role="tab"
                id=id
                data-testid=id
                class="tab"
                aria-controls="login-panel"
                aria-selected=move || (method.get() == m).to_string()
                on:click=move |_| choose(m)
            >
                {move || label(t())}
            </button>
        }
    };

    view! {
                <div class="tabs" role="tablist" aria-label=tr(|t| t.login_tabs_label())>
                    {tab(Method::Password, "tab-password", |t| t.tab_password())}
                    {tab(Method::SmsCode, "tab-sms", |t| t.tab_sms())}
                </div>
                <form
                    id="login-panel"
                    role="tabpanel"
                    aria-labelledby=move || {
                        if method.get() == Method::Password { "tab-password" } else { "tab-sms" }
                    }
                    novalidate=true
                    on:submit=on_submit
                >
                    <PhoneField phone=phone errors=errors />
                    <Show
                        when=move || method.get() == Method::Password
                        fallback=move || {
                            view! {
                                <SmsCodeField
                                    phone=phone
                                    sms_code=sms_code
                                    purpose=SmsPurpose::Login
                                    errors=errors
                                />
                            }
                        }
                    >
                        <PasswordField
                            name="password"
                            label=Signal::derive(tr(|t| t.password()))
                            value=password
                            errors=errors
                            autocomplete="current-password"
                        />
                    </Show>
                    <label class="checkbox">
                        <input
                            type="checkbox"
                            data-testid="remember"
                            prop:checked=move || remember.get()
                            on:change=move |ev| remember.set(event_target_checked(&ev))
                        />
                        <span>{tr(|t| t.remember_me())}</span>
                    </label>
                    <FormError errors=errors />
                    <SubmitButton
                        pending=Signal::derive(move || login.pending().get())
                        label=|t| t.login_submit()
                        pending_label=|t| t.login_pending()
                        testid="login-submit"
                    />
                </form>
                <p class="auth-links">
                    <A href=move || with_next(
                        "/reset-password",
                        &next.get(),
                    )>{tr(|t| t.forgot_password())}</A>
                    <span>
                        {tr(|t| t.no_account())} " "
                        <A
                            href=move || with_next("/register", &next.get())
                            attr:data-testid="go-register"
                        >
                            {tr(|t| t.go_register())}
                        </A>
                    </span>
                </p>
                <p class="auth-links">
                    <A href="/appeal" attr:data-testid="appeal-link">
                        {tr(|t| t.appeal_link())}
                    </A>
                </p>
    }
}
