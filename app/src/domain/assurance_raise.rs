//! Raising a MitID's assurance level at the counter: the identity check must reach above the
//! level the MitID has today.

use super::AssuranceLevel;

/// A level as the registry stores it ("low", "substantial" or "high").
pub fn parse_level(stored: &str) -> Option<AssuranceLevel> {
    AssuranceLevel::ALL
        .into_iter()
        .find(|level| level.as_str() == stored)
}

/// The level a check must reach to raise a MitID now at `current`: one step up from low,
/// otherwise high (also for a level the desk does not know, or no MitID at all).
pub fn needed_to_raise(current: Option<AssuranceLevel>) -> AssuranceLevel {
    match current {
        Some(AssuranceLevel::Low) => AssuranceLevel::Substantial,
        _ => AssuranceLevel::High,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_levels_parse_and_unknown_ones_do_not() {
        for level in AssuranceLevel::ALL {
            assert_eq!(parse_level(level.as_str()), Some(level));
        }
        assert_eq!(parse_level(""), None);
        assert_eq!(parse_level("Low"), None);
    }

    #[test]
    fn raising_asks_for_the_level_above() {
        let needed = |s: &str| needed_to_raise(parse_level(s));
        assert_eq!(needed("low"), AssuranceLevel::Substantial);
        assert_eq!(needed("substantial"), AssuranceLevel::High);
        assert_eq!(needed("high"), AssuranceLevel::High);
        assert_eq!(needed(""), AssuranceLevel::High);
    }
}
