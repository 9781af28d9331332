//! Posts, whose bodies are Markdown holding many texts at once: an article
//! with images published at `/p/{slug}`, an answer to a patient's public question waiting
//! for review, an announcement rejected with a note, and a draft.

use reqwest::Method;
use serde_json::{json, Value};

use super::client::{Api, Recorder, Slot, PNG_FILE};

/// Texts joined into one Markdown body of at most `max` characters, with the byte range
/// of each text in it.
pub struct Body {
    pub field: &'static str,
    pub texts: Vec<String>,
}

impl Body {
    /// `wrap` turns a text (and its number) into its Markdown.
    pub fn render(
        &self,
        max: usize,
        wrap: impl Fn(usize, &str) -> String,
    ) -> (String, Vec<(usize, usize)>) {
        let mut out = String::new();
        let mut spans = Vec::new();
        for (i, text) in self.texts.iter().enumerate() {
            let md = wrap(i, text);
            if out.chars().count() + md.chars().count() > max {
                break;
            }
            let start = out.len();
            out.push_str(&md);
            spans.push((start, out.len()));
        }
        (out, spans)
    }
}

/// Every finding of the compliance check on `title` and `body`.
async fn check(doctor: &Api, title: &str, body: &str) -> Vec<Value> {
    let r = doctor
        .post("/api/v1/posts/check", json!({"title": title, "body": body}))
        .await;
    assert_eq!(r.status, 200, "check: {}", r.json);
    r.json["findings"].as_array().cloned().unwrap_or_default()
}

/// Writes a post of `kind` with the caller's title and body texts (and images with their
/// descriptions). To submit it, texts the compliance check refuses are left out and
/// recorded refused (422, as submitting would answer) and its warnings kept, as a doctor
/// may; a draft keeps them all. The post's JSON.
async fn write(
    rec: &mut Recorder<'_>,
    doctor: &Api,
    kind: &str,
    n: usize,
    question: Option<i64>,
    submit: bool,
) -> Value {
    let created = doctor
        .post(
            "/api/v1/posts",
            json!({"kind": kind, "question_id": question}),
        )
        .await;
    assert_eq!(created.status, 201, "new post: {}", created.json);
    let id = created.json["id"].as_i64().expect("a post id");
    let image = doctor
        .upload(&format!("/api/v1/posts/{id}/images"), PNG_FILE)
        .await;
    let url = image["url"].as_str().expect("an image address").to_owned();
    let mut title = rec.many("post.title", n + 1, 64).into_iter().nth(n);
    let mut body = Body {
        field: "post.body",
        texts: rec.many("post.body", 200, 2000),
    };
    // Descriptions as the editor writes them: `[`, `]` and line breaks become spaces.
    let mut alts = Body {
        field: "post.image_alt",
        texts: rec
            .many("post.image_alt", 10, 100)
            .into_iter()
            .map(|a| a.replace(['[', ']', '\n', '\r'], " ").trim().to_owned())
            .filter(|a| !a.is_empty())
            .collect(),
    };
    let plain_title = format!("家庭血压测量的五个要点（{n}）");
    let plain_body = format!(
        "每天早晚各测一次血压，**坐位休息 5 分钟**后再测。\n\n![血压计的正确用法]({url})\n"
    );
    let mut version = created.json["version"].clone();
    let mut saved = false;
    for _ in 0..4 {
        let (images, image_spans) = alts.render(2_000, |_, alt| format!("![{alt}]({url})\n\n"));
        let (texts, text_spans) = body.render(20_000 - images.chars().count(), |i, t| {
            if i % 5 == 0 {
                format!("## {}\n\n{t}\n\n", i / 5 + 1)
            } else {
                format!("{t}\n\n")
            }
        });
        let full = if texts.is_empty() && images.is_empty() {
            plain_body.clone()
        } else {
            format!("{images}{texts}")
        };
        let shown_title = title.clone().unwrap_or_else(|| plain_title.clone());
        let findings = check(doctor, &shown_title, &full).await;
        let errors: Vec<&Value> = findings
            .iter()
            .filter(|f| f["severity"] == "error")
            .collect();
        // A draft keeps everything: the editor shows what the check found, in place.
        if errors.is_empty() || !submit {
            let kept: Vec<&str> = findings.iter().filter_map(|f| f["key"].as_str()).collect();
            let save = json!({"kind": kind, "question_id": question, "title": shown_title,
                "body": full, "cover": url, "ai_assisted": false, "kept_warnings": kept, "version": version});
            let r = doctor.put(&format!("/api/v1/posts/{id}"), save).await;
            if r.ok() {
                version = r.json["version"].clone();
                saved = true;
                if let Some(t) = &title {
                    rec.accepted("post.title", t);
                }
                let used = image_spans.len();
                for t in alts.texts.iter().take(used) {
                    rec.accepted(alts.field, t);
                }
                for t in body.texts.iter().take(text_spans.len()) {
                    rec.accepted(body.field, t);
                }
                break;
            }
            // Refused as a whole: every caller's text goes, the plain post is saved next.
            for t in title.take().iter() {
                rec.refuse("post.title", t, r.status);
            }
            for part in [&mut body, &mut alts] {
                for t in part.texts.drain(..) {
                    rec.refuse(part.field, &t, r.status);
                }
            }
            continue;
        }
        // Leave out what the check refuses.
        let hits = |spans: &[(usize, usize)], base: usize| -> Vec<usize> {
            let mut doomed: Vec<usize> = errors
                .iter()
                .filter(|f| f["field"] == "body")
                .flat_map(|f| {
                    let start = f["start"].as_u64().unwrap_or(0) as usize;
                    let end = f["end"].as_u64().unwrap_or(0) as usize;
                    spans
                        .iter()
                        .enumerate()
                        .filter(move |(_, (s, e))| {
                            base + s < end.max(start + 1) && start < base + e
                        })
                        .map(|(i, _)| i)
                })
                .collect();
            doomed.sort_unstable();
            doomed.dedup();
            doomed
        };
        let doomed_images = hits(&image_spans, 0);
        let doomed_texts = hits(&text_spans, images.len());
        for (part, doomed) in [(&mut alts, doomed_images), (&mut body, doomed_texts)] {
            for i in doomed.into_iter().rev() {
                let t = part.texts.remove(i);
                rec.refuse(part.field, &t, 422);
            }
        }
        if errors.iter().any(|f| f["field"] == "title") {
            if let Some(t) = title.take() {
                rec.refuse("post.title", &t, 422);
            }
        }
    }
    assert!(saved, "post {id} could not be saved even with plain texts");
    if submit {
        let r = doctor
            .post(
                &format!("/api/v1/posts/{id}/submit"),
                json!({"version": version}),
            )
            .await;
        assert_eq!(r.status, 200, "submit post {id}: {}", r.json);
        return r.json;
    }
    doctor.get(&format!("/api/v1/posts/{id}")).await.json
}

/// The id of the revision of post `id` in the reviewers' queue.
async fn revision(reviewer: &Api, id: i64) -> i64 {
    let q = reviewer.get("/api/v1/review/posts").await;
    assert_eq!(q.status, 200, "{}", q.json);
    q.json["items"]
        .as_array()
        .and_then(|items| items.iter().find(|r| r["post_id"] == id))
        .and_then(|r| r["id"].as_i64())
        .unwrap_or_else(|| panic!("post {id} is not in the queue: {}", q.json))
}

pub struct Posts {
    pub published: i64,
    pub published_revision: i64,
    pub slug_path: String,
    pub answer: i64,
    pub answer_revision: i64,
    pub rejected: i64,
    pub rejected_revision: i64,
    pub draft: i64,
}

/// The patient asks public questions; the doctor writes the four posts; the reviewer
/// approves the article and rejects the announcement.
pub async fn posts(rec: &mut Recorder<'_>, doctor: &Api, reviewer: &Api, asker: &Api) -> Posts {
    let departments = rec.many("question.department", 4, 20);
    let mut questions = Vec::new();
    for (i, text) in rec.many("question.text", 4, 500).into_iter().enumerate() {
        let mut slots = [
            Slot::new("question.text", "text", "/text", Some(text), ""),
            Slot::new(
                "question.department",
                "department",
                "/department",
                departments.get(i).cloned(),
                "心内科",
            ),
        ];
        let body = json!({"text": "", "department": ""});
        if let Some(q) = rec
            .send(
                asker,
                Method::POST,
                "/api/v1/patient/questions",
                body,
                &mut slots,
                None,
                false,
            )
            .await
        {
            questions.push(q["id"].as_i64().expect("a question id"));
        }
    }
    if questions.is_empty() {
        let r = asker
            .post(
                "/api/v1/patient/questions",
                json!({"text": "高血压需要终身吃药吗？", "department": "心内科"}),
            )
            .await;
        assert_eq!(r.status, 201, "question: {}", r.json);
        questions.push(r.json["id"].as_i64().expect("a question id"));
    }

    let article = write(rec, doctor, "article", 0, None, true).await;
    let published = article["id"].as_i64().expect("an id");
    let published_revision = revision(reviewer, published).await;
    let r = reviewer
        .post(
            &format!("/api/v1/review/posts/{published_revision}/decision"),
            json!({"approve": true}),
        )
        .await;
    assert_eq!(r.status, 200, "approve: {}", r.json);
    let page = doctor.get(&format!("/api/v1/posts/{published}")).await.json;
    let slug_path = page["publication"]["url"]
        .as_str()
        .unwrap_or_else(|| panic!("not published: {page}"))
        .to_owned();

    let answer = write(rec, doctor, "answer", 1, Some(questions[0]), true).await["id"]
        .as_i64()
        .expect("an id");
    let answer_revision = revision(reviewer, answer).await;

    let rejected = write(rec, doctor, "announcement", 2, None, true).await["id"]
        .as_i64()
        .expect("an id");
    let rejected_revision = revision(reviewer, rejected).await;
    let mut slots = [Slot::new(
        "post.review_note",
        "note",
        "/note",
        rec.one("post.review_note", 500),
        "请补充参考文献。",
    )];
    let body = json!({"approve": false, "reason": "other", "note": ""});
    let path = format!("/api/v1/review/posts/{rejected_revision}/decision");
    rec.send(reviewer, Method::POST, &path, body, &mut slots, None, true)
        .await;

    let draft = write(rec, doctor, "article", 3, None, false).await["id"]
        .as_i64()
        .expect("an id");
    Posts {
        published,
        published_revision,
        slug_path,
        answer,
        answer_revision,
        rejected,
        rejected_revision,
        draft,
    }
}
