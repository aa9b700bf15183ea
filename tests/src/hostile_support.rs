//! Tools for the hostile-input suite: raw HTTP/1.1 over TCP (for what a well-behaved client
//! library will not send: `..` in paths, chunked bodies, a declared length it never sends),
//! the anonymous CSRF pair, and reads of the data directory's database.

use std::path::Path;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::TestServer;
use crate::web::csrf_in;

/// An answer read off the socket.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub head: String,
    pub body: String,
}

fn host_port(server: &TestServer) -> String {
    server
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned()
}

/// A request written by hand and sent over a connection of its own: the request line, the
/// headers in the order given, `Connection: close` and `Host`, then the body parts.
#[must_use]
pub struct RawRequest {
    head: String,
    body_parts: Vec<Vec<u8>>,
    whole_body: bool,
}

impl RawRequest {
    fn request(method: &str, path: &str) -> Self {
        Self {
            head: format!("{method} {path} HTTP/1.1"),
            body_parts: Vec::new(),
            whole_body: false,
        }
    }

    /// `GET path`.
    pub fn get(path: &str) -> Self {
        Self::request("GET", path)
    }

    /// `POST path` with a body of `content_type` and a declared `Content-Length` (which the
    /// parts given to [`RawRequest::body`] need not add up to).
    pub fn post(path: &str, content_type: &str, length: usize) -> Self {
        Self::request("POST", path)
            .header("Content-Type", content_type)
            .header("Content-Length", &length.to_string())
    }

    /// `POST path` with a chunked body of `content_type` (the parts are sent as given).
    pub fn post_chunked(path: &str, content_type: &str) -> Self {
        Self::request("POST", path)
            .header("Content-Type", content_type)
            .header("Transfer-Encoding", "chunked")
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.head.push_str(&format!("\r\n{name}: {value}"));
        self
    }

    /// One more write after the head.
    pub fn body(mut self, part: Vec<u8>) -> Self {
        self.body_parts.push(part);
        self
    }

    /// Reads the answer to its end, not only the status line and headers.
    pub fn whole_answer(mut self) -> Self {
        self.whole_body = true;
        self
    }

    pub async fn send(self, server: &TestServer) -> RawResponse {
        let head = format!("{}\r\nConnection: close", self.head);
        raw_request(server, &head, &self.body_parts, self.whole_body).await
    }
}

/// Sends `head` (request line and headers, without the blank line) and then `body_parts` one
/// write each, and reads the answer. Write errors after the head are ignored: a server may
/// answer and close before it has read everything, which is what some tests want. With
/// `whole_body` false, reading stops once the status line and headers are in.
async fn raw_request(
    server: &TestServer,
    head: &str,
    body_parts: &[Vec<u8>],
    whole_body: bool,
) -> RawResponse {
    let mut stream = TcpStream::connect(host_port(server))
        .await
        .expect("connect");
    let head = format!("{head}\r\nHost: {}\r\n\r\n", host_port(server));
    stream.write_all(head.as_bytes()).await.expect("write head");
    // A server that answered early may stop reading: never wait on a full socket for long.
    let write = async {
        for part in body_parts {
            if stream.write_all(part).await.is_err() {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(10), write).await;
    let mut got = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let read = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    got.extend_from_slice(&buf[..n]);
                    if !whole_body && got.windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(10), read).await;
    let text = String::from_utf8_lossy(&got).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP answer: {text:?}"));
    RawResponse {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

/// A visitor's CSRF cookie (`name=value`, for a `Cookie` header) and the token that goes with it.
pub async fn anonymous_csrf(server: &TestServer) -> (String, String) {
    let res = reqwest::Client::new()
        .get(server.at("/login"))
        .header(reqwest::header::ACCEPT, "text/html")
        .send()
        .await
        .expect("GET /login");
    let cookie = res
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.contains("desk_csrf="))
        .and_then(|c| c.split(';').next())
        .expect("a CSRF cookie on the first visit")
        .to_owned();
    let html = res.text().await.expect("body");
    let token = csrf_in(&html).expect("a csrf_token field");
    (cookie, token)
}

/// The desk's database, read-only (beside the running server).
fn open_read_only(data_dir: &Path) -> rusqlite::Connection {
    let db = rusqlite::Connection::open_with_flags(
        data_dir.join("desk.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("open desk.db");
    db.busy_timeout(Duration::from_secs(5)).expect("timeout");
    db
}

/// One number from the desk's database (read-only, beside the running server).
pub fn db_count(data_dir: &Path, sql: &str) -> i64 {
    if crate::postgres::active() {
        let out = crate::postgres::psql(&crate::postgres::database_for(data_dir), sql);
        return out
            .parse()
            .unwrap_or_else(|e| panic!("{sql}: {out:?} is not a number: {e}"));
    }
    open_read_only(data_dir)
        .query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// One text value from the desk's database (read-only, beside the running server).
pub fn db_text(data_dir: &Path, sql: &str) -> String {
    if crate::postgres::active() {
        return crate::postgres::psql(&crate::postgres::database_for(data_dir), sql);
    }
    open_read_only(data_dir)
        .query_row(sql, [], |r| r.get::<_, rusqlite::types::Value>(0))
        .map(as_text)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// A value as psql prints it unaligned (NULL as nothing).
fn as_text(value: rusqlite::types::Value) -> String {
    use rusqlite::types::Value;
    match value {
        Value::Null => String::new(),
        Value::Integer(n) => n.to_string(),
        Value::Real(x) => x.to_string(),
        Value::Text(s) => s,
        Value::Blob(b) => b.iter().map(|b| format!("{b:02x}")).collect(),
    }
}

/// Runs a statement on the desk's database beside the running server (a test's shortcut, such
/// as moving a date into the past).
pub fn db_execute(data_dir: &Path, sql: &str) {
    if crate::postgres::active() {
        crate::postgres::psql(&crate::postgres::database_for(data_dir), sql);
        return;
    }
    let db = rusqlite::Connection::open(data_dir.join("desk.db")).expect("open desk.db");
    db.busy_timeout(Duration::from_secs(10)).expect("timeout");
    db.execute_batch(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Runs an `INSERT … RETURNING id` on the desk's database beside the running server; the id.
pub fn db_insert(data_dir: &Path, sql: &str) -> i64 {
    if crate::postgres::active() {
        let out = crate::postgres::psql(&crate::postgres::database_for(data_dir), sql);
        return out
            .parse()
            .unwrap_or_else(|e| panic!("{sql}: {out:?}: {e}"));
    }
    let db = rusqlite::Connection::open(data_dir.join("desk.db")).expect("open desk.db");
    db.busy_timeout(Duration::from_secs(10)).expect("timeout");
    db.query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The first column of every row `sql` reads, as text.
pub fn db_texts(data_dir: &Path, sql: &str) -> Vec<String> {
    if crate::postgres::active() {
        let out = crate::postgres::psql(&crate::postgres::database_for(data_dir), sql);
        return out.lines().map(str::to_owned).collect();
    }
    let db = open_read_only(data_dir);
    let mut stmt = db.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    stmt.query_map([], |r| r.get::<_, rusqlite::types::Value>(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .map(|r| as_text(r.expect("row")))
        .filter(|s| !s.is_empty())
        .collect()
}

/// Every text column of the desk's cases and timeline, to look for what must not be stored.
pub fn stored_text(data_dir: &Path) -> String {
    let mut out = String::new();
    if crate::postgres::active() {
        let url = crate::postgres::database_for(data_dir);
        for table in ["cases", "case_events", "citizens", "outbox", "attachments"] {
            out.push_str(&crate::postgres::psql(
                &url,
                &format!("SELECT * FROM {table}"),
            ));
            out.push('\n');
        }
        return out;
    }
    let db = open_read_only(data_dir);
    for table in ["cases", "case_events", "citizens", "outbox", "attachments"] {
        let Ok(mut stmt) = db.prepare(&format!("SELECT * FROM {table}")) else {
            continue;
        };
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).expect("query");
        while let Some(row) = rows.next().expect("row") {
            for i in 0..columns {
                if let Ok(Some(s)) = row.get::<_, Option<String>>(i) {
                    out.push_str(&s);
                    out.push('\n');
                }
            }
        }
    }
    out
}
