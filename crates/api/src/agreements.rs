//! Agreements: the versioned service agreement and privacy policy, the doctor's acceptances
//! (`/agreements/*`, `/me/acceptances`) and publishing new versions (`/review/agreements`).

use std::{cmp::Ordering, fmt};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    validate::{self, check, FieldError, FieldErrors},
    Lang,
};

pub const TITLE_MAX: usize = 100;
pub const SUMMARY_MAX: usize = 2_000;
pub const BODY_MAX: usize = 200_000;

/// The documents a doctor must accept before using anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum AgreementKind {
    /// 医生注册及服务协议
    ServiceAgreement,
    /// 隐私政策
    PrivacyPolicy,
}

impl AgreementKind {
    pub const ALL: [AgreementKind; 2] = [
        AgreementKind::ServiceAgreement,
        AgreementKind::PrivacyPolicy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AgreementKind::ServiceAgreement => "service-agreement",
            AgreementKind::PrivacyPolicy => "privacy-policy",
        }
    }

    pub fn parse(s: &str) -> Option<AgreementKind> {
        AgreementKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A semantic version `major.minor.patch`, compared numerically (1.10.0 > 1.9.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    /// Accepts exactly three dot-separated numbers without leading zeros.
    pub fn parse(s: &str) -> Result<Version, FieldError> {
        let mut parts = s.trim().split('.').map(|p| {
            let ok = !p.is_empty()
                && p.len() <= 6
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p == "0" || !p.starts_with('0'));
            ok.then(|| p.parse::<u32>().ok()).flatten()
        });
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(Some(major)), Some(Some(minor)), Some(Some(patch)), None) => Ok(Version {
                major,
                minor,
                patch,
            }),
            _ => Err(FieldError::VersionInvalid),
        }
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch).cmp(&(other.major, other.minor, other.patch))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// `GET /agreements/current`: the latest version of each kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CurrentAgreement {
    pub kind: AgreementKind,
    pub version: String,
    pub title: String,
    #[serde(with = "crate::time::utc")]
    pub published_at: DateTime<Utc>,
    /// The version the signed-in doctor accepted last; `None` when never (or signed out).
    pub accepted_version: Option<String>,
}

impl CurrentAgreement {
    /// Whether the doctor still has to accept this version.
    pub fn is_pending(&self) -> bool {
        self.accepted_version.as_deref() != Some(self.version.as_str())
    }
}

/// One entry of a document's table of contents (its second-level headings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TocEntry {
    /// The `id` of the heading in `html`.
    pub anchor: String,
    pub title: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClauseChangeKind {
    Added,
    Removed,
    Changed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DiffOp {
    Same,
    Added,
    Removed,
}

/// A run of plain text that is the same in both versions, new, or gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiffSegment {
    pub op: DiffOp,
    pub text: String,
}

/// How one clause (a second-level section) changed between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClauseChange {
    /// Heading of the clause (empty for the text before the first heading).
    pub title: String,
    /// Where the clause is in the new version; `None` when it was removed.
    pub anchor: Option<String>,
    pub change: ClauseChangeKind,
    pub segments: Vec<DiffSegment>,
}

/// `GET /agreements/{kind}/{version}?since=`: one version, in the request's language
/// (zh-CN when there is no text in that language).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgreementDocument {
    pub kind: AgreementKind,
    pub version: String,
    pub lang: Lang,
    pub title: String,
    /// One paragraph: what changed from the previous version.
    pub change_summary: String,
    /// `None` for a preview that is not published yet.
    #[serde(default, with = "crate::time::utc_option")]
    pub published_at: Option<DateTime<Utc>>,
    /// SHA-256 (hex) of the Markdown body: what an acceptance refers to.
    pub body_sha256: String,
    /// The Markdown source, as published.
    pub body: String,
    /// The body rendered by the server. Raw HTML in the source is shown as text, only
    /// http(s) and mailto links survive, and the result is sanitised again.
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Clause-by-clause changes since the version given in `since` (only the clauses that
    /// differ); `None` when not asked for.
    pub changes: Option<Vec<ClauseChange>>,
}

/// `POST /agreements/{kind}/{version}/acceptance`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptanceRequest {
    /// `body_sha256` of the text the doctor read: the acceptance binds exactly that text.
    pub body_sha256: String,
    /// The separate consent (PIPL Art. 28/29) to process patients' health information;
    /// required with the privacy policy, ignored otherwise.
    #[serde(default)]
    pub health_data_consent: bool,
}

impl AcceptanceRequest {
    pub fn validate(&self, kind: AgreementKind) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if kind == AgreementKind::PrivacyPolicy && !self.health_data_consent {
            errors.push(("health_data_consent", FieldError::ConsentRequired));
        }
        errors
    }
}

/// One recorded acceptance (`GET /me/acceptances`, newest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Acceptance {
    pub id: i64,
    pub kind: AgreementKind,
    pub version: String,
    /// Title of the accepted text.
    pub title: String,
    /// Language of the accepted text.
    pub lang: Lang,
    pub body_sha256: String,
    pub health_data_consent: bool,
    #[serde(with = "crate::time::utc")]
    pub accepted_at: DateTime<Utc>,
    pub client_ip: String,
    pub user_agent: String,
}

/// `POST /review/agreements` (and `/review/agreements/preview`): a new version. The
/// zh-CN text is required; the English one is optional, all three fields or none.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishRequest {
    pub kind: Option<AgreementKind>,
    pub version: String,
    pub title: String,
    pub change_summary: String,
    pub body: String,
    #[serde(default)]
    pub title_en: String,
    #[serde(default)]
    pub change_summary_en: String,
    #[serde(default)]
    pub body_en: String,
}

impl PublishRequest {
    pub fn has_english(&self) -> bool {
        [&self.title_en, &self.change_summary_en, &self.body_en]
            .iter()
            .any(|s| !s.trim().is_empty())
    }

    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if self.kind.is_none() {
            errors.push(("kind", FieldError::Required));
        }
        if self.version.trim().is_empty() {
            errors.push(("version", FieldError::Required));
        } else {
            check(
                &mut errors,
                "version",
                Version::parse(&self.version).map(|_| ()),
            );
        }
        check(&mut errors, "title", validate::text(&self.title, TITLE_MAX));
        check(
            &mut errors,
            "change_summary",
            validate::text(&self.change_summary, SUMMARY_MAX),
        );
        check(&mut errors, "body", validate::text(&self.body, BODY_MAX));
        if self.has_english() {
            check(
                &mut errors,
                "title_en",
                validate::text(&self.title_en, TITLE_MAX),
            );
            check(
                &mut errors,
                "change_summary_en",
                validate::text(&self.change_summary_en, SUMMARY_MAX),
            );
            check(
                &mut errors,
                "body_en",
                validate::text(&self.body_en, BODY_MAX),
            );
        }
        errors
    }
}

/// `GET /review/agreements`: every published version, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedVersion {
    pub kind: AgreementKind,
    pub version: String,
    pub title: String,
    #[serde(with = "crate::time::utc")]
    pub published_at: DateTime<Utc>,
    /// Languages the version has a text in.
    pub langs: Vec<Lang>,
    /// How many doctors accepted it.
    pub acceptances: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_strictly_and_compare_numerically() {
        let v = |s| Version::parse(s).unwrap();
        assert!(v("1.10.0") > v("1.9.3"));
        assert!(v("2.0.0") > v("1.99.99"));
        assert_eq!(v(" 1.2.3 ").to_string(), "1.2.3");
        for bad in [
            "1.2", "1.2.3.4", "01.2.3", "1.a.3", "", "v1.2.3", "1..3", "-1.2.3",
        ] {
            assert_eq!(
                Version::parse(bad),
                Err(FieldError::VersionInvalid),
                "{bad}"
            );
        }
    }

    #[test]
    fn kinds_round_trip() {
        for k in AgreementKind::ALL {
            assert_eq!(AgreementKind::parse(k.as_str()), Some(k));
            assert_eq!(
                serde_json::to_string(&k).unwrap(),
                format!("\"{}\"", k.as_str())
            );
        }
    }

    #[test]
    fn privacy_policy_needs_the_separate_consent() {
        let r = AcceptanceRequest {
            body_sha256: "x".into(),
            health_data_consent: false,
        };
        assert!(r.validate(AgreementKind::ServiceAgreement).is_empty());
        assert_eq!(
            r.validate(AgreementKind::PrivacyPolicy),
            vec![("health_data_consent", FieldError::ConsentRequired)]
        );
    }

    #[test]
    fn english_text_is_all_or_nothing() {
        let base = PublishRequest {
            kind: Some(AgreementKind::PrivacyPolicy),
            version: "1.0.0".into(),
            title: "隐私政策".into(),
            change_summary: "首次发布".into(),
            body: "## 一、总则\n正文".into(),
            ..Default::default()
        };
        assert!(base.validate().is_empty());
        let partial = PublishRequest {
            title_en: "Privacy policy".into(),
            ..base.clone()
        };
        let fields: Vec<_> = partial.validate().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["change_summary_en", "body_en"]);
        let fields: Vec<_> = PublishRequest::default()
            .validate()
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(
            fields,
            ["kind", "version", "title", "change_summary", "body"]
        );
    }
}
