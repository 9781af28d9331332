//! Audit suite "races" (issue 15): every limit, counter and "only one" rule, hit by 40
//! requests at once over real sockets; the answers and the database must show exact
//! counts. Prints `AUDIT races tried=.. passed=.. failed=..` and fails listing every
//! broken rule.

mod common;
#[path = "audit/races_auth.rs"]
mod races_auth;
#[path = "audit/races_inbox.rs"]
mod races_inbox;
#[path = "audit/races_patients.rs"]
mod races_patients;
#[path = "audit/races_review.rs"]
mod races_review;
#[path = "audit/wire.rs"]
mod wire;

use common::TestApp;
use doctor_desk_server::Config;

/// A fresh app behind our one proxy (so each request may name its client address), with
/// room for the SMS codes the setup itself sends; `tweak` sets the limit under test.
pub async fn app_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    TestApp::with_config(|c| {
        c.trust_proxy = true;
        c.limits.sms_ip_per_hour = 10_000;
        c.limits.sms_requests_per_ip_per_hour = 10_000;
        tweak(c);
    })
    .await
}

/// One number from the database (the SQL names only test-made values).
pub async fn scalar(app: &TestApp, sql: &str) -> i64 {
    doctor_desk_server::db::query_scalar::<Option<i64>>(sql)
        .fetch_one(&app.state.db)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn audit_races() {
    use races_auth as auth;
    use races_inbox as inbox;
    use races_patients as patients;
    use races_review as review;
    let mut audit = wire::Audit::new("races");
    audit
        .case("sign-in lockout per client", auth::lockout_per_client())
        .await;
    audit
        .case("sign-in lockout per phone", auth::lockout_per_phone())
        .await;
    audit
        .case("SMS resend wait per phone", auth::sms_resend_wait())
        .await;
    audit
        .case("SMS codes per phone per day", auth::sms_per_phone_per_day())
        .await;
    audit
        .case("SMS codes per IP per hour", auth::sms_per_ip())
        .await;
    audit
        .case("SMS phone look-ups per IP", auth::sms_lookups_per_ip())
        .await;
    audit
        .case("SMS code guesses (doctor)", auth::sms_code_guesses(false))
        .await;
    audit
        .case("SMS code guesses (patient)", auth::sms_code_guesses(true))
        .await;
    audit
        .case("one code, one sign-up", auth::sms_code_used_once(false))
        .await;
    audit
        .case(
            "one code, one patient sign-in",
            auth::sms_code_used_once(true),
        )
        .await;
    audit
        .case(
            "daily consultation limit",
            inbox::daily_consultation_limit(),
        )
        .await;
    audit
        .case(
            "follow-up question count",
            inbox::follow_up_question_count(),
        )
        .await;
    audit
        .case(
            "idempotent message sends",
            inbox::idempotent_message_sends(),
        )
        .await;
    audit
        .case(
            "one acceptance of a request",
            inbox::one_acceptance_of_a_request(),
        )
        .await;
    audit
        .case("quick reply cap", inbox::quick_reply_cap())
        .await;
    audit
        .case(
            "one acceptance per agreement version",
            review::one_acceptance_per_agreement_version(),
        )
        .await;
    audit
        .case(
            "one pending verification",
            review::one_pending_verification(),
        )
        .await;
    audit
        .case(
            "one review decision per submission",
            review::one_decision_per_submission(),
        )
        .await;
    audit
        .case(
            "one current document per kind",
            review::one_current_document_per_kind(),
        )
        .await;
    audit
        .case("post save versions", review::post_save_versions())
        .await;
    audit
        .case(
            "one pending post revision",
            review::one_pending_post_revision(),
        )
        .await;
    audit
        .case(
            "one decision per post revision",
            review::one_decision_per_post_revision(),
        )
        .await;
    audit.case("tag count limit", patients::tag_cap()).await;
    audit
        .case("tag names unique", patients::tag_name_once())
        .await;
    audit.case("batch tagging", patients::batch_tagging()).await;
    audit
        .case("follow-up template cap", patients::template_cap())
        .await;
    audit.case("note versions", patients::note_versions()).await;
    audit
        .case("one end of a visit", patients::one_end_of_a_visit())
        .await;
    audit
        .case("public questions per hour", patients::questions_per_hour())
        .await;
    audit.finish();
}
