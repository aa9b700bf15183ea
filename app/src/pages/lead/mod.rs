//! The team lead's pages (`/leder`): the dashboard.

pub mod dashboard;
mod figures;
#[cfg(feature = "hydrate")]
mod live;
mod period_form;
