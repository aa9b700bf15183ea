//! The real server, as a child process.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

/// The demo logins the server loads into an empty database.
pub mod demo {
    pub const SUPPORTER: (&str, &str) = ("supporter", "demo-telefon-2026");
    pub const BORGERSERVICE: (&str, &str) = ("borgerservice", "demo-skranke-2026");
    pub const ADMIN: (&str, &str) = ("admin", "demo-indstil-2026");
    pub const LEAD: (&str, &str) = ("leder", "demo-overblik-2026");
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The server binary under test: `DESK_BIN`, or the release build in the workspace.
pub fn binary() -> PathBuf {
    std::env::var_os("DESK_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/release/supportdesk"))
}

/// The built site (wasm, JS, CSS): `DESK_SITE_ROOT`, or the workspace's `target/site`.
pub fn site_root() -> PathBuf {
    std::env::var_os("DESK_SITE_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/site"))
}

pub struct TestServer {
    pub url: String,
    /// Where Prometheus scrapes, when the server was started with `DESK_METRICS_ADDR`.
    pub metrics_url: Option<String>,
    data_dir: PathBuf,
    // Held so the directory lives as long as the server (None when the caller owns it).
    _temp: Option<tempfile::TempDir>,
    child: Child,
}

impl TestServer {
    /// A server with a fresh, empty data directory (demo data is loaded into it).
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// [`TestServer::start`] with extra environment variables.
    pub async fn start_with(env: &[(&str, &str)]) -> Self {
        let temp = tempfile::tempdir().expect("temp dir");
        let data_dir = temp.path().join("data");
        let mut server = Self::start_in_with(&data_dir, env).await;
        server._temp = Some(temp);
        server
    }

    /// A server on the given data directory, e.g. to restart on the same data.
    pub async fn start_in(data_dir: &Path) -> Self {
        Self::start_in_with(data_dir, &[]).await
    }

    pub async fn start_in_with(data_dir: &Path, env: &[(&str, &str)]) -> Self {
        let mut cmd = command(data_dir);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = spawn_serve(cmd);
        let stdout = child.stdout.take().expect("stdout piped");
        let mut lines = BufReader::new(stdout).lines();
        let (url, metrics_url) = tokio::time::timeout(Duration::from_secs(60), async {
            let mut metrics = None;
            while let Some(line) = lines.next_line().await.expect("read stdout") {
                if let Some(rest) = line.split("Prometheus metrics at ").nth(1) {
                    metrics = Some(rest.trim().to_owned());
                }
                if let Some(rest) = line.split("running at ").nth(1) {
                    return (rest.trim().to_owned(), metrics);
                }
            }
            panic!("server exited before printing its URL");
        })
        .await
        .expect("server did not start within 60 s");
        // Keep draining stdout so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Self {
            url,
            metrics_url,
            data_dir: data_dir.to_owned(),
            _temp: None,
            child,
        }
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// What identifies this desk's accounts across restarts: its data directory.
    pub fn desk_key(&self) -> String {
        self.data_dir.display().to_string()
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{}", self.url, path)
    }

    /// SIGKILL: no shutdown hooks, no flushing; what was acknowledged must be on disk.
    pub async fn kill_hard(mut self) {
        self.child.start_kill().expect("kill");
        self.child.wait().await.expect("wait");
    }

    /// Sends SIGTERM, as systemd or a container runtime does to stop the desk.
    pub fn terminate(&self) {
        let pid = self.child.id().expect("the server is running");
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -TERM {pid} failed");
    }

    /// Waits for the process to end by itself (after [`TestServer::terminate`]); panics if
    /// it is still running after `secs` seconds: a stop that hangs is a failed stop.
    pub async fn wait_for_exit(mut self, secs: u64) -> std::process::ExitStatus {
        tokio::time::timeout(Duration::from_secs(secs), self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("the desk had not stopped {secs} s after SIGTERM"))
            .expect("wait")
    }
}

/// A `supportdesk` command on `data_dir`, with the environment the tests need.
pub fn command(data_dir: &Path) -> Command {
    let mut cmd = Command::new(binary());
    cmd.env("DESK_ADDR", "127.0.0.1:0")
        .env("DESK_DATA_DIR", data_dir)
        .env("DESK_SITE_ROOT", site_root())
        .env("DESK_LOG", "warn")
        // The intake tests send many contact forms from 127.0.0.1; the limits have tests of
        // their own.
        .env("DESK_CONTACT_PER_CLIENT_PER_HOUR", "100000")
        .env("DESK_CONTACT_PER_RECIPIENT_PER_DAY", "100000")
        // Demo data is off by default (published passwords); the tests log in with it.
        .env("DESK_DEMO_DATA", "true")
        // A short queue keeps each test's start-up fast; the demo logins are still there.
        .env("DESK_DEMO_CASES", "12");
    if crate::postgres::active() {
        cmd.env("DESK_DATABASE_URL", crate::postgres::database_for(data_dir))
            .env("DESK_CPR_KEY", crate::postgres::TEST_CPR_KEY);
    }
    cmd
}

/// Runs `supportdesk serve` as `cmd` sets it up, its standard output piped (for the line that
/// names its URL); killed when dropped.
pub fn spawn_serve(mut cmd: Command) -> Child {
    cmd.arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary().display()))
}

/// Runs `supportdesk <args>` with `stdin` as its input; returns (success, stdout, stderr).
pub async fn run_cli(data_dir: &Path, args: &[&str], stdin: &str) -> (bool, String, String) {
    run_cli_with(data_dir, &[], args, stdin).await
}

/// [`run_cli`] with extra environment variables.
pub async fn run_cli_with(
    data_dir: &Path,
    env: &[(&str, &str)],
    args: &[&str],
    stdin: &str,
) -> (bool, String, String) {
    let mut cmd = command(data_dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn cli");
    let mut input = child.stdin.take().expect("stdin");
    input
        .write_all(stdin.as_bytes())
        .await
        .expect("write stdin");
    drop(input);
    let out = child.wait_with_output().await.expect("cli output");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
