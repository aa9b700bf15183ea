//! The real knowledge-base articles of seed-data, loaded as [`ArticleDoc`]s: shared by the
//! integration tests (`mod support;`) and the benchmark (`#[path]`), so both index the same
//! corpus the same way.

use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

use search::ArticleDoc;

/// Anything that can go wrong reading the articles: a missing directory, bad front matter.
type LoadResult<T> = Result<T, Box<dyn Error>>;

/// seed-data/articles, with a subdirectory per language.
fn articles_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../seed-data/articles")
}

/// Every article of seed-data/articles/{da,en}, ids 1.. in path order (stable between runs).
pub fn load_articles() -> LoadResult<Vec<ArticleDoc>> {
    let mut paths = Vec::new();
    for lang in ["da", "en"] {
        for entry in fs::read_dir(articles_dir().join(lang))? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "md") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let source = fs::read_to_string(path)?;
            parse_article(i as i64 + 1, &source)
                .map_err(|e| format!("{}: {e}", path.display()).into())
        })
        .collect()
}

/// One article file: TOML front matter between `+++` lines, then Markdown.
fn parse_article(id: i64, source: &str) -> LoadResult<ArticleDoc> {
    let mut parts = source.splitn(3, "+++");
    let (Some(""), Some(front), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
        return Err("no +++ front matter".into());
    };
    let table: toml::Table = front.parse()?;
    let text = |key: &str| {
        table
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    Ok(ArticleDoc {
        id,
        slug: text("slug"),
        lang: text("lang"),
        title: text("title"),
        summary: text("summary"),
        body: strip_markdown(body),
        systems: strings(&table, "systems"),
        audience: text("audience"),
        tags: strings(&table, "tags"),
    })
}

fn strings(table: &toml::Table, key: &str) -> Vec<String> {
    table
        .get(key)
        .and_then(|v| v.as_array())
        .map(|values| {
            values
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Markdown to plain text, crudely: good enough to index a test corpus. (The app renders
/// Markdown properly; this only has to leave no markup in the indexed words.)
fn strip_markdown(markdown: &str) -> String {
    let mut text = String::new();
    for line in markdown.lines() {
        let line = line.trim_start_matches(['#', '>', ' ']);
        let line = line
            .strip_prefix("- ")
            .or_else(|| line.strip_prefix("* "))
            .unwrap_or(line);
        let mut out = String::new();
        let mut rest = line;
        // [text](url) → text
        while let Some(open) = rest.find('[') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match (after.find("]("), after.find(')')) {
                (Some(close), Some(end)) if close < end => {
                    out.push_str(&after[..close]);
                    rest = &after[end + 1..];
                }
                _ => {
                    out.push('[');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        text.push_str(&out.replace("**", "").replace('`', ""));
        text.push('\n');
    }
    text
}
