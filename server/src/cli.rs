//! The command line: `serve` (the default), `migrate`, `seed`, `reindex`, `user add`,
//! `user list`, `user unlock`, `user disable|enable|role|rename|reset-password|reset2fa`, `audit verify`, `mail ingest`, `mail outbox`, `cti simulate`,
//! `backup`, `restore`.

use std::io::Read;
use std::path::PathBuf;

use app::auth::password;
use app::domain::Role;
use app::store::{StoreError, users};
use clap::{Parser, Subcommand};

use app::index_sync::kb::KbSearch;
use app::kb::seed::SeedError;
use indicatif::{ProgressBar, ProgressStyle};

use crate::backup::{self, BackupFileError};
use crate::config::{Config, ConfigError};
use crate::demo::{self, DEMO_LOGINS, DemoError};
use crate::knowledge_base;
use crate::startup::{Application, StartupError};
use crate::telemetry;

#[derive(Parser)]
#[command(name = "supportdesk", version, about = "The unified support desk")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the desk (the default). Applies migrations and loads demo data into an empty database.
    Serve,
    /// Create the data directory and database if missing, and apply migrations.
    Migrate,
    /// Load the demo data (what is missing of it) and reload the knowledge base from the
    /// shipped articles.
    Seed,
    /// Rebuild the search index from the database.
    Reindex,
    /// Write a consistent copy of the database to FILE while the desk serves. The keys are
    /// not in it: keep the data directory's keys/ (or DESK_CPR_KEY) apart, see README.
    Backup {
        /// Where the backup goes; must not exist.
        file: PathBuf,
    },
    /// Put a backup in place in an empty data directory (with its CPR key already there),
    /// apply newer migrations, rebuild the search indexes and verify the audit log.
    Restore {
        /// The backup file.
        file: PathBuf,
    },
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        action: AuditCommand,
    },
    /// E-mail: take in a message, see the outbox.
    Mail {
        #[command(subcommand)]
        action: MailCommand,
    },
    /// Telephony (CTI): try the phone integration without a phone system.
    Cti {
        #[command(subcommand)]
        action: CtiCommand,
    },
    /// List every server function the desk answers, as `METHOD path`, one per line (the
    /// hostile-input tests check each one's role rule from this list).
    Endpoints,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain from the first entry to the last; names the first broken entry
    /// and exits with an error if there is one.
    Verify,
}

#[derive(Subcommand)]
enum MailCommand {
    /// Thread one raw RFC 5322 message from standard input into its case (or a new case),
    /// as `POST /mail/inbound` does: `supportdesk mail ingest < message.eml`.
    Ingest,
    /// Count the outbox's messages by delivery state.
    Outbox,
}

#[derive(Subcommand)]
enum CtiCommand {
    /// Send a signed ringing, answered and hangup for one call to the running desk, as a phone
    /// system would (signed with DESK_CTI_SECRET or the data directory's key file).
    Simulate {
        /// The supporter whose phone rings (their console shows the call).
        #[arg(long)]
        agent: String,
        /// The caller's number, e.g. +4512345678 (the demo citizen Karen Lund).
        #[arg(long)]
        from: String,
        /// The number called (the support line).
        #[arg(long, default_value = "+4570202020")]
        to: String,
        /// Seconds the phone rings before it is answered.
        #[arg(long, default_value_t = 3)]
        ring_seconds: u64,
        /// Seconds of talk between answer and hang-up.
        #[arg(long, default_value_t = 5)]
        talk_seconds: u64,
        /// The desk's address; DESK_PUBLIC_URL or DESK_ADDR when not given.
        #[arg(long)]
        url: Option<String>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a staff account. The password is read from standard input.
    Add {
        #[arg(long)]
        username: String,
        /// supporter, borgerservice or admin
        #[arg(long)]
        role: String,
        /// The name shown in the desk (defaults to the username).
        #[arg(long)]
        name: Option<String>,
    },
    /// List staff accounts.
    List,
    /// Clear a username's failed logins, so its owner can log in at once (audited).
    Unlock {
        #[arg(long)]
        username: String,
    },
    /// Disable an account: it cannot log in, and its sessions end at once (audited).
    Disable {
        #[arg(long)]
        username: String,
    },
    /// Enable a disabled account again (audited).
    Enable {
        #[arg(long)]
        username: String,
    },
    /// Give an account another role: supporter, lead, borgerservice or admin (audited).
    Role {
        #[arg(long)]
        username: String,
        #[arg(long)]
        role: String,
    },
    /// Change the name an account is shown with (audited).
    Rename {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
    },
    /// Set a temporary password, read from standard input, that the person must change at
    /// their next login; their sessions end (audited).
    ResetPassword {
        #[arg(long)]
        username: String,
    },
    /// Remove an account's two-factor login (a lost phone); the next login sets up a new
    /// authenticator, and the sessions end (audited).
    Reset2fa {
        #[arg(long)]
        username: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Demo(#[from] DemoError),
    #[error("could not read the password from standard input: {0}")]
    Stdin(std::io::Error),
    #[error("could not hash the password: {0}")]
    Password(#[from] password::PasswordError),
    #[error("cannot load the knowledge base: {0}")]
    KnowledgeBase(#[from] SeedError),
    #[error("{0}")]
    Invalid(String),
    #[error("the audit log is broken after {checked} intact entries: {broken}")]
    AuditBroken {
        checked: u64,
        broken: app::domain::audit::chain::Broken,
    },
    #[error("could not read the message from standard input: {0}")]
    MessageStdin(std::io::Error),
    #[error(transparent)]
    Inbound(#[from] crate::inbound_mail::InboundError),
    #[error("could not reach the desk: {0}")]
    Http(#[from] reqwest::Error),
    #[error("server stopped with an error: {0}")]
    Serve(std::io::Error),
    #[error(transparent)]
    Backup(#[from] BackupFileError),
}

pub async fn run() -> Result<(), CliError> {
    let cli = Cli::parse();
    let config = Config::from_env()?;
    telemetry::init(&config.log_filter, config.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Endpoints => {
            let mut endpoints: Vec<String> = leptos::server_fn::axum::server_fn_paths()
                .map(|(path, method)| format!("{method} {path}"))
                .collect();
            endpoints.sort();
            for line in endpoints {
                println!("{line}");
            }
            Ok(())
        }
        Command::Migrate => {
            let db = Application::open_database(&config).await?;
            println!("Database ready at {}", config.database_path().display());
            db.close().await;
            Ok(())
        }
        Command::Seed => {
            let db = Application::open_database(&config).await?;
            let vault = Application::cpr_vault(&config)?;
            let added = demo::ensure_demo_staff(&db, &vault).await?;
            println!("Demo data loaded: {added} staff account(s) added.");
            let cases = demo::ensure_demo_cases(&db, &vault, config.demo_cases).await?;
            println!("Demo cases: {cases} added (only into an empty queue).");
            let kb = knowledge_base::load(&db).await?;
            println!(
                "Knowledge base: {} article(s) added, {} updated, {} unchanged.",
                kb.created, kb.updated, kb.unchanged
            );
            Application::open_search(&config, &db).await?;
            db.close().await;
            Ok(())
        }
        Command::Reindex => {
            let db = Application::open_database(&config).await?;
            let rebuilt = rebuild_indexes(&config, &db).await;
            db.close().await;
            rebuilt
        }
        Command::Backup { file } => {
            let totals = backup::take(&config, &file).await?;
            println!(
                "Backup written to {}: {} case(s), {} audit entries.",
                file.display(),
                totals.cases,
                totals.audit_entries
            );
            println!(
                "Not in it: the keys. Keep {} (or DESK_CPR_KEY) apart from the backup; without \
                 the CPR key its CPR numbers cannot be read.",
                config.data_dir.join("keys").display()
            );
            Ok(())
        }
        Command::Restore { file } => {
            let (restored, db) = backup::restore(&config, &file).await?;
            println!(
                "Restored {} into {}: {} case(s), {} audit entries{}.",
                file.display(),
                config.database_path().display(),
                restored.totals.cases,
                restored.totals.audit_entries,
                if restored.with_cpr_numbers {
                    "; the CPR key in place opens its CPR numbers"
                } else {
                    ""
                }
            );
            let rebuilt = rebuild_indexes(&config, &db).await;
            let verified = verify_audit(&db).await;
            db.close().await;
            rebuilt.and(verified)
        }
        Command::Audit {
            action: AuditCommand::Verify,
        } => {
            let db = Application::open_database(&config).await?;
            let verified = verify_audit(&db).await;
            db.close().await;
            verified
        }
        Command::Mail {
            action: MailCommand::Ingest,
        } => {
            let mut raw = Vec::new();
            std::io::stdin()
                .take(u64::try_from(crate::inbound_mail::MAX_MESSAGE_BYTES).unwrap_or(u64::MAX) + 1)
                .read_to_end(&mut raw)
                .map_err(CliError::MessageStdin)?;
            let db = Application::open_database(&config).await?;
            let result = crate::inbound_mail::ingest(&db, &raw).await;
            db.close().await;
            let t = result?;
            let what = match (t.duplicate, t.created, t.reopened) {
                (true, _, _) => "already received; nothing added to",
                (_, true, _) => "new case",
                (_, _, true) => "added to (and reopened)",
                _ => "added to",
            };
            match &t.linked_to {
                Some(named) => println!("{what} {}, linked to {named}", t.reference),
                None => println!("{what} {}", t.reference),
            }
            Ok(())
        }
        Command::Mail {
            action: MailCommand::Outbox,
        } => {
            let db = Application::open_database(&config).await?;
            for (state, n) in app::store::outbox::counts(&db).await? {
                println!("{:<10} {n}", state.as_str());
            }
            db.close().await;
            Ok(())
        }
        Command::Cti {
            action:
                CtiCommand::Simulate {
                    agent,
                    from,
                    to,
                    ring_seconds,
                    talk_seconds,
                    url,
                },
        } => {
            let call = SimulatedCall {
                agent,
                from,
                to,
                ring_seconds,
                talk_seconds,
            };
            simulate_call(&config, url, &call).await
        }
        Command::User {
            action:
                UserCommand::Add {
                    username,
                    role,
                    name,
                },
        } => add_user(&config, &username, &role, name).await,
        Command::User {
            action: UserCommand::Unlock { username },
        } => unlock_user(&config, &username).await,
        Command::User {
            action: UserCommand::List,
        } => {
            let db = Application::open_database(&config).await?;
            println!(
                "{:<24} {:<14} {:<9} {:<9} {:<17} NAME",
                "USERNAME", "ROLE", "STATE", "2FA", "LAST LOGIN"
            );
            for u in users::list(&db).await? {
                let state = if u.active { "active" } else { "disabled" };
                let two_factor = if u.enrolled() { "on" } else { "off" };
                let last_login = u
                    .last_login_at
                    .and_then(|at| time::OffsetDateTime::from_unix_timestamp(at).ok())
                    .map(|at| {
                        use app::domain::danish_time;
                        danish_time::write(danish_time::local(at), danish_time::Layout::Screen)
                    })
                    .unwrap_or_else(|| "never".into());
                println!(
                    "{:<24} {:<14} {:<9} {:<9} {:<17} {}",
                    u.username,
                    u.role.as_str(),
                    state,
                    two_factor,
                    last_login,
                    u.display_name
                );
            }
            db.close().await;
            Ok(())
        }
        Command::User { action } => change_user(&config, action).await,
    }
}

/// `user disable|enable|role|rename|reset-password|reset2fa`: the admin page's changes, as
/// the command line (audited as `cli`).
async fn change_user(config: &Config, command: UserCommand) -> Result<(), CliError> {
    use app::auth::staff::{self, Payload};
    use app::domain::staff_admin::StaffAction;

    let temporary;
    let (username, action, payload) = match &command {
        UserCommand::Disable { username } => (username, StaffAction::Disable, Payload::None),
        UserCommand::Enable { username } => (username, StaffAction::Enable, Payload::None),
        UserCommand::Role { username, role } => {
            let role = Role::parse(role).map_err(|e| CliError::Invalid(e.to_string()))?;
            (username, StaffAction::ChangeRole(role), Payload::None)
        }
        UserCommand::Rename { username, name } => {
            (username, StaffAction::Rename, Payload::Name(name))
        }
        UserCommand::ResetPassword { username } => {
            temporary = read_password_line()?;
            (
                username,
                StaffAction::ResetPassword,
                Payload::TemporaryPassword(&temporary),
            )
        }
        UserCommand::Reset2fa { username } => {
            (username, StaffAction::ResetTwoFactor, Payload::None)
        }
        UserCommand::Add { .. } | UserCommand::List | UserCommand::Unlock { .. } => {
            return Err(CliError::Invalid("not a change of an account".into()));
        }
    };
    let db = Application::open_database(config).await?;
    let result = staff::change(&db, "cli", username, action, payload).await;
    db.close().await;
    let ended = result.map_err(|e| CliError::Invalid(e.message(app::i18n::Lang::En).to_owned()))?;
    println!(
        "{}: {} done; {ended} session(s) ended.",
        username.trim().to_lowercase(),
        action.audit_action()
    );
    Ok(())
}

/// One line of standard input: a password, without its line ending.
fn read_password_line() -> Result<String, CliError> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(CliError::Stdin)?;
    let raw = input.strip_suffix('\n').unwrap_or(&input);
    Ok(raw.strip_suffix('\r').unwrap_or(raw).to_owned())
}

async fn serve(config: Config) -> Result<(), CliError> {
    let app = Application::build(&config).await?;
    // Before the "running at" line: a script waiting for that line can take this one too.
    if let Some(metrics) = app.metrics_url() {
        println!("Prometheus metrics at {metrics}");
    }
    println!("The support desk is running at {}", app.url());
    if !app.has_staff().await? {
        println!(
            "No staff accounts yet. Add the first admin (the password is read from standard input):\n  \
             supportdesk user add --username admin --role admin --name \"Your Name\""
        );
    } else if config.demo_data {
        println!("Demo logins (from the demo data):");
        for login in &DEMO_LOGINS {
            println!(
                "  {:<13} {:<15} password: {}",
                login.role.as_str(),
                login.username,
                login.password
            );
        }
        println!(
            "  admin and leder also need a code from an authenticator app with the demo secret\n  \
             {} (or: oathtool --totp -b {})",
            demo::DEMO_TOTP_SECRET,
            demo::DEMO_TOTP_SECRET
        );
    }
    app.run_until_stopped().await.map_err(CliError::Serve)
}

/// Checks the audit log's hash chain and says so; an error names the first broken entry.
async fn verify_audit(db: &app::store::Db) -> Result<(), CliError> {
    let v = app::audit::verify(db).await?;
    match v.broken {
        None => {
            println!("The audit log is intact: {} entries checked.", v.checked);
            Ok(())
        }
        Some(broken) => Err(CliError::AuditBroken {
            checked: v.checked,
            broken,
        }),
    }
}

/// Rebuilds both search indexes from the database, with a progress bar each.
async fn rebuild_indexes(config: &Config, db: &app::store::Db) -> Result<(), CliError> {
    let kb = KbSearch::open(&config.index_dir()).map_err(StartupError::from)?;
    let bar = progress_bar("Indexing articles");
    let indexed = kb.rebuild(db, report_to(&bar)).await;
    bar.finish();
    println!(
        "Search index rebuilt: {} published article(s).",
        indexed.map_err(StartupError::from)?
    );
    let node = Application::node_name(config)?;
    let cases = app::index_sync::cases::CaseSearch::open(&config.case_index_dir(), &node)
        .map_err(StartupError::from)?;
    let bar = progress_bar("Indexing cases");
    let indexed = cases.rebuild(db, report_to(&bar)).await;
    bar.finish();
    println!(
        "Case index rebuilt: {} case(s).",
        indexed.map_err(StartupError::from)?
    );
    Ok(())
}

fn progress_bar(message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(message);
    bar
}

/// A rebuild's progress callback that moves `bar`.
fn report_to(bar: &ProgressBar) -> impl Fn(u64, u64) + Send + Sync + 'static {
    let bar = bar.clone();
    move |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    }
}

async fn unlock_user(config: &Config, username: &str) -> Result<(), CliError> {
    let key = app::auth::login::username_key(username);
    if key.is_empty() {
        return Err(CliError::Invalid("give a username to unlock".into()));
    }
    let db = Application::open_database(config).await?;
    let audit = app::domain::audit::AuditEntry::new("cli", "login.unlock", &key);
    let result = app::store::login_failures::unlock(&db, &key, &audit).await;
    db.close().await;
    let cleared = result?;
    println!("Unlocked {key}: {cleared} failed login(s) cleared.");
    Ok(())
}

async fn add_user(
    config: &Config,
    username: &str,
    role: &str,
    name: Option<String>,
) -> Result<(), CliError> {
    use app::auth::staff::{self, NewPerson};

    let role = Role::parse(role).map_err(|e| CliError::Invalid(e.to_string()))?;
    let password = read_password_line()?;
    let display_name = name.unwrap_or_else(|| username.trim().to_lowercase());
    let db = Application::open_database(config).await?;
    let result = staff::add(
        &db,
        "cli",
        NewPerson {
            username,
            display_name: &display_name,
            role,
            password: &password,
            temporary: false,
        },
    )
    .await;
    db.close().await;
    let added = result.map_err(|e| CliError::Invalid(e.message(app::i18n::Lang::En).to_owned()))?;
    println!("Added {} ({}).", added, role.as_str());
    Ok(())
}

/// One call for `cti simulate`.
struct SimulatedCall {
    agent: String,
    from: String,
    to: String,
    ring_seconds: u64,
    talk_seconds: u64,
}

/// Sends the call's three events, signed, to `POST /cti/events`, printing each answer.
async fn simulate_call(
    config: &Config,
    url: Option<String>,
    call: &SimulatedCall,
) -> Result<(), CliError> {
    use crate::outbox::registry_http::{SIGNATURE_HEADER, TIMESTAMP_HEADER, signature};

    let secret = Application::cti_secret(config)?;
    let base = url
        .or_else(|| config.public_url.clone())
        .unwrap_or_else(|| format!("http://{}", config.addr));
    let endpoint = format!("{}{}", base.trim_end_matches('/'), crate::routes::cti::PATH);
    let call_id = format!(
        "sim-{}",
        time::OffsetDateTime::now_utc().unix_timestamp_nanos()
    );
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()?;
    for (phase, wait) in [
        ("ringing", 0),
        ("answered", call.ring_seconds),
        ("hangup", call.talk_seconds),
    ] {
        tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
        let body = serde_json::json!({
            "event": phase,
            "call_id": call_id,
            "from": call.from,
            "to": call.to,
            "agent": call.agent,
        })
        .to_string();
        let timestamp = time::OffsetDateTime::now_utc().unix_timestamp();
        let res = http
            .post(&endpoint)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(TIMESTAMP_HEADER, timestamp.to_string())
            .header(SIGNATURE_HEADER, signature(&secret, timestamp, &body))
            .body(body)
            .send()
            .await?;
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        println!("{phase:<8} {status} {text}");
        if !status.is_success() {
            return Err(CliError::Invalid(format!(
                "the desk refused the {phase} event ({status})"
            )));
        }
    }
    Ok(())
}
