//! The one place that says which step may follow which: new → ongoing → closed,
//! new → declined, new or ongoing → closed by a deadline. Everything else is a 409.

use doctor_desk_api::{
    inbox::{CloseReason, ConsultationStatus},
    ErrorCode,
};

use crate::error::AppError;

/// Something that may happen to a consultation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Accept,
    /// The doctor asks for more information; the request stays new.
    Ask,
    Decline,
    /// The doctor ends it with advice.
    Close,
    /// The server closes it at a deadline.
    Expire,
    DoctorMessage,
    PatientMessage,
}

/// The status after `step`, or 409 `invalid_transition`. `follow_ups_left` and
/// `answering` matter after the end: the patient may send that many questions, and the
/// doctor may answer one that is waiting.
pub fn next(
    status: ConsultationStatus,
    close_reason: Option<CloseReason>,
    step: Step,
    follow_ups_left: u32,
    answering: bool,
) -> Result<ConsultationStatus, AppError> {
    use ConsultationStatus::*;
    use Step::*;
    let ended_with_advice = status == Closed && close_reason == Some(CloseReason::Advice);
    match (status, step) {
        (New, Accept) => Ok(Ongoing),
        (New, Ask) => Ok(New),
        (New, Decline) => Ok(Declined),
        (New | Ongoing, Expire) => Ok(Closed),
        (Ongoing, Close) => Ok(Closed),
        (Ongoing, DoctorMessage | PatientMessage) => Ok(Ongoing),
        // A patient answering the doctor's question before acceptance.
        (New, PatientMessage) => Ok(New),
        (Closed, PatientMessage) if ended_with_advice && follow_ups_left > 0 => Ok(Closed),
        (Closed, DoctorMessage) if ended_with_advice && answering => Ok(Closed),
        _ => Err(AppError::Code(ErrorCode::InvalidTransition)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConsultationStatus::*;
    use Step::*;

    const STEPS: [Step; 7] = [
        Accept,
        Ask,
        Decline,
        Close,
        Expire,
        DoctorMessage,
        PatientMessage,
    ];

    /// Every (status, step) pair: the legal ones and where they lead; all others refused.
    #[test]
    fn every_transition() {
        let legal = [
            (New, Accept, Ongoing),
            (New, Ask, New),
            (New, Decline, Declined),
            (New, Expire, Closed),
            (New, PatientMessage, New),
            (Ongoing, Close, Closed),
            (Ongoing, Expire, Closed),
            (Ongoing, DoctorMessage, Ongoing),
            (Ongoing, PatientMessage, Ongoing),
        ];
        for status in [New, Ongoing, Closed, Declined] {
            for step in STEPS {
                let expected = legal
                    .iter()
                    .find(|(s, t, _)| *s == status && *t == step)
                    .map(|(_, _, to)| *to);
                let got = next(status, None, step, 0, false).ok();
                assert_eq!(got, expected, "{status:?} + {step:?}");
            }
        }
    }

    #[test]
    fn after_the_end_only_follow_up_questions_and_their_answers() {
        let advice = Some(CloseReason::Advice);
        assert_eq!(
            next(Closed, advice, PatientMessage, 2, false).ok(),
            Some(Closed)
        );
        assert!(
            next(Closed, advice, PatientMessage, 0, false).is_err(),
            "used up"
        );
        assert_eq!(
            next(Closed, advice, DoctorMessage, 0, true).ok(),
            Some(Closed)
        );
        assert!(
            next(Closed, advice, DoctorMessage, 2, false).is_err(),
            "nothing to answer"
        );
        let expired = Some(CloseReason::NoReply);
        assert!(next(Closed, expired, PatientMessage, 2, false).is_err());
        assert!(next(Closed, advice, Close, 2, false).is_err());
    }
}
