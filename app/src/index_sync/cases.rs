//! Keeps the staff case-search index in step with the database. Triggers log every change to
//! a case in `case_changes` in the change's own transaction; the index records the last
//! sequence it applied, so a crash between a database commit and an index commit is caught up
//! by the next sync (at the latest on start). Searches sync first: a supporter finds the note
//! they just wrote.

use std::path::Path;

use search::{CaseDoc, CaseIndex};

use super::{Batch, IndexSyncError, SyncedIndex};
use crate::store::Db;
use crate::store::case_search::{self, CaseText};

/// Cases re-indexed per batch while catching up.
const BATCH: i64 = 500;

pub struct CaseSearch {
    synced: SyncedIndex<CaseIndex>,
    /// This node's name among the change log's readers.
    node: String,
}

/// The document the index gets. Every text goes through the desk's one CPR detector here:
/// the index stores what it is given, and cases hold text from citizens and old records.
fn to_doc(c: CaseText) -> CaseDoc {
    use crate::domain::cpr::redact;
    CaseDoc {
        id: c.id,
        reference: redact(&c.reference),
        subject: redact(&c.subject),
        text: redact(&c.text),
        citizen_name: redact(&c.citizen_name),
        system: redact(&c.system),
        category: redact(&c.category),
        status: c.status,
        updated_at: c.updated_at,
        party: c.party,
        organisation: redact(&c.organisation),
    }
}

impl CaseSearch {
    /// The index in `dir`, kept by the desk node `node`.
    pub fn open(dir: &Path, node: &str) -> Result<Self, IndexSyncError> {
        Ok(Self::new(CaseIndex::open_or_create(dir)?, node))
    }

    fn new(index: CaseIndex, node: &str) -> Self {
        Self {
            synced: SyncedIndex::new(index),
            node: node.to_owned(),
        }
    }

    /// Opens the index and brings it up to date: caught up from the change log, or rebuilt
    /// when this node may have missed changes the others pruned (it was away too long).
    pub async fn open_synced(dir: &Path, node: &str, db: &Db) -> Result<Self, IndexSyncError> {
        let search = Self::open(dir, node)?;
        // SQLite has one node, the only one that prunes: it cannot have missed anything.
        let behind = db.backend() == crate::store::db::Backend::Postgres
            && search.synced.marker().await?.unwrap_or(0) > 0
            && !case_search::is_reader(db, node).await?;
        if behind {
            let rebuilt = search.rebuild(db, |_, _| {}).await?;
            tracing::info!(
                rebuilt,
                "case search index rebuilt: this node had been away"
            );
        } else {
            let applied = search.sync(db).await?;
            if applied > 0 {
                tracing::info!(applied, "case search index caught up with the database");
            }
        }
        Ok(search)
    }

    pub fn index(&self) -> &CaseIndex {
        self.synced.index()
    }

    /// Applies every change the index has not seen. Returns how many cases were re-indexed.
    pub async fn sync(&self, db: &Db) -> Result<usize, IndexSyncError> {
        let _guard = self.synced.lock().await;
        let mut since = self.synced.marker().await?.unwrap_or(0);
        let mut applied = 0;
        loop {
            let (ids, last) = case_search::changed_since(db, since, BATCH).await?;
            if ids.is_empty() {
                break;
            }
            let upserts: Vec<CaseDoc> = case_search::load(db, &ids)
                .await?
                .into_iter()
                .map(to_doc)
                .collect();
            let found: Vec<i64> = upserts.iter().map(|d| d.id).collect();
            let deletes: Vec<i64> = ids
                .iter()
                .copied()
                .filter(|id| !found.contains(id))
                .collect();
            applied += ids.len();
            self.synced
                .write(Batch { upserts, deletes }, Some(last))
                .await?;
            case_search::record_applied(db, &self.node, last, now_ms()).await?;
            since = last;
        }
        Ok(applied)
    }

    /// Empties the index and indexes every case again, reporting progress.
    pub async fn rebuild(
        &self,
        db: &Db,
        progress: impl Fn(u64, u64) + Send + Sync + 'static,
    ) -> Result<usize, IndexSyncError> {
        let _guard = self.synced.lock().await;
        let seq = case_search::current_seq(db).await?;
        let ids = case_search::all_ids(db).await?;
        let total = ids.len() as u64;
        self.synced.clear().await?;
        let mut done = 0_u64;
        for chunk in ids.chunks(500) {
            let upserts: Vec<CaseDoc> = case_search::load(db, chunk)
                .await?
                .into_iter()
                .map(to_doc)
                .collect();
            let batch = Batch {
                upserts,
                deletes: Vec::new(),
            };
            self.synced.write(batch, None).await?;
            done += chunk.len() as u64;
            progress(done, total);
        }
        self.synced.commit_marked(seq).await?;
        case_search::record_applied(db, &self.node, seq, now_ms()).await?;
        Ok(ids.len())
    }
}

fn now_ms() -> i64 {
    crate::store::outbox::now_ms()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Category, Channel, System};
    use crate::store::cases::{self, NewCase};

    fn new_case<'a>(subject: &'a str, body: &'a str) -> NewCase<'a> {
        NewCase {
            subject,
            body,
            system: System::MitId,
            category: Category::Other,
            channel: Channel::Phone,
            citizen: None,
            status_token_hash: None,
            created_by_staff: None,
            opened_at: None,
        }
    }

    #[tokio::test]
    async fn a_case_committed_but_not_indexed_is_caught_up_and_cpr_numbers_stay_out() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("desk.db")).await.unwrap();
        db.migrate().await.unwrap();
        let index_dir = dir.path().join("cases");
        let search = CaseSearch::open(&index_dir, "test-node").unwrap();
        cases::create(&db, new_case("Kodeviser virker ikke", "Batteriet er fladt"))
            .await
            .unwrap();
        assert_eq!(search.sync(&db).await.unwrap(), 1);
        // The process dies between the database commit and the index commit.
        let second = cases::create(
            &db,
            new_case(
                "Stjålet pung, 010203\u{2013}1234",
                "Borgeren oplyste 010203-1234 i telefonen, siden 010203\u{a0}1234, \
                 01.02.03.1234, ０１０２０３１２３４ og erstatningsnummeret 610203-1234",
            ),
        )
        .await
        .unwrap();
        drop(search);

        let search = CaseSearch::open(&index_dir, "test-node").unwrap();
        assert_eq!(search.sync(&db).await.unwrap(), 1, "only the missed case");
        let hits = search
            .index()
            .search(&search::CaseSearchRequest::new("pung"))
            .unwrap()
            .hits;
        assert_eq!(hits[0].reference, second.to_string());
        assert!(!hits[0].subject.contains("1234"), "{}", hits[0].subject);
        assert!(
            // The snippet may end inside the placeholder; the number itself never shows.
            !hits[0].snippet_html.contains("1234") && hits[0].snippet_html.contains("[CPR"),
            "{}",
            hits[0].snippet_html
        );
        for q in [
            "010203-1234",
            "0102031234",
            "1234",
            "010203",
            "610203",
            "０１０２０３１２３４",
        ] {
            let found = search
                .index()
                .search(&search::CaseSearchRequest::new(q))
                .unwrap();
            assert!(
                found.hits.iter().all(|h| h.reference != second.to_string()),
                "{q} found the case by its CPR number"
            );
        }
        assert_eq!(search.sync(&db).await.unwrap(), 0, "nothing left");
    }
}
