//! Browser test: the cursor pager of the long lists adds a next page's new rows once, asks
//! for one page at a time, and drops a page that answers a search the doctor has since
//! changed.

#![cfg(target_arch = "wasm32")]

use std::{cell::Cell, rc::Rc};

use doctor_desk::{
    api::ApiError,
    components::pager::{CursorPage, Pager},
};
use leptos::prelude::*;
use wasm_bindgen_test::*;

mod browser_support;

use browser_support::{fresh_host, until};

wasm_bindgen_test_configure!(run_in_browser);

/// A page of rows that are only their ids.
struct Page(Vec<i64>, Option<&'static str>);

impl CursorPage for Page {
    type Row = i64;
    fn into_rows(self) -> (Vec<i64>, Option<String>) {
        (self.0, self.1.map(str::to_owned))
    }
}

fn pager_at(rows: Vec<i64>, next: Option<&'static str>) -> Pager<i64> {
    // Mounting sets up the executor that runs the pager's requests.
    leptos::mount::mount_to(fresh_host(), || ()).forget();
    let pager = Pager::new(|id: &i64| *id);
    pager.show_first(Page(rows, next));
    pager
}

#[wasm_bindgen_test]
async fn a_next_page_adds_its_new_rows_once() {
    let _owner = Owner::new();
    let pager = pager_at(vec![1, 2, 3], Some("after-3"));
    let asked = Rc::new(Cell::new(0));
    let ask = |asked: &Rc<Cell<u32>>| {
        let asked = asked.clone();
        move |q: &'static str, cursor: String| async move {
            asked.set(asked.get() + 1);
            assert_eq!((q, cursor.as_str()), ("q", "after-3"));
            // Row 3 again: the first page was reloaded while the doctor scrolled.
            Ok::<_, ApiError>(Page(vec![3, 4, 5], None))
        }
    };
    pager.load_more(|| "q", ask(&asked));
    // A second ask while the first is on its way asks nothing.
    pager.load_more(|| "q", ask(&asked));
    until("the page came", || !pager.loading.get_untracked()).await;
    assert_eq!(pager.rows.get_untracked(), vec![1, 2, 3, 4, 5]);
    assert_eq!(pager.cursor.get_untracked(), None);
    // The last page was read: nothing more is asked.
    pager.load_more(|| "q", ask(&asked));
    leptos::task::tick().await;
    assert!(!pager.loading.get_untracked());
    assert_eq!(asked.get(), 1);
}

#[wasm_bindgen_test]
async fn a_page_for_an_old_search_is_dropped() {
    let _owner = Owner::new();
    let pager = pager_at(vec![1, 2], Some("after-2"));
    let search = RwSignal::new("张");
    pager.load_more(
        move || search.get_untracked(),
        move |_, _| async move {
            // The doctor typed on while the page was on its way.
            search.set("李");
            Ok::<_, ApiError>(Page(vec![7, 8], Some("after-8")))
        },
    );
    until("the page came", || !pager.loading.get_untracked()).await;
    assert_eq!(pager.rows.get_untracked(), vec![1, 2]);
    assert_eq!(pager.cursor.get_untracked().as_deref(), Some("after-2"));
}

#[wasm_bindgen_test]
async fn a_failed_page_can_be_asked_again() {
    let _owner = Owner::new();
    let pager = pager_at(vec![1], Some("after-1"));
    pager.load_more(|| (), |_, _| async { Err::<Page, _>(ApiError::network()) });
    until("the failure came", || !pager.loading.get_untracked()).await;
    assert_eq!(pager.rows.get_untracked(), vec![1]);
    assert_eq!(pager.cursor.get_untracked().as_deref(), Some("after-1"));
}
