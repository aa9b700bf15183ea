//! Request middleware: resolve who is asking (session, language, CSRF token), then refuse
//! state-changing requests that do not carry the CSRF token.

pub mod csrf;
pub mod request_context;
