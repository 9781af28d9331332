//! Real time for the doctor app: one `EventSource` on `/api/v1/events`. The browser
//! reconnects by itself and sends `Last-Event-ID`, so the server replays what was missed;
//! on every (re)connection and whenever the page becomes visible again (a phone waking
//! up) pages also resync from the API, so nothing is ever missed.

use doctor_desk_api::inbox::InboxEvent;
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
    /// New requests waiting (待接诊), for the tab bar and the page title.
    pub waiting: RwSignal<u32>,
}

pub fn use_inbox_events() -> Option<InboxEvents> {
    use_context::<InboxEvents>()
}

/// Opens the stream for the signed-in doctor; closed when the shell goes away.
pub fn provide_inbox_events() -> InboxEvents {
    let events = InboxEvents {
        last: RwSignal::new(None),
        resync: RwSignal::new(0),
        waiting: RwSignal::new(0),
    };
    provide_context(events);
    let Ok(source) = web_sys::EventSource::new(&format!("{}/events", doctor_desk_api::API_PREFIX))
    else {
        return events;
    };
    let on_event =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            if let Some(event) = e
                .data()
                .as_string()
                .and_then(|d| serde_json::from_str::<InboxEvent>(&d).ok())
            {
                events.last.set(Some(event));
            }
        });
    for name in ["consultation_new", "message", "status_changed"] {
        let _ = source.add_event_listener_with_callback(name, on_event.as_ref().unchecked_ref());
    }
    let on_open = Closure::<dyn FnMut()>::new(move || events.resync.update(|n| *n += 1));
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    let on_visible = Closure::<dyn FnMut()>::new(move || {
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            events.resync.update(|n| *n += 1);
        }
    });
    let _ = document()
        .add_event_listener_with_callback("visibilitychange", on_visible.as_ref().unchecked_ref());
    let kept = SendWrapper::new((source, on_event, on_open, on_visible));
    on_cleanup(move || {
        let (source, _, _, on_visible) = kept.take();
        source.close();
        let _ = document().remove_event_listener_with_callback(
            "visibilitychange",
            on_visible.as_ref().unchecked_ref(),
        );
    });

    // The waiting count follows every event and resync; the title shows it.
    Effect::new(move || {
        events.last.track();
        events.resync.track();
        spawn_local(async move {
            if let Ok(page) = api::consultations("new", "", None).await {
                events.waiting.set(page.counts.new);
            }
        });
    });
    let i18n = use_i18n();
    Effect::new(move || {
        let name = i18n.texts().app_name;
        let title = match events.waiting.get() {
            0 => name.to_owned(),
            n => format!("({n}) {name}"),
        };
        document().set_title(&title);
    });
    events
}
