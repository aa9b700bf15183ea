//! One module per page.

pub mod admin_home;
pub mod admin_kb;
pub mod admin_staff;
pub mod article;
pub mod block_page;
pub mod business_block_page;
pub mod call_log;
pub mod case_page;
pub mod case_search;
pub mod citizen_page;
pub mod consoles;
pub mod contact;
pub mod counter;
pub mod help_home;
pub mod incidents;
pub mod lead;
pub mod login;
pub mod login_steps;
pub mod not_found;
pub mod queue;
pub mod rating;
pub mod search;

/// The page's `:id` route parameter as a number (0 when missing or malformed, which no row has).
pub fn id_param() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || {
        use leptos::prelude::Read;
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or_default()
    }
}
