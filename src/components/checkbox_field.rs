//! The one checkbox field: a box whose ticking the form requires, with its error.

use leptos::prelude::*;

use super::form_field::FormErrors;

/// A checkbox with its error under it (a consent, a confirmation): each is ticked on its
/// own, and its error clears when it is.
#[component]
pub fn CheckboxField(
    name: &'static str,
    checked: RwSignal<bool>,
    errors: FormErrors,
    children: Children,
) -> impl IntoView {
    let error = errors.field(name);
    let error_id = format!("{name}-error");
    view! {
        <div class="consent" class:field-invalid=move || error.get().is_some()>
            <label class="checkbox">
                <input
                    type="checkbox"
                    name=name
                    data-testid=name
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-describedby=error_id.clone()
                    prop:checked=move || checked.get()
                    on:change=move |ev| {
                        checked.set(event_target_checked(&ev));
                        errors.clear_field(name);
                    }
                />
                <span>{children()}</span>
            </label>
            <p
                class="field-error"
                id=error_id
                aria-live="polite"
                data-testid=format!("{name}-error")
            >
                {move || error.get()}
            </p>
        </div>
    }
}
