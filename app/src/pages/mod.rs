//! One module per page.

pub mod admin_home;
pub mod admin_kb;
pub mod article;
pub mod block_page;
pub mod case_page;
pub mod case_search;
pub mod citizen_page;
pub mod contact;
pub mod counter;
pub mod help_home;
pub mod login;
pub mod not_found;
pub mod search;
pub mod supporter_home;
