//! Statements are written in SQLite's SQL; PostgreSQL gets them through [`for_postgres`]:
//! placeholders numbered its way and the few SQLite functions it lacks replaced, each by a
//! phrase of the same meaning. Everything else is written so that both read it the same
//! (`ON CONFLICT DO NOTHING`, `IS DISTINCT FROM`, `COALESCE`, `string_agg`, `x <> 0` for
//! a flag stored as 0/1, `CAST(SUM(…) AS BIGINT)`).

use std::borrow::Cow;

/// Exact phrases and what PostgreSQL calls them.
const PHRASES: &[(&str, &str)] = &[
    // Where SQLite finds the needle; `strpos` takes its arguments in the same order.
    ("instr(", "strpos("),
    // SQLite's way to keep the join order it is written in (each use has an ON).
    (" CROSS JOIN ", " JOIN "),
    // The last four digits of a phone number (the index is on the same expression).
    ("substr(p.phone, -4)", "right(p.phone, 4)"),
    (
        "json_array_length(r.kept_warnings)",
        "CAST(json_array_length(r.kept_warnings::json) AS BIGINT)",
    ),
    (
        "CAST(strftime('%s', due_on) AS INTEGER)",
        "CAST(extract(epoch FROM due_on::date) AS BIGINT)",
    ),
];

/// `sql` as PostgreSQL reads it.
pub fn for_postgres(sql: &str) -> Cow<'_, str> {
    let mut text = Cow::Borrowed(sql);
    for (sqlite, postgres) in PHRASES {
        if text.contains(sqlite) {
            text = Cow::Owned(text.replace(sqlite, postgres));
        }
    }
    // An existence check reads its `1` as a 64-bit number, which PostgreSQL types int4.
    if let Some(rest) = text.trim_start().strip_prefix("SELECT 1 FROM") {
        text = Cow::Owned(format!("SELECT CAST(1 AS BIGINT) FROM{rest}"));
    }
    if text.contains("json_each(") {
        text = Cow::Owned(id_lists(&text));
    }
    match numbered(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(numbered) => Cow::Owned(numbered),
    }
}

/// `json_each(?)` reads a bound JSON array of ids as rows with a `value` column; in
/// PostgreSQL the same rows come from `json_array_elements_text`, as text, so as numbers.
fn id_lists(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 64);
    let mut rest = sql;
    while let Some(at) = rest.find("json_each(") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "json_each(".len()..];
        let end = after.find(')').unwrap_or(after.len());
        out.push_str(&format!(
            "(SELECT CAST(value AS BIGINT) AS value FROM json_array_elements_text(CAST({} AS JSON))) AS json_each",
            &after[..end]
        ));
        rest = &after[(end + 1).min(after.len())..];
    }
    out.push_str(rest);
    out
}

/// SQLite's placeholders in PostgreSQL's form: `?N` becomes `$N`, and a bare `?` takes the
/// number after the largest so far, as SQLite numbers it. Quoted text is left alone.
pub fn numbered(sql: &str) -> Cow<'_, str> {
    if !sql.contains('?') {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len() + 8);
    let mut largest = 0u32;
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '?') => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                let n = match digits.parse::<u32>() {
                    Ok(n) => n,
                    Err(_) => largest + 1,
                };
                largest = largest.max(n);
                out.push('$');
                out.push_str(&n.to_string());
                continue;
            }
            (None, _) => {}
        }
        out.push(c);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{for_postgres, numbered};

    #[test]
    fn placeholders_are_numbered_as_sqlite_numbers_them() {
        assert_eq!(numbered("SELECT 1"), "SELECT 1");
        assert_eq!(
            numbered("SELECT a FROM t WHERE b = ? AND c = ?"),
            "SELECT a FROM t WHERE b = $1 AND c = $2"
        );
        assert_eq!(
            numbered("UPDATE t SET a = ?2 WHERE id = ?1 AND b = ?"),
            "UPDATE t SET a = $2 WHERE id = $1 AND b = $3"
        );
        assert_eq!(
            numbered("SELECT '?', \"a?\" FROM t WHERE x = ?"),
            "SELECT '?', \"a?\" FROM t WHERE x = $1"
        );
    }

    #[test]
    fn id_lists_become_rows_of_numbers() {
        assert_eq!(
            for_postgres("SELECT a FROM t WHERE b = ? AND id IN (SELECT value FROM json_each(?3))"),
            "SELECT a FROM t WHERE b = $1 AND id IN (SELECT value FROM (SELECT CAST(value AS BIGINT) \
             AS value FROM json_array_elements_text(CAST($3 AS JSON))) AS json_each)"
        );
        assert_eq!(
            for_postgres("WHERE instr(q.text, ?1) > 0"),
            "WHERE strpos(q.text, $1) > 0"
        );
    }
}
