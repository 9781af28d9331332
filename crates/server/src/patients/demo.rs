//! Demo tags, notes and clinical facts for `cargo xtask run`, on the demo doctor's own
//! patients (those of the demo consultations they accepted). Deterministic: who gets what
//! follows the patients' order. Written straight to the database (fixtures, not actions,
//! so they have no audit entries), like the demo consultations.

use doctor_desk_api::patients::TagColor;

use crate::state::AppState;

const HOUR: i64 = 3600;

const TAGS: [(&str, TagColor); 4] = [
    ("高血压", TagColor::Red),
    ("2 型糖尿病", TagColor::Blue),
    ("随访中", TagColor::Green),
    ("重点关注", TagColor::Orange),
];

/// Notes: which of the doctor's patients (in id order) and the texts in order (two texts:
/// edited once). The first patients have one each, then one now and then.
const NOTES: [(usize, &[&str]); 8] = [
    (
        0,
        &[
            "血压控制尚可，下次复诊请带家庭血压记录。",
            "血压控制尚可，已改为早晚各测一次；下次复诊请带家庭血压记录。",
        ],
    ),
    (1, &["有磺脲类药物低血糖史，调整降糖方案时需谨慎。"]),
    (2, &["希望减少复诊次数，病情稳定可改为三个月复诊一次。"]),
    (
        9,
        &[
            "子女在外地，复诊提醒请同时告知本人。",
            "子女在外地，复诊提醒请同时告知本人；本人不常看短信，必要时电话联系。",
        ],
    ),
    (16, &["对二甲双胍胃肠道反应明显，已换缓释片。"]),
    (27, &["甲状腺结节 TI-RADS 3 类，每年复查一次超声。"]),
    (
        38,
        &[
            "痛风急性期已过，尿酸目标 360 以下。",
            "痛风急性期已过，尿酸目标 360 以下；非布司他 20 mg 每日一次，戒酒。",
        ],
    ),
    (51, &["冠脉支架术后，双抗满一年后改为单用阿司匹林。"]),
];

pub async fn seed(state: &AppState, doctor_id: i64) -> anyhow::Result<()> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let mut tag_ids = Vec::new();
    for (name, color) in TAGS {
        let id: i64 = crate::db::query_scalar(
            "INSERT INTO tags (doctor_id, name, color, created_at) VALUES (?, ?, ?, ?)
             RETURNING id",
        )
        .bind(doctor_id)
        .bind(name)
        .bind(color.as_str())
        .bind(now - 30 * 24 * HOUR)
        .fetch_one(&mut *tx)
        .await?;
        tag_ids.push(id);
    }
    // Each patient and when they became mine.
    let patients: Vec<(i64, i64)> = crate::db::query_as(
        "SELECT patient_id, since FROM doctor_patients WHERE doctor_id = ? ORDER BY patient_id",
    )
    .bind(doctor_id)
    .fetch_all(&mut *tx)
    .await?;
    for (n, (patient_id, _)) in patients.iter().enumerate() {
        // 高血压 every third, 糖尿病 every second, 随访中 and 重点关注 now and then: most
        // patients carry one tag or more, some none.
        let carries = [n % 3 == 0, n % 2 == 0, n % 4 == 1, n % 5 == 2];
        for (tag_id, _) in tag_ids.iter().zip(carries).filter(|(_, on)| *on) {
            crate::db::query(
                "INSERT INTO patient_tags (tag_id, doctor_id, patient_id) VALUES (?, ?, ?)",
            )
            .bind(tag_id)
            .bind(doctor_id)
            .bind(patient_id)
            .execute(&mut *tx)
            .await?;
        }
        if n % 3 == 0 {
            crate::db::query(
                "UPDATE doctor_patients SET conditions = ?, allergies = ?
                 WHERE doctor_id = ? AND patient_id = ?",
            )
            .bind("高血压病史，规律服用氨氯地平 5 mg 每日一次")
            .bind(if n % 2 == 0 { "青霉素过敏" } else { "" })
            .bind(doctor_id)
            .bind(patient_id)
            .execute(&mut *tx)
            .await?;
        }
    }
    for (patient, texts) in NOTES {
        let Some((patient_id, since)) = patients.get(patient) else {
            continue;
        };
        // Soon after the patient became mine; an edit two hours later, before now.
        let created = (since + HOUR).min(now - 6 * HOUR);
        let written_at = |version: usize| created + 2 * HOUR * version as i64;
        let current = texts.len();
        let note_id: i64 = crate::db::query_scalar(
            "INSERT INTO patient_notes (doctor_id, patient_id, text, version, created_at,
               updated_at)
             VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(doctor_id)
        .bind(patient_id)
        .bind(texts[current - 1])
        .bind(current as i64)
        .bind(created)
        .bind(written_at(current - 1))
        .fetch_one(&mut *tx)
        .await?;
        for (k, text) in texts.iter().enumerate() {
            crate::db::query(
                "INSERT INTO note_versions (note_id, version, text, written_at, written_by)
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(note_id)
            .bind(k as i64 + 1)
            .bind(text)
            .bind(written_at(k))
            .bind(doctor_id)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
