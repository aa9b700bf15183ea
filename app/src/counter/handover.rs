//! Step 5: the paper activation code. It is issued for one of the visit's devices, kept
//! sealed, printed on a receipt while the citizen does not have it yet, and handed over
//! while it is still valid.

use super::flow::{invalid, not_open, save};
use crate::audit::{self};
use crate::domain::audit::AuditEntry;
use crate::domain::counter::Activation;
use crate::domain::counter::view::Receipt;
use crate::domain::{AuthenticatorKind, PaperCode, danish_time};
use crate::errors::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::store::visits::{self, Visit};

/// Issues a new code for the device of kind `kind`; an earlier code no longer counts.
pub async fn issue_code(
    state: &AppState,
    visit: &Visit,
    kind: AuthenticatorKind,
) -> Result<(), AppError> {
    let code = generate_code();
    let sealed = state
        .cpr_vault
        .seal_secret(code.as_bytes())
        .map_err(|_| AppError::Internal)?;
    let mut draft = visit.draft.clone();
    draft.activation = Some(Activation {
        kind,
        issued_at: time::OffsetDateTime::now_utc(),
        handed_over: false,
    });
    if !visits::save_code(&state.db, visit.id, &draft, &sealed).await? {
        return Err(not_open());
    }
    Ok(())
}

/// Twelve characters from A–Z and 2–9 without the look-alikes (I, O, 0, 1), read from the
/// operating system's generator.
fn generate_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..crate::domain::activation_code::CODE_CHARS)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// Marks the code handed over; an expired code must be issued again first.
pub async fn hand_over(state: &AppState, visit: &Visit) -> Result<(), AppError> {
    let mut draft = visit.draft.clone();
    match draft.activation.as_mut() {
        Some(a) if a.code().is_valid(time::OffsetDateTime::now_utc()) => a.handed_over = true,
        _ => {
            return Err(invalid(
                "device",
                "Udsted en aktiveringskode først (en udløbet kode skal udstedes igen).",
                "Issue an activation code first (an expired code must be issued again).",
            ));
        }
    }
    save(state, visit, &draft).await
}

/// The receipt with the plain code, while the visit is open and the code not handed over.
/// Every reading is audited, as `staff`.
pub async fn receipt(
    state: &AppState,
    visit_id: i64,
    staff: &str,
) -> Result<Option<Receipt>, AppError> {
    let Some(visit) = visits::load(&state.db, visit_id).await? else {
        return Ok(None);
    };
    // The plain code is readable only until the citizen has it in hand.
    let activation = match visit.draft.activation.clone() {
        Some(a) if visit.state.is_open() && !a.handed_over => a,
        _ => return Ok(None),
    };
    let Some(sealed) = visits::sealed_code(&state.db, visit.id).await? else {
        return Ok(None);
    };
    audit::record(
        &state.db,
        &AuditEntry::new(
            staff,
            "counter.receipt.view",
            &format!("visit:{}", visit.id),
        ),
    )
    .await?;
    let code = state
        .cpr_vault
        .open_secret(&sealed)
        .ok()
        .and_then(|c| String::from_utf8(c).ok())
        .and_then(|c| PaperCode::parse(&c).ok())
        .ok_or(AppError::Internal)?;
    let device = visit
        .draft
        .devices
        .iter()
        .find(|d| d.kind == activation.kind)
        .map(|d| d.describe(Lang::Da))
        .unwrap_or_default();
    let until = danish_time::local(activation.code().expires_at());
    Ok(Some(Receipt {
        visit_id: visit.id,
        purpose: visit.purpose,
        citizen_name: visit.citizen_name,
        cpr_masked: visit.cpr_masked,
        device,
        code: code.formatted(),
        valid_until: format!(
            "{:02}-{:02}-{} {:02}:{:02}",
            until.day(),
            u8::from(until.month()),
            until.year(),
            until.hour(),
            until.minute()
        ),
        issued_by: visit.staff_name,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_right_length_and_no_look_alikes() {
        for _ in 0..50 {
            let code = generate_code();
            assert_eq!(code.len(), crate::domain::activation_code::CODE_CHARS);
            assert!(PaperCode::parse(&code).is_ok(), "{code}");
            assert!(!code.contains(['I', 'O', '0', '1']), "{code}");
        }
    }
}
