//! A real HTTP receiver on loopback standing in for an external identity registry: records
//! every request (headers and body) and answers 503 while told to fail, 200 otherwise.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Lower-case names.
    pub headers: HashMap<String, String>,
    pub body: String,
    /// The status it was answered with.
    pub answered: u16,
}

impl Request {
    /// Whether the desk signed it with `secret`: HMAC-SHA256 over "timestamp.body".
    pub fn signed_with(&self, secret: &str) -> bool {
        use hmac::{Hmac, Mac};
        let (Some(ts), Some(signature)) = (
            self.headers.get("x-desk-timestamp"),
            self.headers.get("x-desk-signature"),
        ) else {
            return false;
        };
        let Ok(mut mac) = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret.as_bytes()) else {
            return false;
        };
        mac.update(format!("{ts}.{}", self.body).as_bytes());
        *signature == format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    }
}

#[derive(Default)]
struct Shared {
    requests: Mutex<Vec<Request>>,
    fail_remaining: AtomicUsize,
}

#[derive(Clone)]
pub struct Receiver {
    pub port: u16,
    shared: Arc<Shared>,
}

impl Receiver {
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let port = crate::listen("receiver", shared.clone(), answer).await;
        Self { port, shared }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/registry/commands", self.port)
    }

    /// Answer the next `n` requests with 503.
    pub fn fail_next(&self, n: usize) {
        self.shared.fail_remaining.store(n, Ordering::SeqCst);
    }

    pub fn requests(&self) -> Vec<Request> {
        self.shared.requests.lock().expect("lock").clone()
    }

    /// Requests answered 200.
    pub fn acknowledged(&self) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|r| r.answered == 200)
            .collect()
    }

    /// Waits until `n` requests were acknowledged (at most `secs` seconds).
    pub async fn wait_acknowledged(&self, n: usize, secs: u64) -> Vec<Request> {
        crate::poll_for(n, secs, || self.acknowledged()).await
    }
}

/// Reads one request, records it and answers it (503 while told to fail, else 200).
async fn answer(stream: TcpStream, s: Arc<Shared>) {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut line = String::new();
    if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    let mut headers = HashMap::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    if reader.read_exact(&mut body).await.is_err() {
        return;
    }
    let fail = s
        .fail_remaining
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let status = if fail { 503 } else { 200 };
    s.requests.lock().expect("lock").push(Request {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        answered: status,
    });
    let reason = if fail { "Service Unavailable" } else { "OK" };
    let _ = write
        .write_all(
            format!("HTTP/1.1 {status} {reason}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await;
}
