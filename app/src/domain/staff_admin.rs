//! What an administrator may do to a staff account: the rule that keeps the desk from
//! locking itself out.

use serde::{Deserialize, Serialize};

use super::Role;

/// One change to an account, as the admin page and `supportdesk user` offer it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaffAction {
    Disable,
    Enable,
    ChangeRole(Role),
    Rename,
    /// A temporary password the person must change at their next login.
    ResetPassword,
    /// Removes the authenticator (a lost phone); the next login sets up a new one.
    ResetTwoFactor,
}

impl StaffAction {
    /// The audit log's name of the action.
    pub fn audit_action(self) -> &'static str {
        match self {
            StaffAction::Disable => "staff.disable",
            StaffAction::Enable => "staff.enable",
            StaffAction::ChangeRole(_) => "staff.role",
            StaffAction::Rename => "staff.rename",
            StaffAction::ResetPassword => "staff.password.reset",
            StaffAction::ResetTwoFactor => "staff.2fa.reset",
        }
    }
}

/// Why a change is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StaffRefusal {
    /// An administrator does not lock out, demote or reset themself from the admin page:
    /// another administrator (or the command line) does it.
    #[error("an administrator may not do this to their own account")]
    OwnAccount,
    /// The desk keeps at least one active administrator.
    #[error("the last active administrator cannot be disabled or given another role")]
    LastAdmin,
}

/// The facts the rule needs about the account and the desk.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    pub role: Role,
    pub active: bool,
    /// The administrator acting is this account.
    pub is_actor: bool,
    /// Other active administrators than this account.
    pub other_active_admins: i64,
}

pub fn may(action: StaffAction, target: Target) -> Result<(), StaffRefusal> {
    if target.is_actor && action != StaffAction::Rename {
        return Err(StaffRefusal::OwnAccount);
    }
    let removes_an_admin = target.role == Role::Admin
        && target.active
        && match action {
            StaffAction::Disable => true,
            StaffAction::ChangeRole(role) => role != Role::Admin,
            _ => false,
        };
    if removes_an_admin && target.other_active_admins == 0 {
        return Err(StaffRefusal::LastAdmin);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(role: Role, is_actor: bool, others: i64) -> Target {
        Target {
            role,
            active: true,
            is_actor,
            other_active_admins: others,
        }
    }

    #[test]
    fn an_admin_renames_themself_but_changes_nothing_else_of_their_own() {
        let me = target(Role::Admin, true, 3);
        assert_eq!(may(StaffAction::Rename, me), Ok(()));
        for action in [
            StaffAction::Disable,
            StaffAction::Enable,
            StaffAction::ChangeRole(Role::Supporter),
            StaffAction::ResetPassword,
            StaffAction::ResetTwoFactor,
        ] {
            assert_eq!(may(action, me), Err(StaffRefusal::OwnAccount), "{action:?}");
        }
    }

    #[test]
    fn the_last_active_admin_stays_an_active_admin() {
        let last = target(Role::Admin, false, 0);
        assert_eq!(
            may(StaffAction::Disable, last),
            Err(StaffRefusal::LastAdmin)
        );
        assert_eq!(
            may(StaffAction::ChangeRole(Role::Lead), last),
            Err(StaffRefusal::LastAdmin)
        );
        assert_eq!(may(StaffAction::ChangeRole(Role::Admin), last), Ok(()));
        assert_eq!(may(StaffAction::ResetPassword, last), Ok(()));
        assert_eq!(may(StaffAction::ResetTwoFactor, last), Ok(()));
        assert_eq!(
            may(StaffAction::Disable, target(Role::Admin, false, 1)),
            Ok(())
        );
        // A disabled admin is not what keeps the desk administered.
        let disabled = Target {
            active: false,
            ..last
        };
        assert_eq!(
            may(StaffAction::ChangeRole(Role::Supporter), disabled),
            Ok(())
        );
    }

    #[test]
    fn other_roles_are_changed_freely() {
        for role in [Role::Supporter, Role::Lead, Role::Borgerservice] {
            for action in [
                StaffAction::Disable,
                StaffAction::Enable,
                StaffAction::ChangeRole(Role::Admin),
                StaffAction::ResetPassword,
                StaffAction::ResetTwoFactor,
            ] {
                assert_eq!(
                    may(action, target(role, false, 0)),
                    Ok(()),
                    "{role:?} {action:?}"
                );
            }
        }
    }
}
