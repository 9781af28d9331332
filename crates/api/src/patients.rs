//! Patient management: my patients (`/patients`), their tags (`/tags`), private notes with
//! their versions, doctor-recorded clinical facts and one timeline of everything that
//! happened with a patient. A patient is "mine" from the first consultation I accepted;
//! every other patient answers 404, like one that does not exist.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    inbox::{Advice, ConsultationStatus, Evidence, PriorDiagnosis},
    onboarding::Gender,
    validate::{self, check, FieldError, FieldErrors},
};

pub const TAG_NAME_MAX: usize = 12;
/// Tags one doctor may keep.
pub const TAGS_MAX: usize = 50;
pub const NOTE_MAX: usize = 2_000;
pub const CLINICAL_MAX: usize = 500;
/// Patients one bulk request may tag.
pub const BULK_MAX: usize = 500;
pub const PAGE_MAX: u32 = 100;

/// A tag's colour, from a palette whose text and background pass WCAG AA together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TagColor {
    #[default]
    Gray,
    Red,
    Orange,
    Green,
    Teal,
    Blue,
    Purple,
}

impl TagColor {
    pub const ALL: [TagColor; 7] = [
        TagColor::Gray,
        TagColor::Red,
        TagColor::Orange,
        TagColor::Green,
        TagColor::Teal,
        TagColor::Blue,
        TagColor::Purple,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TagColor::Gray => "gray",
            TagColor::Red => "red",
            TagColor::Orange => "orange",
            TagColor::Green => "green",
            TagColor::Teal => "teal",
            TagColor::Blue => "blue",
            TagColor::Purple => "purple",
        }
    }

    pub fn parse(s: &str) -> TagColor {
        TagColor::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .unwrap_or_default()
    }
}

/// A tag as it is shown on a patient.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagChip {
    pub id: i64,
    pub name: String,
    pub color: TagColor,
}

/// `GET /tags`: one of my tags and how many of my patients carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tag {
    pub id: i64,
    pub name: String,
    pub color: TagColor,
    pub patient_count: u32,
}

/// `POST /tags`, `PUT /tags/{id}`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagInput {
    pub name: String,
    #[serde(default)]
    pub color: TagColor,
}

impl TagInput {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check(
            &mut errors,
            "name",
            validate::text(&self.name, TAG_NAME_MAX),
        );
        errors
    }
}

/// `PUT /patients/{id}/tags`: the patient's whole set of tags.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientTags {
    pub tag_ids: Vec<i64>,
}

/// `POST /tags/{id}/patients`: add one tag to many patients.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkTag {
    pub patient_ids: Vec<i64>,
}

impl BulkTag {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if self.patient_ids.is_empty() {
            errors.push(("patient_ids", FieldError::Required));
        } else if self.patient_ids.len() > BULK_MAX {
            errors.push(("patient_ids", FieldError::OutOfRange));
        }
        errors
    }
}

/// The answer to a bulk tagging: how many patients carry the tag now that did not before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkTagged {
    pub added: u32,
    pub patient_count: u32,
}

/// How `GET /patients` orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PatientSort {
    /// The most recent consultation first.
    #[default]
    LastConsultation,
    /// Who became my patient most recently first.
    Newest,
    /// The soonest next open follow-up visit first (overdue ones before today's); the
    /// patients without an open visit after all the others, most recent consultation first.
    NextFollowUp,
}

impl PatientSort {
    pub const ALL: [PatientSort; 3] = [
        PatientSort::LastConsultation,
        PatientSort::Newest,
        PatientSort::NextFollowUp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PatientSort::LastConsultation => "last_consultation",
            PatientSort::Newest => "newest",
            PatientSort::NextFollowUp => "next_follow_up",
        }
    }

    pub fn parse(s: &str) -> Option<PatientSort> {
        PatientSort::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// One row of my patients: masked name (张*), sex, age, tags, last consultation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientRow {
    pub id: i64,
    pub masked_name: String,
    pub sex: Gender,
    pub age: u32,
    pub tags: Vec<TagChip>,
    /// When the patient last asked me for a consultation I accepted.
    #[serde(with = "crate::time::utc")]
    pub last_consultation_at: DateTime<Utc>,
    /// The earliest open (planned or reminded) follow-up visit, China date.
    #[serde(default)]
    #[serde(with = "crate::time::date_option")]
    pub next_follow_up: Option<NaiveDate>,
}

/// `GET /patients`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientPage {
    pub items: Vec<PatientRow>,
    /// Pass as `cursor` for the next page; `None` on the last one.
    pub next_cursor: Option<String>,
    /// Patients matching the search and filter, over all pages.
    pub total: u32,
}

/// What the doctor records of a patient's health: free text with line breaks.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Clinical {
    /// 慢性病 / 既往史
    pub conditions: String,
    /// 过敏史
    pub allergies: String,
}

impl Clinical {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check(
            &mut errors,
            "conditions",
            validate::optional_text(&self.conditions, CLINICAL_MAX),
        );
        check(
            &mut errors,
            "allergies",
            validate::optional_text(&self.allergies, CLINICAL_MAX),
        );
        errors
    }
}

/// `GET /patients/{id}`: the doctor treats this patient, so the full name is shown; the
/// phone stays masked until `POST /patients/{id}/reveal-phone` (which is audited).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PatientDetail {
    pub id: i64,
    pub name: String,
    pub sex: Gender,
    pub age: u32,
    #[serde(with = "crate::time::date")]
    pub birth_date: NaiveDate,
    /// `138****8000`
    pub masked_phone: String,
    pub tags: Vec<TagChip>,
    pub clinical: Clinical,
    /// When the patient became mine (the first consultation I accepted).
    #[serde(with = "crate::time::utc")]
    pub since: DateTime<Utc>,
    #[serde(with = "crate::time::utc")]
    pub last_consultation_at: DateTime<Utc>,
    /// Consultations with me, all statuses.
    pub consultation_count: u32,
}

/// `POST /patients/{id}/reveal-phone`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevealedPhone {
    pub phone: String,
}

/// An earlier text of a note, kept when it was edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoteVersion {
    /// 1 is the first text.
    pub version: u32,
    pub text: String,
    /// When this text was written.
    #[serde(with = "crate::time::utc")]
    pub written_at: DateTime<Utc>,
    /// Who wrote it (the doctor's name).
    pub written_by: String,
}

/// A private note: never shown to the patient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Note {
    pub id: i64,
    pub text: String,
    /// The current text's number (1 until the first edit).
    pub version: u32,
    #[serde(with = "crate::time::utc")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "crate::time::utc")]
    pub updated_at: DateTime<Utc>,
    pub written_by: String,
    /// Older texts, newest first.
    pub history: Vec<NoteVersion>,
}

/// `POST /patients/{id}/notes`, `PUT /patients/{id}/notes/{note_id}`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoteInput {
    pub text: String,
    /// On edit: the version the doctor edited. An edit of an older version than the
    /// current one is refused (409 `conflict`) instead of silently overwriting.
    #[serde(default)]
    pub version: Option<u32>,
}

impl NoteInput {
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        check(&mut errors, "text", validate::text(&self.text, NOTE_MAX));
        errors
    }
}

/// A consultation as the patient's timeline shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineConsultation {
    pub id: i64,
    pub status: ConsultationStatus,
    pub complaint: String,
    pub prior_diagnosis: PriorDiagnosis,
    pub evidence: Vec<Evidence>,
    pub advice: Option<Advice>,
}

/// What happened, in one entry of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimelineItem {
    Consultation(TimelineConsultation),
    Note(Note),
    /// A visit of one of my follow-up plans for the patient, in any state.
    FollowUp(crate::follow_ups::FollowUp),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    /// When it started: a consultation's request, a note's first text; a follow-up visit
    /// is placed at 09:00 China time of its due date (so planned visits come first).
    #[serde(with = "crate::time::utc")]
    pub at: DateTime<Utc>,
    pub item: TimelineItem,
}

/// `GET /patients/{id}/timeline`: newest first, one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelinePage {
    pub items: Vec<TimelineEntry>,
    pub next_cursor: Option<String>,
}

/// Whether a search is the last 4 digits of a phone (otherwise it is part of a name).
pub fn is_phone_tail(q: &str) -> bool {
    q.len() == 4 && q.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_names_are_short_and_not_blank() {
        let ok = TagInput {
            name: "高血压".into(),
            color: TagColor::Red,
        };
        assert!(ok.validate().is_empty());
        let blank = TagInput {
            name: "  ".into(),
            ..ok.clone()
        };
        assert_eq!(blank.validate(), vec![("name", FieldError::Required)]);
        let long = TagInput {
            name: "一".repeat(TAG_NAME_MAX + 1),
            ..ok
        };
        assert_eq!(long.validate(), vec![("name", FieldError::TooLong)]);
    }

    #[test]
    fn colours_round_trip_and_unknown_is_gray() {
        for c in TagColor::ALL {
            assert_eq!(TagColor::parse(c.as_str()), c);
        }
        assert_eq!(TagColor::parse("chartreuse"), TagColor::Gray);
    }

    #[test]
    fn sorts_round_trip_with_their_wire_names() {
        for sort in PatientSort::ALL {
            assert_eq!(PatientSort::parse(sort.as_str()), Some(sort));
            assert_eq!(
                serde_json::to_value(sort).unwrap(),
                serde_json::json!(sort.as_str())
            );
        }
        assert_eq!(
            PatientSort::parse("next_follow_up"),
            Some(PatientSort::NextFollowUp)
        );
        assert_eq!(PatientSort::parse("alphabetical"), None);
    }

    #[test]
    fn four_digits_search_the_phone() {
        assert!(is_phone_tail("8000"));
        assert!(!is_phone_tail("800"));
        assert!(!is_phone_tail("张三"));
    }

    #[test]
    fn timeline_items_say_their_kind() {
        let note = TimelineItem::Note(Note {
            id: 1,
            text: "x".into(),
            version: 1,
            created_at: DateTime::<Utc>::default(),
            updated_at: DateTime::<Utc>::default(),
            written_by: String::new(),
            history: vec![],
        });
        let json = serde_json::to_value(&note).unwrap();
        assert_eq!(json["kind"], "note");
    }
}
