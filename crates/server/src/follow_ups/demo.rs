//! Demo follow-up plans for `cargo xtask run`, on the demo doctor's first patients: visits
//! due today, overdue (one reminded already), upcoming, done and missed, all relative to
//! the clock's today, so the lists look the same whichever day the demo starts. Written
//! straight to the database (fixtures, not actions: no audit entries, no SMS).

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
    name: &'static str,
    /// A built-in template's name, or none (made by hand).
    template: Option<&'static str>,
    message: &'static str,
    visits: &'static [Visit],
}

const PLANS: [Plan; 4] = [
    Plan {
        name: "高血压",
        template: Some("高血压"),
        message: "请按时复诊：带上近期家庭血压记录（早晚各一次），并告知用药情况和有无头晕等不适。",
        visits: &[Visit::Planned(0), Visit::Planned(28), Visit::Planned(56)],
    },
    Plan {
        name: "2 型糖尿病",
        template: Some("2 型糖尿病"),
        message: "请按时复诊：复查空腹血糖和糖化血红蛋白，带上近期血糖记录，并告知有无低血糖。",
        visits: &[Visit::Reminded(-3), Visit::Planned(81)],
    },
    Plan {
        name: "术后复查",
        template: None,
        message: "请按时术后复查：带上出院小结，如伤口红肿、发热或疼痛加重请及时线下就诊。",
        visits: &[
            Visit::Done(-40, "伤口愈合良好，无红肿渗出，继续观察。"),
            Visit::Missed(-10),
            Visit::Planned(20),
        ],
    },
    Plan {
        name: "甲状腺功能复查",
        template: None,
        message: "请空腹抽血复查甲状腺功能（FT3、FT4、TSH），带上上次的化验单。",
        visits: &[Visit::Planned(-1), Visit::Planned(0), Visit::Planned(90)],
    },
];

/// The doctor's own template, besides the built-in ones.
const OWN_TEMPLATE: (&str, i64, &str, i64, &str) = (
    "甲状腺功能复查",
    3,
    "months",
    2,
    "请空腹抽血复查甲状腺功能（FT3、FT4、TSH），带上上次的化验单。",
);

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
    sqlx::query(
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
    let patients: Vec<i64> = sqlx::query_scalar(
        "SELECT patient_id FROM doctor_patients WHERE doctor_id = ? ORDER BY patient_id",
    )
    .bind(doctor_id)
    .fetch_all(&mut *tx)
    .await?;
    for (plan, patient_id) in PLANS.iter().zip(&patients) {
        let template_id: Option<i64> = match plan.template {
            Some(name) => {
                sqlx::query_scalar(
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
        let plan_id: i64 = sqlx::query_scalar(
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
            let follow_up_id: i64 = sqlx::query_scalar(
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
                sqlx::query(
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
