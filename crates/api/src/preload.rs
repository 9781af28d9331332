//! What a page asks the API for as soon as it starts, in one table for both sides. The
//! server names these requests in `<link rel="preload" as="fetch">` of the page it sends,
//! so their answers are on the way while the wasm downloads; the SPA asks for exactly
//! these paths (`api.rs` builds them from the same constants), so the browser hands it
//! the preloaded answers instead of asking twice.

/// Who is signed in: every page asks first.
pub const ME: &str = "/me";
/// Where verification stands (the home page's status card and expiry warnings).
pub const VERIFICATION: &str = "/me/verification";
/// The first page of new consultations: the inbox list, and the tab bar badge's count
/// on every other page of the doctor app.
pub const NEW_CONSULTATIONS: &str = "/consultations?status=new&limit=50&q=";

/// One consultation, as the consultation page asks for it first.
pub fn consultation(id: i64) -> String {
    format!("/consultations/{id}")
}

/// A consultation's whole thread (the consultation page's first look at it).
pub fn thread(id: i64) -> String {
    format!("/consultations/{id}/messages?after=0")
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
    match path {
        // Signed out: nothing but the session check.
        "/login" | "/register" | "/reset-password" => {}
        "" => first.extend([NEW_CONSULTATIONS.into(), VERIFICATION.into()]),
        _ => {
            first.push(NEW_CONSULTATIONS.into());
            let opened = path
                .strip_prefix("/inbox/")
                .and_then(|id| id.parse::<i64>().ok());
            if let Some(id) = opened {
                first.extend([consultation(id), thread(id)]);
            }
        }
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_names_what_it_asks_for_first() {
        assert_eq!(first_requests("/"), [ME, NEW_CONSULTATIONS, VERIFICATION]);
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
    }
}
