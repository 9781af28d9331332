//! The compliance check of a post: patient privacy (phone numbers, ID numbers, a name next
//! to a diagnosis, addresses) and advertising (efficacy promises, comparisons, prescription
//! drug promotion, brand names; 广告法 Art. 16). The same code runs live in the SPA and on
//! the server, which is authoritative; the word lists are data the hospital edits
//! (`Rules::parse`), never code.
//!
//! No regex: the SPA must not carry one. Scanners walk the text by hand ([`scan`]).
//!
//! The format of the rules file is described at the top of the built-in one,
//! `crates/server/data/compliance.txt`.

mod scan;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use scan::{Dict, Surnames};

/// How a finding weighs on a submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Blocks submission until fixed.
    Error,
    /// Allowed once the doctor explicitly keeps it ("keep anyway", recorded).
    Warning,
}

/// Which rule found something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// A mainland mobile or landline number.
    Phone,
    /// An 18-digit resident ID number with a valid checksum.
    IdNumber,
    /// A person's name (surname + 1–2 characters, or 某 forms) close to a diagnosis.
    NameWithDiagnosis,
    /// A street address (…路…号, …小区…栋…室).
    Address,
    /// A cure or efficacy promise (根治, 治愈率, 包好, 无副作用 …).
    CurePromise,
    /// A comparison with other doctors, hospitals or treatments (最好, 第一 …).
    Comparison,
    /// A prescription drug named in a promoting way.
    PrescriptionDrug,
    /// A brand name from the maintained list.
    Brand,
}

/// Which field of the post a finding is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Title,
    Body,
}

/// One thing the check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    pub field: Field,
    /// Byte offsets of the match in the field's text (`start..end`).
    pub start: usize,
    pub end: usize,
    /// The matched text.
    pub text: String,
    /// Stable across edits elsewhere in the text (`{rule}:{text}`): what "keep anyway"
    /// records.
    pub key: String,
}

/// The word lists, as the hospital maintains them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rules {
    pub lists: Vec<WordList>,
    /// The surnames the name rule knows (`[surnames]`), one or two characters each.
    #[serde(default)]
    pub surnames: Vec<String>,
    /// Phrases that contain a listed word without meaning it (`[allow]`: 根治术 is an
    /// operation, not a promise). The longest match wins, so an allowed phrase hides the
    /// word inside it.
    #[serde(default)]
    pub allow: Vec<String>,
}

/// One list of words and what a match means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WordList {
    pub rule: Rule,
    pub severity: Severity,
    pub words: Vec<String>,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        [Severity::Error, Severity::Warning]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

impl Rule {
    /// In declaration order, so `rule as usize` is a rule's index here.
    pub const ALL: [Rule; 8] = [
        Rule::Phone,
        Rule::IdNumber,
        Rule::NameWithDiagnosis,
        Rule::Address,
        Rule::CurePromise,
        Rule::Comparison,
        Rule::PrescriptionDrug,
        Rule::Brand,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Phone => "phone",
            Rule::IdNumber => "id_number",
            Rule::NameWithDiagnosis => "name_with_diagnosis",
            Rule::Address => "address",
            Rule::CurePromise => "cure_promise",
            Rule::Comparison => "comparison",
            Rule::PrescriptionDrug => "prescription_drug",
            Rule::Brand => "brand",
        }
    }

    pub fn parse(s: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Phone and ID numbers need no words, so they run even without a section; a privacy
    /// rule must not go quiet because a hospital's file left it out.
    fn default_severity(self) -> Option<Severity> {
        match self {
            Rule::Phone | Rule::IdNumber => Some(Severity::Error),
            _ => None,
        }
    }

    /// Whether the rule is a list of words to find as they are.
    fn is_word_list(self) -> bool {
        matches!(
            self,
            Rule::CurePromise | Rule::Comparison | Rule::PrescriptionDrug | Rule::Brand
        )
    }
}

impl Rules {
    /// Reads the rules file: `[rule severity]` sections of one word or phrase a line,
    /// `[surnames]` (several a line) and `[allow]`; `#` comments. The error names the line.
    pub fn parse(text: &str) -> Result<Rules, String> {
        enum Section {
            List(usize),
            Surnames,
            Allow,
        }
        let mut rules = Rules::default();
        let mut section = None;
        let mut name_line = None;
        // Editors on Windows save a byte-order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (index, line) in text.lines().enumerate() {
            let n = index + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(header) = line.strip_prefix('[') {
                let header = header
                    .strip_suffix(']')
                    .ok_or_else(|| format!("line {n}: a section header ends with `]`"))?;
                let parts: Vec<&str> = header.split_whitespace().collect();
                section = Some(match parts[..] {
                    ["surnames"] => Section::Surnames,
                    ["allow"] => Section::Allow,
                    [rule, severity] => {
                        let rule = Rule::parse(rule)
                            .ok_or_else(|| format!("line {n}: unknown rule `{rule}`"))?;
                        let severity = Severity::parse(severity).ok_or_else(|| {
                            format!("line {n}: unknown severity `{severity}` (error or warning)")
                        })?;
                        if rules.lists.iter().any(|l| l.rule == rule) {
                            return Err(format!(
                                "line {n}: a second section for `{}`",
                                rule.as_str()
                            ));
                        }
                        if rule == Rule::NameWithDiagnosis {
                            name_line = Some(n);
                        }
                        rules.lists.push(WordList {
                            rule,
                            severity,
                            words: Vec::new(),
                        });
                        Section::List(rules.lists.len() - 1)
                    }
                    _ => {
                        return Err(format!(
                            "line {n}: expected `[rule error]`, `[rule warning]`, `[surnames]` \
                             or `[allow]`"
                        ))
                    }
                });
                continue;
            }
            match section {
                None => return Err(format!("line {n}: `{line}` comes before any section")),
                Some(Section::Surnames) => {
                    for surname in line.split_whitespace() {
                        let count = surname.chars().count();
                        if !(1..=2).contains(&count) || !surname.chars().all(scan::is_han) {
                            return Err(format!(
                                "line {n}: `{surname}` is no surname (one or two Chinese characters)"
                            ));
                        }
                        rules.surnames.push(surname.to_owned());
                    }
                }
                Some(Section::Allow) => rules.allow.push(line.to_owned()),
                Some(Section::List(i)) => {
                    let list = &mut rules.lists[i];
                    match list.rule {
                        Rule::Phone | Rule::IdNumber => {
                            return Err(format!(
                                "line {n}: `{}` takes no words",
                                list.rule.as_str()
                            ))
                        }
                        Rule::Address if line == "N" => {
                            return Err(format!("line {n}: `N` needs a unit after it (N号)"))
                        }
                        _ => list.words.push(line.to_owned()),
                    }
                }
            }
        }
        let names = rules
            .lists
            .iter()
            .any(|l| l.rule == Rule::NameWithDiagnosis && !l.words.is_empty());
        if let (Some(n), true, true) = (name_line, names, rules.surnames.is_empty()) {
            return Err(format!(
                "line {n}: name_with_diagnosis needs a [surnames] section"
            ));
        }
        Ok(rules)
    }

    /// How a rule's findings weigh; `None` for a rule that is off (a word list, or the
    /// name or address rule, without a section).
    pub fn severity_of(&self, rule: Rule) -> Option<Severity> {
        self.lists
            .iter()
            .find(|l| l.rule == rule)
            .map(|l| l.severity)
            .or(rule.default_severity())
    }

    fn words(&self, rule: Rule) -> impl Iterator<Item = &String> {
        self.lists
            .iter()
            .filter(move |l| l.rule == rule)
            .flat_map(|l| &l.words)
    }
}

/// Tag of an `[allow]` phrase among the words.
const ALLOWED: u8 = u8::MAX;

/// The rules made ready to scan. [`check`] builds one each time, which costs little next to
/// the scan; the SPA may keep one while the rules stay the same.
#[derive(Debug, Clone)]
pub struct Checker {
    severity: [Option<Severity>; Rule::ALL.len()],
    /// The word-list rules and `[allow]`, tagged with the rule's index.
    words: Dict,
    diagnoses: Dict,
    surnames: Surnames,
    places: Dict,
    units: Dict,
}

impl Checker {
    pub fn new(rules: &Rules) -> Checker {
        let mut words = Dict::default();
        for list in rules.lists.iter().filter(|l| l.rule.is_word_list()) {
            for word in &list.words {
                words.add(word, list.rule as u8);
            }
        }
        for phrase in &rules.allow {
            words.add(phrase, ALLOWED);
        }
        let mut diagnoses = Dict::default();
        for word in rules.words(Rule::NameWithDiagnosis) {
            diagnoses.add(word, 0);
        }
        let (mut places, mut units) = (Dict::default(), Dict::default());
        for word in rules.words(Rule::Address) {
            match word.strip_prefix('N') {
                Some(unit) => {
                    let room = unit.starts_with(['室', '户']);
                    units.add(unit, if room { scan::ROOM } else { 0 });
                }
                None => places.add(word, 0),
            }
        }
        Checker {
            severity: Rule::ALL.map(|r| rules.severity_of(r)),
            words,
            diagnoses,
            surnames: Surnames::new(&rules.surnames),
            places,
            units,
        }
    }

    /// Everything found in a title and a body: the title's findings first, each field's in
    /// the order of the text.
    pub fn check(&self, title: &str, body: &str) -> Vec<Finding> {
        let mut findings = Vec::new();
        self.scan(Field::Title, title, &mut findings);
        self.scan(Field::Body, body, &mut findings);
        findings.sort_by_key(|f| (f.field == Field::Body, f.start, f.end));
        findings
    }

    fn scan(&self, field: Field, text: &str, findings: &mut Vec<Finding>) {
        let mut chars = Vec::with_capacity(text.len() / 2);
        let mut offsets = Vec::with_capacity(text.len() / 2 + 1);
        for (offset, c) in text.char_indices() {
            chars.push(c);
            offsets.push(offset);
        }
        offsets.push(text.len());
        scan::hide_addresses(&mut chars);
        let t = &chars[..];
        let mut push = |rule: Rule, start: usize, end: usize| {
            if let Some(severity) = self.severity[rule as usize] {
                let (start, end) = (offsets[start], offsets[end]);
                let text = text[start..end].to_owned();
                findings.push(Finding {
                    rule,
                    severity,
                    field,
                    start,
                    end,
                    key: format!("{}:{text}", rule.as_str()),
                    text,
                });
            }
        };
        for (start, end, rule) in scan::numbers(t) {
            push(rule, start, end);
        }
        for (start, end, tag) in self.words.find_all(t) {
            if let Some(&rule) = Rule::ALL.get(usize::from(tag)) {
                push(rule, start, end);
            }
        }
        if self.severity[Rule::NameWithDiagnosis as usize].is_some() && !self.diagnoses.is_empty() {
            let diagnoses: Vec<_> = self
                .diagnoses
                .find_all(t)
                .into_iter()
                .map(|(s, e, _)| (s, e))
                .collect();
            if !diagnoses.is_empty() {
                for (start, end) in scan::names_near(t, &self.surnames, &diagnoses) {
                    push(Rule::NameWithDiagnosis, start, end);
                }
            }
        }
        if self.severity[Rule::Address as usize].is_some() && !self.units.is_empty() {
            for (start, end) in scan::addresses(t, &self.places, &self.units) {
                push(Rule::Address, start, end);
            }
        }
    }
}

/// Everything the rules find in a post's title and body, title first, each field in the
/// order of its text. `start..end` are byte offsets into the field.
pub fn check(rules: &Rules, title: &str, body: &str) -> Vec<Finding> {
    Checker::new(rules).check(title, body)
}

/// The findings that stop a submission: every error, and each warning the doctor did not
/// keep (`kept` holds [`Finding::key`]s).
pub fn blocking<'a>(findings: &'a [Finding], kept: &[String]) -> Vec<&'a Finding> {
    findings
        .iter()
        .filter(|f| f.severity == Severity::Error || !kept.contains(&f.key))
        .collect()
}
