//! Businesses on the line: who a case is for (its party), MitID Erhverv roles and identities,
//! and the organisation panel a supporter sees.

use serde::{Deserialize, Serialize};

use crate::domain::case_category::{UnknownName, find};
use crate::domain::identity_views::AuthenticatorView;
use crate::i18n::Lang;

/// Who a case is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    #[default]
    Citizen,
    /// The organisation itself (its mailbox, its set-up).
    Organisation,
    /// A person acting for an organisation: an employee, an administrator.
    CitizenForOrganisation,
}

impl Party {
    pub const ALL: [Party; 3] = [
        Party::Citizen,
        Party::Organisation,
        Party::CitizenForOrganisation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Party::Citizen => "citizen",
            Party::Organisation => "organisation",
            Party::CitizenForOrganisation => "citizen_for_organisation",
        }
    }

    pub fn parse(value: &str) -> Result<Self, UnknownName> {
        find(&Self::ALL, Self::as_str, value, "party")
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Party::Citizen => lang.pick("Borger", "Citizen"),
            Party::Organisation => lang.pick("Virksomhed", "Organisation"),
            Party::CitizenForOrganisation => {
                lang.pick("Borger for virksomhed", "Citizen for organisation")
            }
        }
    }

    /// Whether the party names an organisation (and so needs a CVR number).
    pub fn has_organisation(self) -> bool {
        self != Party::Citizen
    }
}

/// The roles of MitID Erhverv.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BusinessRole {
    OrganisationAdministrator,
    UserAdministrator,
    RightsAdministrator,
    User,
    /// In municipalities: helps citizens who act under a digital power of attorney.
    TrustedEmployee,
}

impl BusinessRole {
    pub const ALL: [BusinessRole; 5] = [
        BusinessRole::OrganisationAdministrator,
        BusinessRole::UserAdministrator,
        BusinessRole::RightsAdministrator,
        BusinessRole::User,
        BusinessRole::TrustedEmployee,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BusinessRole::OrganisationAdministrator => "organisation_administrator",
            BusinessRole::UserAdministrator => "user_administrator",
            BusinessRole::RightsAdministrator => "rights_administrator",
            BusinessRole::User => "user",
            BusinessRole::TrustedEmployee => "trusted_employee",
        }
    }

    pub fn parse(value: &str) -> Result<Self, UnknownName> {
        find(&Self::ALL, Self::as_str, value, "business role")
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            BusinessRole::OrganisationAdministrator => {
                lang.pick("Organisationsadministrator", "Organisation administrator")
            }
            BusinessRole::UserAdministrator => {
                lang.pick("Brugeradministrator", "User administrator")
            }
            BusinessRole::RightsAdministrator => {
                lang.pick("Rettighedsadministrator", "Rights administrator")
            }
            BusinessRole::User => lang.pick("Bruger", "User"),
            BusinessRole::TrustedEmployee => lang.pick("Betroet medarbejder", "Trusted employee"),
        }
    }

    /// Administrators of the organisation's users: they get every block's confirmation.
    pub fn administers_users(self) -> bool {
        matches!(
            self,
            BusinessRole::OrganisationAdministrator | BusinessRole::UserAdministrator
        )
    }
}

/// A MitID Erhverv identity's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BusinessIdentityStatus {
    Active,
    /// Blocked on suspected misuse; the organisation's administrators reopen it.
    Blocked,
    /// Closed: the employee has left.
    Revoked,
}

impl BusinessIdentityStatus {
    pub const ALL: [BusinessIdentityStatus; 3] = [
        BusinessIdentityStatus::Active,
        BusinessIdentityStatus::Blocked,
        BusinessIdentityStatus::Revoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BusinessIdentityStatus::Active => "active",
            BusinessIdentityStatus::Blocked => "blocked",
            BusinessIdentityStatus::Revoked => "revoked",
        }
    }

    pub fn parse(value: &str) -> Result<Self, UnknownName> {
        find(&Self::ALL, Self::as_str, value, "business identity status")
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            BusinessIdentityStatus::Active => lang.pick("Aktiv", "Active"),
            BusinessIdentityStatus::Blocked => lang.pick("Spærret", "Blocked"),
            BusinessIdentityStatus::Revoked => lang.pick("Lukket", "Closed"),
        }
    }
}

/// An employee's MitID Erhverv identity as the case page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EmployeeView {
    pub id: i64,
    pub name: String,
    pub user_id: String,
    pub role: BusinessRole,
    pub status: BusinessIdentityStatus,
    /// The employee logs in for work with their private MitID.
    pub private_mitid: bool,
    pub employee_consent: bool,
    pub employer_consent: bool,
    /// The identity's own authenticators (none when the private MitID is used).
    pub authenticators: Vec<AuthenticatorView>,
}

impl EmployeeView {
    /// A private MitID may be used for work only when both have agreed.
    pub fn private_use_agreed(&self) -> bool {
        self.private_mitid && self.employee_consent && self.employer_consent
    }
}

/// The organisation on a case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrganisationView {
    pub id: i64,
    pub cvr: String,
    pub name: String,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub employees: Vec<EmployeeView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_ones_are_refused() {
        for p in Party::ALL {
            assert_eq!(Party::parse(p.as_str()), Ok(p));
        }
        for r in BusinessRole::ALL {
            assert_eq!(BusinessRole::parse(r.as_str()), Ok(r));
        }
        for s in BusinessIdentityStatus::ALL {
            assert_eq!(BusinessIdentityStatus::parse(s.as_str()), Ok(s));
        }
        assert!(Party::parse("company'--").is_err());
        assert!(BusinessRole::parse("admin").is_err());
    }
}
