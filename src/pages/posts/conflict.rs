//! "Changed on another device": the server has a newer version than the one this
//! device's text was based on. Both texts are shown and the doctor chooses; nothing is
//! overwritten without that choice.

use doctor_desk_api::posts::Post;
use leptos::prelude::*;

use super::draft::Draft;
use crate::i18n::tr;

#[component]
pub fn ConflictChooser(draft: Draft, theirs: Post) -> impl IntoView {
    let (keep, take) = (theirs.clone(), theirs.clone());
    view! {
        <section class="card conflict" role="alert" data-testid="conflict">
            <h2>{tr(|t| t.conflict_title())}</h2>
            <p>{tr(|t| t.conflict_hint())}</p>
            <div class="conflict-versions">
                <div>
                    <h3>{tr(|t| t.conflict_mine())}</h3>
                    <p class="conflict-title">{move || draft.title.get()}</p>
                    <pre class="conflict-text" data-testid="conflict-mine">
                        {move || draft.body.get()}
                    </pre>
                </div>
                <div>
                    <h3>{tr(|t| t.conflict_theirs())}</h3>
                    <p class="conflict-title">{theirs.title.clone()}</p>
                    <pre class="conflict-text" data-testid="conflict-theirs">
                        {theirs.body.clone()}
                    </pre>
                </div>
            </div>
            <div class="actions">
                <button
                    type="button"
                    class="button button-primary"
                    data-testid="conflict-keep-mine"
                    on:click=move |_| draft.keep_mine(&keep)
                >
                    {tr(|t| t.conflict_keep_mine())}
                </button>
                <button
                    type="button"
                    class="button"
                    data-testid="conflict-take-theirs"
                    on:click=move |_| draft.take_theirs(&take)
                >
                    {tr(|t| t.conflict_take_theirs())}
                </button>
            </div>
        </section>
    }
}
