//! Domain rules as plain types: parse once at the boundary, and past it the type is proof.

pub mod contacts;
pub mod role;
pub mod staff_password;
pub mod system;
pub mod username;

pub use contacts::SupportContacts;
pub use role::Role;
pub use staff_password::StaffPassword;
pub use system::System;
pub use username::Username;
