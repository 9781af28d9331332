//! The API requests a page starts with (`doctor_desk_api::preload`), sent the moment the
//! app starts instead of one after another (`GET /me` first, the page's own data only
//! once the session is known). The first `api` call for each URL takes its answer; later
//! calls go to the network as usual. Where the server preloaded them (Chromium) these
//! fetches get the preloaded answers, so each request still crosses the network once.

use std::{cell::RefCell, collections::HashMap};

thread_local! {
    static STARTED: RefCell<HashMap<String, js_sys::Promise>> = RefCell::new(HashMap::new());
}

/// Starts the first requests of the page at `path`.
pub fn start(path: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    for request in doctor_desk_api::preload::first_requests(path) {
        let url = format!("{}{request}", doctor_desk_api::API_PREFIX);
        let answer = window.fetch_with_str(&url);
        STARTED.with(|started| started.borrow_mut().insert(url, answer));
    }
}

/// The answer to `url` if it was started early; only the first caller gets it.
pub fn take(url: &str) -> Option<js_sys::Promise> {
    STARTED.with(|started| started.borrow_mut().remove(url))
}
