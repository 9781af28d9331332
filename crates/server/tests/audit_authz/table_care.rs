//! The matrix, second half: my patients, follow-ups, posts and the reviewers' queues.

use chrono::Duration;
use serde_json::json;

use crate::client::{req, Actor::*};
use crate::common::posts::png;
use crate::rules::{row, Access::*, Row, Stage};

pub fn rows() -> Vec<Row> {
    vec![
        // ---- my patients ----
        // A's tag as a filter: not one of B's (404, as for any id of A's).
        row("GET", "/api/v1/patients", Doctor, 200, |i, _| {
            req(format!("/api/v1/patients?tag={}", i.tag))
        })
        .except(DoctorB, 404),
        row("GET", "/api/v1/patients/{id}", OwnedByA, 200, |i, _| {
            req(format!("/api/v1/patients/{}", i.patient))
        }),
        row(
            "POST",
            "/api/v1/patients/{id}/reveal-phone",
            OwnedByA,
            200,
            |i, _| req(format!("/api/v1/patients/{}/reveal-phone", i.patient)),
        ),
        row(
            "PUT",
            "/api/v1/patients/{id}/clinical",
            OwnedByA,
            200,
            |i, _| {
                req(format!("/api/v1/patients/{}/clinical", i.patient))
                    .json(json!({"conditions": "SECRET-A 高血压 11 年", "allergies": "青霉素"}))
            },
        ),
        row(
            "GET",
            "/api/v1/patients/{id}/notes",
            OwnedByA,
            200,
            |i, _| req(format!("/api/v1/patients/{}/notes", i.patient)),
        ),
        row(
            "POST",
            "/api/v1/patients/{id}/notes",
            OwnedByA,
            201,
            |i, _| {
                req(format!("/api/v1/patients/{}/notes", i.patient))
                    .json(json!({"text": "复诊记录"}))
            },
        ),
        row(
            "PUT",
            "/api/v1/patients/{id}/notes/{note_id}",
            OwnedByA,
            200,
            |i, _| {
                req(format!("/api/v1/patients/{}/notes/{}", i.patient, i.note))
                    .json(json!({"text": "SECRET-A 第二版", "version": 1}))
            },
        ),
        row(
            "PUT",
            "/api/v1/patients/{id}/tags",
            OwnedByA,
            200,
            |i, _| {
                req(format!("/api/v1/patients/{}/tags", i.patient))
                    .json(json!({"tag_ids": [i.tag]}))
            },
        ),
        row(
            "GET",
            "/api/v1/patients/{id}/timeline",
            OwnedByA,
            200,
            |i, _| req(format!("/api/v1/patients/{}/timeline", i.patient)),
        ),
        row("GET", "/api/v1/tags", Doctor, 200, |_, _| {
            req("/api/v1/tags")
        }),
        row("POST", "/api/v1/tags", Doctor, 201, |_, _| {
            req("/api/v1/tags").json(json!({"name": "随访中", "color": "blue"}))
        }),
        row("PUT", "/api/v1/tags/{id}", OwnedByA, 200, |i, _| {
            req(format!("/api/v1/tags/{}", i.tag))
                .json(json!({"name": "SECRET-A 标签", "color": "green"}))
        }),
        row("DELETE", "/api/v1/tags/{id}", OwnedByA, 204, |i, _| {
            req(format!("/api/v1/tags/{}", i.tag))
        })
        .stage(Stage::Delete),
        row(
            "POST",
            "/api/v1/tags/{id}/patients",
            OwnedByA,
            200,
            |i, _| {
                req(format!("/api/v1/tags/{}/patients", i.tag))
                    .json(json!({"patient_ids": [i.patient]}))
            },
        ),
        // ---- follow-ups ----
        row("POST", "/api/v1/tags/{id}/remind", OwnedByA, 200, |i, _| {
            req(format!("/api/v1/tags/{}/remind", i.tag)).json(json!({"message": "请按时测量血压"}))
        }),
        row("GET", "/api/v1/follow-up-templates", Doctor, 200, |_, _| {
            req("/api/v1/follow-up-templates")
        }),
        row(
            "POST",
            "/api/v1/follow-up-templates",
            Doctor,
            201,
            |_, _| {
                req("/api/v1/follow-up-templates").json(json!({"name": "复查模板", "every": 1,
                "unit": "months", "visits": 3, "message": "请空腹复查血糖"}))
            },
        ),
        row("GET", "/api/v1/follow-ups", Doctor, 200, |_, _| {
            req("/api/v1/follow-ups?list=upcoming")
        }),
        row(
            "POST",
            "/api/v1/follow-ups/{id}/remind",
            OwnedByA,
            200,
            |i, _| req(format!("/api/v1/follow-ups/{}/remind", i.visit_remind)),
        ),
        row(
            "POST",
            "/api/v1/follow-ups/{id}/done",
            OwnedByA,
            200,
            |i, _| {
                req(format!("/api/v1/follow-ups/{}/done", i.visit_done))
                    .json(json!({"note": "血压平稳"}))
            },
        )
        .late(),
        row(
            "POST",
            "/api/v1/follow-ups/{id}/missed",
            OwnedByA,
            200,
            |i, _| req(format!("/api/v1/follow-ups/{}/missed", i.visit_missed)),
        )
        .late(),
        row("GET", "/api/v1/me/today", Doctor, 200, |_, _| {
            req("/api/v1/me/today")
        }),
        row(
            "GET",
            "/api/v1/patients/{id}/follow-up-plans",
            OwnedByA,
            200,
            |i, _| req(format!("/api/v1/patients/{}/follow-up-plans", i.patient)),
        ),
        row(
            "POST",
            "/api/v1/patients/{id}/follow-up-plans",
            OwnedByA,
            201,
            |i, _| {
                let due_on = i.today + Duration::days(30);
                req(format!("/api/v1/patients/{}/follow-up-plans", i.patient)).json(
                    json!({"name": "复诊", "visits": [{"due_on": due_on, "message": "请复诊"}]}),
                )
            },
        ),
        // ---- posts ----
        row("GET", "/api/v1/posts", Doctor, 200, |_, _| {
            req("/api/v1/posts?tab=draft")
        }),
        row("POST", "/api/v1/posts", Doctor, 201, |i, _| {
            req("/api/v1/posts").json(json!({"kind": "answer", "question_id": i.question,
                "title": "需要长期服药", "body": "遵医嘱规律服药，定期复查。"}))
        }),
        row("POST", "/api/v1/posts/check", Doctor, 200, |_, _| {
            req("/api/v1/posts/check")
                .json(json!({"title": "家庭血压测量", "body": "早晚各测一次。"}))
        }),
        row("POST", "/api/v1/posts/preview", Doctor, 200, |_, _| {
            req("/api/v1/posts/preview").json(json!({"body": "**坐位休息 5 分钟**后再测。"}))
        }),
        row("GET", "/api/v1/posts/rules", Doctor, 200, |_, _| {
            req("/api/v1/posts/rules")
        }),
        row("GET", "/api/v1/posts/{id}", OwnedByA, 200, |i, _| {
            req(format!("/api/v1/posts/{}", i.draft))
        }),
        row("PUT", "/api/v1/posts/{id}", OwnedByA, 200, |i, _| {
            req(format!("/api/v1/posts/{}", i.draft)).json(json!({"kind": "article",
                "title": "SECRET-A 草稿（改）", "body": "每天早晚各测一次血压。", "version": 1}))
        }),
        row(
            "POST",
            "/api/v1/posts/{id}/images",
            OwnedByA,
            201,
            |i, _| {
                req(format!("/api/v1/posts/{}/images", i.draft))
                    .multipart(&[], Some(("图.png", png(640, 480))))
            },
        ),
        row("DELETE", "/api/v1/posts/{id}", OwnedByA, 204, |i, _| {
            req(format!("/api/v1/posts/{}", i.draft))
        })
        .stage(Stage::Delete),
        row(
            "POST",
            "/api/v1/posts/{id}/submit",
            OwnedByA,
            200,
            |i, _| req(format!("/api/v1/posts/{}/submit", i.draft_to_submit)),
        )
        .late(),
        // Taken down after its public page and image were read.
        row(
            "POST",
            "/api/v1/posts/{id}/withdraw",
            OwnedByA,
            200,
            |i, _| {
                req(format!("/api/v1/posts/{}/withdraw", i.published_post))
                    .json(json!({"from": "public"}))
            },
        )
        .late(),
        row("GET", "/api/v1/questions", Doctor, 200, |_, _| {
            req("/api/v1/questions")
        }),
        // ---- the reviewers' queues, with A's revision and A's practice change ----
        row("GET", "/api/v1/review/posts", ReviewerOnly, 200, |_, _| {
            req("/api/v1/review/posts")
        }),
        row(
            "GET",
            "/api/v1/review/posts/{id}",
            ReviewerOnly,
            200,
            |i, _| req(format!("/api/v1/review/posts/{}", i.revision)),
        ),
        row(
            "POST",
            "/api/v1/review/posts/{id}/decision",
            ReviewerOnly,
            200,
            |i, _| {
                req(format!("/api/v1/review/posts/{}/decision", i.revision))
                    .json(json!({"approve": true}))
            },
        )
        .late(),
        row(
            "GET",
            "/api/v1/review/appeals",
            ReviewerOnly,
            200,
            |_, _| req("/api/v1/review/appeals"),
        ),
        row(
            "GET",
            "/api/v1/review/appeals/{id}",
            ReviewerOnly,
            200,
            |i, _| req(format!("/api/v1/review/appeals/{}", i.appeal)),
        ),
        row(
            "POST",
            "/api/v1/review/appeals/{id}/decision",
            ReviewerOnly,
            200,
            |i, _| {
                req(format!("/api/v1/review/appeals/{}/decision", i.appeal))
                    .json(json!({"approve": false, "note": "与任何账号都不匹配"}))
            },
        )
        .late(),
        row(
            "GET",
            "/api/v1/review/submissions",
            ReviewerOnly,
            200,
            |_, _| req("/api/v1/review/submissions?status=pending"),
        ),
        row(
            "GET",
            "/api/v1/review/submissions/{id}",
            ReviewerOnly,
            200,
            |i, _| req(format!("/api/v1/review/submissions/{}", i.submission)),
        ),
        row(
            "POST",
            "/api/v1/review/submissions/{id}/decision",
            ReviewerOnly,
            200,
            |i, _| {
                req(format!(
                    "/api/v1/review/submissions/{}/decision",
                    i.submission
                ))
                .json(json!({"profile_change": {"approve": true}}))
            },
        )
        .late(),
    ]
}
