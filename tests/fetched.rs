//! Browser test: a page's fetch (`Fetched`) gives back each answer as its own type, errors
//! included, fetches again when a signal its fetch read changes, and on `refetch`.

#![cfg(target_arch = "wasm32")]

use std::{cell::Cell, rc::Rc};

use doctor_desk::{api::ApiError, components::fetched::Fetched};
use leptos::prelude::*;
use wasm_bindgen_test::*;

mod browser_support;

use browser_support::{fresh_host, until};

wasm_bindgen_test_configure!(run_in_browser);

#[derive(Clone, Debug, PartialEq)]
struct Today(u32);

#[wasm_bindgen_test]
async fn each_answer_comes_back_as_its_own_type() {
    // Mounting sets up the executor that runs the fetches.
    leptos::mount::mount_to(fresh_host(), || ()).forget();
    let _owner = Owner::new();
    let day = RwSignal::new(1);
    let asked = Rc::new(Cell::new(0));
    let counted = asked.clone();
    let today = Fetched::new(move || {
        let day = day.get();
        counted.set(counted.get() + 1);
        async move { Ok::<_, ApiError>(Today(day * 10)) }
    });
    // Two types side by side: one of them failing.
    let failing = Fetched::<Vec<String>>::new(|| async { Err(ApiError::network()) });

    until("the first answer", || today.get_untracked().is_some()).await;
    assert_eq!(today.get_untracked(), Some(Ok(Today(10))));
    assert_eq!(today.with(|t| t.clone()), Some(Ok(Today(10))));
    until("the error", || failing.get_untracked().is_some()).await;
    assert_eq!(failing.get_untracked(), Some(Err(ApiError::network())));

    day.set(2);
    until("the answer for the new day", || {
        today.get_untracked() == Some(Ok(Today(20)))
    })
    .await;
    let before = asked.get();
    today.refetch();
    until("asked again", || asked.get() > before).await;
    assert_eq!(today.get_untracked(), Some(Ok(Today(20))));
}
