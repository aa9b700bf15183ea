//! Request middleware, outermost first: security headers on every response; one body limit
//! per route; resolve who is asking (session, language, CSRF token); then refuse
//! state-changing requests that do not carry the CSRF token.

pub mod bad_arguments;
pub mod body_limit;
pub mod client_address;
pub mod csrf;
pub mod request_context;
pub mod security_headers;
