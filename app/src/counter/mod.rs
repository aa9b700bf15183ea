//! The Borgerservice counter's guided visit, as plain rules: which steps a purpose needs,
//! what each step records and whether the flow may move on. The store saves a visit's
//! [`visit::VisitDraft`] after every step, so a visit survives a reload or a restart.
//!
//! On the server, one service module per part of the flow applies those rules with the
//! store, the CPR vault and the registry; the server functions in
//! `crate::functions::counter` only read the forms and answer.

pub mod devices;
pub mod identity_check;
pub mod purpose;
pub mod view;
pub mod visit;

#[cfg(feature = "ssr")]
pub mod choices;
#[cfg(feature = "ssr")]
pub mod closing;
#[cfg(feature = "ssr")]
pub mod flow;
#[cfg(feature = "ssr")]
pub mod handover;
#[cfg(feature = "ssr")]
pub mod identity_step;
#[cfg(feature = "ssr")]
pub mod overview;
#[cfg(feature = "ssr")]
pub mod start;

pub use devices::{DeviceChoice, DeviceRefusal, Needs, NewDevice, Serial};
pub use identity_check::{CheckRefusal, IdentityCheck};
pub use purpose::{Purpose, StartRefusal, Step};
pub use visit::{Activation, ExemptionChoice, VisitDraft, VisitState};
