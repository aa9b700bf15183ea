//! Witnesses at Borgerservice: a person without enough documents (or who cannot answer the
//! CPR-based control questions) may bring a witness who vouches for them.
//!
//! A witness must be 18 or older on the visit date, must have had MitID for more than
//! 30 days, and may have been a witness at most 3 times within 120 days.
//!
//! Boundaries, as decided here (all counted in whole calendar days):
//! - Age: 18 on the 18th birthday itself (see [`age_in_years`] for 29 February).
//! - MitID: `visit − mitid_since` must exceed [`MIN_MITID_DAYS`]: day 30 is refused, day 31
//!   is accepted.
//! - Earlier witnessings: one counts while `visit − witnessed` is less than [`WINDOW_DAYS`].
//!   A witnessing exactly 120 days before the visit no longer counts; 119 days before still
//!   does. A witnessing dated after the visit (a data error) is counted, to be safe.
//!   With [`MAX_WITNESSINGS`] already counted, this visit would be one too many.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::domain::cpr::age_in_years;
use crate::i18n::Lang;

/// The youngest a witness may be, in whole years on the visit date.
pub const MIN_AGE_YEARS: u16 = 18;

/// A witness must have had MitID for MORE than this many days.
///
/// Uncertain in the sources: the current guidance says 30 days, an older one says 10. It is
/// kept in this one constant so it is a one-line change if the rule turns out otherwise.
pub const MIN_MITID_DAYS: i64 = 30;

/// The most times someone may have been a witness within [`WINDOW_DAYS`] before a visit.
pub const MAX_WITNESSINGS: usize = 3;

/// The length of the look-back window for earlier witnessings, in days.
pub const WINDOW_DAYS: i64 = 120;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WitnessRecord {
    pub birth_date: Date,
    /// The day the witness's MitID was issued.
    pub mitid_since: Date,
    /// The days on which this person has been a witness before.
    pub previous_witnessings: Vec<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WitnessRefusal {
    #[error("the witness is {age} years old; a witness must be at least {min}", min = MIN_AGE_YEARS)]
    TooYoung { age: u16 },
    #[error("the witness has had MitID for {days} days; it must be more than {min}", min = MIN_MITID_DAYS)]
    MitIdTooNew { days: i64 },
    #[error(
        "the witness has already been a witness {count} times in the last {window} days",
        window = WINDOW_DAYS
    )]
    TooManyWitnessings { count: usize },
}

impl WitnessRefusal {
    /// A message for the clerk and the citizen, in the UI language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (WitnessRefusal::TooYoung { age }, Lang::Da) => {
                format!("Vidnet er {age} år. Et vidne skal være mindst {MIN_AGE_YEARS} år.")
            }
            (WitnessRefusal::TooYoung { age }, Lang::En) => format!(
                "The witness is {age} years old. A witness must be at least {MIN_AGE_YEARS}."
            ),
            (WitnessRefusal::MitIdTooNew { days }, Lang::Da) => format!(
                "Vidnet har haft MitID i {days} dage. Det skal være mere end {MIN_MITID_DAYS} dage."
            ),
            (WitnessRefusal::MitIdTooNew { days }, Lang::En) => format!(
                "The witness has had MitID for {days} days. It must be more than {MIN_MITID_DAYS} days."
            ),
            (WitnessRefusal::TooManyWitnessings { count }, Lang::Da) => format!(
                "Vidnet har allerede været vidne {count} gange inden for {WINDOW_DAYS} dage. \
                 Man må højst være vidne {MAX_WITNESSINGS} gange inden for {WINDOW_DAYS} dage."
            ),
            (WitnessRefusal::TooManyWitnessings { count }, Lang::En) => format!(
                "The witness has already been a witness {count} times within {WINDOW_DAYS} days. \
                 Nobody may be a witness more than {MAX_WITNESSINGS} times within {WINDOW_DAYS} days."
            ),
        }
    }
}

impl WitnessRecord {
    /// The first rule this witness fails on `visit`, checked in the order age, MitID age,
    /// earlier witnessings.
    pub fn check(&self, visit: Date) -> Result<(), WitnessRefusal> {
        match self.refusals(visit).into_iter().next() {
            Some(refusal) => Err(refusal),
            None => Ok(()),
        }
    }

    /// Every rule this witness fails on `visit`, so the clerk sees all problems at once.
    pub fn refusals(&self, visit: Date) -> Vec<WitnessRefusal> {
        let mut refusals = Vec::new();
        let age = age_in_years(self.birth_date, visit);
        if age < MIN_AGE_YEARS {
            refusals.push(WitnessRefusal::TooYoung { age });
        }
        let days = (visit - self.mitid_since).whole_days();
        if days <= MIN_MITID_DAYS {
            refusals.push(WitnessRefusal::MitIdTooNew { days });
        }
        let count = self.witnessings_in_window(visit);
        if count >= MAX_WITNESSINGS {
            refusals.push(WitnessRefusal::TooManyWitnessings { count });
        }
        refusals
    }

    /// Earlier witnessings that still count on `visit` (fewer than 120 days before it).
    pub fn witnessings_in_window(&self, visit: Date) -> usize {
        self.previous_witnessings
            .iter()
            .filter(|&&d| (visit - d).whole_days() < WINDOW_DAYS)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use time::macros::date;

    const VISIT: Date = date!(2026 - 06 - 15);

    fn ok_witness() -> WitnessRecord {
        WitnessRecord {
            birth_date: date!(1980 - 01 - 01),
            mitid_since: date!(2023 - 01 - 01),
            previous_witnessings: vec![],
        }
    }

    fn days_before(days: i64) -> Date {
        VISIT - Duration::days(days)
    }

    #[test]
    fn an_adult_with_an_old_mitid_and_no_witnessings_is_accepted() {
        assert_eq!(ok_witness().check(VISIT), Ok(()));
        assert!(ok_witness().refusals(VISIT).is_empty());
    }

    #[test]
    fn age_boundary() {
        for (birth, result) in [
            (date!(2008 - 06 - 15), Ok(())), // 18 today
            (date!(2008 - 06 - 14), Ok(())),
            (
                date!(2008 - 06 - 16),
                Err(WitnessRefusal::TooYoung { age: 17 }),
            ), // 18 tomorrow
            (
                date!(2015 - 01 - 01),
                Err(WitnessRefusal::TooYoung { age: 11 }),
            ),
            (
                date!(2030 - 01 - 01),
                Err(WitnessRefusal::TooYoung { age: 0 }),
            ), // bad data
        ] {
            let w = WitnessRecord {
                birth_date: birth,
                ..ok_witness()
            };
            assert_eq!(w.check(VISIT), result, "{birth}");
        }
    }

    #[test]
    fn leap_day_witness_turns_18_on_1_march() {
        let w = WitnessRecord {
            birth_date: date!(2008 - 02 - 29),
            ..ok_witness()
        };
        assert_eq!(
            w.check(date!(2026 - 02 - 28)),
            Err(WitnessRefusal::TooYoung { age: 17 })
        );
        assert_eq!(w.check(date!(2026 - 03 - 01)), Ok(()));
    }

    #[test]
    fn mitid_must_be_more_than_30_days_old() {
        for (days, accepted) in [
            (0, false),
            (1, false),
            (29, false),
            (30, false),
            (31, true),
            (32, true),
            (365, true),
            (-5, false), // issued after the visit: bad data, refused
        ] {
            let w = WitnessRecord {
                mitid_since: days_before(days),
                ..ok_witness()
            };
            let expected = if accepted {
                Ok(())
            } else {
                Err(WitnessRefusal::MitIdTooNew { days })
            };
            assert_eq!(w.check(VISIT), expected, "{days} days");
        }
    }

    #[test]
    fn at_most_three_witnessings_in_120_days() {
        // Days before the visit of the earlier witnessings, and whether this one is allowed.
        let table: &[(&[i64], bool)] = &[
            (&[], true),
            (&[1], true),
            (&[1, 2], true),
            (&[0, 50, 119], false), // three in the window: a 4th is refused
            (&[1, 2, 3], false),
            (&[1, 2, 120], true),  // exactly 120 days ago no longer counts
            (&[1, 2, 119], false), // 119 days ago still counts
            (&[1, 2, 121, 200, 300], true),
            (&[120, 121, 122, 500], true),
            (&[1, 2, -3], false), // dated after the visit: counted, to be safe
        ];
        for &(ago, allowed) in table {
            let w = WitnessRecord {
                previous_witnessings: ago.iter().map(|&d| days_before(d)).collect(),
                ..ok_witness()
            };
            match w.check(VISIT) {
                Ok(()) => assert!(allowed, "{ago:?}"),
                Err(WitnessRefusal::TooManyWitnessings { count }) => {
                    assert!(!allowed, "{ago:?}");
                    assert_eq!(count, 3, "{ago:?}");
                }
                Err(other) => panic!("{ago:?}: unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn refusals_lists_every_failed_rule_in_order() {
        let w = WitnessRecord {
            birth_date: date!(2010 - 01 - 01),
            mitid_since: days_before(10),
            previous_witnessings: vec![
                days_before(1),
                days_before(2),
                days_before(3),
                days_before(4),
            ],
        };
        assert_eq!(
            w.refusals(VISIT),
            vec![
                WitnessRefusal::TooYoung { age: 16 },
                WitnessRefusal::MitIdTooNew { days: 10 },
                WitnessRefusal::TooManyWitnessings { count: 4 },
            ]
        );
        assert_eq!(w.check(VISIT), Err(WitnessRefusal::TooYoung { age: 16 }));
    }

    #[test]
    fn messages_in_both_languages() {
        for refusal in [
            WitnessRefusal::TooYoung { age: 17 },
            WitnessRefusal::MitIdTooNew { days: 30 },
            WitnessRefusal::TooManyWitnessings { count: 3 },
        ] {
            let da = refusal.message(Lang::Da);
            let en = refusal.message(Lang::En);
            assert_ne!(da, en);
            assert!(!refusal.to_string().is_empty());
        }
        assert!(
            WitnessRefusal::MitIdTooNew { days: 30 }
                .message(Lang::Da)
                .contains("mere end 30")
        );
        assert!(
            WitnessRefusal::TooYoung { age: 17 }
                .message(Lang::En)
                .contains("at least 18")
        );
    }
}
