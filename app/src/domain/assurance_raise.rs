//! Raising a MitID's assurance level at the counter: the identity check must reach above the
//! level the MitID has today.

use super::AssuranceLevel;

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
            assert_eq!(AssuranceLevel::parse(level.as_str()).ok(), Some(level));
        }
        assert_eq!(AssuranceLevel::parse("").ok(), None);
        assert_eq!(AssuranceLevel::parse("medium").ok(), None);
    }

    #[test]
    fn raising_asks_for_the_level_above() {
        let needed = |s: &str| needed_to_raise(AssuranceLevel::parse(s).ok());
        assert_eq!(needed("low"), AssuranceLevel::Substantial);
        assert_eq!(needed("substantial"), AssuranceLevel::High);
        assert_eq!(needed("high"), AssuranceLevel::High);
        assert_eq!(needed(""), AssuranceLevel::High);
    }
}
