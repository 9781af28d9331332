//! The root: contexts, the router and every route in one place.

use leptos::prelude::*;
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path,
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
        not_found::NotFoundPage,
        onboarding::OnboardingPage,
        review::{ReviewQueuePage, ReviewSubmissionPage},
    },
    session::provide_session,
};

/// The contexts every page relies on: language, toasts, session.
#[component]
pub fn Providers(children: Children) -> impl IntoView {
    provide_i18n();
    provide_toasts();
    provide_session();
    view! {
        {children()}
        <ToastRegion />
    }
}

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
                        <Route path=path!("onboarding") view=OnboardingPage />
                        <Route path=path!("review") view=ReviewQueuePage />
                        <Route path=path!("review/:id") view=ReviewSubmissionPage />
                    </ParentRoute>
                </Routes>
            </Router>
        </Providers>
    }
}
