//! Personal data protection: CPR numbers are sealed at rest and looked up by keyed hash;
//! secrets live in owner-only files.

pub mod cpr_vault;
pub mod secret_file;
