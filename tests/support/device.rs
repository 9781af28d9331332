//! Another device of the same doctor, beside the test's own browser: a second headless
//! Chromium (a desktop) with its own driver, profile and cookies, whatever the engine of
//! the test. `run` closes it with the first browser, also when the test fails.

use std::time::{Duration, Instant};

use fantoccini::{elements::Element, Client, Locator};

use super::{connect, start_driver, Engine, Harness, Process, Viewport, WAIT};

/// What `run` must close: the session, then its driver, then its profile.
pub(super) struct Opened {
    client: Client,
    driver: Process,
    profile: tempfile::TempDir,
}

impl Opened {
    pub(super) async fn close(self) {
        let _ = tokio::time::timeout(WAIT, self.client.close()).await;
        drop(self.driver);
        drop(self.profile);
    }
}

/// The other device, driven by test ids like the harness.
pub struct Device {
    pub client: Client,
    base: String,
}

impl Harness {
    /// Opens a second browser on the same server: another device of the same doctor.
    pub async fn other_device(&self) -> Device {
        let (driver, port, program) = start_driver(Engine::Chromium, None).await;
        let profile = tempfile::tempdir().expect("temp dir");
        let client = tokio::time::timeout(
            WAIT,
            connect(port, Engine::Chromium, Viewport::Desktop, profile.path()),
        )
        .await
        .unwrap_or_else(|_| panic!("{program} did not open a second browser"))
        .unwrap_or_else(|e| panic!("{program} refused a second browser: {e}"));
        self.others
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Opened {
                client: client.clone(),
                driver,
                profile,
            });
        Device {
            client,
            base: self.url(""),
        }
    }
}

impl Device {
    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .expect("navigate");
    }

    async fn testid(&self, id: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(&format!("[data-testid='{id}']")))
            .await
            .unwrap_or_else(|e| panic!("other device: no [data-testid={id}]: {e}"))
    }

    pub async fn fill(&self, id: &str, text: &str) {
        let input = self.testid(id).await;
        input.clear().await.expect("clear");
        input.send_keys(text).await.expect("type");
    }

    pub async fn click(&self, id: &str) {
        self.testid(id).await.click().await.expect("click");
    }

    /// Waits until the page's path (without the query) is `expected`.
    pub async fn wait_pathname(&self, expected: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let url = self.client.current_url().await.expect("url");
            if url.path() == expected {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "other device at {url}, expected {expected}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Signs in with a password from the sign-in page; ends on home.
    pub async fn sign_in(&self, phone: &str, password: &str) {
        self.goto("/login").await;
        self.fill("phone", phone).await;
        self.fill("password", password).await;
        self.click("login-submit").await;
        self.wait_pathname("/").await;
    }
}
