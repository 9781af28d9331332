//! Patient management: my patients, their tags, notes, clinical facts and timeline.

use doctor_desk_api::{
    patients::{
        BulkTag, BulkTagged, Clinical, Note, NoteInput, PatientDetail, PatientPage, PatientSort,
        PatientTags, RevealedPhone, Tag, TagChip, TagInput, TimelinePage,
    },
    preload,
};
use gloo_net::http::Method;

use super::{call, ApiResult};

/// One page of my patients: `q` is part of a name or the last 4 digits of a phone.
pub async fn list(
    q: &str,
    tag: Option<i64>,
    sort: PatientSort,
    cursor: Option<&str>,
) -> ApiResult<PatientPage> {
    // The list's first look is exactly the request the server preloads with the page.
    if (q, tag, sort, cursor) == ("", None, PatientSort::LastConsultation, None) {
        return call(Method::GET, preload::MY_PATIENTS, None::<&()>).await;
    }
    let mut path = format!(
        "/patients?sort={}&limit=50&q={}",
        sort.as_str(),
        js_sys::encode_uri_component(q)
    );
    if let Some(tag) = tag {
        path.push_str(&format!("&tag={tag}"));
    }
    if let Some(c) = cursor {
        path.push_str("&cursor=");
        path.push_str(c);
    }
    call(Method::GET, &path, None::<&()>).await
}

pub async fn detail(id: i64) -> ApiResult<PatientDetail> {
    call(Method::GET, &preload::patient(id), None::<&()>).await
}

/// The full phone number; the server records that the doctor looked.
pub async fn reveal_phone(id: i64) -> ApiResult<RevealedPhone> {
    call(
        Method::POST,
        &format!("/patients/{id}/reveal-phone"),
        None::<&()>,
    )
    .await
}

pub async fn save_clinical(id: i64, req: &Clinical) -> ApiResult<Clinical> {
    call(Method::PUT, &format!("/patients/{id}/clinical"), Some(req)).await
}

pub async fn set_tags(id: i64, req: &PatientTags) -> ApiResult<Vec<TagChip>> {
    call(Method::PUT, &format!("/patients/{id}/tags"), Some(req)).await
}

pub async fn tags() -> ApiResult<Vec<Tag>> {
    call(Method::GET, "/tags", None::<&()>).await
}

pub async fn create_tag(req: &TagInput) -> ApiResult<Tag> {
    call(Method::POST, "/tags", Some(req)).await
}

pub async fn update_tag(id: i64, req: &TagInput) -> ApiResult<Tag> {
    call(Method::PUT, &format!("/tags/{id}"), Some(req)).await
}

pub async fn delete_tag(id: i64) -> ApiResult<()> {
    call(Method::DELETE, &format!("/tags/{id}"), None::<&()>).await
}

pub async fn tag_many(tag: i64, req: &BulkTag) -> ApiResult<BulkTagged> {
    call(Method::POST, &format!("/tags/{tag}/patients"), Some(req)).await
}

pub async fn notes(id: i64) -> ApiResult<Vec<Note>> {
    call(Method::GET, &format!("/patients/{id}/notes"), None::<&()>).await
}

pub async fn add_note(id: i64, req: &NoteInput) -> ApiResult<Note> {
    call(Method::POST, &format!("/patients/{id}/notes"), Some(req)).await
}

pub async fn edit_note(id: i64, note: i64, req: &NoteInput) -> ApiResult<Note> {
    call(
        Method::PUT,
        &format!("/patients/{id}/notes/{note}"),
        Some(req),
    )
    .await
}

pub async fn timeline(id: i64, cursor: Option<&str>) -> ApiResult<TimelinePage> {
    let mut path = format!("/patients/{id}/timeline?limit=20");
    if let Some(c) = cursor {
        path.push_str("&cursor=");
        path.push_str(c);
    }
    call(Method::GET, &path, None::<&()>).await
}
