//! Domain rules as plain types: parse once at the boundary, and past it the type is proof.

pub mod activation_code;
pub mod assurance_raise;
#[cfg(feature = "ssr")]
pub mod audit;
pub mod block_refusal;
pub mod block_request;
pub mod business;
pub mod business_block;
pub mod canned;
pub mod case_category;
pub mod case_views;
pub mod contacts;
pub mod counter;
pub mod cpr;
pub mod cvr;
pub mod danish_time;
pub mod dashboard;
#[cfg(feature = "ssr")]
pub mod dashboard_figures;
pub mod delivery;
pub mod digital_post_exemption;
pub mod display_name;
pub mod email;
pub mod help_activity;
pub mod identity_document;
pub mod identity_views;
pub mod incident;
pub mod kb_admin_views;
pub mod kb_views;
pub mod live_case;
pub mod local_path;
#[cfg(feature = "ssr")]
pub mod mail_threading;
#[cfg(feature = "ssr")]
pub mod markdown;
#[cfg(feature = "ssr")]
pub mod metric_names;
pub mod mitid_password;
pub mod mitid_user_id;
#[cfg(test)]
mod mitid_user_id_props;
pub mod phone;
pub mod power_of_attorney;
pub mod queue_order;
pub mod rating;
#[cfg(feature = "ssr")]
pub mod registry_command;
pub mod role;
#[cfg(feature = "ssr")]
pub mod sealed_cpr;
pub mod session_user;
pub mod sla;
#[cfg(feature = "ssr")]
pub mod sla_clock;
pub mod staff_admin;
pub mod staff_password;
pub mod system;
pub mod telephony;
pub mod throttle;
#[cfg(feature = "ssr")]
pub mod tokens;
pub mod two_factor;
pub mod username;
pub mod witness;

pub use activation_code::{ActivationCode, CodeStatus, PaperCode};
pub use block_request::{
    AuthenticatorKind, BlockError, BlockReason, BlockRequest, BlockTarget, Verification,
};
pub use case_category::{CaseRef, Category, Channel, Status, can_transition};
pub use contacts::SupportContacts;
pub use cpr::{Cpr, LegalSex};
pub use cvr::Cvr;
pub use delivery::DeliveryState;
pub use digital_post_exemption::{ExemptionGround, exemption_end};
pub use display_name::DisplayName;
pub use identity_document::{AssuranceLevel, DocumentCheck, DocumentKind, SupportingDocument};
pub use local_path::LocalPath;
pub use mitid_password::MitIdPassword;
pub use mitid_user_id::{MitIdUserId, RuleCheck};
pub use role::Role;
pub use session_user::SessionUser;
pub use sla::{BusinessHours, Priority, SlaClock, SlaPolicy};
pub use staff_password::StaffPassword;
pub use system::System;
pub use username::Username;
pub use witness::{WitnessRecord, WitnessRefusal};
