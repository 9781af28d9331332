//! The matrix, first half: system, auth, agreements, onboarding, files, inbox, the patient
//! side and public pages. One row per operation of the OpenAPI document.

use serde_json::json;

use crate::client::{req, Actor::*};
use crate::common::{profile, JPEG};
use crate::rules::{row, Access::*, Row, Stage};
use crate::setup::{code_phone, signup_phone, PASSWORD, PATIENT_A_PHONE, PHONE_A};

fn jpeg() -> Option<(&'static str, Vec<u8>)> {
    Some(("photo.jpg", JPEG.to_vec()))
}

fn new_agreement() -> serde_json::Value {
    json!({"kind": "service-agreement", "version": "1.1.0", "title": "医生工作台服务协议",
           "change_summary": "更新了联系方式", "body": "## 第一条 总则\n\n本协议约定双方的权利和义务。"})
}

pub fn rows() -> Vec<Row> {
    vec![
        // ---- system, auth and the dev outbox: open to everyone ----
        row("GET", "/api/v1/health", Public, 200, |_, _| {
            req("/api/v1/health")
        }),
        row("POST", "/api/v1/auth/sms-codes", Public, 204, |_, a| {
            req("/api/v1/auth/sms-codes")
                .json(json!({"phone": code_phone(a.index()), "purpose": "register"}))
        }),
        // Each actor signs up its own phone (codes asked for in the setup)...
        row("POST", "/api/v1/auth/register", Public, 201, |i, a| {
            req("/api/v1/auth/register").json(json!({"phone": signup_phone(a.index()),
                "sms_code": i.signup_codes[a.index()], "password": PASSWORD}))
        }),
        // ...and resets that account's password (so this row follows register).
        row(
            "POST",
            "/api/v1/auth/password-reset",
            Public,
            204,
            |_, a| {
                let phone = signup_phone(a.index());
                req("/api/v1/auth/password-reset")
                    .json(json!({"phone": phone, "new_password": "another456"}))
                    .fresh_sms(&phone, "reset")
            },
        ),
        row("POST", "/api/v1/auth/login", Public, 200, |_, _| {
            req("/api/v1/auth/login")
                .json(json!({"phone": PHONE_A, "password": PASSWORD, "remember": false}))
        }),
        row("POST", "/api/v1/auth/logout", Public, 204, |_, _| {
            req("/api/v1/auth/logout")
        })
        .stage(Stage::SignOut),
        // An appeal without its fields: refused by its own rule for everyone (what it
        // does is tested in `tests/appeal.rs`).
        row("POST", "/api/v1/appeals", Public, 422, |_, _| {
            req("/api/v1/appeals").multipart(&[("reason", "短")], None)
        }),
        row("GET", "/api/v1/me", SignedIn, 200, |_, _| req("/api/v1/me")),
        row("GET", "/api/v1/dev/sms-outbox", Public, 200, |_, _| {
            req(format!("/api/v1/dev/sms-outbox?phone={PHONE_A}"))
        }),
        row("GET", "/api/v1/dev/sms-notices", Public, 200, |_, _| {
            req(format!("/api/v1/dev/sms-notices?phone={PATIENT_A_PHONE}"))
        }),
        // ---- agreements ----
        row("GET", "/api/v1/agreements/current", Public, 200, |_, _| {
            req("/api/v1/agreements/current")
        }),
        row(
            "GET",
            "/api/v1/agreements/{kind}/{version}",
            Public,
            200,
            |_, _| req("/api/v1/agreements/service-agreement/1.0.0"),
        ),
        // Doctors accepted in the setup (200: the first record); the reviewer never did.
        row(
            "POST",
            "/api/v1/agreements/{kind}/{version}/acceptance",
            SignedIn,
            200,
            |i, _| {
                req("/api/v1/agreements/service-agreement/1.0.0/acceptance")
                    .json(json!({"body_sha256": i.agreement_sha256}))
            },
        )
        .except(Reviewer, 201),
        // ---- the account's own security ----
        // Both changes are refused by their own rules here (the same password again, a
        // malformed code): what they do is tested in `tests/account.rs`, and the run's
        // sessions stay as they are.
        row("PUT", "/api/v1/me/password", SignedIn, 422, |_, _| {
            req("/api/v1/me/password")
                .json(json!({"current_password": PASSWORD, "new_password": PASSWORD}))
        }),
        row("PUT", "/api/v1/me/phone", SignedIn, 422, |_, _| {
            req("/api/v1/me/phone").json(
                json!({"new_phone": "13900000999", "sms_code": "x", "current_password": PASSWORD}),
            )
        }),
        row("GET", "/api/v1/me/sessions", SignedIn, 200, |_, _| {
            req("/api/v1/me/sessions")
        }),
        // A's other device: anyone else's session list has no such id.
        row(
            "DELETE",
            "/api/v1/me/sessions/{id}",
            OwnedByA,
            204,
            |i, _| req(format!("/api/v1/me/sessions/{}", i.spare_session)),
        )
        .except(Reviewer, 404)
        .late(),
        row("DELETE", "/api/v1/me/sessions", SignedIn, 200, |_, _| {
            req("/api/v1/me/sessions?except=current")
        })
        .stage(Stage::Delete),
        // Each doctor withdraws the health-data consent and gives it again, before the
        // republished agreement (the same stage, in this order): care works again after.
        row(
            "POST",
            "/api/v1/me/consent-withdrawals",
            Doctor,
            201,
            |_, _| req("/api/v1/me/consent-withdrawals"),
        )
        .stage(Stage::Republish),
        row("POST", "/api/v1/me/consents", Doctor, 201, |_, _| {
            req("/api/v1/me/consents")
        })
        .stage(Stage::Republish),
        // Deleting the account: looked at, asked for without the confirmation (refused by
        // its own rule: what it does is tested in `tests/deletion.rs`), cancelled.
        row("GET", "/api/v1/me/deletion", Doctor, 200, |_, _| {
            req("/api/v1/me/deletion")
        }),
        row("POST", "/api/v1/me/deletion", Doctor, 422, |_, _| {
            req("/api/v1/me/deletion").json(json!({"current_password": PASSWORD, "confirm": false}))
        }),
        row("DELETE", "/api/v1/me/deletion", Doctor, 200, |_, _| {
            req("/api/v1/me/deletion")
        }),
        row("GET", "/api/v1/me/activity", SignedIn, 200, |_, _| {
            req("/api/v1/me/activity")
        }),
        // Each marks its own; another doctor's ids are 404 (`tests/notifications.rs`).
        row("GET", "/api/v1/me/notifications", SignedIn, 200, |_, _| {
            req("/api/v1/me/notifications")
        }),
        row(
            "POST",
            "/api/v1/me/notifications/read",
            SignedIn,
            200,
            |_, _| req("/api/v1/me/notifications/read").json(json!({"all": true})),
        ),
        row("GET", "/api/v1/me/acceptances", SignedIn, 200, |_, _| {
            req("/api/v1/me/acceptances")
        }),
        row(
            "GET",
            "/api/v1/review/agreements",
            ReviewerOnly,
            200,
            |_, _| req("/api/v1/review/agreements"),
        ),
        row(
            "POST",
            "/api/v1/review/agreements/preview",
            ReviewerOnly,
            200,
            |_, _| req("/api/v1/review/agreements/preview").json(new_agreement()),
        ),
        row(
            "POST",
            "/api/v1/review/agreements",
            ReviewerOnly,
            201,
            |_, _| req("/api/v1/review/agreements").json(new_agreement()),
        )
        .stage(Stage::Republish),
        // ---- onboarding: the doctor's own profile and licences ----
        row("GET", "/api/v1/me/profile", Doctor, 200, |_, _| {
            req("/api/v1/me/profile")
        }),
        // Each doctor sends its own profile; A's with the practice change it asked for.
        row("PUT", "/api/v1/me/profile", Doctor, 200, |_, a| {
            let mut body = profile(if a == DoctorA {
                "张医生"
            } else {
                "李医生"
            });
            if a == DoctorA {
                body["years_of_practice"] = json!(9);
            }
            req("/api/v1/me/profile").json(body)
        }),
        row("POST", "/api/v1/me/avatar", Doctor, 201, |_, _| {
            req("/api/v1/me/avatar").multipart(&[], jpeg())
        }),
        row("GET", "/api/v1/me/documents", Doctor, 200, |_, _| {
            req("/api/v1/me/documents")
        }),
        row("POST", "/api/v1/me/documents", Doctor, 201, |_, _| {
            req("/api/v1/me/documents")
                .multipart(&[("kind", "other"), ("caption", "进修证明")], jpeg())
        }),
        row(
            "DELETE",
            "/api/v1/me/documents/{id}",
            OwnedByA,
            204,
            |i, _| req(format!("/api/v1/me/documents/{}", i.document)),
        )
        .stage(Stage::Delete),
        row("GET", "/api/v1/me/verification", Doctor, 200, |_, _| {
            req("/api/v1/me/verification")
        }),
        // Both doctors are verified: nothing to submit (409 `nothing_to_review`).
        row("POST", "/api/v1/me/verification", Doctor, 409, |_, _| {
            req("/api/v1/me/verification")
        }),
        // ---- files: a licence file of A's; reviewers read every doctor's ----
        row("POST", "/api/v1/files", Doctor, 201, |_, _| {
            req("/api/v1/files").multipart(&[], jpeg())
        }),
        row("GET", "/api/v1/files/{id}", OwnedByA, 200, |i, _| {
            req(format!("/api/v1/files/{}", i.licence_file))
        })
        .except(Reviewer, 200),
        // ---- inbox ----
        row("GET", "/api/v1/consultations", Doctor, 200, |_, _| {
            req("/api/v1/consultations?status=ongoing")
        }),
        row(
            "GET",
            "/api/v1/consultations/{id}",
            OwnedByA,
            200,
            |i, _| req(format!("/api/v1/consultations/{}", i.consultation)),
        ),
        row(
            "POST",
            "/api/v1/consultations/{id}/ask",
            OwnedByA,
            201,
            |i, _| {
                req(format!("/api/v1/consultations/{}/ask", i.request_to_accept))
                    .json(json!({"client_id": "audit-ask-0001", "text": "请上传最近的化验单"}))
            },
        ),
        row(
            "POST",
            "/api/v1/consultations/{id}/accept",
            OwnedByA,
            200,
            |i, _| {
                req(format!(
                    "/api/v1/consultations/{}/accept",
                    i.request_to_accept
                ))
                .json(json!({"follow_up_confirmed": true}))
            },
        )
        .late(),
        row(
            "POST",
            "/api/v1/consultations/{id}/decline",
            OwnedByA,
            200,
            |i, _| {
                req(format!(
                    "/api/v1/consultations/{}/decline",
                    i.request_to_decline
                ))
                .json(json!({"reason": "first_visit"}))
            },
        )
        .late(),
        row(
            "POST",
            "/api/v1/consultations/{id}/close",
            OwnedByA,
            200,
            |i, _| {
                req(format!("/api/v1/consultations/{}/close", i.consultation)).json(
                json!({"assessment": "血压控制尚可", "advice": "继续服药", "offline_visit": false}),
            )
            },
        )
        .late(),
        row(
            "GET",
            "/api/v1/consultations/{id}/messages",
            OwnedByA,
            200,
            |i, _| req(format!("/api/v1/consultations/{}/messages", i.consultation)),
        ),
        row(
            "POST",
            "/api/v1/consultations/{id}/messages",
            OwnedByA,
            201,
            |i, _| {
                req(format!("/api/v1/consultations/{}/messages", i.consultation)).json(json!({
                "client_id": "audit-msg-0001", "image_file_id": i.doctor_photo}))
            },
        ),
        row(
            "POST",
            "/api/v1/consultations/{id}/read",
            OwnedByA,
            200,
            |i, _| req(format!("/api/v1/consultations/{}/read", i.consultation)),
        ),
        row("GET", "/api/v1/events", Doctor, 200, |_, _| {
            req("/api/v1/events")
        }),
        row(
            "GET",
            "/api/v1/me/consultation-settings",
            Doctor,
            200,
            |_, _| req("/api/v1/me/consultation-settings"),
        ),
        row(
            "PUT",
            "/api/v1/me/consultation-settings",
            Doctor,
            200,
            |_, _| {
                req("/api/v1/me/consultation-settings").json(
                    json!({"enabled": true, "price_fen": 3000,
                "daily_limit": 20, "greeting": "您好，我已接诊，请描述目前的情况。",
                "follow_up_questions": 2}),
                )
            },
        ),
        row("GET", "/api/v1/me/quick-replies", Doctor, 200, |_, _| {
            req("/api/v1/me/quick-replies")
        }),
        row("POST", "/api/v1/me/quick-replies", Doctor, 201, |_, _| {
            req("/api/v1/me/quick-replies").json(json!({"title": "复查", "text": "请两周后复查。"}))
        }),
        row(
            "PUT",
            "/api/v1/me/quick-replies/{id}",
            OwnedByA,
            200,
            |i, _| {
                req(format!("/api/v1/me/quick-replies/{}", i.quick_reply))
                    .json(json!({"title": "SECRET-A", "text": "SECRET-A 您好！"}))
            },
        ),
        row(
            "DELETE",
            "/api/v1/me/quick-replies/{id}",
            OwnedByA,
            200,
            |i, _| req(format!("/api/v1/me/quick-replies/{}", i.quick_reply)),
        )
        .stage(Stage::Delete),
        // ---- the patient side ----
        row("POST", "/api/v1/patient/auth/login", Public, 200, |_, _| {
            req("/api/v1/patient/auth/login")
                .json(json!({"phone": PATIENT_A_PHONE}))
                .fresh_sms(PATIENT_A_PHONE, "patient_login")
        }),
        row(
            "POST",
            "/api/v1/patient/auth/logout",
            Public,
            204,
            |_, _| req("/api/v1/patient/auth/logout"),
        )
        .stage(Stage::SignOut),
        row("POST", "/api/v1/patient/files", Patient, 201, |_, _| {
            req("/api/v1/patient/files").multipart(&[], jpeg())
        }),
        row(
            "GET",
            "/api/v1/patient/files/{id}",
            OwnedByPatientA,
            200,
            |i, _| req(format!("/api/v1/patient/files/{}", i.patient_file)),
        ),
        // The evidence is patient A's file: patient B may not attach it.
        row(
            "POST",
            "/api/v1/patient/consultations",
            Patient,
            201,
            |i, _| {
                req("/api/v1/patient/consultations").json(json!({
                "doctor_id": i.doctor_a, "complaint": "血压偏高",
                "prior_diagnosis": {"hospital": "杭州市第一人民医院", "diagnosis": "高血压",
                                    "visited_on": "2026-09-01"},
                "evidence": [{"kind": "outpatient_record", "file_id": i.patient_file}]}))
            },
        )
        .except(PatientB, 404),
        row(
            "GET",
            "/api/v1/patient/consultations/{id}",
            OwnedByPatientA,
            200,
            |i, _| req(format!("/api/v1/patient/consultations/{}", i.consultation)),
        ),
        row(
            "GET",
            "/api/v1/patient/consultations/{id}/messages",
            OwnedByPatientA,
            200,
            |i, _| {
                req(format!(
                    "/api/v1/patient/consultations/{}/messages",
                    i.consultation
                ))
            },
        ),
        row(
            "POST",
            "/api/v1/patient/consultations/{id}/messages",
            OwnedByPatientA,
            201,
            |i, _| {
                req(format!(
                    "/api/v1/patient/consultations/{}/messages",
                    i.consultation
                ))
                .json(json!({"client_id": "audit-patient-0001", "text": "收到，谢谢医生"}))
            },
        ),
        row("POST", "/api/v1/patient/questions", Patient, 201, |_, _| {
            req("/api/v1/patient/questions")
                .json(json!({"text": "糖尿病患者可以吃水果吗？", "department": "内分泌科"}))
        }),
        row("GET", "/api/v1/patient/reminders", Patient, 200, |_, _| {
            req("/api/v1/patient/reminders")
        }),
        // ---- public pages of A's published post (before it is withdrawn) ----
        row("GET", "/p/{slug}", Public, 200, |i, _| {
            req(i.public_path.clone())
        }),
        row("GET", "/p/img/{name}", Public, 200, |i, _| {
            req(format!("/p/img/{}", i.image_name))
        }),
    ]
}
