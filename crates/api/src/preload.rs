//! What a page asks the API for as soon as it starts, in one table for both sides. The
//! server names these requests to the page's boot script (`data-api`), which asks for
//! them while the wasm downloads; the SPA asks for exactly these paths (`api.rs` builds
//! them from the same constants), so it takes the script's answers instead of asking
//! twice.

/// Who is signed in: every page asks first.
pub const ME: &str = "/me";
/// Where verification stands (the home page's status card and expiry warnings).
pub const VERIFICATION: &str = "/me/verification";
/// The first page of new consultations: the inbox list, and the tab bar badge's count
/// on every other page of the doctor app.
pub const NEW_CONSULTATIONS: &str = "/consultations?status=new&limit=50&q=";

/// What waits for the doctor today: the home page's counts.
pub const TODAY: &str = "/me/today";
/// The follow-ups due today, as the follow-up page asks for them first.
pub const FOLLOW_UPS_TODAY: &str = "/follow-ups?list=today&limit=50";

/// The devices signed in, as account security asks for them.
pub const SESSIONS: &str = "/me/sessions";
/// What blocks deleting the account, and the deletion pending, as its page asks.
pub const DELETION: &str = "/me/deletion";
/// The first page of my activity, unfiltered, as its page asks.
pub const ACTIVITY: &str = "/me/activity";
/// The first page of my notifications, as its page asks.
pub const NOTIFICATIONS: &str = "/me/notifications";

/// The first page of my patients, as the patient list asks for it.
pub const MY_PATIENTS: &str = "/patients?sort=last_consultation&limit=50&q=";

/// The first page of my drafts, as "My posts" asks for it (with every tab's count).
pub const MY_POSTS: &str = "/posts?tab=draft&limit=50";
/// The compliance check's word lists: the editor checks as the doctor types.
pub const POST_RULES: &str = "/posts/rules";

/// One post's working copy, as the editor asks for it first.
pub fn post(id: i64) -> String {
    format!("/posts/{id}")
}

/// One patient, as the patient page asks for it first.
pub fn patient(id: i64) -> String {
    format!("/patients/{id}")
}

/// One consultation, as the consultation page asks for it first.
pub fn consultation(id: i64) -> String {
    format!("/consultations/{id}")
}

/// A consultation's whole thread (the consultation page's first look at it).
pub fn thread(id: i64) -> String {
    format!("/consultations/{id}/messages?after=0")
}

/// The pages for a doctor who is not signed in; every other page sends such a visitor to
/// sign in.
pub fn is_signed_out_page(path: &str) -> bool {
    let path = path.split(['?', '#']).next().unwrap_or("");
    matches!(
        path.trim_end_matches('/'),
        "/login" | "/register" | "/reset-password" | "/appeal"
    )
}

/// Paths (under `API_PREFIX`) that the page at `path` requests first.
pub fn first_requests(path: &str) -> Vec<String> {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let mut first = vec![ME.to_owned()];
    let path = path.trim_end_matches('/');
    // The reviewer console is for hospital staff: no inbox, so no badge to count.
    if path == "/review" || path.starts_with("/review/") {
        return first;
    }
    if is_signed_out_page(path) {
        // Nothing but the session check.
        return first;
    }
    match path {
        "" => first.extend([NEW_CONSULTATIONS.into(), VERIFICATION.into(), TODAY.into()]),
        _ => {
            first.push(NEW_CONSULTATIONS.into());
            let opened = path
                .strip_prefix("/inbox/")
                .and_then(|id| id.parse::<i64>().ok());
            if let Some(id) = opened {
                first.extend([consultation(id), thread(id)]);
            }
            if path == "/me/security" {
                first.push(SESSIONS.into());
            }
            if path == "/me/delete" {
                first.push(DELETION.into());
            }
            // Not `/me/activity` nor `/me/notifications`: the server words their entries
            // in the language asked for, and a preload asks in the browser's language, not
            // the one chosen in the app.
            if path == "/patients" {
                first.push(MY_PATIENTS.into());
            }
            if path == "/follow-ups" {
                first.push(FOLLOW_UPS_TODAY.into());
            }
            if path == "/posts" {
                first.push(MY_POSTS.into());
            }
            if path == "/posts/new" {
                first.push(POST_RULES.into());
            }
            let edited = path
                .strip_prefix("/posts/")
                .and_then(|rest| rest.strip_suffix("/edit"))
                .and_then(|id| id.parse::<i64>().ok());
            if let Some(id) = edited {
                first.extend([post(id), POST_RULES.into()]);
            }
            let patient_page = path
                .strip_prefix("/patients/")
                .and_then(|id| id.parse::<i64>().ok());
            if let Some(id) = patient_page {
                first.push(patient(id));
            }
        }
    }
    first
}

/// The request whose answer the page's boot script draws before the wasm runs: the first
/// rows of the inbox, into index.html's frame of it (`.boot-inbox`, `xtask/src/boot.js`).
/// For a page a signed-in doctor opens; always one of the page's `first_requests`.
pub fn drawn_early(path: &str) -> Option<&'static str> {
    let path = path.split(['?', '#']).next().unwrap_or("");
    (path.trim_end_matches('/') == "/inbox").then_some(NEW_CONSULTATIONS)
}

/// The app's parts that load on demand: the names of their `#[lazy]` view functions
/// (`src/pages/lazy.rs`), which wasm-split turns into `split_<name>_….wasm` and the build
/// lists with every chunk each needs (`lazy-parts.json`). The server preloads the part a
/// page shows, so a deep link fetches it beside the main module instead of after it.
pub mod parts {
    pub const LOGIN: &str = "login_view";
    pub const REGISTER: &str = "register_view";
    pub const RESET_PASSWORD: &str = "reset_password_view";
    pub const CONSULTATION_THREAD: &str = "consultation_thread_view";
    pub const AGREEMENTS: &str = "agreements_view";
    pub const AGREEMENT_READ: &str = "agreement_read_view";
    pub const ACCEPTANCE_HISTORY: &str = "acceptance_history_view";
    pub const ME: &str = "me_view";
    pub const SECURITY: &str = "security_view";
    pub const DELETION: &str = "deletion_view";
    pub const ACTIVITY: &str = "activity_view";
    pub const NOTIFICATIONS: &str = "notifications_view";
    pub const CONSULTATION_SETTINGS: &str = "consultation_settings_view";
    pub const ONBOARDING: &str = "onboarding_view";
    pub const REVIEW_QUEUE: &str = "review_queue_view";
    pub const REVIEW_AGREEMENTS: &str = "review_agreements_view";
    pub const REVIEW_SUBMISSION: &str = "review_submission_view";
    pub const PATIENTS: &str = "patients_view";
    pub const PATIENT: &str = "patient_view";
    pub const FOLLOW_UPS: &str = "follow_ups_view";
    pub const POSTS: &str = "posts_view";
    pub const POST_EDITOR: &str = "post_editor_view";
    pub const REVIEW_POSTS: &str = "review_posts_view";
    pub const REVIEW_POST: &str = "review_post_view";
    pub const APPEAL: &str = "appeal_view";
    pub const REVIEW_APPEALS: &str = "review_appeals_view";
    pub const REVIEW_APPEAL: &str = "review_appeal_view";

    /// Every part, for the server to check the build against.
    pub const ALL: [&str; 27] = [
        LOGIN,
        REGISTER,
        RESET_PASSWORD,
        CONSULTATION_THREAD,
        AGREEMENTS,
        AGREEMENT_READ,
        ACCEPTANCE_HISTORY,
        ME,
        SECURITY,
        DELETION,
        ACTIVITY,
        NOTIFICATIONS,
        CONSULTATION_SETTINGS,
        ONBOARDING,
        REVIEW_QUEUE,
        REVIEW_AGREEMENTS,
        REVIEW_SUBMISSION,
        PATIENTS,
        PATIENT,
        FOLLOW_UPS,
        POSTS,
        POST_EDITOR,
        REVIEW_POSTS,
        REVIEW_POST,
        APPEAL,
        REVIEW_APPEALS,
        REVIEW_APPEAL,
    ];
}

/// The lazy part that the page at `path` shows (the router's table in `src/app.rs`).
pub fn part_shown(path: &str) -> Option<&'static str> {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    Some(match segments.as_slice() {
        ["login"] => parts::LOGIN,
        ["register"] => parts::REGISTER,
        ["reset-password"] => parts::RESET_PASSWORD,
        ["appeal"] => parts::APPEAL,
        ["inbox", _] => parts::CONSULTATION_THREAD,
        ["agreements"] => parts::AGREEMENTS,
        ["agreements", _, _] => parts::AGREEMENT_READ,
        ["me", "agreements"] => parts::ACCEPTANCE_HISTORY,
        ["me"] => parts::ME,
        ["me", "security"] => parts::SECURITY,
        ["me", "delete"] => parts::DELETION,
        ["me", "activity"] => parts::ACTIVITY,
        ["me", "notifications"] => parts::NOTIFICATIONS,
        ["settings", "consultation"] => parts::CONSULTATION_SETTINGS,
        ["onboarding"] => parts::ONBOARDING,
        ["review"] => parts::REVIEW_QUEUE,
        ["review", "agreements"] => parts::REVIEW_AGREEMENTS,
        ["review", "posts"] => parts::REVIEW_POSTS,
        ["review", "posts", _] => parts::REVIEW_POST,
        ["review", "appeals"] => parts::REVIEW_APPEALS,
        ["review", "appeals", _] => parts::REVIEW_APPEAL,
        ["review", _] => parts::REVIEW_SUBMISSION,
        ["patients"] => parts::PATIENTS,
        ["patients", _] => parts::PATIENT,
        ["follow-ups"] => parts::FOLLOW_UPS,
        ["posts"] => parts::POSTS,
        ["posts", "new"] | ["posts", _, "edit"] => parts::POST_EDITOR,
        _ => return None,
    })
}

/// The part a doctor most likely opens next from the page at `path`: the browser fetches
/// it when idle, so opening a consultation from home or the inbox waits for nothing.
pub fn part_next(path: &str) -> Option<&'static str> {
    let path = path
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .trim_end_matches('/');
    matches!(path, "" | "/inbox").then_some(parts::CONSULTATION_THREAD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_inbox_is_drawn_early_from_one_of_its_first_requests() {
        for path in ["/inbox", "/inbox/", "/inbox?from=wechat"] {
            let drawn = drawn_early(path).expect(path);
            assert!(first_requests(path).iter().any(|r| r == drawn), "{path}");
        }
        for path in ["/", "/inbox/12", "/patients", "/login", "/inboxes"] {
            assert_eq!(drawn_early(path), None, "{path}");
        }
    }

    #[test]
    fn each_page_names_the_part_it_shows_and_the_one_likely_next() {
        assert_eq!(
            part_shown("/inbox/12?x=1"),
            Some(parts::CONSULTATION_THREAD)
        );
        assert_eq!(part_shown("/agreements"), Some(parts::AGREEMENTS));
        assert_eq!(
            part_shown("/agreements/privacy-policy/1.2.0"),
            Some(parts::AGREEMENT_READ)
        );
        assert_eq!(
            part_shown("/me/agreements"),
            Some(parts::ACCEPTANCE_HISTORY)
        );
        assert_eq!(
            part_shown("/settings/consultation/"),
            Some(parts::CONSULTATION_SETTINGS)
        );
        assert_eq!(part_shown("/onboarding"), Some(parts::ONBOARDING));
        assert_eq!(part_shown("/review"), Some(parts::REVIEW_QUEUE));
        assert_eq!(
            part_shown("/review/agreements"),
            Some(parts::REVIEW_AGREEMENTS)
        );
        assert_eq!(part_shown("/review/7"), Some(parts::REVIEW_SUBMISSION));
        assert_eq!(part_shown("/patients"), Some(parts::PATIENTS));
        assert_eq!(part_shown("/patients/7"), Some(parts::PATIENT));
        assert_eq!(part_shown("/follow-ups"), Some(parts::FOLLOW_UPS));
        assert_eq!(part_shown("/posts"), Some(parts::POSTS));
        assert_eq!(part_shown("/posts/new"), Some(parts::POST_EDITOR));
        assert_eq!(part_shown("/posts/4/edit"), Some(parts::POST_EDITOR));
        assert_eq!(part_shown("/review/posts"), Some(parts::REVIEW_POSTS));
        assert_eq!(part_shown("/review/posts/4"), Some(parts::REVIEW_POST));
        assert_eq!(part_shown("/register"), Some(parts::REGISTER));
        assert_eq!(
            part_shown("/reset-password?x=1"),
            Some(parts::RESET_PASSWORD)
        );
        assert_eq!(part_shown("/login?next=/inbox"), Some(parts::LOGIN));
        for path in ["/", "/inbox", "/nowhere/at/all"] {
            assert_eq!(part_shown(path), None, "{path}");
        }
        assert_eq!(part_next("/"), Some(parts::CONSULTATION_THREAD));
        assert_eq!(part_next("/inbox/"), Some(parts::CONSULTATION_THREAD));
        assert_eq!(part_next("/inbox/3"), None);
        assert_eq!(part_next("/login"), None);
        assert!(is_signed_out_page("/login?next=%2Finbox"));
        assert!(is_signed_out_page("/appeal/"));
        assert!(!is_signed_out_page("/inbox"));
    }

    #[test]
    fn each_page_names_what_it_asks_for_first() {
        assert_eq!(
            first_requests("/"),
            [ME, NEW_CONSULTATIONS, VERIFICATION, TODAY]
        );
        assert_eq!(
            first_requests("/follow-ups"),
            [ME, NEW_CONSULTATIONS, FOLLOW_UPS_TODAY]
        );
        assert_eq!(first_requests("/inbox"), [ME, NEW_CONSULTATIONS]);
        assert_eq!(
            first_requests("/inbox/12?x=1"),
            [
                ME,
                NEW_CONSULTATIONS,
                "/consultations/12",
                "/consultations/12/messages?after=0"
            ]
        );
        assert_eq!(first_requests("/inbox/x"), [ME, NEW_CONSULTATIONS]);
        assert_eq!(first_requests("/login"), [ME]);
        assert_eq!(first_requests("/onboarding"), [ME, NEW_CONSULTATIONS]);
        assert_eq!(first_requests("/reviewers"), [ME, NEW_CONSULTATIONS]);
        assert_eq!(first_requests("/review/3"), [ME]);
        assert_eq!(
            first_requests("/patients"),
            [ME, NEW_CONSULTATIONS, MY_PATIENTS]
        );
        assert_eq!(first_requests("/posts"), [ME, NEW_CONSULTATIONS, MY_POSTS]);
        assert_eq!(
            first_requests("/posts/9/edit"),
            [ME, NEW_CONSULTATIONS, "/posts/9", POST_RULES]
        );
        assert_eq!(
            first_requests("/patients/5"),
            [ME, NEW_CONSULTATIONS, "/patients/5"]
        );
    }
}
