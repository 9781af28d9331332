//! Keyboard only: a doctor signs in, accepts a consultation and replies with Tab, Space,
//! Enter and typing alone — no click, no script setting values. Each control reached must
//! show where the focus is (an outline or a ring), as WCAG 2.4.7 asks.

use fantoccini::{
    actions::{InputSource, KeyAction, KeyActions},
    key::Key,
};

use crate::pages::settle;
use crate::support::Harness;
use crate::world::{self, Texts};
use crate::Figures;

const MAX_TABS: usize = 80;

/// Presses each key of `keys` on whatever has the focus, as a keyboard does (WebDriver's
/// element typing would pick a file for a file input instead).
async fn press(h: &Harness, keys: &str) {
    let mut actions = KeyActions::new("keyboard".into());
    for value in keys.chars() {
        actions = actions
            .then(KeyAction::Down { value })
            .then(KeyAction::Up { value });
    }
    h.client.perform_actions(actions).await.expect("keys");
}

/// Tabs forward until the element with this test id has the focus; checks it shows it.
async fn tab_to(h: &Harness, testid: &str, figures: &mut Figures) {
    h.step(&format!("tab to {testid}"));
    let is_focused =
        format!("return document.activeElement?.getAttribute('data-testid') === '{testid}'");
    for _ in 0..MAX_TABS {
        if h.js(&is_focused).await == serde_json::Value::Bool(true) {
            figures.tried += 1;
            // Shown means: it looks different focused than not (a resting shadow or
            // border is no focus ring).
            let ring = h
                .js("const el = document.activeElement;
                     const look = () => { const s = getComputedStyle(el);
                         return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow,
                                 s.borderColor].join('|'); };
                     const focused = look();
                     el.blur();
                     const resting = look();
                     el.focus();
                     return focused !== resting && document.activeElement === el")
                .await;
            if ring == serde_json::Value::Bool(true) {
                figures.passed += 1;
            } else {
                figures.failed += 1;
                figures
                    .failures
                    .push(format!("{testid}: focused, but nothing shows it"));
            }
            return;
        }
        press(h, &Key::Tab.to_string()).await;
    }
    panic!("{testid} cannot be reached with Tab ({MAX_TABS} presses)");
}

async fn type_into(h: &Harness, testid: &str, text: &str, figures: &mut Figures) {
    tab_to(h, testid, figures).await;
    press(h, text).await;
}

pub async fn walk(h: &Harness, texts: &dyn Texts) -> Figures {
    let world = world::build(&h.server, texts).await;
    let mut figures = Figures::default();

    h.goto("/login").await;
    settle(h).await;
    type_into(h, "phone", &world.doctor_phone, &mut figures).await;
    type_into(h, "password", &world.password, &mut figures).await;
    tab_to(h, "login-submit", &mut figures).await;
    press(h, &Key::Enter.to_string()).await;
    h.wait_until("signed in", "return location.pathname === '/'")
        .await;

    h.goto(&format!("/inbox/{}", world.new_consultation)).await;
    settle(h).await;
    tab_to(h, "confirm-follow-up", &mut figures).await;
    press(h, " ").await;
    tab_to(h, "accept-consultation", &mut figures).await;
    press(h, &Key::Enter.to_string()).await;
    h.wait_text("consultation-status", "进行中").await;

    let reply = "请按时服药，两周后复查。";
    type_into(h, "text", reply, &mut figures).await;
    tab_to(h, "send-message", &mut figures).await;
    press(h, &Key::Enter.to_string()).await;
    h.wait_until(
        "the reply in the thread",
        &format!(
            "return [...document.querySelectorAll(\"[data-testid='message']\")]
                 .some(m => m.innerText.includes('{reply}'))"
        ),
    )
    .await;
    figures.tried += 1;
    figures.passed += 1;
    figures
}
