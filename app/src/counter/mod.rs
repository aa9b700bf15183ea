//! The Borgerservice counter's services: what closing a visit sets in motion. The visit's
//! pure rules are in `domain::counter`, its records in `store::visits`.

mod finish;

pub use finish::{FinishError, finish};
