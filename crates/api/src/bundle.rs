//! The SPA ships as several wasm bundles, so a doctor's phone loads only what the page in
//! front of them needs. Which bundle answers a path is decided here, once, for the SPA
//! (client-side navigation within a bundle, a page load into another) and for the server
//! (which page it sends for a deep link or a reload).

/// One wasm bundle of the SPA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bundle {
    /// Sign-in, home and the daily work: the first load of almost every visit.
    Doctor,
    /// Pages a doctor needs rarely: reading and accepting the agreements, their history,
    /// and the consultation service settings.
    Account,
    /// Onboarding (profile, licence photos; the heaviest code of all, photo compression
    /// included), done once and again when a licence expires.
    Onboarding,
    /// The hospital's reviewer console.
    Review,
}

impl Bundle {
    pub const ALL: [Bundle; 4] = [
        Bundle::Doctor,
        Bundle::Account,
        Bundle::Onboarding,
        Bundle::Review,
    ];

    /// The bundle that routes `path` (a query or fragment is ignored).
    pub fn for_path(path: &str) -> Bundle {
        let path = path.split(['?', '#']).next().unwrap_or("");
        let under = |prefix: &str| {
            path.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if under("/review") {
            Bundle::Review
        } else if under("/agreements") || under("/me/agreements") || under("/settings") {
            Bundle::Account
        } else if under("/onboarding") {
            Bundle::Onboarding
        } else {
            Bundle::Doctor
        }
    }

    /// Its build under `dist/`, which is also the URL prefix of its assets ("" for the
    /// doctor app at the root).
    pub fn dir(self) -> &'static str {
        match self {
            Bundle::Doctor => "",
            Bundle::Account => "account",
            Bundle::Onboarding => "onboarding",
            Bundle::Review => "review",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_find_their_bundle() {
        for (path, bundle) in [
            ("/", Bundle::Doctor),
            ("/login?next=%2Fagreements", Bundle::Doctor),
            ("/onboarding", Bundle::Onboarding),
            ("/onboardingx", Bundle::Doctor),
            ("/reviewers", Bundle::Doctor),
            ("/agreementsx", Bundle::Doctor),
            ("/review", Bundle::Review),
            ("/review/12", Bundle::Review),
            ("/review/agreements", Bundle::Review),
            ("/agreements", Bundle::Account),
            ("/agreements?next=%2F", Bundle::Account),
            ("/agreements/privacy-policy/1.0.0", Bundle::Account),
            ("/me/agreements", Bundle::Account),
            ("/settings/consultation", Bundle::Account),
            ("/inbox/12", Bundle::Doctor),
            ("/me/profile", Bundle::Doctor),
        ] {
            assert_eq!(Bundle::for_path(path), bundle, "{path}");
        }
    }
}
