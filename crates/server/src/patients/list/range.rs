//! Where a page of `GET /patients` starts and what its `next_cursor` says: the index
//! ranges of my patients in each sort's order, and how they read back from a cursor.

use super::ListRow;
use crate::db::Sql;
use chrono::NaiveDate;
use doctor_desk_api::patients::PatientSort;

/// One index range of my patients in its order, read from just after a row of the previous
/// page (`None`: from its start). A page reads its sort's ranges in turn; the position after
/// its last row, as text, is its `next_cursor`. The client only passes it back: anything
/// that is not one of the sort's own shapes answers 404, like the inbox's cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Range {
    /// `last_consultation`: the most recent consultation first. `{time}_{id}`.
    ByLastConsultation(Option<(i64, i64)>),
    /// `newest`: who became mine most recently first. `{time}_{id}`.
    ByNewest(Option<(i64, i64)>),
    /// `next_follow_up`, first the patients with an open visit: the soonest first, then
    /// by id. `{YYYY-MM-DD}_{id}`.
    WithVisit(Option<(NaiveDate, i64)>),
    /// `next_follow_up`, then the patients without one: the most recent consultation
    /// first. `none_{time}_{id}`.
    WithoutVisit(Option<(i64, i64)>),
}

impl Range {
    /// Where a page of `sort` starts: at the beginning, or after the cursor's row.
    pub(super) fn start(sort: PatientSort, cursor: Option<&str>) -> Option<Range> {
        let Some(cursor) = cursor else {
            return Some(match sort {
                PatientSort::LastConsultation => Range::ByLastConsultation(None),
                PatientSort::Newest => Range::ByNewest(None),
                PatientSort::NextFollowUp => Range::WithVisit(None),
            });
        };
        let (key, id) = cursor.rsplit_once('_')?;
        let id = id.parse().ok()?;
        Some(match sort {
            PatientSort::LastConsultation => {
                Range::ByLastConsultation(Some((key.parse().ok()?, id)))
            }
            PatientSort::Newest => Range::ByNewest(Some((key.parse().ok()?, id))),
            PatientSort::NextFollowUp => match key.strip_prefix("none_") {
                Some(at) => Range::WithoutVisit(Some((at.parse().ok()?, id))),
                None => {
                    Range::WithVisit(Some((NaiveDate::parse_from_str(key, "%Y-%m-%d").ok()?, id)))
                }
            },
        })
    }

    /// The range read after this one is done.
    pub(super) fn then(self) -> Option<Range> {
        match self {
            Range::WithVisit(_) => Some(Range::WithoutVisit(None)),
            _ => None,
        }
    }

    /// Just after `row`, the last of a page of `sort`.
    pub(super) fn after(sort: PatientSort, row: &ListRow) -> Range {
        match sort {
            PatientSort::LastConsultation => {
                Range::ByLastConsultation(Some((row.last_consultation_at, row.id)))
            }
            PatientSort::Newest => Range::ByNewest(Some((row.since, row.id))),
            PatientSort::NextFollowUp => {
                match row.next_follow_up.as_deref().and_then(|d| d.parse().ok()) {
                    Some(due) => Range::WithVisit(Some((due, row.id))),
                    None => Range::WithoutVisit(Some((row.last_consultation_at, row.id))),
                }
            }
        }
    }

    /// The position as a `cursor`; `None` at the start of a range.
    pub(super) fn cursor(self) -> Option<String> {
        match self {
            Range::ByLastConsultation(after) | Range::ByNewest(after) => {
                after.map(|(at, id)| format!("{at}_{id}"))
            }
            Range::WithVisit(after) => {
                after.map(|(due, id)| format!("{}_{id}", due.format("%Y-%m-%d")))
            }
            Range::WithoutVisit(after) => after.map(|(at, id)| format!("none_{at}_{id}")),
        }
    }

    /// The range's condition and where it starts, after the `WHERE` of the matches.
    pub(super) fn push_position(self, sql: &mut Sql) {
        let after_time = |sql: &mut Sql, key: &str, at: i64, id: i64| {
            sql.push(&format!(" AND ({key}, dp.patient_id) < ("))
                .push_bind(at)
                .push(", ")
                .push_bind(id)
                .push(")");
        };
        match self {
            Range::ByLastConsultation(after) => {
                if let Some((at, id)) = after {
                    after_time(sql, "dp.last_consultation_at", at, id);
                }
            }
            Range::ByNewest(after) => {
                if let Some((at, id)) = after {
                    after_time(sql, "dp.since", at, id);
                }
            }
            Range::WithVisit(after) => {
                sql.push(" AND dp.next_follow_up IS NOT NULL");
                if let Some((due, id)) = after {
                    sql.push(" AND (dp.next_follow_up, dp.patient_id) > (")
                        .push_bind(due.format("%Y-%m-%d").to_string())
                        .push(", ")
                        .push_bind(id)
                        .push(")");
                }
            }
            Range::WithoutVisit(after) => {
                sql.push(" AND dp.next_follow_up IS NULL");
                if let Some((at, id)) = after {
                    after_time(sql, "dp.last_consultation_at", at, id);
                }
            }
        }
    }

    /// The range's order (of `dp`, the patient's `doctor_patients` row).
    pub(super) fn order(self) -> &'static str {
        match self {
            Range::ByLastConsultation(_) | Range::WithoutVisit(_) => {
                " ORDER BY dp.last_consultation_at DESC, dp.patient_id DESC"
            }
            Range::ByNewest(_) => " ORDER BY dp.since DESC, dp.patient_id DESC",
            Range::WithVisit(_) => " ORDER BY dp.next_follow_up, dp.patient_id",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_only_in_their_own_sort() {
        let due = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        for (sort, after) in [
            (
                PatientSort::LastConsultation,
                Range::ByLastConsultation(Some((1_790_000_000, 7))),
            ),
            (PatientSort::Newest, Range::ByNewest(Some((-5, 7)))),
            (PatientSort::NextFollowUp, Range::WithVisit(Some((due, 12)))),
            (
                PatientSort::NextFollowUp,
                Range::WithoutVisit(Some((1_790_000_000, 3))),
            ),
        ] {
            let cursor = after.cursor().unwrap();
            assert_eq!(Range::start(sort, Some(&cursor)), Some(after), "{cursor}");
        }
        assert_eq!(
            Range::WithVisit(Some((due, 12))).cursor().as_deref(),
            Some("2026-12-03_12")
        );
        for (sort, bad) in [
            (PatientSort::LastConsultation, "2026-12-03_12"),
            (PatientSort::LastConsultation, "none_1790000000_3"),
            (PatientSort::NextFollowUp, "1790000000_7"),
            (PatientSort::NextFollowUp, "2026-13-03_12"),
            (PatientSort::NextFollowUp, "none_x_3"),
            (PatientSort::NextFollowUp, "none_"),
            (PatientSort::Newest, "yesterday"),
            (PatientSort::Newest, "1_2_3"),
        ] {
            assert_eq!(Range::start(sort, Some(bad)), None, "{sort:?} {bad}");
        }
    }

    #[test]
    fn patients_without_an_open_visit_follow_those_with_one() {
        assert_eq!(
            Range::start(PatientSort::NextFollowUp, None).and_then(Range::then),
            Some(Range::WithoutVisit(None))
        );
        assert_eq!(Range::WithoutVisit(None).then(), None);
        assert_eq!(Range::ByLastConsultation(None).then(), None);
    }
}
