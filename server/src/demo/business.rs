//! Demo businesses: two organisations in the embedded registry with employees in every MitID
//! Erhverv role (one uses a private MitID for work with both consents, one without the
//! employer's), and cases for them: an employee's lost code display reported by the user
//! administrator, and a municipality's trusted employee locked out.

use app::domain::business::{BusinessRole, Party};
use app::domain::{AuthenticatorKind, Category, Channel, Cvr, System};
use app::store::cases::{self, NewCase};
use app::store::citizens::NewCitizen;
use app::store::organisations::{self, NewEmployee, NewOrganisation};
use app::store::{Db, StoreError};

use super::DemoError;

/// A demo organisation: CVR number, name, contact e-mail and phone, and its employees (name,
/// e-mail, user-ID, role, private MitID consents, own authenticators).
struct DemoOrganisation {
    cvr: &'static str,
    name: &'static str,
    email: &'static str,
    phone: &'static str,
    employees: &'static [DemoEmployee],
}

struct DemoEmployee {
    name: &'static str,
    email: &'static str,
    user_id: &'static str,
    role: BusinessRole,
    private_mitid: Option<(bool, bool)>,
    devices: &'static [(AuthenticatorKind, Option<&'static str>)],
}

/// Public demo numbers: both pass the CVR check.
const BAKERY_CVR: &str = "34801266";
const MUNICIPALITY_CVR: &str = "41928379";

const ORGANISATIONS: [DemoOrganisation; 2] = [
    DemoOrganisation {
        cvr: BAKERY_CVR,
        name: "Bager Hansen ApS",
        email: "kontakt@bagerhansen.example.dk",
        phone: "+45 33 12 34 56",
        employees: &[
            DemoEmployee {
                name: "Mette Hansen",
                email: "mette@bagerhansen.example.dk",
                user_id: "mette.bager",
                role: BusinessRole::OrganisationAdministrator,
                private_mitid: None,
                devices: &[(AuthenticatorKind::CodeDisplay, Some("CDE1000001"))],
            },
            DemoEmployee {
                name: "Lars Nielsen",
                email: "lars@bagerhansen.example.dk",
                user_id: "lars.bager",
                role: BusinessRole::UserAdministrator,
                private_mitid: None,
                devices: &[(AuthenticatorKind::App, None)],
            },
            DemoEmployee {
                name: "Sofie Berg",
                email: "sofie@bagerhansen.example.dk",
                user_id: "sofie.bager",
                role: BusinessRole::RightsAdministrator,
                private_mitid: None,
                devices: &[(AuthenticatorKind::CodeDisplay, Some("CDE1000003"))],
            },
            DemoEmployee {
                name: "Jonas Holm",
                email: "jonas@bagerhansen.example.dk",
                user_id: "jonas.bager",
                role: BusinessRole::User,
                private_mitid: None,
                devices: &[
                    (AuthenticatorKind::CodeDisplay, Some("CDE1000004")),
                    (AuthenticatorKind::App, None),
                ],
            },
            DemoEmployee {
                name: "Ida Lund",
                email: "ida@bagerhansen.example.dk",
                user_id: "ida.bager",
                role: BusinessRole::User,
                private_mitid: Some((true, true)),
                devices: &[],
            },
            DemoEmployee {
                name: "Peter Madsen",
                email: "peter@bagerhansen.example.dk",
                user_id: "peter.bager",
                role: BusinessRole::User,
                private_mitid: Some((true, false)),
                devices: &[],
            },
        ],
    },
    DemoOrganisation {
        cvr: MUNICIPALITY_CVR,
        name: "Demo Kommune, Borgerservice",
        email: "borgerservice@demokommune.example.dk",
        phone: "+45 70 10 20 30",
        employees: &[
            DemoEmployee {
                name: "Karin Dahl",
                email: "karin.dahl@demokommune.example.dk",
                user_id: "kd.kommune",
                role: BusinessRole::OrganisationAdministrator,
                private_mitid: None,
                devices: &[(AuthenticatorKind::Chip, Some("CHE2000001"))],
            },
            DemoEmployee {
                name: "Hanne Kjær",
                email: "hanne.kjaer@demokommune.example.dk",
                user_id: "hk.kommune",
                role: BusinessRole::TrustedEmployee,
                private_mitid: None,
                devices: &[(AuthenticatorKind::CodeDisplay, Some("CDE2000002"))],
            },
            DemoEmployee {
                name: "Ali Hassan",
                email: "ali.hassan@demokommune.example.dk",
                user_id: "ah.kommune",
                role: BusinessRole::UserAdministrator,
                private_mitid: None,
                devices: &[(AuthenticatorKind::App, None)],
            },
        ],
    },
];

/// The demo organisations, their employees and one case each; nothing when they exist.
pub async fn ensure_demo_businesses(db: &Db) -> Result<(), DemoError> {
    let invalid = |e: app::domain::cvr::CvrError| DemoError::Invalid("demo cvr", e.to_string());
    let mut tx = db.begin_write().await?;
    if organisations::find_by_cvr(&mut tx, &Cvr::parse(BAKERY_CVR).map_err(invalid)?)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let mut ids = Vec::new();
    for org in &ORGANISATIONS {
        let cvr = Cvr::parse(org.cvr).map_err(invalid)?;
        let id = organisations::find_or_create(
            &mut tx,
            &NewOrganisation {
                cvr: &cvr,
                name: org.name,
                contact_email: Some(org.email),
                contact_phone: Some(org.phone),
            },
        )
        .await?;
        for e in org.employees {
            organisations::create_employee(
                &mut tx,
                &NewEmployee {
                    organisation_id: id,
                    name: e.name,
                    email: Some(e.email),
                    user_id: e.user_id,
                    role: e.role,
                    private_mitid: e.private_mitid,
                    authenticators: e.devices,
                },
            )
            .await?;
        }
        ids.push(id);
    }
    let demo_cases = [
        (
            "Medarbejder har mistet sin kodeviser (Bager Hansen ApS)",
            "Brugeradministrator Lars Nielsen ringer: Jonas Holm har mistet sin kodeviser til MitID Erhverv. (Demodata.)",
            Party::CitizenForOrganisation,
            ("Lars Nielsen", "lars@bagerhansen.example.dk"),
            Category::LostOrStolenLoginMeans,
        ),
        (
            "Betroet medarbejder kan ikke logge på NemLog-in",
            "Hanne Kjær kan ikke logge på NemLog-in's brugeradministration. (Demodata.)",
            Party::Organisation,
            ("Karin Dahl", "karin.dahl@demokommune.example.dk"),
            Category::Other,
        ),
    ];
    for ((subject, body, party, (name, email), category), organisation) in
        demo_cases.into_iter().zip(ids)
    {
        let (case_id, _) = cases::create_in(
            &mut tx,
            NewCase {
                subject,
                body,
                system: if category == Category::Other {
                    System::NemLogIn
                } else {
                    System::MitId
                },
                category,
                channel: Channel::Phone,
                citizen: Some(NewCitizen {
                    name,
                    email: Some(email),
                    phone: None,
                    phone_hash: None,
                    cpr: None,
                    lang: "da",
                }),
                status_token_hash: None,
                created_by_staff: None,
                opened_at: None,
            },
        )
        .await?;
        organisations::set_case_party(&mut tx, case_id, party, Some(organisation)).await?;
    }
    tx.commit().await.map_err(StoreError::from)?;
    Ok(())
}
