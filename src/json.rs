//! JSON in and out of the app (API answers and bodies, event payloads, what is kept in
//! localStorage): the browser's own `JSON.parse` and `JSON.stringify` do the text, serde
//! only walks the JavaScript values. So the wasm carries no JSON parser or printer of its
//! own, which the first load paid for (issue 12). Reading walks them with `de::Value`,
//! whose errors carry no text; writing with serde-wasm-bindgen.

mod de;

use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::JsValue;

/// The value `text` holds, if it is JSON of the expected shape.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    from_value(js_sys::JSON::parse(text).ok()?)
}

/// The value a JavaScript value (a parsed answer) holds, if it has the expected shape.
pub fn from_value<T: DeserializeOwned>(value: JsValue) -> Option<T> {
    T::deserialize(de::Value(value)).ok()
}

/// `value` as JSON text: maps as objects and 64-bit integers as numbers, as the API
/// expects (the defaults would give JavaScript `Map`s and `BigInt`s).
pub fn to_string<T: Serialize>(value: &T) -> Option<String> {
    let value = value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .ok()?;
    js_sys::JSON::stringify(&value).ok().map(String::from)
}
