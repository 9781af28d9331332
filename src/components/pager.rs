//! Rows loaded a cursor page at a time (the inbox, my patients, the follow-ups): the first
//! page replaces what is shown, each next page adds the rows not shown yet, and a page that
//! arrives for a search or filter the doctor has since changed is dropped.

use std::future::Future;

use doctor_desk_api::{follow_ups::FollowUpPage, inbox::ConsultationPage, patients::PatientPage};
use leptos::{prelude::*, task::spawn_local};

use crate::{api::ApiError, i18n::tr};

/// A page of a cursor-paged list.
pub trait CursorPage {
    type Row;
    /// Its rows, and the cursor of the page after it (`None` on the last).
    fn into_rows(self) -> (Vec<Self::Row>, Option<String>);
}

macro_rules! cursor_pages {
    ($($page:ty => $row:ty),*) => {$(
        impl CursorPage for $page {
            type Row = $row;
            fn into_rows(self) -> (Vec<$row>, Option<String>) {
                (self.items, self.next_cursor)
            }
        }
    )*};
}

cursor_pages! {
    ConsultationPage => doctor_desk_api::inbox::ConsultationRow,
    PatientPage => doctor_desk_api::patients::PatientRow,
    FollowUpPage => doctor_desk_api::follow_ups::FollowUp,
    doctor_desk_api::posts::PostPage => doctor_desk_api::posts::PostRow
}

/// The rows loaded so far, where the next page starts, and whether it is on its way.
pub struct Pager<T: 'static> {
    pub rows: RwSignal<Vec<T>>,
    pub cursor: RwSignal<Option<String>>,
    pub loading: RwSignal<bool>,
    /// Tells rows apart: a row already shown is not added twice (a list reloaded from its
    /// top while the doctor scrolled can send it again).
    id: fn(&T) -> i64,
}

impl<T> Clone for Pager<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Pager<T> {}

impl<T: Send + Sync + 'static> Pager<T> {
    pub fn new(id: fn(&T) -> i64) -> Self {
        Pager {
            rows: RwSignal::new(Vec::new()),
            cursor: RwSignal::new(None),
            loading: RwSignal::new(false),
            id,
        }
    }

    /// Shows a first page instead of everything loaded.
    pub fn show_first(&self, page: impl CursorPage<Row = T>) {
        let (rows, next) = page.into_rows();
        self.rows.set(rows);
        self.cursor.set(next);
    }

    /// Asks for the next page (when there is one and none is on its way) with `fetch`,
    /// for the list `filter` reads now (untracked), and adds its rows if the list is still
    /// that one when it comes.
    pub fn load_more<K, P, Fut>(
        &self,
        filter: impl Fn() -> K + 'static,
        fetch: impl FnOnce(K, String) -> Fut + 'static,
    ) where
        K: PartialEq + Clone + 'static,
        P: CursorPage<Row = T>,
        Fut: Future<Output = Result<P, ApiError>> + 'static,
    {
        let Some(cursor) = self.cursor.get_untracked() else {
            return;
        };
        if self.loading.get_untracked() {
            return;
        }
        self.loading.set(true);
        let pager = *self;
        let asked = filter();
        spawn_local(async move {
            let page = fetch(asked.clone(), cursor).await;
            if let (Ok(page), true) = (page, filter() == asked) {
                let (more, next) = page.into_rows();
                let id = pager.id;
                pager.rows.update(|rows| {
                    for row in more {
                        if !rows.iter().any(|r| id(r) == id(&row)) {
                            rows.push(row);
                        }
                    }
                });
                pager.cursor.set(next);
            }
            pager.loading.set(false);
        });
    }
}

/// The button under a list that loads its next page (scrolling near the end does too,
/// but not every doctor scrolls, and a keyboard needs a control).
#[component]
pub fn LoadMore<T: Send + Sync + 'static>(
    pager: Pager<T>,
    #[prop(into)] on_click: Callback<()>,
) -> impl IntoView {
    view! {
        <Show when=move || pager.cursor.with(Option::is_some)>
            <button
                type="button"
                class="button"
                data-testid="load-more"
                disabled=move || pager.loading.get()
                on:click=move |_| on_click.run(())
            >
                {tr(|t| t.load_more())}
            </button>
        </Show>
    }
}
