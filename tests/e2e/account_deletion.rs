//! Deleting the account end to end: from "me", the page says what goes and what stays;
//! the password and the ticked box are checked next to their fields; once asked, every
//! page shows when it takes effect and the inbox says why it is paused; signing in again
//! lands on the page that offers to cancel, and cancelling brings everything back. My
//! activity then lists it all, filters by kind, and exports the filtered trail as CSV.

use super::{check_tap_targets, sign_up, PASSWORD};
use crate::support::{unique_phone, Harness};

pub async fn account_deletion_flow(h: &Harness) {
    let phone = unique_phone();
    sign_up(h, &phone).await;

    h.click("nav-me").await;
    h.wait_path("/me").await;
    h.click("me-delete").await;
    h.wait_path("/me/delete").await;
    h.testid("deletion-no-blockers").await;
    check_tap_targets(h).await;
    h.screenshot("deletion").await;

    // Neither the password nor the box: each says so at its place.
    h.click("request-deletion").await;
    h.wait_text("current_password-error", "此项必填").await;
    h.wait_text("confirm-error", "此项必填").await;
    // A wrong password is refused at the field; the ticked box stays ticked.
    h.fill("current_password", "wrong1234").await;
    h.click("confirm").await;
    h.click("request-deletion").await;
    h.wait_text("current_password-error", "当前密码不正确")
        .await;
    let ticked = h
        .testid("confirm")
        .await
        .prop("checked")
        .await
        .expect("checked");
    assert_eq!(ticked.as_deref(), Some("true"), "what was ticked stays");
    h.fill("current_password", PASSWORD).await;
    h.click("request-deletion").await;
    h.testid("deletion-pending").await;
    h.testid("deletion-banner").await;
    h.screenshot("deletion-pending").await;

    // Care is paused, and every page says why and until when.
    h.click("nav-inbox").await;
    h.wait_path("/inbox").await;
    h.wait_until(
        "the inbox says why it is paused",
        "return [...document.querySelectorAll('main [role=alert]')]
            .some(e => e.textContent.includes('冷静期'))",
    )
    .await;
    h.wait_contains("deletion-banner", "注销").await;
    check_tap_targets(h).await;

    // Signing in again during the cooling-off offers to cancel first.
    h.click("sign-out").await;
    h.wait_path("/login").await;
    h.fill("phone", &phone).await;
    h.fill("password", PASSWORD).await;
    h.click("login-submit").await;
    h.wait_path("/me/delete").await;
    h.click("cancel-deletion").await;
    h.wait_contains("toasts", "已撤销注销").await;
    h.testid("deletion-no-blockers").await;
    h.wait_until(
        "the banner is gone",
        "return !document.querySelector(\"[data-testid='deletion-banner']\")",
    )
    .await;
    h.click("nav-inbox").await;
    h.testid("inbox-empty").await;
    // The stream refused while deletion was pending opens again at once: no "connection
    // lost" banner in the pause the refusals built up (it used to shift the page too).
    assert_eq!(
        h.js("return !!document.querySelector(\"[data-testid='live-offline']\")")
            .await,
        serde_json::Value::Bool(false),
        "care resumed, yet the page says the live link is down"
    );

    // My activity: everything above, newest first; by kind; as a file.
    h.click("nav-me").await;
    h.wait_path("/me").await;
    h.click("me-activity").await;
    h.wait_path("/me/activity").await;
    h.wait_until(
        "the cancellation is the newest entry",
        "return document.querySelector(\"[data-testid='activity-entry']\")
            ?.dataset.action === 'deletion_cancelled'",
    )
    .await;
    h.select("kind", "sign_in").await;
    h.wait_until(
        "only sign-ins, the sign-out among them",
        "const e = [...document.querySelectorAll(\"[data-testid='activity-entry']\")]
            .map(x => x.dataset.action);
         return e.includes('sign_out') && e.every(a => a.startsWith('sign_'))",
    )
    .await;
    check_tap_targets(h).await;
    h.screenshot("activity").await;
    let csv = h
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(document.querySelector(\"[data-testid='activity-export']\").href)
               .then(r => r.text()).then(done, e => done(String(e)))",
            vec![],
        )
        .await
        .expect("the export downloads");
    let csv = csv.as_str().unwrap_or_default();
    assert!(csv.contains("退出登录"), "{csv}");
    assert!(
        !csv.contains("申请注销"),
        "the export keeps the filter: {csv}"
    );
}
