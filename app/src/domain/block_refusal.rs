//! Whether a well-formed block or lift may go ahead, given what the registry and the desk's
//! own block records say.

use crate::domain::identity_views::{AuthenticatorStatus, IdentityStatus};
use crate::i18n::Lang;

/// Why a block or lift was not placed, though the request itself was well formed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the citizen on the case has no MitID in the registry")]
    NoIdentity,
    #[error("the login means does not belong to the citizen's MitID")]
    UnknownAuthenticator,
    #[error("it is already blocked")]
    AlreadyBlocked,
    #[error("there is no temporary block to lift")]
    NothingToLift,
}

impl Refusal {
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            Refusal::NoIdentity => lang.pick(
                "Borgeren på sagen har intet MitID i registret.",
                "The citizen on the case has no MitID in the registry.",
            ),
            Refusal::UnknownAuthenticator => lang.pick(
                "Loginmidlet hører ikke til borgerens MitID.",
                "The login means does not belong to the citizen's MitID.",
            ),
            Refusal::AlreadyBlocked => {
                lang.pick("Det er allerede spærret.", "It is already blocked.")
            }
            Refusal::NothingToLift => lang.pick(
                "Der er ingen midlertidig spærring at ophæve.",
                "There is no temporary block to lift.",
            ),
        }
    }
}

/// The whole MitID may be blocked while it is active and no temporary block of it is open.
pub fn may_block_whole(status: IdentityStatus, open_whole_blocks: i64) -> Result<(), Refusal> {
    if status != IdentityStatus::Active || open_whole_blocks > 0 {
        return Err(Refusal::AlreadyBlocked);
    }
    Ok(())
}

/// One authenticator may be blocked when it belongs to the MitID (`status` is None when it
/// does not) and neither the registry nor the desk's records say it is blocked. With an
/// external registry the local status does not change: the desk's own record says it all
/// the same.
pub fn may_block_authenticator(
    status: Option<AuthenticatorStatus>,
    recorded_blocks: i64,
) -> Result<(), Refusal> {
    match status {
        None => Err(Refusal::UnknownAuthenticator),
        Some(AuthenticatorStatus::Blocked) => Err(Refusal::AlreadyBlocked),
        Some(_) if recorded_blocks > 0 => Err(Refusal::AlreadyBlocked),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_mitid_is_blocked_once() {
        assert_eq!(may_block_whole(IdentityStatus::Active, 0), Ok(()));
        assert_eq!(
            may_block_whole(IdentityStatus::Blocked, 0),
            Err(Refusal::AlreadyBlocked)
        );
        assert_eq!(
            may_block_whole(IdentityStatus::Revoked, 0),
            Err(Refusal::AlreadyBlocked)
        );
        // An external registry may not have confirmed the block yet.
        assert_eq!(
            may_block_whole(IdentityStatus::Active, 1),
            Err(Refusal::AlreadyBlocked)
        );
    }

    #[test]
    fn an_authenticator_is_blocked_once_and_only_on_its_own_mitid() {
        assert_eq!(
            may_block_authenticator(None, 0),
            Err(Refusal::UnknownAuthenticator)
        );
        assert_eq!(
            may_block_authenticator(Some(AuthenticatorStatus::Active), 0),
            Ok(())
        );
        assert_eq!(
            may_block_authenticator(Some(AuthenticatorStatus::PendingActivation), 0),
            Ok(())
        );
        assert_eq!(
            may_block_authenticator(Some(AuthenticatorStatus::Blocked), 0),
            Err(Refusal::AlreadyBlocked)
        );
        assert_eq!(
            may_block_authenticator(Some(AuthenticatorStatus::Active), 1),
            Err(Refusal::AlreadyBlocked)
        );
    }

    #[test]
    fn every_refusal_speaks_both_languages() {
        for r in [
            Refusal::NoIdentity,
            Refusal::UnknownAuthenticator,
            Refusal::AlreadyBlocked,
            Refusal::NothingToLift,
        ] {
            assert_ne!(r.message(Lang::Da), r.message(Lang::En));
        }
    }
}
