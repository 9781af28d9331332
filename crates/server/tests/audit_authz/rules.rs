//! What each actor must get, by the access class of an operation: signed out 401, a wrong
//! role 403, another owner's object 404 (exactly as if it did not exist), the owner its
//! success status.

use crate::client::{Actor, Req};
use crate::setup::Ids;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any account session (doctor or reviewer), about the caller itself.
    SignedIn,
    /// Any doctor, about the doctor itself (reviewer-only accounts are not doctors).
    Doctor,
    /// An object of doctor A: doctor B gets 404.
    OwnedByA,
    /// Reviewers only.
    ReviewerOnly,
    /// Any patient session, about the patient itself. Patients have their own cookie: to
    /// the patient endpoints a doctor's session is no session at all (401), and the other
    /// way round.
    Patient,
    /// An object of patient A: patient B gets 404.
    OwnedByPatientA,
}

/// When the calls expected to succeed run: the ones that spoil an object for others
/// (a decision, a deletion, a new agreement version, signing out) come later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Normal,
    /// Changes of state after which other calls on the object are refused.
    Late,
    Delete,
    /// A new agreement version: every doctor call after it is 403 until accepted.
    Republish,
    SignOut,
}

pub type Build = fn(&Ids, Actor) -> Req;

pub struct Row {
    pub method: &'static str,
    /// The path exactly as the OpenAPI document names it.
    pub path: &'static str,
    pub access: Access,
    /// The status of a caller the class lets through.
    pub ok: u16,
    pub stage: Stage,
    pub build: Build,
    /// Where one actor's answer differs from its class (and why, in the table).
    pub overrides: Vec<(Actor, u16)>,
}

impl Row {
    pub fn late(mut self) -> Row {
        self.stage = Stage::Late;
        self
    }

    pub fn stage(mut self, stage: Stage) -> Row {
        self.stage = stage;
        self
    }

    pub fn except(mut self, actor: Actor, status: u16) -> Row {
        self.overrides.push((actor, status));
        self
    }

    pub fn expected(&self, actor: Actor) -> u16 {
        if let Some((_, status)) = self.overrides.iter().find(|(a, _)| *a == actor) {
            return *status;
        }
        let ok = self.ok;
        use crate::client::Actor::*;
        match (self.access, actor) {
            (Access::Public, _) => ok,
            (Access::Patient | Access::OwnedByPatientA, PatientA) => ok,
            (Access::Patient, PatientB) => ok,
            (Access::OwnedByPatientA, PatientB) => 404,
            (Access::Patient | Access::OwnedByPatientA, _) => 401,
            (_, SignedOut | PatientA | PatientB) => 401,
            (Access::SignedIn, _) => ok,
            (Access::ReviewerOnly, Reviewer) => ok,
            (Access::ReviewerOnly, _) => 403,
            (_, Reviewer) => 403,
            (Access::Doctor, _) => ok,
            (Access::OwnedByA, DoctorA) => ok,
            (Access::OwnedByA, _) => 404,
        }
    }

    /// Whether `actor` is refused: such calls run first and must change nothing.
    pub fn refuses(&self, actor: Actor) -> bool {
        matches!(self.expected(actor), 401 | 403 | 404)
    }
}

pub fn row(method: &'static str, path: &'static str, access: Access, ok: u16, build: Build) -> Row {
    Row {
        method,
        path,
        access,
        ok,
        stage: Stage::Normal,
        build,
        overrides: Vec::new(),
    }
}

/// The error code that goes with a refusal.
pub fn refusal_code(status: u16) -> Option<&'static str> {
    match status {
        401 => Some("unauthorized"),
        403 => Some("forbidden"),
        404 => Some("not_found"),
        _ => None,
    }
}
