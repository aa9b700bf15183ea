//! Keeps the tantivy index in step with the database. The index records the change sequence it
//! has applied; every sync applies whatever changed after it, so a crash between a database
//! commit and an index commit loses nothing: the next sync (at the latest on start) catches up.

use std::path::Path;

use search::{ArticleDoc, KbIndex};

use super::{Batch, IndexSyncError, SyncedIndex};
use crate::domain::markdown;
use crate::store::Db;
use crate::store::articles::{self, ArticleRow};

pub struct KbSearch {
    synced: SyncedIndex<KbIndex>,
}

pub fn to_doc(row: &ArticleRow) -> ArticleDoc {
    ArticleDoc {
        id: row.id,
        slug: row.slug.clone(),
        lang: row.lang.clone(),
        title: row.title.clone(),
        summary: row.summary.clone(),
        body: markdown::to_plain_text(&row.body_md),
        systems: row.systems.clone(),
        audience: row.audience.clone(),
        tags: row.tags.clone(),
    }
}

/// Published articles are in the index; every other status is taken out of it.
fn batch(rows: &[ArticleRow]) -> Batch<ArticleDoc> {
    let (published, withdrawn): (Vec<&ArticleRow>, Vec<&ArticleRow>) =
        rows.iter().partition(|row| row.status == "published");
    Batch {
        upserts: published.into_iter().map(to_doc).collect(),
        deletes: withdrawn.into_iter().map(|row| row.id).collect(),
    }
}

impl KbSearch {
    pub fn open(dir: &Path) -> Result<Self, IndexSyncError> {
        Ok(Self::new(KbIndex::open_or_create(dir)?))
    }

    pub fn in_ram() -> Result<Self, IndexSyncError> {
        Ok(Self::new(KbIndex::create_in_ram()?))
    }

    fn new(index: KbIndex) -> Self {
        Self {
            synced: SyncedIndex::new(index),
        }
    }

    pub fn index(&self) -> &KbIndex {
        self.synced.index()
    }

    /// Applies every change the index has not seen. Returns how many articles were applied.
    pub async fn sync(&self, db: &Db) -> Result<usize, IndexSyncError> {
        let _guard = self.synced.lock().await;
        let marker = self.synced.marker().await?;
        let since = if self.index().opened().needs_reindex() && marker.is_none() {
            0
        } else {
            marker.unwrap_or(0)
        };
        let changed = articles::changed_since(db, since).await?;
        let Some(last) = changed.last().map(|r| r.change_seq) else {
            return Ok(0);
        };
        self.synced.write(batch(&changed), Some(last)).await?;
        Ok(changed.len())
    }

    /// Empties the index and indexes every published article again, reporting progress.
    pub async fn rebuild(
        &self,
        db: &Db,
        progress: impl Fn(u64, u64) + Send + 'static,
    ) -> Result<usize, IndexSyncError> {
        let _guard = self.synced.lock().await;
        let seq = articles::current_seq(db).await?;
        let rows = articles::changed_since(db, 0).await?;
        let total = rows.len() as u64;
        self.synced.clear().await?;
        let mut indexed = 0;
        let mut done = 0_u64;
        for chunk in rows.chunks(500) {
            let batch = batch(chunk);
            indexed += batch.upserts.len();
            // Withdrawn articles are simply not added: the index was just emptied.
            let batch = Batch {
                upserts: batch.upserts,
                deletes: Vec::new(),
            };
            self.synced.write(batch, None).await?;
            done += chunk.len() as u64;
            progress(done, total);
        }
        self.synced.commit_marked(seq).await?;
        Ok(indexed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::articles::{ArticleInput, save};

    fn article(slug: &str, title: &str, status: &str) -> ArticleInput {
        ArticleInput {
            slug: slug.into(),
            lang: "da".into(),
            title: title.into(),
            summary: format!("{title} kort fortalt."),
            body_md: format!("Sådan gør du med {title}."),
            systems: vec!["MitID".into()],
            audience: "public".into(),
            tags: vec![],
            sources: vec![],
            translation_of: None,
            status: status.into(),
        }
    }

    async fn titles(kb: &KbSearch, query: &str) -> Vec<String> {
        let request = search::SearchRequest::new(query);
        kb.index()
            .search(&request)
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.title)
            .collect()
    }

    #[tokio::test]
    async fn a_change_committed_to_the_database_but_not_the_index_is_caught_up_on_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("desk.db")).await.unwrap();
        db.migrate().await.unwrap();
        let index_dir = dir.path().join("index");

        let kb = KbSearch::open(&index_dir).unwrap();
        save(
            &db,
            &article("kodeviser", "Kodeviser", "published"),
            "<p></p>",
            "t",
        )
        .await
        .unwrap();
        assert_eq!(kb.sync(&db).await.unwrap(), 1);
        // The database commits a second article; the process dies before the index commit.
        save(
            &db,
            &article("kodeoplaeser", "Kodeoplæser", "published"),
            "<p></p>",
            "t",
        )
        .await
        .unwrap();
        drop(kb);

        let kb = KbSearch::open(&index_dir).unwrap();
        assert_eq!(
            kb.sync(&db).await.unwrap(),
            1,
            "only the missed change is applied"
        );
        assert_eq!(
            titles(&kb, "kodeoplæser").await.first().map(String::as_str),
            Some("Kodeoplæser")
        );
        assert_eq!(kb.index().doc_count(), 2);
        assert_eq!(kb.sync(&db).await.unwrap(), 0, "nothing left to catch up");
    }

    #[tokio::test]
    async fn unpublishing_removes_and_rebuild_restores() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("desk.db")).await.unwrap();
        db.migrate().await.unwrap();
        let kb = KbSearch::in_ram().unwrap();
        save(&db, &article("a", "Digital fuldmagt", "published"), "", "t")
            .await
            .unwrap();
        save(&db, &article("b", "NemKonto", "draft"), "", "t")
            .await
            .unwrap();
        kb.sync(&db).await.unwrap();
        assert_eq!(kb.index().doc_count(), 1, "drafts are not searchable");

        save(&db, &article("a", "Digital fuldmagt", "archived"), "", "t")
            .await
            .unwrap();
        kb.sync(&db).await.unwrap();
        assert_eq!(kb.index().doc_count(), 0);

        save(&db, &article("b", "NemKonto", "published"), "", "t")
            .await
            .unwrap();
        let seen = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let progress = seen.clone();
        let indexed = kb
            .rebuild(&db, move |done, _| {
                progress.store(done, std::sync::atomic::Ordering::SeqCst)
            })
            .await
            .unwrap();
        assert_eq!(indexed, 1);
        assert_eq!(
            seen.load(std::sync::atomic::Ordering::SeqCst),
            2,
            "progress covers every row"
        );
        assert_eq!(titles(&kb, "nemkonto").await, vec!["NemKonto"]);
    }

    #[tokio::test]
    async fn saving_the_same_content_twice_makes_no_new_version() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("desk.db")).await.unwrap();
        db.migrate().await.unwrap();
        let a = article("x", "Aktiveringskode", "published");
        assert!(matches!(
            save(&db, &a, "", "t").await.unwrap(),
            articles::Saved::Created(_)
        ));
        assert!(matches!(
            save(&db, &a, "", "t").await.unwrap(),
            articles::Saved::Unchanged(_)
        ));
        let mut changed = a.clone();
        changed.summary = "Ny tekst.".into();
        assert!(matches!(
            save(&db, &changed, "", "t").await.unwrap(),
            articles::Saved::Updated(_)
        ));
        assert_eq!(articles::current_seq(&db).await.unwrap(), 2);
    }
}
