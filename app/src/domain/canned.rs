//! Canned responses: the replies supporters write again and again, in Danish and English.
//! Inserted into the reply box, then edited: they are a start, never sent unread.

use crate::i18n::Lang;

/// (title, text) pairs in the language of the reply.
pub fn canned(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::Da => &[
            (
                "Ny kodeviser bestilt",
                "Vi har spærret din gamle kodeviser, så ingen kan bruge den. Du kan få en ny kodeviser i Borgerservice i din kommune. Husk gyldigt billed-ID, fx pas eller kørekort.",
            ),
            (
                "Aktiveringskoden er udløbet",
                "En aktiveringskode gælder i 48 timer. Er den udløbet, kan du få en ny i Borgerservice eller ved at ringe til MitID Support. Husk gyldigt billed-ID.",
            ),
            (
                "Glemt bruger-ID",
                "Du kan finde dit bruger-ID på MitID.dk under \"Glemt bruger-ID\". Du skal bruge dit pas eller kørekort og din kodeviser eller app.",
            ),
            (
                "Fritagelse for Digital Post",
                "Du kan blive fritaget for Digital Post i Borgerservice i din kommune. Fritagelsen gælder til og med 1. november i det andet kalenderår efter registreringen.",
            ),
            (
                "Råd ved identitetstyveri",
                "Anmeld identitetstyveriet til politiet, og gem anmeldelsens journalnummer. Kontakt din bank og dine kreditorer med det samme. Tjek \"Seneste aktiviteter\" på MitID.dk.",
            ),
        ],
        Lang::En => &[
            (
                "New code display ordered",
                "We have blocked your old code display so nobody can use it. You can get a new one at Borgerservice in your municipality. Bring valid photo ID, e.g. a passport or driving licence.",
            ),
            (
                "The activation code has expired",
                "An activation code is valid for 48 hours. If it has expired, you can get a new one at Borgerservice or by calling MitID Support. Bring valid photo ID.",
            ),
            (
                "Forgotten user-ID",
                "You can find your user-ID on MitID.dk under \"Forgot user-ID\". You need your passport or driving licence and your code display or app.",
            ),
            (
                "Exemption from Digital Post",
                "You can be exempted from Digital Post at Borgerservice in your municipality. The exemption lasts until 1 November of the second calendar year after it is registered.",
            ),
            (
                "Advice on identity theft",
                "Report the identity theft to the police and keep the report number. Contact your bank and your creditors at once. Check \"Latest activities\" on MitID.dk.",
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_offer_the_same_responses_and_none_holds_a_cpr_number() {
        assert_eq!(canned(Lang::Da).len(), canned(Lang::En).len());
        for lang in [Lang::Da, Lang::En] {
            for (title, text) in canned(lang) {
                assert!(!title.is_empty() && text.len() > 40);
                assert!(!crate::domain::cpr::contains_cpr(text));
            }
        }
    }
}
