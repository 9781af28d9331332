//! XSS in a real browser: the corpus is stored through the API in every free-text field
//! (see world.rs), then every page that shows those texts is opened in headless Chromium.
//! A page fails when a payload ran (`window.__xss` set), when any element carries an
//! event-handler attribute (the app itself never renders one: Leptos binds listeners in
//! code), a `javascript:`/`vbscript:`/`data:text/html` URL, a script, frame or object that
//! is not the app's own, or when it shows none of the texts it is meant to show (a check
//! that never saw the payloads proves nothing).

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::pages::{open, sign_in_as, visits};
use crate::payloads;
use crate::support::Harness;
use crate::world::{self, Texts, Who};
use crate::Figures;

/// Hands out the corpus: each field starts where the last one stopped, so short fields
/// between them get different payloads and the long ones (messages, notes, post bodies)
/// get the whole corpus.
pub struct Payloads {
    next: AtomicUsize,
}

impl Texts for Payloads {
    fn texts(&self, _field: &str, max: usize, max_len: usize) -> Vec<String> {
        let fitting = payloads::fitting(max_len);
        if fitting.is_empty() {
            // Too short for markup: still try the characters that break out of attributes.
            return vec!["\"'><".chars().take(max_len).collect()];
        }
        let start = self
            .next
            .fetch_add(max.min(fitting.len()), Ordering::Relaxed);
        (0..max.min(fitting.len()))
            .map(|i| fitting[(start + i) % fitting.len()].clone())
            .collect()
    }
}

/// What the page check reports: what ran or was injected, and how many of the given
/// texts the page shows as text.
const CHECK: &str = r#"
const texts = arguments[0];
const ownScripts = arguments[1];
const bad = [];
if (window.__xss !== undefined) bad.push('payload ran: ' + window.__xss);
const urlAttrs = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background'];
for (const el of document.querySelectorAll('*')) {
  for (const a of el.attributes) {
    const name = a.name.toLowerCase();
    const value = a.value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
    if (name.startsWith('on')) bad.push(`<${el.tagName.toLowerCase()}> has ${name}="${a.value.slice(0, 60)}"`);
    if (urlAttrs.includes(name) && /^(javascript|vbscript|data:text\/html)/.test(value))
      bad.push(`<${el.tagName.toLowerCase()}> has ${name}="${a.value.slice(0, 60)}"`);
    if (name === 'srcdoc') bad.push(`<${el.tagName.toLowerCase()}> has srcdoc`);
    if (name === 'style' && /(javascript:|expression\()/.test(value))
      bad.push(`<${el.tagName.toLowerCase()}> has style="${a.value.slice(0, 60)}"`);
  }
  const tag = el.tagName.toLowerCase();
  if (['iframe', 'object', 'embed', 'frame', 'frameset', 'base', 'applet'].includes(tag))
    bad.push(`a <${tag}> element`);
  if (tag === 'meta' && el.getAttribute('http-equiv')) bad.push('a <meta http-equiv>');
  if (tag === 'script') {
    const src = el.getAttribute('src') || '';
    const own = src ? src.startsWith('/') && !src.startsWith('//') : ownScripts.includes(el.textContent);
    if (!own) bad.push(`a <script> not the app's: ${el.outerHTML.slice(0, 60)}`);
  }
}
// Lists show the start of a long text: the first characters are enough.
const squash = t => t.replace(/\s+/g, ' ').trim();
const shown = squash(document.body.innerText);
const seen = texts.filter(t => shown.includes(squash(t).slice(0, 8))).length;
return { bad, seen };
"#;

/// One page of the world, opened and checked; the failures found.
async fn check_page(
    h: &Harness,
    own: &[String],
    texts: &[String],
    page: &world::Page,
) -> Vec<String> {
    let at = open(h, page).await;
    let mut failures = Vec::new();
    if page.who != Who::SignedOut && at.starts_with("/login") {
        failures.push(format!("{}: sent to sign in ({at})", page.path));
        return failures;
    }
    let result = h
        .client
        .execute(
            CHECK,
            vec![serde_json::json!(texts), serde_json::json!(own)],
        )
        .await
        .expect("the check runs");
    for bad in result["bad"].as_array().into_iter().flatten() {
        failures.push(format!("{}: {}", page.path, bad.as_str().unwrap_or("?")));
    }
    if !texts.is_empty() && result["seen"].as_u64() == Some(0) {
        failures.push(format!(
            "{}: shows none of the {} stored texts of {:?}",
            page.path,
            texts.len(),
            page.shows
        ));
    }
    if !failures.is_empty() {
        h.screenshot(&format!("xss{}", page.path.replace('/', "_")))
            .await;
    }
    failures
}

/// The check itself must see markup that got in: a page with a payload inserted as HTML
/// behind the app's back is reported.
async fn check_catches_an_injection(h: &Harness, own: &[String]) -> Result<(), String> {
    h.goto("/login").await;
    crate::pages::settle(h).await;
    h.js(r#"document.body.insertAdjacentHTML('beforeend',
            '<img src=x onerror="1"><a href="javascript:1">x</a><iframe></iframe>'); return true"#)
        .await;
    let result = h
        .client
        .execute(CHECK, vec![serde_json::json!([]), serde_json::json!(own)])
        .await
        .expect("the check runs");
    let found = result["bad"].as_array().map(Vec::len).unwrap_or(0);
    if found >= 3 {
        Ok(())
    } else {
        Err(format!(
            "the check saw {found} of 3 injected dangers: {result}"
        ))
    }
}

/// The inline scripts of the page the server serves (its loader, allowed by the CSP's
/// hashes): the only inline scripts a page may hold.
async fn own_inline_scripts(h: &Harness) -> Vec<String> {
    let html = reqwest::get(format!("{}/login", h.server.url()))
        .await
        .and_then(|r| r.error_for_status())
        .expect("the app's page")
        .text()
        .await
        .expect("its text");
    html.split("<script")
        .skip(1)
        .filter_map(|rest| {
            let body = &rest[rest.find('>')? + 1..];
            Some(body[..body.find("</script>")?].to_owned())
        })
        .filter(|body| !body.is_empty())
        .collect()
}

/// The texts a page is meant to show: what the API accepted for the fields it shows.
fn texts_for(world: &world::World, page: &world::Page) -> Vec<String> {
    world
        .stored
        .iter()
        .filter(|(field, _)| page.shows.iter().any(|f| field == f))
        .map(|(_, text)| text.clone())
        .collect()
}

pub async fn audit(h: &Harness, who: &[Who]) -> Figures {
    let source = Payloads {
        next: AtomicUsize::new(0),
    };
    let world = world::build(&h.server, &source).await;
    let mut figures = Figures::default();
    // An incomplete world would leave pages empty and the check proving nothing.
    let mut failures: Vec<String> = world::problems(&h.server, &world)
        .await
        .into_iter()
        .map(|p| format!("world: {p}"))
        .collect();
    figures.tried += 1;
    if failures.is_empty() {
        figures.passed += 1;
    } else {
        figures.failed += 1;
    }
    // Storing: a refusal is a fine answer; a 5xx is a failure.
    figures.tried += world.stored.len() as u64;
    figures.passed += world.stored.len() as u64;
    for (field, text, status) in &world.refused {
        figures.tried += 1;
        if *status >= 500 {
            figures.failed += 1;
            failures.push(format!("storing {field} = {text:?} answered {status}"));
        } else {
            figures.passed += 1;
        }
    }
    let corpus = payloads::all();
    let stored_payloads = corpus
        .iter()
        .filter(|p| world.stored.iter().any(|(_, t)| t.contains(p.as_str())))
        .count();
    println!(
        "xss: {} of {} payloads stored somewhere, {} texts stored, {} refused",
        stored_payloads,
        corpus.len(),
        world.stored.len(),
        world.refused.len()
    );
    let own = own_inline_scripts(h).await;
    figures.tried += 1;
    match check_catches_an_injection(h, &own).await {
        Ok(()) => figures.passed += 1,
        Err(e) => {
            figures.failed += 1;
            failures.push(e);
        }
    }
    let mut current = None;
    for visit in visits(&world)
        .into_iter()
        .filter(|v| who.contains(&v.page.who))
    {
        sign_in_as(h, visit.account, &mut current).await;
        let found = check_page(h, &own, &texts_for(&world, visit.page), visit.page).await;
        figures.tried += 1;
        if found.is_empty() {
            figures.passed += 1;
        } else {
            figures.failed += 1;
            failures.extend(found);
        }
    }
    figures.failures = failures;
    figures
}
