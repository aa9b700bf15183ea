//! Running the desk: the figures monitoring scrapes (`vitals`) and the online backup and the
//! checks a restore makes (`backup`). The files themselves (where they go, their permissions)
//! are the binary's business; the database work and its rules are here.

pub mod backup;
pub mod vitals;
