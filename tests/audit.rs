//! The browser half of `cargo xtask audit` (issue 15): XSS and accessibility, each on a
//! real server and a fresh database, in headless Chromium at 375 px (WeChat) and 1280 px.
//! Each test prints its figures as `AUDIT <suite> tried=N passed=N failed=N` and fails
//! listing every finding. Alone: `cargo xtask audit xss a11y`.

#![cfg(not(target_arch = "wasm32"))]

// The e2e harness (it allows what this target leaves unused).
mod support;

#[path = "audit/a11y.rs"]
mod a11y_audit;
#[path = "audit/keyboard.rs"]
mod keyboard;
#[path = "audit/pages.rs"]
mod pages;
#[path = "audit/payloads.rs"]
mod payloads;
#[path = "audit/world.rs"]
mod world;
#[path = "audit/xss.rs"]
mod xss_audit;

use futures::FutureExt;
use support::{run, Engine, Viewport};
use world::Who;

/// Cases of one test; printed for the xtask, and every failure listed when any.
#[derive(Default)]
pub struct Figures {
    pub tried: u64,
    pub passed: u64,
    pub failed: u64,
    pub failures: Vec<String>,
}

impl Figures {
    fn report(self, suite: &str) {
        println!(
            "AUDIT {suite} tried={} passed={} failed={}",
            self.tried, self.passed, self.failed
        );
        assert!(
            self.failures.is_empty() && self.failed == 0,
            "{suite}: {} failures:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
    }
}

mod xss {
    use super::*;

    async fn case(name: &str, viewport: Viewport, who: &'static [Who]) {
        run(name, Engine::Chromium, viewport, move |h| {
            async move { xss_audit::audit(h, who).await.report("xss") }.boxed()
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "run by cargo xtask audit (it installs axe-core and builds dist/)"]
    async fn doctor_pages_phone() {
        case("xss-doctor", Viewport::Phone, &[Who::Doctor]).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "run by cargo xtask audit (it installs axe-core and builds dist/)"]
    async fn reviewer_and_public_pages_desktop() {
        case(
            "xss-reviewer",
            Viewport::Desktop,
            &[Who::Reviewer, Who::SignedOut],
        )
        .await;
    }
}

mod a11y {
    use super::*;

    async fn case(name: &str, viewport: Viewport, lang: &'static str) {
        run(name, Engine::Chromium, viewport, move |h| {
            async move { a11y_audit::audit(h, lang).await.report("a11y") }.boxed()
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "run by cargo xtask audit (it installs axe-core and builds dist/)"]
    async fn zh_phone() {
        case("a11y-zh", Viewport::Phone, "zh-CN").await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "run by cargo xtask audit (it installs axe-core and builds dist/)"]
    async fn en_phone() {
        case("a11y-en", Viewport::Phone, "en").await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "run by cargo xtask audit (it installs axe-core and builds dist/)"]
    async fn zh_desktop() {
        case("a11y-zh", Viewport::Desktop, "zh-CN").await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "run by cargo xtask audit (it installs axe-core and builds dist/)"]
    async fn en_desktop() {
        case("a11y-en", Viewport::Desktop, "en").await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "run by cargo xtask audit (it installs axe-core and builds dist/)"]
    async fn keyboard_only_desktop() {
        run("a11y-keyboard", Engine::Chromium, Viewport::Desktop, |h| {
            async move {
                keyboard::walk(h, &a11y_audit::PlainText)
                    .await
                    .report("a11y")
            }
            .boxed()
        })
        .await;
    }
}
