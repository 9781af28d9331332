//! A's ids inside someone else's own requests: a body or a path that mixes a caller's own
//! object with one of A's (or patient A's) must be refused like a stranger's id (404, and
//! nothing changes), and a file is readable exactly by those who were shown it.

use serde_json::json;

use crate::client::{req, Actor, Actor::*, Req};
use crate::setup::Ids;

pub struct Cross {
    pub method: &'static str,
    /// The operation, as the OpenAPI document names it.
    pub path: &'static str,
    pub actor: Actor,
    pub expected: u16,
    pub what: &'static str,
    pub build: fn(&Ids) -> Req,
}

fn cross(
    method: &'static str,
    path: &'static str,
    actor: Actor,
    expected: u16,
    what: &'static str,
    build: fn(&Ids) -> Req,
) -> Cross {
    Cross {
        method,
        path,
        actor,
        expected,
        what,
        build,
    }
}

pub fn cases() -> Vec<Cross> {
    vec![
        cross(
            "PUT",
            "/api/v1/patients/{id}/tags",
            DoctorB,
            404,
            "A's tag on B's patient",
            |i| {
                req(format!("/api/v1/patients/{}/tags", i.b.patient))
                    .json(json!({"tag_ids": [i.tag]}))
            },
        ),
        cross(
            "POST",
            "/api/v1/tags/{id}/patients",
            DoctorB,
            404,
            "A's patient under B's tag",
            |i| {
                req(format!("/api/v1/tags/{}/patients", i.b.tag))
                    .json(json!({"patient_ids": [i.patient]}))
            },
        ),
        cross(
            "POST",
            "/api/v1/patients/{id}/follow-up-plans",
            DoctorB,
            404,
            "A's template for B's patient",
            |i| {
                req(format!("/api/v1/patients/{}/follow-up-plans", i.b.patient))
                    .json(json!({"template_id": i.template}))
            },
        ),
        cross(
            "PUT",
            "/api/v1/patients/{id}/notes/{note_id}",
            DoctorB,
            404,
            "A's note under B's patient",
            |i| {
                req(format!("/api/v1/patients/{}/notes/{}", i.b.patient, i.note))
                    .json(json!({"text": "改写", "version": 1}))
            },
        ),
        cross(
            "POST",
            "/api/v1/consultations/{id}/messages",
            DoctorB,
            404,
            "A's photo sent in B's consultation",
            |i| {
                req(format!(
                    "/api/v1/consultations/{}/messages",
                    i.b.consultation
                ))
                .json(json!({"client_id": "cross-photo-0001", "image_file_id": i.doctor_photo}))
            },
        ),
        cross(
            "POST",
            "/api/v1/consultations/{id}/messages",
            DoctorB,
            404,
            "A's licence sent in B's consultation",
            |i| {
                req(format!(
                    "/api/v1/consultations/{}/messages",
                    i.b.consultation
                ))
                .json(json!({"client_id": "cross-licence-0001", "image_file_id": i.licence_file}))
            },
        ),
        cross(
            "POST",
            "/api/v1/patient/consultations/{id}/messages",
            PatientB,
            404,
            "patient A's file sent in patient B's consultation",
            |i| {
                let path = format!(
                    "/api/v1/patient/consultations/{}/messages",
                    i.b.consultation
                );
                req(path)
                    .json(json!({"client_id": "cross-file-0001", "image_file_id": i.patient_file}))
            },
        ),
        // Patient files: the doctor of a consultation that shows them, nobody else.
        cross(
            "GET",
            "/api/v1/files/{id}",
            DoctorA,
            200,
            "patient A's file in A's consultation",
            |i| req(format!("/api/v1/files/{}", i.patient_file)),
        ),
        cross(
            "GET",
            "/api/v1/files/{id}",
            DoctorB,
            404,
            "patient A's file",
            |i| req(format!("/api/v1/files/{}", i.patient_file)),
        ),
        cross(
            "GET",
            "/api/v1/files/{id}",
            Reviewer,
            404,
            "patient A's file (health data)",
            |i| req(format!("/api/v1/files/{}", i.patient_file)),
        ),
        cross(
            "GET",
            "/api/v1/files/{id}",
            DoctorA,
            404,
            "patient B's file, in no consultation of A's",
            |i| req(format!("/api/v1/files/{}", i.b.patient_file)),
        ),
        // Reviewers verify licences: a photo A sent in a consultation is care, not theirs.
        cross(
            "GET",
            "/api/v1/files/{id}",
            Reviewer,
            404,
            "A's photo sent to patient A",
            |i| req(format!("/api/v1/files/{}", i.doctor_photo)),
        ),
        // A doctor's photo: the patient it was sent to, not another one.
        cross(
            "GET",
            "/api/v1/patient/files/{id}",
            PatientA,
            200,
            "A's photo sent to patient A",
            |i| req(format!("/api/v1/patient/files/{}", i.doctor_photo)),
        ),
        cross(
            "GET",
            "/api/v1/patient/files/{id}",
            PatientB,
            404,
            "A's photo sent to patient A",
            |i| req(format!("/api/v1/patient/files/{}", i.doctor_photo)),
        ),
        cross(
            "GET",
            "/api/v1/patient/files/{id}",
            PatientA,
            404,
            "patient B's file",
            |i| req(format!("/api/v1/patient/files/{}", i.b.patient_file)),
        ),
        cross(
            "GET",
            "/api/v1/patient/files/{id}",
            PatientA,
            404,
            "A's licence",
            |i| req(format!("/api/v1/patient/files/{}", i.licence_file)),
        ),
    ]
}
