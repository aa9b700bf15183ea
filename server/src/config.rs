//! Configuration from environment variables. Every variable is listed in README.md.

use std::net::SocketAddr;
use std::path::PathBuf;

use app::domain::SupportContacts;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} must be an address like 127.0.0.1:3000, not {value:?}")]
    Address { name: &'static str, value: String },
    #[error("{name} must be true or false, not {value:?}")]
    Bool { name: &'static str, value: String },
    #[error("{name} must be a whole number, not {value:?}")]
    Number { name: &'static str, value: String },
    #[error("{name} must be text or json, not {value:?}")]
    LogFormat { name: &'static str, value: String },
    #[error("{name} must be comma-separated networks like 10.0.0.0/8,192.168.1.0/24: {source}")]
    Networks {
        name: &'static str,
        source: app::domain::throttle::NetworkError,
    },
    // The value is not echoed: a database URL carries its password.
    #[error("{name} must start with postgres:// or sqlite://")]
    DatabaseUrl { name: &'static str },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    /// `DESK_DATABASE_URL`: `postgres://…` runs on a PostgreSQL server that several desk nodes
    /// share; unset (or `sqlite://PATH`) is the embedded SQLite file.
    pub database_url: Option<String>,
    pub site_root: PathBuf,
    pub secure_cookies: bool,
    /// `DESK_REQUIRE_2FA`: every staff member logs in with a second factor, not only
    /// administrators and team leads.
    pub require_two_factor: bool,
    pub demo_data: bool,
    pub demo_cases: usize,
    /// The CPR master key (base64), when given in the environment instead of the key file.
    pub cpr_key: Option<String>,
    pub log_filter: String,
    pub log_format: LogFormat,
    pub contacts: SupportContacts,
    /// SMTP relay, e.g. `smtp://user:pass@mail.example:587?tls=required` or `smtps://…`.
    /// Without it, e-mails are written as .eml files under the data directory.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// The desk's address as citizens reach it (status links in e-mails); the listening
    /// address when unset.
    pub public_url: Option<String>,
    /// The shared secret of the inbound-mail endpoint; a key file when unset.
    pub inbound_mail_secret: Option<String>,
    /// `DESK_CTI_SECRET`: the HMAC key the phone system signs `POST /cti/events` with; a key
    /// file when unset.
    pub cti_secret: Option<String>,
    /// The identity registry's HTTP endpoint; the embedded registry when unset.
    pub registry_url: Option<String>,
    /// The HMAC key the registry calls are signed with (required with `registry_url`).
    pub registry_secret: Option<String>,
    /// The first retry delay of the outbox, doubled per attempt.
    pub outbox_retry_ms: u64,
    /// Attempts before an e-mail is marked failed (registry calls retry until acknowledged).
    pub outbox_max_attempts: i64,
    /// `DESK_OUTBOX_LEASE_SECS`: how long a round's outbox rows stay leased to the node that
    /// took them; another node delivers them after this when that node died mid-round.
    pub outbox_lease_secs: u64,
    /// `DESK_INCIDENT_BATCH_PAUSE_MS`: a pause between the batches of ten cases when an
    /// incident is resolved (0: none; the tests use it to stop the server mid-way).
    pub incident_batch_pause_ms: u64,
    /// `DESK_CONTACT_PER_CLIENT_PER_HOUR`: contact-form requests one client address may send
    /// per hour (an IPv6 client is its /64).
    pub contact_per_client_per_hour: u32,
    /// `DESK_CONTACT_PER_RECIPIENT_PER_DAY`: contact-form requests per day that may name one
    /// e-mail address (each one sends that address a confirmation).
    pub contact_per_recipient_per_day: u32,
    /// `DESK_TRUSTED_NETWORKS`: where the login throttle's per-address limit never applies.
    pub trusted_networks: app::domain::throttle::TrustedNetworks,
    /// `DESK_TRUSTED_PROXIES`: reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: app::domain::throttle::TrustedNetworks,
    /// `DESK_METRICS_ADDR`: where Prometheus metrics are served (`/metrics`); none when unset.
    pub metrics_addr: Option<SocketAddr>,
    /// `DESK_SHUTDOWN_GRACE_SECS`: how long a stop waits for requests in flight.
    pub shutdown_grace_secs: u64,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Builds the config from any variable source (the environment, or a table in tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let addr = match get("DESK_ADDR") {
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
            Some(v) => v.trim().parse().map_err(|_| ConfigError::Address {
                name: "DESK_ADDR",
                value: v,
            })?,
        };
        let bool_var = |name: &'static str, default: bool| -> Result<bool, ConfigError> {
            match get(name).map(|v| v.trim().to_ascii_lowercase()) {
                None => Ok(default),
                Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => Ok(true),
                Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => Ok(false),
                Some(value) => Err(ConfigError::Bool { name, value }),
            }
        };
        let number = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse()
                    .map_err(|_| ConfigError::Number { name, value: v }),
            }
        };
        let metrics_addr = match get("DESK_METRICS_ADDR") {
            None => None,
            Some(v) => Some(v.trim().parse().map_err(|_| ConfigError::Address {
                name: "DESK_METRICS_ADDR",
                value: v,
            })?),
        };
        let log_format = match get("DESK_LOG_FORMAT").map(|v| v.trim().to_ascii_lowercase()) {
            None => LogFormat::Text,
            Some(v) if v == "text" => LogFormat::Text,
            Some(v) if v == "json" => LogFormat::Json,
            Some(value) => {
                return Err(ConfigError::LogFormat {
                    name: "DESK_LOG_FORMAT",
                    value,
                });
            }
        };
        let defaults = SupportContacts::default();
        let contacts = SupportContacts {
            mitid_support_phone: get("DESK_MITID_SUPPORT_PHONE")
                .unwrap_or(defaults.mitid_support_phone),
            mitid_support_weekday_hours: get("DESK_MITID_SUPPORT_WEEKDAY_HOURS")
                .unwrap_or(defaults.mitid_support_weekday_hours),
            mitid_support_weekend_hours: get("DESK_MITID_SUPPORT_WEEKEND_HOURS")
                .unwrap_or(defaults.mitid_support_weekend_hours),
            identity_theft_phone: get("DESK_IDENTITY_THEFT_PHONE")
                .unwrap_or(defaults.identity_theft_phone),
            borger_dk_phone: get("DESK_BORGER_DK_PHONE").unwrap_or(defaults.borger_dk_phone),
        };
        Ok(Self {
            addr,
            data_dir: get("DESK_DATA_DIR").unwrap_or_else(|| "data".into()).into(),
            database_url: match get("DESK_DATABASE_URL").map(|v| v.trim().to_owned()) {
                None => None,
                Some(url)
                    if ["postgres://", "postgresql://", "sqlite://"]
                        .iter()
                        .any(|p| url.starts_with(p)) =>
                {
                    Some(url)
                }
                Some(_) => {
                    return Err(ConfigError::DatabaseUrl {
                        name: "DESK_DATABASE_URL",
                    });
                }
            },
            // cargo-leptos sets LEPTOS_SITE_ROOT when it runs the server itself.
            site_root: get("DESK_SITE_ROOT")
                .or_else(|| get("LEPTOS_SITE_ROOT"))
                .unwrap_or_else(|| "target/site".into())
                .into(),
            secure_cookies: bool_var("DESK_SECURE_COOKIES", false)?,
            require_two_factor: bool_var("DESK_REQUIRE_2FA", false)?,
            // Off unless asked for: demo staff have published passwords (the README's run command
            // turns it on).
            demo_data: bool_var("DESK_DEMO_DATA", false)?,
            demo_cases: usize::try_from(number("DESK_DEMO_CASES", 300)?).unwrap_or(usize::MAX),
            cpr_key: get("DESK_CPR_KEY"),
            smtp_url: get("DESK_SMTP_URL"),
            mail_from: get("DESK_MAIL_FROM")
                .unwrap_or_else(|| "Supportlinjen <support@supportdesk.local>".into()),
            public_url: get("DESK_PUBLIC_URL"),
            inbound_mail_secret: get("DESK_INBOUND_MAIL_SECRET"),
            cti_secret: get("DESK_CTI_SECRET"),
            registry_url: get("DESK_REGISTRY_URL"),
            registry_secret: get("DESK_REGISTRY_SECRET"),
            outbox_retry_ms: number("DESK_OUTBOX_RETRY_MS", 5_000)?,
            outbox_lease_secs: number("DESK_OUTBOX_LEASE_SECS", 600)?.max(1),
            outbox_max_attempts: i64::try_from(number("DESK_OUTBOX_MAX_ATTEMPTS", 8)?)
                .unwrap_or(i64::MAX),
            incident_batch_pause_ms: number("DESK_INCIDENT_BATCH_PAUSE_MS", 0)?,
            contact_per_client_per_hour: u32::try_from(number(
                "DESK_CONTACT_PER_CLIENT_PER_HOUR",
                10,
            )?)
            .unwrap_or(u32::MAX),
            contact_per_recipient_per_day: u32::try_from(number(
                "DESK_CONTACT_PER_RECIPIENT_PER_DAY",
                5,
            )?)
            .unwrap_or(u32::MAX),
            trusted_networks: app::domain::throttle::TrustedNetworks::parse(
                &get("DESK_TRUSTED_NETWORKS").unwrap_or_default(),
            )
            .map_err(|source| ConfigError::Networks {
                name: "DESK_TRUSTED_NETWORKS",
                source,
            })?,
            trusted_proxies: app::domain::throttle::TrustedNetworks::parse(
                &get("DESK_TRUSTED_PROXIES").unwrap_or_default(),
            )
            .map_err(|source| ConfigError::Networks {
                name: "DESK_TRUSTED_PROXIES",
                source,
            })?,
            metrics_addr,
            shutdown_grace_secs: number("DESK_SHUTDOWN_GRACE_SECS", 30)?,
            log_filter: get("DESK_LOG").unwrap_or_else(|| "info".into()),
            log_format,
            contacts,
        })
    }

    /// The SQLite file: `DESK_DATABASE_URL`'s path when it names one, else `desk.db` in the
    /// data directory.
    pub fn database_path(&self) -> PathBuf {
        match self
            .database_url
            .as_deref()
            .and_then(|u| u.strip_prefix("sqlite://"))
        {
            Some(path) => PathBuf::from(path),
            None => self.data_dir.join("desk.db"),
        }
    }

    /// True when the desk runs on PostgreSQL (and so possibly beside other nodes).
    pub fn on_postgres(&self) -> bool {
        self.database_url
            .as_deref()
            .is_some_and(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
    }

    /// The CPR master key file, created on first run (unless `DESK_CPR_KEY` is set).
    pub fn cpr_key_path(&self) -> PathBuf {
        self.data_dir.join("keys").join("cpr.key")
    }

    /// The inbound-mail secret file, created on first run (unless the variable is set).
    pub fn inbound_secret_path(&self) -> PathBuf {
        self.data_dir.join("keys").join("inbound-mail.secret")
    }

    /// The telephony (CTI) signing secret file, created on first run (unless the variable is
    /// set).
    pub fn cti_secret_path(&self) -> PathBuf {
        self.data_dir.join("keys").join("cti.secret")
    }

    /// Where e-mails go as .eml files when no SMTP relay is configured.
    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail").join("outgoing")
    }

    /// The staff case-search index: derived data, caught up from the change log on start.
    pub fn case_index_dir(&self) -> PathBuf {
        self.data_dir.join("index").join("cases")
    }

    /// The knowledge-base search index: derived data, rebuilt from the database when missing.
    pub fn index_dir(&self) -> PathBuf {
        self.data_dir.join("index").join("kb")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_serve_locally_without_demo_data() {
        let c = config(&[]).unwrap();
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.database_path(), PathBuf::from("data/desk.db"));
        assert!(!c.demo_data && !c.secure_cookies && !c.require_two_factor);
        assert!(
            config(&[("DESK_REQUIRE_2FA", "true")])
                .unwrap()
                .require_two_factor
        );
        assert!(config(&[("DESK_DEMO_DATA", "true")]).unwrap().demo_data);
        assert_eq!(c.contacts, SupportContacts::default());
        assert_eq!(
            c.metrics_addr, None,
            "metrics are never served unless asked for"
        );
        assert_eq!(c.shutdown_grace_secs, 30);
    }

    #[test]
    fn reads_overrides() {
        let c = config(&[
            ("DESK_ADDR", "0.0.0.0:8080"),
            ("DESK_DATA_DIR", "/var/lib/desk"),
            ("DESK_SECURE_COOKIES", "true"),
            ("DESK_DEMO_DATA", "off"),
            ("DESK_MITID_SUPPORT_PHONE", "11 22 33 44"),
        ])
        .unwrap();
        assert_eq!(c.addr.port(), 8080);
        assert_eq!(c.database_path(), PathBuf::from("/var/lib/desk/desk.db"));
        assert!(c.secure_cookies && !c.demo_data);
        assert_eq!(c.contacts.mitid_support_phone, "11 22 33 44");
    }

    #[test]
    fn refuses_bad_values_with_the_variable_named() {
        let err = config(&[("DESK_ADDR", "localhost")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("DESK_ADDR"), "{err}");
        let err = config(&[("DESK_METRICS_ADDR", "everywhere")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("DESK_METRICS_ADDR"), "{err}");
        let err = config(&[("DESK_DEMO_DATA", "maybe")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("DESK_DEMO_DATA"), "{err}");
        let err = config(&[("DESK_TRUSTED_NETWORKS", "10.0.0.0/8,intranet")])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("DESK_TRUSTED_NETWORKS") && err.contains("intranet"),
            "{err}"
        );
    }

    #[test]
    fn reads_trusted_networks() {
        assert!(config(&[]).unwrap().trusted_networks.is_empty());
        let c = config(&[("DESK_TRUSTED_NETWORKS", "10.0.0.0/8, 192.168.1.0/24")]).unwrap();
        assert!(c.trusted_networks.contains("10.20.30.40"));
        assert!(c.trusted_networks.contains("192.168.1.9"));
        assert!(!c.trusted_networks.contains("192.168.2.9"));
    }
}
