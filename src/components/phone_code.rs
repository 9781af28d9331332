//! The phone number and the SMS code sent to it, as sign-up, password reset and sign-in
//! by code ask for them.

use doctor_desk_api::auth::SmsPurpose;
use leptos::prelude::*;

use super::{
    form_field::{FormErrors, FormField},
    sms_code_button::SmsCodeButton,
};
use crate::i18n::tr;

#[component]
pub fn PhoneField(
    phone: RwSignal<String>,
    errors: FormErrors,
    /// The request's field name (`new_phone` when changing the number).
    #[prop(default = "phone")]
    name: &'static str,
    #[prop(optional)] label: Option<fn(&'static crate::i18n::Texts) -> &'static str>,
) -> impl IntoView {
    let label = label.unwrap_or(|t| t.phone());
    view! {
        <FormField
            name=name
            label=Signal::derive(tr(label))
            placeholder=Signal::derive(tr(|t| t.phone_placeholder()))
            value=phone
            errors=errors
            input_type="tel"
            inputmode="numeric"
            autocomplete="tel-national"
            maxlength=20
        />
    }
}

/// The code field with its "get code" button.
#[component]
pub fn SmsCodeField(
    phone: RwSignal<String>,
    sms_code: RwSignal<String>,
    purpose: SmsPurpose,
    errors: FormErrors,
    /// The field the phone number is entered in, where its errors show.
    #[prop(default = "phone")]
    phone_field: &'static str,
) -> impl IntoView {
    view! {
        <FormField
            name="sms_code"
            label=Signal::derive(tr(|t| t.sms_code()))
            placeholder=Signal::derive(tr(|t| t.sms_code_placeholder()))
            value=sms_code
            errors=errors
            inputmode="numeric"
            autocomplete="one-time-code"
            maxlength=6
        >
            <SmsCodeButton phone=phone purpose=purpose errors=errors phone_field=phone_field />
        </FormField>
    }
}
