//! Building the application: database, state, router; then serving until stopped.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use app::cases::contact_limits::ContactLimits;
use app::domain::live_case::EVENTS_PATH;
use app::index_sync::IndexSyncError;
use app::index_sync::cases::CaseSearch;
use app::index_sync::kb::KbSearch;
use app::kb::seed::SeedError;
use app::mail::MailSettings;
use app::privacy::cpr_vault::CprVault;
use app::privacy::secret_file;
use app::registry::port::{EmbeddedRegistry, HttpRegistry};
use app::root::{App, shell};
use app::state::{AppState, Settings};
use app::store::help_counts::{FLUSH_EVERY, HelpCounts};
use app::store::intake::Intake;
use app::store::{Db, StoreError, articles, users};
use axum::Router;
use axum::routing::get;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::demo::{self, DemoError};
use crate::monitoring::{self, MetricsError};
use crate::outbox::email::{self, Mailer, MailerError};
use crate::outbox::registry_http::RegistryClient;
use crate::outbox::{RetryPolicy, Worker};
use crate::state::ServerState;
use crate::{middleware, routes, shutdown};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Database(#[from] StoreError),
    #[error("cannot load demo data: {0}")]
    Demo(#[from] DemoError),
    #[error("cannot load the knowledge base: {0}")]
    KnowledgeBase(#[from] SeedError),
    #[error("cannot open the search index: {0}")]
    Index(#[from] IndexSyncError),
    #[error("cannot open the CPR key: {0}")]
    CprKey(String),
    #[error("cannot set up e-mail: {0}")]
    Mail(#[from] MailerError),
    #[error("cannot read the inbound-mail secret {path}: {source}")]
    InboundSecret {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot read this node's name {path}: {source}")]
    NodeName {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot read the telephony (CTI) secret {path}: {source}")]
    CtiSecret {
        path: String,
        source: std::io::Error,
    },
    #[error("DESK_REGISTRY_URL needs DESK_REGISTRY_SECRET (the HMAC key for its calls)")]
    RegistrySecret,
    #[error("cannot set up the registry client: {0}")]
    RegistryClient(String),
    #[error(transparent)]
    Metrics(#[from] MetricsError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    /// The Prometheus listener and its router, when `DESK_METRICS_ADDR` is set.
    metrics: Option<(TcpListener, Router)>,
    db: Db,
    worker: Worker,
    /// Written once more on shutdown, so a stop loses no counted misses.
    help_counts: Arc<HelpCounts>,
    shutdown: CancellationToken,
    grace: Duration,
}

/// How long a stop waits for the outbox's round in flight before it gives up on it (what it
/// has not recorded is sent again at the next start, under the same Message-ID).
const OUTBOX_GRACE: Duration = Duration::from_secs(10);

impl Application {
    /// Creates the data directory and database when missing and applies migrations.
    pub async fn open_database(config: &Config) -> Result<Db, StartupError> {
        tokio::fs::create_dir_all(&config.data_dir)
            .await
            .map_err(|source| StartupError::DataDir {
                path: config.data_dir.display().to_string(),
                source,
            })?;
        let db = match config.database_url.as_deref() {
            Some(url) if config.on_postgres() => Db::connect(url).await?,
            _ => Db::open(&config.database_path()).await?,
        };
        db.migrate().await?;
        Ok(db)
    }

    /// Opens the knowledge-base index (rebuilt when missing or of an older schema) and
    /// catches it up with the database.
    pub async fn open_search(config: &Config, db: &Db) -> Result<KbSearch, StartupError> {
        let kb = KbSearch::open(&config.index_dir())?;
        let applied = kb.sync(db).await?;
        if applied > 0 {
            tracing::info!(applied, "search index caught up with the database");
        }
        Ok(kb)
    }

    /// The CPR vault: from `DESK_CPR_KEY`, or from the key file (created on first run).
    pub fn cpr_vault(config: &Config) -> Result<CprVault, StartupError> {
        match &config.cpr_key {
            Some(key) => CprVault::from_base64(key).ok_or_else(|| {
                StartupError::CprKey("DESK_CPR_KEY is not a base64 32-byte key".into())
            }),
            // Nodes sharing a database must share its key: one node must not make its own.
            None if config.on_postgres() && !config.cpr_key_path().exists() => {
                Err(StartupError::CprKey(
                    "on PostgreSQL every node needs the same CPR key: set DESK_CPR_KEY \
                     (or copy keys/cpr.key from the first node)"
                        .into(),
                ))
            }
            None => CprVault::from_key_file(&config.cpr_key_path())
                .map_err(|e| StartupError::CprKey(e.to_string())),
        }
    }

    /// The shared secret of the inbound-mail endpoint: configured, or a key file.
    pub fn inbound_secret(config: &Config) -> Result<String, StartupError> {
        match &config.inbound_mail_secret {
            Some(secret) => Ok(secret.trim().to_owned()),
            None => {
                let path = config.inbound_secret_path();
                secret_file::read_or_create(&path).map_err(|source| StartupError::InboundSecret {
                    path: path.display().to_string(),
                    source,
                })
            }
        }
    }

    /// The key the phone system signs its events with: configured, or a key file (which
    /// `supportdesk cti simulate` on the same data directory reads too).
    pub fn cti_secret(config: &Config) -> Result<String, StartupError> {
        match &config.cti_secret {
            Some(secret) => Ok(secret.trim().to_owned()),
            None => {
                let path = config.cti_secret_path();
                secret_file::read_or_create(&path).map_err(|source| StartupError::CtiSecret {
                    path: path.display().to_string(),
                    source,
                })
            }
        }
    }

    /// This desk node's name: random, kept in the data directory, so that its outbox leases
    /// and its place among the change log's readers outlive a restart.
    pub fn node_name(config: &Config) -> Result<String, StartupError> {
        let path = config.data_dir.join("node-name");
        secret_file::read_or_create(&path).map_err(|source| StartupError::NodeName {
            path: path.display().to_string(),
            source,
        })
    }

    /// The outbox worker: e-mail by SMTP or to .eml files, registry calls over HTTP when a
    /// registry URL is configured.
    pub fn outbox_worker(
        config: &Config,
        db: &Db,
        signal: Arc<Notify>,
    ) -> Result<Worker, StartupError> {
        let mailer = Mailer::new(config.smtp_url.as_deref(), config.mail_dir())?;
        tracing::info!(via = mailer.describe(), "e-mail delivery");
        let registry = match (&config.registry_url, &config.registry_secret) {
            (None, _) => None,
            (Some(_), None) => return Err(StartupError::RegistrySecret),
            (Some(url), Some(secret)) => Some(
                RegistryClient::new(url.clone(), secret.clone())
                    .map_err(|e| StartupError::RegistryClient(e.to_string()))?,
            ),
        };
        Ok(Worker {
            db: db.clone(),
            node: Self::node_name(config)?,
            signal,
            mailer,
            from: email::parse_from(&config.mail_from)?,
            registry,
            policy: RetryPolicy {
                base_ms: config.outbox_retry_ms,
                max_delay_ms: 15 * 60 * 1_000,
                max_email_attempts: config.outbox_max_attempts,
            },
            lease: Duration::from_secs(config.outbox_lease_secs),
        })
    }

    pub async fn build(config: &Config) -> Result<Self, StartupError> {
        // First, so the start-up's own writes and searches are counted too.
        let metrics_handle = match config.metrics_addr {
            Some(_) => Some(monitoring::install()?),
            None => None,
        };
        let db = Self::open_database(config).await?;
        if config.demo_data && users::count(&db).await? == 0 {
            let added = demo::ensure_demo_staff(&db, &Self::cpr_vault(config)?).await?;
            tracing::info!(added, "demo staff accounts loaded into an empty database");
        }
        if articles::count(&db).await? == 0 {
            let report = crate::knowledge_base::load(&db).await?;
            tracing::info!(
                created = report.created,
                "knowledge base loaded into an empty database"
            );
        }
        let kb = Self::open_search(config, &db).await?;
        let vault = Self::cpr_vault(config)?;
        if config.demo_data {
            let added = demo::ensure_demo_cases(&db, &vault, config.demo_cases).await?;
            if added > 0 {
                tracing::info!(added, "demo cases loaded into an empty queue");
            }
        }
        // Citizens' numbers stored before they were hashed: a call from them finds them now.
        let hashed = app::telephony::backfill_phone_hashes(&db, &vault).await?;
        if hashed > 0 {
            tracing::info!(hashed, "citizens' phone numbers normalised and hashed");
        }

        let listener = bind(config.addr).await?;
        let metrics = match (config.metrics_addr, metrics_handle) {
            (Some(addr), Some(handle)) => {
                Some((bind(addr).await?, monitoring::router(handle, db.clone())))
            }
            _ => None,
        };
        let addr = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: config.addr,
            source,
        })?;

        let leptos_options = LeptosOptions::builder()
            .output_name("supportdesk")
            .site_root(config.site_root.display().to_string())
            .site_pkg_dir("pkg")
            .hash_files(routes::assets::bundle_is_hashed())
            .site_addr(addr)
            .build();
        let outbox_signal = Arc::new(Notify::new());
        let worker = Self::outbox_worker(config, &db, outbox_signal.clone())?;
        let cases_index =
            CaseSearch::open_synced(&config.case_index_dir(), &Self::node_name(config)?, &db)
                .await?;
        let help_counts = Arc::new(HelpCounts::default());
        help_counts.spawn_flusher(db.clone(), FLUSH_EVERY);
        let app_state = AppState {
            db: db.clone(),
            intake: Intake::spawn(db.clone()),
            kb: Arc::new(kb),
            cases_index: Arc::new(cases_index),
            cpr_vault: Arc::new(vault),
            settings: Arc::new(Settings {
                secure_cookies: config.secure_cookies,
                require_two_factor: config.require_two_factor,
                contacts: config.contacts.clone(),
                trusted_networks: config.trusted_networks.clone(),
            }),
            mail: Arc::new(MailSettings {
                from: config.mail_from.clone(),
                public_url: config
                    .public_url
                    .clone()
                    .unwrap_or_else(|| format!("http://{addr}")),
            }),
            outbox_signal,
            live: app::live::Bus::on(&db, "desk_live_cases"),
            calls: app::live::Bus::on(&db, "desk_calls"),
            contact_limits: Arc::new(
                ContactLimits::new(
                    config.contact_per_client_per_hour,
                    config.contact_per_recipient_per_day,
                )
                .shared_by_nodes(
                    &db,
                    config.contact_per_client_per_hour,
                    config.contact_per_recipient_per_day,
                ),
            ),
            help_counts: help_counts.clone(),
            incidents: Arc::new(app::domain::incident::Board::new(
                config.incident_batch_pause_ms,
            )),
            registry: if config.registry_url.is_some() {
                Arc::new(HttpRegistry)
            } else {
                Arc::new(EmbeddedRegistry)
            },
        };
        // On PostgreSQL, what other nodes announce reaches this node's consoles too.
        if let Some(url) = config
            .database_url
            .as_deref()
            .filter(|_| config.on_postgres())
        {
            app_state.live.relay(url).await?;
            app_state.calls.relay(url).await?;
        }
        let resumed = app::incidents::resume(&app_state).await?;
        if resumed > 0 {
            tracing::info!(resumed, "incident resolutions left by a restart resumed");
        }
        let shutdown = CancellationToken::new();
        let state = ServerState {
            leptos_options,
            app: app_state.clone(),
            inbound_secret: Self::inbound_secret(config)?.into(),
            trusted_proxies: Arc::new(config.trusted_proxies.clone()),
            shutdown: shutdown.clone(),
        };
        let cti = routes::cti::Cti {
            app: app_state.clone(),
            secret: Self::cti_secret(config)?.into(),
            replays: Arc::default(),
        };
        let router = router(state, app_state, cti);
        Ok(Self {
            listener,
            router,
            metrics,
            db,
            worker,
            help_counts,
            shutdown,
            grace: Duration::from_secs(config.shutdown_grace_secs),
        })
    }

    /// Whether any staff account exists (a new production desk has none).
    pub async fn has_staff(&self) -> Result<bool, StoreError> {
        Ok(users::count(&self.db).await? > 0)
    }

    pub fn url(&self) -> String {
        match self.listener.local_addr() {
            Ok(addr) => format!("http://{addr}"),
            Err(_) => "http://(unknown address)".to_owned(),
        }
    }

    /// Where Prometheus scrapes, when metrics are on.
    pub fn metrics_url(&self) -> Option<String> {
        let (listener, _) = self.metrics.as_ref()?;
        let addr = listener.local_addr().ok()?;
        Some(format!("http://{addr}{}", monitoring::PATH))
    }

    /// Serves until Ctrl-C or SIGTERM. Then: no new connections, live streams end, requests
    /// in flight finish (for at most the grace period), the outbox finishes its round, the
    /// help counts and the group commit are flushed and the database is closed. Nothing a
    /// caller was told is saved can be lost on the way: it was on disk before the answer.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let stop = self.shutdown.clone();
        tokio::spawn(shutdown::cancel_on_signal(stop.clone()));
        let worker = self.worker.spawn(stop.clone());
        if let Some((listener, router)) = self.metrics {
            let stop = stop.clone();
            tokio::spawn(async move {
                let served = axum::serve(listener, router)
                    .with_graceful_shutdown(stop.cancelled_owned())
                    .await;
                if let Err(e) = served {
                    tracing::error!(error = %e, "the metrics listener stopped");
                }
            });
        }
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let serving = axum::serve(self.listener, service)
            .with_graceful_shutdown(stop.clone().cancelled_owned())
            .into_future();
        let grace = self.grace;
        let overdue = async {
            stop.cancelled().await;
            tokio::time::sleep(grace).await;
        };
        tokio::select! {
            served = serving => served?,
            () = overdue => tracing::warn!(
                grace_secs = grace.as_secs(),
                "requests still running after the grace period: stopping without them"
            ),
        }
        let mut worker = worker;
        if tokio::time::timeout(OUTBOX_GRACE, &mut worker)
            .await
            .is_err()
        {
            tracing::warn!("the outbox round did not finish in time: the rest goes next start");
            worker.abort();
        }
        if let Err(err) = self.help_counts.flush(&self.db).await {
            tracing::warn!(error = %err, "help counts (searches, misses) lost at shutdown");
        }
        self.db.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, StartupError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| StartupError::Bind { addr, source })
}

fn router(state: ServerState, app_state: AppState, cti: routes::cti::Cti) -> Router {
    let context = move || provide_context(app_state.clone());
    let routes = generate_route_list(App);
    let leptos_options = state.leptos_options.clone();
    Router::new()
        .merge(routes::assets::router(std::path::Path::new(
            &*state.leptos_options.site_root,
        )))
        .route("/healthz", get(routes::health::healthz))
        .route("/readyz", get(routes::health::readyz))
        .route("/lang/{code}", get(routes::lang::switch))
        // Inside the session layer below: it needs the logged-in supporter.
        .route(EVENTS_PATH, get(routes::live::events))
        // The lead's dashboard: its CSV tables and its live stream (role checked inside).
        .route("/leder/csv/{table}", get(routes::dashboard::csv))
        .route(
            app::domain::dashboard::EVENTS_PATH,
            get(routes::dashboard::events),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), move || {
            shell(leptos_options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            ServerState,
            _,
        >(context, shell))
        .layer(axum::middleware::from_fn(middleware::bad_arguments::to_400))
        .layer(axum::middleware::from_fn(middleware::csrf::verify))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::request_context::resolve,
        ))
        .layer(axum::middleware::from_fn(middleware::body_limit::enforce))
        // Before anything reads the client's address (the throttles, the contact form).
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::client_address::resolve,
        ))
        // Machine to machine, authenticated by its shared secret: outside the browser
        // session and CSRF layers above.
        // Its own body limit, applied only after the bearer token (see the handler).
        .route(routes::inbound_mail::PATH, routes::inbound_mail::route())
        // The phone system's signed events: the same, with a limit of their own.
        .route(routes::cti::PATH, routes::cti::route(cti))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::security_headers::add,
        ))
        // Pages, JSON and error answers, compressed as they go out (brotli or gzip at level 5:
        // well under a millisecond for a page); the bundle comes precompressed and live events
        // (text/event-stream) are never held back by a compressor.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(5)))
        .layer(TraceLayer::new_for_http())
        .layer(CatchPanicLayer::custom(crate::error_pages::panic_response))
        // Outermost, so a panic's 500 and every refusal above are counted too.
        .layer(axum::middleware::from_fn(monitoring::http::track))
        .with_state(state)
}
