//! One module per page.

pub mod admin_home;
pub mod counter_home;
pub mod help_home;
pub mod login;
pub mod not_found;
pub mod supporter_home;
