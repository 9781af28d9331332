//! Our own sample texts (zh-CN and en) of both documents, published as 1.0.0 for the demo
//! and used by tests. A real hospital publishes its own with `admin publish-agreement`.

use doctor_desk_api::agreements::{AgreementKind, PublishRequest};

use crate::{error::AppResult, state::AppState};

const SERVICE_ZH: &str = include_str!("../../agreements/service-agreement.zh-CN.md");
const SERVICE_EN: &str = include_str!("../../agreements/service-agreement.en.md");
const PRIVACY_ZH: &str = include_str!("../../agreements/privacy-policy.zh-CN.md");
const PRIVACY_EN: &str = include_str!("../../agreements/privacy-policy.en.md");

/// The title of a Markdown document: its first `# ` heading.
pub fn title_of(markdown: &str) -> Option<String> {
    markdown
        .lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// Version 1.0.0 of a kind, in both languages.
pub fn first_version(kind: AgreementKind) -> PublishRequest {
    let (zh, en) = match kind {
        AgreementKind::ServiceAgreement => (SERVICE_ZH, SERVICE_EN),
        AgreementKind::PrivacyPolicy => (PRIVACY_ZH, PRIVACY_EN),
    };
    PublishRequest {
        kind: Some(kind),
        version: "1.0.0".into(),
        title: title_of(zh).unwrap_or_default(),
        change_summary: "首次发布。".into(),
        body: zh.into(),
        title_en: title_of(en).unwrap_or_default(),
        change_summary_en: "First version.".into(),
        body_en: en.into(),
    }
}

/// Publishes the samples for each kind that has no version yet.
pub async fn publish_missing(state: &AppState) -> AppResult<()> {
    let current = super::current_versions(state).await?;
    for kind in AgreementKind::ALL {
        if !current.iter().any(|c| c.kind == kind) {
            super::publish::publish(state, None, &first_version(kind)).await?;
        }
    }
    Ok(())
}
