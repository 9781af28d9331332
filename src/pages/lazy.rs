//! The pages that load on demand. Each route's view is a `#[lazy]` function: with the
//! `split` feature (every build of the app, through `cargo xtask split`) its code and
//! everything only it uses go into a wasm chunk fetched the first time the route opens.
//! Without the feature (the wasm-bindgen browser tests) they are ordinary async views.

use std::{future::Future, pin::Pin};

use leptos::prelude::*;
use leptos_router::ChooseView;

/// A route's view. One type for every route (not a closure type per page and
/// leptos_router's `Lazy<T>` per lazy one): the router keeps each route's view behind a
/// table of functions made for its type, and a type per route made them 34 times over in
/// the main module (about 1.2 KB of its first load).
#[derive(Clone, Copy)]
pub enum Part {
    /// A page of the main module.
    Now(fn() -> AnyView),
    /// A lazy page: its part loads, then the page is made.
    Later(fn() -> Pin<Box<dyn Future<Output = AnyView>>>),
}

impl ChooseView for Part {
    async fn choose(self) -> AnyView {
        match self {
            Part::Now(view) => view(),
            Part::Later(view) => view().await,
        }
    }

    async fn preload(&self) {}
}

macro_rules! lazy_pages {
    ($( $(#[$doc:meta])* $route:ident => $view:ident($page:path $(, by $($param:literal)+)?); )*) => {$(
        $(#[$doc])*
        pub const $route: Part = Part::Later(|| Box::pin($view()));

        #[cfg_attr(feature = "split", leptos::lazy)]
        async fn $view() -> AnyView {
            rebuilt_with_params(&[$($($param),+)?], $page).into_any()
        }
    )*};
}

// Each view function's name is its part's name in `doctor_desk_api::preload::parts`, which
// the server uses to preload the part with the page (and checks against the build). `by`
// names the route's own parameters: the page is made anew when one of them changes.
lazy_pages! {
    /// `/login`'s form (the page's heading is in the main module): the doctor app's first
    /// load does not carry the sign-in forms (the form field and the SMS code among
    /// them); a signed-out visit gets this pack beside the main module (the server sees
    /// no session cookie).
    LOGIN_FORM => login_view(crate::pages::auth::LoginForm);
    /// `/register`: a new doctor's account (opened once, from an invitation).
    REGISTER => register_view(crate::pages::auth::RegisterPage);
    /// `/reset-password`: a new password with an SMS code.
    RESET_PASSWORD => reset_password_view(crate::pages::auth::ResetPasswordPage);
    /// `/appeal`: recovering an account whose phone is lost (signed out).
    APPEAL => appeal_view(crate::pages::account::AppealPage);
    /// `/inbox/:id`: one consultation (the thread, the composer, ending with advice).
    CONSULTATION_THREAD => consultation_thread_view(crate::pages::inbox::ConsultationThreadPage, by "id");
    /// `/agreements`: the versions to accept.
    AGREEMENTS => agreements_view(crate::pages::agreements::AgreementsPage);
    /// `/agreements/:kind/:version`: one agreement to read.
    AGREEMENT_READ => agreement_read_view(crate::pages::agreements::AgreementReadPage, by "kind" "version");
    /// `/me`: who is signed in, the way to everything about the account.
    ME => me_view(crate::pages::account::MePage);
    /// `/me/security`: password, phone number, the devices signed in.
    SECURITY => security_view(crate::pages::account::SecurityPage);
    /// `/me/delete`: deleting the account (注销), its blockers and cooling-off.
    DELETION => deletion_view(crate::pages::account::DeletionPage);
    /// `/me/activity`: my own trail, filtered, exported.
    ACTIVITY => activity_view(crate::pages::account::ActivityPage);
    /// `/me/notifications`: what the platform told me, each leading to where to act.
    NOTIFICATIONS => notifications_view(crate::pages::account::NotificationsPage);
    /// `/me/agreements`: what the doctor accepted, and when.
    ACCEPTANCE_HISTORY => acceptance_history_view(crate::pages::agreements::AcceptanceHistoryPage);
    /// `/settings/consultation`: the consultation service settings.
    CONSULTATION_SETTINGS => consultation_settings_view(crate::pages::inbox::ConsultationSettingsPage);
    /// `/onboarding`: profile and licences (photo compression included).
    ONBOARDING => onboarding_view(crate::pages::onboarding::OnboardingPage);
    /// `/review`: the reviewers' queue.
    REVIEW_QUEUE => review_queue_view(crate::pages::review::ReviewQueuePage);
    /// `/review/agreements`: publishing agreement versions.
    REVIEW_AGREEMENTS => review_agreements_view(crate::pages::agreements::ReviewAgreementsPage);
    /// `/review/:id`: one submission to decide.
    REVIEW_SUBMISSION => review_submission_view(crate::pages::review::ReviewSubmissionPage, by "id");
    /// `/patients`: my patients, their tags.
    PATIENTS => patients_view(crate::pages::patients::PatientsPage);
    /// `/patients/:id`: one patient's file (tags, notes, history).
    PATIENT => patient_view(crate::pages::patients::PatientPage, by "id");
    /// `/follow-ups`: the visits due today, overdue, upcoming and done.
    FOLLOW_UPS => follow_ups_view(crate::pages::follow_ups::FollowUpsPage);
    /// `/posts`: my posts by status.
    POSTS => posts_view(crate::pages::posts::PostsPage);
    /// `/posts/new`, `/posts/:id/edit`: the editor.
    POST_EDITOR => post_editor_view(crate::pages::posts::PostEditorPage, by "id");
    /// `/review/posts`: the posts waiting for review.
    REVIEW_POSTS => review_posts_view(crate::pages::review::ReviewPostsPage);
    /// `/review/posts/:id`: one post revision to decide.
    REVIEW_POST => review_post_view(crate::pages::review::ReviewPostPage, by "id");
    /// `/review/appeals`: account appeals by status.
    REVIEW_APPEALS => review_appeals_view(crate::pages::review::ReviewAppealsPage);
    /// `/review/appeals/:id`: one appeal beside the account it would move, to decide.
    REVIEW_APPEAL => review_appeal_view(crate::pages::review::ReviewAppealPage, by "id");
}

/// The page, made anew when its address's parameters change. The router keeps a route's
/// view when only they do (another row of the list beside a consultation or a patient's
/// file), and each page reads its id once: without this, the file of the patient first
/// opened stayed on screen under the next one's address.
fn rebuilt_with_params<V: IntoView + 'static>(
    names: &'static [&'static str],
    page: fn() -> V,
) -> AnyView {
    if names.is_empty() {
        return page().into_any();
    }
    let params = leptos_router::hooks::use_params_map();
    // Its own parameters only: the map also holds the parents' (and changes with them).
    let key =
        Memo::new(move |_| params.with(|p| names.iter().map(|n| p.get(n)).collect::<Vec<_>>()));
    (move || {
        // Read, not only tracked: a memo nobody reads never runs, so never changes.
        key.with(|_| ());
        untrack(page)
    })
    .into_any()
}

/// A lazy page outside the router's own place for it (my patients beside a patient's
/// file; the sign-in form under its page's heading): its part loads just as the route's would, with the loading text meanwhile. The
/// page is made once: not under a `Suspense`, which would make it anew (its search and
/// scroll lost) each time one of its own resources reloads.
pub fn lazy_page(part: Part) -> impl IntoView {
    let page = StoredValue::new_local(None::<AnyView>);
    let ready = RwSignal::new(false);
    // Made under this owner (the page's contexts and cleanup), tracking nothing.
    untrack(|| {
        // Dropped if the doctor leaves (or the layout changes) before the part arrives.
        leptos::task::spawn_local_scoped_with_cancellation(async move {
            page.set_value(Some(part.choose().await));
            ready.set(true);
        })
    });
    // Runs again only when `ready` turns true: the page is taken out of its slot once.
    move || {
        match ready.get() {
            true => page.try_update_value(Option::take).flatten(),
            false => None,
        }
        .unwrap_or_else(|| {
            view! { <p class="page-loading">{crate::i18n::tr(|t| t.loading())}</p> }.into_any()
        })
    }
}
