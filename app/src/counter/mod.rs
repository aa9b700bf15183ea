//! The Borgerservice counter on the server: one module per part of the guided visit applies
//! the rules of `domain::counter` with the store, the CPR vault and the registry (`finish`
//! sets a finished visit in motion in one transaction); the server functions in
//! `functions::counter` only read the forms and answer.

pub mod choices;
pub mod closing;
pub mod finish;
pub mod flow;
pub mod handover;
pub mod identity_step;
pub mod overview;
pub mod start;
