//! List and detail side by side on a desktop screen (≥ 1100 px): the inbox and my
//! patients keep their list on the left while a consultation or a patient's file opens on
//! the right, so a doctor goes through them one after another without losing their place.
//! On phones they stay two screens: the parent route shows only the page of its child.
//!
//! Each list is a parent route (`SplitLayout`) with the detail as its child route; its
//! index child (`SplitIndex`) is the list itself on a phone and a hint on a desktop, where
//! the parent already shows the list.

use leptos::prelude::*;
use leptos_router::components::Outlet;

use crate::i18n::{tr, Texts};

/// The width from which list and detail share the screen; `style/main.css` has the same.
const WIDE_PX: f64 = 1100.0;

/// Whether list and detail fit side by side, kept up to date as the window is resized.
fn use_wide() -> Signal<bool> {
    let width = || {
        window()
            .inner_width()
            .ok()
            .and_then(|w| w.as_f64())
            .unwrap_or(0.0)
    };
    let wide = RwSignal::new(width() >= WIDE_PX);
    let on_resize = window_event_listener(leptos::ev::resize, move |_| {
        let now = width() >= WIDE_PX;
        if wide.get_untracked() != now {
            wide.set(now);
        }
    });
    on_cleanup(move || on_resize.remove());
    wide.into()
}

/// The parent route of a list: on a desktop the list and the child route's page side by
/// side; on a phone only the child's page.
#[component]
pub fn SplitLayout(#[prop(into)] list: ViewFn) -> impl IntoView {
    let wide = use_wide();
    move || {
        if wide.get() {
            let list = list.clone();
            view! {
                <div class="split" data-testid="split">
                    <div class="split-list">{move || list.run()}</div>
                    <div class="split-detail">
                        <Outlet />
                    </div>
                </div>
            }
            .into_any()
        } else {
            view! { <Outlet /> }.into_any()
        }
    }
}

/// The index child of a `SplitLayout`: the list on a phone; on a desktop, where the parent
/// shows the list, what to do next.
#[component]
pub fn SplitIndex(
    #[prop(into)] list: ViewFn,
    hint: fn(&'static Texts) -> &'static str,
) -> impl IntoView {
    let wide = use_wide();
    move || {
        if wide.get() {
            view! {
                <p class="split-hint muted" data-testid="split-hint">
                    {tr(hint)}
                </p>
            }
            .into_any()
        } else {
            list.run()
        }
    }
}
