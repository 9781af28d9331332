//! The preview of the text: rendered by the server when the doctor pauses, with the same
//! Markdown rules as the public page, so the SPA carries no Markdown parser.

use leptos::{prelude::*, task::spawn_local};

use super::draft::Draft;
use crate::{api, i18n::tr};

#[component]
pub fn Preview(draft: Draft) -> impl IntoView {
    let preview = RwSignal::new(String::new());
    // The preview follows the text when the doctor pauses (the server renders it: the
    // same rules as the public page).
    let preview_timer = StoredValue::new(None::<i32>);
    let asked = StoredValue::new(0u32);
    Effect::new(move || {
        draft.body.track();
        if let Some(old) = preview_timer.get_value() {
            window().clear_timeout_with_handle(old);
        }
        // Reads the text when it fires: a cleared timer keeps its closure, so it holds
        // nothing large.
        let tick = wasm_bindgen::closure::Closure::once_into_js(move || {
            let Some(body) = draft.body.try_get_untracked() else {
                return;
            };
            // Nothing to render: no request (a new post opens empty).
            if body.trim().is_empty() {
                asked.try_update_value(|n| *n += 1);
                preview.try_set(String::new());
                return;
            }
            let n = asked.try_update_value(|n| {
                *n += 1;
                *n
            });
            spawn_local(async move {
                if let Ok(p) = api::posts::preview(&body).await {
                    // An older answer arriving late is dropped.
                    if n.is_some() && asked.try_get_value() == n {
                        preview.try_set(p.html);
                    }
                }
            });
        });
        let handle = window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                wasm_bindgen::JsCast::unchecked_ref(&tick),
                500,
            )
            .ok();
        preview_timer.set_value(handle);
    });
    on_cleanup(move || {
        if let Some(Some(old)) = preview_timer.try_get_value() {
            window().clear_timeout_with_handle(old);
        }
    });
    view! {
        <article class="post-preview" data-testid="preview">
            <Show when=move || draft.ai_assisted.get()>
                <p class="ai-label">{tr(|t| t.ai_label())}</p>
            </Show>
            <h2>{move || draft.title.get()}</h2>
            // The server's one Markdown renderer made this HTML with ammonia: no raw HTML, only
            // http(s) links, our images only.
            <div class="post-body" inner_html=move || preview.get()></div> // sanitized: server-side, as said above
        </article>
    }
}
