//! Clause-by-clause comparison of two versions, for doctors asked to accept again.
//!
//! Clauses are matched by heading with the numbering stripped ("三、费用" and "四、费用" are
//! the same clause after a new one was inserted before it); within a matched clause the
//! text is compared word by word (each Han character is a word).

use doctor_desk_api::agreements::{ClauseChange, ClauseChangeKind, DiffOp, DiffSegment};
use similar::{Algorithm, ChangeTag, TextDiff};

use crate::markdown::Clause;

pub fn changes(old: &[Clause], new: &[Clause]) -> Vec<ClauseChange> {
    let mut out = Vec::new();
    let mut matched = vec![false; old.len()];
    for clause in new {
        let wanted = key(&clause.title);
        let found = old
            .iter()
            .enumerate()
            .find(|(i, c)| !matched[*i] && key(&c.title) == wanted);
        match found {
            Some((i, before)) => {
                matched[i] = true;
                if before.text != clause.text {
                    out.push(ClauseChange {
                        title: clause.title.clone(),
                        anchor: clause.anchor.clone(),
                        change: ClauseChangeKind::Changed,
                        segments: diff(&before.text, &clause.text),
                    });
                }
            }
            None => out.push(ClauseChange {
                title: clause.title.clone(),
                anchor: clause.anchor.clone(),
                change: ClauseChangeKind::Added,
                segments: vec![DiffSegment {
                    op: DiffOp::Added,
                    text: clause.text.clone(),
                }],
            }),
        }
    }
    for (before, _) in old.iter().zip(&matched).filter(|(_, m)| !**m) {
        out.push(ClauseChange {
            title: before.title.clone(),
            anchor: None,
            change: ClauseChangeKind::Removed,
            segments: vec![DiffSegment {
                op: DiffOp::Removed,
                text: before.text.clone(),
            }],
        });
    }
    out
}

/// The heading without its numbering: "第三条 费用", "三、费用" and "3. Fees" → "费用" / "fees".
fn key(title: &str) -> String {
    let numbering = |c: char| {
        c.is_ascii_digit()
            || c.is_whitespace()
            || "一二三四五六七八九十百零第条章节、.．)）(（:：".contains(c)
    };
    let mut rest = title.trim_start_matches(numbering);
    for word in ["Article", "Section", "article", "section"] {
        if let Some(r) = rest.strip_prefix(word) {
            rest = r.trim_start_matches(numbering);
        }
    }
    rest.trim().to_lowercase()
}

fn diff(old: &str, new: &str) -> Vec<DiffSegment> {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Patience)
        .deadline(std::time::Instant::now() + std::time::Duration::from_millis(200))
        .diff_unicode_words(old, new);
    let mut segments: Vec<DiffSegment> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => DiffOp::Same,
            ChangeTag::Insert => DiffOp::Added,
            ChangeTag::Delete => DiffOp::Removed,
        };
        match segments.last_mut() {
            Some(last) if last.op == op => last.text.push_str(change.value()),
            _ => segments.push(DiffSegment {
                op,
                text: change.value().to_owned(),
            }),
        }
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::render;

    #[test]
    fn renumbered_clauses_match_and_only_differences_are_listed() {
        let old = render("## 一、定义\n\n甲方是医院。\n\n## 二、费用\n\n咨询费由患者支付。\n\n## 三、争议\n\n协商解决。\n", "c");
        let new = render("## 一、定义\n\n甲方是医院。\n\n## 二、账号安全\n\n妥善保管密码。\n\n## 三、费用\n\n咨询费由患者在线支付。\n", "c");
        let changes = changes(&old.clauses, &new.clauses);
        let summary: Vec<_> = changes
            .iter()
            .map(|c| (c.title.as_str(), c.change))
            .collect();
        assert_eq!(
            summary,
            [
                ("二、账号安全", ClauseChangeKind::Added),
                ("三、费用", ClauseChangeKind::Changed),
                ("三、争议", ClauseChangeKind::Removed),
            ]
        );
        let fees = &changes[1];
        assert_eq!(fees.anchor.as_deref(), Some("c3"));
        let added: String = fees
            .segments
            .iter()
            .filter(|s| s.op == DiffOp::Added)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(added, "在线");
        let rebuilt: String = fees
            .segments
            .iter()
            .filter(|s| s.op != DiffOp::Removed)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(rebuilt, "咨询费由患者在线支付。");
    }

    #[test]
    fn numbering_is_not_part_of_the_key() {
        assert_eq!(key("第三条 费用"), "费用");
        assert_eq!(key("四、费用"), "费用");
        assert_eq!(key("3. Fees"), "fees");
        assert_eq!(key("Article 12: Fees"), "fees");
    }
}
