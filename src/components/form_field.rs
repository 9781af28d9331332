//! The one form-field component: a labelled input with its hint and its error, wired for
//! screen readers (`aria-invalid`, `aria-describedby`). Typing clears the field's error.

use std::collections::BTreeMap;

use doctor_desk_api::validate::FieldErrors;
use leptos::prelude::*;

use crate::{api::ApiError, i18n::current_lang};

/// Field errors of one form, keyed by the JSON field name (as the server reports them).
#[derive(Clone, Copy)]
pub struct FormErrors {
    fields: RwSignal<BTreeMap<String, String>>,
    /// An error that belongs to no field (network down, rate limit, …).
    pub form: RwSignal<Option<String>>,
}

impl Default for FormErrors {
    fn default() -> Self {
        Self::new()
    }
}

impl FormErrors {
    pub fn new() -> Self {
        FormErrors {
            fields: RwSignal::new(BTreeMap::new()),
            form: RwSignal::new(None),
        }
    }

    pub fn field(&self, name: &'static str) -> Signal<Option<String>> {
        let fields = self.fields;
        Signal::derive(move || fields.with(|f| f.get(name).cloned()))
    }

    pub fn clear_field(&self, name: &str) {
        if self.fields.with_untracked(|f| f.contains_key(name)) {
            self.fields.update(|f| {
                f.remove(name);
            });
        }
        self.form.set(None);
    }

    pub fn set_field(&self, name: &str, message: String) {
        self.fields.update(|f| {
            f.insert(name.to_owned(), message);
        });
    }

    /// Shows the result of a shared validator; `true` when the form is fine.
    pub fn check(&self, errors: FieldErrors) -> bool {
        let lang = current_lang();
        let map: BTreeMap<String, String> = errors
            .into_iter()
            .map(|(f, e)| (f.to_owned(), e.message(lang).to_owned()))
            .collect();
        let ok = map.is_empty();
        self.fields.set(map);
        self.form.set(None);
        ok
    }

    /// Shows a server error: under its fields when it names some, above the button otherwise.
    pub fn show(&self, error: ApiError) {
        if error.fields.is_empty() {
            self.form.set(Some(error.message));
        } else {
            self.fields.set(error.fields);
            self.form.set(None);
        }
    }
}

#[component]
pub fn FormField(
    /// JSON field name: also the input's id, name and `data-testid`.
    name: &'static str,
    #[prop(into)] label: Signal<&'static str>,
    value: RwSignal<String>,
    errors: FormErrors,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(into, optional)] input_type_signal: Option<Signal<&'static str>>,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(into, optional)] placeholder: Option<Signal<&'static str>>,
    #[prop(into, optional)] hint: Option<Signal<&'static str>>,
    /// Controls shown inside the field, after the input (a "send code" button…).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let error = errors.field(name);
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        let has_hint = hint.is_some();
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            ids.join(" ")
        }
    };
    let kind = move || input_type_signal.map(|s| s.get()).unwrap_or(input_type);
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{move || label.get()}</label>
            <div class="field-control">
                <input
                    id=id.clone()
                    name=name
                    data-testid=name
                    type=kind
                    autocomplete=autocomplete
                    inputmode=inputmode
                    maxlength=maxlength
                    placeholder=move || placeholder.map(|p| p.get())
                    aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                    aria-describedby=described_by
                    prop:value=move || value.get()
                    on:input=move |ev| {
                        value.set(event_target_value(&ev));
                        errors.clear_field(name);
                    }
                />
                {children.map(|c| c())}
            </div>
            {hint
                .map(|h| {
                    view! {
                        <p class="field-hint" id=hint_id.clone()>
                            {move || h.get()}
                        </p>
                    }
                })}
            <p
                class="field-error"
                id=error_id.clone()
                aria-live="polite"
                data-testid=format!("{name}-error")
            >
                {move || error.get()}
            </p>
        </div>
    }
}

/// Text shown above a form's submit button for errors that belong to no field.
#[component]
pub fn FormError(errors: FormErrors) -> impl IntoView {
    view! {
        <Show when=move || errors.form.get().is_some()>
            <p class="form-error" role="alert" data-testid="form-error">
                {move || errors.form.get()}
            </p>
        </Show>
    }
}
