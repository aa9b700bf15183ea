//! Step 2 on the server: the identity check by document, witness or control questions, the
//! witness record it makes, and the higher bar when the visit raises the assurance level.

use super::flow::{not_open, refused, today};
use crate::domain::assurance_raise::needed_to_raise;
use crate::domain::counter::{CheckRefusal, IdentityCheck, Purpose};
use crate::domain::{Cpr, DocumentCheck, WitnessRecord};
use crate::errors::AppError;
use crate::state::AppState;
use crate::store::visits::{self, Visit, Witnessing};

/// How the identity was checked, as the form says.
pub enum CheckMethod {
    Document(DocumentCheck),
    Witness { cpr: Cpr, name: String },
    ControlQuestions { asked: u8, correct: u8 },
}

/// Records the check. A failed check is saved too (it clears an earlier pass, so the flow
/// cannot go on) and then refused with the reason.
pub async fn record(state: &AppState, visit: &Visit, method: CheckMethod) -> Result<(), AppError> {
    let today = today();
    let mut witnessing = Witnessing::None;
    let check = match method {
        CheckMethod::Document(document) => IdentityCheck::by_document(&document, today),
        CheckMethod::Witness { cpr, name } => {
            let hash = state.cpr_vault.lookup_hash(&cpr);
            match visits::witness_facts(&state.db, &hash, visit.id).await? {
                Some(facts) if facts.citizen_id == visit.citizen_id => {
                    Err(CheckRefusal::WitnessIsCitizen)
                }
                Some(visits::WitnessFacts {
                    citizen_id,
                    mitid_since: Some(since),
                    witnessed,
                }) => {
                    let record = WitnessRecord {
                        birth_date: cpr.birth_date(),
                        mitid_since: since,
                        previous_witnessings: witnessed,
                    };
                    let check = IdentityCheck::by_witness(citizen_id, &name, &record, today);
                    if check.is_ok() {
                        witnessing = Witnessing::By {
                            witness_citizen_id: citizen_id,
                            on: today,
                        };
                    }
                    check
                }
                _ => Err(CheckRefusal::WitnessHasNoMitId),
            }
        }
        CheckMethod::ControlQuestions { asked, correct } => {
            IdentityCheck::by_control_questions(asked, correct)
        }
    };
    let check = match (visit.purpose, check) {
        (Purpose::RaiseAssurance, Ok(c)) => {
            let current = crate::store::identities::for_citizen(&state.db, visit.citizen_id)
                .await?
                .map(|i| i.assurance);
            c.reaching(needed_to_raise(current))
        }
        (_, check) => check,
    };
    let mut draft = visit.draft.clone();
    draft.identity_check = check.as_ref().ok().cloned();
    if !visits::save_identity_check(&state.db, visit.id, &draft, witnessing).await? {
        return Err(not_open());
    }
    check
        .map(|_| ())
        .map_err(|refusal| refused("identity_check", |l| refusal.message(l)))
}
