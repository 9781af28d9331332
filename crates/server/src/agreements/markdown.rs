//! Agreement Markdown → safe HTML, a table of contents and plain-text clauses.
//!
//! Defence in two layers: while rendering, raw HTML becomes visible text, images become
//! their alt text and links other than http(s)/mailto/#anchor lose their target; then the
//! HTML is sanitised by ammonia with a short allow-list. The SPA can therefore insert it.

use std::collections::HashSet;

use doctor_desk_api::agreements::TocEntry;
use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// A second-level section of a document: the unit of the clause-by-clause diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// Heading text; empty for what comes before the first heading.
    pub title: String,
    pub anchor: Option<String>,
    /// The section's text without markup, paragraphs separated by newlines.
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub clauses: Vec<Clause>,
}

/// `id_prefix` keeps heading ids unique when several documents share a page.
pub fn render(markdown: &str, id_prefix: &str) -> Rendered {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let mut events: Vec<Event> = Vec::new();
    let mut toc = Vec::new();
    let mut clauses = vec![Clause {
        title: String::new(),
        anchor: None,
        text: String::new(),
    }];
    let mut heading: Option<String> = None;
    // Whether each open link kept its target (and so its <a>).
    let mut links: Vec<bool> = Vec::new();

    for event in parser {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let id = (level == HeadingLevel::H2).then(|| {
                    let anchor = format!("{id_prefix}{}", clauses.len());
                    clauses.push(Clause {
                        title: String::new(),
                        anchor: Some(anchor.clone()),
                        text: String::new(),
                    });
                    heading = Some(String::new());
                    CowStr::from(anchor)
                });
                events.push(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes: vec![],
                    attrs: vec![],
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some(title) = heading.take() {
                    let clause = clauses.last_mut().expect("a clause is open");
                    clause.title = title.trim().to_owned();
                    toc.push(TocEntry {
                        anchor: clause.anchor.clone().unwrap_or_default(),
                        title: clause.title.clone(),
                    });
                } else {
                    push_text(&mut clauses, "\n");
                }
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Html(raw) | Event::InlineHtml(raw) => {
                append(&mut heading, &mut clauses, &raw);
                events.push(Event::Text(raw));
            }
            Event::Start(Tag::HtmlBlock) => events.push(Event::Start(Tag::Paragraph)),
            Event::End(TagEnd::HtmlBlock) => {
                push_text(&mut clauses, "\n");
                events.push(Event::End(TagEnd::Paragraph));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let safe = is_safe_url(&dest_url);
                links.push(safe);
                if safe {
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Link) => {
                if links.pop() == Some(true) {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            // Images would load from anywhere and track readers: keep only the alt text,
            // which arrives as the Text events in between.
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => {}
            Event::Text(text) | Event::Code(text) => {
                append(&mut heading, &mut clauses, &text);
                events.push(Event::Text(text));
            }
            Event::SoftBreak | Event::HardBreak => {
                append(&mut heading, &mut clauses, "\n");
                events.push(event);
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableRow
                | TagEnd::TableHead,
            ) => {
                push_text(&mut clauses, "\n");
                events.push(event);
            }
            Event::End(TagEnd::TableCell) => {
                push_text(&mut clauses, " ");
                events.push(event);
            }
            other => events.push(other),
        }
    }

    let mut raw_html = String::new();
    html::push_html(&mut raw_html, events.into_iter());
    for clause in &mut clauses {
        clause.text = normalise(&clause.text);
    }
    if clauses[0].text.is_empty() {
        clauses.remove(0);
    }
    Rendered {
        html: sanitise(&raw_html),
        toc,
        clauses,
    }
}

fn append(heading: &mut Option<String>, clauses: &mut [Clause], text: &str) {
    match heading {
        Some(h) => h.push_str(text),
        None => push_text(clauses, text),
    }
}

fn push_text(clauses: &mut [Clause], text: &str) {
    if let Some(c) = clauses.last_mut() {
        c.text.push_str(text);
    }
}

/// Trims each line and drops empty ones, so whitespace never shows up as a change.
fn normalise(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_safe_url(url: &str) -> bool {
    let url = url.trim().to_ascii_lowercase();
    url.starts_with("https://")
        || url.starts_with("http://")
        || url.starts_with("mailto:")
        || url.starts_with('#')
}

fn sanitise(html: &str) -> String {
    let tags: HashSet<&str> = [
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "p",
        "br",
        "hr",
        "strong",
        "em",
        "del",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    ]
    .into_iter()
    .collect();
    ammonia::Builder::default()
        .tags(tags)
        .add_tag_attributes("h2", &["id"])
        .add_tag_attributes("ol", &["start"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
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
            html.contains(
                r#"<a href="https://example.com" rel="noopener noreferrer nofollow">ok</a>"#
            ),
            "{html}"
        );
        assert!(html.contains("追踪"), "the alt text stays: {html}");
    }
}
