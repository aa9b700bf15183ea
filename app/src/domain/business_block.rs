//! Who may ask the desk to block a MitID Erhverv identity or one of its authenticators.
//!
//! | asker \ target               | self | user | rights adm. | trusted | user adm. | org. adm. |
//! |------------------------------|------|------|-------------|---------|-----------|-----------|
//! | organisation administrator   | yes  | yes  | yes         | yes     | yes       | yes       |
//! | user administrator           | yes  | yes  | yes         | yes     | yes       | no        |
//! | rights administrator         | yes  | no   | no          | no      | no        | no        |
//! | user / trusted employee      | yes  | no   | no          | no      | no        | no        |
//!
//! Besides: both must belong to the same organisation, and the asker's own identity must be
//! active (a blocked or closed administrator cannot act for others). A private MitID used for
//! work belongs to the employee: the organisation can block its use for work (the whole
//! business identity) but not the private MitID's devices, which only the employee can have
//! blocked, through the citizen block flow. Lost or stolen means one authenticator, for good;
//! suspected misuse blocks the whole business identity until the administrators reopen it.

use serde::{Deserialize, Serialize};

use crate::domain::block_request::Verification;
use crate::domain::business::{BusinessIdentityStatus, BusinessRole};
use crate::i18n::Lang;

/// Why a business identity is blocked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BusinessBlockReason {
    Lost,
    Stolen,
    SuspectedMisuse,
}

impl BusinessBlockReason {
    pub const ALL: [BusinessBlockReason; 3] = [
        BusinessBlockReason::Lost,
        BusinessBlockReason::Stolen,
        BusinessBlockReason::SuspectedMisuse,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BusinessBlockReason::Lost => "lost",
            BusinessBlockReason::Stolen => "stolen",
            BusinessBlockReason::SuspectedMisuse => "suspected_misuse",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            BusinessBlockReason::Lost => lang.pick("Mistet", "Lost"),
            BusinessBlockReason::Stolen => lang.pick("Stjålet", "Stolen"),
            BusinessBlockReason::SuspectedMisuse => {
                lang.pick("Mistanke om misbrug", "Suspected misuse")
            }
        }
    }
}

/// What is blocked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BusinessTarget {
    /// One of the business identity's own authenticators.
    Authenticator(i64),
    /// The whole business identity (its use for work).
    WholeIdentity,
}

/// The facts about one business identity the rules look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdentityFacts {
    pub id: i64,
    pub organisation_id: i64,
    pub role: BusinessRole,
    pub status: BusinessIdentityStatus,
    pub private_mitid: bool,
}

/// Who asked, as recorded on the block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestedBy {
    /// The employee themself.
    Employee,
    /// An administrator of the employee's organisation.
    Administrator,
}

impl RequestedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestedBy::Employee => "employee",
            RequestedBy::Administrator => "administrator",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BusinessBlockRefusal {
    #[error("the asker belongs to another organisation")]
    OtherOrganisation,
    #[error("the asker's own identity is not active")]
    AskerNotActive,
    #[error("the asker may not ask for blocks of other employees")]
    NotAnAdministrator,
    #[error("only an organisation administrator may have an organisation administrator blocked")]
    OrganisationAdministratorOnly,
    #[error("the identity is closed")]
    Closed,
    #[error("the identity is already blocked")]
    AlreadyBlocked,
    #[error("a private MitID's devices are blocked by their owner")]
    PrivateMitId,
    #[error("a lost or stolen device is blocked on its own")]
    ChooseAuthenticator,
    #[error("suspected misuse blocks the whole business identity")]
    MisuseBlocksAll,
    #[error("no such authenticator on the identity")]
    NoSuchAuthenticator,
    #[error("the authenticator is already blocked")]
    AuthenticatorBlocked,
}

impl BusinessBlockRefusal {
    pub fn message(self, lang: Lang) -> &'static str {
        use BusinessBlockRefusal as R;
        match self {
            R::OtherOrganisation => lang.pick(
                "Den, der beder om spærringen, hører ikke til medarbejderens organisation.",
                "The person asking for the block does not belong to the employee's organisation.",
            ),
            R::AskerNotActive => lang.pick(
                "Den, der beder om spærringen, har selv en spærret eller lukket MitID Erhverv-identitet og kan ikke handle for andre.",
                "The person asking has a blocked or closed MitID Erhverv identity and cannot act for others.",
            ),
            R::NotAnAdministrator => lang.pick(
                "Kun medarbejderen selv eller organisationens bruger- eller organisationsadministrator kan bede om spærringen.",
                "Only the employee or the organisation's user or organisation administrator can ask for the block.",
            ),
            R::OrganisationAdministratorOnly => lang.pick(
                "En organisationsadministrator kan kun spærres på begæring af en anden organisationsadministrator eller personen selv.",
                "An organisation administrator can only be blocked at the request of another organisation administrator or themself.",
            ),
            R::Closed => lang.pick(
                "Medarbejderens MitID Erhverv-identitet er lukket. Der er intet at spærre.",
                "The employee's MitID Erhverv identity is closed. There is nothing to block.",
            ),
            R::AlreadyBlocked => lang.pick(
                "Medarbejderens MitID Erhverv-identitet er allerede spærret.",
                "The employee's MitID Erhverv identity is already blocked.",
            ),
            R::PrivateMitId => lang.pick(
                "Medarbejderen bruger sit private MitID på arbejdet. Organisationen kan spærre brugen til arbejdet, men de private loginmidler spærres kun efter aftale med medarbejderen selv, på en borgersag.",
                "The employee uses their private MitID for work. The organisation can block its use for work, but the private login means are blocked only with the employee themself, on a citizen case.",
            ),
            R::ChooseAuthenticator => lang.pick(
                "Et mistet eller stjålet loginmiddel spærres for sig: vælg hvilket.",
                "A lost or stolen login means is blocked on its own: choose which.",
            ),
            R::MisuseBlocksAll => lang.pick(
                "Ved mistanke om misbrug spærres hele medarbejderens MitID Erhverv.",
                "On suspected misuse the employee's whole MitID Erhverv is blocked.",
            ),
            R::NoSuchAuthenticator => lang.pick(
                "Loginmidlet findes ikke på medarbejderens MitID Erhverv.",
                "That login means is not on the employee's MitID Erhverv.",
            ),
            R::AuthenticatorBlocked => lang.pick(
                "Loginmidlet er allerede spærret.",
                "That login means is already blocked.",
            ),
        }
    }
}

/// Whether `asker` may have `target` blocked as `what`, for `reason`; on yes, who asked as
/// the block records it.
pub fn may_request(
    asker: &IdentityFacts,
    target: &IdentityFacts,
    what: BusinessTarget,
    reason: BusinessBlockReason,
) -> Result<RequestedBy, BusinessBlockRefusal> {
    use BusinessBlockRefusal as R;
    match (reason, what) {
        (BusinessBlockReason::SuspectedMisuse, BusinessTarget::Authenticator(_)) => {
            return Err(R::MisuseBlocksAll);
        }
        (
            BusinessBlockReason::Lost | BusinessBlockReason::Stolen,
            BusinessTarget::WholeIdentity,
        ) => {
            return Err(R::ChooseAuthenticator);
        }
        _ => {}
    }
    if asker.organisation_id != target.organisation_id {
        return Err(R::OtherOrganisation);
    }
    match target.status {
        BusinessIdentityStatus::Revoked => return Err(R::Closed),
        BusinessIdentityStatus::Blocked if what == BusinessTarget::WholeIdentity => {
            return Err(R::AlreadyBlocked);
        }
        _ => {}
    }
    if target.private_mitid && matches!(what, BusinessTarget::Authenticator(_)) {
        return Err(R::PrivateMitId);
    }
    if asker.id == target.id {
        return Ok(RequestedBy::Employee);
    }
    if asker.status != BusinessIdentityStatus::Active {
        return Err(R::AskerNotActive);
    }
    match (asker.role, target.role) {
        (BusinessRole::OrganisationAdministrator, _) => Ok(RequestedBy::Administrator),
        (BusinessRole::UserAdministrator, BusinessRole::OrganisationAdministrator) => {
            Err(R::OrganisationAdministratorOnly)
        }
        (BusinessRole::UserAdministrator, _) => Ok(RequestedBy::Administrator),
        _ => Err(R::NotAnAdministrator),
    }
}

/// A business block the desk may place, once the asker is verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BusinessBlockRequest {
    pub employee_id: i64,
    pub asker_id: i64,
    pub target: BusinessTarget,
    pub reason: BusinessBlockReason,
    pub verification: Verification,
}

#[cfg(test)]
mod tests {
    use super::*;
    use BusinessBlockReason::{Lost, Stolen, SuspectedMisuse};
    use BusinessBlockRefusal as R;
    use BusinessIdentityStatus::{Active, Blocked, Revoked};
    use BusinessRole::{
        OrganisationAdministrator as Org, RightsAdministrator as Rights,
        TrustedEmployee as Trusted, User, UserAdministrator as UserAdm,
    };
    use BusinessTarget::{Authenticator, WholeIdentity};

    /// A case: its name, asker, target, what, why, and the answer.
    type Row = (
        &'static str,
        IdentityFacts,
        IdentityFacts,
        BusinessTarget,
        BusinessBlockReason,
        Result<RequestedBy, BusinessBlockRefusal>,
    );

    fn id(id: i64, organisation_id: i64, role: BusinessRole) -> IdentityFacts {
        IdentityFacts {
            id,
            organisation_id,
            role,
            status: Active,
            private_mitid: false,
        }
    }

    /// The table in the module's documentation, cell by cell: asker role × target role, for
    /// a lost device of another employee of the same organisation.
    #[test]
    fn who_may_ask_for_whom() {
        let roles = [Org, UserAdm, Rights, User, Trusted];
        let allowed = |asker: BusinessRole, target: BusinessRole| match asker {
            Org => true,
            UserAdm => target != Org,
            _ => false,
        };
        for asker in roles {
            for target in roles {
                let got = may_request(&id(1, 7, asker), &id(2, 7, target), Authenticator(5), Lost);
                if allowed(asker, target) {
                    assert_eq!(
                        got,
                        Ok(RequestedBy::Administrator),
                        "{asker:?} → {target:?}"
                    );
                } else if asker == UserAdm {
                    assert_eq!(
                        got,
                        Err(R::OrganisationAdministratorOnly),
                        "{asker:?} → {target:?}"
                    );
                } else {
                    assert_eq!(got, Err(R::NotAnAdministrator), "{asker:?} → {target:?}");
                }
            }
            // Everyone may ask for their own.
            assert_eq!(
                may_request(&id(3, 7, asker), &id(3, 7, asker), Authenticator(5), Stolen),
                Ok(RequestedBy::Employee),
                "{asker:?} for themself"
            );
        }
    }

    #[test]
    fn the_other_rules() {
        let blocked = |mut f: IdentityFacts| {
            f.status = Blocked;
            f
        };
        let revoked = |mut f: IdentityFacts| {
            f.status = Revoked;
            f
        };
        let private = |mut f: IdentityFacts| {
            f.private_mitid = true;
            f
        };
        let table: &[Row] = &[
            (
                "another organisation's administrator",
                id(1, 8, Org),
                id(2, 7, User),
                Authenticator(5),
                Lost,
                Err(R::OtherOrganisation),
            ),
            (
                "a blocked administrator",
                blocked(id(1, 7, UserAdm)),
                id(2, 7, User),
                Authenticator(5),
                Lost,
                Err(R::AskerNotActive),
            ),
            (
                "a closed administrator",
                revoked(id(1, 7, Org)),
                id(2, 7, User),
                WholeIdentity,
                SuspectedMisuse,
                Err(R::AskerNotActive),
            ),
            (
                "a blocked employee for their own device",
                blocked(id(2, 7, User)),
                blocked(id(2, 7, User)),
                Authenticator(5),
                Lost,
                Ok(RequestedBy::Employee),
            ),
            (
                "a closed identity",
                id(1, 7, Org),
                revoked(id(2, 7, User)),
                Authenticator(5),
                Lost,
                Err(R::Closed),
            ),
            (
                "an already blocked identity",
                id(1, 7, UserAdm),
                blocked(id(2, 7, User)),
                WholeIdentity,
                SuspectedMisuse,
                Err(R::AlreadyBlocked),
            ),
            (
                "a device of an already blocked identity",
                id(1, 7, UserAdm),
                blocked(id(2, 7, User)),
                Authenticator(5),
                Stolen,
                Ok(RequestedBy::Administrator),
            ),
            (
                "misuse on one device",
                id(1, 7, Org),
                id(2, 7, User),
                Authenticator(5),
                SuspectedMisuse,
                Err(R::MisuseBlocksAll),
            ),
            (
                "a lost whole identity",
                id(1, 7, Org),
                id(2, 7, User),
                WholeIdentity,
                Lost,
                Err(R::ChooseAuthenticator),
            ),
            (
                "misuse of a private MitID used for work",
                id(1, 7, UserAdm),
                private(id(2, 7, User)),
                WholeIdentity,
                SuspectedMisuse,
                Ok(RequestedBy::Administrator),
            ),
            (
                "a private MitID's device, by the organisation",
                id(1, 7, Org),
                private(id(2, 7, User)),
                Authenticator(5),
                Lost,
                Err(R::PrivateMitId),
            ),
            (
                "a private MitID's device, by its owner",
                private(id(2, 7, User)),
                private(id(2, 7, User)),
                Authenticator(5),
                Lost,
                Err(R::PrivateMitId),
            ),
            (
                "the employee on suspected misuse",
                id(2, 7, Trusted),
                id(2, 7, Trusted),
                WholeIdentity,
                SuspectedMisuse,
                Ok(RequestedBy::Employee),
            ),
        ];
        for (name, asker, target, what, reason, expected) in table {
            assert_eq!(
                may_request(asker, target, *what, *reason),
                *expected,
                "{name}"
            );
        }
    }

    #[test]
    fn every_refusal_speaks_both_languages() {
        for r in [
            R::OtherOrganisation,
            R::AskerNotActive,
            R::NotAnAdministrator,
            R::OrganisationAdministratorOnly,
            R::Closed,
            R::AlreadyBlocked,
            R::PrivateMitId,
            R::ChooseAuthenticator,
            R::MisuseBlocksAll,
            R::NoSuchAuthenticator,
            R::AuthenticatorBlocked,
        ] {
            assert_ne!(r.message(Lang::Da), r.message(Lang::En));
        }
    }
}
