//! What the restart run must show, read from the stopped server's database and the
//! clients' and streams' records.

use std::collections::{BTreeMap, BTreeSet};

use tokio::time::Instant;

use crate::{
    fixture::{Doctor, Patient},
    report::{some, Report},
    restart::Outcome,
    stream::Seen,
};

pub async fn check(
    report: &Report,
    database: &str,
    doctors: &[Doctor],
    patients: &[Patient],
    outcome: &Outcome,
    seen: &[Seen],
    (killed_at, settled_at): (Instant, Instant),
) {
    let db = crate::server::open(database).await;
    // SQLite's own file check (PostgreSQL's write-ahead log is its server's business).
    if let doctor_desk_server::db::Pool::Sqlite(_) = db {
        let integrity: Vec<String> = doctor_desk_server::db::query_scalar("PRAGMA integrity_check")
            .fetch_all(&db)
            .await
            .unwrap();
        report.check(
            "restart: PRAGMA integrity_check is ok after the kill",
            integrity == ["ok"],
            || integrity.join("; "),
        );
    }

    let before = outcome.acked.iter().filter(|a| a.at < killed_at).count();
    let after = outcome.acked.iter().filter(|a| a.at > settled_at).count();
    report.check(
        "restart: messages were acknowledged both before the kill and after the restart",
        before > 0 && after > 0,
        || format!("{before} before, {after} after"),
    );

    // client id → (id, consultation, text) of every stored patient message
    let rows: Vec<(i64, i64, Option<String>, Option<String>)> = doctor_desk_server::db::query_as(
        "SELECT id, consultation_id, client_id, text FROM messages WHERE sender = 'patient'",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    let mut stored: BTreeMap<String, Vec<(i64, i64, String)>> = BTreeMap::new();
    for (id, consultation, client_id, text) in rows {
        stored
            .entry(client_id.unwrap_or_default())
            .or_default()
            .push((id, consultation, text.unwrap_or_default()));
    }
    let wrong: Vec<String> = outcome
        .acked
        .iter()
        .filter(|a| {
            stored.get(&a.client_id).map(Vec::as_slice)
                != Some(&[(a.message_id, a.consultation, a.text.clone())][..])
        })
        .map(|a| format!("{} → {:?}", a.client_id, stored.get(&a.client_id)))
        .collect();
    report.check(
        &format!("restart: each of the {} acknowledged messages is stored exactly once, as sent and answered", outcome.acked.len()),
        wrong.is_empty(),
        || some(&wrong, 5),
    );
    let doubled: Vec<&String> = stored
        .iter()
        .filter(|(_, v)| v.len() > 1)
        .map(|(k, _)| k)
        .collect();
    report.check(
        "restart: no client id is stored twice",
        doubled.is_empty(),
        || some(&doubled, 5),
    );
    let sent: BTreeSet<&String> = outcome.sent.iter().collect();
    let ours: BTreeSet<i64> = patients.iter().map(|p| p.consultation).collect();
    let phantom: Vec<&String> = stored
        .iter()
        .filter(|(k, v)| v.iter().any(|(_, c, _)| ours.contains(c)) && !sent.contains(k))
        .map(|(k, _)| k)
        .collect();
    report.check(
        "restart: every stored patient message is one a client sent",
        phantom.is_empty(),
        || some(&phantom, 5),
    );
    let retried: Vec<_> = outcome.acked.iter().filter(|a| a.attempts > 1).collect();
    report.check(
        &format!(
            "restart: sends cut by the kill were retried with the same client id ({} of them)",
            retried.len()
        ),
        !retried.is_empty(),
        || "no send was retried: the kill cut nothing in flight".into(),
    );
    let replayed = retried.iter().filter(|a| a.replayed).count();
    println!("  restart: {replayed} retries found their message stored already (answer lost in the kill)");
    report.check(
        "restart: no answer was a 5xx (other than 503 with Retry-After) or another refusal",
        outcome.problems.is_empty(),
        || some(&outcome.problems, 5),
    );
    let stray: Vec<&String> = outcome
        .connection_errors
        .iter()
        .filter(|(at, _)| *at < killed_at || *at > settled_at)
        .map(|(_, e)| e)
        .collect();
    report.check(
        &format!(
            "restart: connection errors ({}) fell only in the restart",
            outcome.connection_errors.len()
        ),
        stray.is_empty(),
        || some(&stray, 3),
    );

    let doctor_of: BTreeMap<i64, usize> = patients
        .iter()
        .map(|p| (p.consultation, p.doctor))
        .collect();
    for (k, (d, s)) in doctors.iter().zip(seen).enumerate() {
        let events: Vec<i64> = doctor_desk_server::db::query_scalar(
            "SELECT id FROM inbox_events WHERE doctor_id = ? ORDER BY id",
        )
        .bind(d.id)
        .fetch_all(&db)
        .await
        .unwrap();
        let got: Vec<i64> = s.events.iter().map(|e| e.id).collect();
        report.check(
            &format!(
                "restart: doctor {k}'s stream saw each of their {} events once, in order",
                events.len()
            ),
            got == events && s.problems.is_empty(),
            || {
                let missing: Vec<_> = events.iter().filter(|e| !got.contains(e)).collect();
                format!(
                    "saw {} of {}; missing {}; problems {}",
                    got.len(),
                    events.len(),
                    some(&missing, 5),
                    some(&s.problems, 3)
                )
            },
        );
        let resumed = s
            .events
            .iter()
            .filter(|e| e.connection > 1 && e.kind == "message")
            .count();
        report.check(
            &format!(
                "restart: doctor {k}'s stream resumed after the restart ({} connections)",
                s.connections
            ),
            s.connections >= 2 && resumed > 0,
            || {
                format!(
                    "{} connections, {resumed} message events after the first",
                    s.connections
                )
            },
        );
        let delivered: BTreeSet<i64> = s.events.iter().filter_map(|e| e.message_id).collect();
        let unseen: Vec<&String> = outcome
            .acked
            .iter()
            .filter(|a| {
                doctor_of.get(&a.consultation) == Some(&k) && !delivered.contains(&a.message_id)
            })
            .map(|a| &a.client_id)
            .collect();
        report.check(
            &format!("restart: every acknowledged message reached doctor {k}'s stream"),
            unseen.is_empty(),
            || some(&unseen, 5),
        );
    }
    // Every stored event, whatever its id: all doctors' streams together saw exactly the
    // rows of the table, so nothing fell between them. (SQLite's ids have no holes;
    // PostgreSQL's sequence leaves some, so the rows themselves are the list.)
    let stored: Vec<i64> =
        doctor_desk_server::db::query_scalar("SELECT id FROM inbox_events ORDER BY id")
            .fetch_all(&db)
            .await
            .unwrap();
    let mut all: Vec<i64> = seen
        .iter()
        .flat_map(|s| s.events.iter().map(|e| e.id))
        .collect();
    all.sort_unstable();
    report.check(
        &format!(
            "restart: the streams together saw each of the {} stored events once",
            stored.len()
        ),
        all == stored,
        || {
            let unseen: Vec<i64> = stored
                .iter()
                .filter(|i| all.binary_search(i).is_err())
                .copied()
                .collect();
            format!(
                "{} stored; {} seen; not seen {}",
                stored.len(),
                all.len(),
                some(&unseen, 10)
            )
        },
    );
    db.close().await;
}
