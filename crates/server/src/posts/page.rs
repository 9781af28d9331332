//! The public page of a post as HTML: no script, one inline stylesheet, every string
//! from the database escaped (the post's HTML was sanitised when it was submitted).
//! WeChat builds its share card from `<title>`, the description and the Open Graph tags.

use std::sync::LazyLock;

use base64::{engine::general_purpose::STANDARD, Engine};
use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use doctor_desk_api::posts::{Byline, PostKind};
use sha2::{Digest, Sha256};

/// Readable on a phone: 17 px text, a narrow column; every colour pair at least 4.5:1.
const CSS: &str = "\
*{box-sizing:border-box}\
body{margin:0;background:#fff;color:#1f2328;font:17px/1.75 -apple-system,BlinkMacSystemFont,\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif;-webkit-text-size-adjust:100%}\
main{max-width:680px;margin:0 auto;padding:20px 18px 48px}\
h1{font-size:1.55em;line-height:1.35;margin:.3em 0 .5em}\
.kind{margin:0;color:#57606a;font-size:.85em}\
.byline{margin:.5em 0;color:#424a53;font-size:.92em;line-height:1.6}\
.byline strong{color:#1f2328}\
.badge{display:inline-block;margin-left:.4em;padding:0 .45em;border-radius:4px;background:#1a7f37;color:#fff;font-size:.8em;line-height:1.7;vertical-align:1px}\
.dates{margin:.2em 0 1em;color:#57606a;font-size:.85em}\
.ai{margin:0 0 1em;padding:.35em .7em;border-radius:4px;background:#fff8c5;color:#6a4a00;font-size:.85em}\
.question{margin:0 0 1.2em;padding:.6em .9em;border-radius:6px;background:#f6f8fa;color:#1f2328}\
.question b{display:block;color:#57606a;font-size:.85em;font-weight:normal}\
.cover{display:block;width:100%;height:auto;margin:0 0 1em;border-radius:6px}\
.content img{display:block;max-width:100%;height:auto;margin:1em auto}\
.content h2{font-size:1.25em;margin:1.4em 0 .5em}.content h3{font-size:1.1em}\
blockquote{margin:1em 0;padding:.1em 1em;border-left:4px solid #d0d7de;color:#424a53}\
pre{overflow-x:auto;padding:12px;background:#f6f8fa;font-size:.85em}\
table{display:block;overflow-x:auto;border-collapse:collapse}td,th{padding:4px 8px;border:1px solid #d0d7de}\
a{color:#0969da}\
footer{margin-top:2.5em;padding-top:1em;border-top:1px solid #d0d7de;color:#57606a;font-size:.8em}";

/// The page's Content-Security-Policy: nothing runs, nothing loads but our own images and
/// this one stylesheet (by its hash).
pub static CSP: LazyLock<String> = LazyLock::new(|| {
    let hash = STANDARD.encode(Sha256::digest(CSS.as_bytes()));
    format!(
        "default-src 'none'; img-src 'self'; style-src 'sha256-{hash}'; base-uri 'none'; \
         form-action 'none'; frame-ancestors 'none'"
    )
});

/// A string as HTML text or a quoted attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `2026年12月3日` in China, inside a `<time>` with the exact UTC instant.
fn date(at: DateTime<Utc>) -> String {
    let china = FixedOffset::east_opt(8 * 3600).expect("UTC+8");
    let day = at.with_timezone(&china).format("%Y年%-m月%-d日");
    format!(
        r#"<time datetime="{}">{day}</time>"#,
        at.to_rfc3339_opts(SecondsFormat::Secs, true)
    )
}

/// What the page of a published revision shows.
pub struct Article<'a> {
    pub kind: PostKind,
    pub title: &'a str,
    /// Plain text, for the description tags.
    pub description: &'a str,
    /// Sanitised at submission.
    pub html: &'a str,
    pub cover: Option<&'a str>,
    pub ai_assisted: bool,
    pub question: Option<&'a str>,
    pub byline: &'a Byline,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// `https://host` (no slash at the end), for absolute share links; `None` when unknown.
    pub origin: Option<&'a str>,
    pub path: &'a str,
}

fn kind_name(kind: PostKind) -> &'static str {
    match kind {
        PostKind::Article => "健康科普",
        PostKind::Answer => "患者问答",
        PostKind::Announcement => "医生公告",
    }
}

pub fn article(a: &Article<'_>) -> String {
    let title = escape(a.title);
    let description = escape(a.description);
    let mut meta = format!(
        r#"<meta name="description" content="{description}">
<meta property="og:type" content="article">
<meta property="og:title" content="{title}">
<meta property="og:description" content="{description}">
<meta property="article:published_time" content="{}">
<meta property="article:modified_time" content="{}">"#,
        a.published_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        a.updated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
    );
    if let Some(origin) = a.origin {
        meta += &format!(
            "\n<meta property=\"og:url\" content=\"{}\">",
            escape(&format!("{origin}{}", a.path))
        );
        if let Some(cover) = a.cover {
            meta += &format!(
                "\n<meta property=\"og:image\" content=\"{}\">",
                escape(&format!("{origin}{cover}"))
            );
        }
    }
    let b = a.byline;
    let badge = if b.verified {
        r#"<span class="badge">已认证</span>"#
    } else {
        ""
    };
    let practice: Vec<String> = [&b.title, &b.hospital, &b.department]
        .into_iter()
        .filter(|s| !s.is_empty())
        .map(|s| escape(s))
        .collect();
    let mut dates = format!("发布于 {}", date(a.published_at));
    if a.updated_at > a.published_at {
        dates += &format!(" · 更新于 {}", date(a.updated_at));
    }
    let question = a
        .question
        .map(|q| {
            format!(
                "<div class=\"question\"><b>患者提问</b>{}</div>\n",
                escape(q)
            )
        })
        .unwrap_or_default();
    let ai = if a.ai_assisted {
        "<p class=\"ai\">本文由 AI 辅助创作</p>\n"
    } else {
        ""
    };
    let cover = a
        .cover
        .map(|c| format!("<img class=\"cover\" src=\"{}\" alt=\"\">\n", escape(c)))
        .unwrap_or_default();
    let body = format!(
        r#"<article>
<header>
<p class="kind">{kind}</p>
<h1>{title}</h1>
<p class="byline"><strong>{name}</strong>{badge}<br>{practice}</p>
<p class="dates">{dates}</p>
</header>
{ai}{question}{cover}<div class="content">
{html}
</div>
</article>
<footer>内容仅供健康科普参考，不能代替医生面诊。如有不适请及时就医。</footer>"#,
        kind = kind_name(a.kind),
        name = escape(&b.name),
        practice = practice.join(" · "),
        html = a.html,
    );
    document(&title, &meta, &body)
}

/// The page of a post that was taken down (410) or never existed (404).
pub fn notice(heading: &str, text: &str) -> String {
    let body = format!("<h1>{}</h1>\n<p>{}</p>", escape(heading), escape(text));
    document(
        &escape(heading),
        "<meta name=\"robots\" content=\"noindex\">",
        &body,
    )
}

/// `title` and `meta` are HTML already.
fn document(title: &str, meta: &str, body: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
{meta}
<style>{CSS}</style>
</head>
<body>
<main>
{body}
</main>
</body>
</html>
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_could_leave_text_or_an_attribute() {
        assert_eq!(
            escape(r#""><script>alert('x')</script>&"#),
            "&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"
        );
    }

    #[test]
    fn dates_are_chinese_days_of_utc_instants() {
        let at = DateTime::parse_from_rfc3339("2026-12-02T17:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            date(at),
            r#"<time datetime="2026-12-02T17:30:00Z">2026年12月3日</time>"#
        );
    }

    #[test]
    fn the_policy_allows_exactly_the_stylesheet() {
        let html = notice("内容不存在", "x");
        assert!(html.contains(CSS));
        assert!(CSP.contains("style-src 'sha256-"));
        assert!(!CSP.contains("script-src"));
        assert!(CSP.starts_with("default-src 'none'"));
    }
}
