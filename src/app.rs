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
            lazy_page, Part, ACCEPTANCE_HISTORY, ACTIVITY, AGREEMENTS, AGREEMENT_READ, APPEAL,
            CONSULTATION_SETTINGS, CONSULTATION_THREAD, DELETION, FOLLOW_UPS, ME, NOTIFICATIONS,
            ONBOARDING, PATIENT, PATIENTS, POSTS, POST_EDITOR, REGISTER, RESET_PASSWORD,
            REVIEW_AGREEMENTS, REVIEW_APPEAL, REVIEW_APPEALS, REVIEW_POST, REVIEW_POSTS,
            REVIEW_QUEUE, REVIEW_SUBMISSION, SECURITY,
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

// The main module's own views, of the same type as the lazy ones (`Part`), so the router's
// code for a route's view is made once.
const LOGIN: Part = Part::Now(|| LoginPage().into_any());
const SIGNED_IN: Part = Part::Now(|| SignedInLayout().into_any());
const HOME: Part = Part::Now(|| HomePage().into_any());
const INBOX: Part = Part::Now(|| view! { <SplitLayout list=InboxPage /> }.into_any());
const INBOX_INDEX: Part =
    Part::Now(|| view! { <SplitIndex list=InboxPage hint=|t| t.pick_consultation() /> }.into_any());
const PATIENTS_LIST: Part =
    Part::Now(|| view! { <SplitLayout list=|| lazy_page(PATIENTS) /> }.into_any());
const PATIENTS_INDEX: Part = Part::Now(|| {
    view! { <SplitIndex list=|| lazy_page(PATIENTS) hint=|t| t.pick_patient() /> }.into_any()
});

#[component]
pub fn App() -> impl IntoView {
    view! {
        <Providers>
            <Router>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/login") view=LOGIN />
                    <Route path=path!("/register") view=REGISTER />
                    <Route path=path!("/reset-password") view=RESET_PASSWORD />
                    <Route path=path!("/appeal") view=APPEAL />
                    <ParentRoute path=path!("") view=SIGNED_IN>
                        <Route path=path!("") view=HOME />
                        <ParentRoute path=path!("inbox") view=INBOX>
                            <Route path=path!("") view=INBOX_INDEX />
                            <Route path=path!(":id") view=CONSULTATION_THREAD />
                        </ParentRoute>
                        <ParentRoute path=path!("patients") view=PATIENTS_LIST>
                            <Route path=path!("") view=PATIENTS_INDEX />
                            <Route path=path!(":id") view=PATIENT />
                        </ParentRoute>
                        <Route path=path!("follow-ups") view=FOLLOW_UPS />
                        <Route path=path!("posts") view=POSTS />
                        <Route path=path!("posts/new") view=POST_EDITOR />
                        <Route path=path!("posts/:id/edit") view=POST_EDITOR />
                        <Route path=path!("agreements") view=AGREEMENTS />
                        <Route path=path!("agreements/:kind/:version") view=AGREEMENT_READ />
                        <Route path=path!("me") view=ME />
                        <Route path=path!("me/security") view=SECURITY />
                        <Route path=path!("me/delete") view=DELETION />
                        <Route path=path!("me/activity") view=ACTIVITY />
                        <Route path=path!("me/notifications") view=NOTIFICATIONS />
                        <Route path=path!("me/agreements") view=ACCEPTANCE_HISTORY />
                        <Route path=path!("settings/consultation") view=CONSULTATION_SETTINGS />
                        <Route path=path!("onboarding") view=ONBOARDING />
                        <Route path=path!("review") view=REVIEW_QUEUE />
                        <Route path=path!("review/agreements") view=REVIEW_AGREEMENTS />
                        <Route path=path!("review/posts") view=REVIEW_POSTS />
                        <Route path=path!("review/posts/:id") view=REVIEW_POST />
                        <Route path=path!("review/appeals") view=REVIEW_APPEALS />
                        <Route path=path!("review/appeals/:id") view=REVIEW_APPEAL />
                        <Route path=path!("review/:id") view=REVIEW_SUBMISSION />
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
