//! A list read a page at a time: the first page from a resource the page owns (and
//! reloads when its filters change), then "load more" after each page's cursor.

use std::future::Future;

use leptos::prelude::*;

use crate::{
    api::ApiResult,
    components::fetched::Fetched,
    i18n::{tr, Texts},
};

/// A page of a cursor-paged list.
pub trait CursorPage: Clone + Send + Sync + 'static {
    type Item: Clone + Send + Sync + 'static;
    fn split(self) -> (Vec<Self::Item>, Option<String>);
}

impl CursorPage for doctor_desk_api::account::activity::ActivityPage {
    type Item = doctor_desk_api::account::activity::ActivityEntry;
    fn split(self) -> (Vec<Self::Item>, Option<String>) {
        (self.items, self.next_cursor)
    }
}

impl CursorPage for doctor_desk_api::account::notifications::NotificationPage {
    type Item = doctor_desk_api::account::notifications::Notification;
    fn split(self) -> (Vec<Self::Item>, Option<String>) {
        (self.items, self.next_cursor)
    }
}

/// The list (`data-testid` `testid`), or `empty`'s words (`{testid}-empty`), and a
/// "load more" button (`{testid}-more`) while there is more.
#[component]
pub fn MoreList<P, L, Fut, R, V>(
    first: Fetched<P>,
    load: L,
    row: R,
    empty: fn(&'static Texts) -> &'static str,
    testid: &'static str,
) -> impl IntoView
where
    P: CursorPage,
    L: Fn(String) -> Fut + Copy + 'static,
    Fut: Future<Output = ApiResult<P>> + 'static,
    R: Fn(P::Item) -> V + Copy + Send + Sync + 'static,
    V: IntoView + 'static,
{
    // Pages read after the first; cleared when the first reads again.
    let more = RwSignal::new(Vec::<P::Item>::new());
    let cursor = RwSignal::new(None::<String>);
    Effect::new(move || {
        if let Some(Ok(page)) = first.get() {
            more.set(Vec::new());
            cursor.set(page.split().1);
        }
    });
    let load_more = Action::new_local(move |c: &String| load(c.clone()));
    Effect::new(move || {
        if let Some(Ok(page)) = load_more.value().get() {
            let (items, next) = page.split();
            more.update(|m| m.extend(items));
            cursor.set(next);
        }
    });
    view! {
        <Transition fallback=|| {
            view! { <p class="page-loading">{tr(|t| t.loading())}</p> }
        }>
            {move || {
                first
                    .get()
                    .map(|result| match result.map(CursorPage::split) {
                        Err(e) => view! { <p role="alert">{e.message}</p> }.into_any(),
                        Ok((items, _)) if items.is_empty() => {
                            view! {
                                <p class="muted" data-testid=format!("{testid}-empty")>
                                    {tr(empty)}
                                </p>
                            }
                                .into_any()
                        }
                        Ok((items, _)) => {
                            view! {
                                <ul class="card paged-list" data-testid=testid>
                                    {items.into_iter().map(row).collect_view()}
                                    {move || more.get().into_iter().map(row).collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
        {move || {
            cursor
                .get()
                .map(|c| {
                    view! {
                        <button
                            type="button"
                            class="button button-quiet"
                            data-testid=format!("{testid}-more")
                            disabled=move || load_more.pending().get()
                            on:click=move |_| {
                                load_more.dispatch(c.clone());
                            }
                        >
                            {tr(|t| t.activity_more())}
                        </button>
                    }
                })
        }}
    }
}
