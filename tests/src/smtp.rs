//! A real SMTP listener on loopback for the e-mail tests: speaks enough RFC 5321 for lettre
//! (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), keeps what it accepted, and can refuse the
//! first messages (451, as a greylisting server does) or stall before acknowledging one.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

#[derive(Clone, Debug)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The message as sent (headers and body), dot-unstuffed, CRLF line ends.
    pub data: String,
}

impl Received {
    /// A header's value (first occurrence, unfolded).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }
}

#[derive(Default)]
struct Shared {
    accepted: Mutex<Vec<Received>>,
    refuse_remaining: AtomicUsize,
    refused: AtomicUsize,
    stall: AtomicBool,
    /// Messages whose DATA arrived while stalling (never acknowledged).
    stalled: AtomicUsize,
}

#[derive(Clone)]
pub struct SmtpServer {
    pub port: u16,
    shared: Arc<Shared>,
}

impl SmtpServer {
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let port = crate::listen("smtp", shared.clone(), |stream, s| async move {
            let _ = session(stream, s).await;
        })
        .await;
        Self { port, shared }
    }

    /// For `DESK_SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The environment of a desk that mails through this relay: failed deliveries retried
    /// every 200 ms, links to `https://desk.example`, sent from the support line.
    pub fn desk_env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("DESK_SMTP_URL", self.url()),
            ("DESK_OUTBOX_RETRY_MS", "200".into()),
            ("DESK_PUBLIC_URL", "https://desk.example".into()),
            (
                "DESK_MAIL_FROM",
                "Supportlinjen <support@desk.example>".into(),
            ),
        ]
    }

    /// Answer the next `n` messages with "451 try again later".
    pub fn refuse_next(&self, n: usize) {
        self.shared.refuse_remaining.store(n, Ordering::SeqCst);
    }

    /// While on, a message's DATA is read but never acknowledged.
    pub fn set_stall(&self, on: bool) {
        self.shared.stall.store(on, Ordering::SeqCst);
    }

    pub fn refused(&self) -> usize {
        self.shared.refused.load(Ordering::SeqCst)
    }

    pub fn stalled(&self) -> usize {
        self.shared.stalled.load(Ordering::SeqCst)
    }

    pub fn accepted(&self) -> Vec<Received> {
        self.shared.accepted.lock().expect("lock").clone()
    }

    /// The addresses accepted messages were sent to.
    pub fn recipients(&self) -> std::collections::BTreeSet<String> {
        self.accepted()
            .into_iter()
            .flat_map(|m| m.rcpt_to)
            .map(|r| r.trim_matches(['<', '>']).to_owned())
            .collect()
    }

    /// Waits (at most `secs` seconds, looking twice a second: copying thousands of accepted
    /// messages is not free) until every address in `wanted` got a message; returns those
    /// that did not.
    pub async fn undelivered(
        &self,
        wanted: &std::collections::BTreeSet<String>,
        secs: u64,
    ) -> Vec<String> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let got = self.recipients();
            if got.is_superset(wanted) || tokio::time::Instant::now() >= deadline {
                return wanted.difference(&got).cloned().collect();
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    /// Waits until at least `n` messages were accepted (at most `secs` seconds).
    pub async fn wait_for(&self, n: usize, secs: u64) -> Vec<Received> {
        crate::poll_for(n, secs, || self.accepted()).await
    }

    /// Waits until `cond` holds (at most `secs` seconds); returns whether it did.
    pub async fn wait_until(&self, secs: u64, cond: impl Fn(&Self) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        while tokio::time::Instant::now() < deadline {
            if cond(self) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        cond(self)
    }
}

/// The address of a `MAIL FROM:` or `RCPT TO:` command, as written.
fn address_in(command: &str) -> String {
    command
        .split_once(':')
        .map(|x| x.1)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

async fn session(stream: TcpStream, shared: Arc<Shared>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 test-smtp ESMTP ready\r\n").await?;
    let mut from = String::new();
    let mut rcpt = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" | "HELO" => {
                write
                    .write_all(b"250-test-smtp\r\n250 8BITMIME\r\n")
                    .await?
            }
            "MAIL" => {
                from = address_in(&command);
                rcpt.clear();
                write.write_all(b"250 2.1.0 ok\r\n").await?;
            }
            "RCPT" => {
                rcpt.push(address_in(&command));
                write.write_all(b"250 2.1.5 ok\r\n").await?;
            }
            "DATA" => {
                write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    let unstuffed = line.strip_prefix('.').unwrap_or(&line);
                    data.push_str(unstuffed);
                }
                if shared.stall.load(Ordering::SeqCst) {
                    shared.stalled.fetch_add(1, Ordering::SeqCst);
                    // Never answer: the client is left waiting for the acknowledgement.
                    std::future::pending::<()>().await;
                }
                let refuse = shared
                    .refuse_remaining
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok();
                if refuse {
                    shared.refused.fetch_add(1, Ordering::SeqCst);
                    write.write_all(b"451 4.3.0 try again later\r\n").await?;
                } else {
                    shared.accepted.lock().expect("lock").push(Received {
                        mail_from: from.clone(),
                        rcpt_to: rcpt.clone(),
                        data,
                    });
                    write.write_all(b"250 2.0.0 queued\r\n").await?;
                }
            }
            "RSET" | "NOOP" => write.write_all(b"250 ok\r\n").await?,
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => write.write_all(b"502 5.5.2 not implemented\r\n").await?,
        }
    }
}
