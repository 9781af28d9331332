//! Races on sign-in and SMS codes: lockouts, code caps, code guesses, one use of a code.

use serde_json::json;

use crate::{
    app_with, scalar,
    wire::{counts, post, tally, Checks, Who, Wire},
};

const PHONE: &str = "13912340001";
const PASSWORD: &str = "secret123";

fn login(password: &str) -> serde_json::Value {
    json!({"phone": PHONE, "password": password, "remember": true})
}

/// 40 wrong passwords from one address: 5 are checked, 35 refused, and the right password
/// from there is refused too while the lock lasts.
pub async fn lockout_per_client() -> Checks {
    let app = app_with(|_| {}).await;
    app.browser().register(PHONE, PASSWORD).await;
    let wire = Wire::start(&app).await;
    let who = Who::anonymous().at_ip("203.0.113.9");
    let calls = (0..40)
        .map(|_| post(&who, "/api/v1/auth/login", login("wrong1234")))
        .collect();
    let mut c = Checks::default();
    c.eq(
        "answers",
        tally(&wire.all_at_once(calls).await),
        counts(&[("401 invalid_credentials", 5), ("429 login_locked", 35)]),
    );
    c.eq(
        "failures counted",
        scalar(
            &app,
            "SELECT COUNT(*) FROM rate_hits WHERE bucket = 'login_client'",
        )
        .await,
        5,
    );
    let right = wire
        .send(post(&who, "/api/v1/auth/login", login(PASSWORD)))
        .await;
    c.eq("the right password while locked", right.status, 429);
    c
}

/// 40 wrong passwords from 40 addresses: the phone's own cap (20) holds.
pub async fn lockout_per_phone() -> Checks {
    let app = app_with(|_| {}).await;
    app.browser().register(PHONE, PASSWORD).await;
    let wire = Wire::start(&app).await;
    let calls = (0..40)
        .map(|i| {
            let who = Who::anonymous().at_ip(format!("198.51.100.{i}"));
            post(&who, "/api/v1/auth/login", login("wrong1234"))
        })
        .collect();
    let mut c = Checks::default();
    c.eq(
        "answers",
        tally(&wire.all_at_once(calls).await),
        counts(&[("401 invalid_credentials", 20), ("429 login_locked", 20)]),
    );
    c.eq(
        "failures counted for the phone",
        scalar(
            &app,
            "SELECT COUNT(*) FROM rate_hits WHERE bucket = 'login_phone'",
        )
        .await,
        20,
    );
    c
}

fn code_request(who: &Who, phone: &str, purpose: &str) -> crate::wire::Call {
    post(
        who,
        "/api/v1/auth/sms-codes",
        json!({"phone": phone, "purpose": purpose}),
    )
}

/// 40 code requests for one phone at once: one code within the resend wait.
pub async fn sms_resend_wait() -> Checks {
    let app = app_with(|_| {}).await;
    let wire = Wire::start(&app).await;
    let who = Who::anonymous().at_ip("203.0.113.9");
    let calls = (0..40)
        .map(|_| code_request(&who, PHONE, "register"))
        .collect();
    let mut c = Checks::default();
    c.eq(
        "answers",
        tally(&wire.all_at_once(calls).await),
        counts(&[("204", 1), ("429 rate_limited", 39)]),
    );
    c.eq(
        "codes stored",
        scalar(&app, "SELECT COUNT(*) FROM sms_codes").await,
        1,
    );
    c
}

/// 40 requests for one phone from 40 addresses, no resend wait: the daily cap (3).
pub async fn sms_per_phone_per_day() -> Checks {
    let app = app_with(|c| {
        c.limits.sms_phone_interval_secs = 0;
        c.limits.sms_phone_per_day = 3;
    })
    .await;
    let wire = Wire::start(&app).await;
    let calls = (0..40)
        .map(|i| {
            let who = Who::anonymous().at_ip(format!("198.51.100.{i}"));
            code_request(&who, PHONE, "register")
        })
        .collect();
    let mut c = Checks::default();
    c.eq(
        "answers",
        tally(&wire.all_at_once(calls).await),
        counts(&[("204", 3), ("429 rate_limited", 37)]),
    );
    c.eq(
        "codes stored",
        scalar(&app, "SELECT COUNT(*) FROM sms_codes").await,
        3,
    );
    c
}

/// 40 phones from one address: the per-address cap (4 an hour).
pub async fn sms_per_ip() -> Checks {
    let app = app_with(|c| c.limits.sms_ip_per_hour = 4).await;
    let wire = Wire::start(&app).await;
    let who = Who::anonymous().at_ip("203.0.113.50");
    let calls = (0..40)
        .map(|i| code_request(&who, &format!("1391111{i:04}"), "register"))
        .collect();
    let mut c = Checks::default();
    c.eq(
        "answers",
        tally(&wire.all_at_once(calls).await),
        counts(&[("204", 4), ("429 rate_limited", 36)]),
    );
    c.eq(
        "codes stored",
        scalar(&app, "SELECT COUNT(*) FROM sms_codes").await,
        4,
    );
    c
}

/// 40 look-ups of unregistered phones from one address: 10 answered, the rest refused.
pub async fn sms_lookups_per_ip() -> Checks {
    let app = app_with(|c| c.limits.sms_requests_per_ip_per_hour = 10).await;
    let wire = Wire::start(&app).await;
    let who = Who::anonymous().at_ip("203.0.113.77");
    let calls = (0..40)
        .map(|i| code_request(&who, &format!("1390000{i:04}"), "login"))
        .collect();
    let mut c = Checks::default();
    c.eq(
        "answers",
        tally(&wire.all_at_once(calls).await),
        counts(&[("404 phone_not_registered", 10), ("429 rate_limited", 30)]),
    );
    c.eq(
        "look-ups counted",
        scalar(
            &app,
            "SELECT COUNT(*) FROM rate_hits WHERE bucket = 'sms_request_ip'",
        )
        .await,
        10,
    );
    c
}

/// A wrong code guessed 40 times at once (a doctor's or a patient's sign-in): 5
/// comparisons, then the code is burnt and the right one no longer works.
pub async fn sms_code_guesses(patient: bool) -> Checks {
    let app = app_with(|_| {}).await;
    let (phone, path, purpose) = if patient {
        ("13722221111", "/api/v1/patient/auth/login", "patient_login")
    } else {
        app.browser().register(PHONE, PASSWORD).await;
        app.clock.advance(chrono::Duration::seconds(61));
        (PHONE, "/api/v1/auth/login", "login")
    };
    let wire = Wire::start(&app).await;
    let who = Who::anonymous().at_ip("203.0.113.9");
    let mut c = Checks::default();
    c.eq(
        "code sent",
        wire.send(code_request(&who, phone, purpose)).await.status,
        204,
    );
    let code = wire.outbox_code(phone).await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let body = |code: &str| {
        json!({"phone": phone, "sms_code": code, "name": "张三", "sex": "male",
               "birth_date": "1970-03-15"})
    };
    let calls = (0..40).map(|_| post(&who, path, body(wrong))).collect();
    c.eq(
        "answers",
        tally(&wire.all_at_once(calls).await),
        counts(&[("422 sms_code_invalid", 40)]),
    );
    c.eq(
        "attempts used",
        scalar(&app, "SELECT MAX(failed_attempts) FROM sms_codes").await,
        5,
    );
    let right = wire.send(post(&who, path, body(&code))).await;
    c.eq("the right code after the guesses", right.status, 422);
    c
}

/// One code sent 40 times at once with a sign-up (doctor) or a sign-in (patient): it
/// works once; one account, one session.
pub async fn sms_code_used_once(patient: bool) -> Checks {
    let app = app_with(|_| {}).await;
    let wire = Wire::start(&app).await;
    let phone = "13722223333";
    let purpose = if patient { "patient_login" } else { "register" };
    let who = Who::anonymous().at_ip("203.0.113.9");
    let mut c = Checks::default();
    c.eq(
        "code sent",
        wire.send(code_request(&who, phone, purpose)).await.status,
        204,
    );
    let code = wire.outbox_code(phone).await;
    let calls = (0..40)
        .map(|i| {
            if patient {
                post(
                    &who,
                    "/api/v1/patient/auth/login",
                    json!({"phone": phone, "sms_code": code, "name": format!("患者{i}"),
                           "sex": "female", "birth_date": "1980-01-01"}),
                )
            } else {
                post(
                    &who,
                    "/api/v1/auth/register",
                    json!({"phone": phone, "sms_code": code, "password": format!("secret{i:04}")}),
                )
            }
        })
        .collect();
    let answers = tally(&wire.all_at_once(calls).await);
    let ok = if patient { "200" } else { "201" };
    // A sign-up that comes after the winner may be told the phone is taken instead.
    let refused = answers.get("422 sms_code_invalid").copied().unwrap_or(0)
        + answers.get("409 phone_taken").copied().unwrap_or(0);
    c.eq(
        &format!("answers {answers:?}: one in, 39 refused"),
        (answers.get(ok).copied().unwrap_or(0), refused),
        (1, 39),
    );
    let table = if patient { "patients" } else { "accounts" };
    c.eq(
        "accounts",
        scalar(
            &app,
            &format!("SELECT COUNT(*) FROM {table} WHERE phone = '{phone}'"),
        )
        .await,
        1,
    );
    c
}
