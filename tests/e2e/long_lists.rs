//! Long lists: ten thousand closed consultations (and so patients) written straight into
//! the database, the inbox scrolled through them; the fixture serves the patient list's
//! test too.

use super::*;

/// Fixture: `rows` closed consultations of the doctor, one new patient each (so each is
/// the doctor's patient), written by SQL: number n (0-based, complaint "第 n+1 位：…",
/// phone `{prefix}` + n in 7 digits) a minute older than number n - 1. (SQL both stores
/// read alike.)
pub async fn seed_closed_consultations(h: &Harness, doctor_id: i64, rows: i64, prefix: &str) {
    let db = &h.server.state.db;
    let now = chrono::Utc::now().timestamp();
    doctor_desk_server::db::query(
        "WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < ?1)
         INSERT INTO patients (phone, name, sex, birth_date, created_at)
         SELECT ?3 || substr(CAST(10000000 + n AS TEXT), 2), '患者' || n, 'female', '1970-01-01', ?2 FROM seq",
    )
    .bind(rows)
    .bind(now)
    .bind(prefix)
    .execute(db)
    .await
    .expect("patients");
    doctor_desk_server::db::query(
        "WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < ?1)
         INSERT INTO consultations (doctor_id, patient_id, status, complaint, prior_hospital,
           prior_diagnosis, prior_visited_on, price_fen, created_at, accepted_at, deadline_at,
           close_reason, follow_ups_left, last_activity_at, closed_at)
         SELECT ?2, p.id, 'closed', '第 ' || (n + 1) || ' 位：血压复查', '医院', '高血压',
                '2026-09-01', 0, ?3 - n * 60, ?3 - n * 60, NULL, 'advice', 0, ?3 - n * 60,
                ?3 - n * 60
         FROM seq JOIN patients p ON p.phone = ?4 || substr(CAST(10000000 + n AS TEXT), 2)",
    )
    .bind(rows)
    .bind(doctor_id)
    .bind(now)
    .bind(prefix)
    .execute(db)
    .await
    .expect("consultations");
}

/// Ten thousand consultations: only the rows near the screen are in the page, the next
/// pages load as the doctor scrolls, and screen readers still hear "n of 10000".
pub async fn inbox_scrolls_ten_thousand(h: &Harness) {
    const ROWS: i64 = 10_000;
    let phone = unique_phone();
    sign_up(h, &phone).await;
    let doctor_id = h.account_id(&phone).await;
    seed_closed_consultations(h, doctor_id, ROWS, "1660").await;

    h.goto("/inbox").await;
    h.click("tab-closed").await;
    h.wait_text("count-closed", "10000").await;
    h.wait_until(
        "the newest row first",
        "const row = document.querySelector(\"[data-testid='consultation-row']\");
         return !!row && row.innerText.includes('第 1 位')",
    )
    .await;
    // What is in the DOM: how many rows, the first and last place, and the set size.
    let window =
        "const rows = [...document.querySelectorAll(\"[data-testid='consultation-row']\")];
        const at = rows.map(r => Number(r.getAttribute('aria-posinset')));
        return { count: rows.length, first: at[0], last: at[at.length - 1],
                 contiguous: at.every((p, i) => i === 0 || p === at[i - 1] + 1),
                 size: rows[0] && rows[0].getAttribute('aria-setsize') }";
    let shown = h.js(window).await;
    assert_eq!(shown["size"], "10000", "{shown}");
    assert!(shown["count"].as_u64().unwrap() <= 30, "{shown}");

    // Scrolling down loads page after page; the DOM stays small.
    let mut last = shown["last"].as_u64().unwrap();
    for _ in 0..6 {
        h.js("window.scrollTo(0, document.documentElement.scrollHeight); return true")
            .await;
        h.wait_until(
            "rows further down",
            &format!(
                "const at = [...document.querySelectorAll(\"[data-testid='consultation-row']\")]
                    .map(r => Number(r.getAttribute('aria-posinset')));
                 return Math.max(...at) > {last}"
            ),
        )
        .await;
        let shown = h.js(window).await;
        last = shown["last"].as_u64().unwrap();
        assert!(shown["count"].as_u64().unwrap() <= 30, "{shown}");
        assert_eq!(shown["contiguous"], true, "{shown}");
    }
    assert!(last > 150, "six scrolls reach row {last}");
    let far = h.js(window).await;
    assert!(far["first"].as_u64().unwrap() > 100, "{far}");
    // Each row shows its own consultation (newest first: place k is the k-th).
    h.wait_until(
        "the last row rendered is the right one",
        &format!(
            "const row = document.querySelector(\"[aria-posinset='{last}']\");
             return !!row && row.innerText.includes('第 {last} 位')"
        ),
    )
    .await;
    check_tap_targets(h).await;

    // Back to the top: the first rows again.
    h.js("window.scrollTo(0, 0); return true").await;
    h.wait_until(
        "the first row again",
        "const first = document.querySelector(\"[data-testid='consultation-row']\");
         return first && first.getAttribute('aria-posinset') === '1'",
    )
    .await;

    // Side by side, one consultation after another: each row opens its own.
    if h.viewport == Viewport::Desktop {
        for place in 1..=3 {
            super::patients::open_row(
                h,
                &format!("[data-testid='consultation-row'][aria-posinset='{place}']"),
            )
            .await;
            h.wait_contains("consultation-request", &format!("第 {place} 位"))
                .await;
        }
    }
}
