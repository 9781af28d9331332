//! Real time for the doctor app: one `EventSource` on `/api/v1/events`. It opens once the
//! first page of consultations is known, from that page's `last_event_id`, so the server
//! replays anything that happened after the page and the first connection reloads
//! nothing. The browser reconnects by itself and sends `Last-Event-ID`, so the server
//! replays what was missed; on every *re*connection and whenever the page becomes visible
//! again (a phone waking up) pages also resync from the API, so nothing is ever missed.

use std::{
    cell::{Cell, RefCell},
    rc::{Rc, Weak},
};

use doctor_desk_api::inbox::{EventKind, InboxEvent};
use leptos::{prelude::*, task::spawn_local};
use send_wrapper::SendWrapper;
use wasm_bindgen::{closure::Closure, JsCast};

use crate::{api, i18n::use_i18n};

#[derive(Clone, Copy)]
pub struct InboxEvents {
    /// The latest event.
    pub last: RwSignal<Option<InboxEvent>>,
    /// Bumped when pages should reload what they show (reconnected, visible again).
    pub resync: RwSignal<u64>,
    /// What waits for the doctor: new requests (待接诊) and unread patient messages, for
    /// the tab bar and the page title.
    pub waiting: RwSignal<u32>,
    /// The live link is down (set on an error, cleared when it opens again).
    pub offline: RwSignal<bool>,
    /// The inbox list is on screen: it fetches the counts with its first page, so the
    /// badge does not ask for them a second time.
    pub list_open: RwSignal<bool>,
    /// Where the stream starts: the newest event of the first page the app read (-1 when
    /// that page could not be read).
    from: RwSignal<Option<i64>>,
}

impl InboxEvents {
    /// What a first page of consultations says: the counts for the badge and, the first
    /// time, where the event stream starts.
    pub fn page_read(&self, page: &doctor_desk_api::inbox::ConsultationPage) {
        self.counted(page.counts);
        if self.from.get_untracked().is_none() {
            self.from.set(Some(page.last_event_id));
        }
    }

    /// Counts from the server (a page, or the answer to marking a thread read).
    pub fn counted(&self, counts: doctor_desk_api::inbox::StatusCounts) {
        self.waiting.set(counts.new + counts.unread);
    }

    /// The first page could not be read (offline): the stream still opens, from now.
    pub fn page_failed(&self) {
        if self.from.get_untracked().is_none() {
            self.from.set(Some(-1));
        }
    }
}

pub fn use_inbox_events() -> Option<InboxEvents> {
    use_context::<InboxEvents>()
}

const EVENT_NAMES: [&str; 4] = [
    "consultation_new",
    "message",
    "status_changed",
    "notification",
];
const FIRST_RETRY_MS: i32 = 1_000;
const LAST_RETRY_MS: i32 = 30_000;

/// The stream and its handlers. The browser retries a dropped connection by itself, but
/// gives up for good on an HTTP error (a proxy's 502 during a deploy); then a new stream
/// is opened after a growing pause.
struct Link {
    source: RefCell<Option<web_sys::EventSource>>,
    on_event: Closure<dyn FnMut(web_sys::MessageEvent)>,
    on_open: Closure<dyn FnMut()>,
    on_error: Closure<dyn FnMut()>,
    reopen: Closure<dyn FnMut()>,
    delay: Cell<i32>,
    stopped: Cell<bool>,
    /// The newest event id seen (or the start): a new stream resumes after it.
    after: Cell<i64>,
    /// Whether a stream opened before: only a reopening makes pages resync.
    opened: Cell<bool>,
    /// Closed for the back/forward cache: nothing opens until the page is shown again.
    suspended: Cell<bool>,
    /// The pending reopening after an error, if any.
    timer: Cell<Option<i32>>,
}

impl Link {
    fn open(&self) {
        if self.stopped.get() || self.suspended.get() {
            return;
        }
        let url = match self.after.get() {
            // Start unknown (the first page could not be read): from now on.
            after if after < 0 => format!("{}/events", doctor_desk_api::API_PREFIX),
            after => format!(
                "{}/events?last_event_id={after}",
                doctor_desk_api::API_PREFIX
            ),
        };
        let Ok(source) = web_sys::EventSource::new(&url) else {
            return;
        };
        for name in EVENT_NAMES {
            let _ = source
                .add_event_listener_with_callback(name, self.on_event.as_ref().unchecked_ref());
        }
        source.set_onopen(Some(self.on_open.as_ref().unchecked_ref()));
        source.set_onerror(Some(self.on_error.as_ref().unchecked_ref()));
        if let Some(old) = self.source.replace(Some(source)) {
            old.close();
        }
    }

    /// Closes the stream while the page sits in the back/forward cache: a cached page
    /// keeps its connections, and a few cached pages each holding a stream use up the
    /// browser's six connections to the server, so the next page never loads.
    fn suspend(&self) {
        let mut held = false;
        if let Some(source) = self.source.take() {
            source.close();
            held = true;
        }
        if let Some(id) = self.timer.take() {
            window().clear_timeout_with_handle(id);
            held = true;
        }
        self.suspended.set(held);
    }

    /// The page came back from that cache: a new stream resumes after the last event
    /// seen, and its opening makes the pages resync.
    fn resume(&self) {
        if self.suspended.replace(false) {
            // What the page shows is as old as the cache: the new stream's opening
            // makes the pages reload, also when no stream had opened before.
            self.opened.set(true);
            self.open();
        }
    }

    /// Care resumed (deletion cancelled, consent given again): the server takes the stream
    /// again, so open it now rather than after the pause the refusals built up.
    fn retry_now(&self) {
        // Without a pending reopening the stream is open, reconnecting by itself, or not
        // started yet: nothing to hurry.
        if let Some(id) = self.timer.take() {
            window().clear_timeout_with_handle(id);
            self.delay.set(FIRST_RETRY_MS);
            self.open();
        }
    }

    fn stop(&self) {
        self.stopped.set(true);
        if let Some(source) = self.source.take() {
            source.close();
        }
    }
}

/// Opens the stream for the signed-in doctor; closed when the shell goes away.
pub fn provide_inbox_events() -> InboxEvents {
    let events = InboxEvents {
        last: RwSignal::new(None),
        resync: RwSignal::new(0),
        waiting: RwSignal::new(0),
        offline: RwSignal::new(false),
        list_open: RwSignal::new(false),
        from: RwSignal::new(None),
    };
    provide_context(events);
    let session = crate::session::use_session();
    let link = Rc::new_cyclic(|me: &Weak<Link>| {
        let link = me.clone();
        let on_event =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                if let Some(event) = e
                    .data()
                    .as_string()
                    .and_then(|d| crate::json::from_str::<InboxEvent>(&d))
                {
                    if let Some(link) = link.upgrade() {
                        link.after.set(link.after.get().max(event.id));
                    }
                    if event.kind == EventKind::Notification {
                        // The badge's count comes with who is signed in: ask again.
                        session.recheck();
                    } else {
                        events.last.set(Some(event));
                    }
                }
            });
        let link = me.clone();
        let on_open = Closure::<dyn FnMut()>::new(move || {
            events.offline.set(false);
            let Some(link) = link.upgrade() else { return };
            link.delay.set(FIRST_RETRY_MS);
            // The first stream starts where the first page ended: nothing to reload.
            if link.opened.replace(true) {
                events.resync.update(|n| *n += 1);
            }
        });
        let link = me.clone();
        let on_error = Closure::<dyn FnMut()>::new(move || {
            events.offline.set(true);
            let Some(link) = link.upgrade() else { return };
            let closed = link
                .source
                .borrow()
                .as_ref()
                .is_some_and(|s| s.ready_state() == web_sys::EventSource::CLOSED);
            if closed && !link.stopped.get() {
                // Refused for good: maybe this session was ended from another device.
                crate::session::check_still_signed_in();
                let delay = link.delay.get();
                link.delay.set((delay * 2).min(LAST_RETRY_MS));
                let timer = window().set_timeout_with_callback_and_timeout_and_arguments_0(
                    link.reopen.as_ref().unchecked_ref(),
                    delay,
                );
                link.timer.set(timer.ok());
            }
        });
        let link = me.clone();
        let reopen = Closure::<dyn FnMut()>::new(move || {
            if let Some(link) = link.upgrade() {
                link.timer.set(None);
                link.open();
            }
        });
        Link {
            source: RefCell::new(None),
            on_event,
            on_open,
            on_error,
            reopen,
            delay: Cell::new(FIRST_RETRY_MS),
            stopped: Cell::new(false),
            after: Cell::new(0),
            opened: Cell::new(false),
            suspended: Cell::new(false),
            timer: Cell::new(None),
        }
    });
    // Opened once the first page is known (the badge's count or the inbox list).
    {
        let link = SendWrapper::new(link.clone());
        Effect::new(move || {
            let Some(from) = events.from.get() else {
                return;
            };
            if link.source.borrow().is_none() {
                link.after.set(from);
                // Without a known start the first connection must resync like a reconnect.
                link.opened.set(from < 0);
                link.open();
            }
        });
    }
    {
        let link = SendWrapper::new(link.clone());
        Effect::new(move |was_paused: Option<bool>| {
            let paused = session.care_paused();
            if was_paused == Some(true) && !paused && !link.stopped.get() {
                // The refusals were on purpose, not a lost connection: no banner meanwhile.
                events.offline.set(false);
                link.retry_now();
            }
            paused
        });
    }
    let on_visible = Closure::<dyn FnMut()>::new(move || {
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            events.resync.update(|n| *n += 1);
        }
    });
    let _ = document()
        .add_event_listener_with_callback("visibilitychange", on_visible.as_ref().unchecked_ref());
    let cached = {
        let link = link.clone();
        Closure::<dyn FnMut(web_sys::PageTransitionEvent)>::new(
            move |e: web_sys::PageTransitionEvent| match e.type_().as_str() {
                "pagehide" => link.suspend(),
                _ if e.persisted() => link.resume(),
                _ => {}
            },
        )
    };
    for name in ["pagehide", "pageshow"] {
        let _ = window().add_event_listener_with_callback(name, cached.as_ref().unchecked_ref());
    }
    let kept = SendWrapper::new((link, on_visible, cached));
    on_cleanup(move || {
        let (link, on_visible, cached) = kept.take();
        link.stop();
        let _ = document().remove_event_listener_with_callback(
            "visibilitychange",
            on_visible.as_ref().unchecked_ref(),
        );
        for name in ["pagehide", "pageshow"] {
            let _ =
                window().remove_event_listener_with_callback(name, cached.as_ref().unchecked_ref());
        }
    });

    // The count follows every event and resync; the title shows it. While the inbox list
    // is on screen its own first page carries the counts.
    Effect::new(move || {
        events.last.track();
        events.resync.track();
        if events.list_open.get_untracked() {
            return;
        }
        spawn_local(async move {
            match api::consultations("new", "", None).await {
                Ok(page) => events.page_read(&page),
                Err(_) => events.page_failed(),
            }
        });
    });
    let i18n = use_i18n();
    Effect::new(move || {
        let name = i18n.texts().app_name();
        let title = match events.waiting.get() {
            0 => name.to_owned(),
            n => format!("({n}) {name}"),
        };
        document().set_title(&title);
    });
    events
}
