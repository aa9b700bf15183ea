//! Knowledge-base articles, their versions, feedback and unanswered searches.

use sqlx::Any;
use sqlx::Row;
use sqlx::any::AnyArguments;
use sqlx::query::Query;

use super::db::DbRow;
use super::{Db, StoreError};

#[derive(Clone, Debug, PartialEq)]
pub struct ArticleRow {
    pub id: i64,
    pub slug: String,
    pub lang: String,
    pub title: String,
    pub summary: String,
    pub body_md: String,
    pub body_html: String,
    pub systems: Vec<String>,
    pub audience: String,
    pub tags: Vec<String>,
    pub sources: Vec<String>,
    pub translation_of: Option<String>,
    pub status: String,
    pub version: i64,
    pub change_seq: i64,
    pub updated_at: String,
    pub updated_by: String,
}

/// What an editor or the seed loader supplies.
#[derive(Clone, Debug, PartialEq)]
pub struct ArticleInput {
    pub slug: String,
    pub lang: String,
    pub title: String,
    pub summary: String,
    pub body_md: String,
    pub systems: Vec<String>,
    pub audience: String,
    pub tags: Vec<String>,
    pub sources: Vec<String>,
    pub translation_of: Option<String>,
    pub status: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    Created(i64),
    Updated(i64),
    Unchanged(i64),
}

const COLUMNS: &str = "id, slug, lang, title, summary, body_md, body_html, systems, audience, \
    tags, sources, translation_of, status, version, change_seq, updated_at, updated_by";

/// A JSON array of strings stored in a TEXT column.
pub(crate) fn json_list(row: &DbRow, column: &str) -> Result<Vec<String>, StoreError> {
    let text: String = row.try_get(column)?;
    serde_json::from_str(&text).map_err(|e| StoreError::Sqlx(sqlx::Error::Decode(Box::new(e))))
}

fn from_row(row: &DbRow) -> Result<ArticleRow, StoreError> {
    Ok(ArticleRow {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        lang: row.try_get("lang")?,
        title: row.try_get("title")?,
        summary: row.try_get("summary")?,
        body_md: row.try_get("body_md")?,
        body_html: row.try_get("body_html")?,
        systems: json_list(row, "systems")?,
        audience: row.try_get("audience")?,
        tags: json_list(row, "tags")?,
        sources: json_list(row, "sources")?,
        translation_of: row.try_get("translation_of")?,
        status: row.try_get("status")?,
        version: row.try_get("version")?,
        change_seq: row.try_get("change_seq")?,
        updated_at: row.try_get("updated_at")?,
        updated_by: row.try_get("updated_by")?,
    })
}

/// Binds an article's content columns, in the order both the insert and the update list them.
fn bind_content<'q>(
    query: Query<'q, Any, AnyArguments<'q>>,
    input: &'q ArticleInput,
    body_html: &'q str,
) -> Query<'q, Any, AnyArguments<'q>> {
    query
        .bind(&input.title)
        .bind(&input.summary)
        .bind(&input.body_md)
        .bind(body_html)
        .bind(to_json(&input.systems))
        .bind(&input.audience)
        .bind(to_json(&input.tags))
        .bind(to_json(&input.sources))
        .bind(&input.translation_of)
        .bind(&input.status)
}

fn to_json(list: &[String]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".to_owned())
}

fn now_text() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn same_content(row: &ArticleRow, input: &ArticleInput, body_html: &str) -> bool {
    row.title == input.title
        && row.summary == input.summary
        && row.body_md == input.body_md
        && row.body_html == body_html
        && row.systems == input.systems
        && row.audience == input.audience
        && row.tags == input.tags
        && row.sources == input.sources
        && row.translation_of == input.translation_of
        && row.status == input.status
}

/// Creates or updates the article with this language and slug. Every real change gets a new
/// version row and a new change sequence number (which the search index follows).
pub async fn save(
    db: &Db,
    input: &ArticleInput,
    body_html: &str,
    by: &str,
) -> Result<Saved, StoreError> {
    let mut tx = db.begin_write().await?;
    let existing = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM kb_articles WHERE lang = $1 AND slug = $2"
    ))
    .bind(&input.lang)
    .bind(&input.slug)
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| from_row(&r))
    .transpose()?;
    if let Some(row) = &existing
        && same_content(row, input, body_html)
    {
        return Ok(Saved::Unchanged(row.id));
    }
    let seq: i64 =
        sqlx::query_scalar("UPDATE change_seq SET value = value + 1 WHERE id = 1 RETURNING value")
            .fetch_one(&mut *tx)
            .await?;
    let now = now_text();
    let (id, version, saved) = match &existing {
        None => {
            let id: i64 = bind_content(
                sqlx::query(
                    "INSERT INTO kb_articles (title, summary, body_md, body_html, systems,
                        audience, tags, sources, translation_of, status, change_seq, updated_at,
                        updated_by, slug, lang, version)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1) RETURNING id",
                ),
                input,
                body_html,
            )
            .bind(seq)
            .bind(&now)
            .bind(by)
            .bind(&input.slug)
            .bind(&input.lang)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
            (id, 1, Saved::Created(id))
        }
        Some(row) => {
            bind_content(
                sqlx::query(
                    "UPDATE kb_articles SET title = $1, summary = $2, body_md = $3, body_html = $4,
                        systems = $5, audience = $6, tags = $7, sources = $8, translation_of = $9,
                        status = $10, change_seq = $11, updated_at = $12, updated_by = $13,
                        version = version + 1
                     WHERE id = $14",
                ),
                input,
                body_html,
            )
            .bind(seq)
            .bind(&now)
            .bind(by)
            .bind(row.id)
            .execute(&mut *tx)
            .await?;
            (row.id, row.version + 1, Saved::Updated(row.id))
        }
    };
    sqlx::query(
        "INSERT INTO kb_article_versions (article_id, version, title, summary, body_md, systems,
            audience, tags, status, changed_at, changed_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(id)
    .bind(version)
    .bind(&input.title)
    .bind(&input.summary)
    .bind(&input.body_md)
    .bind(to_json(&input.systems))
    .bind(&input.audience)
    .bind(to_json(&input.tags))
    .bind(&input.status)
    .bind(&now)
    .bind(by)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(saved)
}

/// Articles changed after `seq`, oldest change first.
pub async fn changed_since(db: &Db, seq: i64) -> Result<Vec<ArticleRow>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM kb_articles WHERE change_seq > $1 ORDER BY change_seq"
    ))
    .bind(seq)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn current_seq(db: &Db) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT value FROM change_seq WHERE id = 1")
            .fetch_one(db.pool())
            .await?,
    )
}

pub async fn find(db: &Db, id: i64) -> Result<Option<ArticleRow>, StoreError> {
    sqlx::query(&format!("SELECT {COLUMNS} FROM kb_articles WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .map(|r| from_row(&r))
        .transpose()
}

/// A published article by slug; when both languages use the slug, `prefer_lang` wins.
pub async fn find_published(
    db: &Db,
    slug: &str,
    prefer_lang: &str,
) -> Result<Option<ArticleRow>, StoreError> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM kb_articles WHERE slug = $1 AND status = 'published'
         ORDER BY lang = $2 DESC LIMIT 1"
    ))
    .bind(slug)
    .bind(prefer_lang)
    .fetch_optional(db.pool())
    .await?
    .map(|r| from_row(&r))
    .transpose()
}

/// The published translation of an article: the article it translates, or one translating it.
pub async fn find_translation(db: &Db, row: &ArticleRow) -> Result<Option<ArticleRow>, StoreError> {
    let found = match &row.translation_of {
        Some(original) => {
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM kb_articles
                 WHERE slug = $1 AND lang != $2 AND status = 'published' LIMIT 1"
            ))
            .bind(original)
            .bind(&row.lang)
            .fetch_optional(db.pool())
            .await?
        }
        None => {
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM kb_articles
                 WHERE translation_of = $1 AND lang != $2 AND status = 'published' LIMIT 1"
            ))
            .bind(&row.slug)
            .bind(&row.lang)
            .fetch_optional(db.pool())
            .await?
        }
    };
    found.map(|r| from_row(&r)).transpose()
}

pub async fn count(db: &Db) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM kb_articles")
        .fetch_one(db.pool())
        .await?)
}

pub async fn record_feedback(db: &Db, article_id: i64, helpful: bool) -> Result<bool, StoreError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "INSERT INTO kb_feedback (article_id, helpful, at)
         SELECT id, $1, $2 FROM kb_articles WHERE id = $3 AND status = 'published'",
    )
    .bind(i64::from(helpful))
    .bind(now_text())
    .bind(article_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

pub async fn record_miss(db: &Db, query: &str, lang: &str) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO search_misses (query, lang, count, last_at) VALUES ($1, $2, 1, $3)
         ON CONFLICT (query, lang) DO UPDATE SET count = search_misses.count + 1, last_at = excluded.last_at",
    )
    .bind(query)
    .bind(lang)
    .bind(now_text())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
