//! The root: contexts, the router and every route in one place.
//!
//! Doctor Desk is one app whose parts load on demand: the main module holds the shell, home,
//! the inbox list and the sign-in page's frame; the sign-in form, registration, password reset and recovery by appeal, a
//! consultation, my patients, a patient's file and the follow-ups, the agreements
//! and service settings, me and account security, onboarding, the post editor and the reviewer console are lazy
//! routes, each
//! fetched the first time it is opened (`xtask/src/split.rs` builds them; a page opened
//! by a link downloads its part beside the main module, and home and the inbox fetch the
//! consultation's when idle: `xtask/src/boot.js`). Moving between any two pages is
//! client-side.

use leptos::prelude::*;
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    hooks::use_navigate,
    path, NavigateOptions,
};

use crate::{
    components::{
        shell::SignedInLayout,
        split::{SplitIndex, SplitLayout},
        toast::{provide_toasts, ToastRegion},
    },
    i18n::provide_i18n,
    pages::{
        auth::LoginPage,
        home::HomePage,
        inbox::InboxPage,
        lazy::{
            lazy_page, AcceptanceHistoryRoute, ActivityRoute, AgreementReadRoute, AgreementsRoute,
            AppealRoute, ConsultationSettingsRoute, ConsultationThreadRoute, DeletionRoute,
            FollowUpsRoute, MeRoute, NotificationsRoute, OnboardingRoute, PatientRoute,
            PatientsRoute, PostEditorRoute, PostsRoute, RegisterRoute, ResetPasswordRoute,
            ReviewAgreementsRoute, ReviewAppealRoute, ReviewAppealsRoute, ReviewPostRoute,
            ReviewPostsRoute, ReviewQueueRoute, ReviewSubmissionRoute, SecurityRoute,
        },
        not_found::NotFoundPage,
    },
    session::provide_session,
};

/// Navigation from code (after an action), `replace` for redirects.
pub fn use_go() -> impl Fn(&str, bool) + Clone {
    let navigate = use_navigate();
    move |path: &str, replace: bool| {
        navigate(
            path,
            NavigateOptions {
                replace,
                ..Default::default()
            },
        );
    }
}

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
    use leptos_router::Lazy;
    view! {
        <Providers>
            <Router>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/login") view=LoginPage />
                    <Route path=path!("/register") view={Lazy::<RegisterRoute>::new()} />
                    <Route
                        path=path!("/reset-password")
                        view={Lazy::<ResetPasswordRoute>::new()}
                    />
                    <Route path=path!("/appeal") view={Lazy::<AppealRoute>::new()} />
                    <ParentRoute path=path!("") view=SignedInLayout>
                        <Route path=path!("") view=HomePage />
                        <ParentRoute
                            path=path!("inbox")
                            view=|| view! { <SplitLayout list=InboxPage /> }
                        >
                            <Route
                                path=path!("")
                                view=|| {
                                    view! {
                                        <SplitIndex list=InboxPage hint=|t| t.pick_consultation() />
                                    }
                                }
                            />
                            <Route
                                path=path!(":id")
                                view={Lazy::<ConsultationThreadRoute>::new()}
                            />
                        </ParentRoute>
                        <ParentRoute
                            path=path!("patients")
                            view=|| view! { <SplitLayout list={lazy_page::<PatientsRoute>} /> }
                        >
                            <Route
                                path=path!("")
                                view=|| {
                                    view! {
                                        <SplitIndex
                                            list={lazy_page::<PatientsRoute>}
                                            hint=|t| t.pick_patient()
                                        />
                                    }
                                }
                            />
                            <Route path=path!(":id") view={Lazy::<PatientRoute>::new()} />
                        </ParentRoute>
                        <Route path=path!("follow-ups") view={Lazy::<FollowUpsRoute>::new()} />
                        <Route path=path!("posts") view={Lazy::<PostsRoute>::new()} />
                        <Route path=path!("posts/new") view={Lazy::<PostEditorRoute>::new()} />
                        <Route
                            path=path!("posts/:id/edit")
                            view={Lazy::<PostEditorRoute>::new()}
                        />
                        <Route path=path!("agreements") view={Lazy::<AgreementsRoute>::new()} />
                        <Route
                            path=path!("agreements/:kind/:version")
                            view={Lazy::<AgreementReadRoute>::new()}
                        />
                        <Route path=path!("me") view={Lazy::<MeRoute>::new()} />
                        <Route path=path!("me/security") view={Lazy::<SecurityRoute>::new()} />
                        <Route path=path!("me/delete") view={Lazy::<DeletionRoute>::new()} />
                        <Route path=path!("me/activity") view={Lazy::<ActivityRoute>::new()} />
                        <Route path=path!("me/notifications") view={Lazy::<NotificationsRoute>::new()} />
                        <Route
                            path=path!("me/agreements")
                            view={Lazy::<AcceptanceHistoryRoute>::new()}
                        />
                        <Route
                            path=path!("settings/consultation")
                            view={Lazy::<ConsultationSettingsRoute>::new()}
                        />
                        <Route path=path!("onboarding") view={Lazy::<OnboardingRoute>::new()} />
                        <Route path=path!("review") view={Lazy::<ReviewQueueRoute>::new()} />
                        <Route
                            path=path!("review/agreements")
                            view={Lazy::<ReviewAgreementsRoute>::new()}
                        />
                        <Route
                            path=path!("review/posts")
                            view={Lazy::<ReviewPostsRoute>::new()}
                        />
                        <Route
                            path=path!("review/posts/:id")
                            view={Lazy::<ReviewPostRoute>::new()}
                        />
                        <Route
                            path=path!("review/appeals")
                            view={Lazy::<ReviewAppealsRoute>::new()}
                        />
                        <Route
                            path=path!("review/appeals/:id")
                            view={Lazy::<ReviewAppealRoute>::new()}
                        />
                        <Route path=path!("review/:id") view={Lazy::<ReviewSubmissionRoute>::new()} />
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
    if crate::skeleton::kept() {
        // Beside the inbox's frame, until the app has drawn its list (src/skeleton.rs).
        crate::skeleton::remove_later();
    } else {
        root.replace_children_with_node_0();
    }
    leptos::mount::mount_to(root, app).forget();
}
