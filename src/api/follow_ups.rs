//! Follow-up plans (诊后随访), their visits, reminders, and the doctor's day at a glance.

use doctor_desk_api::{
    follow_ups::{
        FollowUp, FollowUpList, FollowUpPage, FollowUpPlan, NewPlan, Outcome, RemindersSent,
        TagReminder, Template, TemplateInput, Today,
    },
    preload,
};
use gloo_net::http::Method;

use super::{call, ApiResult};

/// What waits for the doctor today (the home page's counts).
pub async fn today() -> ApiResult<Today> {
    call(Method::GET, preload::TODAY, None::<&()>).await
}

pub async fn templates() -> ApiResult<Vec<Template>> {
    call(Method::GET, "/follow-up-templates", None::<&()>).await
}

pub async fn create_template(req: &TemplateInput) -> ApiResult<Template> {
    call(Method::POST, "/follow-up-templates", Some(req)).await
}

pub async fn plans(patient_id: i64) -> ApiResult<Vec<FollowUpPlan>> {
    call(
        Method::GET,
        &format!("/patients/{patient_id}/follow-up-plans"),
        None::<&()>,
    )
    .await
}

pub async fn create_plan(patient_id: i64, req: &NewPlan) -> ApiResult<FollowUpPlan> {
    call(
        Method::POST,
        &format!("/patients/{patient_id}/follow-up-plans"),
        Some(req),
    )
    .await
}

pub async fn list(list: FollowUpList, cursor: Option<&str>) -> ApiResult<FollowUpPage> {
    // The page's first look is exactly the request the server preloads with it.
    if (list, cursor) == (FollowUpList::Today, None) {
        return call(Method::GET, preload::FOLLOW_UPS_TODAY, None::<&()>).await;
    }
    let mut path = format!("/follow-ups?list={}&limit=50", list.as_str());
    if let Some(c) = cursor {
        path.push_str("&cursor=");
        path.push_str(c);
    }
    call(Method::GET, &path, None::<&()>).await
}

/// Sends the visit's reminder to the patient (in their app and by SMS).
pub async fn remind(id: i64) -> ApiResult<FollowUp> {
    call(
        Method::POST,
        &format!("/follow-ups/{id}/remind"),
        None::<&()>,
    )
    .await
}

pub async fn done(id: i64, req: &Outcome) -> ApiResult<FollowUp> {
    call(Method::POST, &format!("/follow-ups/{id}/done"), Some(req)).await
}

pub async fn missed(id: i64) -> ApiResult<FollowUp> {
    call(
        Method::POST,
        &format!("/follow-ups/{id}/missed"),
        None::<&()>,
    )
    .await
}

/// One reminder to every patient carrying the tag.
pub async fn remind_tag(tag: i64, req: &TagReminder) -> ApiResult<RemindersSent> {
    call(Method::POST, &format!("/tags/{tag}/remind"), Some(req)).await
}
