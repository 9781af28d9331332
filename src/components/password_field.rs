use leptos::prelude::*;

use super::form_field::{FormErrors, FormField};
use crate::i18n::use_texts;

/// A password field with a show/hide switch: on a phone keyboard a typo is easy and
/// invisible, so doctors can check what they typed.
#[component]
pub fn PasswordField(
    name: &'static str,
    #[prop(into)] label: Signal<&'static str>,
    value: RwSignal<String>,
    errors: FormErrors,
    /// `current-password` or `new-password`, so password managers do the right thing.
    autocomplete: &'static str,
    #[prop(into, optional)] hint: Option<Signal<String>>,
    /// Tells apart two password fields of one name on a page (`FormField`'s scope).
    #[prop(optional)]
    scope: Option<&'static str>,
) -> impl IntoView {
    let t = use_texts();
    let toggle = match scope {
        Some(s) => format!("{s}-{name}-toggle"),
        None => format!("{name}-toggle"),
    };
    let visible = RwSignal::new(false);
    let kind = Signal::derive(move || if visible.get() { "text" } else { "password" });
    view! {
        <FormField
            name=name
            label=label
            value=value
            errors=errors
            input_type_signal=kind
            autocomplete=autocomplete
            maxlength=128
            scope=scope.map(str::to_owned)
            hint=hint.unwrap_or_else(|| Signal::stored(String::new()))
        >
            <button
                type="button"
                class="field-addon"
                data-testid=toggle
                aria-pressed=move || visible.get().to_string()
                aria-label=move || {
                    if visible.get() { t().hide_password() } else { t().show_password() }
                }
                on:click=move |_| visible.update(|v| *v = !*v)
            >
                {move || if visible.get() { t().hide_password() } else { t().show_password() }}
            </button>
        </FormField>
    }
}
