//! The compliance check of a post: patient privacy (phone numbers, ID numbers, a name next
//! to a diagnosis, addresses) and advertising (efficacy promises, comparisons, prescription
//! drug promotion, brand names; 广告法 Art. 16). The same code runs live in the SPA and on
//! the server, which is authoritative; the word lists are data the hospital edits
//! (`Rules::parse`), never code.
//!
//! No regex: the SPA must not carry one. Scanners walk the text by hand.

use serde::{Deserialize, Serialize};

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
}

/// One list of words and what a match means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WordList {
    pub rule: Rule,
    pub severity: Severity,
    pub words: Vec<String>,
}
