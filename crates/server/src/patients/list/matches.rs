//! The SQL of a page of `GET /patients` and of its total: which index each search, tag
//! and range reads, and in which order (the test below holds the planner to it).

use super::range::Range;
use crate::db::Sql;

/// What the doctor typed in the search box.
#[derive(Debug)]
pub(super) enum Search {
    Name(String),
    PhoneTail(String),
}

/// Which query the matches are for: the page reads a range in its order and stops after
/// a page; the total counts every match.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    Page,
    Total,
}

/// The `FROM … WHERE …` shared by the page and its total.
pub(super) fn push_matches(
    sql: &mut Sql,
    doctor_id: i64,
    search: Option<&Search>,
    tag: Option<i64>,
    part: Part,
) {
    match search {
        // Driven by the few patients with those 4 digits (`patients_by_phone_tail`, on
        // the same expression), then whether each is mine; CROSS JOIN keeps that order
        // whatever the planner's statistics say.
        Some(Search::PhoneTail(_)) => {
            sql.push(" FROM patients p CROSS JOIN doctor_patients dp ON dp.patient_id = p.id")
        }
        // One character: a page reads its range in order and checks each row against the
        // list of mine with that character (the index of characters alone, like a tag
        // below), and the total counts that list without reading my rows at all (under
        // the same alias, for the tag's check).
        Some(Search::Name(name)) if name.chars().count() == 1 => match part {
            Part::Page => sql.push(" FROM doctor_patients dp"),
            Part::Total => sql.push(" FROM patient_name_grams dp"),
        },
        // Longer: driven by the few of mine whose name holds the search's first two
        // characters (migration 0021), each then checked by its whole name (copied onto
        // my row, migration 0011): never all my names.
        Some(Search::Name(_)) => sql.push(
            " FROM patient_name_grams g CROSS JOIN doctor_patients dp
                ON dp.doctor_id = g.doctor_id AND dp.patient_id = g.patient_id",
        ),
        // Otherwise one index range of mine alone.
        None => sql.push(" FROM doctor_patients dp"),
    };
    sql.push(" WHERE dp.doctor_id = ").push_bind(doctor_id);
    match search {
        Some(Search::Name(name)) if name.chars().count() == 1 => match part {
            Part::Page => {
                sql.push(
                    " AND +dp.patient_id IN (SELECT g.patient_id FROM patient_name_grams g
                      WHERE g.doctor_id = ",
                )
                .push_bind(doctor_id)
                .push(" AND g.gram = ")
                .push_bind(name.clone())
                .push(")");
            }
            Part::Total => {
                sql.push(" AND dp.gram = ").push_bind(name.clone());
            }
        },
        Some(Search::Name(name)) => {
            sql.push(" AND g.doctor_id = ")
                .push_bind(doctor_id)
                .push(" AND g.gram = ")
                .push_bind(name.chars().take(2).collect::<String>())
                .push(" AND instr(dp.name, ")
                .push_bind(name.clone())
                .push(") > 0");
        }
        Some(Search::PhoneTail(digits)) => {
            sql.push(" AND substr(p.phone, -4) = ")
                .push_bind(digits.clone());
        }
        None => {}
    }
    if let Some(tag) = tag {
        // The tag's patients as one list. The page reads its range in order and checks
        // each row against the list (the `+` keeps the planner from sorting every tagged
        // patient instead), so it ends after a page; the total looks each one up.
        sql.push(match part {
            Part::Page => " AND +dp.patient_id IN",
            Part::Total => " AND dp.patient_id IN",
        })
        .push(" (SELECT pt.patient_id FROM patient_tags pt WHERE pt.tag_id = ")
        .push_bind(tag)
        .push(")");
    }
}

/// Up to `n` rows of `range`, matching the search and the tag. Their ids first, from the
/// range's index alone (it holds the order and the id: a row the search skips costs no read
/// of its `doctor_patients` row), then those rows in full: CROSS JOIN keeps the page the
/// outer loop (else the planner may walk all my patients in order to spare a sort of 31).
pub(super) fn page_sql(
    doctor_id: i64,
    search: Option<&Search>,
    tag: Option<i64>,
    range: Range,
    n: usize,
) -> Sql {
    let mut sql = Sql::new(
        "SELECT dp.patient_id AS id, p.name, p.sex, p.birth_date, dp.since,
                dp.last_consultation_at, dp.next_follow_up
         FROM (SELECT dp.patient_id",
    );
    push_matches(&mut sql, doctor_id, search, tag, Part::Page);
    range.push_position(&mut sql);
    sql.push(range.order())
        .push(" LIMIT ")
        .push_bind(n as i64)
        .push(") page CROSS JOIN doctor_patients dp ON dp.doctor_id = ")
        .push_bind(doctor_id)
        .push(" AND dp.patient_id = page.patient_id")
        .push(" CROSS JOIN patients p ON p.id = page.patient_id")
        .push(range.order());
    sql
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    /// Whatever the search, tag or range, a page reads its range's index in order up to the
    /// page (a search: the few patients with those digits, or those whose name holds the
    /// search's first two characters), then only its own rows
    /// by primary key: never all my patients in an outer loop. With and without the
    /// statistics of `ANALYZE` (the server never runs it; the bench does).
    #[tokio::test]
    async fn a_page_reads_its_range_then_only_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("plan.db").display());
        let crate::db::Database {
            pool: db, reads, ..
        } = crate::db::connect(&url, std::time::Duration::from_secs(5), Default::default())
            .await
            .unwrap();
        let reads = reads.unwrap();
        for seed in [
            "INSERT INTO accounts (phone, password_hash, created_at) VALUES ('13900000001', 'x', 0)",
            "WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < 3000)
             INSERT INTO patients (phone, name, sex, birth_date, created_at)
             SELECT printf('1650%07d', n), '患者' || n, 'male', '1970-01-01', 0 FROM seq",
            "INSERT INTO doctor_patients (doctor_id, patient_id, since, last_consultation_at)
             SELECT 1, id, id, id FROM patients",
            "INSERT INTO tags (doctor_id, name, color, created_at) VALUES (1, 'a', 'red', 0)",
            "INSERT INTO patient_tags SELECT 1, 1, id FROM patients WHERE id % 10 = 0",
            "INSERT INTO follow_up_plans (doctor_id, patient_id, name, created_at)
             SELECT 1, id, 'p', 0 FROM patients WHERE id % 5 = 0",
            "INSERT INTO follow_ups (plan_id, doctor_id, patient_id, due_on, message)
             SELECT id, 1, patient_id, date('2026-11-01', '+' || (id % 90) || ' days'), 'm'
             FROM follow_up_plans",
        ] {
            crate::db::query(seed).execute(&db).await.unwrap();
        }
        let due = NaiveDate::from_ymd_opt(2026, 11, 3);
        let ranges = [
            Range::ByLastConsultation(None),
            Range::ByLastConsultation(Some((100, 100))),
            Range::ByNewest(Some((100, 100))),
            Range::WithVisit(None),
            Range::WithVisit(due.map(|d| (d, 5))),
            Range::WithoutVisit(None),
            Range::WithoutVisit(Some((100, 100))),
        ];
        let searches = [
            None,
            Some(Search::Name("患者1".into())),
            Some(Search::Name("患".into())),
            Some(Search::PhoneTail("0123".into())),
        ];
        for analyze in [false, true] {
            if analyze {
                crate::db::query("ANALYZE").execute(&db).await.unwrap();
            }
            for range in ranges {
                for search in &searches {
                    for tag in [None, Some(1)] {
                        let sql = page_sql(1, search.as_ref(), tag, range, 31);
                        let plan = reads
                            .run(|conn| {
                                let explain = format!("EXPLAIN QUERY PLAN {}", sql.text());
                                let mut query = conn.prepare(&explain)?;
                                let rows = query.query_map(sql.params(), |r| {
                                    Ok((r.get::<_, i64>(1)?, r.get::<_, String>(3)?))
                                })?;
                                rows.collect::<rusqlite::Result<Vec<_>>>()
                            })
                            .unwrap();
                        let outer: Vec<&str> = plan
                            .iter()
                            .filter(|row| row.0 == 0)
                            .map(|row| row.1.as_str())
                            .collect();
                        let case = format!("{range:?} {search:?} tag {tag:?} analyze {analyze}");
                        assert_eq!(outer.get(1), Some(&"SCAN page"), "{case}: {outer:?}");
                        for step in &outer[2..] {
                            assert!(
                                step.contains("PRIMARY KEY") || step.starts_with("USE TEMP"),
                                "{case}: {outer:?}"
                            );
                        }
                        let inner: Vec<&str> = plan
                            .iter()
                            .filter(|row| row.0 != 0)
                            .map(|row| row.1.as_str())
                            .collect();
                        assert!(
                            inner.iter().all(|step| !step.starts_with("SCAN")),
                            "{case}: {inner:?}"
                        );
                        let range_index = match (search, range) {
                            (Some(Search::PhoneTail(_)), _) => "patients_by_phone_tail",
                            (Some(Search::Name(s)), _) if s.chars().count() > 1 => {
                                "SEARCH g USING PRIMARY KEY (doctor_id=? AND gram=?)"
                            }
                            (_, Range::ByNewest(_)) => "COVERING INDEX doctor_patients_by_since",
                            (_, Range::WithVisit(_)) => {
                                "COVERING INDEX doctor_patients_by_next_follow_up"
                            }
                            (_, Range::WithoutVisit(_)) => {
                                "COVERING INDEX doctor_patients_without_follow_up"
                            }
                            _ => "COVERING INDEX doctor_patients_by_last",
                        };
                        assert!(
                            inner.iter().any(|step| step.contains(range_index)),
                            "{case}: {inner:?}"
                        );
                        if let Some(Search::Name(_)) = search {
                            assert!(
                                inner.iter().any(|step| {
                                    step.contains(
                                        "SEARCH g USING PRIMARY KEY (doctor_id=? AND gram=?)",
                                    )
                                }),
                                "the matches come from the index of characters: {case}: {inner:?}"
                            );
                        }
                    }
                }
            }
        }
    }
}
