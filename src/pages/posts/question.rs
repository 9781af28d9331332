//! An answer answers one of the patients' public questions: the doctor searches the open
//! ones and picks one.

use doctor_desk_api::posts::Question;
use leptos::prelude::*;

use crate::{
    api,
    components::fetched::Fetched,
    format::local_datetime,
    i18n::{tr, use_texts},
};

#[component]
pub fn QuestionPicker(
    question: RwSignal<Option<Question>>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(into)] disabled: Signal<bool>,
) -> impl IntoView {
    let t = use_texts();
    let q = RwSignal::new(String::new());
    let choosing = RwSignal::new(question.get_untracked().is_none());
    let list = Fetched::new(move || {
        let q = q.get();
        async move { api::posts::questions(&q).await }
    });
    view! {
        <fieldset class="field question-picker" data-testid="question-picker">
            <legend>{tr(|t| t.post_question())}</legend>
            {move || {
                question
                    .get()
                    .map(|chosen| {
                        view! {
                            <blockquote class="question" data-testid="question-chosen">
                                <p>{chosen.text}</p>
                            </blockquote>
                        }
                    })
            }}
            <Show when=move || !choosing.get()>
                <button
                    type="button"
                    class="button"
                    data-testid="question-change"
                    disabled=move || disabled.get()
                    on:click=move |_| choosing.set(true)
                >
                    {tr(|t| t.post_question_change())}
                </button>
            </Show>
            <Show when=move || choosing.get() && !disabled.get()>
                <label for="question-search">{tr(|t| t.post_question_search())}</label>
                <input
                    id="question-search"
                    type="search"
                    data-testid="question-search"
                    prop:value=move || q.get()
                    on:input=move |ev| q.set(event_target_value(&ev))
                />
                <ul class="question-list">
                    {move || match list.get() {
                        None => view! { <li class="muted">{tr(|t| t.loading())}</li> }.into_any(),
                        Some(Err(e)) => view! { <li role="alert">{e.message}</li> }.into_any(),
                        Some(Ok(l)) if l.items.is_empty() => {
                            view! { <li class="muted">{tr(|t| t.post_questions_none())}</li> }
                                .into_any()
                        }
                        Some(Ok(l)) => {
                            l.items
                                .into_iter()
                                .map(|item| {
                                    let picked = item.clone();
                                    view! {
                                        <li class="question-option">
                                            <p>{item.text.clone()}</p>
                                            <p class="muted">
                                                {item.department.clone().unwrap_or_default()} " · "
                                                {local_datetime(item.asked_at)}
                                            </p>
                                            <button
                                                type="button"
                                                class="button"
                                                data-testid=format!("question-{}", item.id)
                                                on:click=move |_| {
                                                    question.set(Some(picked.clone()));
                                                    choosing.set(false);
                                                }
                                            >
                                                {move || t().post_question_choose()}
                                            </button>
                                        </li>
                                    }
                                })
                                .collect_view()
                                .into_any()
                        }
                    }}
                </ul>
            </Show>
            <p class="field-error" aria-live="polite" data-testid="question_id-error">
                {move || error.get()}
            </p>
        </fieldset>
    }
}
