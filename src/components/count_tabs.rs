//! Tabs that each show how many items they hold (the follow-up lists, my posts): a
//! `tablist` whose selected tab is marked, with counts that follow the data.

use leptos::prelude::*;

use crate::i18n::{tr, use_texts, Texts};

#[component]
pub fn CountTabs<K>(
    keys: &'static [K],
    selected: Signal<K>,
    /// A tab's `data-testid` is `{prefix}-{key}`, its count's `{prefix}-{key}-count`.
    prefix: &'static str,
    key_name: fn(K) -> &'static str,
    label: fn(&'static Texts, K) -> &'static str,
    /// The tab list's accessible name.
    name: fn(&'static Texts) -> &'static str,
    #[prop(into)] count: Callback<K, u32>,
    #[prop(into)] on_select: Callback<K>,
) -> impl IntoView
where
    K: Copy + PartialEq + Send + Sync + 'static,
{
    let t = use_texts();
    view! {
        <div class="tabs" role="tablist" aria-label=tr(name)>
            {keys
                .iter()
                .map(|&key| {
                    let id = format!("{prefix}-{}", key_name(key));
                    view! {
                        <button
                            type="button"
                            role="tab"
                            class="tab"
                            data-testid=id.clone()
                            aria-selected=move || (selected.get() == key).to_string()
                            on:click=move |_| on_select.run(key)
                        >
                            {move || label(t(), key)}
                            " "
                            <span class="tab-count" data-testid=format!("{id}-count")>
                                {move || count.run(key)}
                            </span>
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
