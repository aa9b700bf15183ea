//! The identity registry: the one port through which a block, a lift or a counter issue takes
//! effect. What the desk shows of an identity is in `domain::identity_views`.

pub mod port;
