//! The page's first API answers, which its boot script (`xtask/src/boot.js`) asked for
//! while the wasm downloaded: the client takes each once instead of asking again.

use std::future::Future;

use wasm_bindgen::{JsCast, JsValue};

/// An answer as the boot script read it: status, Retry-After in seconds, JSON body or null.
pub type Answer = (u16, Option<i64>, JsValue);

/// A method of the page's boot script; none where no such script ran.
fn method(name: &str) -> Option<(JsValue, js_sys::Function)> {
    let early = js_sys::Reflect::get(&js_sys::global(), &"__ddEarly".into())
        .ok()
        .filter(|e| e.is_object())?;
    let method = js_sys::Reflect::get(&early, &name.into())
        .ok()?
        .dyn_into()
        .ok()?;
    Some((early, method))
}

/// The answer to `GET url` that the boot script already asked for, taken once (an error if
/// its request failed); `None` if there is none to take.
pub fn take(url: &str) -> Option<impl Future<Output = Result<Answer, JsValue>>> {
    let (early, answer) = method("answer")?;
    let promise: js_sys::Promise = answer.call1(&early, &url.into()).ok()?.dyn_into().ok()?;
    Some(async move {
        let answer = js_sys::Array::from(&wasm_bindgen_futures::JsFuture::from(promise).await?);
        let status = answer.get(0).as_f64().unwrap_or(0.0) as u16;
        let retry_after = answer.get(1).as_string().and_then(|v| v.parse().ok());
        Ok((status, retry_after, answer.get(2)))
    })
}

/// Drops the answers the boot script got that the app has not taken: they belong to the
/// page as it loaded, not to one opened later or under another session.
pub fn forget() {
    if let Some((early, forget)) = method("forget") {
        let _ = forget.call0(&early);
    }
}
