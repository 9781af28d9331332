use std::sync::Arc;

use doctor_desk_api::posts::compliance::Rules;
use sqlx::SqlitePool;

use crate::{clock::Clock, config::Config, sms::SmsSender};

/// Everything a handler may need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: SqlitePool,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub sms: Arc<dyn SmsSender>,
    /// Wakes the doctors' event streams.
    pub hub: Arc<crate::inbox::events::Hub>,
    /// When the inbox's next deadline falls (reads skip the sweep until then).
    pub next_deadline: Arc<crate::inbox::deadlines::NextDeadline>,
    /// The compliance word lists posts are checked against (read once at start).
    pub rules: Arc<Rules>,
}
