//! Demo follow-up plans for `cargo xtask run`, on about a quarter of the demo doctor's
//! patients: visits due today, overdue (some reminded already), upcoming, done and missed,
//! and one plan with every visit finished, all relative to the clock's today, so the lists
//! look the same whichever day the demo starts. Nothing is overdue by 7 days or more, so
//! the sweep has nothing to miss. Written straight to the database (fixtures, not actions:
//! no audit entries, no SMS).

use chrono::{Duration, FixedOffset, NaiveDate};

use crate::{onboarding::today, state::AppState};

/// One visit: days from today, and what became of it.
#[derive(Clone, Copy)]
enum Visit {
    Planned(i64),
    Reminded(i64),
    Done(i64, &'static str),
    Missed(i64),
}

struct Plan {
    /// Which of the doctor's patients, in id order.
    patient: usize,
    name: &'static str,
    /// A built-in template's name, or none (made by hand).
    template: Option<&'static str>,
    message: &'static str,
    visits: &'static [Visit],
}

const HYPERTENSION: &str =
    "请按时复诊：带上近期家庭血压记录（早晚各一次），并告知用药情况和有无头晕等不适。";
const DIABETES: &str =
    "请按时复诊：复查空腹血糖和糖化血红蛋白，带上近期血糖记录，并告知有无低血糖。";
const SURGERY: &str = "请按时术后复查：带上出院小结，如伤口红肿、发热或疼痛加重请及时线下就诊。";
const THYROID: &str = "请空腹抽血复查甲状腺功能（FT3、FT4、TSH），带上上次的化验单。";

/// The first four on patients of the last hours, the one made today on one too; the
/// others on patients who became the doctor's weeks or months ago (see the inbox demo),
/// each before its plan was made.
const PLANS: [Plan; 16] = [
    Plan {
        patient: 0,
        name: "高血压",
        template: Some("高血压"),
        message: HYPERTENSION,
        visits: &[Visit::Planned(0), Visit::Planned(28), Visit::Planned(56)],
    },
    Plan {
        patient: 1,
        name: "2 型糖尿病",
        template: Some("2 型糖尿病"),
        message: DIABETES,
        visits: &[Visit::Reminded(-3), Visit::Planned(81)],
    },
    Plan {
        patient: 2,
        name: "术后复查",
        template: None,
        message: SURGERY,
        visits: &[
            Visit::Done(-40, "伤口愈合良好，无红肿渗出，继续观察。"),
            Visit::Missed(-10),
            Visit::Planned(20),
        ],
    },
    Plan {
        patient: 3,
        name: "甲状腺功能复查",
        template: None,
        message: THYROID,
        visits: &[Visit::Planned(-1), Visit::Planned(0), Visit::Planned(90)],
    },
    Plan {
        patient: 24,
        name: "高血压",
        template: Some("高血压"),
        message: HYPERTENSION,
        visits: &[
            Visit::Done(-28, "血压 128/80，继续氨氯地平 5 mg。"),
            Visit::Planned(0),
            Visit::Planned(28),
        ],
    },
    Plan {
        patient: 26,
        name: "2 型糖尿病",
        template: Some("2 型糖尿病"),
        message: DIABETES,
        visits: &[
            Visit::Done(-84, "糖化血红蛋白 7.2%，二甲双胍加量至 1 g 每日两次。"),
            Visit::Reminded(-1),
            Visit::Planned(83),
        ],
    },
    Plan {
        patient: 12,
        name: "术后复查",
        template: Some("术后复查"),
        message: SURGERY,
        visits: &[Visit::Planned(30), Visit::Planned(60), Visit::Planned(90)],
    },
    Plan {
        patient: 28,
        name: "高血压",
        template: Some("高血压"),
        message: HYPERTENSION,
        visits: &[Visit::Missed(-30), Visit::Planned(-2), Visit::Planned(26)],
    },
    Plan {
        patient: 30,
        name: "甲状腺功能复查",
        template: None,
        message: THYROID,
        visits: &[
            Visit::Done(-90, "TSH 3.1，左甲状腺素维持 50 μg。"),
            Visit::Planned(1),
        ],
    },
    Plan {
        patient: 31,
        name: "2 型糖尿病",
        template: Some("2 型糖尿病"),
        message: DIABETES,
        visits: &[Visit::Reminded(0), Visit::Planned(84)],
    },
    Plan {
        patient: 33,
        name: "痛风复查",
        template: None,
        message: "请复查血尿酸和肾功能，告知近期有无关节红肿疼痛发作。",
        visits: &[
            Visit::Done(-60, "尿酸 380，近两月未再发作，非布司他继续。"),
            Visit::Done(-30, "尿酸 342，已达标。"),
            Visit::Planned(30),
        ],
    },
    Plan {
        patient: 35,
        name: "高血压",
        template: Some("高血压"),
        message: HYPERTENSION,
        visits: &[Visit::Planned(5), Visit::Planned(33), Visit::Planned(61)],
    },
    Plan {
        patient: 37,
        name: "术后复查",
        template: Some("术后复查"),
        message: SURGERY,
        visits: &[
            Visit::Done(-45, "切口愈合良好，已拆线。"),
            Visit::Missed(-15),
            Visit::Missed(-8),
        ],
    },
    Plan {
        patient: 40,
        name: "哮喘随访",
        template: None,
        message: "请带上峰流速记录复诊，告知夜间症状和吸入剂使用次数。",
        visits: &[Visit::Planned(-4), Visit::Planned(10)],
    },
    Plan {
        patient: 43,
        name: "2 型糖尿病",
        template: Some("2 型糖尿病"),
        message: DIABETES,
        visits: &[Visit::Planned(14), Visit::Planned(98)],
    },
    Plan {
        patient: 44,
        name: "高血压",
        template: Some("高血压"),
        message: HYPERTENSION,
        visits: &[Visit::Reminded(-5), Visit::Planned(23)],
    },
];

/// The doctor's own template, besides the built-in ones.
const OWN_TEMPLATE: (&str, i64, &str, i64, &str) = ("甲状腺功能复查", 3, "months", 2, THYROID);

const HOUR: i64 = 3600;

/// Unix time of `hour`:00 China time on `day`.
fn at(day: NaiveDate, hour: u32) -> i64 {
    let china = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is valid");
    day.and_hms_opt(hour, 0, 0)
        .and_then(|t| t.and_local_timezone(china).single())
        .map(|t| t.timestamp())
        .unwrap_or(0)
}

pub async fn seed(state: &AppState, doctor_id: i64) -> anyhow::Result<()> {
    let now = state.clock.unix();
    let today = today(state);
    let mut tx = state.db.begin().await?;
    let (name, every, unit, visits, message) = OWN_TEMPLATE;
    crate::db::query(
        "INSERT INTO follow_up_templates (doctor_id, name, every, unit, visits, message,
           created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(doctor_id)
    .bind(name)
    .bind(every)
    .bind(unit)
    .bind(visits)
    .bind(message)
    .bind(now - 20 * 24 * HOUR)
    .execute(&mut *tx)
    .await?;
    let patients: Vec<i64> = crate::db::query_scalar(
        "SELECT patient_id FROM doctor_patients WHERE doctor_id = ? ORDER BY patient_id",
    )
    .bind(doctor_id)
    .fetch_all(&mut *tx)
    .await?;
    for plan in &PLANS {
        let Some(patient_id) = patients.get(plan.patient) else {
            continue;
        };
        let template_id: Option<i64> = match plan.template {
            Some(name) => {
                crate::db::query_scalar(
                    "SELECT id FROM follow_up_templates WHERE doctor_id IS NULL AND name = ?",
                )
                .bind(name)
                .fetch_optional(&mut *tx)
                .await?
            }
            None => None,
        };
        let first = plan.visits.iter().map(|v| match v {
            Visit::Planned(d) | Visit::Reminded(d) | Visit::Done(d, _) | Visit::Missed(d) => *d,
        });
        let created = at(today + Duration::days(first.min().unwrap_or(0) - 30), 10);
        let plan_id: i64 = crate::db::query_scalar(
            "INSERT INTO follow_up_plans (doctor_id, patient_id, template_id, name, created_at)
             VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(doctor_id)
        .bind(patient_id)
        .bind(template_id)
        .bind(plan.name)
        .bind(created.min(now))
        .fetch_one(&mut *tx)
        .await?;
        for visit in plan.visits {
            let (days, state, reminded_at, finished_at, note) = match *visit {
                Visit::Planned(d) => (d, "planned", None, None, ""),
                Visit::Reminded(d) => {
                    let due = today + Duration::days(d);
                    (
                        d,
                        "reminded",
                        Some(at(due - Duration::days(1), 9)),
                        None,
                        "",
                    )
                }
                Visit::Done(d, note) => {
                    let due = today + Duration::days(d);
                    (d, "done", None, Some(at(due, 15)), note)
                }
                Visit::Missed(d) => {
                    let due = today + Duration::days(d);
                    (d, "missed", None, Some(at(due + Duration::days(7), 0)), "")
                }
            };
            let due = today + Duration::days(days);
            let follow_up_id: i64 = crate::db::query_scalar(
                "INSERT INTO follow_ups (plan_id, doctor_id, patient_id, due_on, message, state,
                   reminded_at, reminder_count, finished_at, outcome_note)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(plan_id)
            .bind(doctor_id)
            .bind(patient_id)
            .bind(due.to_string())
            .bind(plan.message)
            .bind(state)
            .bind(reminded_at)
            .bind(reminded_at.is_some() as i64)
            .bind(finished_at)
            .bind(note)
            .fetch_one(&mut *tx)
            .await?;
            if let Some(sent_at) = reminded_at {
                crate::db::query(
                    "INSERT INTO patient_reminders (patient_id, doctor_id, follow_up_id, message,
                       due_on, sent_at, sms_sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(patient_id)
                .bind(doctor_id)
                .bind(follow_up_id)
                .bind(plan.message)
                .bind(due.to_string())
                .bind(sent_at)
                .bind(sent_at)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}
