//! Agreements end to end: reading and accepting the current versions before anything
//! else, a new version with what changed, the history, declining, and publishing.

use super::*;

/// Publishes a version from the server side, as `admin publish-agreement` does.
async fn publish(h: &Harness, request: &doctor_desk_api::agreements::PublishRequest) {
    h.step(&format!("publish {}", request.version));
    doctor_desk_server::agreements::publish::publish(&h.server.state, None, request)
        .await
        .expect("published");
}

/// Whether the accept button is disabled, read without scrolling (touching the button
/// would scroll the page).
async fn accept_disabled(h: &Harness) -> bool {
    let button = h.present("accept-agreements").await;
    button.prop("disabled").await.expect("disabled").as_deref() == Some("true")
}

async fn scroll_to_end(h: &Harness) {
    h.present("agreement-end").await;
    h.js("window.scrollTo(0, document.documentElement.scrollHeight); return true")
        .await;
    h.wait_until(
        "accept enabled after reading to the end",
        "return document.querySelector(\"[data-testid='accept-agreements']\").disabled === false",
    )
    .await;
}

/// A new doctor must read and accept both documents before anything else; a new version
/// sends them back at their next step with what changed; the history lists every
/// acceptance and opens the exact text accepted.
pub async fn agreements_flow(h: &Harness) {
    use doctor_desk_api::agreements::AgreementKind;
    use doctor_desk_server::agreements::samples;
    samples::publish_missing(&h.server.state)
        .await
        .expect("samples");
    let phone = unique_phone();
    register(h, &phone).await;

    // Straight to the agreements, with nowhere else to go.
    h.wait_path("/agreements?next=%2F").await;
    h.wait_contains("agreement-service-agreement", "医生注册及服务协议")
        .await;
    h.wait_contains("agreement-privacy-policy", "隐私政策")
        .await;
    check_browser(h).await;
    assert_eq!(
        h.js("return document.querySelector('nav.main-nav') === null")
            .await,
        true,
        "no navigation before acceptance"
    );
    assert!(accept_disabled(h).await, "disabled before reading");
    h.screenshot("agreements-top").await;
    // A table-of-contents link takes the reader to the clause.
    h.js("document.querySelector(\"[data-testid='agreement-service-agreement'] .toc a\").click(); return true").await;
    assert!(accept_disabled(h).await, "still disabled mid-text");
    h.goto("/onboarding").await;
    h.wait_path("/agreements?next=%2Fonboarding").await;

    scroll_to_end(h).await;
    check_tap_targets(h).await;
    h.click("accept-agreements").await;
    h.wait_text("accept-service-agreement-error", "请勾选此项")
        .await;
    h.wait_text("health_data_consent-error", "请勾选此项").await;
    h.click("accept-service-agreement").await;
    h.click("accept-privacy-policy").await;
    h.click("health_data_consent").await;
    h.screenshot("agreements-end").await;
    h.click("accept-agreements").await;
    h.wait_path("/onboarding").await;
    h.testid("nav-home").await;

    // A new version of the service agreement is published while the doctor works.
    let mut v2 = samples::first_version(AgreementKind::ServiceAgreement);
    v2.version = "1.1.0".into();
    v2.change_summary = "费用条款写明按月结算；新增服务时效条款。".into();
    v2.body = v2.body.replace("按结算周期扣除", "按月结算，扣除").replace(
        "## 十一、医疗纠纷",
        "## 十一、服务时效\n\n1. 请在 48 小时内回复进行中的问诊。\n\n## 十二、医疗纠纷",
    );
    v2.change_summary_en = "Settlement is monthly; adds a response-time clause.".into();
    publish(h, &v2).await;

    // At the next navigation the doctor is back at the agreement, with what changed.
    h.click("nav-home").await;
    h.wait_path("/agreements?next=%2F").await;
    h.wait_contains("change-summary-text", "按月结算").await;
    h.wait_contains("agreements-intro", "已更新").await;
    let changes = h
        .js("return [...document.querySelectorAll(\"[data-testid='clause-change']\")].map(e => e.innerText)")
        .await;
    let changes: Vec<String> = serde_json::from_value(changes).expect("texts");
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert!(
        changes[0].contains("费用与结算") && changes[0].contains("月"),
        "{changes:?}"
    );
    assert!(changes[1].contains("服务时效"), "{changes:?}");
    assert_eq!(
        h.js(
            "return document.querySelector(\"[data-testid='agreement-privacy-policy']\") === null"
        )
        .await,
        true,
        "only the changed document is asked for"
    );
    assert_eq!(
        h.js("return document.querySelector(\"ins\") !== null")
            .await,
        true
    );
    h.screenshot("agreements-changes").await;
    assert!(accept_disabled(h).await);
    scroll_to_end(h).await;
    h.click("accept-service-agreement").await;
    h.click("accept-agreements").await;
    h.wait_path("/").await;
    h.wait_text("greeting", "医生，您好").await;

    // The history lists both acceptances of the service agreement and the privacy policy.
    h.click("go-agreements-history").await;
    h.wait_path("/me/agreements").await;
    h.wait_until(
        "three acceptances listed",
        "return document.querySelectorAll(\"[data-testid='acceptance-row']\").length === 3",
    )
    .await;
    let versions = h
        .js("return [...document.querySelectorAll(\"[data-testid='acceptance-row']\")].map(e => e.dataset.kind + ' ' + e.dataset.version)")
        .await;
    assert_eq!(
        versions,
        serde_json::json!([
            "service-agreement 1.1.0",
            "privacy-policy 1.0.0",
            "service-agreement 1.0.0"
        ])
    );
    check_tap_targets(h).await;
    h.screenshot("agreements-history").await;
    // Re-read exactly the first text accepted.
    h.js("document.querySelectorAll(\"[data-testid='acceptance-row'] a\")[2].click(); return true")
        .await;
    h.wait_path("/agreements/service-agreement/1.0.0?lang=zh-CN")
        .await;
    h.wait_contains("agreement-service-agreement", "版本 1.0.0")
        .await;
    let sha = h.testid("body-sha256").await.text().await.expect("text");
    assert_eq!(sha.len(), 64, "{sha}");
}

/// Declining signs the doctor out and says why the service cannot be used.
pub async fn declining_signs_out(h: &Harness) {
    doctor_desk_server::agreements::samples::publish_missing(&h.server.state)
        .await
        .expect("samples");
    let phone = unique_phone();
    register(h, &phone).await;
    h.wait_path("/agreements?next=%2F").await;
    // In English the texts are the English ones.
    h.click("language-switch").await;
    h.wait_contains(
        "agreement-service-agreement",
        "Doctor Registration and Service Agreement",
    )
    .await;
    h.wait_contains("agreement-privacy-policy", "Privacy Policy")
        .await;
    h.click("language-switch").await;
    h.wait_contains("agreement-service-agreement", "医生注册及服务协议")
        .await;
    h.click("decline-agreements").await;
    h.wait_contains("decline-confirm", "无法使用").await;
    h.screenshot("decline-confirm").await;
    h.click("confirm-decline").await;
    h.wait_path("/login?declined=1").await;
    h.wait_contains("declined-notice", "无法使用医生工作台")
        .await;
    // Signing in again leads straight back to the agreements.
    h.fill("phone", &phone).await;
    h.fill("password", PASSWORD).await;
    h.click("login-submit").await;
    h.wait_path("/agreements?next=%2F").await;
}

/// A reviewer drafts a new version, is told the version must be higher, previews it with
/// its changes, and publishes it; the list shows it.
pub async fn reviewer_publishes_an_agreement(h: &Harness) {
    doctor_desk_server::agreements::samples::publish_missing(&h.server.state)
        .await
        .expect("samples");
    first_reviewer_sign_in(h, "13800000009").await;
    h.click("nav-review-agreements").await;
    h.wait_path("/review/agreements").await;
    let count = "return document.querySelectorAll(\"[data-testid='published-version']\").length";
    h.wait_until("two versions listed", &format!("{count} === 2"))
        .await;
    h.select("kind", "privacy-policy").await;
    h.fill("version", "1.0.0").await;
    h.fill("title", "隐私政策").await;
    h.fill("change_summary", "联系邮箱变更为 dpo@example.com。")
        .await;
    h.fill(
        "body",
        "# 隐私政策\n\n## 八、联系我们\n\n如有疑问，请发送邮件至 dpo@example.com。\n",
    )
    .await;
    h.click("preview-agreement").await;
    h.wait_text("version-error", "版本号必须高于当前版本").await;
    h.fill("version", "1.1.0").await;
    assert_eq!(
        h.present("publish-agreement")
            .await
            .prop("disabled")
            .await
            .expect("prop")
            .as_deref(),
        Some("true"),
        "publishing needs a preview first"
    );
    h.click("preview-agreement").await;
    h.wait_contains("agreement-preview", "联系邮箱变更").await;
    h.wait_contains("agreement-preview", "dpo@example.com")
        .await;
    h.screenshot("agreement-preview").await;
    h.click("publish-agreement").await;
    h.wait_until("three versions listed", &format!("{count} === 3"))
        .await;
    h.wait_contains("published-version", "1.1.0").await;
    let overflow = h
        .js("return document.documentElement.scrollWidth - window.innerWidth")
        .await;
    h.js("window.scrollTo(0, 0); return true").await;
    h.screenshot("agreements-published").await;
    assert!(
        overflow.as_i64().unwrap() <= 0,
        "no sideways scrolling: {overflow}"
    );
}
