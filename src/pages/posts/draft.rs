//! The working copy in the editor, and how it is never lost: every change is written to
//! this browser at once and sent to the server after two seconds without typing (and when
//! the doctor leaves the page or the phone hides it). A save names the version it was
//! based on; the server refuses a stale one (409), which the editor shows as a conflict
//! with both texts to choose from. Offline, the copy waits here and goes out when the
//! browser is online again.
//!
//! Whether the server has everything is known in memory (`edits` against `synced`); the
//! browser's copy is the backup for a reload or a crash. A save still on its way when the
//! editor closes finishes its bookkeeping on that copy alone.

use doctor_desk_api::{
    posts::{Post, PostInput, PostKind, PostStatus, Publication, Question, Rejection},
    ErrorCode,
};
use leptos::{prelude::*, task::spawn_local};

use super::local_copy::{input_of, plain, same_content, settle_copy};
pub use super::local_copy::{local_key, LocalCopy};
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
    /// The doctor has changes the server does not have.
    pub dirty: RwSignal<bool>,
    /// Opened (the server's post and this browser's copy weighed): saves may go out.
    loaded: StoredValue<bool>,
    /// The input last seen: a change is a difference from it.
    written: StoredValue<Option<PostInput>>,
    /// Changes by the doctor so far, and how many of them the server has.
    edits: StoredValue<u64>,
    synced: StoredValue<u64>,
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
            dirty: RwSignal::new(false),
            loaded: StoredValue::new(false),
            written: StoredValue::new(None),
            edits: StoredValue::new(0),
            synced: StoredValue::new(0),
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
        let kind = self.kind();
        PostInput {
            kind,
            // Only an answer answers a question (a kind changed back drops it).
            question_id: self
                .question
                .with(|q| q.as_ref().map(|q| q.id))
                .filter(|_| kind == PostKind::Answer),
            title: self.title.get(),
            body: self.body.get(),
            cover: self.cover.get(),
            ai_assisted: self.ai_assisted.get(),
            kept_warnings: self.kept.get(),
            version: self.version.get(),
        }
    }

    pub fn input_now(&self) -> PostInput {
        untrack(|| self.input())
    }

    fn show(&self, input: &PostInput, question: Option<Question>) {
        self.kind.set(input.kind.as_str().to_owned());
        self.question.set(question);
        self.title.set(input.title.clone());
        self.body.set(input.body.clone());
        self.cover.set(input.cover.clone());
        self.ai_assisted.set(input.ai_assisted);
        self.kept.set(input.kept_warnings.clone());
        self.written.set_value(Some(plain(&self.input_now())));
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
    /// wins, and a copy both changed becomes a conflict. Returns the restored copy's time.
    pub fn open(&self, server: Option<&Post>, local: Option<LocalCopy>) -> Option<f64> {
        let local = local.filter(|l| l.unsynced);
        let restored = match (server, local) {
            (Some(post), Some(copy)) if same_content(&copy.input, &input_of(post)) => {
                self.take_server(post, true);
                storage::remove(&local_key(Some(post.id)));
                None
            }
            (server, Some(copy)) => {
                if let Some(post) = server {
                    self.take_server(post, false);
                }
                self.show(&copy.input, copy.question.clone());
                // The version this copy was based on: only "keep mine" moves it on.
                self.version.set(copy.input.version);
                self.mark_dirty();
                match server {
                    Some(post) if copy.input.version != Some(post.version) => {
                        self.state.set(SaveState::Conflict(Box::new(post.clone())))
                    }
                    _ => self.state.set(SaveState::Local),
                }
                Some(copy.written_ms)
            }
            (Some(post), None) => {
                self.take_server(post, true);
                None
            }
            // A new post: nothing to send until the doctor writes.
            (None, None) => {
                self.written.set_value(Some(plain(&self.input_now())));
                None
            }
        };
        self.loaded.set_value(true);
        if restored.is_some() {
            self.schedule(IDLE_MS);
        }
        restored
    }

    fn mark_dirty(&self) {
        self.edits.update_value(|e| *e += 1);
        self.dirty.set(true);
    }

    /// Called whenever a field changes (an effect): a change by the doctor is written to
    /// this browser now and to the server after [`IDLE_MS`] without typing.
    pub fn on_change(&self) {
        let input = self.input();
        let fields = plain(&input);
        if self.written.with_value(|w| w.as_ref() == Some(&fields)) {
            return;
        }
        self.written.set_value(Some(fields));
        self.mark_dirty();
        self.backup();
        if !matches!(self.state.get_untracked(), SaveState::Conflict(_)) {
            self.schedule(IDLE_MS);
        }
    }

    /// The browser's copy of what is on screen.
    fn backup(&self) {
        storage::write(
            &local_key(self.id.get_untracked()),
            &LocalCopy {
                input: self.input_now(),
                question: self.question.get_untracked(),
                unsynced: true,
                written_ms: js_sys::Date::now(),
            },
        );
    }

    fn schedule(&self, ms: i32) {
        let draft = *self;
        if let Some(Some(old)) = self.timer.try_get_value() {
            window().clear_timeout_with_handle(old);
        }
        // Holds nothing but the handle (a cleared timer's closure is never freed).
        let tick = wasm_bindgen::closure::Closure::once_into_js(move || {
            if draft.timer.try_set_value(None).is_none() {
                draft.save_now();
            }
        });
        let handle = window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                wasm_bindgen::JsCast::unchecked_ref(&tick),
                ms,
            )
            .ok();
        self.timer.try_set_value(handle);
    }

    /// Sends the copy to the server in the background.
    pub fn save_now(&self) {
        let draft = *self;
        spawn_local(async move {
            draft.save().await;
        });
    }

    /// Sends the copy now, if it has changes the server lacks; `true` when the server has
    /// everything on screen.
    pub async fn save(&self) -> bool {
        if self.loaded.try_get_value() != Some(true) {
            return false;
        }
        if self.in_flight.get_value() {
            self.again.set_value(true);
            return false;
        }
        if matches!(self.state.get_untracked(), SaveState::Conflict(_))
            || self.status.get_untracked() == PostStatus::InReview
        {
            return false;
        }
        if self.edits.get_value() == self.synced.get_value() {
            return true;
        }
        if let Some(old) = self.timer.get_value() {
            window().clear_timeout_with_handle(old);
            self.timer.set_value(None);
        }
        self.in_flight.set_value(true);
        self.state.set(SaveState::Saving);
        let sent = self.input_now();
        let edits = self.edits.get_value();
        let id = self.id.get_untracked();
        let result = match id {
            Some(id) => api::posts::save(id, &sent).await,
            None => api::posts::create(&sent).await,
        };
        if self.in_flight.try_set_value(false).is_some() {
            // The editor closed meanwhile: only the browser's copy is left to settle.
            if let Ok(post) = &result {
                settle_copy(id, post, &sent);
            }
            return false;
        }
        self.after_save(id, result, edits).await;
        if self.again.try_get_value() == Some(true) {
            self.again.set_value(false);
            self.save_now();
            return false;
        }
        self.edits.try_get_value() == self.synced.try_get_value()
            && matches!(self.state.try_get_untracked(), Some(SaveState::Saved(_)))
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
                self.synced.set_value(edits);
                if self.edits.get_value() == edits {
                    storage::remove(&local_key(Some(post.id)));
                    self.dirty.set(false);
                } else {
                    // Typed while it was on its way: kept on the new version, sent next.
                    self.backup();
                    self.again.set_value(true);
                }
                self.state
                    .set(SaveState::Saved(crate::format::local_time(post.updated_at)));
            }
            Err(e) if e.code == Some(ErrorCode::Conflict) => {
                let Some(id) = id else { return };
                let theirs = api::posts::get(id).await;
                if self.loaded.try_get_value().is_none() {
                    return;
                }
                match theirs {
                    // Our own save answered by an earlier request: nothing to choose.
                    Ok(theirs) if same_content(&input_of(&theirs), &self.input_now()) => {
                        self.take_server(&theirs, false);
                        self.synced.set_value(self.edits.get_value());
                        self.dirty.set(false);
                        storage::remove(&local_key(Some(id)));
                        self.state.set(SaveState::Idle);
                    }
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
        if self.state.try_set(SaveState::Local).is_none() {
            self.schedule(RETRY_MS);
        }
    }

    /// The post's id, creating it on the server first if it has none yet (an image needs
    /// a post to belong to).
    pub async fn ensure_id(&self) -> Option<i64> {
        for _ in 0..100 {
            if let Some(id) = self.id.try_get_untracked()? {
                return Some(id);
            }
            if !self.in_flight.try_get_value()? {
                break;
            }
            // The first save is creating it: wait for its answer.
            sleep(100).await;
        }
        if self.id.try_get_untracked()?.is_none() {
            if self.edits.get_value() == self.synced.get_value() {
                // Nothing typed yet: an empty draft is what the image belongs to.
                self.mark_dirty();
            }
            self.save().await;
        }
        self.id.try_get_untracked().flatten()
    }

    /// The editor is closing: what the server lacks is sent (the browser's copy stays
    /// until the server has it, so an answer that never comes loses nothing).
    pub fn leave(&self) {
        let (Some(true), Some(id), Some(state), Some(status)) = (
            self.loaded.try_get_value(),
            self.id.try_get_untracked(),
            self.state.try_get_untracked(),
            self.status.try_get_untracked(),
        ) else {
            return;
        };
        if let Some(Some(old)) = self.timer.try_get_value() {
            window().clear_timeout_with_handle(old);
        }
        // A save on its way settles the copy itself; a conflict waits for the doctor.
        if self.in_flight.get_value()
            || matches!(state, SaveState::Conflict(_))
            || status == PostStatus::InReview
            || self.edits.get_value() == self.synced.get_value()
        {
            return;
        }
        let sent = self.input_now();
        spawn_local(async move {
            let result = match id {
                Some(id) => api::posts::save(id, &sent).await,
                None => api::posts::create(&sent).await,
            };
            if let Ok(post) = result {
                settle_copy(id, &post, &sent);
            }
        });
    }

    /// The doctor keeps this device's text over the other device's: it is saved on top of
    /// the newer version.
    pub fn keep_mine(&self, theirs: &Post) {
        self.version.set(Some(theirs.version));
        self.state.set(SaveState::Idle);
        self.again.set_value(false);
        self.backup();
        self.save_now();
    }

    /// The doctor takes the other device's text: this device's copy is dropped.
    pub fn take_theirs(&self, theirs: &Post) {
        self.take_server(theirs, true);
        self.synced.set_value(self.edits.get_value());
        self.dirty.set(false);
        storage::remove(&local_key(Some(theirs.id)));
        self.state.set(SaveState::Idle);
    }
}

async fn sleep(ms: i32) {
    let wait = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(wait).await;
}
