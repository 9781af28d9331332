//! Browser test: the follow-up lists are tabs with their counts; choosing one selects it
//! (and only it), and new counts show as they come.

#![cfg(target_arch = "wasm32")]

use doctor_desk::{app::Providers, pages::follow_ups::FollowUpTabs};
use doctor_desk_api::follow_ups::{FollowUpCounts, FollowUpList};
use leptos::{mount::mount_to, prelude::*, task::tick};
use wasm_bindgen_test::*;

mod browser_support;

use browser_support::{fresh_host, get, text};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_lists_switch_and_show_their_counts() {
    let host = fresh_host();
    let list = RwSignal::new(FollowUpList::Today);
    let counts = RwSignal::new(FollowUpCounts {
        today: 2,
        overdue: 1,
        upcoming: 5,
        done: 0,
    });
    let _mounted = mount_to(host.clone(), move || {
        view! {
            <Providers>
                <FollowUpTabs
                    list=list.into()
                    counts=counts.into()
                    on_select=move |l| list.set(l)
                />
            </Providers>
        }
    });
    tick().await;
    let selected = |key: &str| {
        get(&host, &format!("follow-ups-{key}"))
            .get_attribute("aria-selected")
            .unwrap_or_default()
    };
    assert_eq!(selected("today"), "true");
    assert_eq!(selected("overdue"), "false");
    assert_eq!(text(&host, "follow-ups-today-count"), "2");
    assert_eq!(text(&host, "follow-ups-overdue-count"), "1");
    assert_eq!(text(&host, "follow-ups-upcoming-count"), "5");
    assert_eq!(text(&host, "follow-ups-done-count"), "0");
    assert!(text(&host, "follow-ups-overdue").contains("已逾期"));

    get(&host, "follow-ups-overdue").click();
    tick().await;
    assert_eq!(list.get_untracked(), FollowUpList::Overdue);
    assert_eq!(selected("overdue"), "true");
    assert_eq!(selected("today"), "false");

    // A visit done elsewhere: the counts follow.
    counts.set(FollowUpCounts {
        today: 1,
        overdue: 1,
        upcoming: 5,
        done: 1,
    });
    tick().await;
    assert_eq!(text(&host, "follow-ups-today-count"), "1");
    assert_eq!(text(&host, "follow-ups-done-count"), "1");
}
