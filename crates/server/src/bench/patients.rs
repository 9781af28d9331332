//! The patient-list part of `bench inbox`: one doctor gets `--patients` patients (tags,
//! follow-up plans) and every client, signed in as that doctor, measures their patient
//! list: the first page, by next follow-up, searched by the phone's last 4 digits and by
//! name, and narrowed to a tag.

use std::time::Instant;

use super::{measure, report, DoctorClient, Options};
use crate::db::Sql;

/// The surnames and given-name characters of the seeded patients (search finds them).
const SURNAMES: [char; 20] = [
    '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭',
    '何', '高', '林', '罗',
];
const GIVEN: [char; 25] = [
    '伟', '芳', '娜', '秀', '英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟',
    '涛', '明', '超', '兰', '霞', '平', '刚', '桂', '华',
];

/// The n-th seeded patient's name: a surname and one given character, every third a
/// second one. In 50 000, "张伟" is part of 100 names; a whole name of three is 5 names.
fn patient_name(n: u64) -> String {
    let n = n as usize;
    let mut name = format!("{}{}", SURNAMES[n % 20], GIVEN[n / 20 % 25]);
    if n % 3 == 0 {
        name.push(GIVEN[n / 7 % 25]);
    }
    name
}

/// Doctor 1's patient list with `opts.patients` patients, at `opts.clients` clients all
/// signed in as doctor 1 (each its own session), so every request reads the big list.
pub(super) async fn patient_list(
    state: &crate::AppState,
    base: &str,
    opts: &Options,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let (tag, with_visit) = seed_patients(state, opts.patients).await?;
    println!(
        "seeded {} patients of doctor 1 ({with_visit} with an open follow-up visit) in {:.1} s",
        opts.patients,
        started.elapsed().as_secs_f64()
    );
    let mut doctors = Vec::new();
    for _ in 0..opts.clients {
        doctors.push(DoctorClient::sign_in(base, 1).await?);
    }
    let doctors: &'static [DoctorClient] = doctors.leak();
    let total = opts.patients;

    let first = measure(opts.clients, opts.seconds, doctors, |d, _| async move {
        d.get("/api/v1/patients").await
    })
    .await;
    report(
        &format!("patient list (GET /patients, 30 of {total})"),
        opts.clients,
        &first,
    );

    let by_visit = measure(opts.clients, opts.seconds, doctors, |d, _| async move {
        d.get("/api/v1/patients?sort=next_follow_up").await
    })
    .await;
    report(
        "patient list by next follow-up (sort=next_follow_up)",
        opts.clients,
        &by_visit,
    );

    let phone = measure(opts.clients, opts.seconds, doctors, |d, n| async move {
        d.get(&format!("/api/v1/patients?q={:04}", n % 10_000))
            .await
    })
    .await;
    report(
        "patient search, phone's last 4 digits (q=0000…9999)",
        opts.clients,
        &phone,
    );

    let part = measure(opts.clients, opts.seconds, doctors, |d, n| async move {
        let part = format!("{}{}", SURNAMES[n % 20], GIVEN[n / 20 % 25]);
        d.get(&format!("/api/v1/patients?q={part}")).await
    })
    .await;
    report(
        "patient search, part of a name (q=张伟 …, 100 matches, found by their pair)",
        opts.clients,
        &part,
    );
    let surname = measure(opts.clients, opts.seconds, doctors, |d, n| async move {
        d.get(&format!("/api/v1/patients?q={}", SURNAMES[n % 20]))
            .await
    })
    .await;
    report(
        "patient search, one character (q=张 …, 2 500 matches, checked in the list's order like a tag)",
        opts.clients,
        &surname,
    );
    let whole = measure(
        opts.clients,
        opts.seconds,
        doctors,
        move |d, n| async move {
            let name = patient_name(n as u64 % (total / 3).max(1) * 3);
            d.get(&format!("/api/v1/patients?q={name}")).await
        },
    )
    .await;
    report(
        "patient search, a whole name (q=王伟伟 …, 5 matches of 100 with its first pair)",
        opts.clients,
        &whole,
    );

    let tagged = measure(
        opts.clients,
        opts.seconds,
        doctors,
        move |d, _| async move { d.get(&format!("/api/v1/patients?tag={tag}")).await },
    )
    .await;
    report(
        &format!("patient list of one tag (tag=…, {} patients)", total / 10),
        opts.clients,
        &tagged,
    );
    Ok(())
}

/// `count` patients of doctor 1, written by SQL in bulk like `seed`: realistic names
/// (`patient_name`), phones `1651…`, a consultation time apiece;
/// four tags (on every 10th, 3rd, 7th and 50th patient); a follow-up plan for every 5th
/// patient with three visits from 20 days ago to 3 months ahead, the earlier ones done or
/// missed, some reminded. Doctor-patient rows are written straight, not through
/// consultations, so the inbox's own figures keep their data. The first tag's id and how
/// many patients have an open visit.
async fn seed_patients(state: &crate::AppState, count: u64) -> anyhow::Result<(i64, i64)> {
    let now = state.clock.unix();
    let today = crate::onboarding::today(state);
    let db = &state.db;
    let mut tx = db.begin().await?;
    let first_patient: i64 =
        crate::db::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM patients")
            .fetch_one(&mut *tx)
            .await?;
    // In statements of 1 000 rows (well inside either store's limit on arguments).
    for first in (0..count).step_by(1000) {
        let mut sql =
            Sql::new("INSERT INTO patients (phone, name, sex, birth_date, created_at) VALUES ");
        for key in first..count.min(first + 1000) {
            sql.push(if key == first { "(" } else { ", (" })
                .push_bind(format!("1651{key:07}"))
                .push(", ")
                .push_bind(patient_name(key))
                .push(", ")
                .push_bind(if key % 2 == 0 { "female" } else { "male" })
                .push(", ")
                .push_bind(format!(
                    "{}-{:02}-{:02}",
                    1940 + key % 66,
                    key % 12 + 1,
                    key % 28 + 1
                ))
                .push(", ")
                .push_bind(now)
                .push(")");
        }
        sql.query().execute(&mut *tx).await?;
    }
    // Became mine over the last three years; the last consultation in the last half year
    // (or when they became mine, if later).
    crate::db::query(
        "INSERT INTO doctor_patients (doctor_id, patient_id, since, last_consultation_at)
         SELECT 1, id, ?2 - (id * 7919) % 94608000,
                CASE WHEN (id * 7919) % 94608000 < (id * 104729) % 15552000
                     THEN ?2 - (id * 7919) % 94608000 ELSE ?2 - (id * 104729) % 15552000 END
         FROM patients WHERE id >= ?1 ON CONFLICT DO NOTHING",
    )
    .bind(first_patient)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let mut tag_ids = Vec::new();
    for (name, color) in [
        ("高血压", "red"),
        ("2 型糖尿病", "blue"),
        ("随访中", "green"),
        ("重点关注", "orange"),
    ] {
        let id: i64 = crate::db::query_scalar(
            "INSERT INTO tags (doctor_id, name, color, created_at) VALUES (1, ?, ?, ?)
             RETURNING id",
        )
        .bind(name)
        .bind(color)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        tag_ids.push(id);
    }
    for (tag_id, every) in tag_ids.iter().zip([10, 3, 7, 50]) {
        crate::db::query(
            "INSERT INTO patient_tags (tag_id, doctor_id, patient_id)
             SELECT ?, 1, id FROM patients WHERE id >= ? AND (id - ?) % ? = 0",
        )
        .bind(tag_id)
        .bind(first_patient)
        .bind(first_patient)
        .bind(every)
        .execute(&mut *tx)
        .await?;
    }
    crate::db::query(
        "INSERT INTO follow_up_plans (doctor_id, patient_id, name, created_at)
         SELECT 1, id, '高血压', ?2 FROM patients WHERE id >= ?1 AND (id - ?1) % 5 = 0",
    )
    .bind(first_patient)
    .bind(now - 30 * 86_400)
    .execute(&mut *tx)
    .await?;
    // Visit k (0, 1, 2) of plan p is due (p % 30) - 20 + 40 k days from today: the first
    // is done or missed when 7 days or more overdue (as the sweep would have it), else
    // still open; the later ones open, every 4th plan's reminded.
    let plans: Vec<(i64, i64)> =
        crate::db::query_as("SELECT id, patient_id FROM follow_up_plans WHERE doctor_id = 1")
            .fetch_all(&mut *tx)
            .await?;
    for chunk in plans.chunks(300) {
        let mut sql = Sql::new(
            "INSERT INTO follow_ups (plan_id, doctor_id, patient_id, due_on, message, state,
               reminded_at, reminder_count, finished_at) VALUES ",
        );
        for (n, (plan, patient)) in chunk.iter().enumerate() {
            for k in 0..3i64 {
                let offset = plan % 30 - 20;
                let due = today + chrono::Duration::days(offset + 40 * k);
                let reminded = k > 0 && plan % 4 == 0;
                let state = match (k, offset <= -7) {
                    (0, true) if plan % 2 == 0 => "done",
                    (0, true) => "missed",
                    _ if reminded => "reminded",
                    _ => "planned",
                };
                sql.push(if n == 0 && k == 0 { "(" } else { ", (" })
                    .push_bind(*plan)
                    .push(", 1, ")
                    .push_bind(*patient)
                    .push(", ")
                    .push_bind(due)
                    .push(", '请按时复诊：带上近期家庭血压记录。', ")
                    .push_bind(state)
                    .push(", ")
                    .push_bind(reminded.then_some(now))
                    .push(", ")
                    .push_bind(i64::from(reminded))
                    .push(", ")
                    .push_bind((k == 0 && offset <= -7).then_some(now))
                    .push(")");
            }
        }
        sql.query().execute(&mut *tx).await?;
    }
    let with_visit: i64 = crate::db::query_scalar(
        "SELECT COUNT(*) FROM doctor_patients WHERE doctor_id = 1 AND next_follow_up IS NOT NULL",
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    crate::db::query("ANALYZE").execute(db).await?;
    Ok((tag_ids[0], with_visit))
}
