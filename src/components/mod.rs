pub mod form_field;
pub mod password_field;
pub mod shell;
pub mod sms_code_button;
pub mod summary;
pub mod toast;
