//! Posts end to end: a verified doctor writes an article with a picture; the network drops
//! while they keep typing and the page is reloaded: the text is back and reaches the
//! server. A phone number blocks the submission with the finding selected in the text;
//! once fixed it goes to review, the reviewer approves, and the public page shows it to
//! anyone signed out, with its Open Graph tags. An edit goes through review again while
//! the approved text stays public. A save based on an older version becomes a choice.

use super::{
    check_tap_targets, first_reviewer_sign_in, patients::verified_doctor, sign_in, sign_out,
    sign_up, PASSWORD,
};
use crate::support::{unique_phone, Harness, Viewport};

/// The value of the text area or input with this test id, as the page holds it.
fn value_of(id: &str) -> String {
    format!("return document.querySelector(\"[data-testid='{id}']\").value")
}

async fn body_value(h: &Harness) -> String {
    h.js(&value_of("body"))
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Waits until the text area's value contains `part`.
async fn wait_body_contains(h: &Harness, part: &str) {
    h.wait_until(
        &format!("the text holds {part:?}"),
        &format!(
            "const a = document.querySelector(\"[data-testid='body']\");
             return !!a && a.value.includes({})",
            serde_json::to_string(part).unwrap()
        ),
    )
    .await;
}

/// Waits until the server has `part` in the post's text.
async fn wait_saved(h: &Harness, post_id: i64, part: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let body: String =
            doctor_desk_server::db::query_scalar("SELECT body FROM posts WHERE id = ?")
                .bind(post_id)
                .fetch_one(&h.server.state.db)
                .await
                .expect("body");
        if body.contains(part) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server's text lacks {part:?}: {body}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

pub async fn posts_flow(h: &Harness) {
    let db = &h.server.state.db;
    let (phone, doctor_id) = verified_doctor(h).await;

    // 1. A new article with a picture; it reaches the server after a pause in typing.
    h.goto("/posts").await;
    h.wait_text("posts-draft-count", "0").await;
    check_tap_targets(h).await;
    h.click("new-post").await;
    h.wait_path("/posts/new").await;
    h.fill("title", "家庭血压测量的五个要点").await;
    h.attach_photo("image-file", 1600, 1200).await;
    h.testid("image-insert").await;
    // The description is required before the picture goes in.
    h.click("image-insert-confirm").await;
    h.wait_contains("alt-error", "图片说明").await;
    h.fill("alt", "上臂式电子血压计").await;
    h.click("image-insert-confirm").await;
    wait_body_contains(h, "![上臂式电子血压计](/p/img/").await;
    h.testid("body")
        .await
        .send_keys("测量前静坐五分钟，袖带与心脏同高。")
        .await
        .expect("type");
    h.wait_contains("save-state", "已保存").await;
    let post_id: i64 =
        doctor_desk_server::db::query_scalar("SELECT id FROM posts WHERE doctor_id = ?")
            .bind(doctor_id)
            .fetch_one(db)
            .await
            .expect("the draft is on the server");
    h.wait_path(&format!("/posts/{post_id}/edit")).await;
    check_tap_targets(h).await;
    h.screenshot("post-editor").await;
    // The preview: beside the text on a desktop, a tab on a phone.
    if h.viewport == Viewport::Phone {
        h.click("tab-preview").await;
        h.wait_contains("preview", "袖带与心脏同高").await;
        h.click("tab-write").await;
    } else {
        h.wait_contains("preview", "袖带与心脏同高").await;
    }

    // 2. The network drops; the doctor keeps typing; the page is reloaded.
    h.network.cut();
    h.testid("body")
        .await
        .send_keys("每天早晚各测一次。")
        .await
        .expect("type offline");
    h.wait_contains("save-state", "尚未同步").await;
    // Reloaded while still offline (the browser shows its error page), then again online:
    // this browser's copy comes back, says so, and goes to the server.
    let _ = h.client.refresh().await;
    h.network.restore();
    h.goto(&format!("/posts/{post_id}/edit")).await;
    wait_body_contains(h, "每天早晚各测一次。").await;
    h.wait_contains("restored", "尚未同步").await;
    wait_saved(h, post_id, "每天早晚各测一次。").await;

    // 3. A phone number blocks the submission; the finding is selected in the text.
    h.testid("body")
        .await
        .send_keys("咨询电话13800138000。")
        .await
        .expect("type");
    h.testid("finding-phone").await;
    h.click("submit-post").await;
    h.wait_contains("form-error", "合规").await;
    h.screenshot("post-blocked").await;
    h.wait_until(
        "the phone number is selected in the text",
        "const a = document.querySelector(\"[data-testid='body']\");
         return a.value.substring(a.selectionStart, a.selectionEnd) === '13800138000'",
    )
    .await;
    let fixed = body_value(h).await.replace("咨询电话13800138000。", "");
    h.fill("body", &fixed).await;
    h.wait_until(
        "no finding left",
        "return !document.querySelector(\"[data-testid='finding-phone']\")",
    )
    .await;
    h.click("submit-post").await;
    h.wait_path("/posts?tab=in_review").await;
    h.wait_text("posts-in_review-count", "1").await;

    // 4. The reviewer approves it.
    sign_out(h).await;
    first_reviewer_sign_in(h, "13800000019").await;
    h.goto("/review/posts").await;
    let item = h.testid("review-post-item").await;
    item.find(fantoccini::Locator::Css("a"))
        .await
        .expect("link")
        .click()
        .await
        .expect("open");
    h.wait_contains("review-title", "家庭血压测量的五个要点")
        .await;
    h.screenshot("post-review").await;
    h.click("approve-post").await;
    h.wait_path("/review/posts").await;
    h.testid("review-posts-empty").await;

    // 5. Signed out, anyone reads it on the public page, which WeChat's share card reads.
    sign_out(h).await;
    let slug: String = doctor_desk_server::db::query_scalar("SELECT slug FROM posts WHERE id = ?")
        .bind(post_id)
        .fetch_one(db)
        .await
        .expect("published with a slug");
    h.goto(&format!("/p/{slug}")).await;
    let og = |property: &str| {
        format!("return document.querySelector(\"meta[property='{property}']\").content")
    };
    assert_eq!(h.js(&og("og:title")).await, "家庭血压测量的五个要点");
    h.screenshot("post-public").await;
    let text = h.js("return document.body.innerText").await;
    let text = text.as_str().unwrap_or_default();
    assert!(text.contains("每天早晚各测一次"), "{text}");
    assert!(!text.contains("13800138000"), "{text}");
    let image = h
        .js("const i = document.querySelector('article img'); return i && i.complete && i.naturalWidth > 0 && i.alt")
        .await;
    assert_eq!(image, "上臂式电子血压计");

    // 6. An edit goes to review; the approved text stays public meanwhile.
    sign_in(h, &phone, PASSWORD).await;
    h.goto(&format!("/posts/{post_id}/edit")).await;
    h.testid("publication").await;
    h.fill("title", "家庭血压测量的六个要点").await;
    h.wait_contains("save-state", "已保存").await;
    h.click("submit-post").await;
    h.wait_path("/posts?tab=in_review").await;
    h.goto(&format!("/p/{slug}")).await;
    assert_eq!(h.js(&og("og:title")).await, "家庭血压测量的五个要点");
    h.goto("/posts?tab=published").await;
    h.wait_text("posts-published-count", "1").await;
}

/// Another device saves the same post meanwhile (a fixture standing for it: the server's
/// row moves to a newer version). This device's next save is refused, and the editor
/// shows both texts: keeping this one saves it on top; taking the other replaces it.
pub async fn post_conflict_flow(h: &Harness) {
    let db = &h.server.state.db;
    let phone = unique_phone();
    sign_up(h, &phone).await;
    h.goto("/posts/new").await;
    h.fill("title", "门诊时间调整").await;
    h.fill("body", "本周五门诊暂停").await;
    h.wait_contains("save-state", "已保存").await;
    let post_id: i64 = doctor_desk_server::db::query_scalar(
        "SELECT p.id FROM posts p JOIN accounts a ON a.id = p.doctor_id WHERE a.phone = ?",
    )
    .bind(&phone)
    .fetch_one(db)
    .await
    .expect("saved");
    let other_device = |text: &'static str| async move {
        doctor_desk_server::db::query(
            "UPDATE posts SET body = ?, version = version + 1 WHERE id = ?",
        )
        .bind(text)
        .bind(post_id)
        .execute(db)
        .await
        .expect("the other device's save");
    };

    // Keep this device's text.
    other_device("另一台设备：周五门诊照常").await;
    h.testid("body")
        .await
        .send_keys("，下周一恢复。")
        .await
        .expect("type");
    h.wait_contains("conflict-theirs", "周五门诊照常").await;
    h.wait_contains("conflict-mine", "下周一恢复").await;
    h.click("conflict-keep-mine").await;
    wait_saved(h, post_id, "本周五门诊暂停，下周一恢复。").await;
    h.wait_until(
        "the chooser is gone",
        "return !document.querySelector(\"[data-testid='conflict']\")",
    )
    .await;

    // Take the other device's text.
    other_device("另一台设备：周五下午停诊").await;
    h.testid("body")
        .await
        .send_keys("请改约。")
        .await
        .expect("type");
    h.wait_contains("conflict-theirs", "周五下午停诊").await;
    h.click("conflict-take-theirs").await;
    wait_body_contains(h, "另一台设备：周五下午停诊").await;
    assert_eq!(body_value(h).await, "另一台设备：周五下午停诊");
    // Nothing of the dropped text comes back on a reload.
    h.client.refresh().await.expect("reload");
    wait_body_contains(h, "另一台设备：周五下午停诊").await;
    assert_eq!(body_value(h).await, "另一台设备：周五下午停诊");
}
