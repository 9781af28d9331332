use leptos::prelude::*;

use crate::i18n::{use_i18n, Texts};

/// Picks a label from the catalog.
pub type Label = fn(&'static Texts) -> &'static str;

/// A definition list of labelled values (a profile at a glance). One row type serves every
/// summary, which keeps the wasm small.
#[component]
pub fn Summary(
    rows: Vec<(Label, Signal<String>)>,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <dl class="card summary" data-testid=testid>
            {rows
                .into_iter()
                .map(|(label, value)| {
                    view! {
                        <dt>{move || label(i18n.texts())}</dt>
                        <dd>{value}</dd>
                    }
                })
                .collect_view()}
        </dl>
    }
}
