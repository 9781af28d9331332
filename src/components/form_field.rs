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

/// Which control a field shows.
#[derive(Default)]
pub enum Control {
    #[default]
    Input,
    TextArea,
    /// `(value, label)` pairs; the first entry is usually a "please choose" with value "".
    Select(Vec<(&'static str, Signal<&'static str>)>),
}

#[component]
pub fn FormField(
    /// JSON field name: also the input's name, and with `scope` its id and `data-testid`.
    name: &'static str,
    #[prop(into)] label: Signal<&'static str>,
    value: RwSignal<String>,
    errors: FormErrors,
    /// Tells apart fields of the same name on one page (e.g. one card per document).
    #[prop(optional, into)]
    scope: MaybeProp<String>,
    #[prop(optional)] control: Control,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(into, optional)] input_type_signal: Option<Signal<&'static str>>,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(into, optional)] placeholder: Option<Signal<&'static str>>,
    #[prop(into, optional)] hint: Option<Signal<String>>,
    /// A text area's lines, and a handle on it for code that edits its selection.
    #[prop(default = 4)]
    rows: u32,
    #[prop(optional)] textarea_ref: Option<NodeRef<leptos::html::Textarea>>,
    /// Controls shown inside the field, after the input (a "send code" button…).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let testid = match scope.get_untracked() {
        Some(s) => format!("{s}-{name}"),
        None => name.to_owned(),
    };
    let id = format!("field-{testid}");
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
    let invalid = move || {
        if error.get().is_some() {
            "true"
        } else {
            "false"
        }
    };
    let on_input = move |ev: leptos::ev::Event| {
        value.set(event_target_value(&ev));
        errors.clear_field(name);
    };
    let kind = move || input_type_signal.map(|s| s.get()).unwrap_or(input_type);
    let placeholder = move || placeholder.map(|p| p.get());
    let control = match control {
        Control::Input => view! {
            <input
                id=id.clone()
                name=name
                data-testid=testid.clone()
                type=kind
                autocomplete=autocomplete
                inputmode=inputmode
                maxlength=maxlength
                placeholder=placeholder
                aria-invalid=invalid
                aria-describedby=described_by.clone()
                prop:value=move || value.get()
                on:input=on_input
            />
        }
        .into_any(),
        Control::TextArea => view! {
            <textarea
                id=id.clone()
                name=name
                node_ref=textarea_ref.unwrap_or_default()
                data-testid=testid.clone()
                rows=rows
                maxlength=maxlength
                placeholder=placeholder
                aria-invalid=invalid
                aria-describedby=described_by.clone()
                prop:value=move || value.get()
                on:input=on_input
            ></textarea>
        }
        .into_any(),
        Control::Select(options) => view! {
            <select
                id=id.clone()
                name=name
                data-testid=testid.clone()
                aria-invalid=invalid
                aria-describedby=described_by.clone()
                prop:value=move || value.get()
                on:change=on_input
            >
                {options
                    .into_iter()
                    .map(|(v, label)| {
                        view! {
                            <option value=v selected=move || value.get() == v>
                                {move || label.get()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        }
        .into_any(),
    };
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id.clone()>{move || label.get()}</label>
            <div class="field-control">{control} {children.map(|c| c())}</div>
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
                data-testid=format!("{testid}-error")
            >
                {move || error.get()}
            </p>
        </div>
    }
}

/// Empties a field once what it held was saved, unless the person typed on while it was on
/// its way: then what they typed stays.
pub fn clear_if_sent(field: RwSignal<String>, sent: &str) {
    if field.with_untracked(|now| now == sent) {
        field.set(String::new());
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
