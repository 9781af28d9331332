//! The pages of the world, and a check that it is complete: every page's object exists
//! for whoever must be signed in, and every list has something in each of its tabs.

use serde_json::Value;

use super::{care::Care, posts::Posts, Api, Page, Who, World};

/// What the pages are made of.
pub struct Ids {
    pub care: Care,
    pub posts: Posts,
    /// A's rejected and approved submissions, B's pending one, A's pending practice change.
    pub submissions: [i64; 4],
    /// The agreement version the reviewer published.
    pub version: String,
}

const PROFILE: &[&str] = &[
    "profile.real_name",
    "profile.display_name",
    "profile.hospital",
    "profile.department",
    "profile.practice_category",
    "profile.practice_scope",
    "profile.specialties",
    "profile.bio",
    "document.caption",
    "review.note",
];
const CONSULTATION: &[&str] = &[
    "patient.name",
    "consultation.complaint",
    "consultation.hospital",
    "consultation.diagnosis",
];
const ADVICE: &[&str] = &[
    "advice.assessment",
    "advice.advice",
    "advice.department",
    "advice.follow_up",
];
const FOLLOW_UPS: &[&str] = &[
    "patient.name",
    "follow_up.plan_name",
    "follow_up.template_name",
    "follow_up.template_message",
    "follow_up.visit_message",
    "follow_up.outcome_note",
];
const POST: &[&str] = &[
    "post.title",
    "post.body",
    "post.image_alt",
    "question.text",
    "question.department",
    "post.review_note",
];
const AGREEMENT: &[&str] = &[
    "agreement.title",
    "agreement.change_summary",
    "agreement.body",
];
const AGREEMENT_EN: &[&str] = &[
    "agreement.title_en",
    "agreement.change_summary_en",
    "agreement.body_en",
];

fn page(path: impl Into<String>, who: Who, shows: &[&[&'static str]]) -> Page {
    Page {
        path: path.into(),
        who,
        shows: shows.concat(),
    }
}

pub fn pages(ids: &Ids) -> Vec<Page> {
    use Who::*;
    let (c, p) = (&ids.care, &ids.posts);
    let agreement = format!("/agreements/service-agreement/{}", ids.version);
    let mut pages = vec![
        page("/login", SignedOut, &[]),
        page("/register", SignedOut, &[]),
        page("/reset-password", SignedOut, &[]),
        page(
            &p.slug_path,
            SignedOut,
            &[
                POST,
                &[
                    "profile.real_name",
                    "profile.display_name",
                    "profile.hospital",
                    "profile.department",
                ],
            ],
        ),
        page("/", Doctor, &[&["profile.display_name"]]),
        page("/inbox", Doctor, &[CONSULTATION]),
        page(
            format!("/inbox/{}", c.new),
            Doctor,
            &[CONSULTATION, &["consultation.ask", "message.text"]],
        ),
        page(
            format!("/inbox/{}", c.ongoing),
            Doctor,
            &[CONSULTATION, &["message.text"]],
        ),
        page(
            format!("/inbox/{}", c.closed),
            Doctor,
            &[CONSULTATION, ADVICE, &["message.text"]],
        ),
        page(
            format!("/inbox/{}", c.declined),
            Doctor,
            &[CONSULTATION, &["decline.text"]],
        ),
        page("/patients", Doctor, &[&["patient.name", "tag.name"]]),
        page("/follow-ups", Doctor, &[FOLLOW_UPS]),
        page("/follow-ups?list=upcoming", Doctor, &[FOLLOW_UPS]),
        page("/follow-ups?list=done", Doctor, &[FOLLOW_UPS]),
        page("/posts", Doctor, &[&["post.title"]]),
        page("/posts?tab=in_review", Doctor, &[&["post.title"]]),
        page("/posts?tab=published", Doctor, &[&["post.title"]]),
        page(
            "/posts?tab=rejected",
            Doctor,
            &[&["post.title", "post.review_note"]],
        ),
        // The open questions show once the doctor picks "answer" and searches.
        page("/posts/new", Doctor, &[]),
        page("/agreements", Doctor, &[]),
        page(&agreement, Doctor, &[AGREEMENT]),
        page(format!("{agreement}?lang=en"), Doctor, &[AGREEMENT_EN]),
        page("/agreements/privacy-policy/1.0.0", Doctor, &[]),
        page(
            "/me/agreements",
            Doctor,
            // The history shows the title in the language accepted, and no user agent.
            &[&["agreement.title", "agreement.title_en"]],
        ),
        page(
            "/settings/consultation",
            Doctor,
            &[&["settings.greeting", "quick_reply.title", "quick_reply.text"]],
        ),
        page("/onboarding", Doctor, &[PROFILE]),
        page("/me", Doctor, &[&["profile.display_name"]]),
        // Device names are read off user agents into fixed words: nothing planted shows.
        page("/me/security", Doctor, &[]),
        // Blockers are counts and fixed words.
        page("/me/delete", Doctor, &[]),
        // Details are methods, versions, counts and masked numbers; devices fixed words.
        page("/me/activity", Doctor, &[]),
        // Notifications are fixed sentences with numbers and versions.
        page("/me/notifications", Doctor, &[]),
        page(
            "/review",
            Reviewer,
            &[&["profile.real_name", "profile.hospital"]],
        ),
        page("/review/agreements", Reviewer, &[&["agreement.title"]]),
        page(
            "/review/posts",
            Reviewer,
            &[&["post.title", "profile.real_name", "profile.display_name"]],
        ),
    ];
    for id in &c.patients {
        pages.push(page(
            format!("/patients/{id}"),
            Doctor,
            &[
                CONSULTATION,
                ADVICE,
                FOLLOW_UPS,
                &[
                    "tag.name",
                    "note.text",
                    "clinical.conditions",
                    "clinical.allergies",
                ],
            ],
        ));
    }
    for id in [p.published, p.answer, p.rejected, p.draft] {
        pages.push(page(format!("/posts/{id}/edit"), Doctor, &[POST]));
    }
    for id in ids.submissions {
        pages.push(page(format!("/review/{id}"), Reviewer, &[PROFILE]));
    }
    for id in [p.published_revision, p.answer_revision, p.rejected_revision] {
        pages.push(page(format!("/review/posts/{id}"), Reviewer, &[POST]));
    }
    pages
}

/// Doctor B's pages (signed in as B).
pub fn applicant_pages() -> Vec<Page> {
    vec![
        // B has not accepted the newest version: every page asks for it first.
        page("/", Who::Doctor, &[AGREEMENT]),
        page("/onboarding", Who::Doctor, &[PROFILE]),
        page("/agreements", Who::Doctor, &[AGREEMENT]),
    ]
}

/// The API call behind a page's object, if it has one.
fn backing(path: &str) -> Option<String> {
    let path = path.split('?').next().unwrap_or(path);
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let api = |p: String| Some(format!("/api/v1/{p}"));
    match parts.as_slice() {
        ["p", _] => Some(path.to_owned()),
        ["inbox", id] => api(format!("consultations/{id}")),
        ["patients", id] => api(format!("patients/{id}")),
        ["posts", id, "edit"] => api(format!("posts/{id}")),
        ["agreements", kind, version] => api(format!("agreements/{kind}/{version}")),
        ["review", "posts", id] => api(format!("review/posts/{id}")),
        ["review", id] if *id != "agreements" && *id != "posts" => {
            api(format!("review/submissions/{id}"))
        }
        _ => None,
    }
}

async fn count(api: &Api, path: &str, at: &str) -> i64 {
    let r = api.get(path).await;
    r.json.pointer(at).and_then(Value::as_i64).unwrap_or(-1)
}

/// What is missing from the world (empty when it is complete).
pub async fn problems(server: &doctor_desk_server::Running, world: &World) -> Vec<String> {
    let base = server.url();
    let mut problems = Vec::new();
    let mut clients = Vec::new();
    for who in [Who::SignedOut, Who::Doctor, Who::Reviewer] {
        let api = Api::new(&base, world.credentials(who).map_or("", |c| c.0)).await;
        if let Some((_, password)) = world.credentials(who) {
            api.login(password).await;
        }
        clients.push((who, api));
    }
    let applicant = Api::new(&base, &world.applicant_phone).await;
    applicant.login(&world.applicant_password).await;
    let client = |who: Who| &clients.iter().find(|(w, _)| *w == who).expect("a client").1;
    let all = world.pages.iter().map(|p| (p, client(p.who)));
    for (page, api) in all.chain(world.applicant_pages.iter().map(|p| (p, &applicant))) {
        if let Some(path) = backing(&page.path) {
            let r = api.get(&path).await;
            if r.status != 200 {
                problems.push(format!(
                    "{} ({:?}): {path} answers {}",
                    page.path, page.who, r.status
                ));
            }
        }
    }
    let (doctor, applicant, reviewer) = (client(Who::Doctor), &applicant, client(Who::Reviewer));
    let expect = |problems: &mut Vec<String>, what: &str, n: i64, at_least: i64| {
        if n < at_least {
            problems.push(format!("{what}: {n}, expected at least {at_least}"));
        }
    };
    for (tab, at_least) in [("new", 1), ("ongoing", 1), ("closed", 2)] {
        let n = count(doctor, "/api/v1/consultations", &format!("/counts/{tab}")).await;
        expect(&mut problems, &format!("{tab} consultations"), n, at_least);
    }
    for tab in ["draft", "in_review", "published", "rejected"] {
        let n = count(doctor, "/api/v1/posts", &format!("/counts/{tab}")).await;
        expect(&mut problems, &format!("{tab} posts"), n, 1);
    }
    for list in ["today", "upcoming", "done"] {
        let n = count(doctor, "/api/v1/follow-ups", &format!("/counts/{list}")).await;
        expect(&mut problems, &format!("follow-ups {list}"), n, 1);
    }
    let n = count(doctor, "/api/v1/patients", "/total").await;
    expect(&mut problems, "patients", n, 2);
    let queue = reviewer
        .get("/api/v1/review/submissions?status=pending")
        .await
        .json;
    let n = queue.as_array().map_or(-1, |a| a.len() as i64);
    expect(&mut problems, "pending submissions", n, 2);
    let queue = reviewer.get("/api/v1/review/posts").await.json;
    let n = queue["items"].as_array().map_or(-1, |a| a.len() as i64);
    expect(&mut problems, "posts in review", n, 1);
    let a = doctor.get("/api/v1/me").await.json;
    if a["verification_status"] != "verified" || a["pending_agreements"] != Value::Array(vec![]) {
        problems.push(format!("doctor A is not verified and up to date: {a}"));
    }
    let b = applicant.get("/api/v1/me").await.json;
    if b["verification_status"] != "pending"
        || b["pending_agreements"].as_array().is_none_or(Vec::is_empty)
    {
        problems.push(format!(
            "doctor B is not pending with an agreement to accept: {b}"
        ));
    }
    for (field, text, status) in &world.refused {
        if *status >= 500 {
            problems.push(format!("{field}: the server failed ({status}) on {text:?}"));
        }
    }
    problems
}
