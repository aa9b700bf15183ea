//! Markdown to safe HTML (for pages) and to plain text (for the search index).

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

fn parser(markdown: &str) -> Parser<'_> {
    Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
}

/// Renders Markdown and sanitises the result: whatever an editor writes, no script, style or
/// event handler reaches a citizen's browser. Headings shift down one level, since the page's
/// `<h1>` is the article title.
pub fn to_html(markdown: &str) -> String {
    let shifted = parser(markdown).map(|event| match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: demote(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
        other => other,
    });
    let mut raw = String::new();
    html::push_html(&mut raw, shifted);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .clean(&raw)
        .to_string()
}

fn demote(level: pulldown_cmark::HeadingLevel) -> pulldown_cmark::HeadingLevel {
    use pulldown_cmark::HeadingLevel::*;
    match level {
        H1 => H2,
        H2 => H2,
        H3 => H3,
        H4 => H4,
        H5 => H5,
        H6 => H6,
    }
}

/// The words of the article, without markup, for indexing.
pub fn to_plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for event in parser(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => out.push('\n'),
            _ => {}
        }
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown_with_headings_below_the_title() {
        let html = to_html("# Top\n\nTekst med **fed**.\n\n## Trin\n\n1. Ring\n2. Spær");
        assert!(html.contains("<h2>Top</h2>"), "{html}");
        assert!(html.contains("<strong>fed</strong>"));
        assert!(html.contains("<ol>") && html.contains("<li>Ring</li>"));
    }

    #[test]
    fn strips_anything_dangerous() {
        let html = to_html(
            "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>",
        );
        assert!(
            !html.contains("<script") && !html.contains("javascript:"),
            "{html}"
        );
        assert!(!html.contains("onerror"), "{html}");
    }

    #[test]
    fn links_keep_their_target_and_get_a_safe_rel() {
        let html = to_html("[Spær](/hjaelp/mistet-kodeviser)");
        assert!(
            html.contains(r#"href="/hjaelp/mistet-kodeviser""#),
            "{html}"
        );
    }

    #[test]
    fn plain_text_has_the_words_only() {
        let text = to_plain_text("## Trin\n\nRing til **MitID Support** på [tlf](tel:1).");
        assert_eq!(text, "Trin\nRing til MitID Support på tlf.");
    }
}
