//! The PostgreSQL backend under test: with `DESK_TEST_BACKEND=postgres` every desk the tests
//! start runs on the cluster at `DESK_TEST_PG_URL` (which `.ci/desk test` starts), each data
//! directory on its own fresh database.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::sync::Mutex;

/// The CPR key every node of a PostgreSQL desk shares (nodes cannot each make their own).
pub const TEST_CPR_KEY: &str = "ZGVzay10ZXN0cy1jcHIta2V5LTMyLWJ5dGVzLWxvbmc=";

/// True when this run's desks use PostgreSQL.
pub fn active() -> bool {
    std::env::var("DESK_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

/// The cluster's maintenance URL; panics with how to get one.
pub fn cluster_url() -> String {
    std::env::var("DESK_TEST_PG_URL").unwrap_or_else(|_| {
        panic!("DESK_TEST_BACKEND=postgres needs DESK_TEST_PG_URL; `bash .ci/desk test` starts a cluster")
    })
}

/// The database URL for the desk whose data directory is `data_dir`, created on first use:
/// restarts, CLI runs and a second node on the same directory find the same database.
pub fn database_for(data_dir: &Path) -> String {
    let mut hasher = DefaultHasher::new();
    data_dir.hash(&mut hasher);
    let name = format!("desk_{:016x}", hasher.finish());
    create_once(&name);
    with_database(&cluster_url(), &name)
}

fn with_database(url: &str, name: &str) -> String {
    let mut url = url::Url::parse(url).expect("DESK_TEST_PG_URL is a URL");
    url.set_path(name);
    url.to_string()
}

fn create_once(name: &str) {
    static CREATED: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let mut created = CREATED.lock().unwrap_or_else(|e| e.into_inner());
    if !created
        .get_or_insert_with(HashSet::new)
        .insert(name.to_owned())
    {
        return;
    }
    psql(&cluster_url(), &format!("CREATE DATABASE {name}"));
}

/// Runs `sql` with psql against `url`; panics with psql's words when it fails.
pub fn psql(url: &str, sql: &str) -> String {
    let out = std::process::Command::new("psql")
        .args([
            "-X",
            "-q",
            "-t",
            "-A",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-c",
            sql,
        ])
        .output()
        .unwrap_or_else(|e| panic!("cannot run psql (is PostgreSQL's bin on PATH?): {e}"));
    assert!(
        out.status.success(),
        "psql {sql:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}
