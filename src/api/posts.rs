//! The post editor: my posts, their working copies, images, the preview and the
//! compliance rules, public questions, and the reviewers' side.

use doctor_desk_api::{
    posts::{
        compliance::Rules, Post, PostDecision, PostInput, PostPage, PostTab, Preview,
        PreviewRequest, QuestionList, ReviewPost, ReviewPostList, SubmitRequest, WithdrawFrom,
        WithdrawRequest,
    },
    preload,
};
use gloo_net::http::Method;

use super::{call, ApiResult};

pub async fn list(tab: PostTab, cursor: Option<&str>) -> ApiResult<PostPage> {
    // "My posts" first looks at exactly what the server preloads with the page.
    if (tab, cursor) == (PostTab::Draft, None) {
        return call(Method::GET, preload::MY_POSTS, None::<&()>).await;
    }
    let mut path = format!("/posts?tab={}&limit=50", tab.as_str());
    if let Some(c) = cursor {
        path.push_str("&cursor=");
        path.push_str(c);
    }
    call(Method::GET, &path, None::<&()>).await
}

pub async fn get(id: i64) -> ApiResult<Post> {
    call(Method::GET, &preload::post(id), None::<&()>).await
}

pub async fn create(input: &PostInput) -> ApiResult<Post> {
    call(Method::POST, "/posts", Some(input)).await
}

pub async fn save(id: i64, input: &PostInput) -> ApiResult<Post> {
    call(Method::PUT, &preload::post(id), Some(input)).await
}

pub async fn delete(id: i64) -> ApiResult<()> {
    call(Method::DELETE, &preload::post(id), None::<&()>).await
}

/// Submits the working copy at `version`, the one the doctor last saw (409 if the server
/// has a newer one).
pub async fn submit(id: i64, version: Option<u32>) -> ApiResult<Post> {
    call(
        Method::POST,
        &format!("/posts/{id}/submit"),
        Some(&SubmitRequest { version }),
    )
    .await
}

pub async fn withdraw(id: i64, from: WithdrawFrom) -> ApiResult<Post> {
    call(
        Method::POST,
        &format!("/posts/{id}/withdraw"),
        Some(&WithdrawRequest { from }),
    )
    .await
}

/// Where an image for post `id` is uploaded (with `api::upload`, for its progress).
pub fn images_path(id: i64) -> String {
    format!("/posts/{id}/images")
}

pub async fn preview(body: &str) -> ApiResult<Preview> {
    let req = PreviewRequest {
        body: body.to_owned(),
    };
    call(Method::POST, "/posts/preview", Some(&req)).await
}

pub async fn rules() -> ApiResult<Rules> {
    call(Method::GET, preload::POST_RULES, None::<&()>).await
}

pub async fn questions(q: &str) -> ApiResult<QuestionList> {
    let path = format!("/questions?limit=20&q={}", js_sys::encode_uri_component(q));
    call(Method::GET, &path, None::<&()>).await
}

pub async fn review_queue() -> ApiResult<ReviewPostList> {
    call(Method::GET, "/review/posts", None::<&()>).await
}

pub async fn review_post(id: i64) -> ApiResult<ReviewPost> {
    call(Method::GET, &format!("/review/posts/{id}"), None::<&()>).await
}

pub async fn decide(id: i64, decision: &PostDecision) -> ApiResult<ReviewPost> {
    call(
        Method::POST,
        &format!("/review/posts/{id}/decision"),
        Some(decision),
    )
    .await
}
