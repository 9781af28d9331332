//! The one toast system: short messages that announce themselves to screen readers and
//! go away by themselves (or when tapped).

use std::time::Duration;

use leptos::prelude::*;

use crate::i18n::tr;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ToastKind {
    Info,
    Error,
}

#[derive(Clone, Debug)]
struct Toast {
    id: u64,
    kind: ToastKind,
    text: String,
}

#[derive(Clone, Copy)]
pub struct Toasts {
    list: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toasts {
    pub fn info(&self, text: impl Into<String>) {
        self.push(ToastKind::Info, text.into());
    }

    pub fn error(&self, text: impl Into<String>) {
        self.push(ToastKind::Error, text.into());
    }

    fn push(&self, kind: ToastKind, text: String) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.list.update(|l| l.push(Toast { id, kind, text }));
        let list = self.list;
        set_timeout(
            move || list.try_update(|l| l.retain(|t| t.id != id)).unwrap_or(()),
            Duration::from_secs(5),
        );
    }

    fn dismiss(&self, id: u64) {
        self.list.update(|l| l.retain(|t| t.id != id));
    }
}

pub fn provide_toasts() -> Toasts {
    let toasts = Toasts {
        list: RwSignal::new(Vec::new()),
        next_id: StoredValue::new(0),
    };
    provide_context(toasts);
    toasts
}

pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

/// Where toasts appear; rendered once by the app root.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = use_toasts();
    view! {
        <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
            <For each=move || toasts.list.get() key=|toast| toast.id let:toast>
                <div class="toast" class:toast-error=toast.kind == ToastKind::Error>
                    <span>{toast.text.clone()}</span>
                    <button
                        type="button"
                        class="toast-dismiss"
                        aria-label=tr(|t| t.dismiss())
                        on:click=move |_| toasts.dismiss(toast.id)
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}
