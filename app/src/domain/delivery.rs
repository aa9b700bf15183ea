//! How delivery of an outbox message (an e-mail, a registry call) is going.

use serde::{Deserialize, Serialize};

use crate::domain::case_category::{UnknownName, find};

/// A message leaves `Queued`/`Retrying` only when the receiver acknowledged it (`Sent`) or
/// delivery was given up (`Failed`, which a supporter can retry).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryState {
    Queued,
    Retrying,
    Sent,
    Failed,
}

impl DeliveryState {
    pub const ALL: [DeliveryState; 4] = [
        DeliveryState::Queued,
        DeliveryState::Retrying,
        DeliveryState::Sent,
        DeliveryState::Failed,
    ];

    /// The stable name stored in the database (also the serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Queued => "queued",
            DeliveryState::Retrying => "retrying",
            DeliveryState::Sent => "sent",
            DeliveryState::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Result<Self, UnknownName> {
        find(&Self::ALL, Self::as_str, value, "delivery state")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_as_the_stored_strings() {
        for s in DeliveryState::ALL {
            assert_eq!(DeliveryState::parse(s.as_str()), Ok(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
        }
        assert_eq!(
            DeliveryState::parse("delivered"),
            Err(UnknownName {
                kind: "delivery state",
                value: "delivered".into()
            })
        );
    }
}
