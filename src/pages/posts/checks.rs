//! The compliance panel beside the editor: the shared check (`crates/api`, the same code
//! the server runs on submission) over the title and text as they change, each finding
//! with a button that selects its place in the text, and a "keep anyway" choice for
//! warnings that is saved with the post and shown to the reviewer.

use std::sync::Arc;

use doctor_desk_api::posts::compliance::{Checker, Field, Finding, Rule, Severity};
use leptos::{html::Textarea, prelude::*};

use super::draft::Draft;
use crate::i18n::{tr, use_texts, Texts};

pub fn rule_label(t: &'static Texts, rule: Rule) -> &'static str {
    match rule {
        Rule::Phone => t.rule_phone(),
        Rule::IdNumber => t.rule_id_number(),
        Rule::NameWithDiagnosis => t.rule_name_with_diagnosis(),
        Rule::Address => t.rule_address(),
        Rule::CurePromise => t.rule_cure_promise(),
        Rule::Comparison => t.rule_comparison(),
        Rule::PrescriptionDrug => t.rule_prescription_drug(),
        Rule::Brand => t.rule_brand(),
    }
}

pub fn rule_key(rule: Rule) -> &'static str {
    match rule {
        Rule::Phone => "phone",
        Rule::IdNumber => "id_number",
        Rule::NameWithDiagnosis => "name_with_diagnosis",
        Rule::Address => "address",
        Rule::CurePromise => "cure_promise",
        Rule::Comparison => "comparison",
        Rule::PrescriptionDrug => "prescription_drug",
        Rule::Brand => "brand",
    }
}

fn field_key(field: Field) -> &'static str {
    match field {
        Field::Title => "title",
        Field::Body => "body",
    }
}

pub fn severity_label(t: &'static Texts, severity: Severity) -> &'static str {
    match severity {
        Severity::Error => t.severity_error(),
        Severity::Warning => t.severity_warning(),
    }
}

/// What the check finds in the title and text, again at each change (none until the
/// word lists have come).
pub fn findings_of(draft: Draft, checker: RwSignal<Option<Arc<Checker>>>) -> Memo<Vec<Finding>> {
    Memo::new(move |_| {
        checker.with(|c| {
            c.as_ref().map_or_else(Vec::new, |c| {
                draft
                    .title
                    .with(|title| draft.body.with(|body| c.check(title, body)))
            })
        })
    })
}

/// Selects a finding's place: in the text area, or in the title field.
pub fn locate(finding: &Finding, area: NodeRef<Textarea>) {
    match finding.field {
        Field::Body => {
            if let Some(el) = area.get_untracked() {
                super::toolbar::select(&el, finding.start, finding.end);
            }
        }
        Field::Title => {
            use wasm_bindgen::JsCast;
            let input = document()
                .get_element_by_id("field-title")
                .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
            if let Some(input) = input {
                let text = input.value();
                let _ = input.focus();
                let _ = input.set_selection_range(
                    super::toolbar::units_of(&text, finding.start),
                    super::toolbar::units_of(&text, finding.end),
                );
            }
        }
    }
}

#[component]
pub fn ChecksPanel(
    draft: Draft,
    findings: Memo<Vec<Finding>>,
    area: NodeRef<Textarea>,
    /// The finding the doctor was sent to last (a blocked submission marks it).
    current: RwSignal<Option<String>>,
) -> impl IntoView {
    let t = use_texts();
    let counts = move || {
        findings.with(|f| {
            let errors = f.iter().filter(|x| x.severity == Severity::Error).count();
            (errors, f.len() - errors)
        })
    };
    view! {
        <section class="card checks" aria-labelledby="checks-title" data-testid="checks">
            <h2 id="checks-title">{tr(|t| t.checks_title())}</h2>
            <p class="muted" aria-live="polite" data-testid="checks-summary">
                {move || {
                    let (errors, warnings) = counts();
                    if errors + warnings == 0 {
                        t().checks_clean().to_owned()
                    } else {
                        t().findings_count(errors, warnings)
                    }
                }}
            </p>
            <ul class="findings">
                <For
                    each=move || findings.get()
                    key=|f| (f.key.clone(), f.field as u8, f.start)
                    let:finding
                >
                    <FindingItem finding draft area current />
                </For>
            </ul>
        </section>
    }
}

#[component]
fn FindingItem(
    finding: Finding,
    draft: Draft,
    area: NodeRef<Textarea>,
    current: RwSignal<Option<String>>,
) -> impl IntoView {
    let t = use_texts();
    let key = finding.key.clone();
    let kept = {
        let key = key.clone();
        move || draft.kept.with(|k| k.contains(&key))
    };
    let toggle = {
        let key = key.clone();
        move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            draft.kept.update(|k| {
                k.retain(|x| x != &key);
                if on {
                    k.push(key.clone());
                }
            });
        }
    };
    let is_current = {
        let key = key.clone();
        move || current.with(|c| c.as_deref() == Some(key.as_str()))
    };
    let warning = finding.severity == Severity::Warning;
    let field = match finding.field {
        Field::Title => t().finding_in_title(),
        Field::Body => t().finding_in_body(),
    };
    let located = finding.clone();
    let checkbox_id = format!(
        "keep-{}-{}-{}",
        field_key(finding.field),
        rule_key(finding.rule),
        finding.start
    );
    view! {
        <li
            class="finding"
            class:finding-error=!warning
            class:finding-current=is_current
            data-testid=format!("finding-{}", rule_key(finding.rule))
            data-severity=if warning { "warning" } else { "error" }
        >
            <p>
                <span class=if warning {
                    "badge badge-warn"
                } else {
                    "badge badge-error"
                }>{move || severity_label(t(), finding.severity)}</span>
                " "
                <strong>{move || rule_label(t(), finding.rule)}</strong>
            </p>
            <p>
                {field} "：" <mark class="finding-text">{finding.text.clone()}</mark>
            </p>
            <button
                type="button"
                class="link-button"
                data-testid="locate"
                on:click=move |_| {
                    current.set(Some(located.key.clone()));
                    locate(&located, area);
                }
            >
                {tr(|t| t.checks_locate())}
            </button>
            {warning
                .then(|| {
                    view! {
                        <label class="check" for=checkbox_id.clone()>
                            <input
                                type="checkbox"
                                id=checkbox_id.clone()
                                data-testid="keep-anyway"
                                prop:checked=kept
                                on:change=toggle
                            />
                            {tr(|t| t.checks_keep())}
                        </label>
                    }
                })}
        </li>
    }
}

/// Marks every finding of the text in place: a layer behind the (transparent) text area
/// with the same text, font and wrapping, where the findings are `<mark>`s; it scrolls
/// with the text area. Decoration only: the panel lists the same findings for screen
/// readers.
#[component]
pub fn Highlights(
    body: RwSignal<String>,
    findings: Memo<Vec<Finding>>,
    area: NodeRef<Textarea>,
) -> impl IntoView {
    let layer = NodeRef::<leptos::html::Div>::new();
    let parts = move || {
        let text = body.get();
        let mut parts = Vec::new();
        let mut at = 0;
        findings.with(|all| {
            for f in all.iter().filter(|f| f.field == Field::Body) {
                if f.start < at {
                    continue;
                }
                let (Some(before), Some(found)) = (text.get(at..f.start), text.get(f.start..f.end))
                else {
                    continue;
                };
                parts.push(view! { <span>{before.to_owned()}</span> }.into_any());
                let class = match f.severity {
                    Severity::Error => "mark-error",
                    Severity::Warning => "mark-warning",
                };
                parts.push(view! { <mark class=class>{found.to_owned()}</mark> }.into_any());
                at = f.end;
            }
        });
        // A last line break needs a character after it to take up its line.
        let rest = format!("{} ", text.get(at..).unwrap_or_default());
        parts.push(view! { <span>{rest}</span> }.into_any());
        parts
    };
    // Follows the text area's scrolling; the listener goes with this layer.
    let on_scroll = send_wrapper::SendWrapper::new(
        wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
            if let (Some(a), Some(l)) = (area.get_untracked(), layer.get_untracked()) {
                l.set_scroll_top(a.scroll_top());
            }
        }),
    );
    let listening =
        StoredValue::new(None::<send_wrapper::SendWrapper<web_sys::HtmlTextAreaElement>>);
    let on_scroll = std::sync::Arc::new(on_scroll);
    let attach = on_scroll.clone();
    Effect::new(move || {
        use wasm_bindgen::JsCast;
        if let (Some(a), true) = (area.get(), listening.with_value(Option::is_none)) {
            let _ = a.add_event_listener_with_callback(
                "scroll",
                attach.as_ref().as_ref().unchecked_ref(),
            );
            listening.set_value(Some(send_wrapper::SendWrapper::new(a)));
        }
    });
    on_cleanup(move || {
        use wasm_bindgen::JsCast;
        if let Some(Some(a)) = listening.try_update_value(Option::take) {
            let _ = a.remove_event_listener_with_callback(
                "scroll",
                on_scroll.as_ref().as_ref().unchecked_ref(),
            );
        }
    });
    view! {
        <div class="highlights" aria-hidden="true" node_ref=layer data-testid="highlights">
            {parts}
        </div>
    }
}
