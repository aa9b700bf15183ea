//! A visit's saved progress, and which step comes next. Each step's data is only accepted
//! once the steps before it are done, so the flow cannot be taken out of order.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::devices::{Needs, NewDevice};
use super::identity_check::IdentityCheck;
use super::purpose::{Purpose, Step};
use crate::domain::power_of_attorney::RegisteredPower;
use crate::domain::{ActivationCode, AuthenticatorKind, ExemptionGround, exemption_end};
use crate::i18n::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitState {
    InProgress,
    Paused,
    Completed,
    Aborted,
    /// Refused because the citizen cannot handle MitID personally.
    Refused,
}

impl VisitState {
    pub const ALL: [VisitState; 5] = [
        VisitState::InProgress,
        VisitState::Paused,
        VisitState::Completed,
        VisitState::Aborted,
        VisitState::Refused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VisitState::InProgress => "in_progress",
            VisitState::Paused => "paused",
            VisitState::Completed => "completed",
            VisitState::Aborted => "aborted",
            VisitState::Refused => "refused",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            VisitState::InProgress => lang.pick("I gang", "In progress"),
            VisitState::Paused => lang.pick("Sat på pause", "Paused"),
            VisitState::Completed => lang.pick("Afsluttet", "Completed"),
            VisitState::Aborted => lang.pick("Afbrudt", "Aborted"),
            VisitState::Refused => lang.pick("Afvist", "Refused"),
        }
    }

    /// Whether the visit can still be worked on.
    pub fn is_open(self) -> bool {
        matches!(self, VisitState::InProgress | VisitState::Paused)
    }
}

/// The paper activation code, issued for one of the visit's devices. The code itself is
/// stored sealed beside the draft, never in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activation {
    pub kind: AuthenticatorKind,
    #[serde(with = "time::serde::rfc3339")]
    pub issued_at: OffsetDateTime,
    /// The clerk has ticked every item of the hand-over checklist.
    pub handed_over: bool,
}

impl Activation {
    pub fn code(&self) -> ActivationCode {
        ActivationCode::issued(self.issued_at)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExemptionChoice {
    /// Stating a reason is optional.
    pub ground: Option<ExemptionGround>,
    pub registered_on: Date,
}

impl ExemptionChoice {
    pub fn ends_on(&self) -> Date {
        exemption_end(self.registered_on)
    }
}

/// Everything the steps have recorded so far.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitDraft {
    pub identity_check: Option<IdentityCheck>,
    pub needs: Option<Needs>,
    #[serde(default)]
    pub devices: Vec<NewDevice>,
    pub user_id: Option<String>,
    /// Argon2 hash of the password the citizen typed; the password itself is never stored.
    pub password_hash: Option<String>,
    pub activation: Option<Activation>,
    pub exemption: Option<ExemptionChoice>,
    /// The paper power of attorney registered at the visit (never the holder's CPR number).
    #[serde(default)]
    pub power: Option<RegisteredPower>,
}

impl VisitDraft {
    /// A password is set with a new MitID whose authenticators include a physical device
    /// (the app has its own PIN).
    pub fn needs_password(&self, purpose: Purpose) -> bool {
        purpose.creates_identity() && self.devices.iter().any(|d| d.kind.is_physical())
    }

    pub fn is_done(&self, purpose: Purpose, step: Step) -> bool {
        match step {
            Step::Start => true,
            Step::IdentityCheck => self.identity_check.is_some(),
            Step::Authenticators => !self.devices.is_empty(),
            Step::UserId => {
                self.user_id.is_some()
                    && (!self.needs_password(purpose) || self.password_hash.is_some())
            }
            Step::Activation => self
                .activation
                .as_ref()
                .is_some_and(|a| a.handed_over && self.devices.iter().any(|d| d.kind == a.kind)),
            Step::Exemption => self.exemption.is_some(),
            Step::PowerOfAttorney => self.power.is_some(),
            Step::Finish => false,
        }
    }

    /// The first step not yet done: where the visit resumes.
    pub fn current_step(&self, purpose: Purpose) -> Step {
        purpose
            .steps()
            .iter()
            .copied()
            .find(|s| !self.is_done(purpose, *s))
            .unwrap_or(Step::Finish)
    }

    /// A step can be shown and saved once every step before it is done.
    pub fn can_enter(&self, purpose: Purpose, step: Step) -> bool {
        let steps = purpose.steps();
        match steps.iter().position(|s| *s == step) {
            Some(i) => steps[..i].iter().all(|s| self.is_done(purpose, *s)),
            None => false,
        }
    }

    /// New devices make an earlier activation code and hand-over void.
    pub fn set_devices(&mut self, needs: Needs, devices: Vec<NewDevice>) {
        if self.devices != devices {
            self.activation = None;
        }
        self.needs = Some(needs);
        self.devices = devices;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::counter::devices::Serial;
    use time::macros::{date, datetime};

    fn checked() -> VisitDraft {
        VisitDraft {
            identity_check: Some(IdentityCheck::ControlQuestions { answered: 3 }),
            ..VisitDraft::default()
        }
    }

    fn code_display() -> NewDevice {
        NewDevice {
            kind: AuthenticatorKind::CodeDisplay,
            serial: Serial::parse("CD12345678"),
        }
    }

    #[test]
    fn a_migration_walks_every_step_in_order() {
        let p = Purpose::NemIdMigration;
        let mut d = VisitDraft::default();
        assert_eq!(d.current_step(p), Step::IdentityCheck);
        assert!(!d.can_enter(p, Step::Authenticators));
        d = checked();
        assert_eq!(d.current_step(p), Step::Authenticators);
        d.set_devices(Needs::default(), vec![code_display()]);
        assert_eq!(d.current_step(p), Step::UserId);
        d.user_id = Some("grete hansen".into());
        // A code display needs a password.
        assert_eq!(d.current_step(p), Step::UserId);
        d.password_hash = Some("$argon2id$…".into());
        assert_eq!(d.current_step(p), Step::Activation);
        d.activation = Some(Activation {
            kind: AuthenticatorKind::CodeDisplay,
            issued_at: datetime!(2026-11-23 10:00 UTC),
            handed_over: false,
        });
        assert_eq!(d.current_step(p), Step::Activation);
        d.activation.as_mut().unwrap().handed_over = true;
        assert_eq!(d.current_step(p), Step::Finish);
        assert!(d.can_enter(p, Step::Finish));
        assert!(
            !d.can_enter(p, Step::Exemption),
            "not a step of this purpose"
        );
    }

    #[test]
    fn changing_the_devices_voids_the_activation_code() {
        let p = Purpose::NewMitId;
        let mut d = checked();
        d.set_devices(Needs::default(), vec![code_display()]);
        d.user_id = Some("grete".into());
        d.password_hash = Some("h".into());
        d.activation = Some(Activation {
            kind: AuthenticatorKind::CodeDisplay,
            issued_at: datetime!(2026-11-23 10:00 UTC),
            handed_over: true,
        });
        d.set_devices(Needs::default(), vec![code_display()]);
        assert!(d.activation.is_some(), "the same devices keep the code");
        d.set_devices(
            Needs::default(),
            vec![NewDevice {
                kind: AuthenticatorKind::App,
                serial: None,
            }],
        );
        assert_eq!(d.activation, None);
        assert!(!d.needs_password(p), "the app alone needs no password");
        assert_eq!(d.current_step(p), Step::Activation);
    }

    #[test]
    fn short_flows() {
        assert_eq!(
            checked().current_step(Purpose::RaiseAssurance),
            Step::Finish
        );
        assert_eq!(checked().current_step(Purpose::ChangeUserId), Step::UserId);
        let mut d = checked();
        assert_eq!(
            d.current_step(Purpose::DigitalPostExemption),
            Step::Exemption
        );
        d.exemption = Some(ExemptionChoice {
            ground: None,
            registered_on: date!(2026 - 11 - 23),
        });
        assert_eq!(
            d.exemption.as_ref().unwrap().ends_on(),
            date!(2028 - 11 - 01)
        );
        assert_eq!(d.current_step(Purpose::DigitalPostExemption), Step::Finish);
        assert!(!d.needs_password(Purpose::ChangeUserId));
    }

    #[test]
    fn the_draft_round_trips_through_json() {
        let mut d = checked();
        d.set_devices(
            Needs {
                no_smartphone: true,
                ..Needs::default()
            },
            vec![code_display()],
        );
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<VisitDraft>(&json).unwrap(), d);
    }
}
