//! A CPR number as the database holds it: sealed by `privacy::cpr_vault`, never in clear.

/// What the database stores for one CPR number.
pub struct SealedCpr {
    pub lookup_hash: Vec<u8>,
    pub sealed: Vec<u8>,
    pub masked: String,
}
