//! One rich, realistic world in a fresh dev server, built through the REST API as the SPA
//! and the patient app would (cookies, CSRF header, uploads), so that every page of the
//! doctor app, the reviewer console and the public post page has something to show.
//!
//! Every free text a doctor, reviewer or patient can write comes from the caller's
//! [`Texts`]: the XSS audit passes malicious payloads, the accessibility audit ordinary
//! Chinese and English. A text the API refuses (a 4xx) is recorded in
//! [`World::refused`] and a plain text takes its place, so the world is complete either
//! way. Only what has no API is done as the e2e fixtures do: the sample agreements
//! 1.0.0 published and the reviewer account created from the server side.

#![allow(dead_code)]

#[path = "world/agreements.rs"]
mod agreements;
#[path = "world/care.rs"]
mod care;
#[path = "world/check.rs"]
mod check;
#[path = "world/client.rs"]
mod client;
#[path = "world/doctors.rs"]
mod doctors;
#[path = "world/posts.rs"]
mod posts;
#[path = "world/records.rs"]
mod records;

use chrono::{FixedOffset, NaiveDate};

pub use check::problems;
pub use client::Api;

/// Where the texts come from.
pub trait Texts: Send + Sync {
    /// Texts for `field` (e.g. "profile.bio", "message.text", "post.body"), at most `max`
    /// of them, each at most `max_len` characters (the API's limit for that field). A
    /// source may return fewer, or none (a plain text is used then).
    fn texts(&self, field: &str, max: usize, max_len: usize) -> Vec<String>;
}

/// Who must be signed in to open a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    SignedOut,
    /// Doctor A in [`World::pages`] (verified, with patients, posts and everything else);
    /// doctor B in [`World::applicant_pages`].
    Doctor,
    Reviewer,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub path: String,
    pub who: Who,
    /// The fields (as asked of [`Texts`]) whose texts this page shows.
    pub shows: Vec<&'static str>,
}

pub struct World {
    pub doctor_phone: String,
    pub password: String,
    pub doctor_id: i64,
    pub reviewer_phone: String,
    pub reviewer_password: String,
    /// Pages that show this world's texts, with who must be signed in.
    pub pages: Vec<Page>,
    /// Doctor B, who submitted for review (pending) and has not accepted the agreement
    /// version published last, so `/agreements` shows its changes: B's pages (`who` is
    /// `Doctor`, to be opened signed in with these credentials instead of A's).
    pub applicant_phone: String,
    pub applicant_password: String,
    pub applicant_pages: Vec<Page>,
    /// A's consultation still waiting for an answer (the keyboard walk accepts it).
    pub new_consultation: i64,
    /// (field, text) pairs the API accepted.
    pub stored: Vec<(String, String)>,
    /// (field, text, status) the API refused: a 4xx is a fine outcome, a 5xx is not.
    pub refused: Vec<(String, String, u16)>,
}

impl World {
    /// Phone and password of whoever `who` is in [`World::pages`].
    pub fn credentials(&self, who: Who) -> Option<(&str, &str)> {
        match who {
            Who::SignedOut => None,
            Who::Doctor => Some((&self.doctor_phone, &self.password)),
            Who::Reviewer => Some((&self.reviewer_phone, &self.reviewer_password)),
        }
    }
}

const DOCTOR_PHONE: &str = "13900001001";
const APPLICANT_PHONE: &str = "13900001002";
const REVIEWER_PHONE: &str = "13800000009";
const PASSWORD: &str = "world2026pw";

/// Today in China by the server's clock.
fn today(server: &doctor_desk_server::Running) -> NaiveDate {
    let china = FixedOffset::east_opt(8 * 3600).expect("UTC+8");
    server.state.clock.now().with_timezone(&china).date_naive()
}

pub async fn build(server: &doctor_desk_server::Running, texts: &dyn Texts) -> World {
    let base = server.url();
    let today = today(server);
    let mut rec = client::Recorder::new(texts);
    let mut agents = doctors::user_agents(&rec);

    // Fixtures, as the e2e tests do: the agreements' first versions and the reviewer.
    doctor_desk_server::agreements::samples::publish_missing(&server.state)
        .await
        .map_err(|e| format!("{e}"))
        .expect("sample agreements published");
    let reviewer_password =
        doctor_desk_server::admin::create_reviewer(&server.state, REVIEWER_PHONE)
            .await
            .expect("reviewer")
            .expect("a new reviewer");
    let reviewer = Api::new(&base, REVIEWER_PHONE).await;
    reviewer.login(&reviewer_password).await;
    // The one-time password opens nothing else until the reviewer sets their own.
    let own = "reviewer123";
    let r = reviewer
        .put(
            "/api/v1/me/password",
            serde_json::json!({"current_password": reviewer_password, "new_password": own}),
        )
        .await;
    assert_eq!(r.status, 200, "reviewer's own password: {}", r.json);
    let reviewer_password = own.to_owned();
    doctors::accept_agreements(&mut rec, &reviewer, &mut agents).await;

    // Doctor A: onboarding, a first submission partly rejected, then approved.
    let doctor = Api::new(&base, DOCTOR_PHONE).await;
    doctor.register(PASSWORD).await;
    doctors::accept_agreements(&mut rec, &doctor, &mut agents).await;
    doctors::profile(&mut rec, &doctor, 0, "陈静", "11010519491231002X").await;
    doctor.upload("/api/v1/me/avatar", client::PNG_FILE).await;
    doctors::documents(&mut rec, &doctor, today).await;
    doctors::submit(&doctor).await;
    let first_submission = doctors::newest_pending(&reviewer).await;
    let rejected = ["id_card_back", "professional_title"];
    doctors::decide(&mut rec, &reviewer, first_submission, &rejected).await;
    doctors::replace_documents(&mut rec, &doctor, &rejected).await;
    doctors::submit(&doctor).await;
    let second_submission = doctors::newest_pending(&reviewer).await;
    doctors::decide(&mut rec, &reviewer, second_submission, &[]).await;
    let me = doctor.get("/api/v1/me").await.json;
    assert_eq!(me["verification_status"], "verified", "doctor A: {me}");
    let doctor_id = me["id"].as_i64().expect("an account id");

    // Doctor A at work.
    doctors::open_service(&mut rec, &doctor).await;
    let care = care::consultations(&mut rec, &base, &doctor, doctor_id, today).await;
    records::records(&mut rec, &doctor, &care.patients, today).await;
    let posts = posts::posts(&mut rec, &doctor, &reviewer, &care.asker).await;

    // Doctor B applies and waits.
    let applicant = Api::new(&base, APPLICANT_PHONE).await;
    applicant.register(PASSWORD).await;
    doctors::accept_agreements(&mut rec, &applicant, &mut agents).await;
    doctors::profile(&mut rec, &applicant, 1, "林晓峰", "440524198001010013").await;
    doctors::documents(&mut rec, &applicant, today).await;
    doctors::submit(&applicant).await;
    let applicant_submission = doctors::newest_pending(&reviewer).await;

    // A new agreement version: A accepts it again, B has not yet.
    let version = agreements::publish_agreement(&mut rec, &reviewer).await;
    doctors::accept_agreements(&mut rec, &doctor, &mut agents).await;
    doctors::accept_agreements(&mut rec, &reviewer, &mut agents).await;

    // Last, as it puts A's practice fields under review.
    doctors::ask_practice_change(&doctor).await;
    let change_submission = doctors::newest_pending(&reviewer).await;

    let new_consultation = care.new;
    let ids = check::Ids {
        care,
        posts,
        submissions: [
            first_submission,
            second_submission,
            applicant_submission,
            change_submission,
        ],
        version,
    };
    World {
        doctor_phone: DOCTOR_PHONE.into(),
        password: PASSWORD.into(),
        doctor_id,
        applicant_phone: APPLICANT_PHONE.into(),
        applicant_password: PASSWORD.into(),
        reviewer_phone: REVIEWER_PHONE.into(),
        reviewer_password,
        pages: check::pages(&ids),
        applicant_pages: check::applicant_pages(),
        new_consultation,
        stored: rec.stored,
        refused: rec.refused,
    }
}
