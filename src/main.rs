use leptos::prelude::document;
use wasm_bindgen::JsCast;

fn main() {
    console_error_panic_hook::set_once();
    let document = document();
    // index.html shows a static skeleton inside #app until the app takes over.
    let root = document
        .get_element_by_id("app")
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        .or_else(|| document.body())
        .expect("index.html has a body");
    root.replace_children_with_node_0();
    leptos::mount::mount_to(root, doctor_desk::App).forget();
}
