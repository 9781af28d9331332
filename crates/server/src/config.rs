use std::{path::PathBuf, time::Duration};

/// How a server instance is set up. `main.rs` fills it from flags and env vars; tests
/// build it directly.
#[derive(Debug, Clone)]
pub struct Config {
    /// Holds the SQLite file (unless `database_url` says otherwise) and uploads.
    pub data_dir: PathBuf,
    /// `sqlite://…` URL; defaults to `<data_dir>/doctor-desk.db`.
    pub database_url: Option<String>,
    /// Where uploaded files are stored: `None` for `<data_dir>/files`; a folder, or
    /// `s3://bucket/prefix` for an S3-compatible object store (see `files::FileStore`).
    pub files: Option<String>,
    /// The object store's settings, as object_store's keys (`aws_endpoint`,
    /// `aws_access_key_id`, `aws_secret_access_key`, `aws_region`, `aws_allow_http`, …).
    pub files_options: StoreSettings,
    /// The built SPA (`trunk build` output). Without it the server is API-only.
    pub dist_dir: Option<PathBuf>,
    /// Development mode: codes go to an in-memory outbox readable at `/api/v1/dev/sms-outbox`.
    pub dev: bool,
    /// Seed the demo accounts when the database is new.
    pub demo_data: bool,
    /// Mark cookies `Secure` (set when served over https).
    pub secure_cookies: bool,
    /// Take the client IP from `X-Forwarded-For` (only behind a proxy you run).
    pub trust_proxy: bool,
    /// How many proxies of ours stand in front (with `trust_proxy`): the client IP is the
    /// entry the outermost of them appended, counted from the right; what the client wrote
    /// itself further left is ignored.
    pub trusted_proxies: usize,
    /// Allow `dev` (the open SMS outbox) on an address other than loopback.
    pub dev_allow_remote: bool,
    /// The hospital's compliance word lists for posts (`data/compliance.txt`'s format);
    /// `None`: the lists built into the server. A file that does not parse stops the start.
    pub compliance_rules: Option<PathBuf>,
    /// Where the public pages are reached, e.g. `https://desk.example.cn`: their absolute
    /// links (Open Graph) start with it. `None`: the request's `Host`.
    pub public_origin: Option<String>,
    /// How long a request waits for the database when another writer holds it (SQLite's
    /// busy timeout) or for a free connection of the pool; past it the request answers
    /// 503 `busy` with `Retry-After` instead of hanging.
    pub db_busy_timeout: Duration,
    pub limits: Limits,
}

impl Config {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Config {
            data_dir: data_dir.into(),
            database_url: None,
            files: None,
            files_options: StoreSettings::default(),
            dist_dir: None,
            dev: false,
            demo_data: false,
            secure_cookies: false,
            trust_proxy: false,
            trusted_proxies: 1,
            dev_allow_remote: false,
            compliance_rules: None,
            public_origin: None,
            db_busy_timeout: Duration::from_secs(5),
            limits: Limits::default(),
        }
    }

    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}",
                self.data_dir.join("doctor-desk.db").display()
            )
        })
    }
}

/// The object store's settings. They hold its secret key: `Debug` shows the keys only.
#[derive(Clone, Default)]
pub struct StoreSettings(pub Vec<(String, String)>);

impl std::fmt::Debug for StoreSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(key, _)| key))
            .finish()
    }
}

/// Abuse limits. Defaults follow what Chinese SMS gateways and peers allow.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Seconds between two codes to one phone.
    pub sms_phone_interval_secs: i64,
    /// Codes per phone in 24 hours.
    pub sms_phone_per_day: i64,
    /// Codes per client IP in one hour.
    pub sms_ip_per_hour: i64,
    /// How long a code stays valid.
    pub sms_code_ttl_secs: i64,
    /// Wrong guesses before a code is burnt.
    pub sms_code_max_attempts: i64,
    /// Failed password sign-ins for one phone from one client IP before that pair is locked.
    pub login_failures_before_lock: i64,
    /// Failed password sign-ins for one phone from anywhere before its password sign-in is
    /// locked (SMS-code sign-in still works, so strangers cannot lock a doctor out).
    pub login_failures_per_phone: i64,
    pub login_lock_secs: i64,
    /// Code requests (sent or refused) per client IP in one hour: bounds probing which
    /// phones are registered.
    pub sms_requests_per_ip_per_hour: i64,
    /// Session lifetime with "remember me".
    pub session_remember_secs: i64,
    /// Session lifetime without it (the cookie also ends with the browser).
    pub session_browser_secs: i64,
    /// A session unused this long ends, whatever its lifetime.
    pub session_idle_secs: i64,
    /// How often an open event stream checks that its session is still live (expiry; an
    /// ended session closes its streams at once).
    pub stream_session_check_secs: u64,
    /// Quick replies per doctor.
    pub quick_replies_max: i64,
    /// Uploads that nothing refers to are deleted after this long.
    pub unreferenced_upload_secs: i64,
    /// How long a request to the file store may take to start answering before the client
    /// gets 503 `busy` (the object store out of reach, or stalled).
    pub file_store_timeout_secs: u64,
    /// A stored file without a row (its upload's transaction never committed: the server
    /// stopped in between) is deleted once it is this old, by the store's own clock.
    pub orphan_file_secs: u64,
    /// Public questions one patient may ask in an hour.
    pub questions_per_patient_per_hour: i64,
    /// Appeals (tries included: a wrong code counts) from one client in a day.
    pub appeals_per_ip_per_day: i64,
    /// Appeals for one ID number in a day.
    pub appeals_per_id_number_per_day: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            sms_phone_interval_secs: 60,
            sms_phone_per_day: 10,
            sms_ip_per_hour: 30,
            sms_code_ttl_secs: 5 * 60,
            sms_code_max_attempts: 5,
            login_failures_before_lock: 5,
            login_failures_per_phone: 20,
            login_lock_secs: 15 * 60,
            sms_requests_per_ip_per_hour: 60,
            session_remember_secs: 30 * 24 * 3600,
            session_browser_secs: 12 * 3600,
            session_idle_secs: 7 * 24 * 3600,
            stream_session_check_secs: 60,
            quick_replies_max: 50,
            unreferenced_upload_secs: 24 * 3600,
            orphan_file_secs: 3600,
            file_store_timeout_secs: 30,
            questions_per_patient_per_hour: 5,
            appeals_per_ip_per_day: 10,
            appeals_per_id_number_per_day: 5,
        }
    }
}
