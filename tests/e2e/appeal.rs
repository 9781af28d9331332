//! Recovery by appeal (issue 16), on a phone: a doctor whose number stopped working files
//! an appeal from the sign-in page, a reviewer (first sign-in: their own password first)
//! approves it beside the account's profile, and the doctor signs in with the new number.

use super::*;

/// The doctor's verified profile, as onboarding (its own flow) would leave it.
async fn with_profile(h: &Harness, account_id: i64, name: &str) {
    doctor_desk_server::db::query(
        "INSERT INTO doctor_profiles (account_id, real_name, gender, id_number, hospital,
            department, title, practice_category, practice_scope, years_of_practice, updated_at)
         VALUES (?, ?, 'female', '11010519491231002X', '杭州市第一人民医院', '内分泌科',
                 'attending_physician', '临床', '内科专业', 8, 0)",
    )
    .bind(account_id)
    .bind(name)
    .execute(&h.server.state.db)
    .await
    .expect("profile");
}

pub async fn appeal_flow(h: &Harness) {
    let (old_phone, account_id) = patients::verified_doctor(h).await;
    with_profile(h, account_id, "周敏").await;
    sign_out(h).await;

    // From the sign-in page: the old number gets no code, the new one does.
    h.click("appeal-link").await;
    h.wait_path("/appeal").await;
    h.present("appeal-no-old-code").await;
    let new_phone = unique_phone();
    h.fill("real_name", "周敏").await;
    h.fill("id_number", "11010519491231002x").await;
    h.fill("old_phone", &old_phone).await;
    h.fill("new_phone", &new_phone).await;
    h.click("send-code").await;
    let code = h.sms_code(&new_phone).await;
    h.fill("sms_code", &code).await;
    h.fill("reason", "丢了").await;
    h.attach_photo("photo", 1200, 900).await;
    h.present("photo-preview").await;
    check_tap_targets(h).await;

    // Too short a reason is refused at its field; everything typed stays.
    h.click("appeal-submit").await;
    h.present("reason-error").await;
    let typed = h
        .js("return document.querySelector(\"[data-testid='real_name']\").value")
        .await;
    assert_eq!(typed, "周敏");
    h.fill("reason", "旧手机号已停机，无法接收验证码，申请改绑新号码")
        .await;
    h.click("appeal-submit").await;
    let masked = format!("{}****{}", &new_phone[..3], &new_phone[7..]);
    h.wait_contains("appeal-received-body", &masked).await;

    // A reviewer, first sign-in, compares it with the account and approves.
    first_reviewer_sign_in(h, &unique_phone()).await;
    h.goto("/review/appeals").await;
    h.present("appeal-item").await;
    h.click("open-appeal").await;
    h.wait_contains("appeal-account", "杭州市第一人民医院")
        .await;
    h.present("old-phone-matches").await;
    h.wait_until(
        "the photo shows",
        "const img = document.querySelector(\"[data-testid='appeal-photo']\");
         return !!img && img.complete && img.naturalWidth > 0",
    )
    .await;
    h.click("approve-appeal").await;
    h.click("decide-appeal").await;
    h.present("appeal-decided").await;
    sign_out(h).await;

    // The account is on the new number now; the old one is free.
    sign_in(h, &new_phone, PASSWORD).await;
    h.goto("/me/notifications").await;
    h.wait_contains("notification-list", "账号申诉已通过").await;
    let moved: String =
        doctor_desk_server::db::query_scalar("SELECT phone FROM accounts WHERE id = ?")
            .bind(account_id)
            .fetch_one(&h.server.state.db)
            .await
            .expect("account");
    assert_eq!(moved, new_phone);
}
