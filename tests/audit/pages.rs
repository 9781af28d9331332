//! Walking the world's pages as a person would: signed in as whoever the page is for,
//! opened by its address, checked once it has settled (its data loaded, nothing moving).

use std::time::{Duration, Instant};

use crate::support::{Harness, WAIT};
use crate::world::{Page, Who, World};

/// One page to open, and whose account it is opened with (`None`: signed out).
pub struct Visit<'a> {
    pub page: &'a Page,
    pub account: Option<(&'a str, &'a str)>,
}

/// Every page of the world in the order they are walked: signed out, doctor A, doctor B
/// (the applicant), the reviewer; so each account signs in once.
pub fn visits(world: &World) -> Vec<Visit<'_>> {
    let of = |who: Who| {
        world
            .pages
            .iter()
            .filter(move |p| p.who == who)
            .map(move |page| Visit {
                page,
                account: world.credentials(who),
            })
    };
    let applicant = world.applicant_pages.iter().map(|page| Visit {
        page,
        account: Some((&world.applicant_phone, &world.applicant_password)),
    });
    // `AUDIT_PAGES=/patients,/follow-ups` walks only those (to look into one finding).
    let only: Vec<String> = std::env::var("AUDIT_PAGES")
        .map(|v| v.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    of(Who::SignedOut)
        .chain(of(Who::Doctor))
        .chain(applicant)
        .chain(of(Who::Reviewer))
        .filter(|v| only.is_empty() || only.iter().any(|o| v.page.path.starts_with(o.as_str())))
        .collect()
}

/// Signs the browser in through the sign-in form as `account` (or out), unless it
/// already is; `current` remembers who it is.
pub async fn sign_in_as(
    h: &Harness,
    account: Option<(&str, &str)>,
    current: &mut Option<Option<String>>,
) {
    let key = account.map(|(phone, _)| phone.to_owned());
    if current.as_ref() == Some(&key) {
        return;
    }
    // A fresh start: no session cookie, nothing the last person left in storage.
    h.goto("/login").await;
    let _ = h.client.delete_all_cookies().await;
    h.js("localStorage.clear(); sessionStorage.clear(); return true")
        .await;
    *current = Some(key);
    let Some((phone, password)) = account else {
        return;
    };
    h.goto("/login").await;
    h.fill("phone", phone).await;
    h.fill("password", password).await;
    h.click("login-submit").await;
    h.wait_until(
        "signed in",
        "return location.pathname !== '/login' && !document.querySelector('.page-loading')",
    )
    .await;
}

/// Sets the language the app starts in (it reads `dd_lang` from localStorage).
pub async fn set_language(h: &Harness, tag: &str) {
    h.js(&format!(
        "localStorage.setItem('dd_lang', '{tag}'); return true"
    ))
    .await;
}

/// Opens `page` and waits until it has settled: no loading placeholder, and the document
/// unchanged for half a second (polled; bounded by WAIT). Returns where it ended up.
pub async fn open(h: &Harness, page: &Page) -> String {
    h.goto(&page.path).await;
    settle(h).await;
    h.js("return location.pathname + location.search")
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

pub async fn settle(h: &Harness) {
    let deadline = Instant::now() + WAIT;
    let mut last = String::new();
    let mut steady = 0;
    loop {
        let now = h
            .js("return document.readyState === 'complete'
                    && !document.querySelector('.page-loading, [aria-busy=true]')
                 ? String(document.body.innerHTML.length) + ':' + document.title : ''")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if !now.is_empty() && now == last {
            steady += 1;
            if steady >= 5 {
                return;
            }
        } else {
            steady = 0;
        }
        last = now;
        assert!(
            Instant::now() < deadline,
            "the page did not settle within {WAIT:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
