//! This browser's localStorage: drafts, unsent messages and choices that must survive a
//! reload, a crash or a lost network. Storage can be missing (private mode, a full
//! quota): every call then does nothing rather than fail the page.

use serde::{de::DeserializeOwned, Serialize};

pub fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The value stored under `key`, if any and readable.
pub fn read<T: DeserializeOwned>(key: &str) -> Option<T> {
    let text = local()?.get_item(key).ok().flatten()?;
    crate::json::from_str(&text)
}

pub fn write<T: Serialize>(key: &str, value: &T) {
    if let (Some(s), Some(text)) = (local(), crate::json::to_string(value)) {
        let _ = s.set_item(key, &text);
    }
}

pub fn remove(key: &str) {
    if let Some(s) = local() {
        let _ = s.remove_item(key);
    }
}
