//! Personal data protection: CPR numbers are sealed at rest and looked up by keyed hash.

pub mod cpr_vault;
