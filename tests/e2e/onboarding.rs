//! Onboarding end to end: profile, the five licence documents, review with a rejection
//! and a resubmission, until the doctor is verified.

use super::*;

/// A doctor fills the profile, uploads the five documents (photos drawn by the test in
/// the browser), submits; a reviewer rejects one with a reason; the doctor sees it,
/// replaces the document and resubmits; the reviewer approves; home shows verified.
pub async fn onboarding_review_flow(h: &Harness) {
    let phone = unique_phone();
    sign_up(h, &phone).await;
    h.click("go-onboarding").await;
    h.wait_path("/onboarding").await;

    // 1. Profile, with a photo.
    h.attach_photo("avatar-file", 1200, 1600).await;
    h.testid("avatar-image").await;
    h.fill("real_name", "陈静").await;
    h.select("gender", "female").await;
    h.fill("id_number", "11010519491231002X").await;
    h.fill("hospital", "杭州市第一人民医院").await;
    h.fill("department", "内分泌科").await;
    h.select("title", "attending_physician").await;
    h.fill("practice_category", "临床").await;
    h.fill("practice_scope", "内科专业").await;
    h.fill("years_of_practice", "2").await;
    h.click("profile-submit").await;
    h.wait_text("years_of_practice-error", "互联网诊疗需独立执业满 3 年")
        .await;
    h.fill("years_of_practice", "9").await;
    h.fill("specialties", "糖尿病、甲状腺疾病").await;
    h.click("profile-submit").await;

    // 2. Documents. The ID card front is a full-size phone photo, to measure compression.
    h.testid("doc-id_card_front").await;
    h.screenshot("documents").await;
    let original = h.attach_photo("doc-id_card_front-file", 4000, 3000).await;
    let prepared = h.testid("doc-id_card_front-prepared").await;
    let bytes: f64 = prepared
        .attr("data-bytes")
        .await
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    let millis = prepared.attr("data-millis").await.unwrap().unwrap();
    eprintln!(
        "compression [{}]: 4000x3000 photo {original} bytes -> {bytes} bytes in {millis} ms",
        h.name
    );
    assert!(
        bytes <= 2.0 * 1024.0 * 1024.0,
        "compressed to at most 2 MB: {bytes}"
    );
    h.testid("doc-id_card_front-preview").await;
    h.click("doc-id_card_front-upload").await;
    h.wait_text("doc-id_card_front-status", "待提交").await;
    // Deleting asks first (on the button), then deletes; the photo goes up again.
    h.click("doc-id_card_front-delete").await;
    h.wait_text("doc-id_card_front-delete", "再点一次确认删除")
        .await;
    h.wait_text("doc-id_card_front-status", "待提交").await;
    h.click("doc-id_card_front-delete").await;
    h.wait_text("doc-id_card_front-status", "未上传").await;
    h.attach_photo("doc-id_card_front-file", 1200, 900).await;
    h.testid("doc-id_card_front-prepared").await;
    h.click("doc-id_card_front-upload").await;
    h.wait_text("doc-id_card_front-status", "待提交").await;
    // The practice certificate runs out in 20 days: renewed below, once verified.
    let china_today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let practice_expiry = (china_today + chrono::Duration::days(20)).to_string();
    for (kind, number) in [
        ("id_card_back", None),
        ("qualification", Some("199833110000123")),
        ("practice", Some("110330100000456")),
        ("professional_title", Some("ZJ2015000789")),
    ] {
        if let Some(n) = number {
            h.fill(&format!("{kind}-number"), n).await;
        }
        if kind == "practice" {
            h.set_value("practice-expires_on", &practice_expiry).await;
        }
        h.attach_photo(&format!("doc-{kind}-file"), 800, 600).await;
        h.testid(&format!("doc-{kind}-prepared")).await;
        h.click(&format!("doc-{kind}-upload")).await;
        h.wait_text(&format!("doc-{kind}-status"), "待提交").await;
    }
    h.click("documents-next").await;

    // 3. Submit.
    h.wait_contains("summary", "陈静").await;
    h.click("submit-verification").await;
    h.wait_text("onboarding-status", "审核中").await;
    sign_out(h).await;

    // The reviewer rejects the back of the ID card.
    first_reviewer_sign_in(h, "13800000009").await;
    h.click("nav-review").await;
    open_first_submission(h).await;
    for kind in [
        "id_card_front",
        "qualification",
        "practice",
        "professional_title",
    ] {
        h.click(&format!("approve-{kind}")).await;
    }
    h.click("reject-id_card_back").await;
    h.select("id_card_back-reason", "blurry").await;
    h.fill("id_card_back-note", "国徽面反光，看不清有效期")
        .await;
    h.screenshot("review").await;
    h.click("decision-submit").await;
    h.testid("queue-empty").await;
    sign_out(h).await;

    // The doctor sees the reason, replaces that document and resubmits.
    sign_in(h, &phone, PASSWORD).await;
    h.wait_text("verification-status", "未通过").await;
    h.click("go-onboarding").await;
    h.wait_text("onboarding-status", "未通过").await;
    h.wait_text(
        "rejection-reason",
        "身份证国徽面：图片模糊，无法辨认（国徽面反光，看不清有效期）",
    )
    .await;
    h.click("fix-documents").await;
    h.wait_text("doc-id_card_back-status", "未通过").await;
    h.testid("doc-id_card_back-rejection").await;
    assert!(
        h.client
            .find(fantoccini::Locator::Css(
                "[data-testid='doc-id_card_front-delete']"
            ))
            .await
            .is_err(),
        "approved documents are locked"
    );
    h.attach_photo("doc-id_card_back-file", 1200, 800).await;
    h.testid("doc-id_card_back-prepared").await;
    h.click("doc-id_card_back-upload").await;
    h.wait_text("doc-id_card_back-status", "待提交").await;
    h.click("documents-next").await;
    h.click("submit-verification").await;
    h.wait_text("onboarding-status", "审核中").await;
    sign_out(h).await;

    // The reviewer approves the new document.
    sign_in(h, "13800000009", REVIEWER_PASSWORD).await;
    h.goto("/review").await;
    open_first_submission(h).await;
    h.click("approve-id_card_back").await;
    h.click("decision-submit").await;
    h.testid("queue-empty").await;
    sign_out(h).await;

    sign_in(h, &phone, PASSWORD).await;
    h.wait_text("verification-status", "已认证").await;
    h.screenshot("verified").await;

    // The practice certificate is about to expire: the doctor renews it from the status
    // page, stays verified meanwhile, and the reviewer decides the renewal on its own.
    h.click("go-onboarding").await;
    h.wait_contains("expiring-document", &practice_expiry).await;
    h.click("renew-documents").await;
    h.wait_text("doc-practice-status", "已通过").await;
    // The new certificate's details show once its photo is chosen.
    h.attach_photo("doc-practice-file", 800, 600).await;
    h.testid("doc-practice-prepared").await;
    h.fill("practice-number", "110330100000789").await;
    h.set_value(
        "practice-expires_on",
        &(china_today + chrono::Duration::days(5 * 365)).to_string(),
    )
    .await;
    h.click("doc-practice-upload").await;
    h.wait_text("doc-practice-status", "审核中").await;
    h.click("documents-next").await;
    h.wait_contains("renewal", "新证件审核中").await;
    h.wait_text("onboarding-status", "已认证").await;
    h.screenshot("renewal-pending").await;
    sign_out(h).await;

    sign_in(h, "13800000009", REVIEWER_PASSWORD).await;
    h.goto("/review").await;
    open_first_submission(h).await;
    h.click("approve-practice").await;
    h.click("decision-submit").await;
    h.testid("queue-empty").await;
    sign_out(h).await;

    sign_in(h, &phone, PASSWORD).await;
    h.wait_text("verification-status", "已认证").await;
    h.click("go-onboarding").await;
    h.wait_text("onboarding-status", "已认证").await;
    h.wait_contains("submission", "证件更新").await;
    assert!(
        h.client
            .find(fantoccini::Locator::Css("[data-testid='expiring']"))
            .await
            .is_err(),
        "nothing left to renew"
    );
}
