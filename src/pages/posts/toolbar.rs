//! The Markdown toolbar: heading, bold, list, quote, link and image, by touch and by
//! keyboard (real buttons in a `toolbar`; Ctrl/⌘+B and Ctrl/⌘+K in the text). Each
//! applies to the selection and leaves the part to type next selected.

use leptos::{html::Textarea, prelude::*};

use crate::i18n::{tr, use_texts, Texts};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Heading,
    Bold,
    List,
    Quote,
    Link,
}

/// `text` with `format` applied to the bytes `start..end`, and the new selection.
pub fn apply(
    text: &str,
    start: usize,
    end: usize,
    format: Format,
    sample: &str,
) -> (String, usize, usize) {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (start, end) = (floor(start.min(end)), floor(end.max(start)));
    let selected = &text[start..end];
    match format {
        Format::Bold => {
            let inner = if selected.is_empty() {
                sample
            } else {
                selected
            };
            let out = format!("{}**{inner}**{}", &text[..start], &text[end..]);
            (out, start + 2, start + 2 + inner.len())
        }
        Format::Link => {
            let label = if selected.is_empty() {
                sample
            } else {
                selected
            };
            let url = "https://";
            let out = format!("{}[{label}]({url}){}", &text[..start], &text[end..]);
            let at = start + label.len() + 3;
            (out, at, at + url.len())
        }
        Format::Heading | Format::List | Format::Quote => {
            let prefix = match format {
                Format::Heading => "## ",
                Format::List => "- ",
                _ => "> ",
            };
            // Whole lines: from the start of the first selected line to the end of the
            // last (a selection ending with its line break stops at that line).
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let end = if end > start && text[..end].ends_with('\n') {
                end - 1
            } else {
                end
            };
            let end = text[end..].find('\n').map_or(text.len(), |i| end + i);
            let lines = &text[line_start..end];
            let all_have = lines.split('\n').all(|l| l.starts_with(prefix));
            let changed: Vec<String> = lines
                .split('\n')
                .map(|l| match all_have {
                    true => l[prefix.len()..].to_owned(),
                    false => format!("{prefix}{l}"),
                })
                .collect();
            let changed = changed.join("\n");
            let out = format!("{}{changed}{}", &text[..line_start], &text[end..]);
            (out, line_start + changed.len(), line_start + changed.len())
        }
    }
}

/// `text` with an image on a line of its own at byte `at`, and where the cursor goes.
pub fn insert_image(text: &str, at: usize, alt: &str, url: &str) -> (String, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    // `]` and line breaks would end the description early.
    let alt: String = alt
        .chars()
        .map(|c| match c {
            '[' | ']' | '\n' | '\r' => ' ',
            c => c,
        })
        .collect();
    let before = if at == 0 || text[..at].ends_with('\n') {
        ""
    } else {
        "\n"
    };
    let image = format!("{before}![{}]({url})\n", alt.trim());
    let out = format!("{}{image}{}", &text[..at], &text[at..]);
    (out, at + image.len())
}

/// Byte offset of the UTF-16 offset `units` (what the browser's selection counts).
pub fn byte_of(text: &str, units: u32) -> usize {
    let mut seen = 0u32;
    for (i, c) in text.char_indices() {
        if seen >= units {
            return i;
        }
        seen += c.len_utf16() as u32;
    }
    text.len()
}

/// UTF-16 offset of byte offset `byte`.
pub fn units_of(text: &str, byte: usize) -> u32 {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    text[..byte].encode_utf16().count() as u32
}

/// Selects bytes `start..end` of the text area's text and brings them into view.
pub fn select(area: &web_sys::HtmlTextAreaElement, start: usize, end: usize) {
    let text = area.value();
    let _ = area.focus();
    let _ = area.set_selection_range(units_of(&text, start), units_of(&text, end));
}

/// The selection in bytes.
pub fn selection(area: &web_sys::HtmlTextAreaElement) -> (usize, usize) {
    let text = area.value();
    let start = area.selection_start().ok().flatten().unwrap_or(0);
    let end = area.selection_end().ok().flatten().unwrap_or(start);
    (byte_of(&text, start), byte_of(&text, end))
}

/// Applies `format` to the text area bound to `body`.
pub fn format_area(area: NodeRef<Textarea>, body: RwSignal<String>, format: Format) {
    let Some(el) = area.get_untracked() else {
        return;
    };
    let (start, end) = selection(&el);
    let t = crate::i18n::texts(crate::i18n::current_lang());
    let sample = match format {
        Format::Link => t.toolbar_link_sample(),
        _ => t.toolbar_bold_sample(),
    };
    let (text, from, to) = apply(&el.value(), start, end, format, sample);
    el.set_value(&text);
    body.set(text);
    select(&el, from, to);
}

/// Keyboard shortcuts in the text: Ctrl/⌘+B bold, Ctrl/⌘+K link.
pub fn on_keydown(ev: &web_sys::KeyboardEvent, area: NodeRef<Textarea>, body: RwSignal<String>) {
    if !(ev.ctrl_key() || ev.meta_key()) {
        return;
    }
    let format = match ev.key().as_str() {
        "b" | "B" => Format::Bold,
        "k" | "K" => Format::Link,
        _ => return,
    };
    ev.prevent_default();
    format_area(area, body, format);
}

#[component]
pub fn Toolbar(
    area: NodeRef<Textarea>,
    body: RwSignal<String>,
    #[prop(into)] on_image: Callback<()>,
    #[prop(into)] disabled: Signal<bool>,
) -> impl IntoView {
    let t = use_texts();
    let button =
        move |format: Format, mark: &'static str, label: fn(&'static Texts) -> &'static str| {
            let label = move || label(t());
            view! {
                <button
                    type="button"
                    class="toolbar-button"
                    data-testid=format!("toolbar-{format:?}").to_lowercase()
                    aria-label=label
                    title=label
                    disabled=move || disabled.get()
                    // Keeps the text's selection: the button does not take focus on a tap.
                    on:mousedown=|ev| ev.prevent_default()
                    on:click=move |_| format_area(area, body, format)
                >
                    <span aria-hidden="true">{mark}</span>
                </button>
            }
        };
    view! {
        <div class="toolbar" role="toolbar" aria-label=tr(|t| t.toolbar_label())>
            {button(Format::Heading, "H", |t| t.toolbar_heading())}
            {button(Format::Bold, "B", |t| t.toolbar_bold())}
            {button(Format::List, "•", |t| t.toolbar_list())}
            {button(Format::Quote, "❝", |t| t.toolbar_quote())}
            <button
                type="button"
                class="toolbar-button toolbar-word"
                data-testid="toolbar-link"
                disabled=move || disabled.get()
                on:mousedown=|ev| ev.prevent_default()
                on:click=move |_| format_area(area, body, Format::Link)
            >
                {tr(|t| t.toolbar_link())}
            </button>
            <button
                type="button"
                class="toolbar-button toolbar-word"
                data-testid="toolbar-image"
                disabled=move || disabled.get()
                on:mousedown=|ev| ev.prevent_default()
                on:click=move |_| on_image.run(())
            >
                {tr(|t| t.toolbar_image())}
            </button>
        </div>
    }
}
