//! Races on onboarding, review and posts: one acceptance per agreement version, one
//! pending verification, one decision per submission and per post revision, one current
//! document per kind, post saves by version and one pending revision.

use serde_json::{json, Value};

use crate::{
    app_with,
    common::{
        complete,
        posts::{author, draft, pending_revision, submit},
        PNG,
    },
    scalar,
    wire::{counts, multipart, orphans, post, put, tally, upload, Checks, Who, Wire},
};

/// 40 acceptances of one agreement version at once: one record, shown by every answer.
pub async fn one_acceptance_per_agreement_version() -> Checks {
    let app = app_with(|_| {}).await;
    doctor_desk_server::agreements::samples::publish_missing(&app.state)
        .await
        .unwrap();
    let mut d = app.doctor("13911115001").await;
    let doc = d
        .get("/api/v1/agreements/service-agreement/1.0.0")
        .await
        .json;
    let wire = Wire::start(&app).await;
    let who = Who::of(&d);
    let calls = (0..40)
        .map(|_| {
            post(
                &who,
                "/api/v1/agreements/service-agreement/1.0.0/acceptance",
                json!({"body_sha256": doc["body_sha256"]}),
            )
        })
        .collect();
    let answers = wire.all_at_once(calls).await;
    let mut c = Checks::default();
    c.eq(
        &format!("all accepted {:?}", tally(&answers)),
        answers.iter().filter(|a| a.status / 100 == 2).count(),
        40,
    );
    let ids: std::collections::BTreeSet<String> =
        answers.iter().map(|a| a.json["id"].to_string()).collect();
    c.eq("records answered", ids.len(), 1);
    c.eq(
        "records stored",
        scalar(&app, "SELECT COUNT(*) FROM agreement_acceptances").await,
        1,
    );
    c
}

/// 40 submissions for verification at once: one goes to the reviewers.
pub async fn one_pending_verification() -> Checks {
    let app = app_with(|_| {}).await;
    let mut d = app.doctor("13911115002").await;
    complete(&mut d, "孙丽").await;
    let wire = Wire::start(&app).await;
    let who = Who::of(&d);
    let calls = (0..40)
        .map(|_| post(&who, "/api/v1/me/verification", json!({})))
        .collect();
    let mut c = Checks::default();
    c.eq(
        "answers",
        tally(&wire.all_at_once(calls).await),
        counts(&[("201", 1), ("409 under_review", 39)]),
    );
    c.eq(
        "submissions stored",
        scalar(&app, "SELECT COUNT(*) FROM verification_submissions").await,
        1,
    );
    c
}

/// Two reviewers decide one submission 40 times at once, disagreeing: one decision wins,
/// whole (no mix of the two).
pub async fn one_decision_per_submission() -> Checks {
    let app = app_with(|_| {}).await;
    let mut d = app.doctor("13911115003").await;
    let ids = complete(&mut d, "孙丽").await;
    d.post("/api/v1/me/verification", json!({})).await;
    let first = app.reviewer_with_phone("13800000008").await;
    let second = app.reviewer_with_phone("13800000009").await;
    let sid = scalar(&app, "SELECT MAX(id) FROM verification_submissions").await;
    let wire = Wire::start(&app).await;
    let (first, second) = (Who::of(&first), Who::of(&second));
    let calls = (0..40)
        .map(|i| {
            let approve = i % 2 == 0;
            let decisions: Vec<Value> = ids
                .iter()
                .enumerate()
                .map(|(n, id)| {
                    if n == 1 && !approve {
                        json!({"document_id": id, "approve": false, "reason": "blurry"})
                    } else {
                        json!({"document_id": id, "approve": true})
                    }
                })
                .collect();
            post(
                if approve { &first } else { &second },
                format!("/api/v1/review/submissions/{sid}/decision"),
                json!({ "documents": decisions }),
            )
        })
        .collect();
    let mut c = Checks::default();
    c.eq(
        "answers",
        tally(&wire.all_at_once(calls).await),
        counts(&[("200", 1), ("409 already_decided", 39)]),
    );
    c.eq(
        "reviewers in the stored decision",
        scalar(
            &app,
            &format!(
                "SELECT COUNT(DISTINCT decided_by) FROM submission_documents
                 WHERE submission_id = {sid}"
            ),
        )
        .await,
        1,
    );
    c
}

/// 40 uploads of one required kind at once (before review): one current document of that
/// kind, and no file left on disk without its row.
pub async fn one_current_document_per_kind() -> Checks {
    let app = app_with(|_| {}).await;
    let d = app.doctor("13911115004").await;
    let wire = Wire::start(&app).await;
    let who = Who::of(&d);
    let calls = (0..40)
        .map(|_| {
            upload(
                &who,
                "/api/v1/me/documents",
                multipart(
                    &[("kind", "id_card_back")],
                    Some((Some("back.png"), Some("image/png"), PNG)),
                ),
            )
        })
        .collect();
    let answers = wire.all_at_once(calls).await;
    let mut c = Checks::default();
    c.that(
        &format!(
            "every upload answered in a known way: {:?}",
            tally(&answers)
        ),
        answers.iter().all(|a| a.status == 201 || a.status == 409),
    );
    c.eq(
        "current id_card_back documents",
        scalar(
            &app,
            "SELECT COUNT(*) FROM documents WHERE kind = 'id_card_back' AND removed_at IS NULL",
        )
        .await,
        1,
    );
    c.eq(
        "files on disk without a row",
        orphans(&app).await,
        Vec::<String>::new(),
    );
    c
}

/// 40 saves of a post from the same version: one wins, 39 are told of the conflict.
pub async fn post_save_versions() -> Checks {
    let app = app_with(|_| {}).await;
    let mut d = app.doctor("13911115005").await;
    let id = draft(&mut d, json!({})).await["id"].as_i64().unwrap();
    let wire = Wire::start(&app).await;
    let who = Who::of(&d);
    let calls = (0..40)
        .map(|n| {
            put(
                &who,
                format!("/api/v1/posts/{id}"),
                json!({"kind": "article", "title": format!("设备 {n}"), "version": 1}),
            )
        })
        .collect();
    let mut c = Checks::default();
    c.eq(
        "answers",
        tally(&wire.all_at_once(calls).await),
        counts(&[("200", 1), ("409 conflict", 39)]),
    );
    c.eq(
        "stored version",
        scalar(&app, &format!("SELECT version FROM posts WHERE id = {id}")).await,
        2,
    );
    c
}

/// 40 submissions of a post at once: one pending revision.
pub async fn one_pending_post_revision() -> Checks {
    let app = app_with(|_| {}).await;
    let mut d = author(&app, "13911115006", "张医生").await;
    let id = draft(&mut d, json!({})).await["id"].as_i64().unwrap();
    let wire = Wire::start(&app).await;
    let who = Who::of(&d);
    let calls = (0..40)
        .map(|_| post(&who, format!("/api/v1/posts/{id}/submit"), json!({})))
        .collect();
    let mut c = Checks::default();
    c.eq(
        "answers",
        tally(&wire.all_at_once(calls).await),
        counts(&[("200", 1), ("409 under_review", 39)]),
    );
    c.eq(
        "revisions in review",
        scalar(
            &app,
            &format!(
                "SELECT COUNT(*) FROM post_revisions WHERE post_id = {id} AND state = 'in_review'"
            ),
        )
        .await,
        1,
    );
    c
}

/// 40 decisions on one post revision at once, half approving: one is made.
pub async fn one_decision_per_post_revision() -> Checks {
    let app = app_with(|_| {}).await;
    let mut d = author(&app, "13911115007", "张医生").await;
    let mut rv = app.reviewer().await;
    let id = draft(&mut d, json!({})).await["id"].as_i64().unwrap();
    submit(&mut d, id).await;
    let revision = pending_revision(&mut rv, id).await;
    let wire = Wire::start(&app).await;
    let who = Who::of(&rv);
    let calls = (0..40)
        .map(|n| {
            let decision = if n % 2 == 0 {
                json!({"approve": true})
            } else {
                json!({"approve": false, "reason": "quality"})
            };
            post(
                &who,
                format!("/api/v1/review/posts/{revision}/decision"),
                decision,
            )
        })
        .collect();
    let mut c = Checks::default();
    c.eq(
        "answers",
        tally(&wire.all_at_once(calls).await),
        counts(&[("200", 1), ("409 already_decided", 39)]),
    );
    c.eq(
        "revisions still in review",
        scalar(
            &app,
            &format!(
                "SELECT COUNT(*) FROM post_revisions WHERE post_id = {id} AND state = 'in_review'"
            ),
        )
        .await,
        0,
    );
    c
}
