//! Sending SMS codes. Production plugs a gateway in behind `SmsSender`; development and
//! tests use the in-memory outbox, readable at `GET /api/v1/dev/sms-outbox`.

use std::{collections::HashMap, sync::Mutex};

use chrono::{DateTime, Utc};
use doctor_desk_api::auth::{DevSmsMessage, SmsPurpose};

#[async_trait::async_trait]
pub trait SmsSender: Send + Sync + 'static {
    async fn send_code(
        &self,
        phone: &str,
        purpose: SmsPurpose,
        code: &str,
        at: DateTime<Utc>,
    ) -> anyhow::Result<()>;

    /// The latest code sent to a phone, where the sender keeps one (the dev outbox).
    fn latest(&self, _phone: &str) -> Option<DevSmsMessage> {
        None
    }
}

/// Keeps the latest code per phone in memory.
#[derive(Default)]
pub struct DevOutbox {
    latest: Mutex<HashMap<String, DevSmsMessage>>,
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

    fn latest(&self, phone: &str) -> Option<DevSmsMessage> {
        self.latest.lock().expect("outbox lock").get(phone).cloned()
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
}
