//! The administrators' view of the knowledge base: every article with its feedback counts,
//! version history, the searches that found nothing and the least helpful articles. Writes go
//! through `articles::save`, which versions every change.

use sqlx::Row;

use super::articles::json_list;
use super::db::DbRow;
use super::{Db, StoreError};
use crate::domain::kb_admin_views::KbArticleSummary;

/// One saved version of an article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionRow {
    pub version: i64,
    pub title: String,
    pub summary: String,
    pub body_md: String,
    pub systems: Vec<String>,
    pub audience: String,
    pub tags: Vec<String>,
    pub status: String,
    pub changed_at: String,
    pub changed_by: String,
}

/// A search that found nothing, and how often it was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissRow {
    pub query: String,
    pub lang: String,
    pub count: i64,
    pub last_at: String,
}

fn list_row(row: &DbRow) -> Result<KbArticleSummary, StoreError> {
    Ok(KbArticleSummary {
        id: row.try_get("id")?,
        slug: row.try_get("slug")?,
        lang: row.try_get("lang")?,
        title: row.try_get("title")?,
        systems: json_list(row, "systems")?,
        audience: row.try_get("audience")?,
        status: row.try_get("status")?,
        version: row.try_get("version")?,
        updated_at: row.try_get("updated_at")?,
        updated_by: row.try_get("updated_by")?,
        helpful_yes: row.try_get("helpful_yes")?,
        helpful_no: row.try_get("helpful_no")?,
    })
}

const LIST_SELECT: &str = "SELECT a.id, a.slug, a.lang, a.title, a.systems, a.audience, a.status,
        a.version, a.updated_at, a.updated_by,
        COALESCE(f.yes, 0) AS helpful_yes, COALESCE(f.no, 0) AS helpful_no
    FROM kb_articles a
    LEFT JOIN (
        SELECT article_id, COUNT(*) FILTER (WHERE helpful = 1) AS yes,
               COUNT(*) FILTER (WHERE helpful = 0) AS no
        FROM kb_feedback GROUP BY article_id
    ) f ON f.article_id = a.id";

/// Every article, optionally only those with `status` and/or in `lang`, by language and title.
pub async fn list_articles(
    db: &Db,
    status: Option<&str>,
    lang: Option<&str>,
) -> Result<Vec<KbArticleSummary>, StoreError> {
    let rows = sqlx::query(&format!(
        "{LIST_SELECT}
         WHERE ($1 IS NULL OR a.status = $1) AND ($2 IS NULL OR a.lang = $2)
         ORDER BY a.lang, lower(a.title), a.id"
    ))
    .bind(status)
    .bind(lang)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(list_row).collect()
}

/// The articles readers most often said did not help, worst first.
pub async fn most_unhelpful(db: &Db, limit: i64) -> Result<Vec<KbArticleSummary>, StoreError> {
    let rows = sqlx::query(&format!(
        "{LIST_SELECT}
         WHERE COALESCE(f.no, 0) > 0
         ORDER BY helpful_no DESC, helpful_yes ASC, lower(a.title)
         LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(list_row).collect()
}

/// Searches that found nothing, most frequent first.
pub async fn search_misses(db: &Db, limit: i64) -> Result<Vec<MissRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT query, lang, count, last_at FROM search_misses
         ORDER BY count DESC, last_at DESC, query
         LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(MissRow {
                query: row.try_get("query")?,
                lang: row.try_get("lang")?,
                count: row.try_get("count")?,
                last_at: row.try_get("last_at")?,
            })
        })
        .collect()
}

/// Every version of an article, newest first.
pub async fn versions(db: &Db, article_id: i64) -> Result<Vec<VersionRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT version, title, summary, body_md, systems, audience, tags, status, changed_at,
            changed_by
         FROM kb_article_versions WHERE article_id = $1 ORDER BY version DESC",
    )
    .bind(article_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(VersionRow {
                version: row.try_get("version")?,
                title: row.try_get("title")?,
                summary: row.try_get("summary")?,
                body_md: row.try_get("body_md")?,
                systems: json_list(row, "systems")?,
                audience: row.try_get("audience")?,
                tags: json_list(row, "tags")?,
                status: row.try_get("status")?,
                changed_at: row.try_get("changed_at")?,
                changed_by: row.try_get("changed_by")?,
            })
        })
        .collect()
}

/// True when an article in `lang` already uses `slug`.
pub async fn slug_taken(db: &Db, lang: &str, slug: &str) -> Result<bool, StoreError> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM kb_articles WHERE lang = $1 AND slug = $2")
            .bind(lang)
            .bind(slug)
            .fetch_optional(db.pool())
            .await?;
    Ok(found.is_some())
}

/// True when an article in another language than `lang` has `slug`: what `translation_of`
/// must name.
pub async fn original_exists(db: &Db, slug: &str, lang: &str) -> Result<bool, StoreError> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM kb_articles WHERE slug = $1 AND lang != $2 LIMIT 1")
            .bind(slug)
            .bind(lang)
            .fetch_optional(db.pool())
            .await?;
    Ok(found.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::articles::{self, ArticleInput};

    fn article(slug: &str, lang: &str, status: &str) -> ArticleInput {
        ArticleInput {
            slug: slug.into(),
            lang: lang.into(),
            title: format!("Titel {slug}"),
            summary: "Kort.".into(),
            body_md: "Tekst.".into(),
            systems: vec!["MitID".into()],
            audience: "public".into(),
            tags: vec![],
            sources: vec![],
            translation_of: None,
            status: status.into(),
        }
    }

    async fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("desk.db")).await.unwrap();
        db.migrate().await.unwrap();
        (dir, db)
    }

    #[tokio::test]
    async fn lists_filter_and_count_feedback() {
        let (_dir, db) = db().await;
        let a = match articles::save(&db, &article("a", "da", "published"), "", "t")
            .await
            .unwrap()
        {
            articles::Saved::Created(id) => id,
            other => panic!("{other:?}"),
        };
        articles::save(&db, &article("b", "en", "draft"), "", "t")
            .await
            .unwrap();
        for helpful in [true, false, false] {
            assert!(articles::record_feedback(&db, a, helpful).await.unwrap());
        }

        let all = list_articles(&db, None, None).await.unwrap();
        assert_eq!(all.len(), 2);
        let first = all.iter().find(|r| r.id == a).unwrap();
        assert_eq!((first.helpful_yes, first.helpful_no), (1, 2));
        let drafts = list_articles(&db, Some("draft"), None).await.unwrap();
        assert_eq!(drafts.len(), 1);
        assert_eq!(drafts[0].slug, "b");
        assert_eq!((drafts[0].helpful_yes, drafts[0].helpful_no), (0, 0));
        assert!(
            list_articles(&db, Some("draft"), Some("da"))
                .await
                .unwrap()
                .is_empty()
        );

        let worst = most_unhelpful(&db, 10).await.unwrap();
        assert_eq!(worst.len(), 1);
        assert_eq!(worst[0].id, a);

        assert!(slug_taken(&db, "da", "a").await.unwrap());
        assert!(!slug_taken(&db, "en", "a").await.unwrap());
        assert!(original_exists(&db, "a", "en").await.unwrap());
        assert!(!original_exists(&db, "a", "da").await.unwrap());
    }

    #[tokio::test]
    async fn versions_newest_first_and_misses_most_frequent_first() {
        let (_dir, db) = db().await;
        let mut input = article("a", "da", "draft");
        articles::save(&db, &input, "", "anna").await.unwrap();
        input.status = "published".into();
        let id = match articles::save(&db, &input, "", "bo").await.unwrap() {
            articles::Saved::Updated(id) => id,
            other => panic!("{other:?}"),
        };
        let history = versions(&db, id).await.unwrap();
        assert_eq!(
            history
                .iter()
                .map(|v| (v.version, v.changed_by.as_str(), v.status.as_str()))
                .collect::<Vec<_>>(),
            vec![(2, "bo", "published"), (1, "anna", "draft")]
        );

        articles::record_miss(&db, "sjælden", "da").await.unwrap();
        for _ in 0..3 {
            articles::record_miss(&db, "hyppig", "da").await.unwrap();
        }
        let misses = search_misses(&db, 10).await.unwrap();
        assert_eq!(misses[0].query, "hyppig");
        assert_eq!(misses[0].count, 3);
        assert_eq!(misses[1].query, "sjælden");
    }
}
