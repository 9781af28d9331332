//! Follow-up care after a consultation (诊后随访): plan templates (`/follow-up-templates`),
//! a patient's follow-up plans (`/patients/{id}/follow-up-plans`), the doctor's lists of
//! visits due today, overdue, upcoming and finished (`/follow-ups`), reminders to patients
//! (one visit, or everyone carrying a tag), the doctor's "today" counts (`/me/today`), and
//! what the patient app shows of the reminders (`/patient/reminders`).
//!
//! A visit is planned, then possibly reminded (any number of times), and ends done (with
//! an optional outcome note) or missed: by the doctor, or by itself when it is still open
//! [`MISSED_AFTER_DAYS`] days after its due date. Dates are China dates (UTC+8).

use chrono::{DateTime, Duration, FixedOffset, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    inbox::PatientSummary,
    validate::{self, check, FieldError, FieldErrors},
};

pub const TEMPLATE_NAME_MAX: usize = 30;
pub const PLAN_NAME_MAX: usize = 30;
/// A visit's message to the patient (also a template's, and a tag reminder's).
pub const MESSAGE_MAX: usize = 200;
pub const OUTCOME_MAX: usize = 500;
/// Own templates one doctor may keep (built-in ones do not count).
pub const TEMPLATES_MAX: usize = 30;
/// Visits in one plan.
pub const VISITS_MAX: u32 = 12;
/// Largest interval between two visits of a template, in its unit.
pub const EVERY_MAX: u32 = 52;
/// A visit still open this many days after its due date is missed by itself.
pub const MISSED_AFTER_DAYS: i64 = 7;
pub const PAGE_MAX: u32 = 100;
/// The hour (China time) a visit is placed at in the patient's timeline.
pub const TIMELINE_HOUR: u32 = 9;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IntervalUnit {
    Weeks,
    Months,
}

impl IntervalUnit {
    pub const ALL: [IntervalUnit; 2] = [IntervalUnit::Weeks, IntervalUnit::Months];

    pub fn as_str(self) -> &'static str {
        match self {
            IntervalUnit::Weeks => "weeks",
            IntervalUnit::Months => "months",
        }
    }

    pub fn parse(s: &str) -> Option<IntervalUnit> {
        IntervalUnit::ALL.into_iter().find(|u| u.as_str() == s)
    }
}

/// The due dates of a plan started on `start`: visit k (1-based) is `start` plus
/// k × `every` weeks or months. Months keep the day of `start`, clamped to the month's
/// last day, each computed from `start` (Jan 31 → Feb 29 → Mar 31 in a leap year), never
/// from the visit before.
pub fn plan_dates(start: NaiveDate, every: u32, unit: IntervalUnit, visits: u32) -> Vec<NaiveDate> {
    (1..=visits)
        .map_while(|k| {
            let n = k.checked_mul(every)?;
            match unit {
                IntervalUnit::Weeks => start.checked_add_signed(Duration::weeks(i64::from(n))),
                IntervalUnit::Months => start.checked_add_months(Months::new(n)),
            }
        })
        .collect()
}

/// When a visit shows in the patient's timeline: its due date at 09:00 China time.
pub fn timeline_at(due_on: NaiveDate) -> DateTime<Utc> {
    let china = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is valid");
    due_on
        .and_hms_opt(TIMELINE_HOUR, 0, 0)
        .and_then(|t| t.and_local_timezone(china).single())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

/// A plan template: built-in ones every doctor sees (`builtin`), and the doctor's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Template {
    pub id: i64,
    pub name: String,
    /// Interval between two visits, in `unit`.
    pub every: u32,
    pub unit: IntervalUnit,
    /// How many visits a plan from it has.
    pub visits: u32,
    /// What each visit's reminder tells the patient.
    pub message: String,
    pub builtin: bool,
}

/// `POST /follow-up-templates`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemplateInput {
    pub name: String,
    /// 1–52.
    pub every: u32,
    pub unit: IntervalUnit,
    /// 1–12.
    pub visits: u32,
    /// Required, at most 200 characters.
    pub message: String,
}

impl TemplateInput {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check(
            &mut errors,
            "name",
            validate::text(&self.name, TEMPLATE_NAME_MAX),
        );
        if !(1..=EVERY_MAX).contains(&self.every) {
            errors.push(("every", FieldError::OutOfRange));
        }
        if !(1..=VISITS_MAX).contains(&self.visits) {
            errors.push(("visits", FieldError::OutOfRange));
        }
        check(
            &mut errors,
            "message",
            validate::text(&self.message, MESSAGE_MAX),
        );
        errors
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FollowUpState {
    /// 待随访
    Planned,
    /// 已提醒 (still open)
    Reminded,
    /// 已完成
    Done,
    /// 已失访: marked by the doctor, or by itself 7 days after the due date.
    Missed,
}

impl FollowUpState {
    pub const ALL: [FollowUpState; 4] = [
        FollowUpState::Planned,
        FollowUpState::Reminded,
        FollowUpState::Done,
        FollowUpState::Missed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpState::Planned => "planned",
            FollowUpState::Reminded => "reminded",
            FollowUpState::Done => "done",
            FollowUpState::Missed => "missed",
        }
    }

    pub fn parse(s: &str) -> Option<FollowUpState> {
        FollowUpState::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Planned or reminded: it may still be reminded, done or missed.
    pub fn is_open(self) -> bool {
        matches!(self, FollowUpState::Planned | FollowUpState::Reminded)
    }
}

/// Which list `GET /follow-ups?list=` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FollowUpList {
    /// Open, due today.
    #[default]
    Today,
    /// Open, due before today (and not yet missed by itself).
    Overdue,
    /// Open, due after today.
    Upcoming,
    /// Done and missed.
    Done,
}

impl FollowUpList {
    pub const ALL: [FollowUpList; 4] = [
        FollowUpList::Today,
        FollowUpList::Overdue,
        FollowUpList::Upcoming,
        FollowUpList::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpList::Today => "today",
            FollowUpList::Overdue => "overdue",
            FollowUpList::Upcoming => "upcoming",
            FollowUpList::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<FollowUpList> {
        FollowUpList::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// One planned visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUp {
    pub id: i64,
    pub plan_id: i64,
    pub patient_id: i64,
    pub patient: PatientSummary,
    pub plan_name: String,
    /// China date.
    #[serde(with = "crate::time::date")]
    pub due_on: NaiveDate,
    /// What the reminder tells the patient.
    pub message: String,
    pub state: FollowUpState,
    /// The latest reminder.
    #[serde(default, with = "crate::time::utc_option")]
    pub reminded_at: Option<DateTime<Utc>>,
    /// Reminders sent so far: a visit may be reminded again while it is open, so the
    /// SPA can say "already reminded n times" before sending another.
    pub reminder_count: u32,
    /// When it became done or missed.
    #[serde(default, with = "crate::time::utc_option")]
    pub finished_at: Option<DateTime<Utc>>,
    /// The doctor's note on a done visit (never shown to the patient).
    pub outcome_note: String,
}

/// A patient's plan and its visits, in due order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpPlan {
    pub id: i64,
    pub patient_id: i64,
    /// The template it was made from; `None` for a plan made by hand.
    pub template_id: Option<i64>,
    pub name: String,
    #[serde(with = "crate::time::utc")]
    pub created_at: DateTime<Utc>,
    pub visits: Vec<FollowUp>,
}

/// One visit of a plan made by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlannedVisit {
    #[serde(with = "crate::time::date")]
    pub due_on: NaiveDate,
    pub message: String,
}

impl PlannedVisit {
    /// Due today (China) or later, with a message for the patient.
    pub fn validate(&self, today: NaiveDate) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if self.due_on < today {
            errors.push(("due_on", FieldError::OutOfRange));
        }
        check(
            &mut errors,
            "message",
            validate::text(&self.message, MESSAGE_MAX),
        );
        errors
    }
}

/// `POST /patients/{id}/follow-up-plans`: from a template (`template_id`; `visits` empty,
/// dates from [`plan_dates`] from `start`, each visit with the template's message), or
/// by hand (`template_id` absent, `name` and 1–12 `visits`, each due today or later).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPlan {
    #[serde(default)]
    pub template_id: Option<i64>,
    /// From a template: the day the intervals count from (default: today, China time).
    #[serde(default)]
    #[serde(with = "crate::time::date_option")]
    pub start: Option<NaiveDate>,
    /// Required by hand; from a template it replaces the template's name.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub visits: Vec<PlannedVisit>,
}

impl NewPlan {
    /// `template` is the one `template_id` names (`None` by hand, or while unknown);
    /// `today` is today in China. Every visit must be due today or later: from a
    /// template, a `start` so early that the first visit is past is refused on `start`.
    pub fn validate(&self, template: Option<&Template>, today: NaiveDate) -> FieldErrors {
        let mut errors = FieldErrors::new();
        match self.template_id {
            Some(_) => {
                if let Some(name) = &self.name {
                    check(&mut errors, "name", validate::text(name, PLAN_NAME_MAX));
                }
                if !self.visits.is_empty() {
                    errors.push(("visits", FieldError::OutOfRange));
                }
                if let Some(template) = template {
                    let start = self.start.unwrap_or(today);
                    let dates = plan_dates(start, template.every, template.unit, template.visits);
                    if dates.len() != template.visits as usize || dates.iter().any(|d| *d < today) {
                        errors.push(("start", FieldError::OutOfRange));
                    }
                }
            }
            None => {
                match &self.name {
                    Some(name) => check(&mut errors, "name", validate::text(name, PLAN_NAME_MAX)),
                    None => errors.push(("name", FieldError::Required)),
                }
                if self.visits.is_empty() {
                    errors.push(("visits", FieldError::Required));
                } else if self.visits.len() > VISITS_MAX as usize {
                    errors.push(("visits", FieldError::OutOfRange));
                }
                // One error per field of the list: the first visit's that has one.
                let first = |field: &str| {
                    self.visits.iter().find_map(|v| {
                        v.validate(today)
                            .into_iter()
                            .find_map(|(f, e)| (f == field).then_some(e))
                    })
                };
                if let Some(e) = first("due_on") {
                    errors.push(("visits.due_on", e));
                }
                if let Some(e) = first("message") {
                    errors.push(("visits.message", e));
                }
            }
        }
        errors
    }

    /// The visits the plan gets, in due order (call after `validate` passed).
    pub fn planned(&self, template: Option<&Template>, today: NaiveDate) -> Vec<PlannedVisit> {
        let mut visits = match template {
            Some(t) => plan_dates(self.start.unwrap_or(today), t.every, t.unit, t.visits)
                .into_iter()
                .map(|due_on| PlannedVisit {
                    due_on,
                    message: t.message.clone(),
                })
                .collect(),
            None => self
                .visits
                .iter()
                .map(|v| PlannedVisit {
                    due_on: v.due_on,
                    message: v.message.trim().to_owned(),
                })
                .collect::<Vec<_>>(),
        };
        visits.sort_by_key(|v| v.due_on);
        visits
    }
}

/// How many visits each list of `GET /follow-ups` has now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpCounts {
    pub today: u32,
    pub overdue: u32,
    pub upcoming: u32,
    /// Done and missed.
    pub done: u32,
}

/// `GET /follow-ups`: one page of one list, with the counts of all four.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpPage {
    pub items: Vec<FollowUp>,
    /// Pass as `cursor` for the next page; `None` on the last one.
    pub next_cursor: Option<String>,
    pub counts: FollowUpCounts,
}

/// `POST /follow-ups/{id}/done`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outcome {
    /// Optional, at most 500 characters.
    #[serde(default)]
    pub note: String,
}

impl Outcome {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check(
            &mut errors,
            "note",
            validate::optional_text(&self.note, OUTCOME_MAX),
        );
        errors
    }
}

/// `POST /tags/{id}/remind`: one reminder to every patient of mine carrying the tag.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagReminder {
    pub message: String,
}

impl TagReminder {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check(
            &mut errors,
            "message",
            validate::text(&self.message, MESSAGE_MAX),
        );
        errors
    }
}

/// The answer to `POST /tags/{id}/remind`: how many patients got the reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemindersSent {
    pub sent: u32,
}

/// A reminder as the patient app shows it (`GET /patient/reminders`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientReminder {
    pub id: i64,
    pub doctor_name: String,
    pub message: String,
    /// The visit's due date; `None` for a reminder to everyone with a tag.
    #[serde(default, with = "crate::time::date_option")]
    pub due_on: Option<NaiveDate>,
    #[serde(with = "crate::time::utc")]
    pub sent_at: DateTime<Utc>,
}

/// `GET /me/today`: what waits for the doctor today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Today {
    /// New requests waiting to be accepted, asked or declined.
    pub new_consultations: u32,
    /// Consultations where the patient waits for the doctor's message: ongoing ones whose
    /// newest non-system message is the patient's (or with none yet: the complaint waits
    /// for the first answer), and follow-up questions after advice not answered yet.
    pub answers_due: u32,
    pub follow_ups_today: u32,
    pub follow_ups_overdue: u32,
    /// Current licence documents expiring within 30 days or already expired (the home
    /// page's expiry warnings).
    pub documents_expiring: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weeks_add_up_from_the_start() {
        assert_eq!(
            plan_dates(d(2026, 12, 28), 4, IntervalUnit::Weeks, 3),
            vec![d(2027, 1, 25), d(2027, 2, 22), d(2027, 3, 22)]
        );
        assert_eq!(plan_dates(d(2026, 1, 1), 1, IntervalUnit::Weeks, 0), vec![]);
    }

    #[test]
    fn months_clamp_to_the_month_end_and_count_from_the_start() {
        // Leap year: Feb 29, then back to the 31st (not chained from Feb 29).
        assert_eq!(
            plan_dates(d(2028, 1, 31), 1, IntervalUnit::Months, 3),
            vec![d(2028, 2, 29), d(2028, 3, 31), d(2028, 4, 30)]
        );
        // Not a leap year: Feb 28.
        assert_eq!(
            plan_dates(d(2027, 1, 31), 1, IntervalUnit::Months, 2),
            vec![d(2027, 2, 28), d(2027, 3, 31)]
        );
        // 1900 was not a leap year, 2000 was.
        assert_eq!(
            plan_dates(d(1899, 12, 31), 2, IntervalUnit::Months, 1),
            vec![d(1900, 2, 28)]
        );
        assert_eq!(
            plan_dates(d(1999, 12, 31), 2, IntervalUnit::Months, 1),
            vec![d(2000, 2, 29)]
        );
        // Across years, and Feb 29 + 12 months is Feb 28.
        assert_eq!(
            plan_dates(d(2028, 2, 29), 12, IntervalUnit::Months, 2),
            vec![d(2029, 2, 28), d(2030, 2, 28)]
        );
        assert_eq!(
            plan_dates(d(2026, 8, 31), 3, IntervalUnit::Months, 2),
            vec![d(2026, 11, 30), d(2027, 2, 28)]
        );
    }

    #[test]
    fn a_visit_is_at_nine_in_the_morning_china_time() {
        assert_eq!(
            timeline_at(d(2026, 12, 1)).to_rfc3339(),
            "2026-12-01T01:00:00+00:00"
        );
    }

    fn template() -> Template {
        Template {
            id: 1,
            name: "术后复查".into(),
            every: 1,
            unit: IntervalUnit::Months,
            visits: 3,
            message: "请按时复查".into(),
            builtin: true,
        }
    }

    #[test]
    fn templates_have_bounds() {
        let ok = TemplateInput {
            name: "高血压".into(),
            every: 4,
            unit: IntervalUnit::Weeks,
            visits: 3,
            message: "请测量血压".into(),
        };
        assert!(ok.validate().is_empty());
        let bad = TemplateInput {
            name: " ".into(),
            every: 53,
            visits: 0,
            message: "x".repeat(MESSAGE_MAX + 1),
            ..ok
        };
        assert_eq!(
            bad.validate(),
            vec![
                ("name", FieldError::Required),
                ("every", FieldError::OutOfRange),
                ("visits", FieldError::OutOfRange),
                ("message", FieldError::TooLong),
            ]
        );
    }

    #[test]
    fn a_plan_from_a_template_takes_its_dates_and_message() {
        let today = d(2026, 11, 29);
        let t = template();
        let plan = NewPlan {
            template_id: Some(1),
            ..NewPlan::default()
        };
        assert!(plan.validate(Some(&t), today).is_empty());
        let visits = plan.planned(Some(&t), today);
        assert_eq!(
            visits.iter().map(|v| v.due_on).collect::<Vec<_>>(),
            vec![d(2026, 12, 29), d(2027, 1, 29), d(2027, 2, 28)]
        );
        assert!(visits.iter().all(|v| v.message == "请按时复查"));
        // A start so early that a visit would be past; visits given with a template.
        let early = NewPlan {
            start: Some(d(2026, 10, 1)),
            visits: vec![PlannedVisit {
                due_on: today,
                message: "x".into(),
            }],
            ..plan
        };
        assert_eq!(
            early.validate(Some(&t), today),
            vec![
                ("visits", FieldError::OutOfRange),
                ("start", FieldError::OutOfRange)
            ]
        );
    }

    #[test]
    fn a_plan_by_hand_needs_a_name_and_visits_from_today() {
        let today = d(2026, 11, 29);
        let visit = |due_on, message: &str| PlannedVisit {
            due_on,
            message: message.into(),
        };
        let ok = NewPlan {
            name: Some("血糖复查".into()),
            visits: vec![
                visit(d(2026, 12, 20), "复查血糖"),
                visit(today, "今天测空腹血糖"),
            ],
            ..NewPlan::default()
        };
        assert!(ok.validate(None, today).is_empty());
        assert_eq!(
            ok.planned(None, today)
                .iter()
                .map(|v| v.due_on)
                .collect::<Vec<_>>(),
            vec![today, d(2026, 12, 20)],
            "in due order"
        );
        assert_eq!(
            NewPlan::default().validate(None, today),
            vec![
                ("name", FieldError::Required),
                ("visits", FieldError::Required)
            ]
        );
        let bad = NewPlan {
            visits: vec![visit(d(2026, 11, 28), " ")],
            ..ok.clone()
        };
        assert_eq!(
            bad.validate(None, today),
            vec![
                ("visits.due_on", FieldError::OutOfRange),
                ("visits.message", FieldError::Required)
            ]
        );
        let too_many = NewPlan {
            visits: vec![visit(today, "x"); 13],
            ..ok
        };
        assert_eq!(
            too_many.validate(None, today),
            vec![("visits", FieldError::OutOfRange)]
        );
    }

    #[test]
    fn lists_states_and_units_round_trip() {
        for l in FollowUpList::ALL {
            assert_eq!(FollowUpList::parse(l.as_str()), Some(l));
            assert_eq!(serde_json::to_value(l).unwrap(), l.as_str());
        }
        for s in FollowUpState::ALL {
            assert_eq!(FollowUpState::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for u in [IntervalUnit::Weeks, IntervalUnit::Months] {
            assert_eq!(IntervalUnit::parse(u.as_str()), Some(u));
        }
        assert_eq!(FollowUpList::parse("missed"), None);
    }

    #[test]
    fn outcome_and_tag_reminder_rules() {
        assert!(Outcome::default().validate().is_empty());
        assert_eq!(
            Outcome {
                note: "x".repeat(OUTCOME_MAX + 1)
            }
            .validate(),
            vec![("note", FieldError::TooLong)]
        );
        assert_eq!(
            TagReminder::default().validate(),
            vec![("message", FieldError::Required)]
        );
    }
}
