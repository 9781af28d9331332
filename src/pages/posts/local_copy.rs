//! This browser's copy of a post (localStorage): what is kept, under which key, and how
//! a save that answered after the editor closed settles it.

use doctor_desk_api::posts::{Post, PostInput, Question};
use serde::{Deserialize, Serialize};

use crate::storage;

/// What this browser keeps of a post: the fields, the server version they were based
/// on, and whether the server has them yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalCopy {
    pub input: PostInput,
    /// The chosen question, shown without asking the server again.
    pub question: Option<Question>,
    /// Not on the server yet.
    pub unsynced: bool,
    /// When it was written (milliseconds since the epoch).
    pub written_ms: f64,
}

pub fn local_key(id: Option<i64>) -> String {
    match id {
        Some(id) => format!("dd_post_{id}"),
        None => "dd_post_new".to_owned(),
    }
}

/// After a save that answered when the editor was gone: the browser's copy is dropped if
/// it is what was sent, moved onto the new version if more was typed meanwhile (so the
/// next open restores it instead of calling it a conflict), and a new post's copy moves
/// to the post's own key.
pub fn settle_copy(id: Option<i64>, post: &Post, sent: &PostInput) {
    let key = local_key(id);
    let Some(mut copy) = storage::read::<LocalCopy>(&key) else {
        return;
    };
    storage::remove(&key);
    if same_content(&copy.input, sent) {
        return;
    }
    copy.input.version = Some(post.version);
    storage::write(&local_key(Some(post.id)), &copy);
}

pub fn input_of(post: &Post) -> PostInput {
    PostInput {
        kind: post.kind,
        question_id: post.question.as_ref().map(|q| q.id),
        title: post.title.clone(),
        body: post.body.clone(),
        cover: post.cover.clone(),
        ai_assisted: post.ai_assisted,
        kept_warnings: post.kept_warnings.clone(),
        version: Some(post.version),
    }
}

/// The fields alone, without the version they were based on.
pub fn plain(input: &PostInput) -> PostInput {
    PostInput {
        version: None,
        ..input.clone()
    }
}

pub fn same_content(a: &PostInput, b: &PostInput) -> bool {
    plain(a) == plain(b)
}
