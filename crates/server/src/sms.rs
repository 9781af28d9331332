//! Sending SMS: codes, and notices such as follow-up reminders. Production plugs a gateway
//! in behind `SmsSender`; development and tests use the in-memory outbox, readable at
//! `GET /api/v1/dev/sms-outbox` (codes) and `GET /api/v1/dev/sms-notices` (notices).

use std::{collections::HashMap, sync::Mutex};

use chrono::{DateTime, Utc};
use doctor_desk_api::auth::{DevSmsMessage, DevSmsNotice, SmsPurpose};

#[async_trait::async_trait]
pub trait SmsSender: Send + Sync + 'static {
    async fn send_code(
        &self,
        phone: &str,
        purpose: SmsPurpose,
        code: &str,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()>;

    /// A notice: free text for the patient (a follow-up reminder), not a code.
    async fn send_notice(&self, phone: &str, text: &str, at: DateTime<Utc>) -> anyhow::Result<()>;

    /// The latest code sent to a phone, where the sender keeps one (the dev outbox).
    fn latest(&self, _phone: &str) -> Option<DevSmsMessage> {
        None
    }

    /// The latest notice sent to a phone, where the sender keeps one (the dev outbox).
    fn latest_notice(&self, _phone: &str) -> Option<DevSmsNotice> {
        None
    }
}

/// Keeps the latest code and the latest notice per phone in memory.
#[derive(Default)]
pub struct DevOutbox {
    latest: Mutex<HashMap<String, DevSmsMessage>>,
    notices: Mutex<HashMap<String, DevSmsNotice>>,
}

#[async_trait::async_trait]
impl SmsSender for DevOutbox {
    async fn send_code(
        &self,
        phone: &str,
        purpose: SmsPurpose,
        code: &str,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        tracing::info!(
            phone,
            purpose = purpose.as_str(),
            "dev SMS code issued (read it from the dev outbox)"
        );
        let message = DevSmsMessage {
            phone: phone.to_owned(),
            purpose,
            code: code.to_owned(),
            sent_at: at,
        };
        self.latest
            .lock()
            .expect("outbox lock")
            .insert(phone.to_owned(), message);
        Ok(())
    }

    async fn send_notice(&self, phone: &str, text: &str, at: DateTime<Utc>) -> anyhow::Result<()> {
        tracing::info!(phone, "dev SMS notice sent (read it from the dev outbox)");
        let notice = DevSmsNotice {
            phone: phone.to_owned(),
            text: text.to_owned(),
            sent_at: at,
        };
        self.notices
            .lock()
            .expect("outbox lock")
            .insert(phone.to_owned(), notice);
        Ok(())
    }

    fn latest(&self, phone: &str) -> Option<DevSmsMessage> {
        self.latest.lock().expect("outbox lock").get(phone).cloned()
    }

    fn latest_notice(&self, phone: &str) -> Option<DevSmsNotice> {
        self.notices
            .lock()
            .expect("outbox lock")
            .get(phone)
            .cloned()
    }
}

/// Without a gateway configured the server cannot deliver codes; it refuses loudly
/// instead of pretending.
pub struct NoGateway;

#[async_trait::async_trait]
impl SmsSender for NoGateway {
    async fn send_code(
        &self,
        _: &str,
        _: SmsPurpose,
        _: &str,
        _: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        anyhow::bail!("no SMS gateway is configured; run with --dev to use the in-memory outbox")
    }

    async fn send_notice(&self, _: &str, _: &str, _: DateTime<Utc>) -> anyhow::Result<()> {
        anyhow::bail!("no SMS gateway is configured; run with --dev to use the in-memory outbox")
    }
}
