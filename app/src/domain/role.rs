//! Staff roles. Each role has its own landing page and its own set of server functions.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Phone supporters on the shared support line.
    Supporter,
    /// Municipal counter staff.
    Borgerservice,
    /// Staff accounts, knowledge base, settings.
    Admin,
    /// Team lead on the support line: everything a supporter does, plus the dashboard and
    /// incidents.
    Lead,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: expected supporter, lead, borgerservice or admin")]
pub struct UnknownRole(pub String);

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Supporter,
        Role::Lead,
        Role::Borgerservice,
        Role::Admin,
    ];

    pub fn parse(value: &str) -> Result<Self, UnknownRole> {
        match value.trim().to_ascii_lowercase().as_str() {
            "supporter" => Ok(Role::Supporter),
            "borgerservice" => Ok(Role::Borgerservice),
            "admin" => Ok(Role::Admin),
            "lead" => Ok(Role::Lead),
            _ => Err(UnknownRole(value.to_owned())),
        }
    }

    /// The name stored in the database and used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Supporter => "supporter",
            Role::Borgerservice => "borgerservice",
            Role::Admin => "admin",
            Role::Lead => "lead",
        }
    }

    /// Where a member of this role lands after logging in.
    pub fn landing_path(self) -> &'static str {
        match self {
            Role::Supporter => "/support",
            Role::Borgerservice => "/borgerservice",
            Role::Admin => "/admin",
            Role::Lead => "/leder",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Role::Supporter => lang.pick("Supporter", "Supporter"),
            Role::Borgerservice => lang.pick("Borgerservice", "Citizen service counter"),
            Role::Admin => lang.pick("Administrator", "Administrator"),
            Role::Lead => lang.pick("Teamleder", "Team lead"),
        }
    }

    /// Whether a member of this role may do what `required` may: a team lead does all a
    /// supporter does (the queue, cases, blocks, calls); every other role only its own.
    pub fn acts_as(self, required: Role) -> bool {
        self == required || (self == Role::Lead && required == Role::Supporter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_role_by_its_own_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert_eq!(Role::parse(" Admin "), Ok(Role::Admin));
    }

    #[test]
    fn a_lead_acts_as_a_supporter_and_nobody_acts_as_a_lead_but_a_lead() {
        assert!(Role::Lead.acts_as(Role::Supporter));
        assert!(Role::Lead.acts_as(Role::Lead));
        assert!(!Role::Lead.acts_as(Role::Admin));
        assert!(!Role::Lead.acts_as(Role::Borgerservice));
        assert!(!Role::Supporter.acts_as(Role::Lead));
        assert!(!Role::Admin.acts_as(Role::Lead));
        assert!(!Role::Admin.acts_as(Role::Supporter));
    }

    #[test]
    fn refuses_unknown_roles() {
        assert!(Role::parse("root").is_err());
        assert!(Role::parse("").is_err());
    }

    #[test]
    fn landing_paths_are_distinct() {
        let paths: std::collections::HashSet<_> =
            Role::ALL.iter().map(|r| r.landing_path()).collect();
        assert_eq!(paths.len(), Role::ALL.len());
    }
}
