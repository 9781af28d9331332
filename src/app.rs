//! The roots: contexts, the routers and every route in one place.
//!
//! Doctor Desk ships as four bundles (see `doctor_desk_api::bundle`): doctors on phones,
//! often on slow networks, load the doctor app; the agreements (once per version),
//! onboarding (once, and at renewals) and the hospital's reviewer console are separate
//! wasm files. All share this library,
//! the session cookie and the sign-in pages (which live in the doctor app).

use leptos::prelude::*;
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    hooks::use_navigate,
    path, NavigateOptions,
};

use crate::{
    components::{
        shell::SignedInLayout,
        toast::{provide_toasts, ToastRegion},
    },
    i18n::provide_i18n,
    pages::{
        auth::{LoginPage, RegisterPage, ResetPasswordPage},
        home::HomePage,
        inbox::{ConsultationThreadPage, InboxPage},
        not_found::NotFoundPage,
    },
    session::provide_session,
};

pub use doctor_desk_api::bundle::Bundle;

/// Whether a path is routed by the running bundle (otherwise it needs a page load).
pub fn owns(bundle: Bundle, path: &str) -> bool {
    Bundle::for_path(path) == bundle
}

pub fn use_bundle() -> Bundle {
    use_context::<Bundle>().unwrap_or(Bundle::Doctor)
}

/// Navigation that works across the two bundles: client-side within this one, a page
/// load into the other.
pub fn use_go() -> impl Fn(&str, bool) + Clone {
    let bundle = use_bundle();
    let navigate = use_navigate();
    move |path: &str, replace: bool| {
        if owns(bundle, path) {
            navigate(
                path,
                NavigateOptions {
                    replace,
                    ..Default::default()
                },
            );
        } else if let Some(window) = web_sys::window() {
            let location = window.location();
            let _ = if replace {
                location.replace(path)
            } else {
                location.assign(path)
            };
        }
    }
}

/// The contexts every page relies on: bundle, language, toasts, session.
#[component]
pub fn Providers(
    #[prop(default = Bundle::Doctor)] bundle: Bundle,
    children: Children,
) -> impl IntoView {
    provide_context(bundle);
    provide_i18n();
    provide_toasts();
    provide_session();
    view! {
        {children()}
        <ToastRegion />
    }
}

/// The doctor app.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Providers>
            <Router>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/login") view=LoginPage />
                    <Route path=path!("/register") view=RegisterPage />
                    <Route path=path!("/reset-password") view=ResetPasswordPage />
                    <ParentRoute path=path!("") view=SignedInLayout>
                        <Route path=path!("") view=HomePage />
                        <Route path=path!("inbox") view=InboxPage />
                        <Route path=path!("inbox/:id") view=ConsultationThreadPage />
                    </ParentRoute>
                </Routes>
            </Router>
        </Providers>
    }
}

/// The agreements (`/agreements`, `/me/agreements`) and the consultation service settings
/// (`/settings/consultation`), a bundle of its own.
#[component]
pub fn AccountApp() -> impl IntoView {
    use crate::pages::{
        agreements::{AcceptanceHistoryPage, AgreementReadPage, AgreementsPage},
        inbox::ConsultationSettingsPage,
    };
    view! {
        <Providers bundle=Bundle::Account>
            <Router>
                <Routes fallback=NotFoundPage>
                    <ParentRoute path=path!("") view=SignedInLayout>
                        <Route path=path!("agreements") view=AgreementsPage />
                        <Route path=path!("agreements/:kind/:version") view=AgreementReadPage />
                        <Route path=path!("me/agreements") view=AcceptanceHistoryPage />
                        <Route path=path!("settings/consultation") view=ConsultationSettingsPage />
                    </ParentRoute>
                </Routes>
            </Router>
        </Providers>
    }
}

/// Onboarding (`/onboarding`), a bundle of its own.
#[component]
pub fn OnboardingApp() -> impl IntoView {
    use crate::pages::onboarding::OnboardingPage;
    view! {
        <Providers bundle=Bundle::Onboarding>
            <Router>
                <Routes fallback=NotFoundPage>
                    <ParentRoute path=path!("") view=SignedInLayout>
                        <Route path=path!("onboarding") view=OnboardingPage />
                    </ParentRoute>
                </Routes>
            </Router>
        </Providers>
    }
}

/// The reviewer console (`/review`, a bundle of its own).
#[component]
pub fn ReviewApp() -> impl IntoView {
    use crate::pages::{
        agreements::ReviewAgreementsPage,
        review::{ReviewQueuePage, ReviewSubmissionPage},
    };
    view! {
        <Providers bundle=Bundle::Review>
            <Router>
                <Routes fallback=NotFoundPage>
                    <ParentRoute path=path!("/review") view=SignedInLayout>
                        <Route path=path!("") view=ReviewQueuePage />
                        <Route path=path!("agreements") view=ReviewAgreementsPage />
                        <Route path=path!(":id") view=ReviewSubmissionPage />
                    </ParentRoute>
                </Routes>
            </Router>
        </Providers>
    }
}

/// Replaces the static skeleton of the page with a running app.
pub fn start<F, N>(app: F)
where
    F: FnOnce() -> N + 'static,
    N: IntoView,
{
    use wasm_bindgen::JsCast;
    // Readable panics in the console while developing; release builds leave out the
    // hook and its formatting machinery (a panic there still stops the app).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    let document = document();
    let root = document
        .get_element_by_id("app")
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        .or_else(|| document.body())
        .expect("the page has a body");
    root.replace_children_with_node_0();
    leptos::mount::mount_to(root, app).forget();
}
