//! The hand-written scanners. They walk a field as characters, not bytes: most of the text
//! is three-byte CJK, and the windows of the rules ("within 20 characters") are counted in
//! characters. Every scanner returns `start..end` ranges of character indices.

use std::collections::HashMap;

use super::Rule;

/// What replaces the characters no rule may see (link targets, bare URLs): it is no digit,
/// letter, separator or sentence end, so nothing matches across it.
pub(super) const HIDDEN: char = '\0';

pub(super) fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}')
}

/// Chinese input methods type full-width digits as easily as ASCII ones.
fn digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '０'..='９' => Some((c as u32 - '０' as u32) as u8),
        _ => None,
    }
}

fn is_digit(c: char) -> bool {
    digit(c).is_some()
}

fn digit_at(t: &[char], i: usize) -> bool {
    t.get(i).copied().is_some_and(is_digit)
}

/// What people type between the groups of a phone number.
fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '\u{3000}' | '－')
}

fn starts_with(t: &[char], i: usize, word: &str) -> bool {
    (i..).zip(word.chars()).all(|(k, c)| t.get(k) == Some(&c))
}

/// The length of the first of `words` found at `i`.
fn any_at(t: &[char], i: usize, words: &[&str]) -> Option<usize> {
    words
        .iter()
        .find(|w| starts_with(t, i, w))
        .map(|w| w.chars().count())
}

/// Blanks out what the rules must not read: the target of a Markdown link or image
/// (`[text](target)`, `![alt](/p/img/…)`: image names are digits) and bare web addresses.
pub(super) fn hide_addresses(t: &mut [char]) {
    let mut i = 0;
    while i < t.len() {
        if t[i] == ']' && t.get(i + 1) == Some(&'(') {
            let close = t[i + 2..]
                .iter()
                .position(|&c| c == ')' || c == '\n')
                .map(|p| i + 2 + p);
            if let Some(close) = close.filter(|&c| t[c] == ')') {
                t[i + 2..close].fill(HIDDEN);
                i = close + 1;
                continue;
            }
        }
        if t[i] == 'h' && (starts_with(t, i, "http://") || starts_with(t, i, "https://")) {
            let end = t[i..]
                .iter()
                .position(|&c| c.is_whitespace() || !c.is_ascii() || matches!(c, ')' | '>' | '"'))
                .map_or(t.len(), |p| i + p);
            t[i..end].fill(HIDDEN);
            i = end;
            continue;
        }
        i += 1;
    }
}

/// Phone and ID numbers. A match starts where a run of digits starts and ends where it
/// ends, so no part of an order number, a date or an ID number reads as a phone.
pub(super) fn numbers(t: &[char]) -> Vec<(usize, usize, Rule)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let c = t[i];
        let found = match c {
            '+' | '＋' => plus86(t, i).map(|e| (e, Rule::Phone)),
            '(' | '（' => bracketed_landline(t, i).map(|e| (e, Rule::Phone)),
            _ if is_digit(c) && !(i > 0 && is_digit(t[i - 1])) => id_number(t, i)
                .map(|e| (e, Rule::IdNumber))
                .or_else(|| mobile(t, i).map(|e| (e, Rule::Phone)))
                .or_else(|| landline(t, i).map(|e| (e, Rule::Phone))),
            _ => None,
        };
        match found {
            Some((end, rule)) => {
                out.push((i, end, rule));
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

fn id_number(t: &[char], i: usize) -> Option<usize> {
    let ascii = (i..i + 18)
        .map(|k| {
            let c = *t.get(k)?;
            match digit(c) {
                Some(d) => Some(char::from(b'0' + d)),
                None => matches!(c, 'X' | 'x').then_some('X'),
            }
        })
        .collect::<Option<String>>()?;
    let next = t.get(i + 18).copied();
    if next.is_some_and(|c| is_digit(c) || c.is_ascii_alphanumeric()) {
        return None;
    }
    crate::validate::id_number(&ascii).ok()?;
    Some(i + 18)
}

/// `13800138000`, `138 0013 8000`, `138-0013-8000`: 1, 3–9, nine more digits, grouped
/// 3-4-4 at most.
fn mobile(t: &[char], i: usize) -> Option<usize> {
    let mut digits = [0u8; 11];
    let mut k = i;
    for (n, d) in digits.iter_mut().enumerate() {
        if (n == 3 || n == 7) && t.get(k).copied().is_some_and(is_separator) && digit_at(t, k + 1) {
            k += 1;
        }
        *d = digit(*t.get(k)?)?;
        k += 1;
    }
    let ok = digits[0] == 1 && (3..=9).contains(&digits[1]) && !digit_at(t, k);
    ok.then_some(k)
}

/// `+86 138 0013 8000`, `+8613800138000`.
fn plus86(t: &[char], i: usize) -> Option<usize> {
    if t.get(i + 1) != Some(&'8') || t.get(i + 2) != Some(&'6') {
        return None;
    }
    let mut k = i + 3;
    if t.get(k).copied().is_some_and(is_separator) {
        k += 1;
    }
    mobile(t, k)
}

/// The digits of an area code at `i`: 0 then 10 or 2x (Beijing, Shanghai, Guangzhou …),
/// else 0 and three digits.
fn area_code(t: &[char], i: usize) -> Option<usize> {
    if t.get(i).copied().and_then(digit) != Some(0) {
        return None;
    }
    let second = t.get(i + 1).copied().and_then(digit)?;
    if second == 0 {
        return None;
    }
    let len = if second <= 2 { 3 } else { 4 };
    (i + 2..i + len).all(|k| digit_at(t, k)).then_some(len)
}

/// Seven or eight digits, then no more.
fn local_number(t: &[char], k: usize) -> Option<usize> {
    let n = t[k.min(t.len())..]
        .iter()
        .take(9)
        .take_while(|&&c| is_digit(c))
        .count();
    (7..=8).contains(&n).then_some(k + n)
}

/// `010-12345678`, `0571 8888888`. Written without a separator a landline is just a run of
/// digits, too often something else to flag.
fn landline(t: &[char], i: usize) -> Option<usize> {
    let k = i + area_code(t, i)?;
    if !t.get(k).copied().is_some_and(is_separator) {
        return None;
    }
    local_number(t, k + 1)
}

/// `(010)12345678`, `（0571） 8888888`.
fn bracketed_landline(t: &[char], i: usize) -> Option<usize> {
    let mut k = i + 1 + area_code(t, i + 1)?;
    if !matches!(t.get(k), Some(')' | '）')) {
        return None;
    }
    k += 1;
    if t.get(k) == Some(&' ') {
        k += 1;
    }
    local_number(t, k)
}

/// Words grouped by their first character, longest first, so a position costs one lookup
/// and a few comparisons however long the lists grow. ASCII letters are compared lower-case.
#[derive(Debug, Clone, Default)]
pub(super) struct Dict {
    by_first: HashMap<char, Vec<Entry>>,
}

/// A word, lower-case, and its tag.
type Entry = (Box<[char]>, u8);

impl Dict {
    pub(super) fn add(&mut self, word: &str, tag: u8) {
        let word: Box<[char]> = word.chars().map(|c| c.to_ascii_lowercase()).collect();
        if let Some(&first) = word.first() {
            let words = self.by_first.entry(first).or_default();
            words.push((word, tag));
            words.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.by_first.is_empty()
    }

    /// The longest word at `i`: its length and tag.
    pub(super) fn longest_at(&self, t: &[char], i: usize) -> Option<(usize, u8)> {
        let words = self.by_first.get(&t.get(i)?.to_ascii_lowercase())?;
        words
            .iter()
            .find(|(w, _)| word_at(t, i, w))
            .map(|(w, tag)| (w.len(), *tag))
    }

    /// Every match, leftmost first; a match hides the shorter ones inside it.
    pub(super) fn find_all(&self, t: &[char]) -> Vec<(usize, usize, u8)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < t.len() {
            match self.longest_at(t, i) {
                Some((len, tag)) => {
                    out.push((i, i + len, tag));
                    i += len;
                }
                None => i += 1,
            }
        }
        out
    }
}

/// An English word matches whole only: `ace` is not in `face`.
fn word_at(t: &[char], i: usize, w: &[char]) -> bool {
    let end = i + w.len();
    end <= t.len()
        && t[i..end]
            .iter()
            .zip(w.iter())
            .all(|(a, b)| a.to_ascii_lowercase() == *b)
        && !(w[0].is_ascii_alphanumeric() && i > 0 && t[i - 1].is_ascii_alphanumeric())
        && !(w[w.len() - 1].is_ascii_alphanumeric()
            && t.get(end).is_some_and(|c| c.is_ascii_alphanumeric()))
}

/// Tag of a numbered unit that names a room (室, 户).
pub(super) const ROOM: u8 = 1;

/// Characters that end the search for the start of a place name: 家住文三路 starts at 文.
const NOT_IN_PLACE: &str = "在住于到是的从往和与及或近位址为了去来回搬我你他她们";

/// Addresses: up to four place names each ending in a place marker (建国路, 阳光小区), then
/// up to five numbers each followed by a unit (88号, 3栋, 501室) and maybe a bare room
/// number (2单元301). At least one number, and either a place name or a room after another
/// number (3号楼502室): 3号 or 中山路 alone is no address, nor are the directions of a
/// hospital (3号楼2层, 1楼5号窗口).
pub(super) fn addresses(t: &[char], places: &Dict, units: &Dict) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        match address_at(t, i, places, units) {
            Some(end) => {
                out.push((i, end));
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

fn address_at(t: &[char], i: usize, places: &Dict, units: &Dict) -> Option<usize> {
    if i > 0 && is_digit(t[i - 1]) {
        return None;
    }
    let mut k = i;
    let mut named = 0;
    while named < 4 {
        let Some(end) = place_at(t, k, places) else {
            break;
        };
        k = end;
        named += 1;
    }
    let mut numbered = 0;
    let mut room = false;
    while numbered < 5 {
        let Some((end, tag)) = numbered_at(t, k, units) else {
            break;
        };
        k = end;
        numbered += 1;
        room = tag == ROOM;
    }
    if numbered == 0 {
        return None;
    }
    let digits = t[k..].iter().take(6).take_while(|&&c| is_digit(c)).count();
    if (2..=5).contains(&digits) && !t.get(k + digits).is_some_and(|c| c.is_ascii_alphanumeric()) {
        k += digits;
        room = true;
    }
    (named > 0 || (numbered >= 2 && room)).then_some(k)
}

/// One to six characters of a name, then a place marker.
fn place_at(t: &[char], i: usize, places: &Dict) -> Option<usize> {
    let mut k = i;
    while k < i + 6 {
        let c = *t.get(k)?;
        if !is_han(c) || NOT_IN_PLACE.contains(c) {
            return None;
        }
        k += 1;
        if let Some((len, _)) = places.longest_at(t, k) {
            return Some(k + len);
        }
    }
    None
}

/// Digits (`3`, `3-502`), then a unit.
fn numbered_at(t: &[char], i: usize, units: &Dict) -> Option<(usize, u8)> {
    let mut k = i;
    while k < i + 8 && (digit_at(t, k) || (k > i && t.get(k) == Some(&'-') && digit_at(t, k + 1))) {
        k += 1;
    }
    if k == i || digit_at(t, k) {
        return None;
    }
    let (len, tag) = units.longest_at(t, k)?;
    Some((k + len, tag))
}

/// The surnames of the name rule.
#[derive(Debug, Clone, Default)]
pub(super) struct Surnames {
    single: Vec<char>,
    double: Vec<[char; 2]>,
}

impl Surnames {
    pub(super) fn new<'a>(words: impl IntoIterator<Item = &'a String>) -> Surnames {
        let mut surnames = Surnames::default();
        for word in words {
            let chars: Vec<char> = word.chars().collect();
            match chars[..] {
                [c] => surnames.single.push(c),
                [a, b] => surnames.double.push([a, b]),
                _ => {}
            }
        }
        surnames.single.sort_unstable();
        surnames
    }

    /// The lengths of the surnames at `i`, a compound one (欧阳) first.
    fn at(&self, t: &[char], i: usize) -> impl Iterator<Item = usize> {
        let double = t
            .get(i..i + 2)
            .is_some_and(|pair| self.double.iter().any(|d| d[..] == *pair));
        let single = self.single.binary_search(&t[i]).is_ok();
        [(double, 2), (single, 1)]
            .into_iter()
            .filter_map(|(found, len)| found.then_some(len))
    }
}

/// How far a name and a diagnosis may be apart, in characters.
const NEAR: usize = 20;
const SENTENCE_END: &str = "。！？!?\n";

/// Forms of address that make a surname a name on its own (张先生, 王阿姨). Not 医生, 老师,
/// 主任: a doctor writes about colleagues too.
const TITLES: &[&str] = &[
    "先生",
    "女士",
    "小姐",
    "太太",
    "阿姨",
    "叔叔",
    "大爷",
    "大妈",
    "大娘",
    "大叔",
    "大姐",
    "大哥",
    "奶奶",
    "爷爷",
    "阿婆",
    "阿伯",
    "老伯",
    "师傅",
    "同学",
    "小朋友",
];
/// After these, a surname with one or two characters is a name: 患者张伟.
const BEFORE_NAME: &[&str] = &[
    "患者", "病人", "病友", "患儿", "家属", "老人", "姓名", "名叫", "叫做", "儿子", "女儿", "丈夫",
    "妻子", "父亲", "母亲", "爱人", "老伴", "邻居", "同事", "朋友",
];
/// What follows such a name: 患者张伟患有…, 患者李明确诊… (not 李明确).
const AFTER_NAME: &[&str] = &[
    "患有",
    "患了",
    "患",
    "罹患",
    "确诊",
    "诊断",
    "被诊断",
    "得了",
    "因",
    "于",
    "在",
    "曾",
    "今年",
    "现年",
];
/// Not characters of a given name: they begin the next word (张伟患有, 王芳的).
const NOT_GIVEN: &str =
    "的是在了患有和与及或因被等者们为从到于也都就可时诊病症说对把将但而又很更最不没要会能应该让使这那其之以所如若则即每各某性男女年龄岁后前中上下里内外先";
/// Words of a surname and one character that follow 患者 without being names.
const NOT_NAMES: &[&str] = &[
    "高龄", "高热", "高烧", "高危", "高度", "黄疸", "白天", "夏季", "冬季", "马上", "方可", "于是",
    "任何", "严重", "程度", "经常", "常常", "许多", "白领",
];
/// After 某 these make a word, not a name: 于某些, 由于某种.
const NOT_AFTER_MOU: &str = "些种个天次处位项一类方年月日时部段件人地样点期物";

/// Names within [`NEAR`] characters of a diagnosis in the same sentence. A name never
/// overlaps a diagnosis: 高血压 is no one called 高.
pub(super) fn names_near(
    t: &[char],
    surnames: &Surnames,
    diagnoses: &[(usize, usize)],
) -> Vec<(usize, usize)> {
    let mut sentence = Vec::with_capacity(t.len());
    let mut n = 0u32;
    for &c in t {
        sentence.push(n);
        if SENTENCE_END.contains(c) {
            n += 1;
        }
    }
    let near = |s: usize, e: usize| {
        let first = diagnoses.partition_point(|d| d.1 + NEAR < s);
        let mut found = false;
        for &(ds, de) in &diagnoses[first..] {
            if ds > e + NEAR {
                break;
            }
            if ds < e && de > s {
                return false;
            }
            found |= sentence[ds] == sentence[s];
        }
        found
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let name = surnames
            .at(t, i)
            .filter_map(|len| name_at(t, i, i + len))
            .find(|&end| near(i, end));
        match name {
            Some(end) => {
                out.push((i, end));
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

/// The end of the name whose surname is `i..j`.
fn name_at(t: &[char], i: usize, j: usize) -> Option<usize> {
    let cue = {
        let k = if i > 0 && matches!(t[i - 1], ':' | '：' | ' ') {
            i - 1
        } else {
            i
        };
        BEFORE_NAME.iter().any(|w| {
            let n = w.chars().count();
            k >= n && starts_with(t, k - n, w)
        })
    };
    let boundary = i == 0 || !is_han(t[i - 1]) || cue;
    // 于 is mostly the second half of 对于, 关于, 由于, 属于 …
    if j - i == 1 && t[i] == '于' && !boundary {
        return None;
    }
    if let Some(len) = any_at(t, j, TITLES) {
        return Some(j + len);
    }
    if t.get(j) == Some(&'某') {
        return match t.get(j + 1) {
            Some('某') => Some(j + 2),
            Some(&c) if NOT_AFTER_MOU.contains(c) => None,
            _ => Some(j + 1),
        };
    }
    if !boundary || NOT_NAMES.iter().any(|w| starts_with(t, i, w)) {
        return None;
    }
    for given in [2, 1] {
        let end = j + given;
        if end > t.len()
            || !t[j..end]
                .iter()
                .all(|&c| is_han(c) && !NOT_GIVEN.contains(c))
        {
            continue;
        }
        if let Some(len) = any_at(t, end, TITLES) {
            return Some(end + len);
        }
        // 张三，男，45岁 / 张三（女）
        let gender = matches!(t.get(end), Some('，' | ',' | '、' | '（' | '(' | ' '))
            && matches!(t.get(end + 1), Some('男' | '女'))
            && !t.get(end + 2).copied().is_some_and(is_han);
        let ends = t.get(end).is_none_or(|&c| !is_han(c)) || any_at(t, end, AFTER_NAME).is_some();
        if gender || (cue && ends) {
            return Some(end);
        }
    }
    None
}
