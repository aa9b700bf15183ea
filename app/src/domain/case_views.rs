//! Cases as pages show them: queue rows, the case page, the citizen's status view.

use serde::{Deserialize, Serialize};

use crate::domain::queue_order::{QueueCursor, QueueSort};
use crate::domain::{Category, Channel, DeliveryState, Priority, Status, System};

/// The queue's filters, as they appear in the URL.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueFilter {
    pub system: Option<String>,
    pub category: Option<String>,
    pub status: Option<String>,
    pub priority: Option<String>,
    pub channel: Option<String>,
    /// "me", "none" (unassigned) or a username.
    pub assignee: Option<String>,
    /// "citizen", "organisation" or "citizen_for_organisation".
    pub party: Option<String>,
    /// The organisation's CVR number.
    pub cvr: Option<String>,
    pub sort: QueueSort,
    /// Start after this row (the next page).
    pub after: Option<QueueCursor>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueRow {
    pub reference: String,
    pub subject: String,
    pub system: System,
    pub category: Category,
    pub priority: Priority,
    pub status: Status,
    pub channel: Channel,
    pub assignee: Option<String>,
    pub citizen_name: Option<String>,
    pub created_at: String,
    pub resolution_due: String,
    pub overdue: bool,
    /// Minutes until the resolution is due (negative when overdue); `None` while the clock is
    /// paused or the case is done.
    pub minutes_left: Option<i64>,
    /// The due time, short: "14:05" today, "3/12 14:05" another day.
    pub due_label: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QueuePage {
    pub rows: Vec<QueueRow>,
    /// Matching cases, before the page limit.
    pub total: i64,
    /// Open work per status (new, open, waiting), over the whole queue.
    pub counts: Vec<(Status, i64)>,
    /// Open cases in the verified urgent lane.
    pub urgent_open: i64,
    /// The saved views' counts, beside the list.
    pub views: QueueViews,
    /// Where the next page starts (`?efter=`), when there is one.
    pub next: Option<String>,
}

/// How many open cases each saved view holds right now.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueViews {
    pub open: i64,
    /// Urgent priority, verified or not.
    pub urgent: i64,
    pub mine: i64,
    pub unassigned: i64,
    pub waiting_on_citizen: i64,
    /// Open work per system, in `System::ALL` order.
    pub systems: Vec<(System, i64)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CitizenPanel {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Always masked here (DDMMYY-XXXX).
    pub cpr_masked: Option<String>,
    /// The language the citizen is written to in ("da" or "en").
    pub lang: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: String,
    pub actor: String,
    pub kind: String,
    pub body: String,
    /// The e-mail's address and subject, a status change's from and to, attachment names.
    pub detail: Option<String>,
    /// For outgoing e-mails: how delivery is going.
    pub delivery: Option<Delivery>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub outbox_id: i64,
    pub state: DeliveryState,
    pub attempts: i64,
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseDetail {
    pub reference: String,
    pub subject: String,
    pub system: System,
    pub category: Category,
    pub priority: Priority,
    pub status: Status,
    pub channel: Channel,
    pub assignee: Option<String>,
    pub assigned_to_me: bool,
    pub created_at: String,
    pub first_response_due: String,
    /// Set once the citizen got a first answer: the page then shows when, not the due time.
    pub first_response_at: Option<String>,
    pub resolution_due: String,
    pub sla_paused: bool,
    pub overdue: bool,
    pub citizen: Option<CitizenPanel>,
    /// The citizen's MitID in the registry.
    pub identity: Option<crate::domain::identity_views::IdentityView>,
    /// Who the case is for, and the organisation when it names one.
    pub party: crate::domain::business::Party,
    pub organisation: Option<crate::domain::business::OrganisationView>,
    /// Cases linked as related (a merged duplicate is linked too).
    pub related: Vec<RelatedCase>,
    /// The case this duplicate was merged into.
    pub merged_into: Option<String>,
    /// The citizen's satisfaction rating, once given.
    pub rating: Option<crate::domain::rating::RatingView>,
    /// Incidents the case is linked to, and open ones about its system.
    pub incidents: Vec<crate::domain::incident::CaseIncident>,
    pub timeline: Vec<TimelineEntry>,
}

/// A case linked to another.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelatedCase {
    pub reference: String,
    pub subject: String,
    pub status: Status,
}

/// What a citizen sees behind their private status link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CitizenCaseView {
    pub reference: String,
    pub subject: String,
    pub status: Status,
    pub created_at: String,
    pub updated_at: String,
}

/// The answer to a submitted contact form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseReceipt {
    pub reference: String,
    pub status_path: String,
}
