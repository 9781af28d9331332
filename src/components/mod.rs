pub mod form_field;
pub mod password_field;
pub mod phone_code;
pub mod shell;
pub mod sms_code_button;
pub mod submit_button;
pub mod summary;
pub mod toast;
