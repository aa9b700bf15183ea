//! What the counter's pages are sent about a visit.

use serde::{Deserialize, Serialize};

use super::purpose::{Purpose, Step};
use super::visit::{VisitDraft, VisitState};
use crate::domain::RuleCheck;
use crate::domain::identity_views::IdentityView;
use crate::domain::mitid_user_id::UserIdRule;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VisitView {
    pub id: i64,
    pub purpose: Purpose,
    pub state: VisitState,
    /// Where the flow stands: the first step not yet done.
    pub step: Step,
    /// The draft without the password hash (`password_set` says whether there is one).
    pub draft: VisitDraft,
    pub password_set: bool,
    pub citizen_name: String,
    /// Masked (DDMMYY-XXXX).
    pub cpr_masked: String,
    pub age: u16,
    pub identity: Option<IdentityView>,
    pub open_cases: Vec<OpenCase>,
    /// The end date of a Digital Post exemption in force.
    pub exempt_until: Option<String>,
    pub staff_name: String,
    pub started_at: String,
    pub outcome_reason: Option<String>,
    /// The case that records the visit, or follows up an aborted one.
    pub case_reference: Option<String>,
    /// The external registry call's state (HTTP registry only).
    pub registry_state: Option<String>,
    /// A paper activation code is waiting to be printed.
    pub code_issued: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpenCase {
    pub reference: String,
    pub subject: String,
    pub status: String,
}

/// A row of the counter's "today" list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TodayRow {
    pub id: i64,
    pub purpose: Purpose,
    pub state: VisitState,
    pub step: Step,
    pub citizen_name: String,
    pub cpr_masked: String,
    pub staff_name: String,
    /// Local time, HH:MM, or the date for a visit paused on an earlier day.
    pub started: String,
}

/// The printed receipt: the code, and nothing that identifies the citizen beyond the name
/// and the masked CPR number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    pub visit_id: i64,
    pub purpose: Purpose,
    pub citizen_name: String,
    pub cpr_masked: String,
    pub device: String,
    /// XXXX-XXXX-XXXX
    pub code: String,
    /// Local date and time the code stops working.
    pub valid_until: String,
    pub issued_by: String,
}

/// The live check of a user-ID as the citizen types it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserIdCheck {
    pub rules: Vec<RuleCheck<UserIdRule>>,
    /// None until the format rules pass.
    pub available: Option<bool>,
}
