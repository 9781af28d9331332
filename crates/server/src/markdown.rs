//! Markdown → safe HTML: agreements (with a table of contents and plain-text clauses) and
//! posts (the preview, the reviewer's view and the public page share one renderer).
//!
//! Defence in two layers: while rendering, raw HTML becomes visible text, images not
//! allowed become their alt text and links not allowed lose their target; then the HTML is
//! sanitised by ammonia with a short allow-list. The SPA can therefore insert it.

use std::{borrow::Cow, collections::HashSet};

use doctor_desk_api::{agreements::TocEntry, posts::is_image_address};
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

/// Agreement Markdown: `id_prefix` keeps heading ids unique when several documents share
/// a page.
pub fn render(markdown: &str, id_prefix: &str) -> Rendered {
    let mut events: Vec<Event> = Vec::new();
    let mut toc = Vec::new();
    let mut clauses = vec![Clause {
        title: String::new(),
        anchor: None,
        text: String::new(),
    }];
    let mut heading: Option<String> = None;

    for event in inert(markdown, Flavor::Agreement) {
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
        html: sanitise(&raw_html, Flavor::Agreement),
        toc,
        clauses,
    }
}

/// A post's Markdown as the preview, the reviewer and the public page show it: one
/// function for all three, so what was approved is what readers get.
pub fn render_post(markdown: &str) -> String {
    let mut raw_html = String::new();
    html::push_html(&mut raw_html, inert(markdown, Flavor::Post));
    sanitise(&raw_html, Flavor::Post)
}

/// The words of a post without markup, whitespace collapsed, cut after `max` characters
/// (with an ellipsis): the public page's description.
pub fn summary(markdown: &str, max: usize) -> String {
    let mut text = String::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                text.push_str(&t)
            }
            // Blocks end a word; inline marks (bold, links) do not.
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::HtmlBlock
                | TagEnd::TableCell,
            ) => text.push(' '),
            _ => {}
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let text = words.join(" ");
    if text.chars().count() <= max {
        text
    } else {
        let mut cut: String = text.chars().take(max).collect();
        cut.push('…');
        cut
    }
}

/// Whose rules a text follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavor {
    /// Links to the web, mail and the document's own headings; no images at all (they
    /// would load from anywhere and track readers).
    Agreement,
    /// Links to the web only; images only from our own post image store.
    Post,
}

impl Flavor {
    fn link_allowed(self, url: &str) -> bool {
        let url = url.trim().to_ascii_lowercase();
        let web = url.starts_with("https://") || url.starts_with("http://");
        match self {
            Flavor::Agreement => web || url.starts_with("mailto:") || url.starts_with('#'),
            Flavor::Post => web,
        }
    }

    fn image_allowed(self, url: &str) -> bool {
        self == Flavor::Post && is_image_address(url)
    }
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// The first layer of defence, while parsing: raw HTML becomes visible text, a link whose
/// target is not allowed keeps only its text, an image that is not allowed only its alt
/// text (which arrives as the Text events in between).
fn inert(markdown: &str, flavor: Flavor) -> impl Iterator<Item = Event<'_>> {
    // Whether each open link (image) kept its target (and so its element).
    let mut links: Vec<bool> = Vec::new();
    let mut images: Vec<bool> = Vec::new();
    Parser::new_ext(markdown, options()).filter_map(move |event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::HtmlBlock) => Some(Event::Start(Tag::Paragraph)),
        Event::End(TagEnd::HtmlBlock) => Some(Event::End(TagEnd::Paragraph)),
        Event::Start(Tag::Link { ref dest_url, .. }) => {
            let kept = flavor.link_allowed(dest_url);
            links.push(kept);
            kept.then_some(event)
        }
        Event::End(TagEnd::Link) => (links.pop() == Some(true)).then_some(event),
        Event::Start(Tag::Image { ref dest_url, .. }) => {
            let kept = flavor.image_allowed(dest_url);
            images.push(kept);
            kept.then_some(event)
        }
        Event::End(TagEnd::Image) => (images.pop() == Some(true)).then_some(event),
        other => Some(other),
    })
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

/// The second layer: whatever the first let through is cleaned by ammonia against a short
/// allow-list of elements and attributes.
fn sanitise(html: &str, flavor: Flavor) -> String {
    let mut tags: HashSet<&str> = [
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
    let mut builder = ammonia::Builder::default();
    builder
        .add_tag_attributes("ol", &["start"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect());
    match flavor {
        Flavor::Agreement => {
            builder
                .add_tag_attributes("h2", &["id"])
                .link_rel(Some("noopener noreferrer nofollow"));
        }
        Flavor::Post => {
            tags.insert("img");
            builder
                .url_schemes(["http", "https"].into_iter().collect())
                .add_tag_attributes("img", &["src", "alt", "title"])
                // The only relative addresses a post may hold are its images'.
                .url_relative(ammonia::UrlRelative::Custom(Box::new(only_our_images)))
                // Doctors link to pages we do not vouch for.
                .link_rel(Some("noopener nofollow ugc"));
        }
    }
    builder.tags(tags).clean(html).to_string()
}

fn only_our_images(url: &str) -> Option<Cow<'_, str>> {
    is_image_address(url).then_some(Cow::Borrowed(url))
}

#[cfg(test)]
mod tests;
