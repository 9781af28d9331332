//! The page's skeleton (index.html's `.boot`), drawn before the wasm arrives. The app
//! normally takes its place at once. On /inbox with a session (`data-boot="inbox"`) the
//! skeleton is the inbox's frame with the first rows the boot script drew from its early
//! answer: the app then runs beneath it, laid out but unseen (style/main.css), and shows
//! itself when it has drawn its own list, so the rows never blink out in between.

use std::time::Duration;

use leptos::prelude::{document, set_timeout};

/// How long the frame may stand in for an app that has not drawn its list (a page that
/// waits for something else, like the session check failing): then the app shows as it is.
const AT_MOST: Duration = Duration::from_secs(3);

/// Whether the frame stays up while the app starts beneath it.
pub fn kept() -> bool {
    document()
        .document_element()
        .and_then(|root| root.get_attribute("data-boot"))
        .is_some_and(|frame| frame == "inbox")
}

/// Gives the frame's place to the app (once; later calls do nothing).
pub fn remove() {
    let document = document();
    if let Ok(Some(frame)) = document.query_selector("#app > .boot") {
        frame.remove();
    }
    if let Some(root) = document.document_element() {
        let _ = root.remove_attribute("data-boot");
    }
}

/// Removes the frame after `AT_MOST` whatever the app does.
pub fn remove_later() {
    set_timeout(remove, AT_MOST);
}
