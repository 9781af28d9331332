//! Accessibility: axe-core injected into every page of every part, once its data has
//! loaded, signed out, as a doctor and as a reviewer, in zh-CN and en; any serious or
//! critical violation fails. The world is filled with ordinary text (no payloads), so a
//! finding is the app's, not the data's.

use serde_json::Value;

use crate::pages::{open, set_language, sign_in_as, visits};
use crate::support::Harness;
use crate::world::{self, Texts};
use crate::Figures;

/// Plain, realistic text of the right length for each field.
pub struct PlainText;

impl Texts for PlainText {
    fn texts(&self, field: &str, max: usize, max_len: usize) -> Vec<String> {
        let base = match field.split('.').next().unwrap_or_default() {
            "message" => "饭后血糖 7.8，这个药还要继续吃吗？",
            "post" => "高血压患者的日常饮食建议",
            "note" => "复诊时复查肝功能",
            "tag" => "高血压",
            _ => "王医生",
        };
        (0..max.clamp(1, 2))
            .map(|i| {
                let text = if i == 0 {
                    base.to_owned()
                } else {
                    format!("{base}（{i}）")
                };
                text.chars().take(max_len).collect()
            })
            .collect()
    }
}

fn axe_source() -> String {
    let path = std::env::var("AXE_CORE_JS").expect(
        "AXE_CORE_JS is not set: run this through `cargo xtask audit a11y`, which installs axe-core",
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// Runs axe on the page; the serious and critical violations, one line each.
async fn violations(h: &Harness, axe: &str) -> Vec<String> {
    h.client
        .execute(&format!("{axe}\n;return true"), vec![])
        .await
        .expect("axe loads");
    let result = h
        .client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               axe.run(document, {
                   resultTypes: ['violations'],
                   rules: { 'label-content-name-mismatch': { enabled: true } },
               }).then(r => done(r.violations
                   .filter(v => v.impact === 'serious' || v.impact === 'critical')
                   .map(v => `${v.impact} ${v.id}: ${v.help} — ` +
                        v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(', '))),
                   e => done(['axe failed: ' + e]));"#,
            vec![],
        )
        .await
        .expect("axe runs");
    match result {
        Value::Array(items) => items
            .into_iter()
            .map(|v| v.as_str().unwrap_or("?").to_owned())
            .collect(),
        other => vec![format!("axe answered {other}")],
    }
}

pub async fn audit(h: &Harness, lang: &str) -> Figures {
    let axe = axe_source();
    let world = world::build(&h.server, &PlainText).await;
    let mut figures = Figures::default();
    // axe itself must report what it is here for: a control without a label and grey
    // text on white, put into a page behind the app's back.
    h.goto("/login").await;
    crate::pages::settle(h).await;
    // (Colours set through the DOM: the CSP drops inline style attributes.)
    h.js(r#"const main = document.querySelector('main');
            main.insertAdjacentHTML('afterbegin', '<input type="text"><p id="faint">faint</p>');
            const p = document.getElementById('faint');
            p.style.color = '#bbb'; p.style.background = '#fff';
            return true"#)
        .await;
    let probe = violations(h, &axe).await;
    figures.tried += 1;
    let ids = ["critical label", "serious color-contrast"];
    if ids.iter().all(|id| probe.iter().any(|v| v.starts_with(id))) {
        figures.passed += 1;
    } else {
        figures.failed += 1;
        figures
            .failures
            .push(format!("axe missed the planted violations: {probe:?}"));
    }
    let mut current = None;
    for visit in visits(&world) {
        sign_in_as(h, visit.account, &mut current).await;
        set_language(h, lang).await;
        let at = open(h, visit.page).await;
        let found = violations(h, &axe).await;
        figures.tried += 1;
        if found.is_empty() {
            figures.passed += 1;
        } else {
            figures.failed += 1;
            h.screenshot(&format!("a11y-{lang}{}", visit.page.path.replace('/', "_")))
                .await;
            figures
                .failures
                .extend(found.into_iter().map(|f| format!("{lang} {at}: {f}")));
        }
    }
    figures
}
