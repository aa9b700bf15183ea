//! The Borgerservice counter's guided visit, as plain rules: which steps a purpose needs,
//! what each step records and whether the flow may move on. The store saves a visit's
//! [`visit::VisitDraft`] after every step, so a visit survives a reload or a restart.
//!
//! On the server, the service `crate::domain::counter` applies these rules with the store, the CPR
//! vault and the registry.

pub mod devices;
pub mod identity_check;
pub mod purpose;
pub mod view;
pub mod visit;

pub use devices::{DeviceChoice, DeviceRefusal, Needs, NewDevice, Serial};
pub use identity_check::{CheckRefusal, IdentityCheck};
pub use purpose::{Purpose, StartRefusal, Step};
pub use visit::{Activation, ExemptionChoice, VisitDraft, VisitState};
