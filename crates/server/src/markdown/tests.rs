//! The two layers of defence, held to what they promise.

use super::*;

pub fn render_c(markdown: &str) -> Rendered {
    render(markdown, "c")
}

#[test]
fn headings_become_toc_and_clauses() {
    let r = render_c(
        "# 协议\n\n导言。\n\n## 一、定义\n\n本协议中……\n\n## 二、账号\n\n- 一项\n- 两项\n",
    );
    assert_eq!(
        r.toc,
        vec![
            TocEntry {
                anchor: "c1".into(),
                title: "一、定义".into()
            },
            TocEntry {
                anchor: "c2".into(),
                title: "二、账号".into()
            }
        ]
    );
    assert!(
        r.html.contains(r#"<h2 id="c1">一、定义</h2>"#),
        "{}",
        r.html
    );
    assert_eq!(r.clauses.len(), 3);
    assert_eq!(r.clauses[0].title, "");
    assert_eq!(r.clauses[0].text, "协议\n导言。");
    assert_eq!(r.clauses[2].text, "一项\n两项");
}

#[test]
fn raw_html_scripts_and_javascript_links_are_inert() {
    let r = render_c(
        "## 条款\n\n<script>alert(1)</script>\n\n点<a href=\"javascript:alert(2)\" onclick=\"x()\">这里</a>，\
         [链接](javascript:alert(3)) [ok](https://example.com) [大写](JaVaScRiPt:alert(4))\n\n\
         ![追踪](https://tracker.example/p.gif)\n\n<img src=x onerror=alert(5)>\n",
    );
    let html = r.html.to_ascii_lowercase();
    // Escaped text has no '<': every '<' opens a real element.
    for tag in html
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or(""))
    {
        assert!(
            !tag.starts_with("script") && !tag.starts_with("img"),
            "{tag}"
        );
        assert!(!tag.contains("javascript") && !tag.contains(" on"), "{tag}");
    }
    assert!(
        html.contains("&lt;script&gt;"),
        "raw HTML is shown as text: {html}"
    );
    assert!(
        html.contains(r#"<a href="https://example.com" rel="noopener noreferrer nofollow">ok</a>"#),
        "{html}"
    );
    assert!(html.contains("追踪"), "the alt text stays: {html}");
}

/// Every real element of `html` (escaped text has no '<'), lowercased.
fn tags(html: &str) -> Vec<String> {
    html.to_ascii_lowercase()
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn posts_keep_our_images_and_web_links_only() {
    let html = render_post(
        "![血压计](/p/img/abc_123) ![外链](https://tracker.example/p.gif) \
         ![穿越](/p/img/../secret) [官网](https://example.com) [邮件](mailto:a@b.c) \
         [脚本](javascript:alert(1)) [本站](/posts/1) <img src=x onerror=alert(1)>\n\n\
         <svg onload=alert(2)>\n\n\"><script>alert(3)</script>\n\n<b>未闭合",
    );
    assert!(
        html.contains(r#"<img src="/p/img/abc_123" alt="血压计">"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<a href="https://example.com" rel="noopener nofollow ugc">官网</a>"#),
        "{html}"
    );
    for text in [
        "外链",
        "穿越",
        "邮件",
        "脚本",
        "本站",
        "&lt;script&gt;",
        "&lt;svg",
    ] {
        assert!(html.contains(text), "{text} stays as text: {html}");
    }
    let tags = tags(&html);
    assert_eq!(
        tags.iter().filter(|t| t.starts_with("img")).count(),
        1,
        "{html}"
    );
    assert_eq!(
        tags.iter().filter(|t| t.starts_with("a ")).count(),
        1,
        "{html}"
    );
    for tag in tags {
        assert!(
            !tag.starts_with("script") && !tag.starts_with("svg") && !tag.starts_with('b'),
            "{tag}"
        );
        assert!(!tag.contains("javascript") && !tag.contains(" on"), "{tag}");
    }
}

#[test]
fn a_summary_is_the_text_without_markup() {
    assert_eq!(
        summary(
            "# 标题\n\n**高血压**患者\n应当 [按时](https://a.b) 服药。",
            100
        ),
        "标题 高血压患者 应当 按时 服药。"
    );
    assert_eq!(summary("一二三四五", 3), "一二三…");
}
