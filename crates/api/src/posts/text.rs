//! What the editor counts: words (each CJK character is one, a run of Latin letters or
//! digits is one) and the minutes a reader needs.

/// Characters (CJK) or words (other scripts) a reader gets through in a minute; Chinese
/// readers manage about 300–500 characters of health text a minute.
pub const READ_PER_MINUTE: usize = 400;

/// The words of a Markdown text: CJK characters one each, runs of other letters and
/// digits one each; Markdown marks and punctuation none.
pub fn word_count(text: &str) -> usize {
    let mut count = 0;
    let mut in_word = false;
    for c in text.chars() {
        if is_cjk(c) {
            count += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                count += 1;
            }
            in_word = true;
        } else {
            in_word = false;
        }
    }
    count
}

/// Whole minutes to read `words` (at least one for any text).
pub fn reading_minutes(words: usize) -> usize {
    if words == 0 {
        0
    } else {
        words.div_ceil(READ_PER_MINUTE)
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{AC00}'..='\u{D7AF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_of_chinese_and_words_of_english() {
        assert_eq!(word_count("高血压患者"), 5);
        assert_eq!(word_count("Take 2 tablets daily."), 4);
        assert_eq!(word_count("## 每天 walk 30 分钟！"), 6);
        assert_eq!(word_count("**  **\n- \n> "), 0);
    }

    #[test]
    fn reading_time_rounds_up() {
        assert_eq!(reading_minutes(0), 0);
        assert_eq!(reading_minutes(1), 1);
        assert_eq!(reading_minutes(400), 1);
        assert_eq!(reading_minutes(401), 2);
    }
}
