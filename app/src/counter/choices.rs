//! What the citizen chooses during a visit: the devices (step 3), the user-ID and password
//! (step 4) and the Digital Post exemption, each checked against the MitID rules and the
//! registry before the draft is saved.

use super::flow::{invalid, refused, save, today};
use crate::domain::counter::devices::choose;
use crate::domain::counter::view::UserIdCheck;
use crate::domain::counter::{DeviceChoice, DeviceRefusal, ExemptionChoice, Needs};
use crate::domain::mitid_password::PasswordRule;
use crate::domain::mitid_user_id::{UserIdRule, check_all};
use crate::domain::{ExemptionGround, MitIdPassword, MitIdUserId};
use crate::errors::AppError;
use crate::state::AppState;
use crate::store::visits::{self, Visit};

/// Step 3: the devices for the citizen's needs, none of them already active and no serial
/// number registered to someone else.
pub async fn devices(
    state: &AppState,
    visit: &Visit,
    needs: Needs,
    chosen: &[DeviceChoice<'_>],
) -> Result<(), AppError> {
    let active = visits::active_kinds(&state.db, visit.citizen_id).await?;
    let devices =
        choose(needs, chosen, &active).map_err(|e| refused("authenticators", |l| e.message(l)))?;
    for serial in devices.iter().filter_map(|d| d.serial.as_ref()) {
        if visits::serial_taken(&state.db, serial.as_str()).await? {
            let e = DeviceRefusal::SerialTaken(serial.as_str().to_owned());
            return Err(refused("authenticators", |l| e.message(l)));
        }
    }
    let mut draft = visit.draft.clone();
    draft.set_devices(needs, devices);
    save(state, visit, &draft).await
}

/// The live check: every format rule, and, once they pass, whether the user-ID is free.
pub async fn check_user_id(
    state: &AppState,
    visit_id: i64,
    user_id: &str,
) -> Result<UserIdCheck, AppError> {
    let rules = check_all(user_id);
    let available = if rules.iter().all(|r| r.passed) {
        let citizen = visits::load(&state.db, visit_id)
            .await?
            .map(|v| v.citizen_id)
            .unwrap_or_default();
        Some(!visits::user_id_taken(&state.db, user_id, citizen).await?)
    } else {
        None
    };
    Ok(UserIdCheck { rules, available })
}

/// Step 4: the user-ID, and the password when a physical device needs one (stored hashed).
pub async fn user_id(
    state: &AppState,
    visit: &Visit,
    user_id: &str,
    password: Option<String>,
    password_repeat: Option<String>,
) -> Result<(), AppError> {
    let user_id = MitIdUserId::parse(user_id).map_err(|e| {
        let rule = UserIdRule::ALL.into_iter().find(|r| r.error() == e);
        refused("user_id", |l| {
            format!(
                "{} {}",
                l.pick(
                    "Bruger-ID'et opfylder ikke reglen:",
                    "The user-ID breaks the rule:"
                ),
                rule.map(|r| r.label(l)).unwrap_or_default()
            )
        })
    })?;
    if visits::user_id_taken(&state.db, user_id.as_str(), visit.citizen_id).await? {
        return Err(invalid(
            "user_id",
            "Bruger-ID'et er optaget (store og små bogstaver regnes ens). Vælg et andet.",
            "The user-ID is taken (upper and lower case count as the same). Choose another.",
        ));
    }
    let mut draft = visit.draft.clone();
    draft.user_id = Some(user_id.as_str().to_owned());
    draft.password_hash = None;
    if draft.needs_password(visit.purpose) {
        let password = password.unwrap_or_default();
        if password != password_repeat.unwrap_or_default() {
            return Err(invalid(
                "password",
                "De to adgangskoder er ikke ens.",
                "The two passwords differ.",
            ));
        }
        let password = MitIdPassword::parse(&password, user_id.as_str()).map_err(|e| {
            let rule = PasswordRule::ALL.into_iter().find(|r| r.error() == e);
            refused("password", |l| {
                format!(
                    "{} {}",
                    l.pick(
                        "Adgangskoden opfylder ikke reglen:",
                        "The password breaks the rule:"
                    ),
                    rule.map(|r| r.label(l)).unwrap_or_default()
                )
            })
        })?;
        draft.password_hash = Some(
            crate::auth::password::hash(password.expose().to_owned())
                .await
                .map_err(|_| AppError::Internal)?,
        );
    }
    save(state, visit, &draft).await
}

/// The Digital Post exemption, registered today; stating a ground is optional.
pub async fn exemption(
    state: &AppState,
    visit: &Visit,
    ground: Option<ExemptionGround>,
) -> Result<(), AppError> {
    let mut draft = visit.draft.clone();
    draft.exemption = Some(ExemptionChoice {
        ground,
        registered_on: today(),
    });
    save(state, visit, &draft).await
}
