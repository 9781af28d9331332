//! Demo posts for `cargo xtask run`: thirty patients' public questions across
//! departments, and the demo doctor's posts in every tab of "My posts" (two published,
//! one of them an answer with its question; a draft; one in review with a kept warning;
//! one rejected with the reviewer's reason). Written straight to the database in one
//! transaction, as fixtures; the revisions are rendered and checked with the server's own
//! renderer and rules, so the reviewer sees what a real submission would show.

use crate::db::Conn;
use doctor_desk_api::posts::{compliance::Severity, PostKind};

use super::{review::new_slug, rules};
use crate::{markdown, state::AppState};

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

/// Questions, newest first: (text, department).
const QUESTIONS: [(&str, Option<&str>); 30] = [
    (
        "体检发现甲状腺结节 1.2 厘米，需要手术吗？",
        Some("内分泌科"),
    ),
    ("空腹血糖 6.5，算糖尿病吗？需要吃药吗？", Some("内分泌科")),
    ("高血压吃药后血压正常了，可以停药吗？", Some("心内科")),
    ("孩子发烧 39 度，什么时候需要去医院？", Some("儿科")),
    ("胃镜检查前需要注意什么？", Some("消化内科")),
    ("晚上总是失眠，有什么办法改善？", Some("精神心理科")),
    ("尿酸高但是不痛，需要治疗吗？", Some("风湿免疫科")),
    ("经常头晕是颈椎病引起的吗？", Some("神经内科")),
    ("咳嗽两周了还没好，要拍胸片吗？", Some("呼吸内科")),
    ("孕期可以吃感冒药吗？", Some("妇产科")),
    ("膝盖上下楼梯疼是怎么回事？", Some("骨科")),
    ("长期看手机眼睛干涩怎么办？", Some("眼科")),
    ("刷牙时牙龈出血要紧吗？", Some("口腔科")),
    ("湿疹反复发作，平时怎么护理？", Some("皮肤科")),
    ("体检报告说脂肪肝，需要吃药吗？", Some("消化内科")),
    ("糖尿病患者可以吃水果吗？吃多少合适？", Some("内分泌科")),
    ("心率每分钟 55 次，正常吗？", Some("心内科")),
    ("宝宝几个月可以添加辅食？", Some("儿科")),
    ("夜里总起来小便，是前列腺的问题吗？", Some("泌尿外科")),
    ("过敏性鼻炎每年春天都犯，能预防吗？", Some("耳鼻喉科")),
    ("胆固醇偏高，饮食上要注意什么？", Some("心内科")),
    ("甲减需要终身吃药吗？", Some("内分泌科")),
    ("幽门螺杆菌阳性一定要治疗吗？", Some("消化内科")),
    ("老人记性越来越差，是老年痴呆吗？", Some("神经内科")),
    ("骨质疏松补钙就够了吗？", Some("骨科")),
    ("总是焦虑紧张，需要看医生吗？", Some("精神心理科")),
    ("哮喘的孩子可以运动吗？", Some("儿科")),
    ("更年期潮热出汗怎么缓解？", Some("妇产科")),
    ("痔疮出血需要做手术吗？", None),
    ("戒烟后总想吃东西，怎么办？", None),
];

/// One post of the demo doctor and where it stands.
struct Demo {
    kind: PostKind,
    /// Index into [`QUESTIONS`] for an answer.
    question: Option<usize>,
    title: &'static str,
    body: &'static str,
    ai_assisted: bool,
    state: State,
    /// When it was last saved (days ago).
    days_ago: i64,
}

enum State {
    Draft,
    InReview,
    /// Published, with so many views.
    Published(i64),
    /// Rejected for `reason` with a note.
    Rejected(&'static str, &'static str),
}

const POSTS: [Demo; 5] = [
    Demo {
        kind: PostKind::Article,
        question: None,
        title: "糖尿病患者如何在家监测血糖",
        body: "规律监测血糖，是调整饮食、运动和用药的依据。\n\n\
               ## 什么时候测\n\n\
               - **空腹**：早晨起床后、进食前\n\
               - **餐后 2 小时**：从吃第一口饭开始计时\n\
               - **睡前**：使用胰岛素的患者尤其需要\n\n\
               ## 测量要点\n\n\
               1. 洗手并擦干，不要用酒精后立即采血\n\
               2. 采血针刺手指侧面，疼痛较轻\n\
               3. 把结果和当时的饮食、运动一起记下来\n\n\
               > 出现心慌、出汗、手抖时，请立即测血糖；低于 3.9 mmol/L 时先吃 15 克糖。\n\n\
               复诊时请带上血糖记录，方便医生调整方案。",
        ai_assisted: false,
        state: State::Published(128),
        days_ago: 12,
    },
    Demo {
        kind: PostKind::Answer,
        question: Some(0),
        title: "甲状腺结节一定要手术吗？",
        body: "大多数甲状腺结节是良性的，**不需要手术**。\n\n\
               是否需要进一步检查，主要看超声的 TI-RADS 分类和结节大小：3 类及以下一般定期复查超声即可；\
               4 类及以上，医生可能建议细针穿刺明确性质。\n\n\
               请带上超声报告到内分泌科或甲状腺外科门诊，由医生结合具体情况判断。",
        ai_assisted: true,
        state: State::Published(36),
        days_ago: 3,
    },
    Demo {
        kind: PostKind::Article,
        question: None,
        title: "高血压患者的运动建议",
        body: "适量运动可以帮助降低血压。\n\n## 推荐的运动\n\n- 快走\n- 太极拳\n\n（待补充：运动强度怎么把握）",
        ai_assisted: false,
        state: State::Draft,
        days_ago: 0,
    },
    Demo {
        kind: PostKind::Article,
        question: None,
        title: "血脂高，先从生活方式改起",
        body: "发现血脂偏高，不必马上紧张。对大多数人来说，调整生活方式是首选：\n\n\
               - 少吃动物内脏和油炸食品\n- 每周至少 150 分钟中等强度运动\n- 戒烟限酒\n\n\
               三个月后复查血脂，再由医生判断是否需要用药。",
        ai_assisted: false,
        state: State::InReview,
        days_ago: 1,
    },
    Demo {
        kind: PostKind::Article,
        question: None,
        title: "二甲双胍：降糖的首选药",
        body: "二甲双胍是 2 型糖尿病治疗的首选药物，价格便宜、效果确切。\n\n\
               血糖高的朋友可以试试，一般从小剂量开始。",
        ai_assisted: false,
        state: State::Rejected(
            "advertising",
            "请不要以推荐的口吻介绍处方药，也不要建议读者自行用药；改为说明需在医生指导下用药后再提交。",
        ),
        days_ago: 5,
    },
];

pub async fn seed(state: &AppState, doctor_id: i64, reviewer_id: i64) -> anyhow::Result<()> {
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    let patients: Vec<i64> =
        crate::db::query_scalar("SELECT id FROM patients ORDER BY id LIMIT 30")
            .fetch_all(&mut *tx)
            .await?;
    anyhow::ensure!(
        !patients.is_empty(),
        "the demo questions need demo patients"
    );
    let mut questions = Vec::new();
    for (n, (text, department)) in QUESTIONS.iter().enumerate() {
        let id: i64 = crate::db::query_scalar(
            "INSERT INTO questions (patient_id, text, department, asked_at) VALUES (?, ?, ?, ?)
             RETURNING id",
        )
        .bind(patients[n % patients.len()])
        .bind(text)
        .bind(department)
        // The newest first in the list: about two a day over the last fortnight.
        .bind(now - 2 * HOUR - n as i64 * 11 * HOUR)
        .fetch_one(&mut *tx)
        .await?;
        questions.push(id);
    }
    for post in &POSTS {
        let question = post.question.map(|n| questions[n]);
        insert(&mut tx, state, doctor_id, reviewer_id, post, question, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn insert(
    tx: &mut Conn,
    state: &AppState,
    doctor_id: i64,
    reviewer_id: i64,
    post: &Demo,
    question: Option<i64>,
    now: i64,
) -> anyhow::Result<()> {
    let saved = now - post.days_ago * DAY - 3 * HOUR;
    let findings = rules::findings(&state.rules, post.title, post.body);
    // The doctor kept every warning (errors would not have been submitted).
    let kept: Vec<&str> = findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .map(|f| f.key.as_str())
        .collect();
    let kept = serde_json::json!(kept).to_string();
    let status = match post.state {
        State::Draft => "draft",
        State::InReview => "in_review",
        State::Published(_) => "published",
        State::Rejected(..) => "rejected",
    };
    let id: i64 = crate::db::query_scalar(
        "INSERT INTO posts (doctor_id, kind, question_id, title, body, ai_assisted,
                            kept_warnings, version, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 3, ?, ?, ?) RETURNING id",
    )
    .bind(doctor_id)
    .bind(post.kind.as_str())
    .bind(question)
    .bind(post.title)
    .bind(post.body)
    .bind(post.ai_assisted)
    .bind(&kept)
    .bind(status)
    .bind(saved - 2 * DAY)
    .bind(saved)
    .fetch_one(&mut *tx)
    .await?;
    if matches!(post.state, State::Draft) {
        return Ok(());
    }
    let submitted = saved + HOUR;
    let decided = submitted + 5 * HOUR;
    let (state_name, reason, note) = match post.state {
        State::InReview => ("in_review", None, ""),
        State::Published(_) => ("approved", None, ""),
        State::Rejected(reason, note) => ("rejected", Some(reason), note),
        State::Draft => unreachable!("a draft has no revision"),
    };
    let in_review = matches!(post.state, State::InReview);
    let revision: i64 = crate::db::query_scalar(
        "INSERT INTO post_revisions (post_id, version, kind, question_id, title, body, html,
                                     ai_assisted, findings, kept_warnings, submitted_at, state,
                                     decided_at, decided_by, reason, note)
         VALUES (?, 3, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(id)
    .bind(post.kind.as_str())
    .bind(question)
    .bind(post.title)
    .bind(post.body)
    .bind(markdown::render_post(post.body))
    .bind(post.ai_assisted)
    .bind(serde_json::to_string(&findings)?)
    .bind(&kept)
    .bind(submitted)
    .bind(state_name)
    .bind((!in_review).then_some(decided))
    .bind((!in_review).then_some(reviewer_id))
    .bind(reason)
    .bind(note)
    .fetch_one(&mut *tx)
    .await?;
    match post.state {
        State::Published(views) => {
            crate::db::query(
                "UPDATE posts SET published_revision_id = ?, slug = ?, published_at = ?,
                        public_updated_at = ?, views = ? WHERE id = ?",
            )
            .bind(revision)
            .bind(new_slug())
            .bind(decided)
            .bind(decided)
            .bind(views)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        State::Rejected(reason, note) => {
            crate::db::query(
                "UPDATE posts SET rejection_reason = ?, rejection_note = ?, rejected_at = ?
                  WHERE id = ?",
            )
            .bind(reason)
            .bind(note)
            .bind(decided)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        State::Draft | State::InReview => {}
    }
    Ok(())
}
