//! Audit suite "authz" (issue 15): every operation of the OpenAPI document, called as
//! every actor (signed out, doctor A, doctor B, a reviewer who is no doctor, patient A,
//! patient B) with A's real ids and a valid body, against one table of expected answers
//! (`audit_authz/table_*.rs`, classes in `audit_authz/rules.rs`). An operation missing
//! from the table fails, and so does a row the document lacks. `audit_authz/cross.rs`
//! adds requests that name A's ids inside someone else's own (a body, a path).
//!
//! The refused calls run first and must change nothing (A's objects are read before and
//! after); then the allowed ones, those that spoil an object for others last. No answer
//! to anyone but A may carry A's private texts.

mod common;

#[path = "audit_authz/client.rs"]
mod client;
#[path = "audit_authz/cross.rs"]
mod cross;
#[path = "audit_authz/rules.rs"]
mod rules;
#[path = "audit_authz/setup.rs"]
mod setup;
#[path = "audit_authz/table_account.rs"]
mod table_account;
#[path = "audit_authz/table_care.rs"]
mod table_care;

use std::collections::BTreeSet;

use client::{Actor, Callers, Payload, Req, ACTORS};
use common::TestApp;
use cross::Cross;
use rules::{refusal_code, Access, Row};
use serde_json::Value;
use setup::{Ids, PATIENT_A_PHONE, SECRET};

#[derive(Default)]
struct Audit {
    tried: usize,
    failures: Vec<String>,
}

impl Audit {
    fn case(&mut self, what: String, problem: Option<String>) {
        self.tried += 1;
        if let Some(problem) = problem {
            self.failures.push(format!("{what}: {problem}"));
        }
    }
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every `METHOD path` of the document.
fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"].as_object().expect("paths in the document");
    paths
        .iter()
        .flat_map(|(path, ops)| {
            METHODS
                .iter()
                .filter(|m| ops.get(**m).is_some())
                .map(move |m| (m.to_ascii_uppercase(), path.clone()))
        })
        .collect()
}

/// The table and the document name the same operations, each once; every cross-owner
/// case names one of them.
fn compare_with_document(table: &[Row], crosses: &[Cross], doc: &Value, audit: &mut Audit) {
    let in_doc = documented(doc);
    let mut in_table = BTreeSet::new();
    for row in table {
        let op = (row.method.to_owned(), row.path.to_owned());
        let problem = if !in_doc.contains(&op) {
            Some("in the table but not in the OpenAPI document".to_owned())
        } else if !in_table.insert(op) {
            Some("twice in the table".to_owned())
        } else {
            None
        };
        audit.case(format!("{} {} (table)", row.method, row.path), problem);
    }
    for (method, path) in in_doc.difference(&in_table) {
        audit.case(
            format!("{method} {path}"),
            Some("in the OpenAPI document but not in the table: add a row".to_owned()),
        );
    }
    for c in crosses {
        let known = in_doc.contains(&(c.method.to_owned(), c.path.to_owned()));
        let problem = (!known).then(|| "not an operation of the OpenAPI document".to_owned());
        let what = format!("{} {} (cross-owner case)", c.method, c.path);
        audit.case(what, problem);
    }
}

/// Who may read what: A's private texts are A's alone; patient A's phone and name (also
/// masked: unique among the people here) are for A and patient A only, public pages and
/// the dev outbox aside.
fn leak(actor: Actor, public: bool, text: &str) -> Option<&'static str> {
    if actor != Actor::DoctorA && text.contains(SECRET) {
        return Some(SECRET);
    }
    let theirs = matches!(actor, Actor::DoctorA | Actor::PatientA) || public;
    [
        PATIENT_A_PHONE,
        setup::PATIENT_A_NAME,
        setup::PATIENT_A_MASKED,
    ]
    .into_iter()
    .find(|marker| !theirs && text.contains(marker))
}

async fn call(callers: &Callers, ids: &Ids, row: &Row, actor: Actor, audit: &mut Audit) {
    let what = format!("{} {} as {}", row.method, row.path, actor.name());
    let request = (row.build)(ids, actor);
    let public = row.access == Access::Public;
    let problem = check(
        callers,
        actor,
        row.method,
        request,
        row.expected(actor),
        public,
    )
    .await;
    audit.case(what, problem);
}

async fn check(
    callers: &Callers,
    actor: Actor,
    method: &str,
    request: Req,
    expected: u16,
    public: bool,
) -> Option<String> {
    let answer = callers.send(actor, method, request).await;
    let code = match answer.code.as_str() {
        "" => String::new(),
        code => format!(" ({code})"),
    };
    let want = refusal_code(expected);
    if answer.status != expected || want.is_some_and(|want| want != answer.code) {
        let want = want.map(|w| format!(" ({w})")).unwrap_or_default();
        return Some(format!(
            "expected {expected}{want}, got {}{code}",
            answer.status
        ));
    }
    leak(actor, public, &answer.text).map(|marker| {
        format!(
            "expected {expected} without what is not theirs, got {} carrying {marker}",
            answer.status
        )
    })
}

/// What A (and patient A, and the reviewer) read of A's objects.
async fn snapshot(callers: &Callers, ids: &Ids) -> Vec<(String, String)> {
    let (p, c) = (ids.patient, ids.consultation);
    let mut reads: Vec<(Actor, String)> = [
        "/api/v1/tags".to_owned(),
        format!("/api/v1/patients/{p}"),
        format!("/api/v1/patients/{p}/notes"),
        format!("/api/v1/patients/{p}/follow-up-plans"),
        format!("/api/v1/patients/{p}/timeline"),
        format!("/api/v1/consultations/{c}"),
        format!("/api/v1/consultations/{c}/messages"),
        format!("/api/v1/consultations/{}", ids.request_to_accept),
        format!("/api/v1/consultations/{}", ids.request_to_decline),
        "/api/v1/me/quick-replies".to_owned(),
        "/api/v1/me/documents".to_owned(),
        "/api/v1/me/profile".to_owned(),
        "/api/v1/me/verification".to_owned(),
        "/api/v1/me/acceptances".to_owned(),
        "/api/v1/follow-up-templates".to_owned(),
    ]
    .into_iter()
    .chain(
        [
            ids.draft,
            ids.draft_to_submit,
            ids.post_in_review,
            ids.published_post,
        ]
        .iter()
        .map(|id| format!("/api/v1/posts/{id}")),
    )
    .map(|path| (Actor::DoctorA, path))
    .collect();
    reads.push((Actor::PatientA, "/api/v1/patient/reminders".to_owned()));
    reads.push((
        Actor::PatientA,
        format!("/api/v1/patient/consultations/{c}/messages"),
    ));
    let submission = format!("/api/v1/review/submissions/{}", ids.submission);
    reads.push((Actor::Reviewer, submission));
    let b = &ids.b;
    reads.push((Actor::DoctorB, format!("/api/v1/patients/{}", b.patient)));
    let plans = format!("/api/v1/patients/{}/follow-up-plans", b.patient);
    reads.push((Actor::DoctorB, plans));
    let messages = format!("/api/v1/consultations/{}/messages", b.consultation);
    reads.push((Actor::DoctorB, messages));
    let mut out = Vec::new();
    for (actor, path) in reads {
        let answer = callers.raw(actor, "GET", &path, Payload::Empty).await;
        assert_eq!(answer.status, 200, "{path}: {}", answer.text);
        out.push((format!("GET {path} as {}", actor.name()), answer.text));
    }
    out
}

#[tokio::test]
async fn every_operation_as_every_actor() {
    let app = TestApp::with_config(|c| {
        // Not the subject here: the matrix asks for many codes and questions at once.
        c.limits.sms_phone_interval_secs = 0;
        c.limits.sms_phone_per_day = 1000;
        c.limits.sms_ip_per_hour = 1000;
        c.limits.sms_requests_per_ip_per_hour = 1000;
        c.limits.sms_code_ttl_secs = 24 * 3600;
        c.limits.questions_per_patient_per_hour = 1000;
    })
    .await;
    let world = setup::world(&app).await;
    let callers = Callers::new(app.router.clone(), world.jars());
    let ids = &world.ids;
    let mut audit = Audit::default();

    let mut table = table_account::rows();
    table.extend(table_care::rows());
    let doc = callers
        .raw(Actor::SignedOut, "GET", "/api/openapi.json", Payload::Empty)
        .await;
    let doc: Value = serde_json::from_str(&doc.text).expect("the OpenAPI document");
    let crosses = cross::cases();
    compare_with_document(&table, &crosses, &doc, &mut audit);

    // Refused calls first: afterwards A's objects must read exactly as before.
    let before = snapshot(&callers, ids).await;
    // The leak check looks for these marks: A's own reads must show them (the phone only
    // answers `reveal-phone`).
    for marker in [SECRET, setup::PATIENT_A_NAME, setup::PATIENT_A_MASKED] {
        let shown = before.iter().any(|(_, text)| text.contains(marker));
        let problem = (!shown).then(|| format!("no read of A's shows {marker}"));
        audit.case(format!("A's objects carry {marker}"), problem);
    }
    for row in &table {
        for actor in ACTORS.into_iter().filter(|a| row.refuses(*a)) {
            call(&callers, ids, row, actor, &mut audit).await;
        }
    }
    for c in &crosses {
        let what = format!("{} {} as {} ({})", c.method, c.path, c.actor.name(), c.what);
        let problem = check(
            &callers,
            c.actor,
            c.method,
            (c.build)(ids),
            c.expected,
            false,
        )
        .await;
        audit.case(what, problem);
    }
    let after = snapshot(&callers, ids).await;
    for ((what, old), (_, new)) in before.iter().zip(&after) {
        let problem = (old != new).then(|| format!("changed by refused calls: {old} → {new}"));
        audit.case(what.clone(), problem);
    }

    // Then the allowed calls, by stage (stable: table order within a stage).
    let mut allowed: Vec<&Row> = table.iter().collect();
    allowed.sort_by_key(|row| row.stage);
    for row in allowed {
        for actor in ACTORS.into_iter().filter(|a| !row.refuses(*a)) {
            call(&callers, ids, row, actor, &mut audit).await;
        }
    }

    let failed = audit.failures.len();
    println!(
        "AUDIT authz tried={} passed={} failed={failed}",
        audit.tried,
        audit.tried - failed
    );
    assert!(
        audit.failures.is_empty(),
        "{failed} of {} authz cases failed:\n{}",
        audit.tried,
        audit.failures.join("\n")
    );
}
