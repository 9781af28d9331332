//! The working copy in the editor, and how it is never lost: every change is written to
//! this browser at once and sent to the server after two seconds without typing (and when
//! the doctor leaves the page or the phone hides it). A save names the version it was
//! based on; the server refuses a stale one (409), which the editor shows as a conflict
//! with both texts to choose from. Offline, the copy waits here and goes out when the
//! browser is online again.

use doctor_desk_api::{
    posts::{Post, PostInput, PostKind, PostStatus, Publication, Question, Rejection},
    ErrorCode,
};
use leptos::{prelude::*, task::spawn_local};
use serde::{Deserialize, Serialize};

use crate::{
    api::{self, ApiError},
    storage,
};

/// Two seconds without typing before the server gets the text.
const IDLE_MS: i32 = 2_000;
/// After a failed save (offline), the next try.
const RETRY_MS: i32 = 10_000;

/// Where the copy stands with the server.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveState {
    /// Nothing changed since it was loaded.
    Idle,
    Saving,
    /// On the server, at this local time (`HH:MM`).
    Saved(String),
    /// Only in this browser: the server was not reached.
    Local,
    /// The server has a newer version from another device: the doctor chooses.
    Conflict(Box<Post>),
    /// Refused for a reason the doctor must fix (a field error, in review…).
    Refused(ApiError),
}

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

/// The editor's state: the fields the doctor edits and what the server said last.
#[derive(Clone, Copy)]
pub struct Draft {
    pub id: RwSignal<Option<i64>>,
    pub kind: RwSignal<String>,
    pub question: RwSignal<Option<Question>>,
    pub title: RwSignal<String>,
    pub body: RwSignal<String>,
    pub cover: RwSignal<Option<String>>,
    pub ai_assisted: RwSignal<bool>,
    pub kept: RwSignal<Vec<String>>,
    /// The server version the fields were based on (`None` before the first save).
    pub version: RwSignal<Option<u32>>,
    pub status: RwSignal<PostStatus>,
    pub rejection: RwSignal<Option<Rejection>>,
    pub publication: RwSignal<Option<Publication>>,
    pub state: RwSignal<SaveState>,
    /// The input last written to this browser: a change is a difference from it.
    written: StoredValue<Option<PostInput>>,
    /// Bumped by each change; a save that started at an older one leaves the copy unsynced.
    edits: StoredValue<u64>,
    in_flight: StoredValue<bool>,
    again: StoredValue<bool>,
    timer: StoredValue<Option<i32>>,
}

impl Default for Draft {
    fn default() -> Self {
        Self::new()
    }
}

impl Draft {
    pub fn new() -> Draft {
        Draft {
            id: RwSignal::new(None),
            kind: RwSignal::new(PostKind::Article.as_str().to_owned()),
            question: RwSignal::new(None),
            title: RwSignal::new(String::new()),
            body: RwSignal::new(String::new()),
            cover: RwSignal::new(None),
            ai_assisted: RwSignal::new(false),
            kept: RwSignal::new(Vec::new()),
            version: RwSignal::new(None),
            status: RwSignal::new(PostStatus::Draft),
            rejection: RwSignal::new(None),
            publication: RwSignal::new(None),
            state: RwSignal::new(SaveState::Idle),
            written: StoredValue::new(None),
            edits: StoredValue::new(0),
            in_flight: StoredValue::new(false),
            again: StoredValue::new(false),
            timer: StoredValue::new(None),
        }
    }

    pub fn kind(&self) -> PostKind {
        PostKind::parse(&self.kind.get()).unwrap_or_default()
    }

    /// The fields as a save sends them (tracked).
    pub fn input(&self) -> PostInput {
        PostInput {
            kind: self.kind(),
            question_id: self.question.with(|q| q.as_ref().map(|q| q.id)),
            title: self.title.get(),
            body: self.body.get(),
            cover: self.cover.get(),
            ai_assisted: self.ai_assisted.get(),
            kept_warnings: self.kept.get(),
            version: self.version.get(),
        }
    }

    /// Shows `input` without counting it as the doctor's change.
    fn show(&self, input: &PostInput, question: Option<Question>) {
        self.written.set_value(Some(with_version(input, None)));
        self.kind.set(input.kind.as_str().to_owned());
        self.question.set(question);
        self.title.set(input.title.clone());
        self.body.set(input.body.clone());
        self.cover.set(input.cover.clone());
        self.ai_assisted.set(input.ai_assisted);
        self.kept.set(input.kept_warnings.clone());
    }

    /// Takes what the server said of the post; its fields too when `fields`.
    pub fn take_server(&self, post: &Post, fields: bool) {
        if fields {
            self.show(&input_of(post), post.question.clone());
        }
        self.id.set(Some(post.id));
        self.version.set(Some(post.version));
        self.status.set(post.status);
        self.rejection.set(post.rejection.clone());
        self.publication.set(post.publication.clone());
    }

    /// Opens the editor on the server's post and what this browser kept of it: the newer
    /// wins, and a copy both changed becomes a conflict. Returns whether the local copy
    /// was restored.
    pub fn open(&self, server: Option<&Post>, local: Option<LocalCopy>) -> Option<Restored> {
        let local = local.filter(|l| l.unsynced);
        match (server, local) {
            (Some(post), None) => {
                self.take_server(post, true);
                None
            }
            (server, Some(copy)) => {
                if let Some(post) = server {
                    self.take_server(post, true);
                }
                let same_base = server.is_none_or(|p| copy.input.version == Some(p.version));
                let differs = server.is_none_or(|p| !same_content(&copy.input, &input_of(p)));
                if !differs {
                    storage::remove(&local_key(self.id.get_untracked()));
                    return None;
                }
                // Restored as the doctor's change: it goes to the server.
                self.written.set_value(None);
                self.kind.set(copy.input.kind.as_str().to_owned());
                self.question.set(copy.question.clone());
                self.title.set(copy.input.title.clone());
                self.body.set(copy.input.body.clone());
                self.cover.set(copy.input.cover.clone());
                self.ai_assisted.set(copy.input.ai_assisted);
                self.kept.set(copy.input.kept_warnings.clone());
                match server {
                    Some(post) if !same_base => {
                        self.state.set(SaveState::Conflict(Box::new(post.clone())))
                    }
                    _ => self.state.set(SaveState::Local),
                }
                Some(Restored {
                    written_ms: copy.written_ms,
                })
            }
            (None, None) => None,
        }
    }

    /// Called whenever a field changes (an effect): a change by the doctor is written to
    /// this browser now and to the server after [`IDLE_MS`] without typing.
    pub fn on_change(&self) {
        let input = self.input();
        let plain = with_version(&input, None);
        if self.written.with_value(|w| w.as_ref() == Some(&plain)) {
            return;
        }
        self.written.set_value(Some(plain));
        self.edits.update_value(|e| *e += 1);
        storage::write(
            &local_key(self.id.get_untracked()),
            &LocalCopy {
                input,
                question: self.question.get_untracked(),
                unsynced: true,
                written_ms: js_sys::Date::now(),
            },
        );
        if !matches!(self.state.get_untracked(), SaveState::Conflict(_)) {
            self.schedule(IDLE_MS);
        }
    }

    fn schedule(&self, ms: i32) {
        let draft = *self;
        if let Some(old) = self.timer.get_value() {
            window().clear_timeout_with_handle(old);
        }
        let tick = wasm_bindgen::closure::Closure::once_into_js(move || {
            draft.timer.try_set_value(None);
            draft.save_now();
        });
        let handle = window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                wasm_bindgen::JsCast::unchecked_ref(&tick),
                ms,
            )
            .ok();
        self.timer.set_value(handle);
    }

    /// Whether this browser holds changes the server does not have.
    pub fn unsynced(&self) -> bool {
        storage::read::<LocalCopy>(&local_key(self.id.get_untracked())).is_some_and(|c| c.unsynced)
    }

    /// Sends the copy to the server in the background.
    pub fn save_now(&self) {
        let draft = *self;
        spawn_local(async move {
            draft.save().await;
        });
    }

    /// Sends the copy now, if it has changes the server lacks; `true` when the server has
    /// everything this browser has.
    pub async fn save(&self) -> bool {
        if self.in_flight.try_get_value() != Some(false) {
            self.again.try_set_value(true);
            return false;
        }
        if matches!(self.state.get_untracked(), SaveState::Conflict(_))
            || self.status.get_untracked() == PostStatus::InReview
        {
            return false;
        }
        if !self.unsynced() {
            return true;
        }
        if let Some(old) = self.timer.get_value() {
            window().clear_timeout_with_handle(old);
            self.timer.set_value(None);
        }
        self.in_flight.set_value(true);
        self.state.set(SaveState::Saving);
        let input = self.input_now();
        let edits = self.edits.get_value();
        let id = self.id.get_untracked();
        let result = match id {
            Some(id) => api::posts::save(id, &input).await,
            None => api::posts::create(&input).await,
        };
        // The editor may be gone (the doctor left): the browser copy stays.
        if self.in_flight.try_set_value(false).is_some() {
            return false;
        }
        self.after_save(id, result, edits).await;
        if self.again.get_value() {
            self.again.set_value(false);
            self.save_now();
            return false;
        }
        matches!(self.state.get_untracked(), SaveState::Saved(_))
    }

    /// The post's id, creating it on the server first if it has none yet (an image needs
    /// a post to belong to).
    pub async fn ensure_id(&self) -> Option<i64> {
        if let Some(id) = self.id.get_untracked() {
            return Some(id);
        }
        // Marks the copy as the doctor's, so the save creates the post.
        storage::write(
            &local_key(None),
            &LocalCopy {
                input: self.input_now(),
                question: self.question.get_untracked(),
                unsynced: true,
                written_ms: js_sys::Date::now(),
            },
        );
        self.save().await;
        self.id.get_untracked()
    }

    async fn after_save(&self, id: Option<i64>, result: Result<Post, ApiError>, edits: u64) {
        match result {
            Ok(post) => {
                if id.is_none() {
                    // The new post has an address now: a reload opens it, not a blank one.
                    storage::remove(&local_key(None));
                    let path = format!("/posts/{}/edit", post.id);
                    if let Ok(history) = window().history() {
                        let _ = history.replace_state_with_url(
                            &wasm_bindgen::JsValue::NULL,
                            "",
                            Some(&path),
                        );
                    }
                }
                self.take_server(&post, false);
                let key = local_key(Some(post.id));
                if self.edits.get_value() == edits {
                    storage::remove(&key);
                } else {
                    // Typed while it was on its way: that goes in the next save.
                    storage::write(
                        &key,
                        &LocalCopy {
                            input: self.input_now(),
                            question: self.question.get_untracked(),
                            unsynced: true,
                            written_ms: js_sys::Date::now(),
                        },
                    );
                    self.again.set_value(true);
                }
                self.state
                    .set(SaveState::Saved(crate::format::local_time(post.updated_at)));
            }
            Err(e) if e.code == Some(ErrorCode::Conflict) => {
                let Some(id) = id else { return };
                match api::posts::get(id).await {
                    Ok(theirs) => self.state.set(SaveState::Conflict(Box::new(theirs))),
                    Err(_) => self.offline(),
                }
            }
            Err(e) if e.status == 0 || e.status >= 500 => self.offline(),
            Err(e) => {
                if e.code == Some(ErrorCode::UnderReview) {
                    self.status.set(PostStatus::InReview);
                }
                self.state.set(SaveState::Refused(e));
            }
        }
    }

    fn offline(&self) {
        self.state.set(SaveState::Local);
        self.schedule(RETRY_MS);
    }

    pub fn input_now(&self) -> PostInput {
        untrack(|| self.input())
    }

    /// The editor is closing: what this browser holds unsynced goes to the server (the
    /// copy stays here until the server has it, so an answer that never comes loses
    /// nothing).
    pub fn leave(&self) {
        let Some(id) = self.id.try_get_untracked() else {
            return;
        };
        if let Some(Some(old)) = self.timer.try_get_value() {
            window().clear_timeout_with_handle(old);
        }
        if self.in_flight.try_get_value() == Some(true) {
            return;
        }
        let key = local_key(id);
        let Some(copy) = storage::read::<LocalCopy>(&key).filter(|c| c.unsynced) else {
            return;
        };
        spawn_local(async move {
            let result = match id {
                Some(id) => api::posts::save(id, &copy.input).await,
                None => api::posts::create(&copy.input).await,
            };
            if result.is_ok() && storage::read::<LocalCopy>(&key).as_ref() == Some(&copy) {
                storage::remove(&key);
            }
        });
    }

    /// The doctor keeps this device's text over the other device's: it is saved on top of
    /// the newer version.
    pub fn keep_mine(&self, theirs: &Post) {
        self.version.set(Some(theirs.version));
        self.state.set(SaveState::Idle);
        self.again.set_value(false);
        self.save_now();
    }

    /// The doctor takes the other device's text: this device's copy is dropped.
    pub fn take_theirs(&self, theirs: &Post) {
        self.take_server(theirs, true);
        storage::remove(&local_key(Some(theirs.id)));
        self.state.set(SaveState::Idle);
    }
}

/// The local copy restored when the editor opened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Restored {
    pub written_ms: f64,
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

fn with_version(input: &PostInput, version: Option<u32>) -> PostInput {
    PostInput {
        version,
        ..input.clone()
    }
}

fn same_content(a: &PostInput, b: &PostInput) -> bool {
    with_version(a, None) == with_version(b, None)
}
