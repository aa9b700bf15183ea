//! What the audit log records, and (in `chain`) how its entries are hash-chained.

pub mod chain;

/// What to record. `reason` is required where the action needs one (a CPR reveal).
#[derive(Clone, Debug)]
pub struct AuditEntry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub reason: &'a str,
    pub details: serde_json::Value,
}

impl<'a> AuditEntry<'a> {
    pub fn new(actor: &'a str, action: &'a str, target: &'a str) -> Self {
        Self {
            actor,
            action,
            target,
            reason: "",
            details: serde_json::json!({}),
        }
    }

    pub fn reason(mut self, reason: &'a str) -> Self {
        self.reason = reason;
        self
    }

    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}
