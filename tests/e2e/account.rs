//! Account security end to end: "me" from the shell; the doctor signs in on a second
//! device, sees it in the list and signs it out, which lands it on the sign-in page at its
//! next step; a wrong current password is refused next to the field with what was typed
//! kept; changing the password and "sign out everywhere else" end the other device too;
//! the phone number moves with a code sent to the new one; withdrawing the health-data
//! consent pauses the inbox until it is given again.

use super::{check_tap_targets, sign_in, sign_up, PASSWORD};
use crate::support::{device::Device, unique_phone, Harness};

const NEW_PASSWORD: &str = "safer2027";

fn masked(phone: &str) -> String {
    format!("{}****{}", &phone[..3], &phone[7..])
}

/// The other device tries to move on; it must end up on the sign-in page (it may be
/// there already: its event stream noticed the session end).
async fn other_is_signed_out(other: &Device) {
    let _ = other
        .client
        .execute(
            "document.querySelector(\"[data-testid='nav-inbox']\")?.click()",
            vec![],
        )
        .await;
    other.wait_pathname("/login").await;
}

async fn devices_listed(h: &Harness, n: usize) {
    h.wait_until(
        &format!("{n} devices listed"),
        &format!(
            "return document.querySelectorAll(\"[data-testid='session-row']\").length === {n}"
        ),
    )
    .await;
}

/// Opens account security the way a doctor does: "me" in the top bar, then the entry.
async fn open_security(h: &Harness) {
    h.click("nav-me").await;
    h.wait_path("/me").await;
    h.click("me-security").await;
    h.wait_path("/me/security").await;
}

pub async fn account_security_flow(h: &Harness) {
    let phone = unique_phone();
    sign_up(h, &phone).await;

    h.click("nav-me").await;
    h.wait_path("/me").await;
    h.wait_text("me-phone", &masked(&phone)).await;
    h.testid("me-agreements").await;
    check_tap_targets(h).await;
    h.screenshot("me").await;
    h.click("me-security").await;
    h.wait_path("/me/security").await;
    h.testid("this-device").await;
    h.testid("no-other-sessions").await;

    // A second device: listed here, signed out from here.
    let other = h.other_device().await;
    other.sign_in(&phone, PASSWORD).await;
    open_security(h).await;
    devices_listed(h, 2).await;
    check_tap_targets(h).await;
    h.screenshot("security").await;
    h.click("end-session").await;
    h.testid("no-other-sessions").await;
    devices_listed(h, 1).await;
    other_is_signed_out(&other).await;

    // A wrong current password: the message sits at the field, the new one stays typed.
    other.sign_in(&phone, PASSWORD).await;
    h.fill("current_password", "wrong1234").await;
    h.fill("new_password", NEW_PASSWORD).await;
    h.click("change-password").await;
    h.wait_text("current_password-error", "当前密码不正确")
        .await;
    let kept = h
        .testid("new_password")
        .await
        .prop("value")
        .await
        .expect("value");
    assert_eq!(kept.as_deref(), Some(NEW_PASSWORD), "what was typed stays");
    h.fill("current_password", PASSWORD).await;
    h.click("change-password").await;
    h.wait_contains("toasts", "密码已修改").await;
    other_is_signed_out(&other).await;

    // "Sign out everywhere else".
    other.sign_in(&phone, NEW_PASSWORD).await;
    open_security(h).await;
    devices_listed(h, 2).await;
    h.click("end-other-sessions").await;
    h.testid("no-other-sessions").await;
    other_is_signed_out(&other).await;

    // A new phone number, proven by a code sent to it.
    let new_phone = unique_phone();
    h.fill("new_phone", &new_phone).await;
    h.click("send-code").await;
    let code = h.sms_code(&new_phone).await;
    h.fill("sms_code", &code).await;
    h.fill("phone-change-current_password", NEW_PASSWORD).await;
    h.click("change-phone").await;
    h.wait_text("current-phone", &masked(&new_phone)).await;
    h.screenshot("phone-changed").await;

    // Withdrawing the health-data consent pauses the inbox, with a way back on every page.
    h.click("nav-me").await;
    h.click("me-agreements").await;
    h.wait_path("/me/agreements").await;
    h.wait_text("consent-state", "已授权").await;
    h.click("consent-withdraw").await;
    h.click("consent-withdraw-confirm").await;
    h.wait_text("consent-state", "已撤回").await;
    h.testid("consent-withdrawn-banner").await;
    h.click("nav-inbox").await;
    h.wait_path("/inbox").await;
    h.wait_until(
        "the inbox says why it is paused",
        "return [...document.querySelectorAll('main [role=alert]')]
            .some(e => e.textContent.includes('我的协议'))",
    )
    .await;
    check_tap_targets(h).await;
    h.screenshot("consent-withdrawn").await;
    h.click("consent-banner-link").await;
    h.wait_path("/me/agreements").await;
    h.click("consent-give").await;
    h.wait_text("consent-state", "已授权").await;
    h.click("nav-inbox").await;
    h.testid("inbox-empty").await;
    assert!(
        h.client
            .find(fantoccini::Locator::Css(
                "[data-testid='consent-withdrawn-banner']"
            ))
            .await
            .is_err(),
        "the banner is gone"
    );

    h.click("sign-out").await;
    h.wait_path("/login").await;
    sign_in(h, &new_phone, NEW_PASSWORD).await;
}
