use doctor_desk_api::inbox::{Consultation, ConsultationStatus, Message, SendMessage, Sender};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::{components::A, hooks::use_params_map};

mod actions;
mod end_form;

use actions::NewActions;
use end_form::EndForm;

use super::{patient_line, status_label, use_now};
use crate::{
    api,
    components::{
        fetched::Fetched,
        form_field::{Control, FormErrors, FormField},
        photo_viewer::{provide_viewer, EvidenceList, ImageViewer, Zoomable},
    },
    format::{local_day, local_time, time_left, urgency},
    i18n::{tr, use_texts, Texts},
    inbox_events::use_inbox_events,
};

/// A message of ours on its way: shown at once, marked failed (tap to retry) if it did
/// not get through; the client id makes the retry safe.
#[derive(Clone, PartialEq)]
struct Outgoing {
    client_id: String,
    text: String,
    /// A photo: its local preview (object URL) and, once uploaded, its file id.
    preview: Option<String>,
    file_id: Option<String>,
    /// Upload progress in percent.
    progress: Option<u32>,
    failed: bool,
}

impl Outgoing {
    fn text(text: String) -> Outgoing {
        Outgoing {
            client_id: new_client_id(),
            text,
            preview: None,
            file_id: None,
            progress: None,
            failed: false,
        }
    }
}

/// 32 random hex digits: unique enough to tell one message from another (it is an
/// idempotency key, not a secret).
fn new_client_id() -> String {
    (0..4)
        .map(|_| format!("{:08x}", (js_sys::Math::random() * 4_294_967_296.0) as u32))
        .collect()
}

fn draft_key(id: i64) -> String {
    format!("dd_draft_{id}")
}

fn outbox_key(id: i64) -> String {
    format!("dd_outbox_{id}")
}

/// Texts not yet confirmed by the server survive a reload: they come back as failed
/// (tap to retry with the same client id, so nothing is sent twice).
fn load_outbox(id: i64) -> Vec<Outgoing> {
    storage()
        .and_then(|s| s.get_item(&outbox_key(id)).ok().flatten())
        .and_then(|json| crate::json::from_str::<Vec<(String, String)>>(&json))
        .unwrap_or_default()
        .into_iter()
        .map(|(client_id, text)| Outgoing {
            client_id,
            failed: true,
            ..Outgoing::text(text)
        })
        .collect()
}

fn save_outbox(id: i64, items: &[Outgoing]) {
    let texts: Vec<(&str, &str)> = items
        .iter()
        .filter(|o| o.preview.is_none())
        .map(|o| (o.client_id.as_str(), o.text.as_str()))
        .collect();
    if let Some(s) = storage() {
        let _ = match crate::json::to_string(&texts) {
            Some(json) if !texts.is_empty() => s.set_item(&outbox_key(id), &json),
            _ => s.remove_item(&outbox_key(id)),
        };
    }
}

/// Photos on their way (compressed, kept for a retry of the upload), by client id.
type Photos = StoredValue<Vec<(String, web_sys::Blob)>, LocalStorage>;

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn note_text(t: &'static Texts, key: &str) -> &'static str {
    match key {
        "accepted" => t.note_accepted(),
        "declined" => t.note_declined(),
        "closed" => t.note_closed(),
        "not_accepted" => t.note_not_accepted(),
        _ => t.note_no_reply(),
    }
}

/// One consultation: the request, the actions its status allows, and the thread.
#[component]
pub fn ConsultationThreadPage() -> impl IntoView {
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let Some(id) = id else {
        return view! { <crate::pages::not_found::NotFoundPage /> }.into_any();
    };
    let events = use_inbox_events();
    let consultation = RwSignal::new(None::<Consultation>);
    let load_error = RwSignal::new(None::<String>);
    let messages = RwSignal::new(Vec::<Message>::new());
    // Ours on their way: kept here, not in the composer, which is rebuilt when the
    // consultation changes (a patient's message arriving must not drop a failed reply).
    let outgoing = RwSignal::new(load_outbox(id));
    Effect::new(move || outgoing.with(|o| save_outbox(id, o)));
    let photos: Photos = StoredValue::new_local(Vec::new());
    provide_viewer();

    let reload = move || {
        spawn_local(async move {
            // Both fetched before either is shown, so the page renders once per reload (a
            // consultation without its newest messages would rebuild the composer twice).
            let after = messages.with_untracked(|m| m.last().map(|m| m.id).unwrap_or(0));
            let c = api::consultation(id).await;
            let new = api::messages(id, after).await;
            let seen = new
                .as_ref()
                .is_ok_and(|n| n.iter().any(|m| m.sender == Sender::Patient));
            if let Ok(new) = new {
                messages.update(|m| {
                    for msg in new {
                        if !m.iter().any(|x| x.id == msg.id) {
                            m.push(msg);
                        }
                    }
                });
            }
            match c {
                Ok(c) => consultation.set(Some(c)),
                Err(e) => load_error.set(Some(e.message)),
            }
            // Seen on screen now: tell the server (reading the thread changes nothing),
            // after showing it, so the page never waits for this round trip.
            if seen {
                if let (Ok(counts), Some(e)) = (api::mark_read(id).await, events) {
                    e.counted(counts);
                }
            }
        });
    };
    reload();
    // Live: anything about this consultation (or a resync) fetches what is new.
    if let Some(e) = events {
        Effect::new(move |first: Option<()>| {
            let relevant = e
                .last
                .with(|l| l.as_ref().is_some_and(|ev| ev.consultation_id == id));
            if first.is_some() && relevant {
                reload();
            }
        });
        Effect::watch(move || e.resync.get(), move |_, _, _| reload(), false);
    }

    // Re-render the parts only when what they depend on changes: a reload of the same
    // consultation, or a patient's message while the doctor writes the advice, must not
    // reset the composer, the end form or the messages in flight. The link to the
    // patient's file counts too: it comes with the acceptance, whichever answer brings it
    // first.
    let shape = Memo::new(move |_| {
        let answering = messages.with(|m| {
            m.iter()
                .rev()
                .find(|m| m.sender != Sender::System)
                .is_some_and(|m| m.sender == Sender::Patient)
        });
        consultation.with(|c| {
            c.as_ref()
                .map(|c| (c.status, can_write(c, answering), c.patient_id))
        })
    });
    view! {
        <ImageViewer />
        <section class="page thread-page">
            {move || load_error.get().map(|m| view! { <p role="alert">{m}</p> })}
            {move || {
                shape
                    .get()
                    .map(|(status, can_write, _)| {
                        let c = consultation.get_untracked().expect("loaded");
                        view! {
                            <Request c=c.clone() />
                            {(status == ConsultationStatus::New)
                                .then(|| view! { <NewActions id consultation /> })}
                            <Thread messages />
                            <Composer id c can_write messages consultation outgoing photos />
                        }
                    })
            }} <p class="muted" hidden=move || shape.with(|s| s.is_some())>
                {tr(|t| t.loading())}
            </p>
        </section>
    }
    .into_any()
}

#[component]
fn Request(c: Consultation) -> impl IntoView {
    let t = use_texts();
    let now = use_now();
    let deadline = c.deadline_at;
    let patient = c.patient.clone();
    let status = c.status;
    let diagnosis = format!(
        "{} · {} · {}",
        c.prior_diagnosis.diagnosis, c.prior_diagnosis.hospital, c.prior_diagnosis.visited_on
    );
    view! {
        <article class="card request" data-testid="consultation-request">
            <div class="page-title-row">
                <h1>{move || patient_line(t(), &patient)}</h1>
                {c
                    .patient_id
                    .map(|p| {
                        view! {
                            <A
                                href=format!("/patients/{p}")
                                attr:class="text-link"
                                attr:data-testid="open-patient"
                            >
                                {tr(|t| t.open_patient())}
                            </A>
                        }
                    })}
            </div>
            <p>
                <span class="badge badge-info" data-testid="consultation-status">
                    {move || status_label(t(), status)}
                </span>
                " "
                <span class=move || urgency(deadline, now.get()) data-testid="time-left">
                    {move || {
                        deadline.and_then(|d| time_left(d, now.get())).map(|l| t().time_left(&l))
                    }}
                </span>
                <Show when=move || {
                    c.refunded
                }>" " <span class="badge badge-warn">{tr(|t| t.refunded())}</span></Show>
            </p>
            {(c.patient.age < 6)
                .then(|| {
                    view! {
                        <p class="notice notice-warn" data-testid="guardian-needed">
                            {tr(|t| t.guardian_needed())}
                        </p>
                    }
                })}
            <h2>{tr(|t| t.complaint())}</h2>
            <p class="prose-text">{c.complaint.clone()}</p>
            <h2>{tr(|t| t.prior_diagnosis())}</h2>
            <p data-testid="prior-diagnosis">{diagnosis}</p>
            <h2>{tr(|t| t.evidence())}</h2>
            <EvidenceList evidence=c.evidence.clone() images=c.images.clone() />
            {c
                .advice
                .clone()
                .map(|a| {
                    view! {
                        <section class="advice" data-testid="advice">
                            <h2>{tr(|t| t.advice_title())}</h2>
                            <p>{a.assessment}</p>
                            <p>{a.advice}</p>
                            <p>{a.department}</p>
                            <p>{a.follow_up}</p>
                        </section>
                    }
                })}
        </article>
    }
}

#[component]
fn Thread(messages: RwSignal<Vec<Message>>) -> impl IntoView {
    let t = use_texts();
    view! {
        <ol class="thread" data-testid="thread" aria-live="polite">
            {move || {
                let mut day = String::new();
                messages
                    .get()
                    .into_iter()
                    .map(|m| {
                        let this_day = local_day(m.created_at);
                        let separator = (this_day != day)
                            .then(|| {
                                day = this_day.clone();
                                view! { <li class="day-separator">{this_day}</li> }
                            });
                        let time = local_time(m.created_at);
                        let body = match (m.sender, m.text.clone(), m.image_file_id.clone()) {
                            (Sender::System, Some(key), _) => {
                                view! { <p class="note">{move || note_text(t(), &key)}</p> }
                                    .into_any()
                            }
                            (_, _, Some(file)) => {
                                let alt = Signal::derive(move || t().photo().to_owned());
                                view! { <Zoomable src=api::file_url(&file) alt /> }.into_any()
                            }
                            (_, text, _) => view! { <p>{text}</p> }.into_any(),
                        };
                        let class = match m.sender {
                            Sender::Doctor => "message mine",
                            Sender::Patient => "message theirs",
                            Sender::System => "message system",
                        };
                        view! {
                            {separator}
                            <li class=class data-testid="message">
                                {body}
                                <span class="message-time">{time}</span>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ol>
    }
}

/// Whether the doctor can write: while it is ongoing, and after advice to answer the
/// patient's follow-up question (the last word is the patient's).
fn can_write(c: &Consultation, answering: bool) -> bool {
    c.status == ConsultationStatus::Ongoing
        || (c.status == ConsultationStatus::Closed
            && c.close_reason == Some(doctor_desk_api::inbox::CloseReason::Advice)
            && answering)
}

/// Reply box with quick replies, sending state per message and a draft that survives a
/// reload; or the end-of-consultation form; or the read-only note.
#[component]
fn Composer(
    id: i64,
    c: Consultation,
    can_write: bool,
    messages: RwSignal<Vec<Message>>,
    consultation: RwSignal<Option<Consultation>>,
    outgoing: RwSignal<Vec<Outgoing>>,
    photos: Photos,
) -> impl IntoView {
    let ended = c.status == ConsultationStatus::Closed;
    if !can_write {
        return (c.status == ConsultationStatus::Closed)
            .then(|| {
                view! {
                    <p class="card muted" data-testid="read-only">
                        {tr(|t| t.read_only())}
                    </p>
                }
            })
            .into_any();
    }
    let draft = RwSignal::new(
        storage()
            .and_then(|s| s.get_item(&draft_key(id)).ok().flatten())
            .unwrap_or_default(),
    );
    Effect::new(move || {
        let text = draft.get();
        if let Some(s) = storage() {
            let _ = if text.is_empty() {
                s.remove_item(&draft_key(id))
            } else {
                s.set_item(&draft_key(id), &text)
            };
        }
    });
    let update = move |client_id: &str, change: &dyn Fn(&mut Outgoing)| {
        outgoing.update(|o| {
            o.iter_mut()
                .filter(|x| x.client_id == client_id)
                .for_each(change)
        })
    };
    let send = move |item: Outgoing| {
        outgoing.update(|o| {
            o.retain(|x| x.client_id != item.client_id);
            o.push(Outgoing {
                failed: false,
                ..item.clone()
            });
        });
        spawn_local(async move {
            let client_id = item.client_id.clone();
            let mut file_id = item.file_id.clone();
            if item.preview.is_some() && file_id.is_none() {
                let blob = photos.with_value(|p| {
                    p.iter()
                        .find(|(c, _)| *c == client_id)
                        .map(|(_, b)| b.clone())
                });
                let id = client_id.clone();
                let progress = move |pct| update(&id, &|x| x.progress = Some(pct));
                file_id = match blob {
                    Some(blob) => upload_photo(blob, progress).await,
                    None => None,
                };
                let Some(uploaded) = file_id.clone() else {
                    update(&client_id, &|x| x.failed = true);
                    return;
                };
                update(&client_id, &|x| x.file_id = Some(uploaded.clone()));
            }
            let req = SendMessage {
                client_id: client_id.clone(),
                text: file_id.is_none().then(|| item.text.clone()),
                image_file_id: file_id,
            };
            match api::send_message(id, &req).await {
                Ok(msg) => {
                    outgoing.update(|o| o.retain(|x| x.client_id != client_id));
                    photos.update_value(|p| p.retain(|(c, _)| *c != client_id));
                    if let Some(url) = &item.preview {
                        let _ = web_sys::Url::revoke_object_url(url);
                    }
                    messages.update(|m| {
                        if !m.iter().any(|x| x.id == msg.id) {
                            m.push(msg);
                        }
                    });
                }
                Err(_) => update(&client_id, &|x| x.failed = true),
            }
        });
    };
    let photo_error = RwSignal::new(None::<&'static str>);
    let t = use_texts();
    let on_photo = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        photo_error.set(None);
        spawn_local(async move {
            match crate::photo::prepare(&file).await {
                Ok(p) if !p.is_pdf => {
                    let client_id = new_client_id();
                    let preview = web_sys::Url::create_object_url_with_blob(&p.blob).ok();
                    photos.update_value(|v| v.push((client_id.clone(), p.blob)));
                    send(Outgoing {
                        client_id,
                        preview: Some(preview.unwrap_or_default()),
                        progress: Some(0),
                        ..Outgoing::text(String::new())
                    });
                }
                Err(crate::photo::PrepareError::Unreadable) => {
                    photo_error.set(Some(t().unreadable_photo()))
                }
                _ => photo_error.set(Some(t().photo_only())),
            }
        });
    };
    let replies = Fetched::new(api::quick_replies);
    let errors = FormErrors::new();
    keep_above_keyboard();
    view! {
        <ol class="thread outgoing">
            <For
                each=move || outgoing.get()
                key=|o| (o.client_id.clone(), o.failed, o.progress)
                let:item
            >
                {
                    let retry = item.clone();
                    let progress = item.progress.filter(|_| item.file_id.is_none());
                    view! {
                        <li class="message mine pending" data-testid="outgoing">
                            {item
                                .preview
                                .clone()
                                .map(|src| view! { <img src=src alt=tr(|t| t.photo()) /> })}
                            {(!item.text.is_empty()).then(|| view! { <p>{item.text.clone()}</p> })}
                            {if item.failed {
                                view! {
                                    <button
                                        type="button"
                                        class="link-button"
                                        data-testid="retry-send"
                                        on:click=move |_| send(retry.clone())
                                    >
                                        {tr(|t| t.send_failed())}
                                    </button>
                                }
                                    .into_any()
                            } else {
                                view! {
                                    <span class="message-time" aria-live="polite">
                                        {move || match progress {
                                            Some(pct) => t().uploading_pct(pct),
                                            None => t().sending().to_owned(),
                                        }}
                                    </span>
                                }
                                    .into_any()
                            }}
                        </li>
                    }
                }
            </For>
        </ol>
        <form
            class="composer"
            novalidate=true
            on:submit=move |ev| {
                ev.prevent_default();
                let text = draft.get_untracked();
                if text.trim().is_empty() {
                    return;
                }
                draft.set(String::new());
                send(Outgoing::text(text));
            }
        >
            <div class="quick-replies" role="group" aria-label=tr(|t| t.quick_replies())>
                {move || {
                    let list = replies.get().and_then(Result::ok);
                    // None yet: where to make them (the draft is kept meanwhile).
                    if list.as_ref().is_some_and(Vec::is_empty) {
                        return view! {
                            <A
                                href="/settings/consultation"
                                attr:class="chip chip-quiet"
                                attr:data-testid="quick-replies-setup"
                            >
                                {tr(|t| t.quick_replies_setup())}
                            </A>
                        }
                            .into_any();
                    }
                    list.unwrap_or_default()
                        .into_iter()
                        .map(|r| {
                            let text = r.text.clone();
                            view! {
                                <button
                                    type="button"
                                    class="chip"
                                    data-testid="quick-reply"
                                    on:click=move |_| draft.update(|d| add_reply(d, &text))
                                >
                                    {r.title}
                                </button>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </div>
            <FormField
                name="text"
                label=tr(|t| t.message_label())
                value=draft
                errors
                control=Control::TextArea
                placeholder=tr(|t| t.message_placeholder())
            />
            <div class="composer-actions">
                <input
                    type="file"
                    class="file-input"
                    id="photo-file"
                    accept="image/*"
                    data-testid="photo-file"
                    on:change=on_photo
                />
                <label for="photo-file" class="button">
                    {tr(|t| t.send_photo())}
                </label>
                <button type="submit" class="button button-primary" data-testid="send-message">
                    {tr(|t| t.send())}
                </button>
            </div>
            {move || {
                photo_error
                    .get()
                    .map(|m| {
                        view! {
                            <p role="alert" class="field-error">
                                {m}
                            </p>
                        }
                    })
            }}
        </form>
        {(!ended).then(|| view! { <EndForm id consultation /> })}
    }
    .into_any()
}

/// A quick reply goes after what is already typed (on a line of its own), never over it.
fn add_reply(draft: &mut String, reply: &str) {
    if !draft.is_empty() && !draft.ends_with(char::is_whitespace) {
        draft.push('\n');
    }
    draft.push_str(reply);
}

/// Phone keyboards cover the bottom of the layout viewport without resizing it (iOS,
/// WeChat): follow the visual viewport and lift the composer by the covered height.
fn keep_above_keyboard() {
    let Some(viewport) = window().visual_viewport() else {
        return;
    };
    let update = {
        let viewport = viewport.clone();
        move || {
            let inner = window()
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(0.0);
            let covered = (inner - viewport.height() - viewport.offset_top()).max(0.0);
            if let Some(root) = document().document_element() {
                let style =
                    wasm_bindgen::JsCast::unchecked_ref::<web_sys::HtmlElement>(&root).style();
                let _ = style.set_property("--keyboard", &format!("{}px", covered.round() as i64));
            }
        }
    };
    let listener = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(update);
    let callback = wasm_bindgen::JsCast::unchecked_ref(listener.as_ref());
    let _ = viewport.add_event_listener_with_callback("resize", callback);
    let _ = viewport.add_event_listener_with_callback("scroll", callback);
    let kept = send_wrapper::SendWrapper::new((viewport, listener));
    on_cleanup(move || {
        let (viewport, listener) = kept.take();
        let callback = wasm_bindgen::JsCast::unchecked_ref(listener.as_ref());
        let _ = viewport.remove_event_listener_with_callback("resize", callback);
        let _ = viewport.remove_event_listener_with_callback("scroll", callback);
        if let Some(root) = document().document_element() {
            let style = wasm_bindgen::JsCast::unchecked_ref::<web_sys::HtmlElement>(&root).style();
            let _ = style.remove_property("--keyboard");
        }
    });
}

/// Uploads a compressed photo (progress in percent as it goes); its file id, or `None`.
async fn upload_photo(blob: web_sys::Blob, progress: impl Fn(u32) + 'static) -> Option<String> {
    let form = web_sys::FormData::new().ok()?;
    form.append_with_blob_and_filename("file", &blob, "photo.jpg")
        .ok()?;
    let (_task, result) =
        api::upload::<doctor_desk_api::onboarding::StoredFile>("/files", &form, move |p| {
            progress((p * 100.0).round() as u32)
        })
        .ok()?;
    result.await.ok().map(|f| f.file_id)
}
