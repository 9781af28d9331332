//! Demo consultations for `cargo xtask run`: a few dozen in every state, so the inbox has
//! something to show before `simulate` adds live traffic, and earlier ones ended with
//! advice weeks or months ago, so the doctor has about sixty patients of their own. Written
//! straight to the database (they are fixtures, not actions, so they have no events or
//! audit entries). Deterministic: the n-th demo patient always has the same name, complaint
//! and thread, at the same times before now.

use doctor_desk_api::inbox::{Advice, ACCEPT_DEADLINE_HOURS, REPLY_DEADLINE_HOURS};
use rand::{rngs::StdRng, seq::SliceRandom, Rng, SeedableRng};

use crate::{
    simulate::{COMPLAINTS, MESSAGES, RECORD_PNG},
    state::AppState,
};

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

/// Consultations ended with advice before the demo starts (besides the recent ones).
const EARLIER: i64 = 38;

const SURNAMES: [&str; 20] = [
    "张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "高", "罗",
];
/// Given names of women and of men, 17 each: with the 20 surnames, the first 340 demo
/// patients' names are all different.
const GIVEN: [[&str; 17]; 2] = [
    [
        "秀兰", "淑珍", "海燕", "丽华", "桂英", "文静", "玉梅", "春花", "红霞", "美玲", "凤英",
        "慧敏", "雪梅", "金凤", "佳怡", "淑华", "婷",
    ],
    [
        "建国", "志强", "国平", "晓东", "德明", "永强", "立新", "振华", "子轩", "宏伟", "鹏",
        "卫东", "俊杰", "海涛", "建华", "明", "晨阳",
    ],
];

/// The n-th demo patient: a woman when n is even, a man when odd.
fn sex(n: usize) -> &'static str {
    if n % 2 == 0 {
        "female"
    } else {
        "male"
    }
}

/// The n-th demo patient's name: a surname and a given name (of one or two characters)
/// that fits their sex.
fn name(n: usize) -> String {
    let given = GIVEN[n % 2];
    format!(
        "{}{}",
        SURNAMES[n % SURNAMES.len()],
        given[n / 2 % given.len()]
    )
}

/// The shape of one demo consultation.
enum Kind {
    New {
        asked: bool,
    },
    Ongoing {
        unread: i64,
    },
    /// Ended with advice: today (`days_ago` 0), or earlier.
    Closed {
        follow_ups_left: i64,
        days_ago: i64,
    },
    Declined(&'static str),
    Expired(&'static str),
}

pub async fn seed(state: &AppState, doctor_id: i64) -> anyhow::Result<()> {
    let now = state.clock.unix();
    let mut kinds = Vec::new();
    kinds.extend((0..8).map(|n| Kind::New { asked: n % 4 == 0 }));
    kinds.extend((0..10).map(|n| Kind::Ongoing { unread: n % 3 }));
    kinds.extend((0..10).map(|n| Kind::Closed {
        follow_ups_left: n % 3,
        days_ago: 0,
    }));
    kinds.extend(
        [
            "first_visit",
            "out_of_scope",
            "needs_offline_visit",
            "other",
        ]
        .map(Kind::Declined),
    );
    kinds.extend(["not_accepted", "no_reply", "not_accepted", "no_reply"].map(Kind::Expired));
    // From 2 days to about 5 months ago, in no particular order; their follow-up
    // questions used up.
    kinds.extend((0..EARLIER).map(|k| Kind::Closed {
        follow_ups_left: 0,
        days_ago: 2 + (k * 37) % 150,
    }));

    let mut tx = state.db.begin().await?;
    for (n, kind) in kinds.into_iter().enumerate() {
        let mut rng = StdRng::seed_from_u64(n as u64);
        let patient_id: i64 = crate::db::query_scalar(
            "INSERT INTO patients (phone, name, sex, birth_date, created_at)
             VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(format!("1650000{n:04}"))
        .bind(name(n))
        .bind(sex(n))
        .bind(format!(
            "{}-0{}-1{}",
            1945 + (n * 7) % 55,
            1 + n % 9,
            n % 10
        ))
        .bind(now - 30 * 24 * HOUR)
        .fetch_one(&mut *tx)
        .await?;
        let file_id = format!("demo-record-{n:03}");
        state.files.put_bytes(&file_id, RECORD_PNG).await?;
        crate::db::query(
            "INSERT INTO patient_files (id, patient_id, content_type, size, sha256, created_at)
             VALUES (?, ?, 'image/png', ?, '', ?)",
        )
        .bind(&file_id)
        .bind(patient_id)
        .bind(RECORD_PNG.len() as i64)
        .bind(now)
        .execute(&mut *tx)
        .await?;

        let (complaint, diagnosis, department) = *COMPLAINTS.choose(&mut rng).unwrap();
        let created = match kind {
            Kind::Closed { days_ago, .. } if days_ago > 0 => {
                now - days_ago * DAY - rng.gen_range(1..10) * HOUR
            }
            _ => now - rng.gen_range(1..20) * HOUR - (n as i64) * 600,
        };
        let accepted = created + HOUR;
        let (
            status,
            accepted_at,
            closed_at,
            deadline,
            close_reason,
            decline,
            advice,
            follow_ups,
            unread,
        ) = match &kind {
            Kind::New { .. } => (
                "new",
                None,
                None,
                Some(created + ACCEPT_DEADLINE_HOURS * HOUR),
                None,
                None,
                None,
                0,
                1,
            ),
            Kind::Ongoing { unread } => (
                "ongoing",
                Some(accepted),
                None,
                Some(now + REPLY_DEADLINE_HOURS * HOUR - 5 * HOUR),
                None,
                None,
                None,
                0,
                *unread,
            ),
            Kind::Closed {
                follow_ups_left, ..
            } => {
                let advice = Advice {
                    assessment: format!("{diagnosis}，目前控制尚可"),
                    advice: "按原方案继续用药，规律作息，清淡饮食".into(),
                    offline_visit: n % 2 == 0,
                    department: if n % 2 == 0 {
                        department.into()
                    } else {
                        String::new()
                    },
                    follow_up: "一个月后复诊".into(),
                };
                (
                    "closed",
                    Some(accepted),
                    Some(accepted + 3 * HOUR),
                    None,
                    Some("advice"),
                    None,
                    Some(serde_json::to_string(&advice)?),
                    *follow_ups_left,
                    0,
                )
            }
            Kind::Declined(reason) => (
                "declined",
                None,
                Some(created + 2 * HOUR),
                None,
                None,
                Some(*reason),
                None,
                0,
                0,
            ),
            Kind::Expired(reason) => (
                "closed",
                (*reason == "no_reply").then_some(accepted),
                Some(created + 48 * HOUR),
                None,
                Some(*reason),
                None,
                None,
                0,
                0,
            ),
        };
        let refunded = matches!(kind, Kind::Declined(_) | Kind::Expired(_));
        let id: i64 = crate::db::query_scalar(
            "INSERT INTO consultations (doctor_id, patient_id, status, complaint, prior_hospital,
               prior_diagnosis, prior_visited_on, price_fen, created_at, accepted_at, closed_at,
               deadline_at, close_reason, decline_reason, decline_text, refunded, advice,
               follow_ups_left, last_activity_at, doctor_unread)
             VALUES (?, ?, ?, ?, '杭州市第一人民医院', ?, '2026-09-15', 3000, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             RETURNING id",
        )
        .bind(doctor_id)
        .bind(patient_id)
        .bind(status)
        .bind(complaint)
        .bind(diagnosis)
        .bind(created)
        .bind(accepted_at)
        .bind(closed_at)
        .bind(deadline)
        .bind(close_reason)
        .bind(decline)
        .bind(decline.map(|r| if r == "other" { "本院暂无该项检查条件" } else { "" }))
        .bind(refunded)
        .bind(advice)
        .bind(follow_ups)
        .bind(closed_at.unwrap_or(created + 2 * HOUR).min(now))
        .bind(unread)
        .fetch_one(&mut *tx)
        .await?;
        crate::db::query(
            "INSERT INTO consultation_files (consultation_id, file_id, kind, position)
             VALUES (?, ?, 'outpatient_record', 0)",
        )
        .bind(id)
        .bind(&file_id)
        .execute(&mut *tx)
        .await?;
        // A short thread: the notes and a few messages in turn.
        let mut lines: Vec<(&str, String, i64)> = Vec::new();
        if let Kind::New { asked: true } = kind {
            lines.push(("doctor", "请补充最近一次的化验结果".into(), created + 600));
            lines.push(("patient", "好的，我上传一下".into(), created + 1200));
        }
        if accepted_at.is_some() {
            lines.push(("system", "accepted".into(), accepted));
            for k in 0..rng.gen_range(2..6) {
                let sender = if k % 2 == 0 { "patient" } else { "doctor" };
                let text = if sender == "patient" {
                    MESSAGES.choose(&mut rng).unwrap().to_string()
                } else {
                    "收到，请继续按时服药并记录".to_string()
                };
                lines.push((sender, text, accepted + 600 * (k + 1)));
            }
        }
        if let Some(reason) = close_reason.or(decline.map(|_| "declined")) {
            let note = if reason == "advice" { "closed" } else { reason };
            lines.push(("system", note.into(), closed_at.unwrap_or(now)));
        }
        for (k, (sender, text, at)) in lines.into_iter().enumerate() {
            crate::db::query(
                "INSERT INTO messages (consultation_id, sender, client_id, text, created_at)
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(id)
            .bind(sender)
            .bind((sender != "system").then(|| format!("demo-{id}-{k:04}")))
            .bind(text)
            .bind(at.min(now))
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_names_are_all_different_and_mask_to_their_surname() {
        let names: Vec<String> = (0..340).map(name).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
        for (n, name) in names.iter().enumerate() {
            let masked = doctor_desk_api::inbox::mask_name(name);
            assert!(masked.starts_with(SURNAMES[n % SURNAMES.len()]), "{masked}");
            assert_eq!(masked.chars().count(), name.chars().count());
            assert!(masked.chars().skip(1).all(|c| c == '*'), "{masked}");
        }
    }
}
