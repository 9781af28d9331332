//! `doctor-desk-server simulate`: realistic patient traffic through the public HTTP API of
//! a running dev server (codes come from its SMS outbox): patients sign in, upload a
//! record, ask the doctor for follow-ups, send texts and photos, and use their follow-up
//! questions after the end. For the demo, for load, and to watch the inbox live.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::{bail, Context};
use doctor_desk_api::inbox::{ConsultationStatus, Message, PatientConsultation};
use rand::{seq::SliceRandom, Rng};
use reqwest::{cookie::Jar, multipart, Client, Url};
use serde_json::{json, Value};

/// A small PNG that looks like a page of records.
pub const RECORD_PNG: &[u8] = include_bytes!("../assets/record.png");

const SURNAMES: &[&str] = &[
    "张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "军", "杰", "霞",
];
pub const COMPLAINTS: &[(&str, &str, &str)] = &[
    (
        "最近两周空腹血糖 8～9，比上次复诊时高",
        "2 型糖尿病",
        "内分泌科",
    ),
    (
        "降压药吃了一个月，早上血压还是 150/95",
        "原发性高血压",
        "心内科",
    ),
    (
        "哮喘复诊，夜里偶尔憋醒，想调整吸入剂",
        "支气管哮喘",
        "呼吸科",
    ),
    (
        "甲减复查 TSH 偏高，左甲状腺素要不要加量",
        "甲状腺功能减退",
        "内分泌科",
    ),
    (
        "痛风又发作一次，非布司他可以继续吃吗",
        "痛风性关节炎",
        "风湿免疫科",
    ),
    (
        "胃镜提示慢性胃炎，吃药后还有反酸",
        "慢性非萎缩性胃炎",
        "消化内科",
    ),
    ("湿疹反复，药膏用完了想续方", "慢性湿疹", "皮肤科"),
    (
        "冠脉支架术后半年，想问阿司匹林要吃多久",
        "冠状动脉粥样硬化性心脏病",
        "心内科",
    ),
];
pub const MESSAGES: &[&str] = &[
    "医生您好，这是我最近一周的记录",
    "早上起来有点头晕，正常吗？",
    "药是饭前吃还是饭后吃？",
    "好的，谢谢医生",
    "昨天忘了吃一次药，今天需要补吗？",
    "这个指标需要多久复查一次？",
    "饮食上还有什么要注意的吗？",
    "明白了，我按您说的做",
    "最近睡眠不太好，和药有关系吗？",
    "需要去医院当面看一下吗？",
];

/// One simulated patient: a cookie jar with the patient session and the CSRF cookie.
pub struct PatientClient {
    http: Client,
    jar: Arc<Jar>,
    base: Url,
    pub name: String,
    pub phone: String,
}

impl PatientClient {
    pub fn new(base: &str, phone: &str, name: &str) -> anyhow::Result<PatientClient> {
        let jar = Arc::new(Jar::default());
        let http = Client::builder()
            .cookie_provider(jar.clone())
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(PatientClient {
            http,
            jar,
            base: Url::parse(base).context("bad --url")?,
            name: name.to_owned(),
            phone: phone.to_owned(),
        })
    }

    /// The same patient (the same session) through another address: another instance.
    pub fn through(&self, base: &str) -> anyhow::Result<PatientClient> {
        Ok(PatientClient {
            http: self.http.clone(),
            jar: self.jar.clone(),
            base: Url::parse(base).context("bad base URL")?,
            name: self.name.clone(),
            phone: self.phone.clone(),
        })
    }

    fn url(&self, path: &str) -> Url {
        self.base.join(path).expect("a path")
    }

    fn csrf(&self) -> String {
        use reqwest::cookie::CookieStore;
        self.jar
            .cookies(&self.base)
            .and_then(|v| v.to_str().ok().map(str::to_owned))
            .unwrap_or_default()
            .split(';')
            .filter_map(|p| p.trim().split_once('='))
            .find(|(k, _)| *k == doctor_desk_api::CSRF_COOKIE)
            .map(|(_, v)| v.to_owned())
            .unwrap_or_default()
    }

    async fn post(&self, path: &str, body: Value) -> anyhow::Result<(u16, Value)> {
        let r = self
            .http
            .post(self.url(path))
            .header(doctor_desk_api::CSRF_HEADER, self.csrf())
            .json(&body)
            .send()
            .await?;
        let status = r.status().as_u16();
        Ok((status, r.json().await.unwrap_or(Value::Null)))
    }

    /// Signs in with a code read from the dev server's outbox (creating the patient).
    pub async fn sign_in(&self) -> anyhow::Result<()> {
        self.http.get(self.url("/api/v1/health")).send().await?;
        let (status, body) = self
            .post(
                "/api/v1/auth/sms-codes",
                json!({"phone": self.phone, "purpose": "patient_login"}),
            )
            .await?;
        if status != 204 {
            bail!("sms code for {}: {status} {body}", self.phone);
        }
        let outbox: Value = self
            .http
            .get(self.url(&format!("/api/v1/dev/sms-outbox?phone={}", self.phone)))
            .send()
            .await?
            .json()
            .await
            .context("the server must run with --dev (SMS outbox)")?;
        let birth = format!(
            "{}-{:02}-{:02}",
            rand::thread_rng().gen_range(1940..2005),
            rand::thread_rng().gen_range(1..=12),
            rand::thread_rng().gen_range(1..=28)
        );
        let sex = if rand::random() { "male" } else { "female" };
        let (status, body) = self
            .post(
                "/api/v1/patient/auth/login",
                json!({"phone": self.phone, "sms_code": outbox["code"], "name": self.name,
                       "sex": sex, "birth_date": birth}),
            )
            .await?;
        if status != 200 {
            bail!("patient sign-in {}: {status} {body}", self.phone);
        }
        Ok(())
    }

    pub async fn upload_record(&self) -> anyhow::Result<String> {
        let part = multipart::Part::bytes(RECORD_PNG.to_vec())
            .file_name("record.png")
            .mime_str("image/png")?;
        let r = self
            .http
            .post(self.url("/api/v1/patient/files"))
            .header(doctor_desk_api::CSRF_HEADER, self.csrf())
            .multipart(multipart::Form::new().part("file", part))
            .send()
            .await?;
        let body: Value = r.json().await?;
        body["file_id"]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("upload: {body}"))
    }

    /// Asks `doctor_id` for a follow-up; `Err` carries the server's error code.
    pub async fn ask(&self, doctor_id: i64) -> anyhow::Result<i64> {
        let record = self.upload_record().await?;
        let (complaint, diagnosis, _) = *COMPLAINTS.choose(&mut rand::thread_rng()).unwrap();
        let (status, body) = self
            .post(
                "/api/v1/patient/consultations",
                json!({
                    "doctor_id": doctor_id,
                    "complaint": complaint,
                    "prior_diagnosis": {"hospital": "杭州市第一人民医院", "diagnosis": diagnosis,
                                        "visited_on": "2026-09-15"},
                    "evidence": [{"kind": "outpatient_record", "file_id": record}],
                }),
            )
            .await?;
        if status != 201 {
            bail!("{}", body["error"]["code"].as_str().unwrap_or("ask failed"));
        }
        Ok(body["id"].as_i64().unwrap_or_default())
    }

    /// Sends a text (or, with `image`, the record photo) with a fresh client id.
    pub async fn send(
        &self,
        consultation: i64,
        text: &str,
        image: bool,
    ) -> anyhow::Result<Message> {
        self.send_with_id(consultation, &new_client_id(), text, image)
            .await
    }

    pub async fn send_with_id(
        &self,
        consultation: i64,
        client_id: &str,
        text: &str,
        image: bool,
    ) -> anyhow::Result<Message> {
        let body = if image {
            json!({"client_id": client_id, "image_file_id": self.upload_record().await?})
        } else {
            json!({"client_id": client_id, "text": text})
        };
        let (status, body) = self
            .post(
                &format!("/api/v1/patient/consultations/{consultation}/messages"),
                body,
            )
            .await?;
        if status != 201 && status != 200 {
            bail!(
                "{}",
                body["error"]["code"].as_str().unwrap_or("send failed")
            );
        }
        Ok(serde_json::from_value(body)?)
    }

    /// The whole thread as the patient sees it.
    pub async fn messages(&self, consultation: i64) -> anyhow::Result<Vec<Message>> {
        Ok(self
            .http
            .get(self.url(&format!(
                "/api/v1/patient/consultations/{consultation}/messages"
            )))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?)
    }

    /// The reminders doctors sent this patient (follow-up visits, tag reminders).
    pub async fn reminders(
        &self,
    ) -> anyhow::Result<Vec<doctor_desk_api::follow_ups::PatientReminder>> {
        Ok(self
            .http
            .get(self.url("/api/v1/patient/reminders"))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?)
    }

    pub async fn consultation(&self, id: i64) -> anyhow::Result<PatientConsultation> {
        Ok(self
            .http
            .get(self.url(&format!("/api/v1/patient/consultations/{id}")))
            .send()
            .await?
            .json()
            .await?)
    }
}

/// A random UUID-shaped id (v4 layout).
pub fn new_client_id() -> String {
    let b: [u8; 16] = rand::random();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
        u16::from_be_bytes([b[4], b[5]]),
        u16::from_be_bytes([b[6], b[7]]) & 0x0fff,
        (u16::from_be_bytes([b[8], b[9]]) & 0x3fff) | 0x8000,
        u64::from_be_bytes([0, 0, b[10], b[11], b[12], b[13], b[14], b[15]])
    )
}

pub fn random_name() -> String {
    let mut rng = rand::thread_rng();
    format!(
        "{}{}{}",
        SURNAMES.choose(&mut rng).unwrap(),
        GIVEN.choose(&mut rng).unwrap(),
        if rng.gen_bool(0.5) {
            *GIVEN.choose(&mut rng).unwrap()
        } else {
            ""
        }
    )
}

/// Runs `patients` simulated patients at `rate` actions per second against `url`, for
/// `duration` (or until interrupted), printing a tally every 10 seconds.
pub async fn run(
    url: &str,
    patients: usize,
    rate: f64,
    doctor_id: i64,
    duration: Option<Duration>,
) -> anyhow::Result<()> {
    let prefix = rand::thread_rng().gen_range(100..999);
    let mut clients = Vec::new();
    for n in 0..patients {
        let phone = format!("166{prefix}{n:05}");
        let client = PatientClient::new(url, &phone, &random_name())?;
        client.sign_in().await?;
        clients.push((client, None::<i64>));
    }
    println!("{patients} patients signed in; {rate} actions/s towards doctor {doctor_id}");
    let started = Instant::now();
    let mut tally = std::collections::BTreeMap::<String, u64>::new();
    let mut last_report = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate.max(0.01)));
    loop {
        tick.tick().await;
        if duration.is_some_and(|d| started.elapsed() >= d) {
            break;
        }
        let (client, open) = clients
            .choose_mut(&mut rand::thread_rng())
            .expect("at least one patient");
        let outcome = act(client, open, doctor_id).await;
        *tally
            .entry(outcome.unwrap_or_else(|e| format!("refused: {e}")))
            .or_default() += 1;
        if last_report.elapsed() >= Duration::from_secs(10) {
            println!("{:>5}s {tally:?}", started.elapsed().as_secs());
            last_report = Instant::now();
        }
    }
    println!("done: {tally:?}");
    Ok(())
}

/// One step of a patient: ask when they have nothing open, else write in their thread.
async fn act(
    client: &PatientClient,
    open: &mut Option<i64>,
    doctor_id: i64,
) -> anyhow::Result<String> {
    let mut rng = rand::thread_rng();
    let current = match *open {
        Some(id) => Some(client.consultation(id).await?),
        None => None,
    };
    match current {
        Some(c)
            if c.status == ConsultationStatus::New || c.status == ConsultationStatus::Ongoing =>
        {
            let image = rng.gen_bool(0.1);
            let text = *MESSAGES.choose(&mut rng).unwrap();
            client.send(c.id, text, image).await?;
            Ok(if image { "photo" } else { "message" }.into())
        }
        Some(c) if c.follow_ups_left > 0 && rng.gen_bool(0.5) => {
            client
                .send(c.id, "结束后还想再问一下：药需要吃多久？", false)
                .await?;
            Ok("follow-up question".into())
        }
        _ => {
            *open = Some(client.ask(doctor_id).await?);
            Ok("new consultation".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_are_valid_and_fresh() {
        let a = new_client_id();
        assert!(doctor_desk_api::inbox::is_client_id(&a), "{a}");
        assert_eq!(a.len(), 36);
        assert_ne!(a, new_client_id());
    }
}
