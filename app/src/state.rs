//! The server-side state every server function reaches through Leptos's context.

use std::sync::Arc;

use leptos::prelude::use_context;

use crate::domain::SupportContacts;
use crate::errors::AppError;
use crate::index_sync::cases::CaseSearch;
use crate::index_sync::kb::KbSearch;
use crate::mail::MailSettings;
use crate::privacy::cpr_vault::CprVault;
use crate::registry::port::IdentityRegistry;
use crate::store::Db;
use crate::store::intake::Intake;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Citizens' new cases, written in batches.
    pub intake: Intake,
    pub kb: Arc<KbSearch>,
    /// The staff case search.
    pub cases_index: Arc<CaseSearch>,
    pub cpr_vault: Arc<CprVault>,
    pub settings: Arc<Settings>,
    pub mail: Arc<MailSettings>,
    /// Wakes the outbox worker after a commit that queued a message.
    pub outbox_signal: Arc<tokio::sync::Notify>,
    /// Where blocks take effect: the embedded registry or an external one over HTTP.
    pub registry: Arc<dyn IdentityRegistry>,
    /// New cases, announced to open consoles (server-sent events).
    pub live: crate::live::Bus<crate::domain::live_case::LiveCase>,
    /// Calls, each addressed to one agent's consoles (the screen-pop; see `telephony`).
    pub calls: crate::live::Bus<crate::domain::telephony::AgentCall>,
    /// The contact form's allowances per client and per recipient address.
    pub contact_limits: Arc<crate::cases::contact_limits::ContactLimits>,
    /// The citizens' help (misses, searches, guides opened, forms sent), counted in memory and
    /// written in batches.
    pub help_counts: Arc<crate::store::help_counts::HelpCounts>,
    /// The open incidents, for the banner on every page (see `incidents`).
    pub incidents: Arc<crate::domain::incident::Board>,
}

/// Runtime settings that server functions need (the server's own config is wider).
#[derive(Clone, Debug)]
pub struct Settings {
    /// Mark cookies `Secure`: on when the desk is served over TLS.
    pub secure_cookies: bool,
    /// Every staff member needs a second factor (`DESK_REQUIRE_2FA`), not only
    /// administrators and team leads.
    pub require_two_factor: bool,
    pub contacts: SupportContacts,
    /// Networks the login throttle's per-address limit never applies to
    /// (`DESK_TRUSTED_NETWORKS`: the call centre's NAT address).
    pub trusted_networks: crate::domain::throttle::TrustedNetworks,
}

impl AppState {
    /// Announces a new case to every open console; nobody listening is fine.
    pub fn announce(&self, case: crate::domain::live_case::LiveCase) {
        self.live.send(case);
    }

    /// Tells the outbox worker that a message is waiting (call after the commit).
    pub fn wake_outbox(&self) {
        self.outbox_signal.notify_one();
    }

    /// The state provided to this request. Missing state is a wiring bug, reported as an
    /// internal error rather than a panic.
    pub fn from_context() -> Result<Self, AppError> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the server function context");
            AppError::Internal
        })
    }
}
